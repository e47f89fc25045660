"""Shared helpers: paths, and running the CLI as a user would (a real process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def run_cli(*args: str, cwd: Path = ROOT, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m estimator ARGS`` in a fresh process; returns the completed process."""
    return subprocess.run([sys.executable, "-m", "estimator", *args], cwd=cwd, capture_output=True, text=True,
                          input=stdin, timeout=120, env={"PATH": "/usr/bin:/bin", "COLUMNS": "80",
                                                          "HOME": str(Path.home()), "LANG": "C.UTF-8"})


@pytest.fixture
def cli():
    return run_cli
