"""Embedding tables and categorical features: one-hot width, embedding size, hashing buckets.

A table of 800 M videos × 256 dimensions in fp16:

>>> format_quantity(table_size("embeddings.tables.video", 800e6, 256, 2).value)
'410 GB'

A categorical feature of 10 M values: one-hot is 10 M columns wide; a 64-d fp32 embedding is
2.56 GB; hashed into 1 M buckets it is 256 MB, but then almost every value shares its
bucket (1 − e^−10):

>>> steps = categorical_steps("embeddings.categorical.ad_id", cardinality=1e7, dim=64, dtype_bytes=4,
...                           buckets=1e6)
>>> int(steps["embeddings.categorical.ad_id.one_hot_width"].value.magnitude)
10000000
>>> format_quantity(steps["embeddings.categorical.ad_id.hashed_size"].value)
'256 MB'
>>> round(float(steps["embeddings.categorical.ad_id.collision_share"].value.magnitude), 5)
0.99995
"""

from __future__ import annotations

import numpy as np
import pint


from estimator.trace import Step, step
from estimator.units import Q_, format_quantity  # noqa: F401 - format_quantity used by doctests


def table_size(prefix: str, rows: float, dim: float, dtype_bytes: float) -> Step:
    """rows × dim × bytes per value: the memory of one embedding table."""
    return step(f"{prefix}.size", "Embedding table size", "rows × dim × dtype_bytes",
                (rows * dim * Q_(dtype_bytes, "B")).to("B"), rows=rows, dim=dim, dtype_bytes=Q_(dtype_bytes, "B"))


def categorical_steps(prefix: str, *, cardinality: float, dim: float, dtype_bytes: float,
                      buckets: float | None) -> dict[str, Step]:
    """The trade-off for one categorical feature: one-hot width vs a learned embedding vs hashing.

    The collision share is the fraction of values that share their bucket with at least one
    other value when ``cardinality`` values are hashed uniformly into ``buckets``:
    1 − (1 − 1/buckets)^(cardinality − 1) ≈ 1 − e^(−cardinality/buckets).

    ``buckets`` is at least 2 (the scenario refuses fewer: the logarithm of 1 − 1/buckets has no
    value at 1 bucket). Defined value: with 0 or 1 values nothing can collide, so the exponent is
    floored at 0 and the share is 0 (not the negative share the formula gives at cardinality 0).
    """
    width = Q_(dtype_bytes, "B")
    steps = [
        step(f"{prefix}.one_hot_width", "One-hot width (input columns)", "cardinality", cardinality,
             cardinality=cardinality),
        step(f"{prefix}.embedding_size", "Embedding table size", "cardinality × dim × dtype_bytes",
             (cardinality * dim * width).to("B"), cardinality=cardinality, dim=dim, dtype_bytes=width),
    ]
    if buckets is not None:
        steps += [
            step(f"{prefix}.hashed_size", "Hashed embedding size", "hash_buckets × dim × dtype_bytes",
                 (buckets * dim * width).to("B"), hash_buckets=buckets, dim=dim, dtype_bytes=width),
            step(f"{prefix}.collision_share", "Share of values sharing a bucket",
                 "1 − (1 − 1 / hash_buckets)^(cardinality − 1)",
                 1 - np.exp(np.maximum(cardinality - 1, 0) * np.log1p(-1 / buckets)),
                 hash_buckets=buckets, cardinality=cardinality),
        ]
    return {s.key: s for s in steps}


# Optimizer state kept per table parameter, in fp32 whatever the table's dtype. Adam keeps two
# moments (Kingma & Ba 2015; 2 × 4 B per parameter in ZeRO's accounting, Rajbhandari et al. 2020
# §3.1), Adagrad one accumulator (Duchi et al. 2011), row-wise Adagrad one per row (FBGEMM's
# EmbOptimType.EXACT_ROWWISE_ADAGRAD, the TorchRec default for large tables), SGD none.
OPTIMIZER_SLOTS: dict[str, str] = {"sgd": "0", "adagrad": "1", "rowwise_adagrad": "1 / dim", "adam": "2"}
FP32 = 4.0


def training_size(prefix: str, rows: float, dim: float, dtype_bytes: float, optimizer: str) -> Step:
    """A table's memory while it trains: weights and gradients in the table's dtype, optimizer state in fp32.

    rows × dim × (2 × dtype_bytes + slots × 4 B), slots by ``OPTIMIZER_SLOTS``. The gradient is
    counted for every row, as a dense-gradient trainer holds it; sparse updates touch fewer rows.
    10 M rows × 128 fp16, Adam: 1.28e9 × (2 × 2 + 2 × 4) B = 15.4 GB (vs 2.56 GB to serve):

    >>> training_size("t", 10e6, 128, 2, "adam").value.to("GB")
    <Quantity(15.36, 'gigabyte')>
    >>> training_size("t", 10e6, 128, 4, "rowwise_adagrad").value.to("GB")
    <Quantity(10.28, 'gigabyte')>
    """
    slots = {"sgd": 0.0, "adagrad": 1.0, "rowwise_adagrad": 1.0 / dim, "adam": 2.0}[optimizer]
    per_value = Q_(2 * dtype_bytes + slots * FP32, "B")
    return step(f"{prefix}.training_size", f"Table memory while training ({optimizer})",
                f"rows × dim × (2 × dtype_bytes + {OPTIMIZER_SLOTS[optimizer]} × 4 B)", (rows * dim * per_value).to("B"),
                rows=rows, dim=dim, dtype_bytes=Q_(dtype_bytes, "B"))


def shards(key: str, total: pint.Quantity, memory_per_device: pint.Quantity, total_key: str) -> Step:
    """Devices to hold the tables: ⌈total / memory per device⌉ (table-wise or row-wise sharding alike)."""
    return step(key, "Devices to hold the tables", f"⌈{total_key} / memory_per_device⌉",
                Q_(np.ceil((total / memory_per_device).to("").magnitude), "GPU"),
                **{total_key: total, "memory_per_device": memory_per_device})


def total_size(parts: list[Step]) -> Step:
    names = [p.key for p in parts]
    value = sum((p.value for p in parts[1:]), parts[0].value)
    return step("embeddings.total_size", "Embedding tables, total", " + ".join(names), value,
                **{p.key: p.value for p in parts})


