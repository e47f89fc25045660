"""Grade an estimate against Envelope's answer by its order-of-magnitude error.

The error of a guess ``g`` for an answer ``a`` (both above 0, in the same unit) is
``|log10(g / a)|``: 0 for the exact answer, log10(2) ≈ 0.301 for a factor of 2 either way,
1 for a factor of 10. The grade uses the factors themselves, both ends included:

* **good** when ``a / 2 ≤ g ≤ 2 × a`` (error ≤ log10 2),
* **acceptable** otherwise when ``a / 10 ≤ g ≤ 10 × a`` (error ≤ 1),
* **miss** beyond a factor of 10, and for a guess that is not above 0.

Comparing ``g`` with ``2 × a`` rather than the rounded logarithm with ``log10(2)`` keeps the
boundaries where they are said to be: a guess of exactly twice the answer is good, whatever
floating point makes of ``log10(2 × a / a)``. Each bound is widened by ``SLACK`` (10^-12,
relative), because converting the guess into the answer's unit rounds (2 TB is
2000.0000000000002 GB); no estimate is that precise, so a guess beyond the bound by more than
that is beyond it. The factors 2 and 10 are Envelope's own rule for practice (what an
interviewer accepts of a napkin estimate), not a published result.

>>> from estimator.units import Q_
>>> grade(Q_(200.0, "request/s"), Q_(100.0, "request/s"))
Grade(grade='good', error=0.301...)
>>> grade(Q_(1.0, "kB"), Q_(10.0, "kB")).grade
'acceptable'
>>> grade(Q_(1.5, "GB"), Q_(0.1, "GB")).grade
'miss'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pint

__all__ = ["ACCEPTABLE_FACTOR", "GOOD_FACTOR", "GRADES", "SLACK", "Grade", "grade", "log_error"]

GOOD_FACTOR = 2.0
ACCEPTABLE_FACTOR = 10.0
SLACK = 1e-12  # relative: the rounding of a unit conversion, not a tolerance of the rule
GradeName = Literal["good", "acceptable", "miss"]
GRADES: tuple[GradeName, ...] = ("good", "acceptable", "miss")


@dataclass(frozen=True)
class Grade:
    """A grade and the order-of-magnitude error it came from (``inf`` when there is no guess)."""

    grade: GradeName
    error: float


def log_error(guess: float, answer: float) -> float:
    """``|log10(guess / answer)|`` for ``guess, answer > 0``; ``inf`` otherwise.

    Parameters
    ----------
    guess, answer : float
        Magnitudes in the same unit.

    Returns
    -------
    float
        Orders of magnitude between them: 1.0 for a factor of 10 either way.

    >>> log_error(1000.0, 10.0), log_error(10.0, 1000.0), log_error(0.0, 5.0)
    (2.0, 2.0, inf)
    """
    if not (guess > 0 and answer > 0 and math.isfinite(guess) and math.isfinite(answer)):
        return math.inf
    return abs(math.log10(guess) - math.log10(answer))


def within(guess: float, answer: float, factor: float) -> bool:
    """``answer / factor ≤ guess ≤ answer × factor``, both ends included, each widened by ``SLACK``.

    >>> within(2.0, 1.0, 2.0), within(0.5, 1.0, 2.0), within(2.0000001, 1.0, 2.0)
    (True, True, False)
    """
    return answer / factor * (1 - SLACK) <= guess <= answer * factor * (1 + SLACK)


def grade(guess: pint.Quantity, answer: pint.Quantity) -> Grade:
    """Grade ``guess`` against ``answer`` (the same dimension; converted to the answer's unit).

    Parameters
    ----------
    guess, answer : pint.Quantity
        The candidate's estimate and Envelope's result, of one dimension.

    Returns
    -------
    Grade
        ``good`` within a factor of 2, ``acceptable`` within 10, else ``miss`` (module docstring).

    Raises
    ------
    pint.DimensionalityError
        When the dimensions differ (callers parse answers with ``estimator.practice.answers``,
        which refuses them first).
    """
    g = float(guess.to(answer.units).magnitude)
    a = float(answer.magnitude)
    error = log_error(g, a)
    if not math.isfinite(error):
        return Grade("miss", error)
    if within(g, a, GOOD_FACTOR):
        return Grade("good", error)
    if within(g, a, ACCEPTABLE_FACTOR):
        return Grade("acceptable", error)
    return Grade("miss", error)
