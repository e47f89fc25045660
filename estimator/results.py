"""The registry of result keys (``results.yaml``): what each result of an estimate is and where it goes.

A key such as ``storage.logs.footprint`` matches one entry of the registry (``storage.*.footprint``),
which says the section it is shown under, the framework step it is filed under in study notes,
whether it is a headline number, and the dimension of its value. Report, notes, views and compare
read it here instead of writing keys again.

>>> entry_of("storage.logs.footprint").pattern
'storage.*.footprint'
>>> section_title("features"), step_of("experiments.ab_test.days"), step_of("derived.x")
('Feature store', '5. Evaluation', None)
>>> from estimator.results import HEADLINES
>>> [h.key for h in HEADLINES]
['traffic.peak_qps', 'storage.total_footprint', 'features.online.size', 'serving.accelerators', 'cost.monthly_total']
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pint

from estimator.scenario.source import safe_load
from estimator.units import ureg
from estimator.vocabulary import COUNTED

__all__ = ["FRAMEWORK_STEPS", "HEADLINES", "Entry", "Headline", "cards", "dimension_matches", "entries", "entry_of",
           "matching", "section_of", "section_title", "step_of"]

REGISTRY_FILE = Path(__file__).with_name("results.yaml")

Rise = Literal["bad", "good", "neutral"]


@dataclass(frozen=True)
class Entry:
    """One key pattern of the registry; ``*`` stands for one name from the scenario."""

    pattern: str
    section: str
    dimension: str
    step: str | None = None
    headline: str | None = None
    rise: Rise = "neutral"

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile("\\.".join("[^.]+" if part == "*" else re.escape(part) for part in self.pattern.split(".")))


@dataclass(frozen=True)
class Headline:
    """A headline number: its key, its label and how a rise reads."""

    key: str
    label: str
    rise: Rise


@functools.cache
def _registry() -> dict[str, Any]:
    data: dict[str, Any] = safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))
    return data


@functools.cache
def _steps() -> tuple[str, ...]:
    """Titles of the 7 framework steps, numbered, in order: ``1. Clarify requirements`` ..."""
    return tuple(f"{number}. {title}" for number, title in enumerate(_registry()["steps"], start=1))


@functools.cache
def entries() -> tuple[Entry, ...]:
    """Every entry of the registry, in the file's order."""
    found = []
    for section, spec in _registry()["sections"].items():
        step = _steps()[spec["step"] - 1] if isinstance(spec["step"], int) else None
        for rest, result in spec["results"].items():
            found.append(Entry(f"{section}.{rest}", section, result["dimension"], step, result.get("headline"),
                               result.get("rise", "neutral")))
    return tuple(found)


@functools.cache
def _headlines() -> tuple[Headline, ...]:
    """The numbers a reader looks at first, in the registry's order."""
    return tuple(Headline(e.pattern, e.headline, e.rise) for e in entries() if e.headline)


# FRAMEWORK_STEPS and HEADLINES read results.yaml when first used, not when this module is
# imported: `envelope estimate --format json` needs neither (benchmarks/bench_cli_cold_start.py).
if TYPE_CHECKING:
    FRAMEWORK_STEPS: tuple[str, ...]
    HEADLINES: tuple[Headline, ...]
_LAZY = {"FRAMEWORK_STEPS": _steps, "HEADLINES": _headlines}


def __getattr__(name: str) -> Any:
    """``FRAMEWORK_STEPS`` and ``HEADLINES``, built on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = globals()[name] = _LAZY[name]()
    return value


@functools.cache
def cards(archetype: str) -> tuple[Headline, ...]:
    """The metric cards of ``archetype``: the registry's ``cards`` for it, else ``HEADLINES``.

    >>> [card.label for card in cards("llm")]
    ['Peak QPS', 'Total storage', 'Accelerators', '$ per M tokens', 'Time to first token', 'Monthly cost']
    >>> cards("search") == _headlines() and all(entry_of(card.key) for card in cards("llm"))
    True
    """
    listed = _registry().get("cards", {}).get(archetype)
    if listed is None:
        return _headlines()
    headlines = {headline.key: headline for headline in _headlines()}
    return tuple(headlines[item] if isinstance(item, str) else Headline(item["key"], item["label"], item["rise"])
                 for item in listed)


def matching(key: str) -> list[Entry]:
    """Every entry whose pattern matches ``key`` (exactly one for a key Envelope produces)."""
    return [entry for entry in entries() if entry.regex.fullmatch(key)]


@functools.cache
def entry_of(key: str) -> Entry | None:
    """The entry of ``key``, or None for a key the registry does not know."""
    found = matching(key)
    return found[0] if found else None


def section_of(key: str) -> str:
    """The section of a result key: its first part.

    >>> section_of("models.ranker.accelerators")
    'models'
    """
    return key.split(".", 1)[0]


def section_title(section: str) -> str:
    """How a section is shown: ``index`` → ``ANN index``; an unknown one in title case."""
    spec = _registry()["sections"].get(section)
    return spec["title"] if spec is not None else section.title()


def step_of(key: str) -> str | None:
    """The framework step a result is filed under, or None (shown under "Other results")."""
    entry = entry_of(key)
    return entry.step if entry is not None else None


def dimension_matches(entry: Entry, value: pint.Quantity) -> bool:
    """Whether ``value`` has the dimension ``entry`` declares ("[counted]" stands for any counted thing).

    >>> from estimator.units import Q_
    >>> dimension_matches(entry_of("storage.logs.records_per_second"), Q_(3.0, "event/s"))
    True
    >>> dimension_matches(entry_of("storage.logs.footprint"), Q_(3.0, "request"))
    False
    >>> dimension_matches(entry_of("index.shards"), Q_(3.0, ""))
    True
    """
    if entry.dimension == "any":
        return True
    if entry.dimension == "dimensionless":
        return bool(value.dimensionless)
    declared = [entry.dimension.replace("[counted]", counted) for counted in COUNTED] if (
        "[counted]" in entry.dimension) else [entry.dimension]
    return any(value.dimensionality == ureg.get_dimensionality(dimension) for dimension in declared)
