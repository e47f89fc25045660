"""Published cases of issue 16 reproduced through scenario sections (not ``derived:``).

Measured throughputs, published GPU-hours (with the MFU they imply), a price from a price book
and A/B conventions. The cases and their sources are data (assumptions_published.yaml); each
test loads the case's scenario as a user would, with its price book if it has one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from estimator.compose import estimate
from estimator.scenario import load_price_book_text, load_scenario_text

CASES = yaml.safe_load(Path(__file__).with_name("assumptions_published.yaml").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_published_case_through_sections(case):
    book = load_price_book_text(case["book"], f"{case['id']} book") if "book" in case else None
    result = estimate(load_scenario_text(case["scenario"], case["id"], book=book))
    for key, (expected, tolerance) in case["expect"].items():
        value = result[key]  # wall-clock is compared in hours
        magnitude = float(value.to("hour").magnitude if key.endswith("wall_clock") else value.magnitude)
        assert magnitude == pytest.approx(float(expected), rel=tolerance, abs=0 if tolerance else 1e-9), key


def test_every_case_names_its_source_and_reads_no_derived():
    for case in CASES:
        assert case["source"] and case["as_of"] and case["published"] and case["notes"], case["id"]
        assert "derived:" not in case["scenario"], case["id"]


def test_there_are_at_least_fifteen():
    assert len(CASES) >= 15
