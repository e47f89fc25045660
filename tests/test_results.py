"""The registry of result keys (estimator/results.yaml) against what the bundled scenarios produce."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from estimator.compose import Estimate, estimate
from estimator.notes import to_notes
from estimator.results import FRAMEWORK_STEPS, HEADLINES, dimension_matches, entries, matching, step_of
from estimator.scenario import load_scenario, load_scenario_text
from estimator.starter import starter_text
from estimator.vocabulary import ARCHETYPES

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@functools.cache
def bundled() -> list[tuple[str, Estimate]]:
    """The estimate of every bundled scenario and starter template."""
    found = [(path.name, estimate(load_scenario(path))) for path in SCENARIOS]
    found += [(f"template {name}", estimate(load_scenario_text(starter_text(name, "x"), name))) for name in ARCHETYPES]
    return found


def test_there_are_bundled_scenarios_to_check():
    assert len(SCENARIOS) >= 12


def test_every_key_of_every_bundled_scenario_matches_exactly_one_entry_of_its_dimension():
    wrong = []
    for name, result in bundled():
        for step in result:
            found = matching(step.key)
            if len(found) != 1:
                wrong.append(f"{name}: {step.key} matches {[e.pattern for e in found]}")
            elif not dimension_matches(found[0], step.value):
                wrong.append(f"{name}: {step.key} is {step.value.dimensionality}, declared {found[0].dimension}")
    assert wrong == []


def test_patterns_are_unique_and_every_entry_is_used_or_known_to_be_rare():
    patterns = [entry.pattern for entry in entries()]
    assert len(patterns) == len(set(patterns))
    used = {entry.pattern for _, result in bundled() for step in result for entry in matching(step.key)}
    # Stages with their own accelerator and no model: no bundled scenario has one (tests/test_ml_models.py does).
    rare = {"serving.stages.*.effective_utilisation", "serving.stages.*.inferences_per_second",
            "serving.stages.*.required_flops", "serving.stages.*.accelerators", "serving.stages.*.monthly_cost",
            "serving.stage_monthly_cost",
            # Disaggregated prefill and decode pools, and a measured model error: tests/test_llm_serving.py.
            "llm.decode_pool_requests_per_second", "llm.roofline_requests_per_second", "llm.prefill_replicas",
            "llm.decode_replicas"}
    assert set(patterns) - used == rare


def test_a_star_is_one_name_not_several_parts():
    assert [e.pattern for e in matching("storage.logs.footprint")] == ["storage.*.footprint"]
    assert matching("storage.logs.extra.footprint") == []
    assert matching("storage.total_footprint")[0].pattern == "storage.total_footprint"


def test_headlines_in_order():
    assert [(h.key, h.label, h.rise) for h in HEADLINES] == [
        ("traffic.peak_qps", "Peak QPS", "neutral"), ("storage.total_footprint", "Total storage", "bad"),
        ("features.online.size", "Feature store", "bad"), ("serving.accelerators", "Accelerators", "bad"),
        ("cost.monthly_total", "Monthly cost", "bad")]


def test_steps_of_the_framework():
    assert FRAMEWORK_STEPS == ("1. Clarify requirements", "2. Frame as an ML task", "3. Data preparation",
                               "4. Model development", "5. Evaluation", "6. Deployment and serving", "7. Monitoring")
    assert step_of("experiments.canary.peak_qps") == "5. Evaluation"
    assert step_of("labelling.labellers") == "3. Data preparation"
    assert step_of("derived.anything") is None
    assert step_of("no_such_section.x") is None


@pytest.mark.parametrize("prefix, title", [("experiments.", "5. Evaluation"), ("labelling.", "3. Data preparation")])
def test_report_files_experiments_and_labelling_under_their_step(prefix, title):
    """The notes once looked for `experiment.*`: every experiments result fell to "Other results"."""
    filed = 0
    for name, result in bundled():
        if not any(step.key.startswith(prefix) for step in result):
            continue
        path = ROOT / "scenarios" / name
        if not path.exists():
            continue
        notes = to_notes(load_scenario(path), result)
        sections = dict(re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", notes, flags=re.M | re.S))
        for step in result:
            if step.key.startswith(prefix):
                assert f"(`{step.key}`)" in sections[title], (name, step.key)
                assert f"(`{step.key}`)" not in sections.get("Other results", ""), (name, step.key)
                filed += 1
    assert filed > 0


def test_archetype_templates_name_only_registered_keys():
    """The diagram's annotations ({traffic.peak_qps} ...) name keys the registry knows."""
    text = (ROOT / "diagrams_lib" / "archetypes.yaml").read_text(encoding="utf-8")
    keys = {re.sub(r"<[a-z_]+>", "x", key) for key in re.findall(r"\{([^{}:]+)(?::[a-z]+)?\}", text)}
    unknown = [key for key in keys if "*" not in key and " " not in key and len(matching(key)) != 1]
    assert len(keys) > 20 and unknown == []


def test_the_public_api_for_notebooks():
    import estimator
    from diagrams_lib.render import Diagram

    assert sorted(estimator.__all__) == ["EnvelopeError", "Estimate", "estimate", "load_scenario"]
    assert callable(estimator.estimate) and callable(estimator.load_scenario)
    scenario = estimator.load_scenario(ROOT / "scenarios" / "video_recommendation.yaml")
    result = estimator.estimate(scenario)
    assert isinstance(result, estimator.Estimate)
    frame = result.to_dataframe()
    assert list(frame.columns) == ["label", "value", "unit", "per", "shown", "formula"]
    assert len(frame) == len(result.steps)
    assert frame.loc["traffic.peak_qps", "shown"] == "116 k request/s"
    assert frame.loc["cost.monthly_total", "per"] == "month"
    html = result._repr_html_()
    assert html.startswith("<table><caption>Video recommendation</caption>")
    assert "<td><code>traffic.peak_qps</code></td><td style='text-align:right'>116 k request/s</td>" in html
    assert Diagram.of(scenario, result).render("dot").startswith(b"digraph")
