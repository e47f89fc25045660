"""The Plan tab: the cost–latency frontier, the budget line, the chosen point, and a button that
applies the chosen configuration to the scenario being edited. Widgets and altair only."""

from __future__ import annotations

import altair as alt
import numpy as np
import streamlit as st

from estimator.errors import EnvelopeError
from estimator.plan import Plan, chart_points, design_space, plan, plan_edits, plan_json, searched_text
from estimator.scenario import load_scenario_text
from ui.charts import LIMIT_COLOUR
from ui.inputs import Source
from ui.view import View

PENDING = "plan:apply"  # widget values to set before the sidebar is drawn on the next run


def apply_pending_ui() -> None:
    """Set the sidebar fields a Plan button asked for. Called before the fields are drawn: Streamlit
    refuses a change to a widget's value once the widget exists in the run."""
    for key, text in st.session_state.pop(PENDING, {}).items():
        st.session_state[key] = text


def frontier_chart(points: list[dict], budget: float) -> alt.LayerChart:
    """Cost against latency: the frontier's points (the chosen one marked) and the budget as a rule."""
    data = alt.Data(values=points)
    base = alt.Chart(data).encode(
        x=alt.X("latency_ms:Q", title="latency (ms)", scale=alt.Scale(zero=False)),
        y=alt.Y("monthly_cost:Q", title="monthly cost (USD)", scale=alt.Scale(zero=False), axis=alt.Axis(format="~s")),
        tooltip=[alt.Tooltip("cost_text:N", title="Cost"), alt.Tooltip("latency_text:N", title="Latency"),
                 alt.Tooltip("configuration:N", title="Configuration")])
    dots = base.mark_point(filled=True, size=80).encode(color=alt.Color("point:N", title=None))
    line = base.mark_line(opacity=0.4)
    rule = alt.Chart(alt.Data(values=[{"budget": budget}])).mark_rule(color=LIMIT_COLOUR, strokeDash=[5, 3]).encode(
        x="budget:Q")
    return alt.LayerChart(layer=[line, dots, rule]).properties(title="Cost–latency frontier", height=320)


ASK_ABOVE = 50_000  # configurations: a larger search waits for a click instead of slowing every rerun


@st.cache_resource(max_entries=16, show_spinner="Searching the design space…")
def _planned(text: bytes, file: str, overrides: tuple[str, ...]) -> Plan:
    """One search per scenario text and edits: reruns of the page (any widget) reuse it."""
    return plan(load_scenario_text(text, file, overrides))


def plan_tab_ui(view: View) -> None:
    try:
        size = int(np.prod([len(a.options) for a in design_space(view.scenario)], dtype=float))
        if size > ASK_ABOVE and not st.toggle(f"Search {size:,} configurations", key="plan:search"):
            st.caption("A large design space: switch the search on (it takes a few seconds).")
            return
        result = _planned(view.text, view.file, view.overrides)
    except EnvelopeError as error:
        st.caption(str(error))
        return
    document = plan_json(result)
    st.caption(f"{searched_text(result)}, {result.feasible:,} within the budget "
               f"({result.latency_key}).")
    if result.best is None:
        st.warning("No configuration meets the latency budget.")
    else:
        chosen = document["chosen"]
        st.markdown(f"**Cheapest within budget:** {chosen['configuration']}")
    st.altair_chart(frontier_chart(chart_points(result), result.budget), width="stretch")
    st.dataframe(document["frontier"], hide_index=True, width="stretch")
    if document["changes"]:
        with st.expander("Cheapest single changes"):
            st.dataframe(document["changes"][:20], hide_index=True, width="stretch")
    if result.best is not None and st.button("Apply the chosen configuration", key="plan:apply-button"):
        prefix = Source(view.text, view.file).id
        st.session_state[PENDING] = {f"{prefix}:{path}": text for path, text in plan_edits(result, result.best).items()}
        st.rerun()
