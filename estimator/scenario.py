"""The scenario file: what a person writes to describe an ML system.

Models are frozen pydantic v2 models; unknown keys are errors. Quantity fields declare their
dimension (see ``quantity_types``). ``load_scenario`` reads a file, ``load_scenario_text`` text
(an upload); both raise ``ScenarioError`` with one located problem per mistake.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from pathlib import Path
from typing import Any, Literal

from pydantic import AfterValidator, Field, PrivateAttr, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from diagrams_lib.kinds import COMPONENT_KINDS, FLOW_KINDS  # pure data: no Graphviz, no `diagrams`
from estimator.catalog import Accelerator, Precision, Strict, bundled_accelerators
from estimator.errors import Problem, ScenarioError, lookalikes
from estimator.llm_config import fill_llm_from_config
from estimator.ml_sections import (LLM, Availability, Embeddings, Experiments, Imbalance, Index, Labelling,
                                   Serving, Training, reference_problems)
from estimator.quantity_types import Amount, Count, CountRate, Factor, Fraction, Share
from estimator.source import STDIN_NAME, YamlDocument, read_capped, read_yaml
from estimator.units import Q_

Archetype = Literal["recommendation", "classification", "search", "llm"]
IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"


# The calendar lengths a convention rounds: a day of 86,400 s, a month of 30.436875 days (pint's:
# a twelfth of the Julian year) and a Julian year of 365.25 days.
CALENDAR_SECONDS = {"day": 86_400.0, "month": 2_629_746.0, "year": 31_557_600.0}
PERIOD_SPREAD = 2.0  # published conventions (10^5 s a day, 2.5 × 10^6 s a month) are within 20 %


class Conventions(Strict):
    """How calendar words turn into seconds, and how results are shown."""

    day: Amount("[time]", "86400 s", positive=True, ranged=False) = Q_(86400.0, "s")
    # pint's month is a twelfth of a Julian year: 30.436875 days.
    month: Amount("[time]", "2.5e6 s", positive=True, ranged=False,
                  words={"calendar": "30.436875 day", "30 days": "30 day"}) = Q_(30.436875, "day")
    year: Amount("[time]", "365 day", positive=True, ranged=False) | None = None  # default: 12 months
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


class Traffic(Strict):
    """Who sends requests, how many, and how large."""

    # Above 0: results divide by the traffic (cost per 1,000 requests, days to an A/B sample).
    daily_active_users: Amount("[user]", "100 million user", positive=True) | None = None
    monthly_active_users: Amount("[user]", "300 million user", positive=True) | None = None
    daily_active_fraction: Share | None = None
    requests_per_user_per_day: Amount("[request] / [user] / [time]", "10 request/user/day",
                                      positive=True) | None = None
    requests: Amount("[request] / [time]", "10 million request/month", positive=True) | None = None
    write_fraction: Fraction = 0.0
    request_size: Amount("[information]", "2 KB") = Q_(0.0, "B")
    response_size: Amount("[information]", "20 KB") = Q_(0.0, "B")

    @model_validator(mode="after")
    def _one_source_of_requests(self) -> Traffic:
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
    records_per_day: CountRate("[time]", "5 billion event/day") | None = None
    records_per_request: CountRate("[request]", "1 event/request") | None = None
    record_size: Amount("[information]", "500 B", positive=True)
    retention: Amount("[time]", "365 day", positive=True)
    replication: Factor = 1.0
    compression_ratio: Factor = 1.0
    tier: Literal["object_store", "block_ssd", "memory"] = "object_store"

    @model_validator(mode="after")
    def _one_rate(self) -> Dataset:
        if (self.records_per_day is None) == (self.records_per_request is None):
            raise ValueError("give exactly one of records_per_day or records_per_request")
        return self


class FeatureGroup(Strict):
    """Features kept online for one kind of entity (user, item, ad ...)."""

    entity: str = Field(pattern=IDENTIFIER)
    entities: Count
    features: Count = 0.0
    bytes_per_value: Amount("[information]", "4 B") = Q_(4.0, "B")
    embedding_dim: Count = 0.0
    embedding_dtype: Precision = "fp32"
    lookups_per_request: Count = 1.0


class OnlineStore(Strict):
    groups: list[FeatureGroup] = Field(min_length=1)
    replication: Factor = 1.0
    overhead: Factor = 1.0  # keys, serialisation and free space on top of the raw values


class Features(Strict):
    online: OnlineStore | None = None
    offline: Dataset | None = None


class InferenceModel(Strict):
    """One model served online: its compute per inference and the hardware it runs on."""

    name: str = Field(pattern=IDENTIFIER)
    flops_per_inference: Amount("[compute] / [inference]", "8.2 GFLOP/inference", positive=True) | None = None
    parameters: Amount("[parameter]", "100 million parameter", positive=True) | None = None
    inferences_per_request: Amount("[inference] / [request]", "500 inference/request") = Q_(
        1.0, "inference/request")
    accelerator: str = "T4"
    precision: Precision = "fp16"
    utilisation: Share = 0.3
    headroom: Factor = 1.2

    @model_validator(mode="after")
    def _one_size(self) -> InferenceModel:
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
    offline_metrics: list[str] = []
    online_metrics: list[str] = []


def _one_of(what: str, choices: typing.Iterable[str]):  # type: ignore[no-untyped-def]
    """A validator accepting only ``choices``; a miss names them all, with a "did you mean"."""
    choices = sorted(choices)

    def check(value: str) -> str:
        if value not in choices:
            raise PydanticCustomError("not_a_choice", "{what}", {
                "what": f"unknown {what}", "given": repr(value), "expected": "one of: " + ", ".join(choices),
                "hint": _did_you_mean(str(value), choices)})
        return value
    return check


ComponentKind = typing.Annotated[str, AfterValidator(_one_of("component kind", COMPONENT_KINDS))]
FlowKind = typing.Annotated[str, AfterValidator(_one_of("flow kind", FLOW_KINDS))]
ComponentId = typing.Annotated[str, Field(pattern=IDENTIFIER)]


class Component(Strict):
    """A component to add to the architecture diagram."""

    id: ComponentId
    kind: ComponentKind
    label: str = Field(default="", max_length=200)  # default: the id in words
    cluster: Literal["data", "training", "serving", "monitoring"] | None = None
    notes: list[typing.Annotated[str, Field(max_length=200)]] = []  # extra lines under the label


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

    remove: list[ComponentId] = []
    add: list[Component] = []
    relabel: dict[str, typing.Annotated[str, Field(max_length=200)]] = {}
    remove_flows: list[FlowRef] = []
    add_flows: list[FlowSpec] = []


class CatalogOverrides(Strict):
    accelerators: dict[str, Accelerator] = {}


NAME_MAX = 200  # characters of a scenario's name: a title, not a document


class Scenario(Strict):
    name: str = Field(min_length=1, max_length=NAME_MAX)
    summary: str = ""
    archetype: Archetype = "recommendation"
    framing: Framing = Framing()
    conventions: Conventions = Conventions()
    traffic: Traffic
    data: list[Dataset] = []
    features: Features = Features()
    models: list[InferenceModel] = []
    catalog: CatalogOverrides = CatalogOverrides()
    # ML system design sections (estimator/ml_sections.py), all optional.
    embeddings: Embeddings | None = None
    index: Index | None = None
    serving: Serving | None = None
    training: Training | None = None
    imbalance: Imbalance | None = None
    experiments: Experiments | None = None
    llm: LLM | None = None
    labelling: Labelling | None = None
    availability: Availability | None = None
    derived: list[Derived] = []
    components: Components = Components()

    _source: YamlDocument | None = PrivateAttr(default=None)

    @field_validator("data", "models", "derived")
    @classmethod
    def _unique_names(cls, items: list[Any]) -> list[Any]:
        names = [item.name for item in items]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"names must be unique; repeated: {', '.join(duplicates)}")
        return items

    def accelerators(self) -> dict[str, Accelerator]:
        """The bundled catalog with this scenario's own entries on top."""
        return {**bundled_accelerators(), **self.catalog.accelerators}

    @property
    def source(self) -> YamlDocument | None:
        """Where the scenario was read from, to locate problems found after loading."""
        return self._source


# ------------------------------------------------------------------------------ loading

def load_scenario(path: str | Path, overrides: typing.Sequence[str] = ()) -> Scenario:
    """Read and validate a scenario file. The file is only ever read."""
    text = read_capped(path)  # at most the size cap plus one byte, whatever the file is
    return load_scenario_text(text, "<stdin>" if str(path) == STDIN_NAME else str(path), overrides)


def load_scenario_text(text: str | bytes, file: str, overrides: typing.Sequence[str] = ()) -> Scenario:
    """Validate scenario text (a file's content or an upload); ``file`` names it in messages."""
    document = read_yaml(text, file)
    if not isinstance(document.data, dict):
        given = "an empty file" if document.data is None else _KINDS.get(type(document.data).__name__, "a value")
        raise ScenarioError([document.problem((), "not a scenario", given=given,
                                              expected="a mapping with at least name and traffic")])
    data = fill_llm_from_config(apply_overrides(document.data, overrides, file), document, text)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError([_problem(_origin(document, tuple(item["loc"]), overrides), item)
                             for item in error.errors()]) from None
    _check_accelerators(scenario, document)
    scenario._source = document
    check_as_every_command_does(scenario)
    return scenario


def check_as_every_command_does(scenario: Scenario) -> None:
    """Refuse here what a command would refuse later, so ``validate`` agrees with every command.

    The derived expressions (names, parse, dimension, finiteness) are checked by evaluating the
    point estimate; the ids in ``components:`` by building the architecture into a Sketch (the
    diagram's own code, without networkx or Graphviz). Both raise a located ``ScenarioError``.
    Imported here, not at the top: both modules import this one.
    """
    from diagrams_lib.architecture import Sketch, populate
    from estimator.estimate import estimate, remember_checked

    result = estimate(scenario)
    populate(Sketch(), scenario, result)
    remember_checked(scenario, result)  # the command's own estimate of this object is then free


def apply_overrides(data: dict[str, Any], overrides: typing.Sequence[str], file: str) -> dict[str, Any]:
    """Apply ``--set path=value`` overrides to a copy of the data (values parsed as YAML scalars).

    >>> apply_overrides({"traffic": {"a": 1}}, ["traffic.a=2 s"], "f")
    {'traffic': {'a': '2 s'}}
    >>> apply_overrides({"traffic": {}}, ["conventions.peak_factor=3"], "f")
    {'traffic': {}, 'conventions': {'peak_factor': 3}}
    """
    import copy

    data = copy.deepcopy(data)
    for override in overrides:
        path_text, sep, value_text = override.partition("=")
        if not sep or not path_text.strip():
            raise ScenarioError([Problem("--set", None, None, override, "not PATH=VALUE",
                                         expected="e.g. 'traffic.daily_active_users=600 million user'")])
        parts: list[str | int] = [int(p) if p.isdigit() else p for p in re.split(r"[.\[\]]+", path_text.strip()) if p]
        target: Any = data
        for part in parts[:-1]:
            if isinstance(target, dict) and isinstance(part, str) and part not in target:
                # A section the file leaves to its defaults (conventions, say): create it, and
                # let validation name a misspelt one with its did-you-mean.
                target[part] = {}
            try:
                target = target[part]
            except (KeyError, IndexError, TypeError):
                raise ScenarioError([Problem("--set", None, None, path_text, "no such path in " + file)]) from None
        try:  # read like a scenario file, with its bounds (depth, size, digits, aliases)
            value = read_yaml(value_text, "--set").data
        except ScenarioError:
            value = value_text
        try:
            target[parts[-1]] = value
        except (IndexError, TypeError):
            raise ScenarioError([Problem("--set", None, None, path_text, "no such path in " + file)]) from None
    return data


def _check_accelerators(scenario: Scenario, document: YamlDocument) -> None:
    known = scenario.accelerators()
    problems = [
        document.problem(("models", index, "accelerator"), "unknown accelerator", given=repr(model.accelerator),
                         expected="a key of the catalog: " + ", ".join(sorted(known)),
                         hint=_did_you_mean(model.accelerator, known))
        for index, model in enumerate(scenario.models) if model.accelerator not in known
    ]
    problems += [
        document.problem(("models", index, "precision"), "precision not offered by the accelerator",
                         given=repr(model.precision), expected="one of: " + ", ".join(known[model.accelerator].peak))
        for index, model in enumerate(scenario.models)
        if model.accelerator in known and model.precision not in known[model.accelerator].peak
    ]
    problems += [
        document.problem(p["path"], p["what"], given=p["given"], expected=p["expected"],
                         hint=_did_you_mean(p["given"].strip("'"), p["choices"]) if "choices" in p else None)
        for p in reference_problems(scenario, known)
    ]
    if problems:
        raise ScenarioError(problems)


def _origin(document: YamlDocument, loc: tuple[Any, ...], overrides: typing.Sequence[str]) -> YamlDocument:
    """The file for a problem, or "--set" when the offending key came only from an override."""
    if overrides and loc and loc[:1] not in document.positions and loc[:1] not in document.key_positions:
        return YamlDocument("--set", None)
    return document


def _problem(document: YamlDocument, error: Any) -> Problem:
    """Turn one pydantic error into one located Problem."""
    loc = tuple(error["loc"])
    kind, context = error["type"], error.get("ctx") or {}
    if kind == "extra_forbidden":
        fields = _fields_at(Scenario, loc[:-1])
        return document.problem(loc, "unknown key", at_key=True, hint=_did_you_mean(str(loc[-1]), fields))
    if kind == "missing":
        return document.problem(loc, "missing key", at_key=True)
    if "at" in context:  # a problem with one side of a range ({low: ..., high: ...}) is located there
        loc = (*loc, context["at"])
    if "what" in context:  # raised by quantity_types (or _one_of) with its own words
        return document.problem(loc, context["what"], given=context["given"], expected=context["expected"],
                                hint=context.get("hint"))
    given = _given(error.get("input"))
    if kind == "literal_error":
        return document.problem(loc, "not one of the choices", given=given, expected=f"one of {context['expected']}")
    if kind == "value_error":
        return document.problem(loc, str(context.get("error", error["msg"])))
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return document.problem(loc, "not a mapping", given=given, expected="a mapping of keys to values")
    if kind == "list_type":
        return document.problem(loc, "not a list", given=given, expected="a list of entries, each starting with '- '")
    if kind == "string_type":
        return document.problem(loc, "not text", given=given, expected="text (quote a value YAML reads as a number, "
                                                                        "date or yes/no)")
    if kind == "string_too_long":
        return document.problem(loc, "too long", given=given, expected=f"at most {context['max_length']} characters")
    if kind == "too_short":
        return document.problem(loc, "empty", given=given, expected=f"at least {context.get('min_length', 1)} entry")
    if kind.startswith("date_"):
        return document.problem(loc, "not a date", given=given, expected="a date such as 2024-06-30")
    if kind == "string_pattern_mismatch":
        return document.problem(loc, "not a valid name", given=given,
                                expected="letters, digits and underscores, not starting with a digit")
    return document.problem(loc, error["msg"][0].lower() + error["msg"][1:], given=given)


_KINDS = {"str": "text", "list": "a list", "int": "a number", "float": "a number", "bool": "yes/no",
          "date": "a date", "datetime": "a date", "bytes": "binary data", "set": "a set"}


def _given(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else type(value).__name__ if isinstance(value, (dict, list)) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _did_you_mean(word: str, choices: typing.Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    hints = [f"did you mean '{matches[0]}'?" if matches else None, lookalikes(word)]
    return "; ".join(hint for hint in hints if hint) or None


def _fields_at(model: Any, loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at ``loc`` (for "did you mean"), found by walking the model types."""
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, Strict) and isinstance(part, str):
            field = annotation.model_fields.get(part)
            if field is None:
                return []
            annotation = field.annotation
        elif typing.get_origin(annotation) in (list, dict):
            annotation = typing.get_args(annotation)[-1]
    annotation = _unwrap(annotation)
    return list(annotation.model_fields) if isinstance(annotation, type) and issubclass(annotation, Strict) else []


def _unwrap(annotation: Any) -> Any:
    """``Features | None`` → ``Features``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return options[0] if len(options) == 1 else annotation
    return annotation
