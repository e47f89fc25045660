"""A range instead of a point: ``{low: 300 million user, high: 800 million user}``.

For ``lognormal`` (the default) and ``normal``, ``low`` and ``high`` are the 5th and 95th
percentiles: a 90 % interval, the way people state a guess they are fairly sure of. For
``uniform`` and ``triangular`` they are the hard limits, because "uniform between 2 and 5"
means nothing outside them (Squiggle and Guesstimate read them the same way).

The same object gives the point estimate (its median) and the samples (a numpy array wrapped
in the field's unit), so both paths run the same calc functions.

>>> r = Range(Q_(300e6, "user"), Q_(800e6, "user"))
>>> round(r.median().to("user").magnitude / 1e6, 1)  # √(300 M × 800 M)
489.9
>>> s = r.sample(100_000, np.random.default_rng(0))
>>> [round(float(x) / 1e7) * 10 for x in np.percentile(s.magnitude, [5, 95])]  # millions
[300, 800]
>>> Range(2.0, 5.0, "triangular", mode=2.0).median()  # 5 − √(3 × 3 / 2)
2.878...
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pint

from estimator.units import Q_  # noqa: F401 - used by doctests

Z90 = 1.6448536269514722  # the standard normal's 95th percentile: ±Z90 σ holds 90 %
DISTRIBUTIONS = ("lognormal", "normal", "triangular", "uniform")


@dataclass(frozen=True)
class Range:
    """An uncertain input. ``low``/``high``/``mode`` are quantities (or plain numbers) of one unit.

    ``floor``/``ceiling`` are the field's own limits (0 for an amount, 1 for a fraction):
    samples from a normal tail are clipped to them rather than becoming impossible values.
    """

    low: Any
    high: Any
    dist: str = "lognormal"
    mode: Any = None
    floor: float | None = 0.0
    ceiling: float | None = None

    def _magnitudes(self) -> tuple[float, float, float | None, Any]:
        """(low, high, mode) as plain numbers in low's unit, and that unit (None for numbers)."""
        if isinstance(self.low, pint.Quantity):
            units = self.low.units
            mode = None if self.mode is None else float(self.mode.to(units).magnitude)
            return float(self.low.magnitude), float(self.high.to(units).magnitude), mode, units
        return float(self.low), float(self.high), None if self.mode is None else float(self.mode), None

    def wrap(self, magnitude: Any) -> Any:
        """Numbers in low's unit → a quantity of that unit (or the numbers, for a plain-number field)."""
        return self._wrap(magnitude)

    def ends_and_median(self) -> tuple[float, float, float]:
        """(low, high, median) as plain numbers in low's unit."""
        low, high, _, _ = self._magnitudes()
        return low, high, float(self._clip(self.median_magnitude()))

    def _wrap(self, magnitude: Any) -> Any:
        units = self._magnitudes()[3]
        return magnitude if units is None else Q_(magnitude, units)

    def median_magnitude(self) -> float:
        low, high, mode, _ = self._magnitudes()
        if self.dist == "lognormal":
            return math.sqrt(low * high)
        if self.dist == "triangular" and high > low:
            assert mode is not None
            if mode >= (low + high) / 2:
                return low + math.sqrt((high - low) * (mode - low) / 2)
            return high - math.sqrt((high - low) * (high - mode) / 2)
        return (low + high) / 2

    def median(self) -> Any:
        """The point estimate: the distribution's median, in the field's unit."""
        return self._wrap(self._clip(self.median_magnitude()))

    def sample(self, n: int, rng: np.random.Generator) -> Any:
        """``n`` draws as one array (a quantity in low's unit, or plain numbers)."""
        low, high, mode, _ = self._magnitudes()
        if high == low:
            draws = np.full(n, low)
        elif self.dist == "lognormal":
            draws = rng.lognormal(math.log(self.median_magnitude()), math.log(high / low) / (2 * Z90), n)
        elif self.dist == "normal":
            draws = rng.normal((low + high) / 2, (high - low) / (2 * Z90), n)
        elif self.dist == "uniform":
            draws = rng.uniform(low, high, n)
        else:
            assert mode is not None, "a triangular range has a mode (the loader requires one)"
            draws = rng.triangular(low, mode, high, n)
        return self._wrap(self._clip(draws))

    def _clip(self, values: Any) -> Any:
        if self.floor is None and self.ceiling is None:
            return values
        return np.clip(values, self.floor, self.ceiling) if isinstance(values, np.ndarray) else float(
            np.clip(values, self.floor if self.floor is not None else -np.inf,
                    self.ceiling if self.ceiling is not None else np.inf))

    def text(self) -> str:
        """How the range reads in a table: ``300 M user … 800 M user (lognormal)``."""
        from estimator.units import format_quantity

        return f"{format_quantity(self.low)} … {format_quantity(self.high)} ({self.dist})"


# Sections that may hold ranges: every input, and the conventions' peak factor.
_NO_RANGES = ("catalog", "framing")


def iter_ranges(model: Any) -> list[tuple[str, Range]]:
    """(dotted path, Range) for each ranged input of a scenario, in file order."""
    from estimator.walk import iter_values

    return [(path, value) for path, _raw, value in iter_values(model, skip=_NO_RANGES) if isinstance(value, Range)]


def resolve_ranges(model: Any, choose: Any) -> Any:
    """A copy of ``model`` with each Range replaced by ``choose(path, range)`` (a point or an array)."""
    from estimator.walk import map_values

    return map_values(model, lambda path, value: choose(path, value) if isinstance(value, Range) else value,
                      skip=_NO_RANGES)


def at_medians(model: Any) -> Any:
    """Every range at its median: the point estimate. A scenario without ranges comes back as is."""
    return resolve_ranges(model, lambda _path, r: r.median())


def lowest(value: Any) -> Any:
    """The smallest value an input may take: a range's low end, else the value itself.

    Validators that check a limit on an input use this or ``highest``, so that a range is
    checked at the end that could break the limit instead of failing on arithmetic.

    >>> lowest(Range(low=2.0, high=4.0)), lowest(3.0)
    (2.0, 3.0)
    """
    return value.low if isinstance(value, Range) else value


def highest(value: Any) -> Any:
    """The largest value an input may take: a range's high end, else the value itself.

    >>> highest(Range(low=2.0, high=4.0))
    4.0
    """
    return value.high if isinstance(value, Range) else value
