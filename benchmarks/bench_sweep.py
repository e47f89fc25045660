"""Sweeps: 1,000 values of one input through the largest bundled scenario vs one point estimate.

A sweep puts the 1,000 values in one numpy array and runs the estimate once
(estimator.uncertainty.sweep), so it should cost a small multiple of one estimate.
"""

from __future__ import annotations

import importlib.util

from harness import Row, interleaved, median, not_measured

GOAL = "≤ 3×"
TARGET = "cost.monthly_total"


def run(quick: bool) -> list[Row]:
    from bench_cli_cold_start import largest_scenario

    steps = 1_000
    path = largest_scenario()
    what = f"Sweep: {steps:,} points of one input, {path.stem} → {TARGET}"
    if importlib.util.find_spec("estimator.uncertainty") is None:
        return [not_measured(what, "estimator.uncertainty.sweep", GOAL)]
    import pint

    from estimator.compose import estimate
    from estimator.scenario import load_scenario
    from estimator.uncertainty import sweep, sweepable

    scenario = load_scenario(path)
    # The first input counted in users or requests: it reaches every result downstream.
    name, (_, value) = next((k, v) for k, v in sweepable(scenario).items() if k.startswith("traffic.")
                            and isinstance(v[1], pint.Quantity))
    low, high = value * 0.5, value * 2
    swept = sweep(scenario, name, low, high, steps, TARGET)
    if swept.results.magnitude.shape != (steps,):
        raise AssertionError(f"the sweep gave {swept.results.magnitude.shape} results, not {steps}")
    ours, point = interleaved(lambda: sweep(scenario, name, low, high, steps, TARGET), lambda: estimate(scenario),
                              repeats=3 if quick else 20)
    return [Row(f"{what} (swept {name})", median(ours), median(point), "one point estimate", GOAL, ("ratio", 3.0),
                runs=len(ours))]
