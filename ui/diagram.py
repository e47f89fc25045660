"""The architecture diagram: graph from diagrams_lib.graph, picture from diagrams_lib.render.

Rendering runs Graphviz, so pictures are cached by content: the graph as canonical JSON plus
theme, direction and format. An edit that leaves the graph unchanged is not re-rendered.
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Callable

import streamlit as st

from estimator.compose import Estimate
from estimator.errors import EnvelopeError
from estimator.report import markdown_text
from estimator.scenario import Scenario


def graph_json(scenario: Scenario, estimate: Estimate) -> str:
    """The component graph as canonical JSON: the cache key of the pictures."""
    import networkx as nx  # type: ignore[import-untyped]

    from diagrams_lib.graph import build_graph

    data = nx.node_link_data(build_graph(scenario, estimate), edges="edges")
    return json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False)


@st.cache_data(max_entries=64, show_spinner="Drawing the diagram…")
def render_cached(graph: str, fmt: str, theme: str, direction: str) -> bytes:
    """Render the graph given as JSON; Streamlit keys the cache on these arguments' content."""
    import networkx as nx  # type: ignore[import-untyped]

    from diagrams_lib.render import render

    return render(nx.node_link_graph(json.loads(graph), edges="edges"), fmt=fmt, theme=theme, direction=direction)


# Streamlit scales any image wider than this down (decode, resize, re-encode) on EVERY rerun:
# 0.2-0.7 s for a diagram (benchmarks/bench_ui.py). Scaling once, cached by content, leaves
# it nothing to do. The downloads keep the full-size picture.
STREAMLIT_MAX_WIDTH = 2 * 730  # streamlit.elements.lib.image_utils.MAXIMUM_CONTENT_WIDTH


@st.cache_data(max_entries=64, show_spinner=False)
def display_png(png: bytes) -> bytes:
    """``png`` at most as wide as Streamlit shows images, scaled as Streamlit would (bilinear)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    if image.width <= STREAMLIT_MAX_WIDTH:
        return png
    height = round(image.height * STREAMLIT_MAX_WIDTH / image.width)
    scaled = io.BytesIO()
    image.resize((STREAMLIT_MAX_WIDTH, height), resample=Image.Resampling.BILINEAR).save(scaled, format="PNG")
    return scaled.getvalue()


Picture = bytes | Callable[[], bytes]


def pictures(graph_of: Callable[[], str], theme: str, direction: str) -> tuple[dict[str, Picture], str | None]:
    """({"png": bytes, "svg": a function drawing it}, None) or ({}, why there is no picture).

    The page shows the PNG, so only the PNG is drawn on each run; the SVG is drawn when its
    download button is pressed (Streamlit calls the function then), not on every run: Graphviz
    ran twice per change, which a large scenario pays in seconds.

    ``graph_of`` gives the graph as ``graph_json`` writes it (the app caches it by scenario and
    edits). A diagram that cannot be drawn must not take the numbers down with it, so any failure
    becomes a warning on the page (the AppTest tests fail on that warning).
    """
    try:
        graph = graph_of()
        return {"png": render_cached(graph, "png", theme, direction),
                "svg": functools.partial(_render, graph, "svg", theme, direction)}, None
    except Exception as error:  # noqa: BLE001 - shown to the person, never swallowed silently
        return {}, diagram_problem(error)


# What drawing raises for a reason a person can act on: a graph too large or a bad option
# (ValueError), Graphviz missing or failing (RuntimeError), a file or program not found (OSError),
# the scenario (EnvelopeError). The CLI says these as they are (estimator.cli._diagram_bytes).
_EXPECTED = (ValueError, RuntimeError, OSError, EnvelopeError)


def diagram_problem(error: Exception) -> str:
    """Why there is no diagram, worded as the CLI words it: the cause's own text, no exception class name.

    Anything else is a bug in Envelope, and the text says so, as the CLI's "internal error" does.

    >>> diagram_problem(ValueError("the architecture has 301 components"))
    'The diagram could not be drawn: the architecture has 301 components.'
    >>> diagram_problem(KeyError("edges"))
    "The diagram could not be drawn: 'edges'. This is a bug in Envelope, not in your input."
    """
    text = f"The diagram could not be drawn: {str(error).rstrip('.') or 'no reason given'}."
    return text if isinstance(error, _EXPECTED) else f"{text} This is a bug in Envelope, not in your input."


def _render(graph: str, fmt: str, theme: str, direction: str) -> bytes:
    """``render_cached`` without Streamlit's cache: download callbacks run outside the script."""
    import networkx as nx  # type: ignore[import-untyped]

    from diagrams_lib.render import render

    return render(nx.node_link_graph(json.loads(graph), edges="edges"), fmt=fmt, theme=theme, direction=direction)


# Fitted to a 1280 px screen's main column, a diagram's labels were about 6 px high. By default it
# is shown at the size it was drawn (up to STREAMLIT_MAX_WIDTH) in a box that scrolls both ways
# (pan), with Streamlit's fullscreen button always shown rather than on hover; "Fit to width"
# shows all of it at once.
_DIAGRAM_STYLE = """<style>
.st-key-diagram-full [data-testid="stImage"], .st-key-diagram-full [data-testid="stImage"] > div
  { max-width: none !important; width: max-content !important; }
.st-key-diagram-full [data-testid="stImage"] img { max-width: none !important; width: auto !important; }
.st-key-diagram-full { overflow: auto !important; }
.st-key-diagram-full [data-testid="stElementToolbar"], .st-key-diagram-fit [data-testid="stElementToolbar"]
  { opacity: 1; }
</style>"""
DIAGRAM_HEIGHT = 560  # px of the scrolling box: the cards and the tabs stay on a 900 px screen


def diagram_ui(drawn: dict[str, Picture], problem: str | None) -> None:
    """The PNG, full size in a scrolling box (or fitted to the column), with its fullscreen button shown."""
    png = drawn.get("png")
    if problem or not isinstance(png, bytes):
        st.warning(markdown_text(problem) if problem else "No diagram.")
        return
    st.html(_DIAGRAM_STYLE)
    fit = st.toggle("Fit to width", key="diagram:fit",
                    help="Off: the diagram at the size it was drawn; scroll to move around it. "
                         "The ⛶ button at its top right shows it fullscreen.")
    picture = display_png(png)
    if fit:
        with st.container(key="diagram-fit"):
            st.image(picture, width="stretch")
        return
    with st.container(key="diagram-full", height=DIAGRAM_HEIGHT, border=True):
        st.image(picture)
