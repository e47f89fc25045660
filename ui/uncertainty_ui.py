"""The uncertainty, sensitivity, sweep and comparison tabs: widgets and altair charts only.

Numbers come from estimator.uncertainty / estimator.compare, worded and scaled by
estimator.views (uncertainty, sweep, compare). Sampling is cached on the scenario's text and edits, so moving
another widget does not draw 10,000 samples again.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import streamlit as st

from estimator.compare import compare
from estimator.errors import EnvelopeError, OptionError
from estimator.compose import estimate
from estimator.report import markdown_text
from estimator.scenario import load_scenario_text
from estimator.uncertainty import (
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    MAX_STEPS,
    has_ranges,
    sample_estimate,
    sweep,
    sweep_bounds,
    sweepable,
    tornado,
)
from estimator.views.compare import comparison_rows, comparison_summary
from estimator.views.sweep import SweepChart, default_sweep_input, sweep_chart, sweep_defaults
from estimator.views.uncertainty import Histogram, IntervalRow, TornadoChart, default_index, histogram, interval_rows, \
    tornado_chart
from ui.cached import estimated, library
from ui.charts import BAND_PX, BAR_COLOUR, LIMIT_COLOUR
from ui.view import View

# A setting named in an error (estimator.errors.OptionError) -> the label of the widget that sets it here.
WIDGET_LABELS = {"samples": "Samples", "target": "Result", "param": "Input, From, To", "steps": "Steps"}


def worded(error: EnvelopeError) -> str:
    """An error as the app words it: a setting by its widget's label, never by a command-line flag."""
    if isinstance(error, OptionError):
        return error.worded(WIDGET_LABELS.get(error.option, error.option))
    return str(error)


LOW_COLOUR = "#9ECAE9"  # the target with the input at its low: a lighter shade of the bars' blue
SAMPLE_CHOICES = (1_000, 10_000, 100_000)
HISTOGRAMS_PER_ROW = 2


# ------------------------------------------------------------------------- cached work
# Keyed on the file's text, its name and the edits in effect: the edited scenario is exactly
# load_scenario_text(text, file, overrides), so equal keys mean equal scenarios.

@dataclass(frozen=True)
class SpreadView:
    samples: int
    seed: int
    intervals: list[IntervalRow]
    histograms: list[Histogram]


@st.cache_data(max_entries=32, show_spinner="Sampling the ranges…")
def spread_view(text: bytes, file: str, overrides: tuple[str, ...], samples: int, seed: int) -> SpreadView:
    spread = sample_estimate(load_scenario_text(text, file, list(overrides)), samples, seed)
    rows = interval_rows(spread)
    drawn = [histogram(spread, row.key) for row in rows if row.varies]
    return SpreadView(samples, seed, rows, [h for h in drawn if h is not None])


@st.cache_data(max_entries=64, show_spinner=False)
def tornado_view(text: bytes, file: str, overrides: tuple[str, ...], target: str) -> TornadoChart:
    scenario = load_scenario_text(text, file, list(overrides))
    return tornado_chart(tornado(scenario, target), estimate(scenario), target)


@st.cache_data(max_entries=64, show_spinner=False)
def sweep_view(text: bytes, file: str, overrides: tuple[str, ...], spec: str, steps: int, target: str) -> SweepChart:
    scenario = load_scenario_text(text, file, list(overrides))
    path, low, high = sweep_bounds(scenario, spec, lambda more: load_scenario_text(text, file, [*overrides, *more]))
    return sweep_chart(sweep(scenario, path, low, high, steps, target), estimate(scenario))


@st.cache_data(max_entries=256, show_spinner=False)
def default_bounds(text: bytes, file: str, overrides: tuple[str, ...], path: str) -> tuple[str, str]:
    load = lambda more: load_scenario_text(text, file, [*overrides, *more])  # noqa: E731
    return sweep_defaults(load([]), path, load)


# ------------------------------------------------------------------------------ charts

def histogram_chart(chart: Histogram) -> alt.LayerChart:
    """Draws per bar, with p5 and p95 dashed and the point estimate solid, each labelled."""
    bars = alt.Chart(alt.Data(values=chart.bars)).mark_bar(color=BAR_COLOUR, opacity=0.8).encode(
        x=alt.X("start:Q", title=chart.unit, axis=alt.Axis(tickCount=5), scale=alt.Scale(zero=False)),
        x2="end:Q", y=alt.Y("count:Q", title="draws"), y2=alt.Y2(datum=0),  # ranged in x: y needs its base
        tooltip=[alt.Tooltip("count:Q", title="draws")])
    marks = alt.Chart(alt.Data(values=chart.marks))
    rules = marks.mark_rule(size=2).encode(
        x="value:Q", color=alt.Color("name:N", legend=None,
                                     scale=alt.Scale(domain=["p5", "point estimate", "p95"],
                                                     range=["#555555", LIMIT_COLOUR, "#555555"])),
        strokeDash=alt.condition(alt.datum.name == "point estimate", alt.value([1, 0]), alt.value([5, 3])),
        tooltip=[alt.Tooltip("text:N", title="value")])
    return alt.LayerChart(layer=[bars, rules]).properties(title=chart.title, height=180)


def tornado_bars(chart: TornadoChart) -> alt.LayerChart:
    """One bar per input from the target at its low to the target at its high; a line at the base."""
    order = [row["input"] for row in chart.rows]
    base = alt.Chart(alt.Data(values=chart.rows)).encode(
        y=alt.Y("input:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        tooltip=[alt.Tooltip("input:N", title="Input"), alt.Tooltip("range:N", title="Low … high"),
                 alt.Tooltip("low_text:N", title="Target at low"), alt.Tooltip("high_text:N", title="Target at high"),
                 alt.Tooltip("swing_text:N", title="Swing")])
    axis = alt.X("at_low:Q", title=chart.unit, scale=alt.Scale(zero=False), axis=alt.Axis(tickCount=5))
    low = base.mark_bar(color=LOW_COLOUR).encode(x=axis, x2=alt.X2(datum=chart.base))
    high = base.mark_bar(color=BAR_COLOUR).encode(x=alt.X("at_high:Q"), x2=alt.X2(datum=chart.base))
    line = alt.Chart(alt.Data(values=[{"base": chart.base, "text": f"all medians: {chart.base_text}"}]))
    rule = line.mark_rule(color=LIMIT_COLOUR, size=2).encode(x="base:Q", tooltip=[alt.Tooltip("text:N", title="")])
    return alt.LayerChart(layer=[low, high, rule]).properties(title=chart.title, height=alt.Step(BAND_PX))


def sweep_line(chart: SweepChart) -> alt.Chart:
    return alt.Chart(alt.Data(values=chart.rows)).mark_line(point=True, color=BAR_COLOUR).encode(
        x=alt.X("x:Q", title=chart.x_title, scale=alt.Scale(zero=False)),
        y=alt.Y("y:Q", title=chart.y_title, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("x_text:N", title="input"), alt.Tooltip("y_text:N", title="result")],
    ).properties(height=320)


# -------------------------------------------------------------------------------- tabs

NO_RANGES = ("No ranges in this scenario. Write an uncertain input as a range, e.g. "
             "`daily_active_users: {low: 300 million user, high: 800 million user}` (a 90 % interval), "
             "to see how far the results may spread.")


def uncertainty_tab_ui(view: View) -> None:
    """p5 / p50 / p95 of the headline results and a histogram of each one's draws."""
    if not has_ranges(view.scenario):
        st.info(NO_RANGES)
        return
    left, right, _ = st.columns([1, 1, 2])
    samples = left.selectbox("Samples", SAMPLE_CHOICES, index=SAMPLE_CHOICES.index(DEFAULT_SAMPLES),
                             format_func=lambda n: f"{n:,}", key="uncertainty:samples")
    seed = int(right.number_input("Seed", min_value=0, max_value=2**32 - 1, value=DEFAULT_SEED, step=1,
                                  key="uncertainty:seed"))
    try:  # a range whose draws break a result (a division by zero) is the file's to fix: say where
        shown = spread_view(view.text, view.file, view.overrides, samples, seed)
    except EnvelopeError as error:
        st.error(markdown_text(worded(error)))
        return
    st.caption(f"{shown.samples:,} samples, seed {shown.seed}. Each range is a 90 % interval (log-normal unless "
               "the file says otherwise); the point estimate puts every range at its median.")
    st.dataframe([{"Result": row.label, "p5": row.p5, "p50": row.p50, "p95": row.p95, "Point estimate": row.point,
                   "Key": row.key} for row in shown.intervals], hide_index=True, width="stretch")
    fixed = [row.label for row in shown.intervals if not row.varies]
    if fixed:
        st.caption("No range reaches: " + ", ".join(fixed) + ".")
    for start in range(0, len(shown.histograms), HISTOGRAMS_PER_ROW):
        columns = st.columns(HISTOGRAMS_PER_ROW, gap="large")
        for column, chart in zip(columns, shown.histograms[start:start + HISTOGRAMS_PER_ROW], strict=False):
            with column:
                st.altair_chart(histogram_chart(chart), width="stretch")
                st.caption(" · ".join(mark["text"] for mark in chart.marks))
    if shown.histograms:
        st.caption("Histograms span the middle 99 % of the draws; the red line is the point estimate.")


def sensitivity_tab_ui(view: View) -> None:
    """The tornado: which ranged input moves the chosen result most."""
    if not has_ranges(view.scenario):
        st.info(NO_RANGES)
        return
    keys = [result.key for result in view.estimate]
    target = st.selectbox("Result", keys, index=default_index(keys), key="sensitivity:target",
                          format_func=lambda key: f"{view.estimate.steps[key].label} ({key})")
    try:
        chart = tornado_view(view.text, view.file, view.overrides, target)
    except EnvelopeError as error:
        st.error(markdown_text(worded(error)))
        return
    st.caption(f"Each input from its low to its high, the others at their medians; largest swing first. "
               f"With every range at its median: {chart.base_text}. Light bars: the input at its low; "
               "dark bars: at its high.")
    st.altair_chart(tornado_bars(chart), width="stretch")
    # Fixed widths: at 1280 px the long input paths pushed the Swing column out of view.
    numbers = st.column_config.TextColumn(width=105)
    st.dataframe([{"Input": row["input"], "Low … high": row["range"], "At low": row["low_text"],
                   "At high": row["high_text"], "Swing": row["swing_text"]} for row in chart.rows],
                 hide_index=True, width="stretch",
                 column_config={"Input": st.column_config.TextColumn(width=230),
                                "Low … high": st.column_config.TextColumn(width=230),
                                "At low": numbers, "At high": numbers, "Swing": numbers})


def sweep_tab_ui(view: View) -> None:
    """One input from a low to a high value, and a result at each step (one vectorised pass)."""
    inputs = sweepable(view.scenario)
    first = default_sweep_input({path: value for path, (_, value) in inputs.items()})
    left, right = st.columns(2)
    path = left.selectbox("Input", list(inputs), index=first, key="sweep:input")
    keys = [result.key for result in view.estimate]
    target = right.selectbox("Result", keys, index=default_index(keys), key="sweep:target",
                             format_func=lambda key: f"{view.estimate.steps[key].label} ({key})")
    low_default, high_default = default_bounds(view.text, view.file, view.overrides, path)
    low_column, high_column, steps_column = st.columns([2, 2, 1])
    # Keyed on the scenario and the input, so that another case study or another input starts
    # from its own range (not the last one typed for an input of the same name).
    low = low_column.text_input("From", low_default, key=f"sweep:low:{view.id}:{path}",
                                help="With a unit, or without one for the input's own; 100M, 2B shorthands.")
    high = high_column.text_input("To", high_default, key=f"sweep:high:{view.id}:{path}")
    steps = int(steps_column.number_input("Steps", min_value=2, max_value=min(MAX_STEPS, 200), value=20,
                                          key="sweep:steps"))
    try:
        chart = sweep_view(view.text, view.file, view.overrides, f"{path}={low}..{high}", steps, target)
    except EnvelopeError as error:
        st.error(markdown_text(worded(error)))
        return
    st.altair_chart(sweep_line(chart), width="stretch")
    with st.expander("Values"):
        st.dataframe([{path: row["x_text"], target: row["y_text"]} for row in chart.rows], hide_index=True,
                     width="stretch")


def comparison_tab_ui(view: View) -> None:
    """Every result of A and B with the change from A to B, headline results first."""
    against = st.radio("Compare", ("Your edits against the file as written", "This scenario against another case study"),
                       horizontal=True, label_visibility="collapsed", key="compare:against")
    if against.startswith("Your edits"):
        a, b, a_name, b_name = view.baseline, view.estimate, f"{view.file} as written", "with your edits"
        if not view.overrides:
            st.caption("No edits yet: change an assumption in the sidebar to see what it moves.")
    else:
        entries = [entry for entry in library() if entry.path.name != view.file]
        index = st.selectbox("Other case study", range(len(entries)), format_func=lambda i: entries[i].name,
                             key="compare:other")
        other = entries[index]
        a, b, a_name, b_name = view.estimate, estimated(other.path.read_bytes(), other.path.name, ()), \
            view.scenario.name, other.name
    rows = compare(a, b)
    st.markdown(f"**A:** {markdown_text(a_name)} → **B:** {markdown_text(b_name)}. {comparison_summary(rows)}")
    shown = comparison_rows(rows, binary=a.conventions.binary)
    st.dataframe([{"Result": row["result"], "A": row["a"], "B": row["b"], "Change": row["change"],
                   "Relative": row["relative"], "Key": row["key"]} for row in shown],
                 hide_index=True, width="stretch")

