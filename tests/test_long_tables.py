"""Tables of more rows than rich lays out (report.MAX_TABLE_ROWS): refused when asked for, compact
otherwise; and `envelope compare --format compact`, one line per result.

Refusals are checked word for word; the compact comparison of one bundled pair against a golden
file (regenerate with ENVELOPE_UPDATE_SNAPSHOTS=1 and review the diff).
"""

from __future__ import annotations

import os
import re
import sys

import pytest

from conftest import ROOT, on_terminal, run_cli
from estimator import report
from estimator.compare import compare
from estimator.compose import estimate
from estimator.scenario import load_scenario

sys.path.insert(0, str(ROOT / "benchmarks"))
from scaling import scenario_text  # noqa: E402 - the benchmarks' generator, shared

GOLDEN = ROOT / "tests" / "golden" / "compare"
AD, VIDEO = "scenarios/ad_click_prediction.yaml", "scenarios/video_recommendation.yaml"
INSTEAD = "use --format compact, markdown or json"


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    """Scenario files of 240 datasets (1,939 results) and 250 (2,019 results: just over the cap)."""
    folder = tmp_path_factory.mktemp("long")
    paths = {}
    for n in (240, 250):
        paths[n] = folder / f"datasets_{n}.yaml"
        paths[n].write_text(scenario_text(n), encoding="utf-8")
    return paths


def test_the_cap_is_two_thousand_rows():
    assert report.MAX_TABLE_ROWS == 2_000


def test_an_estimate_table_over_the_cap_is_refused_in_one_line(datasets):
    result = run_cli("estimate", str(datasets[250]), "--format", "table", "--samples", "0")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == ("--format: table: 2,019 rows, more than a table lays out (at most 2,000); "
                             f"{INSTEAD}\n")


def test_the_percentile_rows_count_towards_the_cap(datasets):
    # 1,939 results fit; with their percentiles (1,935 results the range reaches) they do not.
    result = run_cli("estimate", str(datasets[240]), "--format", "table", "--samples", "100")
    assert result.returncode == 2
    assert result.stderr == f"--format: table: 3,874 rows, more than a table lays out (at most 2,000); {INSTEAD}\n"


def test_results_over_the_cap_are_refused_before_sampling(datasets):
    # Sampled, 2,019 results would have their percentiles too: the rows counted are the results alone.
    result = run_cli("estimate", str(datasets[250]), "--format", "table", "--samples", "100")
    assert result.returncode == 2
    assert result.stderr == f"--format: table: 2,019 rows, more than a table lays out (at most 2,000); {INSTEAD}\n"


def test_a_comparison_table_over_the_cap_is_refused_in_one_line(datasets):
    result = run_cli("compare", str(datasets[250]), str(datasets[250]), "--format", "table")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"--format: table: 2,019 rows, more than a table lays out (at most 2,000); {INSTEAD}\n"


def test_compact_and_json_answer_where_the_table_is_refused(datasets):
    compact = run_cli("estimate", str(datasets[250]), "--format", "compact", "--samples", "0")
    assert compact.returncode == 0, compact.stderr
    assert len(compact.stdout.splitlines()) == 2 + 2_019  # two header lines, a line per result
    compared = run_cli("compare", str(datasets[250]), str(datasets[250]), "--format", "compact")
    assert compared.returncode == 0, compared.stderr
    assert len(compared.stdout.splitlines()) == 1 + 2_019


def test_choose_format_picks_compact_over_the_cap_without_measuring_the_table():
    measured = []

    def needed() -> int:
        measured.append(True)
        return 100

    assert report.choose_format(True, 200, needed, rows=2_000) == "table"
    assert measured == [True]
    assert report.choose_format(True, 200, needed, rows=2_001) == "compact"
    assert report.choose_format(True, 200, needed, rows=1_000_000) == "compact"
    assert report.choose_format(False, 200, needed, rows=10) == "compact"
    assert measured == [True]  # measuring lays the whole table out: never for a table not shown
    assert report.choose_format(True, 99, 100, rows=10) == "compact"


def test_a_wide_terminal_gets_the_compact_form_over_the_cap(datasets):
    shown = on_terminal(400, "estimate", str(datasets[250]), "--samples", "0")
    assert "│" not in shown
    assert "storage.d249.footprint = " in shown
    assert len(shown.splitlines()) == 2 + 2_019
    compared = on_terminal(400, "compare", str(datasets[250]), str(datasets[250]))
    assert "│" not in compared
    assert len(compared.splitlines()) == 1 + 2_019


def test_a_wide_terminal_still_gets_the_comparison_table_under_the_cap():
    shown = on_terminal(200, "compare", AD, VIDEO)
    assert " Result " in shown and " Relative " in shown and "─" * 20 in shown  # the header and rich's rule
    assert " = " not in shown


# ------------------------------------------------------------------------ compare --format compact

def test_compare_compact_matches_the_golden_file():
    result = run_cli("compare", AD, VIDEO, "--format", "compact")
    assert result.returncode == 0, result.stderr
    golden = GOLDEN / "ad_click_prediction-video_recommendation.txt"
    if os.environ.get("ENVELOPE_UPDATE_SNAPSHOTS"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(result.stdout, encoding="utf-8")
    assert golden.exists(), f"no {golden.relative_to(ROOT)}: run with ENVELOPE_UPDATE_SNAPSHOTS=1 and review it"
    assert result.stdout == golden.read_text(encoding="utf-8")


def test_compare_compact_is_one_line_per_result_in_order():
    rows = compare(estimate(load_scenario(ROOT / AD)), estimate(load_scenario(ROOT / VIDEO)))
    lines = run_cli("compare", AD, VIDEO, "--format", "compact").stdout.splitlines()
    assert lines[0] == "# Ad click prediction (A) → Video recommendation (B)"
    assert len(lines) == 1 + len(rows)
    line = re.compile(r"(?P<key>\S+) = (?P<a>.+) → (?P<b>.+) \((?P<change>.+), (?P<relative>[^,]+)\)  # (?P<label>.+)")
    parsed = [line.fullmatch(text) for text in lines[1:]]
    assert all(parsed), [text for text, match in zip(lines[1:], parsed) if not match]
    assert [(m["key"], m["label"]) for m in parsed] == [(row.key, row.label) for row in rows]  # type: ignore[index]
    assert "traffic.peak_qps = 712 k request/s → 116 k request/s (-596 k request/s, -83.7 %)  # Peak QPS" in lines


def test_compare_piped_without_a_format_is_compact():
    assert run_cli("compare", AD, VIDEO).stdout == run_cli("compare", AD, VIDEO, "--format", "compact").stdout


# ------------------------------------------------------------------- sweep, sensitivity and plan

def test_a_sweep_of_more_steps_than_a_table_lays_out_is_refused_without_a_csv():
    result = run_cli("sweep", AD, "--param", "traffic.daily_active_users=100M..1B", "--target", "traffic.peak_qps",
                     "--steps", "2001")
    assert result.returncode == 2
    assert result.stderr == ("--steps: table: 2,001 rows, more than a table lays out (at most 2,000); "
                             "write every step with --csv FILE, or ask for at most 2,000 steps\n")


def test_a_sweep_of_more_steps_than_a_table_lays_out_goes_to_its_csv(tmp_path):
    out = tmp_path / "s.csv"
    result = run_cli("sweep", AD, "--param", "traffic.daily_active_users=100M..1B", "--target", "traffic.peak_qps",
                     "--steps", "2001", "--csv", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("table: 2,001 rows, more than a table lays out (at most 2,000): not shown; "
                             f"the CSV has every step\nwrote {out}\n")
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1 + 2_001


def _swings(output: str) -> list[str]:
    """The Swing column of a tornado table as rich drew it (a row's first line holds its numbers)."""
    cells = [line.split("│") for line in output.splitlines() if line.startswith("│")]
    return [row[4].strip() for row in cells[1:] if len(row) > 4 and row[4].strip()]


def test_sensitivity_shows_the_largest_swings_up_to_the_cap(monkeypatch):
    from typer.testing import CliRunner

    from estimator.cli import app

    full = CliRunner().invoke(app, ["sensitivity", str(ROOT / VIDEO), "--target", "cost.monthly_total"])
    assert full.exit_code == 0, full.output
    swings = _swings(full.output)
    assert len(swings) > 2 and "left out" not in full.output
    monkeypatch.setattr(report, "MAX_TABLE_ROWS", 2)
    capped = CliRunner().invoke(app, ["sensitivity", str(ROOT / VIDEO), "--target", "cost.monthly_total"])
    assert capped.exit_code == 0, capped.output
    assert _swings(capped.output) == swings[:2]
    caption = " ".join(capped.output.split())
    assert (f"table: {len(swings):,} rows, more than a table lays out (at most 2): the {len(swings) - 2:,} "
            "smallest swings are left out.") in caption


def test_a_plan_table_over_the_cap_is_refused(monkeypatch):
    from typer.testing import CliRunner

    from estimator.cli import app

    monkeypatch.setattr(report, "MAX_TABLE_ROWS", 1)
    result = CliRunner().invoke(app, ["plan", str(ROOT / AD)])
    assert result.exit_code == 2
    assert re.fullmatch(r"--format: table: \d+ rows, more than a table lays out \(at most 1\); "
                        r"use --format json or csv\n", result.output), result.output
    assert CliRunner().invoke(app, ["plan", str(ROOT / AD), "--format", "json"]).exit_code == 0
