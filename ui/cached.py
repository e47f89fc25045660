"""The app's work, cached by what it depends on: the scenario's text, its file name and the edits.

The edited scenario is exactly ``load_scenario_text(text, file, overrides)``, so equal keys mean
equal scenarios and equal estimates. A rerun that changes one input validates that edit once and
estimates once; moving a widget that changes no input (a tab, a sweep bound) does neither.

Scenarios and estimates hold pint quantities, which ``st.cache_data`` would pickle on every hit:
they are kept with ``st.cache_resource`` (shared, never mutated: both are frozen). What a tab
shows is plain rows and text, cached with ``st.cache_data``. A failing load is not cached
(Streamlit caches only returned values), so a bad value is re-checked, and reported, each time.

A file of ``OFF_THREAD_BYTES`` or more is worked on in a separate process (``ui.worker``): every
session's script runs in a thread of this one process, and an estimate of a large upload, done
here, held the GIL for seconds and slowed every other session's reruns. Its loads, estimates and
views come back pickled (an exact copy: see ``estimator.units`` for pint's part) and are cached
here as any other; its errors are the same ``EnvelopeError``, with the same message.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, cast

import streamlit as st

from estimator import report, views
from estimator.edits import Input, editable_inputs, edited_yaml
from estimator.compose import Estimate, estimate
from estimator.errors import EnvelopeError
from estimator.library import SCENARIOS_DIR, LibraryEntry, bundled_scenarios
from estimator.scenario import Scenario, load_scenario_text
from ui import worker
from ui.charts import overview_specs
from ui.diagram import graph_json
from ui.worker import Estimated, Loaded

__all__ = ["OFF_THREAD_BYTES", "bar_specs", "library", "cards", "diagram_graph", "edited_text", "estimated",
           "in_worker", "inputs_of", "json_text", "loaded", "markdown_text", "results_table", "start_worker",
           "working"]

ENTRIES = 256  # scenarios tried while typing: each edit, each trial of an edit, each case study
LARGE_ENTRIES = 8  # the same for files of OFF_THREAD_BYTES or more: 8 estimates of 1,000 datasets stay far below 1 GB
# Files this large or larger are loaded, estimated and turned into rows in the worker process. Every
# bundled case study is smaller (under 10 KB, tests/test_offload.py), so they keep the quickest path;
# with merge keys 16 KB is a few hundred datasets, about half a second of work.
OFF_THREAD_BYTES = 16_000
# One worker: the server's own process keeps a core for every session's script thread (the point of
# the worker); two large files at once queue, each bounded by the loader's caps.
WORKERS = 1


@st.cache_resource(show_spinner=False)
def _pool() -> ProcessPoolExecutor:
    """The worker process(es), started on the first large file and shared by every session.

    'spawn' starts a fresh interpreter: forking a process that runs the server's threads could copy
    a lock held by one of them.
    """
    pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn"))
    pool.submit(worker.ready)  # processes start on the first task: start one now
    return pool


def start_worker() -> None:
    """Start the worker process ahead of a large file (e.g. while the upload is chosen), so its start
    (a new interpreter importing the estimator, about a second) is not part of the first estimate."""
    _pool()


def in_worker(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` run in the worker process; the script thread waits without the GIL.

    Raises
    ------
    EnvelopeError
        What ``function`` raised, as it raised it; or, when the worker process died (killed, out of
        memory), a message saying so: the next call starts a new one.
    """
    pool = _pool()
    try:
        return pool.submit(function, *args).result()
    except BrokenProcessPool:
        _pool.clear()
        pool.shutdown(wait=False, cancel_futures=True)
        raise EnvelopeError("the estimate stopped because its worker process ended (out of memory, or "
                            "stopped from outside); try again, or a smaller file") from None


def _here(text: bytes) -> bool:
    return len(text) < OFF_THREAD_BYTES


def _computed(function: Callable[..., Any], text: bytes, file: str, *args: Any) -> Any:
    """``function(*args)``, with ``Loaded``/``Estimated`` arguments resolved (``ui.worker.resolved``):
    here, from this process's caches, for a small file; in the worker for a large one."""
    if _here(text):
        return worker.resolved(function, text, file, args, _load, estimated)
    return in_worker(worker.call, function, text, file, *args)


@st.cache_resource(max_entries=ENTRIES, show_spinner="Reading the scenario…")
def _load_here(text: bytes, file: str, overrides: tuple[str, ...]) -> Scenario:
    return load_scenario_text(text, file, list(overrides))


# A large file's scenario and estimate are tens of megabytes: the server keeps a few, not ENTRIES.
@st.cache_resource(max_entries=LARGE_ENTRIES, show_spinner="Reading the scenario…")
def _load_large(text: bytes, file: str, overrides: tuple[str, ...]) -> Scenario:
    return cast(Scenario, in_worker(worker.loaded, text, file, overrides))


def _load(text: bytes, file: str, overrides: tuple[str, ...]) -> Scenario:
    return (_load_here if _here(text) else _load_large)(text, file, overrides)


def loaded(text: str | bytes, file: str, overrides: Sequence[str] = ()) -> Scenario:
    """``load_scenario_text``, cached on its arguments (the shape ``apply_edits`` takes as ``load``)."""
    return _load(text.encode("utf-8") if isinstance(text, str) else text, file, tuple(overrides))


@st.cache_resource(max_entries=ENTRIES, show_spinner="Estimating…")
def _estimated_here(text: bytes, file: str, overrides: tuple[str, ...]) -> Estimate:
    return estimate(loaded(text, file, overrides))


@st.cache_resource(max_entries=LARGE_ENTRIES, show_spinner="Estimating…")
def _estimated_large(text: bytes, file: str, overrides: tuple[str, ...]) -> Estimate:
    return cast(Estimate, in_worker(worker.estimated, text, file, overrides))


def estimated(text: bytes, file: str, overrides: tuple[str, ...]) -> Estimate:
    """The estimate of the scenario as edited."""
    return (_estimated_here if _here(text) else _estimated_large)(text, file, overrides)


@st.cache_resource(max_entries=32, show_spinner=False)
def inputs_of(text: bytes, file: str, book: tuple[str, ...] = ()) -> list[Input]:
    """The editable assumptions of the file as written, with a price book's entries (the sidebar's fields)."""
    return _computed(editable_inputs, text, file, Loaded(book))


@st.cache_data(max_entries=64, show_spinner=False)
def cards(text: bytes, file: str, overrides: tuple[str, ...], base: tuple[str, ...], archetype: str) -> list[views.Metric]:
    """The headline cards of the edited scenario, each with its change against the file with ``base``
    alone (a price book's entries; none without one)."""
    return _computed(views.headline_metrics, text, file, Estimated(overrides), Estimated(base),
                     archetype)


@st.cache_data(max_entries=64, show_spinner=False)
def results_table(text: bytes, file: str, overrides: tuple[str, ...]) -> list[dict[str, str]]:
    return _computed(views.result_rows, text, file, Estimated(overrides))


@st.cache_data(max_entries=32, show_spinner=False)
def working(text: bytes, file: str, overrides: tuple[str, ...]) -> list[tuple[str, list[views.Working]]]:
    return _computed(views.working_sections, text, file, Estimated(overrides))


@st.cache_data(max_entries=32, show_spinner=False)
def markdown_text(text: bytes, file: str, overrides: tuple[str, ...]) -> str:
    return _computed(report.to_markdown, text, file, Estimated(overrides))


@st.cache_data(max_entries=32, show_spinner=False)
def json_text(text: bytes, file: str, overrides: tuple[str, ...]) -> str:
    return _computed(report.to_json, text, file, Estimated(overrides))


@st.cache_data(max_entries=32, show_spinner=False)
def edited_text(text: bytes, file: str, overrides: tuple[str, ...]) -> str:
    """The scenario file with the edits, as the Scenario tab shows it and the download gives it."""
    return _computed(edited_yaml, text, file, text, file, overrides)


@st.cache_data(max_entries=64, show_spinner=False)
def bar_specs(text: bytes, file: str, overrides: tuple[str, ...]) -> dict[str, dict[str, Any] | None]:
    """The Overview's charts as vega-lite specifications: cost, storage, latency (None: no such chart)."""
    return _computed(overview_specs, text, file, Estimated(overrides))


@st.cache_data(max_entries=64, show_spinner=False)
def diagram_graph(text: bytes, file: str, overrides: tuple[str, ...]) -> str:
    """The component graph as canonical JSON (the key of the rendered pictures)."""
    return _computed(graph_json, text, file, Loaded(overrides), Estimated(overrides))


@st.cache_resource(max_entries=4, show_spinner=False)
def _library(listing: tuple[tuple[str, int], ...]) -> list[LibraryEntry]:
    return bundled_scenarios()


def library() -> list[LibraryEntry]:
    """The bundled scenarios, read again only when a file of the library is added, removed or changed
    (parsing all of them took tens of milliseconds of every rerun)."""
    return _library(tuple((path.name, path.stat().st_mtime_ns) for path in sorted(SCENARIOS_DIR.glob("*.yaml"))))
