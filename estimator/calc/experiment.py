"""Experiments: canary load, and A/B sample size per arm for a conversion rate.

Variance convention (Evan Miller's calculator, evanmiller.org/ab-testing/sample-size.html):
the null hypothesis has both arms at the baseline p, the alternative has p and p₂, so

    n = (z_{1−α/2} · √(2·p·(1 − p)) + z_{1−β} · √(p·(1 − p) + p₂·(1 − p₂)))² / (p₂ − p)²

with the standard normal's quantiles (Python's statistics.NormalDist; scipy.stats would add
seconds to every `envelope estimate`: benchmarks/bench_cli_cold_start.py). For 20 % → 25 %, α = 0.05 two-sided, power
0.8, it gives 1,030.2 (Miller prints 1,030); pooled or unpooled variants give 1,091–1,094.

>>> r = ab_steps(baseline=0.20, mde=0.05, relative=False, alpha=0.05, power=0.8, arms=2,
...              daily_users=None, allocation=1.0)
>>> round(float(r["experiments.ab_test.sample_size_exact"].value.magnitude), 1)
1030.2
>>> r["experiments.ab_test.sample_size_per_arm"].value
<Quantity(1031.0, 'user')>
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pint

from estimator.trace import Step, step
from estimator.units import Q_

BELOW_ONE = float(np.nextafter(1.0, 0.0))  # the largest double below 1: a rate that is not certain
VARIANCE_CONVENTION = "Evan Miller: baseline variance under H0, both arms' variances under H1"
FORMULA = ("(z_{1−α/2} × √(2 × baseline × (1 − baseline)) + z_{power} × √(baseline × (1 − baseline) + "
           "treatment × (1 − treatment)))² / (treatment − baseline)²")


def canary_steps(*, peak_qps: pint.Quantity, average_qps: pint.Quantity, fraction: float,
                 daily_users: pint.Quantity | None) -> dict[str, Step]:
    steps = [
        step("experiments.canary.peak_qps", "Canary QPS at peak", "traffic.peak_qps × canary_fraction",
             peak_qps * fraction, **{"traffic.peak_qps": peak_qps}, canary_fraction=fraction),
        step("experiments.canary.average_qps", "Canary QPS on average", "traffic.average_qps × canary_fraction",
             average_qps * fraction, **{"traffic.average_qps": average_qps}, canary_fraction=fraction),
    ]
    if daily_users is not None:
        steps.append(step("experiments.canary.users_per_day", "Canary users per day",
                          "traffic.daily_active_users × canary_fraction", daily_users * fraction,
                          **{"traffic.daily_active_users": daily_users}, canary_fraction=fraction))
    return {s.key: s for s in steps}


_QUANTILES = np.vectorize(NormalDist().inv_cdf, otypes=[float])


def normal_quantile(p):  # type: ignore[no-untyped-def]
    """The standard normal's quantile function, for a number or an array of samples.

    >>> round(normal_quantile(0.975), 6), normal_quantile(np.array([0.5, 0.8])).round(4).tolist()
    (1.959964, [0.0, 0.8416])
    """
    z = _QUANTILES(p)
    return float(z) if np.ndim(z) == 0 else z


def ab_steps(*, baseline: float, mde: float, relative: bool, alpha: float, power: float, arms: int,
             daily_users: pint.Quantity | None, allocation: float) -> dict[str, Step]:
    """Sample size per arm (Evan Miller's convention) and the days the traffic needs to reach it.

    ``allocation`` is the share of daily users in the experiment, split evenly over ``arms``; each
    day's users are counted as new samples (repeat visitors make the real figure longer).
    The scenario keeps the divisions defined: mde above 0 (treatment ≠ baseline), power below 1
    (its quantile is infinite at 1), daily users and allocation above 0, and a treatment rate
    below 1 at the ranges' high ends. Defined value: a sampled tail beyond those ends could still
    put the treatment at or above 100 %, where √(treatment × (1 − treatment)) has no value; the
    treatment rate is capped at the largest double below 1 (such a sample needs an enormous n).

    >>> r = ab_steps(baseline=np.array([0.2, 0.95]), mde=0.1, relative=False, alpha=0.05, power=0.8, arms=2,
    ...              daily_users=None, allocation=1.0)
    >>> bool(np.isfinite(r["experiments.ab_test.sample_size_exact"].value.magnitude).all())
    True
    """
    treatment = np.minimum(baseline * (1 + mde) if relative else baseline + mde, BELOW_ONE)
    z_alpha, z_power = normal_quantile(1 - alpha / 2), normal_quantile(power)
    exact = (z_alpha * np.sqrt(2 * baseline * (1 - baseline))
             + z_power * np.sqrt(baseline * (1 - baseline) + treatment * (1 - treatment))) ** 2 \
        / (treatment - baseline) ** 2
    inputs = dict(baseline=baseline, treatment=treatment, z_alpha=z_alpha, z_power=z_power)
    steps = [
        step("experiments.ab_test.treatment_rate", "Treatment rate to detect",
             "baseline × (1 + mde)" if relative else "baseline + mde", treatment, baseline=baseline, mde=mde),
        step("experiments.ab_test.sample_size_exact", f"Sample size per arm, exact ({VARIANCE_CONVENTION})",
             FORMULA.replace("z_{1−α/2}", "z_alpha").replace("z_{power}", "z_power"), Q_(exact, "user"), **inputs),
    ]
    n = Q_(np.ceil(exact), "user")
    steps.append(step("experiments.ab_test.sample_size_per_arm", "Sample size per arm",
                      "⌈experiments.ab_test.sample_size_exact⌉", n,
                      **{"experiments.ab_test.sample_size_exact": Q_(exact, "user")}))
    steps.append(step("experiments.ab_test.total_sample", "Sample size, all arms",
                      "experiments.ab_test.sample_size_per_arm × arms", n * arms,
                      **{"experiments.ab_test.sample_size_per_arm": n}, arms=arms))
    if daily_users is not None:
        days = (n / (daily_users * allocation / arms)).to("")
        steps.append(step("experiments.ab_test.days", "Days to reach the sample size",
                          "⌈experiments.ab_test.sample_size_per_arm / (daily_users × allocation / arms)⌉",
                          np.ceil(days.magnitude), **{"experiments.ab_test.sample_size_per_arm": n},
                          daily_users=daily_users, allocation=allocation, arms=arms))
    return {s.key: s for s in steps}
