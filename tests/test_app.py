"""The Streamlit app, run by Streamlit's AppTest (no browser): loads, edits, errors, downloads."""

from __future__ import annotations

import pytest
from conftest import ROOT, SCENARIOS, run_cli
from streamlit.testing.v1 import AppTest

from estimator.estimate import estimate
from estimator.library import bundled_scenarios
from estimator.report import show
from estimator.scenario import load_scenario_text

HEADLINES = ["Peak QPS", "Total storage", "Feature store", "Accelerators", "Monthly cost"]


def started(file: str | None = None) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    if file is not None:
        app.sidebar.selectbox[0].set_value([e.path.name for e in bundled_scenarios()].index(file)).run()
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
    assert {"Peak QPS", "Monthly cost"} <= set(metrics(app)) <= set(HEADLINES)
    expected = estimate(load_scenario_text(entry.path.read_bytes(), entry.path.name))
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
    field(app, "Request size").set_value("4 KB").run()
    assert not app.exception
    assert len(app.sidebar.error) == 1, "the bad value stays reported while another edit applies"
    assert not app.main.error


def test_downloads_exist_for_report_results_scenario_and_diagram():
    app = started()
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


def test_an_uploaded_scenario_is_estimated():
    text = SCENARIOS[-1].read_bytes()
    app = started()
    app.sidebar.radio[0].set_value("Upload a YAML file").run()
    app.sidebar.file_uploader[0].set_value(("../../etc/mine.yaml", text, "application/x-yaml")).run()
    assert not app.exception and not app.error
    assert app.title[0].value == load_scenario_text(text, "x").name
    assert list(metrics(app)) == HEADLINES
