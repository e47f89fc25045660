"""A practice session as plain data: the problem, the questions, each attempt graded with its working.

Nothing here reads a terminal or draws a widget: ``envelope practice`` and the app's Practice
tab both call these functions and only show what they return.

>>> from estimator.compose import estimate
>>> from estimator.library import SCENARIOS_DIR
>>> from estimator.scenario import load_scenario
>>> scenario = load_scenario(SCENARIOS_DIR / "video_recommendation.yaml")
>>> result = estimate(scenario)
>>> question = available_questions(scenario.archetype, result)[0]
>>> a = attempt(scenario.name, question, GivenAnswer("100 thousand request/s"), result)
>>> a.grade, round(a.error, 3), a.truth
('good', 0.063, '116 k request/s')
>>> for line in derivation(question.key, result): print(line)
traffic.daily_active_users = monthly_active_users × daily_active_fraction = 2.00 G user × 0.500 = 1.00 G user
traffic.average_qps = daily_active_users × requests_per_user = 1.00 G user × 5 request/user/day = 57.9 k request/s
traffic.peak_qps = average_qps × peak_factor = 57.9 k request/s × 2 = 116 k request/s
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from estimator.compose import Estimate
from estimator.practice.answers import AnswerError, GivenAnswer, parse_answer
from estimator.practice.grading import GRADES, grade
from estimator.practice.questions import Question, available_questions
from estimator.ranges import at_medians
from estimator.display import show, show_input
from estimator.report import results_table, working
from estimator.scenario import Scenario
from estimator.trace import Step
from estimator.walk import iter_quantities

__all__ = ["Attempt", "attempt", "available_questions", "derivation", "derivation_markdown", "derivation_steps",
           "given_assumptions", "problem_statement", "score", "score_line"]

MAX_DERIVATION_STEPS = 10  # lines of working per answer: enough for a chain, short enough to read


@dataclass(frozen=True)
class Attempt:
    """One graded answer, as it is shown and stored.

    ``guess`` and ``truth`` are shown as a person reads them; ``guess_value`` and ``truth_value``
    are magnitudes in ``unit`` (the result's unit), ``guess_value`` None when no usable answer was
    given. ``error`` is |log10(guess / truth)|, None when there is no guess; ``refused`` is the
    message of an answer that could not be read (a file's wrong dimension, counted as a miss).
    """

    scenario: str
    key: str
    prompt: str
    answer: str
    guess: str | None
    truth: str
    guess_value: float | None
    truth_value: float
    unit: str
    error: float | None
    grade: str
    refused: str | None = None
    seconds: float | None = None


def attempt(scenario: str, question: Question, given: GivenAnswer | None, estimate: Estimate,
            seconds: float | None = None) -> Attempt:
    """Grade ``given`` for ``question`` against ``estimate``; no answer, or an unreadable one, is a miss.

    Parameters
    ----------
    scenario : str
        The scenario's name (stored with the attempt).
    question : Question
        What was asked; its key is a result of ``estimate``.
    given : GivenAnswer or None
        The answer as typed, or None when none was given.
    estimate : Estimate
        The point estimate whose result is the truth.
    seconds : float, optional
        Time taken to answer, when timed.

    Returns
    -------
    Attempt
    """
    from estimator.units import unit_text

    result = estimate.steps[question.key]
    truth = result.value
    common: dict[str, Any] = dict(scenario=scenario, key=question.key, prompt=question.prompt, truth=show(result, estimate),
                  truth_value=float(truth.magnitude), unit=unit_text(truth.units), seconds=seconds)
    if given is None:
        return Attempt(answer="", guess=None, guess_value=None, error=None, grade="miss", **common)
    try:
        guess = parse_answer(given, question.key, result, question.example, estimate.periods)
    except AnswerError as error:
        return Attempt(answer=given.text, guess=None, guess_value=None, error=None, grade="miss",
                       refused=str(error), **common)
    graded = grade(guess, truth)
    converted = guess.to(truth.units)  # shown like the result: same unit, prefix and period
    return Attempt(answer=given.text, guess=show(replace(result, value=converted), estimate),
                   guess_value=float(converted.magnitude), error=graded.error, grade=graded.grade,
                   **common)  # type: ignore[arg-type]


def derivation_steps(key: str, estimate: Estimate) -> list[Step]:
    """The Steps that lead to ``key``, in the estimate's order (inputs before what uses them), ``key`` last.

    An input named ``serving.monthly_cost`` is that result; an input named ``average_qps`` of
    ``traffic.peak_qps`` is the sibling result ``traffic.average_qps`` when there is one. The
    results ``key`` uses directly come first, then theirs, a whole generation at a time while
    the derivation stays within ``MAX_DERIVATION_STEPS`` (a sum of six costs shows the six, not
    everything behind them).
    """
    chosen, generation = {key}, [key]
    while generation:
        parents = []
        for current in generation:
            parent = current.rsplit(".", 1)[0]
            for name in estimate.steps[current].inputs:
                found = next((c for c in (name, f"{parent}.{name}") if c in estimate and c != current), None)
                if found is not None and found not in chosen and found not in parents:
                    parents.append(found)
        if len(chosen) + len(parents) > MAX_DERIVATION_STEPS:
            break
        chosen.update(parents)
        generation = parents
    return [step for step in estimate if step.key in chosen]


def derivation(key: str, estimate: Estimate) -> list[str]:
    """The working of ``key`` and of the results it comes from, one line each (``report.working``)."""
    return [f"{step.key} = {working(step, estimate)}" for step in derivation_steps(key, estimate)]


def derivation_markdown(key: str, estimate: Estimate) -> str:
    """The same derivation as a Markdown table of the report (``report.results_table``)."""
    return "\n".join(results_table(derivation_steps(key, estimate), estimate))


def given_assumptions(scenario: Scenario, estimate: Estimate) -> list[tuple[str, str]]:
    """Every input quantity of the scenario (a range at its median) as (path, value shown): what is given.

    Inputs at 0 are left out: they are the defaults of sections that do not apply (a stage with no FLOPs).
    """
    return [(path, show_input(quantity, estimate)) for path, quantity in iter_quantities(at_medians(scenario))
            if float(quantity.magnitude) != 0]


def problem_statement(scenario: Scenario) -> list[tuple[str, str]]:
    """The problem as stated to a candidate: name, summary and framing, without any result."""
    framing = scenario.framing
    rows = [("Problem", scenario.name), ("Summary", " ".join(scenario.summary.split())), ("Goal", framing.goal),
            ("ML task", framing.task), ("Objective", framing.objective), ("Labels", framing.labels),
            ("Offline metrics", ", ".join(framing.offline_metrics)),
            ("Online metrics", ", ".join(framing.online_metrics))]
    return [(name, text) for name, text in rows if text]


def score(attempts: list[Attempt]) -> dict[str, int]:
    """How many attempts got each grade, every grade present.

    >>> score([])
    {'good': 0, 'acceptable': 0, 'miss': 0}
    """
    counts = Counter(a.grade for a in attempts)
    return {name: counts.get(name, 0) for name in GRADES}


def score_line(attempts: list[Attempt], total_seconds: float | None = None) -> str:
    """``Score: 3 good, 1 acceptable, 1 miss of 5 questions.``

    >>> score_line([])
    'Score: 0 good, 0 acceptable, 0 miss of 0 questions.'
    """
    counts = score(attempts)
    text = f"Score: {counts['good']} good, {counts['acceptable']} acceptable, {counts['miss']} miss " \
           f"of {len(attempts)} question{'s' if len(attempts) != 1 else ''}."
    if total_seconds is not None:
        text += f" Time: {total_seconds:.1f} s."
    return text
