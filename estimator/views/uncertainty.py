"""What the uncertainty and sensitivity views show: intervals, histograms, the tornado, as plain rows.

The numbers come from estimator.uncertainty; this module only scales them for a chart axis and
words them with ``estimator.display``, so ui/uncertainty_ui.py draws and the CLI prints, and
neither computes. Everything returned is a frozen dataclass of floats and strings (cheap to
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

from dataclasses import dataclass
from typing import Any

import numpy as np
import pint

from estimator.display import axis_scale
from estimator.compose import Estimate
from estimator.results import HEADLINES
from estimator.uncertainty import Spread, TornadoRow
from estimator.units import Q_, format_quantity

__all__ = ["DEFAULT_TARGET", "HISTOGRAM_BINS", "Histogram", "IntervalRow", "TornadoChart", "default_index",
           "histogram", "interval_rows", "tornado_chart", "tornado_table"]

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
    >>> from estimator.compose import estimate
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


def tornado_table(chart: TornadoChart) -> list[dict[str, str]]:
    """The tornado as text rows for a table (``envelope sensitivity``): input and its range, the
    target at the input's low and high, and the swing; biggest swing first.

    >>> chart = TornadoChart("t", "T", "", 1.0, "1", [{"input": "a.b", "range": "1 … 2", "at_low": 0.5,
    ...     "at_high": 2.0, "low_text": "0.5", "high_text": "2", "swing_text": "1.5"}])
    >>> tornado_table(chart)
    [{'Input (low … high)': 'a.b\\n1 … 2', 'At low': '0.5', 'At high': '2', 'Swing': '1.5'}]
    """
    return [{"Input (low … high)": f"{row['input']}\n{row['range']}", "At low": row["low_text"],
             "At high": row["high_text"], "Swing": row["swing_text"]} for row in chart.rows]


def _input_text(value: Any) -> str:
    """An input's bound as shown: ``700 M user``, and ``5.00 M`` for a plain count (not ``5000000``)."""
    return format_quantity(value if isinstance(value, pint.Quantity) else Q_(float(value), ""))


def default_index(keys: list[str], preferred: str = DEFAULT_TARGET) -> int:
    """Where a selector starts: at ``preferred`` when offered, else at the first key.

    >>> default_index(["a", "cost.monthly_total"]), default_index(["a", "b"])
    (1, 0)
    """
    return keys.index(preferred) if preferred in keys else 0
