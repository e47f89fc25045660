"""The app in a real browser: `streamlit run app.py` on a free localhost port, driven by
Debian's headless Chromium through Playwright (never `playwright install`: `make chromium`
installs the browser). Fails, not skips, when Chromium is missing.

The second test saves a screenshot of every bundled scenario at 1280×900 and 1920×1080 into
build/screenshots/ (or $ENVELOPE_SCREENSHOTS) for a person to look at, and checks in the page
what a person would call broken: a card whose text does not fit, an axis that says "k" twice.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from browser import launch, serve, settled  # noqa: E402

from estimator.library import bundled_scenarios  # noqa: E402

PAGE_TIMEOUT_MS = 90_000
SIZES = ((1280, 900), (1920, 1080))
SCREENSHOTS = Path(os.environ.get("ENVELOPE_SCREENSHOTS", ROOT / "build" / "screenshots"))
# A card whose value or change is wider than the card (cut with an ellipsis or overflowing).
CLIPPED = """() => [...document.querySelectorAll('[data-testid=stMetric] [data-testid=stMetricValue] > div,'
  + ' [data-testid=stMetric] [data-testid=stMetricDelta] > div')]
  .filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right
               > e.closest('[data-testid=stMetric]').getBoundingClientRect().right + 1)
  .map(e => e.textContent)"""
# Tick labels of the Overview's bar charts (vega renders them as SVG text in the chart's canvas-less mode).
TICKS = """() => [...document.querySelectorAll('[data-testid=stVegaLiteChart] .role-axis-label text')]
  .map(e => e.textContent)"""


@pytest.fixture(scope="module")
def server():
    with serve(ROOT / "app.py") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright, PAGE_TIMEOUT_MS)
        try:
            yield chromium
        finally:
            chromium.close()


def opened(browser, server, width: int, height: int):  # noqa: ANN001, ANN201
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(server)
    page.locator('[data-testid="stMetric"]').first.wait_for()
    settled(page, PAGE_TIMEOUT_MS)
    return page


def card(page, label: str):  # noqa: ANN001, ANN201
    return page.locator('[data-testid="stMetric"]').filter(has_text=label).locator('[data-testid="stMetricValue"]')


def test_a_new_visitor_is_sent_the_title_and_cards_before_any_sidebar_widget(server, browser):
    """A browser fetches the code of each kind of element as the first one arrives: what is sent first is
    shown first. The first case study's title and cards precede the sidebar's choice of scenario and its
    fields in the websocket's messages (they were sent after them)."""
    messages: list[bytes | str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("websocket", lambda socket: socket.on("framereceived", lambda message: messages.append(message)))
    try:
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.goto(server)
        page.get_by_role("textbox", name="Response size", exact=True).wait_for()

        def first(text: str) -> int:
            return next(i for i, m in enumerate(messages) if isinstance(m, bytes) and text.encode() in m)

        title = bundled_scenarios()[0].name  # also an option of the sidebar's choice of case study
        assert first(title) <= first("Monthly cost") < first("Start from") < first("Response size")
        assert card(page, "Monthly cost").is_visible()
    finally:
        page.close()


def test_typing_a_value_updates_the_card_the_diagram_and_a_chart(server, browser):
    from playwright.sync_api import expect

    page = opened(browser, server, 1280, 900)
    try:
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        diagram = page.locator('[data-testid="stImage"] img').first
        cost_chart = page.locator('[data-testid="stVegaLiteChart"]').first
        expect(diagram).to_be_visible()
        peak, cost = card(page, "Peak QPS").inner_text(), card(page, "Monthly cost").inner_text()
        picture, chart = diagram.get_attribute("src"), cost_chart.screenshot()
        assert "$" in cost and "e+" not in cost

        response = page.get_by_role("textbox", name="Response size", exact=True)
        response.fill("50 KB")  # the file's 1 KB × 50: egress (priced) grows, the request rate does not
        response.press("Enter")
        expect(card(page, "Monthly cost")).not_to_have_text(cost)
        settled(page, PAGE_TIMEOUT_MS)
        assert card(page, "Peak QPS").inner_text() == peak
        delta = page.locator('[data-testid="stMetric"]').filter(has_text="Monthly cost").locator(
            '[data-testid="stMetricDelta"]')
        assert delta.inner_text().startswith("+$")
        assert diagram.get_attribute("src") != picture, "the diagram carries the new egress bandwidth"
        assert cost_chart.screenshot() != chart, "the cost chart was drawn again with the new egress cost"

        # A refused value: the results no longer follow the sidebar, and the page says so in its words.
        response.fill("50 user")
        response.press("Enter")
        stale = page.locator('[data-testid="stAlertContentWarning"]').first
        expect(stale).to_contain_text("Not in these results: “Response size” (Traffic)")
        settled(page, PAGE_TIMEOUT_MS)
        assert card(page, "Monthly cost").inner_text() == cost, "the file's response size counts again"
    finally:
        page.close()


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_screenshots_of_every_bundled_scenario_show_nothing_cut_or_said_twice(server, browser, width, height):
    from playwright.sync_api import expect

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = opened(browser, server, width, height)
    try:
        for entry in bundled_scenarios():
            if page.locator("h1").first.inner_text() != entry.name:
                page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
                page.get_by_role("option", name=entry.name, exact=True).click()
                expect(page.locator("h1").first).to_have_text(entry.name)
                page.evaluate("document.activeElement?.blur()")  # a focused box is drawn red
            settled(page, PAGE_TIMEOUT_MS)
            expect(page.locator('[data-testid="stImage"] img').first).to_be_visible()
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)
            assert page.evaluate(CLIPPED) == [], f"{entry.path.name}: cards cut at {width} px"
            page.locator('[data-testid="stVegaLiteChart"] .role-axis-label text').first.wait_for()  # drawn after the run
            ticks = page.evaluate(TICKS)
            assert ticks, f"{entry.path.name}: no chart ticks found"
            assert not [t for t in ticks if t[-1:] in "kMGT" and t[:-1].replace(".", "").isdigit()], ticks
            shot = SCREENSHOTS / f"{entry.path.stem}-{width}x{height}.png"
            page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 10_000
    finally:
        page.close()
