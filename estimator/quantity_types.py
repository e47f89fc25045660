"""Pydantic field types whose values are pint quantities of a declared dimension.

A field is declared with the dimension it expects and an example a person can copy:

    request_size: Amount("[information]", "2 KiB")

At load time the text is parsed by pint (never ``eval``), its dimension is checked and its
value bounded; a failure becomes one clear problem naming what was given and what was
expected. The JSON schema of the field says the same, for editor autocompletion.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

import pint
from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from estimator.units import parse_quantity, unit_text, ureg

MAX_MAGNITUDE = 1e30  # beyond any real system; catches 1e308 and its overflow to inf

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


def _fail(kind: str, given: Any, expected: str) -> PydanticCustomError:
    return PydanticCustomError(kind, "{what}", {"what": kind.replace("_", " "), "given": _shown(given),
                                                 "expected": expected})


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def quantity_validator(dimension: str, example: str, *, positive: bool = False,
                       maximum: float | None = None, words: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """Build the validator for one declared dimension.

    ``words`` names values a person may write instead of a number ("calendar").
    """
    expected_dimensionality = parse_quantity(example).dimensionality
    expected = f"{describe_dimension(dimension)}, e.g. '{example}'"
    if words:
        expected += " or one of: " + ", ".join(sorted(words))

    def validate(value: Any) -> pint.Quantity:
        if words and isinstance(value, str) and value.strip() in words:
            value = words[value.strip()]
        quantity = _parse_any(value, example, expected)
        if quantity.dimensionality != expected_dimensionality:
            kind = "missing_unit" if quantity.dimensionless else "wrong_dimension"
            raise _fail(kind, value, expected)
        _check_bounds(quantity, value, example, positive, maximum)
        return quantity

    return validate


def _check_bounds(quantity: pint.Quantity, value: Any, example: str, positive: bool,
                  maximum: float | None) -> None:
    magnitude = quantity.magnitude
    if not isinstance(magnitude, (int, float)):  # arrays come from sampling, checked there
        return
    if not math.isfinite(magnitude) or abs(magnitude) > MAX_MAGNITUDE:
        raise _fail("not_finite", value, f"a finite value of at most {MAX_MAGNITUDE:g}, e.g. '{example}'")
    if magnitude < 0:
        raise _fail("negative", value, f"0 or more, e.g. '{example}'")
    if positive and magnitude == 0:
        raise _fail("zero", value, f"more than 0, e.g. '{example}'")
    if maximum is not None and quantity.to("").magnitude > maximum:
        raise _fail("too_large", value, f"at most {maximum:g}")


def Amount(dimension: str, example: str, *, positive: bool = False,  # noqa: N802 - reads as a type
           words: dict[str, str] | None = None) -> Any:
    """A quantity field of ``dimension``; ``example`` parses to that dimension."""
    return Annotated[
        pint.Quantity,
        PlainValidator(quantity_validator(dimension, example, positive=positive, words=words)),
        PlainSerializer(_serialise, return_type=str),
        WithJsonSchema({"type": ["string", "number"], "description": f"{describe_dimension(dimension)}",
                        "examples": [example]}),
    ]


def _serialise(quantity: pint.Quantity) -> str:
    magnitude = quantity.magnitude
    text = repr(float(magnitude)) if isinstance(magnitude, (int, float)) else str(magnitude)
    unit = unit_text(quantity.units)
    return f"{text} {unit}".strip()


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
        if isinstance(value, bool):
            raise _fail("not_a_number", value, expected)
        try:
            number = float(parse_quantity(value).to("").magnitude) if isinstance(value, str) else float(value)
        except Exception:
            raise _fail("not_a_number", value, expected) from None
        if not math.isfinite(number) or abs(number) > MAX_MAGNITUDE:
            raise _fail("not_finite", value, expected)
        too_small = number <= minimum if exclusive_minimum else number < minimum
        if too_small or (maximum is not None and number > maximum):
            raise _fail("out_of_range", value, expected)
        return number

    schema: dict[str, Any] = {"type": ["number", "string"], "description": expected, "examples": [example]}
    return Annotated[float, PlainValidator(validate), WithJsonSchema(schema)]


Fraction = _number_type("fraction", "0.05", minimum=0.0, maximum=1.0)
Factor = _number_type("factor", "2", minimum=1.0, maximum=None)
Count = _number_type("count", "200", minimum=0.0, maximum=None)
Share = _number_type("share", "0.4", minimum=0.0, maximum=1.0, exclusive_minimum=True)
PositiveNumber = _number_type("positive", "0.4", minimum=0.0, maximum=None, exclusive_minimum=True)


# Dimensions of counted things (see units.txt). A dataset may count any of them.
COUNTED = ("[request]", "[user]", "[event]", "[item]", "[example]", "[token]", "[record]",
           "[vector]", "[inference]", "[label]", "[lookup]")


def CountRate(per: str, example: str) -> Any:  # noqa: N802 - reads as a type
    """How many things of any counted kind arrive ``per`` day or per request ("5 billion event/day")."""
    per_dimensionality = ureg.get_dimensionality(per)
    expected = f"a count of things per {per}, e.g. '{example}'"

    def validate(value: Any) -> pint.Quantity:
        quantity = _parse_any(value, example, expected)
        numerator = quantity.dimensionality * per_dimensionality
        counted = [dim for dim, power in numerator.items() if power == 1 and dim in COUNTED]
        if len(numerator) != 1 or not counted:
            kind = "missing_unit" if quantity.dimensionless else "wrong_dimension"
            raise _fail(kind, value, expected)
        _check_bounds(quantity, value, example, False, None)
        return quantity

    return Annotated[
        pint.Quantity,
        PlainValidator(validate),
        PlainSerializer(_serialise, return_type=str),
        WithJsonSchema({"type": "string", "description": expected, "examples": [example]}),
    ]


def _parse_any(value: Any, example: str, expected: str) -> pint.Quantity:
    if isinstance(value, pint.Quantity):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _fail("not_a_quantity", value, expected)
    try:
        return parse_quantity(value)
    except pint.errors.UndefinedUnitError as error:
        raise _fail("unknown_unit", value, f"{expected} (no unit named {', '.join(map(repr, error.unit_names))})") from None
    except Exception:  # pint's parser raises several types for garbage text
        raise _fail("not_a_quantity", value, expected) from None
