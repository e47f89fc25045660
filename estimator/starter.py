"""Starter scenarios for ``envelope new``: commented templates kept as data in estimator/templates/.

Each template validates and estimates as it is; ``__NAME__`` is replaced by the chosen name,
written as a quoted YAML string so that any name stays one scalar.

>>> text = starter_text("recommendation", 'My "feed": v2')
>>> 'name: "My \\\\"feed\\\\": v2"' in text
True
"""

from __future__ import annotations

import json
from pathlib import Path

from estimator.vocabulary import ARCHETYPES

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def starter_name(name: str) -> str:
    r"""The name as the starter writes it (runs of white space made one space), or UsageError.

    A starter must validate as written, so a name the scenario would refuse is refused here,
    before any file is written: empty, longer than the scenario allows, or holding control
    characters (they would also break the comment line that carries the name).

    Parameters
    ----------
    name : str
        The name given to ``envelope new``.

    Returns
    -------
    str
        The name on one line.

    Raises
    ------
    UsageError
        Empty, too long, or not printable.

    Examples
    --------
    >>> starter_name("  Music\n recommendation ")
    'Music recommendation'
    >>> starter_name("a\x1b[2Jb")
    Traceback (most recent call last):
    ...
    estimator.errors.UsageError: NAME: control and bidi characters are not allowed: given 'a\x1b[2Jb', expected printable text
    """
    from estimator.errors import UsageError, printable
    from estimator.scenario.models import NAME_MAX

    one_line = " ".join(name.split())
    if not one_line:
        raise UsageError(f"NAME: empty: given {name!r}, expected a name of 1 to {NAME_MAX} characters, "
                         "e.g. 'Music recommendation'")
    if len(one_line) > NAME_MAX:
        raise UsageError(f"NAME: too long: given {len(one_line):,} characters, expected at most {NAME_MAX}")
    if not one_line.isprintable():
        raise UsageError(f"NAME: control and bidi characters are not allowed: given '{printable(one_line)}', "
                         "expected printable text")
    return one_line


def starter_text(archetype: str, name: str) -> str:
    """The template of ``archetype`` with ``name`` filled in (a JSON string is a valid YAML scalar).

    Raises UsageError for a name no scenario may have (see ``starter_name``).
    """
    if archetype not in ARCHETYPES:
        raise ValueError(f"unknown archetype {archetype!r}; expected one of: {', '.join(ARCHETYPES)}")
    template = (TEMPLATES_DIR / f"{archetype}.yaml").read_text(encoding="utf-8")
    one_line = starter_name(name)
    first, rest = template.split("\n", 1)
    return first.replace("__NAME__", one_line) + "\n" + rest.replace("__NAME__", json.dumps(one_line, ensure_ascii=False))
