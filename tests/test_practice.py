"""Practice mode: grading at its boundaries, answers with units, scripted sessions, the history database."""

from __future__ import annotations

import math
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import typing
from pathlib import Path

import pytest
from conftest import PRACTICE_DB, ROOT, SCENARIOS, run_cli

from estimator.conventions import periods_of
from estimator.compose import estimate
from estimator.results import FRAMEWORK_STEPS
from estimator.practice import history
from estimator.practice.answers import AnswerError, GivenAnswer, parse_answer
from estimator.practice.grading import SLACK, grade, log_error
from estimator.practice.questions import available_questions, framework, pick, question_data
from estimator.practice.session import attempt, derivation_steps
from estimator.scenario import Conventions, load_scenario
from estimator.vocabulary import Archetype
from estimator.trace import step
from estimator.units import Q_, parse_quantity

VIDEO = ROOT / "scenarios" / "video_recommendation.yaml"
ANSWERS = ROOT / "tests" / "practice" / "video_recommendation_answers.yaml"


# ------------------------------------------------------------------------------ grading

@pytest.mark.parametrize("guess, expected", [
    (100.0, "good"),
    (200.0, "good"), (50.0, "good"),  # exactly 2x either way: good (both ends included)
    (200.0 * (1 + SLACK), "good"), (50.0 * (1 - SLACK), "good"),  # the rounding of a unit conversion
    (200.0 * (1 + 2 * SLACK), "acceptable"), (50.0 * (1 - 2 * SLACK), "acceptable"),
    (1000.0, "acceptable"), (10.0, "acceptable"),  # exactly 10x either way: acceptable
    (1000.0 * (1 + SLACK), "acceptable"), (10.0 * (1 - SLACK), "acceptable"),
    (1000.0 * (1 + 2 * SLACK), "miss"), (10.0 * (1 - 2 * SLACK), "miss"),
    (0.0, "miss"), (-5.0, "miss"),
])
def test_grade_boundaries_are_the_factors_themselves_both_ends_included(guess, expected):
    assert grade(Q_(guess, "request/s"), Q_(100.0, "request/s")).grade == expected


def test_grade_boundaries_hold_where_floating_point_rounds_the_factor():
    # 0.3 × 10 is 3.0000000000000004 and 0.3 / 2 is 0.15 in binary floating point: the rule holds there too.
    assert grade(Q_(3.0, "GB"), Q_(0.3, "GB")).grade == "acceptable"
    assert grade(Q_(0.15, "GB"), Q_(0.3, "GB")).grade == "good"
    assert grade(Q_(0.6, "GB"), Q_(0.3, "GB")).grade == "good"


def test_grade_converts_the_guess_to_the_answers_unit():
    graded = grade(Q_(2.0, "TB"), Q_(1000.0, "GB"))
    assert graded.grade == "good" and graded.error == pytest.approx(math.log10(2), abs=1e-15)


def test_log_error_is_symmetric_and_infinite_without_a_guess():
    assert log_error(1000.0, 10.0) == 2.0 == log_error(10.0, 1000.0)
    assert log_error(0.0, 1.0) == math.inf and log_error(1.0, 0.0) == math.inf


# ------------------------------------------------------------------------------ answers

COST = step("cost.monthly_total", "Monthly cost", "x", Q_(5.0, "USD"), per="month")
PRIMER_MONTH = periods_of(Conventions(month="2.5e6 s"))


def _parse(text: str, result=COST, example: str = "1 million USD"):
    return parse_answer(GivenAnswer(text), result.key, result, example, PRIMER_MONTH)


def test_an_answer_per_period_may_be_the_amount_or_a_rate_in_the_scenarios_month():
    assert _parse("2 million USD") == Q_(2e6, "USD")
    per_month = _parse("2 million USD/month")  # in the scenario's month of 2.5e6 s, not pint's 2,629,746 s
    assert str(per_month.units) == "USD" and per_month.magnitude == pytest.approx(2e6, rel=1e-15)
    assert _parse("800 USD/s") == Q_(800 * 2.5e6, "USD")


@pytest.mark.parametrize("text, message", [
    ("2 GB", "answer: cost.monthly_total: wrong dimension: given '2 GB', expected an amount of money, "
             "e.g. '1 million USD' (per month), or a rate, e.g. '1 million USD/month'"),
    ("2000000", "answer: cost.monthly_total: missing unit: given '2000000', expected an amount of money, "
                "e.g. '1 million USD' (per month), or a rate, e.g. '1 million USD/month'"),
    ("0 USD", "answer: cost.monthly_total: zero: given '0 USD', expected an amount of money, "
              "e.g. '1 million USD' (per month), or a rate, e.g. '1 million USD/month'"),
    ("9**9**9 USD", "answer: cost.monthly_total: chained exponents (a ** b ** c) are not allowed: "
                    "given '9**9**9 USD', expected an amount of money, e.g. '1 million USD' (per month), "
                    "or a rate, e.g. '1 million USD/month'"),
])
def test_an_answer_that_cannot_be_used_is_refused_with_what_was_expected(text, message):
    with pytest.raises(AnswerError) as refused:
        _parse(text)
    assert str(refused.value) == message


# ------------------------------------------------------------------------------ questions as data

@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_bundled_scenario_has_questions_whose_examples_have_the_answers_dimension(path):
    scenario = load_scenario(path)
    result = estimate(scenario)
    asked = available_questions(scenario.archetype, result)
    assert len(asked) >= 4, [q.key for q in asked]
    for question in asked:
        assert parse_quantity(question.example).dimensionality == result[question.key].dimensionality, question.key


def test_every_archetype_has_the_seven_steps_each_with_questions_as_text():
    assert set(question_data()["archetypes"]) == set(typing.get_args(Archetype))
    for archetype in typing.get_args(Archetype):
        assert set(question_data()["archetypes"][archetype]["framework"]) == set(range(1, len(FRAMEWORK_STEPS) + 1))
        steps = framework(archetype)
        assert [s.title for s in steps] == list(FRAMEWORK_STEPS)
        assert all(s.questions and all(isinstance(q, str) and q.endswith("?") for q in s.questions) for s in steps)


def test_the_same_seed_picks_the_same_questions():
    result = estimate(load_scenario(VIDEO))
    candidates = available_questions("recommendation", result)
    assert [q.key for q in pick(candidates, 7)] == [q.key for q in pick(candidates, 7)] == [
        "serving.accelerators", "storage.growth_per_year", "embeddings.total_size", "traffic.peak_qps", "index.size"]


def test_the_working_of_an_answer_is_the_chain_of_steps_that_lead_to_it():
    result = estimate(load_scenario(VIDEO))
    assert [s.key for s in derivation_steps("traffic.peak_qps", result)] == [
        "traffic.daily_active_users", "traffic.average_qps", "traffic.peak_qps"]
    # A sum of six costs shows the six, not everything behind them.
    assert [s.key for s in derivation_steps("cost.monthly_total", result)] == [
        "storage.monthly_cost", "features.online.monthly_cost", "features.offline.monthly_cost",
        "serving.monthly_cost", "training.monthly_cost", "cost.egress_monthly", "cost.monthly_total"]


# ------------------------------------------------------------------------------ the command

def _attempt_rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT scenario, question, answer, grade, round(error, 3) FROM attempts "
                                  "ORDER BY id").fetchall()


def test_a_scripted_session_grades_each_answer_with_its_working_and_exits_0():
    before = len(_attempt_rows(PRACTICE_DB)) if PRACTICE_DB.exists() else 0
    result = run_cli("practice", "scenarios/video_recommendation.yaml", "--answers", str(ANSWERS.relative_to(ROOT)))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert "Goal: Increase user engagement (watch time) on the homepage." in lines
    assert "  traffic.monthly_active_users = 2.00 G user" in lines  # what is given ...
    first_question = next(i for i, line in enumerate(lines) if line.startswith("Q1. "))
    assert "116 k request/s" not in "\n".join(lines[:first_question])  # ... and no result before the questions
    assert "  1. Clarify requirements" in lines
    graded = [line for line in lines if line.startswith(("  GOOD", "  ACCEPTABLE", "  MISS", "  refused"))]
    assert graded == [
        "  GOOD: Envelope's answer is 116 k request/s; error 0.06 orders of magnitude (|log10(estimate / answer)|)",
        "  ACCEPTABLE: Envelope's answer is 92.4 PB/year; error 0.66 orders of magnitude (|log10(estimate / answer)|)",
        "  MISS: Envelope's answer is 6.67 TB; error 1.12 orders of magnitude (|log10(estimate / answer)|)",
        "  refused: tests/practice/video_recommendation_answers.yaml:6:23: serving.accelerators: wrong dimension: "
        "given '300 GB', expected a quantity of dimension [accelerator], e.g. '80 GPU'",
        "  MISS: Envelope's answer is 105 GPU",
        "  GOOD: Envelope's answer is $1.52 M/month; error 0.01 orders of magnitude (|log10(estimate / answer)|)",
    ]
    assert "    traffic.peak_qps = average_qps × peak_factor = 57.9 k request/s × 2 = 116 k request/s" in lines
    assert "Score: 2 good, 1 acceptable, 2 miss of 5 questions." in lines
    assert lines[-1] == (f"History: 5 attempts saved to {PRACTICE_DB} (`envelope practice --history` shows them).")
    assert _attempt_rows(PRACTICE_DB)[before:] == [
        ("Video recommendation", "traffic.peak_qps", "100 thousand request/s", "good", 0.063),
        ("Video recommendation", "storage.growth_per_year", "20 PB", "acceptable", 0.665),
        ("Video recommendation", "features.online.size", "500 GB", "miss", 1.125),
        ("Video recommendation", "serving.accelerators", "300 GB", "miss", None),
        ("Video recommendation", "cost.monthly_total", "1.5 million USD/month", "good", 0.006),
    ]
    shown = run_cli("practice", "--history")
    assert shown.returncode == 0, shown.stderr
    assert "Missed most: serving.accelerators" in shown.stdout
    assert " traffic.peak_qps " in shown.stdout


def test_a_typed_answer_with_the_wrong_dimension_is_asked_again():
    result = run_cli("practice", "scenarios/video_recommendation.yaml", "--seed", "7",
                     stdin="116 GB\n100 accelerator\n\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert ("answer: serving.accelerators: wrong dimension: given '116 GB', expected a quantity of dimension "
            "[accelerator], e.g. '80 GPU'; try again (an empty line gives up)") in out
    assert "  GOOD: Envelope's answer is 105 GPU; error 0.02 orders of magnitude" in out
    assert "  no answer\n  MISS: Envelope's answer is 92.4 PB/year\n" in out  # the empty line gave it up
    assert "(end of input: session stopped)" in out
    assert "Score: 1 good, 0 acceptable, 1 miss of 2 questions." in out
    assert "5 questions (seed 7: `--seed 7` asks them again)." in out


@pytest.mark.parametrize("text, message", [
    ("traffic.peak_qs: 1 request/s\n",
     "{file}:1:1: traffic.peak_qs: not a question for this scenario: expected one of: traffic.peak_qps, "
     "storage.growth_per_year, features.online.size, embeddings.total_size, index.size, serving.accelerators, "
     "experiments.ab_test.sample_size_per_arm, cost.monthly_total; did you mean 'traffic.peak_qps'?"),
    ("- 1 request/s\n", "{file}:1:1: not a mapping of question keys to answers: given list, expected lines such "
                        "as 'traffic.peak_qps: 100 thousand request/s'"),
    ("traffic.peak_qps: [1]\n", "{file}:1:19: traffic.peak_qps: not an answer: given [1], expected a quantity "
                                "with its unit as text"),
    ("traffic.peak_qps: 'a\n", "{file}:2:1: malformed YAML: found unexpected end of stream"),
])
def test_a_bad_answers_file_is_one_located_line_and_exit_2(tmp_path, text, message):
    file = tmp_path / "answers.yaml"
    file.write_text(text, encoding="utf-8")
    result = run_cli("practice", str(VIDEO), "--answers", str(file))
    assert result.returncode == 2
    assert result.stderr.strip() == message.format(file=file)
    assert "Traceback" not in result.stderr


def test_answers_without_a_scenario_and_a_missing_answers_file_exit_2(tmp_path):
    alone = run_cli("practice", "--answers", str(ANSWERS))
    assert (alone.returncode, alone.stderr.strip()) == (
        2, "--answers needs a scenario file: envelope practice SCENARIO --answers FILE")
    missing = run_cli("practice", str(VIDEO), "--answers", str(tmp_path / "none.yaml"))
    assert (missing.returncode, missing.stderr.strip()) == (
        2, f"{tmp_path / 'none.yaml'}: cannot read the answers: No such file or directory")


def test_practice_works_and_says_history_was_not_saved_when_home_is_dev_null():
    result = subprocess.run([sys.executable, "-m", "estimator", "practice", str(VIDEO), "--answers", str(ANSWERS)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "HOME": "/dev/null", "LANG": "C.UTF-8"})
    assert result.returncode == 0, result.stderr
    assert "Score: 2 good, 1 acceptable, 2 miss of 5 questions." in result.stdout
    assert result.stdout.splitlines()[-1] == (
        "History not saved: /dev/null/.local/share/envelope/practice.sqlite3: Not a directory")


def test_a_cold_unit_cache_still_gives_bytes_their_dimension(tmp_path):
    # No warm pint cache (a first run, or HOME=/dev/null): information must still be a dimension.
    code = "from estimator.units import Q_; print(Q_(1, 'B').dimensionality, Q_(1, 'bit').dimensionality)"
    for _ in range(2):  # cold, then warm
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                                env={"PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(tmp_path), "HOME": str(tmp_path)})
        assert result.stdout.split() == ["[information]", "[information]"], result.stderr


# ------------------------------------------------------------------------------ history database

def _attempts(count: int, error: float = 0.1):
    result = estimate(load_scenario(VIDEO))
    question = available_questions("recommendation", result)[0]
    return [attempt("Video recommendation", question, GivenAnswer("100 thousand request/s"), result)
            for _ in range(count)]


def _version(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA user_version").fetchone()[0]


def test_the_database_is_created_on_first_use(tmp_path):
    path = tmp_path / "data" / "envelope" / "practice.sqlite3"
    assert history.load(path) == []  # reading creates nothing
    assert not path.exists()
    assert history.record(path, _attempts(2)) == 2
    assert _version(path) == history.SCHEMA_VERSION == 2
    records = history.load(path)
    assert [(r.question, r.answer, r.grade) for r in records] == [
        ("traffic.peak_qps", "100 thousand request/s", "good")] * 2
    assert history.database_path({"XDG_DATA_HOME": str(tmp_path / "data")}) == path


def test_a_version_0_file_is_migrated(tmp_path):
    path = tmp_path / "practice.sqlite3"
    sqlite3.connect(path).close()  # an empty database: user_version 0, no tables
    assert _version(path) == 0
    history.record(path, _attempts(1))
    assert _version(path) == 2 and len(history.load(path)) == 1


def test_a_version_1_database_is_migrated_and_keeps_its_attempts_with_grades_from_their_errors(tmp_path):
    path = tmp_path / "practice.sqlite3"
    with sqlite3.connect(path) as connection:
        for statement in history.MIGRATIONS[0]:
            connection.execute(statement)
        connection.execute("PRAGMA user_version = 1")
        connection.executemany(
            "INSERT INTO attempts (at, scenario, question, answer, truth, error) VALUES (?, ?, ?, ?, ?, ?)",
            [("2026-01-01T00:00:00+00:00", "s", "traffic.peak_qps", "1 request/s", 2.0, e)
             for e in (0.1, math.log10(2), 0.5, 1.0, 1.5, None)])
    connection.close()
    records = history.load(path)
    assert _version(path) == 2
    assert [r.grade for r in records] == ["good", "good", "acceptable", "acceptable", "miss", "miss"]
    history.record(path, _attempts(1))
    assert len(history.load(path)) == 7


def test_a_database_from_a_newer_envelope_or_not_a_database_is_left_alone(tmp_path):
    newer = tmp_path / "newer.sqlite3"
    with sqlite3.connect(newer) as connection:
        connection.execute("PRAGMA user_version = 99")
    connection.close()
    with pytest.raises(history.HistoryUnavailable, match="written by a newer Envelope"):
        history.record(newer, _attempts(1))
    assert _version(newer) == 99
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all, " * 100)
    with pytest.raises(history.HistoryUnavailable, match="file is not a database"):
        history.record(garbage, _attempts(1))
    assert garbage.read_bytes() == b"not a database at all, " * 100
    with pytest.raises(history.HistoryUnavailable, match="/dev/null: not a regular file"):
        history.record(Path("/dev/null"), _attempts(1))


KILLED_WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from estimator.compose import estimate
    from estimator.practice import history
    from estimator.practice.answers import GivenAnswer
    from estimator.practice.questions import available_questions
    from estimator.practice.session import attempt
    from estimator.scenario import load_scenario

    result = estimate(load_scenario(sys.argv[2]))
    question = available_questions("recommendation", result)[0]

    def attempts():
        for _ in range(50):
            yield attempt("killed", question, GivenAnswer("1 request/s"), result)
        print("inside the transaction", flush=True)
        time.sleep(120)  # killed here, before COMMIT
        yield attempt("killed", question, GivenAnswer("1 request/s"), result)

    history.record(Path(sys.argv[1]), attempts())
""")


def test_a_writer_killed_mid_transaction_leaves_the_database_whole_and_without_its_attempts(tmp_path):
    path = tmp_path / "practice.sqlite3"
    history.record(path, _attempts(3))
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(path), str(VIDEO)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert writer.stdout.readline() == "inside the transaction\n"
        assert (tmp_path / "practice.sqlite3-journal").exists()  # 50 rows written, not committed
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        writer.stdout.close()
    assert writer.returncode == -signal.SIGKILL
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()
    records = history.load(path)
    assert len(records) == 3 and {r.scenario for r in records} == {"Video recommendation"}
    history.record(path, _attempts(1))  # the lock died with the writer
    assert len(history.load(path)) == 4


# ------------------------------------------------------------------------------ more of the session

def test_time_adds_a_clock_to_each_answer():
    from estimator.practice.terminal import run_session

    scenario = load_scenario(VIDEO)
    result = estimate(scenario)
    questions = available_questions(scenario.archetype, result)[:2]
    ticks = iter([0.0, 12.5, 20.0, 21.25])
    typed = iter(["1 PB", "100 thousand request/s", "90 PB"])  # the first is refused and asked again
    lines: list[str] = []
    attempts = run_session(scenario, result, questions, ask=lambda _prompt: next(typed), echo=lines.append,
                           timed=True, clock=lambda: next(ticks))
    assert [(a.answer, a.seconds) for a in attempts] == [("100 thousand request/s", 12.5), ("90 PB", 1.25)]
    assert [line for line in lines if "answered in" in line] == ["  answered in 12.5 s", "  answered in 1.2 s"]


def test_practice_without_a_scenario_picks_a_case_study_by_seed_and_stops_at_the_end_of_input():
    first, again = (run_cli("practice", "--seed", "3", stdin="") for _ in range(2))
    assert first.returncode == 0, first.stderr
    assert first.stdout == again.stdout
    assert first.stdout.splitlines()[0].startswith("Problem: ")
    assert "(end of input: session stopped)" in first.stdout
    assert first.stdout.splitlines()[-1] == "Score: 0 good, 0 acceptable, 0 miss of 0 questions."


def test_the_study_notes_list_the_interviewers_questions_under_each_step():
    from estimator.notes import to_notes

    scenario = load_scenario(ROOT / "scenarios" / "llm_chat_assistant.yaml")
    notes = to_notes(scenario, estimate(scenario))
    step = notes.split("## 1. Clarify requirements\n", 1)[1].split("\n## ", 1)[0]
    assert "**The interviewer asks:**\n\n- Who are the users, how many requests per day, and how long are prompts " \
           "and answers?\n" in step
    assert notes.count("**The interviewer asks:**") == len(FRAMEWORK_STEPS)


def test_an_answer_typed_as_envelope_shows_it_is_refused_with_how_to_write_the_scale():
    peak = step("traffic.peak_qps", "Peak QPS", "x", Q_(115740.7, "request/s"))
    with pytest.raises(AnswerError) as refused:
        _parse("116 k request/s", peak, "50 thousand request/s")
    assert str(refused.value) == (
        "answer: traffic.peak_qps: 'k' reads as boltzmann_constant, which no capacity estimate uses: "
        "given '116 k request/s', expected a quantity of dimension "
        "[request] / [time], e.g. '50 thousand request/s'; write thousand, million, billion or trillion for k, M, "
        "G (or B) and T in front of a unit")
    assert _parse("116 thousand request/s", peak, "50 thousand request/s") == Q_(116e3, "request/s")
