"""The bundled scenario library in ``scenarios/``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from estimator.scenario.source import safe_load

SCENARIOS_DIR = Path(__file__).resolve().parent.parent / "scenarios"


@dataclass(frozen=True)
class LibraryEntry:
    path: Path
    name: str
    summary: str


def bundled_scenarios() -> list[LibraryEntry]:
    """Each bundled scenario's file, name and one-line summary, sorted by file name."""
    entries = []
    for path in sorted(SCENARIOS_DIR.glob("*.yaml")):
        # libyaml: the app lists the library on every rerun (benchmarks/bench_ui.py).
        data = safe_load(path.read_text(encoding="utf-8")) or {}
        entries.append(LibraryEntry(path, str(data.get("name", path.stem)), str(data.get("summary", "")).strip()))
    return entries
