"""Read a candidate's answers: typed with units, parsed by the same rules as a scenario's quantities.

An answer goes through ``estimator.scenario.fields.quantity_validator`` (pint's parser via
``estimator.units.parse_quantity``, bounded, never ``eval``), so ``2 PB`` or ``50 thousand
request/s`` read as they do in a scenario file and a wrong dimension is refused with the
dimension expected and an example. A result counted over a convention period (a monthly cost,
``Step.per == "month"``) takes the amount (``1 million USD``) or the rate
(``1 million USD/month``, converted with the scenario's month).

An answers file (``--answers FILE``) is YAML mapping question key to answer text::

    traffic.peak_qps: 100 thousand request/s
    cost.monthly_total: 2 million USD
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pint
from pydantic_core import PydanticCustomError

from estimator.conventions import Periods, normalise_time
from estimator.errors import EnvelopeError, Problem, ScenarioError, shown_problems
from estimator.scenario.fields import describe_dimension, quantity_validator
from estimator.scenario.source import read_capped, read_yaml
from estimator.trace import Step

__all__ = ["AnswerError", "GivenAnswer", "expected_text", "parse_answer", "read_answers"]


class AnswerError(EnvelopeError):
    """Answers that cannot be used: one located problem per line of the message."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(shown_problems(problems))


@dataclass(frozen=True)
class GivenAnswer:
    """An answer's text and where it was written (``file``, ``line``, ``column``; no line when typed)."""

    text: str
    file: str = "answer"
    line: int | None = None
    column: int | None = None


def expected_text(result: Step, example: str) -> str:
    """What an answer to ``result`` must be, in words, with ``example``.

    >>> from estimator.trace import step
    >>> from estimator.units import Q_
    >>> expected_text(step("cost.monthly_total", "Monthly cost", "x", Q_(5.0, "USD"), per="month"), "1 million USD")
    "an amount of money, e.g. '1 million USD' (per month), or a rate, e.g. '1 million USD/month'"
    """
    text = f"{describe_dimension(str(result.value.dimensionality))}, e.g. '{example}'"
    if result.per:
        text += f" (per {result.per}), or a rate, e.g. '{example}/{result.per}'"
    return text


def parse_answer(given: GivenAnswer, key: str, result: Step, example: str, periods: Periods) -> pint.Quantity:
    """The answer as a quantity of ``result``'s dimension and above 0.

    Parameters
    ----------
    given : GivenAnswer
        The text and where it came from (for the message).
    key : str
        The question's key, named in the message.
    result : Step
        Envelope's result for the question: its value's dimension is the one expected.
    example : str
        An answer of that dimension, shown in the message.
    periods : Periods
        The scenario's conventions, to read a rate per ``result.per`` as an amount.

    Returns
    -------
    pint.Quantity
        Finite and above 0, with ``result``'s dimensionality.

    Raises
    ------
    AnswerError
        With one Problem: what was given and what was expected (dimension and example).

    >>> from estimator.conventions import periods_of
    >>> from estimator.scenario import Conventions
    >>> from estimator.trace import step
    >>> from estimator.units import Q_
    >>> cost = step("cost.monthly_total", "Monthly cost", "x", Q_(5.0, "USD"), per="month")
    >>> month = periods_of(Conventions(month="2.5e6 s"))
    >>> parse_answer(GivenAnswer("2 million USD/month"), "cost.monthly_total", cost, "1 million USD", month)
    <Quantity(2000000.0, 'USD')>
    >>> try:
    ...     parse_answer(GivenAnswer("2 GB"), "cost.monthly_total", cost, "1 million USD", month)
    ... except AnswerError as error:
    ...     print(error)
    answer: cost.monthly_total: wrong dimension: given '2 GB', expected an amount of money, e.g. '1 million USD' \
(per month), or a rate, e.g. '1 million USD/month'
    """
    dimension = str(result.value.dimensionality)
    try:
        return _checked(quantity_validator(dimension, example, positive=True, ranged=False)(given.text))
    except PydanticCustomError as error:
        first = error
    if result.per and first.type == "wrong_dimension":
        rate = quantity_validator(f"{dimension} / [time]", f"{example}/{result.per}", positive=True, ranged=False)
        try:
            quantity = rate(given.text)
        except PydanticCustomError:
            pass
        else:
            return _checked(normalise_time(quantity, periods) * periods.seconds(result.per).to("s"))
    what = str(first.context.get("what", first.type)) if first.context else first.type
    hint = SCALE_HINT if _DISPLAY_SCALE.search(given.text) else None
    raise AnswerError([Problem(given.file, given.line, given.column, key, what,
                               given=repr(given.text), expected=expected_text(result, example), hint=hint)])


# Envelope shows "116 k request/s" and "1.00 G user"; typed back, pint reads k as Boltzmann's
# constant and G as the gravitational constant, so the dimension is wrong. Say what to write.
_DISPLAY_SCALE = re.compile(r"\d\s*\$?\s*[kMGBT]\b(?!\w)")
SCALE_HINT = "write thousand, million, billion or trillion for k, M, G (or B) and T in front of a unit"


def _checked(quantity: pint.Quantity) -> pint.Quantity:
    # quantity_validator has refused what is not finite, negative or 0; this keeps it so.
    assert math.isfinite(float(quantity.magnitude)) and quantity.magnitude > 0
    return quantity


def read_answers(path: Path, keys: list[str]) -> dict[str, GivenAnswer]:
    """The answers in ``path``, by question key, in the file's order.

    Parameters
    ----------
    path : Path
        A YAML file mapping question keys to answer text (numbers are read as text: a number
        without a unit is then refused as a missing unit, when the answer is graded).
    keys : list of str
        The question keys this scenario can ask; any other key is refused.

    Returns
    -------
    dict of str to GivenAnswer

    Raises
    ------
    AnswerError
        The file cannot be read, is not a mapping, or names a key that is not a question here
        (with a "did you mean"); every problem is located.
    """
    from estimator.errors import did_you_mean  # the project's one "did you mean"

    file = str(path)
    try:  # at most the size cap plus one byte: /dev/zero or an endless pipe is refused, not read
        text = read_capped(path, what="the answers")
    except ScenarioError as error:
        raise AnswerError(error.problems) from None
    try:
        document = read_yaml(text, file)
    except EnvelopeError as error:
        raise AnswerError(list(getattr(error, "problems", [])) or [Problem(file, None, None, "", str(error))]) from None
    data = document.data
    if not isinstance(data, dict):
        raise AnswerError([document.problem((), "not a mapping of question keys to answers",
                                            given=type(data).__name__,
                                            expected=f"lines such as '{keys[0] if keys else 'traffic.peak_qps'}: "
                                                     f"100 thousand request/s'")])
    problems, answers = [], {}
    for key, value in data.items():
        where = document.key_positions.get((key,), (None, None))
        if str(key) not in keys:
            problems.append(Problem(file, where[0], where[1], str(key), "not a question for this scenario",
                                    expected="one of: " + ", ".join(keys), hint=did_you_mean(str(key), keys)))
        elif isinstance(value, bool) or not isinstance(value, (str, int, float)):
            problems.append(document.problem((key,), "not an answer", given=repr(value),
                                             expected="a quantity with its unit as text"))
        else:
            line, column = document.position((key,))
            answers[str(key)] = GivenAnswer(str(value), file, line, column)
    if problems:
        raise AnswerError(problems)
    return answers
