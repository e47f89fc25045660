"""What practice mode asks, per archetype: headline results to estimate and the framework's questions.

Both live in ``questions.yaml`` next to this module (data, with its source); this module only
reads them and picks. A question is asked only when the scenario's estimate has its result and
the result is above 0, so a grade by ratio always means something.

>>> from estimator.compose import estimate
>>> from estimator.library import SCENARIOS_DIR
>>> from estimator.scenario import load_scenario
>>> result = estimate(load_scenario(SCENARIOS_DIR / "video_recommendation.yaml"))
>>> [q.key for q in available_questions("recommendation", result)][:3]
['traffic.peak_qps', 'storage.growth_per_year', 'features.online.size']
>>> [q.key for q in pick(available_questions("recommendation", result), seed=7, count=3)]
['serving.accelerators', 'storage.growth_per_year', 'embeddings.total_size']
>>> framework("llm")[0].title, len(framework("llm"))
('1. Clarify requirements', 7)
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from estimator.compose import Estimate
from estimator.scenario.source import safe_load

__all__ = ["DEFAULT_COUNT", "FrameworkStep", "Question", "available_questions", "framework", "framework_markdown",
           "pick", "question_data"]

QUESTIONS_FILE = Path(__file__).with_name("questions.yaml")
DEFAULT_COUNT = 5  # questions per session: a handful, as in an interview's estimation part


@dataclass(frozen=True)
class Question:
    """One estimate to make: the result ``key`` (also the question's kind), what is asked, an example answer."""

    key: str
    prompt: str
    example: str


@dataclass(frozen=True)
class FrameworkStep:
    """One of the seven steps (its title as the study notes give it), with the questions an interviewer asks."""

    title: str
    questions: tuple[str, ...]


@functools.cache
def question_data() -> dict[str, Any]:
    """The parsed ``questions.yaml`` (read once; the file ships with Envelope)."""
    data: dict[str, Any] = safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))
    return data


def questions(archetype: str) -> list[Question]:
    """Every question of ``archetype``, in the data's order.

    Raises
    ------
    KeyError
        For an archetype the data does not cover (the scenario model only allows covered ones).
    """
    return [Question(q["key"], q["prompt"], q["example"]) for q in question_data()["archetypes"][archetype]["questions"]]


def available_questions(archetype: str, estimate: Estimate) -> list[Question]:
    """The questions of ``archetype`` that ``estimate`` can answer: the result exists and is above 0.

    Parameters
    ----------
    archetype : str
        The scenario's archetype (``recommendation``, ``classification``, ``search``, ``llm``).
    estimate : Estimate
        The point estimate whose results are the answers.

    Returns
    -------
    list of Question
        In the data's order.
    """
    return [q for q in questions(archetype)
            if q.key in estimate and float(estimate[q.key].magnitude) > 0]


def pick(candidates: list[Question], seed: int | None, count: int = DEFAULT_COUNT) -> list[Question]:
    """``count`` of ``candidates`` in an order fixed by ``seed``; all of them, in order, when ``seed`` is None.

    The same seed and candidates give the same questions, on any machine (``random.Random``'s
    Mersenne Twister and ``sample`` are stable across Python versions for integer seeds).

    >>> qs = [Question(k, "", "") for k in "abcdef"]
    >>> [q.key for q in pick(qs, None)] == list("abcdef")
    True
    >>> pick(qs, 3, 2) == pick(qs, 3, 2)
    True
    """
    if seed is None:
        return list(candidates)
    return random.Random(seed).sample(candidates, min(count, len(candidates)))


def framework(archetype: str) -> list[FrameworkStep]:
    """The seven steps with the interviewer's questions for ``archetype``, in order."""
    from estimator.results import FRAMEWORK_STEPS  # the one home of the steps' titles

    asked = question_data()["archetypes"][archetype]["framework"]
    return [FrameworkStep(title, tuple(asked.get(number, ())))
            for number, title in enumerate(FRAMEWORK_STEPS, start=1)]


def framework_markdown(archetype: str) -> str:
    """The framework as Markdown: a heading per step and its questions as a list.

    Used by ``envelope practice`` before the numbers and by the study notes (``estimator.notes``).

    >>> print(framework_markdown("search").splitlines()[0])
    ### 1. Clarify requirements
    """
    lines: list[str] = []
    for item in framework(archetype):
        lines += [f"### {item.title}", "", *[f"- {q}" for q in item.questions], ""]
    return "\n".join(lines)
