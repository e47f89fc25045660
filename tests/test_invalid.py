"""Every file in tests/invalid/ is wrong in one way; its message is checked to the letter.

Each ``NAME.yaml`` sits beside ``NAME.expected``, the exact text on stderr (file paths are
relative to the repository root, where the CLI runs). Set ENVELOPE_UPDATE_SNAPSHOTS=1 to
rewrite the snapshots after an intended change of wording, then review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from estimator.errors import ScenarioError

INVALID = sorted((ROOT / "tests" / "invalid").glob("*.yaml"))
# Mistakes in what is drawn (`components:`) change no number: `estimate` prints the numbers, and
# every command that draws (`diagram`, `report`), like `validate`, refuses the file.
DRAWING_ONLY = {"components_remove_unknown_id"}


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_file_gives_its_one_clear_message(path: Path, tmp_path: Path):
    before = path.read_bytes()
    command = (["diagram", "--format", "dot", "-o", str(tmp_path / "d.dot")] if path.stem in DRAWING_ONLY
               else ["estimate", "--format", "json"])
    result = run_cli(command[0], str(path.relative_to(ROOT)), *command[1:])
    snapshot = path.with_suffix(".expected")
    if os.environ.get("ENVELOPE_UPDATE_SNAPSHOTS"):
        snapshot.write_text(result.stderr, encoding="utf-8")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr == snapshot.read_text(encoding="utf-8")
    assert path.read_bytes() == before  # the input is never modified


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_the_app_gets_the_same_one_line_message(path: Path):
    """The app loads uploads with load_scenario_text, estimates and draws the architecture, and shows
    str(error) inline: the CLI's words."""
    from diagrams_lib.architecture import check_architecture
    from estimator.compose import estimate
    from estimator.scenario import load_scenario_text

    with pytest.raises(ScenarioError) as caught:
        scenario = load_scenario_text(path.read_bytes(), str(path.relative_to(ROOT)))
        check_architecture(scenario, estimate(scenario))
    expected = path.with_suffix(".expected").read_text(encoding="utf-8")
    assert str(caught.value) + "\n" == expected
    assert len(expected.splitlines()) == 1, "one mistake, one line"


def test_the_corpus_covers_the_issue():
    """At least 40 files, and the kinds of mistake issue 9 lists are all there."""
    stems = {p.stem for p in INVALID}
    assert len(stems) >= 40
    for required in ("malformed_yaml", "wrong_top_level", "misspelt_top_level_key", "misspelt_data_key",
                     "misspelt_feature_group_key", "misspelt_model_key", "misspelt_conventions_key",
                     "misspelt_derived_key", "misspelt_catalog_key", "wrong_dimension", "missing_unit",
                     "unknown_unit", "negative_count", "zero_retention", "fraction_above_one", "nan_yaml_float",
                     "inf_yaml_float", "absurd_magnitude_1e308", "empty_file", "binary_garbage", "non_utf8_latin1",
                     "duplicate_key", "range_low_above_high", "derived_unknown_name", "derived_cycle",
                     "unknown_accelerator", "unknown_component_kind", "alias_bomb", "power_tower_in_derived"):
        assert required in stems


def test_binary_corpus_files_are_really_not_utf8():
    """Guards the corpus itself: a checkout that converted these files would test nothing."""
    for name in ("binary_garbage", "non_utf8_latin1", "utf16_with_bom"):
        with pytest.raises(UnicodeDecodeError):
            (ROOT / "tests" / "invalid" / f"{name}.yaml").read_bytes().decode("utf-8")


def test_every_invalid_file_has_a_snapshot():
    missing = [p.name for p in INVALID if not p.with_suffix(".expected").exists()]
    assert missing == []
