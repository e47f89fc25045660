"""Every error Envelope shows a person derives from ``EnvelopeError``.

Messages are built from fields, one line per problem, so tests can assert them exactly:

>>> print(Problem("s.yaml", 4, 3, "traffic.daily_active_user", "unknown key",
...               hint="did you mean 'daily_active_users'?"))
s.yaml:4:3: traffic.daily_active_user: unknown key; did you mean 'daily_active_users'?
>>> print(Problem("s.yaml", 8, 24, "traffic.request_size", "wrong dimension",
...               given="'2 request'", expected="an amount of information, e.g. '2 KiB'"))
s.yaml:8:24: traffic.request_size: wrong dimension: given '2 request', expected an amount of information, e.g. '2 KiB'
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["EXIT_USAGE", "EnvelopeError", "OptionError", "OutputError", "Problem", "ScenarioError", "UsageError",
           "did_you_mean", "printable"]

EXIT_USAGE = 2  # bad input: a scenario, an option, an output path


class EnvelopeError(Exception):
    """Base of every error that is the user's to fix. The CLI prints it and exits 2."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in one input."""

    file: str
    line: int | None
    column: int | None
    path: str
    what: str
    given: str | None = None
    expected: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        text = f"{where}: {self.path}: {self.what}" if self.path else f"{where}: {self.what}"
        details = [part for part in (
            f"given {self.given}" if self.given is not None else None,
            f"expected {self.expected}" if self.expected is not None else None,
        ) if part]
        if details:
            text += ": " + ", ".join(details)
        if self.hint:
            text += f"; {self.hint}"
        return printable(text)


def printable(text: str) -> str:
    r"""Escape what a terminal would not show as one line (newlines, control characters).

    Keys, values and file names come from the input, which may hold anything.

    >>> print(printable("traffic.\rusers\x1e: unknown key"))
    traffic.\rusers\x1e: unknown key
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The hint for a misspelt name: the closest of ``choices``, or None when none is close.

    Closeness is difflib's ratio (``difflib.get_close_matches``); ``cutoff`` is its threshold.

    Parameters
    ----------
    word : str
        The name as given.
    choices : iterable of str
        The names that exist.
    cutoff : float
        The least similarity (0 to 1) a suggestion needs.

    Returns
    -------
    str or None
        ``"did you mean 'x'?"``, for ``Problem.hint`` or the end of a message.

    >>> did_you_mean("daily_active_user", ["daily_active_users", "requests"])
    "did you mean 'daily_active_users'?"
    >>> did_you_mean("zzz", ["daily_active_users"]) is None
    True
    """
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f"did you mean '{matches[0]}'?" if matches else None


class ScenarioError(EnvelopeError):
    """A scenario that cannot be loaded or estimated: one or more problems."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


class OutputError(EnvelopeError):
    """An output that cannot be written where or how it was asked."""


class UsageError(EnvelopeError):
    """A command-line option with a value Envelope cannot use."""


class OptionError(UsageError):
    """A setting of a study (samples, target, param, steps) with a value Envelope cannot use.

    The error carries fields, not front-end words: the CLI names the setting as its flag
    (``--samples``), the app as its widget's label (``Samples``), through ``worded``.

    >>> error = OptionError("samples", given="0", expected="a whole number from 1 to 1,000,000")
    >>> error.worded("--samples")
    '--samples: given 0, expected a whole number from 1 to 1,000,000'
    >>> print(OptionError("target", "no result named 'x'", hint="did you mean 'y'?"))
    target: no result named 'x'; did you mean 'y'?
    """

    def __init__(self, option: str, what: str | None = None, *, given: str | None = None,
                 expected: str | None = None, hint: str | None = None) -> None:
        self.option, self.what, self.given, self.expected, self.hint = option, what, given, expected, hint
        super().__init__(self.worded(option))

    def worded(self, name: str) -> str:
        """The message with the setting called ``name``."""
        parts = [part for part in (self.what, f"given {self.given}" if self.given is not None else None) if part]
        text = f"{name}: " + ", ".join(parts)
        if self.expected is not None:
            text += f", expected {self.expected}" if parts else f"expected {self.expected}"
        return printable(text + (f"; {self.hint}" if self.hint else ""))
