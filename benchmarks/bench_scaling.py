"""Scaling: time per item of estimate, report and diagram as a scenario grows 10× and 100×, and
whole `envelope` processes on the largest file the loader accepts.

Each stage runs on generated scenarios (benchmarks/scaling.py: merge keys make 1,000 datasets a
30 KB file) of 10, 100 and 1,000 datasets, models or added components, and 10, 100 and 200
serving stages (their cap: a stage costs twice a dataset, and a real funnel has a handful). The
figure is the time per item at the larger size against the time per item at the next smaller
one, measured in the same run: near 1× is linear, 10× would be quadratic.

* estimate: load (which also checks the scenario as every command does) and the point estimate;
* report: the Markdown of the estimate and the 7-step notes;
* diagram: the architecture graph and its Graphviz source; a diagram draws at most
  diagrams_lib.render.MAX_COMPONENTS components, so its largest size is 250 items.

Then each command runs as a whole process (``validate``, ``estimate`` as JSON and as a table,
``report``, ``diagram`` left to right and top to bottom, ``compare`` of the file with itself as JSON
and compact) on the largest
accepted file of each kind: every list at its cap
(estimator/scenario/limits.py), stages and datasets filling the total cap together, the most
components a diagram draws (once in a column, once wide and tall: long labels, chained flows,
every serving stage, the drawing whose PNG is bounded by its area), and a file of
source.MAX_BYTES that is mostly long text. A row per command gives the slowest of them against
the goal of 3 s, with the floor process of bench_cli_cold_start (the libraries and unit
registry, no Envelope) as the baseline; a refusal with exit status 2 (sampling over its budget,
a diagram over its drawing cap, a table of more rows than report.MAX_TABLE_ROWS) is an answer
too, and is timed like one.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from pathlib import Path

from bench_cli_cold_start import FLOOR_CODE
from harness import Row, median, run_process
from scaling import KINDS, drawing_text, mixed_text, padded_text, scenario_text

GOAL = "≤ 2× per item"
WHOLE_GOAL = "< 3 s"
SIZES = (10, 100, 1_000)
DIAGRAM_SIZES = (10, 100, 250)
# Each command's arguments: {file} is the largest file, {out} a temporary folder. compare reads
# the file twice (A and B), the most results a comparison holds.
COMMANDS = {"validate": ["validate", "{file}"], "estimate --format json": ["estimate", "{file}", "--format", "json"],
            "estimate --format table": ["estimate", "{file}", "--format", "table"],
            "report": ["report", "{file}", "-o", "{out}/notes", "--force"],
            "diagram": ["diagram", "{file}", "-o", "{out}/diagram.png", "--force"],
            "diagram --direction TB": ["diagram", "{file}", "-o", "{out}/diagram.png", "--direction", "TB", "--force"],
            "compare --format json": ["compare", "{file}", "{file}", "--format", "json"],
            "compare --format compact": ["compare", "{file}", "{file}", "--format", "compact"]}


def _timed(function, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return median(times)


def _per_item_rows(quick: bool) -> list[Row]:
    repeats = 1 if quick else 3
    sizes, diagram_sizes = (SIZES[:2], DIAGRAM_SIZES[:2]) if quick else (SIZES, DIAGRAM_SIZES)
    return [row for kind in KINDS
            for row in _kind_rows(kind, _within(sizes, kind), _within(diagram_sizes, kind), repeats)]


def _within(sizes: tuple[int, ...], kind: str) -> tuple[int, ...]:
    """``sizes`` up to the kind's cap, the cap itself last when it cuts them (serving stages: 10, 100, 200)."""
    cap = caps()[kind]
    return tuple(dict.fromkeys([*(n for n in sizes if n < cap), min(cap, sizes[-1])]))  # each size once


def caps() -> dict[str, int]:
    """The most items of each kind a scenario may hold (estimator/scenario/limits.py)."""
    from estimator.scenario import limits

    return {"datasets": limits.MAX_DATASETS, "stages": limits.MAX_STAGES, "models": limits.MAX_MODELS,
            "components": limits.MAX_COMPONENTS}


def _kind_rows(kind: str, sizes: tuple[int, ...], diagram_sizes: tuple[int, ...], repeats: int) -> list[Row]:
    from diagrams_lib.graph import build_graph
    from diagrams_lib.render import to_dot
    from estimator.compose import estimate
    from estimator.notes import to_notes
    from estimator.report import to_markdown
    from estimator.scenario import load_scenario_text

    loaded = {}

    def load_and_estimate(n: int) -> None:
        scenario = load_scenario_text(scenario_text(n, kind), f"{n}.yaml")
        loaded[n] = (scenario, estimate(scenario))

    def report(n: int) -> None:
        scenario, result = loaded[n]
        result = dataclasses.replace(result)  # a fresh copy: no working line kept from the last run
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
            rows.append(Row(f"Scaling {stage}: per {kind[:-1]} at {larger:,} {kind}", per_item[larger],
                            per_item[smaller], f"per {kind[:-1]} at {smaller:,}", GOAL, ("ratio", 2.0),
                            runs=repeats, extra={"stage": stage, "kind": kind, "sizes": [smaller, larger],
                                                 "seconds": {str(k): v * k for k, v in per_item.items()}}))
    return rows


def largest_files(folder: Path, quick: bool) -> dict[str, Path]:
    """The largest accepted file of each kind, written into ``folder``; by name."""
    from diagrams_lib.render import MAX_COMPONENTS
    from estimator.scenario.limits import MAX_ESTIMATED, weight
    from estimator.scenario.source import MAX_BYTES

    texts = {f"{cap:,} {kind}": scenario_text(cap, kind) for kind, cap in caps().items()}
    stages = caps()["stages"]
    datasets = MAX_ESTIMATED - stages * weight(("serving", "stages"))
    texts[f"{stages:,} stages + {datasets:,} datasets"] = mixed_text(stages, datasets)
    texts[f"{MAX_BYTES:,} bytes of text"] = padded_text(MAX_BYTES)
    # The most components a diagram draws: the archetype's own and one per added component.
    texts[f"{MAX_COMPONENTS:,} components drawn"] = scenario_text(
        MAX_COMPONENTS - _archetype_nodes(scenario_text(1, "components")), "components")
    # As many drawn, wide and tall: long labels, chained flows, every serving stage beside them (its
    # PNG, bounded by the longer side alone, was a 264 Mpx bitmap: 8.7 s and 1 GB top to bottom).
    beside = {"stages": stages, "datasets": 50, "models": 50}
    drawn = MAX_COMPONENTS - _archetype_nodes(drawing_text(1, **beside))
    texts[f"{MAX_COMPONENTS:,} components drawn with long labels + {stages:,} stages"] = drawing_text(drawn, **beside)
    if quick:
        texts = {name: text for name, text in texts.items() if "datasets" in name or "bytes" in name}
    paths = {}
    for index, (name, text) in enumerate(texts.items()):
        paths[name] = folder / f"largest_{index}.yaml"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def _archetype_nodes(text_of_one: str) -> int:
    """The components drawn for a scenario besides those it adds: ``text_of_one`` adds one."""
    from diagrams_lib.graph import build_graph
    from estimator.compose import estimate
    from estimator.scenario import load_scenario_text

    scenario = load_scenario_text(text_of_one, "one.yaml")
    return build_graph(scenario, estimate(scenario)).number_of_nodes() - 1


def _whole_process_rows(quick: bool) -> list[Row]:
    script = Path(sys.executable).with_name("envelope")
    head = [str(script)] if script.exists() else [sys.executable, "-m", "estimator"]
    floor = [sys.executable, "-c", FLOOR_CODE]
    repeats = 1 if quick else 3
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        files = largest_files(Path(folder), quick)
        floor_seconds = median([run_process(floor)[0] for _ in range(repeats)])
        for command, argv in COMMANDS.items():
            seconds: dict[str, float] = {}
            memory: dict[str, float] = {}
            for name, path in files.items():
                full = [*head, *(part.format(file=path, out=folder) for part in argv)]
                runs = [run_process(full, accept=(0, 2)) for _ in range(repeats)]
                seconds[name], memory[name] = median([r[0] for r in runs]), max(r[1] for r in runs)
            slowest = max(seconds, key=seconds.__getitem__)
            rows.append(Row(f"Scaling whole process: `envelope {command}` on the largest accepted file (slowest: "
                            f"{slowest})", seconds[slowest], floor_seconds, "CLI floor process (bench_cli_cold_start)",
                            WHOLE_GOAL, ("median", 3.0), runs=repeats,
                            note=f"peak memory {max(memory.values()):,.0f} MB (goal < 1,024 MB)",
                            extra={"seconds": seconds, "peak_mb": memory}))
    return rows


def run(quick: bool) -> list[Row]:
    return _per_item_rows(quick) + _whole_process_rows(quick)
