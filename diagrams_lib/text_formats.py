"""The architecture as Mermaid or D2 source, for design docs that render diagrams from text.

GitHub, GitLab, Notion and Confluence draw Mermaid inline; D2 is Terrastruct's diagram language.
Both are written from the same networkx graph render.py draws (graph contract at the top of
render.py): the same components, the stages as subgraphs (Mermaid) or containers (D2), the same
flows with their numbers, the title and subtitle, flow colours and line styles from themes.yaml.
Icons are not carried over: each kind gets a shape instead (themes.yaml ``text_shapes``).

This module imports neither `diagrams` nor Graphviz. Every piece of scenario text goes through
`mermaid_text` or `d2_string`, so labels with quotes, brackets, ``#``, backticks, ``$``,
backslashes, HTML or line breaks show literally; lines are broken as in the PNG
(labels.label_lines). The same graph gives the same text, byte for byte.

Syntax references: https://mermaid.js.org/syntax/flowchart.html (entity codes, subgraphs,
linkStyle) and https://d2lang.com/tour/intro (containers, strings, styles).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from estimator.vocabulary import CLUSTERS
from diagrams_lib.labels import SUBTITLE_WIDTH, clean, label_lines
from diagrams_lib.render import DIRECTIONS, check_graph, cluster_fill, flow_styles, text_shape

if TYPE_CHECKING:
    import networkx as nx  # type: ignore[import-untyped]

__all__ = ["to_text", "to_mermaid", "to_d2", "mermaid_text", "d2_string", "node_ids"]

CARD_BORDER = "#AEB6BE"  # the cluster outline of the PNG

# --------------------------------------------------------------------------- shared


def node_ids(graph: nx.DiGraph, prefix: str = "n_") -> dict[str, str]:
    """Graph node id -> an id that is safe in Mermaid and D2, in graph order.

    A prefix keeps ids off each language's keywords (Mermaid's ``end``, D2's ``shape``, ``label``,
    ``style``); ``-`` becomes ``_`` (Mermaid reads ``--`` as an edge), with a number added when
    that makes two ids equal.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph(); g.add_nodes_from(["end", "a-b", "a_b", "shape"])
    >>> node_ids(g)
    {'end': 'n_end', 'a-b': 'n_a_b', 'a_b': 'n_a_b_2', 'shape': 'n_shape'}
    """
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for node in graph.nodes:
        base = prefix + str(node).replace("-", "_")
        candidate, count = base, 1
        while candidate in taken:
            count += 1
            candidate = f"{base}_{count}"
        ids[node] = candidate
        taken.add(candidate)
    return ids


def _members(graph: nx.DiGraph, cluster_id: str | None) -> list[str]:
    return [n for n, c in graph.nodes(data="cluster") if c == cluster_id]


def _node_lines(attrs: dict) -> tuple[list[str], list[str]]:
    """The name's lines and the annotations' lines of a node, wrapped as in the PNG."""
    name = label_lines(attrs.get("label") or "")
    notes = [line for note in attrs.get("annotations") or [] for line in label_lines(note)]
    return name, notes


def _title_lines(graph: nx.DiGraph) -> tuple[list[str], list[str]]:
    return (label_lines(graph.graph.get("title") or "", SUBTITLE_WIDTH),
            label_lines(graph.graph.get("subtitle") or "", SUBTITLE_WIDTH))


def to_text(graph: nx.DiGraph, fmt: str, direction: str = "LR") -> str:
    """`to_mermaid` for ``mmd``, `to_d2` for ``d2``.

    Raises
    ------
    ValueError
        For another format, a direction not in render.DIRECTIONS, or a graph that breaks the contract.
    """
    writers = {"mmd": to_mermaid, "d2": to_d2}
    if fmt not in writers:
        raise ValueError(f"unknown text format {fmt!r}; choose one of: {', '.join(sorted(writers))}")
    return writers[fmt](graph, direction)


def _check(graph: nx.DiGraph, direction: str) -> None:
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}; choose one of: {', '.join(sorted(DIRECTIONS))}")
    check_graph(graph)


# -------------------------------------------------------------------------- Mermaid

# Inside a quoted Mermaid label, entity codes (#name; or #decimal;) are the only escape: they are
# decoded after the label is parsed and sanitised, so the character is drawn, never interpreted.
# `"` would end the label, `<` `>` `&` start HTML, `#` an entity, a backtick a Markdown string,
# `%` a %%{directive}%%.
_MERMAID_ESCAPES = str.maketrans({"#": "#35;", '"': "#quot;", "&": "#amp;", "<": "#lt;", ">": "#gt;",
                                  "`": "#96;", "%": "#37;"})
# `$$...$$` is KaTeX maths, found after entity codes are decoded (so #36; does not help): an empty
# <span> between two dollars keeps them apart and draws nothing.
_DOUBLE_DOLLAR = re.compile(r"\$(?=\$)")

# Generic shape -> (opening, closing) around a quoted Mermaid label.
_MERMAID_SHAPES = {"rectangle": ('["', '"]'), "cylinder": ('[("', '")]'), "person": ('(["', '"])'),
                   "queue": ('[["', '"]]'), "cloud": ('(("', '"))'), "hexagon": ('{{"', '"}}')}
_MERMAID_ARROWS = {"solid": "-->", "bold": "==>", "dashed": "-.->", "dotted": "-.->"}
_MERMAID_DASHES = {"dotted": "2 4"}  # dashed keeps -.-> 's own dash


def mermaid_text(line: str) -> str:
    """One line of scenario text, escaped for a double-quoted Mermaid label.

    Examples
    --------
    >>> mermaid_text('Say "hi" <b>x</b> & #1 `code` 100% $5 $$x$$')
    'Say #quot;hi#quot; #lt;b#gt;x#lt;/b#gt; #amp; #35;1 #96;code#96; 100#37; $5 $<span></span>$x$<span></span>$'
    """
    return _DOUBLE_DOLLAR.sub("$<span></span>", clean(line).replace("\n", " ").translate(_MERMAID_ESCAPES))


def _mermaid_label(lines: list[str], bold: int = 0) -> str:
    """Lines joined by <br>; the first `bold` lines in <b>. Only our own markup is left unescaped."""
    shown = [f"<b>{mermaid_text(line)}</b>" if index < bold else mermaid_text(line)
             for index, line in enumerate(lines)]
    return "<br>".join(shown)


def to_mermaid(graph: nx.DiGraph, direction: str = "LR") -> str:
    """The diagram as a Mermaid flowchart.

    The title and subtitle head a frame around the whole diagram (Mermaid's front-matter title
    cannot show ``<`` or ``&``); each stage is a subgraph filled with its PNG colour; each edge
    is drawn in its flow's colour and line style, with its numbers as the edge label.

    Parameters
    ----------
    graph : networkx.DiGraph
        A graph that fits the contract of render.py.
    direction : str
        LR, TB, RL or BT, as for the PNG.

    Returns
    -------
    str
        Mermaid source, ending in a newline.

    Raises
    ------
    ValueError
        For an unknown direction or a graph that breaks the contract.
    """
    _check(graph, direction)
    ids = node_ids(graph)
    out = ["%% Architecture drawn by Envelope; paste into a ```mermaid block of a design doc.",
           f"flowchart {direction}"]
    title, subtitle = _title_lines(graph)
    frame = _mermaid_label(title + subtitle, bold=len(title)) or " "
    out.append(f'  subgraph frame["{frame}"]')
    out.append(f"    direction {direction}")
    for node in _members(graph, None):
        out.append("    " + _mermaid_node(graph, node, ids))
    for cluster_id, cluster_title in CLUSTERS.items():
        members = _members(graph, cluster_id)
        if members:
            out.append(f'    subgraph stage_{cluster_id}["{_mermaid_label([cluster_title], bold=1)}"]')
            out += ["      " + _mermaid_node(graph, node, ids) for node in members]
            out.append("    end")
    out.append("  end")
    by_flow: dict[str, list[str]] = {}
    for index, (source, target, attrs) in enumerate(graph.edges(data=True)):
        style = flow_styles()[attrs["flow"]]
        arrow = _MERMAID_ARROWS[style["style"]]
        label = _mermaid_label(label_lines(attrs.get("label") or ""))
        between = f'|"{label}"| ' if label else ""
        out.append(f"  {ids[source]} {arrow}{between}{ids[target]}" if between else f"  {ids[source]} {arrow} {ids[target]}")
        by_flow.setdefault(attrs["flow"], []).append(str(index))
    out.append("  style frame fill:#FFFFFF,stroke:#FFFFFF")
    for cluster_id in CLUSTERS:
        if _members(graph, cluster_id):
            out.append(f"  style stage_{cluster_id} fill:{cluster_fill(cluster_id)},stroke:{CARD_BORDER}")
    for flow, indexes in by_flow.items():
        style = flow_styles()[flow]
        css = f"stroke:{style['color']},color:{style['color']}"
        if style["style"] in _MERMAID_DASHES:
            css += f",stroke-dasharray:{_MERMAID_DASHES[style['style']]}"
        out.append(f"  linkStyle {','.join(indexes)} {css}")
    return "\n".join(out) + "\n"


def _mermaid_node(graph: nx.DiGraph, node: str, ids: dict[str, str]) -> str:
    attrs = graph.nodes[node]
    name, notes = _node_lines(attrs)
    opening, closing = _MERMAID_SHAPES[text_shape(attrs["kind"])]
    label = _mermaid_label(name + notes, bold=len(name)) or " "
    return f"{ids[node]}{opening}{label}{closing}"


# ------------------------------------------------------------------------------- D2

_D2_DIRECTIONS = {"LR": "right", "TB": "down", "RL": "left", "BT": "up"}
_D2_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "$": "\\$", "\n": "\\n"})
_D2_STROKES = {"solid": "", "bold": "; style.stroke-width: 3", "dashed": "; style.stroke-dash: 4",
               "dotted": "; style.stroke-dash: 2"}


def d2_string(lines: list[str]) -> str:
    r"""Lines of scenario text as one double-quoted D2 string.

    In a D2 double-quoted string ``\`` escapes, ``"`` ends it and ``$`` starts a ``${variable}``
    substitution; everything else (``#``, ``{``, ``|``, ``<``, backticks) is literal there.

    Examples
    --------
    >>> print(d2_string(['Cost "$5" \\N {x|y} #1', "second"]))
    "Cost \"\$5\" \\N {x|y} #1\nsecond"
    """
    return '"' + "\n".join(clean(line).replace("\n", " ") for line in lines).translate(_D2_ESCAPES) + '"'


def to_d2(graph: nx.DiGraph, direction: str = "LR") -> str:
    """The diagram as D2 source.

    The title and subtitle are a text shape above the diagram; each stage is a container filled
    with its PNG colour; each flow is a connection in its colour and line style, labelled with
    its numbers.

    Parameters
    ----------
    graph : networkx.DiGraph
        A graph that fits the contract of render.py.
    direction : str
        LR, TB, RL or BT, as for the PNG (D2's right, down, left, up).

    Returns
    -------
    str
        D2 source, ending in a newline.

    Raises
    ------
    ValueError
        For an unknown direction or a graph that breaks the contract.
    """
    _check(graph, direction)
    ids = node_ids(graph)
    path = {node: ids[node] for node in _members(graph, None)}
    out = ["# Architecture drawn by Envelope; render with `d2 FILE.d2 out.svg`.",
           f"direction: {_D2_DIRECTIONS[direction]}"]
    title, subtitle = _title_lines(graph)
    if title or subtitle:
        out.append(f"diagram_title: {d2_string(title + subtitle)} "
                   "{shape: text; near: top-center; style.font-size: 20; style.bold: true}")
    for node in _members(graph, None):
        out.append(_d2_node(graph, node, ids[node]))
    for cluster_id, cluster_title in CLUSTERS.items():
        members = _members(graph, cluster_id)
        if not members:
            continue
        container = f"stage_{cluster_id}"
        out.append(f"{container}: {d2_string([cluster_title])} {{")
        out.append(f'  style.fill: "{cluster_fill(cluster_id)}"')
        out.append(f'  style.stroke: "{CARD_BORDER}"')
        for node in members:
            out.append("  " + _d2_node(graph, node, ids[node]))
            path[node] = f"{container}.{ids[node]}"
        out.append("}")
    for source, target, attrs in graph.edges(data=True):
        style = flow_styles()[attrs["flow"]]
        lines = label_lines(attrs.get("label") or "")
        label = f": {d2_string(lines)}" if lines else ""
        out.append(f'{path[source]} -> {path[target]}{label} '
                   f'{{style.stroke: "{style["color"]}"{_D2_STROKES[style["style"]]}}}')
    return "\n".join(out) + "\n"


def _d2_node(graph: nx.DiGraph, node: str, node_id: str) -> str:
    attrs = graph.nodes[node]
    name, notes = _node_lines(attrs)
    return f"{node_id}: {d2_string(name + notes)} {{shape: {text_shape(attrs['kind'])}}}"
