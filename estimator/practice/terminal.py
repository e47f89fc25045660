"""``envelope practice`` in a terminal: the session's text, with the asking and printing passed in.

``run_session`` takes ``ask`` (a prompt → the typed line, or None at the end of input) and
``echo`` (print one line), so the same code runs a person at a keyboard, an answers file, or a test.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from estimator.errors import printable
from estimator.compose import Estimate
from estimator.practice.history import KindSummary
from estimator.practice.answers import AnswerError, GivenAnswer, parse_answer
from estimator.practice.questions import Question, framework
from estimator.practice.session import (Attempt, attempt, derivation, given_assumptions, problem_statement,
                                        score_line)
from estimator.scenario import Scenario

__all__ = ["history_table", "introduction", "practice_command", "run_session"]

Ask = Callable[[str], "str | None"]
Echo = Callable[[str], None]


def introduction(scenario: Scenario, estimate: Estimate) -> list[str]:
    """The problem, what is given (inputs, never results) and the framework's questions, before any number."""
    lines = [f"{name}: {text}" for name, text in problem_statement(scenario)]
    lines += ["", "Given:"] + [f"  {path} = {value}" for path, value in given_assumptions(scenario, estimate)]
    lines += ["", "The interview, step by step (think these through before the numbers):"]
    for step in framework(scenario.archetype):
        lines.append(f"  {step.title}")
        lines += [f"     - {question}" for question in step.questions]
    return lines


def _graded_lines(a: Attempt, estimate: Estimate) -> list[str]:
    if a.refused:
        head = [f"  refused: {a.refused}"]
    elif a.guess is None:
        head = ["  no answer"]
    else:
        head = [f"  your estimate: {a.guess}"]
    verdict = f"  {a.grade.upper()}: Envelope's answer is {a.truth}"
    if a.error is not None:
        verdict += f"; error {a.error:.2f} orders of magnitude (|log10(estimate / answer)|)"
    timed = [f"  answered in {a.seconds:.1f} s"] if a.seconds is not None else []
    return head + [verdict] + timed + ["  working:"] + [f"    {line}" for line in derivation(a.key, estimate)] + [""]


def run_session(scenario: Scenario, estimate: Estimate, questions: list[Question], ask: Ask, echo: Echo,
                answers: dict[str, GivenAnswer] | None = None, timed: bool = False,
                clock: Callable[[], float] = time.monotonic) -> list[Attempt]:
    """Ask each question, grade it and show the working; return the attempts.

    From ``answers`` (a file) an answer is taken as written: a wrong dimension is reported and
    counted as a miss, a missing one is a miss. Typed answers that cannot be read are refused
    with the dimension expected and asked again; an empty line gives up the question (a miss);
    the end of input ends the session (the remaining questions are not asked).
    """
    attempts = []
    for number, question in enumerate(questions, start=1):
        result = estimate.steps[question.key]
        echo(f"Q{number}. {question.prompt} [{question.key}] (e.g. {question.example})")
        start = clock()
        if answers is not None:
            given = answers.get(question.key)
            echo(f"  answer: {given.text}" if given is not None else "  answer: (none in the answers file)")
        else:
            given, ended = _typed(question, result, estimate, ask, echo)
            if ended:
                echo("  (end of input: session stopped)")
                break
        seconds = clock() - start if timed else None
        attempts.append(attempt(scenario.name, question, given, estimate, seconds))
        for line in _graded_lines(attempts[-1], estimate):
            echo(line)
    return attempts


def _typed(question: Question, result, estimate: Estimate, ask: Ask, echo: Echo):  # type: ignore[no-untyped-def]
    """A typed answer that parses, or None for an empty line; ``ended`` at the end of input."""
    while True:
        text = ask("  your estimate: ")
        if text is None:
            return None, True
        if not text.strip():
            return None, False
        given = GivenAnswer(text.strip())
        try:
            parse_answer(given, question.key, result, question.example, estimate.periods)
        except AnswerError as error:
            echo(f"  {error}; try again (an empty line gives up)")
            continue
        return given, False


MAX_SHOWN_ERRORS = 8  # the latest errors of a kind shown in the terminal table


def history_table(summaries: list[KindSummary]) -> Any:
    """A rich Table: per question kind, attempts, misses, mean error and its latest errors (oldest first)."""
    from rich import box
    from rich.table import Table

    table = Table(title="Practice history: error = |log10(estimate / answer)|",
                  caption=f"Missed most first; latest errors oldest first (up to {MAX_SHOWN_ERRORS}); "
                          "a dash is an answer that could not be graded (a miss).",
                  caption_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("Question kind", no_wrap=True)
    for name in ("Attempts", "Misses", "Mean error"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("Latest errors", overflow="fold")
    for kind in summaries:
        mean = f"{kind.mean_error:.2f}" if kind.mean_error is not None else "-"
        latest = " ".join(f"{e:.2f}" if e is not None else "-" for e in kind.errors[-MAX_SHOWN_ERRORS:])
        table.add_row(kind.question, str(kind.attempts), str(kind.misses), mean, latest)
    return table


def _ask(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None


def practice_command(file: Path | None, seed: int | None, answers_file: Path | None, timed: bool, echo: Echo,
                     ask: Ask = _ask) -> list[Attempt]:
    """All of ``envelope practice`` but the history view: choose, introduce, ask, grade, score, record.

    Raises
    ------
    EnvelopeError
        A scenario or answers file with a problem (the CLI prints it and exits 2).
    """
    from estimator.compose import estimate as run_estimate
    from estimator.errors import UsageError
    from estimator.library import bundled_scenarios
    from estimator.practice import history
    from estimator.practice.answers import read_answers
    from estimator.practice.questions import available_questions, pick
    from estimator.scenario import load_scenario

    raw_echo = echo

    def printable_echo(line: str) -> None:  # scenario and answer text may hold control characters
        raw_echo(printable(line))

    echo = printable_echo

    if file is None:
        if answers_file is not None:
            raise UsageError("--answers needs a scenario file: envelope practice SCENARIO --answers FILE")
        chooser = random.Random(seed) if seed is not None else random.SystemRandom()
        file = chooser.choice([entry.path for entry in bundled_scenarios()])
    scenario = load_scenario(file)
    result = run_estimate(scenario)
    candidates = available_questions(scenario.archetype, result)
    answers = read_answers(answers_file, [q.key for q in candidates]) if answers_file is not None else None
    if answers is not None and seed is None:
        chosen = [q for key in answers for q in candidates if q.key == key]  # the file's questions, in its order
    else:
        if seed is None:
            seed = random.SystemRandom().randrange(1_000_000)
        chosen = pick(candidates, seed)
    for line in introduction(scenario, result):
        echo(line)
    echo("")
    if seed is not None:
        echo(f"{len(chosen)} questions (seed {seed}: `--seed {seed}` asks them again). "
             "Type each estimate with its unit.")
    else:
        echo(f"{len(chosen)} questions from {answers_file}.")
    echo("")
    start = time.monotonic()
    attempts = run_session(scenario, result, chosen, ask, echo, answers, timed)
    echo(score_line(attempts, time.monotonic() - start if timed else None))
    if attempts:
        path = history.database_path()
        try:
            history.record(path, attempts)
        except history.HistoryUnavailable as error:
            echo(f"History not saved: {error}")
        else:
            echo(f"History: {len(attempts)} attempts saved to {path} (`envelope practice --history` shows them).")
    return attempts
