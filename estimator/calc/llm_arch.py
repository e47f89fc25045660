"""What a transformer's architecture costs to serve: weights, active parameters, KV cache, attention.

Each function is one formula with its source and returns a Step; magnitudes may be numpy arrays
(the uncertainty sampling passes arrays through the same functions).

Mixture of experts: memory holds every expert, a token's FLOPs use only the experts it is routed
to. Mixtral 8x22B (8 experts of ≈ 17 B, 2 per token, 141 B in all) computes with ≈ 39 B:

>>> format_quantity(active_parameters(Q_(141e9, "parameter"), 8, 2, Q_(17e9, "parameter")).value)
'39.0 G parameter'

Multi-head latent attention caches one compressed vector and one rotary key per layer per token
(DeepSeek-V3: 61 layers, rank 512, rotary 64, bf16):

>>> int(latent_kv_bytes_per_token(61, 512, 64, 2).value.magnitude)
70272
"""

from __future__ import annotations

import numpy as np
import pint

from estimator.trace import Step, step
from estimator.units import Q_, format_quantity  # noqa: F401 - format_quantity used by doctests

__all__ = ["PREFILL_FLOPS", "active_parameters", "attention_pairs", "expected_distinct_experts", "kv_bytes_per_token",
           "kv_bytes_per_request", "latent_kv_bytes_per_token", "prefill_attention_flops", "speculative_tokens_per_step",
           "weights_memory"]

PREFILL_FLOPS = Q_(2.0, "FLOP/parameter/token")  # one multiply-add per weight per prompt token


def weights_memory(parameters: pint.Quantity, weight_bytes: float, *, experts: float | None = None,
                   expert_parameters: pint.Quantity | None = None, expert_bytes: float | None = None) -> Step:
    """Bytes of weights resident on the replica: every parameter, each at its format's size.

    Parameters
    ----------
    parameters : Quantity [parameter]
        All parameters, experts included.
    weight_bytes : float
        Bytes per parameter of the weights outside the routed experts (catalog/dtypes.yaml, block
        scales included).
    experts, expert_parameters, expert_bytes : optional
        Routed experts per MoE layer, the parameters of one expert summed over its layers, and the
        bytes per parameter of the experts when they are stored in another format (mixed precision:
        bf16 attention and embeddings, MXFP4 experts in gpt-oss).

    Returns
    -------
    Step ``llm.weights_memory`` in bytes.

    Notes
    -----
    Source: a checkpoint's size is the sum of its tensors' sizes; for gpt-oss-120b the model card
    (OpenAI 2025) gives 114.7 B MoE parameters in MXFP4 (4.25 bit) and the rest in bf16, which
    this reproduces (65.2 GB).

    >>> format_quantity(weights_memory(Q_(116.83e9, "parameter"), 2, experts=128,
    ...                                expert_parameters=Q_(114.71e9 / 128, "parameter"), expert_bytes=0.53125).value)
    '65.2 GB'
    """
    if experts is None:
        return step("llm.weights_memory", "Weights memory", "parameters × weight_dtype_bytes",
                    (parameters * Q_(weight_bytes, "B/parameter")).to("B"), parameters=parameters,
                    weight_dtype_bytes=Q_(weight_bytes, "B"))
    assert expert_parameters is not None, "experts come with expert_parameters (sections.LLM checks both)"
    routed = experts * expert_parameters
    per_expert = weight_bytes if expert_bytes is None else expert_bytes
    value = ((parameters - routed) * Q_(weight_bytes, "B/parameter") + routed * Q_(per_expert, "B/parameter")).to("B")
    return step("llm.weights_memory", "Weights memory (dense part and routed experts at their own formats)",
                "(parameters − experts × expert_parameters) × weight_dtype_bytes + experts × expert_parameters × "
                "expert_dtype_bytes", value, parameters=parameters, experts=experts, expert_parameters=expert_parameters,
                weight_dtype_bytes=Q_(weight_bytes, "B"), expert_dtype_bytes=Q_(per_expert, "B"))


def active_parameters(parameters: pint.Quantity, experts: float, experts_per_token: float,
                      expert_parameters: pint.Quantity) -> Step:
    """Parameters one token computes with: all but the routed experts it is not sent to.

    Source: Fedus et al. 2022 (Switch Transformer) and Jiang et al. 2024 (Mixtral of Experts,
    section 2.1: "each token has access to 47B parameters, but only uses 13B active parameters").
    Shared experts count as dense parameters.
    """
    return step("llm.active_parameters", "Active parameters per token",
                "parameters − (experts − experts_per_token) × expert_parameters",
                (parameters - (experts - experts_per_token) * expert_parameters).to("parameter"),
                parameters=parameters, experts=experts, experts_per_token=experts_per_token,
                expert_parameters=expert_parameters)


def expected_distinct_experts(experts: float, experts_per_token: float, batch_size: float) -> Step:
    """Experts a decode step must read in each MoE layer when ``batch_size`` tokens are routed.

    E·(1 − (1 − k/E)^B): an expert is missed by one token with probability 1 − k/E, by B tokens
    routed independently with probability (1 − k/E)^B; linearity of expectation sums over the E
    experts (the occupancy problem, Feller 1968, vol. 1, ch. II.11 and IV.2). It assumes routing
    near uniform, which the load-balancing loss aims for (Fedus et al. 2022, eq. 4); real
    routers are skewed, so this is an upper bound on the distinct experts a batch touches.

    >>> round(float(expected_distinct_experts(8, 2, 1).value.magnitude), 3), \
round(float(expected_distinct_experts(8, 2, 16).value.magnitude), 2)
    (2.0, 7.92)
    """
    value = experts * (1.0 - (1.0 - experts_per_token / experts) ** batch_size)
    return step("llm.expected_distinct_experts", "Distinct experts read per MoE layer per decode step",
                "experts × (1 − (1 − experts_per_token / experts)^batch_size)", value, experts=experts,
                experts_per_token=experts_per_token, batch_size=batch_size)


def kv_bytes_per_token(layers: float, kv_heads: float, head_dim: float, dtype_bytes: float) -> Step:
    """Grouped-, multi-query and multi-head attention: 2 (K and V) × layers × kv_heads × head_dim × bytes.

    Source: Pope et al. 2022, "Efficiently Scaling Transformer Inference", section 3.1 (KV cache
    size); Ainslie et al. 2023 (GQA) for kv_heads < query heads.

    >>> format_quantity(kv_bytes_per_token(80, 8, 128, 2).value, binary=True)
    '320 KiB/token'
    """
    return step("llm.kv_bytes_per_token", "KV cache per token", "2 × layers × kv_heads × head_dim × kv_dtype_bytes",
                Q_(2.0 * layers * kv_heads * head_dim * dtype_bytes, "B/token"), layers=layers, kv_heads=kv_heads,
                head_dim=head_dim, kv_dtype_bytes=Q_(dtype_bytes, "B"))


def latent_kv_bytes_per_token(layers: float, kv_lora_rank: float, qk_rope_head_dim: float,
                              dtype_bytes: float) -> Step:
    """Multi-head latent attention: layers × (kv_lora_rank + qk_rope_head_dim) × bytes.

    Source: DeepSeek-AI 2024, "DeepSeek-V2", section 2.1.4 and table 1 (the cache holds the
    compressed latent c_KV of rank d_c and the decoupled rotary key of d_h^R per layer:
    (d_c + d_h^R)·l elements per token); DeepSeek-V3 config: 61 layers, 512 + 64.
    """
    return step("llm.kv_bytes_per_token", "KV cache per token (latent attention)",
                "layers × (kv_lora_rank + qk_rope_head_dim) × kv_dtype_bytes",
                Q_(layers * (kv_lora_rank + qk_rope_head_dim) * dtype_bytes, "B/token"), layers=layers,
                kv_lora_rank=kv_lora_rank, qk_rope_head_dim=qk_rope_head_dim, kv_dtype_bytes=Q_(dtype_bytes, "B"))


def kv_bytes_per_request(per_token: pint.Quantity, prompt_tokens: pint.Quantity, output_tokens: pint.Quantity, *,
                         layers: float | None = None, window: pint.Quantity | None = None,
                         local_layers: float | None = None) -> Step:
    """KV cache one request holds at its full context (prompt + output).

    With sliding-window attention, a local layer keeps only the last ``window`` tokens; hybrids
    interleave local and global layers (Gemma 2/3, gpt-oss: alternating; Mistral 7B v0.1: all
    local). Source: Beltagy et al. 2020 (Longformer) for the window; Gemma Team 2025, "Gemma 3
    Technical Report", section 2 (5 local : 1 global, window 1,024) for hybrids.

    ``per_token`` is the all-layers figure; a layer's share is per_token / layers.

    >>> r = kv_bytes_per_request(Q_(100.0, "B/token"), Q_(9000, "token"), Q_(1000, "token"), layers=10,
    ...                          window=Q_(1000, "token"), local_layers=5)
    >>> int(r.value.magnitude)  # 5 global layers × 10,000 tokens + 5 local × 1,000, at 10 B a layer
    550000
    """
    context = prompt_tokens + output_tokens
    if window is None:
        return step("llm.kv_bytes_per_request", "KV cache per request",
                    "(prompt_tokens + output_tokens) × llm.kv_bytes_per_token", (context * per_token).to("B"),
                    prompt_tokens=prompt_tokens, output_tokens=output_tokens, **{"llm.kv_bytes_per_token": per_token})
    assert layers is not None, "a sliding window is read over the layers (sections.LLM requires layers)"
    local = layers if local_layers is None else local_layers
    kept = np.minimum(context.to("token").magnitude, window.to("token").magnitude)
    tokens = Q_(((layers - local) * context.to("token").magnitude + local * kept) / layers, "token")
    return step("llm.kv_bytes_per_request", "KV cache per request (local layers keep only their window)",
                "llm.kv_bytes_per_token × ((layers − local_layers) × context + local_layers × min(context, sliding_window))"
                " / layers, context = prompt_tokens + output_tokens", (tokens * per_token).to("B"),
                layers=layers, local_layers=local, sliding_window=window, prompt_tokens=prompt_tokens,
                output_tokens=output_tokens, **{"llm.kv_bytes_per_token": per_token})


def attention_pairs(length: float, window: float | None) -> float:
    """Σ over positions t = 1..L of min(t, W), the (query, key) pairs of a causal prompt, taken as
    continuous: L·w − w²/2 with w = min(W, L); L²/2 without a window.

    >>> float(attention_pairs(1000.0, None)), float(attention_pairs(1000.0, 100.0))
    (500000.0, 95000.0)
    """
    w = length if window is None else np.minimum(window, length)
    return length * w - w * w / 2.0


def prefill_attention_flops(*, layers: float, heads: float, head_dim: float, prompt_tokens: pint.Quantity,
                            cached_fraction: float | None = None, window: pint.Quantity | None = None,
                            local_layers: float | None = None) -> Step:
    """FLOPs of attention itself (scores and weighted sum) over a prompt, beyond the 2·N matmuls.

    Per layer, for each (query, key) pair a causal mask keeps: q·k (head_dim multiply-adds per
    head) and the value sum (as many again): 4·heads·head_dim FLOP a pair. A full causal prompt of
    L tokens has L²/2 pairs, so 2·layers·heads·head_dim·L² in all.

    Source: Hoffmann et al. 2022 (Chinchilla), appendix F, counts per sequence and layer
    2·L²·(key_size·heads) for the logits and as many for the softmax @ values, without the
    causal mask (halved here); Kaplan et al. 2020, table 1, the 2·n_layer·n_ctx·d_attn term per
    token. Tokens already cached (``cached_fraction`` of the prompt, a prefix-cache hit) are
    not recomputed but are still attended to. Local layers only see ``window`` keys.

    >>> f = prefill_attention_flops(layers=80, heads=64, head_dim=128, prompt_tokens=Q_(8192, "token"))
    >>> f"{f.value.to('FLOP').magnitude:.3e}"  # 2 × 80 × 64 × 128 × 8192²
    '8.796e+13'
    """
    length = prompt_tokens.to("token").magnitude
    cached = 0.0 if cached_fraction is None else cached_fraction * length
    local = 0.0 if window is None else (layers if local_layers is None else local_layers)
    w = None if window is None else window.to("token").magnitude
    pairs = ((layers - local) * (attention_pairs(length, None) - attention_pairs(cached, None))
             + (0.0 if w is None else local * (attention_pairs(length, w) - attention_pairs(cached, w))))
    inputs: dict = dict(layers=layers, heads=heads, head_dim=head_dim, prompt_tokens=prompt_tokens)
    formula = "2 FLOP × layers × heads × head_dim × prompt_tokens^2"
    if cached_fraction is not None:
        formula = "2 FLOP × layers × heads × head_dim × (prompt_tokens^2 − (prefix_cache_hit_rate × prompt_tokens)^2)"
        inputs |= dict(prefix_cache_hit_rate=cached_fraction)
    if window is not None:
        formula = ("4 FLOP × heads × head_dim × ((layers − local_layers) × Σ_t t + local_layers × "
                   "Σ_t min(t, sliding_window)), t over the uncached positions of prompt_tokens")
        inputs |= dict(local_layers=local, sliding_window=window)
        if cached_fraction is not None:
            inputs |= dict(prefix_cache_hit_rate=cached_fraction)
    return step("llm.prefill_attention_flops_per_request", "Prefill attention FLOPs per request (grow with prompt²)",
                formula, Q_(4.0 * heads * head_dim * pairs, "FLOP"), **inputs)


def speculative_tokens_per_step(acceptance_rate: float, draft_tokens: float) -> Step:
    """Expected tokens one target-model step yields with speculative decoding: (1 − α^(γ+1)) / (1 − α).

    Source: Leviathan, Kalman and Matias 2023, "Fast Inference from Transformers via
    Speculative Decoding", equation (1) (α < 1, independent acceptances).

    >>> round(float(speculative_tokens_per_step(0.8, 4).value.magnitude), 4)
    3.3616
    """
    value = (1.0 - acceptance_rate ** (draft_tokens + 1.0)) / (1.0 - acceptance_rate)
    return step("llm.speculative_tokens_per_step", "Tokens per target step (speculative decoding)",
                "(1 − acceptance_rate^(draft_tokens + 1)) / (1 − acceptance_rate)", value,
                acceptance_rate=acceptance_rate, draft_tokens=draft_tokens)
