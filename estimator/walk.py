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
    updates: dict[str, Any] = {}
    for field, value in model:
        if not prefix and field in NOT_INPUTS:
            continue
        path = f"{prefix}.{field}" if prefix else field
        new = _map_value(value, change, path)
        if new is not value:
            updates[field] = new
    return model.model_copy(update=updates) if updates else model


def _map_value(value: Any, change: Callable[[str, pint.Quantity], pint.Quantity], path: str) -> Any:
    if isinstance(value, pint.Quantity):
        return change(path, value)
    if isinstance(value, BaseModel):
        return map_quantities(value, change, path)
    if isinstance(value, list):
        items = [_map_value(item, change, f"{path}.{_label(item, index)}") for index, item in enumerate(value)]
        return items if any(new is not old for new, old in zip(items, value)) else value
    return value
