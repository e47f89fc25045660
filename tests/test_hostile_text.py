"""Text from a file cannot act on the reader: control and bidi characters are shown escaped in the
terminal, reports, JSON and diagrams; Markdown from a file loads nothing; look-alike letters are named."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from estimator.cli import app
from estimator.errors import lookalikes, printable
from estimator.report import markdown_text

HOSTILE_NAME = "Evil \x1b[2J\x1b]0;owned\x07 \u202eevil\u202c ![px](http://t.example/p.png) <img src=x>"
SCENARIO = f"""name: {json.dumps(HOSTILE_NAME)}
summary: "line one\\u2028line two"
traffic:
  daily_active_users: 1 million user
  requests_per_user_per_day: 5 request/user/day
"""


def invoke(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


def write(tmp_path: Path) -> Path:
    path = tmp_path / "evil.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def unsafe_in(text: str) -> list[str]:
    return sorted({char for char in text if char in "\x1b\x07\u202e\u202c\u2028\x85"})


def test_printable_escapes_controls_and_bidi_and_keeps_letters():
    assert printable("a\x1b[2Jb \u202eevil\u202c \u2066x\u2069 \u200f é 中文 \x85") == (
        "a\\x1b[2Jb \\u202eevil\\u202c \\u2066x\\u2069 \\u200f é 中文 \\x85")


def test_every_estimate_format_shows_the_name_escaped(tmp_path):
    path = write(tmp_path)
    for fmt in ("compact", "markdown", "json", "table"):
        result = invoke("estimate", path, "-f", fmt)
        assert result.exit_code == 0, result.output
        assert unsafe_in(result.output) == [], fmt
    compact = invoke("estimate", path, "-f", "compact").output
    assert compact.splitlines()[0] == "# Evil \\x1b[2J\\x1b]0;owned\\x07 \\u202eevil\\u202c ![px](http://t.example/p.png) <img src=x>"
    assert json.loads(invoke("estimate", path, "-f", "json").output)["scenario"] == HOSTILE_NAME  # same data


def test_markdown_from_a_file_loads_no_image_and_no_html(tmp_path):
    title = invoke("estimate", write(tmp_path), "-f", "markdown").output.splitlines()[0]
    # A bracket that starts no link or image is text: only "![" and "](" are escaped.
    assert title == ("# Evil \\x1b[2J\\x1b]0;owned\\x07 \\u202eevil\\u202c !\\[px\\](http://t.example/p.png) "
                     "&lt;img src=x&gt;")
    assert markdown_text("![a](http://x/y.png)") == "!\\[a\\](http://x/y.png)"


def test_file_names_with_newlines_cannot_forge_ok_lines(tmp_path):
    forged = tmp_path / "x.yaml\nother.yaml: ok"
    forged.write_text(SCENARIO, encoding="utf-8")
    result = invoke("validate", forged)
    assert result.output == f"{tmp_path}/x.yaml\\nother.yaml: ok: ok\n"


def test_diagram_labels_show_bidi_characters_escaped():
    from diagrams_lib.labels import clean  # the one cleaner of every diagram format's labels

    assert clean("\u202eevil\u202c\nsecond\x1b") == "\\u202eevil\\u202c\nsecond"


def test_lookalike_letters_are_named_where_a_key_or_unit_is_not_found(tmp_path):
    path = tmp_path / "look.yaml"
    path.write_text("name: t\ntraffic:\n  daily_\u0430ctive_users: 5 user\n  request_size: 2 \u212aB\n",
                    encoding="utf-8")
    result = invoke("validate", path)
    assert result.exit_code == 2
    assert result.output == (
        f"{path}:4:17: traffic.request_size: unknown unit: given '2 \u212aB', expected an amount of information, "
        "e.g. '2 KB' (no unit named '\u212aB'; '\u212a' is U+212A KELVIN SIGN, not 'K')\n"
        f"{path}:3:3: traffic.daily_\u0430ctive_users: unknown key; did you mean 'daily_active_users'?; "
        "'\u0430' is U+0430 CYRILLIC SMALL LETTER A, not 'a'\n")
    assert lookalikes("plain ascii") is None


def test_a_newline_in_a_name_cannot_forge_a_table_line(tmp_path):
    path = tmp_path / "nl.yaml"
    path.write_text('name: "line1\\nok: forged"\ntraffic: {daily_active_users: 1 million user, '
                    'requests_per_user_per_day: 1 request/user/day}\n', encoding="utf-8")
    result = invoke("estimate", path, "-f", "table")
    assert result.exit_code == 0, result.output
    assert "line1\\nok: forged" in result.output
    assert not any(line.strip().startswith("ok: forged") for line in result.output.splitlines())
