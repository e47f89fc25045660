"""Hostile inputs, round two: size checked by reading at most the cap plus one byte; user mistakes
(a negative seed, non-UTF-8 options, unusable starter names, odd sweep bounds) are exit 2 with one
line, never an internal error."""

from __future__ import annotations

import subprocess
import os
import sys
import tracemalloc
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from estimator.cli import app
from estimator.errors import ScenarioError
from estimator.scenario.source import MAX_BYTES, read_capped

SCENARIO = ROOT / "scenarios" / "video_recommendation.yaml"
ENVELOPE = [sys.executable, "-m", "estimator"]
TOO_LARGE = f"file too large: given more than {MAX_BYTES:,} bytes, expected at most {MAX_BYTES:,} bytes"


def invoke(*args: str | Path, **kwargs):
    return CliRunner().invoke(app, [str(a) for a in args], **kwargs)


def test_an_endless_device_is_refused_after_the_cap():
    result = invoke("validate", "/dev/zero")
    assert result.exit_code == 2
    assert result.output == f"/dev/zero: {TOO_LARGE}\n"


def test_a_sparse_six_gigabyte_file_is_read_only_up_to_the_cap(tmp_path):
    huge = tmp_path / "huge.yaml"
    with open(huge, "wb") as handle:
        handle.truncate(6 * 10**9)  # sparse: takes no disk, but stat says 6 GB
    tracemalloc.start()
    try:
        with pytest.raises(ScenarioError) as caught:
            read_capped(huge)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(caught.value) == f"{huge}: {TOO_LARGE}"
    assert peak < 3 * MAX_BYTES  # the pieces and their join: never the 6 GB


def test_an_endless_pipe_on_stdin_is_refused():
    process = subprocess.run(f"yes | {' '.join(ENVELOPE)} validate -", shell=True, capture_output=True,
                             text=True, cwd=ROOT, timeout=60)
    assert process.returncode == 2
    assert process.stderr == f"<stdin>: {TOO_LARGE}\n"


def test_stdin_is_read_as_a_scenario():
    result = invoke("validate", "-", input=SCENARIO.read_text(encoding="utf-8"))
    assert (result.exit_code, result.output) == (0, "-: ok\n")


def test_a_file_exactly_at_the_cap_is_read_whole(tmp_path):
    exact = tmp_path / "exact.yaml"
    exact.write_bytes(b"#" * MAX_BYTES)
    assert len(read_capped(exact)) == MAX_BYTES


def test_a_directory_cannot_be_read(tmp_path):
    result = invoke("validate", tmp_path)
    assert (result.exit_code, result.output) == (2, f"{tmp_path}: cannot read file: Is a directory\n")


# ---------------------------------------------------------------- user mistakes are never "internal error"

ENVIRONMENT = {**os.environ, "PYTHONIOENCODING": "utf-8"}


def run(*args: str | bytes, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """A real process: arguments with bytes that are not UTF-8 cannot go through the in-process runner."""
    return subprocess.run([*ENVELOPE, *args], capture_output=True, cwd=ROOT, timeout=120, env=env or ENVIRONMENT)


@pytest.mark.parametrize("samples", [("--samples", "10"), ("--samples", "0")])  # refused even when nothing is sampled
def test_a_negative_seed_is_refused(samples):
    result = invoke("estimate", ROOT / "scenarios" / "ad_click_prediction.yaml", "--seed", "-1", *samples)
    assert result.exit_code == 2
    assert result.output == "--seed: given -1, expected a whole number from 0 to 18,446,744,073,709,551,615\n"


def test_bytes_that_are_not_utf8_in_set_and_new_are_refused(tmp_path):
    process = run("estimate", str(SCENARIO), "--set", b"traffic.daily_active_users=1\xff user", "-f", "compact")
    assert (process.returncode, process.stdout) == (2, b"")
    assert process.stderr == (b"--set: not UTF-8 text: given byte 0xff in 'traffic.daily_active_users=1\\xff user',"
                              b" expected UTF-8 text\n")
    process = run("new", b"caf\xe9", "-o", str(tmp_path / "x.yaml"))
    assert process.returncode == 2
    assert process.stderr == b"NAME: not UTF-8 text: given byte 0xe9 in 'caf\\xe9', expected UTF-8 text\n"
    assert not (tmp_path / "x.yaml").exists()


def test_an_ascii_stdout_degrades_to_escapes():
    process = run("estimate", str(SCENARIO), "-f", "markdown", env={**os.environ, "PYTHONIOENCODING": "ascii"})
    assert process.returncode == 0 and process.stderr == b""
    process.stdout.decode("ascii")  # every byte ASCII
    assert b"peak = 2 \\xd7 average" in process.stdout


@pytest.mark.parametrize(("name", "message"), [
    ("", "NAME: empty: given '', expected a name of 1 to 200 characters, e.g. 'Music recommendation'"),
    (" \t ", "NAME: empty: given ' \\t ', expected a name of 1 to 200 characters, e.g. 'Music recommendation'"),
    ("a" * 201, "NAME: too long: given 201 characters, expected at most 200"),
    ("a\x1b[2Jb", "NAME: control and bidi characters are not allowed: given 'a\\x1b[2Jb', expected printable text"),
    ("a\x00b", "NAME: control and bidi characters are not allowed: given 'a\\x00b', expected printable text"),
])
def test_new_refuses_a_name_no_scenario_may_have(tmp_path, name, message):
    result = invoke("new", name, "-o", tmp_path / "s.yaml")
    assert (result.exit_code, result.output) == (2, message + "\n")
    assert not (tmp_path / "s.yaml").exists()


@pytest.mark.parametrize("name", ["a" * 200, "Ünïcode “name”: v2", "x\n  y", "#1 - [draft]"])
def test_every_starter_new_writes_validates(tmp_path, name):
    target = tmp_path / "s.yaml"
    assert invoke("new", name, "-o", target).exit_code == 0
    assert invoke("validate", target).output == f"{target}: ok\n"


def test_a_superscript_on_a_number_is_refused_for_what_it_is():
    result = invoke("estimate", SCENARIO, "--set", "traffic.request_size=2² B", "-f", "compact")
    assert result.exit_code == 2
    # A value from --set is blamed on the option, not on the file's line (issue 14).
    assert result.output == ("--set 'traffic.request_size=2² B': traffic.request_size: a superscript power on a number ('2²'); "
                             "write the number out, e.g. '4 B', or a power as '2**2 B': given '2² B', expected an "
                             "amount of information, e.g. '2 KB'\n")


def test_a_superscript_on_a_unit_is_a_power():
    from estimator.units import parse_quantity

    assert parse_quantity("3 B/s²") == parse_quantity("3 B/s**2")


def test_three_dots_in_sweep_bounds_are_refused():
    result = invoke("sweep", SCENARIO, "--param", "traffic.monthly_active_users=1...2", "--target",
                    "traffic.peak_qps")
    assert result.exit_code == 2
    assert result.output == ("--param: given 'traffic.monthly_active_users=1...2', expected PATH=LOW..HIGH, "
                             "e.g. 'traffic.daily_active_users=100M..1B'\n")


def test_a_negative_shorthand_bound_is_called_negative():
    result = invoke("sweep", SCENARIO, "--param", "traffic.monthly_active_users=-1B..2B", "--target",
                    "traffic.peak_qps")
    assert result.exit_code == 2
    # A bound from --param is blamed on the option, not on the file's line (issue 14).
    assert result.output == ("--param: 'traffic.monthly_active_users=-1B..2B': traffic.monthly_active_users: negative: "
                             "given '-1 billion user', "
                             "expected 0 or more, e.g. '300 million user'\n")


def test_error_output_is_the_first_20_problems_and_a_count(tmp_path):
    path = tmp_path / "many.yaml"
    path.write_text("name: t\ntraffic:\n  daily_active_users: 5 user\n"
                    + "".join(f"  unknown_{n:02d}: 1\n" for n in range(30)), encoding="utf-8")
    result = invoke("validate", path)
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert len(lines) == 21
    assert lines[0] == f"{path}:4:3: traffic.unknown_00: unknown key"
    assert lines[19] == f"{path}:23:3: traffic.unknown_19: unknown key"
    assert lines[20] == "... and 10 more problems (30 in all); fix these first, they may cause the rest"


# ---------------------------------------------------------------- sampling and conventions at their edges

def test_a_normal_range_reaching_zero_under_a_division_fails_located_when_sampled(tmp_path):
    path = tmp_path / "zero.yaml"
    path.write_text("name: t\ntraffic:\n  daily_active_users: 1000 user\n"
                    "  requests_per_user_per_day: 5 request/user/day\n"
                    "  request_size: {low: 0 B, high: 1000 B, dist: normal}\n"
                    "derived:\n  - name: per_byte\n    expr: traffic.peak_qps / traffic.request_size\n",
                    encoding="utf-8")
    assert invoke("estimate", path, "--samples", "0", "-f", "compact").exit_code == 0  # the median is 500 B
    result = invoke("estimate", path, "--samples", "1000", "--seed", "1", "-f", "compact")
    assert result.exit_code == 2
    assert result.output == (
        f"{path}:8:11: derived[0].expr: the expression divides by zero or overflows for 51 of 1,000 values of "
        "the ranged inputs (draws stop at a field's floor, 0 for an amount, and a normal range's draws reach "
        "past its low); move the range away from 0 (a higher low) or use dist: lognormal\n")


@pytest.mark.parametrize(("conventions", "message"), [
    ("{day: 1e-320 s}", "conventions.day: not a plausible day: given '9.99989e-321 s', expected from 43,200 s to "
                        "172,800 s (the calendar's 86,400 s within a factor of 2)"),
    ("{month: 1 day}", "conventions.month: not a plausible month: given '1 d', expected from 1,314,873 s to "
                       "5,259,492 s (the calendar's 2,629,746 s within a factor of 2)"),
])
def test_conventions_outside_a_sane_range_are_refused(tmp_path, conventions, message):
    path = tmp_path / "c.yaml"
    path.write_text(f"name: t\nconventions: {conventions}\ntraffic:\n  daily_active_users: 5 user\n"
                    "  requests_per_user_per_day: 5 request/user/day\n", encoding="utf-8")
    result = invoke("estimate", path, "-f", "compact")
    assert result.exit_code == 2
    assert result.output.split(": ", 1)[1] == message + "\n"


def test_published_conventions_stay_accepted(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("name: t\nconventions: {day: 1e5 s, month: 2.5e6 s, year: 3e7 s}\ntraffic:\n"
                    "  daily_active_users: 5 user\n  requests_per_user_per_day: 5 request/user/day\n", encoding="utf-8")
    assert invoke("validate", path).exit_code == 0


def test_an_answers_file_is_read_only_up_to_the_cap():
    result = invoke("practice", SCENARIO, "--answers", "/dev/zero")
    assert result.exit_code == 2
    assert result.output == f"/dev/zero: {TOO_LARGE}\n"
