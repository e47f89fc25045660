"""The Monte Carlo benchmark's references: benchmarks/mc_scenario.yaml's chain, by hand.

Traffic → storage → serving and egress cost, written twice without Envelope's machinery:

* ``numpy_model``: the same formulas on plain float arrays in SI units (seconds, bytes, USD),
  no pint, no Steps: what the arithmetic itself costs, the floor.
* ``squigglepy_model``: the same model as squigglepy distributions, each result sampled the
  way a squigglepy user would (``sq.sample(result, n)``).

Numbers (ranges, sizes, catalog prices) come from the loaded scenario and the catalog, never
typed again here, so a change to the scenario changes all three models alike. Each model
returns {result key: samples}; the keys are Envelope's, so medians can be compared one by one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SCENARIO = Path(__file__).with_name("mc_scenario.yaml")
Z90 = 1.6448536269514722  # the standard normal's 95th percentile (a 90 % interval is ±Z90 σ)


@dataclass(frozen=True)
class Params:
    """Plain numbers in SI units; (low, high) pairs for ranged inputs."""

    dau: tuple[float, float]  # user
    requests_per_user: tuple[float, float]  # request/user/s
    request_size: float  # B
    response_size: tuple[float, float]  # B
    records_per_request: tuple[float, float]  # event/request
    record_size: tuple[float, float]  # B
    retention: float  # s
    replication: float
    compression: float
    flops: tuple[float, float]  # FLOP/inference
    inferences_per_request: float
    device_peak: float  # FLOP/s
    utilisation: tuple[float, float]  # uniform
    headroom: float
    device_price: float  # USD/s
    storage_price: float  # USD/B/s
    egress_price: float  # USD/B
    peak_factor: float
    day: float
    month: float
    year: float


def params(scenario: Any = None) -> Params:
    """The reference models' inputs, read from the benchmark scenario and Envelope's catalog."""
    from estimator.scenario.catalog import bundled_prices
    from estimator.conventions import normalise_time, periods_of
    from estimator.scenario import load_scenario

    s = scenario if scenario is not None else load_scenario(SCENARIO)
    p = periods_of(s.conventions)

    def pair(r: Any, unit: str) -> tuple[float, float]:
        return (float(normalise_time(r.low, p).to(unit).magnitude), float(normalise_time(r.high, p).to(unit).magnitude))

    def one(q: Any, unit: str) -> float:
        return float(normalise_time(q, p).to(unit).magnitude)

    t, d, m = s.traffic, s.data[0], s.models[0]
    device = s.accelerators()[m.accelerator]
    prices = bundled_prices()
    return Params(
        dau=pair(t.daily_active_users, "user"), requests_per_user=pair(t.requests_per_user_per_day, "request/user/s"),
        request_size=one(t.request_size, "B"), response_size=pair(t.response_size, "B"),
        records_per_request=pair(d.records_per_request, "event/request"), record_size=pair(d.record_size, "B"),
        retention=one(d.retention, "s"), replication=float(d.replication), compression=float(d.compression_ratio),
        flops=pair(m.flops_per_inference, "FLOP/inference"),
        inferences_per_request=one(m.inferences_per_request, "inference/request"),
        device_peak=one(device.peak[m.precision], "FLOP/s"), utilisation=(m.utilisation.low, m.utilisation.high),
        headroom=float(m.headroom), device_price=one(device.price, "USD/s"),
        storage_price=one(prices["storage"][d.tier].price, "USD/B/s"),
        egress_price=one(prices["network"]["egress"].price, "USD/B"), peak_factor=float(s.conventions.peak_factor),
        day=float(p.day.magnitude), month=float(p.month.magnitude), year=float(p.year.magnitude))


def lognormal_parameters(low: float, high: float) -> tuple[float, float]:
    """(μ, σ) of the log-normal whose 5th and 95th percentiles are ``low`` and ``high``.

    >>> mu, sigma = lognormal_parameters(100.0, 400.0)
    >>> round(math.exp(mu), 6), round(math.exp(mu + Z90 * sigma), 6)
    (200.0, 400.0)
    """
    return math.log(math.sqrt(low * high)), math.log(high / low) / (2 * Z90)


def numpy_model(p: Params, n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """The chain in plain numpy: one draw per ranged input, then array arithmetic."""
    rng = np.random.default_rng(seed)

    def ln(pair: tuple[float, float]) -> np.ndarray:
        return rng.lognormal(*lognormal_parameters(*pair), n)

    dau, per_user, response, per_request, size, flops = (
        ln(p.dau), ln(p.requests_per_user), ln(p.response_size), ln(p.records_per_request), ln(p.record_size),
        ln(p.flops))
    utilisation = rng.uniform(*p.utilisation, n)
    r: dict[str, np.ndarray] = {}
    avg = r["traffic.average_qps"] = dau * per_user
    peak = r["traffic.peak_qps"] = avg * p.peak_factor
    r["traffic.requests_per_day"] = avg * p.day
    r["traffic.requests_per_month"] = avg * p.month
    r["traffic.write_qps"] = avg * 0.0
    r["traffic.read_qps"] = avg * 1.0
    r["traffic.ingress_bandwidth"] = peak * p.request_size
    r["traffic.egress_bandwidth"] = peak * response
    egress = r["traffic.egress_per_month"] = avg * response * p.month
    records = r["storage.events.records_per_second"] = avg * per_request
    r["storage.events.raw_per_day"] = records * size * p.day
    stored = records * size * p.replication / p.compression
    r["storage.events.stored_per_day"] = stored * p.day
    r["storage.events.stored_per_month"] = stored * p.month
    footprint = r["storage.events.footprint"] = stored * p.retention
    storage_cost = r["storage.events.monthly_cost"] = footprint * p.storage_price * p.month
    r["storage.growth_per_day"] = stored * p.day
    r["storage.growth_per_month"] = stored * p.day * p.month / p.day
    r["storage.growth_per_year"] = stored * p.day * p.year / p.day
    r["storage.total_footprint"] = footprint
    r["storage.monthly_cost"] = storage_cost
    for period, seconds in (("month", p.month), ("year", p.year)):  # the first period, while the data fills up
        held = min(seconds, p.retention)
        r[f"storage.events.first_{period}_cost"] = stored * (held * seconds - held ** 2 / 2) * p.storage_price
        r[f"storage.first_{period}_cost"] = r[f"storage.events.first_{period}_cost"]
    r["models.ranker.flops_per_inference"] = flops
    inferences = r["models.ranker.inferences_per_second"] = peak * p.inferences_per_request
    required = r["models.ranker.required_flops"] = inferences * flops
    devices = r["models.ranker.accelerators"] = np.ceil(required * p.headroom / (p.device_peak * utilisation))
    serving = r["models.ranker.monthly_cost"] = devices * p.device_price * p.month
    r["serving.accelerators"] = devices
    r["serving.monthly_cost"] = serving
    r["serving.cost_per_1000_requests"] = serving / r["traffic.requests_per_month"] * 1000
    egress_cost = r["cost.egress_monthly"] = egress * p.egress_price
    r["cost.monthly_total"] = serving + storage_cost + egress_cost
    r["cost.per_1000_requests"] = r["cost.monthly_total"] / r["traffic.requests_per_month"] * 1000
    return r


def squigglepy_model(p: Params, n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """The chain as squigglepy distributions; every result sampled with ``sq.sample``."""
    import squigglepy as sq

    sq.set_seed(seed)
    dau, per_user = sq.to(*p.dau), sq.to(*p.requests_per_user)
    response, per_request, size = sq.to(*p.response_size), sq.to(*p.records_per_request), sq.to(*p.record_size)
    flops, utilisation = sq.to(*p.flops), sq.uniform(*p.utilisation)
    d: dict[str, Any] = {}
    avg = d["traffic.average_qps"] = dau * per_user
    peak = d["traffic.peak_qps"] = avg * p.peak_factor
    d["traffic.requests_per_day"] = avg * p.day
    d["traffic.requests_per_month"] = avg * p.month
    d["traffic.write_qps"] = avg * 0.0
    d["traffic.read_qps"] = avg * 1.0
    d["traffic.ingress_bandwidth"] = peak * p.request_size
    d["traffic.egress_bandwidth"] = peak * response
    egress = d["traffic.egress_per_month"] = avg * response * p.month
    records = d["storage.events.records_per_second"] = avg * per_request
    d["storage.events.raw_per_day"] = records * size * p.day
    stored = records * size * (p.replication / p.compression)
    d["storage.events.stored_per_day"] = stored * p.day
    d["storage.events.stored_per_month"] = stored * p.month
    footprint = d["storage.events.footprint"] = stored * p.retention
    storage_cost = d["storage.events.monthly_cost"] = footprint * (p.storage_price * p.month)
    d["storage.growth_per_day"] = stored * p.day
    d["storage.growth_per_month"] = stored * p.month
    d["storage.growth_per_year"] = stored * p.year
    d["storage.total_footprint"] = footprint
    d["storage.monthly_cost"] = storage_cost
    for period, seconds in (("month", p.month), ("year", p.year)):  # the first period, while the data fills up
        held = min(seconds, p.retention)
        d[f"storage.events.first_{period}_cost"] = stored * (held * seconds - held ** 2 / 2) * p.storage_price
        d[f"storage.first_{period}_cost"] = d[f"storage.events.first_{period}_cost"]
    d["models.ranker.flops_per_inference"] = flops
    inferences = d["models.ranker.inferences_per_second"] = peak * p.inferences_per_request
    required = d["models.ranker.required_flops"] = inferences * flops
    devices = d["models.ranker.accelerators"] = sq.dist_ceil(required * p.headroom / (utilisation * p.device_peak))
    serving = d["models.ranker.monthly_cost"] = devices * (p.device_price * p.month)
    d["serving.accelerators"] = devices
    d["serving.monthly_cost"] = serving
    d["serving.cost_per_1000_requests"] = serving / d["traffic.requests_per_month"] * 1000
    egress_cost = d["cost.egress_monthly"] = egress * p.egress_price
    d["cost.monthly_total"] = serving + storage_cost + egress_cost
    # squigglepy samples a ratio of two sums that share inputs as if they were independent, so the
    # shared traffic is cancelled by hand: storage and egress per request do not depend on it.
    stored_per_request = per_request * size * (p.replication / p.compression)
    d["cost.per_1000_requests"] = (d["serving.cost_per_1000_requests"]
                                   + stored_per_request * (p.retention * p.storage_price * 1000)
                                   + response * (p.egress_price * 1000))
    return {key: np.asarray(sq.sample(dist, n=n)) for key, dist in d.items()}


def percentiles(draws: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """p5, p50, p95 of each result (linear interpolation), as every model ends with.

    One sort of the stacked rows: numpy's fastest way for several percentiles of long rows,
    so the floor is not flattered by a slow summary.

    >>> percentiles({"a": np.arange(101.0)})["a"].tolist()
    [5.0, 50.0, 95.0]
    """
    keys = list(draws)
    ordered = np.sort(np.vstack([np.broadcast_to(draws[k], (len(draws[keys[0]]),)) for k in keys]), axis=1)
    position = np.array([5.0, 50.0, 95.0]) / 100 * (ordered.shape[1] - 1)
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, ordered.shape[1] - 1)
    share = position - below
    table = ordered[:, below] * (1 - share) + ordered[:, above] * share
    return dict(zip(keys, table, strict=True))


def disagreements(a: dict[str, np.ndarray], b: dict[str, np.ndarray], n: int, sigmas: float = 5.0) -> list[str]:
    """Results whose medians differ by more than sampling error allows ([] when all agree).

    ``a`` and ``b`` map keys to (p5, p50, p95). The standard error of a sample median is about
    1.2533 σ/√n; σ of the log is read off the 90 % interval. Whole-number results (devices)
    may differ by one where the median sits on a step.

    >>> disagreements({"x": np.array([1.0, 2.0, 4.0])}, {"x": np.array([1.0, 2.01, 4.0])}, 10_000)
    []
    >>> disagreements({"x": np.array([1.0, 2.0, 4.0])}, {"x": np.array([1.0, 2.5, 4.0])}, 10_000)
    ['x: median 2 vs 2.5']
    """
    found = []
    for key in a:
        (lo, mid, hi), other = a[key], b[key][1]
        if mid == other:
            continue
        if float(mid).is_integer() and float(other).is_integer():
            ok = abs(mid - other) <= 1
        elif mid > 0 and other > 0 and lo > 0:
            sigma = math.log(hi / lo) / (2 * Z90)
            ok = abs(math.log(mid / other)) <= sigmas * math.sqrt(2) * 1.2533 * sigma / math.sqrt(n)
        else:
            ok = False
        if not ok:
            found.append(f"{key}: median {mid:.4g} vs {other:.4g}")
    return found
