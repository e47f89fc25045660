"""Envelope's Streamlit app: pick a bundled scenario and see its estimate.

Widgets only: every number comes from `estimator`.
"""

from __future__ import annotations

import streamlit as st

from estimator.estimate import estimate
from estimator.library import bundled_scenarios
from estimator.report import conventions_text, show, subject_label
from estimator.scenario import load_scenario


def scenario_picker_ui() -> int:
    """A select box of bundled scenarios; returns the chosen index."""
    entries = bundled_scenarios()
    return st.sidebar.selectbox("Scenario", range(len(entries)), format_func=lambda i: entries[i].name)


def results_ui(result) -> None:  # type: ignore[no-untyped-def]
    st.caption(f"Conventions: {conventions_text(result)}")
    rows = [{"Result": subject_label(step), "Value": show(step, result), "Key": step.key} for step in result]
    st.dataframe(rows, hide_index=True, use_container_width=True)


def main() -> None:
    st.set_page_config(page_title="Envelope", layout="wide")
    st.title("Envelope")
    entry = bundled_scenarios()[scenario_picker_ui()]
    st.subheader(entry.name)
    st.write(entry.summary)
    results_ui(estimate(load_scenario(entry.path)))


main()
