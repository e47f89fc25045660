"""Scenario sections for the ML system design blocks (issue 3): embeddings, index, serving
stages against a latency budget, training, imbalance, experiments, LLM serving, labelling and
availability. All optional, so older files stay valid; unknown keys are errors (``Strict``).

``models.Scenario`` holds one field per section; names that must exist elsewhere (models,
accelerators) are checked by ``load.reference_problems`` once the whole file is read.
"""

# Annotations are objects, not postponed strings: pydantic compiled and evaluated each string
# annotation when the models were declared (~3 ms of `envelope estimate`'s start-up).

import collections
import dataclasses
from typing import Annotated, Any, cast, Literal, Self

import numpy as np
from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from estimator.ranges import Range, highest, lowest
from estimator.scenario.catalog import DTYPE_COMPUTE, NumberFormat, Precision
from estimator.scenario.limits import MAX_COMPONENTS, MAX_ENTRIES, MAX_STAGES, capped
from estimator.scenario.fields import (IDENTIFIER, NORMAL_REACHES_ZERO, Amount, Quantity, Count, Factor, Fraction,
                                       PositiveNumber, Share, Strict)
from estimator.units import Q_
from estimator.vocabulary import IndexKind

ZERO_S = Q_(0.0, "s")
ZERO_B = Q_(0.0, "B")


# A/B limits below which the sample-size arithmetic leaves double precision (reasons at the validators).
MIN_ALPHA = 1e-12
MIN_MDE = 1e-9


def bounded(value: Any, *, what: str, expected: str, floor: float | None = None,
            below: float | None = None) -> Any:
    """Refuse a value under ``floor`` or at or above ``below``; keep a range's samples inside.

    For a limit beyond which a formula has no value (1/(M − 1) at M = 1, the normal quantile at
    power 1). A range is checked at the end that could cross the limit (the problem is located
    there), and since a 90 % interval (lognormal, normal) samples beyond its low and high, its
    samples are clipped to the limit too.

    >>> from estimator.ranges import Range
    >>> bounded(Range(4.0, 64.0, "normal"), floor=2.0, what="w", expected="e").floor
    2.0
    >>> bounded(1.0, floor=2.0, what="too few links", expected="2 or more")
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.PydanticCustomError: too few links
    """
    low, high = lowest(value), highest(value)
    side = "low" if floor is not None and low < floor else "high" if below is not None and high >= below else None
    if side is not None:
        context = {"what": what, "given": f"{low if side == 'low' else high:g}", "expected": expected}
        raise PydanticCustomError("out_of_range", "{what}", context | ({"at": side} if isinstance(value, Range) else {}))
    if not isinstance(value, Range):
        return value
    return dataclasses.replace(
        value, floor=value.floor if floor is None else max(value.floor or 0.0, floor),
        ceiling=value.ceiling if below is None else min(float(np.nextafter(below, -np.inf)),
                                                         value.ceiling if value.ceiling is not None else np.inf))




def check_unique(items: list[Any], what: str = "names") -> None:
    """Raise ValueError naming every ``name`` that more than one of ``items`` has.

    >>> from types import SimpleNamespace as E
    >>> check_unique([E(name="a"), E(name="b"), E(name="a")], "stage names")
    Traceback (most recent call last):
    ...
    ValueError: stage names must be unique; repeated: a
    """
    # Counted once each: names.count() per name was quadratic in a list of 1,000 entries.
    counts = collections.Counter(item.name for item in items)
    repeated = sorted(name for name, count in counts.items() if count > 1)
    if repeated:
        raise ValueError(f"{what} must be unique; repeated: {', '.join(repeated)}")


# ----------------------------------------------------------------------------- embeddings

class EmbeddingTable(Strict):
    name: str = Field(pattern=IDENTIFIER)
    rows: Count
    dim: Count
    dtype: Precision = "fp32"


class CategoricalFeature(Strict):
    """One categorical feature: one-hot width vs an embedding vs hashing buckets."""

    name: str = Field(pattern=IDENTIFIER)
    cardinality: Count
    dim: Count
    dtype: Precision = "fp32"
    hash_buckets: PositiveNumber | None = None  # at least 2: one bucket holds every value

    @field_validator("hash_buckets")
    @classmethod
    def _buckets(cls, value: Any) -> Any:
        # The collision share takes log(1 − 1/hash_buckets): −∞ at one bucket, undefined below.
        return bounded(value, floor=2.0, what="too few hash buckets to separate values",
                       expected="2 or more buckets, e.g. 1000000")


class Embeddings(Strict):
    tables: Annotated[list[EmbeddingTable], *capped(MAX_ENTRIES, "tables")] = []
    categorical: Annotated[list[CategoricalFeature], *capped(MAX_ENTRIES, "features")] = []
    # Training-time memory: with an optimizer, each table's weights, gradients and fp32 optimizer
    # state (estimator/calc/embeddings.py); with memory_per_device, the devices that hold them.
    optimizer: Literal["sgd", "adagrad", "rowwise_adagrad", "adam"] | None = None
    memory_per_device: Annotated[Quantity, Amount("[information]", "80 GB", positive=True)] | None = None

    @model_validator(mode="after")
    def _names(self) -> Self:
        if not self.tables and not self.categorical:
            raise ValueError("give at least one of tables or categorical")
        check_unique(self.tables, "table names")
        check_unique(self.categorical, "categorical feature names")
        return self


# ---------------------------------------------------------------------------------- index

class Index(Strict):
    """An ANN index over ``vectors`` of ``dim`` float32 components (faiss memory formulas)."""

    vectors: Annotated[Quantity, Amount("[vector]", "1 billion vector", positive=True)]
    dim: PositiveNumber
    type: IndexKind = "flat"
    hnsw_m: PositiveNumber = 32.0           # HNSW links per node per upper level (2·M on level 0)
    level_factor: Factor | None = None      # default 1 + 1/(2(M − 1)), the expected upper-level links
    pq_m: PositiveNumber = 16.0             # PQ sub-quantisers
    pq_nbits: PositiveNumber = 8.0          # bits per sub-quantiser code
    nlist: Count = 0.0                      # IVF coarse centroids
    memory_per_node: Annotated[Quantity, Amount("[information]", "256 GB", positive=True)] | None = None
    replication: Factor = 1.0
    build_rate: Annotated[Quantity, Amount("[vector] / [time]", "1 million vector/s", positive=True)] | None = None
    imi_nbits: PositiveNumber = 12.0         # imi_pq: bits per half of the multi-index (2^(2·nbits) cells)
    opq: bool = False                       # an OPQ rotation (d × d floats) before PQ
    precomputed_tables: bool = False        # ivf_pq: faiss's precomputed tables (nlist × M × 2^nbits floats)
    max_degree: PositiveNumber = 64.0       # diskann: R, neighbours per node on SSD

    @field_validator("hnsw_m")
    @classmethod
    def _links(cls, value: Any) -> Any:
        # The default level factor 1 + 1/(2(M − 1)) divides by M − 1.
        return bounded(value, floor=2.0, what="HNSW needs at least 2 links per node",
                       expected="2 or more, e.g. 32 (the level factor 1 + 1/(2(M − 1)) has no value at M = 1)")

    @model_validator(mode="after")
    def _ivf_needs_lists(self) -> Self:
        if self.type == "pgvector_hnsw" and highest(self.dim) > 2000:
            raise ValueError("pgvector indexes at most 2,000 dimensions with HNSW (vector type); "
                             "use halfvec, or reduce dim")
        if self.precomputed_tables and self.type != "ivf_pq":
            raise ValueError("precomputed_tables are faiss's IVF-PQ tables: they need type: ivf_pq")
        if self.type.startswith("ivf") and lowest(self.nlist) < 1:
            raise ValueError(f"an {self.type} index needs nlist (coarse centroids), e.g. nlist: 65536")
        if isinstance(self.dim, Range) or isinstance(self.pq_m, Range):
            raise ValueError("dim and pq_m describe the index's layout; give them as numbers, not ranges")
        if self.type in ("pq", "ivf_pq") and self.dim % self.pq_m:
            raise ValueError(f"pq_m ({self.pq_m:g}) must divide dim ({self.dim:g})")
        return self


# -------------------------------------------------------------------------------- serving


class NamedIndex(Index):
    """One of several ANN indexes (one per entity or embedding space): its results carry the name."""

    name: str = Field(pattern=IDENTIFIER)


class Stage(Strict):
    """One stage of a request path, in order. Its model is either one of ``models`` (by name;
    its accelerators and cost stay under models.<name>) or described here with an accelerator."""

    name: str = Field(pattern=IDENTIFIER)
    items: Count = 1.0                       # items processed per request (candidates scored)
    items_out: Count | None = None           # items passed on (a retrieval stage turns 1 query into many)
    model: str | None = None
    flops_per_item: Annotated[Quantity, Amount("[compute]", "50 MFLOP")] = Q_(0.0, "FLOP")
    bytes_per_item: Annotated[Quantity, Amount("[information]", "1 kB")] = ZERO_B
    bytes_per_batch: Annotated[Quantity, Amount("[information]", "20 MB")] = ZERO_B   # weights read once per batch
    batch_size: PositiveNumber = 1.0
    accelerator: str | None = None
    precision: Precision = "fp16"
    utilisation: Share = 0.3
    headroom: Factor = 1.2
    fixed_latency: Annotated[Quantity, Amount("[time]", "5 ms")] = ZERO_S      # e.g. an ANN search measured elsewhere
    feature_fetch: Annotated[Quantity, Amount("[time]", "5 ms")] = ZERO_S
    network_hops: Count = 0.0
    hop_latency: Annotated[Quantity, Amount("[time]", "0.5 ms")] = Q_(0.5, "ms")  # a round trip within a datacenter
    # A benchmark of this stage on its own device: items (inferences) per second on a system of
    # devices_per_system devices. It sizes the stage's fleet instead of peak × utilisation.
    measured_throughput: Annotated[Quantity, Amount("[inference] / [time]", "25000 inference/s", positive=True)] | None = None
    devices_per_system: PositiveNumber = 1.0
    # A fixed fleet for this stage's device (its model's, when it names one): latency under load then
    # shows how that fleet copes as traffic moves, instead of a fleet resized at every load.
    replicas: Annotated[Quantity, Amount("[accelerator]", "8 GPU", positive=True)] | None = None

    @model_validator(mode="after")
    def _one_model(self) -> Self:
        if self.measured_throughput is not None and self.accelerator is None:
            raise ValueError("measured_throughput is a stage's own device's: give its accelerator "
                             "(a stage that names a model takes the model's measured_throughput)")
        if self.model is not None and (self.accelerator is not None or highest(self.flops_per_item).magnitude):
            raise ValueError("a stage that names a model takes its FLOPs and accelerator from it; "
                             "drop flops_per_item and accelerator")
        if self.model is None and highest(self.flops_per_item).magnitude and self.accelerator is None:
            raise ValueError("flops_per_item needs an accelerator to run on (or name one of models)")
        # A stage sized on its own device divides by its compute time (effective utilisation) and
        # by the compute it needs (accelerators): with no work both are 0, and 0 / 0 has no value.
        if self.accelerator is not None and not lowest(self.flops_per_item).magnitude:
            raise PydanticCustomError("no_work", "{what}", {
                "what": "a stage on an accelerator needs work", "given": "no flops_per_item",
                "expected": "flops_per_item above 0, e.g. '50 MFLOP' (or no accelerator for a stage without model work)"})
        if self.accelerator is not None and not lowest(self.items):
            raise PydanticCustomError("no_work", "{what}", {
                "what": "a stage on an accelerator needs items", "given": f"items {lowest(self.items):g}",
                "expected": "items above 0, e.g. 500 (the items it scores per request)"})
        normal = [name for name in ("flops_per_item", "items") if getattr(getattr(self, name), "dist", "") == "normal"]
        if self.accelerator is not None and normal:  # its tail would reach the 0 refused above
            raise PydanticCustomError("range", "{what}", {"what": f"{normal[0]}: {NORMAL_REACHES_ZERO[0]}",
                                                          "given": "'normal'", "expected": NORMAL_REACHES_ZERO[1]})
        return self


class Serving(Strict):
    latency_budget: Annotated[Quantity, Amount("[time]", "100 ms", positive=True)]
    percentile: str = Field("p99", pattern=r"^p(50|90|95|99|99\.9)$")
    stages: Annotated[list[Stage], *capped(MAX_STAGES, "stages")] = Field(min_length=1)
    # Latency under load (estimator.calc.queueing). Absent: stages are timed at zero load, as before.
    # headroom: fleets sized by headroom, with their utilisation and p50/p99 under load shown;
    # p99: each device stage's fleet is the smallest meeting its share of the budget at the percentile.
    size_by: Literal["headroom", "p99"] | None = None

    @property
    def quantile(self) -> float:
        """The budget's percentile as a fraction: p99 → 0.99."""
        return float(self.percentile[1:]) / 100

    @model_validator(mode="after")
    def _names(self) -> Self:
        check_unique(self.stages, "stage names")
        return self


# ------------------------------------------------------------------------------- training

class Training(Strict):
    """Either examples × window × epochs × FLOPs per example, or 6·N·D from parameters and tokens."""

    examples_per_day: Annotated[Quantity, Amount("[example] / [time]", "1 billion example/day", positive=True)] | None = None
    window: Annotated[Quantity, Amount("[time]", "30 day", positive=True)] | None = None
    epochs: PositiveNumber = 1.0
    flops_per_example: Annotated[Quantity, Amount("[compute] / [example]", "300 MFLOP/example", positive=True)] | None = None
    example_size: Annotated[Quantity, Amount("[information]", "1 KB", positive=True)] | None = None
    parameters: Annotated[Quantity, Amount("[parameter]", "7 billion parameter", positive=True)] | None = None
    tokens: Annotated[Quantity, Amount("[token]", "2 trillion token", positive=True)] | None = None
    accelerator: str = "A100-80GB"
    precision: Precision = "bf16"
    mfu: Share = 0.4                      # model FLOPs utilisation
    cluster_accelerators: Annotated[Quantity, Amount("[accelerator]", "64 GPU", positive=True)] = Q_(8.0, "GPU")
    retrain_every: Annotated[Quantity, Amount("[time]", "1 day", positive=True)] | None = None
    # A measurement beats peak × mfu: tokens (with parameters and tokens) or examples (with
    # examples) per second per device as measured, or the accelerator-hours a run took as
    # published. Either gives the accelerator-hours, and the MFU it implies is shown.
    measured_throughput: (Annotated[Quantity, Amount("[token] / [time] / [accelerator]", "3000 token/s/GPU", positive=True)]
                          | Annotated[Quantity, Amount("[example] / [time] / [accelerator]", "2000 example/s/GPU", positive=True)]
                          | None) = None
    accelerator_hours: Annotated[Quantity, Amount("[accelerator] * [time]", "184320 GPU*hour", positive=True)] | None = None

    @model_validator(mode="after")
    def _measured(self) -> Self:
        if self.measured_throughput is not None and self.accelerator_hours is not None:
            raise ValueError("give measured_throughput or accelerator_hours, not both")
        if self.measured_throughput is not None:
            counted = "token" if "[token]" in str(highest(self.measured_throughput).dimensionality) else "example"
            wanted = "token" if self.tokens is not None else "example"
            if counted != wanted:
                raise ValueError(f"measured_throughput counts {counted}s but the run is sized in {wanted}s; "
                                 f"give it in {wanted}/s/GPU")
        return self

    @model_validator(mode="after")
    def _one_method(self) -> Self:
        by_tokens = self.parameters is not None or self.tokens is not None
        by_examples = any(x is not None for x in (self.examples_per_day, self.window, self.flops_per_example))
        if by_tokens == by_examples:
            raise ValueError("give either examples_per_day, window and flops_per_example, "
                             "or parameters and tokens (6·N·D)")
        if by_tokens and (self.parameters is None or self.tokens is None):
            raise ValueError("6·N·D needs both parameters and tokens")
        if by_examples and None in (self.examples_per_day, self.window, self.flops_per_example):
            raise ValueError("examples need examples_per_day, window and flops_per_example")
        if self.example_size is not None and not by_examples:
            raise ValueError("example_size needs examples_per_day and window")
        return self


class NamedTraining(Training):
    """One of several training jobs (a published table's rows, or a ranker and a retriever): results carry the name."""

    name: str = Field(pattern=IDENTIFIER)


# ------------------------------------------------------------------------------ imbalance

class Imbalance(Strict):
    positive_rate: Share
    negative_keep_rate: Share
    examples_per_day: Annotated[Quantity, Amount("[example] / [time]", "2 billion example/day", positive=True)]
    window: Annotated[Quantity, Amount("[time]", "30 day", positive=True)] = Q_(1.0, "day")
    example_size: Annotated[Quantity, Amount("[information]", "2 KB", positive=True)] | None = None
    prediction: Fraction | None = None    # a downsampled model's output to map back (default: the new share)


# ---------------------------------------------------------------------------- experiments

class Canary(Strict):
    fraction: Share
    duration: Annotated[Quantity, Amount("[time]", "2 day", positive=True)] | None = None


class ABTest(Strict):
    """Sample size per arm and days to reach it, as a practitioner states the test.

    A conversion rate (``baseline_rate``) or a continuous metric (``baseline_mean`` with its
    standard deviation ``sd``); an increase or a decrease of ``mde``; one- or two-sided; a variance
    convention for rates (estimator/calc/experiment.py); more than two arms with Bonferroni's
    correction (each treatment against the control).
    """

    baseline_rate: Share | None = None
    baseline_mean: float | None = None    # a continuous metric's mean (revenue per user, minutes watched)
    sd: PositiveNumber | None = None      # its standard deviation per user, in the same unit
    mde: PositiveNumber                   # minimum detectable effect: absolute, or relative to the baseline
    mde_kind: Literal["absolute", "relative"] = "absolute"
    direction: Literal["increase", "decrease"] = "increase"
    sides: Literal[1, 2] = 2              # 1: one-sided, in ``direction``
    variance: Literal["evan_miller", "pooled", "unpooled", "arcsine"] = "evan_miller"  # rates only
    alpha: Share = 0.05                   # over the whole test; split over comparisons by ``correction``
    power: Share = 0.8
    arms: Count = 2.0
    correction: Literal["bonferroni", "none"] = "bonferroni"  # for more than two arms
    allocation: Share = 1.0               # share of daily users in the experiment

    @field_validator("power")
    @classmethod
    def _power(cls, value: Any) -> Any:
        # z_power is the normal quantile of power: infinite at 1, so no sample size reaches it.
        return bounded(value, below=1.0, what="a power of 100 % needs an infinite sample",
                       expected="a power below 1, e.g. 0.8")

    @field_validator("alpha")
    @classmethod
    def _alpha(cls, value: Any) -> Any:
        # z_alpha is the normal quantile of 1 − alpha/2: below MIN_ALPHA, 1 − alpha/2 rounds to 1 in
        # double precision (the quantile is infinite) once a correction splits alpha over the arms.
        return bounded(value, floor=MIN_ALPHA, what="a significance level too small to compute",
                       expected=f"{MIN_ALPHA:g} or more, e.g. 0.05")

    @field_validator("mde")
    @classmethod
    def _mde(cls, value: Any) -> Any:
        # The sample size divides by the effect squared: below MIN_MDE it overflows to infinity, and
        # no population is that large anyway.
        return bounded(value, floor=MIN_MDE, what="an effect too small to detect with any sample",
                       expected=f"{MIN_MDE:g} or more, e.g. 0.01")

    @model_validator(mode="after")
    def _rate(self) -> Self:
        if (self.baseline_rate is None) == (self.baseline_mean is None):
            raise ValueError("give baseline_rate (a conversion rate) or baseline_mean with sd (a continuous metric)")
        if (self.baseline_mean is None) != (self.sd is None):
            raise ValueError("a continuous metric needs both baseline_mean and sd")
        if self.baseline_rate is not None and self.variance != "evan_miller" and self.sd is not None:
            raise ValueError("sd is for a continuous metric; a rate's variance follows from it")
        mde = highest(self.mde)
        if self.baseline_rate is not None:
            base = highest(self.baseline_rate) if self.direction == "increase" else lowest(self.baseline_rate)
            change = base * mde if self.mde_kind == "relative" else mde
            treated = base + change if self.direction == "increase" else base - change
            if treated >= 1:
                raise ValueError(f"baseline_rate with mde gives a rate of {treated:g}; it must stay below 1")
            if treated <= 0:
                raise ValueError(f"baseline_rate with a decrease of mde gives a rate of {treated:g}; "
                                 "it must stay above 0")
        elif self.variance != "evan_miller":
            raise ValueError("variance is a convention for rates; a continuous metric's comes from sd")
        if isinstance(self.arms, Range):
            raise ValueError("arms is how many variants the test has; give it as a number, not a range")
        if self.arms < 2:
            raise ValueError("an A/B test needs at least 2 arms")
        return self


class Guardrail(Strict):
    metric: str = Field(min_length=1, max_length=200)
    threshold: str = Field(min_length=1, max_length=200)


class NamedABTest(ABTest):
    """One of several A/B tests, named (a metric, a surface): its results carry the name."""

    name: str = Field(pattern=IDENTIFIER)


class Experiments(Strict):
    canary: Canary | None = None
    ab_test: ABTest | None = None
    # Several tests (one per metric, say), each named: results under experiments.ab_tests.<name>.
    ab_tests: Annotated[list[NamedABTest], *capped(MAX_ENTRIES, "A/B tests")] = []
    guardrails: Annotated[list[Guardrail], *capped(MAX_ENTRIES, "guardrails")] = []

    @field_validator("ab_tests")
    @classmethod
    def _unique(cls, items: list[Any]) -> list[Any]:
        check_unique(items)
        return items


# ------------------------------------------------------------------------------------ llm

class Speculative(Strict):
    """Speculative decoding (Leviathan et al. 2023): a draft model proposes ``draft_tokens`` tokens,
    the target model checks them in one step and keeps each with probability ``acceptance_rate``."""

    acceptance_rate: Fraction                 # α, the chance the target accepts a draft token
    draft_tokens: PositiveNumber              # γ, tokens the draft proposes per target step
    draft_cost: Fraction = 0.0                # c, one draft step's time over one target step's

    @model_validator(mode="after")
    def _below_one(self) -> Self:
        if highest(self.acceptance_rate) >= 1:
            raise ValueError("acceptance_rate must stay below 1 (every draft token accepted is no longer a draft)")
        return self


def _architecture_from_config(schema: dict[str, Any]) -> None:
    """JSON schema of the LLM section: the architecture fields a ``config`` file can fill are
    required only when no ``config`` is named (the loader fills them before validation)."""
    fillable = [name for name in LLM_CONFIG_FILLS if name in schema.get("required", [])]
    schema["required"] = [name for name in schema.get("required", []) if name not in fillable]
    schema["anyOf"] = [{"required": ["config"]}, {"required": fillable}]


# The required architecture fields that llm.config can fill (estimator/llm_config.py reads them).
LLM_CONFIG_FILLS = ("architecture", "attention", "layers", "kv_heads", "head_dim")


class LLM(Strict):
    """One model served for generation. Architecture fields may come from a Hugging Face
    ``config.json`` (``config``, a local path relative to the scenario file); fields written here win."""

    model_config = Strict.model_config | {"json_schema_extra": _architecture_from_config}

    config: str | None = Field(default=None, max_length=500)
    # The two facts that swing an estimate most, always stated (llm.config fills them): a mixture of
    # experts charges FLOPs to its active parameters only; the attention sets the KV cache (multi-head,
    # grouped-query, multi-query, multi-head latent, sliding-window on every layer, or a hybrid of
    # local and global layers).
    architecture: Literal["dense", "moe"]
    attention: Literal["mha", "gqa", "mqa", "mla", "sliding", "hybrid"]
    parameters: Annotated[Quantity, Amount("[parameter]", "70 billion parameter", positive=True)]
    dtype: NumberFormat = "fp16"               # weights (all of them, or all but the routed experts)
    kv_dtype: Precision = "fp16"
    compute: Precision | None = None           # tensor-core precision of prefill (default: from dtype)
    layers: PositiveNumber
    heads: PositiveNumber | None = None        # query heads: adds the attention term to prefill FLOPs
    kv_heads: PositiveNumber
    head_dim: PositiveNumber
    # multi-head latent attention (DeepSeek-V2/V3): the cache holds one latent vector and one rotary key
    kv_lora_rank: PositiveNumber | None = None
    qk_rope_head_dim: PositiveNumber | None = None
    # sliding-window attention on ``local_layers`` of the layers (all of them when not given)
    sliding_window: Annotated[Quantity, Amount("[token]", "4096 token", positive=True)] | None = None
    local_layers: Count | None = None
    # mixture of experts: memory from all parameters, FLOPs from the active ones
    active_parameters: Annotated[Quantity, Amount("[parameter]", "39 billion parameter", positive=True)] | None = None
    experts: PositiveNumber | None = None              # routed experts per MoE layer
    experts_per_token: PositiveNumber | None = None    # routed experts each token uses
    expert_parameters: Annotated[Quantity, Amount("[parameter]", "17 billion parameter", positive=True)] | None = None  # one expert, all layers
    expert_dtype: NumberFormat | None = None           # e.g. mxfp4 experts beside bf16 attention
    prompt_tokens: Annotated[Quantity, Amount("[token]", "1000 token")]
    output_tokens: Annotated[Quantity, Amount("[token]", "200 token", positive=True)]
    batch_size: PositiveNumber = 16.0
    accelerator: str = "H100-SXM"
    # Devices per replica as deployed, at least: more than the memory needs splits each step wider
    # (faster prefill and decode per replica). Absent: the smallest power of two that holds weights
    # and KV cache.
    tensor_parallel: Factor | None = None
    utilisation: Share = 0.4              # prefill: compute-bound
    bandwidth_utilisation: Share = 0.6    # decode: memory-bound
    requests: Annotated[Quantity, Amount("[request] / [time]", "10 request/s", positive=True)] | None = None
    tokens: Annotated[Quantity, Amount("[token] / [time]", "5000 token/s", positive=True)] | None = None
    prefix_cache_hit_rate: Fraction | None = None      # share of prompt tokens whose KV is already cached
    scheduling: Literal["serial", "chunked", "disaggregated"] = "serial"
    speculative: Speculative | None = None
    # Latency targets: time to first token (prefill) and time per output token (a decode step). The
    # estimate gives the slack against each; envelope plan keeps only configurations that meet them.
    ttft_target: Annotated[Quantity, Amount("[time]", "500 ms", positive=True)] | None = None
    tpot_target: Annotated[Quantity, Amount("[time]", "50 ms", positive=True)] | None = None
    # the roofline's estimate / measured throughput; a range such as {low: 0.81, high: 1.44} (the
    # calibrated band for dense models, docs/calibration.md) is carried by the uncertainty sampling
    model_error: PositiveNumber | None = None

    @model_validator(mode="after")
    def _target(self) -> Self:
        if self.requests is not None and self.tokens is not None:
            raise ValueError("give requests or tokens (output tokens per second), not both; "
                             "with neither, traffic.peak_qps is the target")
        if (self.kv_lora_rank is None) != (self.qk_rope_head_dim is None):
            raise ValueError("latent attention needs both kv_lora_rank and qk_rope_head_dim (e.g. 512 and 64)")
        if self.local_layers is not None and self.sliding_window is None:
            raise ValueError("local_layers needs sliding_window (the tokens a local layer attends to)")
        if self.local_layers is not None and highest(self.local_layers) > lowest(self.layers):
            raise ValueError(f"local_layers ({highest(self.local_layers):g}) cannot exceed layers")
        moe = (self.experts, self.experts_per_token, self.expert_parameters)
        if any(x is not None for x in moe) and any(x is None for x in moe):
            raise ValueError("a mixture of experts needs experts, experts_per_token and expert_parameters together "
                             "(or active_parameters alone)")
        if self.experts is not None and highest(self.experts_per_token) > lowest(self.experts):
            raise ValueError("experts_per_token cannot exceed experts")
        if self.expert_dtype is not None and self.experts is None:
            raise ValueError("expert_dtype needs experts, experts_per_token and expert_parameters")
        if self.experts is not None and (highest(self.experts) * highest(self.expert_parameters).magnitude
                                         >= lowest(self.parameters).magnitude):
            raise ValueError("experts × expert_parameters must stay below parameters (attention and embeddings "
                             "are parameters too)")
        if self.active_parameters is not None and highest(self.active_parameters) > lowest(self.parameters):
            raise ValueError("active_parameters cannot exceed parameters")
        _stated_architecture(self)
        _stated_attention(self)
        return self

    def compute_precision(self, offered: Any) -> Precision:
        """The precision prefill computes in: ``compute`` if given, else the weights' format when the
        accelerator offers it, else the format's fallback (4-bit weights are multiplied at 16 bits)."""
        if self.compute is not None:
            return self.compute
        # offered's keys are precisions, so a dtype found among them is one
        return cast(Precision, self.dtype) if self.dtype in offered else DTYPE_COMPUTE[self.dtype]


def _mismatch(field: str, given: str, what: str, expected: str) -> PydanticCustomError:
    """One located problem at ``llm.<field>``: the stated kind disagrees with the other fields."""
    return PydanticCustomError("llm_kind", "{what}", {"what": what, "given": given, "expected": expected, "at": field})


def _stated_architecture(llm: LLM) -> None:
    """``architecture`` agrees with the mixture-of-experts fields: moe needs them, dense has none."""
    moe_fields = llm.active_parameters is not None or llm.experts is not None
    if llm.architecture == "moe" and not moe_fields:
        raise _mismatch("architecture", "'moe'", "a mixture of experts needs its active parameters",
                        "active_parameters, or experts, experts_per_token and expert_parameters")
    if llm.architecture == "dense" and moe_fields:
        raise _mismatch("architecture", "'dense'", "active_parameters or experts describe a mixture of experts",
                        "'moe', or no active_parameters and experts")


def _stated_attention(llm: LLM) -> None:
    """``attention`` agrees with the fields that shape the KV cache (latent rank, window, KV heads)."""
    kind, given = llm.attention, repr(llm.attention)
    if (kind == "mla") != (llm.kv_lora_rank is not None):
        raise _mismatch("attention", given, "multi-head latent attention goes with kv_lora_rank",
                        "'mla' with kv_lora_rank and qk_rope_head_dim, or neither")
    if (kind in ("sliding", "hybrid")) != (llm.sliding_window is not None):
        raise _mismatch("attention", given, "sliding-window attention goes with sliding_window",
                        "'sliding' or 'hybrid' with sliding_window, or neither")
    every_layer = llm.local_layers is None or lowest(llm.local_layers) >= highest(llm.layers)
    if kind == "hybrid" and every_layer:
        raise _mismatch("attention", given, "a hybrid interleaves local and global layers",
                        "local_layers below layers, or 'sliding' when every layer is local")
    if kind == "sliding" and not every_layer:
        raise _mismatch("attention", given, "local_layers below layers leaves some layers global",
                        "'hybrid', or local_layers equal to layers")
    if kind == "mqa" and highest(llm.kv_heads) != 1:
        raise _mismatch("attention", given, "multi-query attention has one KV head",
                        f"kv_heads: 1, or 'gqa'/'mha' for kv_heads {highest(llm.kv_heads):g}")
    if kind == "gqa" and (lowest(llm.kv_heads) <= 1 or (llm.heads is not None
                                                         and highest(llm.kv_heads) >= lowest(llm.heads))):
        raise _mismatch("attention", given, "grouped-query attention has more than one KV head and fewer than heads",
                        "'mqa' for one KV head, 'mha' for as many KV heads as heads")
    if kind == "mha" and llm.heads is not None and (lowest(llm.kv_heads) != highest(llm.heads)
                                                    or highest(llm.kv_heads) != lowest(llm.heads)):
        raise _mismatch("attention", given, "multi-head attention has as many KV heads as heads",
                        "kv_heads equal to heads, or 'gqa'/'mqa' for fewer")


# ------------------------------------------------------------------------------ labelling

class NaturalLabels(Strict):
    delay: Annotated[Quantity, Amount("[time]", "15 min", positive=True)]
    examples_per_day: Annotated[Quantity, Amount("[example] / [time]", "2 billion example/day", positive=True)]
    example_size: Annotated[Quantity, Amount("[information]", "2 KB", positive=True)]


class Labelling(Strict):
    items_per_day: Annotated[Quantity, Amount("[item] / [time]", "10 thousand item/day", positive=True)] | None = None
    sampled_fraction: Fraction | None = None   # of requests, instead of items_per_day
    time_per_item: Annotated[Quantity, Amount("[time] / [item]", "30 s/item", positive=True)] = Q_(30.0, "s/item")
    labels_per_item: Factor = 1.0
    hours_per_labeller: Annotated[Quantity, Amount("[time] / [labeller]", "6 hour/labeller", positive=True)] = Q_(6.0, "hour/labeller")
    price: str = "human_label_hour"  # a key of the catalog's labelling prices (per person-hour)
    natural: NaturalLabels | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if self.items_per_day is not None and self.sampled_fraction is not None:
            raise ValueError("give items_per_day or sampled_fraction, not both")
        if self.items_per_day is None and self.sampled_fraction is None and self.natural is None:
            raise ValueError("give items_per_day or sampled_fraction (human labels), or natural")
        return self


# --------------------------------------------------------------------------- availability

class Component(Strict):
    name: str = Field(pattern=IDENTIFIER)
    availability: Fraction
    replicas: PositiveNumber = 1.0

    @field_validator("availability")
    @classmethod
    def _never_down(cls, value: Any) -> Any:
        # Nines are −log10(1 − availability): infinite for a part that is never down.
        return bounded(value, below=1.0, what="an availability of 100 % allows no downtime",
                       expected="below 100 %, e.g. '99.99 %'")


class Energy(Strict):
    """Energy and carbon of training and serving, from the catalog's board power per device.

    A device without a published power (the catalog leaves it out) adds no energy.
    """

    pue: Factor = 1.0   # power usage effectiveness: facility energy over the devices' energy
    carbon_intensity: Annotated[Quantity, Amount("[mass] / [energy]", "0.43 kg/kWh")] | None = None  # of the grid, CO2e


class Availability(Strict):
    """Components in series; each may be replicated (in parallel). Or just a target."""

    target: Fraction | None = None
    components: Annotated[list[Component], *capped(MAX_COMPONENTS, "components")] = []

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.target is None and not self.components:
            raise ValueError("give a target (e.g. '99.9 %') or components")
        if self.target is not None and self.components:
            raise ValueError("give a target or components, not both")
        if self.target is not None and highest(self.target) >= 1:
            raise ValueError("a target of 100 % allows no downtime; give e.g. '99.99 %'")
        check_unique(self.components, "component names")
        return self


class NamedAvailability(Availability):
    """One of several systems (a published table's rows, say): its results carry the name."""

    name: str = Field(pattern=IDENTIFIER)
