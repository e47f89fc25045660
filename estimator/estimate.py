"""estimate(scenario) → Estimate: composition of the calc blocks, nothing more.

Every quantity is first converted with the scenario's conventions (calendar words → its
seconds), then each block adds its Steps. Results are keyed by stable dotted names.
"""

from __future__ import annotations

import graphlib
from dataclasses import dataclass
from typing import Iterator

import pint

from estimator.calc import feature_store, inference, storage, traffic
from estimator.catalog import DTYPE_BYTES, bundled_prices
from estimator.conventions import Periods, normalise_time, periods_of
from estimator.errors import ScenarioError
from estimator.expressions import ExpressionProblem, evaluate, names_in
from estimator.ranges import at_medians
from estimator.scenario import Conventions, Dataset, Scenario
from estimator.trace import Step, step
from estimator.units import Q_, parse_quantity
from estimator.walk import iter_quantities, map_quantities


@dataclass(frozen=True)
class Estimate:
    """Named results with their derivations, and the conventions they were computed under."""

    scenario: str
    conventions: Conventions
    periods: Periods
    steps: dict[str, Step]

    def __getitem__(self, key: str) -> pint.Quantity:
        return self.steps[key].value

    def __contains__(self, key: object) -> bool:
        return key in self.steps

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps.values())


def estimate(scenario: Scenario) -> Estimate:
    """The point estimate; a range counts as its median (estimator.uncertainty samples them).

    Inputs may also be pint quantities wrapping numpy arrays: every result is then an array.
    """
    scenario = at_medians(scenario)
    periods = periods_of(scenario.conventions)
    normalised = map_quantities(scenario, lambda _path, q: normalise_time(q, periods))
    steps: dict[str, Step] = {}
    steps |= _traffic(normalised, periods)
    steps |= _storage(normalised, periods, steps)
    steps |= _features(normalised, periods, steps)
    steps |= _inference(normalised, periods, steps)
    steps |= _costs(periods, steps)
    steps |= _derived(normalised, steps)
    return Estimate(scenario.name, scenario.conventions, periods, steps)


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


def _price(periods: Periods, group: str, name: str) -> pint.Quantity:
    return normalise_time(bundled_prices()[group][name].price, periods)


def _storage(s: Scenario, periods: Periods, so_far: dict[str, Step]) -> dict[str, Step]:
    if not s.data:
        return {}
    steps: dict[str, Step] = {}
    average = so_far["traffic.average_qps"].value
    for dataset in s.data:
        prefix = f"storage.{dataset.name}"
        steps |= _dataset(prefix, dataset, periods, average)
        steps |= _one(storage.storage_cost(f"{prefix}.monthly_cost", "Monthly storage cost",
                                           steps[f"{prefix}.footprint"].value,
                                           _price(periods, "storage", dataset.tier), periods.month))
    names = [f"storage.{d.name}" for d in s.data]
    day_total = storage.total("storage.growth_per_day", "Storage growth per day",
                              [steps[f"{n}.stored_per_day"] for n in names], per="day")
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
    steps |= _one(storage.total("storage.total_footprint", "Total storage footprint",
                                [steps[f"{n}.footprint"] for n in names]))
    steps |= _one(storage.total("storage.monthly_cost", "Monthly storage cost",
                                [steps[f"{n}.monthly_cost"] for n in names], per="month"))
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
        raw = storage.total("features.online.raw_size", "Online features, raw", raws)
        size = feature_store.online_size(raw.value, online.overhead, online.replication)
        steps |= _one(raw) | _one(size)
        steps |= _one(feature_store.lookups_per_second(peak, lookups))
        steps |= _one(feature_store.read_bandwidth(peak, per_request))
        steps |= _one(storage.storage_cost("features.online.monthly_cost", "Online feature store monthly cost",
                                           size.value, _price(periods, "storage", "memory"), periods.month))
    if s.features.offline is not None:
        offline = s.features.offline
        steps |= _dataset("features.offline", offline, periods, so_far["traffic.average_qps"].value)
        steps |= _one(storage.storage_cost("features.offline.monthly_cost", "Offline feature store monthly cost",
                                           steps["features.offline.footprint"].value,
                                           _price(periods, "storage", offline.tier), periods.month))
    return steps


def _inference(s: Scenario, periods: Periods, so_far: dict[str, Step]) -> dict[str, Step]:
    if not s.models:
        return {}
    catalog = s.accelerators()
    peak = so_far["traffic.peak_qps"].value
    steps: dict[str, Step] = {}
    for model in s.models:
        prefix = f"models.{model.name}"
        device = catalog[model.accelerator]
        flops = (inference.flops_from_parameters(prefix, model.parameters) if model.parameters is not None
                 else inference.flops_given(prefix, model.flops_per_inference))  # type: ignore[arg-type]
        rate = inference.inferences_per_second(prefix, peak, model.inferences_per_request)
        need = inference.required_flops(prefix, rate.value, flops.value)
        devices = inference.accelerators_needed(prefix, need.value, device.peak[model.precision],
                                                model.utilisation, model.headroom)
        cost = inference.monthly_cost(prefix, devices.value, device.price, periods.month)
        steps |= {x.key: x for x in (flops, rate, need, devices, cost)}
    models = [f"models.{m.name}" for m in s.models]
    steps |= _one(storage.total("serving.accelerators", "Accelerators for serving",
                                [steps[f"{m}.accelerators"] for m in models]))
    cost_total = storage.total("serving.monthly_cost", "Monthly serving cost",
                               [steps[f"{m}.monthly_cost"] for m in models], per="month")
    steps |= _one(cost_total)
    steps |= _one(inference.cost_per_thousand("serving.cost_per_1000_requests", cost_total.value,
                                              so_far["traffic.requests_per_month"].value))
    return steps


def _costs(periods: Periods, so_far: dict[str, Step]) -> dict[str, Step]:
    egress = storage.transfer_cost("cost.egress_monthly", "Monthly egress cost", so_far["traffic.egress_per_month"].value,
                                   _price(periods, "network", "egress"))
    parts = [so_far[key] for key in ("serving.monthly_cost", "storage.monthly_cost", "features.online.monthly_cost",
                                     "features.offline.monthly_cost") if key in so_far]
    return _one(egress) | _one(storage.total("cost.monthly_total", "Total monthly cost", [*parts, egress], per="month"))


def _derived(s: Scenario, so_far: dict[str, Step]) -> dict[str, Step]:
    """User-defined results, evaluated in dependency order."""
    if not s.derived:
        return {}
    values = {key: result.value for key, result in so_far.items()} | dict(iter_quantities(s))
    by_name = {d.name: (index, d) for index, d in enumerate(s.derived)}
    order = graphlib.TopologicalSorter()
    for name, (index, derived) in by_name.items():
        uses = _located(s, index, "expr", lambda d=derived: names_in(d.expr))
        order.add(name, *[u for u in uses if u in by_name])
    try:
        names = list(order.static_order())
    except graphlib.CycleError as error:
        cycle = " → ".join(error.args[1])
        index = by_name[error.args[1][0]][0]
        raise ScenarioError([_problem(s, index, "expr", f"derived quantities refer to each other: {cycle}")]) from None
    steps: dict[str, Step] = {}
    for name in names:
        index, derived = by_name[name]
        value = _located(s, index, "expr", lambda d=derived: evaluate(d.expr, values))
        if derived.unit:
            value = _located(s, index, "unit", lambda d=derived, v=value: v.to(parse_quantity(f"1 {d.unit}").units))
        values[name] = values[f"derived.{name}"] = value
        inputs = {n: values[n] for n in names_in(derived.expr) if n in values}
        steps[f"derived.{name}"] = step(f"derived.{name}", derived.label or name.replace("_", " ").capitalize(),
                                        derived.expr, value, **inputs)
    return steps


def _located(s: Scenario, index: int, field: str, compute):  # type: ignore[no-untyped-def]
    """Run ``compute``; a problem it meets is reported at derived[index].field."""
    try:
        return compute()
    except ExpressionProblem as problem:
        raise ScenarioError([_problem(s, index, field, str(problem))]) from None
    except pint.DimensionalityError as error:
        raise ScenarioError([_problem(s, index, field, "wrong dimension", given=str(error.dim1),
                                      expected=str(error.dim2))]) from None
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError):
        raise ScenarioError([_problem(s, index, field, "not a unit pint knows", given=repr(s.derived[index].unit),
                                      expected="a unit such as 'MB/user'")]) from None


def _problem(s: Scenario, index: int, field: str, what: str, **details: str):  # type: ignore[no-untyped-def]
    from estimator.errors import Problem

    if s.source is None:
        return Problem("<scenario>", None, None, f"derived[{index}].{field}", what, **details)
    return s.source.problem(("derived", index, field), what, **details)
