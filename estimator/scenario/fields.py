"""Pydantic field types whose values are pint quantities of a declared dimension.

A field is declared with the dimension it expects and an example a person can copy:

    request_size: Annotated[Quantity, Amount("[information]", "2 KiB")]

``Amount(...)`` is the field's rules (parse, check, serialise, schema) as ``Annotated`` metadata;
the annotation itself stays a type, so type checkers read the model as pydantic does.

At load time the text is parsed by pint (never ``eval``), its dimension is checked and its
value bounded; a failure becomes one clear problem naming what was given and what was
expected. The JSON schema of the field says the same, for editor autocompletion.
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from collections.abc import Callable, Iterator
from typing import Annotated, Any

import annotated_types

import numpy as np
import pint
from pint import Quantity
from pydantic import BaseModel, ConfigDict, PlainSerializer, PlainValidator, WithJsonSchema
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import PydanticCustomError

from estimator.choices import MAX_OPTIONS
from estimator.errors import lookalikes
from estimator.ranges import DISTRIBUTIONS, Range
from estimator.units import CostlyExpression, QuantityShape, UnitSpelling, parse_quantity, unit_text, ureg
from estimator.vocabulary import COUNTED


class Strict(BaseModel):
    """The base of every scenario model: unknown keys are errors, never silently ignored; loaded
    values never change."""

    # defer_build: a model's validator is built on first use, once, inside its parent's, instead
    # of for every class at import: the CLI starts faster (benchmarks/bench_cli_cold_start.py).
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True, defer_build=True)


IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"  # names of datasets, models, stages: one word, as in a dotted key

__all__ = ["IDENTIFIER", "MAX_MAGNITUDE", "QUANTITY_PATTERN", "RANGE_EXPECTED", "RANGE_KEYS", "Amount", "Count",
           "CountRate", "Factor", "FieldRules", "Fraction", "PositiveNumber", "Quantity", "QuantityJsonSchema", "Share", "Strict",
           "describe_dimension", "quantity_text", "quantity_validator", "range_of"]

class FieldRules(annotated_types.GroupedMetadata):
    """A field's pydantic rules (validator, serialiser, JSON schema) as one piece of ``Annotated`` metadata.

    pydantic unpacks grouped metadata in place (``annotated_types.GroupedMetadata``), so
    ``Annotated[Quantity, Amount(...)]`` validates exactly as the three rules written inline.
    """

    def __init__(self, *rules: Any) -> None:
        self.rules = rules

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rules)


MAX_MAGNITUDE = 1e30  # beyond any real system; catches 1e308 and its overflow to inf

# The shape of a quantity written as text, for editors: it starts with a number ("2 KiB", ".5 ms",
# "1.5 billion user", "2.5e6 s", "5 %"). The loader checks far more (unit, dimension, bounds).
QUANTITY_PATTERN = r"^\s*[+-]?(\d|\.\d)"

# Words for dimensions, used in messages ("expected an amount of information").
_DIMENSION_WORDS = {
    "[information]": "an amount of information",
    "[time]": "a duration",
    "[information] / [time]": "a bandwidth",
    "[currency]": "an amount of money",
    "": "a plain number",
}


def describe_dimension(dimension: str) -> str:
    """``"[request] / [time]"`` → ``"a quantity of dimension [request] / [time]"`` unless named."""
    return _DIMENSION_WORDS.get(dimension, f"a quantity of dimension {dimension}")


def _fail(kind: str, given: Any, expected: str, what: str | None = None) -> PydanticCustomError:
    return PydanticCustomError(kind, "{what}", {"what": what or kind.replace("_", " "), "given": _shown(given),
                                                 "expected": expected})


def _shown(value: Any) -> str:
    """The value as given, cut short: a message stays one readable line whatever the input.

    >>> _shown("1*" * 100)
    "'1*1*1*1*1*1*1*1*1*1*1*1*1*1*1*1*1*1*1*1*1*1*1*1*1*1*1*1*...' (200 characters)"
    """
    text = repr(value) if isinstance(value, str) else str(value)
    if len(text) <= 60:
        return text
    size = f" ({len(value):,} characters)" if isinstance(value, str) else ""
    return text[:57] + "..." + ("'" if isinstance(value, str) else "") + size


# ---------------------------------------------------------------------------------- ranges

_TINY = float(np.finfo(float).tiny)  # the floor of fields that must stay above 0
RANGE_KEYS = ("low", "high", "dist", "mode")
RANGE_EXPECTED = "a mapping with low and high, and optionally dist (" + ", ".join(DISTRIBUTIONS) + ") and mode"


NORMAL_REACHES_ZERO = ("a normal range reaches 0 and below", "dist: lognormal (the default), uniform or triangular "
                       "for a value that must stay above 0")


def range_of(value: Any, validate_point: Any, example: str, *, floor: float | None = 0.0,
             ceiling: float | None = None, above_zero: bool = False) -> Range:
    """Check ``{low, high, dist, mode}``: each side as the field's point value, then their order.

    A problem in one side is reported at that side (``ctx["at"]``), in the field's own words.
    ``above_zero`` fields (the ones results divide by) refuse ``dist: normal``: its samples cross
    0 (clipped to the smallest double, they would overflow whatever divides by them).
    """
    if isinstance(value, Range):
        return value
    if "choose" in value:
        return choice_of(value, validate_point, example, floor=floor, ceiling=ceiling)
    unknown = [key for key in value if key not in RANGE_KEYS]
    if unknown:
        raise _fail_at(str(unknown[0]), "unknown key in a range", repr(unknown[0]), RANGE_EXPECTED)
    missing = [key for key in ("low", "high") if key not in value]
    if missing:
        raise PydanticCustomError("range", "{what}", {"what": f"range without {missing[0]}", "given": _shown(value),
                                                      "expected": f"{RANGE_EXPECTED}, e.g. {{low: {example}, high: ...}}"})
    dist = value.get("dist", "lognormal")
    if dist not in DISTRIBUTIONS:
        raise _fail_at("dist", "unknown distribution", _shown(dist), "one of: " + ", ".join(DISTRIBUTIONS))
    sides = {key: _side(key, value[key], validate_point) for key in ("low", "high", "mode") if key in value}
    low, high, mode = sides["low"], sides["high"], sides.get("mode")
    if _number(low) > _number(high, low):
        raise _fail_at("low", "range low above high", f"low {_shown(value['low'])}, high {_shown(value['high'])}",
                       "low at most high")
    if dist == "normal" and above_zero:
        raise _fail_at("dist", NORMAL_REACHES_ZERO[0], _shown(dist), NORMAL_REACHES_ZERO[1])
    if dist == "lognormal" and _number(low) <= 0:
        raise _fail_at("low", "a log-normal range needs low above 0", _shown(value["low"]),
                       "low above 0, or dist: normal, uniform or triangular")
    if dist == "triangular" and mode is None:
        raise _fail_at("dist", "a triangular range needs a mode", _shown(dist), "a mode between low and high")
    if dist != "triangular" and mode is not None:
        raise _fail_at("mode", f"a mode only goes with dist: triangular, not {dist}", _shown(value["mode"]),
                       "dist: triangular, or no mode")
    if mode is not None and not _number(low) <= _number(mode, low) <= _number(high, low):
        raise _fail_at("mode", "mode outside the range", _shown(value["mode"]), "a mode between low and high")
    return Range(low, high, dist, mode, floor=floor, ceiling=ceiling)


def choice_of(value: Any, validate_point: Any, example: str, *, floor: float | None,
              ceiling: float | None) -> Range:
    """Check ``{choose: [a, b, ...]}``: a short list of the field's point values (estimator.choices)."""
    from estimator.choices import Choice

    options = value["choose"]
    expected = f"a list of 1 to {MAX_OPTIONS} values, e.g. {{choose: [{example}, ...]}}"
    if len(value) != 1:
        extra = next(key for key in value if key != "choose")
        raise _fail_at(str(extra), "a choice takes only choose", repr(extra), expected)
    if not isinstance(options, list) or not 1 <= len(options) <= MAX_OPTIONS:
        raise _fail_at("choose", "not a list of options", _shown(options), expected)
    return Choice.of([_side("choose", option, validate_point) for option in options], floor, ceiling)


def _side(key: str, text: Any, validate_point: Any) -> Any:
    if isinstance(text, dict):
        raise _fail_at(key, "range inside a range", _shown(text), "a single value for each of low and high")
    try:
        return validate_point(text)
    except PydanticCustomError as error:
        context = error.context or {}  # every error raised here (_fail, _fail_at) carries one
        raise _fail_at(key, context["what"], context["given"], context["expected"]) from None


def _number(side: Any, unit_of: Any = None) -> float:
    """A side as a number in ``unit_of``'s unit (the low side's), to compare sides."""
    if isinstance(side, pint.Quantity):
        return float((side.to(unit_of.units) if isinstance(unit_of, pint.Quantity) else side).magnitude)
    return float(side)


def _fail_at(at: str, what: str, given: str, expected: str) -> PydanticCustomError:
    return PydanticCustomError("range", "{what}", {"what": what, "given": given, "expected": expected, "at": at})


def _with_range_schema(point: dict[str, Any]) -> dict[str, Any]:
    """A field's schema: its point form, or a range of two such points."""
    return {"anyOf": [point, {"type": "object", "description": "a 90 % interval (lognormal, normal) or limits "
                                                              "(uniform, triangular)",
                              "properties": {"low": point, "high": point, "mode": point,
                                             "dist": {"enum": list(DISTRIBUTIONS)}},
                              "required": ["low", "high"], "additionalProperties": False},
                     {"type": "object", "description": "a design choice: envelope plan tries each option, "
                                                       "an estimate takes the first",
                      "properties": {"choose": {"type": "array", "items": point, "minItems": 1,
                                                "maxItems": MAX_OPTIONS}},
                      "required": ["choose"], "additionalProperties": False}]}


def quantity_validator(dimension: str, example: str, *, positive: bool = False,
                       maximum: float | None = None, words: dict[str, str] | None = None,
                       ranged: bool = True):  # type: ignore[no-untyped-def]
    """Build the validator for one declared dimension.

    ``words`` names values a person may write instead of a number ("calendar"); ``ranged``
    lets the field hold a Range (``{low: ..., high: ...}``) instead of a point.

    The example is parsed on the field's first value, not when the model is declared: a
    scenario sets a few of the ~70 quantity fields, and pint's parser was a third of the
    cost of importing the models (benchmarks/bench_cli_cold_start.py).
    """
    expected_dimensionality = functools.cache(lambda: parse_quantity(example).dimensionality)
    expected = f"{describe_dimension(dimension)}, e.g. '{example}'"
    if words:
        expected += " or one of: " + ", ".join(sorted(words))

    def validate(value: Any) -> pint.Quantity | Range:
        if ranged and isinstance(value, (dict, Range)):
            return range_of(value, validate, example, floor=_TINY if positive else 0.0, above_zero=positive)
        if words and isinstance(value, str) and value.strip() in words:
            value = words[value.strip()]
        quantity = _parse_any(value, example, expected)
        if quantity.dimensionality != expected_dimensionality():
            kind = "missing_unit" if quantity.dimensionless else "wrong_dimension"
            raise _fail(kind, value, expected)
        _check_bounds(quantity, value, example, positive, maximum)
        return quantity

    return _known_signature(validate)


def _too_large(value: Any, example: str) -> PydanticCustomError:
    """The error for a number beyond ``MAX_MAGNITUDE``, for plain numbers and quantities alike."""
    return _fail("too_large", value, f"a magnitude of at most {MAX_MAGNITUDE:g}, e.g. '{example}'")


def _check_bounds(quantity: pint.Quantity, value: Any, example: str, positive: bool,
                  maximum: float | None) -> None:
    magnitude = quantity.magnitude
    if not isinstance(magnitude, (int, float)):  # arrays come from sampling, checked there
        return
    if not math.isfinite(magnitude):
        raise _fail("not_finite", value, f"a finite number, e.g. '{example}'")
    if abs(magnitude) > MAX_MAGNITUDE:
        raise _too_large(value, example)
    if magnitude < 0:
        raise _fail("negative", value, f"0 or more, e.g. '{example}'")
    if positive and magnitude == 0:
        raise _fail("zero", value, f"more than 0, e.g. '{example}'")
    if maximum is not None and quantity.to("").magnitude > maximum:
        raise _fail("too_large", value, f"at most {maximum:g}")


def Amount(dimension: str, example: str, *, positive: bool = False,  # noqa: N802 - reads as a type
           words: dict[str, str] | None = None, ranged: bool = True) -> FieldRules:
    """The rules of a quantity field of ``dimension``; ``example`` parses to that dimension.

    Used as ``Annotated[Quantity, Amount("[time]", "5 ms")]``.

    Unless ``ranged`` is False (a convention is a choice, not a guess) the field also takes a range.
    """
    point = {"type": "string", "pattern": _pattern(words), "description": describe_dimension(dimension),
             "examples": [example]}
    return FieldRules(
        PlainValidator(quantity_validator(dimension, example, positive=positive, words=words, ranged=ranged)),
        PlainSerializer(_serialise),
        WithJsonSchema(_with_range_schema(point) if ranged else point),
    )


def _pattern(words: dict[str, str] | None) -> str:
    """``QUANTITY_PATTERN``, or one of ``words`` ("calendar") written alone."""
    if not words:
        return QUANTITY_PATTERN
    # Only regex operators are escaped: re.escape would also escape spaces, which ECMA regexes refuse.
    escaped = (re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", word) for word in sorted(words))
    return r"^\s*(" + "|".join(escaped) + r")\s*$|" + QUANTITY_PATTERN


def _serialise(quantity: Any, *, tidy: bool = False) -> Any:
    """A field's value as the scenario file writes it: text for a quantity, a mapping for a range.

    ``tidy`` drops a whole number's ``.0`` (``"86400 s"``); without it the magnitude is its repr
    (``"86400.0 s"``), as ``model_dump`` has always written it. A choice writes ``{choose: [...]}``.
    """
    options = getattr(quantity, "options", None)
    if isinstance(quantity, Range) and options:
        return {"choose": [_serialise(option, tidy=tidy) for option in options]}
    if isinstance(quantity, Range):
        data = {"low": _serialise(quantity.low, tidy=tidy), "high": _serialise(quantity.high, tidy=tidy),
                "dist": quantity.dist}
        return data | ({"mode": _serialise(quantity.mode, tidy=tidy)} if quantity.mode is not None else {})
    if not isinstance(quantity, pint.Quantity):
        return quantity
    magnitude = quantity.magnitude
    if not isinstance(magnitude, (int, float)):
        text = str(magnitude)
    elif tidy and float(magnitude).is_integer() and abs(magnitude) < 1e16:
        text = str(int(magnitude))
    else:
        text = repr(float(magnitude))
    unit = unit_text(quantity.units)
    return f"{text} {unit}".strip()


# pydantic reads the signature of a field's validator and serialiser each time it builds a
# field (~380 times for a scenario); inspect.signature returns a function's ``__signature__``
# when it has one, so each shape is worked out once here.
def _one_value(value: Any) -> Any:
    """The shape of every field validator: one value in, the checked value out."""
    return value


_ONE_VALUE = inspect.signature(_one_value)
vars(_serialise)["__signature__"] = inspect.signature(_serialise)


def _known_signature(validate: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``validate`` (one value in) with its signature given, for pydantic to read without inspecting."""
    vars(validate)["__signature__"] = _ONE_VALUE
    return validate


def quantity_text(quantity: Any) -> Any:
    """A quantity (or range) as a person writes it in a scenario file, whole numbers without ``.0``.

    Parameters
    ----------
    quantity : pint.Quantity, Range or any other value
        A field's value; anything that is neither is returned as it is.

    Returns
    -------
    str, dict or the value
        ``"<magnitude> <unit>"`` with the unit in the compact form pint parses back
        (``estimator.units.unit_text``); a range as ``{low, high, dist[, mode]}``.

    Examples
    --------
    >>> from estimator.units import Q_
    >>> quantity_text(Q_(86400.0, "s")), quantity_text(Q_(30.436875, "day")), quantity_text(0.5)
    ('86400 s', '30.436875 day', 0.5)
    """
    return _serialise(quantity, tidy=True)


class QuantityJsonSchema(GenerateJsonSchema):
    """pydantic's JSON Schema generator, with quantity defaults written as their text.

    pydantic encodes a field's default with the default's own type, which for a pint quantity
    fails (a warning on stderr, and the default left out of the schema). A quantity default is
    written here the way a scenario file writes it: ``"86400 s"``.

    Examples
    --------
    >>> from estimator.scenario import Scenario
    >>> Scenario.model_json_schema(schema_generator=QuantityJsonSchema)["$defs"]["Conventions"][
    ...     "properties"]["day"]["default"]
    '86400 s'
    """

    def encode_default(self, dft: Any) -> Any:
        if isinstance(dft, (pint.Quantity, Range)):
            return quantity_text(dft)
        encoded = super().encode_default(dft)
        if isinstance(dft, BaseModel) and isinstance(encoded, dict):  # a section's default: its fields alike
            for name, info in type(dft).model_fields.items():
                key = info.alias if self.by_alias and info.alias else name
                if key in encoded:
                    encoded[key] = self.encode_default(getattr(dft, name))
        return encoded


def _number_type(kind: str, example: str, *, minimum: float, maximum: float | None,
                 exclusive_minimum: bool = False) -> Any:
    expected = {
        "fraction": "a fraction between 0 and 1, e.g. '0.05' or '5 %'",
        "factor": "a factor of at least 1, e.g. '2'",
        "count": "a count of at least 0, e.g. '200'",
        "positive": "a number above 0, e.g. '0.4'",
        "share": "a fraction above 0 and at most 1, e.g. '0.4' or '40 %'",
    }[kind]

    def validate(value: Any) -> float:
        if isinstance(value, (dict, Range)):
            floor = minimum + _TINY if exclusive_minimum else minimum
            return range_of(value, validate, example, floor=floor, ceiling=maximum,  # type: ignore[return-value]
                            above_zero=exclusive_minimum and minimum == 0)
        if isinstance(value, bool):
            raise _fail("not_a_number", value, expected)
        try:
            number = float(parse_quantity(value).to("").magnitude) if isinstance(value, str) else float(value)
        except (QuantityShape, UnitSpelling) as error:
            raise _fail("not_a_number", value, expected, what=f"not a number: {error}") from None
        except Exception:
            raise _fail("not_a_number", value, expected) from None
        if not math.isfinite(number):
            raise _fail("not_finite", value, expected)
        if abs(number) > MAX_MAGNITUDE:
            raise _too_large(value, example)
        too_small = number <= minimum if exclusive_minimum else number < minimum
        if too_small or (maximum is not None and number > maximum):
            raise _fail("out_of_range", value, expected)
        return number

    schema: dict[str, Any] = {"type": ["number", "string"], "pattern": QUANTITY_PATTERN, "description": expected,
                              "examples": [example]}
    return Annotated[float, PlainValidator(_known_signature(validate)), PlainSerializer(_serialise),
                     WithJsonSchema(_with_range_schema(schema))]


Fraction = _number_type("fraction", "0.05", minimum=0.0, maximum=1.0)
Factor = _number_type("factor", "2", minimum=1.0, maximum=None)
Count = _number_type("count", "200", minimum=0.0, maximum=None)
Share = _number_type("share", "0.4", minimum=0.0, maximum=1.0, exclusive_minimum=True)
PositiveNumber = _number_type("positive", "0.4", minimum=0.0, maximum=None, exclusive_minimum=True)


def CountRate(per: str, example: str) -> FieldRules:  # noqa: N802 - reads as a type
    """The rules of a field of how many things of any counted kind arrive ``per`` day or per request ("5 billion event/day")."""
    per_dimensionality = functools.cache(lambda: ureg.get_dimensionality(per))  # on first use, as in Amount
    expected = f"a count of things per {per}, e.g. '{example}'"

    def validate(value: Any) -> pint.Quantity | Range:
        if isinstance(value, (dict, Range)):
            return range_of(value, validate, example)
        quantity = _parse_any(value, example, expected)
        numerator = quantity.dimensionality * per_dimensionality()
        counted = [dim for dim, power in numerator.items() if power == 1 and dim in COUNTED]
        if len(numerator) != 1 or not counted:
            kind = "missing_unit" if quantity.dimensionless else "wrong_dimension"
            raise _fail(kind, value, expected)
        _check_bounds(quantity, value, example, False, None)
        return quantity

    return FieldRules(
        PlainValidator(_known_signature(validate)),
        PlainSerializer(_serialise),
        WithJsonSchema(_with_range_schema({"type": "string", "pattern": QUANTITY_PATTERN, "description": expected,
                                           "examples": [example]})),
    )


def _parse_any(value: Any, example: str, expected: str) -> pint.Quantity:
    if isinstance(value, pint.Quantity):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _fail("not_a_quantity", value, expected)
    try:
        quantity = parse_quantity(value)
    except pint.errors.UndefinedUnitError as error:
        named = ", ".join(map(repr, error.unit_names))
        similar = lookalikes(str(value))
        raise _fail("unknown_unit", value, f"{expected} (no unit named {named}"
                                           + (f"; {similar})" if similar else ")")) from None
    except CostlyExpression as error:  # "9**9**9 B": refused before pint evaluates it
        raise _fail("costly", value, expected, what=str(error)) from None
    except QuantityShape as error:  # "2 500 000 user": pint would read 0 user
        raise _fail("not_a_quantity", value, expected, what=str(error)) from None
    except UnitSpelling as error:  # "2 mb": pint would read 2 millibit
        raise _fail("absurd_unit", value, expected, what=str(error)) from None
    except OverflowError:
        raise _too_large(value, example) from None
    except Exception:  # pint's parser raises several types for garbage text
        raise _fail("not_a_quantity", value, expected) from None
    # Checked before the dimension: ".nan" is not a number missing its unit.
    if isinstance(quantity.magnitude, float) and not math.isfinite(quantity.magnitude):
        raise _fail("not_finite", value, f"a finite number, e.g. '{example}'")
    return quantity

