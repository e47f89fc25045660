"""The app in a real browser (Debian's headless Chromium at 1280×900), against a one-widget app.

Two figures, each against the same measurement of a one-widget Streamlit script (a text input
and a metric card showing it), run in the same process and interleaved:

- rerun: from pressing Enter in the sidebar's "Response size" to the Monthly cost card showing the
  new value (the input alternates between two values, both drawn once before timing);
- first card: from opening the page to the first metric card being visible (server warm).

A third figure is the app against itself: the rerun above in one session while a second session
estimates the largest accepted upload (a ~1 MB file with the most datasets the loader's node cap
allows, benchmarks/scaling.py), against the same rerun with the second session idle. Each busy
round first sends the second session a new "Request size" (so nothing is cached), then times the
first session's change; idle rounds wait until the second session is done. Large files are
estimated in a worker process (ui/cached.py): the server's GIL stays free for the first session.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from browser import CHROMIUM, launch, serve, settled
from harness import ROOT, Row, median, not_measured
from scaling import padded_text

from estimator.scenario.source import MAX_BYTES
from estimator.scenario.limits import MAX_DATASETS

RERUN = "Browser: input change to updated Monthly cost card (1280×900)"
FIRST = "Browser: page open to first metric card (1280×900, server warm)"
FIELD, VALUES, CARD = "Response size", ("50 KB", "20 KB"), "Monthly cost"
TRIVIAL = ("import streamlit as st\n"
           "value = st.sidebar.text_input('Response size', '20 KB')\n"
           "st.metric('Monthly cost', value)\n")
CHANGED = """([label, before]) => [...document.querySelectorAll('[data-testid=stMetric]')]
  .some(m => m.innerText.includes(label)
        && m.querySelector('[data-testid=stMetricValue]').innerText !== before)"""
TIMEOUT_MS = 120_000
BUSY = "Browser: rerun while another session estimates a 1 MB upload, against that session idle"
BIG_DATASETS = MAX_DATASETS  # the most a scenario may hold
BIG_FIELD = "Request size"


def card_text(page) -> str:  # noqa: ANN001 - a playwright Page
    return page.locator('[data-testid="stMetric"]').filter(has_text=CARD).locator(
        '[data-testid="stMetricValue"]').inner_text()


def open_page(browser, url: str):  # noqa: ANN001, ANN201
    """A new page on ``url``; returns (page, seconds from goto to the first card)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.locator('[data-testid="stMetricValue"]').first.wait_for()
    return page, time.perf_counter() - start


def change(page, value: str) -> float:  # noqa: ANN001 - a playwright Page
    """Seconds from pressing Enter with ``value`` to the card showing something else."""
    before = card_text(page)
    field = page.get_by_role("textbox", name=FIELD, exact=True)
    field.fill(value)
    start = time.perf_counter()
    field.press("Enter")
    page.wait_for_function(CHANGED, arg=[CARD, before], timeout=TIMEOUT_MS, polling="raf")
    elapsed = time.perf_counter() - start
    settled(page, TIMEOUT_MS)
    return elapsed


def upload_big(browser, url: str, folder: Path):  # noqa: ANN001, ANN201 - playwright's own types
    """A page of the app with the largest accepted upload estimated (the file is written in ``folder``)."""
    path = folder / "largest.yaml"
    path.write_text(padded_text(MAX_BYTES - 100, BIG_DATASETS), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url, wait_until="commit")
    page.get_by_text("Upload a YAML file").click()
    settled(page, TIMEOUT_MS)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(path))
    page.get_by_role("textbox", name=BIG_FIELD, exact=True).wait_for()
    settled(page, TIMEOUT_MS)
    return page


def busy_row(browser, url: str, quiet, folder: Path, repeats: int) -> Row:  # noqa: ANN001
    """The third figure (see the module's docstring), with ``quiet`` a page of the app already warm."""
    big = upload_big(browser, url, folder)
    busy: list[float] = []
    idle: list[float] = []
    other: list[float] = []  # the other session's rerun, from its Enter to its end
    for round_ in range(2 * repeats):
        settled(big, TIMEOUT_MS)
        started = time.perf_counter()
        if round_ % 2:
            field = big.get_by_role("textbox", name=BIG_FIELD, exact=True)
            field.fill(f"{round_ + 1} KB")  # a value not estimated before
            field.press("Enter")
            big.wait_for_function("() => document.querySelector('[data-testid=stApp]')"
                                  "?.dataset.testScriptState === 'running'", timeout=TIMEOUT_MS, polling=5)
        now = quiet.get_by_role("textbox", name=FIELD, exact=True).input_value()
        (busy if round_ % 2 else idle).append(change(quiet, VALUES[1] if now == VALUES[0] else VALUES[0]))
        if round_ % 2:
            settled(big, TIMEOUT_MS)
            other.append(time.perf_counter() - started)
    big.close()
    row = Row(BUSY, median(busy), median(idle), "the same rerun with the other session idle", "ratio ≤ 2×",
              ("ratio", 2.0), runs=len(busy),
              note=f"busy runs {min(busy) * 1e3:.0f}–{max(busy) * 1e3:.0f} ms; the other session's rerun "
                   f"(a new estimate of the 1 MB file) took {median(other):.1f} s (median)")
    return row


def run(quick: bool) -> list[Row]:
    if not CHROMIUM.exists():
        return [not_measured(RERUN, "Debian's chromium (make chromium)", "median ≤ 250 ms"),
                not_measured(FIRST, "Debian's chromium (make chromium)", "median ≤ 1.5 s"),
                not_measured(BUSY, "Debian's chromium (make chromium)", "ratio ≤ 2×")]
    from playwright.sync_api import sync_playwright

    repeats = 3 if quick else 20
    with tempfile.TemporaryDirectory() as folder:
        trivial = Path(folder) / "one_widget.py"
        trivial.write_text(TRIVIAL, encoding="utf-8")
        with serve(ROOT / "app.py") as app_url, serve(trivial, cwd=Path(folder)) as trivial_url, \
                sync_playwright() as playwright:
            browser = launch(playwright, TIMEOUT_MS)
            try:
                pages = {}
                for name, url in (("app", app_url), ("trivial", trivial_url)):
                    page, _ = open_page(browser, url)  # warms the server's caches
                    settled(page, TIMEOUT_MS)
                    for value in VALUES:  # both values drawn once: later reruns find the diagram cached
                        change(page, value)
                    pages[name] = page
                reruns: dict[str, list[float]] = {"app": [], "trivial": []}
                firsts: dict[str, list[float]] = {"app": [], "trivial": []}
                for round_ in range(repeats):
                    order = ("app", "trivial") if round_ % 2 == 0 else ("trivial", "app")
                    for name in order:
                        reruns[name].append(change(pages[name], VALUES[round_ % 2]))
                    for name in order:
                        page, seconds = open_page(browser, app_url if name == "app" else trivial_url)
                        firsts[name].append(seconds)
                        settled(page, TIMEOUT_MS)
                        page.close()
                busy = busy_row(browser, app_url, pages["app"], Path(folder), repeats)
            finally:
                browser.close()
    first = Row(FIRST, median(firsts["app"]), median(firsts["trivial"]), "the one-widget app's page",
                "median ≤ 1.5 s", ("median", 1.5), runs=len(firsts["app"]),
                note=f"app runs {min(firsts['app']):.2f}–{max(firsts['app']):.2f} s")
    if first.met is False:
        first.note = (f"Gap: the one-widget app's page alone takes {first.baseline:.2f} s here (Streamlit's page, "
                      f"scripts and websocket in Chromium on a shared machine), so the goal leaves the app "
                      f"{max(1.5 - first.baseline, 0) * 1e3:.0f} ms; the app adds {(first.median - first.baseline) * 1e3:.0f} ms "
                      "(not yet split between the server's first run and the browser drawing the page; the cards "
                      "are sent before the sidebar's fields). " + first.note)
    rerun = Row(RERUN, median(reruns["app"]), median(reruns["trivial"]), "the same change in a one-widget app",
                "median ≤ 250 ms", ("median", 0.25), runs=len(reruns["app"]),
                note=f"app runs {min(reruns['app']) * 1e3:.0f}–{max(reruns['app']) * 1e3:.0f} ms")
    if rerun.met is False:
        rerun.note = ("Gap: the server's rerun is measured by the AppTest row above; the rest is the browser "
                      "replacing ~70 sidebar fields, the results table and the charts, and the machine's load "
                      "(runs spread widely). " + rerun.note)
    return [rerun, first, busy]
