"""Turn a component graph into an architecture diagram: PNG, SVG, PDF or DOT (Graphviz),
or Mermaid and D2 text for design docs (text_formats.py, which needs no Graphviz).

The graph contract (a networkx.DiGraph, built by diagrams_lib.graph):
  graph attrs  title (str), subtitle (str, optional)
  node id      ASCII identifier, used verbatim as the Graphviz node id
  node attrs   kind (COMPONENT_KINDS), label (str), annotations (list[str]),
               cluster (CLUSTERS id or None)
  edge attrs   flow (FLOW_KINDS), label (str, may be empty),
               weight (int >= 0, optional: Graphviz layout weight, else the flow's)

This is the only module that imports mingrammer's `diagrams`, and it does so inside
functions, so importing it costs nothing until something is drawn. `diagrams` has
habits we design around: it renders as a side effect of leaving its `with` block and
writes next to the given filename (we point it into a temporary directory), it uses
random node ids (we pass the graph's ids), it names clusters after their labels (we
name them after cluster ids), and its SVG links icons by absolute path (we embed them).
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import functools
import html
import importlib
import json
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from diagrams_lib.labels import SUBTITLE_WIDTH, clean, label_lines
from estimator.vocabulary import CLUSTERS, COMPONENT_KINDS, FLOW_KINDS, THEMES

if TYPE_CHECKING:  # networkx is only needed by whoever builds the graph
    import networkx as nx  # type: ignore[import-untyped]

GRAPHVIZ_FORMATS: tuple[str, ...] = ("png", "svg", "pdf", "dot")
TEXT_FORMATS: tuple[str, ...] = ("mmd", "d2")  # Mermaid and D2 source, for design docs
FORMATS: tuple[str, ...] = GRAPHVIZ_FORMATS + TEXT_FORMATS
RASTER_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")  # drawn here, with this machine's fonts
DIRECTIONS: tuple[str, ...] = ("LR", "TB", "RL", "BT")

_STYLE_FILE = Path(__file__).with_name("themes.yaml")
_NODE_ID = re.compile(r"[A-Za-z0-9_-]+")

# `diagrams` tracks the open diagram and cluster in context variables. They are
# per-thread, but one lock also keeps two renders in the same context (e.g. asyncio
# tasks) from adding nodes to each other's diagram.
_RENDER_LOCK = threading.Lock()

FONT = "Sans-Serif"
TEXT_COLOUR = "#2D3436"
ANNOTATION_COLOUR = "#4A5560"
CARD_BORDER = "#C5CCD3"
ICON_PX = 56  # icon edge; large enough to recognise, small next to the numbers

# Graphviz settings chosen by looking at rendered sample graphs. Curved splines keep
# edge labels (diagrams' default, orthogonal, drops them); real `label`s, unlike
# `xlabel`s, get a place of their own in the layout, so they never sit on a node.
_GRAPH_ATTRS = {
    "splines": "spline",
    "pad": "0.4",
    "nodesep": "0.35",
    "ranksep": "0.6",
    "fontname": FONT,
    "fontcolor": TEXT_COLOUR,
    "labelloc": "t",
    "labeljust": "c",
}
_NODE_ATTRS = {
    "shape": "plain",  # size comes from the HTML table: icon above, text below
    "fixedsize": "false",
    "fontname": FONT,
    "fontsize": "13",
    "fontcolor": TEXT_COLOUR,
}
# Edges also get these one by one: diagrams.Edge sets its own font on every edge.
_EDGE_ATTRS = {
    "fontname": FONT,
    "fontsize": "12",
    "labelfloat": "false",
    "penwidth": "1.4",
    "arrowsize": "0.8",
}
_CLUSTER_ATTRS = {
    "style": "rounded,filled",
    "pencolor": "#AEB6BE",
    "labeljust": "l",
    "labelloc": "t",
    "margin": "16",
    "fontname": FONT,
    "fontsize": "14",
    "fontcolor": TEXT_COLOUR,
}


def render(
    graph: nx.DiGraph, fmt: str = "png", theme: str = "onprem", direction: str = "LR"
) -> bytes:
    """Draw `graph` and return the file contents in `fmt` (png, svg, pdf, dot, mmd or d2).

    `dot` gives the Graphviz source (what to diff or hand-edit), not a laid-out graph;
    `mmd` and `d2` give Mermaid and D2 source (no icons: the theme does not apply).
    Raises ValueError for an unknown fmt, theme or direction or a graph that breaks
    the contract, RuntimeError when Graphviz is not installed or fails (see ``graphviz_output``).
    """
    fmt = _choose("format", fmt, FORMATS)
    if fmt in TEXT_FORMATS:
        from diagrams_lib.text_formats import to_text

        _choose("theme", theme, THEMES)
        return to_text(graph, fmt, _choose("direction", direction, DIRECTIONS)).encode("utf-8")
    if fmt == "dot":
        return to_dot(graph, theme, direction).encode("utf-8")
    drawing = _draw(graph, fmt, theme, direction)
    if fmt == "svg":
        svg = drawing.output.decode("utf-8")
        return _embed_icons(svg, drawing.icon_paths).encode("utf-8")
    return drawing.output


@dataclass(frozen=True)
class Diagram:
    """A scenario's architecture ready to draw; in Jupyter it shows inline as SVG.

    >>> from estimator import estimate, load_scenario
    >>> from estimator.library import SCENARIOS_DIR
    >>> s = load_scenario(SCENARIOS_DIR / "video_recommendation.yaml")
    >>> picture = Diagram.of(s, estimate(s))
    >>> picture.render("dot").startswith(b"digraph")
    True
    """

    graph: nx.DiGraph
    theme: str = "onprem"
    direction: str = "LR"

    @classmethod
    def of(cls, scenario: Any, estimate: Any, theme: str = "onprem", direction: str = "LR") -> Diagram:
        """The diagram of ``scenario`` with the numbers of ``estimate`` on it (diagrams_lib.graph)."""
        from diagrams_lib.graph import build_graph

        return cls(build_graph(scenario, estimate), theme, direction)

    def render(self, fmt: str = "png") -> bytes:
        """The file contents in ``fmt`` (png, svg, pdf or dot); see ``render``."""
        return render(self.graph, fmt, self.theme, self.direction)

    def _repr_svg_(self) -> str:
        return self.render("svg").decode("utf-8")


def to_dot(graph: nx.DiGraph, theme: str = "onprem", direction: str = "LR") -> str:
    """Return the Graphviz source of the diagram; the same graph gives the same text.

    Icons are referenced by absolute path, so the source renders on this machine.
    """
    return _draw(graph, "dot", theme, direction).source


class _Drawing(NamedTuple):
    """What one pass through `diagrams` produced."""

    source: str  # the DOT it generated
    output: bytes  # the file Graphviz rendered from it
    icon_paths: set[str]  # the icon files it references


def _draw(graph: nx.DiGraph, fmt: str, theme: str, direction: str) -> _Drawing:
    theme = _choose("theme", theme, THEMES)
    direction = _choose("direction", direction, DIRECTIONS)
    check_graph(graph)
    icons = _theme_icons(theme)
    with _RENDER_LOCK, _scratch() as workdir:
        # An absolute filename keeps diagrams' output out of the working directory.
        source = _build(graph, icons, direction, os.path.join(workdir, "diagram"))
    output = b"" if fmt == "dot" else graphviz_output(source, fmt)  # "dot" is the source itself
    used = {icons[kind] for _, kind in graph.nodes(data="kind")}
    return _Drawing(source, output, used)


def _build(graph: nx.DiGraph, icons: dict[str, str], direction: str, base: str) -> str:
    """Describe the graph to `diagrams` and return the DOT source it generates.

    `diagrams` would run Graphviz itself when the block exits, through a `subprocess.run` no one
    else can reach: a server stopping while a script thread waited on it left `dot` running with
    parent 1. Its render step is replaced by saving the source (which its exit then deletes), and
    `graphviz_output` runs Graphviz where every way out ends it.
    """
    import diagrams  # type: ignore[import-untyped]

    graph_attrs = {**_GRAPH_ATTRS, "label": _title_label(graph)}
    try:
        with diagrams.Diagram(
            filename=base,
            outformat="dot",
            direction=direction,
            show=False,  # never open a viewer
            graph_attr=graph_attrs,
            node_attr=_NODE_ATTRS,
            edge_attr=_EDGE_ATTRS,
        ) as diagram:
            diagram.render = diagram.dot.save  # its __exit__ renders, then removes the saved source
            nodes = _add_nodes(graph, icons)
            _add_edges(graph, nodes)
            return diagram.dot.source  # type: ignore[no-any-return]
    finally:
        # diagrams skips this reset when its __exit__ fails.
        diagrams.setdiagram(None)
        diagrams.setcluster(None)


# --- running Graphviz: nothing outlives the process ------------------------------------------
# Every `dot` child and temporary directory alive is listed here. Leaving by an exception (the
# CLI turns SIGTERM into SystemExit) ends each at once; leaving while another thread still draws
# (Streamlit's script threads are daemons: on SIGTERM the server returns from its main function
# and the interpreter exits under them) ends them in an atexit handler, after which none starts.

_LIVE_LOCK = threading.Lock()
_live_children: set[subprocess.Popen[bytes]] = set()
_live_dirs: set[str] = set()
_exiting = False
NOT_INSTALLED = ("Graphviz's `dot` program was not found; install Graphviz "
                 "(e.g. `apt-get install graphviz`) to draw diagrams")


def _refuse_when_exiting() -> None:
    if _exiting:
        raise RuntimeError("the diagram was not drawn: the program is exiting")


@contextlib.contextmanager
def _scratch() -> Iterator[str]:
    """A temporary directory, removed on leaving the block or at interpreter exit, whichever is first."""
    with _LIVE_LOCK:
        _refuse_when_exiting()
        path = tempfile.mkdtemp(prefix="envelope-diagram-")
        _live_dirs.add(path)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        with _LIVE_LOCK:
            _live_dirs.discard(path)


# A PNG costs Graphviz per pixel, mostly to compress it (libpng's row filters and zlib were 70% of
# `dot -Tpng` for a diagram at MAX_COMPONENTS; the layout itself took 0.06 s of its 1.1 s, whatever
# the splines, nslimit or mclimit), and memory per pixel: cairo holds the whole bitmap, 4 bytes
# (RGBA) a pixel, before libpng writes a row. Graphviz draws at 96 dpi and shrinks a bitmap to
# 32,767 px a side at most, but not its area: 300 components with long labels laid out top to
# bottom are 23,000 x 50,400 px at 96 dpi, 10,990 x 24,000 px (264 Mpx, 1 GB, 8.7 s) at the longer
# side's bound alone. So a PNG is bounded twice: its longer side at PNG_MAX_SIDE_PX (a column of
# ~300 components, 1,011 x 32,767 px at 96 dpi, is drawn smaller, its 11 pt annotations ~8 px tall)
# and its area at PNG_MAX_PIXELS (a 64 MB bitmap, ~0.5 s of `dot`; a wide-and-tall drawing is
# scaled down whole, its shape kept, until it fits). Both only ever shrink, and only a drawing over
# them, so every smaller diagram (the bundled ones are under 40 in a side) is the same file, byte
# for byte; the DOT source, SVG and PDF (drawn as vectors, quickly) carry neither.
PNG_MAX_SIDE_PX = 24_000
PNG_MAX_PIXELS = 16_000_000
_BITMAP_DPI = 96  # Graphviz's resolution for PNG (our sources set no `dpi`)
_SIDE_BOUND = f"-Gsize={PNG_MAX_SIDE_PX / _BITMAP_DPI:g},{PNG_MAX_SIDE_PX / _BITMAP_DPI:g}"
# The square a PNG is first drawn within: its area is PNG_MAX_PIXELS (4,000 px a side at 96 dpi),
# so that first drawing is bounded too, and it holds every bundled diagram (under 40 in a side).
_SQUARE_IN = math.sqrt(PNG_MAX_PIXELS) / _BITMAP_DPI
_SQUARE_BOUND = f"-Gsize={_SQUARE_IN:.6f},{_SQUARE_IN:.6f}"
_GRAPHVIZ_PAD_IN = 4 / 72  # Graphviz's default `pad`, 4 points


def graphviz_output(source: str, fmt: str) -> bytes:
    """Lay out and draw DOT ``source`` with Graphviz's ``dot -Kdot -T<fmt>`` (as `diagrams` runs it);
    a PNG's longer side is at most `PNG_MAX_SIDE_PX` and its area at most `PNG_MAX_PIXELS`.

    A PNG is first drawn within a square of `PNG_MAX_PIXELS` by the same `dot` run that writes its
    layout (``-Tjson0``); a drawing smaller than that square, every usual diagram, is then done,
    with no second run. A larger one is drawn again from the size read, scaled down whole within
    both bounds with its shape kept (see ``png_scale``). At the bounds a huge diagram's text is too small to read in the PNG (a 300-
    component drawing 240 x 525 in at 96 dpi comes out 2,705 x 5,908 px, its 11 pt annotations under
    2 px tall); its SVG and PDF are not bounded and keep every word legible when zoomed.
    The child runs in a process group of its own and is killed (with anything it started) on every
    way out: an exception here, or the interpreter's exit while this thread waits.

    Parameters
    ----------
    source : str
        A Graphviz graph, as ``to_dot`` gives it.
    fmt : str
        A Graphviz output format: png, svg or pdf.

    Returns
    -------
    bytes
        The drawing.

    Raises
    ------
    RuntimeError
        When `dot` is not installed, fails, or the program is exiting.
    """
    if fmt != "png":
        return _run_dot(source, (f"-T{fmt}",))
    with _scratch() as workdir:
        first = os.path.join(workdir, "square.png")
        layout = json.loads(_run_dot(source, (_SQUARE_BOUND, "-Tpng", "-o", first, "-Tjson0")))
        width_in, height_in = drawing_inches(layout)
        # Under the square's side (with a margin for Graphviz's rounding) the square did not bind:
        # this PNG is the one an unbounded run draws, byte for byte.
        if max(width_in, height_in) < 0.99 * _SQUARE_IN:
            with open(first, "rb") as picture:
                return picture.read()
    return _run_dot(source, ("-Tpng", _png_bound(width_in, height_in)))


def _png_bound(width_in: float, height_in: float) -> str:
    """The ``-Gsize`` that keeps the PNG of a drawing ``width_in`` x ``height_in`` within both bounds
    (Graphviz keeps the shape: it scales by the smaller of the two ratios). A drawing within the area
    bound gets the side bound alone, so its file is the one it always was."""
    if width_in * height_in * _BITMAP_DPI**2 <= PNG_MAX_PIXELS:
        return _SIDE_BOUND
    scale = png_scale(width_in, height_in)
    # One pixel less a side than the exact scale: Graphviz rounds the bitmap's size to whole pixels.
    width_px = max(1, math.floor(width_in * _BITMAP_DPI * scale) - 1)
    height_px = max(1, math.floor(height_in * _BITMAP_DPI * scale) - 1)
    return f"-Gsize={width_px / _BITMAP_DPI:.6f},{height_px / _BITMAP_DPI:.6f}"


def drawing_inches(layout: dict[str, Any]) -> tuple[float, float]:
    """The size in inches of a drawing Graphviz laid out, its margin (``pad``) included.

    Parameters
    ----------
    layout : dict
        ``dot -Tjson0`` output, parsed: the graph's ``bb`` ("llx,lly,urx,ury", points) and
        ``pad`` ("x" or "x,y", inches; Graphviz's default 4 pt when absent).

    Returns
    -------
    tuple of float
        Width and height, inches (72 points an inch: Graphviz's units).

    >>> drawing_inches({"bb": "0,0,720,144", "pad": "0.5"})
    (11.0, 3.0)
    >>> drawing_inches({"bb": "0,0,72,72", "pad": "0,1"})
    (1.0, 3.0)
    """
    left, bottom, right, top = (float(value) for value in layout["bb"].split(","))
    pads = [float(value) for value in str(layout.get("pad", _GRAPHVIZ_PAD_IN)).split(",")]
    pad_x, pad_y = pads[0], pads[-1]
    return (right - left) / 72 + 2 * pad_x, (top - bottom) / 72 + 2 * pad_y


def png_scale(width_in: float, height_in: float) -> float:
    """The factor (at most 1) by which a drawing is shrunk to be drawn as PNG within both bounds.

    Parameters
    ----------
    width_in, height_in : float
        The drawing's size, inches, margin included (``drawing_inches``).

    Returns
    -------
    float
        min(1, PNG_MAX_SIDE_PX / longer side, sqrt(PNG_MAX_PIXELS / area)), sides in pixels at
        Graphviz's 96 dpi: the largest scale that keeps the bitmap's longer side and its area
        within their bounds (area grows with the square of the scale).

    >>> png_scale(10, 5)  # 960 x 480 px: within both bounds
    1.0
    >>> png_scale(500, 10)  # 48,000 px long: the side bound halves it
    0.5
    >>> round(png_scale(200, 200), 4)  # 19,200 px square, 369 Mpx: the area bound
    0.2083
    """
    width_px, height_px = width_in * _BITMAP_DPI, height_in * _BITMAP_DPI
    area = width_px * height_px
    side = PNG_MAX_SIDE_PX / max(width_px, height_px, PNG_MAX_SIDE_PX)
    return min(side, math.sqrt(PNG_MAX_PIXELS / max(area, PNG_MAX_PIXELS)))


def _run_dot(source: str, args: tuple[str, ...]) -> bytes:
    """Run ``dot -Kdot *args`` on ``source`` and return its output; see ``graphviz_output``."""
    command = ["dot", "-Kdot", *args]
    child: subprocess.Popen[bytes] | None = None
    try:
        # A signal's exception waits until the child is listed (and so reached by every way out).
        with _LIVE_LOCK, _signals_held():
            _refuse_when_exiting()
            try:
                child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, start_new_session=True)
            except FileNotFoundError as error:
                raise RuntimeError(NOT_INSTALLED) from error
            _live_children.add(child)
        output, errors = child.communicate(source.encode("utf-8"))
    except BaseException:
        if child is not None:
            _kill(child)
        raise
    finally:
        if child is not None:
            with _LIVE_LOCK:
                _live_children.discard(child)
    if child.returncode != 0:
        said = errors.decode("utf-8", errors="replace").strip()[-500:]
        raise RuntimeError(f"Graphviz's dot failed (exit status {child.returncode}): {said}")
    return output


_HELD_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Run the block with the Python handlers of SIGINT, SIGTERM and SIGHUP held back; a signal that
    arrives meanwhile is handled (its exception raised) when the block ends.

    A handler raises (the CLI turns SIGTERM into SystemExit) in the main thread wherever it is: inside
    ``subprocess.Popen``, after the child started but before it is listed, it left `dot` running
    with parent 1 (about one SIGTERM in 40 on a busy machine). Other threads never run Python
    handlers, so only the main thread holds them.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    handlers = {signum: signal.getsignal(signum) for signum in _HELD_SIGNALS}
    held = {signum: handler for signum, handler in handlers.items() if callable(handler)}
    for signum in held:
        signal.signal(signum, lambda signum, _frame: arrived.append(signum))
    try:
        yield
    finally:
        for signum, handler in held.items():
            signal.signal(signum, handler)
        if arrived:
            held[arrived[0]](arrived[0], None)


def _kill(child: subprocess.Popen[bytes]) -> None:
    """End ``child`` and its process group, and reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)  # its own group (start_new_session): the pid is the group id
    child.wait()


@atexit.register
def end_leftovers() -> None:
    """Kill every `dot` still running and remove every temporary directory; none starts afterwards."""
    global _exiting
    with _LIVE_LOCK:
        _exiting = True
        children, folders = list(_live_children), list(_live_dirs)
    for child in children:
        _kill(child)
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def _add_nodes(graph: nx.DiGraph, icons: dict[str, str]) -> dict[str, Any]:
    """Create one diagrams.Node per graph node, inside its stage's cluster."""
    from diagrams import Cluster

    nodes = {}
    for node_id in _members(graph, None):
        nodes[node_id] = _add_node(graph, node_id, icons)
    for cluster_id, title in CLUSTERS.items():
        members = _members(graph, cluster_id)
        if not members:
            continue
        # Cluster names derive from the first argument: use the unique id, not the title.
        with Cluster(cluster_id, graph_attr=_cluster_attrs(cluster_id, title)):
            for node_id in members:
                nodes[node_id] = _add_node(graph, node_id, icons)
    return nodes


def _members(graph: nx.DiGraph, cluster_id: str | None) -> list[str]:
    return [n for n, c in graph.nodes(data="cluster") if c == cluster_id]


def _add_node(graph: nx.DiGraph, node_id: str, icons: dict[str, str]) -> Any:
    from diagrams import Node

    attrs = graph.nodes[node_id]
    label = _node_label(
        attrs.get("label", node_id), attrs.get("annotations") or [], icons[attrs["kind"]]
    )
    # The plain Node has no icon of its own: the icon is an <IMG> in the HTML label,
    # so the node grows to fit its text instead of text spilling over neighbours.
    return Node(label, nodeid=node_id)


def _add_edges(graph: nx.DiGraph, nodes: dict[str, Any]) -> None:
    from diagrams import Edge

    flows = flow_styles()
    for source, target, attrs in graph.edges(data=True):
        style = flows[attrs["flow"]]
        edge_attrs = {**_EDGE_ATTRS, "color": style["color"], "style": style["style"]}
        edge_attrs["fontcolor"] = style["color"]
        weight = attrs.get("weight", style.get("weight"))
        if weight is not None:
            edge_attrs["weight"] = str(weight)
        label = _edge_label(attrs.get("label") or "")
        if label:
            edge_attrs["label"] = label
        nodes[source] >> Edge(**edge_attrs) >> nodes[target]


def _cluster_attrs(cluster_id: str, title: str) -> dict[str, str]:
    return {**_CLUSTER_ATTRS, "label": f"<<B>{_html_text(title)}</B>>", "bgcolor": cluster_fill(cluster_id)}


# --- labels: every piece of user text goes through _html_text -------------------------

def _html_text(text: str) -> str:
    r"""Escape `text` for a Graphviz HTML-like label so it shows literally.

    HTML labels are XML, so &, <, > and quotes become entities. Graphviz still expands
    \N, \G, \E... (node, graph, edge name) inside them and turns \\ into one backslash,
    after decoding entities, so every backslash is doubled. Newlines become <BR/>;
    other control characters are not valid XML and are dropped (labels.clean).
    """
    text = clean(text).replace("\\", "\\\\")
    return "<BR/>".join(html.escape(line, quote=True) for line in text.split("\n"))


def _wrapped(text: str, width: int | None = None) -> str:
    """The label broken into the lines every format draws it on (labels.label_lines)."""
    return "\n".join(label_lines(text) if width is None else label_lines(text, width))


def _text_row(text: str, size: int | None = None, colour: str | None = None, bold: bool = False,
              width: int | None = None) -> str:
    """One table row of escaped, wrapped text, or '' when there is nothing to show
    (Graphviz rejects an empty <B></B> or <FONT></FONT>)."""
    body = _html_text(_wrapped(text, width))
    if not body:
        return ""
    if bold:
        body = f"<B>{body}</B>"
    font = (f' POINT-SIZE="{size}"' if size else "") + (f' COLOR="{colour}"' if colour else "")
    if font:
        body = f"<FONT{font}>{body}</FONT>"
    return f"<TR><TD>{body}</TD></TR>"


def _table(rows: list[str], cellpadding: int) -> str:
    """An HTML label holding `rows`; '' when all are empty (a table needs a row)."""
    body = "".join(rows)
    if not body:
        return ""
    attrs = f'BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{cellpadding}"'
    return f"<<TABLE {attrs}>{body}</TABLE>>"


def _node_label(name: str, annotations: list[str], icon_path: str) -> str:
    """A white card: icon, bold name, then one grey line per annotation.

    The card keeps text readable on the coloured cluster backgrounds (and icons drawn
    for white, like MLflow's, visible), and gives edges a clear border to stop at.
    """
    icon = (
        f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{ICON_PX}" HEIGHT="{ICON_PX}">'
        f'<IMG SRC="{html.escape(icon_path, quote=True)}" SCALE="TRUE"/></TD></TR>'
    )
    rows = [icon, _text_row(name, bold=True)]
    rows += [_text_row(line, size=11, colour=ANNOTATION_COLOUR) for line in annotations]
    content = _table(rows, cellpadding=1)[1:-1]  # the bare <TABLE>, nested in the card
    card = f'BORDER="1" COLOR="{CARD_BORDER}" BGCOLOR="white" STYLE="rounded" CELLBORDER="0" CELLPADDING="5"'
    return f"<<TABLE {card}><TR><TD>{content}</TD></TR></TABLE>>"


def _edge_label(text: str) -> str | None:
    body = _html_text(_wrapped(text))
    return f"<{body}>" if body else None


def _title_label(graph: nx.DiGraph) -> str:
    rows = [
        _text_row(graph.graph.get("title") or "", size=20, bold=True, width=SUBTITLE_WIDTH),
        _text_row(graph.graph.get("subtitle") or "", size=12, width=SUBTITLE_WIDTH),
        _legend(graph),
    ]
    return _table(rows, cellpadding=3)


_LINE_SAMPLE = {"solid": "━━━", "bold": "━━━", "dashed": "╺╸╺╸", "dotted": "┅┅┅"}


def _legend(graph: nx.DiGraph) -> str:
    """One line naming the flows drawn, each in its edge colour and line style.

    A single text cell, not a row of cells: Graphviz stretches nested table cells to
    the title's width, which scatters a short legend across the page.
    """
    flows_used = {flow for _, _, flow in graph.edges(data="flow")}
    entries = []
    for flow in FLOW_KINDS:
        if flow in flows_used:
            style = flow_styles()[flow]
            sample = _LINE_SAMPLE[style["style"]]
            name = _html_text(flow.replace("_", " "))
            entries.append(f'<FONT COLOR="{style["color"]}">{sample} {name}</FONT>')
    if not entries:
        return ""
    gap = "&#160;" * 4  # non-breaking, so Graphviz keeps the spacing
    return f'<TR><TD><FONT POINT-SIZE="11">{gap.join(entries)}</FONT></TD></TR>'


# --- SVG: make the file self-contained ------------------------------------------------

_SVG_HREF = re.compile(r'xlink:href="([^"]*)"')


def _embed_icons(svg: str, icon_paths: set[str]) -> str:
    """Replace links to icon files with base64 data URIs, so the SVG works anywhere."""
    encoded: dict[str, str] = {}

    def data_uri(match: re.Match[str]) -> str:
        path = html.unescape(match.group(1))
        if path not in icon_paths:
            return match.group(0)  # only our icons are read from disk
        if path not in encoded:
            payload = base64.b64encode(Path(path).read_bytes()).decode("ascii")
            encoded[path] = f"data:image/png;base64,{payload}"
        return f'xlink:href="{encoded[path]}"'

    return _SVG_HREF.sub(data_uri, svg)


# --- themes, styles and validation -----------------------------------------------------

@functools.cache
def _load_styles() -> dict[str, Any]:
    with open(_STYLE_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def flow_styles() -> dict[str, dict[str, Any]]:
    """Flow kind -> {color, style (solid, dashed, dotted or bold), weight?} from themes.yaml."""
    return _load_styles()["flows"]  # type: ignore[no-any-return]


def text_shape(kind: str) -> str:
    """The shape of a component kind in Mermaid and D2 (themes.yaml text_shapes; else rectangle)."""
    return str(_load_styles().get("text_shapes", {}).get(kind, "rectangle"))


def cluster_fill(cluster_id: str) -> str:
    """The background colour (#RRGGBB) of a stage's cluster, from themes.yaml."""
    return str(_load_styles()["clusters"][cluster_id])


@functools.cache
def _theme_icons(theme: str) -> dict[str, str]:
    """Kind -> absolute path of its icon file for `theme`."""
    return {kind: icon_path(dotted) for kind, dotted in _load_styles()["themes"][theme].items()}


@functools.cache
def icon_path(dotted_class: str) -> str:
    """Absolute path of the icon of a `diagrams` node class, e.g. 'diagrams.aws.ml.Sagemaker'."""
    module_name, _, class_name = dotted_class.rpartition(".")
    if not module_name.startswith("diagrams."):
        raise ValueError(f"icon class {dotted_class!r} is not inside the diagrams package")
    node_class = getattr(importlib.import_module(module_name), class_name)
    # Node._load_icon only reads class attributes; calling it on the class reuses
    # diagrams' own path logic without creating a node (which needs an open Diagram).
    path = node_class._load_icon(node_class)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"icon for {dotted_class} not found at {path}")
    return path


def _choose(what: str, given: str, choices: tuple[str, ...]) -> str:
    """Normalise `given` to one of `choices` (case-insensitively) or raise ValueError."""
    for choice in choices:
        if isinstance(given, str) and given.lower() == choice.lower():
            return choice
    raise ValueError(f"unknown {what} {given!r}; choose one of: {', '.join(sorted(choices))}")


# A PNG of a few hundred components takes Graphviz about a second, most of it the bitmap (see
# PNG_MAX_SIDE_PX and PNG_MAX_PIXELS); its layout grows faster than the components (one column of
# 300: 0.06 s, of 1,000: 0.3 s), and no page shows more than a couple of hundred boxes legibly either.
MAX_COMPONENTS = 300


def too_large(graph: nx.DiGraph) -> str | None:
    """Why ``graph`` is too large to draw, or None (see ``MAX_COMPONENTS``)."""
    if graph.number_of_nodes() <= MAX_COMPONENTS:
        return None
    return (f"the architecture has {graph.number_of_nodes():,} components (the archetype's own, one per dataset "
            f"and model, and those the scenario adds); a diagram draws at most {MAX_COMPONENTS:,}, beyond which it is neither legible "
            "nor quick to lay out; the estimate covers every one")


def check_graph(graph: nx.DiGraph) -> None:
    """Raise one ValueError listing every way `graph` breaks the contract, or one for a graph too
    large to draw (`MAX_COMPONENTS`)."""
    reason = too_large(graph)
    if reason:
        raise ValueError(reason)
    problems = []
    for node_id, attrs in graph.nodes(data=True):
        if not isinstance(node_id, str) or not _NODE_ID.fullmatch(node_id):
            problems.append(f"node id {node_id!r} is not an ASCII identifier ([A-Za-z0-9_-]+)")
        if attrs.get("kind") not in COMPONENT_KINDS:
            problems.append(
                f"node {node_id!r}: unknown kind {attrs.get('kind')!r}; "
                f"choose one of: {', '.join(sorted(COMPONENT_KINDS))}"
            )
        annotations = attrs.get("annotations") or []
        if not isinstance(annotations, list | tuple) or not all(isinstance(a, str) for a in annotations):
            problems.append(f"node {node_id!r}: annotations must be a list of strings, got {annotations!r}")
        if attrs.get("cluster") is not None and attrs["cluster"] not in CLUSTERS:
            problems.append(
                f"node {node_id!r}: unknown cluster {attrs['cluster']!r}; "
                f"choose one of: {', '.join(CLUSTERS)} or None"
            )
    for source, target, weight in graph.edges(data="weight"):
        if weight is not None and (type(weight) is not int or weight < 0):
            problems.append(f"edge {source!r} -> {target!r}: weight must be a whole number >= 0, got {weight!r}")
    for source, target, flow in graph.edges(data="flow"):
        if flow not in FLOW_KINDS:
            problems.append(
                f"edge {source!r} -> {target!r}: unknown flow {flow!r}; "
                f"choose one of: {', '.join(sorted(FLOW_KINDS))}"
            )
    if problems:
        raise ValueError("graph does not fit the diagram contract:\n  " + "\n  ".join(problems))
