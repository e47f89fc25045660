"""Hostile inputs, round two: size checked by reading at most the cap plus one byte; user mistakes
(a negative seed, non-UTF-8 options, unusable starter names, odd sweep bounds) are exit 2 with one
line, never an internal error."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from estimator.cli import app
from estimator.errors import ScenarioError
from estimator.source import MAX_BYTES, read_capped

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
