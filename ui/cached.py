"""The app's work, cached by what it depends on: the scenario's text, its file name and the edits.

The edited scenario is exactly ``load_scenario_text(text, file, overrides)``, so equal keys mean
equal scenarios and equal estimates. A rerun that changes one input validates that edit once and
estimates once; moving a widget that changes no input (a tab, a sweep bound) does neither.

Scenarios and estimates hold pint quantities, which ``st.cache_data`` would pickle on every hit:
they are kept with ``st.cache_resource`` (shared, never mutated: both are frozen). What a tab
shows is plain rows and text, cached with ``st.cache_data``. A failing load is not cached
(Streamlit caches only returned values), so a bad value is re-checked, and reported, each time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from estimator import report, views
from estimator.edits import Input, editable_inputs, edited_yaml
from estimator.compose import Estimate, estimate
from estimator.library import SCENARIOS_DIR, LibraryEntry, bundled_scenarios
from estimator.scenario import Scenario, load_scenario_text
from ui.charts import bar_spec
from ui.diagram import graph_json

__all__ = ["bar_specs", "library", "cards", "diagram_graph", "edited_text", "estimated", "inputs_of", "json_text", "loaded",
           "markdown_text", "results_table", "working"]

ENTRIES = 256  # scenarios tried while typing: each edit, each trial of an edit, each case study


@st.cache_resource(max_entries=ENTRIES, show_spinner=False)
def _load(text: bytes, file: str, overrides: tuple[str, ...]) -> Scenario:
    return load_scenario_text(text, file, list(overrides))


def loaded(text: str | bytes, file: str, overrides: Sequence[str] = ()) -> Scenario:
    """``load_scenario_text``, cached on its arguments (the shape ``apply_edits`` takes as ``load``)."""
    return _load(text.encode("utf-8") if isinstance(text, str) else text, file, tuple(overrides))


@st.cache_resource(max_entries=ENTRIES, show_spinner=False)
def estimated(text: bytes, file: str, overrides: tuple[str, ...]) -> Estimate:
    """The estimate of the scenario as edited."""
    return estimate(loaded(text, file, overrides))


@st.cache_resource(max_entries=32, show_spinner=False)
def inputs_of(text: bytes, file: str, book: tuple[str, ...] = ()) -> list[Input]:
    """The editable assumptions of the file as written, with a price book's entries (the sidebar's fields)."""
    return editable_inputs(loaded(text, file, book))


@st.cache_data(max_entries=64, show_spinner=False)
def cards(text: bytes, file: str, overrides: tuple[str, ...], base: tuple[str, ...], archetype: str) -> list[views.Metric]:
    """The headline cards of the edited scenario, each with its change against the file with ``base``
    alone (a price book's entries; none without one)."""
    return views.headline_metrics(estimated(text, file, overrides), estimated(text, file, base), archetype)


@st.cache_data(max_entries=64, show_spinner=False)
def results_table(text: bytes, file: str, overrides: tuple[str, ...]) -> list[dict[str, str]]:
    return views.result_rows(estimated(text, file, overrides))


@st.cache_data(max_entries=32, show_spinner=False)
def working(text: bytes, file: str, overrides: tuple[str, ...]) -> list[tuple[str, list[views.Working]]]:
    return views.working_sections(estimated(text, file, overrides))


@st.cache_data(max_entries=32, show_spinner=False)
def markdown_text(text: bytes, file: str, overrides: tuple[str, ...]) -> str:
    return report.to_markdown(estimated(text, file, overrides))


@st.cache_data(max_entries=32, show_spinner=False)
def json_text(text: bytes, file: str, overrides: tuple[str, ...]) -> str:
    return report.to_json(estimated(text, file, overrides))


@st.cache_data(max_entries=32, show_spinner=False)
def edited_text(text: bytes, file: str, overrides: tuple[str, ...]) -> str:
    """The scenario file with the edits, as the Scenario tab shows it and the download gives it."""
    return edited_yaml(text, file, overrides)


@st.cache_data(max_entries=64, show_spinner=False)
def bar_specs(text: bytes, file: str, overrides: tuple[str, ...]) -> dict[str, dict[str, Any] | None]:
    """The Overview's charts as vega-lite specifications: cost, storage, latency (None: no such chart)."""
    result = estimated(text, file, overrides)
    charts = {"cost": views.cost_by_component(result), "storage": views.storage_by_dataset(result),
              "latency": views.latency_by_stage(result)}
    return {name: bar_spec(chart) if chart is not None else None for name, chart in charts.items()}


@st.cache_data(max_entries=64, show_spinner=False)
def diagram_graph(text: bytes, file: str, overrides: tuple[str, ...]) -> str:
    """The component graph as canonical JSON (the key of the rendered pictures)."""
    return graph_json(loaded(text, file, overrides), estimated(text, file, overrides))


@st.cache_resource(max_entries=4, show_spinner=False)
def _library(listing: tuple[tuple[str, int], ...]) -> list[LibraryEntry]:
    return bundled_scenarios()


def library() -> list[LibraryEntry]:
    """The bundled scenarios, read again only when a file of the library is added, removed or changed
    (parsing all of them took tens of milliseconds of every rerun)."""
    return _library(tuple((path.name, path.stat().st_mtime_ns) for path in sorted(SCENARIOS_DIR.glob("*.yaml"))))
