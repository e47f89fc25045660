"""build_graph(scenario, estimate) -> networkx.DiGraph: the architecture, with the numbers on it.

Pure: no Graphviz, no `diagrams` (render.py draws the graph). What goes into the graph is
diagrams_lib.architecture's (the archetype's defaults, the scenario's models, datasets and
`components:` changes); this module only brings networkx, which the estimate does not need.

The graph contract (what render.py draws) is described at the top of render.py.
"""

from __future__ import annotations

import networkx as nx  # type: ignore[import-untyped]

from diagrams_lib.architecture import (annotate, apply_components, archetypes, find_key, humanise, populate,
                                       subtitle)
from estimator.compose import Estimate
from estimator.scenario import Scenario

__all__ = ["annotate", "apply_components", "archetypes", "build_graph", "find_key", "humanise", "subtitle"]


def build_graph(scenario: Scenario, estimate: Estimate) -> nx.DiGraph:
    """The scenario's architecture as a networkx.DiGraph (title and subtitle in ``graph.graph``)."""
    return populate(nx.DiGraph(), scenario, estimate)
