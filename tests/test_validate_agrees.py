"""``envelope validate`` refuses exactly what any other command would refuse for the same file.

The kind of fault: a check that lives in one command only (the ids of ``components:`` were
checked when the diagram was drawn, derived expressions when the estimate ran), so ``validate``
said ok to a file that ``diagram`` refused. ``validate`` now runs what the others run (loading,
the point estimate, ``check_architecture``); this runs
``validate``, ``estimate``, ``diagram --format dot`` and ``report`` on every invalid file and
every case, in-process (one interpreter, not four processes per file).

The same fault one level down: ``estimate`` samples a scenario with ranges by default, and a
derived expression may fail for some sampled values only; ``validate`` ran the point estimate
alone and said ok. Both now call ``uncertainty.estimate_as_asked``; where the sampling budget
refuses the default samples of a large file, ``validate`` samples the most that fit.
"""

from __future__ import annotations

from pathlib import Path

import sys

import pytest
from conftest import ROOT
from test_finite import CASES, run

from estimator import uncertainty

sys.path.insert(0, str(ROOT / "benchmarks"))
from scaling import scenario_text  # noqa: E402 - the benchmarks' generator of large files, shared

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


# A normal range from 0 B: about 5 % of its draws are clipped to 0 B, so the expression divides by
# zero for some sampled values while the point estimate (the median, 500 B) is fine.
NORMAL_FROM_ZERO = """name: t
traffic:
  daily_active_users: 1000 user
  requests_per_user_per_day: 5 request/user/day
  request_size: {low: %s B, high: 1000 B, dist: normal}
derived:
  - name: per_byte
    expr: traffic.peak_qps / traffic.request_size
"""
DIVIDES = ("{file}:8:11: derived[0].expr: the expression divides by zero or overflows for {bad} of {of} values "
           "of the ranged inputs (draws stop at a field's floor, 0 for an amount, and a normal range's draws "
           "reach past its low); move the range away from 0 (a higher low) or use dist: lognormal\n")


def test_validate_refuses_a_derived_expression_that_fails_for_some_samples(tmp_path: Path):
    path = tmp_path / "h_norm.yaml"
    path.write_text(NORMAL_FROM_ZERO % 0, encoding="utf-8")
    validate, estimate = run("validate", str(path)), run("estimate", str(path))
    assert run("estimate", str(path), "--samples", "0").exit_code == 0  # the point estimate alone is fine
    assert (validate.exit_code, estimate.exit_code) == (2, 2)
    assert validate.stderr == estimate.stderr == DIVIDES.format(file=path, bad=457, of="10,000")
    assert validate.stdout == ""


def test_a_ranged_scenario_that_samples_fine_validates_ok(tmp_path: Path):
    path = tmp_path / "fine.yaml"
    path.write_text(NORMAL_FROM_ZERO % 400, encoding="utf-8")  # clipped draws are 0 at 3.7 σ: none of 10,000
    assert run("estimate", str(path), "--format", "json").exit_code == 0
    validate = run("validate", str(path))
    assert (validate.exit_code, validate.stdout, validate.stderr) == (0, f"{path}: ok\n", "")


def test_over_the_budget_validate_samples_what_fits_and_finds_a_fault_beyond_the_first_pass(monkeypatch,
                                                                                           tmp_path: Path):
    # A 64 KiB budget stands for a large file: 2 results vary, so 4,096 samples fit, and the first
    # pass (sized for all 13 results) is 1,000 draws. With low 300 B none of the first 1,000 draws is
    # clipped to 0 B; 6 of the next 3,096 are, which only sampling the 4,096 that fit meets.
    monkeypatch.setattr(uncertainty, "SAMPLE_MEMORY_BUDGET", 2**16)
    monkeypatch.setattr(uncertainty, "CHUNK_BYTES", 2**16)  # a pass is as large as the budget, as in the module
    path = tmp_path / "big.yaml"
    path.write_text(NORMAL_FROM_ZERO % 300, encoding="utf-8")
    refused = run("estimate", str(path))
    assert (refused.exit_code, refused.stderr) == (2, (
        "--samples: 10,000 samples of the 2 results the ranges reach need 0 MiB; at most 4,096 fit in the 0 MiB "
        "sampling budget: ask for 4,096 or fewer (or range fewer inputs)\n"))
    fitting, validate = run("estimate", str(path), "--samples", "4096"), run("validate", str(path))
    assert (validate.exit_code, fitting.exit_code) == (2, 2)
    assert validate.stderr == fitting.stderr == DIVIDES.format(file=path, bad=6, of="3,096")


def _large(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "large.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_large_file_over_the_budget_validates_with_the_samples_that_fit_in_two_passes(monkeypatch,
                                                                                      tmp_path: Path):
    # 1,000 datasets and one range: 8,000 results vary, 10,000 samples of them are 611 MiB.
    path = _large(tmp_path, scenario_text(1_000))
    refused = run("estimate", str(path))
    assert refused.exit_code == 2 and "at most 1,046 fit in the 64 MiB sampling budget" in refused.stderr
    passes = []
    real = uncertainty.estimate
    monkeypatch.setattr(uncertainty, "estimate", lambda s: passes.append(1) or real(s))
    validate = run("validate", str(path))
    assert (validate.exit_code, validate.stdout, validate.stderr) == (0, f"{path}: ok\n", "")
    # The point estimate and one sampled pass: the 1,046 draws of one range are the first 1,046 of
    # the 10,000 the refused run took, so its first pass is the whole of the run that fits.
    assert len(passes) == 2


def test_a_large_file_over_the_budget_still_has_its_derived_expressions_checked(tmp_path: Path):
    # Three ranges, so the 1,047 samples that fit draw other values for request_size than the first
    # 1,047 of 10,000: none of those is clipped to 0 B (the refused estimate's first pass is fine),
    # one of these is.
    text = scenario_text(999).replace(
        "requests_per_user_per_day: 5 request/user/day",
        "requests_per_user_per_day: {low: 4 request/user/day, high: 6 request/user/day}").replace(
        "request_size: 1 KB", "request_size: {low: 348 B, high: 1000 B, dist: normal}")
    path = _large(tmp_path, text + "derived:\n  - name: per_byte\n    expr: traffic.peak_qps / traffic.request_size\n")
    refused = run("estimate", str(path))
    assert refused.exit_code == 2 and refused.stderr.startswith("--samples: 10,000 samples of the 8,012 results")
    assert "at most 1,047 fit" in refused.stderr
    fitting, validate = run("estimate", str(path), "--samples", "1047", "--format", "json"), run("validate", str(path))
    assert (validate.exit_code, fitting.exit_code) == (2, 2)
    expected = DIVIDES.format(file=path, bad=1, of="1,047").replace(":8:11:", ":1008:11:")
    assert validate.stderr == fitting.stderr == expected
