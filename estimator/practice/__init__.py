"""Practice mode: rehearse the ML system design interview against Envelope's worked answers.

The candidate reads the problem and the framework's questions, estimates a handful of headline
results with units, and each answer is graded by its order-of-magnitude error and shown with
Envelope's working. Modules, each plain data and functions (no terminal, no widgets):

* ``questions`` (+ ``questions.yaml``): what is asked per archetype, and the seven steps' questions;
* ``answers``: answers parsed like a scenario's quantities; an answers file;
* ``grading``: |log10(guess / answer)| and the good / acceptable / miss rule;
* ``session``: the problem statement, attempts, the derivation of each answer, the score;
* ``history``: attempts kept in SQLite, summarised per kind of question;
* ``terminal``: the session as ``envelope practice`` runs it.
"""

from estimator.practice.answers import AnswerError, GivenAnswer, parse_answer, read_answers
from estimator.practice.grading import Grade, grade, log_error
from estimator.practice.questions import (FrameworkStep, Question, available_questions, framework, framework_markdown,
                                          pick)
from estimator.practice.session import Attempt, attempt, derivation, problem_statement, score

__all__ = ["AnswerError", "Attempt", "FrameworkStep", "GivenAnswer", "Grade", "Question", "attempt",
           "available_questions", "derivation", "framework", "framework_markdown", "grade", "log_error",
           "parse_answer", "pick", "problem_statement", "read_answers", "score"]
