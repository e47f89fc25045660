"""What the app's uncertainty, sensitivity, sweep and comparison tabs show: plain rows and texts.

The numbers come from estimator.uncertainty and estimator.compare; this module only scales
them for a chart axis and words them with ``estimator.display``, so ui/uncertainty_ui.py draws
and never computes. Everything returned is a frozen dataclass of floats and strings (cheap to
cache and pickle, tested without Streamlit).

>>> from estimator.library import SCENARIOS_DIR
>>> from estimator.scenario import load_scenario
>>> from estimator.uncertainty import sample_estimate
>>> spread = sample_estimate(load_scenario(SCENARIOS_DIR / "ad_click_prediction.yaml"), 2_000, 1)
>>> [row.label for row in interval_rows(spread)]
['Peak QPS', 'Total storage', 'Feature store', 'Accelerators', 'Monthly cost']
>>> cost = interval_rows(spread)[-1]
>>> cost.varies, cost.p5.startswith("$"), cost.p5.endswith("/month")
(True, True, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pint

from estimator.compare import ComparisonRow
from estimator.display import axis_scale, number_words
from estimator.estimate import Estimate
from estimator.ranges import Range
from estimator.uncertainty import Spread, Sweep, TornadoRow
from estimator.results import HEADLINES
from estimator.units import Q_, format_quantity, unit_text

DEFAULT_TARGET = "cost.monthly_total"
HISTOGRAM_BINS = 40
# The histogram spans the middle 99 % of the draws: a log-normal's few extreme draws would
# otherwise squeeze the body of the distribution into a handful of bars.
HISTOGRAM_SPAN = (0.5, 99.5)

# ------------------------------------------------------------------------- distributions

@dataclass(frozen=True)
class IntervalRow:
    """One headline result: the point estimate and the 90 % interval of its draws, as shown."""

    key: str
    label: str
    point: str
    p5: str
    p50: str
    p95: str
    varies: bool  # False when no range reaches this result


def interval_rows(spread: Spread) -> list[IntervalRow]:
    """The headline results (results.HEADLINES order) with their p5 / p50 / p95 and point estimate."""
    binary = spread.point.conventions.binary
    rows = []
    for key, label in ((h.key, h.label) for h in HEADLINES):
        if key not in spread.point:
            continue
        per = spread.point.steps[key].per
        interval = spread.intervals[key]
        p5, p50, p95 = (format_quantity(q, binary=binary, per=per) for q in interval)
        rows.append(IntervalRow(key, label, format_quantity(spread.point[key], binary=binary, per=per), p5, p50, p95,
                                varies=spread.varies(key)))
    return rows


@dataclass(frozen=True)
class Histogram:
    """Bars (``start``, ``end``, ``count``) on an axis in ``unit``, and the lines to mark on it."""

    key: str
    title: str
    unit: str
    bars: list[dict[str, float]]
    marks: list[dict[str, Any]]  # name, value (on the axis), text (as shown)


def histogram(spread: Spread, key: str, bins: int = HISTOGRAM_BINS) -> Histogram | None:
    """The draws of one result in ``bins`` bars over their middle 99 %, with p5, p95 and the point
    estimate marked; None when no range reaches the result (every draw is the same).

    >>> from estimator.scenario import load_scenario_text
    >>> from estimator.uncertainty import sample_estimate
    >>> s = load_scenario_text('''
    ... name: t
    ... traffic:
    ...   daily_active_users: {low: 100 million user, high: 400 million user}
    ...   requests_per_user_per_day: 10 request/user/day
    ... ''', "t.yaml")
    >>> h = histogram(sample_estimate(s, 10_000, 1), "traffic.peak_qps")
    >>> h.unit, len(h.bars), sum(bar["count"] for bar in h.bars) >= 9_900
    ('k request/s', 40, True)
    >>> [(m["name"], m["text"]) for m in h.marks]  # 100 M … 400 M user × 10 request/user/day ÷ 86,400 s × peak 2
    [('p5', 'p5 23.3 k request/s'), ('point estimate', 'point estimate 46.3 k request/s'), ('p95', 'p95 91.7 k request/s')]
    >>> histogram(sample_estimate(s, 100, 1), "traffic.write_qps") is None  # no writes: 0 in every draw
    True
    """
    magnitudes = np.asarray(spread.draws[key].magnitude, dtype=float)
    interval = spread.intervals[key]
    if magnitudes.ndim == 0 or interval.p5.magnitude == interval.p95.magnitude:
        return None
    result = spread.point.steps[key]
    units = spread.draws[key].units
    binary = spread.point.conventions.binary
    low, high = np.percentile(magnitudes, HISTOGRAM_SPAN)
    unit, divisor = axis_scale(units, max(abs(low), abs(high)), binary=binary, per=result.per)
    counts, edges = np.histogram(magnitudes, bins=bins, range=(low, high))
    bars = [{"start": float(edges[i] / divisor), "end": float(edges[i + 1] / divisor), "count": int(counts[i])}
            for i in range(bins)]
    marks = []
    for name, value in (("p5", interval.p5), ("point estimate", spread.point[key]), ("p95", interval.p95)):
        text = format_quantity(value, binary=binary, per=result.per)
        marks.append({"name": name, "value": float(value.to(units).magnitude / divisor), "text": f"{name} {text}"})
    return Histogram(key, result.label, unit, bars, marks)


# ------------------------------------------------------------------------------ tornado

@dataclass(frozen=True)
class TornadoChart:
    """Bars from the target at an input's low to the target at its high, around the base line."""

    target: str
    title: str
    unit: str
    base: float  # the target with every range at its median, on the axis
    base_text: str
    rows: list[dict[str, Any]]  # input, range (text), at_low, at_high (axis), low_text, high_text, swing_text


def tornado_chart(rows: list[TornadoRow], point: Estimate, target: str) -> TornadoChart:
    """The tornado of ``target`` as chart rows, biggest swing first, every number worded.

    >>> from estimator.scenario import load_scenario_text
    >>> from estimator.estimate import estimate
    >>> from estimator.uncertainty import tornado
    >>> s = load_scenario_text('''
    ... name: t
    ... traffic:
    ...   daily_active_users: {low: 100 million user, high: 400 million user}
    ...   requests_per_user_per_day: {low: 5 request/user/day, high: 10 request/user/day, dist: uniform}
    ... ''', "t.yaml")
    >>> chart = tornado_chart(tornado(s, "traffic.peak_qps"), estimate(s), "traffic.peak_qps")
    >>> chart.unit, chart.base_text  # 200 M user × 7.5 request/user/day ÷ 86,400 s × peak factor 2
    ('k request/s', '34.7 k request/s')
    >>> [(r["input"], r["range"], r["low_text"], r["high_text"]) for r in chart.rows]  # doctest: +NORMALIZE_WHITESPACE
    [('traffic.daily_active_users', '100 M user … 400 M user', '17.4 k request/s', '69.4 k request/s'),
     ('traffic.requests_per_user_per_day', '5 request/user/day … 10 request/user/day', '23.1 k request/s', '46.3 k request/s')]
    """
    result = point.steps[target]
    binary = point.conventions.binary
    units = result.value.units
    base = result.value
    ends = [abs(float(q.to(units).magnitude)) for row in rows for q in (row.at_low, row.at_high)]
    unit, divisor = axis_scale(units, max([*ends, abs(float(base.magnitude))]), binary=binary, per=result.per)

    def shown(q: pint.Quantity) -> str:
        return format_quantity(q, binary=binary, per=result.per)

    chart_rows = [{"input": row.input, "range": f"{_input_text(row.input_low)} … {_input_text(row.input_high)}",
                   "at_low": float(row.at_low.to(units).magnitude / divisor),
                   "at_high": float(row.at_high.to(units).magnitude / divisor),
                   "low_text": shown(row.at_low), "high_text": shown(row.at_high), "swing_text": shown(row.swing)}
                  for row in rows]
    return TornadoChart(target, f"{result.label} ({target})", unit, float(base.magnitude / divisor), shown(base),
                        chart_rows)


def _input_text(value: Any) -> str:
    """An input's bound as shown: ``700 M user``, and ``5.00 M`` for a plain count (not ``5000000``)."""
    return format_quantity(value if isinstance(value, pint.Quantity) else Q_(float(value), ""))


def default_index(keys: list[str], preferred: str = DEFAULT_TARGET) -> int:
    """Where a selector starts: at ``preferred`` when offered, else at the first key.

    >>> default_index(["a", "cost.monthly_total"]), default_index(["a", "b"])
    (1, 0)
    """
    return keys.index(preferred) if preferred in keys else 0


# -------------------------------------------------------------------------------- sweeps

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
    >>> from estimator.estimate import estimate
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


# ---------------------------------------------------------------------------- comparison

def comparison_summary(rows: list[ComparisonRow]) -> str:
    """One line over a comparison: how many results moved, and which exist on one side only.

    >>> from estimator.compare import compare_steps
    >>> from estimator.trace import step
    >>> a = {"x": step("x", "X", "x", Q_(1.0, "B")), "y": step("y", "Y", "y", Q_(2.0, "B"))}
    >>> comparison_summary(compare_steps(a, a))
    'No result changes: all 2 are the same.'
    >>> b = {"x": step("x", "X", "x", Q_(3.0, "B")), "z": step("z", "Z", "z", Q_(1.0, "s"))}
    >>> comparison_summary(compare_steps(a, b))
    '1 of 3 results changes; 1 only in A, 1 only in B.'
    """
    changed = sum(1 for row in rows if row.change is not None and row.change.magnitude != 0)
    only_a = sum(1 for row in rows if row.b is None)
    only_b = sum(1 for row in rows if row.a is None)
    if not changed and not only_a and not only_b:
        return f"No result changes: all {len(rows)} are the same."
    text = f"{changed} of {len(rows)} results {'changes' if changed == 1 else 'change'}"
    extras = [f"{n} only in {side}" for n, side in ((only_a, "A"), (only_b, "B")) if n]
    return text + ("; " + ", ".join(extras) if extras else "") + "."
