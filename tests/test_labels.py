"""Labels in every diagram format: long ones wrap, and glyphs no installed font has are named.

`make test` installs Debian's fontconfig and fonts-noto-cjk, so Chinese is covered here and a
musical symbol (U+1D11E, in no Debian font the project installs) is not.
"""

from __future__ import annotations

import struct

import networkx as nx

from conftest import run_cli
from diagrams_lib.labels import LABEL_WIDTH, font_warnings, installed_charset, label_lines, parse_charset
from diagrams_lib.render import render

LONG = ("Candidate generation from the social graph, the post index and the trending topics of every "
        "region the viewer follows, merged and deduplicated before the light ranker sees them")


def one_node(label: str, note: str = "") -> nx.DiGraph:
    graph = nx.DiGraph(title="T")
    graph.add_node("a", kind="service", label=label, annotations=[note] if note else [], cluster=None)
    return graph


def test_long_labels_wrap_at_the_width_and_keep_every_word():
    lines = label_lines(LONG)
    assert all(len(line) <= LABEL_WIDTH for line in lines) and len(lines) == 7
    assert " ".join(lines) == LONG


def test_a_number_stays_with_its_unit():
    assert label_lines("Serves a great deal of traffic: 116 k request/s") == [
        "Serves a great deal of", "traffic: 116 k request/s"]
    assert label_lines("x" * 25 + " 1.00 G user daily active") == ["x" * 25, "1.00 G user daily active"]


def test_a_long_label_no_longer_stretches_the_picture():
    """Unwrapped, this label alone made the PNG about 1,300 px wide; wrapped it is a column."""
    width = struct.unpack(">II", render(one_node(LONG), "png")[16:24])[0]
    assert width < 500, width


def test_font_warnings_name_each_uncovered_character_and_its_label():
    latin = parse_charset("20-7e")
    assert font_warnings(one_node("Users", "1.00 k user"), latin) == []
    assert font_warnings(one_node("用户", "ok"), latin) == [
        "no installed font draws 用 (U+7528), 户 (U+6237) in the label '用户': they show as boxes; install a font "
        "that covers them (Debian: fonts-noto-cjk for Chinese, Japanese and Korean, fonts-noto-core)"]


def test_the_installed_fonts_cover_chinese_but_not_a_musical_symbol():
    charset = installed_charset()
    assert charset is not None, "fontconfig's fc-list is missing: run `make test`, which installs it"
    assert font_warnings(one_node("推荐系统 用户", "中文"), charset) == []
    assert "U+1D11E" in font_warnings(one_node("clef \U0001d11e"), charset)[0]


def test_the_cli_warns_for_pictures_only(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text('name: "推荐 \U0001d11e"\ntraffic: {requests: 10 request/s}\n', encoding="utf-8")
    png = run_cli("diagram", str(scenario), "-o", "d.png", cwd=tmp_path)
    assert png.returncode == 0
    assert png.stderr == ("warning: no installed font draws \U0001d11e (U+1D11E) in the label '推荐 \U0001d11e': "
                          "they show as boxes; install a font that covers them (Debian: fonts-noto-cjk for "
                          "Chinese, Japanese and Korean, fonts-noto-core)\n")
    mermaid = run_cli("diagram", str(scenario), "-o", "d.mmd", cwd=tmp_path)  # the reader's fonts draw it
    assert (mermaid.returncode, mermaid.stderr) == (0, "")
