"""A design choice instead of a point: ``items: {choose: [200, 500, 1000]}``.

``envelope plan`` searches every listed value; everything else (the point estimate, sampling,
sweeps) takes the FIRST value, the design as it stands. A choice is a decision, not an
uncertainty, so sampling never draws from it. It rides on ``Range`` (its ``low`` and ``high``
are the smallest and largest option) so every path that already resolves ranges resolves it.

>>> c = Choice.of([500.0, 200.0, 1000.0])
>>> c.median(), c.low, c.high, c.text()
(500.0, 200.0, 1000.0, 'choose: 500 | 200 | 1000')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from estimator.ranges import Range

__all__ = ["Choice", "MAX_OPTIONS"]

MAX_OPTIONS = 64  # a longer list is a sweep, not a design choice


@dataclass(frozen=True)
class Choice(Range):
    """The options of one input, in file order; the first is the design as written."""

    options: tuple[Any, ...] = ()

    @classmethod
    def of(cls, options: Sequence[Any], floor: float | None = 0.0, ceiling: float | None = None) -> Choice:
        """A choice among ``options`` (quantities of one dimension, or numbers)."""
        ordered = sorted(options, key=_number_of(options[0]))
        return cls(ordered[0], ordered[-1], "choice", None, floor, ceiling, tuple(options))

    def median_magnitude(self) -> float:
        return _number_of(self.options[0])(self.options[0])

    def median(self) -> Any:
        return self.options[0]

    def sample(self, n: int, rng: np.random.Generator) -> Any:
        return self._wrap(np.full(n, self.median_magnitude()))

    def text(self) -> str:
        from estimator.units import format_quantity

        return "choose: " + " | ".join(format_quantity(o) if hasattr(o, "units") else f"{o:g}" for o in self.options)


def _number_of(first: Any):  # type: ignore[no-untyped-def]
    """A key giving each option as a number in the first option's unit."""
    if hasattr(first, "units"):
        return lambda q: float(q.to(first.units).magnitude)
    return float
