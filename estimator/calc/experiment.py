"""Experiments: canary load, and A/B sample size per arm for a conversion rate or a continuous metric.

Every convention is one normal-approximation formula, the one of statsmodels'
``statsmodels.stats.power.normal_sample_size_one_tail`` for two equal arms:

    n = (z_α · σ_null + z_power · σ_alt)² / Δ²

with z_α = z_{1−α/sides} (α split over the comparisons by Bonferroni when there are more than
two arms) and, for a baseline rate p, a treatment rate p₂ and Δ = p₂ − p:

    evan_miller  σ_null = √(2·p·(1 − p))            σ_alt = √(p·(1−p) + p₂·(1−p₂))
                 (evanmiller.org/ab-testing/sample-size.html: both arms at the baseline under H0)
    pooled       σ_null = √(2·p̄·(1 − p̄)), p̄ = (p + p₂)/2,   σ_alt as above
    unpooled     σ_null = σ_alt = √(p·(1−p) + p₂·(1−p₂))
    arcsine      Δ = Cohen's h = 2·asin√p₂ − 2·asin√p, σ_null = σ_alt = √2
                 (statsmodels' proportion_effectsize with NormalIndPower, ratio 1)
    continuous   Δ = the change of the mean, σ_null = σ_alt = sd·√2 (two arms of equal sd)

The quantiles come from Python's statistics.NormalDist: importing statsmodels (and scipy under it)
adds seconds to every `envelope estimate` (benchmarks/bench_cli_cold_start.py), so the formula is
written here and checked against statsmodels in tests/test_ab_conventions.py. For two-sided tests
statsmodels' NormalIndPower.solve_power also counts the far tail, which moves n by under 0.01 in
the published cases. For 20 % → 25 %, α = 0.05 two-sided, power 0.8, Evan Miller's convention
gives 1,030.2 (Miller prints 1,030); pooled or unpooled give 1,091–1,094.

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

__all__ = ["CONVENTIONS", "ab_steps", "canary_steps", "normal_quantile", "sample_size"]

BELOW_ONE = float(np.nextafter(1.0, 0.0))  # the largest double below 1: a rate that is not certain
ABOVE_ZERO = float(np.nextafter(0.0, 1.0))
# Each convention: its words, σ under H0, σ under H1 and the difference Δ as formulas.
CONVENTIONS: dict[str, tuple[str, str, str, str]] = {
    "evan_miller": ("Evan Miller: baseline variance under H0, both arms' under H1",
                    "√(2 × baseline × (1 − baseline))", "√(baseline × (1 − baseline) + treatment × (1 − treatment))",
                    "treatment − baseline"),
    "pooled": ("pooled: the arms' mean rate's variance under H0, both arms' under H1",
               "√(2 × p̄ × (1 − p̄)), p̄ = (baseline + treatment) / 2",
               "√(baseline × (1 − baseline) + treatment × (1 − treatment))", "treatment − baseline"),
    "unpooled": ("unpooled: both arms' variances under H0 and H1",
                 "√(baseline × (1 − baseline) + treatment × (1 − treatment))",
                 "√(baseline × (1 − baseline) + treatment × (1 − treatment))", "treatment − baseline"),
    "arcsine": ("arcsine: Cohen's h, variance 1 per arm", "√2", "√2",
                "2 × asin√treatment − 2 × asin√baseline"),
    "continuous": ("continuous metric: the given sd in both arms", "sd × √2", "sd × √2", "treatment − baseline"),
}


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


def sample_size(diff, std_null, std_alt, z_alpha, z_power):  # type: ignore[no-untyped-def]
    """n per arm = ((z_alpha × std_null + z_power × std_alt) / diff)², numbers or arrays.

    The formula of ``statsmodels.stats.power.normal_sample_size_one_tail``. Evan Miller's
    published case, 20 % → 25 %, α = 0.05 two-sided, power 0.8:

    >>> p, p2 = 0.20, 0.25
    >>> n = sample_size(p2 - p, np.sqrt(2 * p * (1 - p)), np.sqrt(p * (1 - p) + p2 * (1 - p2)),
    ...                 normal_quantile(0.975), normal_quantile(0.8))
    >>> round(float(n), 1)
    1030.2
    """
    return ((z_alpha * std_null + z_power * std_alt) / diff) ** 2


def _spreads(convention: str, baseline, treatment, sd):  # type: ignore[no-untyped-def]
    """(Δ, σ under H0, σ under H1) of a convention; Δ is taken as a magnitude (the sides set the tail)."""
    if convention == "continuous":
        return np.abs(treatment - baseline), sd * np.sqrt(2.0), sd * np.sqrt(2.0)
    both = np.sqrt(baseline * (1 - baseline) + treatment * (1 - treatment))
    if convention == "arcsine":
        h = np.abs(2 * np.arcsin(np.sqrt(treatment)) - 2 * np.arcsin(np.sqrt(baseline)))
        return h, np.sqrt(2.0), np.sqrt(2.0)
    if convention == "pooled":
        mean = (baseline + treatment) / 2
        return np.abs(treatment - baseline), np.sqrt(2 * mean * (1 - mean)), both
    if convention == "unpooled":
        return np.abs(treatment - baseline), both, both
    return np.abs(treatment - baseline), np.sqrt(2 * baseline * (1 - baseline)), both


def ab_steps(*, baseline: float, mde: float, relative: bool, alpha: float, power: float, arms: int,
             daily_users: pint.Quantity | None, allocation: float, direction: str = "increase", sides: int = 2,
             convention: str = "evan_miller", correction: str = "bonferroni",
             sd: float | None = None, prefix: str = "experiments.ab_test") -> dict[str, Step]:
    """Sample size per arm and the days the traffic needs to reach it.

    ``baseline`` is a conversion rate, or with ``sd`` a continuous metric's mean (convention
    "continuous"). The treatment is ``baseline`` moved by ``mde`` (absolute, or relative to the
    baseline) in ``direction``; ``sides`` 1 tests that direction only. With more than two arms each
    treatment is compared with the control, and Bonferroni's correction divides α over the
    arms − 1 comparisons (Dunn 1961); ``correction: none`` keeps α per comparison.

    ``allocation`` is the share of daily users in the experiment, split evenly over ``arms``; each
    day's users are counted as new samples (repeat visitors make the real figure longer).
    The scenario keeps the divisions defined: mde above 0 (treatment ≠ baseline), power below 1
    (its quantile is infinite at 1), daily users and allocation above 0, and a treatment rate
    inside (0, 1) at the ranges' ends. Defined value: a sampled tail beyond those ends could still
    put the treatment at or beyond 0 % or 100 %, where √(treatment × (1 − treatment)) has no value;
    the treatment rate is kept just inside (such a sample needs an enormous n).

    >>> r = ab_steps(baseline=0.20, mde=0.05, relative=False, alpha=0.05, power=0.8, arms=2,
    ...              daily_users=None, allocation=1.0)
    >>> round(float(r["experiments.ab_test.sample_size_exact"].value.magnitude), 1)
    1030.2
    >>> r["experiments.ab_test.sample_size_per_arm"].value
    <Quantity(1031.0, 'user')>
    >>> r = ab_steps(baseline=np.array([0.2, 0.95]), mde=0.1, relative=False, alpha=0.05, power=0.8, arms=2,
    ...              daily_users=None, allocation=1.0)
    >>> bool(np.isfinite(r["experiments.ab_test.sample_size_exact"].value.magnitude).all())
    True
    """
    continuous = sd is not None
    convention = "continuous" if continuous else convention
    change = baseline * mde if relative else mde
    treatment = baseline + change if direction == "increase" else baseline - change
    if not continuous:
        treatment = np.clip(treatment, ABOVE_ZERO, BELOW_ONE)
    comparisons = max(arms - 1, 1) if correction == "bonferroni" else 1
    alpha_each = alpha / comparisons
    z_alpha, z_power = normal_quantile(1 - alpha_each / sides), normal_quantile(power)
    diff, std_null, std_alt = _spreads(convention, baseline, treatment, sd)
    exact = sample_size(diff, std_null, std_alt, z_alpha, z_power)
    words, null, alt, delta = CONVENTIONS[convention]
    what = "mean" if continuous else "rate"
    sign = "+" if direction == "increase" else "−"
    steps = [step(f"{prefix}.treatment_{what}", f"Treatment {what} to detect ({direction})",
                  f"baseline {sign} baseline × mde" if relative else f"baseline {sign} mde", treatment,
                  baseline=baseline, mde=mde)]
    if comparisons > 1:
        steps.append(step(f"{prefix}.alpha_per_comparison", "α per comparison (Bonferroni)",
                          "alpha / (arms − 1)", alpha_each, alpha=alpha, arms=arms))
    tail = "z_{1−α}" if sides == 1 else "z_{1−α/2}"
    formula = f"({tail} × {null} + z_power × {alt})² / ({delta})²"
    inputs = dict(baseline=baseline, treatment=treatment, z_alpha=z_alpha, z_power=z_power)
    if continuous:
        inputs["sd"] = sd  # type: ignore[assignment]
    steps.append(step(f"{prefix}.sample_size_exact",
                      f"Sample size per arm, exact ({'one' if sides == 1 else 'two'}-sided; {words})",
                      formula.replace(tail, "z_alpha"), Q_(exact, "user"), **inputs))
    n = Q_(np.ceil(exact), "user")
    steps.append(step(f"{prefix}.sample_size_per_arm", "Sample size per arm",
                      f"⌈{prefix}.sample_size_exact⌉", n, **{f"{prefix}.sample_size_exact": Q_(exact, "user")}))
    steps.append(step(f"{prefix}.total_sample", "Sample size, all arms",
                      f"{prefix}.sample_size_per_arm × arms", n * arms,
                      **{f"{prefix}.sample_size_per_arm": n}, arms=arms))
    if daily_users is not None:
        days = (n / (daily_users * allocation / arms)).to("")
        steps.append(step(f"{prefix}.days", "Days to reach the sample size",
                          f"⌈{prefix}.sample_size_per_arm / (daily_users × allocation / arms)⌉",
                          np.ceil(days.magnitude), **{f"{prefix}.sample_size_per_arm": n},
                          daily_users=daily_users, allocation=allocation, arms=arms))
    return {s.key: s for s in steps}
