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


def starter_text(archetype: str, name: str) -> str:
    """The template of ``archetype`` with ``name`` filled in (a JSON string is a valid YAML scalar)."""
    if archetype not in ARCHETYPES:
        raise ValueError(f"unknown archetype {archetype!r}; expected one of: {', '.join(ARCHETYPES)}")
    template = (TEMPLATES_DIR / f"{archetype}.yaml").read_text(encoding="utf-8")
    one_line = " ".join(name.split())
    first, rest = template.split("\n", 1)
    return first.replace("__NAME__", one_line) + "\n" + rest.replace("__NAME__", json.dumps(one_line, ensure_ascii=False))
