"""The one way Envelope shows a number to a person: a result, an input, a change, an axis, a number in words.

Every text a report, the notes, a diagram, the app or the CLI shows for a quantity comes from
here, in the scenario's conventions (decimal or binary storage units: ``Conventions.binary``),
through ``estimator.units.format_quantity`` (three significant figures and a readable prefix).
JSON does not come here: it keeps exact magnitudes.

>>> from estimator.compose import Estimate
>>> from estimator.scenario import Conventions
>>> from estimator.trace import step
>>> from estimator.units import Q_
>>> e = Estimate("x", Conventions(), None, {})
>>> show(step("storage.total_footprint", "Total", "x", Q_(2.1e12, "B")), e)
'2.10 TB'
>>> signed_change(Q_(1.0, "TB"), Q_(4.0, "TB"), e)
'-3.00 TB (-75.0 %)'
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import pint

from estimator.units import Q_, format_quantity, significant

if TYPE_CHECKING:
    from estimator.compose import Estimate
    from estimator.trace import Step

__all__ = ["MINUS", "axis_scale", "file_range_text", "number_words", "relative_text", "show", "show_input", "signed",
           "signed_change"]

# The minus of a decrease: the ASCII hyphen-minus, as format_quantity writes negative numbers, so a
# change reads the same in its absolute and its relative part and pastes back as a number.
MINUS = "-"

# Words for large numbers that pint reads back (estimator.units.SCALE_WORDS), largest first.
_NUMBER_WORDS = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand"))


def show(result: Step, estimate: Estimate) -> str:
    """A result's value as a person reads it, in the scenario's storage display.

    Parameters
    ----------
    result : Step
        One result of ``estimate``; ``result.per`` ("day", "month") is written after the unit.
    estimate : Estimate
        Its estimate, for the conventions.

    Returns
    -------
    str
        ``'116 k request/s'``, ``'$41.3 k/month'``, ``'1.91 TiB'`` (binary display).
    """
    return format_quantity(result.value, binary=estimate.conventions.binary, per=result.per)


def show_input(quantity: pint.Quantity, estimate: Estimate) -> str:
    """An input as a person wrote it: a tiny rate per second reads better per day or month.

    Conventions turned "20 request/user/day" into 0.000231 request/user/s; shown per
    convention day it is 20 again. Only the display changes, never the value.

    Parameters
    ----------
    quantity : pint.Quantity
        An input of a step, in seconds (as calc functions see it).
    estimate : Estimate
        Its estimate, for the convention periods and the storage display.

    Returns
    -------
    str
        The input as text, per day or per month when it is a rate below 0.01 per second.
    """
    binary = estimate.conventions.binary
    seconds_power = dict(quantity.unit_items()).get("second", 0)
    magnitude = quantity.magnitude
    if seconds_power == -1 and isinstance(magnitude, float) and 0 < abs(magnitude) < 0.01:
        for period in ("day", "month"):
            seconds = estimate.periods.seconds(period)
            if abs(magnitude * seconds.magnitude) >= 0.01 or period == "month":
                return format_quantity(quantity * seconds, binary=binary, per=period)
    return format_quantity(quantity, binary=binary)


def file_range_text(value: Any) -> str:
    """What a setting the app shows but cannot edit holds: a range or a choice written in the file,
    and the value the estimate takes from it (as ``estimator.compose.estimate`` does, for every caller).

    Parameters
    ----------
    value : estimator.ranges.Range
        A range (``{low, high, dist}``) or a choice (``{choose: [...]}``, ``estimator.choices.Choice``).

    Returns
    -------
    str
        One sentence, ending with how to change it.

    >>> from estimator.choices import Choice
    >>> from estimator.ranges import Range
    >>> file_range_text(Range(low=1.5, high=3.0, floor=1.0))
    'A range in the file: 1.50 … 3 (lognormal); the estimate uses its median, 2.12. Edit the file to change it.'
    >>> file_range_text(Choice.of([2.0, 3.0], floor=1.0))
    'A choice in the file (choose: 2 | 3); the estimate uses its first option, 2. Edit the file to change it.'
    """
    if getattr(value, "options", ()):  # a design choice: the first option is the design as written
        used = f"A choice in the file ({value.text()}); the estimate uses its first option"
    else:
        used = f"A range in the file: {value.text()}; the estimate uses its median"
    return f"{used}, {format_quantity(value.median())}. Edit the file to change it."


def signed(change: pint.Quantity, text: str) -> str:
    """``text`` (a change as format_quantity wrote it) with an explicit ``+`` on an increase.

    >>> signed(Q_(2.0, "B"), "2 B"), signed(Q_(-2.0, "B"), "-2 B")
    ('+2 B', '-2 B')
    """
    return "+" + text if change.magnitude > 0 else text


def relative_text(relative: float | None) -> str:
    """A relative change: ``+12.5 %``, ``-3.00 %``, ``0 %``; ``n/a`` when undefined.

    >>> [relative_text(x) for x in (0.125, -0.03, 0.0, None)]
    ['+12.5 %', '-3.00 %', '0 %', 'n/a']
    """
    if relative is None:
        return "n/a"
    if relative == 0:
        return "0 %"
    sign = "+" if relative > 0 else MINUS
    return f"{sign}{significant(abs(relative) * 100)} %"


def signed_change(now: pint.Quantity, before: pint.Quantity, estimate: Estimate, per: str | None = None) -> str | None:
    """``+$8.26 k/month (+20.0 %)``: the change from ``before`` to ``now``; None when nothing changed.

    >>> from estimator.compose import Estimate
    >>> from estimator.scenario import Conventions
    >>> e = Estimate("x", Conventions(), None, {})
    >>> signed_change(Q_(1200.0, "request/s"), Q_(1000.0, "request/s"), e)
    '+200 request/s (+20.0 %)'
    >>> signed_change(Q_(5.0, "GPU"), Q_(5.0, "GPU"), e) is None
    True
    """
    difference = (now - before.to(now.units)).magnitude
    if difference == 0:
        return None
    sign = "+" if difference > 0 else MINUS
    text = f"{sign}{format_quantity(Q_(abs(difference), now.units), binary=estimate.conventions.binary, per=per)}"
    base = before.to(now.units).magnitude
    if not base:
        return text
    relative = abs(difference / base)  # the sign is the change's, whatever the sign of the base
    return f"{text} ({relative_text(relative if difference > 0 else -relative)})"


_LEADING_NUMBER = re.compile(r"^(\$?)(-?[0-9][0-9,]*(?:\.[0-9]+)?)\s*")


def axis_scale(units: Any, largest: float, *, binary: bool = False, per: str | None = None) -> tuple[str, float]:
    """(axis title, divisor) that puts ``largest`` (a magnitude in ``units``) between 1 and 1000 on an axis,
    worded as ``format_quantity`` words the values: one code path for the numbers and the axis.

    Parameters
    ----------
    units : pint.Unit
        The unit of the values on the axis.
    largest : float
        The largest absolute value to show, in ``units``.
    binary : bool
        Powers of 1024 for amounts of information (``Conventions.binary``).
    per : str, optional
        The convention period the values are counted over ("month"), written after the unit.

    Returns
    -------
    tuple of (str, float)
        The title (``'$ k/month'``) and what to divide each value by.

    >>> axis_scale(Q_(1, "USD").units, 41_300.0, per="month")
    ('$ k/month', 1000.0)
    >>> axis_scale(Q_(1, "B").units, 2.1e12)
    ('TB', 1000000000000.0)
    >>> axis_scale(Q_(1, "B").units, 3 * 2.0**40, binary=True)
    ('TiB', 1099511627776.0)
    >>> axis_scale(Q_(1, "request/s").units, 694_000.0)
    ('k request/s', 1000.0)
    >>> axis_scale(Q_(1, "ms").units, 4_000.0)  # durations keep their unit: no "k ms"
    ('ms', 1.0)
    >>> axis_scale(Q_(1, "GPU").units, 0.0), axis_scale(Q_(1, "").units, 0.4)
    (('GPU', 1.0), ('', 1.0))
    """
    largest = abs(float(largest))
    step = 1024.0 if binary and Q_(1, units).check("[information]") else 1000.0
    power = math.floor(math.log(largest, step)) if largest > 0 and math.isfinite(largest) else 0
    factor = step ** max(power, 0) if largest >= 1 else 1.0
    shown = format_quantity(Q_(factor, units), binary=binary, per=per)
    match = _LEADING_NUMBER.match(shown)
    if match is None:  # pragma: no cover - format_quantity always starts with a number
        return shown, 1.0
    number = float(match[2].replace(",", ""))
    title = (match[1] + (" " if match[1] and shown[match.end():][:1] not in ("", "/") else "")
             + shown[match.end():]).strip()
    return title, factor / number if number else 1.0


def number_words(value: float, digits: int = 12, smallest: float = 1e6) -> str:
    """A number as a person types it, in words pint reads back: ``2 billion``, never ``2e+09``.

    Parameters
    ----------
    value : float
        The number.
    digits : int
        Significant figures kept (12: the value parses back the same; 4: a bound on a slider).
    smallest : float
        The smallest scale written as a word (1e6: ``million``; 1e3: ``thousand`` too).

    Returns
    -------
    str
        ``'1.5 million'``, ``'1234.5'``, ``'1e-05'``.

    >>> [number_words(v) for v in (3.0, 0.5, 1.3, 2e9, 8e8, 1.5e6, 1234.5, 1e-05)]
    ['3', '0.5', '1.3', '2 billion', '800 million', '1.5 million', '1234.5', '1e-05']
    >>> number_words(7e8, 4, smallest=1e3), number_words(25_000.0, 4, smallest=1e3), number_words(0.123456, 4)
    ('700 million', '25 thousand', '0.1235')
    """
    value = float(value)
    for scale, word in _NUMBER_WORDS:
        if scale >= smallest and abs(value) >= scale:
            return f"{_figures(value / scale, digits)} {word}"
    return _figures(value, digits)


def _figures(value: float, digits: int) -> str:
    """``value`` with at most ``digits`` significant figures, no trailing zeros, no exponent below 1e16."""
    if digits >= 12:
        return f"{value:.{digits}g}"
    text = significant(value, digits)
    return text.rstrip("0").rstrip(".") if "." in text else text
