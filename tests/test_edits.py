"""Editing a scenario (estimator.edits) and what the app shows of it (estimator.views)."""

from __future__ import annotations

import pint
import pytest
from conftest import SCENARIOS

from estimator.edits import apply_edits, editable_inputs, edited_yaml, section_overrides
from estimator.compose import estimate
from estimator.ranges import Range
from estimator.report import to_json
from estimator.scenario import load_scenario, load_scenario_text
from estimator.trace import step
from estimator.units import Q_
from estimator.views.results import (
    cost_by_component,
    headline_metrics,
    latency_by_stage,
    result_rows,
    storage_by_dataset,
    working_sections,
)
from estimator.walk import iter_quantities, iter_values


def _load(path):
    return path.read_text(encoding="utf-8"), path.name


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_input_quantity_and_range_is_editable_under_the_walkers_name(path):
    scenario = load_scenario(path)
    edited = {i.path: i for i in editable_inputs(scenario) if i.kind in ("quantity", "range")}
    walked = [p for p, _, value in iter_values(scenario) if isinstance(value, (pint.Quantity, Range))]
    assert list(edited) == walked
    assert [i.path for i in editable_inputs(scenario) if i.kind == "quantity"] == [p for p, _ in iter_quantities(scenario)]


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_each_inputs_text_and_target_set_the_same_value_back(path):
    text, file = _load(path)
    scenario = load_scenario_text(text, file)
    inputs = editable_inputs(scenario)
    assert {"number", "quantity", "choice"} <= {i.kind for i in inputs}
    overrides = [f"{i.target}={i.text}" for i in inputs]
    again = load_scenario_text(text, file, overrides)
    # Texts keep 12 significant figures ("99.9 %" is 0.9990000000000001, shown as 0.999).
    assert [(i.path, i.text) for i in editable_inputs(again)] == [(i.path, i.text) for i in inputs]
    assert to_json(estimate(again)) == to_json(estimate(scenario)) or all(
        a.value.magnitude == pytest.approx(b.value.magnitude, rel=1e-9)
        for a, b in zip(estimate(again).steps.values(), estimate(scenario).steps.values(), strict=True))


def test_an_edit_changes_the_estimate_and_a_bad_value_is_reported_at_its_field():
    text, file = _load(SCENARIOS[0])
    scenario = load_scenario_text(text, file)
    inputs = editable_inputs(scenario)
    size = next(i for i in inputs if i.path.startswith("data.") and i.name == "record_size")
    edited = apply_edits(text, file, inputs, {"traffic.request_size": "7 KB", size.path: "500 request"})
    assert edited.error is None and edited.scenario is not None
    assert list(edited.field_errors) == [size.path]
    assert edited.field_errors[size.path].startswith(
        "wrong dimension: given '500 request', expected an amount of information, e.g. ")
    assert edited.overrides == ("traffic.request_size=7 KB",)
    after = estimate(edited.scenario)
    direct = estimate(load_scenario_text(text, file, ["traffic.request_size=7 KB"]))
    assert to_json(after) == to_json(direct) != to_json(estimate(scenario))
    assert after["traffic.ingress_bandwidth"] != estimate(scenario)["traffic.ingress_bandwidth"]


def test_edits_that_only_fail_together_give_one_error_and_no_scenario():
    text = ("name: t\ntraffic:\n  daily_active_users: 1 million user\n"
            "  requests_per_user_per_day: 1 request/user/day\n")
    inputs = editable_inputs(load_scenario_text(text, "t.yaml"))
    edited = apply_edits(text, "t.yaml", inputs, {}, ["traffic.requests=5 request/s"])
    assert edited.scenario is None
    assert edited.error is not None and "traffic" in edited.error


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_the_edited_yaml_loads_back_to_the_same_estimate(path):
    text, file = _load(path)
    inputs = editable_inputs(load_scenario_text(text, file))
    first_count = next(i for i in inputs if i.kind == "number" and i.name == "replication")
    base = section_overrides(text, file, "conventions", {"peak_factor": 4.5, "storage_display": "binary"})
    edited = apply_edits(text, file, inputs, {first_count.path: "5", inputs[0].path: inputs[0].text}, base)
    assert edited.scenario is not None and len(edited.overrides) == 3
    written = edited_yaml(text, file, edited.overrides)
    assert to_json(estimate(load_scenario_text(written, "edited.yaml"))) == to_json(estimate(edited.scenario))
    assert to_json(estimate(edited.scenario)) != to_json(estimate(load_scenario_text(text, file)))


def test_conventions_are_set_also_when_the_file_has_none():
    text = "name: t\ntraffic:\n  requests: 1000 request/s\n"
    overrides = section_overrides(text, "t.yaml", "conventions", {"peak_factor": 3.0, "month": "30 days"})
    scenario = load_scenario_text(text, "t.yaml", overrides)
    assert scenario.conventions.peak_factor == 3.0
    assert scenario.conventions.month == Q_(30, "day")


# -------------------------------------------------------------------------------- views

def test_metrics_show_the_change_against_the_file():
    text, file = _load(SCENARIOS[0])
    original = estimate(load_scenario_text(text, file))
    factor = load_scenario_text(text, file).conventions.peak_factor
    doubled = estimate(load_scenario_text(text, file, [f"conventions.peak_factor={2 * factor}"]))
    metrics = {m.key: m for m in headline_metrics(doubled, original)}
    assert metrics["traffic.peak_qps"].delta is not None and metrics["traffic.peak_qps"].delta.endswith("(+100 %)")
    assert metrics["traffic.peak_qps"].delta.startswith("+")
    assert metrics["storage.total_footprint"].delta is None
    assert all("e+" not in m.value for m in metrics.values())


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_cost_chart_parts_add_up_to_the_total(path):
    result = estimate(load_scenario(path))
    chart = cost_by_component(result)
    assert chart is not None and chart.unit.endswith("/month")
    assert len({row["name"] for row in chart.rows}) == len(chart.rows)
    scale = result["cost.monthly_total"].to("USD").magnitude / sum(float(r["value"]) for r in chart.rows)
    assert scale in {1.0, 1e3, 1e6, 1e9} or any(abs(scale / s - 1) < 1e-9 for s in (1.0, 1e3, 1e6, 1e9))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_storage_chart_has_a_bar_per_dataset_and_the_tables_are_readable(path):
    scenario = load_scenario(path)
    result = estimate(scenario)
    chart = storage_by_dataset(result)
    names = {str(row["name"]) for row in chart.rows}
    assert {f"Storage · {d.name}" for d in scenario.data} <= names
    texts = [row["Value"] for row in result_rows(result)] + [w.line for _, items in working_sections(result)
                                                               for w in items]
    assert not [t for t in texts if "e+" in t or "e-0" in t]


def test_latency_chart_has_the_stages_in_order_and_the_budget():
    from estimator.compose import Estimate
    from estimator.scenario import Conventions

    steps = {s.key: s for s in (
        step("serving.stages.retrieval.latency", "Stage latency", "x", Q_(30.0, "ms")),
        step("serving.stages.ranking.latency", "Stage latency", "x", Q_(0.09, "s")),
        step("serving.latency_slack", "Latency slack", "latency_budget − serving.latency_total", Q_(-20.0, "ms"),
             latency_budget=Q_(100.0, "ms")),
    )}
    chart = latency_by_stage(Estimate("t", Conventions(), None, steps))
    assert [(r["name"], r["value"], r["text"], r["start"], r["end"]) for r in chart.rows] == [
        ("retrieval", 30.0, "30 ms", 0.0, 30.0), ("ranking", 90.0, "90 ms", 30.0, 120.0)]
    assert chart.limit == 100.0 and chart.limit_text == "budget 100 ms"
    assert latency_by_stage(Estimate("t", Conventions(), None, {})) is None
