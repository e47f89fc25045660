"""Sidebar widgets: choose a scenario, set conventions and the diagram, edit assumptions.

Each function draws widgets and returns plain values; nothing here computes a result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

import streamlit as st

from estimator.display import file_range_text
from estimator.edits import MAX_TEXT, Input, range_text
from estimator.library import LibraryEntry
from estimator.ranges import Range
from estimator.results import section_title
from estimator.scenario import Conventions, Scenario
from estimator.report import markdown_text
from estimator.scenario.source import MAX_BYTES
from ui.cached import library, start_worker
from ui.view import scenario_id

THEMES = ("onprem", "aws", "gcp", "azure")
DIRECTIONS = {"Left to right": "LR", "Top to bottom": "TB"}
# Seconds in a day and a month, as the scenario file may write them (see estimator.scenario.Conventions).
DAY_CHOICES = {"86,400 s (calendar day)": "86400 s", "100,000 s (10^5, rounded)": "100000 s"}
MONTH_CHOICES = {"calendar (30.44 days)": "calendar", "30 days": "30 days", "2.5 million s (rounded)": "2.5e6 s"}


@dataclass(frozen=True)
class Source:
    """The scenario text to start from and the name its messages use. Never a server path
    chosen by the user: bundled files come from the library, uploads stay in memory."""

    text: bytes
    file: str

    @property
    def id(self) -> str:
        """Names this scenario's widgets, so that another scenario starts from its own values."""
        return scenario_id(self.file, self.text)


ORIGIN_KEY = "source:origin"  # the sidebar's choice between a case study and an upload


def case_source(entry: LibraryEntry) -> Source:
    """A bundled case study as a source."""
    return Source(entry.path.read_bytes(), entry.path.name)


def first_source() -> Source | None:
    """The scenario a new session opens on (the first case study), known before the sidebar is drawn;
    None once the session has drawn the sidebar (its widgets then say)."""
    return None if ORIGIN_KEY in st.session_state else case_source(library()[0])


def source_ui() -> Source | None:
    """A bundled case study or an uploaded file; None while an upload is awaited."""
    st.sidebar.header("Scenario")
    origin = st.sidebar.radio("Start from", ("Case study", "Upload a YAML file"), horizontal=True,
                              label_visibility="collapsed", key=ORIGIN_KEY)
    if origin == "Case study":
        entries = library()
        index = st.sidebar.selectbox("Case study", range(len(entries)), format_func=lambda i: entries[i].name,
                                     help="The bundled scenario library (scenarios/*.yaml).")
        entry = entries[index]
        st.sidebar.caption(entry.summary)
        return case_source(entry)
    start_worker()  # a large file is estimated there: started while the file is chosen
    upload = st.sidebar.file_uploader("Scenario file", type=["yaml", "yml"],
                                      help=f"At most {MAX_BYTES:,} bytes; see `envelope schema` for the format.")
    if upload is None:
        return None
    # Only the base name is kept, for messages: it never becomes a path on this server.
    # Size is checked by the loader (the CLI's message), after the server's own upload cap; one byte
    # past the cap is all the loader needs to refuse, so no more is copied.
    upload.seek(0)
    return Source(upload.read(MAX_BYTES + 1), Path(upload.name).name or "upload.yaml")


def price_book_ui() -> tuple[bytes, str] | None:
    """An optional price book: unit prices and devices replacing the bundled ones (the CLI's --catalog)."""
    upload = st.sidebar.file_uploader(
        "Price book (optional)", type=["yaml", "yml"],
        help="Entries shaped like a scenario's catalog: (accelerators:, prices:), each with source and as_of. "
             "They replace the bundled ones; the scenario's own catalog: entries win.")
    if upload is None:
        return None
    return upload.getvalue(), Path(upload.name).name or "prices.yaml"


def conventions_ui(scenario: Scenario) -> dict[str, Any]:
    """Conventions that differ from the scenario's: ``{field: value}`` as the file would write it.

    Of the conventions only the peak factor may be written as a range or a choice (the others
    are ``ranged=False`` or a word; see ``estimator.scenario.Conventions``): such a value is
    shown as the file writes it, not edited here (``_number_ui``).
    """
    current = scenario.conventions
    with st.sidebar.expander("Conventions", expanded=False):
        day = _period_ui("Seconds in a day", DAY_CHOICES, current.day, "day")
        month = _period_ui("Seconds in a month", MONTH_CHOICES, current.month, "month")
        storage = st.radio("Storage units", ("decimal", "binary"), horizontal=True,
                           index=("decimal", "binary").index(current.storage_display),
                           help="decimal: 1 GB = 10^9 B; binary: 1 GiB = 2^30 B")
        peak = _number_ui("Peak factor (peak ÷ average QPS)", current.peak_factor, lowest=1.0, highest=100.0,
                          step=0.5)
    chosen = {"day": day, "month": month, "storage_display": storage, "peak_factor": peak}
    original = {"day": None, "month": None, "storage_display": current.storage_display, "peak_factor": None}
    return {key: value for key, value in chosen.items() if value != original[key]}


def _number_ui(label: str, current: Any, *, lowest: float, highest: float, step: float) -> float | None:
    """A number setting; None while it is the scenario's own.

    A value the file writes as a range (``{low, high, dist}``) or a choice (``{choose: [...]}``)
    is shown as written, with what the estimate takes from it, and left as it is: the estimate
    then uses it exactly as the CLI does. A number field could show only one of its values.
    """
    if isinstance(current, Range):  # a Choice is a Range too
        st.text_input(label, range_text(current), disabled=True, help="Edit the file to change it.")
        st.caption(markdown_text(file_range_text(current)))  # text from a file is shown, never rendered
        return None
    number = float(current)
    # The bounds widen to the file's own value: Streamlit refuses a value outside them (a traceback).
    value = st.number_input(label, min_value=min(lowest, number), max_value=max(highest, number), value=number,
                            step=step)
    return None if value == number else float(value)


def _period_ui(label: str, choices: dict[str, str], current: Any, name: str) -> str | None:
    """A period choice; None while it is the scenario's own (which is offered even when unusual)."""
    own = next((text for text in choices.values() if _same_period(name, text, current)), None)
    options = list(choices) if own else [f"as in the file ({current.to('s').magnitude:,.0f} s)", *choices]
    index = list(choices.values()).index(own) if own else 0
    picked = st.selectbox(label, options, index=index)
    text = choices.get(picked)
    return None if text is None or text == own else text


def _same_period(name: str, text: str, current: Any) -> bool:
    # The choice is read by the scenario's own validator of that period (day or month), so
    # "calendar" means what the file means and a day is checked as a day.
    period = getattr(Conventions.model_validate({name: text}), name)
    return bool(abs(period.to("s").magnitude - current.to("s").magnitude) < 1e-6)


def diagram_options_ui() -> tuple[str, str]:
    """(theme, direction) of the architecture diagram."""
    with st.sidebar.expander("Diagram", expanded=False):
        theme = st.selectbox("Icon theme", THEMES, help="Icons of on-premises tools or of a cloud provider.")
        direction = st.radio("Layout", list(DIRECTIONS), horizontal=True)
    return theme, DIRECTIONS[direction]


def assumptions_ui(inputs: Sequence[Input], key: str) -> tuple[dict[str, str], dict[str, Any]]:
    """One widget per assumption, grouped as in the file; returns ({path: text}, {path: error slot}).

    The error slots are filled by the caller once the edits have been validated, so that a
    refused value is shown right under its own field.
    """
    texts: dict[str, str] = {}
    slots: dict[str, Any] = {}
    st.sidebar.header("Assumptions")
    st.sidebar.caption("Type values with units, e.g. `2 KB`, `600 million user`, `90 day`.")
    for section, items in groupby(inputs, key=lambda i: i.section):
        title = section_title(section)  # the titles results are shown under; "data" reads "Data"
        listed = list(items)
        shown = listed[:MAX_FIELDS_PER_SECTION]
        with st.sidebar.expander(title, expanded=section == "traffic"):
            for group, members in groupby(shown, key=lambda i: i.group):
                if group:
                    st.markdown(f"**{markdown_text(group)}**")
                for item in members:
                    texts[item.path], slots[item.path] = _field(item, key)
            if len(listed) > len(shown):  # the others keep their values from the file
                st.caption(hidden_fields_text(len(listed) - len(shown)))
    return texts, slots


# A sidebar of thousands of widgets (1,000 datasets × their fields) took the page minutes to
# build and slowed other sessions; nobody edits that many fields in a browser.
MAX_FIELDS_PER_SECTION = 60


def hidden_fields_text(hidden: int) -> str:
    """The note under a section whose fields are not all shown.

    >>> hidden_fields_text(4940)
    '4,940 more inputs in this section are not shown (at most 60 per section); they keep the values in the file: edit the file to change them.'
    """
    return (f"{hidden:,} more inputs in this section are not shown (at most {MAX_FIELDS_PER_SECTION} per section); "
            "they keep the values in the file: edit the file to change them.")


def _field(item: Input, key: str) -> tuple[str, Any]:
    widget_key = f"{key}:{item.path}"
    if item.kind == "choice":
        choices = list(item.choices)
        value = st.selectbox(item.label, choices, index=choices.index(item.text) if item.text in choices else 0,
                             key=widget_key, help=item.help or None)
    elif item.kind == "range":  # a flow mapping is too long for one line of the sidebar
        value = st.text_area(item.label, item.text, max_chars=MAX_TEXT, key=widget_key, height=80,
                             help=(item.help + "; a range: {low, high, dist, mode}").strip("; "))
    else:
        value = st.text_input(item.label, item.text, max_chars=MAX_TEXT, key=widget_key, help=item.help or None)
    return value, st.empty()


def sidebar_names(inputs: Sequence[Input]) -> dict[str, str]:
    """How the sidebar names each input, keyed by its override path and its dotted path: a message
    about ``data.0.record_size`` then reads *Record size* under *Data › watch_events*."""
    names: dict[str, str] = {}
    for item in inputs:
        section = section_title(item.section)  # as assumptions_ui heads it
        name = f"“{item.label}” ({' › '.join(part for part in (section, item.group) if part)})"
        names[item.target] = names[item.path] = name
    return names
