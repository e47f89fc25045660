"""Headline metric cards, the results table and the "show your work" expanders."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from estimator.report import markdown_text
from estimator.views.results import Metric, Working

# Cards take the width their text needs and wrap onto a second row rather than cut it: at
# 1280 px, five cards of equal width cut "20.0 k request/s" and its change with an ellipsis.
_STYLE = """<style>
[data-testid="stMetricValue"] { font-size: 1.4rem; }
[data-testid="stMetricValue"] > div, [data-testid="stMetricDelta"] > div { overflow: visible; text-overflow: clip; }
[data-testid="stMetric"] { min-width: 8rem; }
.block-container { padding-top: 2.5rem; }
</style>"""


def metrics_ui(metrics: Sequence[Metric]) -> None:
    """One card per headline number, with its change against the file's values."""
    st.html(_STYLE)
    with st.container(horizontal=True, wrap=True, gap="small"):
        for metric in metrics:
            st.metric(metric.label, metric.value, metric.delta, delta_color=metric.delta_colour, help=metric.help,
                      border=True, width="content")


def stale_ui(title: str, detail: str = "") -> None:
    """Say, above the results, that they do not follow the sidebar (and why, in its words)."""
    st.warning(title, icon="⚠️")
    if detail:
        st.code(detail, language=None, wrap_lines=True)


def table_ui(rows: list[dict[str, str]]) -> None:
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={"Value": st.column_config.TextColumn(width="small"),
                                "Key": st.column_config.TextColumn(width="medium")})


def working_ui(sections: list[tuple[str, list[Working]]]) -> None:
    """Each result's formula, the formula with its inputs' values, and the inputs."""
    for title, items in sections:
        st.markdown(f"#### {title}")
        for item in items:
            with st.expander(f"{markdown_text(item.label)} = {item.value}"):  # a label renders Markdown
                st.markdown(f"`{item.key}`")
                st.code(item.line, language=None, wrap_lines=True)
                if item.inputs:
                    st.markdown("\n".join(f"- `{name}` = {value}" for name, value in item.inputs))
