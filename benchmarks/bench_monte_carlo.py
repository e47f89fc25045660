"""Monte Carlo: 100,000 samples of a scenario with ranges, against plain numpy and squigglepy.

All three compute every result of benchmarks/mc_scenario.yaml and its p5/p50/p95, from the
same distributions (benchmarks/mc_reference.py). Before timing, the medians of the three are
checked to agree within sampling error, so the comparison is like for like; a disagreement
stops the benchmark (and `make test`, which runs it in quick mode).
"""

from __future__ import annotations

import importlib.util

from harness import Row, interleaved, median, not_measured, progress

FLOOR_GOAL, PEER_GOAL = "≤ 1.5× numpy", "≥ 5× faster than squigglepy (ratio ≤ 0.2×)"


def _si(quantity) -> float:  # type: ignore[no-untyped-def]
    """A magnitude in the references' units: pint's base units, but bytes rather than bits."""
    base = quantity.to_base_units()
    bits = dict(base.unit_items()).get("bit", 0)
    return float(base.magnitude) * 8.0 ** -bits


def run(quick: bool) -> list[Row]:
    n = 20_000 if quick else 100_000
    what = f"Monte Carlo: {n:,} samples of benchmarks/mc_scenario.yaml (30 results + p5/p50/p95)"
    if importlib.util.find_spec("estimator.uncertainty") is None:
        return [not_measured(f"{what} vs numpy", "estimator.uncertainty", FLOOR_GOAL),
                not_measured(f"{what} vs squigglepy", "estimator.uncertainty", PEER_GOAL)]
    import mc_reference as ref

    from estimator.scenario import load_scenario
    from estimator.uncertainty import sample_estimate

    scenario = load_scenario(ref.SCENARIO)
    p = ref.params(scenario)

    def envelope() -> dict:
        spread = sample_estimate(scenario, n, seed=1)
        return {key: [_si(i.p5), _si(i.p50), _si(i.p95)] for key, i in spread.intervals.items()}

    def numpy_floor() -> dict:
        return ref.percentiles(ref.numpy_model(p, n, seed=2))

    def squigglepy_peer() -> dict:
        return ref.percentiles(ref.squigglepy_model(p, n, seed=3))

    ours, floor, peer = envelope(), numpy_floor(), squigglepy_peer()
    if set(ours) != set(floor):
        raise AssertionError(f"the numpy reference and Envelope give different results: {set(ours) ^ set(floor)}")
    problems = ref.disagreements(floor, ours, n) + ref.disagreements(floor, peer, n)
    if problems:
        raise AssertionError("medians disagree beyond sampling error: " + "; ".join(problems))
    progress(f"   medians of Envelope, numpy and squigglepy agree on all {len(ours)} results")
    repeats = 3 if quick else 15
    mine, base = interleaved(envelope, numpy_floor, repeats)
    mine2, theirs = interleaved(envelope, squigglepy_peer, max(3, repeats // 3))
    note = "medians agree within 5 standard errors on every result"
    floor_row = Row(f"{what} vs numpy", median(mine), median(base), "same formulas in plain numpy, no units",
                    FLOOR_GOAL, ("ratio", 1.5), runs=repeats, note=note)
    if floor_row.met is False:
        floor_row.note += ("; gap: pint's unit bookkeeping on each array operation, unit conversions of "
                           "the 100,000-element arrays, and the point estimate sample_estimate also returns")
    return [
        floor_row,
        Row(f"{what} vs squigglepy", median(mine2), median(theirs), "same model in squigglepy", PEER_GOAL,
            ("ratio", 0.2), runs=len(mine2), note=note),
    ]
