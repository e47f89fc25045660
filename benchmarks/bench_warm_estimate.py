"""Warm estimate: one full estimate of each bundled scenario, in-process, after loading.

The scenario is loaded and estimated once before timing, so imports, the registry and the
catalog are warm: what is left is what the UI pays on every change. The baseline is the
floor of unit-checked arithmetic: as many pint multiply-and-convert operations as the
estimate has results, so the ratio reads "pint operations per result".
"""

from __future__ import annotations

from harness import Row, bundled_scenarios, interleaved, median


def run(quick: bool) -> list[Row]:
    from estimator.compose import estimate
    from estimator.scenario import load_scenario
    from estimator.units import Q_

    users, rate = Q_(1e9, "user"), Q_(5.0, "request/user/day")
    rows = []
    for path in bundled_scenarios()[:2] if quick else bundled_scenarios():
        scenario = load_scenario(path)
        results = len(list(estimate(scenario)))

        def floor(n: int = results) -> None:
            for _ in range(n):
                (users * rate).to("request/s")

        times, floors = interleaved(lambda s=scenario: estimate(s), floor, repeats=3 if quick else 30)
        rows.append(Row(f"Warm estimate: {path.stem} ({results} results)", median(times), median(floors),
                        f"{results} pint multiply-and-convert operations", "reported", None, runs=len(times),
                        note=f"{median(times) / results * 1e6:.0f} µs per result"))
    return rows
