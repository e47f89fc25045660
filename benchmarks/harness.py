"""Shared machinery of the benchmarks: timing, interleaving, rows and result files.

Every figure is a ratio against a baseline measured in the same run, with subject and
baseline runs interleaved, so a machine that is busy (CI, other jobs) slows both alike and
the ratio still holds. Medians, not means: one hiccup should not move the result.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


@dataclass
class Row:
    """One line of RESULTS.md: a subject's median against a baseline's median.

    ``limit`` is how ``met`` is decided: ("ratio", x) means ratio ≤ x, ("median", x) means
    median ≤ x (in the row's unit), None means the figure is reported without a goal.
    """

    what: str
    median: float | None
    baseline: float | None
    baseline_what: str
    goal: str
    limit: tuple[str, float] | None
    unit: str = "s"
    note: str = ""
    runs: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.median is None or not self.baseline:
            return None
        return self.median / self.baseline

    @property
    def met(self) -> bool | None:
        if self.limit is None or self.median is None:
            return None
        kind, bound = self.limit
        value = self.ratio if kind == "ratio" else self.median
        return None if value is None else value <= bound

    def as_json(self) -> dict:
        data = asdict(self)
        data["limit"] = list(self.limit) if self.limit else None
        data["ratio"] = self.ratio
        data["met"] = self.met
        return data


def not_measured(what: str, subject: str, goal: str) -> Row:
    """The row for a benchmark whose subject is not in the code base (yet)."""
    return Row(what, None, None, "", goal, None, note=f"not measured: {subject} not available")


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def interleaved(subject: Callable[[], object], baseline: Callable[[], object], repeats: int,
                warmup: int = 1) -> tuple[list[float], list[float]]:
    """Time ``subject`` and ``baseline`` alternately, swapping which goes first each round.

    Returns the seconds of each run of each. Warm-up rounds are run and thrown away.
    """
    times: tuple[list[float], list[float]] = ([], [])
    for round_ in range(warmup + repeats):
        order = ((0, subject), (1, baseline)) if round_ % 2 == 0 else ((1, baseline), (0, subject))
        for index, function in order:
            start = time.perf_counter()
            function()
            elapsed = time.perf_counter() - start
            if round_ >= warmup:
                times[index].append(elapsed)
    return times


def run_process(argv: Sequence[str], cwd: Path = ROOT, env: dict | None = None,
                accept: Sequence[int] = (0,)) -> tuple[float, float]:
    """Run a process to completion; return (wall seconds, its own peak RSS in MB).

    An exit status not in ``accept`` is an error (a refusal with status 2 may be the answer).

    os.wait4 gives the rusage of this one child; resource.getrusage(RUSAGE_CHILDREN) would
    give the maximum over every child so far, which never goes down.
    """
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    if process.returncode not in accept:
        raise RuntimeError(f"{' '.join(map(str, argv))} exited {process.returncode}: {stderr.strip()[-2000:]}")
    # ru_maxrss is in kilobytes on Linux.
    return elapsed, usage.ru_maxrss / 1024


def bundled_scenarios() -> list[Path]:
    return sorted(SCENARIOS.glob("*.yaml"))


def progress(message: str) -> None:
    print(message, flush=True)


# ----------------------------------------------------------------------------- output

def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        if value < 1e-3:
            return f"{value * 1e6:.3g} µs"
        if value < 1:
            return f"{value * 1e3:.3g} ms"
        return f"{value:.3g} s"
    return f"{value:.3g} {unit}"


def markdown(rows: Sequence[Row], meta: dict) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Run on {meta['date']} · {meta['machine']} · Python {meta['python']} · "
        f"{meta['cpus']} CPUs · mode: {'quick' if meta['quick'] else 'full'} · took {meta['seconds']:.0f} s · "
        f"load average at the end {meta['load_average']:.1f} (other jobs share this machine).",
        "",
        "Each ratio is the subject's median over the baseline's median, both measured in the same run with",
        "their runs interleaved (see benchmarks/harness.py). `make bench` regenerates this file.",
        "",
        "| what | median | baseline | ratio | goal | met? | note |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        baseline = f"{_number(row.baseline, row.unit)} ({row.baseline_what})" if row.baseline is not None else "—"
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "—"
        met = {True: "yes", False: "**no**", None: "—"}[row.met]
        note = row.note.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {row.what} | {_number(row.median, row.unit)} | {baseline} | {ratio} | {row.goal} | {met} "
                     f"| {note} |")
    return "\n".join(lines) + "\n"


def write_results(rows: Sequence[Row], meta: dict, output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    (output / "results.json").write_text(
        json.dumps({"meta": meta, "rows": [row.as_json() for row in rows]}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8")
    (output / "RESULTS.md").write_text(markdown(rows, meta), encoding="utf-8")


def machine_meta(quick: bool, seconds: float) -> dict:
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": platform.platform(),
            "python": platform.python_version(), "cpus": os.cpu_count(), "quick": quick, "seconds": seconds,
            "executable": sys.executable, "load_average": os.getloadavg()[0]}
