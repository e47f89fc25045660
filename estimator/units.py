"""The one unit registry of Envelope, and the one way to show a quantity to a person.

Every module imports ``ureg`` (or ``Q_``) from here; nothing else builds a registry, because
quantities from two registries cannot be combined.

>>> str(parse_quantity("500 million user"))
'500000000.0 user'
>>> format_quantity(parse_quantity("1157.4 request/s"))
'1.16 k request/s'
>>> format_quantity(parse_quantity("2.1e12 B"))
'2.10 TB'
>>> format_quantity(parse_quantity("3.6e15 B"), binary=True)
'3.20 PiB'
>>> format_quantity(parse_quantity("41300 USD"), per="month")
'$41.3 k/month'
"""

from __future__ import annotations

import functools
import math
import re
import tokenize
from pathlib import Path
from typing import Any

import pint
from pint.pint_eval import tokenizer
from pint.util import string_preprocessor

UNITS_FILE = Path(__file__).with_name("units.txt")



def build_registry() -> pint.UnitRegistry:
    """pint's default units plus ``units.txt``, built the same way on every machine and every run.

    pint resolves each unit's dimension once, when the registry is built from its defaults: at
    that moment ``bit`` is pint's dimensionless ``bit = []`` and ``byte = 8 * bit`` inherits it.
    ``units.txt`` then redefines ``bit`` as the base of ``[information]``, so the resolved table
    is rebuilt after loading it; otherwise ``byte`` stays dimensionless and ``25 KB`` cannot
    become bytes. No on-disk cache is used: pint's ``cache_folder`` skipped that rebuild when the
    cache was cold (the first run on a machine failed), and a cache would also make Envelope
    depend on a writable home directory. The price is start-up time, measured in
    benchmarks/bench_cli_cold_start.py.

    Returns
    -------
    pint.UnitRegistry
        The registry; ``byte`` has the dimension ``[information]``.

    Raises
    ------
    RuntimeError
        If ``byte`` did not end up as information (a pint upgrade changed how it resolves units).

    >>> registry = build_registry()
    >>> str(registry.get_dimensionality("GB"))
    '[information]'
    >>> registry.Quantity(25, "KB").to("B")
    <Quantity(25000, 'byte')>
    """
    # pint warns when units.txt redefines `bit`; the redefinition is the point (see units.txt).
    registry = pint.UnitRegistry(cache_folder=None, on_redefinition="ignore")
    registry.load_definitions(UNITS_FILE)
    # pint has no public way to re-resolve units after a redefinition; _build_cache is what its
    # own constructor calls, and it rebuilds the table of every context too.
    registry._build_cache()
    dimension = registry.get_dimensionality("byte")
    if dimension != registry.get_dimensionality("bit") or str(dimension) != "[information]":
        raise RuntimeError(f"unit registry: byte resolved to {dimension}, not [information]")
    registry.formatter.default_format = "~"
    return registry


ureg = build_registry()
Q_ = ureg.Quantity
Quantity = pint.Quantity

SCALE_WORDS = ("thousand", "million", "billion", "trillion")

# Units that print by symbol; everything else prints by name ("request", "GPU", "USD").
_SYMBOLS = {
    "second": "s", "minute": "min", "hour": "h", "day": "day", "week": "week",
    "month": "month", "year": "year", "millisecond": "ms", "microsecond": "µs",
    "byte": "B", "bit": "bit", "watt": "W", "kilowatt": "kW", "accelerator": "GPU",
    "kilowatt_hour": "kWh", "percent": "%",
}


def parse_quantity(text: str | float | int) -> pint.Quantity:
    """Parse ``text`` with pint's expression parser (never Python's ``eval``).

    Number words are multiplied out so that they never reach a result's unit. The text is
    bounded first (see ``bounded_parse``), so a file cannot make Envelope compute ``9**9**9``.
    Raises pint errors (UndefinedUnitError, DefinitionSyntaxError ...) or ``CostlyExpression``
    for the caller to word.

    >>> parse_quantity("2 KiB").to("B").magnitude
    2048.0
    """
    if isinstance(text, (int, float)):
        return Q_(float(text), "")
    magnitude, units = _parsed(text)
    return Q_(magnitude, units)  # a new quantity each time: callers own what they are given


# A file made with merge keys repeats the same few texts thousands of times ("200 B" in each of
# 1,000 datasets); pint's parser was half the cost of loading it. Errors are not cached (lru_cache
# keeps only returned values), so a bad text is reported each time it is met.
@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> tuple[float, Any]:
    quantity = bounded_parse(text)
    if not isinstance(quantity, pint.Quantity):  # a bare number such as "3"
        return float(quantity), ureg.dimensionless
    quantity = drop_scale_words(quantity)
    return float(quantity.magnitude), quantity.units


# ------------------------------------------------------------------------ bounded parsing
# Every text pint evaluates comes from a scenario or an upload. pint's parser computes Python
# ints exactly, so "9**9**9" or "((9**9)**9)**9 ..." would run for minutes and eat gigabytes.
# These bounds are far beyond any real quantity or derived expression.
MAX_EXPRESSION_LENGTH = 500  # characters
MAX_TOKENS = 200  # numbers, names, operators and brackets
MAX_EXPONENT = 10.0  # an exponent is a plain number of at most this size, never a chain


_SUPERSCRIPT_ON_NUMBER = re.compile(r"[0-9.]\s*[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")


class CostlyExpression(ValueError):
    """Text refused before evaluation: too long, not one line, or arithmetic that could explode."""


def bounded_parse(text: str, **values: Any) -> Any:
    """``ureg.parse_expression(text, **values)`` with its cost bounded before evaluation.

    pint's own preprocessing (``^``, ``squared``, ``×`` ...) runs first so the check sees the
    operators pint will evaluate; integers are then written as floats, so arithmetic overflows
    to ``inf`` (which callers refuse) instead of building a huge exact integer.

    >>> bounded_parse("2^10 B").magnitude
    1024.0
    >>> bounded_parse("9**9**9")
    Traceback (most recent call last):
    ...
    estimator.units.CostlyExpression: chained exponents (a ** b ** c) are not allowed
    >>> bounded_parse("(((9**9)**9)**9)**9")  # exact, this integer has 37 million digits
    Traceback (most recent call last):
    ...
    OverflowError: (34, 'Numerical result out of range')
    """
    tokens, text = bounded_tokens(text)
    for token in reversed(tokens):
        if token.type == tokenize.NUMBER:
            start, end = token.start[1], token.end[1]
            text = text[:start] + repr(_literal(token.string)) + text[end:]
    return ureg.parse_expression(text, **values)


def bounded_tokens(text: str) -> tuple[list[tokenize.TokenInfo], str]:
    """The tokens of ``text`` after pint's preprocessing, and that text; refuse costly text."""
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise CostlyExpression(f"longer than {MAX_EXPRESSION_LENGTH} characters")
    if "\n" in text or "\r" in text:
        raise CostlyExpression("spans several lines")
    on_number = _SUPERSCRIPT_ON_NUMBER.search(text)
    if on_number:  # "2² B" reads as 4 B to pint, but is far more often a footnote mark than a power
        raise CostlyExpression(f"a superscript power on a number ({on_number[0]!r}); write the number out, "
                               "e.g. '4 B', or a power as '2**2 B'")
    for preprocess in ureg.preprocessors:
        text = preprocess(text)
    text = string_preprocessor(text)
    try:
        tokens = [t for t in tokenizer(text) if t.type not in (tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.NL)]
    except (tokenize.TokenError, SyntaxError) as error:
        raise CostlyExpression(f"cannot read it: {error.args[0] if error.args else error}") from None
    if len(tokens) > MAX_TOKENS:
        raise CostlyExpression(f"more than {MAX_TOKENS} parts")
    for index, token in enumerate(tokens):
        if token.string not in ("**", "^"):
            continue
        rest = tokens[index + 1:index + 3]
        if rest and rest[0].string in ("-", "+"):
            rest = tokens[index + 2:index + 4]
        if [t.string for t in tokens[index + 1:index + 4:2]] == ["(", ")"]:  # pint writes "s²" as s**(2)
            rest = tokens[index + 2:index + 3] + tokens[index + 4:index + 5]
        if len(rest) > 1 and rest[1].string in ("**", "^"):
            raise CostlyExpression("chained exponents (a ** b ** c) are not allowed")
        if not rest or rest[0].type != tokenize.NUMBER or not abs(_literal(rest[0].string)) <= MAX_EXPONENT:
            raise CostlyExpression(f"exponents must be plain numbers of at most {MAX_EXPONENT:g}")
    return tokens, text


def _literal(text: str) -> float:
    """A number token as a float: huge ones become inf, unreadable ones (``0x1``, ``1j``) nan."""
    try:
        return float(text)
    except ValueError:
        return math.nan


def drop_scale_words(quantity: pint.Quantity) -> pint.Quantity:
    """``5 million * request`` → ``5e6 request``."""
    units = quantity.unit_items()
    if not any(name in SCALE_WORDS for name, _ in units):
        return quantity
    kept = {name: power for name, power in units if name not in SCALE_WORDS}
    target = ureg.Unit(pint.util.UnitsContainer(kept)) if kept else ureg.dimensionless
    return quantity.to(target)


def unit_text(units: pint.Unit | pint.util.UnitsContainer) -> str:
    """A compact unit string that pint parses back: ``request/s``, ``B``, ``USD/GPU/h``.

    >>> unit_text(Q_(1, "request / second / user").units)
    'request/s/user'
    >>> unit_text(Q_(1, "").units)
    ''
    """
    container = units if isinstance(units, pint.util.UnitsContainer) else units._units
    return _unit_text(tuple(container.items()))  # in order: equal containers may list units differently


# Every shown value asks for its unit's text, and pint's get_symbol parses the name each time:
# a page of results spent more time here than estimating (benchmarks/bench_ui.py). Units are
# few and immutable, so remember each one's text.
@functools.lru_cache(maxsize=4096)
def _unit_text(items: tuple[tuple[str, float], ...]) -> str:
    numerator, denominator = [], []
    for name, power in sorted(items, key=lambda item: -item[1]):
        text = _SYMBOLS.get(name) or _prefixed_symbol(name)
        target = numerator if power > 0 else denominator
        magnitude = abs(power)
        target.append(text if magnitude == 1 else f"{text}**{_number(magnitude)}")
    head = "*".join(numerator) if numerator else ("1" if denominator else "")
    return "/".join([head, *denominator]) if denominator else head


def _prefixed_symbol(name: str) -> str:
    # pint knows "gigabyte" as GB, "teraFLOP" as TFLOP; counted units keep their names.
    symbol = ureg.get_symbol(name)
    return name if symbol in ("_", "") else symbol


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# ---------------------------------------------------------------------------- display

_DECIMAL_PREFIXES = ["", "k", "M", "G", "T", "P", "E", "Z", "Y"]
_BINARY_PREFIXES = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"]
# Money reads in the words of a finance sheet: $1.20 B, not $1.20 G.
_MONEY_PREFIXES = ["", "k", "M", "B", "T"]
# Units whose SI prefix is glued on ("2.10 TB", "3.14 ZFLOP"); other units take a scale
# word in front ("1.16 k request/s"), which reads better for counts and money.
_GLUED = {"byte": "B", "bit": "bit", "FLOP": "FLOP", "watt": "W"}


def significant(value: float, digits: int = 3) -> str:
    """Three significant figures, trailing zeros kept, never scientific notation.

    >>> [significant(v) for v in (1.157, 41.26, 2.1, 999.4, 0.000123, 0, 86400)]
    ['1.16', '41.3', '2.10', '999', '0.000123', '0', '86400']
    """
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    exponent = math.floor(math.log10(abs(value)))
    decimals = digits - 1 - exponent
    return f"{round(value, decimals):.{max(decimals, 0)}f}"


def format_quantity(quantity: Any, *, binary: bool = False, per: str | None = None) -> str:
    """Show ``quantity`` like a napkin: 3 significant figures and a readable prefix.

    ``per`` appends the period a value is counted over ("/month"), for results that are
    amounts per convention period rather than pint rates (see estimator.conventions).

    >>> format_quantity(Q_(24, "GPU"))
    '24 GPU'
    >>> format_quantity(Q_(3.14e23, "FLOP"))
    '314 ZFLOP'
    >>> format_quantity(Q_(1.5e12, "FLOP/s/GPU"))
    '1.50 TFLOP/s/GPU'
    >>> format_quantity(Q_(1.2e9, "USD"), per="year")
    '$1.20 B/year'
    >>> format_quantity(Q_(2.5, "USD/hour/GPU"))
    '$2.50/h/GPU'
    >>> format_quantity(Q_(15.6, "GPU*hour"))
    '15.6 GPU·h'
    >>> format_quantity(Q_(0.25, ""))
    '0.250'
    >>> format_quantity(Q_(12.5, "ms"))
    '12.5 ms'
    >>> format_quantity(Q_(2629746, "s"))
    '2,630,000 s'
    """
    quantity = quantity if isinstance(quantity, pint.Quantity) else Q_(quantity, "")
    suffix = f"/{per}" if per else ""
    glued, denominator = _glued_numerator(quantity)
    if glued:
        value = quantity.to(ureg.Unit(glued) / ureg.Unit(denominator)).magnitude
        number, prefix = _scaled(float(value), binary and glued == "byte")
        return f"{number} {prefix}{_GLUED[glued]}{_per_text(denominator)}{suffix}"
    magnitude = float(quantity.magnitude)
    units = unit_text(quantity.units)
    if units.split("/")[0] == "USD":
        number, prefix = _scaled(magnitude, False, _MONEY_PREFIXES)
        return f"${number}{' ' + prefix if prefix else ''}{_per_text(denominator)}{suffix}"
    if magnitude.is_integer() and abs(magnitude) < 1000:
        number, prefix = str(int(magnitude)), ""
    elif units in _NO_SCALE_WORDS:
        number, prefix = f"{float(significant(magnitude)):,.{_decimals(significant(magnitude))}f}", ""
    else:
        number, prefix = _scaled(magnitude, False)
    # A product of units reads as "GPU·h" to a person; unit_text keeps pint's "*" for parsing.
    return " ".join(part for part in (number, prefix, units.replace("*", "·")) if part) + suffix


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


# Durations and percentages read wrongly with a scale word ("1.2 k ms"): keep them plain.
_NO_SCALE_WORDS = {"s", "ms", "µs", "min", "h", "day", "week", "month", "year", "%"}


def _glued_numerator(quantity: pint.Quantity) -> tuple[str | None, pint.util.UnitsContainer]:
    """("byte", {second: 1}) for B/s; (None, {}) when the numerator is not one glued unit."""
    items = quantity.unit_items()
    numerator = [(name, power) for name, power in items if power > 0]
    denominator = pint.util.UnitsContainer({name: -power for name, power in items if power < 0})
    if len(numerator) != 1 or numerator[0][1] != 1:
        return None, denominator
    dimension = ureg.get_dimensionality(numerator[0][0])
    for base_name in _GLUED:
        if ureg.get_dimensionality(base_name) == dimension:
            return base_name, denominator
    return None, denominator


def _per_text(denominator: pint.util.UnitsContainer) -> str:
    return "".join(f"/{unit_text(pint.util.UnitsContainer({name: power}))}" for name, power in denominator.items())


def _scaled(value: float, binary: bool, prefixes: list[str] | None = None) -> tuple[str, str]:
    """Pick the prefix that puts ``value`` in [1, 1000) (or [1, 1024) for binary)."""
    step, prefixes = (1024.0, _BINARY_PREFIXES) if binary else (1000.0, prefixes or _DECIMAL_PREFIXES)
    index = 0
    while abs(value) >= step and index < len(prefixes) - 1:
        value /= step
        index += 1
    text = significant(value)
    if abs(float(text)) >= step and index < len(prefixes) - 1:  # 999.7 rounds to 1000
        index += 1
        text = significant(float(text) / step)
    return text, prefixes[index]
