"""The app in a real browser: `streamlit run app.py` on a free localhost port, driven by
Debian's headless Chromium through Playwright (never `playwright install`: `make chromium`
installs the browser). Fails, not skips, when Chromium is missing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
START_TIMEOUT = 60  # seconds for the server to answer its health check
PAGE_TIMEOUT_MS = 60_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    log = (tmp_path / "streamlit.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
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
            assert process.poll() is None, (tmp_path / "streamlit.log").read_text()
            assert time.monotonic() < deadline, "streamlit did not start in time"
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()


def test_the_app_in_a_browser_shows_results_and_diagram_and_follows_an_edit(server, tmp_path):
    assert CHROMIUM.exists(), "Debian's chromium is missing: run `make chromium` (make test does)"
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=PAGE_TIMEOUT_MS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            page.goto(server)
            cost = page.locator('[data-testid="stMetric"]').filter(has_text="Monthly cost")
            expect(cost).to_be_visible(timeout=PAGE_TIMEOUT_MS)
            expect(page.locator('[data-testid="stImage"] img').first).to_be_visible(timeout=PAGE_TIMEOUT_MS)  # the diagram
            expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible(timeout=PAGE_TIMEOUT_MS)
            expect(page.locator('[data-testid="stException"]')).to_have_count(0, timeout=PAGE_TIMEOUT_MS)
            before = cost.locator('[data-testid="stMetricValue"]').inner_text()
            assert "$" in before and "e+" not in before

            response = page.get_by_role("textbox", name="Response size", exact=True)
            response.fill("50 KB")
            response.press("Enter")
            expect(cost.locator('[data-testid="stMetricDelta"]')).to_be_visible(timeout=PAGE_TIMEOUT_MS)  # the change against the file
            after = cost.locator('[data-testid="stMetricValue"]').inner_text()
            assert after != before

            shot = Path(os.environ.get("ENVELOPE_SCREENSHOT", tmp_path / "envelope.png"))
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
        finally:
            browser.close()
