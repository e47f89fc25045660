"""Inverse sizing: the vectorised search equals a plain loop over the same estimate, picks the
cheapest configuration within budget, lists single changes, and the CLI prints it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import run_cli
from estimator.errors import UsageError
from estimator.plan import Axis, brute_force, design_space, evaluate, plan, plan_json
from estimator.scenario import load_scenario, load_scenario_text

SMALL = """
name: small
traffic:
  daily_active_users: 50 million user
  requests_per_user_per_day: 4 request/user/day
models:
  - name: scorer
    flops_per_inference: 200 MFLOP/inference
    inferences_per_request: {choose: [100 inference/request, 40 inference/request]}
    accelerator: L4
    precision: fp16
serving:
  latency_budget: BUDGET
  SIZE_BY
  stages:
    - name: score
      model: scorer
      items: {choose: [100, 40]}
      batch_size: 100
      bytes_per_batch: 40 MB
      feature_fetch: 4 ms
    - name: rerank
      items: 40
      batch_size: 40
      flops_per_item: 2 GFLOP
      accelerator: T4
      precision: fp16
"""


def small_text() -> str:
    return SMALL.replace("BUDGET", "30 ms").replace("SIZE_BY", "")


def small(budget: str = "30 ms", size_by: str = ""):  # type: ignore[no-untyped-def]
    return load_scenario_text(SMALL.replace("BUDGET", budget).replace("SIZE_BY", size_by), "small.yaml")


@pytest.mark.parametrize("size_by", ["", "size_by: headroom", "size_by: p99"])
def test_vectorised_search_equals_brute_force(size_by):
    scenario = small(size_by=size_by)
    axes = design_space(scenario, ["T4", "L4"])
    assert [a.path for a in axes] == ["models.scorer.device", "serving.stages.score.batch_size",
                                      "serving.stages.rerank.device", "serving.stages.rerank.batch_size",
                                      "models.scorer.inferences_per_request", "serving.stages.score.items"]
    # two options per axis (the one as written and one other): 64 configurations, fast enough to loop
    axes = tuple(Axis(a.path, (a.options[a.current], a.options[-1 if a.current != len(a.options) - 1 else 0]), 0,
                      a.kind) for a in axes)
    reference = brute_force(scenario, axes)
    choice = np.array([combo for combo, *_ in reference])
    cost, latency, meets = evaluate(scenario, axes, choice)
    expected_cost = np.array([c for _, c, _, _ in reference])
    expected_latency = np.array([t for _, _, t, _ in reference])
    assert meets.all() and all(m for *_, m in reference)  # no LLM: no LLM limits
    assert np.array_equal(np.isfinite(cost), np.isfinite(expected_cost))
    finite = np.isfinite(expected_cost)
    assert finite.sum() > 0
    assert cost[finite] == pytest.approx(expected_cost[finite], rel=1e-12)
    assert latency[finite] == pytest.approx(expected_latency[finite], rel=1e-12)
    # the answer is the brute-force cheapest within budget
    result = plan(scenario, ["T4", "L4"], axes=axes)
    within = [(c, t) for (_, c, t, _) in reference if np.isfinite(c) and t <= 30.0]
    assert result.best is not None and result.searched == 64
    assert result.best.cost == pytest.approx(min(c for c, _ in within), rel=1e-12)
    assert result.feasible == len(within)


def test_frontier_is_the_non_dominated_set_and_changes_are_single_changes():
    result = plan(small(), ["T4", "L4"])
    costs = [c.cost for c in result.frontier]
    latencies = [c.latency for c in result.frontier]
    assert costs == sorted(costs) and latencies == sorted(latencies, reverse=True)
    assert len(set(latencies)) == len(latencies)
    assert result.frontier[0].cost <= result.best.cost  # type: ignore[union-attr]
    for k, c in result.changes:
        diff = [i for i, (x, y) in enumerate(zip(c.choice, result.current.choice)) if x != y]
        assert diff == [k] and c.feasible


def test_over_budget_lists_what_to_change():
    # as written (L4 scoring 100 items, T4 reranking: 8.65 ms) is over an 8 ms budget
    result = plan(small("8 ms"), ["T4", "L4", "H100-SXM"])
    assert not result.current.feasible
    assert result.changes, "some single change brings it within budget"
    k, fix = result.changes[0]
    assert fix.latency <= 8.0 and fix.cost == min(c.cost for _, c in result.changes)
    assert json.dumps(plan_json(result), allow_nan=False)


def test_cli_plan_names_the_cheapest_configuration_within_budget_as_json():
    done = run_cli("plan", "scenarios/video_recommendation.yaml", "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["latency_budget_ms"] == 100.0
    chosen = document["chosen"]
    assert chosen["latency_ms"] <= 100.0
    # The whole catalog is searched: MI300X ($1.71/h, 2,615 TFLOP/s fp8) undercuts H100-PCIe.
    assert chosen["configuration"]["models.ranking.device"] == "MI300X fp8"
    assert chosen["monthly_cost_usd"] <= document["current"]["monthly_cost_usd"]
    assert document["frontier"][0]["chosen"] is True
    table = run_cli("plan", "scenarios/video_recommendation.yaml")
    assert table.returncode == 0 and "Pareto frontier" in table.stdout and "MI300X fp8" in table.stdout


def test_cli_plan_refuses_what_it_cannot_plan():
    done = run_cli("plan", "scenarios/video_recommendation.yaml", "--accelerator", "TPUv9")
    assert done.returncode == 2 and "TPUv9" in done.stderr and "Traceback" not in done.stderr


def test_a_choice_is_checked_like_the_field_and_counts_as_its_first_option():
    from estimator.errors import ScenarioError

    with pytest.raises(ScenarioError, match="not a list of options"):
        load_scenario_text(small_text().replace("{choose: [100, 40]}", "{choose: []}"),
                           "s.yaml")
    with pytest.raises(ScenarioError, match="count"):
        load_scenario_text(small_text().replace("{choose: [100, 40]}",
                                                                            "{choose: [100, -4]}"), "s.yaml")
    from estimator.compose import estimate

    first = estimate(small())
    plain = estimate(load_scenario_text(small_text().replace(
        "{choose: [100, 40]}", "100").replace("{choose: [100 inference/request, 40 inference/request]}",
                                              "100 inference/request"), "s.yaml"))
    assert first["cost.monthly_total"] == plain["cost.monthly_total"]
    assert first["serving.latency_total"] == plain["serving.latency_total"]


def test_bundled_scenarios_plan_without_error():
    for name in ("video_recommendation", "llm_chat_assistant"):
        result = plan(load_scenario(f"scenarios/{name}.yaml"))
        assert result.best is not None
        json.dumps(plan_json(result), allow_nan=False)


def test_a_choice_round_trips_through_the_app_edits_and_the_schema():
    from estimator.edits import apply_edits, editable_inputs

    text = small_text()
    scenario = load_scenario_text(text, "s.yaml")
    item = next(i for i in editable_inputs(scenario) if i.path == "serving.stages.score.items")
    assert (item.kind, item.text) == ("range", "{choose: [100, 40]}")
    edited = apply_edits(text, "s.yaml", [item], {item.path: "{choose: [40, 100, 70]}"})
    assert edited.error is None and edited.scenario.serving.stages[0].items.options == (40.0, 100.0, 70.0)
    assert scenario.model_dump(mode="json")["serving"]["stages"][0]["items"] == {"choose": [100.0, 40.0]}


LLM = """
name: chat
traffic:
  daily_active_users: 1 million user
  requests_per_user_per_day: 10 request/user/day
llm:
  architecture: dense
  attention: gqa
  parameters: 70 billion parameter
  dtype: fp16
  layers: 80
  kv_heads: 8
  head_dim: 128
  prompt_tokens: 1000 token
  output_tokens: 200 token
  batch_size: 16
  accelerator: H100-SXM
  requests: 20 request/s
  ttft_target: 100 ms
  tpot_target: 20 ms
"""


def test_llm_search_equals_brute_force_and_keeps_its_time_limits():
    scenario = load_scenario_text(LLM, "chat.yaml")
    full = design_space(scenario, ["H100-SXM", "A100-80GB"])
    assert [a.path for a in full] == ["llm.device", "llm.batch_size", "llm.tensor_parallel"]
    axes = tuple(Axis(a.path, a.options[:3] if a.kind == "device" else a.options[1:4], 0, a.kind) for a in full)
    reference = brute_force(scenario, axes)
    choice = np.array([combo for combo, *_ in reference])
    cost, latency, meets = evaluate(scenario, axes, choice)
    assert cost == pytest.approx(np.array([c for _, c, _, _ in reference]), rel=1e-12)
    assert meets.tolist() == [m for *_, m in reference]
    assert 0 < meets.sum() < len(meets)  # the limits bite
    result = plan(scenario, axes=axes)
    assert result.best.cost == pytest.approx(min(c for _, c, _, m in reference if m), rel=1e-12)
    from estimator.compose import estimate

    chosen = dict(zip([a.path for a in axes], result.best.choice))
    device = axes[0].options[chosen["llm.device"]]
    overrides = {"accelerator": device[0], "dtype": device[1], "batch_size": axes[1].options[chosen["llm.batch_size"]],
                 "tensor_parallel": axes[2].options[chosen["llm.tensor_parallel"]]}
    applied = estimate(scenario.model_copy(update={"llm": scenario.llm.model_copy(update=overrides)}))
    assert applied["llm.decode_step_time"].to("ms").magnitude <= 20.0
    assert applied["llm.prefill_time"].to("ms").magnitude <= 100.0


def test_ranged_inputs_are_planned_at_their_medians_without_an_axis_of_their_own():
    scenario = load_scenario_text("""
name: t
traffic: {daily_active_users: 10 million user, requests_per_user_per_day: 10 request/user/day}
serving:
  latency_budget: 20 ms
  stages:
    - {name: score, items: {low: 50, high: 200}, batch_size: {low: 10, high: 100}, flops_per_item: 1 GFLOP,
       accelerator: T4}
""", "t.yaml")
    result = plan(scenario, ["T4", "L4"])
    assert [a.path for a in result.axes] == ["serving.stages.score.device"] and result.searched == 6
    assert result.describe(result.best) == {"serving.stages.score.device": "L4 fp8"}


def test_a_space_too_large_for_a_float_is_refused_with_its_size_not_an_internal_error():
    # 300 models each with a device axis: the product of their option counts overflows a float.
    models = "".join(f"  - {{<<: *m, name: m{n}}}\n" for n in range(1, 300))
    text = ("name: Many models\ntraffic:\n  daily_active_users: 100 million user\n"
            "  requests_per_user_per_day: 10 request/user/day\nmodels:\n"
            "  - &m {name: m0, flops_per_inference: 10 MFLOP/inference, inferences_per_request: 1 inference/request, "
            "accelerator: T4, precision: fp16}\n" + models)
    scenario = load_scenario_text(text, "m.yaml")
    with pytest.raises(UsageError) as raised:
        plan(scenario)
    message = str(raised.value)
    assert message.startswith("plan: about 10^") and " configurations over 300 axes, more than 1,000,000; " in message
