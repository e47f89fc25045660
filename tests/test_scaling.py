"""Cost linear in the input: the diagram's placeholders are looked up by key, not matched against
every result, and sampling keeps within a memory budget. Counted in operations, never timed
(timings are in benchmarks/bench_scaling.py)."""

from __future__ import annotations

import fnmatch
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from scaling import scenario_text  # noqa: E402 - the benchmarks' generator, shared

from diagrams_lib import architecture  # noqa: E402
from estimator.compose import estimate  # noqa: E402
from estimator.scenario import load_scenario_text  # noqa: E402


def test_placeholders_of_n_datasets_match_a_bounded_number_of_keys(monkeypatch):
    counts = {}
    for n in (10, 100):
        scenario = load_scenario_text(scenario_text(n), f"{n}.yaml")
        result = estimate(scenario)
        calls = [0]
        original = fnmatch.fnmatchcase

        def counting(name, pattern, calls=calls, original=original):
            calls[0] += 1
            return original(name, pattern)

        monkeypatch.setattr(architecture.fnmatch, "fnmatchcase", counting)
        architecture.populate(architecture.Sketch(), scenario, result)
        monkeypatch.setattr(architecture.fnmatch, "fnmatchcase", original)
        counts[n] = calls[0]
    # Only the few wildcard placeholders scan the results (which grow 10×): at most 10× the matches,
    # where one scan per dataset placeholder made it 100×.
    assert counts[100] <= 10 * counts[10] + 100, counts


def test_find_key_looks_a_plain_key_up():
    from estimator.trace import step

    e = architecture._estimate(step("storage.a.footprint", "F", "x", 1.0), step("storage.b.footprint", "F", "x", 2.0))
    assert architecture.find_key("storage.b.footprint", e) == "storage.b.footprint"
    assert architecture.find_key("storage.c.footprint|storage.*.footprint", e) == "storage.a.footprint"
    assert architecture.find_key("storage.c.footprint", e) is None


def test_sampling_in_chunks_gives_the_answer_of_one_pass(monkeypatch):
    import numpy as np

    from estimator import uncertainty
    from estimator.scenario import load_scenario

    scenario = load_scenario(ROOT / "scenarios" / "video_recommendation.yaml")
    whole = uncertainty.sample_estimate(scenario, 3_000, 7)
    monkeypatch.setattr(uncertainty, "CHUNK_BYTES", 1)  # chunks of the smallest size, 1,000 draws
    chunked = uncertainty.sample_estimate(scenario, 3_000, 7)
    assert list(chunked.draws) == list(whole.draws)
    for key, value in whole.draws.items():
        assert np.array_equal(chunked.draws[key].magnitude, value.magnitude), key
        assert chunked.intervals[key] == whole.intervals[key], key


def test_samples_beyond_the_memory_budget_are_refused_with_what_fits(monkeypatch):
    from typer.testing import CliRunner

    from estimator import uncertainty
    from estimator.cli import app

    monkeypatch.setattr(uncertainty, "SAMPLE_MEMORY_BUDGET", 2**20)  # 1 MiB, to stand for a huge file
    result = CliRunner().invoke(app, ["estimate", str(ROOT / "scenarios" / "video_recommendation.yaml"),
                                      "--samples", "10000", "-f", "compact"])
    assert result.exit_code == 2
    # 58 results vary: 58 × 10,000 × 8 bytes is 4 MiB; 2**20 // (58 × 8) = 2,259 samples fit.
    assert result.output == ("--samples: 10,000 samples of the 58 results the ranges reach need 4 MiB; at most 2,259 "
                             "fit in the 1 MiB sampling budget: ask for 2,259 or fewer (or range fewer inputs)\n")


def test_each_caller_gets_its_own_parsed_quantity():
    from estimator.units import parse_quantity

    first, second = parse_quantity("200 B"), parse_quantity("200 B")
    assert first == second and first is not second  # a caller may not change what another was given


def test_sweep_steps_beyond_the_memory_budget_are_refused(monkeypatch):
    from typer.testing import CliRunner

    from estimator import uncertainty
    from estimator.cli import app

    monkeypatch.setattr(uncertainty, "SAMPLE_MEMORY_BUDGET", 2**20)
    path = ROOT / "scenarios" / "video_recommendation.yaml"
    results = len(estimate(load_scenario_text(path.read_bytes(), str(path))).steps)
    result = CliRunner().invoke(app, ["sweep", str(path), "--param", "traffic.monthly_active_users=1B..2B",
                                      "--target", "traffic.peak_qps", "--steps", "10000"])
    assert result.exit_code == 2
    fit = 2**20 // (8 * results)
    assert result.output == (f"--steps: 10,000 steps of the {results:,} results in this scenario need "
                             f"{8 * results * 10_000 / 2**20:,.0f} MiB; at most {fit:,} fit in the 1 MiB "
                             f"sampling budget: ask for {fit:,} or fewer\n")
