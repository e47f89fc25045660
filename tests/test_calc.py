"""Each estimation block against numbers worked by hand (the working is in each docstring)."""

from __future__ import annotations

import pytest

from estimator.compose import estimate
from estimator.scenario import load_scenario_text

SCENARIO = """
name: Hand-worked
conventions: {day: 86400 s, month: 30 day, peak_factor: 2}
traffic:
  daily_active_users: 86.4 million user     # → 1,000 request/s at 1 request/user/day
  requests_per_user_per_day: 1 request/user/day
  write_fraction: 0.25
  request_size: 1 KB
  response_size: 10 KB
data:
  - name: logs
    records_per_request: 2 event/request
    record_size: 500 B
    retention: 10 day
    replication: 3
    compression_ratio: 2
features:
  online:
    replication: 2
    overhead: 1.5
    groups:
      - entity: user
        entities: 1 million
        features: 100
        bytes_per_value: 4 B
        embedding_dim: 64
        embedding_dtype: fp16
        lookups_per_request: 1
models:
  - name: ranker
    parameters: 1 billion parameter          # → 2 GFLOP per inference
    inferences_per_request: 10 inference/request
    accelerator: H100-SXM
    precision: bf16
    utilisation: 0.5
    headroom: 1.0
derived:
  - name: bytes_per_request
    expr: storage.total_footprint / traffic.requests_per_day
    unit: kB/request
"""


@pytest.fixture(scope="module")
def result():
    return estimate(load_scenario_text(SCENARIO, "hand.yaml"))


def test_traffic(result):
    """86.4 M users × 1 request/day / 86,400 s = 1,000 request/s; peak 2,000; writes 250."""
    assert result["traffic.average_qps"].to("request/s").magnitude == pytest.approx(1000)
    assert result["traffic.peak_qps"].to("request/s").magnitude == pytest.approx(2000)
    assert result["traffic.write_qps"].to("request/s").magnitude == pytest.approx(250)
    assert result["traffic.requests_per_month"].to("request").magnitude == pytest.approx(1000 * 30 * 86400)
    assert result["traffic.ingress_bandwidth"].to("MB/s").magnitude == pytest.approx(2)   # 2,000/s × 1 KB
    assert result["traffic.egress_bandwidth"].to("MB/s").magnitude == pytest.approx(20)  # 2,000/s × 10 KB


def test_storage(result):
    """2,000 event/s × 500 B = 1 MB/s = 86.4 GB/day raw; × 3 / 2 = 129.6 GB/day; × 10 days = 1.296 TB."""
    assert result["storage.logs.raw_per_day"].to("GB").magnitude == pytest.approx(86.4)
    assert result["storage.logs.stored_per_day"].to("GB").magnitude == pytest.approx(129.6)
    assert result["storage.logs.footprint"].to("TB").magnitude == pytest.approx(1.296)
    assert result["storage.growth_per_month"].to("TB").magnitude == pytest.approx(129.6 * 30 / 1000)


def test_feature_store(result):
    """Row = 100 × 4 B + 64 × 2 B = 528 B; 1 M rows = 528 MB; × 1.5 × 2 = 1.584 GB; 2,000 lookups/s."""
    assert result["features.online.user.row_size"].to("B").magnitude == pytest.approx(528)
    assert result["features.online.size"].to("GB").magnitude == pytest.approx(1.584)
    assert result["features.online.lookups_per_second"].to("lookup/s").magnitude == pytest.approx(2000)
    assert result["features.online.read_bandwidth"].to("MB/s").magnitude == pytest.approx(1.056)


def test_inference(result):
    """2,000 req/s × 10 inferences × 2 GFLOP = 40 TFLOP/s; H100 bf16 989 × 0.5 → ⌈0.081⌉ = 1 GPU."""
    assert result["models.ranker.flops_per_inference"].to("GFLOP/inference").magnitude == pytest.approx(2)
    assert result["models.ranker.required_flops"].to("TFLOP/s").magnitude == pytest.approx(40)
    assert result["models.ranker.accelerators"].to("GPU").magnitude == 1
    month_hours = 30 * 24
    price = result.steps["models.ranker.monthly_cost"].inputs["price_per_device"].to("USD/hour").magnitude
    assert result["models.ranker.monthly_cost"].to("USD").magnitude == pytest.approx(price * month_hours)


def test_derived_quantity(result):
    """1.296 TB / 86.4 M requests a day = 15 kB per request."""
    assert result["derived.bytes_per_request"].to("kB/request").magnitude == pytest.approx(15)


def test_total_cost_sums_its_parts(result):
    parts = ["serving.monthly_cost", "storage.monthly_cost", "features.online.monthly_cost", "cost.egress_monthly"]
    assert result["cost.monthly_total"].to("USD").magnitude == pytest.approx(
        sum(result[p].to("USD").magnitude for p in parts))


def test_ten_to_the_fifth_seconds_day_convention():
    """Some published estimates round a day to 10^5 s: 1 M requests a day is then 10 request/s."""
    text = "name: d\nconventions: {day: 1e5 s}\ntraffic: {requests: 1 million request/day}\n"
    assert estimate(load_scenario_text(text, "d.yaml"))["traffic.average_qps"].magnitude == pytest.approx(10)
