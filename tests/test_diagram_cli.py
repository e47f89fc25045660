"""`envelope diagram` and `envelope report` as a user runs them: real processes, real Graphviz, real files.

Golden DOT: tests/golden/dot/<scenario>.dot is the Graphviz source of each bundled scenario's
diagram with icon paths normalised. Set ENVELOPE_UPDATE_SNAPSHOTS=1 to rewrite them after an
intended change, then review the diff.
"""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path

import pytest

from conftest import ROOT, SCENARIOS, run_cli
from estimator.compose import estimate
from estimator.display import show
from estimator.scenario import load_scenario

GOLDEN = ROOT / "tests" / "golden" / "dot"
VIDEO = ROOT / "scenarios" / "video_recommendation.yaml"
IDS = [p.stem for p in SCENARIOS]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def files_in(directory: Path) -> set[str]:
    return {str(p.relative_to(directory)) for p in directory.rglob("*")}


def test_png_shows_the_numbers_and_leaves_nothing_else_in_the_working_directory(tmp_path):
    result = run_cli("diagram", str(VIDEO), "-o", "vr.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert files_in(tmp_path) == {"vr.png"}
    data = (tmp_path / "vr.png").read_bytes()
    width, height = png_size(data)
    assert 800 <= width <= 6000 and 500 <= height <= 6000
    assert len(set(data[100:20000])) > 200  # compressed pixels of a real picture, not a blank page
    # The same drawing as SVG carries the numbers as text.
    svg = run_cli("diagram", str(VIDEO), "-o", "vr.svg", cwd=tmp_path)
    assert svg.returncode == 0, svg.stderr
    text = (tmp_path / "vr.svg").read_text(encoding="utf-8")
    scenario = load_scenario(VIDEO)
    numbers = estimate(scenario)
    for key in ("traffic.peak_qps", "features.online.size", "models.ranking.monthly_cost"):
        assert show(numbers.steps[key], numbers) in text, key


@pytest.mark.parametrize("path", SCENARIOS, ids=IDS)
def test_every_bundled_scenario_draws_as_aws_png_and_self_contained_svg(path, tmp_path):
    aws = run_cli("diagram", str(path), "-o", "d.png", "--theme", "aws", "--direction", "TB", cwd=tmp_path)
    assert aws.returncode == 0, aws.stderr
    assert png_size((tmp_path / "d.png").read_bytes())[0] > 400
    svg = run_cli("diagram", str(path), "-o", "d.out", "--format", "svg", cwd=tmp_path)
    assert svg.returncode == 0, svg.stderr
    text = (tmp_path / "d.out").read_text(encoding="utf-8")
    assert text.lstrip().startswith(("<?xml", "<svg", "<!--"))
    assert not re.search(r'(?:href|src)="(?:file:)?/', text, re.I)  # no absolute paths to icons
    assert "site-packages" not in text and str(ROOT) not in text
    assert "data:image/png;base64," in text
    assert files_in(tmp_path) == {"d.png", "d.out"}


def normalised_dot(text: str) -> str:
    """Icon paths point into the installed `diagrams` package: keep only the part inside it."""
    return re.sub(r'SRC="[^"]*?/resources/', 'SRC="<diagrams>/resources/', text)


@pytest.mark.parametrize("path", SCENARIOS, ids=IDS)
def test_dot_matches_the_golden_file(path, tmp_path):
    result = run_cli("diagram", str(path), "-o", "d.dot", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    dot = normalised_dot((tmp_path / "d.dot").read_text(encoding="utf-8"))
    golden = GOLDEN / f"{path.stem}.dot"
    if os.environ.get("ENVELOPE_UPDATE_SNAPSHOTS"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(dot, encoding="utf-8")
    assert golden.exists(), f"no {golden.relative_to(ROOT)}: run with ENVELOPE_UPDATE_SNAPSHOTS=1 and review it"
    assert dot == golden.read_text(encoding="utf-8")
    assert "<diagrams>/resources/" in dot and "site-packages" not in dot


def test_existing_output_is_kept_unless_forced(tmp_path):
    target = tmp_path / "out.dot"
    target.write_text("keep me", encoding="utf-8")
    refused = run_cli("diagram", str(VIDEO), "-o", str(target))
    assert refused.returncode == 2
    assert refused.stderr == f"{target}: exists already; pass --force to overwrite it\n"
    assert target.read_text(encoding="utf-8") == "keep me"
    forced = run_cli("diagram", str(VIDEO), "-o", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert target.read_text(encoding="utf-8").startswith("digraph")
    assert files_in(tmp_path) == {"out.dot"}  # no temporary file left beside it


@pytest.mark.parametrize("args, message", [
    (["-o", "out"], "out: no suffix to tell the format; add one (.png, .svg, .pdf, .dot, .mmd, .d2) or pass --format\n"),
    (["-o", "out.png", "--theme", "ibm"], "unknown theme 'ibm'; choose one of: aws, azure, gcp, onprem\n"),
    (["-o", "out.gif"], "unknown format 'gif'; choose one of: d2, dot, mmd, pdf, png, svg\n"),
    (["-o", "out.png", "--direction", "up"], "unknown direction 'up'; choose one of: BT, LR, RL, TB\n"),
    (["-o", "missing/out.png"], "missing: no such directory\n"),
])
def test_bad_options_give_one_line_and_exit_2(args, message, tmp_path):
    result = run_cli("diagram", str(VIDEO), *args, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, message)
    assert files_in(tmp_path) == set()


def test_bad_scenario_gives_its_located_message(tmp_path):
    result = run_cli("diagram", str(ROOT / "tests" / "invalid" / "unknown_component_kind.yaml"), "-o", "x.png",
                     cwd=tmp_path)
    assert result.returncode == 2
    assert "components.add[0].kind: unknown component kind: given 'model_servr'" in result.stderr
    assert "Traceback" not in result.stderr and files_in(tmp_path) == set()


def test_report_writes_notes_in_the_seven_steps_with_the_diagram(tmp_path):
    result = run_cli("report", str(VIDEO), "-o", "notes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert files_in(tmp_path) == {"notes", "notes/video-recommendation.md", "notes/video-recommendation.png"}
    text = (tmp_path / "notes" / "video-recommendation.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (\d)\. ", text, re.M)
    assert headings == ["1", "2", "3", "4", "5", "6", "7"]
    assert "![Architecture of Video recommendation](video-recommendation.png)" in text
    assert "| Peak QPS (`traffic.peak_qps`) | 116 k request/s | average_qps × peak_factor = " in text
    assert "**Task:** Rank candidate videos" in text
    png_size((tmp_path / "notes" / "video-recommendation.png").read_bytes())
    again = run_cli("report", str(VIDEO), "-o", "notes", cwd=tmp_path)
    assert again.returncode == 2 and "exists already; pass --force" in again.stderr
    assert run_cli("report", str(VIDEO), "-o", "notes", "--force", cwd=tmp_path).returncode == 0


def test_report_names_files_by_a_safe_slug_of_the_scenario_name(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text('name: "../../Evil <name>"\ntraffic: {requests: 10 request/s}\n', encoding="utf-8")
    result = run_cli("report", str(scenario), "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(files_in(tmp_path / "out")) == ["evil-name.md", "evil-name.png"]
    assert "# \\.\\./\\.\\./Evil &lt;name&gt;" not in (tmp_path / "out" / "evil-name.md").read_text()
    assert "Evil &lt;name&gt;" in (tmp_path / "out" / "evil-name.md").read_text()
