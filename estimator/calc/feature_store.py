"""Feature store: the online store's size and lookup load.

One user group of 500 M users × (200 fp32 features + a 64-d fp16 embedding):

>>> row = row_size("features.online.user", features=200, bytes_per_value=Q_(4.0, "B"),
...                embedding_dim=64, embedding_bytes=2)
>>> format_quantity(row.value)
'928 B'
>>> format_quantity(group_size("features.online.user", 500e6, row.value).value)
'464 GB'
"""

from __future__ import annotations

import pint

from estimator.trace import Step, step
from estimator.units import Q_, format_quantity  # noqa: F401 - format_quantity used by doctests

LOOKUP = Q_(1.0, "lookup")


def row_size(prefix: str, *, features: float, bytes_per_value: pint.Quantity, embedding_dim: float,
             embedding_bytes: float) -> Step:
    value = features * bytes_per_value + embedding_dim * Q_(embedding_bytes, "B")
    return step(f"{prefix}.row_size", "Bytes per entity", "features × bytes_per_value + embedding_dim × dtype_bytes",
                value.to("B"), features=features, bytes_per_value=bytes_per_value, embedding_dim=embedding_dim,
                dtype_bytes=Q_(embedding_bytes, "B"))


def group_size(prefix: str, entities: float, row: pint.Quantity) -> Step:
    return step(f"{prefix}.size", "Raw size", "entities × row_size", (entities * row).to("B"),
                entities=entities, row_size=row)


def online_size(raw: pint.Quantity, overhead: float, replication: float) -> Step:
    return step("features.online.size", "Online feature store size", "raw_size × overhead × replication",
                raw * overhead * replication, raw_size=raw, overhead=overhead, replication=replication)


def lookups_per_second(peak_qps: pint.Quantity, lookups_per_request: float) -> Step:
    return step("features.online.lookups_per_second", "Online lookups per second at peak",
                "peak_qps × lookups_per_request", (peak_qps * lookups_per_request * LOOKUP / Q_(1.0, "request")),
                peak_qps=peak_qps, lookups_per_request=lookups_per_request)


def read_bandwidth(peak_qps: pint.Quantity, bytes_per_request: pint.Quantity) -> Step:
    return step("features.online.read_bandwidth", "Online feature read bandwidth at peak",
                "peak_qps × bytes_per_request", (peak_qps * bytes_per_request / Q_(1.0, "request")).to("B/s"),
                peak_qps=peak_qps, bytes_per_request=bytes_per_request)
