"""The architecture of a scenario, with the numbers on it, built into any graph: pure, no networkx.

The default graph of each archetype is data (archetypes.yaml); the scenario adds one node per
model and dataset, and its `components:` section adds, removes and relabels components and
flows. Annotations are estimate results shown exactly as the reports show them
(estimator.display.show), and only results the estimate has appear.

``populate(graph, scenario, estimate)`` fills a ``networkx.DiGraph`` (diagrams_lib.graph) or a
``Sketch``, the few DiGraph methods it uses: ``load_scenario`` builds a Sketch to refuse a
`components:` change that names no component, without the cost of importing networkx.

The graph contract (what render.py draws) is described at the top of render.py.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from pathlib import Path
from typing import Any

from estimator.display import show
from estimator.errors import Problem, ScenarioError, did_you_mean
from estimator.compose import Estimate
from estimator.scenario import Scenario
from estimator.scenario.source import safe_load
from estimator.units import Q_, format_quantity

ARCHETYPES_FILE = Path(__file__).with_name("archetypes.yaml")
__all__ = ["Sketch", "annotate", "apply_components", "archetypes", "check_architecture", "find_key", "humanise",
           "populate", "subtitle"]

Graph = Any  # a networkx.DiGraph or a Sketch
_PLACEHOLDER = re.compile(r"\{([^{}:]+)(?::(\w+))?\}")


@functools.cache
def archetypes() -> dict[str, Any]:
    """The parsed archetypes.yaml (templates and default graphs), through libyaml: every command
    reads it (loading a scenario checks its diagram), so the pure-Python parser cost the CLI ~50 ms."""
    parsed: dict[str, Any] = safe_load(ARCHETYPES_FILE.read_text(encoding="utf-8"))
    return parsed


def populate(graph: Graph, scenario: Scenario, estimate: Estimate) -> Graph:
    """The scenario's architecture in ``graph``: archetype defaults, its models and datasets, its changes."""
    spec = archetypes()["archetypes"][scenario.archetype]
    context = {"replicas": _number(scenario.features.online.replication) if scenario.features.online else ""}
    for node in spec["nodes"]:
        if _has(scenario, node.get("needs")):
            _add_node(graph, node["id"], node["kind"], node["label"], node.get("cluster"),
                      annotate(node.get("lines", []), estimate, context))
    _add_models(graph, scenario, estimate, spec.get("model_kind", "model_server"))
    _add_datasets(graph, scenario, estimate)
    for edge in spec["edges"]:
        _add_edge(graph, edge, estimate, context)
    apply_components(graph, scenario)
    # After the scenario's changes: a subtitle that names a part the scenario removed would claim it.
    described = next((text for node, text in spec.get("subtitle_without", {}).items() if node not in graph),
                     spec["subtitle"])
    graph.graph.update(title=scenario.name, subtitle=subtitle(described, estimate))
    return graph


def check_architecture(scenario: Scenario, estimate: Estimate) -> None:
    """Refuse what drawing the scenario would refuse, without networkx or Graphviz.

    ``envelope validate`` calls it so that it agrees with ``diagram`` and ``report``.

    Raises
    ------
    ScenarioError
        A ``components:`` change names no component, adds one that exists, or removes a flow
        the diagram does not have (located at the change).
    """
    populate(Sketch(), scenario, estimate)


class Sketch:
    """The part of ``networkx.DiGraph`` that ``populate`` uses: nodes with attributes, directed edges.

    >>> g = Sketch()
    >>> g.add_node("a", label="A"); g.add_node("b"); g.add_edge("a", "b", flow="requests")
    >>> g.remove_node("b"); sorted(g), g.has_edge("a", "b"), g.nodes["a"]["label"]
    (['a'], False, 'A')
    """

    def __init__(self) -> None:
        self.graph: dict[str, Any] = {}
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[tuple[str, str], dict[str, Any]] = {}

    def __contains__(self, node: object) -> bool:
        return node in self.nodes

    def __iter__(self) -> Any:
        return iter(self.nodes)

    def add_node(self, node: str, **attributes: Any) -> None:
        self.nodes.setdefault(node, {}).update(attributes)

    def remove_node(self, node: str) -> None:
        del self.nodes[node]
        self.edges = {ends: data for ends, data in self.edges.items() if node not in ends}

    def add_edge(self, source: str, target: str, **attributes: Any) -> None:
        for node in (source, target):
            self.nodes.setdefault(node, {})
        self.edges.setdefault((source, target), {}).update(attributes)

    def has_edge(self, source: str, target: str) -> bool:
        return (source, target) in self.edges

    def remove_edge(self, source: str, target: str) -> None:
        del self.edges[(source, target)]


def subtitle(text: str, estimate: Estimate) -> str:
    """The archetype's description and the headline numbers of the estimate."""
    headline = annotate(["peak {traffic.peak_qps}", "{cost.monthly_total} in total"], estimate, {})
    return " · ".join([text, *headline])


# ---------------------------------------------------------------------- annotations

def annotate(templates: list[str], estimate: Estimate, context: dict[str, str]) -> list[str]:
    """Fill each template (see archetypes.yaml); drop lines naming a result the estimate lacks.

    >>> from estimator.trace import step
    >>> e = _estimate(step("traffic.peak_qps", "Peak QPS", "x", Q_(115740.7, "request/s")))
    >>> annotate(["{traffic.peak_qps} peak", "{index.*memory*} index"], e, {})
    ['116 k request/s peak']
    >>> annotate(["<n> × {traffic.peak_qps:count}"], e, {"n": "2"})
    ['2 × 116 k']
    """
    lines = []
    for template in templates:
        text = _substitute(template, context)
        values = [_value(match, estimate) for match in _PLACEHOLDER.finditer(text)]
        present = [value for value in values if value is not None]
        if len(present) == len(values):
            shown = iter(present)
            # noqa below: the lambda runs inside this iteration, so the loop variable is the right one
            lines.append(_PLACEHOLDER.sub(lambda _m: next(shown), text))  # noqa: B023
    return lines


def _substitute(template: str, context: dict[str, str]) -> str:
    for name, value in context.items():
        template = template.replace(f"<{name}>", value)
    return template


def _value(match: re.Match[str], estimate: Estimate) -> str | None:
    """One placeholder's text, or None when no result matches it."""
    key = find_key(match.group(1), estimate)
    if key is None:
        return None
    result = estimate.steps[key]
    if match.group(2) == "count":
        return format_quantity(Q_(float(result.value.magnitude), ""))
    return show(result, estimate)


def find_key(patterns: str, estimate: Estimate) -> str | None:
    """The first result key matching ``a|b`` (fnmatch patterns, tried in order).

    >>> from estimator.trace import step
    >>> e = _estimate(step("index.ann.memory", "Memory", "x", 1.0), step("index.ann.size", "S", "x", 2.0))
    >>> find_key("index.*size*|index.*memory*", e), find_key("llm.*", e)
    ('index.ann.size', None)
    """
    for pattern in (part.strip() for part in patterns.split("|")):
        # A plain key (every per-model and per-dataset placeholder) is looked up, not matched
        # against each result: scanning made a diagram of n datasets cost n × results.
        if not _WILDCARDS.search(pattern):
            if pattern in estimate.steps:
                return pattern
            continue
        for key in estimate.steps:
            if fnmatch.fnmatchcase(key, pattern):
                return key
    return None


_WILDCARDS = re.compile(r"[*?\[]")  # what makes an fnmatch pattern more than a plain key


def _number(value: float) -> str:
    """``3.0`` → ``'3'``; ``1.5`` → ``'1.5'``."""
    return f"{value:g}"


# ------------------------------------------------------------------- scenario parts

def _has(scenario: Scenario, needs: str | None) -> bool:
    """Whether the scenario has the part a node needs (``features.online`` ...)."""
    if needs is None:
        return True
    value: Any = scenario
    for part in needs.split("."):
        value = getattr(value, part, None)
    return bool(value)


def model_node_id(name: str) -> str:
    return f"model_{name}"


def dataset_node_id(name: str) -> str:
    return f"data_{name}"


def upstream_of_models(scenario: Scenario, service: str = "app") -> dict[str, str]:
    """Model name -> the node its requests come from: the serving funnel in order.

    The models that serving stages use form a chain in the order of the stages (candidate
    generation → ranking → re-ranking), the first fed by `service`; a model no stage uses is
    called by `service` directly.

    >>> from types import SimpleNamespace as NS
    >>> s = NS(models=[NS(name="ranking"), NS(name="retrieval"), NS(name="spam")],
    ...        serving=NS(stages=[NS(model="retrieval"), NS(model=None), NS(model="ranking")]))
    >>> upstream_of_models(s)
    {'retrieval': 'app', 'ranking': 'model_retrieval', 'spam': 'app'}
    """
    names = {model.name for model in scenario.models}
    upstream: dict[str, str] = {}
    previous = service
    for stage in scenario.serving.stages if scenario.serving else []:
        if stage.model in names and stage.model not in upstream:
            upstream[stage.model] = previous
            previous = model_node_id(stage.model)
    return upstream | {model.name: service for model in scenario.models if model.name not in upstream}


def _add_models(graph: Graph, scenario: Scenario, estimate: Estimate, kind: str) -> None:
    template = archetypes()["templates"]["model"]
    upstream = upstream_of_models(scenario)
    for model in scenario.models:  # every node first: an edge is drawn only between existing nodes
        _add_node(graph, model_node_id(model.name), kind, humanise(model.name), template["cluster"],
                  annotate(template["lines"], estimate, _model_context(model, upstream)))
    for model in scenario.models:
        for edge in template["edges"]:
            _add_edge(graph, edge, estimate, _model_context(model, upstream))


def _model_context(model: Any, upstream: dict[str, str]) -> dict[str, str]:
    return {"name": model.name, "accelerator": model.accelerator, "node": model_node_id(model.name),
            "upstream": upstream[model.name]}


def _add_datasets(graph: Graph, scenario: Scenario, estimate: Estimate) -> None:
    template = archetypes()["templates"]["dataset"]
    for dataset in scenario.data:
        node_id = dataset_node_id(dataset.name)
        context = {"name": dataset.name, "node": node_id}
        _add_node(graph, node_id, template["kind"], humanise(dataset.name), template["cluster"],
                  annotate(template["lines"], estimate, context))
        edges = template["example_edges"] if _holds_examples(dataset.name, estimate) else template["edges"]
        for edge in edges:
            _add_edge(graph, edge, estimate, context)


def _holds_examples(name: str, estimate: Estimate) -> bool:
    """Records counted in `example` are training examples: they go to training directly."""
    rate = estimate.steps.get(f"storage.{name}.records_per_second")
    return rate is not None and "[example]" in str(rate.value.dimensionality)


# Initialisms a design doc writes in capitals; a scenario's snake_case names lose them.
ACRONYMS = frozenset({"ab", "ann", "api", "cdn", "cpu", "ctr", "gpu", "hnsw", "id", "ivf", "kv", "llm", "ml",
                      "pq", "pymk", "qa", "rag"})


def humanise(name: str) -> str:
    """``candidate_generation`` → ``Candidate generation``; known initialisms in capitals.

    >>> humanise("ctr_ranker"), humanise("qa_log"), humanise("candidate_generation")
    ('CTR ranker', 'QA log', 'Candidate generation')
    """
    words = [word.upper() if word in ACRONYMS else word for word in name.replace("_", " ").split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _add_node(graph: Graph, node_id: str, kind: str, label: str, cluster: str | None,
              annotations: list[str]) -> None:
    graph.add_node(node_id, kind=kind, label=label, annotations=annotations, cluster=cluster)


def _add_edge(graph: Graph, edge: list[Any], estimate: Estimate, context: dict[str, str]) -> None:
    """Add one default edge; skipped when an end is not drawn (a part the scenario lacks).
    An optional fifth element holds layout hints (``{weight: 0}``), kept as edge attributes."""
    source, target, flow, lines, *hints = edge
    source, target = _substitute(source, context), _substitute(target, context)
    if source in graph and target in graph:
        layout = {"weight": int(hints[0]["weight"])} if hints and "weight" in hints[0] else {}
        graph.add_edge(source, target, flow=flow, label="\n".join(annotate(lines, estimate, context)), **layout)


# --------------------------------------------------------------------- components:

def apply_components(graph: Graph, scenario: Scenario) -> None:
    """Apply the scenario's `components:` changes; a reference to no component is a located error."""
    changes = scenario.components
    problems: list[Problem] = []

    def known(node_id: str, *path: Any) -> bool:
        if node_id in graph:
            return True
        problems.append(_problem(scenario, ("components", *path), "no such component", repr(node_id),
                                 "one of: " + ", ".join(sorted(graph)), did_you_mean(node_id, graph)))
        return False

    for index, node_id in enumerate(changes.remove):
        if known(node_id, "remove", index):
            graph.remove_node(node_id)
    for index, component in enumerate(changes.add):
        if component.id in graph:
            problems.append(_problem(scenario, ("components", "add", index, "id"), "component exists already",
                                     repr(component.id), "a new id, or `relabel` to rename it"))
            continue
        _add_node(graph, component.id, component.kind, component.label or humanise(component.id),
                  component.cluster, list(component.notes))
    for node_id, label in changes.relabel.items():
        if known(node_id, "relabel", node_id):
            graph.nodes[node_id]["label"] = label
    for index, ref in enumerate(changes.remove_flows):
        if not graph.has_edge(ref.source, ref.target):
            problems.append(_problem(scenario, ("components", "remove_flows", index), "no such flow",
                                     f"{ref.source} → {ref.target}", "a flow of the diagram"))
        else:
            graph.remove_edge(ref.source, ref.target)
    for index, flow in enumerate(changes.add_flows):
        ends = [known(flow.source, "add_flows", index, "source"), known(flow.target, "add_flows", index, "target")]
        if all(ends):
            graph.add_edge(flow.source, flow.target, flow=flow.flow, label=flow.label)
    if problems:
        raise ScenarioError(problems)


def _problem(scenario: Scenario, path: tuple[Any, ...], what: str, given: str, expected: str,
             hint: str | None = None) -> Problem:
    if scenario.source is None:
        dotted = ".".join(str(part) for part in path)
        return Problem("<scenario>", None, None, dotted, what, given=given, expected=expected, hint=hint)
    return scenario.source.problem(path, what, given=given, expected=expected, hint=hint)


def _estimate(*steps: Any) -> Estimate:
    """A tiny Estimate for doctests."""
    from estimator.conventions import periods_of
    from estimator.scenario import Conventions

    return Estimate("doctest", Conventions(), periods_of(Conventions()), {s.key: s for s in steps})
