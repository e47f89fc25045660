"""Published worked examples, reproduced from their stated inputs.

Each test names its source and checks the published outputs within the tolerance their
rounding allows. The cases come from ../shared/reference/published-cases.md.
"""

from __future__ import annotations

import pytest

from estimator.compose import estimate
from estimator.scenario import load_scenario_text


def run(text: str):
    return estimate(load_scenario_text(text, "<calibration>"))


def test_pastebin_system_design_primer():
    """system-design-primer, solutions/system_design/pastebin/README.md.

    10 M paste writes and 100 M reads a month; 1.27 KB a paste; kept 3 years (36 months);
    months of 2.5 M s. Published: 12.7 GB new content a month, ~450 GB in 3 years
    (12.7 × 36 = 457 GB), 4 writes/s and 40 reads/s.
    """
    result = run("""
name: Pastebin
conventions: {month: 2.5e6 s}
traffic:
  requests: 110 million request/month
  write_fraction: 0.0909090909   # 10 M writes of 110 M requests
data:
  - name: pastes
    records_per_day: 10 million record/month
    record_size: 1.27 KB
    retention: 36 month
""")
    assert result["storage.pastes.stored_per_month"].to("GB").magnitude == pytest.approx(12.7, rel=0.005)
    assert result["storage.pastes.footprint"].to("GB").magnitude == pytest.approx(457, rel=0.005)
    assert result["traffic.write_qps"].to("request/s").magnitude == pytest.approx(4, rel=0.01)
    assert result["traffic.read_qps"].to("request/s").magnitude == pytest.approx(40, rel=0.01)


def test_twitter_media_storage_xu_sdi_vol1_ch2():
    """Xu, System Design Interview vol. 1, ch. 2 (back-of-the-envelope estimation).

    300 M MAU, 50 % daily, 2 tweets per user per day, 10 % with 1 MB of media, 5 years.
    Published: 150 M DAU, ~3,500 tweets/s (exact 3,472), peak ~7,000/s, 30 TB/day of media,
    ~55 PB over 5 years (30 TB × 365 × 5 = 54.75 PB: the book counts 365-day years).
    """
    result = run("""
name: Twitter
conventions: {year: 365 day, peak_factor: 2}
traffic:
  monthly_active_users: 300 million user
  daily_active_fraction: 0.5
  requests_per_user_per_day: 2 request/user/day
data:
  - name: media
    records_per_request: 0.1 record/request
    record_size: 1 MB
    retention: 5 year
""")
    assert result["traffic.daily_active_users"].to("user").magnitude == pytest.approx(150e6)
    assert result["traffic.average_qps"].to("request/s").magnitude == pytest.approx(3472, abs=1)
    assert result["traffic.peak_qps"].to("request/s").magnitude == pytest.approx(6944, abs=1)
    assert result["storage.media.stored_per_day"].to("TB").magnitude == pytest.approx(30, rel=0.001)
    assert result["storage.media.footprint"].to("PB").magnitude == pytest.approx(54.75, rel=0.001)


def test_resnet50_on_h100_mlperf_inference_v4():
    """MLCommons inference v4.0, NVIDIA closed Offline: 88,714 images/s on 1 × H100-SXM-80GB.

    ResNet-50 ≈ 8.2 GFLOP per image → ≈ 727 T ops/s sustained, 37 % of 1,979 T dense INT8.
    At that utilisation one H100 serves the measured rate, and not one image/s more.
    """
    scenario = """
name: ResNet-50 offline
conventions: {peak_factor: 1}
traffic:
  requests: {rate} request/s
models:
  - name: resnet50
    flops_per_inference: 8.2 GFLOP/inference
    accelerator: H100-SXM
    precision: int8
    utilisation: 0.3676
    headroom: 1
"""
    result = run(scenario.replace("{rate}", "88714"))
    assert result["models.resnet50.required_flops"].to("TFLOP/s").magnitude == pytest.approx(727, rel=0.001)
    assert result["models.resnet50.accelerators"].magnitude == 1
    assert run(scenario.replace("{rate}", "88800"))["models.resnet50.accelerators"].magnitude == 2
