"""The Streamlit app, run by Streamlit's AppTest (no browser): loads, edits, errors, downloads."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, SCENARIOS, run_cli
from streamlit.testing.v1 import AppTest

from estimator.compose import estimate
from estimator.library import bundled_scenarios
from estimator.display import show
from estimator.scenario import load_scenario_text
from estimator.views.sweep import sweep_defaults

HEADLINES = ["Peak QPS", "Total storage", "Feature store", "Accelerators", "Monthly cost"]
LLM_CARDS = {"Peak QPS": "traffic.peak_qps", "Total storage": "storage.total_footprint",
             "Accelerators": "llm.accelerators", "$ per M tokens": "llm.cost_per_million_tokens",
             "Time to first token": "llm.prefill_time", "Monthly cost": "cost.monthly_total"}


def started(file: str | None = None) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    if file is not None:
        app.sidebar.selectbox[0].set_value([e.path.name for e in bundled_scenarios()].index(file)).run()
    assert not app.exception
    return app


def opened(app: AppTest, tab: str) -> AppTest:
    """The app with ``tab`` selected: only the tab on screen is drawn."""
    app.session_state["tab"] = tab
    app.run()
    assert not app.exception
    return app


def field(app: AppTest, label: str):
    matches = [w for w in app.sidebar.text_input if w.label == label]
    assert matches, f"no field {label!r}"
    return matches[0]


def metrics(app: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta or None) for m in app.metric}


@pytest.mark.parametrize("file", [p.name for p in SCENARIOS])
def test_app_shows_each_bundled_scenario(file):
    app = started(file)
    entry = next(e for e in bundled_scenarios() if e.path.name == file)
    assert app.title[0].value == entry.name
    scenario = load_scenario_text(entry.path.read_bytes(), entry.path.name)
    expected = estimate(scenario)
    if scenario.archetype == "llm":  # an LLM is sized by its own fleet, its price per token and its TTFT
        assert list(metrics(app)) == list(LLM_CARDS)
        assert {label: value for label, (value, _) in metrics(app).items()} == {
            label: show(expected.steps[key], expected) for label, key in LLM_CARDS.items()}
    else:
        assert {"Peak QPS", "Monthly cost"} <= set(metrics(app)) <= set(HEADLINES)
    assert metrics(app)["Peak QPS"] == (show(expected.steps["traffic.peak_qps"], expected), None)
    assert app.dataframe, "the results table is shown"
    assert not app.error, [e.value for e in app.error]
    assert not app.warning, [w.value for w in app.warning]  # e.g. the diagram could not be drawn
    assert [t.label for t in app.tabs][:4] == ["Overview", "Show your work", "Scenario", "Downloads"]


def test_changing_an_input_changes_the_results():
    app = started()
    before = metrics(app)
    field(app, "Response size").set_value("50 KB").run()  # egress is priced: the monthly cost moves
    assert not app.exception and not app.error
    after = metrics(app)
    entry = bundled_scenarios()[0]
    expected = estimate(load_scenario_text(entry.path.read_bytes(), entry.path.name,
                                           ["traffic.response_size=50 KB"]))
    assert after["Monthly cost"][0] == show(expected.steps["cost.monthly_total"], expected) != before["Monthly cost"][0]
    assert after["Monthly cost"][1].startswith("+")
    assert after["Peak QPS"] == before["Peak QPS"]
    # The scenario tab shows the edited file, which loads back to what the cards say.
    opened(app, "Scenario")
    written = next(c.value for c in app.code if c.value.startswith("# Edited in Envelope"))
    assert "changed: traffic.response_size=50 KB" in written
    again = estimate(load_scenario_text(written, "edited.yaml"))
    assert show(again.steps["cost.monthly_total"], again) == after["Monthly cost"][0]


def test_conventions_in_the_sidebar_change_the_results():
    app = started()
    before = metrics(app)
    peak = app.sidebar.number_input[0]
    peak.set_value(2 * peak.value).run()
    assert not app.exception
    assert metrics(app)["Peak QPS"][1].endswith("(+100 %)")
    assert metrics(app)["Total storage"] == before["Total storage"]


def test_an_invalid_value_shows_an_error_next_to_it_and_the_page_keeps_working():
    app = started()
    before = metrics(app)
    field(app, "Response size").set_value("2 user").run()
    assert not app.exception
    errors = [e.value for e in app.sidebar.error]
    assert len(errors) == 1
    assert errors[0].startswith("wrong dimension: given '2 user', expected an amount of information, e.g. ")
    assert metrics(app) == before, "the estimate of the last good values is still shown"
    # ... and the page says that it does not follow the sidebar, naming the field as the sidebar does.
    assert [w.value for w in app.main.warning] == [
        "Not in these results: “Response size” (Traffic). The value in the sidebar was refused (the reason is "
        "under the field), so the results below use the file's value there."]
    field(app, "Request size").set_value("4 KB").run()
    assert not app.exception
    assert len(app.sidebar.error) == 1, "the bad value stays reported while another edit applies"
    assert not app.main.error
    assert len(app.main.warning) == 1
    field(app, "Response size").set_value("1 KB").run()
    assert not app.main.warning, "fixed: nothing is stale any more"


def test_the_sweep_range_belongs_to_its_case_study():
    """After switching case study the sweep starts from the new scenario's range, not the last one's."""
    app = opened(started("ad_click_prediction.yaml"), "Sweep")
    assert app.selectbox(key="sweep:input").value == "traffic.daily_active_users"
    first = [(w.key, w.value) for w in app.text_input if w.key.startswith("sweep:")]
    names = [e.path.name for e in bundled_scenarios()]
    app.sidebar.selectbox[0].set_value(names.index("llm_chat_assistant.yaml")).run()
    assert not app.exception and app.selectbox(key="sweep:input").value == "traffic.daily_active_users"
    text = (ROOT / "scenarios" / "llm_chat_assistant.yaml").read_bytes()
    expected = sweep_defaults(load_scenario_text(text, "llm_chat_assistant.yaml"), "traffic.daily_active_users",
                              lambda more: load_scenario_text(text, "llm_chat_assistant.yaml", more))
    now = [(w.key, w.value) for w in app.text_input if w.key.startswith("sweep:")]
    assert [value for _, value in now] == list(expected) != [value for _, value in first]
    assert {key for key, _ in now}.isdisjoint(key for key, _ in first)


def test_downloads_exist_for_report_results_scenario_and_diagram():
    app = opened(started(), "Downloads")
    labels = [b.label for b in app.get("download_button")]
    assert labels == ["Scenario YAML", "Report (Markdown)", "Results (JSON)", "Diagram (PNG)", "Diagram (SVG)"]


def test_a_broken_upload_shows_the_clis_message(tmp_path):
    broken = ROOT / "tests" / "invalid" / "wrong_dimension.yaml"
    (tmp_path / "wrong_dimension.yaml").write_bytes(broken.read_bytes())
    cli = run_cli("validate", "wrong_dimension.yaml", cwd=tmp_path)
    assert cli.returncode == 2
    app = started()
    app.sidebar.radio[0].set_value("Upload a YAML file").run()
    app.sidebar.file_uploader[0].set_value(("wrong_dimension.yaml", broken.read_bytes(), "application/x-yaml")).run()
    assert not app.exception
    assert [c.value for c in app.code] == [cli.stderr.strip()]
    assert not app.metric


def test_a_wrong_price_book_is_named_in_the_error_with_the_scenario():
    app = started("ad_click_prediction.yaml")
    book = b"name: not a book\n"
    [uploader] = [u for u in app.sidebar.file_uploader if u.label == "Price book (optional)"]
    uploader.set_value(("prices.yaml", book, "application/x-yaml")).run()
    assert not app.exception
    assert [e.value for e in app.error] == [
        "ad_click_prediction.yaml cannot be estimated with the price book prices.yaml:"]  # "_" inside a word is text
    assert [c.value for c in app.code] == ["prices.yaml:1:1: name: unknown key"]
    assert not app.metric


def test_an_uploaded_scenario_is_estimated():
    text = SCENARIOS[-1].read_bytes()
    app = started()
    app.sidebar.radio[0].set_value("Upload a YAML file").run()
    app.sidebar.file_uploader[0].set_value(("../../etc/mine.yaml", text, "application/x-yaml")).run()
    assert not app.exception and not app.error
    assert app.title[0].value == load_scenario_text(text, "x").name
    assert list(metrics(app)) == HEADLINES


# ------------------------------------------------------- uncertainty, sensitivity, sweep, compare

def table(app: AppTest, *columns: str):
    """The one dataframe whose columns start with ``columns``, as a list of row dicts."""
    frames = [d.value for d in app.dataframe if tuple(d.value.columns)[:len(columns)] == columns]
    assert len(frames) == 1, [list(d.value.columns) for d in app.dataframe]
    return frames[0].to_dict("records")


def test_the_uncertainty_tabs_show_intervals_tornado_sweep_and_comparison_for_a_ranged_scenario():
    from estimator.uncertainty import DEFAULT_SAMPLES, DEFAULT_SEED, sample_estimate, tornado
    from estimator.units import format_quantity

    file = "ad_click_prediction.yaml"
    app = started(file)
    assert [t.label for t in app.tabs][4:] == ["Uncertainty", "Sensitivity", "Sweep", "Compare", "Plan", "Practice"]
    opened(app, "Uncertainty")
    assert not app.error and not app.main.info
    scenario = load_scenario_text((ROOT / "scenarios" / file).read_bytes(), file)
    spread = sample_estimate(scenario, DEFAULT_SAMPLES, DEFAULT_SEED)
    assert any(c.value.startswith(f"{DEFAULT_SAMPLES:,} samples, seed {DEFAULT_SEED}.") for c in app.caption)
    intervals = {row["Key"]: row for row in table(app, "Result", "p5")}
    cost = spread.intervals["cost.monthly_total"]
    assert intervals["cost.monthly_total"]["p5"] == format_quantity(cost.p5, per="month")
    assert intervals["cost.monthly_total"]["p95"] == format_quantity(cost.p95, per="month")
    assert intervals["cost.monthly_total"]["p5"] != intervals["cost.monthly_total"]["p95"]
    assert len([c for c in app.get("vega_lite_chart")]) >= 5  # a histogram of each headline

    # The tornado's default target is the monthly cost; its rows are estimator.uncertainty's, in order.
    opened(app, "Sensitivity")
    assert len(app.get("vega_lite_chart")) == 1
    assert app.selectbox(key="sensitivity:target").value == "cost.monthly_total"
    expected = tornado(scenario, "cost.monthly_total")
    assert [row["Input"] for row in table(app, "Input")] == [row.input for row in expected]
    assert table(app, "Input")[0]["Swing"] == format_quantity(expected[0].swing, per="month")

    # Unedited, the comparison with the file shows no change at all.
    opened(app, "Compare")
    compared = table(app, "Result", "A")
    assert compared and {row["Relative"] for row in compared} == {"0 %"}
    assert any("No result changes" in m.value for m in app.markdown)
    assert not any("e+" in str(v) for row in compared for v in row.values())


def test_the_uncertainty_tabs_explain_a_scenario_without_ranges_and_still_sweep_and_compare():
    app = started("event_recommendation.yaml")
    for tab in ("Uncertainty", "Sensitivity"):
        notes = [i.value for i in opened(app, tab).main.info]
        assert len(notes) == 1 and notes[0].startswith("No ranges in this scenario."), notes
    assert not app.error
    assert opened(app, "Sweep").selectbox(key="sweep:target").value == "cost.monthly_total"
    opened(app, "Compare")
    assert {row["Relative"] for row in table(app, "Result", "A")} == {"0 %"}


def test_an_edit_shows_in_the_comparison_and_another_case_study_can_be_compared():
    app = opened(started(), "Compare")
    field(app, "Response size").set_value("50 KB").run()
    rows = {row["Key"]: row for row in table(app, "Result", "A")}
    assert rows["traffic.egress_bandwidth"]["Relative"] == "+4900 %"  # 1 KB → 50 KB
    assert rows["traffic.peak_qps"]["Relative"] == "0 %"
    assert list(rows)[:2] == ["traffic.peak_qps", "storage.total_footprint"], "headline results first"
    app.radio(key="compare:against").set_value("This scenario against another case study").run()
    assert not app.exception and not app.error
    summary = [m.value for m in app.markdown if m.value.startswith("**A:** ")]
    assert len(summary) == 1 and re.search(r"\. \d+ of \d+ results change", summary[0]), summary


def test_a_sweep_follows_its_bounds_and_words_a_bad_bound_like_the_cli():
    from estimator.compose import estimate as run
    from estimator.report import markdown_text
    from estimator.units import Q_, format_quantity

    app = opened(started("event_recommendation.yaml"), "Sweep")
    assert app.selectbox(key="sweep:input").value == "traffic.monthly_active_users", "not a convention"
    low, high = (next(w for w in app.text_input if w.key.startswith(f"sweep:{end}:") and
                      w.key.endswith(":traffic.monthly_active_users")) for end in ("low", "high"))
    low.set_value("100M").run()
    high.set_value("1B").run()
    app.number_input(key="sweep:steps").set_value(2).run()
    assert not app.exception and not app.error
    values = table(app, "traffic.monthly_active_users")
    text = (ROOT / "scenarios" / "event_recommendation.yaml").read_bytes()
    at_high = run(load_scenario_text(text, "x.yaml", ["traffic.monthly_active_users=1 billion user"]))
    assert values[-1]["cost.monthly_total"] == show(at_high.steps["cost.monthly_total"], at_high)
    assert [row["traffic.monthly_active_users"] for row in values] == [
        format_quantity(Q_(100e6, "user")), format_quantity(Q_(1e9, "user"))]
    app.text_input(key=high.key).set_value("2 KB").run()
    assert not app.exception
    cli = run_cli("sweep", "event_recommendation.yaml", "--param", "traffic.monthly_active_users=100M..2 KB",
                  "--target", "cost.monthly_total", cwd=ROOT / "scenarios")
    assert cli.returncode == 2 and "wrong dimension" in cli.stderr
    # The same words after the setting's name, which each front end gives its own way (the CLI's flag,
    # the app's widgets), Markdown-escaped so that text from a file renders as written and loads nothing.
    words = cli.stderr.strip().removeprefix("--param: ")
    assert cli.stderr.startswith("--param: ")
    assert [e.value for e in app.main.error] == [markdown_text(f"Input, From, To: {words}")]


def test_a_large_upload_shows_a_bounded_sidebar_and_draws_one_picture_per_run(monkeypatch):
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from scaling import scenario_text

    from estimator.edits import editable_inputs
    from ui.inputs import MAX_FIELDS_PER_SECTION, hidden_fields_text

    text = scenario_text(100).encode("utf-8")
    data_fields = sum(1 for item in editable_inputs(load_scenario_text(text, "x")) if item.section == "data")
    app = started()
    app.sidebar.radio[0].set_value("Upload a YAML file").run()
    app.sidebar.file_uploader[0].set_value(("big.yaml", text, "application/x-yaml")).run()
    assert not app.exception and not app.error
    widgets = [*app.sidebar.text_input, *app.sidebar.text_area, *app.sidebar.selectbox]
    assert len([w for w in widgets if w.key and ":data." in w.key]) == MAX_FIELDS_PER_SECTION
    assert hidden_fields_text(data_fields - MAX_FIELDS_PER_SECTION) in [c.value for c in app.sidebar.caption]


def test_the_svg_is_drawn_only_when_asked_for(monkeypatch):
    from diagrams_lib import render as render_module
    from estimator.compose import estimate
    from ui import diagram

    scenario = load_scenario_text((ROOT / "scenarios" / "video_search.yaml").read_bytes(), "x.yaml")
    drawn_formats: list[str] = []
    original = render_module.render

    def counting(graph, fmt="png", **kwargs):
        drawn_formats.append(fmt)
        return original(graph, fmt=fmt, **kwargs)

    monkeypatch.setattr(render_module, "render", counting)
    diagram.render_cached.clear()
    result = estimate(scenario)
    pictures, problem = diagram.pictures(lambda: diagram.graph_json(scenario, result), "onprem", "LR")
    assert problem is None and drawn_formats == ["png"]
    assert pictures["svg"]().startswith(b"<?xml") and drawn_formats == ["png", "svg"]


# ------------------------------------------------------- a convention written as a range or a choice

VIDEO = ROOT / "scenarios" / "video_recommendation.yaml"
PEAK_LINE = re.compile(rb"^  peak_factor: 2 .*$", re.MULTILINE)


def with_peak_factor(flow: str) -> bytes:
    """The video case study with ``conventions.peak_factor`` written as ``flow``."""
    text, replaced = PEAK_LINE.subn(b"  peak_factor: " + flow.encode(), VIDEO.read_bytes())
    assert replaced == 1
    return text


def uploaded(name: str, text: bytes) -> AppTest:
    app = started()
    app.sidebar.radio[0].set_value("Upload a YAML file").run()
    app.sidebar.file_uploader[0].set_value((name, text, "application/x-yaml")).run()
    return app


@pytest.mark.parametrize(("flow", "shown", "peak_qps"), [
    ("{low: 1.5, high: 3}", "{low: 1.5, high: 3, dist: lognormal}", "123 k request/s"),
    ("{choose: [2, 3]}", "{choose: [2, 3]}", "116 k request/s"),
])
def test_a_peak_factor_written_as_a_range_or_a_choice_is_shown_and_estimated_as_the_cli_does(
        tmp_path, flow, shown, peak_qps):
    import json

    from estimator.display import file_range_text
    from estimator.report import markdown_text
    from estimator.units import Q_
    from estimator.views import headline_metrics

    text = with_peak_factor(flow)
    (tmp_path / "peak.yaml").write_bytes(text)
    cli = run_cli("estimate", "peak.yaml", "--format", "json", cwd=tmp_path)
    assert cli.returncode == 0, cli.stderr
    app = uploaded("peak.yaml", text)
    assert not app.exception, [e.message for e in app.exception]
    assert not app.error and not app.warning
    scenario = load_scenario_text(text, "peak.yaml")
    expected = estimate(scenario)
    cards = headline_metrics(expected, expected, scenario.archetype)
    assert {label: value for label, (value, _) in metrics(app).items()} == {m.label: m.value for m in cards}
    assert metrics(app)["Peak QPS"] == (peak_qps, None)
    # ... and each card's number is the CLI's for the same file.
    values = {row["key"]: Q_(row["value"], row["unit"]) for row in json.loads(cli.stdout)["results"]}
    for card in cards:
        assert values[card.key].to(expected.steps[card.key].value.units).magnitude == pytest.approx(
            expected.steps[card.key].value.magnitude, rel=1e-12)
    # The sidebar shows the file's range as written, read-only, and says what the estimate takes from it.
    [peak] = [w for w in app.sidebar.text_input if w.label.startswith("Peak factor")]
    assert (peak.value, peak.disabled) == (shown, True)
    assert not [w for w in app.sidebar.number_input if w.label.startswith("Peak factor")]
    assert markdown_text(file_range_text(scenario.conventions.peak_factor)) in [c.value for c in app.sidebar.caption]
    # Another convention changes the estimate and leaves the range as the file writes it.
    [storage] = [r for r in app.sidebar.radio if r.label == "Storage units"]
    storage.set_value("binary").run()
    assert not app.exception and not app.main.warning
    assert metrics(app)["Peak QPS"] == (peak_qps, None)
    assert "PiB" in metrics(app)["Total storage"][0]


def test_a_peak_factor_above_the_fields_usual_bound_is_shown_as_the_file_writes_it():
    app = uploaded("peak.yaml", with_peak_factor("150"))
    assert not app.exception, [e.message for e in app.exception]
    [peak] = [w for w in app.sidebar.number_input if w.label.startswith("Peak factor")]
    assert peak.value == 150.0
    assert not app.main.warning, "showing the value does not change it"


def test_a_diagram_that_cannot_be_drawn_is_worded_like_the_clis_messages():
    from ui import diagram

    scenario = load_scenario_text(VIDEO.read_bytes(), "x.yaml")
    result = estimate(scenario)
    drawn, problem = diagram.pictures(lambda: diagram.graph_json(scenario, result), "nosuchtheme", "LR")
    assert drawn == {}
    assert problem == ("The diagram could not be drawn: unknown theme 'nosuchtheme'; "
                       "choose one of: aws, azure, gcp, onprem.")
    assert diagram.diagram_problem(KeyError("edges")) == (
        "The diagram could not be drawn: 'edges'. This is a bug in Envelope, not in your input.")
