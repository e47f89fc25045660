"""What the app's uncertainty, sensitivity, sweep and comparison tabs show (estimator.views)."""

from __future__ import annotations

import math
import re

import numpy as np
import pint
import pytest
from conftest import ROOT, SCENARIOS, run_cli

from estimator.compare import compare
from estimator.display import axis_scale
from estimator.errors import EnvelopeError
from estimator.compose import estimate
from estimator.ranges import Range
from estimator.scenario import load_scenario, load_scenario_text
from estimator.uncertainty import sample_estimate, sweep, sweep_bounds, sweepable, tornado
from estimator.views.compare import comparison_summary
from estimator.views.sweep import sweep_chart, sweep_defaults
from estimator.views.uncertainty import histogram, interval_rows, tornado_chart
from estimator.units import Q_, format_quantity, parse_quantity

AD_CLICK = ROOT / "scenarios" / "ad_click_prediction.yaml"


@pytest.mark.parametrize("units", ["USD", "B", "request/s", "GPU", "FLOP/s", "ms", "user", ""])
@pytest.mark.parametrize("largest", [0.3, 1.0, 999.0, 1e3, 4.2e5, 7e9, 3e13])
def test_axis_scale_puts_the_largest_value_in_a_readable_range_and_names_the_scale_format_quantity_uses(units, largest):
    title, divisor = axis_scale(Q_(1, units).units, largest)
    on_axis = largest / divisor
    if units != "ms" and largest >= 1:
        assert 1 <= on_axis < 1000, (title, divisor)
    # The axis reads as format_quantity words the same value: its number over the axis's title.
    shown = format_quantity(Q_(largest, units))
    number = re.match(r"^\$?(-?[0-9][0-9,]*(?:\.[0-9]+)?)", shown)
    assert number is not None, shown
    assert math.isclose(float(number[1].replace(",", "")), on_axis, rel_tol=5e-3), (shown, title, divisor)
    assert (shown[:number.start(1)] + shown[number.end():]).replace(" ", "") == title.replace(" ", "")


def test_axis_scale_binary_bytes_use_powers_of_1024():
    assert axis_scale(Q_(1, "B").units, 5 * 2.0**30, binary=True) == ("GiB", 2.0**30)
    assert axis_scale(Q_(1, "B").units, 5e9) == ("GB", 1e9)


def test_interval_rows_of_a_point_scenario_are_its_point_estimate_and_vary_nowhere():
    path = next(p for p in SCENARIOS if p.name == "event_recommendation.yaml")
    scenario = load_scenario(path)
    spread = sample_estimate(scenario, 100, 1)
    point = estimate(scenario)
    rows = interval_rows(spread)
    assert rows and not any(row.varies for row in rows)
    for row in rows:
        shown = format_quantity(point[row.key], per=point.steps[row.key].per)
        assert row.point == row.p5 == row.p50 == row.p95 == shown
        assert histogram(spread, row.key) is None


def test_interval_rows_and_histograms_of_the_ad_click_scenario_follow_its_draws():
    spread = sample_estimate(load_scenario(AD_CLICK), 20_000, 3)
    rows = {row.key: row for row in interval_rows(spread)}
    assert rows["cost.monthly_total"].varies and rows["traffic.peak_qps"].varies
    chart = histogram(spread, "traffic.peak_qps")
    assert chart is not None
    draws = spread.draws["traffic.peak_qps"].to(spread.point["traffic.peak_qps"].units).magnitude
    counts = sum(bar["count"] for bar in chart.bars)
    assert 0.985 * draws.size <= counts <= draws.size  # the middle 99 % (ends included)
    edges = [bar["start"] for bar in chart.bars] + [chart.bars[-1]["end"]]
    assert edges == sorted(edges)
    marks = {mark["name"]: mark["value"] for mark in chart.marks}
    assert edges[0] < marks["p5"] < marks["point estimate"] < marks["p95"] < edges[-1]
    # About 5 % of the draws lie below the p5 line: the chart's scale is the marks' scale.
    below = sum(bar["count"] for bar in chart.bars if bar["end"] <= marks["p5"])
    assert 0.03 < below / draws.size < 0.055
    # Peak QPS is log-normal (a product of two log-normal ranges): the point estimate is its median.
    assert abs(float(np.median(draws)) / spread.point["traffic.peak_qps"].magnitude - 1) < 0.03


def test_tornado_chart_bars_are_the_tornado_values_on_the_axis_scale():
    scenario = load_scenario(AD_CLICK)
    rows = tornado(scenario, "cost.monthly_total")
    chart = tornado_chart(rows, estimate(scenario), "cost.monthly_total")
    assert chart.unit.startswith("$") and chart.unit.endswith("/month")
    _, divisor = axis_scale(Q_(1, "USD").units, max(abs(q.magnitude) for r in rows for q in (r.at_low, r.at_high)),
                            per="month")
    assert [r["input"] for r in chart.rows] == [r.input for r in rows]
    for shown, row in zip(chart.rows, rows, strict=True):
        assert math.isclose(shown["at_low"] * divisor, row.at_low.to("USD").magnitude)
        assert math.isclose(shown["at_high"] * divisor, row.at_high.to("USD").magnitude)
        assert shown["swing_text"] == format_quantity(row.swing, per="month")
    assert chart.base_text == format_quantity(estimate(scenario)["cost.monthly_total"], per="month")


# One scenario with ranges and one without: every input costs a few loads of the file.
@pytest.mark.parametrize("path", [AD_CLICK, ROOT / "scenarios" / "event_recommendation.yaml"], ids=lambda p: p.stem)
def test_the_default_sweep_bounds_of_every_input_are_read_back_by_sweep_bounds(path):
    """The From/To fields start with text the CLI's --param accepts, for every sweepable input."""
    text = path.read_bytes()
    scenario = load_scenario_text(text, path.name)
    load = lambda more: load_scenario_text(text, path.name, more)  # noqa: E731
    refused = {}
    for name, (raw, value) in sweepable(scenario).items():
        if not _written(text, raw):
            continue  # --set cannot add a path the file leaves to its default (see the report)
        low_text, high_text = sweep_defaults(scenario, name, load)
        assert "e+" not in low_text + high_text and "e-" not in low_text + high_text
        try:
            _, low, high = sweep_bounds(scenario, f"{name}={low_text}..{high_text}", load)
        except EnvelopeError as error:
            refused[name] = str(error)
            continue
        if isinstance(value, Range):  # a range's own ends, to the four figures the text keeps
            for got, want in zip((low, high), (value.low, value.high), strict=True):
                got_m = got.to(want.units).magnitude if isinstance(want, pint.Quantity) else got
                want_m = want.magnitude if isinstance(want, pint.Quantity) else want
                assert math.isclose(float(got_m), float(want_m), rel_tol=1e-3), (name, got, want)
        else:
            assert low != high or low_text == high_text
    assert not refused, refused


def _written(text: bytes, raw: tuple) -> bool:
    """Whether the file itself writes this input (rather than leaving it to its default)."""
    from estimator.scenario.source import read_yaml

    data = read_yaml(text, "x.yaml").data
    for part in raw:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return False
    return True


def test_sweep_chart_rows_are_the_sweep_worded_and_scaled():
    scenario = load_scenario(AD_CLICK)
    swept = sweep(scenario, "traffic.daily_active_users", Q_(1e8, "user"), Q_(2e9, "user"), 5, "cost.monthly_total")
    chart = sweep_chart(swept, estimate(scenario))
    assert len(chart.rows) == 5
    assert chart.x_title.startswith("traffic.daily_active_users (") and chart.y_title.endswith("/month)")
    ys = [row["y"] for row in chart.rows]
    assert ys == sorted(ys) and ys[0] < ys[-1]  # more users cost more
    for row, y in zip(chart.rows, swept.results.magnitude, strict=True):
        assert row["y_text"] == format_quantity(Q_(float(y), swept.results.units), per="month")
        assert parse_quantity(row["x_text"].replace(" M ", " million ").replace(" G ", " billion ")).check("[user]")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_scenario_compared_with_itself_has_no_change(path):
    result = estimate(load_scenario(path))
    rows = compare(result, result)
    assert comparison_summary(rows) == f"No result changes: all {len(rows)} are the same."
    assert len(rows) == len(list(result))


def test_a_setting_error_carries_fields_and_each_front_end_words_it_its_own_way():
    """The domain says which setting is wrong; the CLI names its flag, the app its widget."""
    from estimator.errors import OptionError
    from estimator.uncertainty import check_samples
    from ui.uncertainty_ui import worded

    source = (ROOT / "estimator" / "uncertainty.py").read_text(encoding="utf-8")
    assert re.findall(r"--(?:samples|target|param|steps)\b", source) == []
    with pytest.raises(OptionError) as caught:
        check_samples(0)
    error = caught.value
    assert (error.option, error.given, error.expected) == ("samples", "0", "a whole number from 1 to 1,000,000")
    assert worded(error) == "Samples: given 0, expected a whole number from 1 to 1,000,000"
    cli = run_cli("sensitivity", "scenarios/ad_click_prediction.yaml", "--target", "cost.monthly_totl")
    assert cli.returncode == 2
    assert cli.stderr.strip() == "--target: no result named 'cost.monthly_totl'; did you mean 'cost.monthly_total'?"
