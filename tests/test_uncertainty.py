"""Ranges, sampling, sensitivity, sweeps and comparison: checked against analytic answers."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pint
import pytest

from conftest import ROOT, SCENARIOS, run_cli
from estimator.compare import compare
from estimator.errors import ScenarioError, UsageError
from estimator.compose import estimate
from estimator.ranges import Z90, Range, at_medians, iter_ranges
from estimator.scenario import load_scenario, load_scenario_text
from estimator.uncertainty import sample_estimate, sweep, sweep_bounds, sweepable, tornado
from estimator.units import Q_
from estimator.walk import map_values

TWO_RANGES = """
name: Two ranges
traffic:
  daily_active_users: {low: %s, high: %s}
  requests_per_user_per_day: {low: %s, high: %s}
"""


def scenario_text(dau=("100 million user", "900 million user"), rpu=("4 request/user/day", "16 request/user/day")):
    return load_scenario_text(TWO_RANGES % (*dau, *rpu), "two.yaml")


# ------------------------------------------------------------------------------ sampling

def test_product_of_two_lognormals_has_the_analytic_percentiles():
    # ln(DAU × rate) is normal: means add, variances add. 90 % intervals give σ = ln(high/low) / (2 z).
    spread = sample_estimate(scenario_text(), samples=200_000, seed=3)
    sigma = math.hypot(math.log(9) / (2 * Z90), math.log(4) / (2 * Z90))
    median = math.sqrt(100e6 * 900e6) * math.sqrt(4 * 16) / 86400
    p5, p50, p95 = (q.to("request/s").magnitude for q in spread.intervals["traffic.average_qps"])
    assert p50 == pytest.approx(median, rel=0.01)
    assert p5 == pytest.approx(median * math.exp(-Z90 * sigma), rel=0.02)
    assert p95 == pytest.approx(median * math.exp(Z90 * sigma), rel=0.02)


@pytest.mark.parametrize("dist, low, high, median", [
    ("uniform", 2.0, 6.0, 4.0), ("normal", 2.0, 6.0, 4.0), ("lognormal", 2.0, 8.0, 4.0)])
def test_each_distribution_reads_low_and_high_as_documented(dist, low, high, median):
    r = Range(low, high, dist)
    draws = r.sample(200_000, np.random.default_rng(0))
    assert r.median() == pytest.approx(median)
    assert np.median(draws) == pytest.approx(median, rel=0.01)
    lo, hi = np.percentile(draws, [0, 100] if dist == "uniform" else [5, 95])
    assert (lo, hi) == pytest.approx((low, high), rel=0.02)


def test_triangular_median_and_samples_agree():
    r = Range(Q_(1.0, "B"), Q_(10.0, "B"), "triangular", mode=Q_(2.0, "B"))
    draws = r.sample(200_000, np.random.default_rng(1))
    assert np.median(draws.magnitude) == pytest.approx(r.median().magnitude, rel=0.01)
    assert draws.magnitude.min() >= 1.0 and draws.magnitude.max() <= 10.0


def test_samples_are_clipped_to_the_fields_limits():
    s = load_scenario_text("""
name: clip
traffic:
  daily_active_users: 1 million user
  requests_per_user_per_day: 10 request/user/day
  write_fraction: {low: 0.5, high: 0.99, dist: normal}
""", "clip.yaml")
    spread = sample_estimate(s, samples=50_000, seed=0)
    write_share = spread.draws["traffic.write_qps"] / spread.draws["traffic.average_qps"]
    assert 0 <= write_share.magnitude.min() and write_share.magnitude.max() <= 1.0 + 1e-12


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_input_as_an_array_gives_the_point_values(path):
    """The calc blocks broadcast: each input as an array of 7 equal values gives the point results."""
    point_scenario = at_medians(load_scenario(path))
    # An A/B test's number of arms is structure (compose.py takes int() of it), not a guess to sample.
    inputs = {p for p in sweepable(point_scenario) if not p.endswith(".ab_test.arms")}

    def as_array(p, value):
        if p not in inputs:
            return value
        if isinstance(value, pint.Quantity):
            return Q_(np.full(7, value.magnitude), value.units)
        return np.full(7, value)

    point = estimate(point_scenario)
    arrays = estimate(map_values(point_scenario, as_array, skip=("catalog", "framing")))
    assert [s.key for s in arrays] == [s.key for s in point]
    for result in point:
        got = np.broadcast_to(arrays[result.key].to(result.value.units).magnitude, (7,))
        assert got == pytest.approx(np.full(7, result.value.magnitude), rel=1e-12, abs=0), result.key


def test_a_point_scenario_through_the_sampler_has_no_spread():
    s = load_scenario(ROOT / "scenarios" / "video_recommendation.yaml")
    spread = sample_estimate(at_medians(s), samples=100, seed=0)
    for result in spread.point:
        assert tuple(spread.intervals[result.key]) == (result.value,) * 3


def test_the_seed_fixes_the_samples():
    a = sample_estimate(scenario_text(), samples=1000, seed=5).intervals["traffic.peak_qps"]
    b = sample_estimate(scenario_text(), samples=1000, seed=5).intervals["traffic.peak_qps"]
    c = sample_estimate(scenario_text(), samples=1000, seed=6).intervals["traffic.peak_qps"]
    assert tuple(a) == tuple(b) and tuple(a) != tuple(c)


# ----------------------------------------------------------------------------- validation

@pytest.mark.parametrize("value, message", [
    ("{low: 800 million user, high: 300 million user}",
     "traffic.daily_active_users.low: range low above high: given low '800 million user', "
     "high '300 million user', expected low at most high"),
    ("{low: 300 million user, high: 3 GB}", "traffic.daily_active_users.high: wrong dimension: given '3 GB'"),
    ("{low: 300 million user, high: 800 million user, dist: gamma}",
     "traffic.daily_active_users.dist: unknown distribution: given 'gamma', expected one of: lognormal, normal, "
     "triangular, uniform"),
    ("{low: 300 million user}", "traffic.daily_active_users: range without high"),
    # daily_active_users must be above 0 (results divide by the traffic): the low side says so first
    ("{low: 0 user, high: 8 user}", "traffic.daily_active_users.low: zero: given '0 user', expected more than 0"),
    ("{low: 1 user, high: 8 user, dist: triangular}", "traffic.daily_active_users.dist: a triangular range needs a mode"),
    ("{low: 1 user, high: 8 user, dist: triangular, mode: 9 user}", "traffic.daily_active_users.mode: mode outside"),
    ("{low: 1 user, hi: 8 user}", "traffic.daily_active_users.hi: unknown key in a range"),
])
def test_range_mistakes_get_one_located_message(value, message):
    text = f"name: r\ntraffic:\n  daily_active_users: {value}\n  requests_per_user_per_day: 10 request/user/day\n"
    with pytest.raises(ScenarioError) as error:
        load_scenario_text(text, "r.yaml")
    assert str(error.value).startswith("r.yaml:3:")
    assert message in str(error.value)


def test_conventions_are_choices_not_ranges():
    with pytest.raises(ScenarioError, match="conventions.day: not a quantity"):
        load_scenario_text("name: c\nconventions:\n  day: {low: 86400 s, high: 1e5 s}\ntraffic:\n"
                           "  requests: 10 request/s\n", "c.yaml")


def test_a_range_round_trips_through_model_dump():
    s = scenario_text()
    dumped = s.model_dump(mode="json")["traffic"]["daily_active_users"]
    assert dumped == {"low": "100000000.0 user", "high": "900000000.0 user", "dist": "lognormal"}


# --------------------------------------------------------------------------- sensitivity

@pytest.mark.parametrize("wide_first", [True, False])
def test_sensitivity_ranks_the_dominant_input_first(wide_first):
    wide, narrow = ("10 million user", "1 billion user"), ("9 request/user/day", "11 request/user/day")
    if wide_first:
        s = scenario_text(dau=wide, rpu=narrow)
        dominant = "traffic.daily_active_users"
    else:
        s = scenario_text(dau=("99 million user", "101 million user"), rpu=("1 request/user/day", "100 request/user/day"))
        dominant = "traffic.requests_per_user_per_day"
    rows = tornado(s, "traffic.peak_qps")
    assert [row.input for row in rows][0] == dominant
    # peak = 2 × DAU × rate / 86,400 s, so the swing is analytic.
    top = rows[0]
    assert top.at_high.magnitude > top.at_low.magnitude


def test_sensitivity_swing_is_the_formula_at_the_ends():
    rows = {row.input: row for row in tornado(scenario_text(), "traffic.average_qps")}
    dau = rows["traffic.daily_active_users"]
    rate = math.sqrt(4 * 16) / 86400
    assert dau.at_low.magnitude == pytest.approx(100e6 * rate)
    assert dau.at_high.magnitude == pytest.approx(900e6 * rate)


def test_sensitivity_needs_ranges_and_a_known_target():
    with pytest.raises(UsageError, match="needs ranges"):
        tornado(at_medians(scenario_text()), "traffic.peak_qps")
    with pytest.raises(UsageError, match="did you mean 'traffic.peak_qps'"):
        tornado(scenario_text(), "traffic.peak_qpz")


# -------------------------------------------------------------------------------- sweeps

def test_sweep_is_linear_where_the_formula_is():
    s = scenario_text()
    path, low, high = sweep_bounds(s, "traffic.daily_active_users=100M..1B", lambda more: load_scenario_text(
        TWO_RANGES % ("100 million user", "900 million user", "4 request/user/day", "16 request/user/day"), "two.yaml",
        more))
    assert (low, high) == (Q_(100e6, "user"), Q_(1e9, "user"))
    swept = sweep(s, path, low, high, 10, "traffic.average_qps")
    rate = math.sqrt(4 * 16) / 86400  # the other range at its median
    assert swept.results.magnitude == pytest.approx(np.linspace(100e6, 1e9, 10) * rate)


@pytest.mark.parametrize("spec, message", [
    ("traffic.daily_active_user=1..2", "did you mean 'traffic.daily_active_users'"),
    ("traffic.daily_active_users=1", "expected PATH=LOW..HIGH"),
])
def test_sweep_mistakes_are_usage_errors(spec, message):
    with pytest.raises(UsageError, match=message):
        sweep_bounds(scenario_text(), spec, lambda more: None)


# ------------------------------------------------------------------------------- compare

@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_compare_of_a_file_with_itself_shows_no_change(path):
    result = estimate(load_scenario(path))
    rows = compare(result, result)
    assert [row.key for row in rows][:2] == ["traffic.peak_qps", "storage.total_footprint"]
    assert len(rows) == len(result.steps)
    assert all(row.change.magnitude == 0 and row.relative == 0 for row in rows)


def test_compare_shows_the_change_of_one_override():
    path = ROOT / "scenarios" / "video_recommendation.yaml"
    a = estimate(load_scenario(path))
    b = estimate(load_scenario(path, ["traffic.daily_active_fraction=0.6"]))
    row = next(r for r in compare(a, b) if r.key == "traffic.peak_qps")
    assert row.relative == pytest.approx(0.2)


# ----------------------------------------------------------------------------------- CLI

def test_estimate_json_has_percentiles_next_to_the_value():
    result = run_cli("estimate", "scenarios/ad_click_prediction.yaml", "--format", "json", "--samples", "2000")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["sampling"] == {"samples": 2000, "seed": 20240607}
    peak = next(r for r in document["results"] if r["key"] == "traffic.peak_qps")
    assert peak["p5"] < peak["p50"] < peak["p95"]
    assert list(peak)[:7] == ["key", "label", "value", "unit", "p5", "p50", "p95"]


def test_samples_zero_gives_the_point_estimate_only():
    result = run_cli("estimate", "scenarios/ad_click_prediction.yaml", "--format", "json", "--samples", "0")
    document = json.loads(result.stdout)
    assert "sampling" not in document
    assert not any("p50" in item for item in document["results"])


def test_markdown_and_table_show_the_percentiles():
    md = run_cli("estimate", "scenarios/ad_click_prediction.yaml", "--format", "markdown", "--samples", "500").stdout
    assert "## Uncertainty" in md and "| Result | p5 | p50 | p95 |" in md
    table = run_cli("estimate", "scenarios/ad_click_prediction.yaml", "--samples", "500", "--format", "table").stdout
    assert "Uncertainty: percentiles over 500 samples" in table
    uncertainty = table.split("Uncertainty: percentiles")[1]
    # Only results a range reaches: the write QPS (no range reaches it) is not repeated three times.
    assert "Peak QPS" in uncertainty and "write" not in uncertainty
    compact = run_cli("estimate", "scenarios/ad_click_prediction.yaml", "--samples", "500").stdout
    assert "# Uncertainty: p5 / p50 / p95 over 500 samples (seed 20240607)" in compact
    assert "traffic.peak_qps: p5 " in compact and "traffic.write_qps: p5" not in compact


@pytest.mark.parametrize("samples", ["2000000", "-1"])
def test_samples_out_of_range_is_a_usage_error_that_names_the_point_estimate_option(samples):
    result = run_cli("estimate", "scenarios/ad_click_prediction.yaml", "--samples", samples)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (f"--samples: given {samples}, expected 0 (the point estimate alone) or a whole "
                                     "number from 1 to 1,000,000")


def test_sweep_command_writes_its_csv(tmp_path):
    out = tmp_path / "sweep.csv"
    result = run_cli("sweep", "scenarios/ad_click_prediction.yaml", "--param",
                     "traffic.daily_active_users=100M..1B", "--steps", "4", "--target", "traffic.peak_qps",
                     "--csv", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(out.read_text().splitlines()))
    assert rows[0] == ["traffic.daily_active_users [user]", "traffic.peak_qps [request/s]"]
    assert [float(r[0]) for r in rows[1:]] == [100e6, 400e6, 700e6, 1e9]


def test_sweep_bound_of_the_wrong_dimension_is_located():
    result = run_cli("sweep", "scenarios/ad_click_prediction.yaml", "--param",
                     "traffic.daily_active_users=1 GB..2 GB", "--target", "traffic.peak_qps")
    assert result.returncode == 2
    assert "traffic.daily_active_users: wrong dimension: given '1 GB'" in result.stderr


def test_sensitivity_and_compare_commands_run():
    tornado_out = run_cli("sensitivity", "scenarios/ad_click_prediction.yaml", "--target", "cost.monthly_total")
    assert tornado_out.returncode == 0, tornado_out.stderr
    assert "traffic.requests_per_user" in tornado_out.stdout  # the column folds long paths
    same = run_cli("compare", "scenarios/ad_click_prediction.yaml", "scenarios/ad_click_prediction.yaml",
                   "--format", "json")
    assert {row["relative"] for row in json.loads(same.stdout)["results"]} == {0.0}


def test_bundled_ranged_scenarios_report_intervals():
    ranged = [p for p in SCENARIOS if iter_ranges(load_scenario(p))]
    assert len(ranged) >= 2, [p.name for p in ranged]
