"""Nothing is lost: inputs are only read, outputs replace files atomically and only with --force,
output names never come unsanitised from a scenario, and no command prints a traceback for
bad arguments.

The CLI runs in-process through typer's runner here (fast); tests/test_cli.py runs real processes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from estimator.cli import app
from estimator.errors import OutputError
from estimator.output import write_output

SCENARIO = ROOT / "scenarios" / "video_recommendation.yaml"


def invoke(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    folder.mkdir()
    shutil.copy(SCENARIO, folder / "a.yaml")
    shutil.copy(ROOT / "scenarios" / "ad_click_prediction.yaml", folder / "b.yaml")
    shutil.copy(ROOT / "tests" / "invalid" / "binary_garbage.yaml", folder / "garbage.yaml")
    return folder


def commands(i: Path, out: Path) -> list[list[str | Path]]:
    """Every command that reads a scenario, each with its outputs (if any) under ``out``."""
    return [
        ["estimate", i / "a.yaml", "--format", "json"], ["estimate", i / "a.yaml", "--format", "markdown"],
        ["validate", i / "a.yaml", i / "b.yaml", i / "garbage.yaml"],
        ["diagram", i / "a.yaml", "-o", out / "d.dot"],
        ["report", i / "a.yaml", "-o", out / "notes"],
        ["sensitivity", i / "a.yaml", "--target", "traffic.peak_qps"],
        ["sweep", i / "a.yaml", "--param", "traffic.monthly_active_users=100M..1B", "--target", "traffic.peak_qps",
         "--steps", "3", "--csv", out / "s.csv"],
        ["compare", i / "a.yaml", i / "b.yaml", "--format", "json"],
        ["estimate", i / "garbage.yaml"],
    ]


def test_no_command_modifies_its_input_files(inputs, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    before = digest(inputs)
    for command in commands(inputs, out):
        result = invoke(*command)
        assert result.exit_code in (0, 2), (command, result.output)
        assert digest(inputs) == before, command
    assert {"d.dot", "s.csv"} <= set(digest(out))


def test_outputs_need_force_to_replace_a_file(inputs, tmp_path):
    for command, target in (
        (["diagram", inputs / "a.yaml", "-o", tmp_path / "d.dot"], tmp_path / "d.dot"),
        (["sweep", inputs / "a.yaml", "--param", "traffic.monthly_active_users=100M..1B", "--target",
          "traffic.peak_qps", "--steps", "2", "--csv", tmp_path / "s.csv"], tmp_path / "s.csv"),
        (["new", "Music recommendation", "-o", tmp_path / "n.yaml"], tmp_path / "n.yaml"),
    ):
        target.write_bytes(b"precious")
        refused = invoke(*command)
        assert refused.exit_code == 2 and "--force" in refused.output and target.read_bytes() == b"precious"
        assert invoke(*command, "--force").exit_code == 0 and target.read_bytes() != b"precious"


def test_sweep_csv_onto_the_scenario_itself_is_refused(inputs):
    """The regression: `--csv` wrote with write_text, so it could overwrite the scenario it read."""
    before = digest(inputs)
    result = invoke("sweep", inputs / "a.yaml", "--param", "traffic.monthly_active_users=100M..1B", "--target",
                    "traffic.peak_qps", "--csv", inputs / "a.yaml")
    assert result.exit_code == 2 and "exists already" in result.output
    assert digest(inputs) == before


def test_report_names_come_from_the_slug_never_from_raw_scenario_text(inputs, tmp_path):
    hostile = inputs / "hostile.yaml"
    hostile.write_text(SCENARIO.read_text(encoding="utf-8").replace(
        "name: Video recommendation", 'name: "../../../escaped/..\\\\evil\\nname"', 1), encoding="utf-8")
    out = tmp_path / "deep" / "notes"
    result = invoke("report", hostile, "-o", out)
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file() and inputs not in p.parents)
    assert all(p.parent == Path("deep/notes") for p in written), written
    assert not (tmp_path / "escaped").exists()


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "report.md"
    target.write_bytes(b"old")

    def broken_replace(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match="No space left on device"):
        write_output(target, b"new", force=True)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]  # the temporary file was removed


def test_a_write_interrupted_midway_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "diagram.svg"
    target.write_bytes(b"old")
    real_fdopen = os.fdopen

    class Interrupted(Exception):
        pass

    def fdopen(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)
        handle.write = lambda data: (_ for _ in ()).throw(Interrupted())  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr(os, "fdopen", fdopen)
    with pytest.raises(Interrupted):
        write_output(target, b"new", force=True)
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["diagram.svg"]


GARBAGE = [
    ["estimate", "--format", "yaml"], ["estimate"], ["estimate", "{dir}"], ["estimate", "{missing}"],
    ["estimate", "{file}", "--set", "no-equals-sign"], ["estimate", "{file}", "--set", "traffic.nope.deeper=1"],
    ["estimate", "{file}", "--set", "traffic.daily_active_users=9**9**9 user"],
    ["estimate", "{file}", "--samples", "many"], ["estimate", "{file}", "--samples", "-1"],
    ["validate"], ["validate", "{dir}"], ["validate", "/dev/null"],
    ["diagram", "{file}"], ["diagram", "{file}", "-o", "{dir}"], ["diagram", "{file}", "-o", "{tmp}/x.exe"],
    ["diagram", "{file}", "-o", "{tmp}/no/such/dir/x.png"], ["diagram", "{file}", "-o", "{tmp}/x.png", "--theme", "?"],
    ["report", "{file}"], ["report", "{file}", "-o", "{file}"],
    ["sensitivity", "{file}"], ["sensitivity", "{file}", "--target", "no.such.result"],
    ["sweep", "{file}", "--param", "garbage", "--target", "traffic.peak_qps"],
    ["sweep", "{file}", "--param", "traffic.monthly_active_users=1..", "--target", "traffic.peak_qps"],
    ["sweep", "{file}", "--param", "traffic.monthly_active_users=100M..1B", "--target", "traffic.peak_qps",
     "--steps", "100000000"],
    ["compare", "{file}"], ["compare", "{file}", "{dir}"],
    ["new"], ["new", "x", "--archetype", "spaceship"], ["new", "x", "-o", "{dir}"],
    ["schema", "extra"], ["list", "extra"], ["no-such-command"], ["--no-such-option"],
    ["practice", "{missing}"], ["practice", "{file}", "--seed", "x"], ["practice", "{file}", "--answers", "{dir}"],
    ["practice", "{file}", "--answers", "{file}"], ["practice", "{file}", "--answers", "/dev/null"],
    ["practice", "--answers", "{file}"],
]


@pytest.mark.parametrize("args", GARBAGE, ids=[" ".join(a) for a in GARBAGE])
def test_garbage_arguments_exit_2_without_a_traceback(args, inputs, tmp_path):
    values = {"dir": str(tmp_path), "missing": str(tmp_path / "missing.yaml"), "file": str(inputs / "a.yaml"),
              "tmp": str(tmp_path)}
    result = invoke(*[arg.format(**values) for arg in args])
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
