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
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["EXIT_USAGE", "EnvelopeError", "OptionError", "OutputError", "Problem", "ScenarioError", "UsageError",
           "did_you_mean", "is_unsafe", "json_printable", "lookalikes", "printable", "shown_problems"]

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


# Characters that act on a terminal or a reader instead of showing: C0/C1 controls (ESC starts a
# terminal command), format characters (the bidi overrides U+202A–U+202E and isolates U+2066–U+2069
# that make "evil" read "live", U+200E/U+200F marks, zero-width characters), line and paragraph
# separators, surrogates, private-use and unassigned code points (Unicode general categories).
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def is_unsafe(char: str) -> bool:
    """Whether one character would act on a terminal or reader rather than be shown.

    >>> [is_unsafe(c) for c in ("a", " ", "\u00e9", "\x1b", "\u202e", "\u2066", "\u200f", "\x85")]
    [False, False, False, True, True, True, True, True]
    """
    return unicodedata.category(char) in UNSAFE_CATEGORIES


def printable(text: str) -> str:
    r"""Escape what would act on a terminal, a report or a diagram instead of showing as text.

    Keys, values, names and file names come from the input, which may hold anything: a name
    with ``\x1b[2J`` clears the terminal, a newline forges an output line, U+202E reverses the
    text after it. Each such character becomes its Python escape; other text (accents, CJK,
    spaces) is kept. This is the one helper for every place input text is shown.

    A byte that is not UTF-8 in a file name or an argument reaches Python as a lone surrogate
    U+DC80–U+DCFF (PEP 383's ``surrogateescape``: what ``os.fsdecode`` and ``sys.argv`` give); it
    is shown as that byte, ``\xff``, as ``os.fsencode(name).decode("utf-8", "backslashreplace")``
    shows it, never as a ``\udcff`` that no one typed.

    Parameters
    ----------
    text : str
        Text from an input file, an option or a file name.

    Returns
    -------
    str
        The same text with each unsafe character (``is_unsafe``) written as ``\xNN``/``\uNNNN``,
        and each escaped byte as ``\xNN``.

    Examples
    --------
    >>> print(printable("traffic.\rusers\x1e: unknown key"))
    traffic.\rusers\x1e: unknown key
    >>> print(printable("\x1b[2J\x1b]0;owned\x07 caf\u00e9 \u202elive\u202c"))
    \x1b[2J\x1b]0;owned\x07 café \u202elive\u202c
    >>> import os
    >>> print(printable(os.fsdecode(b"/tmp/caf\xe9 \xff.yaml")))
    /tmp/caf\xe9 \xff.yaml
    """
    if text.isprintable():  # the common case, fast: isprintable is False for every unsafe character
        return text
    escapes: dict[int, str | int | None] = {ord(char): _escape(char) for char in set(text) if is_unsafe(char)}
    return text.translate(escapes)


def _escape(char: str) -> str:
    r"""One unsafe character as its escape: a byte kept by ``surrogateescape`` as ``\xNN``."""
    if "\udc80" <= char <= "\udcff":
        return f"\\x{ord(char) - 0xDC00:02x}"
    return repr(char)[1:-1]


def json_printable(document: str) -> str:
    r"""JSON text with every unsafe character written as a ``\uNNNN`` escape: the same data.

    ``json.dumps(..., ensure_ascii=False)`` escapes C0 controls but writes C1 controls and the
    bidi characters as they are, which act on the terminal the JSON is printed to.

    >>> import json
    >>> text = json_printable(json.dumps({"name": "\u202eevil\x85"}, ensure_ascii=False))
    >>> text, json.loads(text)["name"] == "\u202eevil\x85"
    ('{"name": "\\u202eevil\\u0085"}', True)
    """
    if document.isprintable():
        return document
    unsafe: dict[int, str | int | None] = {ord(char): f"\\u{ord(char):04x}" for char in set(document)
                                           if char not in "\n\t" and is_unsafe(char)}
    return document.translate(unsafe) if unsafe else document


# Letters of other scripts drawn like Latin ones, from Unicode's confusables list
# (https://www.unicode.org/Public/security/latest/confusables.txt): a key or unit typed with one
# looks right and is not found. Compatibility characters (the Kelvin sign U+212A, fullwidth
# letters, the micro sign) are found by NFKC normalisation instead.
_CONFUSABLE = dict(zip(
    "аеорсухіјѕԁһӏԛԝАВЕКМНОРСТХУІЈЅαοκνρτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijsdhlqwABEKMHOPCTXYIJSaoKvptuxABEZHIKMNOPTYX"))


def lookalikes(text: str) -> str | None:
    """Name the look-alike characters in ``text``: letters that read as Latin ones and are not.

    A message saying "no unit named 'KB'" when the text shows ``KB`` contradicts itself unless
    it says which character is not what it seems.

    Parameters
    ----------
    text : str
        A key, a unit or a name that was not found.

    Returns
    -------
    str or None
        ``"'K' is U+212A KELVIN SIGN, not 'K'"`` (several joined by ``; ``), or None when every
        character is what it looks like.

    Examples
    --------
    >>> lookalikes("2 \u212aB")
    "'\u212a' is U+212A KELVIN SIGN, not 'K'"
    >>> lookalikes("daily_\u0430ctive_users")
    "'а' is U+0430 CYRILLIC SMALL LETTER A, not 'a'"
    >>> lookalikes("café") is None
    True
    """
    found: dict[str, str] = {}
    for char in text:
        if char.isascii() or char in found:
            continue
        plain = _CONFUSABLE.get(char) or unicodedata.normalize("NFKC", char)
        if plain != char and plain.isascii() and plain.isprintable():
            found[char] = f"'{char}' is U+{ord(char):04X} {unicodedata.name(char, 'unnamed')}, not '{plain}'"
    return "; ".join(found.values()) or None


MAX_SHOWN_PROBLEMS = 20  # a screenful: the first problems are the ones to fix first; thousands help no one


def shown_problems(problems: list[Problem], limit: int = MAX_SHOWN_PROBLEMS) -> str:
    """The first ``limit`` problems, one a line, and a count of the rest.

    A generated file can hold thousands of mistakes; printing each (8,400 lines, 1 MB) buries the
    first one, which often causes the others.

    Parameters
    ----------
    problems : list of Problem
        Every problem found, in file order.
    limit : int
        How many to show.

    Returns
    -------
    str
        At most ``limit + 1`` lines.

    Examples
    --------
    >>> many = [Problem("s.yaml", n, 1, f"x{n}", "unknown key") for n in range(1, 24)]
    >>> print(shown_problems(many, 2))
    s.yaml:1:1: x1: unknown key
    s.yaml:2:1: x2: unknown key
    ... and 21 more problems (23 in all); fix these first, they may cause the rest
    """
    lines = [str(problem) for problem in problems[:limit]]
    rest = len(problems) - limit
    if rest > 0:
        lines.append(f"... and {rest:,} more problem{'s' if rest > 1 else ''} ({len(problems):,} in all); "
                     "fix these first, they may cause the rest")
    return "\n".join(lines)


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The hint for a misspelt name: the name it abbreviates, else the closest of ``choices``.

    An abbreviation is the initials of a name's words (``dau`` → ``daily_active_users``); in a
    dotted path, of its last part, the rest equal (``traffic.dau`` → ``traffic.daily_active_users``).
    Otherwise closeness is difflib's ratio (``difflib.get_close_matches``); ``cutoff`` is its threshold.

    Parameters
    ----------
    word : str
        The name as given.
    choices : iterable of str
        The names (or dotted paths) that exist.
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
    >>> did_you_mean("dau", ["daily_active_users", "request_size"])
    "did you mean 'daily_active_users'?"
    >>> did_you_mean("traffic.dau", ["traffic.request_size", "traffic.daily_active_users"])
    "did you mean 'traffic.daily_active_users'?"
    """
    choices = list(choices)
    head, _, last = word.lower().rpartition(".")
    for choice in choices:
        choice_head, _, choice_last = choice.rpartition(".")
        initials = "".join(part[0] for part in choice_last.split("_") if part)
        if choice_head.lower() == head and "_" in choice_last and initials.lower() == last:
            return f"did you mean '{choice}'?"
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    # A look-alike letter (the Kelvin sign, a Cyrillic а) is named: "did you mean 'x'?" alone
    # would contradict the text the person sees.
    hints = [f"did you mean '{matches[0]}'?" if matches else None, lookalikes(word)]
    return "; ".join(hint for hint in hints if hint) or None


class ScenarioError(EnvelopeError):
    """A scenario that cannot be loaded or estimated: one or more problems."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(shown_problems(problems))

    def __reduce__(self) -> tuple[type[ScenarioError], tuple[list[Problem]]]:
        """Rebuilt from its problems when it crosses a process boundary (the app's worker process):
        the default would call ``ScenarioError(message)`` and lose them."""
        return (type(self), (self.problems,))


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
