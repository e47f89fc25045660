"""Vector-index memory: bytes per vector by index type (faiss wiki, "Faiss indexes").

Bytes per vector of dimension d: flat 4·d; HNSW-flat 4·d + 2·M·4 links × level_factor;
IVF-flat 4·d + 8 (the list id); SQ8 d; IVF-SQ8 d + 8; PQ ⌈M·nbits/8⌉; IVF-PQ ⌈M·nbits/8⌉ + 8.
Coarse centroids (nlist × d × 4 B) and PQ codebooks (2^nbits × d × 4 B) come on top.

Beyond faiss's in-RAM indexes (each formula's source at its code below):

* IVF-PQ precomputed tables: nlist × M × 2^nbits floats (faiss ``IndexIVFPQ::precompute_table``,
  ``precomputed_table.resize(nlist * pq.M * pq.ksub)``), used by L2 search when enabled.
* OPQ rotation: a d × d float matrix (faiss ``LinearTransform``: ``A`` of d_out × d_in floats).
* Inverted multi-index (Babenko & Lempitsky 2012; faiss ``MultiIndexQuantizer``, "IMI2x<nbits>"):
  two codebooks of 2^nbits centroids of d/2 each = 2^nbits × d × 4 B, and 2^(2·nbits) cells; per
  vector a PQ code and an 8-byte id, as IVF-PQ.
* pgvector HNSW: page-based (pgvector ``src/hnsw.h``). An element tuple is
  MAXALIGN(72 + 8 + 4·d) B (header, 10 heap tids, neighbour tid; the vector's 8-byte varlena
  header), its neighbour tuple MAXALIGN(4 + (level + 2)·M·6) B (6-byte item pointers, 2·M on
  level 0), each with a 4-byte line pointer; element and neighbours share an 8 KB page, 8,160 B
  of it usable. The mean level above 0 is 1/(M − 1) (ml = 1/ln M). A 1,536-d vector fills a page.
* DiskANN (Subramanya et al. 2019): in RAM the PQ codes (⌈M·nbits/8⌉ B per vector) and pivots;
  on SSD each node is 4·d + 4·(R + 1) B (vector, degree, R neighbour ids), packed whole into
  4,096-byte sectors after one metadata sector (DiskANN ``create_disk_layout``:
  ``max_node_len``, ``nnodes_per_sector = SECTOR_LEN / max_node_len``).

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

PAGE = 8192.0              # PostgreSQL block size, bytes
PAGE_USABLE = 8160.0       # minus the page header (24 B) and pgvector's page opaque data (8 B)
SECTOR = 4096.0            # DiskANN's SECTOR_LEN
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


def _maxalign(size):  # type: ignore[no-untyped-def]
    return np.ceil(np.asarray(size) / 8.0) * 8.0


def pgvector_element_bytes(dim: float, m: float):  # type: ignore[no-untyped-def]
    """One pgvector HNSW element on its page: element tuple + mean neighbour tuple + 2 line pointers.

    >>> float(pgvector_element_bytes(1536, 16))
    6440.0
    """
    return _maxalign(80.0 + 4.0 * dim) + _maxalign(4.0 + (2.0 + 1.0 / (m - 1.0)) * m * 6.0) + 8.0


def bytes_per_vector(kind: IndexKind, dim: float, *, hnsw_m: float = 32, level_factor: float | None = None,
                     pq_m: float = 16, pq_nbits: float = 8, prefix: str = "index") -> Step:
    """One vector's bytes in the index (in RAM; DiskANN's graph on SSD is ``diskann_ssd_size``).

    >>> bytes_per_vector("pgvector_hnsw", 1536, hnsw_m=16).value   # one element per 8 KB page
    <Quantity(8192.0, 'byte / vector')>
    >>> bytes_per_vector("pgvector_hnsw", 128, hnsw_m=16).value    # 808 B each: 10 per page
    <Quantity(819.2, 'byte / vector')>
    """
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
        "imi_pq": ("⌈pq_m × pq_nbits / 8⌉ B + 8 B", code + LIST_ID, {"pq_m": pq_m, "pq_nbits": pq_nbits}),
        "pgvector_hnsw": ("8192 B / ⌊8160 B / (MAXALIGN(80 B + 4 B × dim) + MAXALIGN(4 B + (2 + 1/(hnsw_m − 1)) × "
                          "hnsw_m × 6 B) + 8 B)⌋",
                          Q_(np.round(PAGE / np.floor(PAGE_USABLE / pgvector_element_bytes(dim, hnsw_m)), 6),
                             "B/vector"), {"hnsw_m": hnsw_m}),
        "diskann": ("⌈pq_m × pq_nbits / 8⌉ B (PQ codes in RAM)", code, {"pq_m": pq_m, "pq_nbits": pq_nbits}),
    }
    formula, value, extra = formulas[kind]
    return step(f"{prefix}.bytes_per_vector", f"Bytes per vector ({kind})", formula, value.to("B/vector"),
                dim=dim, **extra)


def diskann_ssd_size(prefix: str, vectors: pint.Quantity, dim: float, max_degree: float) -> Step:
    """DiskANN's graph on SSD: nodes of 4·dim + 4·(R + 1) B packed whole into 4 KB sectors, plus a metadata sector.

    A node larger than a sector takes ⌈node / 4096⌉ sectors of its own. 1 B vectors of d = 128,
    R = 64: node 772 B, 5 per sector → 200 M sectors = 819 GB.

    >>> diskann_ssd_size("index", Q_(1e9, "vector"), 128, 64).value.to("GB")
    <Quantity(819.200004, 'gigabyte')>
    """
    node = 4.0 * dim + 4.0 * (max_degree + 1.0)
    per_sector = np.floor(SECTOR / node)
    n = vectors.to("vector").magnitude
    sectors = np.where(per_sector >= 1, np.ceil(n / np.maximum(per_sector, 1.0)), n * np.ceil(node / SECTOR)) + 1
    return step(f"{prefix}.ssd_size", "Graph on SSD (DiskANN)",
                "(⌈vectors / ⌊4096 B / (4 B × dim + 4 B × (max_degree + 1))⌋⌉ + 1) × 4096 B",
                Q_(sectors * SECTOR, "B"), vectors=vectors, dim=dim, max_degree=max_degree)


def index_steps(*, vectors: pint.Quantity, dim: float, kind: IndexKind, hnsw_m: float = 32,
                level_factor: float | None = None, pq_m: float = 16, pq_nbits: float = 8, nlist: float = 0,
                memory_per_node: pint.Quantity | None = None, replication: float = 1.0,
                build_rate: pint.Quantity | None = None, prefix: str = "index", imi_nbits: float = 0,
                opq: bool = False, precomputed_tables: bool = False, max_degree: float = 64) -> dict[str, Step]:
    """Index memory (vectors + centroids + codebooks, and OPQ's rotation and IVF-PQ's precomputed
    tables when asked for), the shards and nodes that hold it, and DiskANN's SSD graph.

    ``prefix`` names the results: ``index`` for the one index, ``indexes.<name>`` for one of several.
    """
    p = prefix
    per_vector = bytes_per_vector(kind, dim, hnsw_m=hnsw_m, level_factor=level_factor, pq_m=pq_m,
                                  pq_nbits=pq_nbits, prefix=prefix)
    body = step(f"{p}.vectors_size", "Vectors in the index", "vectors × bytes_per_vector",
                (vectors * per_vector.value).to("B"), vectors=vectors, bytes_per_vector=per_vector.value)
    ivf = kind.startswith("ivf")
    if kind == "imi_pq":
        centroids = step(f"{p}.centroids_size", "Multi-index centroids (two half-dimension codebooks)",
                         "2 × 2^imi_nbits × (dim / 2) × 4 B", Q_(2.0 ** imi_nbits * dim * 4.0, "B"),
                         imi_nbits=imi_nbits, dim=dim)
    else:
        centroids = step(f"{p}.centroids_size", "Coarse centroids", "nlist × dim × 4 B",
                         Q_(nlist * dim * 4.0 if ivf else 0.0, "B"), nlist=nlist if ivf else 0, dim=dim)
    pq = kind in ("pq", "ivf_pq", "imi_pq", "diskann")
    codebooks = step(f"{p}.codebooks_size", "PQ codebooks", "2^pq_nbits × dim × 4 B",
                     Q_(2.0 ** pq_nbits * dim * 4.0 if pq else 0.0, "B"), pq_nbits=pq_nbits if pq else 0, dim=dim)
    parts = [body, centroids, codebooks]
    if opq:
        parts.append(step(f"{p}.rotation_size", "OPQ rotation matrix", "dim × dim × 4 B",
                          Q_(dim * dim * 4.0, "B"), dim=dim))
    if precomputed_tables and kind == "ivf_pq":
        parts.append(step(f"{p}.precomputed_tables_size", "IVF-PQ precomputed tables",
                          "nlist × pq_m × 2^pq_nbits × 4 B", Q_(nlist * pq_m * 2.0 ** pq_nbits * 4.0, "B"),
                          nlist=nlist, pq_m=pq_m, pq_nbits=pq_nbits))
    size = step(f"{p}.size", "Index memory", " + ".join(part.key for part in parts),
                sum((part.value for part in parts[1:]), parts[0].value), **{part.key: part.value for part in parts})
    steps = [per_vector, *parts, size]
    if kind == "diskann":
        steps.append(diskann_ssd_size(p, vectors, dim, max_degree))
    if memory_per_node is not None:
        shards = step(f"{p}.shards", "Shards (one per node's memory)", f"⌈{p}.size / memory_per_node⌉",
                      np.ceil((size.value / memory_per_node).to("").magnitude),
                      **{f"{p}.size": size.value, "memory_per_node": memory_per_node})
        steps += [shards, step(f"{p}.nodes", "Index nodes", f"{p}.shards × replication",
                               Q_(shards.value.magnitude * replication, "server"),
                               **{f"{p}.shards": shards.value, "replication": replication})]
    if build_rate is not None:
        steps.append(step(f"{p}.build_time", "Index build time", "vectors / build_rate",
                          (vectors / build_rate).to("h"), vectors=vectors, build_rate=build_rate))
    return {s.key: s for s in steps}
