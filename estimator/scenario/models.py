"""The scenario models: what a person writes to describe an ML system.

Models are frozen pydantic v2 models on ``fields.Strict``; unknown keys are errors. Quantity fields
declare their dimension (see ``fields``); the ML design sections live in ``sections``. Reading and
checking a file is ``load``'s job.
"""

# Annotations are objects, not postponed strings: pydantic compiled and evaluated each string
# annotation when the models were declared (~3 ms of `envelope estimate`'s start-up).

import typing
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, Field, PrivateAttr, field_validator, model_validator
from pydantic_core import PydanticCustomError

from estimator.errors import did_you_mean
from estimator.scenario.catalog import Accelerator, Catalog, Precision, Price, bundled_catalog, layered
from estimator.scenario.fields import (IDENTIFIER, Amount, Quantity, Count, CountRate, Factor, Fraction, PositiveNumber, Share,
                                       Strict)
from estimator.scenario.limits import (MAX_COMPONENTS, MAX_DATASETS, MAX_DERIVED, MAX_ENTRIES, MAX_FLOWS,
                                       MAX_LINES, MAX_MODELS, capped)
from estimator.scenario.sections import (LLM, Availability, Embeddings, Energy, Experiments, Imbalance, Index,
                                         Labelling, NamedAvailability, NamedIndex, NamedTraining, Serving, Training, check_unique)
from estimator.scenario.source import YamlDocument
from estimator.units import Q_
from estimator.vocabulary import CLUSTERS, COMPONENT_KINDS, FLOW_KINDS, Archetype

__all__ = ["CALENDAR_SECONDS", "LLM", "NAME_MAX", "PERIOD_SPREAD", "Availability", "Catalog", "Component", "Components", "Conventions", "Dataset",
           "Derived", "Embeddings", "Experiments", "FeatureGroup", "Features", "FlowRef", "FlowSpec", "Framing",
           "Imbalance", "Index", "InferenceModel", "Labelling", "OnlineStore", "Scenario", "Serving", "Traffic",
           "Training"]


# The calendar lengths a convention rounds: a day of 86,400 s, a month of 30.436875 days (pint's:
# a twelfth of the Julian year) and a Julian year of 365.25 days.
CALENDAR_SECONDS = {"day": 86_400.0, "month": 2_629_746.0, "year": 31_557_600.0}
PERIOD_SPREAD = 2.0  # published conventions (10^5 s a day, 2.5 × 10^6 s a month) are within 20 %


class Conventions(Strict):
    """How calendar words turn into seconds, and how results are shown."""

    day: Annotated[Quantity, Amount("[time]", "86400 s", positive=True, ranged=False)] = Q_(86400.0, "s")
    # pint's month is a twelfth of a Julian year: 30.436875 days.
    month: Annotated[Quantity, Amount("[time]", "2.5e6 s", positive=True, ranged=False,
                  words={"calendar": "30.436875 day", "30 days": "30 day"})] = Q_(30.436875, "day")
    year: Annotated[Quantity, Amount("[time]", "365 day", positive=True, ranged=False)] | None = None  # default: 12 months
    storage_display: Literal["decimal", "binary"] = "decimal"
    peak_factor: Factor = 2.0

    @field_validator("day", "month", "year")
    @classmethod
    def _sane_period(cls, value: Any, info: Any) -> Any:
        """A convention rounds the calendar (10^5 s for a day, 2.5 × 10^6 s for a month); a day of
        1e-320 s is a typo, and it overflows every rate it divides. Allowed: within a factor of
        ``PERIOD_SPREAD`` of the calendar's own length."""
        if value is None:
            return value
        calendar = CALENDAR_SECONDS[info.field_name]
        seconds = float(value.to("s").magnitude)
        low, high = calendar / PERIOD_SPREAD, calendar * PERIOD_SPREAD
        if not low <= seconds <= high:
            raise PydanticCustomError("out_of_range", "{what}", {
                "what": f"not a plausible {info.field_name}", "given": f"'{value:~g}'",
                "expected": f"from {low:,.0f} s to {high:,.0f} s (the calendar's {calendar:,.0f} s within a "
                            f"factor of {PERIOD_SPREAD:g})"})
        return value

    @property
    def binary(self) -> bool:
        """Whether amounts of information are shown in powers of 1024 (GiB) rather than 1000 (GB)."""
        return self.storage_display == "binary"

    @model_validator(mode="after")
    def _periods_build_on_shorter_ones(self) -> Self:
        # A month is built from the scenario's day, a year from its day or month (periods_of).
        for name, longer in (("day", ("day", "week", "month", "year")), ("month", ("month", "year")),
                             ("year", ("year",))):
            value = getattr(self, name)
            used = [unit for unit, _ in value.unit_items() if unit in longer] if value is not None else []
            if used:
                raise ValueError(f"conventions.{name} is written in {used[0]}s, which it defines; write it in "
                                 "seconds or in shorter periods (a month in days, a year in days or months)")
        return self


class Traffic(Strict):
    """Who sends requests, how many, and how large."""

    # Above 0: results divide by the traffic (cost per 1,000 requests, days to an A/B sample).
    daily_active_users: Annotated[Quantity, Amount("[user]", "100 million user", positive=True)] | None = None
    monthly_active_users: Annotated[Quantity, Amount("[user]", "300 million user", positive=True)] | None = None
    daily_active_fraction: Share | None = None
    requests_per_user_per_day: Annotated[Quantity, Amount("[request] / [user] / [time]", "10 request/user/day",
                                      positive=True)] | None = None
    requests: Annotated[Quantity, Amount("[request] / [time]", "10 million request/month", positive=True)] | None = None
    write_fraction: Fraction = 0.0
    request_size: Annotated[Quantity, Amount("[information]", "2 KB")] = Q_(0.0, "B")
    response_size: Annotated[Quantity, Amount("[information]", "20 KB")] = Q_(0.0, "B")
    # The network price the responses are sent at: a key of the catalog's network prices
    # (bundled ``egress``, or one the scenario or a price book adds, such as a CDN's).
    egress_tier: str = "egress"

    @model_validator(mode="after")
    def _one_source_of_requests(self) -> Self:
        by_users = self.daily_active_users is not None or self.monthly_active_users is not None
        if self.daily_active_users is not None and self.monthly_active_users is not None:
            raise ValueError("give daily_active_users or monthly_active_users, not both")
        if self.monthly_active_users is not None and self.daily_active_fraction is None:
            raise ValueError("monthly_active_users needs daily_active_fraction (e.g. 0.5)")
        if by_users == (self.requests is not None):
            raise ValueError("give either users (daily_active_users, or monthly_active_users with "
                             "daily_active_fraction) with requests_per_user_per_day, or a total `requests` rate")
        if by_users and self.requests_per_user_per_day is None:
            raise ValueError("users need requests_per_user_per_day (e.g. '10 request/user/day')")
        return self


class Dataset(Strict):
    """A stream of records kept for a while: logs, media, training examples, features."""

    name: str = Field(pattern=IDENTIFIER)
    records_per_day: Annotated[Quantity, CountRate("[time]", "5 billion event/day")] | None = None
    records_per_request: Annotated[Quantity, CountRate("[request]", "1 event/request")] | None = None
    record_size: Annotated[Quantity, Amount("[information]", "500 B", positive=True)]
    retention: Annotated[Quantity, Amount("[time]", "365 day", positive=True)]
    replication: Factor = 1.0
    compression_ratio: Factor = 1.0
    tier: str = "object_store"  # a key of the catalog's storage prices

    @model_validator(mode="after")
    def _one_rate(self) -> Self:
        if (self.records_per_day is None) == (self.records_per_request is None):
            raise ValueError("give exactly one of records_per_day or records_per_request")
        return self


class FeatureGroup(Strict):
    """Features kept online for one kind of entity (user, item, ad ...)."""

    entity: str = Field(pattern=IDENTIFIER)
    entities: Count
    features: Count = 0.0
    bytes_per_value: Annotated[Quantity, Amount("[information]", "4 B")] = Q_(4.0, "B")
    embedding_dim: Count = 0.0
    embedding_dtype: Precision = "fp32"
    lookups_per_request: Count = 1.0


class OnlineStore(Strict):
    groups: Annotated[list[FeatureGroup], *capped(MAX_ENTRIES, "feature groups")] = Field(min_length=1)
    replication: Factor = 1.0
    overhead: Factor = 1.0  # keys, serialisation and free space on top of the raw values
    tier: str = "memory"    # a key of the catalog's storage prices: what a GB-month of the store costs


class Features(Strict):
    online: OnlineStore | None = None
    offline: Dataset | None = None


class InferenceModel(Strict):
    """One model served online: its compute per inference and the hardware it runs on."""

    name: str = Field(pattern=IDENTIFIER)
    flops_per_inference: Annotated[Quantity, Amount("[compute] / [inference]", "8.2 GFLOP/inference", positive=True)] | None = None
    parameters: Annotated[Quantity, Amount("[parameter]", "100 million parameter", positive=True)] | None = None
    inferences_per_request: Annotated[Quantity, Amount("[inference] / [request]", "500 inference/request")] = Q_(
        1.0, "inference/request")
    accelerator: str = "T4"
    precision: Precision = "fp16"
    utilisation: Share = 0.3
    headroom: Factor = 1.2
    # A benchmark beats datasheet × utilisation: inferences per second measured on a system of
    # devices_per_system devices (MLPerf reports per system). Given, it sizes the fleet, and the
    # utilisation it implies is shown; ``utilisation`` is then not used.
    measured_throughput: Annotated[Quantity, Amount("[inference] / [time]", "25000 inference/s", positive=True)] | None = None
    devices_per_system: PositiveNumber = 1.0

    @model_validator(mode="after")
    def _one_size(self) -> Self:
        if (self.flops_per_inference is None) == (self.parameters is None):
            raise ValueError("give exactly one of flops_per_inference or parameters")
        return self


class Derived(Strict):
    """A user-defined result: a unit-checked expression over inputs and results."""

    name: str = Field(pattern=IDENTIFIER)
    expr: str = Field(min_length=1, max_length=500)
    unit: str | None = None
    label: str | None = None


class Framing(Strict):
    """The ML framing of the problem, shown at the top of reports."""

    goal: str = ""
    task: str = ""
    objective: str = ""
    labels: str = ""
    offline_metrics: Annotated[list[str], *capped(MAX_LINES, "metrics")] = []
    online_metrics: Annotated[list[str], *capped(MAX_LINES, "metrics")] = []


def _one_of(what: str, choices: typing.Iterable[str]):  # type: ignore[no-untyped-def]
    """A validator accepting only ``choices``; a miss names them all, with a "did you mean"."""
    choices = sorted(choices)

    def check(value: str) -> str:
        if value not in choices:
            raise PydanticCustomError("not_a_choice", "{what}", {
                "what": f"unknown {what}", "given": repr(value), "expected": "one of: " + ", ".join(choices),
                "hint": did_you_mean(str(value), choices)})
        return value
    return check


ComponentKind = typing.Annotated[str, AfterValidator(_one_of("component kind", COMPONENT_KINDS))]
FlowKind = typing.Annotated[str, AfterValidator(_one_of("flow kind", FLOW_KINDS))]
ClusterName = typing.Annotated[str, AfterValidator(_one_of("cluster", CLUSTERS))]
ComponentId = typing.Annotated[str, Field(pattern=IDENTIFIER)]


class Component(Strict):
    """A component to add to the architecture diagram."""

    id: ComponentId
    kind: ComponentKind
    label: str = Field(default="", max_length=200)  # default: the id in words
    cluster: ClusterName | None = None
    notes: Annotated[list[Annotated[str, Field(max_length=200)]], *capped(MAX_LINES, "lines")] = []  # extra lines under the label


class FlowSpec(Strict):
    """A flow to add between two components (ids of the default graph or of added ones)."""

    source: ComponentId
    target: ComponentId
    flow: FlowKind
    label: str = Field(default="", max_length=200)


class FlowRef(Strict):
    source: ComponentId
    target: ComponentId


class Components(Strict):
    """Changes to the default architecture of the archetype, applied in the order of the keys."""

    remove: Annotated[list[ComponentId], *capped(MAX_COMPONENTS, "components")] = []
    add: Annotated[list[Component], *capped(MAX_COMPONENTS, "components")] = []
    relabel: Annotated[dict[str, Annotated[str, Field(max_length=200)]], *capped(MAX_COMPONENTS, "components")] = {}
    remove_flows: Annotated[list[FlowRef], *capped(MAX_FLOWS, "flows")] = []
    add_flows: Annotated[list[FlowSpec], *capped(MAX_FLOWS, "flows")] = []


NAME_MAX = 200  # characters of a scenario's name: a title, not a document


class Scenario(Strict):
    name: str = Field(min_length=1, max_length=NAME_MAX)
    summary: str = ""
    archetype: Archetype = "recommendation"
    framing: Framing = Framing()
    conventions: Conventions = Conventions()
    traffic: Traffic
    data: Annotated[list[Dataset], *capped(MAX_DATASETS, "datasets")] = []
    features: Features = Features()
    models: Annotated[list[InferenceModel], *capped(MAX_MODELS, "models")] = []
    catalog: Catalog = Catalog()  # entries replacing or adding to the bundled catalog (scenario/catalog.py)
    # ML system design sections (sections.py), all optional.
    embeddings: Embeddings | None = None
    index: Index | None = None
    indexes: Annotated[list[NamedIndex], *capped(MAX_ENTRIES, "indexes")] = []  # several, each named: results under indexes.<name>
    serving: Serving | None = None
    training: Training | None = None
    trainings: Annotated[list[NamedTraining], *capped(MAX_ENTRIES, "training jobs")] = []  # several jobs, each named: results under trainings.<name>
    imbalance: Imbalance | None = None
    experiments: Experiments | None = None
    llm: LLM | None = None
    labelling: Labelling | None = None
    availability: Availability | None = None
    availabilities: Annotated[list[NamedAvailability], *capped(MAX_ENTRIES, "systems")] = []  # several, each named: results under availabilities.<name>
    energy: Energy | None = None
    derived: Annotated[list[Derived], *capped(MAX_DERIVED, "derived results")] = []
    components: Components = Components()

    _source: YamlDocument | None = PrivateAttr(default=None)

    @field_validator("data", "models", "derived", "indexes", "availabilities", "trainings")
    @classmethod
    def _unique_names(cls, items: list[Any]) -> list[Any]:
        check_unique(items)
        return items

    def accelerators(self) -> Mapping[str, Accelerator]:
        """The bundled catalog with this scenario's own entries (and a price book's) on top."""
        return layered(bundled_catalog(), self.catalog).accelerators

    def prices(self) -> dict[str, Mapping[str, Price]]:
        """Unit prices by group and key: the bundled ones with this scenario's (and a price book's) on top."""
        return {str(group): entries for group, entries in layered(bundled_catalog(), self.catalog).prices.items()}

    @property
    def source(self) -> YamlDocument | None:
        """Where the scenario was read from, to locate problems found after loading."""
        return self._source

    def read_from(self, document: YamlDocument) -> Self:
        """Remember the document this scenario was read from (see ``source``); returns the scenario."""
        self._source = document
        return self
