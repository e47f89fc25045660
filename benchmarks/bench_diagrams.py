"""Diagrams: Envelope's SVG and PNG of each bundled scenario versus Graphviz's `dot` alone.

Both draw the same DOT source (diagrams_lib.render.to_dot of the same graph), so the ratio
is Envelope's own overhead: building the `diagrams` objects, temporary files, icon
embedding. The UI's cache (ui.diagram.render_cached) is timed on a hit against one render.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import tempfile
from pathlib import Path

from harness import Row, bundled_scenarios, interleaved, median, not_measured

GOAL = "≤ 1.2×"


def available() -> str | None:
    """What is missing, or None."""
    if importlib.util.find_spec("diagrams_lib.graph") is None:
        return "diagrams_lib.graph.build_graph"
    if shutil.which("dot") is None:
        return "Graphviz `dot`"
    return None


def run(quick: bool) -> list[Row]:
    missing = available()
    if missing:
        return [not_measured("Diagrams: SVG and PNG render vs `dot`", missing, GOAL)]
    from diagrams_lib.graph import build_graph
    from diagrams_lib.render import render, to_dot
    from estimator.estimate import estimate
    from estimator.scenario import load_scenario

    repeats = 2 if quick else 10
    paths = bundled_scenarios()[:1] if quick else bundled_scenarios()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="envelope-bench-") as workdir:
        for path in paths:
            scenario = load_scenario(path)
            graph = build_graph(scenario, estimate(scenario))
            source = Path(workdir) / f"{path.stem}.dot"
            source.write_text(to_dot(graph), encoding="utf-8")
            for fmt in ("svg", "png"):
                argv = ["dot", f"-T{fmt}", str(source), "-o", str(Path(workdir) / f"out.{fmt}")]
                ours, theirs = interleaved(lambda f=fmt: render(graph, f),
                                           lambda a=argv: subprocess.run(a, check=True, cwd=workdir),
                                           repeats=repeats)
                rows.append(Row(f"Diagram {fmt.upper()}: {path.stem}", median(ours), median(theirs),
                                f"`dot -T{fmt}` on the same DOT", GOAL, ("ratio", 1.2), runs=repeats))
        rows.append(_cache_hit(paths[0], repeats))
    return rows


def _cache_hit(path: Path, repeats: int) -> Row:
    """A cache hit of the UI's render against one render of the same graph."""
    what = "Diagram cache hit in the UI (PNG+SVG) vs one uncached render"
    if importlib.util.find_spec("ui.diagram") is None:
        return not_measured(what, "ui.diagram (the UI's diagram cache)", "≤ 0.01× (≈ free)")
    import logging

    # Outside `streamlit run` st.cache_data warns about the missing runtime on every call.
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from diagrams_lib.render import render
    from estimator.estimate import estimate
    from estimator.scenario import load_scenario
    from ui.diagram import graph_json, pictures

    scenario = load_scenario(path)
    result = estimate(scenario)
    pictures(scenario, result, "onprem", "LR")  # fill the cache
    import networkx as nx  # noqa: F401 - imported by graph_json too; keep it out of the timing
    from diagrams_lib.graph import build_graph

    graph = build_graph(scenario, result)
    graph_json(scenario, result)
    hits, renders = interleaved(lambda: pictures(scenario, result, "onprem", "LR"),
                                lambda: (render(graph, "png"), render(graph, "svg")), repeats=max(repeats, 3))
    return Row(what, median(hits), median(renders), "render PNG+SVG", "≤ 0.01× (≈ free)", ("ratio", 0.01),
               runs=len(hits), note="a hit still builds the graph and its JSON (the cache key)")
