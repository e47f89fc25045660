"""LLM serving: weights and KV cache → tensor-parallel degree; prefill and decode → replicas → cost.

KV cache bytes per token = 2 (K and V) × layers × kv_heads × head_dim × bytes per element.
Llama-2-70B (80 layers, 8 KV heads, head dim 128, fp16):

>>> format_quantity(kv_bytes_per_token(80, 8, 128, 2).value, binary=True)
'320 KiB/token'

Decode is bounded by memory bandwidth: each step reads all weights and the batch's KV cache.
"""

from __future__ import annotations

import numpy as np
import pint

from estimator.calc import inference
from estimator.trace import Step, step
from estimator.units import Q_, format_quantity  # noqa: F401 - format_quantity used by doctests

PREFILL_FLOPS = Q_(2.0, "FLOP/parameter/token")  # one multiply-add per weight per prompt token
ONE_GPU = Q_(1.0, "GPU")
REQUEST = Q_(1.0, "request")


def kv_bytes_per_token(layers: float, kv_heads: float, head_dim: float, dtype_bytes: int) -> Step:
    return step("llm.kv_bytes_per_token", "KV cache per token", "2 × layers × kv_heads × head_dim × kv_dtype_bytes",
                Q_(2.0 * layers * kv_heads * head_dim * dtype_bytes, "B/token"), layers=layers, kv_heads=kv_heads,
                head_dim=head_dim, kv_dtype_bytes=Q_(dtype_bytes, "B"))


def llm_steps(*, parameters: pint.Quantity, weight_bytes: int, layers: float, kv_heads: float, head_dim: float,
              kv_bytes: int, prompt_tokens: pint.Quantity, output_tokens: pint.Quantity, batch_size: float,
              device_memory: pint.Quantity, bandwidth: pint.Quantity, peak: pint.Quantity, utilisation: float,
              bandwidth_utilisation: float, target: pint.Quantity, price: pint.Quantity,
              month: pint.Quantity, served: pint.Quantity | None = None) -> dict[str, Step]:
    """All LLM serving results for one model at ``target`` requests per second.

    The fleet is sized for ``target`` (the peak); the cost per million tokens divides its monthly
    cost by the tokens ``served`` on average over the month (``target`` when not given), as a
    per-unit price is quoted: a fleet sized for a 2× peak costs twice per token served.

    >>> r = llm_steps(parameters=Q_(70e9, "parameter"), weight_bytes=2, layers=80, kv_heads=8, head_dim=128,
    ...               kv_bytes=2, prompt_tokens=Q_(1000, "token"), output_tokens=Q_(200, "token"), batch_size=16,
    ...               device_memory=Q_(80e9, "B"), bandwidth=Q_(3.35e12, "B/s"), peak=Q_(989e12, "FLOP/s"),
    ...               utilisation=0.4, bandwidth_utilisation=0.6, target=Q_(10, "request/s"),
    ...               price=Q_(3.78, "USD/hour"), month=Q_(2629746, "s"))
    >>> format_quantity(r["llm.weights_memory"].value), int(r["llm.tensor_parallel"].value.magnitude)
    ('140 GB', 2)
    """
    weights = step("llm.weights_memory", "Weights memory", "parameters × weight_dtype_bytes",
                   (parameters * Q_(weight_bytes, "B/parameter")).to("B"), parameters=parameters,
                   weight_dtype_bytes=Q_(weight_bytes, "B"))
    per_token = kv_bytes_per_token(layers, kv_heads, head_dim, kv_bytes)
    context = prompt_tokens + output_tokens
    per_request = step("llm.kv_bytes_per_request", "KV cache per request", "(prompt_tokens + output_tokens) × llm.kv_bytes_per_token",
                       (context * per_token.value).to("B"), prompt_tokens=prompt_tokens, output_tokens=output_tokens,
                       **{"llm.kv_bytes_per_token": per_token.value})
    memory = step("llm.memory_per_replica", "Memory per replica", "llm.weights_memory + batch_size × llm.kv_bytes_per_request",
                  weights.value + batch_size * per_request.value, batch_size=batch_size,
                  **{"llm.weights_memory": weights.value, "llm.kv_bytes_per_request": per_request.value})
    devices = np.ceil((memory.value / device_memory).to("").magnitude)
    tp = step("llm.tensor_parallel", "Tensor-parallel degree (devices per replica)",
              "2^⌈log2 ⌈llm.memory_per_replica / device_memory⌉⌉", Q_(np.exp2(np.ceil(np.log2(devices))), "GPU"),
              device_memory=device_memory, **{"llm.memory_per_replica": memory.value})
    gpus = tp.value / ONE_GPU
    prefill_flops = step("llm.prefill_flops_per_request", "Prefill FLOPs per request", "2 FLOP/parameter/token × parameters × prompt_tokens",
                         (PREFILL_FLOPS * parameters * prompt_tokens).to("FLOP"), parameters=parameters, prompt_tokens=prompt_tokens)
    prefill = step("llm.prefill_time", "Prefill time per request (time to first token)",
                   "llm.prefill_flops_per_request / (device_peak × llm.tensor_parallel × utilisation)",
                   (prefill_flops.value / (peak * gpus * utilisation)).to("ms"), device_peak=peak, utilisation=utilisation,
                   **{"llm.prefill_flops_per_request": prefill_flops.value, "llm.tensor_parallel": tp.value})
    decode = step("llm.decode_step_time", "Decode step (time per output token)",
                  "llm.memory_per_replica / (memory_bandwidth × llm.tensor_parallel × bandwidth_utilisation)",
                  (memory.value / (bandwidth * gpus * bandwidth_utilisation)).to("ms"), memory_bandwidth=bandwidth,
                  bandwidth_utilisation=bandwidth_utilisation,
                  **{"llm.memory_per_replica": memory.value, "llm.tensor_parallel": tp.value})
    tokens = step("llm.decode_tokens_per_second", "Decode throughput per replica", "batch_size × 1 token / llm.decode_step_time",
                  (batch_size * Q_(1.0, "token") / decode.value).to("token/s"), batch_size=batch_size,
                  **{"llm.decode_step_time": decode.value})
    steps_per_request = (output_tokens / Q_(1.0, "token")).to("")
    replica = step("llm.replica_requests_per_second", "Requests per second per replica",
                   "batch_size × 1 request / (batch_size × llm.prefill_time + output_tokens × llm.decode_step_time / 1 token)",
                   (batch_size * REQUEST / (batch_size * prefill.value + steps_per_request * decode.value)).to("request/s"),
                   batch_size=batch_size, output_tokens=output_tokens,
                   **{"llm.prefill_time": prefill.value, "llm.decode_step_time": decode.value})
    replicas = step("llm.replicas", "Replicas for the target load", "⌈target_requests / llm.replica_requests_per_second⌉",
                    np.ceil((target / replica.value).to("").magnitude), target_requests=target,
                    **{"llm.replica_requests_per_second": replica.value})
    accelerators = step("llm.accelerators", "Accelerators for LLM serving", "llm.replicas × llm.tensor_parallel",
                        replicas.value.magnitude * tp.value, **{"llm.replicas": replicas.value, "llm.tensor_parallel": tp.value})
    cost = inference.monthly_cost("llm", accelerators.value, price, month)
    served = target if served is None else served
    out_tokens = (served * output_tokens / REQUEST * month).to("token")
    per_million = step("llm.cost_per_million_tokens", "Cost per million output tokens served (average load)",
                       "llm.monthly_cost / (served_requests × output_tokens × seconds_per_month) × 10^6 token",
                       (cost.value / out_tokens * Q_(1e6, "token")).to("USD"), served_requests=served,
                       output_tokens=output_tokens, seconds_per_month=month, **{"llm.monthly_cost": cost.value})
    return {s.key: s for s in (weights, per_token, per_request, memory, tp, prefill_flops, prefill, decode, tokens,
                                replica, replicas, accelerators, cost, per_million)}
