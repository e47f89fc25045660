"""The "show your work" record: every result is a Step that says how it was reached.

>>> s = step("traffic.peak_qps", "Peak QPS", "average_qps × peak_factor",
...          Q_(2000.0, "request/s"), average_qps=Q_(1000.0, "request/s"), peak_factor=2.0)
>>> s.value
<Quantity(2000.0, 'request / second')>
>>> s.substituted()
'1.00 k request/s × 2'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, cast

import pint

from estimator.units import Q_, format_quantity, ureg


@dataclass(frozen=True)
class Step:
    """One result: a stable dotted ``key``, its value, the formula and the inputs it used.

    ``per`` names a convention period ("day", "month", "year") when the value is an amount
    counted over one such period (see estimator.conventions), not a pint rate.
    """

    key: str
    label: str
    formula: str
    value: pint.Quantity
    inputs: Mapping[str, pint.Quantity] = field(default_factory=dict)
    per: str | None = None

    def substituted(self, show: Callable[[pint.Quantity], str] = format_quantity) -> str:
        """The formula with each input name replaced by its value, as ``show`` formats it."""
        if not self.inputs:
            return self.formula
        shown: dict[str, str] = {}

        def value_of(name: str) -> str:
            if name not in shown:
                shown[name] = show(self.inputs[name])
            return shown[name]

        if not all(_NAME_CHARS.fullmatch(name) for name in self.inputs):  # no calc step names one so
            names = sorted(self.inputs, key=len, reverse=True)
            pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, names)) + r")(?![\w])")
            return pattern.sub(lambda match: value_of(match.group(1)), self.formula)
        return _RUN.sub(lambda match: _substitute_run(match.group(0), self.inputs, value_of), self.formula)


# A name stands where it is not preceded by a word character or "." and not followed by a word
# character: within a run of word characters and dots, only the whole run or the part before one
# of its dots can be a name, the longest winning (``a.b`` over ``a``). One pass over the formula
# with a dictionary look-up per run; an alternation of every name (a sum over n datasets names n)
# cost a regular expression of n branches to compile per step.
_NAME_CHARS = re.compile(r"[\w.]+")
_RUN = re.compile(r"(?<![\w.])[\w.]+")


def _substitute_run(run: str, names: Mapping[str, Any], value_of: Callable[[str], str]) -> str:
    """``run`` with its name (the longest of the run or the run up to one of its dots) replaced."""
    if run in names:
        return value_of(run)
    cut = run.rfind(".")
    while cut > 0:
        if run[:cut] in names:
            return value_of(run[:cut]) + run[cut:]
        cut = run.rfind(".", 0, cut)
    return run


# "No unit" as a unit object: pint parses a unit given as text on every call, "" included (its
# cache keeps only single unit names), and each estimate asked for it ~270 times.
_NO_UNIT = Q_(1.0, "").units


def as_quantity(value: Any) -> pint.Quantity:
    return value if isinstance(value, pint.Quantity) else Q_(value, _NO_UNIT)


def simplest(quantity: pint.Quantity) -> pint.Quantity:
    """``quantity`` with one unit per dimension: ``675 TB/MB`` is a plain number, ``record·month/s`` a count.

    Parameters
    ----------
    quantity : pint.Quantity
        A result, magnitude a number or a numpy array.

    Returns
    -------
    pint.Quantity
        The same amount, units of one dimension cancelled (pint's ``to_reduced_units``);
        a dimensionless result has no unit left at all.

    Examples
    --------
    >>> simplest(Q_(675, "TB/MB")), simplest(Q_(457, "GFLOP/TFLOP"))
    (<Quantity(6.75e+08, 'dimensionless')>, <Quantity(0.457, 'dimensionless')>)
    >>> simplest(Q_(144, "record*s/s")), simplest(Q_(2.5, "USD/GPU/h"))
    (<Quantity(144, 'record')>, <Quantity(2.5, 'USD / accelerator / hour')>)
    """
    target, factor = _reduction(tuple(quantity._units.items()))
    if target is None:
        return quantity
    magnitude = quantity.magnitude
    return Q_(magnitude if factor is None else magnitude * factor, target)  # as pint's .to() computes it


# Every step reduces its value's unit, and pint works the reduction out (and converts to root
# units to ask whether it is dimensionless) on every call: a tenth of an estimate's time. What
# depends on the unit alone is remembered per unit, never per value; a scenario's units are few.
@functools.lru_cache(maxsize=4096)
def _reduction(items: tuple[tuple[str, Any], ...]) -> tuple[pint.util.UnitsContainer | None, float | None]:
    """(reduced unit, conversion factor) of a unit, as pint's ``to_reduced_units`` and ``to("")`` give them.

    The unit is None when the quantity is returned as it is (a single unit with a dimension);
    the factor is None when the magnitude does not change (pint converts nothing between equal units).
    """
    unit = Q_(1.0, pint.util.UnitsContainer(dict(items)))
    reduced = cast(pint.Quantity, unit.to_reduced_units())  # pint types it as the PlainQuantity base
    if reduced.dimensionless:
        reduced = reduced.to("")
    elif reduced is unit:
        return None, None
    factor = None if reduced._units == unit._units else ureg.convert(1.0, unit._units, reduced._units)
    return reduced._units, factor


def step(key: str, label: str, formula: str, value: Any, *, per: Any = None, **inputs: Any) -> Step:  # per: str | None; Any so **dict[str, Quantity] inputs type-check
    """Build a Step; plain numbers become dimensionless quantities, units of one dimension cancel."""
    return Step(key, label, formula, simplest(as_quantity(value)), {k: as_quantity(v) for k, v in inputs.items()},
                per)
