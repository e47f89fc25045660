"""Every file in tests/invalid/ is wrong in one way; its message is checked to the letter.

Each ``NAME.yaml`` sits beside ``NAME.expected``, the exact text on stderr (file paths are
relative to the repository root, where the CLI runs). Set ENVELOPE_UPDATE_SNAPSHOTS=1 to
rewrite the snapshots after an intended change of wording, then review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

INVALID = sorted((ROOT / "tests" / "invalid").glob("*.yaml"))


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_file_gives_its_one_clear_message(path: Path):
    before = path.read_bytes()
    result = run_cli("estimate", str(path.relative_to(ROOT)), "--format", "json")
    snapshot = path.with_suffix(".expected")
    if os.environ.get("ENVELOPE_UPDATE_SNAPSHOTS"):
        snapshot.write_text(result.stderr, encoding="utf-8")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr == snapshot.read_text(encoding="utf-8")
    assert path.read_bytes() == before  # the input is never modified


def test_every_invalid_file_has_a_snapshot():
    missing = [p.name for p in INVALID if not p.with_suffix(".expected").exists()]
    assert missing == []
