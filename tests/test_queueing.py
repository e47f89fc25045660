"""Latency under load: closed forms of M/M/1 and M/M/c, Erlang C against a textbook and scipy,
monotonicity in load, fleet sizing from a percentile target, and the composer's refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from estimator.calc.queueing import (erlang_b, erlang_c, mean_wait, response_quantile, servers_for_quantile,
                                     stable)
from estimator.errors import ScenarioError
from estimator.compose import estimate
from estimator.scenario import load_scenario_text


def test_mm1_response_time_is_exponential_with_rate_mu_minus_lambda():
    # M/M/1: T ~ Exp(μ − λ); with S = 10 ms, λ = 60/s: μ − λ = 40/s.
    for q in (0.5, 0.9, 0.99, 0.999):
        got = float(response_quantile(q, 1, 0.6, 0.010, "exponential"))
        assert got == pytest.approx(-math.log(1 - q) / 40.0, rel=1e-9)


def test_mm1_waiting_probability_and_mean_wait():
    assert float(erlang_c(1, 0.7)) == pytest.approx(0.7)
    assert float(mean_wait(1, 0.7, 1.0, "exponential")) == pytest.approx(0.7 / 0.3)  # ρ S / (1 − ρ)
    assert float(mean_wait(1, 0.7, 1.0, "deterministic")) == pytest.approx(0.7 / 0.3 / 2)  # M/D/1, P-K formula


def test_erlang_c_textbook_values():
    # C(2, 1) = 1/3; C(3, 2) = 4/9 (Gross & Harris; both by the closed form a^c/c! · c/(c−a) / Σ ...)
    assert float(erlang_c(2, 1.0)) == pytest.approx(1 / 3)
    assert float(erlang_c(3, 2.0)) == pytest.approx(4 / 9)
    # Erlang B(5, 3) = (3^5/5!) / Σ_{k≤5} 3^k/k! = 2.025 / 18.4 = 0.110054...
    assert float(erlang_b(5, 3.0)) == pytest.approx(2.025 / 18.4)


def test_erlang_c_matches_the_factorial_formula_for_large_fleets():
    # The recursion stays exact where factorials overflow a float: compare with log-space sums.
    from scipy.special import gammaln, logsumexp

    for c, a in ((50, 45.0), (400, 380.0), (3000, 2950.0)):
        k = np.arange(c)
        log_terms = k * math.log(a) - gammaln(k + 1)
        log_last = c * math.log(a) - gammaln(c + 1) + math.log(c / (c - a))
        expected = math.exp(log_last - logsumexp(np.append(log_terms, log_last)))
        assert float(erlang_c(c, a)) == pytest.approx(expected, rel=1e-9)


def test_mmc_response_quantile_matches_the_tail_formula():
    # M/M/2, a = 1, S = 1: C = 1/3, θ = 1; P(T > t) = (2/3) e^{−t} + (1/3)(1 + t) e^{−t}.
    t = float(response_quantile(0.99, 2, 1.0, 1.0, "exponential"))
    assert (2 / 3) * math.exp(-t) + (1 / 3) * (1 + t) * math.exp(-t) == pytest.approx(0.01, rel=1e-9)


def test_p99_never_falls_when_load_rises():
    load = np.linspace(0.0, 0.999, 400)
    for c in (1, 4, 64, 1000):
        for service in ("exponential", "deterministic"):
            p99 = response_quantile(0.99, c, load * c, 0.005, service)
            assert np.all(np.diff(p99) >= -1e-12), (c, service)


def test_unstable_fleet_is_inf_and_flagged():
    assert not bool(stable(2, 2.0)) and bool(stable(2, 1.99))
    assert np.isinf(response_quantile(0.99, [2, 3], [2.0, 5.0], 1.0)).all()
    assert float(erlang_c(2, 3.0)) == 1.0


def test_servers_for_quantile_is_the_smallest_fleet_meeting_the_target():
    offered = np.array([0.5, 10.0, 80.0, 950.0])
    target = np.array([20.0, 14.0, 11.0, 10.5])
    got = servers_for_quantile(0.99, offered, 10.0, target)
    assert np.all(response_quantile(0.99, got, offered, 10.0) <= target)
    assert np.all((response_quantile(0.99, got - 1, offered, 10.0) > target) | (got - 1 <= offered))
    # below the service time itself no fleet will do
    assert np.isinf(servers_for_quantile(0.99, 3.0, 10.0, 9.0))


SCENARIO = """
name: q
traffic:
  daily_active_users: 100 million user
  requests_per_user_per_day: 10 request/user/day
serving:
  latency_budget: 100 ms
  size_by: {size_by}
  stages:
    - name: ranker
      items: 100
      batch_size: 100
      flops_per_item: 1 GFLOP
      accelerator: L4
      utilisation: 0.5
      {extra}
"""


def test_headroom_keeps_the_zero_load_results_and_adds_the_load_steps():
    plain = estimate(load_scenario_text(SCENARIO.replace("  size_by: {size_by}\n", "").format(extra=""), "q.yaml"))
    loaded = estimate(load_scenario_text(SCENARIO.format(size_by="headroom", extra=""), "q.yaml"))
    assert loaded["serving.latency_total"] == plain["serving.latency_total"]
    assert loaded["serving.stages.ranker.accelerators"] == plain["serving.stages.ranker.accelerators"]
    # 23,148 request/s × 1.653 ms service on ⌈23,148 × 100 GFLOP × 1.2 / 60.5 TFLOP/s⌉ = 46 L4
    rho = loaded["serving.stages.ranker.utilisation"].magnitude
    assert rho == pytest.approx(100e6 * 10 / 86400 * 2 * (100e9 / 60.5e12) / 46)
    assert "knee" in loaded.steps["serving.stages.ranker.utilisation"].label


def test_a_fixed_fleet_shows_p99_rising_with_traffic_and_refuses_overload():
    text = SCENARIO.format(size_by="headroom", extra="replicas: 40 GPU")
    scenario = load_scenario_text(text, "q.yaml")
    from estimator.uncertainty import sweep

    users = scenario.traffic.daily_active_users
    swept = sweep(scenario, "traffic.daily_active_users", users * 0.5, users * 1.0, 20, "serving.p99_latency_total")
    assert np.all(np.diff(swept.results.magnitude) >= 0) and swept.results.magnitude[-1] > swept.results.magnitude[0]
    with pytest.raises(ScenarioError, match="cannot keep up"):
        estimate(load_scenario_text(SCENARIO.format(size_by="headroom", extra="replicas: 30 GPU"), "q.yaml"))


def test_p99_sizing_meets_the_share_of_the_slack():
    r = estimate(load_scenario_text(SCENARIO.format(size_by="p99", extra=""), "q.yaml"))
    assert r["serving.p99_latency_total"].to("ms").magnitude <= 100.0
    # one queued stage: its target response time is its service time plus the whole zero-load slack
    slack = 100.0 - r["serving.latency_total"].to("ms").magnitude
    service = r["serving.stages.ranker.model_time"].to("ms").magnitude
    offered = r["serving.stages.ranker.offered_load"].magnitude
    fleet = r["serving.stages.ranker.accelerators"].magnitude
    assert response_quantile(0.99, fleet, offered, service) <= service + slack
    assert response_quantile(0.99, fleet - 1, offered, service) > service + slack
    assert r["serving.stages.ranker.monthly_cost"].magnitude == pytest.approx(fleet * 0.80 * 2629746 / 3600)
