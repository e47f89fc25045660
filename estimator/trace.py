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
from pint.facets.plain import PlainUnit

from estimator.units import Q_, format_quantity


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
        # One pass over the formula with every name at once (longest first, so `a_b` wins over `a`):
        # a name at a time made a sum over n datasets cost n passes over an n-term formula.
        names = sorted(self.inputs, key=len, reverse=True)
        pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, names)) + r")(?![\w])")
        shown: dict[str, str] = {}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in shown:
                shown[name] = show(self.inputs[name])
            return shown[name]

        return pattern.sub(replace, self.formula)


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
    dimensionless, target = _reduction(quantity.units)
    if dimensionless:
        return quantity.to({}).to(_NO_UNIT)  # pint's own steps for a dimensionless quantity
    return quantity if target is None else cast(pint.Quantity, quantity.to(target))


@functools.lru_cache(maxsize=1024)
def _reduction(units: PlainUnit) -> tuple[bool, PlainUnit | None]:
    """What ``simplest`` does to a quantity of ``units``: (dimensionless, the unit to convert to or None).

    Both depend on the unit alone, so they are found once per unit, on a probe of magnitude 1:
    pint's ``dimensionless`` converts the whole value to root units to tell, which for 10,000
    samples of each of ~120 results was a fifth of ``envelope estimate``'s sampling
    (benchmarks/bench_cli_cold_start.py). The conversion itself stays pint's ``to``, so values
    are the ones ``to_reduced_units`` gives, bit for bit.

    >>> _reduction(Q_(1, "TB/MB").units), _reduction(Q_(1, "request/s").units)
    ((True, None), (False, None))
    >>> _reduction(Q_(1, "request*month/s").units)
    (False, <Unit('request')>)
    """
    probe = cast(pint.Quantity, Q_(1.0, units).to_reduced_units())
    if probe.dimensionless:
        return True, None
    return False, (None if probe.units == units else probe.units)


def step(key: str, label: str, formula: str, value: Any, *, per: Any = None, **inputs: Any) -> Step:  # per: str | None; Any so **dict[str, Quantity] inputs type-check
    """Build a Step; plain numbers become dimensionless quantities, units of one dimension cancel."""
    return Step(key, label, formula, simplest(as_quantity(value)), {k: as_quantity(v) for k, v in inputs.items()},
                per)
