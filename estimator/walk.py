"""Visit every quantity in a scenario: to list inputs by dotted path, or to replace them.

One walker serves the conventions (calendar units → seconds), the named inputs of derived
expressions, and the sampler (a point value → an array of samples).
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pint
from pydantic import BaseModel

# Sections that hold settings or reference data rather than assumptions about the system.
NOT_INPUTS = ("conventions", "catalog", "framing")


def _label(item: Any, index: int) -> str:
    return getattr(item, "name", None) or getattr(item, "entity", None) or str(index)


def iter_quantities(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, pint.Quantity]]:
    """(dotted path, quantity) for each quantity input; list items are named by their ``name``."""
    for field, value in model:
        if not prefix and field in NOT_INPUTS:
            continue
        path = f"{prefix}.{field}" if prefix else field
        yield from _iter_value(value, path)


def _iter_value(value: Any, path: str) -> Iterator[tuple[str, pint.Quantity]]:
    if isinstance(value, pint.Quantity):
        yield path, value
    elif isinstance(value, BaseModel):
        yield from iter_quantities(value, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _iter_value(item, f"{path}.{_label(item, index)}")


def map_quantities(model: BaseModel, change: Callable[[str, pint.Quantity], pint.Quantity],
                   prefix: str = "") -> Any:
    """A copy of ``model`` with every input quantity replaced by ``change(path, quantity)``."""
    return map_values(model, lambda path, value: change(path, value) if isinstance(value, pint.Quantity) else value,
                      prefix)


def map_values(model: BaseModel, change: Callable[[str, Any], Any], prefix: str = "",
               skip: tuple[str, ...] = NOT_INPUTS) -> Any:
    """A copy of ``model`` with every leaf value (quantity, number, range, text) passed through ``change``.

    ``change`` returns the value itself to keep it; only changed parts are copied. The
    top-level sections in ``skip`` are left alone.
    """
    updates: dict[str, Any] = {}
    for field, value in model:
        if not prefix and field in skip:
            continue
        path = f"{prefix}.{field}" if prefix else field
        new = _map_value(value, change, path)
        if new is not value:
            updates[field] = new
    return model.model_copy(update=updates) if updates else model


def _map_value(value: Any, change: Callable[[str, Any], Any], path: str) -> Any:
    if isinstance(value, BaseModel):
        return map_values(value, change, path, skip=())
    if isinstance(value, list):
        items = [_map_value(item, change, f"{path}.{_label(item, index)}") for index, item in enumerate(value)]
        return items if any(new is not old for new, old in zip(items, value)) else value
    if isinstance(value, dict):  # settings such as a catalog: not inputs
        return value
    return change(path, value)


def iter_values(model: BaseModel, prefix: str = "", skip: tuple[str, ...] = NOT_INPUTS,
                raw: tuple[str | int, ...] = ()) -> Iterator[tuple[str, tuple[str | int, ...], Any]]:
    """(dotted path, path in the file's data, value) for every leaf value, in file order.

    The dotted path names list items (``data.impressions.record_size``); the file path
    indexes them (``("data", 0, "record_size")``), for messages and ``--set``.
    """
    for field, value in model:
        if not prefix and field in skip:
            continue
        yield from _iter_leaf(value, f"{prefix}.{field}" if prefix else field, (*raw, field))


def _iter_leaf(value: Any, path: str, raw: tuple[str | int, ...]) -> Iterator[tuple[str, tuple[str | int, ...], Any]]:
    if isinstance(value, BaseModel):
        yield from iter_values(value, path, (), raw)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _iter_leaf(item, f"{path}.{_label(item, index)}", (*raw, index))
    elif not isinstance(value, dict):
        yield path, raw, value
