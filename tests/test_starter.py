"""`envelope new`: each archetype's starter validates and estimates as written, and never overwrites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli
from estimator.compose import estimate
from estimator.scenario import load_scenario
from estimator.starter import ARCHETYPES


@pytest.mark.parametrize("archetype", ARCHETYPES)
def test_starter_validates_and_estimates(tmp_path, archetype):
    target = tmp_path / "s.yaml"
    result = run_cli("new", "Pet: store #1", "--archetype", archetype, "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {target}"
    scenario = load_scenario(target)
    assert scenario.name == "Pet: store #1" and scenario.archetype == archetype
    assert estimate(scenario)["cost.monthly_total"].magnitude > 0
    report = run_cli("estimate", str(target), "--format", "json")
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)


def test_starter_default_file_name_and_no_overwrite(tmp_path):
    first = run_cli("new", "Music feed", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    written = tmp_path / "music_feed.yaml"
    before = written.read_text(encoding="utf-8")
    again = run_cli("new", "Music feed", "--archetype", "llm", cwd=tmp_path)
    assert again.returncode == 2 and "exists already; pass --force" in again.stderr
    assert written.read_text(encoding="utf-8") == before
    forced = run_cli("new", "Music feed", "--archetype", "llm", "--force", cwd=tmp_path)
    assert forced.returncode == 0 and "archetype: llm" in written.read_text(encoding="utf-8")


def test_starter_unknown_archetype_is_a_usage_error(tmp_path):
    result = run_cli("new", "X", "--archetype", "ranking", cwd=tmp_path)
    assert result.returncode == 2 and "ranking" in result.stderr and not list(tmp_path.iterdir())


def test_a_file_name_is_the_file_to_write_and_gives_the_name(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "music_feed.yaml"
    target.parent.mkdir()
    result = run_cli("new", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.rglob("*.yaml")) == ["music_feed.yaml"]
    assert load_scenario(target).name == "Music feed"
    assert run_cli("validate", str(target)).returncode == 0
