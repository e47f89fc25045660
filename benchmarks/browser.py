"""A Streamlit script served on a free localhost port, and Debian's headless Chromium to look at it.

Shared by the browser benchmark (bench_browser.py) and the browser tests (tests/test_browser.py).
Chromium is Debian's /usr/bin/chromium (`make chromium` installs it), driven by Playwright's
Python package; `playwright install` (a downloaded browser) is never used.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
START_TIMEOUT = 90  # seconds for the server to answer its health check (a busy machine is slow)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(script: Path, cwd: Path = ROOT, env: dict[str, str] | None = None) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``streamlit run script`` (in ``env``, else this one) until the block ends; yields the process and
    its URL once it answers.

    The server's output goes to a temporary log, quoted in the error when it does not start.
    """
    port = free_port()
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env={**(env or os.environ), "PYTHONUNBUFFERED": "1"})
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"streamlit did not start ({process.poll()}): {log.read()[-3000:]}")
                time.sleep(0.3)
            yield process, url
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


@contextmanager
def serve(script: Path, cwd: Path = ROOT) -> Iterator[str]:
    """``streamlit run script`` until the block ends; yields its URL once it answers (see ``server``)."""
    with server(script, cwd) as (_, url):
        yield url


def launch(playwright, timeout_ms: int = 60_000):  # noqa: ANN001, ANN201 - playwright's own types
    """Debian's Chromium, headless; fails (never skips) when it is missing."""
    if not CHROMIUM.exists():
        raise RuntimeError("Debian's chromium is missing: run `make chromium` (make test does)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=timeout_ms)


SETTLED = "() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'"


def settled(page, timeout_ms: int = 60_000) -> None:  # noqa: ANN001 - a playwright Page
    """Wait until the script run is over (the state Streamlit writes on its app root for tests)."""
    page.wait_for_function(SETTLED, timeout=timeout_ms, polling=50)
