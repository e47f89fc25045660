"""Generated scenarios of n datasets, serving stages, models or added components, small thanks to
YAML merge keys (the shape of issue 15's file: 1,000 datasets in 30 KB).

Shared by benchmarks/bench_scaling.py (timings) and tests/test_scaling.py (operation counts).
Each item is made as costly as its kind can be: a dataset is stored, priced and summed; a stage
runs model work on an accelerator with a network hop, sized under load; a model is sized on its
device and priced; a component is drawn in a cluster with a flow to the serving path.
"""

from __future__ import annotations

__all__ = ["KINDS", "drawing_text", "mixed_text", "padded_text", "scenario_text"]

_HEAD = ["name: Scaling", "traffic:",
         "  daily_active_users: {low: 1 million user, high: 4 million user}",
         "  requests_per_user_per_day: 5 request/user/day", "  request_size: 1 KB"]

KINDS = ("datasets", "stages", "models", "components")


def scenario_text(n: int, kind: str = "datasets") -> str:
    """A valid scenario with ``n`` items of ``kind`` (one of ``KINDS``), as YAML text.

    Every scenario has one ranged input (daily active users), as issue 15's file had.

    >>> scenario_text(3).count("name: d")
    3
    >>> [scenario_text(3, kind).count(", name: ") + scenario_text(3, kind).count(", id: ") for kind in KINDS]
    [2, 2, 2, 2]
    """
    if kind == "datasets":
        lines = ["data:", "  - &common {name: d0, records_per_request: 1 event/request, record_size: 200 B, "
                 "retention: 30 day, replication: 3, compression_ratio: 2}"]
        lines += [f"  - {{<<: *common, name: d{index}}}" for index in range(1, n)]
    elif kind == "stages":
        # A stage's share of the latency budget must hold its work at any count: 10 s for 1,000
        # stages of about 2 ms each.
        lines = ["serving:", "  latency_budget: 10 s", "  size_by: headroom", "  stages:",
                 "    - &common {name: s0, items: 100, flops_per_item: 50 MFLOP, accelerator: T4, batch_size: 100, "
                 "feature_fetch: 1 ms, network_hops: 1}"]
        lines += [f"    - {{<<: *common, name: s{index}}}" for index in range(1, n)]
    elif kind == "models":
        lines = ["models:", "  - &common {name: m0, flops_per_inference: 2 GFLOP/inference, inferences_per_request: 10 "
                 "inference/request, accelerator: T4}"]
        lines += [f"  - {{<<: *common, name: m{index}}}" for index in range(1, n)]
    elif kind == "components":
        lines = ["components:", "  add:", "    - &common {id: c0, kind: service, cluster: serving}"]
        lines += [f"    - {{<<: *common, id: c{index}}}" for index in range(1, n)]
        lines += ["  add_flows:", "    - &flow {source: app, target: c0, flow: requests}"]
        lines += [f"    - {{<<: *flow, target: c{index}}}" for index in range(1, n)]
    else:
        raise ValueError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    return "\n".join(_HEAD + lines) + "\n"


def padded_text(size: int, datasets: int = 10) -> str:
    """A valid scenario of ``size`` bytes (at most one more line's worth short of it): ``datasets``
    datasets, a long summary and comment lines, the shape of a 1 MB upload that is mostly text.

    >>> len(padded_text(100_000).encode()) <= 100_000 < len(padded_text(100_000).encode()) + 200
    True
    >>> padded_text(100_000, 3).count("name: d")
    3
    """
    body = scenario_text(datasets).replace("name: Scaling\n",
                                           "name: Scaling\nsummary: \"" + "long text " * 1_000 + "\"\n")
    comment = "# " + "a comment line of a long upload " * 5 + "\n"
    lines = (size - len(body.encode())) // len(comment.encode())
    return comment * lines + body


def mixed_text(stages: int, datasets: int) -> str:
    """A valid scenario with ``stages`` serving stages and ``datasets`` datasets: lists that fill the
    total cap together (estimator/scenario/limits.MAX_ESTIMATED) rather than one list its own.

    >>> text = mixed_text(3, 4)
    >>> text.count(", name: s"), text.count(", name: d")
    (2, 3)
    """
    data = scenario_text(datasets).split("data:", 1)[1].replace("&common", "&dataset").replace("*common", "*dataset")
    return scenario_text(stages, "stages") + "data:" + data


def drawing_text(components: int, stages: int, datasets: int, models: int, label_chars: int = 150) -> str:
    """A valid scenario whose diagram is both wide and tall: ``components`` added components with
    labels of ``label_chars`` characters, chained by flows, next to ``stages`` serving stages,
    ``datasets`` datasets and ``models`` models (each drawn or written on the drawing).

    At the drawing cap (diagrams_lib.render.MAX_COMPONENTS) this is the file whose PNG, bounded
    by its longer side alone, was a 264 Mpx bitmap (issue 15).

    >>> text = drawing_text(3, 2, 2, 2, label_chars=5)
    >>> text.count("label: 'LLLLL'"), text.count("flow: queries"), text.count(", name: s")
    (1, 2, 1)
    """
    text = mixed_text(stages, datasets)
    models_part = (scenario_text(models, "models").split("models:", 1)[1]
                   .replace("&common", "&model").replace("*common", "*model"))
    lines = ["components:", "  add:",
             "    - &component {id: c0, kind: service, cluster: serving, label: '" + "L" * label_chars
             + "', notes: [one note]}"]
    lines += [f"    - {{<<: *component, id: c{index}}}" for index in range(1, components)]
    if components > 1:
        lines += ["  add_flows:"] + [f"    - {{source: c{index - 1}, target: c{index}, flow: queries}}"
                                      for index in range(1, components)]
    return text + "models:" + models_part + "\n".join(lines) + "\n"
