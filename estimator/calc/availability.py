"""Availability: nines → allowed downtime; components in series and in parallel.

system-design-primer, "Availability in numbers": 99.9 % allows 8 h 45 min 57 s a year
(Gregorian year of 31,556,952 s) and 1 min 26.4 s a day:

>>> downtime("availability", 0.999, "day", Q_(86400, "s")).value
<Quantity(86.4..., 'second')>
>>> round(downtime("availability", 0.999, "year", Q_(31556952, "s")).value.to("s").magnitude)
31557

In series two 99.9 % parts give 99.8 %; in parallel 99.9999 %:

>>> round(float(series("s", [0.999, 0.999]).value.magnitude), 6), round(float(parallel("p", 0.999, 2).value.magnitude), 6)
(0.998001, 0.999999)
"""

from __future__ import annotations

import numpy as np
import pint

from estimator.trace import Step, step
from estimator.units import Q_  # noqa: F401 - used by doctests


def parallel(prefix: str, availability: float, replicas: float) -> Step:
    """A component with ``replicas`` independent copies is down only when all are: 1 − (1 − A)^n."""
    return step(f"{prefix}.availability", "Availability with replicas", "1 − (1 − availability)^replicas",
                1 - (1 - availability) ** replicas, availability=availability, replicas=replicas)


def series(key: str, parts: list[float] | list[pint.Quantity], names: list[str] | None = None) -> Step:
    """Every part must be up: the product of their availabilities."""
    names = names or [f"a{i + 1}" for i in range(len(parts))]
    value = np.prod(np.stack([np.asarray(getattr(p, "magnitude", p), dtype=float) for p in parts]), axis=0)
    return step(key, "Availability in series", " × ".join(names), value, **dict(zip(names, parts)))


# A double cannot tell 1 − A below 2^−53 from 0 (replicas make 1 − (1 − A)^n round to 1).
SMALLEST_UNAVAILABILITY = 2.0 ** -53


def nines(availability: pint.Quantity | float, prefix: str = "availability") -> Step:
    """−log10(1 − A) (system-design-primer, "Availability in numbers").

    Defined value: an availability that rounds to 1 in floating point (three 99.9 % replicas in
    parallel already give 1 − 10^−9; ten give 1 − 10^−30, which is 1.0) would have infinite nines;
    the unavailability is floored at 2^−53, so nines are at most 15.95.

    >>> float(nines(1 - (1 - 0.999) ** 10).value.magnitude)
    15.954589770191003
    """
    unavailability = np.maximum(1 - np.asarray(getattr(availability, "magnitude", availability), dtype=float),
                                SMALLEST_UNAVAILABILITY)
    return step(f"{prefix}.nines", "Number of nines", f"−log10(1 − {prefix}.system)",
                -np.log10(unavailability), **{f"{prefix}.system": availability})


# Downtime reads best in seconds per day, minutes per week or month, hours per year.
_SHOWN_IN = {"day": "s", "week": "min", "month": "min", "year": "h"}


def downtime(prefix: str, availability: pint.Quantity | float, period: str, seconds: pint.Quantity) -> Step:
    """Allowed downtime in one period: (1 − A) × seconds in the period."""
    a = getattr(availability, "magnitude", availability)
    return step(f"{prefix}.downtime_per_{period}", f"Allowed downtime per {period}",
                f"(1 − availability) × seconds_per_{period}", ((1 - a) * seconds).to(_SHOWN_IN[period]),
                availability=availability, **{f"seconds_per_{period}": seconds})
