"""Editing a scenario's assumptions: list them, turn edits into overrides, write the result.

The app (and anything else that edits a scenario) never changes a validated Scenario: it
re-validates the file's text with ``--set``-style overrides, so an edit meets exactly the
checks and messages a file does. This module lists what can be edited (every input quantity,
number and choice, named by the same dotted paths as ``estimator.walk``), says which override
path each one has (list items by index), and applies edits one at a time so that a bad value
is reported at its own field while the others still take effect.

>>> from estimator.library import SCENARIOS_DIR
>>> text = (SCENARIOS_DIR / "video_recommendation.yaml").read_text()
>>> fields = {f.path: f for f in editable_inputs(load_scenario_text(text, "v.yaml"))}
>>> fields["data.watch_events.record_size"].target, fields["data.watch_events.record_size"].text
('data.0.record_size', '200 B')
>>> fields["traffic.monthly_active_users"].text
'2 billion user'
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pint
import yaml
from pydantic import BaseModel, WithJsonSchema

from estimator.display import number_words
from estimator.errors import Problem, ScenarioError
from estimator.ranges import Range
from estimator.scenario import Scenario, apply_overrides, load_scenario_text
from estimator.scenario.fields import FieldRules
from estimator.scenario.source import read_yaml
from estimator.units import unit_text
from estimator.walk import iter_values

Kind = Literal["quantity", "range", "number", "choice"]
Loader = Callable[[str | bytes, str, Sequence[str]], Scenario]  # load_scenario_text's shape
MAX_TEXT = 200  # an edited value is one short line; longer text is refused by the widget


@dataclass(frozen=True)
class Input:
    """One editable assumption."""

    path: str  # as estimator.walk names it: data.watch_events.record_size
    target: str  # as an override addresses it: data.0.record_size
    section: str  # top-level key: traffic, data, features, models ...
    group: str  # what it belongs to, for headings: "watch_events", "online · user", "" for the section
    name: str  # the field: record_size
    kind: Kind
    text: str  # the current value, written so that it parses back (a range as a YAML flow mapping)
    unit: str = ""  # unit of a quantity or range as written ("request/user/day"); "" for numbers, choices
    choices: tuple[str, ...] = ()
    help: str = ""  # what is expected, with an example

    @property
    def label(self) -> str:
        """``record_size`` → ``Record size``."""
        return self.name.replace("_", " ").capitalize()


def editable_inputs(scenario: Scenario) -> list[Input]:
    """Every assumption of ``scenario`` that a person may edit, in file order.

    The leaves come from ``estimator.walk.iter_values``, the walker the conventions and the
    sampler use, so an input has the same dotted name everywhere.
    """
    accelerators = tuple(sorted(scenario.accelerators()))
    inputs = []
    for path, raw, value in iter_values(scenario):
        info = _field_info(scenario, raw)
        if info is None or len(raw) < 2:  # name, summary, archetype: labels, not assumptions
            continue
        made = _input(path, raw, value, info, accelerators)
        if made is not None:
            inputs.append(made)
    return inputs


def _field_info(model: Any, raw: tuple[str | int, ...]) -> Any:
    """The pydantic FieldInfo of the leaf at ``raw`` (its annotation and declared schema)."""
    parent = model
    for part in raw[:-1]:
        parent = parent[part] if isinstance(part, int) else getattr(parent, part)
    return type(parent).model_fields.get(str(raw[-1])) if isinstance(parent, BaseModel) else None


def _input(path: str, raw: tuple[str | int, ...], value: Any, info: Any, accelerators: tuple[str, ...]) -> Input | None:
    names = path.split(".")
    # Headings name list items and nested sections, not the list fields themselves ("groups").
    group = " · ".join(name for index, name in enumerate(names[1:-1], 1) if not isinstance(raw[index + 1], int))
    common: dict[str, Any] = {"path": path, "target": ".".join(str(part) for part in raw), "section": names[0], "group": group,
              "name": names[-1], "help": _help(info)}
    if isinstance(value, pint.Quantity):
        return Input(kind="quantity", text=quantity_text(value), unit=unit_text(value.units), **common)
    if isinstance(value, Range):
        unit = unit_text(value.low.units) if isinstance(value.low, pint.Quantity) else ""
        return Input(kind="range", text=range_text(value), unit=unit, **common)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Input(kind="number", text=number_words(value), **common)
    if isinstance(value, str):
        choices = _literal_choices(info.annotation) or (accelerators if names[-1] == "accelerator" else ())
        if choices:
            return Input(kind="choice", text=value, choices=choices, **common)
    return None


def range_text(value: Range) -> str:
    """A range as the file writes it, a YAML flow mapping: ``{low: 700 million user, high: ...}``."""
    show: dict[bool, Any] = {True: quantity_text, False: number_words}
    options = getattr(value, "options", ())  # a design choice (estimator.choices)
    if options:
        return "{choose: [" + ", ".join(show[isinstance(o, pint.Quantity)](o) for o in options) + "]}"
    parts = [f"low: {show[isinstance(value.low, pint.Quantity)](value.low)}",
             f"high: {show[isinstance(value.high, pint.Quantity)](value.high)}", f"dist: {value.dist}"]
    if value.mode is not None:
        parts.append(f"mode: {show[isinstance(value.mode, pint.Quantity)](value.mode)}")
    return "{" + ", ".join(parts) + "}"


def _literal_choices(annotation: Any) -> tuple[str, ...]:
    if typing.get_origin(annotation) is Literal:
        return tuple(str(arg) for arg in typing.get_args(annotation))
    return ()


def _help(info: Any) -> str:
    """The expectation a field declares in its JSON schema (see estimator.scenario.fields)."""
    for item in _metadata(info):
        if isinstance(item, WithJsonSchema) and item.json_schema:
            return _described(item.json_schema)
    choices = _literal_choices(info.annotation)
    return "one of: " + ", ".join(choices) if choices else ""


def _metadata(info: Any) -> list[Any]:
    """A field's Annotated metadata, also when it is optional (``Amount(...) | None``)."""
    found = list(info.metadata)
    for arg in typing.get_args(info.annotation):
        found += list(getattr(arg, "__metadata__", ()))
    # Amount(...) groups its rules (fields.FieldRules); pydantic unpacks them, and so does this.
    return [rule for item in found for rule in (item if isinstance(item, FieldRules) else (item,))]


def _described(schema: dict[str, Any]) -> str:
    """The description (with an example) of a schema, or of its first alternative."""
    if "description" in schema:
        description = str(schema["description"])
        examples = schema.get("examples") or []
        return description + (f", e.g. '{examples[0]}'" if examples and "e.g." not in description else "")
    options = schema.get("anyOf") or [{}]
    return _described(options[0]) if options[0] else ""


def quantity_text(quantity: pint.Quantity) -> str:
    """``Q_(2e9, "user")`` → ``2 billion user``: the value in the unit it was written in.

    >>> from estimator.units import parse_quantity
    >>> quantity_text(parse_quantity("5 request/user/day")), quantity_text(parse_quantity("1 KB"))
    ('5 request/user/day', '1 KB')
    """
    return f"{number_words(quantity.magnitude)} {unit_text(quantity.units)}".strip()


# ------------------------------------------------------------------------------- applying

@dataclass(frozen=True)
class Edited:
    """The outcome of applying edits: the scenario (None when the edits together do not
    validate), one message per field whose value was refused, and the overrides that held."""

    scenario: Scenario | None
    overrides: tuple[str, ...]
    field_errors: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None


def changed_overrides(inputs: Sequence[Input], texts: Mapping[str, str]) -> list[tuple[Input, str]]:
    """(input, ``target=value``) for each input whose text in ``texts`` differs from its value.

    >>> i = Input("traffic.write_fraction", "traffic.write_fraction", "traffic", "", "write_fraction", "number", "0")
    >>> [o for _, o in changed_overrides([i], {"traffic.write_fraction": " 0.1 "})]
    ['traffic.write_fraction=0.1']
    >>> changed_overrides([i], {"traffic.write_fraction": "0"})
    []
    """
    changed = []
    for item in inputs:
        text = texts.get(item.path, item.text).strip()
        if text != item.text:
            changed.append((item, f"{item.target}={text}"))
    return changed


def apply_edits(text: str | bytes, file: str, inputs: Sequence[Input], texts: Mapping[str, str],
                base: Sequence[str] = (), load: Loader = load_scenario_text) -> Edited:
    """Validate ``text`` with the ``base`` overrides plus each edited input.

    Each edit is first tried on its own, so a refused value is reported at its field (with the
    message the CLI's ``--set`` gives) and left out, while the valid edits still apply. Edits
    refused alone are then tried together: a device and a precision it offers (a TPU and bf16)
    hold only as a pair. ``load`` is ``load_scenario_text`` or a cached stand-in for it (the app's,
    keyed on its arguments): the last trial load is the final scenario, so with a cache an edit is
    validated once.
    """
    errors: dict[str, str] = {}
    kept = list(base)
    refused: list[str] = []
    for item, override in changed_overrides(inputs, texts):
        try:
            load(text, file, [*kept, override])
        except ScenarioError as error:
            errors[item.path] = problem_text(error.problems[0])
            refused.append(override)
            continue
        kept.append(override)
    if len(refused) > 1:
        try:
            load(text, file, [*kept, *refused])
        except ScenarioError:
            pass
        else:
            kept += refused
            errors = {}
    try:
        scenario = load(text, file, kept)
    except ScenarioError as error:
        return Edited(None, tuple(kept), errors, str(error))
    return Edited(scenario, tuple(kept), errors)


def problem_text(problem: Problem) -> str:
    """A problem without its location, for showing next to the field it is about.

    >>> problem_text(Problem("f", 3, 4, "traffic.request_size", "wrong dimension", given="'2'", expected="bytes"))
    "wrong dimension: given '2', expected bytes"
    """
    details = [f"given {problem.given}" if problem.given is not None else "",
               f"expected {problem.expected}" if problem.expected is not None else ""]
    text = problem.what + (": " + ", ".join(d for d in details if d) if any(details) else "")
    return text + (f"; {problem.hint}" if problem.hint else "")


def section_overrides(text: str | bytes, file: str, section: str, values: Mapping[str, Any]) -> list[str]:
    """Overrides that set ``section.key`` for each value, also when the file has no such section.

    A missing section is given whole, as a YAML flow mapping (``--set`` cannot create keys
    below a missing one).

    >>> section_overrides("name: x\\nconventions: {}\\n", "f", "conventions", {"peak_factor": 3})
    ['conventions.peak_factor=3']
    >>> section_overrides("name: x\\n", "f", "conventions", {"peak_factor": 3, "month": "30 days"})
    ['conventions={peak_factor: 3, month: 30 days}']
    """
    if not values:
        return []
    data = read_yaml(text, file).data
    if isinstance(data, dict) and isinstance(data.get(section), dict):
        return [f"{section}.{key}={_scalar(value)}" for key, value in values.items()]
    flow = yaml.safe_dump(dict(values), default_flow_style=True, sort_keys=False, allow_unicode=True)
    return [f"{section}={flow.strip()}"]


def price_book_overrides(book_text: str | bytes, book_file: str, text: str | bytes, file: str) -> list[str]:
    """A price book (an upload in the app) as overrides: each entry the scenario's own ``catalog:`` lacks.

    The scenario's entries win over the book's, as with ``--catalog``. The book is validated
    first, so a mistake in it is reported at its own line (``load_price_book_text``).

    >>> book = "prices: {network: {cdn: {price: 0.02 USD/GB, source: quote, as_of: 2026-11-01}}}"
    >>> price_book_overrides(book, "book.yaml", "name: x\\n", "x.yaml")
    ['catalog.prices.network.cdn={price: 0.02 USD/GB, source: quote, as_of: 2026-11-01}']
    >>> price_book_overrides(book, "book.yaml", "name: x\\ncatalog: {prices: {network: {cdn: {}}}}\\n", "x.yaml")
    []
    """
    from estimator.scenario import load_price_book_text

    load_price_book_text(book_text, book_file)
    book = read_yaml(book_text, book_file).data
    data = read_yaml(text, file).data
    own = (data.get("catalog") if isinstance(data, dict) else None) or {}
    overrides = [f"catalog.accelerators.{key}={_flow(entry)}" for key, entry in (book.get("accelerators") or {}).items()
                 if key not in (own.get("accelerators") or {})]
    for group, entries in (book.get("prices") or {}).items():
        mine = (own.get("prices") or {}).get(group) or {}
        overrides += [f"catalog.prices.{group}.{name}={_flow(entry)}" for name, entry in entries.items()
                      if name not in mine]
    return overrides


def _flow(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True, sort_keys=False, allow_unicode=True, width=10**6).strip()


def _scalar(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True).removesuffix("\n...\n").strip()


def edited_yaml(text: str | bytes, file: str, overrides: Sequence[str]) -> str:
    """The scenario file with ``overrides`` applied, as YAML that loads back to the same scenario.

    Comments of the original are not kept (PyYAML drops them); a header lists what changed.
    """
    data = apply_overrides(read_yaml(text, file).data, overrides, file)
    header = [f"# Edited in Envelope from {file}."]
    header += [f"# changed: {override}" for override in overrides] or ["# (no changes)"]
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(header) + "\n" + body


def reworded(message: str, names: Mapping[str, str]) -> str:
    """``message`` with each field path in ``names`` (an input's override path or walk path) replaced
    by the name a person sees for it, e.g. the label of its field in the app. Longer paths first,
    so ``data.0.record_size`` is not read as ``data.0`` plus a tail.

    >>> reworded("v.yaml: --set traffic.response_size: wrong dimension", {"traffic.response_size": "'Response size'"})
    "v.yaml: --set 'Response size': wrong dimension"
    >>> reworded("data.0.record_size and data.0", {"data.0": "'watch_events'", "data.0.record_size": "'Record size'"})
    "'Record size' and 'watch_events'"
    """
    if not names:
        return message
    pattern = re.compile("|".join(rf"(?<![\w.]){re.escape(path)}(?![\w])" for path in sorted(names, key=len, reverse=True)))
    return pattern.sub(lambda match: names[match.group(0)], message)
