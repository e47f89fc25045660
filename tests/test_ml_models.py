"""The ML system design blocks (issue 3) against numbers worked by hand in each docstring."""

from __future__ import annotations

import json

import numpy as np
import pytest

from estimator.calc import serving
from estimator.errors import ScenarioError
from estimator.compose import estimate
from estimator.report import to_json, to_markdown
from estimator.scenario import load_scenario_text
from estimator.units import Q_, parse_quantity

SCENARIO = """
name: Hand-worked ML
conventions: {day: 86400 s, month: 30 day, peak_factor: 2}
traffic:
  daily_active_users: 86.4 million user     # → 1,000 request/s average, 2,000 at peak
  requests_per_user_per_day: 1 request/user/day
models:
  - name: ranker
    flops_per_inference: 1 GFLOP/inference
    inferences_per_request: 100 inference/request
    accelerator: H100-SXM
    precision: bf16
    utilisation: 0.5
embeddings:
  tables: [{name: item, rows: 1 million, dim: 100, dtype: fp32}]
  categorical: [{name: city, cardinality: 1000, dim: 8, hash_buckets: 1000}]
index: {vectors: 1 million vector, dim: 100, type: hnsw, hnsw_m: 16, level_factor: 1.0,
        memory_per_node: 1 GB, replication: 2}
serving:
  latency_budget: 20 ms
  stages:
    - {name: retrieval, fixed_latency: 8 ms, network_hops: 2, hop_latency: 1 ms}
    - {name: ranking, model: ranker, items: 100, batch_size: 100, feature_fetch: 5 ms}
    - name: rerank
      items: 100
      flops_per_item: 98.9 GFLOP
      accelerator: H100-SXM
      precision: bf16
      utilisation: 1
      headroom: 1
training:
  examples_per_day: 1 billion example/day
  window: 10 day
  epochs: 2
  flops_per_example: 1 GFLOP/example
  example_size: 1 KB
  accelerator: H100-SXM
  precision: bf16
  mfu: 0.5
  cluster_accelerators: 10 GPU
  retrain_every: 1 week
imbalance: {positive_rate: 0.02, negative_keep_rate: 0.1, examples_per_day: 1 billion example/day, window: 1 day,
            example_size: 1 KB}
experiments:
  canary: {fraction: 0.05}
  ab_test: {baseline_rate: 0.1, mde: 0.1, mde_kind: relative, allocation: 0.1}
  guardrails: [{metric: p99 latency, threshold: ≤ 20 ms}]
labelling:
  items_per_day: 8640 item/day
  time_per_item: 10 s/item
  labels_per_item: 3
  hours_per_labeller: 8 hour/labeller
  natural: {delay: 1 hour, examples_per_day: 86.4 million example/day, example_size: 1 KB}
availability:
  components: [{name: a, availability: 0.99, replicas: 2}, {name: b, availability: 0.999}]
"""


@pytest.fixture(scope="module")
def result():
    return estimate(load_scenario_text(SCENARIO, "ml.yaml"))


def test_embeddings(result):
    """1 M × 100 × 4 B = 400 MB; city: one-hot 1,000 wide, 1,000 × 8 × 4 B = 32 kB;
    1,000 values in 1,000 buckets: 1 − (1 − 1/1000)^999 = 63.19 % share a bucket (≈ 1 − 1/e)."""
    assert result["embeddings.tables.item.size"].to("MB").magnitude == pytest.approx(400)
    assert result["embeddings.categorical.city.one_hot_width"].magnitude == 1000
    assert result["embeddings.categorical.city.embedding_size"].to("kB").magnitude == pytest.approx(32)
    assert result["embeddings.categorical.city.collision_share"].magnitude == pytest.approx(0.6319, abs=1e-4)


def test_hnsw_index(result):
    """HNSW M = 16: 4 × 100 + 2 × 16 × 4 = 528 B/vector → 528 MB; 1 GB nodes → 1 shard × 2 replicas."""
    assert result["index.bytes_per_vector"].to("B/vector").magnitude == pytest.approx(528)
    assert result["index.size"].to("MB").magnitude == pytest.approx(528)
    assert result["index.shards"].magnitude == 1
    assert result["index.nodes"].to("server").magnitude == 2


def test_latency_budget_names_the_breaking_stage(result):
    """retrieval 8 + 2 × 1 = 10 ms; ranking: 100 × 1 GFLOP / (989 T × 0.5) = 0.202 ms + 5 ms fetch;
    rerank: 100 × 98.9 GFLOP / 989 TFLOP/s = 10 ms. Total 25.2 ms against 20 ms: −5.2 ms, and the
    cumulative sum first passes 20 ms at stage 3 (rerank)."""
    assert result["serving.stages.retrieval.latency"].to("ms").magnitude == pytest.approx(10)
    assert result["serving.stages.ranking.latency"].to("ms").magnitude == pytest.approx(5.2022, rel=1e-4)
    assert result["serving.stages.rerank.latency"].to("ms").magnitude == pytest.approx(10)
    assert result["serving.latency_slack"].to("ms").magnitude == pytest.approx(-5.2022, rel=1e-4)
    assert result["serving.latency_breaking_stage"].magnitude == 3
    assert "rerank" in result.steps["serving.latency_breaking_stage"].label
    assert "over budget" in result.steps["serving.latency_slack"].label


def test_stage_on_its_own_hardware_is_sized_and_costed_once(result):
    """rerank at peak: 2,000 req/s × 100 × 98.9 GFLOP = 19.78 PFLOP/s / 989 T = 20 GPUs; the ranking
    stage reuses models.ranker, so it adds no accelerators of its own."""
    assert result["serving.stages.rerank.accelerators"].to("GPU").magnitude == 20
    assert "serving.stages.ranking.accelerators" not in result
    assert result["cost.monthly_total"].magnitude == pytest.approx(sum(
        result[k].to("USD").magnitude for k in ("serving.monthly_cost", "serving.stage_monthly_cost",
                                                 "training.monthly_cost", "labelling.monthly_cost",
                                                 "cost.egress_monthly")))


def test_training(result):
    """1 B/day × 10 days × 2 epochs = 20 B examples × 1 GFLOP = 2e19 FLOP; / (989 T × 0.5) = 40,445 s
    = 11.23 GPU-h; on 10 GPUs 1.12 h; 30-day month / 1 week = 4.29 runs; data 10 B × 1 KB = 10 TB."""
    assert result["training.flops_per_run"].to("FLOP").magnitude == pytest.approx(2e19)
    assert result["training.accelerator_hours"].to("GPU*hour").magnitude == pytest.approx(2e19 / 494.5e12 / 3600)
    assert result["training.wall_clock"].to("hour").magnitude == pytest.approx(2e19 / 494.5e12 / 3600 / 10)
    assert result["training.runs_per_month"].magnitude == pytest.approx(30 / 7)
    assert result["training.data_size"].to("TB").magnitude == pytest.approx(10)
    price = result.steps["training.cost_per_run"].inputs["price_per_device"].to("USD/hour").magnitude
    assert result["training.cost_per_run"].to("USD").magnitude == pytest.approx(2e19 / 494.5e12 / 3600 * price)


def test_imbalance(result):
    """p = 2 %, w = 0.1: kept 0.02 + 0.98 × 0.1 = 11.8 % of 1 B rows = 118 M (118 GB);
    positive share 0.02 / 0.118 = 16.95 %; q = that share maps back to 2 %."""
    assert result["imbalance.rows_kept"].to("example").magnitude == pytest.approx(118e6)
    assert result["imbalance.storage_kept"].to("GB").magnitude == pytest.approx(118)
    assert result["imbalance.positive_share"].magnitude == pytest.approx(0.02 / 0.118)
    assert result["imbalance.calibrated_rate"].magnitude == pytest.approx(0.02)
    assert "q / (q + (1 − q) / negative_keep_rate)" in to_markdown(result)


def test_experiments(result):
    """Canary 5 % of 2,000 req/s = 100 req/s and 4.32 M users/day. 10 % → 11 %, Miller's convention:
    (1.95996 × √(2 × 0.09) + 0.84162 × √(0.09 + 0.0979))² / 0.01² = 14,749.7 → 14,750 per arm;
    8.64 M users/day × 10 % / 2 arms = 432 k per arm per day → 1 day."""
    assert result["experiments.canary.peak_qps"].to("request/s").magnitude == pytest.approx(100)
    assert result["experiments.canary.users_per_day"].to("user").magnitude == pytest.approx(4.32e6)
    z_a, z_b = 1.959963984540054, 0.8416212335729143
    exact = (z_a * np.sqrt(2 * 0.09) + z_b * np.sqrt(0.09 + 0.11 * 0.89)) ** 2 / 0.01 ** 2
    assert result["experiments.ab_test.sample_size_exact"].magnitude == pytest.approx(exact)
    assert result["experiments.ab_test.sample_size_per_arm"].magnitude == np.ceil(exact)
    assert result["experiments.ab_test.days"].magnitude == 1


def test_guardrails_in_every_report(result):
    assert "## Guardrails" in to_markdown(result) and "| p99 latency | ≤ 20 ms |" in to_markdown(result)
    assert json.loads(to_json(result))["guardrails"] == [{"metric": "p99 latency", "threshold": "≤ 20 ms"}]


def test_labelling(result):
    """8,640 items/day × 10 s × 3 labels = 72 h/day → 9 labellers of 8 h; natural labels: 1,000
    examples/s × 3,600 s = 3.6 M examples waiting, 3.6 GB."""
    assert result["labelling.hours_per_day"].to("hour").magnitude == pytest.approx(72)
    assert result["labelling.labellers"].to("labeller").magnitude == 9
    assert result["labelling.pending_storage"].to("GB").magnitude == pytest.approx(3.6)


def test_availability(result):
    """a: 1 − 0.01² = 0.9999; b: 0.999; series 0.9989001 → 95.0 s of downtime a day."""
    assert result["availability.components.a.availability"].magnitude == pytest.approx(0.9999)
    assert result["availability.system"].magnitude == pytest.approx(0.9999 * 0.999)
    assert result["availability.downtime_per_day"].to("s").magnitude == pytest.approx((1 - 0.9999 * 0.999) * 86400)


def test_every_new_result_has_a_unit_pint_parses_back(result):
    document = json.loads(to_json(result))
    for entry in document["results"]:
        parsed = parse_quantity(f"{entry['value']} {entry['unit']}".strip())
        assert parsed.magnitude == pytest.approx(entry["value"]), entry["key"]


def test_llm_serving():
    """Llama-2-70B fp16 on H100: weights 140 GB; KV 327,680 B/token × 1,200 tokens = 393 MB a request;
    16 requests → 146.3 GB → 2 devices (tensor parallel)."""
    text = """
name: LLM
traffic: {requests: 10 request/s}
llm: {architecture: dense, attention: gqa, parameters: 70 billion parameter, layers: 80, kv_heads: 8, head_dim: 128, prompt_tokens: 1000 token,
      output_tokens: 200 token, batch_size: 16, accelerator: H100-SXM, requests: 10 request/s}
"""
    r = estimate(load_scenario_text(text, "llm.yaml"))
    assert r["llm.weights_memory"].to("GB").magnitude == pytest.approx(140)
    assert r["llm.kv_bytes_per_token"].to("B/token").magnitude == 327_680
    assert r["llm.kv_bytes_per_request"].to("B").magnitude == pytest.approx(327_680 * 1200)
    assert r["llm.tensor_parallel"].to("GPU").magnitude == 2
    assert r["llm.prefill_flops_per_request"].to("FLOP").magnitude == pytest.approx(2 * 70e9 * 1000)
    assert r["llm.accelerators"].magnitude == r["llm.replicas"].magnitude * 2


def test_budget_steps_take_sample_arrays():
    """Monte-Carlo samples flow through: slack and breaking stage are arrays, one per sample."""
    r = serving.budget_steps(["a", "b"], [Q_(np.array([10.0, 30.0]), "ms"), Q_(np.array([5.0, 90.0]), "ms")],
                             Q_(100, "ms"))
    assert list(r["serving.latency_slack"].value.to("ms").magnitude) == [85.0, -20.0]
    assert list(r["serving.latency_breaking_stage"].value.magnitude) == [0.0, 2.0]


@pytest.mark.parametrize("section, message", [
    ("serving: {latency_budget: 10 ms, stages: [{name: s, model: nope}]}", "unknown model"),
    ("training: {parameters: 1 billion parameter}", "6·N·D needs both parameters and tokens"),
    ("index: {vectors: 1 million vector, dim: 64, type: ivf_pq}", "needs nlist"),
    ("llm: {architecture: dense, attention: mqa, parameters: 1 billion parameter, layers: 1, kv_heads: 1, head_dim: 1, prompt_tokens: 1 token, "
     "output_tokens: 1 token, accelerator: H100-SMX}", "did you mean 'H100-SXM'"),
    ("experiments: {ab_test: {baseline_rate: 0.9, mde: 0.2}}", "must stay below 1"),
])
def test_bad_sections_give_a_clear_message(section, message):
    text = f"name: bad\ntraffic: {{requests: 1 request/s}}\n{section}\n"
    with pytest.raises(ScenarioError) as error:
        load_scenario_text(text, "bad.yaml")
    assert message in str(error.value)
