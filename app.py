"""Envelope's Streamlit app: choose a scenario, change its assumptions, see the estimate.

Widgets only: `*_ui()` functions draw and return plain values; every number comes from
`estimator` (results, views, edits) and every picture from `diagrams_lib`.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from estimator import report, views
from estimator.edits import Edited, apply_edits, editable_inputs, edited_yaml, price_book_overrides, section_overrides
from estimator.errors import EnvelopeError
from estimator.estimate import Estimate, estimate
from estimator.scenario import Scenario, load_scenario_text
from ui.charts import chart_ui
from ui.diagram import diagram_ui, pictures
from ui.downloads import downloads_ui
from ui.inputs import Source, assumptions_ui, conventions_ui, diagram_options_ui, price_book_ui, source_ui
from ui.practice_ui import practice_tab_ui
from ui.results import metrics_ui, table_ui, working_ui
from ui.plan_ui import apply_pending_ui, plan_tab_ui
from ui.uncertainty_ui import comparison_tab_ui, sensitivity_tab_ui, sweep_tab_ui, uncertainty_tab_ui
from ui.view import View


def problem_ui(message: str, title: str) -> None:
    """A user error, word for word as the CLI prints it."""
    st.error(report.markdown_text(title))  # file names and text from the file are shown, never rendered
    st.code(message, language=None, wrap_lines=True)


def edits_ui(source: Source, original: Scenario, book: list[str]) -> Edited:
    """The sidebar's edits applied to the file (over a price book's entries); refused values are shown under their fields."""
    inputs = editable_inputs(original)
    base = [*book, *section_overrides(source.text, source.file, "conventions", conventions_ui(original))]
    texts, slots = assumptions_ui(inputs, source.id)
    edited = apply_edits(source.text, source.file, inputs, texts, base)
    for path, message in edited.field_errors.items():
        slots[path].error(report.markdown_text(message))
    return edited


def current_ui(source: Source, edited: Edited) -> tuple[Scenario, Estimate, tuple[str, ...]]:
    """The edited scenario and its estimate, or the last good ones when the edits do not hold together."""
    remembered = f"last-good:{source.id}"
    try:
        if edited.scenario is None:
            raise EnvelopeError(edited.error or "")
        result = (edited.scenario, estimate(edited.scenario), edited.overrides)
    except EnvelopeError as error:
        problem_ui(str(error), "These values do not work together; showing the last estimate that did.")
        overrides = st.session_state.get(remembered, ())
        scenario = load_scenario_text(source.text, source.file, overrides)
        return scenario, estimate(scenario), overrides
    st.session_state[remembered] = edited.overrides
    return result


def overview_ui(view: View) -> None:
    drawn, problem = pictures(view.scenario, view.estimate, view.theme, view.direction)
    diagram_ui(drawn, problem)
    left, right = st.columns(2, gap="large")
    with left:
        chart_ui(views.cost_by_component(view.estimate), "No costs in this scenario.")
    with right:
        chart_ui(views.storage_by_dataset(view.estimate), "No datasets in this scenario.")
    latency = views.latency_by_stage(view.estimate)
    if latency is not None:
        chart_ui(latency, "")
    st.markdown("#### All results")
    table_ui(views.result_rows(view.estimate))


def working_tab_ui(view: View) -> None:
    working_ui(views.working_sections(view.estimate))


def scenario_tab_ui(view: View) -> None:
    framing = view.scenario.framing
    for label, value in (("Goal", framing.goal), ("ML task", framing.task), ("Objective", framing.objective),
                         ("Labels", framing.labels)):
        if value:
            st.markdown(f"**{label}:** {report.markdown_text(value)}")
    st.markdown("#### Scenario file, with your edits")
    st.code(edited_yaml(view.text, view.file, view.overrides), language="yaml")


def downloads_tab_ui(view: View) -> None:
    drawn, problem = pictures(view.scenario, view.estimate, view.theme, view.direction)
    downloads_ui(view.file, edited_yaml(view.text, view.file, view.overrides), report.to_markdown(view.estimate),
                 report.to_json(view.estimate), drawn)
    if problem:
        st.caption(report.markdown_text(problem))


# Each tab is a title and a function of the View; other views of the estimate add theirs here.
TABS: list[tuple[str, Callable[[View], None]]] = [
    ("Overview", overview_ui),
    ("Show your work", working_tab_ui),
    ("Scenario", scenario_tab_ui),
    ("Downloads", downloads_tab_ui),
    ("Uncertainty", uncertainty_tab_ui),
    ("Sensitivity", sensitivity_tab_ui),
    ("Sweep", sweep_tab_ui),
    ("Compare", comparison_tab_ui),
    ("Plan", plan_tab_ui),
    ("Practice", practice_tab_ui),
]


def main() -> None:
    st.set_page_config(page_title="Envelope", page_icon="✉️", layout="wide")
    source = source_ui()
    if source is None:
        st.title("Envelope")
        st.info("Upload a scenario file in the sidebar, or pick a case study.")
        return
    uploaded = price_book_ui()
    try:
        book = price_book_overrides(*uploaded, source.text, source.file) if uploaded else []
        original = load_scenario_text(source.text, source.file, book)
        baseline = estimate(original)
    except EnvelopeError as error:
        problem_ui(str(error), f"{source.file} cannot be estimated:")
        return
    theme, direction = diagram_options_ui()
    apply_pending_ui()
    scenario, result, overrides = current_ui(source, edits_ui(source, original, book))
    view = View(source.file, source.text, overrides, original, scenario, result, baseline, theme, direction)
    st.title(report.markdown_text(scenario.name))
    st.caption(f"{report.markdown_text(scenario.summary)}  \nConventions: {report.conventions_text(result)}")
    metrics_ui(views.headline_metrics(result, baseline))
    for tab, (_, draw) in zip(st.tabs([title for title, _ in TABS]), TABS, strict=True):
        with tab:
            draw(view)


main()
