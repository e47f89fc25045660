"""Headline metric cards, the results table and the "show your work" expanders."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from estimator.views.results import Metric, Working

# Five cards share the width of a laptop screen: at Streamlit's default size the values
# ("694 k request/s") were cut off with an ellipsis at 1280 px.
_STYLE = """<style>
[data-testid="stMetricValue"] { font-size: 1.3rem; }
[data-testid="stMetricValue"] > div { white-space: normal; overflow: visible; }
[data-testid="stMetricDelta"] { font-size: 0.8rem; }
[data-testid="stMetricDelta"] > div { white-space: normal; overflow: visible; }
.block-container { padding-top: 2.5rem; }
</style>"""


def metrics_ui(metrics: Sequence[Metric]) -> None:
    """One card per headline number, with its change against the file's values."""
    st.html(_STYLE)
    for column, metric in zip(st.columns(len(metrics)), metrics, strict=True):
        column.metric(metric.label, metric.value, metric.delta, delta_color=metric.delta_colour, help=metric.help,
                      border=True)


def table_ui(rows: list[dict[str, str]]) -> None:
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={"Value": st.column_config.TextColumn(width="small"),
                                "Key": st.column_config.TextColumn(width="medium")})


def working_ui(sections: list[tuple[str, list[Working]]]) -> None:
    """Each result's formula, the formula with its inputs' values, and the inputs."""
    for title, items in sections:
        st.markdown(f"#### {title}")
        for item in items:
            with st.expander(f"{item.label} = {item.value}"):
                st.markdown(f"`{item.key}`")
                st.code(item.line, language=None, wrap_lines=True)
                if item.inputs:
                    st.markdown("\n".join(f"- `{name}` = {value}" for name, value in item.inputs))
