"""Interrupted work leaves nothing behind: SIGTERM while Graphviz runs ends `dot` too and removes
the temporary directory and any half-written output.

A stand-in `dot` (first on PATH) records its process id and sleeps, so the signal surely arrives
while Graphviz "runs"; TMPDIR is private, so leftovers are easy to see.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT

SLOW_DOT = """#!/bin/sh
echo $$ > "{pid_file}"
exec sleep 60
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child of a process that has exited is reaped by init; a zombie counts as ended.
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split(") ")[1].startswith("Z"))


def test_sigterm_during_graphviz_kills_dot_and_cleans_up(tmp_path):
    tools, temporary, out = tmp_path / "bin", tmp_path / "tmp", tmp_path / "out"
    for folder in (tools, temporary, out):
        folder.mkdir()
    pid_file = tmp_path / "dot.pid"
    (tools / "dot").write_text(SLOW_DOT.format(pid_file=pid_file))
    (tools / "dot").chmod(0o755)
    env = {**os.environ, "PATH": f"{tools}:{os.environ['PATH']}", "TMPDIR": str(temporary)}
    process = subprocess.Popen([sys.executable, "-m", "estimator", "diagram",
                                str(ROOT / "scenarios" / "video_recommendation.yaml"), "-o", str(out / "d.png")],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    try:
        for _ in range(1200):  # until the stand-in dot has started (a poll, not a timed assertion)
            if pid_file.exists() and pid_file.read_text().strip():
                break
            time.sleep(0.05)
        dot = int(pid_file.read_text())
        assert alive(dot)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert b"Traceback" not in stderr
    for _ in range(200):
        if not alive(dot):
            break
        time.sleep(0.05)
    assert not alive(dot)
    assert list(temporary.iterdir()) == []
    assert list(out.iterdir()) == []


def test_sigterm_to_the_app_server_while_it_draws_kills_dot_and_cleans_up(tmp_path):
    """The same for `streamlit run app.py`: its script threads are daemons, so on SIGTERM the server
    returns from its main function and the interpreter exits while a thread still waits on `dot`."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from browser import launch, server
    from playwright.sync_api import sync_playwright

    tools, temporary = tmp_path / "bin", tmp_path / "tmp"
    for folder in (tools, temporary):
        folder.mkdir()
    pid_file = tmp_path / "dot.pid"
    (tools / "dot").write_text(SLOW_DOT.format(pid_file=pid_file))
    (tools / "dot").chmod(0o755)
    env = {**os.environ, "PATH": f"{tools}:{os.environ['PATH']}", "TMPDIR": str(temporary)}
    with server(ROOT / "app.py", env=env) as (process, url), sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            page.goto(url, wait_until="commit")  # the first run draws the first case study's diagram
            for _ in range(2400):  # until the stand-in dot has started (a poll, not a timed assertion)
                if pid_file.exists() and pid_file.read_text().strip():
                    break
                time.sleep(0.05)
            dot = int(pid_file.read_text())
            assert alive(dot)
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        finally:
            browser.close()
    for _ in range(200):
        if not alive(dot):
            break
        time.sleep(0.05)
    assert not alive(dot)
    assert list(temporary.iterdir()) == []
