"""LLM serving for the models deployed now (issue 17): each handed case in its new form, with
the expected value from its header, and each new feature against a hand calculation.

The original case files do not say whether the model is a mixture of experts or which attention it
uses, the two facts that swung their estimates 3.6× to 57×; they are refused naming both fields
(test_original_case_files_are_refused_naming_the_missing_fields).
"""

from __future__ import annotations

import math

import pytest

from estimator.errors import ScenarioError
from estimator.compose import estimate
from estimator.scenario import load_scenario_text

def run(text: str):
    return estimate(load_scenario_text(text, "<llm>"))


MIXTRAL_8X22B = """
name: Mixtral 8x22B interactive serving
archetype: llm
traffic:
  requests: 1 request/s
llm:
  architecture: moe
  attention: gqa
  parameters: 141 billion parameter
  active_parameters: 39 billion parameter
  dtype: fp16
  kv_dtype: fp16
  layers: 56
  kv_heads: 8
  head_dim: 128
  prompt_tokens: 2000 token
  output_tokens: 400 token
  batch_size: 1
  accelerator: H100-SXM
"""


def test_moe_active_parameters_drive_flops_and_decode_mixtral_8x22b():
    """mixtral-8x22b-moe-active.yaml: weights 282 GB on 4 H100s (all 141 B resident); prefill
    2 × 39e9 × 2,000 = 1.56e14 FLOP, 98.6 ms; decode (78 GB + 0.55 GB KV) / (4 × 3.35 TB/s × 0.6) ≈ 9.8 ms."""
    r = run(MIXTRAL_8X22B)
    assert r["llm.weights_memory"].to("GB").magnitude == pytest.approx(282)
    assert r["llm.tensor_parallel"].to("GPU").magnitude == 4
    assert r["llm.prefill_flops_per_request"].to("FLOP").magnitude == pytest.approx(1.56e14)
    assert r["llm.prefill_time"].to("ms").magnitude == pytest.approx(1.56e14 / (4 * 989e12 * 0.4) * 1e3)
    assert r["llm.prefill_time"].to("ms").magnitude == pytest.approx(98.6, abs=0.05)
    kv = 2 * 56 * 8 * 128 * 2 * 2400
    assert r["llm.decode_weight_bytes"].to("B").magnitude == pytest.approx(78e9)
    assert r["llm.decode_step_time"].to("ms").magnitude == pytest.approx((78e9 + kv) / (4 * 3.35e12 * 0.6) * 1e3)
    assert r["llm.decode_step_time"].to("ms").magnitude == pytest.approx(9.77, abs=0.01)


def test_moe_from_experts_grows_weight_reads_with_batch():
    """The same model by its experts (8 of 17 B, 2 a token): active 141 − 6 × 17 = 39 B; a decode
    step reads the shared 5 B and E·(1 − (1 − k/E)^B) experts: 2 at batch 1, 8·(1 − 0.75^16) at 16."""
    text = MIXTRAL_8X22B.replace("  active_parameters: 39 billion parameter\n",
                                 "  experts: 8\n  experts_per_token: 2\n  expert_parameters: 17 billion parameter\n")
    one = run(text)
    assert one["llm.active_parameters"].to("parameter").magnitude == pytest.approx(39e9)
    assert one["llm.prefill_flops_per_request"].to("FLOP").magnitude == pytest.approx(1.56e14)
    assert one["llm.expected_distinct_experts"].magnitude == pytest.approx(2.0)
    assert one["llm.decode_weight_bytes"].to("GB").magnitude == pytest.approx(78)
    sixteen = run(text.replace("batch_size: 1", "batch_size: 16"))
    distinct = 8 * (1 - 0.75 ** 16)
    assert sixteen["llm.expected_distinct_experts"].magnitude == pytest.approx(distinct)
    assert sixteen["llm.decode_weight_bytes"].to("B").magnitude == pytest.approx((5e9 + distinct * 17e9) * 2)


GPT_OSS_120B = """
name: gpt-oss-120b on one H100
archetype: llm
traffic:
  requests: 1 request/s
llm:
  architecture: moe
  attention: gqa
  parameters: 116.83 billion parameter
  active_parameters: 5.13 billion parameter
  experts: 128
  experts_per_token: 4
  expert_parameters: 896.171875 million parameter   # 114.71 B MoE parameters / 128 (model card)
  dtype: bf16
  expert_dtype: mxfp4
  kv_dtype: bf16
  layers: 36
  kv_heads: 8
  head_dim: 64
  prompt_tokens: 8192 token
  output_tokens: 1024 token
  batch_size: 1
  accelerator: H100-SXM
"""


def test_four_bit_mixed_precision_weights_gpt_oss_120b():
    """gpt-oss-120b-mxfp4.yaml: weights ≈ 65.2 GB (114.71 B MXFP4 experts at 4.25 bit + 2.12 B bf16;
    checkpoint 65,248,815,744 B); KV 73,728 B/token; ≈ 65.9 GB a replica → one 80 GB H100;
    prefill with 5.13 B active: 2 × 5.13e9 × 8,192 = 8.4e13 FLOP."""
    r = run(GPT_OSS_120B)
    weights = r["llm.weights_memory"].to("B").magnitude
    assert weights == pytest.approx(114.71e9 * 4.25 / 8 + (116.83e9 - 114.71e9) * 2)
    assert weights == pytest.approx(65_248_815_744, rel=0.002)
    assert r["llm.kv_bytes_per_token"].to("B/token").magnitude == 73_728
    assert r["llm.memory_per_replica"].to("GB").magnitude == pytest.approx(65.9, abs=0.05)
    assert r["llm.tensor_parallel"].to("GPU").magnitude == 1
    assert r["llm.prefill_flops_per_request"].to("FLOP").magnitude == pytest.approx(2 * 5.13e9 * 8192)
    assert r["llm.prefill_flops_per_request"].to("FLOP").magnitude == pytest.approx(8.4e13, rel=0.001)


DEEPSEEK_V3 = """
name: DeepSeek-V3 MLA KV cache
archetype: llm
traffic:
  requests: 1 request/s
llm:
  architecture: moe
  attention: mla
  parameters: 671 billion parameter
  active_parameters: 37 billion parameter
  dtype: fp8
  kv_dtype: bf16
  layers: 61
  kv_heads: 128
  head_dim: 128
  kv_lora_rank: 512
  qk_rope_head_dim: 64
  prompt_tokens: 65535 token
  output_tokens: 1 token
  batch_size: 1
  accelerator: H200
"""


def test_latent_attention_kv_cache_deepseek_v3():
    """deepseek-v3-mla-kv.yaml: 61 × (512 + 64) × 2 B = 70,272 B/token; 4,605,345,792 B at 65,536
    tokens; prefill with 37 B active: 2 × 37e9 × 65,535 = 4.85e15 FLOP."""
    r = run(DEEPSEEK_V3)
    assert r["llm.kv_bytes_per_token"].to("B/token").magnitude == 70_272
    assert r["llm.kv_bytes_per_request"].to("B").magnitude == 4_605_345_792
    assert r["llm.prefill_flops_per_request"].to("FLOP").magnitude == pytest.approx(2 * 37e9 * 65_535)
    assert r["llm.prefill_flops_per_request"].to("FLOP").magnitude == pytest.approx(4.85e15, rel=0.001)


CHOICES_ARCHITECTURE = "expected one of 'dense' or 'moe'"
CHOICES_ATTENTION = "expected one of 'mha', 'gqa', 'mqa', 'mla', 'sliding' or 'hybrid'"


@pytest.mark.parametrize("case, line", [
    ("mixtral-8x22b-moe-active", 12), ("gpt-oss-120b-mxfp4", 13), ("deepseek-v3-mla-kv", 12)])
def test_original_case_files_are_refused_naming_the_missing_fields(case, line):
    """The handed files as written say nothing of experts, 4-bit weights or latent attention, and
    gave the old numbers 3.6× to 57× off. Whether a model is a mixture of experts and which
    attention it uses must now be stated: each file is refused, naming both fields and their values."""
    from conftest import ROOT, run_cli

    path = f"tests/cases/{case}.yaml"
    assert (ROOT / path).is_file()
    result = run_cli("estimate", path, "--format", "json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (f"{path}:{line}:3: llm.architecture: missing key: {CHOICES_ARCHITECTURE}\n"
                             f"{path}:{line}:3: llm.attention: missing key: {CHOICES_ATTENTION}\n")


@pytest.mark.parametrize("old, new, message", [
    ("architecture: moe", "architecture: dense",
     "<llm>:7:17: llm.architecture: active_parameters or experts describe a mixture of experts: given 'dense', "
     "expected 'moe', or no active_parameters and experts"),
    ("  active_parameters: 39 billion parameter\n", "",
     "<llm>:7:17: llm.architecture: a mixture of experts needs its active parameters: given 'moe', "
     "expected active_parameters, or experts, experts_per_token and expert_parameters"),
    ("attention: gqa", "attention: mla",
     "<llm>:8:14: llm.attention: multi-head latent attention goes with kv_lora_rank: given 'mla', "
     "expected 'mla' with kv_lora_rank and qk_rope_head_dim, or neither"),
    ("attention: gqa", "attention: sliding",
     "<llm>:8:14: llm.attention: sliding-window attention goes with sliding_window: given 'sliding', "
     "expected 'sliding' or 'hybrid' with sliding_window, or neither"),
    ("attention: gqa", "attention: mqa",
     "<llm>:8:14: llm.attention: multi-query attention has one KV head: given 'mqa', "
     "expected kv_heads: 1, or 'gqa'/'mha' for kv_heads 8"),
    ("attention: gqa", "attention: mha\n  heads: 48",
     "<llm>:8:14: llm.attention: multi-head attention has as many KV heads as heads: given 'mha', "
     "expected kv_heads equal to heads, or 'gqa'/'mqa' for fewer"),
    ("kv_heads: 8", "kv_heads: 1",
     "<llm>:8:14: llm.attention: grouped-query attention has more than one KV head and fewer than heads: given "
     "'gqa', expected 'mqa' for one KV head, 'mha' for as many KV heads as heads"),
    ("attention: gqa", "attention: hybrid\n  sliding_window: 4096 token",
     "<llm>:8:14: llm.attention: a hybrid interleaves local and global layers: given 'hybrid', "
     "expected local_layers below layers, or 'sliding' when every layer is local"),
    ("attention: gqa", "attention: sliding\n  sliding_window: 4096 token\n  local_layers: 28",
     "<llm>:8:14: llm.attention: local_layers below layers leaves some layers global: given 'sliding', "
     "expected 'hybrid', or local_layers equal to layers"),
    ("architecture: moe", "architecture: sparse",
     "<llm>:7:17: llm.architecture: not one of the choices: given 'sparse', expected one of 'dense' or 'moe'"),
], ids=["dense-with-active", "moe-without-active", "mla-without-rank", "sliding-without-window", "mqa-with-8",
        "mha-with-fewer-kv", "gqa-with-one", "hybrid-all-local", "sliding-some-global", "unknown"])
def test_stated_architecture_and_attention_must_agree_with_the_fields(old, new, message):
    """Each disagreement is one message at the stated field, with the values that would agree."""
    assert old in MIXTRAL_8X22B
    with pytest.raises(ScenarioError) as error:
        run(MIXTRAL_8X22B.replace(old, new))
    assert str(error.value) == message


def test_stated_kinds_that_agree_are_accepted():
    """mqa with one KV head, mha with as many as heads, sliding on every layer, a hybrid below all."""
    mqa = run(MIXTRAL_8X22B.replace("attention: gqa", "attention: mqa").replace("kv_heads: 8", "kv_heads: 1"))
    assert mqa["llm.kv_bytes_per_token"].to("B/token").magnitude == 2 * 56 * 1 * 128 * 2
    mha = run(MIXTRAL_8X22B.replace("attention: gqa", "attention: mha\n  heads: 8"))
    assert mha["llm.kv_bytes_per_token"].to("B/token").magnitude == 2 * 56 * 8 * 128 * 2
    sliding = run(MIXTRAL_8X22B.replace("attention: gqa", "attention: sliding\n  sliding_window: 500 token"))
    assert sliding["llm.kv_bytes_per_request"].to("B").magnitude == 2 * 56 * 8 * 128 * 2 * 500


def test_prefill_attention_term_grows_with_prompt_squared():
    """With query heads, prefill adds 2 × layers × heads × head_dim × L² (Chinchilla app. F, causal):
    Mixtral 8x22B, 48 heads: 2 × 56 × 48 × 128 × 2,000² = 2.75e12 on top of 1.56e14; at 32 K
    tokens the term is 16² times larger while the matmuls grow 16 times."""
    short = run(MIXTRAL_8X22B.replace("  layers: 56", "  layers: 56\n  heads: 48"))
    attention = 2 * 56 * 48 * 128 * 2000 ** 2
    assert short["llm.prefill_attention_flops_per_request"].to("FLOP").magnitude == pytest.approx(attention)
    assert short["llm.prefill_flops_per_request"].to("FLOP").magnitude == pytest.approx(1.56e14 + attention)
    long = run(MIXTRAL_8X22B.replace("  layers: 56", "  layers: 56\n  heads: 48").replace("2000 token", "32000 token"))
    assert long["llm.prefill_attention_flops_per_request"].to("FLOP").magnitude == pytest.approx(attention * 256)
    assert long["llm.prefill_time"] > 16 * short["llm.prefill_time"]


def test_sliding_window_hybrid_kv_and_attention():
    """gpt-oss alternates 18 local layers (window 128) with 18 global: the cache per request is
    (18 × 9,216 + 18 × 128) / 36 tokens' worth of the all-layer figure; attention pairs of the local
    layers are L·W − W²/2."""
    text = GPT_OSS_120B.replace("attention: gqa", "attention: hybrid").replace(
        "  head_dim: 64", "  head_dim: 64\n  heads: 64\n  sliding_window: 128 token\n  local_layers: 18")
    r = run(text)
    assert r["llm.kv_bytes_per_request"].to("B").magnitude == pytest.approx(73_728 * (18 * 9216 + 18 * 128) / 36)
    pairs_global, pairs_local = 8192 ** 2 / 2, 8192 * 128 - 128 ** 2 / 2
    assert r["llm.prefill_attention_flops_per_request"].to("FLOP").magnitude == pytest.approx(
        4 * 64 * 64 * (18 * pairs_global + 18 * pairs_local))


def test_prefix_cache_skips_prefill_of_cached_tokens():
    """A 75 % prefix hit computes a quarter of the matmuls; attention of the new quarter still reads
    the cached keys: pairs L²/2 − (0.75 L)²/2."""
    base = MIXTRAL_8X22B.replace("  layers: 56", "  layers: 56\n  heads: 48")
    r = run(base.replace("  batch_size: 1", "  batch_size: 1\n  prefix_cache_hit_rate: 0.75"))
    assert r["llm.prefill_matmul_flops_per_request"].to("FLOP").magnitude == pytest.approx(1.56e14 / 4)
    assert r["llm.prefill_attention_flops_per_request"].to("FLOP").magnitude == pytest.approx(
        4 * 48 * 128 * 56 * (2000 ** 2 / 2 - 1500 ** 2 / 2))


def test_speculative_decoding_tokens_per_step_leviathan():
    """α = 0.8, γ = 4: (1 − 0.8⁵)/(1 − 0.8) = 3.3616 tokens a step; a draft costing 5 % of a target
    step makes time per output token = step × 1.2 / 3.3616."""
    text = MIXTRAL_8X22B.replace("  batch_size: 1", "  batch_size: 1\n  speculative: {acceptance_rate: 0.8, "
                                 "draft_tokens: 4, draft_cost: 0.05}")
    r = run(text)
    assert r["llm.speculative_tokens_per_step"].magnitude == pytest.approx(3.3616)
    assert r["llm.time_per_output_token"].to("ms").magnitude == pytest.approx(
        r["llm.decode_step_time"].to("ms").magnitude * 1.2 / 3.3616)


def test_batch_from_memory_and_from_tpot_target():
    """Llama-3-70B-class in fp8 on one H100 (70 GB weights, 320 KiB/token fp16 KV at 2,400 tokens):
    memory leaves room for ⌊(80 − 70) GB / 786 MB⌋ = 12 sequences; a 50 ms TPOT target allows
    B with (70 GB + B × 786 MB) / (3.35 TB/s × 0.6) ≤ 50 ms → all 12 (36.3 ms at 12);
    a 36 ms target allows ⌊(36 ms × 2.01 TB/s − 70 GB) / 786 MB⌋ = 3."""
    text = """
name: batch
traffic: {requests: 1 request/s}
llm:
  architecture: dense
  attention: gqa
  parameters: 70 billion parameter
  dtype: fp8
  layers: 80
  kv_heads: 8
  head_dim: 128
  prompt_tokens: 2000 token
  output_tokens: 400 token
  batch_size: 8
  tpot_target: 50 ms
  ttft_target: 200 ms
"""
    r = run(text)
    kv = 327_680 * 2400
    assert r["llm.max_batch_memory"].magnitude == (80e9 - 70e9) // kv == 12
    assert r["llm.max_batch_tpot"].magnitude == 12
    expected = 12 / ((70e9 + 12 * kv) / (3.35e12 * 0.6))
    assert r["llm.tokens_per_second_at_max_batch_memory"].to("token/s").magnitude == pytest.approx(expected)
    tight = run(text.replace("50 ms", "36 ms"))
    assert tight["llm.max_batch_tpot"].magnitude == (36e-3 * 3.35e12 * 0.6 - 70e9) // kv == 3
    assert "over budget" in tight.steps["llm.tpot_slack"].label
    assert "within budget" in r.steps["llm.tpot_slack"].label
    assert r["llm.ttft_slack"].to("ms").magnitude == pytest.approx(200 - 2 * 70e9 * 2000 / (1979e12 * 0.4) * 1e3)


def test_chunked_and_disaggregated_scheduling():
    """Serial: B / (B·prefill + n·tpot). Chunked: the lower of a compute roof, peak·tp·u / (prefill
    FLOPs + 2·N_active·n), and a bandwidth roof, B / (n × step with the KV cache at the mean context
    prompt + n/2). Disaggregated: a prefill pool of ⌈target × prefill⌉ replicas beside decode
    replicas at the bandwidth roof."""
    text = MIXTRAL_8X22B.replace("batch_size: 1", "batch_size: 8").replace("requests: 1 request/s",
                                                                           "requests: 20 request/s")
    serial = run(text)
    chunked = run(text.replace("  batch_size: 8", "  batch_size: 8\n  scheduling: chunked"))
    split = run(text.replace("  batch_size: 8", "  batch_size: 8\n  scheduling: disaggregated"))
    prefill = serial["llm.prefill_time"].to("s").magnitude
    decode = 400 * serial["llm.decode_step_time"].to("s").magnitude
    assert serial["llm.replica_requests_per_second"].magnitude == pytest.approx(8 / (8 * prefill + decode))
    kv_mean = 229_376 * (2000 + 200)
    mean_step = (78e9 + 8 * kv_mean) / (4 * 3.35e12 * 0.6)
    memory_roof = 8 / (400 * mean_step)
    compute_roof = 4 * 989e12 * 0.4 / (2 * 39e9 * 2000 + 2 * 39e9 * 400)
    assert chunked["llm.mean_decode_step_time"].to("s").magnitude == pytest.approx(mean_step)
    assert chunked["llm.memory_requests_per_second"].magnitude == pytest.approx(memory_roof)
    assert chunked["llm.compute_requests_per_second"].magnitude == pytest.approx(compute_roof)
    assert chunked["llm.replica_requests_per_second"].magnitude == pytest.approx(min(memory_roof, compute_roof))
    peak = serial["traffic.peak_qps"].to("request/s").magnitude  # 20 request/s × peak factor 2
    assert split["llm.prefill_replicas"].magnitude == math.ceil(peak * prefill) == 4
    assert split["llm.replica_requests_per_second"].magnitude == pytest.approx(memory_roof)
    assert split["llm.replicas"].magnitude == 4 + math.ceil(peak / memory_roof)


def test_tensor_parallel_as_deployed_but_never_below_memory():
    """A stated tensor_parallel is kept when memory allows it, raised when it does not."""
    stated = run(MIXTRAL_8X22B.replace("  batch_size: 1", "  batch_size: 1\n  tensor_parallel: 8"))
    assert stated["llm.tensor_parallel"].to("GPU").magnitude == 8
    too_few = run(MIXTRAL_8X22B.replace("  batch_size: 1", "  batch_size: 1\n  tensor_parallel: 2"))
    assert too_few["llm.tensor_parallel"].to("GPU").magnitude == 4


@pytest.mark.parametrize("field, value, message", [
    ("experts: 8", "", "a mixture of experts needs experts, experts_per_token and expert_parameters together"),
    ("kv_lora_rank: 512", "", "latent attention needs both kv_lora_rank and qk_rope_head_dim"),
    ("dtype: mxfp3", "", "not one of the choices"),
    ("speculative: {acceptance_rate: 1, draft_tokens: 4}", "", "acceptance_rate must stay below 1"),
])
def test_new_fields_refused_with_one_located_message(field, value, message):
    text = MIXTRAL_8X22B.replace("  dtype: fp16", "  " + field) if field.startswith("dtype") else \
        MIXTRAL_8X22B.replace("  batch_size: 1", "  batch_size: 1\n  " + field)
    with pytest.raises(ScenarioError) as error:
        run(text)
    assert message in str(error.value)
    assert str(error.value).startswith("<llm>:")


def test_model_error_band_divides_throughput_and_is_sampled():
    """model_error is estimate / measured: the point estimate uses its median, and a range makes
    the sampled replicas spread between the calibrated ends (0.81× and 1.44× for dense models)."""
    from estimator.uncertainty import sample_estimate

    text = MIXTRAL_8X22B.replace("  batch_size: 1", "  batch_size: 1\n  model_error: 1.25")
    r = run(text)
    assert r["llm.replica_requests_per_second"].magnitude == pytest.approx(
        r["llm.roofline_requests_per_second"].magnitude / 1.25)
    band = load_scenario_text(MIXTRAL_8X22B.replace("  batch_size: 1", "  batch_size: 1\n  model_error: "
                                                    "{low: 0.81, high: 1.44, dist: uniform}"), "<llm>")
    sampled = sample_estimate(band, 2000, 7)
    draws = sampled.draws
    ratio = (draws["llm.roofline_requests_per_second"] / draws["llm.replica_requests_per_second"]).to("").magnitude
    assert ratio.min() >= 0.81 - 1e-9 and ratio.max() <= 1.44 + 1e-9 and ratio.max() - ratio.min() > 0.5


def test_calibrated_error_band_is_shown_beside_throughput_without_moving_it():
    """With no model_error of its own, a scenario's report carries the roofline's calibrated band
    (estimate / measured 0.81–1.44, docs/calibration.md): throughput ÷ 1.44 and ÷ 0.81, right after
    llm.replica_requests_per_second, in the steps (hence JSON) and the Markdown; replicas still
    follow the point estimate."""
    from estimator.report import to_markdown

    r = run(MIXTRAL_8X22B)
    rate = r["llm.replica_requests_per_second"].to("request/s").magnitude
    assert r["llm.calibrated_requests_per_second_low"].to("request/s").magnitude == pytest.approx(rate / 1.44)
    assert r["llm.calibrated_requests_per_second_high"].to("request/s").magnitude == pytest.approx(rate / 0.81)
    keys = list(r.steps)
    at = keys.index("llm.replica_requests_per_second")
    assert keys[at + 1:at + 3] == ["llm.calibrated_requests_per_second_low", "llm.calibrated_requests_per_second_high"]
    assert r["llm.replicas"].magnitude == math.ceil(1 * 2 / rate)  # peak 2 request/s over the point rate
    rows = [line for line in to_markdown(r).splitlines() if "calibrated error band" in line]
    assert rows == [
        "| Requests per second per replica, low end of the calibrated error band "
        "(`llm.calibrated_requests_per_second_low`) | 0.173 request/s | llm.replica_requests_per_second / "
        "calibrated_high = 0.250 request/s / 1.44 = 0.173 request/s |",
        "| Requests per second per replica, high end of the calibrated error band "
        "(`llm.calibrated_requests_per_second_high`) | 0.308 request/s | llm.replica_requests_per_second / "
        "calibrated_low = 0.250 request/s / 0.810 = 0.308 request/s |"]


def test_a_stated_model_error_replaces_the_shown_band():
    """A scenario's own model_error already divides the throughput: the band is not shown again."""
    r = run(MIXTRAL_8X22B.replace("  batch_size: 1", "  batch_size: 1\n  model_error: 1.25"))
    assert "llm.calibrated_requests_per_second_low" not in r
    assert "llm.calibrated_requests_per_second_high" not in r
