"""Every number that leaves Envelope is finite, or the input is refused with a located message.

The kind of fault: a formula divides by an input that may be zero (or takes the log of one),
numpy makes NaN with a warning, and the report prints ``nan GPU`` and JSON that no parser reads.
Each such input is refused when the scenario loads, or has a defined value in its calc
function; ``compose.check_finite`` is the one check behind them, and JSON is always strict.

tests/cases/ holds the small scenarios Envelope once got wrong (each header says what and why).
"""

from __future__ import annotations

import json
import math
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, SCENARIOS
from typer.testing import CliRunner

from estimator.calc.availability import nines
from estimator.calc.embeddings import categorical_steps
from estimator.cli import app
from estimator.errors import ScenarioError
from estimator.compose import NonFiniteResult, check_finite, estimate
from estimator.report import strict_json
from estimator.scenario import load_scenario_text
from estimator.trace import step
from estimator.uncertainty import sample_estimate
from estimator.units import Q_

CASES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))
EVERY_FILE = SCENARIOS + CASES
LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+): \S+: .+$")


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)  # messages name files as given: relative to the checkout


def run(*args: str):  # type: ignore[no-untyped-def]
    """The CLI in-process (one interpreter for every file); a numpy warning fails the run."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        return CliRunner().invoke(app, list(args))


def _refuse_constant(name: str) -> float:
    raise AssertionError(f"not strict JSON: {name}")


def _numbers(value):  # type: ignore[no-untyped-def]
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)


@pytest.mark.parametrize("path", EVERY_FILE, ids=[p.stem for p in EVERY_FILE])
def test_every_scenario_gives_strict_json_or_a_located_refusal(path: Path):
    relative = str(path.relative_to(ROOT))
    result = run("estimate", relative, "--format", "json", "--samples", "2000")
    assert result.exit_code in (0, 2), f"exit {result.exit_code}: {result.exception!r}"
    if result.exit_code == 0:
        document = json.loads(result.stdout, parse_constant=_refuse_constant)
        assert all(math.isfinite(n) for n in _numbers(document))
        assert result.stderr == ""
    else:
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert lines and all(LOCATED.match(line) and line.startswith(relative + ":") for line in lines), lines


@pytest.mark.parametrize("case, line", [("stage-without-work-nan", "tests/cases/stage-without-work-nan.yaml:11:7: "
                                          "serving.stages[0]: a stage on an accelerator needs work"),
                                         ("hnsw-m-one", "tests/cases/hnsw-m-one.yaml:11:11: index.hnsw_m: HNSW needs at "
                                          "least 2 links per node: given 1")])
def test_division_by_input_that_may_be_zero_is_refused(case: str, line: str):
    result = run("estimate", f"tests/cases/{case}.yaml", "--format", "json")
    assert result.exit_code == 2
    assert result.stderr.startswith(line)


def test_a_normal_range_tail_never_reaches_a_limit_a_formula_needs():
    """A log-normal 90 % interval samples beyond its ends: they stay inside the limit the loader checked."""
    scenario = load_scenario_text(
        "name: n\ntraffic: {daily_active_users: 1 million user, requests_per_user_per_day: 1 request/user/day}\n"
        "index: {vectors: 1 million vector, dim: 128, type: hnsw, hnsw_m: {low: 2.5, high: 64}}\n"
        "experiments:\n  ab_test: {baseline_rate: 0.1, mde: 0.01, power: {low: 0.5, high: 0.999}}\n",
        "n.yaml")
    assert scenario.index.hnsw_m.floor == 2.0
    assert scenario.experiments.ab_test.power.ceiling == float(np.nextafter(1.0, 0.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        spread = sample_estimate(scenario, 20_000, 1)
    assert spread.draws["index.bytes_per_vector"].magnitude.min() >= 4 * 128 + 2 * 2 * 4 * 1.5


def test_a_limit_on_a_range_is_located_at_the_end_that_crosses_it():
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text("name: n\ntraffic: {requests: 1 request/s}\nexperiments:\n  ab_test:\n"
                           "    baseline_rate: 0.1\n    mde: 0.01\n    power: {low: 0.8, high: 1}\n", "p.yaml")
    assert str(caught.value) == ("p.yaml:7:29: experiments.ab_test.power.high: a power of 100 % needs an infinite "
                                 "sample: given 1, expected a power below 1, e.g. 0.8")


def test_nines_of_an_availability_that_rounds_to_one_are_capped():
    """Ten 99.9 % replicas: 1 − 10^−30 is 1.0 in a double; nines stop at −log10(2^−53)."""
    assert float(nines(1 - (1 - 0.999) ** 10).value.magnitude) == 15.954589770191003
    assert float(nines(0.999).value.magnitude) == pytest.approx(3.0, abs=1e-12)


@pytest.mark.parametrize("cardinality", [0.0, 1.0])
def test_a_collision_share_with_nothing_to_collide_is_zero(cardinality: float):
    steps = categorical_steps("c", cardinality=cardinality, dim=8, dtype_bytes=4, buckets=2.0)
    assert float(steps["c.collision_share"].value.magnitude) == 0.0


def test_a_result_that_is_not_finite_is_an_internal_error():
    with pytest.raises(NonFiniteResult, match=r"^x \(input y\) is not finite \(inf\); this is a bug in Envelope$"):
        check_finite({"x": step("x", "X", "y", Q_(1.0, "B"), y=Q_(math.inf, "B"))})
    with pytest.raises(NonFiniteResult, match=r"^x is not finite \(nan\)"):
        check_finite({"x": step("x", "X", "y", Q_(np.array([1.0, math.nan]), "B"))})


def test_json_that_leaves_is_strict():
    with pytest.raises(ValueError, match="not JSON compliant"):
        strict_json({"value": math.nan})
    assert strict_json({"value": 2.5}) == '{\n  "value": 2.5\n}\n'


def test_every_bundled_scenario_estimates_to_finite_numbers():
    for path in SCENARIOS:
        result = estimate(load_scenario_text(path.read_bytes(), path.name))
        assert all(np.all(np.isfinite(s.value.magnitude)) for s in result)


def test_a_sampled_tail_past_a_limit_between_two_fields_has_a_defined_value():
    """baseline + mde stays below 1 at the range's high end; a log-normal tail goes past it."""
    scenario = load_scenario_text(
        "name: t\ntraffic: {daily_active_users: 1 million user, requests_per_user_per_day: 1 request/user/day}\n"
        "experiments:\n  ab_test: {baseline_rate: {low: 0.5, high: 0.8}, mde: 0.1}\n", "t.yaml")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        spread = sample_estimate(scenario, 20_000, 1)
    treatment = spread.draws["experiments.ab_test.treatment_rate"].magnitude
    assert treatment.max() == float(np.nextafter(1.0, 0.0))  # the tail reached the cap
    assert np.isfinite(spread.draws["experiments.ab_test.sample_size_exact"].magnitude).all()
