"""Every assumption is the user's (issue 16): prices, measured throughput, A/B conventions.

Each case of tests/cases/ named for this issue is written again here in the new form, with the
expected value its header gives; tests are named after the kind of fault.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from estimator.scenario.catalog import bundled_accelerators, bundled_prices
from estimator.errors import ScenarioError
from estimator.compose import estimate
from estimator.report import to_markdown
from estimator.scenario import load_price_book_text, load_scenario_text

CASES = ROOT / "tests" / "cases"

CDN = """
name: CDN-priced video egress
conventions: {month: 30 day, peak_factor: 1}
traffic:
  requests: 20000 request/s
  response_size: 2 MB
  egress_tier: cdn
catalog:
  prices:
    network:
      cdn:
        price: 0.02 USD/GB
        source: "the CDN's quoted rate"
        as_of: 2026-11-29
"""

BOOK = """
prices:
  network:
    egress:
      price: 0.02 USD/GB
      source: "our CDN contract, first tier"
      as_of: 2026-10-01
"""


# ------------------------------------------------------------------ a price the scenario cannot change

def test_price_the_scenario_cannot_change_is_stated_in_the_scenario():
    result = estimate(load_scenario_text(CDN, "cdn.yaml"))
    # 40 GB/s × 2,592,000 s = 103,680,000 GB × $0.02 = $2,073,600
    assert result["cost.egress_monthly"].to("USD").magnitude == pytest.approx(2_073_600)


def test_price_the_scenario_cannot_change_is_stated_in_a_price_book(tmp_path):
    book = tmp_path / "prices.yaml"
    book.write_text(BOOK, encoding="utf-8")
    result = run_cli("estimate", str(CASES / "cdn-price-override.yaml"), "--catalog", str(book), "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    cost = next(r for r in document["results"] if r["key"] == "cost.egress_monthly")
    assert cost["value"] == pytest.approx(2_073_600)
    egress = next(p for p in document["unit_prices"] if p["item"] == "network.egress")
    assert egress["price"] == {"value": 0.02, "unit": "USD/GB"} and egress["source"] == "our CDN contract, first tier"


def test_price_the_scenario_cannot_change_without_a_book_is_the_bundled_one():
    """The case file as written states no price: it gets the bundled $0.09/GB, and says so."""
    scenario = load_scenario_text((CASES / "cdn-price-override.yaml").read_text(), "cdn-price-override.yaml")
    result = estimate(scenario)
    assert result["cost.egress_monthly"].to("USD").magnitude == pytest.approx(9_331_200)
    assert "| egress (`network.egress`) | $0.0900/GB |" in to_markdown(result)


def test_the_scenario_wins_over_the_price_book():
    book = load_price_book_text(BOOK.replace("egress:", "cdn:"), "book.yaml")
    scenario = load_scenario_text(CDN, "cdn.yaml", book=book)
    assert scenario.prices()["network"]["cdn"].source == "the CDN's quoted rate"


def test_report_lists_each_unit_price_with_its_source():
    markdown = to_markdown(estimate(load_scenario_text(CDN, "cdn.yaml")))
    assert "## Unit prices" in markdown
    assert "| cdn (`network.cdn`) | $0.0200/GB | the CDN's quoted rate | 2026-11-29 |" in markdown


PRICED_BY = {  # where a scenario names a price of each group
    "storage": "data: [{{name: logs, records_per_day: 1 billion event/day, record_size: 1 KB, retention: 30 day, "
               "tier: {key}}}]",
    "network": "traffic: {{requests: 1000 request/s, response_size: 1 MB, egress_tier: {key}}}",
    "labelling": "labelling: {{items_per_day: 1000 item/day, price: {key}}}",
}
EVERY_PRICE = [(group, key) for group, entries in bundled_prices().items() for key in entries]


@pytest.mark.parametrize("group, key", EVERY_PRICE, ids=[f"{g}.{k}" for g, k in EVERY_PRICE])
def test_every_bundled_price_can_be_overridden(group, key):
    unit = {"storage": "USD/GB/month", "network": "USD/GB", "labelling": "USD/hour"}[group]
    text = "name: p\n" + PRICED_BY[group].format(key=key) + "\n"
    if group != "network":
        text += "traffic: {requests: 1000 request/s}\n"
    text += f"catalog:\n  prices:\n    {group}:\n      {key}: {{price: 12345 {unit}, source: mine, as_of: 2026-11-29}}\n"
    used = {p.item: p for p in estimate(load_scenario_text(text, "p.yaml")).unit_prices}
    assert used[f"{group}.{key}"].price.magnitude == 12345
    assert used[f"{group}.{key}"].source == "mine"


def test_the_online_feature_store_price_can_be_changed():
    text = """
name: features
traffic: {requests: 1000 request/s}
features:
  online:
    tier: cache
    groups: [{entity: user, entities: 1 billion, features: 100, bytes_per_value: 4 B}]
catalog:
  prices: {storage: {cache: {price: 10 USD/GB/month, source: our Redis cluster, as_of: 2026-11-01}}}
"""
    result = estimate(load_scenario_text(text, "f.yaml"))
    # 1e9 × 100 × 4 B = 400 GB × $10 = $4,000 (pint's month and the price's month are the same here)
    assert result["features.online.monthly_cost"].to("USD").magnitude == pytest.approx(4000)


def test_an_unknown_price_is_refused_where_it_is_named():
    with pytest.raises(ScenarioError) as error:
        load_scenario_text(CDN.replace("egress_tier: cdn", "egress_tier: cnd"), "cdn.yaml")
    message = str(error.value)
    assert "cdn.yaml:7" in message and "traffic.egress_tier" in message and "unknown network price" in message
    assert "did you mean 'cdn'?" in message


def test_a_price_in_the_wrong_unit_for_its_group_is_refused():
    with pytest.raises(ScenarioError) as error:
        load_price_book_text(BOOK.replace("0.02 USD/GB", "0.02 USD/GB/month"), "book.yaml")
    assert "book.yaml" in str(error.value) and "a network price is per GB" in str(error.value)


def test_a_bad_price_book_exits_2_with_its_location(tmp_path):
    book = tmp_path / "prices.yaml"
    book.write_text("prices:\n  network:\n    egress: {price: 0.02 USD/GB, source: x}\n", encoding="utf-8")
    result = run_cli("estimate", str(CASES / "cdn-price-override.yaml"), "--catalog", str(book))
    assert result.returncode == 2
    assert "prices.network.egress.as_of" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("key, kind", [("TPU-v4", "tpu"), ("TPU-v5e", "tpu"), ("TPU-v5p", "tpu"), ("H800", "gpu"),
                                       ("B200", "gpu"), ("MI300X", "gpu"), ("c5-12xlarge", "cpu")])
def test_catalog_devices_carry_their_kind_and_sources(key, kind):
    device = bundled_accelerators()[key]
    assert device.kind == kind
    assert device.source and device.price_source and device.as_of and device.price_as_of


# ---------------------------------------------------- a measured throughput replaces datasheet × utilisation

MEASURED = (CASES / "measured-throughput.yaml").read_text()


def test_measured_throughput_sizes_the_fleet():
    text = MEASURED.replace("headroom: 1.25", "headroom: 1.25\n    measured_throughput: 25000 inference/s")
    result = estimate(load_scenario_text(text, "m.yaml"))
    assert result["models.ranker.accelerators"].magnitude == 60          # ⌈1.2e6 × 1.25 / 25,000⌉
    # 25,000/s × 20 MFLOP / 121 TFLOP/s (L4 fp16 dense) = 0.413 %
    assert result["models.ranker.implied_utilisation"].magnitude == pytest.approx(25_000 * 20e6 / 121e12)
    text = text.replace("headroom: 1.25", "headroom: 1")
    assert estimate(load_scenario_text(text, "m.yaml"))["models.ranker.accelerators"].magnitude == 48


def test_measured_throughput_per_system_is_divided_by_its_devices():
    text = MEASURED.replace("headroom: 1.25", "headroom: 1.25\n    measured_throughput: 200000 inference/s\n"
                                              "    devices_per_system: 8")
    assert estimate(load_scenario_text(text, "m.yaml"))["models.ranker.accelerators"].magnitude == 60


def test_measured_throughput_case_as_written_still_uses_flops():
    """The case file names no measurement: datasheet × utilisation, 1 L4, as its header says was seen."""
    result = estimate(load_scenario_text(MEASURED, "measured-throughput.yaml"))
    assert result["models.ranker.accelerators"].magnitude == 1
    assert "models.ranker.implied_utilisation" not in result


LLAMA2_70B = """
name: Llama 2 70B pretraining
traffic: {requests: 1 request/s}
training:
  parameters: 70 billion parameter
  tokens: 2 trillion token
  accelerator: A100-80GB
  precision: bf16
  cluster_accelerators: 2048 GPU
"""


def test_published_gpu_hours_give_the_implied_mfu():
    """Touvron et al. 2023, table 2: 1,720,320 A100-80GB GPU-hours for 70 B parameters × 2 T tokens."""
    result = estimate(load_scenario_text(LLAMA2_70B + "  accelerator_hours: 1720320 GPU*hour\n", "l.yaml"))
    assert result["training.accelerator_hours"].to("GPU*hour").magnitude == pytest.approx(1_720_320)
    assert result["training.implied_mfu"].magnitude == pytest.approx(8.4e23 / (1_720_320 * 3600 * 312e12))


def test_measured_tokens_per_second_per_device_give_the_hours():
    result = estimate(load_scenario_text(LLAMA2_70B + "  measured_throughput: 323 token/s/GPU\n", "l.yaml"))
    assert result["training.accelerator_hours"].to("GPU*hour").magnitude == pytest.approx(2e12 / 323 / 3600)


def test_measured_throughput_in_the_wrong_count_is_refused():
    with pytest.raises(ScenarioError, match="measured_throughput counts examples"):
        load_scenario_text(LLAMA2_70B + "  measured_throughput: 323 example/s/GPU\n", "l.yaml")


# ------------------------------------------------------------ one A/B convention only

AB = (CASES / "ab-conversion-drop-one-sided.yaml").read_text()


@pytest.mark.parametrize("sides, variance, expected", [
    (1, "unpooled", 10_628), (1, "pooled", 10_630), (1, "arcsine", 10_624),
    (2, "unpooled", 13_493), (2, "pooled", 13_495), (2, "arcsine", 13_488)])
def test_one_ab_convention_only_each_convention_gives_its_value(sides, variance, expected):
    text = AB + f"    direction: decrease\n    sides: {sides}\n    variance: {variance}\n"
    result = estimate(load_scenario_text(text, "ab.yaml"))
    assert result["experiments.ab_test.sample_size_per_arm"].magnitude == expected
    assert result["experiments.ab_test.treatment_rate"] == pytest.approx(0.09)


@pytest.mark.parametrize("sides, variance", [(s, v) for s in (1, 2) for v in ("unpooled", "pooled", "arcsine")])
def test_one_ab_convention_only_agrees_with_statsmodels(sides, variance):
    """The formula written in calc/experiment.py against statsmodels' own functions."""
    from statsmodels.stats.power import NormalIndPower, normal_sample_size_one_tail
    from statsmodels.stats.proportion import proportion_effectsize

    text = AB + f"    direction: decrease\n    sides: {sides}\n    variance: {variance}\n"
    ours = estimate(load_scenario_text(text, "ab.yaml"))["experiments.ab_test.sample_size_exact"].magnitude
    p1, p2, alpha = 0.10, 0.09, 0.05 / sides
    if variance == "arcsine":
        h = proportion_effectsize(p1, p2)
        theirs = NormalIndPower().solve_power(h, power=0.8, alpha=0.05,
                                              alternative="larger" if sides == 1 else "two-sided")
        assert ours == pytest.approx(theirs, abs=0.05)
        return
    both = (p1 * (1 - p1) + p2 * (1 - p2)) ** 0.5
    null = both if variance == "unpooled" else (2 * 0.095 * 0.905) ** 0.5
    assert ours == pytest.approx(normal_sample_size_one_tail(p1 - p2, 0.8, alpha, std_null=null,
                                                             std_alternative=both))


def test_one_ab_convention_only_the_published_case_still_holds():
    """Evan Miller's calculator: 20 % → 25 %, two-sided, α 0.05, power 0.8: 1,030 per arm (1,030.2)."""
    text = "name: m\ntraffic: {requests: 1 request/s}\nexperiments: {ab_test: {baseline_rate: 0.2, mde: 0.05}}\n"
    result = estimate(load_scenario_text(text, "m.yaml"))
    assert result["experiments.ab_test.sample_size_exact"].magnitude == pytest.approx(1030.2, abs=0.05)


def test_one_ab_convention_only_continuous_metric():
    """Revenue per user, sd $20, detect +$0.50, two-sided α 0.05, power 0.8:
    n = 2 × (1.95996 + 0.84162)² × 20² / 0.5² = 25,116.4 → 25,117 per arm."""
    text = ("name: m\ntraffic: {requests: 1 request/s}\n"
            "experiments: {ab_test: {baseline_mean: 5.0, sd: 20, mde: 0.5}}\n")
    result = estimate(load_scenario_text(text, "m.yaml"))
    assert result["experiments.ab_test.sample_size_per_arm"].magnitude == 25_117
    assert result["experiments.ab_test.treatment_mean"] == pytest.approx(5.5)


def test_one_ab_convention_only_more_arms_split_alpha():
    """Three arms, Bonferroni: α = 0.05 / 2 comparisons = 0.025 each, so z_{1−0.0125} = 2.2414."""
    text = ("name: m\ntraffic: {requests: 1 request/s}\n"
            "experiments: {ab_test: {baseline_rate: 0.10, mde: 0.01, arms: 3, variance: unpooled}}\n")
    result = estimate(load_scenario_text(text, "m.yaml"))
    assert result["experiments.ab_test.alpha_per_comparison"] == pytest.approx(0.025)
    # (2.2414 + 0.8416)² × (0.10 × 0.90 + 0.11 × 0.89) / 0.01² = 17,859.97
    assert result["experiments.ab_test.sample_size_per_arm"].magnitude == 17_860
    none = estimate(load_scenario_text(text.replace("arms: 3", "arms: 3, correction: none"), "m.yaml"))
    assert none["experiments.ab_test.sample_size_per_arm"].magnitude == 14_749


def test_one_ab_convention_only_a_decrease_below_zero_is_refused():
    text = "name: m\ntraffic: {requests: 1 request/s}\nexperiments: {ab_test: {baseline_rate: 0.01, mde: 0.02, " \
           "direction: decrease}}\n"
    with pytest.raises(ScenarioError, match="must stay above 0"):
        load_scenario_text(text, "m.yaml")


def test_case_files_still_load():
    for name in ("cdn-price-override.yaml", "measured-throughput.yaml", "ab-conversion-drop-one-sided.yaml"):
        load_scenario_text(Path(CASES / name).read_text(), name)


def test_a_cpu_fleet_is_named_cpu_servers():
    text = ("name: cpu\ntraffic: {requests: 1000 request/s}\n"
            "models: [{name: gbdt, flops_per_inference: 1 GFLOP/inference, accelerator: c5-12xlarge, "
            "precision: fp32}]\n")
    result = estimate(load_scenario_text(text, "cpu.yaml"))
    assert result.steps["models.gbdt.accelerators"].label == "CPU servers at peak"
    used = {p.item: p.name for p in result.unit_prices}
    assert used["accelerator.c5-12xlarge"].endswith("(CPU)")


# ------------------------------------------------------------ energy and carbon

ENERGY = """
name: energy
conventions: {month: 30 day}
traffic: {requests: 1000 request/s}
models:
  - {name: gpu, flops_per_inference: 1 TFLOP/inference, accelerator: H100-SXM, precision: bf16}
  - {name: cpu, flops_per_inference: 1 GFLOP/inference, accelerator: c5-12xlarge, precision: fp32}
energy: {pue: 1.2, carbon_intensity: 0.4 kg/kWh}
"""


def test_serving_energy_is_devices_times_power_times_pue_over_the_month():
    result = estimate(load_scenario_text(ENERGY, "e.yaml"))
    gpus = result["models.gpu.accelerators"].magnitude
    # devices × 700 W × 1.2 × 720 h
    assert result["models.gpu.energy_per_month"].to("kWh").magnitude == pytest.approx(gpus * 0.7 * 1.2 * 720)
    assert "models.cpu.energy_per_month" not in result  # the catalog gives c5-12xlarge no power: no energy
    assert result["serving.co2e_per_month"].to("t").magnitude == pytest.approx(gpus * 0.7 * 1.2 * 720 * 0.4 / 1000)


def test_no_energy_section_no_energy_results():
    result = estimate(load_scenario_text(ENERGY.replace("energy: {pue: 1.2, carbon_intensity: 0.4 kg/kWh}\n", ""),
                                         "e.yaml"))
    assert not [key for key in result.steps if "energy" in key or "co2e" in key]


def test_measured_throughput_sizes_a_serving_stage_on_its_own_device():
    text = """
name: stages
conventions: {peak_factor: 1}
traffic: {requests: 2000 request/s}
serving:
  latency_budget: 200 ms
  stages:
    - {name: ranker, items: 600, flops_per_item: 20 MFLOP, accelerator: L4, precision: fp16, headroom: 1.25,
       measured_throughput: 200000 inference/s, devices_per_system: 8}
"""
    result = estimate(load_scenario_text(text, "s.yaml"))
    assert result["serving.stages.ranker.accelerators"].magnitude == 60   # ⌈1.2e6 × 1.25 / 25,000⌉
    assert result["serving.stages.ranker.implied_utilisation"].magnitude == pytest.approx(25_000 * 20e6 / 121e12)


# ------------------------------------------------------------ several of a kind

def test_several_ab_tests_each_under_its_name():
    """Three published calculators in one file, each with its own convention (docs/calibration.md)."""
    text = """
name: three metrics
traffic: {requests: 1 request/s}
experiments:
  ab_tests:
    - {name: signup, baseline_rate: 0.20, mde: 0.05}
    - {name: ctr, baseline_rate: 0.10, mde: 0.02, variance: pooled}
    - {name: purchase, baseline_rate: 0.01, mde: 0.10, mde_kind: relative, variance: unpooled}
"""
    result = estimate(load_scenario_text(text, "three.yaml"))
    assert result["experiments.ab_tests.signup.sample_size_per_arm"].magnitude == 1031      # Evan Miller 1,030.2
    assert result["experiments.ab_tests.ctr.sample_size_per_arm"].magnitude == 3841         # ~3,800
    assert result["experiments.ab_tests.purchase.sample_size_exact"].magnitude == pytest.approx(163_092, abs=1)
    assert "experiments.ab_test.sample_size_per_arm" not in result


def test_several_ab_tests_need_distinct_names():
    text = ("name: t\ntraffic: {requests: 1 request/s}\nexperiments:\n  ab_tests:\n"
            "    - {name: a, baseline_rate: 0.1, mde: 0.01}\n    - {name: a, baseline_rate: 0.2, mde: 0.01}\n")
    with pytest.raises(ScenarioError, match="repeated: a"):
        load_scenario_text(text, "t.yaml")


def test_several_indexes_each_under_its_name():
    """faiss wiki figures: 1 B vectors of d = 128 → flat 512 GB; IVF-PQ M = 16, nbits = 8 → 24 B/vector."""
    text = """
name: two indexes
traffic: {requests: 1 request/s}
indexes:
  - {name: exact, vectors: 1 billion vector, dim: 128, type: flat}
  - {name: compressed, vectors: 1 billion vector, dim: 128, type: ivf_pq, pq_m: 16, pq_nbits: 8, nlist: 65536}
"""
    result = estimate(load_scenario_text(text, "i.yaml"))
    assert result["indexes.exact.size"].to("GB").magnitude == pytest.approx(512)
    assert result["indexes.compressed.bytes_per_vector"].magnitude == 24
    assert "index.size" not in result


# ------------------------------------------------------------ recommender and retrieval memory

def test_embedding_tables_at_training_time_carry_optimizer_state():
    text = """
name: tables
traffic: {requests: 1 request/s}
embeddings:
  optimizer: adam
  memory_per_device: 80 GB
  tables:
    - {name: user, rows: 1 billion, dim: 64, dtype: fp16}
    - {name: item, rows: 100 million, dim: 64, dtype: fp32}
"""
    result = estimate(load_scenario_text(text, "t.yaml"))
    # user: 64e9 values × (2 × 2 + 2 × 4) B = 768 GB; item: 6.4e9 × (2 × 4 + 8) B = 102.4 GB
    assert result["embeddings.tables.user.training_size"].to("GB").magnitude == pytest.approx(768)
    assert result["embeddings.tables.item.training_size"].to("GB").magnitude == pytest.approx(102.4)
    assert result["embeddings.training_devices"].magnitude == 11         # ⌈870.4 / 80⌉
    assert result["embeddings.serving_devices"].magnitude == 2           # ⌈(128 + 25.6) / 80⌉


@pytest.mark.parametrize("extra, key, expected_bytes", [
    ("type: ivf_pq, nlist: 65536, precomputed_tables: true", "precomputed_tables_size", 65536 * 16 * 256 * 4),
    ("type: ivf_pq, nlist: 65536, opq: true", "rotation_size", 128 * 128 * 4),
    ("type: imi_pq, imi_nbits: 12", "centroids_size", 4096 * 128 * 4),
])
def test_index_memory_beyond_faiss_defaults(extra, key, expected_bytes):
    text = f"name: i\ntraffic: {{requests: 1 request/s}}\nindex: {{vectors: 1 billion vector, dim: 128, {extra}}}\n"
    result = estimate(load_scenario_text(text, "i.yaml"))
    assert result[f"index.{key}"].to("B").magnitude == expected_bytes
    assert result["index.size"].to("B").magnitude == pytest.approx(
        sum(result[k].to("B").magnitude for k in result.steps if k.startswith("index.") and k.endswith("_size")
            and k != "index.size"))


def test_pgvector_hnsw_stores_a_1536_dimension_vector_per_page():
    text = ("name: pg\ntraffic: {requests: 1 request/s}\n"
            "index: {vectors: 10 million vector, dim: 1536, type: pgvector_hnsw, hnsw_m: 16}\n")
    result = estimate(load_scenario_text(text, "pg.yaml"))
    assert result["index.size"].to("GB").magnitude == pytest.approx(81.92)     # 10 M pages of 8 KB


def test_diskann_keeps_pq_codes_in_ram_and_the_graph_on_ssd():
    text = ("name: d\ntraffic: {requests: 1 request/s}\n"
            "index: {vectors: 1 billion vector, dim: 128, type: diskann, pq_m: 32, pq_nbits: 8, max_degree: 64}\n")
    result = estimate(load_scenario_text(text, "d.yaml"))
    assert result["index.vectors_size"].to("GB").magnitude == pytest.approx(32)   # 32 B of PQ code each
    assert result["index.ssd_size"].to("B").magnitude == (200_000_000 + 1) * 4096


def test_a_price_book_uploaded_in_the_app_prices_the_scenario_under_its_own_entries():
    from estimator.edits import price_book_overrides

    scenario_text = (CASES / "cdn-price-override.yaml").read_text()
    overrides = price_book_overrides(BOOK, "prices.yaml", scenario_text, "cdn-price-override.yaml")
    result = estimate(load_scenario_text(scenario_text, "cdn-price-override.yaml", overrides))
    assert result["cost.egress_monthly"].to("USD").magnitude == pytest.approx(2_073_600)
    # the scenario's own entry wins over the book's
    own = CDN.replace("egress_tier: cdn", "egress_tier: egress").replace("cdn:\n        price: 0.02",
                                                                          "egress:\n        price: 0.03")
    assert price_book_overrides(BOOK, "prices.yaml", own, "own.yaml") == []


def test_a_bad_price_book_upload_is_located_in_the_book():
    from estimator.edits import price_book_overrides

    with pytest.raises(ScenarioError, match="prices.yaml:6:7: prices.network.egress.sauce: unknown key"):
        price_book_overrides(BOOK.replace("      source", "      sauce"), "prices.yaml", "name: x\n", "x.yaml")


def test_several_availability_systems_each_under_its_name():
    """system-design-primer, "Availability in numbers": 99.9 % allows 8h 45m 57s a year, 99.99 % 52m 35.7s."""
    text = """
name: nines table
conventions: {year: 365.25 day}
traffic: {requests: 1 request/s}
availabilities:
  - {name: three_nines, target: 0.999}
  - {name: four_nines, target: 0.9999}
"""
    result = estimate(load_scenario_text(text, "n.yaml"))
    assert result["availabilities.three_nines.downtime_per_year"].to("s").magnitude == pytest.approx(31_557.6)
    assert result["availabilities.four_nines.downtime_per_year"].to("s").magnitude == pytest.approx(3_155.76)
    assert result["availabilities.four_nines.nines"].magnitude == pytest.approx(4)


def test_several_training_jobs_each_under_its_name():
    """Llama 2's Table 2 rows in one file (Touvron et al. 2023): each job's GPU-hours and implied MFU."""
    text = """
name: Llama 2 family
traffic: {requests: 1 request/s}
energy: {pue: 1.0}
trainings:
  - {name: l7b, parameters: 7 billion parameter, tokens: 2 trillion token, accelerator: A100-80GB,
     precision: bf16, accelerator_hours: 184320 GPU*hour}
  - {name: l70b, parameters: 70 billion parameter, tokens: 2 trillion token, accelerator: A100-80GB,
     precision: bf16, accelerator_hours: 1720320 GPU*hour}
"""
    result = estimate(load_scenario_text(text, "l.yaml"))
    assert result["trainings.l7b.implied_mfu"].magnitude == pytest.approx(0.4058, abs=5e-4)
    assert result["trainings.l70b.implied_mfu"].magnitude == pytest.approx(0.4348, abs=5e-4)
    assert result.steps["trainings.l70b.implied_mfu"].formula.startswith("trainings.l70b.flops_per_run / ")
    assert result["trainings.l70b.energy_per_run"].to("MWh").magnitude == pytest.approx(688.128)  # × 400 W
    monthly = result["trainings.l7b.monthly_cost"] + result["trainings.l70b.monthly_cost"]
    assert result["cost.monthly_total"].to("USD").magnitude == pytest.approx(monthly.to("USD").magnitude)
    assert "training.flops_per_run" not in result
