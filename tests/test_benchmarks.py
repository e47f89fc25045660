"""The benchmarks run once in quick mode so that they cannot rot; timings are not asserted.

Quick mode still checks what the benchmarks themselves check: the CLI's JSON parses, the
three Monte Carlo models agree on every median, a sweep gives one result per step.
"""

from __future__ import annotations

import doctest
import json
import subprocess
import sys

from conftest import ROOT

BENCHMARKS = ROOT / "benchmarks"
COLUMNS = ("what", "median", "baseline", "ratio", "goal")


def test_quick_benchmarks_write_well_formed_results(tmp_path):
    committed = (BENCHMARKS / "RESULTS.md").read_bytes() if (BENCHMARKS / "RESULTS.md").exists() else None
    run = subprocess.run([sys.executable, str(BENCHMARKS / "run.py"), "--quick", "--output", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "== cli_cold_start" in run.stdout  # progress is printed as it goes

    document = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert document["meta"]["quick"] is True
    rows = document["rows"]
    names = " ".join(row["what"] for row in rows)
    for subject in ("CLI cold start", "Warm estimate", "Monte Carlo", "Sweep", "Plan", "Diagram", "UI",
                    "Scaling estimate", "Scaling report", "Scaling diagram"):
        assert subject in names, f"no row for {subject}"
    for row in rows:
        assert all(column in row for column in COLUMNS), row
        assert isinstance(row["what"], str) and row["goal"]
        if row["note"].startswith("not measured"):
            assert row["median"] is None and row["met"] is None
            continue
        assert row["median"] > 0 and row["baseline"] > 0, row
        assert abs(row["ratio"] - row["median"] / row["baseline"]) < 1e-9
        assert row["met"] in (True, False, None)

    table = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    assert "| what | median | baseline | ratio | goal | met? | note |" in table
    assert table.count("\n| ") - 2 == len(rows)  # one table line per row, after the header and its rule
    after = (BENCHMARKS / "RESULTS.md").read_bytes() if (BENCHMARKS / "RESULTS.md").exists() else None
    assert after == committed, "the test run must not overwrite the committed RESULTS.md"


def test_reference_models_doctests():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import mc_reference
    finally:
        sys.path.remove(str(BENCHMARKS))
    failures, tried = doctest.testmod(mc_reference)
    assert tried >= 3 and failures == 0


def test_estimate_path_imports_nothing_it_does_not_need():
    """`envelope estimate --format json` must not load the UI, diagram or statistics stacks."""
    code = ("import sys, io, contextlib\n"
            "from estimator.cli import main\n"
            f"sys.argv = ['envelope', 'estimate', {str(ROOT / 'scenarios' / 'video_recommendation.yaml')!r}, "
            "'--format', 'json']\n"
            "out = io.StringIO()\n"
            "with contextlib.redirect_stdout(out):\n"
            "    try:\n        main()\n    except SystemExit as exit:\n        assert not exit.code, exit.code\n"
            "assert out.getvalue().startswith('{')\n"
            "print(' '.join(sorted(sys.modules)))\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    loaded = set(run.stdout.split())
    # Bare `scipy` is imported by pint itself (pint.compat), so the floor pays it too; its
    # submodules are what cost seconds.
    heavy = {"streamlit", "diagrams", "graphviz", "networkx", "scipy.stats", "scipy.special", "statsmodels",
             "pandas", "altair", "squigglepy", "rich"}
    assert not heavy & loaded, sorted(heavy & loaded)
