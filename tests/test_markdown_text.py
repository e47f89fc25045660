"""Text from a file enters Markdown only through ``report.markdown_text``: a hostile string in every
text field of a scenario that reaches Markdown (the report's notes, ``estimate -f markdown``,
``compare -f markdown``) shows as text, and the Markdown, rendered, loads nothing and links nowhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

from markdown_it import MarkdownIt
from typer.testing import CliRunner

from estimator.cli import app
from estimator.report import markdown_code, markdown_text

# ESC sequences (CSI, OSC), their 8-bit forms, bidi overrides and isolates, an image, an HTML
# image, a javascript: link, a newline.
HOSTILE = ("\x1b[2J \x1b[31mred\x1b[0m \x1b]0;title\x07 \x9b2J \x9d0;t\x9c \u202eevil\u202c \u2066x\u2069 "
           "![x](http://e/p.png) <img src=http://e/i.png> [link](javascript:x) line\nbreak")
# The same string as Markdown shows it, written out by hand.
SHOWN = ("\\x1b[2J \\x1b[31mred\\x1b[0m \\x1b]0;title\\x07 \\x9b2J \\x9d0;t\\x9c \\u202eevil\\u202c \\u2066x\\u2069 "
         "!\\[x\\](http://e/p.png) &lt;img src=http://e/i.png&gt; [link\\](javascript:x) line break")
UNSAFE = "\x1b\x07\x9b\x9c\x9d\u202e\u202c\u2066\u2069"

H = json.dumps(HOSTILE)
# Every text field that reaches Markdown holds HOSTILE: name, summary, framing, a catalog
# accelerator (its key, name and sources) and storage price (its key and source), the labels of a
# derived result, guardrails, and the diagram's relabels, components and flows.
SCENARIO = f"""name: {H}
summary: {H}
framing: {{goal: {H}, task: {H}, objective: {H}, labels: {H}, offline_metrics: [{H}], online_metrics: [{H}]}}
catalog:
  accelerators:
    {H}: {{name: {H}, peak: {{fp16: 100 TFLOP/s}}, memory: 16 GB, memory_bandwidth: 300 GB/s,
          price: 1 USD/hour, source: {H}, price_source: {H}, as_of: 2026-01-01}}
  prices:
    storage:
      {H}: {{price: 0.02 USD/GB/month, source: {H}, as_of: 2026-01-01}}
traffic:
  daily_active_users: 1 million user
  requests_per_user_per_day: {{low: 2 request/user/day, high: 8 request/user/day}}
data:
  - {{name: events, records_per_day: 1 million event/day, record_size: 100 B, retention: 30 day, tier: {H}}}
models:
  - {{name: ranker, parameters: 1 million parameter, inferences_per_request: 1 inference/request, accelerator: {H}}}
experiments:
  guardrails: [{{metric: {H}, threshold: {H}}}]
derived:
  - {{name: per_user, expr: storage.total_footprint / traffic.daily_active_users, unit: B/user, label: {H}}}
components:
  relabel: {{app: {H}}}
  add: [{{id: extra, kind: service, label: {H}, notes: [{H}]}}]
  add_flows: [{{source: app, target: extra, flow: queries, label: {H}}}]
"""


def invoke(*args: str | Path) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def assert_inert(markdown: str, *, own_images: tuple[str, ...] = ()) -> None:
    """No raw control or bidi character, no image, tag or link from the file; rendered by a
    CommonMark parser with tables, no <img> but Envelope's own and no link at all."""
    assert [char for char in markdown if char in UNSAFE] == []
    assert "\nbreak" not in markdown
    text = markdown
    for image in own_images:  # Envelope's own image of the diagram, its file named by Envelope
        text = text.replace("![Architecture of ", "", 1).replace(f"]({image})", "", 1)
    assert re.findall(r"(?<!\\)(?:!\[|\]\(|\]\[|\]:)|<img", text) == []
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    assert re.findall(r'<img src="([^"]*)"', html) == list(own_images)
    assert "<a " not in html
    assert "http://e/i.png" not in re.findall(r'src="([^"]*)"', html)


def test_markdown_text_escapes_what_markdown_reads_and_keeps_plain_text():
    assert markdown_text(HOSTILE) == SHOWN
    assert markdown_text("Bytes per vector (ivf_pq)") == "Bytes per vector (ivf_pq)"
    assert markdown_text("listed in 'Pricing Matrix [2026 Cheat Sheet]'") == "listed in 'Pricing Matrix [2026 Cheat Sheet]'"
    assert markdown_text("_x_ *y* `z` # | \\ [r]: u [a][b] &amp;") == (
        "\\_x\\_ \\*y\\* \\`z\\` \\# \\| \\\\ [r\\]: u [a\\][b] &amp;amp;")
    assert markdown_text("[a] b", bracketed=True) == "\\[a\\] b"
    assert markdown_code("traffic.peak_qps") == "`traffic.peak_qps`"
    assert markdown_code("storage.a`b") == "storage.a\\`b"


def test_estimate_markdown_shows_every_hostile_field_as_text(tmp_path):
    markdown = invoke("estimate", hostile(tmp_path), "-f", "markdown")
    assert_inert(markdown)
    lines = markdown.splitlines()
    assert lines[0] == f"# {SHOWN}"
    assert f"| {SHOWN} (`derived.per_user`) | 3.00 kB/user | storage.total_footprint / traffic.daily_active_users = " \
           "3.00 GB / 1.00 M user = 3.00 kB/user |" in lines
    assert f"| {SHOWN} | {SHOWN} |" in lines  # the guardrail
    assert f"| {SHOWN} (storage.{SHOWN}) | $0.0200/GB/month | {SHOWN} | 2026-01-01 |" in lines
    assert f"| {SHOWN} (GPU) (accelerator.{SHOWN}) | $1.00/h | {SHOWN} | 2026-01-01 |" in lines
    assert f"| {SHOWN} (`derived.per_user`) | 3.00 kB/user | 3.00 kB/user | 3.00 kB/user |" in lines  # uncertainty


def test_report_notes_show_every_hostile_field_as_text(tmp_path):
    out = tmp_path / "out"
    invoke("report", hostile(tmp_path), "-o", out)
    (notes,) = out.glob("*.md")
    markdown = notes.read_text(encoding="utf-8")
    picture = notes.with_suffix(".png").name
    assert_inert(markdown, own_images=(picture,))
    lines = markdown.splitlines()
    assert lines[0] == f"# {SHOWN}"
    assert lines[2] == SHOWN  # the summary
    for name in ("Goal", "Task", "Objective", "Labels", "Offline metrics", "Online metrics"):
        assert f"**{name}:** {SHOWN}" in lines
    alt = SHOWN.replace("[", "\\[").replace("]", "\\]").replace("\\\\", "\\")  # every bracket escaped once
    assert f"![Architecture of {alt}]({picture})" in lines
    assert sum(line.startswith(f"| {SHOWN} (`derived.per_user`) |") for line in lines) == 1


def test_compare_markdown_shows_the_hostile_name_and_label_as_text(tmp_path):
    path = hostile(tmp_path)
    markdown = invoke("compare", path, path, "-f", "markdown")
    assert_inert(markdown)
    lines = markdown.splitlines()
    assert lines[0] == f"# {SHOWN} (A) → {SHOWN} (B)"
    assert f"| {SHOWN} (`derived.per_user`) | 3.00 kB/user | 3.00 kB/user | 0 B/user | 0 % |" in lines
