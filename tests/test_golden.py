"""Golden reports: every bundled scenario's Markdown and JSON output, compared exactly.

A change in any number shows up here and in review. When a change is intended, regenerate
with ``ENVELOPE_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_golden.py`` and read
the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import os

import pytest

from conftest import ROOT, SCENARIOS, run_cli

GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("ENVELOPE_UPDATE_SNAPSHOTS") == "1"
HOW = "regenerate with ENVELOPE_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_golden.py and review the diff"


@pytest.mark.parametrize("fmt, suffix", [("markdown", "md"), ("json", "json")])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_golden_report(scenario, fmt, suffix):
    result = run_cli("estimate", str(scenario.relative_to(ROOT)), "--format", fmt)
    assert result.returncode == 0, result.stderr
    golden = GOLDEN / f"{scenario.stem}.{suffix}"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(result.stdout, encoding="utf-8")
    assert golden.exists(), f"{golden.relative_to(ROOT)} is missing: {HOW}"
    expected = golden.read_text(encoding="utf-8")
    assert result.stdout == expected, f"{scenario.name} --format {fmt} differs from {golden.relative_to(ROOT)}: {HOW}"


def test_every_golden_file_has_its_scenario():
    """A golden report left behind by a renamed or removed scenario is an error, not dead weight."""
    stems = {p.stem for p in SCENARIOS}
    orphans = sorted(p.name for p in [*GOLDEN.glob("*.md"), *GOLDEN.glob("*.json")] if p.stem not in stems)
    assert not orphans, f"golden files without a scenario: {orphans}"
