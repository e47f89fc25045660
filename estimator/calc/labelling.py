"""Human labelling effort and cost, and the storage natural labels need while they arrive.

10,000 items a day at 30 s each, labelled twice, 8 productive hours per labeller, $23/hour:

>>> r = human_steps(items_per_second=Q_(10_000 / 86400, "item/s"), seconds_per_item=Q_(30, "s/item"),
...                 labels_per_item=2, hours_per_labeller=Q_(8, "hour/labeller"), price=Q_(23, "USD/hour"),
...                 day=Q_(86400, "s"), month=Q_(30 * 86400, "s"))
>>> format_quantity(r["labelling.hours_per_day"].value, per="day")
'167 h/day'
>>> int(r["labelling.labellers"].value.magnitude), format_quantity(r["labelling.cost_per_day"].value, per="day")
(21, '$3.83 k/day')
"""

from __future__ import annotations

import numpy as np
import pint

from estimator.trace import Step, step
from estimator.units import Q_, format_quantity, unit_powers  # noqa: F401 - format_quantity used by doctests


def items_from_traffic(average_qps: pint.Quantity, fraction: float) -> Step:
    return step("labelling.items_per_second", "Items sent for labelling", "traffic.average_qps × sampled_fraction",
                (average_qps * fraction * Q_(1.0, "item/request")).to("item/s"),
                **{"traffic.average_qps": average_qps}, sampled_fraction=fraction)


def human_steps(*, items_per_second: pint.Quantity, seconds_per_item: pint.Quantity, labels_per_item: float,
                hours_per_labeller: pint.Quantity, price: pint.Quantity, day: pint.Quantity,
                month: pint.Quantity) -> dict[str, Step]:
    """Labeller hours and people per day, and the cost per day and month."""
    hours = step("labelling.hours_per_day", "Labeller hours per day",
                 "items_per_day × time_per_item × labels_per_item",
                 (items_per_second * day * seconds_per_item * labels_per_item).to("hour"), per="day",
                 items_per_day=items_per_second, time_per_item=seconds_per_item, labels_per_item=labels_per_item)
    people = step("labelling.labellers", "Labellers needed", "⌈labelling.hours_per_day / hours_per_labeller⌉",
                  Q_(np.ceil((hours.value / hours_per_labeller).to("labeller").magnitude), "labeller"),
                  **{"labelling.hours_per_day": hours.value}, hours_per_labeller=hours_per_labeller)
    cost = step("labelling.cost_per_day", "Labelling cost per day", "labelling.hours_per_day × price_per_hour",
                (hours.value * price).to("USD"), per="day", **{"labelling.hours_per_day": hours.value},
                price_per_hour=price)
    monthly = step("labelling.monthly_cost", "Labelling cost per month",
                   "labelling.cost_per_day × seconds_per_month / seconds_per_day",
                   (cost.value * month / day).to("USD"), per="month", **{"labelling.cost_per_day": cost.value},
                   seconds_per_month=month, seconds_per_day=day)
    return {s.key: s for s in (hours, people, cost, monthly)}


def pending_storage(rate: pint.Quantity, delay: pint.Quantity, example_size: pint.Quantity) -> dict[str, Step]:
    """Natural labels (clicks, watches) arrive after ``delay``: examples wait in storage till then.

    >>> r = pending_storage(Q_(1e6, "example/s"), Q_(900, "s"), Q_(2e3, "B"))
    >>> format_quantity(r["labelling.pending_storage"].value)
    '1.80 TB'
    """
    counted = [name for name, power in unit_powers(rate) if power > 0][0]
    waiting = step("labelling.pending_examples", "Examples waiting for their label", "examples_rate × label_delay",
                   (rate * delay).to(counted), examples_rate=rate, label_delay=delay)
    size = step("labelling.pending_storage", "Storage for examples awaiting labels",
                "labelling.pending_examples × example_size",
                (waiting.value * example_size / Q_(1.0, counted)).to("B"),
                **{"labelling.pending_examples": waiting.value}, example_size=example_size)
    return {s.key: s for s in (waiting, size)}
