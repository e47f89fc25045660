"""diagrams_lib.graph: the architecture graph of each archetype, its numbers, its changes — no Graphviz."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT, SCENARIOS
from diagrams_lib.graph import archetypes, build_graph
from estimator.vocabulary import CLUSTERS, COMPONENT_KINDS, FLOW_KINDS
from estimator.errors import ScenarioError
from estimator.compose import estimate
from estimator.display import show
from estimator.scenario import load_scenario, load_scenario_text

BASE = """
name: Test system
archetype: {archetype}
traffic:
  daily_active_users: 10 million user
  requests_per_user_per_day: 10 request/user/day
  response_size: 10 KB
data:
  - name: clicks
    records_per_request: 1 event/request
    record_size: 100 B
    retention: 30 day
  - name: examples
    records_per_request: 2 example/request
    record_size: 1 KB
    retention: 30 day
features:
  online:
    replication: 2
    groups:
      - entity: user
        entities: 10 million
        features: 10
models:
  - name: first_stage
    parameters: 10 million parameter
  - name: second_stage
    flops_per_inference: 1 MFLOP/inference
    inferences_per_request: 100 inference/request
"""


def built(text: str):
    scenario = load_scenario_text(text, "test.yaml")
    result = estimate(scenario)
    return scenario, result, build_graph(scenario, result)


def graph_of(archetype: str, extra: str = ""):
    return built(BASE.format(archetype=archetype) + extra)[2]


@pytest.mark.parametrize("archetype", ["recommendation", "classification", "search", "llm"])
def test_every_archetype_gives_a_connected_graph_within_the_contract(archetype):
    graph = graph_of(archetype)
    assert graph.graph["title"] == "Test system"
    for node_id, attrs in graph.nodes(data=True):
        assert attrs["kind"] in COMPONENT_KINDS, node_id
        assert attrs["cluster"] is None or attrs["cluster"] in CLUSTERS
        assert isinstance(attrs["label"], str) and attrs["label"]
        assert all(isinstance(line, str) and line for line in attrs["annotations"])
    assert all(flow in FLOW_KINDS for _, _, flow in graph.edges(data="flow"))
    import networkx as nx

    assert nx.is_weakly_connected(graph)
    # Every framework stage has a component.
    assert {c for _, c in graph.nodes(data="cluster")} >= set(CLUSTERS)
    # The serving path: users → gateway → service → each model server.
    assert graph.has_edge("users", "gateway") and graph.has_edge("gateway", "app")
    assert graph.has_edge("app", "model_first_stage") and graph.has_edge("app", "model_second_stage")
    assert graph.has_edge("registry", "model_second_stage")


@pytest.mark.parametrize("archetype, present, absent", [
    ("recommendation", {"ann_index", "experiments"}, {"labelling", "documents"}),
    ("classification", {"labelling"}, {"ann_index"}),
    ("search", {"ann_index", "cache", "documents"}, {"labelling"}),
    ("llm", {"ann_index", "cache", "documents", "labelling"}, set()),
])
def test_archetypes_differ_where_the_systems_do(archetype, present, absent):
    graph = graph_of(archetype)
    assert present <= set(graph)
    assert not absent & set(graph)


def test_llm_models_are_llm_servers():
    graph = graph_of("llm")
    assert graph.nodes["model_first_stage"]["kind"] == "llm_server"
    assert graph_of("search").nodes["model_first_stage"]["kind"] == "model_server"


def test_scenario_parts_become_nodes_with_their_numbers():
    scenario, result, graph = built(BASE.format(archetype="recommendation"))
    model = graph.nodes["model_second_stage"]
    assert model["label"] == "Second stage"
    count = int(result["models.second_stage.accelerators"].magnitude)
    assert model["annotations"][0] == (f"{count} × T4 · "
                                       f"{show(result.steps['models.second_stage.monthly_cost'], result)}")
    store = graph.nodes["online_features"]
    assert store["annotations"][0] == f"{show(result.steps['features.online.size'], result)} · 2 replicas"
    clicks = graph.nodes["data_clicks"]
    assert clicks["kind"] == "object_storage" and clicks["cluster"] == "data"
    assert show(result.steps["storage.clicks.footprint"], result) in clicks["annotations"][0]
    # Events go through the feature pipelines; training examples go straight to training.
    assert graph.has_edge("data_clicks", "pipelines") and not graph.has_edge("data_clicks", "training")
    assert graph.has_edge("data_examples", "training")
    assert graph.edges["events", "data_examples"]["flow"] == "training_data"


def test_edges_carry_rates_in_the_reports_format():
    _, result, graph = built(BASE.format(archetype="classification"))
    entry = graph.edges["users", "gateway"]["label"].split("\n")
    assert entry == [f"{show(result.steps['traffic.peak_qps'], result)} peak",
                     f"{show(result.steps['traffic.egress_bandwidth'], result)} out"]
    lookups = graph.edges["app", "online_features"]["label"]
    assert show(result.steps["features.online.lookups_per_second"], result) in lookups
    assert graph.edges["app", "model_second_stage"]["label"] == show(
        result.steps["models.second_stage.inferences_per_second"], result)


def test_parts_a_scenario_lacks_are_not_drawn_and_no_line_names_a_missing_result():
    graph = built("name: Tiny\narchetype: search\ntraffic: {requests: 100 request/s}\n")[2]
    assert "online_features" not in graph and "offline_features" not in graph
    assert not [n for n in graph if n.startswith(("model_", "data_"))]
    for _, attrs in graph.nodes(data=True):
        assert not any("{" in line or "<" in line for line in attrs["annotations"])
    # The index has no estimate here, so it carries no numbers rather than placeholders.
    assert graph.nodes["ann_index"]["annotations"] == []


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_bundled_scenarios_show_qps_feature_store_and_serving_cost(path):
    scenario = load_scenario(path)
    result = estimate(scenario)
    graph = build_graph(scenario, result)
    text = "\n".join([*(line for _, a in graph.nodes(data="annotations") for line in a),
                      *(label for _, _, label in graph.edges(data="label"))])
    assert show(result.steps["traffic.peak_qps"], result) in text
    if "features.online.size" in result:
        assert show(result.steps["features.online.size"], result) in text
    for model in scenario.models:
        assert show(result.steps[f"models.{model.name}.monthly_cost"], result) in text


def test_components_add_remove_relabel_and_flows():
    graph = graph_of("classification", """
components:
  remove: [labelling]
  add:
    - {id: click_join, kind: stream_processing, cluster: data, notes: ["15 min window"]}
  relabel: {app: Ads ranking service}
  remove_flows:
    - {source: monitoring, target: experiments}
  add_flows:
    - {source: events, target: click_join, flow: events}
    - {source: click_join, target: training, flow: labels, label: clicks joined}
""")
    assert "labelling" not in graph
    assert graph.nodes["click_join"] == {"kind": "stream_processing", "label": "Click join",
                                         "annotations": ["15 min window"], "cluster": "data"}
    assert graph.nodes["app"]["label"] == "Ads ranking service"
    assert not graph.has_edge("monitoring", "experiments")
    assert graph.edges["click_join", "training"] == {"flow": "labels", "label": "clicks joined"}


def test_components_naming_nothing_are_located_errors():
    with pytest.raises(ScenarioError) as error:
        graph_of("classification", """
components:
  remove: [labeling]
  add_flows:
    - {source: app, target: nowhere, flow: events}
""")
    lines = str(error.value).split("\n")
    assert lines[0].startswith("test.yaml:32:12: components.remove[0]: no such component: given 'labeling', "
                               "expected one of: app, data_clicks, ")
    assert lines[0].endswith("; did you mean 'labelling'?")
    assert lines[1].startswith("test.yaml:34:29: components.add_flows[0].target: no such component: "
                               "given 'nowhere'")


def test_adding_an_existing_id_is_refused():
    with pytest.raises(ScenarioError, match="components.add.0.id|component exists already"):
        graph_of("llm", "components:\n  add: [{id: app, kind: service}]\n")


def test_unknown_flow_kind_is_a_load_error_with_a_suggestion():
    with pytest.raises(ScenarioError, match=r"unknown flow kind: given 'event', expected one of: .*"
                                            r"did you mean 'events'\?"):
        graph_of("llm", "components:\n  add_flows: [{source: app, target: events, flow: event}]\n")


def test_every_archetype_of_the_scenario_model_has_a_default_graph():
    from estimator.vocabulary import ARCHETYPES

    assert set(archetypes()["archetypes"]) == set(ARCHETYPES)
    for spec in archetypes()["archetypes"].values():
        ids = [node["id"] for node in spec["nodes"]]
        assert len(ids) == len(set(ids))
        assert all(node["kind"] in COMPONENT_KINDS for node in spec["nodes"])
        for source, target, flow, _, *hints in spec["edges"]:
            assert source in ids and target in ids and flow in FLOW_KINDS
            assert hints in ([], [{"weight": 0}]), hints  # the only layout hint used


def test_building_a_graph_does_not_import_diagrams_or_graphviz():
    code = ("import sys; from diagrams_lib.graph import build_graph; "
            "assert 'diagrams' not in sys.modules and 'graphviz' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_estimate_command_does_not_import_diagrams_lib():
    code = ("import sys; from estimator.cli import app; "
            "from typer.testing import CliRunner; "
            "r = CliRunner().invoke(app, ['estimate', 'scenarios/video_recommendation.yaml', '-f', 'json']); "
            "assert r.exit_code == 0, r.output; "
            "assert 'diagrams' not in sys.modules and 'diagrams_lib.graph' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def graph_of_bundled(stem: str):
    scenario = load_scenario(ROOT / "scenarios" / f"{stem}.yaml")
    return build_graph(scenario, estimate(scenario))


def test_the_serving_funnel_is_drawn_in_stage_order():
    """Stages that use models form one chain from the service (candidate generation → ranking),
    not parallel branches; each edge still carries its model's inference rate."""
    feed = graph_of_bundled("personalized_news_feed")
    requests = sorted((s, t) for s, t, flow in feed.edges(data="flow") if flow == "requests")
    assert requests == [("app", "model_light_ranker"), ("gateway", "app"),
                        ("model_light_ranker", "model_heavy_ranker"), ("users", "gateway")]
    assert feed.edges["model_light_ranker", "model_heavy_ranker"]["label"] == "231 M inference/s"
    video = graph_of_bundled("video_recommendation")
    assert video.has_edge("model_candidate_generation", "model_ranking")
    assert not video.has_edge("app", "model_ranking")


def test_a_model_no_stage_uses_is_called_by_the_service():
    ads = graph_of_bundled("ad_click_prediction")  # no serving stages at all
    assert ads.has_edge("app", "model_ctr_ranker")


def test_logging_and_telemetry_edges_carry_a_zero_layout_weight():
    """They run back to the data stage and out to monitoring; at weight 0 they stop twisting the layout."""
    video = graph_of_bundled("video_recommendation")
    assert video.edges["app", "events"]["weight"] == 0 and video.edges["app", "monitoring"]["weight"] == 0
    assert "weight" not in video.edges["gateway", "app"]  # the flow's own weight applies


def test_the_subtitle_claims_no_part_the_scenario_removed():
    """The LLM archetype says "with retrieval-augmented generation" only while its retrieval index is drawn."""
    for name, subtitle in (("llm_chat_assistant.yaml", "LLM assistant · "),  # removes ann_index
                           ("rag_question_answering.yaml", "LLM assistant with retrieval-augmented generation · ")):
        scenario = load_scenario(ROOT / "scenarios" / name)
        graph = build_graph(scenario, estimate(scenario))
        assert graph.graph["subtitle"].startswith(subtitle), graph.graph["subtitle"]
        assert ("ann_index" in graph) == ("retrieval" in subtitle)
