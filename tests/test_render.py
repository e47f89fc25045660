"""diagrams_lib.render against real Graphviz: formats, determinism, escaping, themes, side effects."""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import graphviz
import networkx as nx
import pytest
import yaml

from diagrams_lib import render as render_module
from diagrams_lib.labels import label_lines
from estimator.vocabulary import CLUSTERS, COMPONENT_KINDS, FLOW_KINDS, THEMES
from diagrams_lib.render import render, to_dot

ROOT = Path(__file__).resolve().parent.parent
STYLES = yaml.safe_load((ROOT / "diagrams_lib" / "themes.yaml").read_text(encoding="utf-8"))
SVG_NS = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# A label with everything that could be taken for markup or a Graphviz escape.
HOSTILE = 'a "quoted" <b> & {c} \\n back\\\\slash | \\N \\G\nsecond line'

def test_graphviz_is_installed():
    """`make test` installs Debian's graphviz; a missing `dot` must fail here, never skip."""
    assert shutil.which("dot"), "Graphviz `dot` is missing: run `make test`, which installs it"




def two_stage_recommender() -> nx.DiGraph:
    """A small two-stage recommender: serving path, data pipeline, training, monitoring."""
    graph = nx.DiGraph(title="Video recommendation", subtitle="100 M DAU · peak 24.3 k request/s")

    def node(node_id, kind, label, annotations=(), cluster=None):
        graph.add_node(node_id, kind=kind, label=label, annotations=list(annotations), cluster=cluster)

    node("client", "client", "Users", ["100 M DAU"])
    node("gateway", "gateway", "API gateway", ["24.3 k request/s"], "serving")
    node("candidates", "model_server", "Candidate generation", ["8 × T4 · $2.0 k/month"], "serving")
    node("ann_index", "vector_index", "ANN index", ["10.2 GB · 3 replicas"], "serving")
    node("ranking", "model_server", "Ranking", ["24 × H100 · $41.3 k/month"], "serving")
    node("online_feature_store", "online_feature_store", "Online features", ["2.10 TB · 3 replicas"], "serving")
    node("events", "stream", "Event stream", ["2.4 M event/s"], "data")
    node("offline_feature_store", "offline_feature_store", "Offline features", ["180 TB"], "data")
    node("trainer", "training_pipeline", "Training", ["64 × A100 · 6 h/run"], "training")
    node("monitoring", "monitoring", "Monitoring", [], "monitoring")
    graph.add_edge("client", "gateway", flow="requests", label="24.3 k request/s")
    graph.add_edge("gateway", "candidates", flow="requests", label="")
    graph.add_edge("candidates", "ann_index", flow="queries", label="24.3 k query/s")
    graph.add_edge("candidates", "ranking", flow="requests", label="500 candidates/request")
    graph.add_edge("ranking", "online_feature_store", flow="features", label="1.2 M lookup/s")
    graph.add_edge("client", "events", flow="events", label="2.4 M event/s")
    graph.add_edge("events", "offline_feature_store", flow="features", label="")
    graph.add_edge("offline_feature_store", "trainer", flow="training_data", label="2 B examples")
    graph.add_edge("trainer", "ranking", flow="artefacts", label="")
    graph.add_edge("ranking", "monitoring", flow="metrics", label="")
    return graph


def every_kind_graph() -> nx.DiGraph:
    """One node of every component kind, chained by edges of every flow kind."""
    graph = nx.DiGraph(title="Every kind")
    clusters = [None, *CLUSTERS]
    for index, kind in enumerate(COMPONENT_KINDS):
        graph.add_node(kind, kind=kind, label=kind.replace("_", " "), annotations=["1.00 k"],
                       cluster=clusters[index % len(clusters)])
    kinds, flows = list(COMPONENT_KINDS), list(FLOW_KINDS)
    for index, (source, target) in enumerate(zip(kinds, kinds[1:], strict=False)):
        graph.add_edge(source, target, flow=flows[index % len(flows)], label=f"{index} unit/s")
    return graph


def hostile_graph() -> nx.DiGraph:
    graph = nx.DiGraph(title=HOSTILE, subtitle=HOSTILE)
    graph.add_node("hostile", kind="service", label=HOSTILE, annotations=[HOSTILE], cluster="serving")
    graph.add_node("plain", kind="cache", label="plain", annotations=[], cluster=None)
    graph.add_edge("hostile", "plain", flow="queries", label=HOSTILE)
    return graph


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first."""
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def png_pixels(data: bytes) -> bytes:
    """The decompressed image data (filter bytes included) of all IDAT chunks."""
    position, idat = 8, b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        if kind == b"IDAT":
            idat += data[position + 8:position + 8 + length]
        position += 12 + length
    return zlib.decompress(idat)


def svg_texts(svg: bytes) -> list[str]:
    """The text of every <text> element, entities decoded, as a viewer shows it."""
    return ["".join(element.itertext()) for element in ET.fromstring(svg).iter(f"{SVG_NS}text")]


def laid_out_boxes(dot: str) -> tuple[dict, dict, list]:
    """Boxes (x1, y1, x2, y2 in points) of nodes, clusters and edge-label texts after layout."""
    layout = json.loads(graphviz.Source(dot).pipe(format="json", quiet=True))
    nodes, clusters, labels = {}, {}, []
    for item in layout["objects"]:
        if item["name"].startswith("cluster_"):
            clusters[item["name"]] = tuple(float(v) for v in item["bb"].split(","))
        elif "pos" in item:
            x, y = (float(v) for v in item["pos"].split(","))
            half_width, half_height = float(item["width"]) * 36, float(item["height"]) * 36
            nodes[item["name"]] = (x - half_width, y - half_height, x + half_width, y + half_height)
    for edge in layout.get("edges", []):
        size = 14.0
        for op in edge.get("_ldraw_", []):
            size = op.get("size", size)
            if op["op"] == "T":
                (x, y), width = op["pt"], op["width"]
                left = {"c": x - width / 2, "l": x, "r": x - width}[op["align"]]
                labels.append((op["text"], (left, y - 0.25 * size, left + width, y + 0.8 * size)))
    return nodes, clusters, labels


def overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def contains(outer: tuple, inner: tuple) -> bool:
    return outer[0] <= inner[0] and inner[2] <= outer[2] and outer[1] <= inner[1] and inner[3] <= outer[3]


# --- themes.yaml and vocabulary.py agree -----------------------------------------------------

def test_every_theme_maps_every_kind_to_an_importable_class():
    assert set(STYLES["themes"]) == set(THEMES)
    for theme, icons in STYLES["themes"].items():
        assert set(icons) == set(COMPONENT_KINDS), theme
        for dotted in icons.values():
            module_name, _, class_name = dotted.rpartition(".")
            assert hasattr(importlib.import_module(module_name), class_name), dotted
            assert Path(render_module.icon_path(dotted)).is_file(), dotted


def test_every_flow_and_cluster_has_a_style():
    assert set(STYLES["flows"]) == set(FLOW_KINDS)
    for flow, style in STYLES["flows"].items():
        assert style["color"].startswith("#") and style["style"] in {"solid", "dashed", "dotted", "bold"}, flow
    assert set(STYLES["clusters"]) == set(CLUSTERS)


def test_importing_render_does_not_import_diagrams():
    code = "import sys, diagrams_lib.render; print('diagrams' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# --- choices are checked before anything is drawn ----------------------------------------

@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"theme": "foo"}, "unknown theme 'foo'; choose one of: aws, azure, gcp, onprem"),
        ({"fmt": "gif"}, "unknown format 'gif'; choose one of: d2, dot, mmd, pdf, png, svg"),
        ({"direction": "up"}, "unknown direction 'up'; choose one of: BT, LR, RL, TB"),
    ],
)
def test_bad_choice_names_the_valid_ones(kwargs, message):
    with pytest.raises(ValueError) as error:
        render(two_stage_recommender(), **kwargs)
    assert str(error.value) == message


def test_bad_theme_in_to_dot():
    with pytest.raises(ValueError, match="choose one of: aws, azure, gcp, onprem"):
        to_dot(two_stage_recommender(), theme="foo")


def test_graph_breaking_the_contract_lists_every_problem():
    graph = nx.DiGraph()
    graph.add_node("a", kind="toaster", cluster="kitchen")
    graph.add_node("b:port", kind="cache", annotations="2 TB")
    graph.add_edge("a", "b:port", flow="gossip")
    with pytest.raises(ValueError) as error:
        render(graph)
    message = str(error.value)
    for fragment in ("unknown kind 'toaster'", "unknown cluster 'kitchen'", "'b:port' is not an ASCII identifier",
                     "unknown flow 'gossip'", "annotations must be a list of strings"):
        assert fragment in message


# --- output formats -----------------------------------------------------------------------

def test_png_is_a_sensible_non_blank_image():
    data = render(two_stage_recommender(), "png")
    assert data.startswith(PNG_SIGNATURE)
    width, height = png_size(data)
    assert 600 <= width <= 8000 and 300 <= height <= 8000
    assert len(data) > 20_000
    pixels = png_pixels(data)
    assert len(set(pixels)) > 50  # icons, text and colours, not one flat fill


def test_a_png_over_the_size_bound_is_drawn_smaller_and_a_usual_one_as_graphviz_draws_it():
    """A PNG's cost is its pixels: a drawing taller than PNG_MAX_SIDE_PX is scaled to it (a column
    of 200 components is ~30,000 px at 96 dpi); a usual diagram is Graphviz's own file, byte for byte."""
    column = nx.DiGraph(title="Column")
    for index in range(200):
        column.add_node(f"c{index}", kind="service", label=f"C{index}", annotations=[], cluster=None)

    def plain_dot(graph: nx.DiGraph) -> bytes:
        return subprocess.run(["dot", "-Kdot", "-Tpng"], input=to_dot(graph).encode("utf-8"),
                              capture_output=True, check=True).stdout

    unbounded_width, unbounded_height = png_size(plain_dot(column))
    width, height = png_size(render(column, "png"))
    assert unbounded_height > height == render_module.PNG_MAX_SIDE_PX == 24_000
    assert width == pytest.approx(unbounded_width * height / unbounded_height, abs=2)  # the same shape
    usual = two_stage_recommender()
    assert render(usual, "png") == plain_dot(usual)


def test_a_wide_and_tall_png_is_drawn_within_the_area_bound_with_its_shape_kept():
    """Bounding the longer side alone left a wide-and-tall drawing (300 long-labelled components, in
    rows) a bitmap of hundreds of megapixels; the area bound scales it down whole."""
    grid = nx.DiGraph(title="Grid")
    for row in range(12):
        for column in range(25):
            grid.add_node(f"n{row}_{column}", kind="service", label=f"Component {row}.{column} " + "x" * 40,
                          annotations=["1.00 k request/s"], cluster=None)
            if column:
                grid.add_edge(f"n{row}_{column - 1}", f"n{row}_{column}", flow="requests", label="")
    layout = json.loads(render_module._run_dot(to_dot(grid), ("-Tjson0",)))
    width_in, height_in = render_module.drawing_inches(layout)
    dpi = 96
    # Within the side bound, over the area bound: only the new bound acts.
    assert max(width_in, height_in) * dpi < render_module.PNG_MAX_SIDE_PX
    assert width_in * height_in * dpi**2 > 1.4 * render_module.PNG_MAX_PIXELS == 22_400_000

    width, height = png_size(render(grid, "png"))
    assert width * height <= render_module.PNG_MAX_PIXELS == 16_000_000
    assert width * height > 0.99 * render_module.PNG_MAX_PIXELS  # no smaller than it must be
    assert width / height == pytest.approx(width_in / height_in, rel=1e-3)  # the same shape


def test_png_scale_keeps_the_longer_side_and_the_area_within_their_bounds():
    assert render_module.png_scale(10, 5) == 1.0
    assert render_module.png_scale(500, 10) == 0.5  # 48,000 x 960 px: the side bound
    square = render_module.png_scale(200, 200)  # 19,200 px a side: the area bound
    assert (200 * 96 * square) ** 2 == pytest.approx(16_000_000)


def test_pdf_is_a_pdf():
    assert render(two_stage_recommender(), "pdf").startswith(b"%PDF-")


def test_svg_is_self_contained_and_shows_the_numbers():
    svg = render(two_stage_recommender(), "svg")
    text = svg.decode("utf-8")
    assert "/site-packages/" not in text
    assert 'xlink:href="/' not in text and 'href="/' not in text
    root = ET.fromstring(svg)
    images = list(root.iter(f"{SVG_NS}image"))
    assert len(images) == two_stage_recommender().number_of_nodes()
    for image in images:
        assert image.get("{http://www.w3.org/1999/xlink}href").startswith("data:image/png;base64,")
    texts = svg_texts(svg)
    for expected in ("Video recommendation", "Ranking", "24 × H100 · $41.3 k/month", "24.3 k query/s",
                     "Serving", "Data pipeline", "Training", "Monitoring"):
        assert expected in texts


def test_dot_is_deterministic_and_uses_the_graph_ids():
    first = to_dot(two_stage_recommender())
    second = to_dot(two_stage_recommender())
    assert first == second
    assert render(two_stage_recommender(), "dot") == first.encode("utf-8")
    for node_id in two_stage_recommender().nodes:
        assert f"\t{node_id} [label=" in first
    assert "ranking -> online_feature_store" in first
    for cluster_id in ("data", "training", "serving", "monitoring"):
        assert first.count(f"subgraph cluster_{cluster_id} ") == 1


def test_clusters_follow_the_framework_order():
    dot = to_dot(two_stage_recommender())
    positions = [dot.index(f"subgraph cluster_{cluster_id} ") for cluster_id in CLUSTERS]
    assert positions == sorted(positions)
    for title in CLUSTERS.values():
        assert f"<B>{title}</B>" in dot


def test_clusters_with_the_same_title_do_not_collide():
    # Titles come from CLUSTERS, so equal titles cannot happen today; ids keep it so.
    graph = nx.DiGraph(title="t")
    for cluster_id in CLUSTERS:
        graph.add_node(f"n_{cluster_id}", kind="service", label="same", annotations=[], cluster=cluster_id)
    dot = to_dot(graph)
    assert len({line for line in dot.splitlines() if line.lstrip().startswith("subgraph cluster_")}) == len(CLUSTERS)


@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_edge_labels_clear_nodes_and_cluster_borders(direction):
    nodes, clusters, labels = laid_out_boxes(to_dot(two_stage_recommender(), direction=direction))
    assert len(labels) == 6 and len(clusters) == 4
    for text, box in labels:
        for name, node_box in nodes.items():
            assert not overlaps(box, node_box), f"{text!r} is drawn over node {name}"
        for name, cluster_box in clusters.items():
            straddles = overlaps(box, cluster_box) and not contains(cluster_box, box)
            assert not straddles, f"{text!r} is drawn across the border of {name}"


# --- user text is shown literally -----------------------------------------------------------

def test_hostile_labels_appear_literally_in_svg():
    svg = render(hostile_graph(), "svg")
    texts = svg_texts(svg)
    for line in HOSTILE.split("\n"):
        wrapped = label_lines(line)  # node label, annotation and edge label wrap; title and subtitle are wider
        assert texts.count(line) == 2 + (3 if wrapped == [line] else 0), (line, texts)
        for part in wrapped:
            assert texts.count(part) >= 3, (part, texts)
    assert "&quot;quoted&quot; &lt;b&gt; &amp;" in svg.decode("utf-8")


@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_hostile_labels_do_not_break_rendering(fmt):
    assert len(render(hostile_graph(), fmt)) > 1000


def test_control_characters_and_empty_text_are_harmless():
    graph = nx.DiGraph(title="")
    graph.add_node("a", kind="cache", label="", annotations=["", "\x07"], cluster="data")
    graph.add_node("b", kind="cache", label="tab\there\r\nwindows", annotations=[], cluster=None)
    graph.add_edge("a", "b", flow="features", label="\x00")
    texts = svg_texts(render(graph, "svg"))
    assert "tab here" in texts and "windows" in texts


def test_empty_graph_renders():
    assert render(nx.DiGraph(), "png").startswith(PNG_SIGNATURE)


# --- themes, directions, side effects --------------------------------------------------------

@pytest.mark.parametrize("theme", THEMES)
def test_every_theme_renders_every_kind(theme):
    graph = every_kind_graph()
    svg = render(graph, "svg", theme=theme)
    assert len(list(ET.fromstring(svg).iter(f"{SVG_NS}image"))) == len(COMPONENT_KINDS)
    assert render(graph, "png", theme=theme).startswith(PNG_SIGNATURE)


@pytest.mark.parametrize("direction", ["LR", "TB", "rl", "bt"])
def test_every_direction_renders(direction):
    assert f"rankdir={direction.upper()}" in to_dot(two_stage_recommender(), direction=direction)


def test_rendering_leaves_the_working_directory_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("mine")
    before = sorted(os.listdir(tmp_path))
    for fmt in ("png", "svg", "pdf", "dot"):
        render(two_stage_recommender(), fmt)
    assert sorted(os.listdir(tmp_path)) == before
    assert Path.cwd() == tmp_path


def test_rendering_never_opens_a_viewer(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("a viewer was opened")

    monkeypatch.setattr(graphviz.rendering.Render, "_view", fail)
    for fmt in ("png", "svg", "pdf", "dot"):
        render(two_stage_recommender(), fmt)


def test_renders_from_other_threads_match():
    expected = to_dot(two_stage_recommender())
    results: list[str] = []

    def work():
        results.append(to_dot(two_stage_recommender()))

    for _ in range(2):  # one after the other, each in a fresh thread
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    threads = [threading.Thread(target=work) for _ in range(3)]  # and at the same time
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 5


def test_an_edge_weight_overrides_its_flows_and_must_be_a_whole_number():
    graph = two_stage_recommender()
    graph.edges["client", "events"]["weight"] = 0
    dot = to_dot(graph)
    assert re.search(r'client -> events \[[^\]]* weight=0\]', dot)
    assert re.search(r'client -> gateway \[[^\]]* weight=4\]', dot)  # requests' weight, from themes.yaml
    graph.edges["client", "events"]["weight"] = "heavy"
    with pytest.raises(ValueError, match="weight must be a whole number >= 0, got 'heavy'"):
        render(graph, "dot")
