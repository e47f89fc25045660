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
        return 7 * self.day if name == "week" else {"day": self.day, "month": self.month, "year": self.year}[name]


def periods_of(conventions) -> Periods:  # type: ignore[no-untyped-def]
    """Resolve a scenario's Conventions: each period is built from the ones before it.

    A calendar word means one duration in a file, so ``month: 30 day`` is thirty of the
    scenario's days (not pint's 86,400-s day), and ``year: 365 day`` or ``year: 12 month`` is
    built from the scenario's day or month. A year defaults to twelve of its months.

    Parameters
    ----------
    conventions : Conventions
        ``day`` (a duration), ``month`` (a duration, in seconds or the scenario's days or weeks),
        ``year`` (a duration in seconds, days, weeks or months, or None).

    Returns
    -------
    Periods
        Seconds in one day, month and year.

    Examples
    --------
    >>> from types import SimpleNamespace as C
    >>> p = periods_of(C(day=Q_(1e5, "s"), month=Q_(30, "day"), year=Q_(365, "day")))
    >>> p.month.magnitude, p.year.magnitude
    (3000000.0, 36500000.0)
    >>> periods_of(C(day=Q_(1e5, "s"), month=Q_(2.5e6, "s"), year=Q_(12, "month"))).year.magnitude
    30000000.0
    """
    day = conventions.day.to("s")
    days = Periods(day=day, month=Q_(float("nan"), "s"), year=Q_(float("nan"), "s"))
    month = _seconds(conventions.month, days, "month")
    with_month = Periods(day=day, month=month, year=Q_(float("nan"), "s"))
    year = _seconds(conventions.year, with_month, "year") if conventions.year is not None else 12 * month
    return Periods(day=day, month=month, year=year)


def _seconds(duration: pint.Quantity, known: Periods, name: str) -> pint.Quantity:
    """``duration`` in seconds, its calendar words read with the periods known so far."""
    units = dict(duration.unit_items())
    if name in units or (name == "month" and "year" in units):
        raise ValueError(f"conventions.{name} cannot be written in {name}s or longer periods")
    return normalise_time(duration, known).to("s")


_CALENDAR_UNITS = ("day", "week", "month", "year")


def calendar_word(name: str) -> str | None:
    """The calendar period a unit name means (``"days"``, ``"d"``, ``"yr"`` → day, year), else None.

    >>> calendar_word("days"), calendar_word("yr"), calendar_word("month"), calendar_word("h"), calendar_word("x.y")
    ('day', 'year', 'month', None, None)
    """
    try:
        resolved = ureg.get_name(name)
    except (pint.errors.UndefinedUnitError, AttributeError, ValueError):
        return None
    return resolved if resolved in _CALENDAR_UNITS else None


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
