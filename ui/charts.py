"""Altair charts of the BarChart data that estimator.views computes."""

from __future__ import annotations

from typing import Any

import altair as alt
import streamlit as st

from estimator import views
from estimator.compose import Estimate
from estimator.views.results import BarChart

BAR_COLOUR = "#4C78A8"
LIMIT_COLOUR = "#D62728"
BAND_PX = 26  # one bar and its gap; the chart grows with the number of bars
# Plain numbers with thousands separators: the axis title already carries the scale ("$ k/month",
# "ms"), so an SI suffix on each tick ("~s") said it twice ("1k" under "$ k/month", "0.5k ms").
AXIS_FORMAT = ",~g"


def bar_chart(chart: BarChart) -> alt.LayerChart:
    """Horizontal bars, largest first, each labelled with its value as the estimate shows it."""
    data = alt.Data(values=chart.rows)
    order = [str(row["name"]) for row in chart.rows]
    base = alt.Chart(data).encode(
        y=alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=180)),
        tooltip=[alt.Tooltip("name:N", title="Part"), alt.Tooltip("text:N", title="Value")],
    )
    axis = alt.X("start:Q", title=chart.unit, axis=alt.Axis(format=AXIS_FORMAT, tickCount=4),
                 scale=alt.Scale(domain=[0, chart.axis_end], nice=False))
    bars = base.mark_bar(color=BAR_COLOUR).encode(x=axis, x2="end:Q")
    labels = base.mark_text(align="left", dx=4, fontSize=11).encode(x="end:Q", text="text:N")
    layers: list[alt.Chart] = [bars, labels]
    if chart.limit is not None:
        line = alt.Chart(alt.Data(values=[{"limit": chart.limit, "text": chart.limit_text}]))
        layers.append(line.mark_rule(color=LIMIT_COLOUR, strokeDash=[5, 3], size=2).encode(x="limit:Q"))
        layers.append(line.mark_text(color=LIMIT_COLOUR, align="left", dx=4, dy=-6, baseline="bottom", fontSize=11)
                      .encode(x="limit:Q", y=alt.value(0), text="text:N"))
    return alt.LayerChart(layer=layers).properties(title=chart.title, height=alt.Step(BAND_PX))


def bar_spec(chart: BarChart) -> dict[str, Any]:
    """The chart's vega-lite specification: altair builds and validates it in 60-80 ms, so the app
    caches this (ui.cached.bar_specs) rather than the altair object."""
    spec: dict[str, Any] = bar_chart(chart).to_dict()
    return spec


def overview_specs(result: Estimate) -> dict[str, dict[str, Any] | None]:
    """The Overview's charts as vega-lite specifications: cost, storage, latency (None: no such chart)."""
    charts = {"cost": views.cost_by_component(result), "storage": views.storage_by_dataset(result),
              "latency": views.latency_by_stage(result)}
    return {name: bar_spec(chart) if chart is not None else None for name, chart in charts.items()}


def chart_ui(spec: dict[str, Any] | None, empty: str) -> None:
    """One chart from its vega-lite specification, or a short note saying why there is none."""
    if spec is None:
        st.caption(empty)
        return
    st.vega_lite_chart(spec, width="stretch")
