"""Sums of results: one adder for bytes, accelerators, dollars alike, that knows the unit of nothing.

>>> from estimator.trace import step
>>> total("serving.accelerators", "Accelerators", [step("a", "A", "x", Q_(2.0, "GPU")),
...                                                  step("b", "B", "x", Q_(3.0, "GPU"))], unit="GPU").value
<Quantity(5.0, 'accelerator')>
>>> total("cost.monthly_total", "Total", [], unit="USD", per="month").value
<Quantity(0.0, 'USD')>
"""

from __future__ import annotations

from collections.abc import Iterable

import pint

from estimator.trace import Step, step
from estimator.units import Q_

__all__ = ["total"]


def total(key: str, label: str, parts: Iterable[Step], *, unit: str, per: str | None = None) -> Step:
    """The sum of several results of one dimension, each named in the formula.

    Parameters
    ----------
    key, label : str
        The result's key and label.
    parts : iterable of Step
        The results to add; their values are quantities of ``unit``'s dimension (magnitudes may be
        numpy arrays of one shape). The sum keeps the first part's unit.
    unit : str
        The unit of the sum, given by the caller because an empty sum has no part to take it from
        (0 B of storage, 0 GPU, 0 USD).
    per : str, optional
        The convention period the parts are counted over ("month").

    Returns
    -------
    Step
        ``a + b + c = value``, with every part as an input.

    Raises
    ------
    ValueError
        A part of another dimension than ``unit``: a bug of the caller, never the user's input.
    """
    parts = list(parts)
    zero = Q_(0.0, unit)
    checked = set()  # a unit's dimension is asked once, not once per part (a sum over 1,000 datasets)
    for part in parts:
        if part.value._units not in checked:
            if part.value.dimensionality != zero.dimensionality:
                raise ValueError(f"{key}: {part.key} is {part.value.dimensionality}, not {zero.dimensionality}")
            checked.add(part.value._units)
    value = _sum([part.value for part in parts]) if parts else zero
    return step(key, label, " + ".join(part.key for part in parts) if parts else "0", value, per=per,
                **{part.key: part.value for part in parts})


def _sum(values: list[pint.Quantity]) -> pint.Quantity:
    """``values[0] + values[1] + ...`` as pint adds them, left to right; parts of one unit (the
    usual case) add their magnitudes directly, which is what pint does for them, without a
    quantity built per addition."""
    first = values[0]
    if any(value._units != first._units for value in values):
        return sum(values[1:], first)
    magnitude = first.magnitude
    for value in values[1:]:
        magnitude = magnitude + value.magnitude
    return Q_(magnitude, first._units)
