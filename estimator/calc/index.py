"""Vector-index memory: bytes per vector by index type (faiss wiki, "Faiss indexes").

Bytes per vector of dimension d: flat 4·d; HNSW-flat 4·d + 2·M·4 links × level_factor;
IVF-flat 4·d + 8 (the list id); SQ8 d; IVF-SQ8 d + 8; PQ ⌈M·nbits/8⌉; IVF-PQ ⌈M·nbits/8⌉ + 8.
Coarse centroids (nlist × d × 4 B) and PQ codebooks (2^nbits × d × 4 B) come on top.

1 B vectors of d = 128 (the faiss wiki's example):

>>> format_quantity(index_steps(vectors=Q_(1e9, "vector"), dim=128, kind="flat")["index.size"].value)
'512 GB'
>>> format_quantity(index_steps(vectors=Q_(1e9, "vector"), dim=128, kind="ivf_pq", pq_m=16,
...                             pq_nbits=8)["index.vectors_size"].value)
'24.0 GB'
"""

from __future__ import annotations

import numpy as np
import pint

from estimator.trace import Step, step
from estimator.units import Q_, format_quantity  # noqa: F401 - format_quantity used by doctests
from estimator.vocabulary import IndexKind

FLOAT = Q_(4.0, "B/vector")          # faiss stores float32 components
LIST_ID = Q_(8.0, "B/vector")        # IVF keeps a 64-bit id per vector in its inverted list
LINK = Q_(4.0, "B/vector")           # HNSW stores neighbours as 32-bit ids
ONE_VECTOR = Q_(1.0, "vector")


def default_level_factor(m: float) -> float:
    """Mean link count over the level-0 count for HNSW: level 0 has 2·M links, each of the
    1/(M − 1) expected upper levels has M, so (2M + M/(M − 1)) / 2M = 1 + 1/(2(M − 1)).

    Defined for M ≥ 2 only: at M = 1 it divides by zero; the scenario refuses hnsw_m below 2
    (scenario.sections.Index) and keeps a range's samples at 2 or more.

    >>> round(default_level_factor(32), 4)
    1.0161
    """
    return 1 + 1 / (2 * (m - 1))


def bytes_per_vector(kind: IndexKind, dim: float, *, hnsw_m: float = 32, level_factor: float | None = None,
                     pq_m: float = 16, pq_nbits: float = 8) -> Step:
    """One vector's bytes in the index, by the faiss formula for ``kind``."""
    code = Q_(np.ceil(pq_m * pq_nbits / 8), "B/vector")
    level = default_level_factor(hnsw_m) if level_factor is None else level_factor
    formulas: dict[str, tuple[str, pint.Quantity, dict]] = {
        "flat": ("4 B × dim", FLOAT * dim, {}),
        "hnsw": ("4 B × dim + 2 × hnsw_m × 4 B × level_factor", FLOAT * dim + 2 * hnsw_m * LINK * level,
                 {"hnsw_m": hnsw_m, "level_factor": level}),
        "ivf_flat": ("4 B × dim + 8 B", FLOAT * dim + LIST_ID, {}),
        "sq8": ("1 B × dim", FLOAT / 4 * dim, {}),
        "ivf_sq8": ("1 B × dim + 8 B", FLOAT / 4 * dim + LIST_ID, {}),
        "pq": ("⌈pq_m × pq_nbits / 8⌉ B", code, {"pq_m": pq_m, "pq_nbits": pq_nbits}),
        "ivf_pq": ("⌈pq_m × pq_nbits / 8⌉ B + 8 B", code + LIST_ID, {"pq_m": pq_m, "pq_nbits": pq_nbits}),
    }
    formula, value, extra = formulas[kind]
    return step("index.bytes_per_vector", f"Bytes per vector ({kind})", formula, value.to("B/vector"),
                dim=dim, **extra)


def index_steps(*, vectors: pint.Quantity, dim: float, kind: IndexKind, hnsw_m: float = 32,
                level_factor: float | None = None, pq_m: float = 16, pq_nbits: float = 8, nlist: float = 0,
                memory_per_node: pint.Quantity | None = None, replication: float = 1.0,
                build_rate: pint.Quantity | None = None) -> dict[str, Step]:
    """Index memory (vectors + centroids + codebooks), and the shards and nodes that hold it."""
    per_vector = bytes_per_vector(kind, dim, hnsw_m=hnsw_m, level_factor=level_factor, pq_m=pq_m,
                                  pq_nbits=pq_nbits)
    body = step("index.vectors_size", "Vectors in the index", "vectors × bytes_per_vector",
                (vectors * per_vector.value).to("B"), vectors=vectors, bytes_per_vector=per_vector.value)
    ivf = kind.startswith("ivf")
    centroids = step("index.centroids_size", "Coarse centroids", "nlist × dim × 4 B",
                     Q_(nlist * dim * 4.0 if ivf else 0.0, "B"), nlist=nlist if ivf else 0, dim=dim)
    pq = kind in ("pq", "ivf_pq")
    codebooks = step("index.codebooks_size", "PQ codebooks", "2^pq_nbits × dim × 4 B",
                     Q_(2.0 ** pq_nbits * dim * 4.0 if pq else 0.0, "B"), pq_nbits=pq_nbits if pq else 0, dim=dim)
    size = step("index.size", "Index memory", "index.vectors_size + index.centroids_size + index.codebooks_size",
                body.value + centroids.value + codebooks.value, **{"index.vectors_size": body.value,
                                                                   "index.centroids_size": centroids.value,
                                                                   "index.codebooks_size": codebooks.value})
    steps = [per_vector, body, centroids, codebooks, size]
    if memory_per_node is not None:
        shards = step("index.shards", "Shards (one per node's memory)", "⌈index.size / memory_per_node⌉",
                      np.ceil((size.value / memory_per_node).to("").magnitude),
                      **{"index.size": size.value, "memory_per_node": memory_per_node})
        steps += [shards, step("index.nodes", "Index nodes", "index.shards × replication",
                               Q_(shards.value.magnitude * replication, "server"),
                               **{"index.shards": shards.value, "replication": replication})]
    if build_rate is not None:
        steps.append(step("index.build_time", "Index build time", "vectors / build_rate",
                          (vectors / build_rate).to("h"), vectors=vectors, build_rate=build_rate))
    return {s.key: s for s in steps}
