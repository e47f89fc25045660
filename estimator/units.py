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
from typing import Any, NamedTuple, cast

import pint
from pint.facets.plain import PlainUnit
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
    registry: pint.UnitRegistry = pint.UnitRegistry(cache_folder=None, on_redefinition="ignore")
    registry.load_definitions(UNITS_FILE)
    # pint has no public way to re-resolve units after a redefinition; _build_cache is what its
    # own constructor calls, and it rebuilds the table of every context too.
    registry._build_cache()
    dimension = registry.get_dimensionality("byte")
    if dimension != registry.get_dimensionality("bit") or str(dimension) != "[information]":
        raise RuntimeError(f"unit registry: byte resolved to {dimension}, not [information]")
    registry.formatter.default_format = "~"
    # pint remembers a parsed unit text only when the text is itself a unit's name: "s" is
    # remembered, "ms" or "B/s" is parsed again at every .to("ms") (a third of the estimate of
    # 1,000 serving stages). The registry is complete here and never redefined afterwards, so
    # each text parses to the same units for the whole run: remember them all (errors are not
    # remembered; a unit text is short and the distinct ones few).
    registry._parse_units_as_container = functools.lru_cache(maxsize=4096)(  # type: ignore[method-assign]
        registry._parse_units_as_container)
    return registry


ureg = build_registry()
Q_ = ureg.Quantity
# pint unpickles a quantity into its *application* registry, not the one it was made with. The app
# estimates large uploads in a worker process and receives the estimate pickled: with pint's
# default application registry, ``user`` was an undefined unit there (and bytes would be
# dimensionless). Making this registry the application one gives back the very same quantities.
pint.set_application_registry(ureg)
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
    check_length(text)  # a bound before anything else reads the text
    quantity = bounded_parse(checked_shape(text))
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


def bounded_parse(text: str, /, extra_length: int = 0, **values: Any) -> Any:
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
    tokens, text = bounded_tokens(text, extra_length)
    check_unit_names(token.string for token in tokens if token.type == tokenize.NAME and token.string not in values)
    for token in reversed(tokens):
        if token.type == tokenize.NUMBER:
            start, end = token.start[1], token.end[1]
            text = text[:start] + repr(_literal(token.string)) + text[end:]
    return ureg.parse_expression(text, **values)


def check_length(text: str, extra_length: int = 0) -> None:
    """Refuse text longer than any real quantity or expression (``CostlyExpression``).

    ``extra_length`` is what a caller's own rewriting added (longer placeholders for names): the
    bound, and the message, stay those of the text as written.
    """
    if len(text) - extra_length > MAX_EXPRESSION_LENGTH:
        raise CostlyExpression(f"longer than {MAX_EXPRESSION_LENGTH} characters")


def bounded_tokens(text: str, extra_length: int = 0) -> tuple[list[tokenize.TokenInfo], str]:
    """The tokens of ``text`` after pint's preprocessing, and that text; refuse costly text
    (``extra_length``: see ``check_length``)."""
    check_length(text, extra_length)
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


def unit_powers(quantity: pint.Quantity) -> list[tuple[str, float]]:
    """``quantity``'s units as ``(name, power)`` pairs.

    pint types a power as any ``Number`` (complex too); a unit's powers are ints or floats, so they
    compare and add as real numbers.

    >>> unit_powers(Q_(1, "byte / second"))
    [('byte', 1), ('second', -1)]
    """
    return cast("list[tuple[str, float]]", list(quantity.unit_items()))


def unit_text(units: PlainUnit | pint.util.UnitsContainer) -> str:
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
    numerator: list[str] = []
    denominator: list[str] = []
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


# ------------------------------------------------------------------ what a quantity may be
# pint reads anything it can: numbers side by side are multiplied ("2 500 000" is 0 after
# "000"), unknown operators are dropped ("5 < 3 B" is 15 B), and every prefix goes on every
# unit ("mb" is a millibit, "muser" a thousandth of a user, "Gb" the gilbert of magnetism).
# An estimate built on such a reading is silently wrong, so text is checked before pint sees
# it: its shape here, then every unit name it uses (check_unit_names).


class QuantityShape(ValueError):
    """Text that is not one number followed by one unit expression."""


class UnitSpelling(ValueError):
    """A unit spelling pint accepts that no capacity estimate means (millibit, gilbert ...)."""


# A number: digits (no leading zero), digit groups of three separated by "," or by "_" (one kind
# per number, "2,500,000" or "2_500_000"), an optional decimal part after ".", an optional exponent.
_NUMBER = re.compile(r"[+-]?(?:(?i:nan|inf(?:inity)?)\b"  # let through, for the finite check to name them
                     r"|(?:(?:[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d{0,2}(?:_\d{3})+|0|[1-9]\d*)(?:\.\d+)?|\.\d+)"
                     r"(?:[eE][+-]?\d+)?)")
# The unit expression after it: names, "*", "/", "·", "×", brackets, "%", and exponents
# ("**2", "^-1") that are the only numbers allowed in it.
_UNIT_PART = re.compile(r"\s*(?:(?P<name>[^\W\d]\w*)|(?P<power>\*\*|\^)\s*(?P<exponent>[+-]?\d+(?:\.\d+)?)"
                        r"|(?P<op>[*/·×()%]))")


def checked_shape(text: str) -> str:
    """``text`` when it is one number and one unit expression, with digit-group separators removed.

    Parameters
    ----------
    text : str
        A quantity as a person wrote it: ``"2,500,000 user"``, ``"2.5e6 s"``, ``"5 %"``,
        ``"1.5 billion user"``, ``"2 request/user/day"``.

    Returns
    -------
    str
        The same text for pint, ``,`` and ``_`` between digit groups taken out.

    Raises
    ------
    QuantityShape
        For anything else, saying what pint would have read: numbers side by side
        (``"2 500 000 user"``), a leading zero (``"010 KB"``, octal to YAML 1.1), a second decimal
        point (``"1.000.000 B"``), operators pint drops (``"5 < 3 B"``), no number at all.

    Examples
    --------
    >>> checked_shape("2,500,000 user"), checked_shape("1_000 B"), checked_shape(" .5 ms")
    ('2500000 user', '1000 B', '.5 ms')
    >>> checked_shape("2 500 000 user")
    Traceback (most recent call last):
    ...
    estimator.units.QuantityShape: numbers side by side in '2 500 000 user' (pint would read 0 user); \
write one number, e.g. '2,500,000 user' or '2_500_000 user'
    >>> checked_shape("5 < 3 B")
    Traceback (most recent call last):
    ...
    estimator.units.QuantityShape: '<' in '5 < 3 B' is not part of a quantity (pint would read 15 B); \
write a number and one unit, e.g. '5 B'
    """
    stripped = text.strip()
    if re.match(r"[+-]?0\d", stripped):
        raise QuantityShape(f"a leading zero in {text!r} ({_read_as(text)}; 010 is octal 8 to YAML 1.1); "
                            "write the number without it")
    number = _NUMBER.match(stripped)
    if number is None:
        raise QuantityShape(f"{text!r} does not start with a number")
    rest, position = stripped[number.end():], 0
    while position < len(rest):
        part = _UNIT_PART.match(rest, position)
        if part is None or part.end() == position:
            bad = rest[position:].strip()
            if re.match(r"[\d.,_]", bad):
                kind = "a second decimal point" if bad.startswith(".") else "numbers side by side"
                example = _grouped_examples(number.group(), rest) or (
                    " (',' and '_' only separate groups of three digits; a decimal point is '.')")
                raise QuantityShape(f"{kind} in {text!r} ({_read_as(text)}); write one number{example}")
            raise QuantityShape(f"{bad[:1]!r} in {text!r} is not part of a quantity ({_read_as(text)}); "
                                f"write a number and one unit, e.g. '{number.group()}{_unit_of(rest)}'")
        position = part.end()
    return re.sub(r"(?<=\d)[,_](?=\d{3})", "", stripped[:number.end()]) + rest


def _grouped_examples(first: str, rest: str) -> str:
    """", e.g. '2,500,000 user' or '2_500_000 user'" for digits written in groups with spaces or dots."""
    groups = re.match(r"((?:[\s.]\d{3})+)(?=\s|$)(.*)", rest)
    if not groups or not first.isdigit():
        return ""
    digits = [first, *re.findall(r"\d{3}", groups.group(1))]
    unit = groups.group(2).strip()
    return f", e.g. '{','.join(digits)} {unit}' or '{'_'.join(digits)} {unit}'"


def _unit_of(rest: str) -> str:
    names = re.findall(r"[^\W\d]\w*", rest)
    return f" {names[-1]}" if names else ""


def _read_as(text: str) -> str:
    """What pint makes of ``text``, in words: "pint would read 0 user"."""
    try:
        quantity = ureg.parse_expression(re.sub(r"[^\w\s.*/+\-()]", " ", text)) if len(text) <= 100 else None
    except Exception:
        quantity = None
    if not isinstance(quantity, pint.Quantity):
        return "pint cannot read it" if quantity is None else f"pint would read {quantity:g}"
    units = unit_text(drop_scale_words(quantity).units)
    return f"pint would read {drop_scale_words(quantity).magnitude:g}{' ' + units if units else ''}"


# Dimensions Envelope declares in units.txt (information and the counted things, money,
# compute, devices): a fraction of one of them means nothing, so no prefix below one goes on them.
_OWN_DIMENSIONS = frozenset(re.findall(r"^\w+ = (\[\w+\])", UNITS_FILE.read_text(), re.MULTILINE))
# pint's own dimensions a capacity estimate uses: time; power or energy for data-centre figures; mass
# for carbon emissions (kg or t CO2e) and, over energy, a grid's carbon intensity (kg/kWh).
_PHYSICAL = (ureg.get_dimensionality("s"), ureg.get_dimensionality("W"), ureg.get_dimensionality("J"),
             ureg.get_dimensionality("kg"), ureg.get_dimensionality("kg/kWh"))
# Plain numbers written as a unit: percent and the number words.
_PLAIN_WORDS = frozenset({"percent", "dimensionless", *SCALE_WORDS})


def check_unit_names(names: Any) -> None:
    """Refuse every unit spelling that pint accepts but no capacity estimate means.

    The rules (listed in the README):

    * no prefix below one (milli, micro, nano, pico, centi, deci ...) on information, counted
      things, compute, devices or money: ``mb`` is a millibit, ``muser`` a thousandth of a user;
    * no unit of a dimension Envelope does not use (``Gb`` is the gilbert, ``dB`` the decibel,
      ``T`` the tesla): only information, time, the counted things, money, compute, devices,
      power and energy, and plain numbers (``%``, ``million``);
    * names pint does not know are left for pint to report.

    Parameters
    ----------
    names : iterable of str
        Unit names as written (``"mb"``, ``"GB"``, ``"request"``).

    Raises
    ------
    UnitSpelling
        Naming what pint reads and what to write instead.

    Examples
    --------
    >>> check_unit_names(["MB", "Mb", "Mbit", "MiB", "KB", "ms", "request", "USD", "kWh", "percent"])
    >>> check_unit_names(["mb"])
    Traceback (most recent call last):
    ...
    estimator.units.UnitSpelling: 'mb' reads as millibit; write 'MB' for megabytes or 'Mbit' for megabits
    >>> check_unit_names(["Gb"])
    Traceback (most recent call last):
    ...
    estimator.units.UnitSpelling: 'Gb' reads as gilbert, which no capacity estimate uses; write 'GB' for \
gigabytes or 'Gbit' for gigabits
    """
    for name in names:
        problem = _spelling_problem(name)
        if problem:
            raise UnitSpelling(problem)


@functools.lru_cache(maxsize=1024)
def _spelling_problem(name: str) -> str | None:
    try:
        resolved = ureg.get_name(name)
    except (pint.errors.UndefinedUnitError, AttributeError, ValueError):
        return None  # not a unit: pint (or the expression reader) says so in its own words
    prefix, unit = _prefix_and_unit(name, resolved)
    dimension = ureg.get_dimensionality(unit)
    own = set(dimension) & _OWN_DIMENSIONS
    if prefix and own and ureg.Quantity(1, resolved).to(unit).magnitude < 1:
        return f"{name!r} reads as {resolved}{_instead(name, unit)}"
    if own and set(dimension) <= _OWN_DIMENSIONS | {"[time]"}:
        return None
    if dimension in _PHYSICAL or (not dimension and unit in _PLAIN_WORDS):
        return None
    return f"{name!r} reads as {resolved}, which no capacity estimate uses{_instead(name, unit)}"


def _prefix_and_unit(name: str, resolved: str) -> tuple[str, str]:
    for prefix, unit, _suffix in ureg.parse_unit_name(name):
        if prefix + unit == resolved:
            return prefix, unit
    return "", resolved


def _instead(name: str, unit: str) -> str:
    """"; write 'MB' for megabytes or 'Mbit' for megabits", or a word for counted things."""
    if name[-1:] in "bB" and 1 < len(name) <= 3:
        head = name[:-1].upper() if len(name) == 2 else name[:-1]
        options = [(f"{head}B", "bytes"), (f"{head}bit", "bits")]
        shown = [f"'{text}' for {ureg.get_name(text).replace('byte', '').replace('bit', '')}{word}"
                 for text, word in options if _information(text)]
        if shown:
            return "; write " + " or ".join(shown)
    if ureg.get_dimensionality(unit) == ureg.get_dimensionality("bit"):
        return "; write bytes as 'B', 'kB', 'MB', 'GB' ... or bits as 'bit', 'Mbit', 'Gbit' ..."
    if set(ureg.get_dimensionality(unit)) & _OWN_DIMENSIONS:
        return f" (a fraction of one {unit}); write the count in full, e.g. '5 million {unit}'"
    return ""


def _information(text: str) -> bool:
    try:
        return ureg.get_dimensionality(text) == ureg.get_dimensionality("bit") and _spelling_ok(text)
    except pint.errors.UndefinedUnitError:
        return False


def _spelling_ok(text: str) -> bool:
    resolved = ureg.get_name(text)
    return _prefix_and_unit(text, resolved)[0] in ("", *_LARGE_PREFIXES)


_LARGE_PREFIXES = ("kilo", "mega", "giga", "tera", "peta", "exa", "zetta", "yotta",
                   "kibi", "mebi", "gibi", "tebi", "pebi", "exbi", "zebi", "yobi")


# ------------------------------------------------------------------------- in plain words
# How each input was read, for a reviewer: "2 MB" as "2 megabytes", so that a millibit or a
# pint month could never hide behind a symbol.
_WORDS = {"KB": "kilobyte (KB = 1,000 B)", "kB": "kilobyte", "USD": "US dollar", "accelerator": "accelerator (GPU)",
          "percent": "percent", "FLOP": "FLOP"}
_NO_PLURAL = ("percent", "FLOP")


def in_words(quantity: pint.Quantity) -> str:
    """``quantity`` as a sentence fragment with every unit spelled out.

    Parameters
    ----------
    quantity : pint.Quantity
        An input as Envelope read it (a number magnitude).

    Returns
    -------
    str
        The number in full and the units by name, each denominator after "per".

    Examples
    --------
    >>> in_words(parse_quantity("2 MB")), in_words(parse_quantity("10 million user"))
    ('2 megabytes', '10,000,000 users')
    >>> in_words(parse_quantity("2 request/user/day")), in_words(parse_quantity("2.5 USD/GPU/hour"))
    ('2 requests per user per day', '2.5 US dollars per accelerator (GPU) per hour')
    >>> in_words(parse_quantity("2 KB")), in_words(parse_quantity("1 GPU*hour"))
    ('2 kilobytes (KB = 1,000 B)', '1 accelerator (GPU) × hour')
    """
    magnitude = float(quantity.magnitude)
    number = f"{magnitude:,.0f}" if magnitude.is_integer() and abs(magnitude) < 1e15 else f"{magnitude:,.6g}"
    numerator = [(name, power) for name, power in unit_powers(quantity) if power > 0]
    denominator = [(name, -power) for name, power in unit_powers(quantity) if power < 0]
    words = [_unit_word(name, power, plural=index == 0 and magnitude != 1) for index, (name, power) in
             enumerate(numerator)]
    text = " × ".join(words)
    text += "".join(f" per {_unit_word(name, power, plural=False)}" for name, power in denominator)
    return f"{number} {text.strip()}".strip()


def _unit_word(name: str, power: float, *, plural: bool) -> str:
    word = _WORDS.get(name, name.replace("_", " "))
    if plural and name not in _NO_PLURAL and not word.endswith("s"):
        head, _, rest = word.partition(" (")
        word = f"{head}s" + (f" ({rest}" if rest else "")
    return word if power == 1 else f"{word}^{_number(power)}"


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
    plan = _display_plan(tuple(quantity._units.items()))
    if plan.glued:
        magnitude = quantity.magnitude
        value = magnitude if plan.factor is None else magnitude * plan.factor  # as pint's .to() computes it
        number, prefix = _scaled(float(value), binary and plan.glued == "byte")
        return f"{number} {prefix}{_GLUED[plan.glued]}{plan.per_text}{suffix}"
    magnitude = float(quantity.magnitude)
    units = plan.units
    if plan.money:
        number, prefix = _scaled(magnitude, False, _MONEY_PREFIXES)
        return f"${number}{' ' + prefix if prefix else ''}{plan.per_text}{suffix}"
    if not units and 0 < magnitude < 1 and float(significant(magnitude)) >= 1:
        return nines(magnitude) + suffix
    if magnitude.is_integer() and abs(magnitude) < 1000:
        number, prefix = str(int(magnitude)), ""
    elif units in _NO_SCALE_WORDS:
        number, prefix = f"{float(significant(magnitude)):,.{_decimals(significant(magnitude))}f}", ""
    else:
        number, prefix = _scaled(magnitude, False)
    # A product of units reads as "GPU·h" to a person; unit_text keeps pint's "*" for parsing.
    return " ".join(part for part in (number, prefix, plan.shown_units) if part) + suffix


class _DisplayPlan(NamedTuple):
    """What ``format_quantity`` needs to know about a unit, worked out once per unit."""

    glued: str | None          # the glued unit of the numerator ("byte"), or None
    factor: float | None       # magnitude × factor is the value in glued/denominator units; None: no conversion
    per_text: str              # the denominator as shown: "/s/GPU"
    units: str                 # unit_text of the whole unit
    shown_units: str           # the same, a product written with "·"
    money: bool                # the numerator is US dollars


# Every shown number asks what its unit is (its dimension, the glued unit, pint's conversion
# factor): recomputed per call, this was most of a report's time at 1,000 datasets. It depends
# on the unit alone, and the units of a scenario are few (even a hostile file's: each is a
# product of the few unit names the loader accepts), so it is remembered per unit, never per value.
@functools.lru_cache(maxsize=4096)
def _display_plan(items: tuple[tuple[str, Any], ...]) -> _DisplayPlan:
    container = pint.util.UnitsContainer(dict(items))
    glued, denominator = _glued_numerator(ureg.Quantity(1.0, container))
    units = unit_text(container)
    factor = None
    if glued:
        target = (ureg.Unit(glued) / ureg.Unit(denominator))._units
        factor = None if target == container else ureg.convert(1.0, container, target)
    return _DisplayPlan(glued, factor, _per_text(denominator), units, units.replace("*", "·"),
                        units.split("/")[0] == "USD")


MAX_NINES = 15  # a float cannot tell 1 − 1e-16 from 1


def nines(fraction: float) -> str:
    """A fraction just below 1 as a percentage with the nines it needs: ``0.9999`` → ``99.99 %``.

    Three significant figures would show it as ``1.000``, and a working line such as
    ``(1 − 1.000) × 86,400 s = 8.64 s`` would then contradict itself. Two significant figures
    of what is missing from 1 are kept: ``99.95 %``, ``99.9999 %``.

    Parameters
    ----------
    fraction : float
        A number in (0, 1).

    Returns
    -------
    str
        The percentage, e.g. ``"99.9999 %"``.

    Examples
    --------
    >>> nines(0.9999), nines(0.999999), nines(0.99995), nines(0.999999999)
    ('99.99 %', '99.9999 %', '99.995 %', '99.9999999 %')
    """
    missing = float(f"{(1 - fraction) * 100:.2g}")  # in percent, two significant figures
    decimals = min(max(1 - math.floor(math.log10(missing)), 1), MAX_NINES)
    if decimals > 1 and f"{missing:.{decimals}f}".endswith("0"):  # 0.010 → 0.01: 99.99 %, not 99.990 %
        decimals -= 1
    return f"{fraction * 100:.{decimals}f} %"


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


# Durations and percentages read wrongly with a scale word ("1.2 k ms"): keep them plain.
_NO_SCALE_WORDS = {"s", "ms", "µs", "min", "h", "day", "week", "month", "year", "%"}


def _glued_numerator(quantity: pint.Quantity) -> tuple[str | None, pint.util.UnitsContainer]:
    """("byte", {second: 1}) for B/s; (None, {}) when the numerator is not one glued unit."""
    items = unit_powers(quantity)
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
