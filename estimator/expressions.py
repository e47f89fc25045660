"""User-defined quantities: arithmetic over named inputs and results, without ``eval``.

Expressions are tokenised and evaluated by pint's own expression parser; names with dots
(``traffic.peak_qps``) are swapped for placeholders first. Cost is bounded before anything
is evaluated: the length, the number of tokens, and exponents (only a small literal, never
a chain such as ``9**9**9``).

>>> values = {"traffic.peak_qps": Q_(2000.0, "request/s"), "traffic.request_size": Q_(2.0, "kB")}
>>> evaluate("traffic.peak_qps * traffic.request_size / request", values).to("MB/s")
<Quantity(4.0, 'megabyte / second')>
>>> names_in("storage.total_footprint / 3 / day")
['storage.total_footprint', 'day']
"""

from __future__ import annotations

import difflib
import tokenize
from typing import Mapping

import pint
from pint.pint_eval import tokenizer

from estimator.units import Q_, drop_scale_words, ureg

MAX_LENGTH = 500
MAX_TOKENS = 200
MAX_EXPONENT = 10.0
MAX_NUMBER = 1e30


class ExpressionProblem(ValueError):
    """What is wrong with an expression, in words for a person (located by the caller)."""


def _tokens(expr: str) -> list[tokenize.TokenInfo]:
    if len(expr) > MAX_LENGTH:
        raise ExpressionProblem(f"expression longer than {MAX_LENGTH} characters")
    if "\n" in expr or "\r" in expr:
        raise ExpressionProblem("expression spans several lines")
    try:
        tokens = [t for t in tokenizer(expr) if t.type not in (tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.NL)]
    except (tokenize.TokenError, SyntaxError, IndentationError) as error:
        raise ExpressionProblem(f"cannot read the expression: {error}") from None
    if len(tokens) > MAX_TOKENS:
        raise ExpressionProblem(f"expression has more than {MAX_TOKENS} parts")
    _check_numbers_and_powers(tokens)
    return tokens


def _check_numbers_and_powers(tokens: list[tokenize.TokenInfo]) -> None:
    for index, token in enumerate(tokens):
        if token.type == tokenize.NUMBER and abs(_number(token.string)) > MAX_NUMBER:
            raise ExpressionProblem(f"number {token.string} is too large")
        if token.string in ("**", "^"):
            rest = tokens[index + 1:index + 3]
            if rest and rest[0].string in ("-", "+"):
                rest = tokens[index + 2:index + 4]
            if not rest or rest[0].type != tokenize.NUMBER or abs(_number(rest[0].string)) > MAX_EXPONENT:
                raise ExpressionProblem(f"exponents must be plain numbers of at most {MAX_EXPONENT:g}")
            if len(rest) > 1 and rest[1].string in ("**", "^"):
                raise ExpressionProblem("chained exponents (a ** b ** c) are not allowed")


def _number(text: str) -> float:
    try:
        return float(text.replace("_", ""))
    except ValueError:
        return float("inf")


def _dotted_names(tokens: list[tokenize.TokenInfo]) -> list[tuple[str, int, int]]:
    """(name, start column, end column) for each name, joining ``a.b.c``."""
    names: list[tuple[str, int, int]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type != tokenize.NAME:
            index += 1
            continue
        name, start, end = token.string, token.start[1], token.end[1]
        while (index + 2 < len(tokens) and tokens[index + 1].string == "." and tokens[index + 2].type == tokenize.NAME
               and tokens[index + 1].start[1] == end):
            name, end = f"{name}.{tokens[index + 2].string}", tokens[index + 2].end[1]
            index += 2
        names.append((name, start, end))
        index += 1
    return names


def names_in(expr: str) -> list[str]:
    """Every name the expression uses (values and units alike), in order."""
    return [name for name, _, _ in _dotted_names(_tokens(expr))]


def evaluate(expr: str, values: Mapping[str, pint.Quantity]) -> pint.Quantity:
    """Evaluate ``expr``; a name is a value from ``values`` or else a unit."""
    tokens = _tokens(expr)
    text, placeholders = expr, {}
    for number, (name, start, end) in reversed(list(enumerate(_dotted_names(tokens)))):
        if name in values:
            placeholder = f"envelope_value_{number}"
            placeholders[placeholder] = values[name]
            text = text[:start] + placeholder + text[end:]
        elif "." in name or not _is_unit(name):
            hint = difflib.get_close_matches(name, list(values), n=1, cutoff=0.6)
            raise ExpressionProblem(f"unknown name '{name}'" + (f"; did you mean '{hint[0]}'?" if hint else ""))
    try:
        result = ureg.parse_expression(text, **placeholders)
    except pint.DimensionalityError as error:
        raise ExpressionProblem(f"cannot combine {error.dim1} with {error.dim2}") from None
    except (ZeroDivisionError, OverflowError):
        raise ExpressionProblem("the expression divides by zero or overflows") from None
    except Exception as error:  # pint's parser raises several types for malformed text
        raise ExpressionProblem(f"cannot evaluate the expression: {error}") from None
    return drop_scale_words(result) if isinstance(result, pint.Quantity) else Q_(float(result), "")


def _is_unit(name: str) -> bool:
    try:
        ureg.parse_units(name)
    except Exception:
        return False
    return True
