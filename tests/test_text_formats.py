"""`envelope diagram FILE -o x.mmd / x.d2`: Mermaid and D2 for design docs, checked by the real tools.

Mermaid: npm's @mermaid-js/mermaid-cli (mmdc) renders every export in Debian's headless chromium;
a parse error fails it, and the labels are read back from the SVG it draws. D2: D2's own compiler
(the WebAssembly build in npm's @terrastruct/d2) compiles every export; the shapes, containers
and connections it parsed are compared with the graph. Both come from package.json and
package-lock.json, installed by `make test` (no browser download: chromium is Debian's).

Golden files: tests/golden/mmd/<scenario>.mmd and tests/golden/d2/<scenario>.d2. After an intended
change, regenerate with ENVELOPE_UPDATE_SNAPSHOTS=1 and review the diff.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from conftest import ROOT, SCENARIOS, run_cli
from diagrams_lib.graph import build_graph
from diagrams_lib.labels import label_lines
from diagrams_lib.text_formats import node_ids, to_d2, to_mermaid
from estimator.compose import estimate
from estimator.scenario import load_scenario

GOLDEN = ROOT / "tests" / "golden"
HOSTILE = sorted((ROOT / "tests" / "hostile").glob("*.yaml"))
EXPORTED = [*SCENARIOS, *HOSTILE]
IDS = [p.stem for p in EXPORTED]
MMDC = ROOT / "node_modules" / ".bin" / "mmdc"
D2_COMPILE = ROOT / "tests" / "js" / "d2_compile.mjs"
PUPPETEER = ROOT / "tests" / "js" / "puppeteer.json"
CHROMIUM = Path("/usr/bin/chromium")
HOW = "run `make test` (it installs node_modules from package-lock.json and Debian's chromium)"
XHTML = "{http://www.w3.org/1999/xhtml}"


def graph_of(path: Path) -> nx.DiGraph:
    scenario = load_scenario(path)
    return build_graph(scenario, estimate(scenario))


def node_text(graph: nx.DiGraph, node: str) -> list[str]:
    """The lines a node is drawn with in every format: its name, then its annotations, wrapped."""
    attrs = graph.nodes[node]
    return label_lines(attrs["label"]) + [line for note in attrs["annotations"] for line in label_lines(note)]


# --- small graphs, exact text -------------------------------------------------------------

def tiny() -> nx.DiGraph:
    graph = nx.DiGraph(title="Tiny", subtitle="peak 10 request/s")
    graph.add_node("users", kind="client", label="Users", annotations=["1.00 k user"], cluster=None)
    graph.add_node("end", kind="cache", label="Cache", annotations=[], cluster="serving")
    graph.add_edge("users", "end", flow="requests", label="10 request/s")
    graph.add_edge("end", "users", flow="metrics", label="")
    return graph


def test_mermaid_of_a_tiny_graph_is_exactly_this():
    assert to_mermaid(tiny()) == (
        "%% Architecture drawn by Envelope; paste into a ```mermaid block of a design doc.\n"
        "flowchart LR\n"
        '  subgraph frame["<b>Tiny</b><br>peak 10 request/s"]\n'
        "    direction LR\n"
        '    n_users(["<b>Users</b><br>1.00 k user"])\n'
        '    subgraph stage_serving["<b>Serving</b>"]\n'
        '      n_end[("<b>Cache</b>")]\n'
        "    end\n"
        "  end\n"
        '  n_users -->|"10 request/s"| n_end\n'
        "  n_end -.-> n_users\n"
        "  style frame fill:#FFFFFF,stroke:#FFFFFF\n"
        "  style stage_serving fill:#E5F5FD,stroke:#AEB6BE\n"
        "  linkStyle 0 stroke:#0072B2,color:#0072B2\n"
        "  linkStyle 1 stroke:#7B8894,color:#7B8894,stroke-dasharray:2 4\n")


def test_d2_of_a_tiny_graph_is_exactly_this():
    assert to_d2(tiny(), "TB") == (
        "# Architecture drawn by Envelope; render with `d2 FILE.d2 out.svg`.\n"
        "direction: down\n"
        'diagram_title: "Tiny\\npeak 10 request/s" {shape: text; near: top-center; style.font-size: 20; '
        "style.bold: true}\n"
        'n_users: "Users\\n1.00 k user" {shape: person}\n'
        'stage_serving: "Serving" {\n'
        '  style.fill: "#E5F5FD"\n'
        '  style.stroke: "#AEB6BE"\n'
        '  n_end: "Cache" {shape: cylinder}\n'
        "}\n"
        'n_users -> stage_serving.n_end: "10 request/s" {style.stroke: "#0072B2"}\n'
        'stage_serving.n_end -> n_users {style.stroke: "#7B8894"; style.stroke-dash: 2}\n')


def test_bad_direction_and_broken_graphs_are_refused():
    with pytest.raises(ValueError, match="unknown direction 'up'"):
        to_mermaid(tiny(), "up")
    broken = tiny()
    broken.nodes["users"]["kind"] = "toaster"
    with pytest.raises(ValueError, match="unknown kind 'toaster'"):
        to_d2(broken)


# --- the CLI and golden files ----------------------------------------------------------------

@pytest.mark.parametrize("suffix", ["mmd", "d2"])
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_export_matches_the_golden_file(path, suffix, tmp_path):
    result = run_cli("diagram", str(path), "-o", f"d.{suffix}", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert {p.name for p in tmp_path.iterdir()} == {f"d.{suffix}"}
    text = (tmp_path / f"d.{suffix}").read_text(encoding="utf-8")
    golden = GOLDEN / suffix / f"{path.stem}.{suffix}"
    if os.environ.get("ENVELOPE_UPDATE_SNAPSHOTS"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no {golden.relative_to(ROOT)}: run with ENVELOPE_UPDATE_SNAPSHOTS=1 and review it"
    assert text == golden.read_text(encoding="utf-8")


def test_every_golden_export_has_its_scenario():
    stems = {p.stem for p in SCENARIOS}
    orphans = sorted(p.name for p in [*GOLDEN.glob("mmd/*"), *GOLDEN.glob("d2/*")] if p.stem not in stems)
    assert not orphans, f"golden exports without a scenario: {orphans}"


def test_format_flag_and_theme_are_accepted_and_icons_are_not_exported(tmp_path):
    video = ROOT / "scenarios" / "video_recommendation.yaml"
    result = run_cli("diagram", str(video), "-o", "out.txt", "--format", "MMD", "--theme", "aws", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert text.startswith("%% Architecture drawn by Envelope") and "resources/" not in text


# --- the real parsers ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """Every bundled and hostile scenario exported by the CLI as .mmd and .d2."""
    directory = tmp_path_factory.mktemp("exports")
    for path in EXPORTED:
        for suffix in ("mmd", "d2"):
            result = run_cli("diagram", str(path), "-o", str(directory / f"{path.stem}.{suffix}"))
            assert result.returncode == 0, result.stderr
    return directory


@pytest.fixture(scope="module")
def d2_parsed(exports):
    assert shutil.which("node"), f"node is missing: {HOW}"
    assert (ROOT / "node_modules" / "@terrastruct" / "d2").is_dir(), f"@terrastruct/d2 is missing: {HOW}"
    files = [str(exports / f"{path.stem}.d2") for path in EXPORTED]
    result = subprocess.run(["node", str(D2_COMPILE), *files], cwd=ROOT, capture_output=True, text=True,
                            timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    return {Path(file).stem: parsed for file, parsed in json.loads(result.stdout).items()}


@pytest.fixture(scope="module")
def mermaid_svgs(exports, tmp_path_factory):
    """mmdc renders all exports in one chromium (a Markdown file with one ```mermaid block each)."""
    assert MMDC.exists(), f"mermaid-cli is missing: {HOW}"
    assert CHROMIUM.exists(), f"Debian's chromium is missing: {HOW}"
    out = tmp_path_factory.mktemp("mermaid")
    blocks = [f"```mermaid\n{(exports / f'{path.stem}.mmd').read_text(encoding='utf-8')}```\n" for path in EXPORTED]
    (out / "all.md").write_text("\n".join(blocks), encoding="utf-8")
    result = subprocess.run([str(MMDC), "-q", "-p", str(PUPPETEER), "-i", str(out / "all.md"),
                             "-o", str(out / "rendered.md")], cwd=out, capture_output=True, text=True, timeout=600,
                            check=False, env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"})
    assert result.returncode == 0, result.stderr  # a parse error names the line it stopped at
    svgs = {path.stem: out / f"rendered-{index}.svg" for index, path in enumerate(EXPORTED, start=1)}
    assert all(svg.exists() for svg in svgs.values()), sorted(p.name for p in out.iterdir())
    return svgs


@pytest.mark.parametrize("path", EXPORTED, ids=IDS)
def test_d2_compiler_reads_the_same_components_stages_flows_and_numbers(path, d2_parsed):
    parsed = d2_parsed[path.stem]
    assert "error" not in parsed, parsed.get("error")
    graph = graph_of(path)
    ids = node_ids(graph)
    where = {node: (f"stage_{attrs['cluster']}.{ids[node]}" if attrs["cluster"] else ids[node])
             for node, attrs in graph.nodes(data=True)}
    shapes = {shape["id"]: shape for shape in parsed["shapes"]}
    expected = {where[node]: "\n".join(node_text(graph, node)) for node in graph}
    assert {key: shapes[key]["label"] for key in expected if key in shapes} == expected
    clusters = {f"stage_{c}" for _, c in graph.nodes(data="cluster") if c}
    title = [shapes["diagram_title"]["label"]] if "diagram_title" in shapes else []
    assert set(shapes) == set(expected) | clusters | {"diagram_title"}
    assert title and title[0].startswith("\n".join(label_lines(graph.graph["title"], 120)))
    connections = sorted((c["src"], c["dst"], c["label"]) for c in parsed["connections"])
    assert connections == sorted((where[s], where[t], "\n".join(label_lines(label or "")))
                                 for s, t, label in graph.edges(data="label"))


def svg_labels(svg: Path) -> tuple[dict[str, str], list[str], list[str]]:
    """Node id -> text of its label; edge label texts; cluster label texts, as mermaid drew them."""
    root = ET.parse(svg).getroot()  # well-formed XML, or this raises
    nodes, edges, clusters = {}, [], []
    for group in root.iter("{http://www.w3.org/2000/svg}g"):
        classes = group.get("class", "").split()
        text = "".join(group.itertext())
        match = re.fullmatch(r".*-flowchart-(n_\w+?)-\d+", group.get("id", ""))
        if "node" in classes and match:
            nodes[match.group(1)] = text
        elif "edgeLabel" in classes:
            edges.append(text)
        elif "cluster-label" in classes:
            clusters.append(text)
    return nodes, edges, clusters


@pytest.mark.parametrize("path", EXPORTED, ids=IDS)
def test_mermaid_draws_the_same_components_stages_flows_and_numbers(path, mermaid_svgs):
    graph = graph_of(path)
    ids = node_ids(graph)
    nodes, edges, clusters = svg_labels(mermaid_svgs[path.stem])
    assert nodes == {ids[node]: "".join(node_text(graph, node)) for node in graph}
    drawn = sorted(label for label in edges if label)
    assert drawn == sorted("".join(label_lines(label)) for _, _, label in graph.edges(data="label") if label)
    from estimator.vocabulary import CLUSTERS

    stages = [CLUSTERS[c] for c in CLUSTERS if c in {c for _, c in graph.nodes(data="cluster")}]
    title = "".join(label_lines(graph.graph["title"], 120) + label_lines(graph.graph["subtitle"], 120))
    assert sorted(clusters) == sorted([*stages, title])


def test_hostile_labels_are_drawn_literally_by_both_tools(d2_parsed, mermaid_svgs):
    """Quotes, angle brackets, HTML, braces, #, backticks, $ and escString's backslashes show as written."""
    literal = ['Say "hi" <b>bold</b> & {x|y}', "\\N \\l end", "second line", '<i>note</i> & "q" {z} \\G']
    hostile = {p.stem: p for p in HOSTILE}["markup_in_labels"]
    shapes = {s["id"]: s["label"] for s in d2_parsed[hostile.stem]["shapes"]}
    assert shapes["n_weird"] == "\n".join(literal)
    nodes, edges, _ = svg_labels(mermaid_svgs[hostile.stem])
    assert nodes["n_weird"] == "".join(literal)
    assert 'a<b & c>d "e" {f} \\E' in edges
    root = ET.parse(mermaid_svgs[hostile.stem]).getroot()
    assert not [e for e in root.iter() if e.tag in (f"{XHTML}i", "i")], "markup in a label was interpreted"
