"""``envelope validate`` refuses exactly what any other command would refuse for the same file.

The kind of fault: a check that lives in one command only (the ids of ``components:`` were
checked when the diagram was drawn, derived expressions when the estimate ran), so ``validate``
said ok to a file that ``diagram`` refused. ``validate`` now runs what the others run (loading,
the point estimate, ``check_architecture``); this runs
``validate``, ``estimate``, ``diagram --format dot`` and ``report`` on every invalid file and
every case, in-process (one interpreter, not four processes per file).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from test_finite import CASES, run

FILES = sorted((ROOT / "tests" / "invalid").glob("*.yaml")) + CASES


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)  # messages name files as given: relative to the checkout


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_validate_refuses_what_any_command_refuses(path: Path, tmp_path: Path):
    relative = str(path.relative_to(ROOT))
    validate = run("validate", relative)
    others = {
        "estimate": run("estimate", relative, "--format", "json", "--samples", "200"),
        "diagram": run("diagram", relative, "--format", "dot", "-o", str(tmp_path / "d.dot")),
        "report": run("report", relative, "-o", str(tmp_path / "notes")),
    }
    for name, result in others.items():
        assert result.exit_code in (0, 2), f"{name}: exit {result.exit_code}: {result.exception!r}"
    refused = [result for result in others.values() if result.exit_code == 2]
    assert validate.exit_code == (2 if refused else 0), (validate.stdout, validate.stderr)
    if refused:  # the same words, whichever command is asked
        assert validate.stdout == ""
        assert all(result.stderr == validate.stderr for result in refused)
    else:
        assert validate.stdout == f"{relative}: ok\n"
