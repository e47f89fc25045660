"""Unit facts: information and counted things are dimensions; one registry; napkin display."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pint
import pytest

from estimator.units import Q_, format_quantity, parse_quantity, ureg

ROOT = Path(__file__).resolve().parent.parent


def test_bytes_and_requests_do_not_add():
    with pytest.raises(pint.DimensionalityError):
        ureg("1 GB") + ureg("1 request")


def test_issue_acceptance_command_raises():
    code = "from estimator.units import ureg; ureg('1 GB') + ureg('1 request')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode != 0
    assert "DimensionalityError" in result.stderr


def test_rate_times_bytes_is_not_storage():
    bandwidth_like = parse_quantity("100 request/s") * parse_quantity("2 KB")
    with pytest.raises(pint.DimensionalityError):
        bandwidth_like.to("TB")


@pytest.mark.parametrize("a, b", [("1 user", "1 request"), ("1 FLOP", "1 B"), ("1 USD", "1 GPU"),
                                  ("1 token", "1 example"), ("1 item", "1 event"), ("1 bit", "1")])
def test_counted_things_are_distinct_dimensions(a, b):
    with pytest.raises(pint.DimensionalityError):
        parse_quantity(a) + parse_quantity(b)


def test_information_has_decimal_and_binary_prefixes():
    assert parse_quantity("1 KB").to("B").magnitude == 1000
    assert parse_quantity("1 kB").to("B").magnitude == 1000
    assert parse_quantity("1 KiB").to("B").magnitude == 1024
    assert parse_quantity("1 byte").to("bit").magnitude == 8


@pytest.mark.parametrize("text, value, unit", [
    ("500 million user", 5e8, "user"), ("3 thousand request", 3e3, "request"),
    ("2 billion event/day", 2e9, "event / day"), ("1 trillion token", 1e12, "token")])
def test_number_words_parse_and_vanish(text, value, unit):
    quantity = parse_quantity(text)
    assert quantity.magnitude == pytest.approx(value)
    assert quantity.units == ureg.Unit(unit)


@pytest.mark.parametrize("quantity, binary, per, expected", [
    (Q_(1157.4, "request/s"), False, None, "1.16 k request/s"),
    (Q_(2.1e12, "B"), False, None, "2.10 TB"),
    (Q_(3.2 * 2**50, "B"), True, None, "3.20 PiB"),
    (Q_(41_300, "USD"), False, "month", "$41.3 k/month"),
    (Q_(999.96, "GB"), False, None, "1.00 TB"),
    (Q_(24, "GPU"), False, None, "24 GPU"),
    (Q_(3.14e23, "FLOP"), False, None, "314 ZFLOP"),
    (Q_(2.31e9, "B/s"), False, None, "2.31 GB/s"),
])
def test_napkin_format(quantity, binary, per, expected):
    assert format_quantity(quantity, binary=binary, per=per) == expected


def test_format_never_uses_scientific_notation():
    for exponent in range(-6, 28):
        text = format_quantity(Q_(1.234 * 10**exponent, "request/s"))
        assert "e+" not in text and "e-" not in text, text


def test_only_units_module_builds_a_registry():
    offenders = [path for path in (ROOT / "estimator").rglob("*.py")
                 if "UnitRegistry(" in path.read_text() and path.name != "units.py"]
    offenders += [path for path in (ROOT / "diagrams_lib").rglob("*.py") if "UnitRegistry(" in path.read_text()]
    assert offenders == []
