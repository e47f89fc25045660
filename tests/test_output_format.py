"""`envelope estimate` output for pipes, files and narrow terminals: one line per result.

The CLI runner's stdout is a pipe, so the default there is the compact form; a pseudo-terminal
of a chosen width shows when the rich table is kept.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, on_terminal, run_cli
from estimator import report
from estimator.scenario import load_scenario_text
from estimator.uncertainty import sample_estimate

VIDEO = "scenarios/video_recommendation.yaml"
TINY = """name: Tiny
traffic:
  daily_active_users: {low: 1 million user, high: 4 million user}
  requests_per_user_per_day: 10 request/user/day
  request_size: 2 KB
"""


def test_compact_form_is_one_line_per_result_and_percentiles_only_where_a_range_reaches():
    spread = sample_estimate(load_scenario_text(TINY, "tiny.yaml"), 1_000, 1)
    assert report.to_compact(spread.point, spread).splitlines() == [
        "# Tiny",
        "# Conventions: 1 day = 86,400 s; 1 month = 2,629,746 s; 1 year = 31,556,952 s; "
        "storage in decimal units (1 GB = 10^9 B); peak = 2 × average.",
        "traffic.average_qps = 231 request/s  # Average QPS",
        "traffic.peak_qps = 463 request/s  # Peak QPS",
        "traffic.requests_per_day = 20.0 M request/day  # Requests per day",
        "traffic.requests_per_month = 609 M request/month  # Requests per month",
        "traffic.write_qps = 0 request/s  # Average write QPS",
        "traffic.read_qps = 231 request/s  # Average read QPS",
        "traffic.ingress_bandwidth = 926 kB/s  # Peak ingress bandwidth",
        "traffic.egress_bandwidth = 0 B/s  # Peak egress bandwidth",
        "traffic.egress_per_month = 0 B/month  # Egress per month",
        "cost.egress_monthly = $0/month  # Monthly egress cost",
        "cost.monthly_total = $0/month  # Total monthly cost",
        "cost.per_1000_requests = $0  # Cost per 1,000 requests, all in (everything in the total monthly cost)",
        "# Uncertainty: p5 / p50 / p95 over 1,000 samples (seed 1); "
        "the values above are the point estimate, every range at its median.",
        "traffic.average_qps: p5 116 request/s, p50 228 request/s, p95 454 request/s",
        "traffic.peak_qps: p5 231 request/s, p50 457 request/s, p95 909 request/s",
        "traffic.requests_per_day: p5 9.99 M request/day, p50 19.7 M request/day, p95 39.3 M request/day",
        "traffic.requests_per_month: p5 304 M request/month, p50 600 M request/month, p95 1.20 G request/month",
        "traffic.read_qps: p5 116 request/s, p50 228 request/s, p95 454 request/s",
        "traffic.ingress_bandwidth: p5 462 kB/s, p50 913 kB/s, p95 1.82 MB/s",
    ]


def test_piped_estimate_is_compact_and_greppable():
    result = run_cli("estimate", VIDEO)
    assert result.returncode == 0, result.stderr
    assert result.stdout == run_cli("estimate", VIDEO, "--format", "compact").stdout
    lines = result.stdout.splitlines()
    assert "traffic.peak_qps = 116 k request/s  # Peak QPS" in lines
    assert [line for line in lines if line.startswith("serving.accelerators")] == [
        "serving.accelerators = 105 GPU  # Accelerators for serving",
        "serving.accelerators: p5 41 GPU, p50 105 GPU, p95 279 GPU"]
    assert "│" not in result.stdout  # no table drawing
    assert len(lines) == 183  # 123 results, 3 guardrails, 54 ranged results, 3 headers


def _run_with(env_extra: dict[str, str], *args: str) -> str:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "LANG": "C.UTF-8", **env_extra}
    result = subprocess.run([sys.executable, "-m", "estimator", *args], cwd=ROOT, capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_piped_output_does_not_depend_on_columns():
    narrow = _run_with({"COLUMNS": "40"}, "estimate", VIDEO, "--samples", "0")
    assert narrow == _run_with({"COLUMNS": "400"}, "estimate", VIDEO, "--samples", "0")
    assert narrow == _run_with({}, "estimate", VIDEO, "--samples", "0")


def test_table_can_be_forced_when_piped():
    result = run_cli("estimate", VIDEO, "--format", "table", "--samples", "0")
    assert result.returncode == 0
    assert "│ Traffic       │ Daily active users" in result.stdout


@pytest.mark.parametrize("columns, table", [(200, True), (120, False)])
def test_a_terminal_gets_the_table_only_when_it_is_wide_enough(columns, table):
    shown = on_terminal(columns, "estimate", VIDEO, "--samples", "0")
    assert ("│ Traffic       │ Daily active users" in shown) is table
    assert ("traffic.peak_qps = 116 k request/s  # Peak QPS" in shown) is not table
