"""Two estimates side by side: every result, its absolute and relative change, headline first.

>>> from estimator.trace import step
>>> from estimator.units import Q_
>>> rows = compare_steps({"traffic.peak_qps": step("traffic.peak_qps", "Peak QPS", "x", Q_(100.0, "request/s")),
...                       "a.b": step("a.b", "B", "x", Q_(2.0, "B"))},
...                      {"a.b": step("a.b", "B", "x", Q_(3.0, "B")),
...                       "traffic.peak_qps": step("traffic.peak_qps", "Peak QPS", "x", Q_(150.0, "request/s"))})
>>> [(r.key, r.change.magnitude, r.relative) for r in rows]
[('traffic.peak_qps', 50.0, 0.5), ('a.b', 1.0, 0.5)]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Mapping

import pint

from estimator.results import HEADLINES
from estimator.trace import Step

# The numbers a reader looks at first (results.yaml); the others follow in the first estimate's order.
HEADLINE = tuple(headline.key for headline in HEADLINES)


@dataclass(frozen=True)
class ComparisonRow:
    """One result in A and in B (None where only one estimate has it).

    ``change`` and ``relative`` are worked out once per row: a view asks for each several times
    (text, JSON, summary), and pint's arithmetic was most of the cost of comparing large files.
    """

    key: str
    label: str
    per: str | None
    a: pint.Quantity | None
    b: pint.Quantity | None

    @cached_property
    def b_in_a(self) -> pint.Quantity | None:
        """B in A's unit; None when one side is missing or the units do not match."""
        if self.a is None or self.b is None:
            return None
        if self.b.units == self.a.units:  # most rows: nothing to convert
            return self.b
        if self.a.dimensionality != self.b.dimensionality:
            return None
        return self.b.to(self.a.units)

    @cached_property
    def change(self) -> pint.Quantity | None:
        """B − A in A's unit; None when one side is missing or the units do not match."""
        b, a = self.b_in_a, self.a
        if b is None or a is None:
            return None
        # What pint's ``b - a`` gives in one unit (Envelope's units are all multiplicative), at a
        # fraction of its cost: its checks for offset units were most of a large comparison's time.
        return type(a)(b.magnitude - a.magnitude, a.units)

    @cached_property
    def relative(self) -> float | None:
        """(B − A) / A; 0 when both are 0; None when A is 0 and B is not."""
        change = self.change
        if change is None or self.a is None:
            return None
        if self.a.magnitude == 0:
            return 0.0 if change.magnitude == 0 else None
        return float(change.magnitude / self.a.magnitude)


def compare_steps(a: Mapping[str, Step], b: Mapping[str, Step]) -> list[ComparisonRow]:
    """Rows for every key of either side: the headline keys first, then A's order, then B's extra keys.

    Linear in the number of results: the keys are gathered in a dict (ordered, constant-time lookups).
    """
    keys = dict.fromkeys(key for key in HEADLINE if key in a or key in b)
    keys.update(dict.fromkeys(a))
    keys.update(dict.fromkeys(b))
    rows = []
    for key in keys:
        either = a.get(key) or b[key]
        rows.append(ComparisonRow(key, either.label, either.per, a[key].value if key in a else None,
                                  b[key].value if key in b else None))
    return rows


def compare(a: Any, b: Any) -> list[ComparisonRow]:
    """Compare two Estimates."""
    return compare_steps(a.steps, b.steps)
