"""Latency under load: a fleet of ``c`` devices serving Poisson arrivals (M/M/c and M/D/c).

A stage's roofline time is its service time ``S`` at zero load. With arrivals at ``λ``
requests/s spread over ``c`` identical devices, the offered load is ``a = λ S`` (in Erlangs)
and the utilisation ``ρ = a / c``. Requests that find every device busy wait in one queue.

* **M/M/c** (exponential service): the probability of waiting is Erlang C, computed from the
  Erlang B recursion ``B(0) = 1, B(k) = a B(k−1) / (k + a B(k−1))``, which stays between 0 and 1
  for any ``c`` (no factorials, no overflow: thousands of devices are fine), and
  ``C = B / (1 − ρ (1 − B))``. A request that waits, waits ``Exp(cμ − λ)``; the response time is
  that wait plus an ``Exp(μ)`` service, so ``P(T > t) = (1 − C) e^{−μt} + C (μ e^{−θt} − θ e^{−μt}) / (μ − θ)``
  with ``θ = cμ − λ`` (Kleinrock, *Queueing Systems* vol. 1, 1975, §3.5; Gross & Harris,
  *Fundamentals of Queueing Theory*, 4th ed., §2.3). M/M/1 is ``c = 1``, where ``T ~ Exp(μ − λ)``.
* **M/D/c** (deterministic service, what a roofline time is): no closed form, so the stated
  approximation is Allen–Cunneen's, which scales the M/M/c wait by ``(c_a² + c_s²) / 2`` — here
  ``(1 + 0) / 2`` for Poisson arrivals and constant service (Allen, *Probability, Statistics and
  Queueing Theory*, 2nd ed., 1990, §6.4; Kingman's heavy-traffic formula for ``c = 1``) — with the
  wait of a waiting request taken as exponential with that mean (Kingman's heavy-traffic
  limit). Response time = ``S`` + the wait, so at zero load the p99 is exactly the roofline time.

At ``ρ ≥ 1`` the queue grows without bound: every function here answers ``inf`` (a defined
"unstable" answer) and :func:`stable` says so; callers refuse such a fleet rather than show it.

M/M/1 at ``ρ = 0.5`` with a 10 ms service: ``T ~ Exp(50/s)``, p99 = ln(100) / 50 s = 92.1 ms.

>>> round(float(response_quantile(0.99, 1, 0.5, 0.010, "exponential")) * 1e3, 1)
92.1
>>> round(float(erlang_c(2, 1.0)), 4)  # two servers, one Erlang: C = 1/3
0.3333
"""

from __future__ import annotations

import numpy as np
import pint

from estimator.trace import Step, step
from estimator.units import Q_, format_quantity  # noqa: F401 - format_quantity used by doctests

__all__ = ["UTILISATION_KNEE", "SERVICE_SCV", "erlang_b", "erlang_c", "stable", "mean_wait", "response_quantile",
           "servers_for_quantile", "load_steps"]

# Past ρ = 0.8 a single queue's mean response time S / (1 − ρ) is already 5 S and climbs 25 S per unit
# of extra load (its derivative S / (1 − ρ)²): small traffic changes then move latency a lot. The
# usual capacity-planning rule keeps utilisation below 70–80 % for that reason (Harchol-Balter,
# *Performance Modeling and Design of Computer Systems*, 2013, ch. 13–14). One threshold for every stage.
UTILISATION_KNEE = 0.8

# Squared coefficient of variation of service time: 1 for exponential, 0 for a fixed (roofline) time.
SERVICE_SCV = {"exponential": 1.0, "deterministic": 0.0}

_BISECTIONS = 64  # halvings of the bracket: far below any napkin precision


def erlang_b(servers, offered):  # type: ignore[no-untyped-def]
    """Blocking probability of ``servers`` devices at ``offered`` Erlangs (array-friendly).

    Parameters
    ----------
    servers : int or array of int
        Devices ``c`` (≥ 1).
    offered : float or array
        Offered load ``a = λ S`` in Erlangs (≥ 0).

    Returns
    -------
    ndarray
        ``B(c, a)`` by the recursion ``B(k) = a B(k−1) / (k + a B(k−1))`` (Erlang, 1917), run to the
        largest ``c`` with each element frozen once its own ``c`` is reached.

    >>> round(float(erlang_b(1, 1.0)), 3), round(float(erlang_b(2, 1.0)), 3)  # 1/2 and 1/5
    (0.5, 0.2)
    """
    c, a = np.broadcast_arrays(np.asarray(servers, dtype=float), np.asarray(offered, dtype=float))
    blocking = np.ones(c.shape)
    finite = np.isfinite(c)
    for k in range(1, int(np.max(c, where=finite, initial=0)) + 1):
        step_ = a * blocking / (k + a * blocking)
        blocking = np.where(k <= c, step_, blocking)
    return np.where(finite, blocking, 0.0)  # endless devices never block


def erlang_c(servers, offered):  # type: ignore[no-untyped-def]
    """Probability an arrival waits (Erlang C) from Erlang B: ``C = B / (1 − ρ(1 − B))``; 1 when ``ρ ≥ 1``.

    Parameters
    ----------
    servers : int or array
        Devices ``c``.
    offered : float or array
        Offered load in Erlangs.

    Returns
    -------
    ndarray
        Waiting probability in [0, 1].

    >>> round(float(erlang_c(1, 0.7)), 3)  # M/M/1: C = ρ
    0.7
    """
    c = np.asarray(servers, dtype=float)
    a = np.asarray(offered, dtype=float)
    blocking = erlang_b(c, a)
    rho = a / c
    with np.errstate(divide="ignore", invalid="ignore"):
        waiting = blocking / (1.0 - rho * (1.0 - blocking))
    return np.where(rho < 1.0, waiting, 1.0)


def stable(servers, offered):  # type: ignore[no-untyped-def]
    """True where the queue settles (``ρ = a / c < 1``)."""
    return np.asarray(offered, dtype=float) < np.asarray(servers, dtype=float)


def mean_wait(servers, offered, service_time, service="deterministic"):  # type: ignore[no-untyped-def]
    """Mean time in queue ``C S / (c − a) × (1 + c_s²) / 2`` (exact for M/M/c, Allen–Cunneen otherwise).

    Parameters
    ----------
    servers, offered : array-like
        Devices and Erlangs.
    service_time : array-like
        Mean service time ``S`` (any time unit: the result is in the same unit).
    service : {"exponential", "deterministic"}
        Service-time distribution.

    Returns
    -------
    ndarray
        Mean wait, ``inf`` where unstable.

    >>> round(float(mean_wait(1, 0.5, 10.0, "exponential")), 6)  # M/M/1: ρ S / (1 − ρ)
    10.0
    >>> round(float(mean_wait(1, 0.5, 10.0, "deterministic")), 6)  # M/D/1 (Pollaczek–Khinchine): half
    5.0
    """
    c = np.asarray(servers, dtype=float)
    a = np.asarray(offered, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        wait = erlang_c(c, a) * np.asarray(service_time, dtype=float) / (c - a) * (1.0 + SERVICE_SCV[service]) / 2.0
    return np.where(a < c, wait, np.inf)


def _exponential_tail(t, waiting, mu, theta):  # type: ignore[no-untyped-def]
    """P(T > t) for M/M/c: no wait then Exp(μ), or Exp(θ) wait then Exp(μ) (hypoexponential)."""
    close = np.abs(mu - theta) <= 1e-9 * mu
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mixed = (mu * np.exp(-theta * t) - theta * np.exp(-mu * t)) / (mu - theta)
    mixed = np.where(close, (1.0 + mu * t) * np.exp(-mu * t), mixed)
    return (1.0 - waiting) * np.exp(-mu * t) + waiting * mixed


def response_quantile(q, servers, offered, service_time, service="deterministic"):  # type: ignore[no-untyped-def]
    """The ``q``-quantile of response time (wait + service) of M/M/c or (approximately) M/D/c.

    Parameters
    ----------
    q : float
        Quantile in (0, 1), e.g. 0.99.
    servers, offered : array-like
        Devices ``c`` and offered load ``a = λ S`` in Erlangs.
    service_time : array-like
        Mean service time ``S`` (the result is in its unit).
    service : {"exponential", "deterministic"}
        Exponential: the exact M/M/c distribution, solved by bisection. Deterministic: ``S`` plus
        the wait quantile ``m ln(C / (1 − q))`` when ``C > 1 − q`` (else 0), ``m`` the mean wait of a
        waiting request (module docstring).

    Returns
    -------
    ndarray
        The quantile, ``inf`` where ``ρ ≥ 1``.

    >>> round(float(response_quantile(0.99, 1, 0.0, 10.0)), 6)  # no load: the service time itself
    10.0
    """
    c = np.asarray(servers, dtype=float)
    a = np.asarray(offered, dtype=float)
    s = np.asarray(service_time, dtype=float)
    c, a, s = np.broadcast_arrays(c, a, s)
    ok = a < c
    safe_a = np.where(ok, a, 0.0)  # evaluate the formulas on a stable stand-in, then mask
    waiting = erlang_c(c, safe_a)
    mu = 1.0 / s
    theta = (c - safe_a) * mu  # cμ − λ
    tail = 1.0 - q
    if service == "deterministic":
        conditional = (1.0 + SERVICE_SCV[service]) / 2.0 / theta
        with np.errstate(divide="ignore"):
            wait = np.where(waiting > tail, conditional * np.log(np.maximum(waiting, tail) / tail), 0.0)
        answer = s + wait
    elif service == "exponential":
        low = np.zeros(s.shape)
        high = 2.0 * np.log(2.0 / tail) * (s + 1.0 / theta)  # P(S > t/2) + P(W > t/2) ≤ 1 − q
        for _ in range(_BISECTIONS):
            middle = (low + high) / 2.0
            above = _exponential_tail(middle, waiting, mu, theta) > tail
            low, high = np.where(above, middle, low), np.where(above, high, middle)
        answer = (low + high) / 2.0
    else:
        raise ValueError(f"service: given {service!r}, expected one of {', '.join(SERVICE_SCV)}")
    return np.where(ok, answer, np.inf)


def servers_for_quantile(q, offered, service_time, target, service="deterministic"):  # type: ignore[no-untyped-def]
    """The smallest fleet ``c`` whose ``q``-quantile response time is at most ``target``.

    Parameters
    ----------
    q : float
        Quantile, e.g. 0.99.
    offered : array-like
        Offered load ``a = λ S`` in Erlangs.
    service_time, target : array-like
        Service time and the latency target, in one time unit.
    service : {"exponential", "deterministic"}
        As :func:`response_quantile`.

    Returns
    -------
    ndarray
        Whole devices (float array), ``inf`` where no fleet meets the target (the target is below
        what one request takes at zero load).

    The quantile falls as ``c`` grows, so the answer is found by doubling then bisecting on
    whole numbers, every element at once.

    >>> int(servers_for_quantile(0.99, 0.5, 10.0, 100.0, "exponential"))  # M/M/1 already gives 92.1
    1
    >>> int(servers_for_quantile(0.99, 0.9, 10.0, 50.0, "exponential"))  # service alone: 46.1 ms at p99
    3
    """
    a, s, goal = np.broadcast_arrays(np.asarray(offered, dtype=float), np.asarray(service_time, dtype=float),
                                     np.asarray(target, dtype=float))
    floor = np.maximum(np.floor(a) + 1.0, 1.0)  # the smallest stable fleet
    # With endless devices nobody waits: the quantile is the service's own. Strictly below the
    # target, some finite fleet gets there; at or above it, none does.
    alone = response_quantile(q, 1.0, 0.0, s, service)
    reachable = (alone < goal) | ((a == 0.0) & (alone <= goal))
    low, high = floor - 1.0, floor.copy()  # invariant: low fails (or is unstable); high is tested
    for _ in range(64):  # double until high meets the target
        meets = (response_quantile(q, high, a, s, service) <= goal) | ~reachable
        if meets.all():
            break
        low, high = np.where(meets, low, high), np.where(meets, high, high * 2.0)
    while np.any(high - low > 1.0):  # bisect on whole numbers
        middle = np.floor((low + high) / 2.0)
        meets = response_quantile(q, np.maximum(middle, 1.0), a, s, service) <= goal
        wide = high - low > 1.0
        high = np.where(wide & meets, middle, high)
        low = np.where(wide & ~meets, middle, low)
    return np.where(reachable, high, np.inf)


def load_steps(prefix: str, *, service_time: pint.Quantity, arrival_rate: pint.Quantity, devices: pint.Quantity,
               zero_load_latency: pint.Quantity, percentile: float = 0.99,
               service: str = "deterministic") -> dict[str, Step]:
    """Utilisation, waiting probability and p50 / p``percentile`` latency of a stage's fleet under load.

    Parameters
    ----------
    prefix : str
        Key prefix, e.g. ``serving.stages.ranking``.
    service_time : Quantity [time]
        One request's time on one device at zero load (the stage's roofline model time).
    arrival_rate : Quantity [request/time]
        Requests reaching the stage at peak.
    devices : Quantity [accelerator]
        The fleet serving the stage.
    zero_load_latency : Quantity [time]
        The stage's latency without queueing (model time + fixed + fetch + hops).
    percentile : float
        The budget's percentile as a fraction, 0.99 for p99.
    service : {"exponential", "deterministic"}
        Service-time distribution; a roofline time is deterministic.

    Returns
    -------
    dict[str, Step]
        ``.offered_load`` (Erlangs), ``.utilisation`` (ρ; the label says when it passes the knee or 1),
        ``.wait_probability``, ``.p50_latency`` and ``.p99_latency`` (named after ``percentile``).
        Latency values where ``ρ ≥ 1`` are ``inf``: the caller must refuse them (estimate does).

    >>> r = load_steps("s", service_time=Q_(10, "ms"), arrival_rate=Q_(50, "request/s"), devices=Q_(1, "GPU"),
    ...                zero_load_latency=Q_(12, "ms"), service="exponential")
    >>> format_quantity(r["s.utilisation"].value), format_quantity(r["s.p99_latency"].value)
    ('0.500', '94.1 ms')
    """
    seconds = service_time.to("s").magnitude
    rate = (arrival_rate * Q_(1.0, "s/request")).to("").magnitude
    c = devices.to("GPU").magnitude
    offered = step(f"{prefix}.offered_load", "Offered load (Erlangs)", "arrival_rate × service_time",
                   Q_(rate * seconds, ""), arrival_rate=arrival_rate, service_time=service_time)
    rho = offered.value.magnitude / c
    typical = float(np.median(rho))  # a label is text: it follows the typical sample
    verdict = ("overloaded: the queue grows without bound" if typical >= 1.0 else
               f"above the {UTILISATION_KNEE:.0%} knee: latency climbs steeply" if typical > UTILISATION_KNEE else
               "below the knee")
    utilisation = step(f"{prefix}.utilisation", f"Utilisation — {verdict}", "offered_load / accelerators",
                       Q_(rho, ""), offered_load=offered.value, accelerators=devices)
    waiting = step(f"{prefix}.wait_probability", "Probability a request waits (Erlang C)",
                   "ErlangC(accelerators, offered_load)", Q_(erlang_c(c, offered.value.magnitude), ""),
                   accelerators=devices, offered_load=offered.value)
    name = f"p{percentile * 100:g}"
    extra = {key: step(f"{prefix}.{key}_latency", f"{key} latency under load",
                       f"zero_load_latency − service_time + Q{key[1:]}(M/{'D' if service == 'deterministic' else 'M'}/c"
                       " response time)",
                       (zero_load_latency - service_time).to("ms")
                       + Q_(response_quantile(quantile, c, offered.value.magnitude, seconds, service), "s").to("ms"),
                       zero_load_latency=zero_load_latency, service_time=service_time, accelerators=devices,
                       offered_load=offered.value)
             for key, quantile in (("p50", 0.5), (name, percentile))}
    return {s.key: s for s in (offered, utilisation, waiting, *extra.values())}
