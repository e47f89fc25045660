"""LLM serving: weights and KV cache → tensor-parallel degree; prefill and decode → replicas → cost.

The architecture's formulas (weights, experts, KV cache, attention FLOPs) are in
``calc/llm_arch.py``; this module composes them into a replica and a fleet.

KV cache bytes per token = 2 (K and V) × layers × kv_heads × head_dim × bytes per element.
Llama-2-70B (80 layers, 8 KV heads, head dim 128, fp16):

>>> format_quantity(kv_bytes_per_token(80, 8, 128, 2).value, binary=True)
'320 KiB/token'

Decode is bounded by memory bandwidth: each step reads the weights it uses (all of a dense
model; the shared part and the experts its batch is routed to for a mixture of experts) and the
batch's KV cache (Pope et al. 2022, section 2; the roofline of Williams et al. 2009). Prefill is
bounded by compute: 2 FLOP per active parameter per prompt token plus attention.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pint

from estimator.calc import inference
from estimator.calc.llm_arch import (PREFILL_FLOPS, active_parameters, expected_distinct_experts, kv_bytes_per_request,
                                     kv_bytes_per_token, latent_kv_bytes_per_token, prefill_attention_flops,
                                     speculative_tokens_per_step, weights_memory)
from estimator.trace import Step, step
from estimator.units import Q_, format_quantity  # noqa: F401 - format_quantity used by doctests

__all__ = ["Architecture", "Serving", "error_band_steps", "kv_bytes_per_token", "largest_batch_within", "llm_steps"]

ONE_GPU = Q_(1.0, "GPU")
REQUEST = Q_(1.0, "request")
TOKEN = Q_(1.0, "token")


@dataclass(frozen=True)
class Architecture:
    """What the model is: plain numbers and quantities (None: the feature is absent)."""

    parameters: pint.Quantity
    weight_bytes: float
    layers: float
    kv_heads: float
    head_dim: float
    kv_bytes: float
    heads: float | None = None
    kv_lora_rank: float | None = None
    qk_rope_head_dim: float | None = None
    sliding_window: pint.Quantity | None = None
    local_layers: float | None = None
    active_parameters: pint.Quantity | None = None
    experts: float | None = None
    experts_per_token: float | None = None
    expert_parameters: pint.Quantity | None = None
    expert_bytes: float | None = None


@dataclass(frozen=True)
class Serving:
    """How it is served: workload, batch, hardware, scheduling and targets."""

    prompt_tokens: pint.Quantity
    output_tokens: pint.Quantity
    batch_size: float
    device_memory: pint.Quantity
    bandwidth: pint.Quantity
    peak: pint.Quantity
    utilisation: float
    bandwidth_utilisation: float
    target: pint.Quantity
    price: pint.Quantity
    month: pint.Quantity
    prefix_cache_hit_rate: float | None = None
    scheduling: str = "serial"
    acceptance_rate: float | None = None
    draft_tokens: float | None = None
    draft_cost: float = 0.0
    ttft_target: pint.Quantity | None = None
    tpot_target: pint.Quantity | None = None
    tensor_parallel: float | None = None
    model_error: float | None = None
    # The load served on average (the fleet is sized for ``target``, a peak); per-unit costs divide
    # by it, as a per-unit price is quoted. None: ``target``.
    served: pint.Quantity | None = None
    # the roofline's calibrated estimate / measured band (low, high), shown beside its throughput
    error_band: tuple[float, float] | None = None


def largest_batch_within(time_of, target: float, ceiling, iterations: int = 60):  # type: ignore[no-untyped-def]
    """The largest whole batch B ≤ ``ceiling`` with ``time_of(B) ≤ target`` (``time_of`` rising in B),
    by bisection on arrays (no Python branch on values); 0 when even one sequence misses it.

    >>> int(largest_batch_within(lambda b: 10.0 + 0.5 * b, 30.0, 1000.0))
    40
    """
    ceiling = np.asarray(ceiling, dtype=float)
    low, high = np.zeros_like(ceiling), ceiling
    for _ in range(iterations):
        middle = (low + high) / 2.0
        fits = time_of(middle) <= target
        low, high = np.where(fits, middle, low), np.where(fits, high, middle)
    best = np.where(time_of(ceiling) <= target, ceiling, np.floor(low))
    return np.where(time_of(np.maximum(best, 1.0)) <= target, best, 0.0)


def _verdict(slack: pint.Quantity) -> str:
    """Within or over budget, as the typical sample says (a label is text)."""
    return "within budget" if float(np.median(slack.to("ms").magnitude)) >= 0 else "over budget"


def llm_steps(a: Architecture, s: Serving) -> dict[str, Step]:
    """All LLM serving results for one model at ``s.target`` requests per second.

    Features left out (None) leave their steps out and the remaining formulas as they were.

    >>> a = Architecture(parameters=Q_(70e9, "parameter"), weight_bytes=2, layers=80, kv_heads=8, head_dim=128,
    ...                  kv_bytes=2)
    >>> s = Serving(prompt_tokens=Q_(1000, "token"), output_tokens=Q_(200, "token"), batch_size=16,
    ...             device_memory=Q_(80e9, "B"), bandwidth=Q_(3.35e12, "B/s"), peak=Q_(989e12, "FLOP/s"),
    ...             utilisation=0.4, bandwidth_utilisation=0.6, target=Q_(10, "request/s"),
    ...             price=Q_(3.78, "USD/hour"), month=Q_(2629746, "s"))
    >>> r = llm_steps(a, s)
    >>> format_quantity(r["llm.weights_memory"].value), int(r["llm.tensor_parallel"].value.magnitude)
    ('140 GB', 2)
    """
    out: list[Step] = []
    moe = a.experts is not None
    weights = weights_memory(a.parameters, a.weight_bytes, experts=a.experts, expert_parameters=a.expert_parameters,
                             expert_bytes=a.expert_bytes)
    out.append(weights)
    active = None
    if a.active_parameters is not None:
        active = step("llm.active_parameters", "Active parameters per token", "active_parameters", a.active_parameters,
                      active_parameters=a.active_parameters)
    elif moe:
        active = active_parameters(a.parameters, a.experts, a.experts_per_token, a.expert_parameters)  # type: ignore[arg-type]
    if active is not None:
        out.append(active)
    per_token = (kv_bytes_per_token(a.layers, a.kv_heads, a.head_dim, a.kv_bytes) if a.kv_lora_rank is None
                 else latent_kv_bytes_per_token(a.layers, a.kv_lora_rank, a.qk_rope_head_dim, a.kv_bytes))  # type: ignore[arg-type]
    per_request = kv_bytes_per_request(per_token.value, s.prompt_tokens, s.output_tokens, layers=a.layers,
                                       window=a.sliding_window, local_layers=a.local_layers)
    memory = step("llm.memory_per_replica", "Memory per replica", "llm.weights_memory + batch_size × llm.kv_bytes_per_request",
                  weights.value + s.batch_size * per_request.value, batch_size=s.batch_size,
                  **{"llm.weights_memory": weights.value, "llm.kv_bytes_per_request": per_request.value})
    devices = np.ceil((memory.value / s.device_memory).to("").magnitude)
    needed = np.exp2(np.ceil(np.log2(devices)))
    if s.tensor_parallel is None:
        tp = step("llm.tensor_parallel", "Tensor-parallel degree (devices per replica)",
                  "2^⌈log2 ⌈llm.memory_per_replica / device_memory⌉⌉", Q_(needed, "GPU"),
                  device_memory=s.device_memory, **{"llm.memory_per_replica": memory.value})
    else:  # as deployed, but never fewer devices than the memory needs
        tp = step("llm.tensor_parallel", "Tensor-parallel degree (devices per replica, as deployed)",
                  "max(tensor_parallel, 2^⌈log2 ⌈llm.memory_per_replica / device_memory⌉⌉)",
                  Q_(np.maximum(s.tensor_parallel, needed), "GPU"), tensor_parallel=s.tensor_parallel,
                  device_memory=s.device_memory, **{"llm.memory_per_replica": memory.value})
    out += [per_token, per_request, memory, tp]
    gpus = tp.value / ONE_GPU

    out += _prefill(a, s, active)
    prefill_flops = out[-1]
    prefill = step("llm.prefill_time", "Prefill time per request (time to first token)",
                   "llm.prefill_flops_per_request / (device_peak × llm.tensor_parallel × utilisation)",
                   (prefill_flops.value / (s.peak * gpus * s.utilisation)).to("ms"), device_peak=s.peak,
                   utilisation=s.utilisation,
                   **{"llm.prefill_flops_per_request": prefill_flops.value, "llm.tensor_parallel": tp.value})
    out.append(prefill)

    decode_steps, step_time_of = _decode(a, s, weights, active, per_request, memory, tp)
    out += decode_steps
    decode = decode_steps[-1]
    tpot_key, tpot = "llm.decode_step_time", decode.value
    spec = s.acceptance_rate is not None
    if spec or s.tpot_target is not None:
        tpot_step, tpot_of = _time_per_output_token(s, decode, step_time_of)
        out += tpot_step
        tpot_key, tpot = "llm.time_per_output_token", tpot_step[-1].value
    else:
        tpot_of = step_time_of
    out.append(step("llm.decode_tokens_per_second", "Decode throughput per replica",
                    f"batch_size × 1 token / {tpot_key}", (s.batch_size * TOKEN / tpot).to("token/s"),
                    batch_size=s.batch_size, **{tpot_key: tpot}))
    rate = None
    if s.scheduling != "serial":
        overlap = _overlapped(a, s, active, per_request, tp, prefill_flops, tpot_of)
        out += overlap
        rate = overlap[-1]
    out += _fleet(s, prefill, tpot_key, tpot, tp, rate)
    if s.ttft_target is not None:
        slack = (s.ttft_target - prefill.value).to("ms")
        out.append(step("llm.ttft_slack", f"Time to first token slack — {_verdict(slack)}",
                        "ttft_target − llm.prefill_time", slack, ttft_target=s.ttft_target,
                        **{"llm.prefill_time": prefill.value}))
    if s.tpot_target is not None:
        out += _batches(s, weights, per_request, tp, tpot, tpot_of)
    return {x.key: x for x in out}


def _prefill(a: Architecture, s: Serving, active: Step | None) -> list[Step]:
    """2 FLOP per (active) parameter per uncached prompt token, plus attention when heads are known."""
    used_key = "parameters" if active is None else "llm.active_parameters"
    used = a.parameters if active is None else active.value
    hit = s.prefix_cache_hit_rate
    computed = s.prompt_tokens if hit is None else s.prompt_tokens * (1.0 - hit)
    formula = f"2 FLOP/parameter/token × {used_key} × prompt_tokens"
    inputs: dict = {used_key: used, "prompt_tokens": s.prompt_tokens}
    if hit is not None:
        formula += " × (1 − prefix_cache_hit_rate)"
        inputs["prefix_cache_hit_rate"] = hit
    matmul = (PREFILL_FLOPS * used * computed).to("FLOP")
    if a.heads is None:
        return [step("llm.prefill_flops_per_request", "Prefill FLOPs per request", formula, matmul, **inputs)]
    linear = step("llm.prefill_matmul_flops_per_request", "Prefill weight-matmul FLOPs per request", formula, matmul,
                  **inputs)
    attention = prefill_attention_flops(layers=a.layers, heads=a.heads, head_dim=a.head_dim,
                                        prompt_tokens=s.prompt_tokens, cached_fraction=hit,
                                        window=a.sliding_window, local_layers=a.local_layers)
    total = step("llm.prefill_flops_per_request", "Prefill FLOPs per request",
                 "llm.prefill_matmul_flops_per_request + llm.prefill_attention_flops_per_request",
                 linear.value + attention.value, **{linear.key: linear.value, attention.key: attention.value})
    return [linear, attention, total]


def _decode(a: Architecture, s: Serving, weights: Step, active: Step | None, per_request: Step, memory: Step,
            tp: Step):  # type: ignore[no-untyped-def]
    """The decode step: bytes read / (bandwidth × devices × utilisation); and that time as a function of batch."""
    bandwidth = s.bandwidth * (tp.value / ONE_GPU) * s.bandwidth_utilisation
    kv = per_request.value
    if a.experts is None and active is None:  # dense: every weight and the batch's KV cache, every step
        step_ = step("llm.decode_step_time", "Decode step (time per output token)",
                     "llm.memory_per_replica / (memory_bandwidth × llm.tensor_parallel × bandwidth_utilisation)",
                     (memory.value / bandwidth).to("ms"), memory_bandwidth=s.bandwidth,
                     bandwidth_utilisation=s.bandwidth_utilisation,
                     **{"llm.memory_per_replica": memory.value, "llm.tensor_parallel": tp.value})

        def dense_time_of(batch: Any, cache: Any = kv) -> Any:
            return ((weights.value + batch * cache) / bandwidth).to("ms").magnitude
        return [step_], dense_time_of
    steps: list[Step] = []
    if a.experts is not None:
        distinct = expected_distinct_experts(a.experts, a.experts_per_token, s.batch_size)  # type: ignore[arg-type]
        expert_bytes = Q_(a.weight_bytes if a.expert_bytes is None else a.expert_bytes, "B/parameter")
        assert a.expert_parameters is not None, "experts come with expert_parameters (sections.LLM checks both)"
        dense = (a.parameters - a.experts * a.expert_parameters) * Q_(a.weight_bytes, "B/parameter")
        one_expert = a.expert_parameters * expert_bytes
        read = step("llm.decode_weight_bytes", "Weight bytes read per decode step (shared part + experts touched)",
                    "(parameters − experts × expert_parameters) × weight_dtype_bytes + "
                    "llm.expected_distinct_experts × expert_parameters × expert_dtype_bytes",
                    (dense + distinct.value * one_expert).to("B"), parameters=a.parameters, experts=a.experts,
                    expert_parameters=a.expert_parameters, weight_dtype_bytes=Q_(a.weight_bytes, "B"),
                    expert_dtype_bytes=expert_bytes * Q_(1.0, "parameter"),
                    **{"llm.expected_distinct_experts": distinct.value})
        steps += [distinct, read]
        experts, k = a.experts, a.experts_per_token

        def weights_of(batch):  # type: ignore[no-untyped-def]
            return dense + experts * (1.0 - (1.0 - k / experts) ** batch) * one_expert  # type: ignore[operator]
    else:  # active parameters only: the batch-1 reading; without the experts' sizes it cannot grow with batch
        read = step("llm.decode_weight_bytes", "Weight bytes read per decode step (active parameters, batch of 1)",
                    "llm.active_parameters × weight_dtype_bytes",
                    (active.value * Q_(a.weight_bytes, "B/parameter")).to("B"),  # type: ignore[union-attr]
                    weight_dtype_bytes=Q_(a.weight_bytes, "B"), **{"llm.active_parameters": active.value})  # type: ignore[union-attr]
        steps.append(read)

        def weights_of(batch):  # type: ignore[no-untyped-def]
            return read.value
    steps.append(step("llm.decode_step_time", "Decode step (time per output token)",
                      "(llm.decode_weight_bytes + batch_size × llm.kv_bytes_per_request) / "
                      "(memory_bandwidth × llm.tensor_parallel × bandwidth_utilisation)",
                      ((read.value + s.batch_size * kv) / bandwidth).to("ms"), batch_size=s.batch_size,
                      memory_bandwidth=s.bandwidth, bandwidth_utilisation=s.bandwidth_utilisation,
                      **{"llm.decode_weight_bytes": read.value, "llm.kv_bytes_per_request": kv,
                         "llm.tensor_parallel": tp.value}))

    def time_of(batch: Any, cache: Any = kv) -> Any:
        return ((weights_of(batch) + batch * cache) / bandwidth).to("ms").magnitude
    return steps, time_of


def _time_per_output_token(s: Serving, decode: Step, step_time_of):  # type: ignore[no-untyped-def]
    """Time per output token: the decode step, shortened by speculative decoding when given."""
    if s.acceptance_rate is None:
        tpot = step("llm.time_per_output_token", "Time per output token", "llm.decode_step_time", decode.value,
                    **{"llm.decode_step_time": decode.value})
        return [tpot], step_time_of
    tokens = speculative_tokens_per_step(s.acceptance_rate, s.draft_tokens)  # type: ignore[arg-type]
    factor = (1.0 + s.draft_tokens * s.draft_cost) / tokens.value.magnitude  # type: ignore[operator]
    tpot = step("llm.time_per_output_token", "Time per output token (speculative decoding)",
                "llm.decode_step_time × (1 + draft_tokens × draft_cost) / llm.speculative_tokens_per_step",
                decode.value * factor, draft_tokens=s.draft_tokens, draft_cost=s.draft_cost,
                **{"llm.decode_step_time": decode.value, "llm.speculative_tokens_per_step": tokens.value})

    def time_of(batch, **cache):  # type: ignore[no-untyped-def]
        return step_time_of(batch, **cache) * factor
    return [tokens, tpot], time_of


def _overlapped(a: Architecture, s: Serving, active: Step | None, per_request: Step, tp: Step, prefill_flops: Step,
                tpot_of) -> list[Step]:  # type: ignore[no-untyped-def]
    """Throughput when prefill and decode overlap (chunked prefill; a decode pool fed by a prefill pool):
    the lower of two roofs (Williams et al. 2009).

    * Memory: ``batch_size`` sequences advance one token per decode step, and over a request's life a
      step reads the KV cache at the mean context, prompt + output/2 (the cache grows linearly).
    * Compute (chunked only, the same devices run both): every request costs its prefill FLOPs plus
      2 FLOP per active parameter per output token (Kaplan et al. 2020: forward ≈ 2N per token).
    """
    mean_share = ((s.prompt_tokens + s.output_tokens / 2.0) / (s.prompt_tokens + s.output_tokens)).to("").magnitude
    mean_step = Q_(tpot_of(s.batch_size, cache=per_request.value * mean_share), "ms")
    step_ = step("llm.mean_decode_step_time", "Mean time per output token over a request (KV at mean context)",
                 "time per output token with the KV cache at prompt_tokens + output_tokens / 2", mean_step.to("ms"),
                 prompt_tokens=s.prompt_tokens, output_tokens=s.output_tokens)
    memory_rate = (s.batch_size * REQUEST / ((s.output_tokens / TOKEN).to("") * mean_step)).to("request/s")
    if s.scheduling == "disaggregated":
        return [step_, step("llm.decode_pool_requests_per_second", "Requests per second per decode replica",
                            "batch_size × 1 request / (output_tokens × llm.mean_decode_step_time / 1 token)",
                            memory_rate, batch_size=s.batch_size, output_tokens=s.output_tokens,
                            **{"llm.mean_decode_step_time": mean_step})]
    used = a.parameters if active is None else active.value
    per_request_flops = (prefill_flops.value + PREFILL_FLOPS * used * s.output_tokens).to("FLOP")
    compute_rate = (s.peak * tp.value / Q_(1.0, "GPU") * s.utilisation * REQUEST / per_request_flops).to("request/s")
    compute = step("llm.compute_requests_per_second", "Requests per second per replica if compute-bound",
                   "device_peak × llm.tensor_parallel × utilisation × 1 request / (llm.prefill_flops_per_request + "
                   "2 FLOP/parameter/token × parameters_used × output_tokens)", compute_rate, device_peak=s.peak,
                   utilisation=s.utilisation, parameters_used=used, output_tokens=s.output_tokens,
                   **{"llm.tensor_parallel": tp.value, "llm.prefill_flops_per_request": prefill_flops.value})
    memory = step("llm.memory_requests_per_second", "Requests per second per replica if bandwidth-bound",
                  "batch_size × 1 request / (output_tokens × llm.mean_decode_step_time / 1 token)", memory_rate,
                  batch_size=s.batch_size, output_tokens=s.output_tokens, **{"llm.mean_decode_step_time": mean_step})
    both = step("llm.overlapped_requests_per_second", "Requests per second per replica, prefill and decode overlapped",
                "min(llm.compute_requests_per_second, llm.memory_requests_per_second)",
                np.minimum(compute_rate.magnitude, memory_rate.magnitude) * Q_(1.0, "request/s"),
                **{compute.key: compute_rate, memory.key: memory_rate})
    return [step_, compute, memory, both]


def error_band_steps(replica: Step, band: tuple[float, float]) -> list[Step]:
    """The replica throughput the roofline's calibrated error allows: the point estimate divided by
    the band's high and low ends of estimate / measured. The point estimate itself is unchanged.

    Parameters
    ----------
    replica : Step
        ``llm.replica_requests_per_second``, the roofline's requests per second per replica.
    band : tuple of float
        (low, high) estimate / measured over the measured serving cases (source:
        docs/calibration.md, llm_serving_measured; data in catalog/model_error.yaml).

    Returns
    -------
    list of Step
        ``llm.calibrated_requests_per_second_low`` (rate / high) and ``…_high`` (rate / low).

    >>> rate = step("llm.replica_requests_per_second", "r", "x", Q_(2.88, "request/s"))
    >>> [round(float(s.value.magnitude), 3) for s in error_band_steps(rate, (0.81, 1.44))]
    [2.0, 3.556]
    """
    low, high = band
    inputs = {replica.key: replica.value}
    return [step("llm.calibrated_requests_per_second_low",
                 "Requests per second per replica, low end of the calibrated error band",
                 f"{replica.key} / calibrated_high", replica.value / high, calibrated_high=high, **inputs),
            step("llm.calibrated_requests_per_second_high",
                 "Requests per second per replica, high end of the calibrated error band",
                 f"{replica.key} / calibrated_low", replica.value / low, calibrated_low=low, **inputs)]


def _fleet(s: Serving, prefill: Step, tpot_key: str, tpot: pint.Quantity, tp: Step,
           overlapped: Step | None) -> list[Step]:
    """Replicas for the target load under the scheduling, then accelerators and cost."""
    steps_per_request = (s.output_tokens / TOKEN).to("")
    decode_time = steps_per_request * tpot
    out: list[Step] = []
    if s.scheduling == "serial":  # a batch's prefills stall its decoding (no chunking)
        rate = (s.batch_size * REQUEST / (s.batch_size * prefill.value + decode_time)).to("request/s")
        formula = f"batch_size × 1 request / (batch_size × llm.prefill_time + output_tokens × {tpot_key} / 1 token)"
        label = "Requests per second per replica"
    elif s.scheduling == "chunked":
        # Sarathi-Serve (Agrawal et al. 2024): prefill chunks ride in decode steps, so compute-bound
        # prefill and memory-bound decode overlap; the lower roof sets the pace.
        rate = overlapped.value  # type: ignore[union-attr]
        formula = "llm.overlapped_requests_per_second"
        label = "Requests per second per replica (chunked prefill)"
    else:  # disaggregated: DistServe (Zhong et al. 2024), Splitwise (Patel et al. 2024)
        rate = overlapped.value  # type: ignore[union-attr]
        formula = "llm.decode_pool_requests_per_second"
        label = "Requests per second per decode replica"
    inputs = ({"batch_size": s.batch_size, "output_tokens": s.output_tokens, "llm.prefill_time": prefill.value,
               tpot_key: tpot} if overlapped is None else {overlapped.key: overlapped.value})
    if s.model_error is None:
        replica = step("llm.replica_requests_per_second", label, formula, rate, **inputs)
    else:
        # The roofline's known error, estimate / measured (docs/calibration.md, llm_serving_measured):
        # given as a range, the uncertainty sampling carries it into replicas, GPUs and cost.
        roofline = step("llm.roofline_requests_per_second", label + ", roofline", formula, rate, **inputs)
        replica = step("llm.replica_requests_per_second", label + ", after the model's known error",
                       "llm.roofline_requests_per_second / model_error", rate / s.model_error,
                       model_error=s.model_error, **{roofline.key: rate})
        out.append(roofline)
    out.append(replica)
    if s.model_error is None and s.error_band is not None:
        out += error_band_steps(replica, s.error_band)
    decode_replicas = np.ceil((s.target / replica.value).to("").magnitude)
    if s.scheduling == "disaggregated":
        prefill_replicas = step("llm.prefill_replicas", "Prefill replicas (a pool of their own)",
                                "⌈target_requests × llm.prefill_time / 1 request⌉",
                                np.ceil((s.target * prefill.value / REQUEST).to("").magnitude), target_requests=s.target,
                                **{"llm.prefill_time": prefill.value})
        decode_pool = step("llm.decode_replicas", "Decode replicas", "⌈target_requests / llm.replica_requests_per_second⌉",
                           decode_replicas, target_requests=s.target, **{replica.key: replica.value})
        replicas = step("llm.replicas", "Replicas for the target load", "llm.prefill_replicas + llm.decode_replicas",
                        prefill_replicas.value + decode_pool.value,
                        **{"llm.prefill_replicas": prefill_replicas.value, "llm.decode_replicas": decode_pool.value})
        out += [prefill_replicas, decode_pool]
    else:
        replicas = step("llm.replicas", "Replicas for the target load", "⌈target_requests / llm.replica_requests_per_second⌉",
                        decode_replicas, target_requests=s.target, **{replica.key: replica.value})
    accelerators = step("llm.accelerators", "Accelerators for LLM serving", "llm.replicas × llm.tensor_parallel",
                        replicas.value.magnitude * tp.value, **{"llm.replicas": replicas.value, "llm.tensor_parallel": tp.value})
    cost = inference.monthly_cost("llm", accelerators.value, s.price, s.month)
    served = s.target if s.served is None else s.served
    out_tokens = (served * s.output_tokens / REQUEST * s.month).to("token")
    per_million = step("llm.cost_per_million_tokens", "Cost per million output tokens served (average load)",
                       "llm.monthly_cost / (served_requests × output_tokens × seconds_per_month) × 10^6 token",
                       (cost.value / out_tokens * Q_(1e6, "token")).to("USD"), served_requests=served,
                       output_tokens=s.output_tokens, seconds_per_month=s.month, **{"llm.monthly_cost": cost.value})
    return out + [replicas, accelerators, cost, per_million]


def _batches(s: Serving, weights: Step, per_request: Step, tp: Step, tpot: pint.Quantity,
             tpot_of) -> list[Step]:  # type: ignore[no-untyped-def]
    """The largest batch memory allows, the largest that meets the TPOT target, and throughput at each."""
    room = (tp.value / ONE_GPU * s.device_memory - weights.value)
    by_memory = np.maximum(np.floor((room / per_request.value).to("").magnitude), 0.0)
    memory = step("llm.max_batch_memory", "Largest batch that fits beside the weights",
                  "⌊(llm.tensor_parallel × device_memory − llm.weights_memory) / llm.kv_bytes_per_request⌋",
                  by_memory, device_memory=s.device_memory,
                  **{"llm.tensor_parallel": tp.value, "llm.weights_memory": weights.value,
                     "llm.kv_bytes_per_request": per_request.value})
    target_ms = s.tpot_target.to("ms").magnitude  # type: ignore[union-attr]
    by_latency = largest_batch_within(tpot_of, target_ms, by_memory)
    latency = step("llm.max_batch_tpot", "Largest batch that meets the time-per-output-token target",
                   "largest B ≤ llm.max_batch_memory with time per output token (B) ≤ tpot_target",
                   by_latency, tpot_target=s.tpot_target, **{"llm.max_batch_memory": by_memory})

    def throughput(batch):  # type: ignore[no-untyped-def]
        return Q_(batch / np.maximum(tpot_of(np.maximum(batch, 1.0)), 1e-12), "token/ms").to("token/s")
    slack = (s.tpot_target - tpot).to("ms")  # type: ignore[operator]
    return [
        memory,
        step("llm.tokens_per_second_at_max_batch_memory", "Decode throughput per replica at the memory-bound batch",
             "llm.max_batch_memory × 1 token / time per output token (llm.max_batch_memory)", throughput(by_memory),
             **{"llm.max_batch_memory": by_memory}),
        latency,
        step("llm.tokens_per_second_at_max_batch_tpot", "Decode throughput per replica at the latency-bound batch",
             "llm.max_batch_tpot × 1 token / time per output token (llm.max_batch_tpot)", throughput(by_latency),
             **{"llm.max_batch_tpot": by_latency}),
        step("llm.tpot_slack", f"Time per output token slack — {_verdict(slack)}",
             "tpot_target − llm.time_per_output_token", slack, tpot_target=s.tpot_target,
             **{"llm.time_per_output_token": tpot}),
    ]
