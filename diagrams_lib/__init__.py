"""Architecture diagrams of Envelope estimates: the graph, then the picture.

- ``architecture`` the archetype's default components (``archetypes.yaml``), the scenario's models,
  datasets and ``components:`` changes, the numbers written on them: pure, no networkx;
- ``graph``        ``build_graph(scenario, estimate)``: that architecture as a ``networkx.DiGraph``;
- ``render``       the only importer of mingrammer's ``diagrams``: PNG, SVG, PDF or DOT (icons per
  theme in ``themes.yaml``), and ``Diagram``, which shows inline in Jupyter.

The names (kinds, flows, clusters, themes) come from ``estimator.vocabulary``.
"""
