"""What a comparison of two estimates shows: text rows, a summary line, Markdown, one line per result, and
JSON for scripts.

The rows come from ``estimator.compare``; this module words them (``estimator.display``) for
the app's Compare tab and ``envelope compare``.
"""

from __future__ import annotations

from typing import Any

import pint

from estimator.compare import ComparisonRow
from estimator.display import relative_text, signed
from estimator.units import Q_, format_quantity  # noqa: F401 - Q_ used by doctests

__all__ = ["COLUMNS", "comparison_compact", "comparison_json", "comparison_markdown", "comparison_rows",
           "comparison_summary"]

# The columns of a comparison table, after the result: its title -> the key of comparison_rows.
COLUMNS = {"A": "a", "B": "b", "Change": "change", "Relative": "relative"}


def comparison_rows(rows: list[ComparisonRow], *, binary: bool = False) -> list[dict[str, str]]:
    """Plain text rows for a table or a UI: result, A, B, change, relative change."""
    def shown(q: pint.Quantity | None, per: str | None) -> str:
        return "—" if q is None else format_quantity(q, binary=binary, per=per)

    return [{"key": row.key, "result": row.label, "a": shown(row.a, row.per), "b": shown(row.b, row.per),
             "change": "n/a" if row.change is None else signed(row.change, shown(row.change, row.per)),
             "relative": relative_text(row.relative)} for row in rows]


def comparison_json(rows: list[ComparisonRow]) -> list[dict[str, Any]]:
    """Exact values for scripts: magnitudes in A's unit (B's when A lacks the result)."""
    from estimator.units import unit_text

    def b_value(row: ComparisonRow) -> float | None:
        b = row.b if row.a is None else row.b_in_a  # None when the units do not match
        return None if b is None else float(b.magnitude)

    return [{"key": row.key, "label": row.label,
             "unit": unit_text((row.a if row.a is not None else row.b).units),  # type: ignore[union-attr]
             "per": row.per, "a": None if row.a is None else float(row.a.magnitude), "b": b_value(row),
             "change": None if row.change is None else float(row.change.magnitude), "relative": row.relative}
            for row in rows]


def comparison_summary(rows: list[ComparisonRow]) -> str:
    """One line over a comparison: how many results moved, and which exist on one side only.

    >>> from estimator.compare import compare_steps
    >>> from estimator.trace import step
    >>> a = {"x": step("x", "X", "x", Q_(1.0, "B")), "y": step("y", "Y", "y", Q_(2.0, "B"))}
    >>> comparison_summary(compare_steps(a, a))
    'No result changes: all 2 are the same.'
    >>> b = {"x": step("x", "X", "x", Q_(3.0, "B")), "z": step("z", "Z", "z", Q_(1.0, "s"))}
    >>> comparison_summary(compare_steps(a, b))
    '1 of 3 results changes; 1 only in A, 1 only in B.'
    """
    changed = sum(1 for row in rows if row.change is not None and row.change.magnitude != 0)
    only_a = sum(1 for row in rows if row.b is None)
    only_b = sum(1 for row in rows if row.a is None)
    if not changed and not only_a and not only_b:
        return f"No result changes: all {len(rows)} are the same."
    text = f"{changed} of {len(rows)} results {'changes' if changed == 1 else 'change'}"
    extras = [f"{n} only in {side}" for n, side in ((only_a, "A"), (only_b, "B")) if n]
    return text + ("; " + ", ".join(extras) if extras else "") + "."


def comparison_markdown(a_name: str, b_name: str, shown: list[dict[str, str]]) -> str:
    """A Markdown table of ``comparison_rows``, titled with the two scenarios.

    >>> print(comparison_markdown("A1", "B1", [{"key": "k", "result": "K", "a": "1", "b": "2", "change": "+1",
    ...                                         "relative": "+100 %"}]), end="")
    # A1 (A) → B1 (B)
    <BLANKLINE>
    | Result | A | B | Change | Relative |
    | --- | --- | --- | --- | --- |
    | K (`k`) | 1 | 2 | +1 | +100 % |
    """
    from estimator.report import markdown_text  # names and labels from files: shown, never rendered

    lines = [f"# {markdown_text(a_name)} (A) → {markdown_text(b_name)} (B)", "",
             "| Result | " + " | ".join(COLUMNS) + " |", "| --- " * (len(COLUMNS) + 1) + "|"]
    lines += [f"| {markdown_text(r['result'])} (`{r['key']}`) | " + " | ".join(r[k] for k in COLUMNS.values()) + " |"
              for r in shown]
    return "\n".join(lines) + "\n"


def comparison_compact(a_name: str, b_name: str, shown: list[dict[str, str]]) -> str:
    """``comparison_rows`` one unwrapped line per result, as ``estimate``'s compact form writes a result
    (``report.compact_line``): ``key = A → B (change, relative)  # label``, for pipes, ``grep`` and ``diff``.

    The first line, starting with ``#``, names the two scenarios. Text from the files is shown
    with its control and bidi characters escaped (``errors.printable``): it cannot forge a line.

    >>> print(comparison_compact("A1", "B1", [{"key": "k", "result": "K", "a": "1 B", "b": "2 B", "change": "+1 B",
    ...                                        "relative": "+100 %"}]), end="")
    # A1 (A) → B1 (B)
    k = 1 B → 2 B (+1 B, +100 %)  # K
    """
    from estimator.errors import printable
    from estimator.report import compact_line

    lines = [f"# {a_name} (A) → {b_name} (B)"]
    lines += [compact_line(r["key"], f"{r['a']} → {r['b']} ({r['change']}, {r['relative']})", r["result"])
              for r in shown]
    return "".join(printable(line) + "\n" for line in lines)
