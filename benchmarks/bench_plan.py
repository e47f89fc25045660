"""Inverse sizing: `envelope plan` over 10,000+ configurations vs one point estimate.

The search runs the estimate once on arrays (estimator.plan), so 10,368 configurations of
video_recommendation (24 devices per model × 6 ranking batch sizes × 3 candidate counts)
should cost a small multiple of one estimate, and well under a second.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from harness import Row, interleaved, median, not_measured

GOAL = "≤ 10× (and < 1 s)"
SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "video_recommendation.yaml"
WRITTEN = "      items: 500                    # every retrieved candidate is scored"
CHOICE = "      items: {choose: [500, 200, 1000]}   # how many candidates to rank: a design choice"


def run(quick: bool) -> list[Row]:
    what = "Plan: video_recommendation, every device × batch × candidate count"
    if importlib.util.find_spec("estimator.plan") is None:
        return [not_measured(what, "estimator.plan", GOAL)]
    from estimator.compose import estimate
    from estimator.plan import design_space, plan
    from estimator.scenario import load_scenario_text

    text = SCENARIO.read_text(encoding="utf-8")
    if WRITTEN not in text:
        raise AssertionError("the ranking stage's items line moved: update bench_plan.WRITTEN")
    scenario = load_scenario_text(text.replace(WRITTEN, CHOICE), str(SCENARIO))
    space = 1
    for axis in design_space(scenario):
        space *= len(axis.options)
    if space < 10_000:
        raise AssertionError(f"the design space has {space:,} configurations, fewer than 10,000")
    ours, point = interleaved(lambda: plan(scenario), lambda: estimate(scenario), repeats=3 if quick else 15)
    return [Row(f"{what} ({space:,} configurations)", median(ours), median(point), "one point estimate", GOAL,
                ("ratio", 10.0), runs=len(ours), note=f"{median(ours):.3f} s per plan")]
