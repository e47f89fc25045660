"""Calendar conventions: how many seconds a day, a month and a year are in this scenario.

Published estimates disagree: a day is 86,400 s or 10^5 s; a month is a calendar month,
30 days, or 2.5 × 10^6 s (system-design-primer). A scenario states its choice, and every
quantity written with `day`, `week`, `month` or `year` is converted with it before any
arithmetic, so "10 million request/month" means 4 request/s under the primer's convention.

>>> p = Periods(day=Q_(1e5, "s"), month=Q_(2.5e6, "s"), year=Q_(3e7, "s"))
>>> normalise_time(Q_(10e6, "request/month"), p)
<Quantity(4.0, 'request / second')>
>>> normalise_time(Q_(3, "year"), p).to("month").magnitude  # 9e7 s in pint's own months
34.22...
"""

from __future__ import annotations

from dataclasses import dataclass

import pint

from estimator.units import Q_, unit_powers, ureg


@dataclass(frozen=True)
class Periods:
    """Seconds in one day, month and year under the scenario's conventions."""

    day: pint.Quantity
    month: pint.Quantity
    year: pint.Quantity

    def seconds(self, name: str) -> pint.Quantity:
        return {"day": self.day, "week": 7 * self.day, "month": self.month, "year": self.year}[name]


def periods_of(conventions) -> Periods:  # type: ignore[no-untyped-def]
    """Resolve a scenario's Conventions; a year defaults to twelve of its months."""
    month = conventions.month.to("s")
    year = conventions.year.to("s") if conventions.year is not None else 12 * month
    return Periods(day=conventions.day.to("s"), month=month, year=year)


_CALENDAR_UNITS = ("day", "week", "month", "year")


def normalise_time(quantity: pint.Quantity, periods: Periods) -> pint.Quantity:
    """Replace calendar units in ``quantity`` by the convention's seconds."""
    units = dict(unit_powers(quantity))
    if not any(name in _CALENDAR_UNITS for name in units):
        return quantity
    magnitude = quantity.magnitude
    for name in _CALENDAR_UNITS:
        power = units.pop(name, 0)
        if power:
            magnitude = magnitude * periods.seconds(name).magnitude ** power
            units["second"] = units.get("second", 0) + power
    kept = {name: power for name, power in units.items() if power}
    return Q_(magnitude, ureg.Unit(pint.util.UnitsContainer(kept)) if kept else ureg.dimensionless)
