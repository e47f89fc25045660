"""Pydantic's validation errors turned into located ``Problem``s, one per mistake, in words.

``problem_of`` words one error of ``Scenario.model_validate`` and locates it with the file's
positions; unknown keys get a "did you mean" from the fields allowed where they stand.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from estimator.errors import Problem, did_you_mean
from estimator.scenario.fields import Strict
from estimator.scenario.models import Scenario
from estimator.scenario.source import YamlDocument

__all__ = ["given_kind", "origin", "problem_of"]


def origin(document: YamlDocument, loc: tuple[Any, ...], overrides: typing.Sequence[str]) -> YamlDocument:
    r"""The file for a problem, or the ``--set`` option that wrote the offending value or key.

    A problem at or below a path an override set is that option's, not the file's: the file
    line that held the old value is not where the mistake is. So is a problem of a section the
    option wrote into (``traffic: give daily_active_users or monthly_active_users, not both``
    after ``--set traffic.daily_active_users=...``): the file was valid before the option.

    >>> from estimator.scenario.source import read_yaml
    >>> doc = read_yaml("traffic:\n  request_size: 2 KB\n", "s.yaml")
    >>> origin(doc, ("traffic", "request_size"), ["traffic.request_size=5 kg"]).file
    "--set 'traffic.request_size=5 kg'"
    >>> origin(doc, ("traffic", "request_size"), ["conventions.peak_factor=3"]).file
    's.yaml'
    >>> origin(doc, ("traffic",), ["traffic.daily_active_users=5 million user"]).file
    "--set 'traffic.daily_active_users=5 million user'"
    """
    for override in reversed(overrides):  # the last one written wins, as in apply_overrides
        path = tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\[\]]+", override.partition("=")[0]) if p)
        if path and (loc[:len(path)] == path or (loc and path[:len(loc)] == loc)):
            return YamlDocument(f"--set {override!r}", None)
    if overrides and loc and loc[:1] not in document.positions and loc[:1] not in document.key_positions:
        return YamlDocument("--set", None)
    return document


def problem_of(document: YamlDocument, error: Any, root: Any = None) -> Problem:
    """Turn one pydantic error into one located Problem (``root``: the model validated, a Scenario by default)."""
    loc = tuple(error["loc"])
    kind, context = error["type"], error.get("ctx") or {}
    if kind == "extra_forbidden":
        fields = _fields_at(root or Scenario, loc[:-1])
        return document.problem(loc, "unknown key", at_key=True, hint=did_you_mean(str(loc[-1]), fields))
    if kind == "missing":
        choices = _choices_at(loc)
        named = [repr(choice) for choice in choices]  # worded as pydantic words a wrong choice
        return document.problem(loc, "missing key", at_key=True, expected=(
            f"one of {', '.join(named[:-1])} or {named[-1]}" if len(named) > 1 else None))
    if "at" in context:  # a problem with one side of a range ({low: ..., high: ...}) is located there
        loc = (*loc, context["at"])
    if "what" in context:  # raised by fields (or models._one_of) with its own words
        return document.problem(loc, context["what"], given=context["given"], expected=context["expected"],
                                hint=context.get("hint"))
    given = _given(error.get("input"))
    if kind == "literal_error":
        return document.problem(loc, "not one of the choices", given=given, expected=f"one of {context['expected']}")
    if kind == "value_error":
        return document.problem(loc, str(context.get("error", error["msg"])))
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return document.problem(loc, "not a mapping", given=given, expected="a mapping of keys to values")
    if kind == "list_type":
        return document.problem(loc, "not a list", given=given, expected="a list of entries, each starting with '- '")
    if kind == "string_type":
        return document.problem(loc, "not text", given=given, expected="text (quote a value YAML reads as a number, "
                                                                        "date or yes/no)")
    if kind == "string_too_long":
        return document.problem(loc, "too long", given=given, expected=f"at most {context['max_length']} characters")
    if kind == "too_short":
        return document.problem(loc, "empty", given=given, expected=f"at least {context.get('min_length', 1)} entry")
    if kind.startswith("date_"):
        return document.problem(loc, "not a date", given=given, expected="a date such as 2024-06-30")
    if kind == "string_pattern_mismatch":
        return document.problem(loc, "not a valid name", given=given,
                                expected="letters, digits and underscores, not starting with a digit")
    return document.problem(loc, error["msg"][0].lower() + error["msg"][1:], given=given)


def given_kind(value: Any) -> str:
    """What a person would call a YAML value of this type: ``[1]`` → "a list".

    >>> given_kind([1]), given_kind(None)
    ('a list', 'a value')
    """
    return _KINDS.get(type(value).__name__, "a value")


_KINDS = {"str": "text", "list": "a list", "int": "a number", "float": "a number", "bool": "yes/no",
          "date": "a date", "datetime": "a date", "bytes": "binary data", "set": "a set"}


def _given(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else type(value).__name__ if isinstance(value, (dict, list)) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fields_at(model: Any, loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at ``loc`` (for "did you mean"), found by walking the model types."""
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, Strict) and isinstance(part, str):
            field = annotation.model_fields.get(part)
            if field is None:
                return []
            annotation = field.annotation
        elif typing.get_origin(annotation) in (list, dict):
            annotation = typing.get_args(annotation)[-1]
    annotation = _unwrap(annotation)
    return list(annotation.model_fields) if isinstance(annotation, type) and issubclass(annotation, Strict) else []


def _choices_at(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The values a ``Literal`` field at ``loc`` allows (empty for any other field), so that a
    missing choice names them."""
    owner: Any = Scenario
    for part in loc[:-1]:
        owner = _unwrap(owner)
        if isinstance(owner, type) and issubclass(owner, Strict) and part in owner.model_fields:
            owner = owner.model_fields[part].annotation
        elif typing.get_origin(owner) in (list, dict):
            owner = typing.get_args(owner)[-1]
    owner = _unwrap(owner)
    if not (isinstance(owner, type) and issubclass(owner, Strict)) or loc[-1] not in owner.model_fields:
        return ()
    annotation = owner.model_fields[loc[-1]].annotation
    return typing.get_args(annotation) if typing.get_origin(annotation) is typing.Literal else ()


def _unwrap(annotation: Any) -> Any:
    """``Features | None`` → ``Features``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return options[0] if len(options) == 1 else annotation
    return annotation
