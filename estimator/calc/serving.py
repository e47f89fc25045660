"""Multi-stage serving against a latency budget: a roofline per stage, summed in order.

Per stage, the model's time is the larger of its compute time and its memory time
(a roofline), each at the device's peak × utilisation; feature fetches, network hops and a
fixed latency (e.g. an ANN search) add on. The stages' sum is compared with the budget.

Ranking 500 items of 50 MFLOP on an L4 (121 TFLOP/s fp16, 300 GB/s) at 30 %, batches of 100,
reading 20 MB of weights per batch and 1 kB of features per item:

>>> s = stage_steps("serving.stages.ranking", items=500, batch_size=100, flops_per_item=Q_(50e6, "FLOP"),
...                 bytes_per_item=Q_(1e3, "B"), bytes_per_batch=Q_(20e6, "B"), peak=Q_(121e12, "FLOP/s"),
...                 bandwidth=Q_(300e9, "B/s"), utilisation=0.3, fixed=Q_(0, "s"), feature_fetch=Q_(0.005, "s"),
...                 hops=1, hop_latency=Q_(0.0005, "s"))
>>> format_quantity(s["serving.stages.ranking.compute_time"].value)
'0.689 ms'
>>> format_quantity(s["serving.stages.ranking.memory_time"].value)
'1.12 ms'
>>> format_quantity(s["serving.stages.ranking.latency"].value)
'6.62 ms'
"""

from __future__ import annotations

import numpy as np
import pint

from estimator.trace import Step, step
from estimator.units import Q_, format_quantity  # noqa: F401 - format_quantity used by doctests


def stage_steps(prefix: str, *, items: float, batch_size: float, flops_per_item: pint.Quantity,
                bytes_per_item: pint.Quantity, bytes_per_batch: pint.Quantity, peak: pint.Quantity | None,
                bandwidth: pint.Quantity | None, utilisation: float, fixed: pint.Quantity, feature_fetch: pint.Quantity,
                hops: float, hop_latency: pint.Quantity) -> dict[str, Step]:
    """Latency of one stage for one request: roofline model time + fixed + fetch + hops.

    A stage without a device (``peak`` None: rules on CPU, an ANN search measured elsewhere)
    has only its fixed latency, fetches and hops.
    """
    if peak is None or bandwidth is None:
        return {f"{prefix}.latency": step(
            f"{prefix}.latency", "Stage latency", "fixed_latency + feature_fetch + network_hops × hop_latency",
            (fixed + feature_fetch + hops * hop_latency).to("ms"), fixed_latency=fixed, feature_fetch=feature_fetch,
            network_hops=hops, hop_latency=hop_latency)}
    compute = step(f"{prefix}.compute_time", "Compute time", "items × flops_per_item / (device_peak × utilisation)",
                   (items * flops_per_item / (peak * utilisation)).to("ms"), items=items,
                   flops_per_item=flops_per_item, device_peak=peak, utilisation=utilisation)
    batches = np.ceil(items / batch_size)
    memory = step(f"{prefix}.memory_time", "Memory time",
                  "(⌈items / batch_size⌉ × bytes_per_batch + items × bytes_per_item) / (memory_bandwidth × utilisation)",
                  ((batches * bytes_per_batch + items * bytes_per_item) / (bandwidth * utilisation)).to("ms"),
                  items=items, batch_size=batch_size, bytes_per_batch=bytes_per_batch, bytes_per_item=bytes_per_item,
                  memory_bandwidth=bandwidth, utilisation=utilisation)
    model = step(f"{prefix}.model_time", "Model time (roofline)", "max(compute_time, memory_time)",
                 np.maximum(compute.value, memory.value), compute_time=compute.value, memory_time=memory.value)
    latency = step(f"{prefix}.latency", "Stage latency",
                   "model_time + fixed_latency + feature_fetch + network_hops × hop_latency",
                   (model.value + fixed + feature_fetch + hops * hop_latency).to("ms"), model_time=model.value,
                   fixed_latency=fixed, feature_fetch=feature_fetch, network_hops=hops, hop_latency=hop_latency)
    return {s.key: s for s in (compute, memory, model, latency)}


def effective_utilisation(prefix: str, utilisation: float, compute_time: pint.Quantity,
                          model_time: pint.Quantity) -> Step:
    """The share of peak compute a memory-bound stage really uses: utilisation × compute/model time.

    Feeding it to ``inference.accelerators_needed`` sizes the fleet by the roofline, not by FLOPs alone.
    A stage without work has 0 / 0 here: the scenario refuses a stage on an accelerator without
    flops_per_item or items above 0 (scenario.sections.Stage), and a normal range on either.
    """
    return step(f"{prefix}.effective_utilisation", "Effective compute utilisation",
                "utilisation × compute_time / model_time", utilisation * (compute_time / model_time).to(""),
                utilisation=utilisation, compute_time=compute_time, model_time=model_time)


def budget_steps(names: list[str], latencies: list[pint.Quantity], budget: pint.Quantity) -> dict[str, Step]:
    """Sum the stages in order; slack = budget − total; name the stage where the budget runs out.

    >>> r = budget_steps(["retrieval", "ranking"], [Q_(30, "ms"), Q_(90, "ms")], Q_(100, "ms"))
    >>> format_quantity(r["serving.latency_slack"].value), r["serving.latency_slack"].label
    ('-20 ms', "Latency slack — over budget: stage 'ranking' breaks it")
    >>> int(r["serving.latency_breaking_stage"].value.magnitude)
    2
    """
    keys = [f"serving.stages.{n}.latency" for n in names]
    total = sum(latencies[1:], latencies[0]).to("ms")
    slack = (budget - total).to("ms")
    # broadcast first: some stages may be sampled arrays while others stay scalars
    cumulative = np.cumsum(np.stack(np.broadcast_arrays(*[np.asarray(q.to("ms").magnitude, dtype=float)
                                                          for q in latencies])), axis=0)
    over = cumulative > budget.to("ms").magnitude
    index = np.where(over.any(axis=0), over.argmax(axis=0) + 1, 0)
    typical = int(np.round(np.median(index)))  # a label is text: it follows the typical sample
    verdict = (f"over budget: stage '{names[typical - 1]}' breaks it" if typical else "within budget")
    steps = [
        step("serving.latency_total", "Latency, all stages", " + ".join(keys), total, **dict(zip(keys, latencies))),
        step("serving.latency_slack", f"Latency slack — {verdict}", "latency_budget − serving.latency_total", slack,
             latency_budget=budget, **{"serving.latency_total": total}),
        step("serving.latency_breaking_stage",
             f"Stage that breaks the budget: {names[typical - 1] if typical else 'none'}",
             "first stage (1 = " + names[0] + ") whose cumulative latency exceeds latency_budget, 0 if none",
             index.astype(float) if index.ndim else float(index), latency_budget=budget),
    ]
    return {s.key: s for s in steps}
