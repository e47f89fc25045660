"""Render an Estimate: a terminal table, a compact form for pipes, Markdown with the working shown, or JSON.

Display goes through estimator.display (three significant figures, the scenario's storage
display); JSON keeps exact magnitudes and a unit string that pint parses back.
"""

from __future__ import annotations

import io
import json
import re
from itertools import groupby
from typing import TYPE_CHECKING, Any, Callable, Iterator

import pint

from estimator.display import show, show_input
from estimator.errors import OptionError, json_printable, printable
from estimator.compose import Estimate
from estimator.results import section_of, section_title
from estimator.trace import Step
from estimator.units import format_quantity, in_words, unit_text

if TYPE_CHECKING:
    from estimator.uncertainty import Interval, Spread

__all__ = ["MAX_TABLE_ROWS", "check_table_rows", "choose_format", "compact_line", "conventions_json",
           "conventions_text", "guardrails_markdown", "interval_texts", "intervals_markdown", "intervals_table",
           "markdown_code", "markdown_text", "over_table_rows", "quantity_json", "result_json", "results_table", "section_key",
           "subject_label", "table_width", "table_rows", "terminal_text", "to_compact", "to_json", "to_markdown",
           "to_table", "inputs_markdown", "unit_prices_markdown", "varied", "working"]


def section_key(result: Step) -> str:
    """The section of a result (``traffic`` for ``traffic.peak_qps``), to group results by."""
    return section_of(result.key)


def conventions_text(estimate: Estimate) -> str:
    """One sentence stating the conventions every number below depends on."""
    p, c = estimate.periods, estimate.conventions
    display = "binary units (1 GiB = 2^30 B)" if c.binary else "decimal units (1 GB = 10^9 B)"
    return (f"1 day = {p.day.magnitude:,.0f} s; 1 month = {p.month.magnitude:,.0f} s; "
            f"1 year = {p.year.magnitude:,.0f} s; storage in {display}; peak = {c.peak_factor:g} × average.")


def conventions_json(estimate: Estimate) -> dict[str, Any]:
    p, c = estimate.periods, estimate.conventions
    return {"seconds_per_day": float(p.day.magnitude), "seconds_per_month": float(p.month.magnitude),
            "seconds_per_year": float(p.year.magnitude), "storage_display": c.storage_display,
            "peak_factor": c.peak_factor}


# ---------------------------------------------------------------------------------- JSON

def quantity_json(quantity: pint.Quantity) -> dict[str, Any]:
    return {"value": _plain(quantity.magnitude), "unit": unit_text(quantity.units)}


def _plain(magnitude: Any) -> Any:
    return float(magnitude) if not hasattr(magnitude, "tolist") else magnitude.tolist()


def result_json(result: Step, interval: Interval | None = None) -> dict[str, Any]:
    """One result; with ``interval``, its p5/p50/p95 in the result's unit next to the point ``value``."""
    spread = {} if interval is None else {
        name: float(q.to(result.value.units).magnitude) for name, q in zip(("p5", "p50", "p95"), interval)}
    return {"key": result.key, "label": result.label, **quantity_json(result.value), **spread, "per": result.per,
            "formula": result.formula, "inputs": {name: quantity_json(q) for name, q in result.inputs.items()}}


def to_json(estimate: Estimate, spread: Spread | None = None) -> str:
    intervals = spread.intervals if spread else {}
    document = {"scenario": estimate.scenario, "conventions": conventions_json(estimate),
                **({"sampling": {"samples": spread.samples, "seed": spread.seed}} if spread else {}),
                "results": [result_json(result, intervals.get(result.key)) for result in estimate],
                "guardrails": [{"metric": m, "threshold": t} for m, t in estimate.guardrails],
                "unit_prices": [{"item": p.item, "name": p.name, "price": quantity_json(p.price), "source": p.source,
                                 "as_of": p.as_of} for p in estimate.unit_prices]}
    return strict_json(document)


def strict_json(document: Any) -> str:
    """The one way JSON leaves Envelope: strict (RFC 8259), so a NaN or an infinity is an error.

    ``json.dumps`` writes ``NaN`` and ``Infinity`` by default, which no JSON parser reads;
    compose.check_finite makes that unreachable, and this refuses it if it ever happens.

    >>> print(strict_json({"value": 1.5}), end="")
    {
      "value": 1.5
    }
    >>> strict_json({"value": float("nan")})
    Traceback (most recent call last):
    ...
    ValueError: Out of range float values are not JSON compliant...
    """
    return json_printable(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)) + "\n"


# ------------------------------------------------------------------------------ Markdown

def working(result: Step, estimate: Estimate) -> str:
    """``formula = formula with values = value``: the "show your work" line.

    A result of ``estimate`` has its line worked out once and kept in ``estimate.workings``, so
    every renderer of one estimate (report, notes, app) shares it; any other step is worked out.
    """
    memo = estimate.workings if estimate.steps.get(result.key) is result else {}
    line = memo.get(result.key)
    if line is None:
        substituted = result.substituted(lambda quantity: show_input(quantity, estimate))
        middle = f" = {substituted}" if substituted != result.formula else ""
        line = memo[result.key] = f"{result.formula}{middle} = {show(result, estimate)}"
    return line


def to_markdown(estimate: Estimate, spread: Spread | None = None) -> str:
    lines = [f"# {markdown_text(estimate.scenario)}", "", f"Conventions: {conventions_text(estimate)}", ""]
    for section, results in groupby(estimate, key=section_key):
        lines += [f"## {section_title(section)}", ""]
        lines += results_table(list(results), estimate)
        lines.append("")
    lines += guardrails_markdown(estimate)
    lines += unit_prices_markdown(estimate)
    lines += inputs_markdown(estimate)
    return _lines(lines + (intervals_markdown(estimate, spread) if spread else []))


def unit_prices_markdown(estimate: Estimate) -> list[str]:
    """Each unit price the results used, as given (bundled, a price book or the scenario), with its source."""
    if not estimate.unit_prices:
        return []
    return ["## Unit prices", "", "| Item | Price | Source | As of |", "| --- | --- | --- | --- |",
            *[f"| {markdown_text(p.name)} ({markdown_code(p.item)}) | {format_quantity(p.price)} | "
              f"{markdown_text(p.source)} | {markdown_text(p.as_of)} |"
              for p in estimate.unit_prices], ""]


def inputs_markdown(estimate: Estimate) -> list[str]:
    """Each input quantity as Envelope read it, in plain words ("2 megabytes"), for a reviewer."""
    if not estimate.inputs:
        return []
    return ["## Inputs as read", "", "Every unit spelled out; a day, month and year are those of the conventions above, and a range is read "
            "as its median.", "",
            "| Input | Read as |", "| --- | --- |",
            *[f"| {markdown_code(path)} | {markdown_text(in_words(quantity))} |" for path, quantity in estimate.inputs], ""]


def guardrails_markdown(estimate: Estimate) -> list[str]:
    """Metrics an experiment must not move past their thresholds, listed after the numbers."""
    if not estimate.guardrails:
        return []
    return ["## Guardrails", "", "| Metric | Threshold |", "| --- | --- |",
            *[f"| {markdown_text(metric)} | {markdown_text(threshold)} |" for metric, threshold in estimate.guardrails], ""]


def intervals_markdown(estimate: Estimate, spread: Spread) -> list[str]:
    """The uncertainty section: each result's 5th, 50th and 95th percentile over the samples."""
    lines = ["## Uncertainty", "", f"Percentiles over {spread.samples:,} samples of the ranged inputs "
             f"(seed {spread.seed}); the values above are the point estimate, every range at its median.", "",
             "| Result | p5 | p50 | p95 |", "| --- | --- | --- | --- |"]
    return lines + [f"| {markdown_text(r.label)} ({markdown_code(r.key)}) | "
                    + " | ".join(interval_texts(r, estimate, spread)) + " |"
                    for r in estimate] + [""]


def interval_texts(result: Step, estimate: Estimate, spread: Spread) -> list[str]:
    """p5, p50 and p95 of one result, shown like its value."""
    return [format_quantity(q, binary=estimate.conventions.binary, per=result.per) for q in spread.intervals[result.key]]


def results_table(results: list[Step], estimate: Estimate) -> list[str]:
    """A Markdown table of results: label and key, value, and the working."""
    lines = ["| Result | Value | Working |", "| --- | --- | --- |"]
    return lines + [f"| {markdown_text(r.label)} ({markdown_code(r.key)}) | {show(r, estimate)} | "
                    f"{markdown_text(working(r, estimate))} |"
                    for r in results]


# What Markdown would read as syntax in text from a file, each escaped with a backslash: a
# backslash (it would cancel an escape), a backtick (code), a star (emphasis), ``#`` (a heading),
# a pipe (a table cell), an underscore that is not inside a word (emphasis: CommonMark never
# reads ``ivf_pq``'s as one), ``[`` after ``!`` (an image), and ``]`` before ``(``, ``[`` or
# ``:`` (an inline link, a reference or a reference's definition; a bracket on its own, as in a
# cited title, is text). Source: CommonMark 0.31.2, sections 2.4, 6.1, 6.2, 6.3, 6.4, 4.7;
# GitHub Flavored Markdown spec 0.29, section 4.10 (tables).
_MARKDOWN_SYNTAX = re.compile(r"[\\`*#|]|_(?![^\W_])|(?<![^\W_])_|(?<=!)\[|\](?=[(\[:])")
_BRACKETED = re.compile(_MARKDOWN_SYNTAX.pattern + r"|[\[\]]")


def markdown_text(text: str, *, bracketed: bool = False) -> str:
    """Text from a file as Markdown shows it literally: the one way such text enters Markdown.

    Markdown and HTML syntax is escaped (``&``, ``<`` and ``>`` as entities, so no tag, autolink
    or entity; see ``_MARKDOWN_SYNTAX`` for the backslash escapes), the text is put on one line
    (a newline would end a table row or start a block), and control and bidi characters are
    escaped (``errors.printable``): it cannot load an image, make a link, or act on a terminal.
    Text with none of these characters (a label such as ``Bytes per vector (ivf_pq)``, a cited
    title in brackets) is unchanged.

    Parameters
    ----------
    text : str
        A name, summary, framing text, label, metric, threshold or source from a scenario file or
        a catalog, or a line Envelope composed from such text (a working).
    bracketed : bool
        The text goes between the brackets of Envelope's own image or link (an image's alt
        text): every bracket is escaped, as one left unmatched would move where the link starts.

    Returns
    -------
    str
        One line of Markdown that shows ``text`` as written.

    Examples
    --------
    >>> markdown_text("<b>*bold*</b> [x](y)")
    '&lt;b&gt;\\\\*bold\\\\*&lt;/b&gt; [x\\\\](y)'
    >>> markdown_text("![pixel](http://t.example/p.png)\u202e")
    '!\\\\[pixel\\\\](http://t.example/p.png)\\\\u202e'
    >>> markdown_text("Bytes per vector (ivf_pq) | _x_ [2026 cheat sheet]")
    'Bytes per vector (ivf_pq) \\\\| \\\\_x\\\\_ [2026 cheat sheet]'
    >>> markdown_text("a [b", bracketed=True)
    'a \\\\[b'
    """
    text = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    syntax = _BRACKETED if bracketed else _MARKDOWN_SYNTAX
    return printable(syntax.sub(lambda match: "\\" + match.group(0), text))


def markdown_code(text: str) -> str:
    """A key or a path as Markdown code (`` `traffic.peak_qps` ``) when it is one (ASCII letters,
    digits, ``_``, ``.``, ``-``, brackets); any other text (a catalog key from a file may hold
    anything) is shown as ``markdown_text``.

    >>> markdown_code("storage.watch_events.footprint")
    '`storage.watch_events.footprint`'
    >>> markdown_code("storage.x`![p](http://e/p.png)")
    'storage.x\\\\`!\\\\[p\\\\](http://e/p.png)'
    """
    return f"`{text}`" if _CODE.fullmatch(text) else markdown_text(text)


_CODE = re.compile(r"[\w.\-\[\]]+", re.ASCII)


# ------------------------------------------------------------------------------- terminal

def to_table(estimate: Estimate, spread: Spread | None = None) -> Any:
    """A rich Table (imported here so that JSON output never loads rich); with ``spread``, p5/p50/p95 too."""
    from rich.table import Table

    table = Table(title=terminal_text(estimate.scenario), caption=f"Conventions: {conventions_text(estimate)}",
                  caption_justify="left")
    table.add_column("Section", style="bold")
    table.add_column("Result")
    table.add_column("Value", justify="right", style="cyan", no_wrap=True)
    for section, results in groupby(estimate, key=section_key):
        for index, result in enumerate(results):
            table.add_row(section_title(section) if index == 0 else "", terminal_text(subject_label(result)),
                          show(result, estimate))
    for index, (metric, threshold) in enumerate(estimate.guardrails):
        # The threshold goes with the metric: the value column is for numbers and does not wrap.
        table.add_row("Guardrails" if index == 0 else "", terminal_text(f"{metric}: {threshold}"), "")
    if spread is None:
        return table
    from rich.console import Group

    return Group(table, intervals_table(estimate, spread))


def intervals_table(estimate: Estimate, spread: Spread) -> Any:
    """The uncertainty table: p5, p50 and p95 over the samples of each result a range reaches (its own table,
    to fit 80 columns)."""
    from rich import box
    from rich.table import Table

    table = Table(title=f"Uncertainty: percentiles over {spread.samples:,} samples (seed {spread.seed})",
                  caption="The table above is the point estimate, every range at its median; results no range "
                          "reaches are not repeated here.", caption_justify="left",
                  box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("Result")
    for name in ("p5", "p50", "p95"):
        table.add_column(name, justify="right", no_wrap=True, style="cyan" if name == "p50" else None)
    for result in varied(estimate, spread):
        table.add_row(terminal_text(subject_label(result)), *interval_texts(result, estimate, spread))
    return table


def varied(estimate: Estimate, spread: Spread) -> Iterator[Step]:
    """The results a range reaches (their p5 and p95 differ), in the estimate's order: those whose
    percentiles the table and the compact form show (the others would repeat their value three times)."""
    return (result for result in estimate if spread.varies(result.key))


def table_rows(estimate: Estimate, spread: Spread | None = None) -> int:
    """The rows ``to_table`` lays out: a result, a guardrail, a percentile row each; counted without rich.

    >>> from estimator.compose import Estimate
    >>> from estimator.scenario import Conventions
    >>> from estimator.trace import step
    >>> e = Estimate("x", Conventions(), None, {"a.b": step("a.b", "B", "x", 1.0)}, guardrails=(("p99", "< 1 s"),))
    >>> table_rows(e)
    2
    """
    percentiles = sum(1 for _ in varied(estimate, spread)) if spread is not None else 0
    return len(estimate.steps) + len(estimate.guardrails) + percentiles


def terminal_text(text: str, *, lines: bool = False) -> str:
    """Text from a file as a rich cell shows it literally: control and bidi characters escaped (a
    newline too: a name's line break would forge a row), and rich's own markup (``[bold]``,
    ``[link=...]``) escaped. ``lines=True`` keeps the line breaks of a cell Envelope composed
    (an input's path over its range) and escapes each line.

    >>> terminal_text("[link=http://x]\\x1b[2Jhi")
    '\\\\[link=http://x]\\\\x1b[2Jhi'
    >>> terminal_text("line1\\nok: forged")
    'line1\\\\nok: forged'
    """
    from rich.markup import escape

    if lines:
        return "\n".join(escape(printable(line)) for line in text.split("\n"))
    return escape(printable(text))


def subject_label(result: Step) -> str:
    """The label with what it is about: ``watch_events · Footprint`` for ``storage.watch_events.footprint``.

    >>> from estimator.trace import step
    >>> subject_label(step("storage.watch_events.footprint", "Footprint", "x", 1.0))
    'watch_events · Footprint'
    """
    parts = result.key.split(".")
    return f"{parts[-2]} · {result.label}" if len(parts) > 2 else result.label


def table_width(renderable: Any) -> int:
    """The columns ``renderable`` (a rich Table or Group) needs to show every cell unwrapped.

    Measured by rich at an unlimited width, so it depends on the content only.
    """
    from rich.console import Console

    console = Console(width=100_000, file=_Discard(), color_system=None)
    return console.measure(renderable).maximum


class _Discard(io.StringIO):
    """A file that forgets what is written to it (rich needs one to measure)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


# The most rows a terminal table (rich) lays out. rich measures and wraps every cell of every
# row: ~200-280 µs a row on a 2-core machine, so the 16,000 rows of the largest accepted file
# (1,000 datasets with their percentiles) took 6.6 s, and a table of thousands of rows is not
# read on a terminal anyway. Past it, the compact form (one line per result) or Markdown or JSON.
MAX_TABLE_ROWS = 2_000


def over_table_rows(rows: int) -> str | None:
    """What is wrong with a table of ``rows`` rows, or None when it is within ``MAX_TABLE_ROWS``.

    >>> over_table_rows(2_000) is None, over_table_rows(16_038)
    (True, 'table: 16,038 rows, more than a table lays out (at most 2,000)')
    """
    return f"table: {rows:,} rows, more than a table lays out (at most {MAX_TABLE_ROWS:,})" \
        if rows > MAX_TABLE_ROWS else None


def check_table_rows(rows: int, *, option: str = "format", instead: str = "use --format compact, markdown or json"
                     ) -> None:
    """Refuse a table of more than ``MAX_TABLE_ROWS`` rows (``--format table`` asked for explicitly).

    Parameters
    ----------
    rows : int
        The rows the table would lay out (``table_rows``, or one per compared result).
    option : str
        The option that asked for so many rows (``format``; ``steps`` for a sweep).
    instead : str
        What works instead, as the command's options say it.

    Raises
    ------
    OptionError
        On ``option``, when ``rows`` is over the cap.

    Examples
    --------
    >>> check_table_rows(MAX_TABLE_ROWS)
    >>> try:
    ...     check_table_rows(16_038)
    ... except OptionError as error:
    ...     print(error)
    format: table: 16,038 rows, more than a table lays out (at most 2,000); use --format compact, markdown or json
    """
    what = over_table_rows(rows)
    if what is not None:
        raise OptionError(option, what, hint=instead)


def choose_format(is_terminal: bool, columns: int, needed: int | Callable[[], int], rows: int = 0) -> str:
    """``"table"`` on a terminal at least ``needed`` columns wide, for at most ``MAX_TABLE_ROWS``
    rows; else ``"compact"``.

    A pipe or a file gets the compact form whatever its (or COLUMNS') width: one line per
    result, which ``grep`` and ``diff`` work on; a narrow terminal gets it too, because the
    table would wrap labels a word per line; and so does a table of more rows than the cap
    (rich lays each row out slowly, and thousands of rows are not read on a terminal).

    Parameters
    ----------
    is_terminal : bool
        Whether standard output is a terminal (``sys.stdout.isatty()``).
    columns : int
        The terminal's width in characters (``shutil.get_terminal_size().columns``).
    needed : int or callable
        The width the table needs (``table_width``), or a function that measures it: called
        only when the answer depends on it, since measuring lays the whole table out.
    rows : int
        The rows the table would lay out (``table_rows``).

    Returns
    -------
    str
        ``"table"`` or ``"compact"``.

    Examples
    --------
    >>> choose_format(True, 120, 100), choose_format(True, 80, 100), choose_format(False, 500, 100)
    ('table', 'compact', 'compact')
    >>> choose_format(True, 120, 100, rows=MAX_TABLE_ROWS), choose_format(True, 120, 100, rows=MAX_TABLE_ROWS + 1)
    ('table', 'compact')
    >>> def unmeasured() -> int:
    ...     raise AssertionError("measured a table that is not shown")
    >>> choose_format(True, 120, unmeasured, rows=16_038), choose_format(False, 120, unmeasured)
    ('compact', 'compact')
    """
    if not is_terminal or rows > MAX_TABLE_ROWS:
        return "compact"
    return "table" if columns >= (needed() if callable(needed) else needed) else "compact"


def compact_line(key: str, value: str, label: str) -> str:
    """One result as one line: ``key = value  # label``.

    >>> compact_line("traffic.peak_qps", "116 k request/s", "Peak QPS")
    'traffic.peak_qps = 116 k request/s  # Peak QPS'
    """
    return f"{key} = {value}  # {label}"


def to_compact(estimate: Estimate, spread: Spread | None = None) -> str:
    """The estimate for pipes, files and narrow terminals: one unwrapped line per result.

    Lines starting with ``#`` say what the numbers are (scenario, conventions, sampling); every
    other line is ``key = value  # label``, so ``grep traffic.`` and ``diff`` work on it. With
    ``spread``, the percentiles follow, only for results that a range reaches (the others
    would repeat their value three times).
    """
    lines = [f"# {estimate.scenario}", f"# Conventions: {conventions_text(estimate)}"]
    lines += [compact_line(r.key, show(r, estimate), r.label) for r in estimate]
    lines += [f"guardrail: {metric}: {threshold}" for metric, threshold in estimate.guardrails]
    if spread is not None:
        lines.append(f"# Uncertainty: p5 / p50 / p95 over {spread.samples:,} samples (seed {spread.seed}); "
                     "the values above are the point estimate, every range at its median.")
        for result in varied(estimate, spread):
            p5, p50, p95 = interval_texts(result, estimate, spread)
            lines.append(f"{result.key}: p5 {p5}, p50 {p50}, p95 {p95}")
    return _lines(lines) + "\n"


def _lines(lines: list[str]) -> str:
    """Lines of output joined, each with its control and bidi characters escaped (text from a file
    cannot clear the terminal, forge a line or reverse what follows)."""
    return "\n".join(printable(line) for line in lines)
