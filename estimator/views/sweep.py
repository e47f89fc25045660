"""What a sweep shows: default bounds, the chart of one input against one result, the table rows.

The numbers come from ``estimator.uncertainty.sweep``; this module only words and scales them
(``estimator.display``), for the app's Sweep tab and ``envelope sweep``. Plain rows and frozen
dataclasses, tested without Streamlit or a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pint

from estimator.display import axis_scale, number_words
from estimator.compose import Estimate
from estimator.ranges import Range
from estimator.uncertainty import Sweep
from estimator.units import Q_, format_quantity, unit_text

__all__ = ["SweepChart", "bound_texts", "default_sweep_input", "sweep_chart", "sweep_defaults", "sweep_table"]


def bound_texts(value: Any) -> tuple[str, str]:
    """Default sweep bounds for an input, as text that ``sweep_bounds`` reads back: a range's own
    low and high, else half and twice the value.

    >>> bound_texts(Range(Q_(7e8, "user"), Q_(1.5e9, "user")))
    ('700 million user', '1.5 billion user')
    >>> bound_texts(Q_(2.0, "KB")), bound_texts(3.0), bound_texts(Q_(10.0, "request/user/day"))
    (('1 KB', '4 KB'), ('1.5', '6'), ('5 request/user/day', '20 request/user/day'))
    >>> bound_texts(0.0)
    ('0', '1')
    """
    if isinstance(value, Range):
        return _bound_text(value.low), _bound_text(value.high)
    magnitude = float(value.magnitude) if isinstance(value, pint.Quantity) else float(value)
    if magnitude == 0:
        return _bound_text(_like(value, 0.0)), _bound_text(_like(value, 1.0))
    return _bound_text(_like(value, magnitude / 2)), _bound_text(_like(value, magnitude * 2))


def sweep_defaults(scenario: Any, path: str, load: Callable[[list[str]], Any]) -> tuple[str, str]:
    """``bound_texts`` kept inside the field's own limits: a bound its validator refuses (twice a
    fraction of 0.6, half a factor of 1.5) becomes the current value, so the first sweep runs.

    ``load(overrides)`` re-reads the scenario with ``--set``-style overrides, as for ``sweep_bounds``.

    >>> from estimator.scenario import load_scenario_text
    >>> text = "name: t\\nconventions:\\n  peak_factor: 1.5\\ntraffic:\\n  daily_active_users: 1 million user\\n" \\
    ...        "  requests_per_user_per_day: 10 request/user/day\\n  write_fraction: 0.75\\n"
    >>> s = load_scenario_text(text, "t.yaml")
    >>> sweep_defaults(s, "traffic.write_fraction", lambda more: load_scenario_text(text, "t.yaml", more))
    ('0.375', '0.75')
    >>> sweep_defaults(s, "conventions.peak_factor", lambda more: load_scenario_text(text, "t.yaml", more))
    ('1.5', '3')
    """
    from estimator.errors import EnvelopeError
    from estimator.uncertainty import sweep_bounds, sweepable

    value = sweepable(scenario)[path][1]
    current = _bound_text(value.median() if isinstance(value, Range) else value)
    kept = []
    for text in bound_texts(value):
        try:
            sweep_bounds(scenario, f"{path}={text}..{text}", load)
        except EnvelopeError:
            text = current
        kept.append(text)
    return kept[0], kept[1]


def _like(value: Any, magnitude: float) -> Any:
    return Q_(magnitude, value.units) if isinstance(value, pint.Quantity) else magnitude


def _bound_text(value: Any) -> str:
    """A number in words the scenario parser reads (``700 million user``), never ``7e+08``: four figures."""
    magnitude = float(value.magnitude) if isinstance(value, pint.Quantity) else float(value)
    units = unit_text(value.units) if isinstance(value, pint.Quantity) else ""
    return f"{number_words(magnitude, 4, smallest=1e3)} {units}".strip()


def default_sweep_input(inputs: dict[str, Any]) -> int:
    """Which input a sweep starts on: the first ranged one (the guess that matters), else the
    first outside the conventions (a seconds-per-day sweep is rarely the question).

    >>> default_sweep_input({"conventions.day": 1.0, "traffic.users": 2.0, "models.a.flops": Range(1.0, 2.0)})
    2
    >>> default_sweep_input({"conventions.day": 1.0, "traffic.users": 2.0}), default_sweep_input({"conventions.day": 1.0})
    (1, 0)
    """
    paths = list(inputs)
    ranged = [i for i, value in enumerate(inputs.values()) if isinstance(value, Range)]
    if ranged:
        return ranged[0]
    return next((i for i, path in enumerate(paths) if not path.startswith("conventions.")), 0)


@dataclass(frozen=True)
class SweepChart:
    x_title: str
    y_title: str
    rows: list[dict[str, Any]]  # x, y (on the axes), x_text, y_text (as shown)


def sweep_chart(swept: Sweep, point: Estimate) -> SweepChart:
    """The sweep's points on scaled axes, each with its input and result worded.

    >>> from estimator.scenario import load_scenario_text
    >>> from estimator.compose import estimate
    >>> from estimator.uncertainty import sweep
    >>> s = load_scenario_text("name: t\\ntraffic:\\n  daily_active_users: 100 million user\\n"
    ...                        "  requests_per_user_per_day: 10 request/user/day\\n", "t.yaml")
    >>> chart = sweep_chart(sweep(s, "traffic.daily_active_users", Q_(1e8, "user"), Q_(1e9, "user"), 3,
    ...                           "traffic.peak_qps"), estimate(s))
    >>> chart.x_title, chart.y_title
    ('traffic.daily_active_users (G user)', 'traffic.peak_qps (k request/s)')
    >>> [(r["x"], r["x_text"], r["y_text"]) for r in chart.rows]
    [(0.1, '100 M user', '23.1 k request/s'), (0.55, '550 M user', '127 k request/s'), (1.0, '1.00 G user', '231 k request/s')]
    """
    result = point.steps[swept.target]
    binary = point.conventions.binary
    xs = swept.values if isinstance(swept.values, pint.Quantity) else Q_(np.asarray(swept.values), "")
    x_unit, x_divisor = axis_scale(xs.units, float(np.max(np.abs(xs.magnitude))), binary=binary)
    y_unit, y_divisor = axis_scale(swept.results.units, float(np.max(np.abs(swept.results.magnitude))),
                                   binary=binary, per=result.per)
    rows = [{"x": float(x / x_divisor), "y": float(y / y_divisor),
             "x_text": format_quantity(Q_(float(x), xs.units), binary=binary),
             "y_text": format_quantity(Q_(float(y), swept.results.units), binary=binary, per=result.per)}
            for x, y in zip(xs.magnitude, swept.results.magnitude, strict=True)]
    return SweepChart(_titled(swept.path, x_unit), _titled(swept.target, y_unit), rows)


def _titled(name: str, unit: str) -> str:
    return f"{name} ({unit})" if unit else name


def sweep_table(swept: Sweep) -> list[dict[str, str]]:
    """One row per step, the swept input and the result as a person reads them (``envelope sweep``).

    >>> from estimator.uncertainty import Sweep
    >>> sweep_table(Sweep("traffic.users", Q_([1e6, 2e6], "user"), "traffic.peak_qps", Q_([10.0, 20.0], "request/s"),
    ...                   ("", "")))
    [{'traffic.users': '1.00 M user', 'traffic.peak_qps': '10 request/s'}, {'traffic.users': '2.00 M user', 'traffic.peak_qps': '20 request/s'}]
    """
    flagged = any(swept.flags)  # a step past a queue's utilisation knee says so in its own column
    return [{swept.path: format_quantity(x), swept.target: format_quantity(y),
             **({"above the utilisation knee": swept.flags[i]} if flagged else {})}
            for i, (x, y) in enumerate(zip(swept.values, swept.results))]
