"""The CLI as a user runs it: a real process, real files, exit codes, no tracebacks."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, SCENARIOS, run_cli
from estimator.units import ureg

VIDEO = "scenarios/video_recommendation.yaml"


def test_json_follows_the_contract():
    result = run_cli("estimate", VIDEO, "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["scenario"] == "Video recommendation"
    assert set(document["conventions"]) == {"seconds_per_day", "seconds_per_month", "seconds_per_year",
                                            "storage_display", "peak_factor"}
    keys = [r["key"] for r in document["results"]]
    assert len(keys) == len(set(keys))
    assert document["sampling"] == {"samples": 10_000, "seed": 20240607}  # the scenario has ranges
    for item in document["results"]:
        assert set(item) == {"key", "label", "value", "unit", "p5", "p50", "p95", "per", "formula", "inputs"}
        assert isinstance(item["value"], float)
        assert item["p5"] <= item["p50"] <= item["p95"]
        ureg.Unit(item["unit"])  # every unit parses back
        for quantity in item["inputs"].values():
            ureg.Unit(quantity["unit"])
    by_key = {r["key"]: r for r in document["results"]}
    peak = ureg.Quantity(by_key["traffic.peak_qps"]["value"], by_key["traffic.peak_qps"]["unit"])
    assert peak.to("request/s").magnitude == pytest.approx(2 * 1e9 * 5 / 86400)
    assert by_key["serving.monthly_cost"]["per"] == "month"


def test_markdown_shows_formulas_with_values():
    result = run_cli("estimate", VIDEO, "--format", "markdown")
    assert result.returncode == 0
    assert "Conventions: 1 day = 86,400 s" in result.stdout
    assert ("| Peak QPS (`traffic.peak_qps`) | 116 k request/s | average_qps × peak_factor = "
            "57.9 k request/s × 2 = 116 k request/s |") in result.stdout


def test_table_is_readable():
    result = run_cli("estimate", VIDEO)
    assert result.returncode == 0
    assert "Peak QPS" in result.stdout and "116 k request/s" in result.stdout
    assert "e+" not in result.stdout


def test_python_dash_m_and_console_script_are_the_same_cli():
    import shutil
    import subprocess

    import sys
    from pathlib import Path

    # The console script of the environment running the tests, wherever it was set up.
    script = shutil.which("envelope", path=str(Path(sys.executable).parent))
    assert script, "installing the project (make setup) puts the envelope console script next to python"
    direct = subprocess.run([script, "list"], capture_output=True, text=True, cwd=ROOT)
    assert direct.stdout == run_cli("list").stdout


def test_list_names_every_bundled_scenario():
    output = run_cli("list").stdout
    for path in SCENARIOS:
        assert f"scenarios/{path.name}" in output


def test_validate_reports_each_file_and_fails_on_any_bad_one():
    result = run_cli("validate", VIDEO, "tests/invalid/misspelt_key.yaml")
    assert result.returncode == 2
    assert result.stdout == f"{VIDEO}: ok\n"
    assert "did you mean 'daily_active_users'?" in result.stderr


def test_schema_is_json_schema_of_the_scenario():
    schema = json.loads(run_cli("schema").stdout)
    assert "traffic" in schema["properties"] and schema["additionalProperties"] is False


def test_missing_file_is_a_clear_error():
    result = run_cli("estimate", "no/such/file.yaml")
    assert result.returncode == 2
    assert result.stderr == "no/such/file.yaml: cannot read file: No such file or directory\n"


def test_bad_set_option():
    result = run_cli("estimate", VIDEO, "--set", "traffic.daily_active_fraction")
    assert result.returncode == 2
    assert "not PATH=VALUE" in result.stderr and "Traceback" not in result.stderr


def test_help_explains_each_command():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("estimate", "validate", "list", "schema"):
        assert command in result.stdout


def test_an_internal_error_is_one_line_and_status_1(monkeypatch, capsys):
    """A bug of ours must not dump a traceback on the user either; it says it is a bug."""
    from estimator import cli

    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "app", broken)
    monkeypatch.delenv("ENVELOPE_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 1
    assert capsys.readouterr().err == ("envelope: internal error (RuntimeError: boom). This is a bug in Envelope, "
                                       "not in your input; ENVELOPE_DEBUG=1 shows the traceback.\n")


def test_a_range_is_checked_at_its_extreme_end_in_validators(tmp_path):
    """baseline_rate + mde must stay below 1 at the range's high end; a range is not a crash."""
    path = tmp_path / "ab.yaml"
    path.write_text("name: ab\ntraffic: {requests: 100 request/s}\nexperiments:\n  ab_test:\n"
                    "    baseline_rate: {low: 0.5, high: 0.995}\n    mde: 0.01\n")
    result = run_cli("estimate", str(path))
    assert result.returncode == 2
    assert "baseline_rate with mde gives a rate of 1.005; it must stay below 1" in result.stderr
