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

import functools
import tokenize
from typing import Mapping

import numpy as np
import pint
from pint.pint_eval import tokenizer

from estimator.errors import did_you_mean
from estimator.units import Q_, CostlyExpression, UnitSpelling, bounded_parse, bounded_tokens, drop_scale_words, ureg


class ExpressionProblem(ValueError):
    """What is wrong with an expression, in words for a person (located by the caller)."""


# An estimate reads each expression several times (its names, its order, its evaluation) and a
# sampled or checked estimate runs several passes: reading is a pure function of the text, so each
# text is tokenised once per process. Bounded: a scenario holds at most a few hundred expressions.
_READ_CACHE = 4096


@functools.lru_cache(maxsize=_READ_CACHE)
def _tokens(expr: str) -> tuple[tokenize.TokenInfo, ...]:
    """The tokens of ``expr`` as written (for names), once its cost is known to be bounded.

    Cached by text (``_READ_CACHE``); a refused text raises each time it is read.
    """
    try:
        bounded_tokens(expr)  # the same bounds as every quantity in a scenario (estimator.units)
        return tuple(t for t in tokenizer(expr) if t.type not in (tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.NL))
    except CostlyExpression as error:
        raise ExpressionProblem(_costly(error)) from None
    except (tokenize.TokenError, SyntaxError) as error:
        raise ExpressionProblem(f"cannot read the expression: {error.args[0] if error.args else error}") from None


# pint drops what it does not know and multiplies what stands side by side: "traffic.peak_qps[2]"
# is twice the peak and "2 500" is a thousand. Only these operators, and no number written
# right after a number, a name or a closing bracket.
_OPERATORS = frozenset({"+", "-", "*", "/", "**", "^", "(", ")", ".", "%"})


def _check_arithmetic(expr: str, tokens: tuple[tokenize.TokenInfo, ...]) -> None:
    """Refuse an operator pint would drop and numbers written side by side.

    >>> _check_arithmetic("x[2]", _tokens("x[2]"))
    Traceback (most recent call last):
    ...
    estimator.expressions.ExpressionProblem: '[' is not arithmetic Envelope reads (pint would multiply \
what stands on either side); use + - * / ** and round brackets
    >>> _check_arithmetic("2 500 user", _tokens("2 500 user"))
    Traceback (most recent call last):
    ...
    estimator.expressions.ExpressionProblem: numbers side by side in '2 500 user' (pint would multiply \
them); write one number, e.g. 2500 or 2.5e3, and put * between factors
    """
    before = None
    for token in tokens:
        if token.type == tokenize.OP and token.string not in _OPERATORS:
            raise ExpressionProblem(f"{token.string!r} is not arithmetic Envelope reads (pint would multiply what "
                                    "stands on either side); use + - * / ** and round brackets")
        if token.type == tokenize.NUMBER and before is not None and (
                before.type in (tokenize.NUMBER, tokenize.NAME) or before.string == ")"):
            raise ExpressionProblem(f"numbers side by side in {expr!r} (pint would multiply them); write one "
                                    "number, e.g. 2500 or 2.5e3, and put * between factors")
        before = token


def _costly(error: CostlyExpression) -> str:
    text = str(error)
    return text if text.startswith(("chained", "exponents")) else f"expression {text}"


@functools.lru_cache(maxsize=_READ_CACHE)
def _names(expr: str) -> tuple[tuple[str, int, int], ...]:
    """``_dotted_names`` of ``expr``'s tokens, cached by text like ``_tokens``."""
    return tuple(_dotted_names(_tokens(expr)))


def _dotted_names(tokens: tuple[tokenize.TokenInfo, ...]) -> list[tuple[str, int, int]]:
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
    return [name for name, _, _ in _names(expr)]


def evaluate(expr: str, values: Mapping[str, pint.Quantity]) -> pint.Quantity:
    """Evaluate ``expr``; a name is a value from ``values`` or else a unit."""
    _check_arithmetic(expr, _tokens(expr))
    names = _names(expr)
    for name, _, _ in names:  # in reading order, so the message names the first unknown one
        if name not in values and ("." in name or not _is_unit(name)):
            hint = did_you_mean(name, values)
            raise ExpressionProblem(f"unknown name '{name}'" + (f"; {hint}" if hint else ""))
    text, placeholders = expr, {}
    for number, (name, start, end) in reversed(list(enumerate(names))):  # from the end: columns stay valid
        if name in values:
            placeholder = f"envelope_value_{number}"
            placeholders[placeholder] = values[name]
            text = text[:start] + placeholder + text[end:]
    try:
        with np.errstate(all="ignore"):  # a division by zero in sampled arrays is refused below, located
            result = bounded_parse(text, len(text) - len(expr), **placeholders)
            result = drop_scale_words(result) if isinstance(result, pint.Quantity) else Q_(float(result), "")
    except CostlyExpression as error:
        raise ExpressionProblem(_costly(error)) from None
    except UnitSpelling as error:
        raise ExpressionProblem(str(error)) from None
    except pint.DimensionalityError as error:
        raise ExpressionProblem(f"cannot combine {error.dim1} with {error.dim2}") from None
    except (ZeroDivisionError, OverflowError):
        raise ExpressionProblem("the expression divides by zero or overflows") from None
    except Exception as error:  # pint's parser raises several types for malformed text
        reason = str(error) or "it is not arithmetic over numbers, names and units"
        raise ExpressionProblem(f"cannot evaluate the expression: {reason}") from None
    finite = np.isfinite(result.magnitude)
    if not np.all(finite):
        if np.ndim(finite) > 0 and np.any(finite):  # some draws only: a range's samples reach 0 or overflow
            raise ExpressionProblem(
                f"the expression divides by zero or overflows for {int(np.size(finite) - np.count_nonzero(finite)):,} "
                f"of {np.size(finite):,} values of the ranged inputs (draws stop at a field's floor, 0 for an "
                "amount, and a normal range's draws reach past its low); move the range away from 0 (a higher "
                "low) or use dist: lognormal")
        raise ExpressionProblem("the expression divides by zero or overflows")
    return result


def _is_unit(name: str) -> bool:
    try:
        ureg.parse_units(name)
    except Exception:
        return False
    return True
