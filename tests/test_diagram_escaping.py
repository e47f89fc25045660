"""Scenario text reaches Graphviz only escaped: names and labels with quotes, angle brackets,
ampersands, braces, backslashes (including escString's \\N, \\l, \\G, \\E) and newlines are drawn
literally. Checked on the SVG the CLI writes, parsed as XML, so markup cannot hide in it."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from conftest import ROOT, run_cli

HOSTILE = ROOT / "tests" / "hostile" / "markup_in_labels.yaml"


def test_labels_with_markup_and_escapes_render_literally(tmp_path):
    before = HOSTILE.read_bytes()
    out = tmp_path / "diagram.svg"
    result = run_cli("diagram", str(HOSTILE), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert HOSTILE.read_bytes() == before
    root = ElementTree.parse(out).getroot()  # well-formed XML, or this raises
    texts = [element.text for element in root.iter() if element.tag.endswith("}text") and element.text]
    for literal in ('Escapes <&> "quoted" {braces} \\ back',  # the scenario name, as the title
                    'Say "hi" <b>bold</b> & {x|y}', '\\N \\l end',  # wrapped at labels.LABEL_WIDTH
                    "second line",  # a newline starts a line
                    '<i>note</i> & "q" {z} \\G', 'a<b & c>d "e" {f} \\E'):
        assert literal in texts, (literal, texts)
    assert not [e.tag for e in root.iter() if e.tag.rsplit("}", 1)[-1] in ("b", "i")], "markup was interpreted"


def test_the_dot_output_is_escaped_too(tmp_path):
    out = tmp_path / "diagram.dot"
    result = run_cli("diagram", str(HOSTILE), "-o", str(out))
    assert result.returncode == 0, result.stderr
    dot = out.read_text(encoding="utf-8")
    assert "<b>" not in dot and "<i>" not in dot  # only Envelope's own <B> and <BR/> markup
    assert "&lt;b&gt;bold&lt;/b&gt; &amp;" in dot
