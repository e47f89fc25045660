"""Storage: datasets that grow every day and are kept for a retention period.

Pastebin (system-design-primer): 10 M pastes/month of 1.27 KB, kept 36 months of 2.5 M s.

>>> steps = dataset_steps("storage.pastes", records_per_second=Q_(4.0, "record/s"),
...                       record_size=Q_(1.27, "kB"), retention=Q_(9e7, "s"), replication=1.0,
...                       compression_ratio=1.0, day=Q_(86400, "s"), month=Q_(2.5e6, "s"))
>>> format_quantity(steps["storage.pastes.stored_per_month"].value)
'12.7 GB'
>>> format_quantity(steps["storage.pastes.footprint"].value)
'457 GB'
"""

from __future__ import annotations


import numpy as np
import pint

from estimator.trace import Step, step
from estimator.units import Q_, format_quantity, unit_powers  # noqa: F401 - format_quantity used by doctests


def per_record(rate: pint.Quantity) -> pint.Quantity:
    """Drop the counted unit: ``5 event/s`` → ``5 1/s``, so it can multiply a size per record.

    >>> per_record(Q_(5.0, "event/s"))
    <Quantity(5.0, '1 / second')>
    """
    counted = [name for name, power in unit_powers(rate) if power > 0]
    return rate / Q_(1.0, counted[0]) if counted else rate


def records_per_second(prefix: str, *, per_day: pint.Quantity | None, per_request: pint.Quantity | None,
                       average_qps: pint.Quantity) -> Step:
    if per_day is not None:
        return step(f"{prefix}.records_per_second", "Records per second", "records_per_day", per_day,
                    records_per_day=per_day)
    assert per_request is not None
    return step(f"{prefix}.records_per_second", "Records per second", "average_qps × records_per_request",
                (average_qps * per_request).to_reduced_units(), average_qps=average_qps,
                records_per_request=per_request)


def dataset_steps(prefix: str, *, records_per_second: pint.Quantity, record_size: pint.Quantity,
                  retention: pint.Quantity, replication: float, compression_ratio: float,
                  day: pint.Quantity, month: pint.Quantity) -> dict[str, Step]:
    """Growth per day and month as stored (compressed, replicated), and the footprint kept."""
    rate = per_record(records_per_second)
    raw = step(f"{prefix}.raw_per_day", "Raw data per day", "records_per_second × record_size × seconds_per_day",
               (rate * record_size * day).to("B"), per="day", records_per_second=records_per_second,
               record_size=record_size, seconds_per_day=day)
    stored_rate = rate * record_size * replication / compression_ratio
    steps = [
        raw,
        step(f"{prefix}.stored_per_day", "Stored per day", "raw_per_day × replication / compression_ratio",
             (stored_rate * day).to("B"), per="day", raw_per_day=raw.value, replication=replication,
             compression_ratio=compression_ratio),
        step(f"{prefix}.stored_per_month", "Stored per month",
             "records_per_second × record_size × replication / compression_ratio × seconds_per_month",
             (stored_rate * month).to("B"), per="month", records_per_second=records_per_second,
             record_size=record_size, replication=replication, compression_ratio=compression_ratio,
             seconds_per_month=month),
        step(f"{prefix}.footprint", "Footprint at full retention",
             "records_per_second × record_size × replication / compression_ratio × retention",
             (stored_rate * retention).to("B"), records_per_second=records_per_second, record_size=record_size,
             replication=replication, compression_ratio=compression_ratio, retention=retention),
    ]
    return {s.key: s for s in steps}


def storage_cost(key: str, label: str, size: pint.Quantity, price: pint.Quantity, month: pint.Quantity) -> Step:
    """Monthly cost of keeping ``size`` at ``price`` (per byte per second once conventions apply)."""
    return step(key, label, "size × price × seconds_per_month", (size * price * month).to("USD"), per="month",
                size=size, price=price, seconds_per_month=month)


def cost_while_filling(key: str, label: str, stored_per_month: pint.Quantity, retention: pint.Quantity,
                       price: pint.Quantity, month: pint.Quantity, period: pint.Quantity) -> Step:
    """What a dataset costs over its first ``period``, while it fills up to its retention.

    The monthly cost at full retention is what the bill settles at; a new dataset starts
    empty. Data kept ``retention`` and written at a steady rate r holds r × min(t, R) at time t,
    so the first T seconds cost price × ∫₀ᵀ r × min(t, R) dt = price × r × (m × T − m² / 2) with
    m = min(T, R) (the area under a ramp that levels off at R; T²/2 while T ≤ R).

    Parameters
    ----------
    key, label : str
        The result's key and label.
    stored_per_month : pint.Quantity
        Bytes stored per convention month, [information].
    retention : pint.Quantity
        How long data is kept, [time].
    price : pint.Quantity
        Storage price, [currency] / [information] / [time].
    month : pint.Quantity
        Seconds in the scenario's month.
    period : pint.Quantity
        The first period costed (a month, a year), [time].

    Returns
    -------
    Step
        The cost in USD over ``period``.

    Examples
    --------
    A dataset of 1 TB a month at $20/TB/month, kept 2 months: the first month holds 0.5 TB on
    average ($10); the first year 2 TB for 11 of its 12 months and 1 TB on average for the first 2.

    >>> tb_month = Q_(20.0, "USD/TB") / Q_(1.0, "month")
    >>> month = Q_(1.0, "month").to("s")
    >>> [round(float(cost_while_filling("k", "l", Q_(1.0, "TB"), 2 * month, tb_month, month, m * month).value.magnitude),
    ...        6) for m in (1, 12)]
    [10.0, 440.0]
    """
    rate = stored_per_month / month
    held = np.minimum(period.to("s").magnitude, retention.to("s").magnitude) * Q_(1.0, "s")
    return step(key, label, "stored_per_month / seconds_per_month × (filled × period − filled^2 / 2) × price, "
                "filled = min(period, retention)", (rate * (held * period - held ** 2 / 2) * price).to("USD"),
                stored_per_month=stored_per_month, seconds_per_month=month, period=period, retention=retention,
                price=price, filled=held)


def transfer_cost(key: str, label: str, volume: pint.Quantity, price: pint.Quantity) -> Step:
    """Cost of moving ``volume`` (per month) at ``price`` per byte."""
    return step(key, label, "volume × price", (volume * price).to("USD"), per="month", volume=volume, price=price)
