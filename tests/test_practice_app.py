"""The app's Practice tab through Streamlit's AppTest: hidden answers, units, reveal with working, history."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import ROOT, SCENARIOS
from streamlit.testing.v1 import AppTest

from estimator.compose import estimate
from estimator.library import bundled_scenarios
from estimator.practice.questions import available_questions
from estimator.display import show
from estimator.scenario import load_scenario
from estimator.units import unit_text


@pytest.fixture
def database(tmp_path, monkeypatch):
    path = tmp_path / "practice.sqlite3"
    monkeypatch.setenv("ENVELOPE_PRACTICE_DB", str(path))  # AppTest runs the script in this process
    return path


def started(file: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    app.session_state["tab"] = "Practice"  # only the tab on screen is drawn
    app.run()
    app.sidebar.selectbox[0].set_value([e.path.name for e in bundled_scenarios()].index(file)).run()
    assert not app.exception
    return app


def practice_tab(app: AppTest):
    return next(t for t in app.tabs if t.label == "Practice")


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_the_practice_tab_asks_hides_and_reveals_for_every_bundled_scenario(path, database):
    result = estimate(load_scenario(path))
    questions = available_questions(load_scenario(path).archetype, result)
    app = started(path.name)
    tab = practice_tab(app)
    assert [t.label for t in tab.text_input] == [f"Q{n}. {q.prompt}" for n, q in enumerate(questions, start=1)]
    answers = [show(result.steps[q.key], result) for q in questions]
    assert not any(answer in m.value for m in tab.markdown for answer in answers), "answers are hidden"
    first = questions[0]
    exact = result[first.key]
    tab.text_input[0].set_value(f"{exact.magnitude!r} {unit_text(exact.units)}").run()  # the answer itself
    practice_tab(app).button[0].click().run()
    assert not app.exception and not app.error
    tab = practice_tab(app)
    texts = [m.value for m in tab.markdown]
    assert f"**Good: within 2×.** Envelope's answer: **{answers[0]}** (your estimate {answers[0]}; error 0.00)." \
        in texts
    assert any(f"(`{first.key}`)" in t and t.startswith("| Result | Value | Working |") for t in texts), "working"
    assert "**Score: 1 good, 0 acceptable, 0 miss of 1 question.**" in texts
    assert len(tab.get("vega_lite_chart")) == 1, "the history chart"


def test_a_wrong_unit_is_refused_under_its_field_and_nothing_is_revealed(database):
    app = started("video_recommendation.yaml")
    practice_tab(app).text_input[0].set_value("116 GB").run()
    practice_tab(app).button[0].click().run()
    tab = practice_tab(app)
    assert [e.value for e in tab.error] == [
        "answer: traffic.peak_qps: wrong dimension: given '116 GB', expected a quantity of dimension "
        "[request] / [time], e.g. '50 thousand request/s'. Correct it and reveal again."]
    assert not any(m.value.startswith("**Good") or m.value.startswith("**Miss") for m in tab.markdown)
    assert not database.exists(), "nothing stored"


def test_reveals_are_stored_once_and_the_history_chart_shows_attempts_across_runs(database):
    for guess in ("100 thousand request/s", "5 request/s"):  # two sessions, as two runs of the app
        app = started("video_recommendation.yaml")
        practice_tab(app).text_input[0].set_value(guess).run()
        practice_tab(app).button[0].click().run()
        practice_tab(app).text_input[1].set_value("").run()  # another rerun: the reveal is not stored again
        assert not app.exception
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT question, answer, grade FROM attempts ORDER BY id").fetchall()
    connection.close()
    assert rows == [("traffic.peak_qps", "100 thousand request/s", "good"), ("traffic.peak_qps", "5 request/s", "miss")]
    tab = practice_tab(app)
    [chart] = tab.get("vega_lite_chart")
    assert "traffic.peak_qps" in str(chart.proto) and "\"error\"" in chart.proto.spec  # its data and encoding
    summary = [d.value for d in tab.dataframe if "Question kind" in d.value.columns]
    assert summary[0].to_dict("records") == [
        {"Question kind": "traffic.peak_qps", "Attempts": 2, "Misses": 1, "Mean error": "2.21"}]  # (0.063 + 4.364) / 2
