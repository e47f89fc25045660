"""Shared helpers: paths, and running the CLI as a user would (a real process)."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import tempfile
import termios
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
# `envelope practice` keeps a history; the CLI under test writes it here, never in the real home.
_PRACTICE_HOME = tempfile.TemporaryDirectory(prefix="envelope-test-practice-")
PRACTICE_DB = Path(_PRACTICE_HOME.name) / "practice.sqlite3"


def run_cli(*args: str, cwd: Path = ROOT, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m estimator ARGS`` in a fresh process; returns the completed process."""
    return subprocess.run([sys.executable, "-m", "estimator", *args], cwd=cwd, capture_output=True, text=True,
                          input=stdin, timeout=120, env={"PATH": "/usr/bin:/bin", "COLUMNS": "80",
                                                          "HOME": str(Path.home()), "LANG": "C.UTF-8",
                                                          "ENVELOPE_PRACTICE_DB": str(PRACTICE_DB)})


@pytest.fixture
def cli():
    return run_cli


def on_terminal(columns: int, *args: str) -> str:
    """Run the CLI with stdout on a pseudo-terminal ``columns`` wide (COLUMNS unset) and return what it shows."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "LANG": "C.UTF-8", "TERM": "dumb"}
    process = subprocess.Popen([sys.executable, "-m", "estimator", *args], cwd=ROOT, stdout=follower,
                               stderr=subprocess.PIPE, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process has exited
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=120) == 0, process.stderr.read() if process.stderr else ""
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
