"""estimate(scenario) → Estimate: composition of the calc blocks, nothing more.

Formulas live in ``estimator.calc`` (fleet sizing in calc.inference, sums in calc.sums), the
user-defined results in ``estimator.derived``; here each block is fed the scenario's values.

Every quantity is first converted with the scenario's conventions (calendar words → its
seconds), then each block adds its Steps. Results are keyed by stable dotted names.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

import numpy as np
import pint

# The blocks of the optional sections few scenarios have (llm, energy, imbalance) are imported by
# the function that uses them, when the scenario has the section.
from estimator.calc import (availability, embeddings, experiment, feature_store, index, inference, labelling,
                            queueing, serving, storage, sums, traffic, training)
from estimator.conventions import Periods, normalise_time, periods_of
from estimator.derived import derived_steps
from estimator.errors import ScenarioError
from estimator.ranges import at_medians
from estimator.scenario import Conventions, Dataset, Scenario, price_references
from estimator.scenario.catalog import DTYPE_BYTES, FLEET_WORDS, LLM_ERROR_BAND
from estimator.scenario.sections import Training
from estimator.trace import Step, step
from estimator.units import Q_
from estimator.walk import iter_quantities, map_quantities


@dataclass(frozen=True)
class UnitPrice:
    """One unit price an estimate used: its catalog entry, and where the figure comes from."""

    item: str          # "network.cdn", "storage.memory", "accelerator.L4"
    name: str          # what it is, in words
    price: pint.Quantity
    source: str
    as_of: str


@dataclass(frozen=True)
class Estimate:
    """Named results with their derivations, and the conventions they were computed under."""

    scenario: str
    conventions: Conventions
    periods: Periods
    steps: dict[str, Step]
    # (metric, threshold) pairs an experiment must not cross: text, shown by every report.
    guardrails: tuple[tuple[str, str], ...] = ()
    # Every unit price the results used, with where it came from: shown by the Markdown report.
    unit_prices: tuple[UnitPrice, ...] = ()
    # (dotted path, quantity) of every input as read from the file, before conventions turn
    # calendar words into seconds; a range as its median. Reports spell them out.
    inputs: tuple[tuple[str, pint.Quantity], ...] = ()
    # The working line of each result by key, as report.working writes it: computed once for every
    # renderer of this estimate (the Markdown report, the notes, the app), never twice.
    workings: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __getitem__(self, key: str) -> pint.Quantity:
        return self.steps[key].value

    def __contains__(self, key: object) -> bool:
        return key in self.steps

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps.values())

    def to_dataframe(self) -> Any:
        """The results as a pandas DataFrame, one row per result key.

        Returns
        -------
        pandas.DataFrame
            Indexed by key; columns ``label``, ``value`` (the exact magnitude, a float or an array
            of samples), ``unit`` (text pint parses back), ``per`` (the convention period of an
            amount counted per day or month, else None), ``shown`` (as the reports show it) and
            ``formula``.

        >>> from estimator.trace import step
        >>> e = Estimate("x", Conventions(), periods_of(Conventions()),
        ...              {"storage.total_footprint": step("storage.total_footprint", "Total", "a + b", Q_(2.1e12, "B"))})
        >>> e.to_dataframe()[["value", "unit", "shown"]]
                                        value unit    shown
        key
        storage.total_footprint  2.100000e+12    B  2.10 TB
        """
        import pandas as pd  # type: ignore[import-untyped]  # pandas-stubs is not a dev dependency

        from estimator.display import show
        from estimator.units import unit_text

        rows = [{"key": r.key, "label": r.label, "value": r.value.magnitude, "unit": unit_text(r.value.units),
                 "per": r.per, "shown": show(r, self), "formula": r.formula} for r in self]
        return pd.DataFrame(rows, columns=["key", "label", "value", "unit", "per", "shown", "formula"]).set_index("key")

    def _repr_html_(self) -> str:
        """An HTML table of the results as the reports show them, for Jupyter."""
        import html

        from estimator.display import show

        rows = "".join(f"<tr><td>{html.escape(r.label)}</td><td><code>{html.escape(r.key)}</code></td>"
                       f"<td style='text-align:right'>{html.escape(show(r, self))}</td></tr>" for r in self)
        return (f"<table><caption>{html.escape(self.scenario)}</caption>"
                f"<thead><tr><th>Result</th><th>Key</th><th>Value</th></tr></thead><tbody>{rows}</tbody></table>")


def estimate(scenario: Scenario, *, refuse_overload: bool = True) -> Estimate:
    """The point estimate; a range counts as its median (estimator.uncertainty samples them).

    Inputs may also be pint quantities wrapping numpy arrays: every result is then an array.
    A stage fleet that cannot keep up under load (``serving.size_by``) is refused with a located
    problem; ``refuse_overload=False`` (the planner) keeps such elements as ``inf`` for the caller
    to discard, and they never leave Envelope.
    """
    scenario = at_medians(scenario)
    periods = periods_of(scenario.conventions)
    normalised = map_quantities(scenario, lambda _path, q: normalise_time(q, periods))
    steps: dict[str, Step] = {}
    steps |= _traffic(normalised, periods)
    steps |= _storage(normalised, periods, steps)
    steps |= _features(normalised, periods, steps)
    steps |= _inference(normalised, periods, steps)
    steps |= _serving(normalised, periods, steps)
    steps |= _under_load(normalised, periods, steps, refuse_overload)
    steps |= _embeddings(normalised)
    steps |= _index(normalised)
    steps |= _training(normalised, periods)
    steps |= _imbalance(normalised)
    steps |= _experiments(normalised, steps)
    steps |= _llm(normalised, periods, steps)
    steps |= _labelling(normalised, periods, steps)
    steps |= _availability(normalised, periods)
    steps |= _costs(normalised, periods, steps)
    steps |= _energy(normalised, periods, steps)
    steps |= derived_steps(normalised, periods, steps)
    guardrails = tuple((g.metric, g.threshold) for g in scenario.experiments.guardrails) if scenario.experiments else ()
    # The planner's infeasible configurations are inf by design and are discarded before anything
    # leaves Envelope (plan.py); every other estimate is checked here.
    checked = check_finite(steps) if refuse_overload else steps
    return Estimate(scenario.name, scenario.conventions, periods, checked, guardrails, unit_prices(scenario),
                    tuple(iter_quantities(scenario)))


def unit_prices(s: Scenario) -> tuple[UnitPrice, ...]:
    """The unit prices the scenario's results use, each once, in the order they are met.

    Accelerators are those named by models, serving stages, training and the LLM section;
    storage, network and labelling prices those named by ``scenario.price_references``.
    """
    prices, devices = s.prices(), s.accelerators()
    used: dict[str, UnitPrice] = {}
    for _path, group, key in price_references(s):
        entry = prices[group][key]
        used.setdefault(f"{group}.{key}", UnitPrice(f"{group}.{key}", key.replace("_", " "), entry.price,
                                                    entry.source, entry.as_of.isoformat()))
    names = [m.accelerator for m in s.models]
    names += [stage.accelerator for stage in s.serving.stages if stage.accelerator] if s.serving else []
    names += [s.training.accelerator] if s.training else []
    names += [job.accelerator for job in s.trainings]
    names += [s.llm.accelerator] if s.llm else []
    for name in names:
        device = devices[name]
        used.setdefault(f"accelerator.{name}", UnitPrice(
            f"accelerator.{name}", f"{device.name} ({device.kind.upper()})", device.price,
            device.price_source or device.source, (device.price_as_of or device.as_of).isoformat()))
    return tuple(used.values())


class NonFiniteResult(ArithmeticError):
    """A result or an input of a step is NaN or infinite: a bug of Envelope, never the user's input.

    Every input that could lead there is refused when the scenario loads (with a located problem)
    or has a defined value in its calc function; this is the one check behind them, so no number
    that leaves Envelope (table, Markdown, JSON, diagram, notes) is NaN or infinite.
    """


def _finite(magnitude: Any) -> bool:
    """Whether a number, or every element of an array, is finite.

    ``math.isfinite`` for a number and the array's own ``all()``: the same answer as
    ``np.all(np.isfinite(np.asarray(m, dtype=float)))`` without numpy's per-call overhead, which
    for the ~900 values and inputs of each estimate was ~10 ms of ``envelope estimate``.

    >>> _finite(2.0), _finite(float("inf")), _finite(np.array([1.0, np.nan])), _finite(np.array([1.0, 2.0]))
    (True, False, False, True)
    """
    if isinstance(magnitude, (int, float)):
        return math.isfinite(magnitude)
    return bool(np.isfinite(np.asarray(magnitude, dtype=float)).all())


def check_finite(steps: dict[str, Step]) -> dict[str, Step]:
    """``steps`` unchanged if every value and input is finite (arrays: every sample); else NonFiniteResult.

    >>> check_finite({"a": step("a", "A", "x", Q_(1.0, "B"))})["a"].value
    <Quantity(1.0, 'byte')>
    >>> check_finite({"a": step("a", "A", "0 / 0", float("nan"))})
    Traceback (most recent call last):
    ...
    estimator.compose.NonFiniteResult: a is not finite (nan); this is a bug in Envelope
    """
    # One test over every plain-number magnitude at once (a call per number was a quarter of the
    # estimate of 1,000 datasets); arrays of samples are tested as they are. Only when something
    # is not finite is each one looked at again, to name the first.
    # An array of samples is the value of one step and an input of the steps that use it: each
    # is tested once (by identity), not once per use (16,000 uses of 7,000 arrays at the cap).
    numbers = [quantity.magnitude for result in steps.values() for quantity in (result.value, *result.inputs.values())]
    plain = [m for m in numbers if isinstance(m, (float, int))]
    arrays = {id(m): m for m in numbers if not isinstance(m, (float, int))}
    if np.all(np.isfinite(np.asarray(plain, dtype=float))) and all(
            np.isfinite(np.asarray(m, dtype=float)).all() for m in arrays.values()):
        return steps
    for key, result in steps.items():
        for name, quantity in (("", result.value), *result.inputs.items()):
            if _finite(quantity.magnitude):
                continue
            magnitude = np.asarray(quantity.magnitude, dtype=float)
            where = f"{key} (input {name})" if name else key
            raise NonFiniteResult(f"{where} is not finite ({magnitude[~np.isfinite(magnitude)].flat[0]}); "
                                  "this is a bug in Envelope")
    return steps


def _traffic(s: Scenario, periods: Periods) -> dict[str, Step]:
    t = s.traffic
    steps: dict[str, Step] = {}
    dau = t.daily_active_users
    if t.monthly_active_users is not None and t.daily_active_fraction is not None:
        dau_step = traffic.daily_active_users_from_monthly(t.monthly_active_users, t.daily_active_fraction)
        steps[dau_step.key] = dau_step
        dau = dau_step.value
    return steps | traffic.traffic_steps(
        dau=dau, requests_per_user=t.requests_per_user_per_day, requests=t.requests,
        peak_factor=s.conventions.peak_factor, write_fraction=t.write_fraction, request_size=t.request_size,
        response_size=t.response_size, day=periods.day, month=periods.month)


def _dataset(prefix: str, dataset: Dataset, periods: Periods, average_qps: pint.Quantity) -> dict[str, Step]:
    rate = storage.records_per_second(prefix, per_day=dataset.records_per_day,
                                      per_request=dataset.records_per_request, average_qps=average_qps)
    return {rate.key: rate} | storage.dataset_steps(
        prefix, records_per_second=rate.value, record_size=dataset.record_size, retention=dataset.retention,
        replication=dataset.replication, compression_ratio=dataset.compression_ratio,
        day=periods.day, month=periods.month)


def _price(s: Scenario, periods: Periods, group: str, name: str) -> pint.Quantity:
    """A unit price from the scenario's catalog layers, its calendar words in the scenario's seconds."""
    return normalise_time(s.prices()[group][name].price, periods)


def _storage(s: Scenario, periods: Periods, so_far: dict[str, Step]) -> dict[str, Step]:
    if not s.data:
        return {}
    steps: dict[str, Step] = {}
    average = so_far["traffic.average_qps"].value
    for dataset in s.data:
        prefix = f"storage.{dataset.name}"
        steps |= _dataset(prefix, dataset, periods, average)
        price = _price(s, periods, "storage", dataset.tier)
        steps |= _one(storage.storage_cost(f"{prefix}.monthly_cost", "Monthly storage cost at full retention",
                                           steps[f"{prefix}.footprint"].value, price, periods.month))
        for period, label in (("month", "Storage cost of the first month"), ("year", "Storage cost of the first year")):
            steps |= _one(storage.cost_while_filling(f"{prefix}.first_{period}_cost", label,
                                                     steps[f"{prefix}.stored_per_month"].value, dataset.retention,
                                                     price, periods.month, periods.seconds(period)))
    names = [f"storage.{d.name}" for d in s.data]
    day_total = sums.total("storage.growth_per_day", "Storage growth per day",
                              [steps[f"{n}.stored_per_day"] for n in names], unit="B", per="day")
    steps |= _one(day_total)
    steps |= _one(step("storage.growth_per_month", "Storage growth per month",
                       "storage.growth_per_day × seconds_per_month / seconds_per_day",
                       day_total.value * periods.month / periods.day, per="month",
                       **{"storage.growth_per_day": day_total.value, "seconds_per_month": periods.month,
                          "seconds_per_day": periods.day}))
    steps |= _one(step("storage.growth_per_year", "Storage growth per year",
                       "storage.growth_per_day × seconds_per_year / seconds_per_day",
                       day_total.value * periods.year / periods.day, per="year",
                       **{"storage.growth_per_day": day_total.value, "seconds_per_year": periods.year,
                          "seconds_per_day": periods.day}))
    steps |= _one(sums.total("storage.total_footprint", "Total storage footprint",
                             [steps[f"{n}.footprint"] for n in names], unit="B"))
    steps |= _one(sums.total("storage.monthly_cost", "Monthly storage cost at full retention",
                             [steps[f"{n}.monthly_cost"] for n in names], unit="USD", per="month"))
    for period, label in (("month", "Storage cost of the first month"), ("year", "Storage cost of the first year")):
        steps |= _one(sums.total(f"storage.first_{period}_cost", label,
                                 [steps[f"{n}.first_{period}_cost"] for n in names], unit="USD"))
    return steps


def _one(result: Step) -> dict[str, Step]:
    return {result.key: result}


def _features(s: Scenario, periods: Periods, so_far: dict[str, Step]) -> dict[str, Step]:
    steps: dict[str, Step] = {}
    online = s.features.online
    peak = so_far["traffic.peak_qps"].value
    if online is not None:
        raws, per_request = [], Q_(0.0, "B")
        lookups = 0.0
        for group in online.groups:
            prefix = f"features.online.{group.entity}"
            row = feature_store.row_size(prefix, features=group.features, bytes_per_value=group.bytes_per_value,
                                         embedding_dim=group.embedding_dim,
                                         embedding_bytes=DTYPE_BYTES[group.embedding_dtype])
            size = feature_store.group_size(prefix, group.entities, row.value)
            steps |= {row.key: row, size.key: size}
            raws.append(size)
            per_request = per_request + group.lookups_per_request * row.value
            lookups += group.lookups_per_request
        raw = sums.total("features.online.raw_size", "Online features, raw", raws, unit="B")
        size = feature_store.online_size(raw.value, online.overhead, online.replication)
        steps |= _one(raw) | _one(size)
        steps |= _one(feature_store.lookups_per_second(peak, lookups))
        steps |= _one(feature_store.read_bandwidth(peak, per_request))
        steps |= _one(storage.storage_cost("features.online.monthly_cost", "Online feature store monthly cost",
                                           size.value, _price(s, periods, "storage", online.tier), periods.month))
    if s.features.offline is not None:
        offline = s.features.offline
        steps |= _dataset("features.offline", offline, periods, so_far["traffic.average_qps"].value)
        steps |= _one(storage.storage_cost("features.offline.monthly_cost", "Offline feature store monthly cost at full retention",
                                           steps["features.offline.footprint"].value,
                                           _price(s, periods, "storage", offline.tier), periods.month))
    return steps


def _inference(s: Scenario, periods: Periods, so_far: dict[str, Step]) -> dict[str, Step]:
    if not s.models:
        return {}
    peak = so_far["traffic.peak_qps"].value
    steps: dict[str, Step] = {}
    for model in s.models:
        prefix = f"models.{model.name}"
        device = s.accelerators()[model.accelerator]
        flops = (inference.flops_from_parameters(prefix, model.parameters) if model.parameters is not None
                 else inference.flops_given(prefix, model.flops_per_inference))  # type: ignore[arg-type]
        steps |= _one(flops) | inference.fleet_steps(
            prefix, peak_qps=peak, per_request=model.inferences_per_request, flops=flops.value,
            device_peak=device.peak[model.precision], utilisation=model.utilisation, headroom=model.headroom,
            price=device.price, month=periods.month, measured=model.measured_throughput,
            devices_per_system=model.devices_per_system, fleet=FLEET_WORDS[device.kind])
    return steps | _model_totals(s, so_far | steps)


def _model_totals(s: Scenario, so_far: dict[str, Step]) -> dict[str, Step]:
    models = [f"models.{m.name}" for m in s.models]
    steps = _one(sums.total("serving.accelerators", "Accelerators for serving",
                               [so_far[f"{m}.accelerators"] for m in models], unit="GPU"))
    cost_total = sums.total("serving.monthly_cost", "Monthly serving cost",
                               [so_far[f"{m}.monthly_cost"] for m in models], unit="USD", per="month")
    steps |= _one(cost_total)
    steps |= _one(inference.cost_per_thousand("serving.cost_per_1000_requests", cost_total.value,
                                              so_far["traffic.requests_per_month"].value,
                                              "Serving cost per 1,000 requests (model accelerators only)"))
    return steps


# ---------------------------------------------------------------- ML system design blocks

def _embeddings(s: Scenario) -> dict[str, Step]:
    if s.embeddings is None:
        return {}
    steps: dict[str, Step] = {}
    tables = [embeddings.table_size(f"embeddings.tables.{t.name}", t.rows, t.dim, DTYPE_BYTES[t.dtype])
              for t in s.embeddings.tables]
    steps |= {t.key: t for t in tables}
    if tables:
        steps |= _one(embeddings.total_size(tables))
        if s.embeddings.memory_per_device is not None:
            steps |= _one(embeddings.shards("embeddings.serving_devices", steps["embeddings.total_size"].value,
                                            s.embeddings.memory_per_device, "embeddings.total_size"))
    if tables and s.embeddings.optimizer is not None:
        training = [embeddings.training_size(f"embeddings.tables.{t.name}", t.rows, t.dim, DTYPE_BYTES[t.dtype],
                                             s.embeddings.optimizer) for t in s.embeddings.tables]
        steps |= {t.key: t for t in training}
        total = sums.total("embeddings.training_size", "Embedding tables while training", training, unit="B")
        steps |= _one(total)
        if s.embeddings.memory_per_device is not None:
            steps |= _one(embeddings.shards("embeddings.training_devices", total.value,
                                            s.embeddings.memory_per_device, "embeddings.training_size"))
    for c in s.embeddings.categorical:
        steps |= embeddings.categorical_steps(f"embeddings.categorical.{c.name}", cardinality=c.cardinality,
                                              dim=c.dim, dtype_bytes=DTYPE_BYTES[c.dtype], buckets=c.hash_buckets)
    return steps


def _index(s: Scenario) -> dict[str, Step]:
    """The index (results under ``index``) and each of several named ones (under ``indexes.<name>``)."""
    named = [("index", s.index)] if s.index is not None else []
    named += [(f"indexes.{i.name}", i) for i in s.indexes]
    steps: dict[str, Step] = {}
    for prefix, i in named:
        steps |= index.index_steps(vectors=i.vectors, dim=i.dim, kind=i.type, hnsw_m=i.hnsw_m,
                                   level_factor=i.level_factor, pq_m=i.pq_m, pq_nbits=i.pq_nbits, nlist=i.nlist,
                                   memory_per_node=i.memory_per_node, replication=i.replication,
                                   build_rate=i.build_rate, prefix=prefix, imi_nbits=i.imi_nbits, opq=i.opq,
                                   precomputed_tables=i.precomputed_tables, max_degree=i.max_degree)
    return steps


def _serving(s: Scenario, periods: Periods, so_far: dict[str, Step]) -> dict[str, Step]:
    """Stages in order against the latency budget; a stage on its own hardware is sized and costed
    here, a stage that names one of ``models`` is sized and costed under models.<name> only."""
    if s.serving is None:
        return {}
    models = {m.name: m for m in s.models}
    peak_qps = so_far["traffic.peak_qps"].value
    steps: dict[str, Step] = {}
    latencies = []
    for stage in s.serving.stages:
        prefix = f"serving.stages.{stage.name}"
        model = models.get(stage.model or "")
        name = model.accelerator if model else stage.accelerator
        device = s.accelerators()[name] if name else None
        precision = model.precision if model else stage.precision
        utilisation = model.utilisation if model else stage.utilisation
        flops = (so_far[f"models.{model.name}.flops_per_inference"].value * Q_(1.0, "inference") if model
                 else stage.flops_per_item)
        stage_steps = serving.stage_steps(
            prefix, items=stage.items, batch_size=stage.batch_size, flops_per_item=flops,
            bytes_per_item=stage.bytes_per_item, bytes_per_batch=stage.bytes_per_batch,
            peak=device.peak[precision] if device else None,
            bandwidth=device.memory_bandwidth if device else None, utilisation=utilisation,
            fixed=stage.fixed_latency, feature_fetch=stage.feature_fetch, hops=stage.network_hops,
            hop_latency=stage.hop_latency)
        if stage.items_out is not None:
            steps |= _one(step(f"{prefix}.items_out", "Items passed on", "items_out", stage.items_out,
                               items_out=stage.items_out))
        steps |= stage_steps
        latencies.append(stage_steps[f"{prefix}.latency"].value)
        if device is not None and model is None:
            effective = serving.effective_utilisation(prefix, utilisation, stage_steps[f"{prefix}.compute_time"].value,
                                                      stage_steps[f"{prefix}.model_time"].value)
            steps |= _one(effective) | inference.fleet_steps(
                prefix, peak_qps=peak_qps, per_request=Q_(stage.items, "inference/request"),
                flops=flops / Q_(1.0, "inference"), device_peak=device.peak[precision],
                utilisation=effective.value.magnitude, headroom=stage.headroom, price=device.price,
                month=periods.month, measured=stage.measured_throughput,
                devices_per_system=stage.devices_per_system, fleet=FLEET_WORDS[device.kind])
    steps |= serving.budget_steps([st.name for st in s.serving.stages], latencies, s.serving.latency_budget)
    return steps | _stage_totals(s, steps)


def _stage_totals(s: Scenario, so_far: dict[str, Step]) -> dict[str, Step]:
    assert s.serving is not None
    costs = [so_far[key] for key in (f"serving.stages.{st.name}.monthly_cost" for st in s.serving.stages)
             if key in so_far]
    if not costs:
        return {}
    return _one(sums.total("serving.stage_monthly_cost", "Monthly cost of stages on their own hardware",
                              costs, unit="USD", per="month"))


def _under_load(s: Scenario, periods: Periods, so_far: dict[str, Step], refuse: bool) -> dict[str, Step]:
    """Latency under load of each stage with a device, when the scenario asks (``serving.size_by``).

    The stage's roofline model time is its service time; its fleet is its model's (or its own), a
    fixed ``replicas``, or with ``size_by: p99`` the smallest fleet whose percentile response time
    leaves the stage an equal share of the zero-load slack. Stage percentiles are summed: an upper
    bound on the end-to-end percentile.
    """
    if s.serving is None or s.serving.size_by is None:
        return {}
    catalog, models = s.accelerators(), {m.name: m for m in s.models}
    peak = so_far["traffic.peak_qps"].value
    quantile, name = s.serving.quantile, s.serving.percentile
    queued = [st for st in s.serving.stages if f"serving.stages.{st.name}.model_time" in so_far]
    share = so_far["serving.latency_slack"].value / max(len(queued), 1)
    steps: dict[str, Step] = {}
    for stage in queued:
        prefix = f"serving.stages.{stage.name}"
        owner = f"models.{stage.model}" if stage.model else prefix
        service = so_far[f"{prefix}.model_time"].value
        devices = so_far[f"{owner}.accelerators"].value
        if stage.replicas is not None or s.serving.size_by == "p99":
            if stage.replicas is not None:
                fleet = step(f"{owner}.accelerators", "Accelerators (fixed fleet)", "replicas", stage.replicas,
                             replicas=stage.replicas)
            else:
                offered = (peak * service / Q_(1.0, "request")).to("")
                wanted = queueing.servers_for_quantile(quantile, offered.magnitude, service.to("s").magnitude,
                                                       (service + share).to("s").magnitude)
                fleet = step(f"{owner}.accelerators", f"Accelerators for the {name} target",
                             f"smallest fleet whose {name} response time ≤ service_time + slack_share", Q_(wanted, "GPU"),
                             service_time=service, slack_share=share, offered_load=offered)
            device = catalog[models[stage.model].accelerator if stage.model else stage.accelerator]  # type: ignore[index]
            devices = fleet.value
            steps |= _one(fleet) | _one(inference.monthly_cost(owner, devices, device.price, periods.month))
        steps |= queueing.load_steps(prefix, service_time=service, arrival_rate=peak, devices=devices,
                                     zero_load_latency=so_far[f"{prefix}.latency"].value, percentile=quantile)
    merged = so_far | steps
    if s.models:
        steps |= _model_totals(s, merged)
    steps |= _stage_totals(s, merged)
    tails = [(merged.get(f"serving.stages.{st.name}.{name}_latency") or merged[f"serving.stages.{st.name}.latency"]).value
             for st in s.serving.stages]
    total = sum(tails[1:], tails[0]).to("ms")
    steps |= _one(step(f"serving.{name}_latency_total", f"{name} latency under load, stages summed",
                       f"Σ stage {name} latency (an upper bound on the end-to-end {name})", total))
    steps |= _one(step(f"serving.{name}_slack", f"{name} slack under load", f"latency_budget − serving.{name}_latency_total",
                       (s.serving.latency_budget - total).to("ms"), latency_budget=s.serving.latency_budget,
                       **{f"serving.{name}_latency_total": total}))
    if refuse:
        _refuse_overload(s, queued, merged | steps, name)
    return steps


def _refuse_overload(s: Scenario, queued: list, steps: dict[str, Step], name: str) -> None:  # type: ignore[type-arg]
    """A fleet that cannot keep up has no finite latency: one located problem per such stage."""
    from estimator.errors import Problem

    problems = []
    for stage in queued:
        prefix = f"serving.stages.{stage.name}"
        tail = steps[f"{prefix}.{name}_latency"].value.magnitude
        owner = f"models.{stage.model}" if stage.model else prefix
        if np.all(np.isfinite(tail)) and np.all(np.isfinite(steps[f"{owner}.accelerators"].value.magnitude)):
            continue
        rho = np.max(steps[f"{prefix}.utilisation"].value.magnitude)
        sized = s.serving.size_by == "p99" and stage.replicas is None  # type: ignore[union-attr]
        what = (f"stage {stage.name!r}: no fleet meets its {name} share of the budget (the budget is spent "
                "before queueing)" if sized else f"stage {stage.name!r} cannot keep up: utilisation {rho:.3g} on its fleet")
        path = ("serving", "size_by")
        detail: dict[str, Any] = dict(given=f"size_by: {s.serving.size_by}", expected="utilisation below 1: more replicas, a faster "  # type: ignore[union-attr]
                      "accelerator, a larger batch, or size_by: p99")
        problems.append(s.source.problem(path, what, **detail) if s.source is not None else
                        Problem("<scenario>", None, None, "serving.size_by", what, **detail))
    if problems:
        raise ScenarioError(problems)


def _training(s: Scenario, periods: Periods) -> dict[str, Step]:
    """The training run (results under ``training``) and each of several named jobs (``trainings.<name>``)."""
    steps = _training_job(s, periods, s.training) if s.training is not None else {}
    for job in s.trainings:
        steps |= renamed(_training_job(s, periods, job), "training", f"trainings.{job.name}")
    return steps


def renamed(steps: dict[str, Step], old: str, new: str) -> dict[str, Step]:
    """The same steps with the key prefix ``old`` (in keys, formulas and input names) replaced by ``new``.

    >>> renamed({"training.x": step("training.x", "X", "2 × training.y", 2.0, **{"training.y": 1.0})},
    ...         "training", "trainings.a")["trainings.a.x"].formula
    '2 × trainings.a.y'
    """
    pattern = re.compile(rf"(?<![\w.]){re.escape(old)}\.")

    def swap(text: str) -> str:
        return pattern.sub(f"{new}.", text)

    return {swap(key): dataclasses.replace(result, key=swap(result.key), formula=swap(result.formula),
                                            inputs={swap(name): value for name, value in result.inputs.items()})
            for key, result in steps.items()}


def _training_job(s: Scenario, periods: Periods, t: Training) -> dict[str, Step]:
    steps: dict[str, Step] = {}
    if t.parameters is not None and t.tokens is not None:
        flops = training.flops_from_tokens(t.parameters, t.tokens)
    else:
        examples = training.examples_per_run(t.examples_per_day, t.window, t.epochs)  # type: ignore[arg-type]
        flops = training.flops_from_examples(examples.value, t.flops_per_example)  # type: ignore[arg-type]
        steps |= _one(examples)
        if t.example_size is not None:
            steps |= _one(training.data_size(t.examples_per_day, t.window, t.example_size))  # type: ignore[arg-type]
    steps |= _one(flops) | _one(training.petaflop_s_days(flops.value))
    runs = training.runs_per_month(periods.month, t.retrain_every if t.retrain_every is not None else periods.month)
    device = s.accelerators()[t.accelerator]
    peak = device.peak[t.precision]
    if t.measured_throughput is None and t.accelerator_hours is None:
        return steps | _one(runs) | training.run_steps(flops=flops.value, peak=peak, mfu=t.mfu,
                                                       cluster=t.cluster_accelerators, price=device.price,
                                                       runs_per_month=runs.value.magnitude)
    if t.accelerator_hours is not None:
        hours = training.hours_given(t.accelerator_hours)
    elif t.measured_throughput is None:  # returned above when both are None
        raise AssertionError("measured_throughput or accelerator_hours")
    elif t.tokens is not None:
        hours = training.hours_from_throughput(t.tokens, t.measured_throughput, "tokens")
    else:
        hours = training.hours_from_throughput(steps["training.examples_per_run"].value, t.measured_throughput,
                                               "examples")
    return (steps | _one(runs) | _one(hours) | _one(training.implied_mfu(flops.value, hours.value, peak))
            | training.run_costs(hours.value, cluster=t.cluster_accelerators, price=device.price,
                                 runs_per_month=runs.value.magnitude))


def _imbalance(s: Scenario) -> dict[str, Step]:
    i = s.imbalance
    if i is None:
        return {}
    from estimator.calc import imbalance

    examples = step("imbalance.examples", "Examples in the window", "examples_per_day × window",
                    (i.examples_per_day * i.window).to("example"), examples_per_day=i.examples_per_day, window=i.window)
    return _one(examples) | imbalance.imbalance_steps(positive_rate=i.positive_rate, keep_rate=i.negative_keep_rate,
                                                      examples=examples.value, example_size=i.example_size,
                                                      prediction=i.prediction)


def _daily_users(so_far: dict[str, Step], s: Scenario) -> pint.Quantity | None:
    if "traffic.daily_active_users" in so_far:
        return so_far["traffic.daily_active_users"].value
    return s.traffic.daily_active_users


def _experiments(s: Scenario, so_far: dict[str, Step]) -> dict[str, Step]:
    e = s.experiments
    if e is None:
        return {}
    steps: dict[str, Step] = {}
    users = _daily_users(so_far, s)
    if e.canary is not None:
        steps |= experiment.canary_steps(peak_qps=so_far["traffic.peak_qps"].value,
                                         average_qps=so_far["traffic.average_qps"].value, fraction=e.canary.fraction,
                                         daily_users=users)
    named = [("experiments.ab_test", e.ab_test)] if e.ab_test is not None else []
    named += [(f"experiments.ab_tests.{t.name}", t) for t in e.ab_tests]
    for prefix, a in named:
        baseline = a.baseline_rate if a.baseline_rate is not None else a.baseline_mean
        assert baseline is not None, "an A/B test has a baseline rate or mean (sections check one is given)"
        steps |= experiment.ab_steps(baseline=baseline,
                                     mde=a.mde, relative=a.mde_kind == "relative", alpha=a.alpha, power=a.power,
                                     arms=int(a.arms), daily_users=users, allocation=a.allocation,
                                     direction=a.direction, sides=a.sides, convention=a.variance,
                                     correction=a.correction, sd=a.sd, prefix=prefix)
    return steps


def _llm(s: Scenario, periods: Periods, so_far: dict[str, Step]) -> dict[str, Step]:
    m = s.llm
    if m is None:
        return {}
    from estimator.calc import llm

    device = s.accelerators()[m.accelerator]
    target = (m.requests if m.requests is not None
              else m.tokens * Q_(1.0, "request") / m.output_tokens if m.tokens is not None
              else so_far["traffic.peak_qps"].value)
    spec = m.speculative
    architecture = llm.Architecture(
        parameters=m.parameters, weight_bytes=DTYPE_BYTES[m.dtype], layers=m.layers, kv_heads=m.kv_heads,
        head_dim=m.head_dim, kv_bytes=DTYPE_BYTES[m.kv_dtype], heads=m.heads, kv_lora_rank=m.kv_lora_rank,
        qk_rope_head_dim=m.qk_rope_head_dim, sliding_window=m.sliding_window, local_layers=m.local_layers,
        active_parameters=m.active_parameters, experts=m.experts, experts_per_token=m.experts_per_token,
        expert_parameters=m.expert_parameters,
        expert_bytes=None if m.expert_dtype is None else DTYPE_BYTES[m.expert_dtype])
    serving = llm.Serving(
        prompt_tokens=m.prompt_tokens, output_tokens=m.output_tokens, batch_size=m.batch_size,
        device_memory=device.memory, bandwidth=device.memory_bandwidth, peak=device.peak[m.compute_precision(device.peak)],
        utilisation=m.utilisation, bandwidth_utilisation=m.bandwidth_utilisation, target=target.to("request/s"),
        price=device.price, month=periods.month, prefix_cache_hit_rate=m.prefix_cache_hit_rate, scheduling=m.scheduling,
        acceptance_rate=None if spec is None else spec.acceptance_rate,
        draft_tokens=None if spec is None else spec.draft_tokens, draft_cost=0.0 if spec is None else spec.draft_cost,
        ttft_target=m.ttft_target, tpot_target=m.tpot_target, tensor_parallel=m.tensor_parallel,
        model_error=m.model_error, served=served_on_average(target, so_far).to("request/s"),
        error_band=LLM_ERROR_BAND)
    return llm.llm_steps(architecture, serving)


def served_on_average(target: pint.Quantity, so_far: dict[str, Step]) -> pint.Quantity:
    """The load a fleet sized for ``target`` (a peak) serves on average: target × average_qps / peak_qps."""
    return target * (so_far["traffic.average_qps"].value / so_far["traffic.peak_qps"].value).to("")


def _labelling(s: Scenario, periods: Periods, so_far: dict[str, Step]) -> dict[str, Step]:
    lab = s.labelling
    if lab is None:
        return {}
    steps: dict[str, Step] = {}
    if lab.items_per_day is not None or lab.sampled_fraction is not None:
        items = lab.items_per_day
        if lab.sampled_fraction is not None:
            sampled = labelling.items_from_traffic(so_far["traffic.average_qps"].value, lab.sampled_fraction)
            steps, items = _one(sampled), sampled.value
        assert items is not None, "the branch's condition: items_per_day, or sampled_fraction that gives them"
        steps |= labelling.human_steps(items_per_second=items, seconds_per_item=lab.time_per_item,
                                       labels_per_item=lab.labels_per_item, hours_per_labeller=lab.hours_per_labeller,
                                       price=_price(s, periods, "labelling", lab.price), day=periods.day,
                                       month=periods.month)
    if lab.natural is not None:
        steps |= labelling.pending_storage(lab.natural.examples_per_day, lab.natural.delay, lab.natural.example_size)
    return steps


def _availability(s: Scenario, periods: Periods) -> dict[str, Step]:
    """The system (results under ``availability``) and each of several named ones (``availabilities.<name>``)."""
    named = [("availability", s.availability)] if s.availability is not None else []
    named += [(f"availabilities.{a.name}", a) for a in s.availabilities]
    steps: dict[str, Step] = {}
    for prefix, a in named:
        if a.target is not None:
            system = step(f"{prefix}.system", "Availability target", "target", a.target, target=a.target)
        else:
            parts = [availability.parallel(f"{prefix}.components.{c.name}", c.availability, c.replicas)
                     for c in a.components]
            steps |= {p.key: p for p in parts}
            system = availability.series(f"{prefix}.system", [p.value for p in parts], [p.key for p in parts])
        steps |= _one(system) | _one(availability.nines(system.value, prefix))
        for period in ("day", "week", "month", "year"):
            steps |= _one(availability.downtime(prefix, system.value, period, periods.seconds(period)))
    return steps


def _costs(s: Scenario, periods: Periods, so_far: dict[str, Step]) -> dict[str, Step]:
    egress = storage.transfer_cost("cost.egress_monthly", "Monthly egress cost", so_far["traffic.egress_per_month"].value,
                                   _price(s, periods, "network", s.traffic.egress_tier))
    parts = [so_far[key] for key in ("serving.monthly_cost", "storage.monthly_cost", "features.online.monthly_cost",
                                     "features.offline.monthly_cost", "serving.stage_monthly_cost",
                                     "training.monthly_cost", "llm.monthly_cost", "labelling.monthly_cost")
             if key in so_far]
    parts += [so_far[key] for key in so_far if key.startswith("trainings.") and key.endswith(".monthly_cost")]
    total = sums.total("cost.monthly_total", "Total monthly cost", [*parts, egress], unit="USD", per="month")
    every = inference.cost_per_thousand("cost.per_1000_requests", total.value, so_far["traffic.requests_per_month"].value,
                                        "Cost per 1,000 requests, all in (everything in the total monthly cost)")
    return _one(egress) | _one(total) | _one(every)


def _energy(s: Scenario, periods: Periods, so_far: dict[str, Step]) -> dict[str, Step]:
    """kWh per training run and per month of serving from the devices' power; t CO2e given the grid's intensity."""
    if s.energy is None:
        return {}
    from estimator.calc import energy

    devices, pue, intensity = s.accelerators(), s.energy.pue, s.energy.carbon_intensity
    steps: dict[str, Step] = {}
    jobs = [("training", s.training)] if s.training is not None else []
    jobs += [(f"trainings.{job.name}", job) for job in s.trainings]
    for prefix, job in jobs:
        power = devices[job.accelerator].power
        if power is None:
            continue
        run = energy.energy(f"{prefix}.energy_per_run", "Energy per training run",
                            so_far[f"{prefix}.accelerator_hours"].value, power, pue)
        steps |= _one(run)
        if intensity is not None:
            steps |= _one(energy.emissions(f"{prefix}.co2e_per_run", "CO2e per training run", run.value, intensity))
    fleets = [(f"models.{m.name}", m.accelerator) for m in s.models]
    fleets += [(f"serving.stages.{st.name}", st.accelerator) for st in (s.serving.stages if s.serving else [])
               if st.accelerator and st.model is None]
    fleets += [("llm", s.llm.accelerator)] if s.llm is not None else []
    parts = []
    for prefix, name in fleets:
        power = devices[name].power
        if power is None or f"{prefix}.accelerators" not in so_far:
            continue
        month = energy.energy(f"{prefix}.energy_per_month", "Energy per month",
                              so_far[f"{prefix}.accelerators"].value * periods.month, power, pue,
                              per="month")
        steps |= _one(month)
        parts.append(month)
    if parts:
        total = sums.total("serving.energy_per_month", "Serving energy per month", parts, unit="kWh", per="month")
        steps |= _one(total)
        if intensity is not None:
            steps |= _one(energy.emissions("serving.co2e_per_month", "Serving CO2e per month", total.value, intensity,
                                           per="month"))
    return steps
