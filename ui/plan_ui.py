"""The Plan tab: the cost–latency frontier, the budget line, the chosen point, and a button that
applies the chosen configuration to the scenario being edited. Widgets and altair only."""

from __future__ import annotations

import altair as alt
import streamlit as st

from estimator.errors import EnvelopeError
from estimator.plan import chart_points, plan, plan_edits, plan_json
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


def plan_tab_ui(view: View) -> None:
    try:
        result = plan(view.scenario)
    except EnvelopeError as error:
        st.caption(str(error))
        return
    document = plan_json(result)
    st.caption(f"{result.searched:,} configurations searched, {result.feasible:,} within the budget "
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
