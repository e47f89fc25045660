"""The "show your work" record: every result is a Step that says how it was reached.

>>> s = step("traffic.peak_qps", "Peak QPS", "average_qps × peak_factor",
...          Q_(2000.0, "request/s"), average_qps=Q_(1000.0, "request/s"), peak_factor=2.0)
>>> s.value
<Quantity(2000.0, 'request / second')>
>>> s.substituted()
'1.00 k request/s × 2'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import pint

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
        text = self.formula
        for name in sorted(self.inputs, key=len, reverse=True):
            shown = show(self.inputs[name])
            text = re.sub(rf"(?<![\w.]){re.escape(name)}(?![\w])", _literal(shown), text)
        return text


def as_quantity(value: Any) -> pint.Quantity:
    return value if isinstance(value, pint.Quantity) else Q_(value, "")


def _literal(text: str) -> Callable[[re.Match[str]], str]:
    """A re.sub replacement that inserts ``text`` as it is (no backslash escapes)."""
    return lambda _match: text


def step(key: str, label: str, formula: str, value: Any, *, per: Any = None, **inputs: Any) -> Step:
    """Build a Step; plain numbers become dimensionless quantities.

    ``per`` is a ``str`` or ``None``; it is annotated ``Any`` because callers pass their inputs as
    ``**dict[str, Quantity]``, which a type checker would otherwise match against ``per``.
    """
    return Step(key, label, formula, as_quantity(value), {k: as_quantity(v) for k, v in inputs.items()}, per)
