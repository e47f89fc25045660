"""Envelope's Streamlit app: choose a scenario, change its assumptions, see the estimate.

Widgets only: `*_ui()` functions draw and return plain values; every number comes from
`estimator` (results, views, edits) and every picture from `diagrams_lib`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
import time

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from estimator import report
from estimator.edits import Edited, apply_edits, price_book_overrides, reworded, section_overrides
from estimator.errors import EnvelopeError
from estimator.compose import Estimate
from estimator.scenario import Scenario
from ui import cached
from ui.charts import chart_ui
from ui.diagram import diagram_ui, pictures
from ui.downloads import downloads_ui
from ui.inputs import (Source, assumptions_ui, conventions_ui, diagram_options_ui, first_source, price_book_ui,
                       sidebar_names, source_ui)
from ui.plan_ui import apply_pending_ui, plan_tab_ui
from ui.practice_ui import practice_tab_ui
from ui.results import metrics_ui, stale_ui, table_ui, working_ui
from ui.uncertainty_ui import comparison_tab_ui, sensitivity_tab_ui, sweep_tab_ui, uncertainty_tab_ui
from ui.view import View


def problem_ui(message: str, title: str) -> None:
    """A user error, word for word as the CLI prints it."""
    st.error(report.markdown_text(title))  # file names and text from the file are shown, never rendered
    st.code(message, language=None, wrap_lines=True)


def edits_ui(source: Source, original: Scenario, book: tuple[str, ...]) -> Edited:
    """The sidebar's edits applied to the file (over a price book's entries); refused values are shown under their fields."""
    inputs = cached.inputs_of(source.text, source.file, book)
    base = [*book, *section_overrides(source.text, source.file, "conventions", conventions_ui(original))]
    texts, slots = assumptions_ui(inputs, source.id)
    edited = apply_edits(source.text, source.file, inputs, texts, base, load=cached.loaded)
    for path, message in edited.field_errors.items():
        slots[path].error(report.markdown_text(message))
    return edited


def last_good(source: Source) -> str:
    """Session key of the edits of the last estimate shown for ``source``."""
    return f"last-good:{source.id}"


def current_ui(source: Source, edited: Edited, book: tuple[str, ...]) -> tuple[Scenario, Estimate, tuple[str, ...]]:
    """The edited scenario and its estimate, or the last good ones when the edits do not hold together.

    Whenever the numbers shown are not those of every value in the sidebar, the page says so,
    naming the fields as the sidebar labels them.
    """
    remembered = last_good(source)
    names = sidebar_names(cached.inputs_of(source.text, source.file, book))
    try:
        if edited.scenario is None:
            raise EnvelopeError(edited.error or "")
        result = (edited.scenario, cached.estimated(source.text, source.file, edited.overrides), edited.overrides)
    except EnvelopeError as error:
        stale_ui("These values do not work together, so the results below are those of the last values that "
                 "did: they do not follow the sidebar until this is fixed.", reworded(str(error), names))
        overrides = st.session_state.get(remembered, book)
        return (cached.loaded(source.text, source.file, overrides), cached.estimated(source.text, source.file, overrides),
                overrides)
    if edited.field_errors:
        refused = ", ".join(names.get(path, path) for path in edited.field_errors)
        stale_ui(f"Not in these results: {refused}. The value in the sidebar was refused (the reason is under "
                 "the field), so the results below use the file's value there.")
    st.session_state[remembered] = edited.overrides
    return result


def overview_ui(view: View) -> None:
    """The diagram, the cost, storage and latency charts and every result in a table."""
    drawn, problem = pictures(lambda: cached.diagram_graph(view.text, view.file, view.overrides), view.theme,
                              view.direction)
    diagram_ui(drawn, problem)
    charts = cached.bar_specs(view.text, view.file, view.overrides)
    left, right = st.columns(2, gap="large")
    with left:
        chart_ui(charts["cost"], "No costs in this scenario.")
    with right:
        chart_ui(charts["storage"], "No datasets in this scenario.")
    if charts["latency"] is not None:
        chart_ui(charts["latency"], "")
    st.markdown("#### All results")
    table_ui(cached.results_table(view.text, view.file, view.overrides))


def working_tab_ui(view: View) -> None:
    working_ui(cached.working(view.text, view.file, view.overrides))


def scenario_tab_ui(view: View) -> None:
    framing = view.scenario.framing
    for label, value in (("Goal", framing.goal), ("ML task", framing.task), ("Objective", framing.objective),
                         ("Labels", framing.labels)):
        if value:
            st.markdown(f"**{label}:** {report.markdown_text(value)}")
    st.markdown("#### Scenario file, with your edits")
    st.code(cached.edited_text(view.text, view.file, view.overrides), language="yaml")


def downloads_tab_ui(view: View) -> None:
    drawn, problem = pictures(lambda: cached.diagram_graph(view.text, view.file, view.overrides), view.theme,
                              view.direction)
    downloads_ui(view.file, cached.edited_text(view.text, view.file, view.overrides),
                 cached.markdown_text(view.text, view.file, view.overrides),
                 cached.json_text(view.text, view.file, view.overrides), drawn)
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


def header_ui(slot: DeltaGenerator, source: Source, overrides: tuple[str, ...], book: tuple[str, ...]) -> None:
    """The scenario's name, summary, conventions and headline cards with ``overrides``, in ``slot``;
    each card's change is against the file with the price book's entries (``book``) alone."""
    scenario = cached.loaded(source.text, source.file, overrides)
    result = cached.estimated(source.text, source.file, overrides)
    with slot.container():
        st.title(report.markdown_text(scenario.name))
        st.caption(f"{report.markdown_text(scenario.summary)}  \nConventions: {report.conventions_text(result)}")
        metrics_ui(cached.cards(source.text, source.file, overrides, book, scenario.archetype))


# Seconds a new session's first run waits after sending the cards. A browser opening the page fetches
# the code of each kind of element (card, text field, chart, table: ~95 files, ~3 MB) when the first
# one arrives, and shows an update only once all of its elements can be drawn: sent together with
# the ~70 sidebar fields, the charts and the table, the cards were shown with them, a median 1.36 s
# after the script had sent them. Given this head start they are shown 0.17 s after, and the rest of
# the page about as late as before (benchmarks/bench_browser.py; 0.15 s was too short on a busy machine).
FIRST_PAINT_PAUSE = 0.3


def main() -> None:
    st.set_page_config(page_title="Envelope", page_icon="✉️", layout="wide")
    # A new session opens on the first case study, unedited: its title and cards are sent before any
    # sidebar widget, then the run pauses (see FIRST_PAINT_PAUSE) so that the browser draws them
    # before the rest of the page arrives.
    head = st.empty()
    shown: tuple[Source, tuple[str, ...], tuple[str, ...]] | None = None  # what head shows: source, edits, book
    opening = first_source()
    if opening is not None:
        with suppress(EnvelopeError):  # a bundled file that does not load is reported once the sidebar is read
            header_ui(head, opening, (), ())
            shown = (opening, (), ())
            time.sleep(FIRST_PAINT_PAUSE)
    source = source_ui()
    if source is None:
        st.title("Envelope")
        st.info("Upload a scenario file in the sidebar, or pick a case study.")
        return
    uploaded = price_book_ui()
    try:
        book = tuple(price_book_overrides(*uploaded, source.text, source.file)) if uploaded else ()
        original = cached.loaded(source.text, source.file, book)
        baseline = cached.estimated(source.text, source.file, book)
    except EnvelopeError as error:
        # A price book's mistake is located in the book (each line names its file): the title names both.
        with_book = f" with the price book {uploaded[1]}" if uploaded else ""
        problem_ui(str(error), f"{source.file} cannot be estimated{with_book}:")
        return
    # The cards depend on the sidebar's ~70 fields. On a first visit to a scenario (no edits yet) they
    # are drawn at once with the file's own values, before the fields, and again once the fields are read.
    if last_good(source) not in st.session_state and shown != (source, book, book):
        header_ui(head, source, book, book)
        shown = (source, book, book)
    theme, direction = diagram_options_ui()
    apply_pending_ui()
    scenario, result, overrides = current_ui(source, edits_ui(source, original, book), book)
    view = View(source.file, source.text, overrides, original, scenario, result, baseline, theme, direction)
    if shown != (source, overrides, book):
        header_ui(head, source, overrides, book)
    # Only the tab on screen is drawn: switching tabs reruns the script (on_change="rerun"), and a
    # tab's own widgets rerun only that tab (each tab is a fragment).
    for tab, (_, draw) in zip(st.tabs([title for title, _ in TABS], key="tab", on_change="rerun"), TABS,
                              strict=True):
        if tab.open:
            with tab:
                st.fragment(draw)(view)


main()
