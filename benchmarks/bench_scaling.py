"""Scaling: the time per dataset of estimate, report and diagram as a scenario grows 10× and 100×.

Each stage runs on generated scenarios (benchmarks/scaling.py: merge keys make 1,000 datasets a
30 KB file). The figure is the time per dataset at the larger size against the time per dataset
at the next smaller one, measured in the same run: near 1× is linear, 10× would be quadratic.

* estimate: load (which also checks the scenario as every command does) and the point estimate;
* report: the Markdown of the estimate and the 7-step notes;
* diagram: the architecture graph and its Graphviz source; a diagram draws at most
  diagrams_lib.render.MAX_COMPONENTS components, so its largest size is 250 datasets.
"""

from __future__ import annotations

import time

from harness import Row, median
from scaling import scenario_text

GOAL = "≤ 2× per dataset"
SIZES = (10, 100, 1_000)
DIAGRAM_SIZES = (10, 100, 250)


def _timed(function, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return median(times)


def run(quick: bool) -> list[Row]:
    from diagrams_lib.graph import build_graph
    from diagrams_lib.render import to_dot
    from estimator.compose import estimate
    from estimator.notes import to_notes
    from estimator.report import to_markdown
    from estimator.scenario import load_scenario_text

    repeats = 1 if quick else 3
    sizes, diagram_sizes = (SIZES[:2], DIAGRAM_SIZES[:2]) if quick else (SIZES, DIAGRAM_SIZES)
    loaded = {}

    def load_and_estimate(n: int) -> None:
        scenario = load_scenario_text(scenario_text(n), f"{n}.yaml")
        loaded[n] = (scenario, estimate(scenario))

    def report(n: int) -> None:
        scenario, result = loaded[n]
        to_markdown(result)
        to_notes(scenario, result)

    def diagram(n: int) -> None:
        scenario, result = loaded[n]
        to_dot(build_graph(scenario, result))

    rows: list[Row] = []
    for stage, function, stage_sizes in (("estimate", load_and_estimate, sizes), ("report", report, sizes),
                                         ("diagram", diagram, diagram_sizes)):
        per_item = {}
        for n in stage_sizes:
            if n not in loaded:
                load_and_estimate(n)
            per_item[n] = _timed(lambda n=n, f=function: f(n), repeats) / n
        for smaller, larger in zip(stage_sizes, stage_sizes[1:]):
            row = Row(f"Scaling {stage}: per dataset at {larger:,} datasets", per_item[larger], per_item[smaller],
                      f"per dataset at {smaller:,}", GOAL, ("ratio", 2.0), runs=repeats,
                      extra={"stage": stage, "sizes": [smaller, larger],
                             "seconds": {str(k): v * k for k, v in per_item.items()}})
            rows.append(row)
    return rows
