"""Label text shared by every diagram format: clean it, wrap it, and check fonts can draw it.

Pure text handling, no Graphviz and no `diagrams`. render.py (PNG, SVG, PDF, DOT) and
text_formats.py (Mermaid, D2) both lay labels out with `label_lines`, so a label breaks at
the same places in every format, and `LABEL_WIDTH` is the one place its width is chosen.
"""

from __future__ import annotations

import bisect
import functools
import re
import shutil
import subprocess
import textwrap
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from estimator.errors import printable

__all__ = ["LABEL_WIDTH", "SUBTITLE_WIDTH", "clean", "label_lines", "missing_glyphs", "installed_charset",
           "parse_charset", "coverage", "Coverage", "diagram_texts", "font_warnings"]

# Characters per line before a label wraps: wide enough for "Recommendation service" and
# "415 × L4 · $243 k/month", narrow enough that one long name does not stretch a row of
# the diagram (a 3,935 px wide picture came from labels that never wrapped).
LABEL_WIDTH = 30
# The subtitle runs across the top of the picture, above all the components.
SUBTITLE_WIDTH = 120

_NBSP = "\u00a0"
# A number and the unit prefix or unit right after it stay on one line: "116 k request/s"
# may break before "request/s", never between "116" and "k".
_NUMBER_THEN_WORD = re.compile(r"(?<=\d) (?=\S)|(?<=\d [kMGTPEmµ]) ")


# Every way text can end a line: Mermaid's and D2's parsers end a line at some of these.
_LINE_BREAKS = str.maketrans({"\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"})


def clean(text: object) -> str:
    r"""The text with line ends unified, tabs as spaces and other control characters dropped.

    Control characters are invalid in XML (SVG, Graphviz's HTML labels) and mean nothing in a
    label; a line break is the only layout a label carries. Format characters (bidi overrides,
    zero-width marks) are shown as their escapes (``estimator.errors.printable``).

    Parameters
    ----------
    text : object
        Any label; non-strings are shown with ``str``.

    Returns
    -------
    str
        Printable text whose only control character is ``\n``.

    Examples
    --------
    >>> clean("a\r\nb\tc\x00d\x1b\u2028e")
    'a\nb cd\ne'
    >>> clean("\u202eevil\u202c")
    '\\u202eevil\\u202c'
    """
    text = str(text).replace("\r\n", "\n").replace("\t", " ")
    text = text.translate(_LINE_BREAKS)
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc")
    # Bidi overrides, direction marks and other format characters would reorder what the reader
    # sees ("evil" drawn as "live"): written as their escapes, the one way Envelope shows them.
    return "\n".join(printable(line) for line in text.split("\n"))


def label_lines(text: object, width: int = LABEL_WIDTH) -> list[str]:
    """Split a label into the lines it is drawn on: at its own line breaks, then every `width`
    characters at a space (textwrap), keeping a number with the unit after it.

    Parameters
    ----------
    text : object
        The label (cleaned with `clean` first).
    width : int
        Characters per line; a single longer word is broken only when it is longer than this.

    Returns
    -------
    list[str]
        The lines, none empty unless the label is (then ``[]``).

    Examples
    --------
    >>> label_lines("Social graph (friends, follows, groups and pages)")
    ['Social graph (friends,', 'follows, groups and pages)']
    >>> label_lines("Candidate generation serves 116 k request/s at peak")
    ['Candidate generation serves', '116 k request/s at peak']
    >>> label_lines("first\\n\\nsecond")
    ['first', 'second']
    >>> label_lines("")
    []
    """
    lines = []
    for line in clean(text).split("\n"):
        glued = _NUMBER_THEN_WORD.sub(_NBSP, line.strip())
        # textwrap splits only at ASCII whitespace, so a no-break space holds a number to its unit.
        wrapped = textwrap.wrap(glued, width=width, break_on_hyphens=False)
        lines += [part.replace(_NBSP, " ") for part in wrapped]
    return lines


# --- fonts: which characters could no installed font draw? -----------------------------

_RANGE = re.compile(r"([0-9a-f]+)(?:-([0-9a-f]+))?", re.IGNORECASE)


def parse_charset(text: str) -> frozenset[tuple[int, int]]:
    r"""fontconfig's charset notation (``20-7e a0-17f 2014``) as (first, last) code point pairs.

    Examples
    --------
    >>> sorted(parse_charset("20-7e a0 4e00-9FFF\n20-7e a0\n20-7e a0 4e00-9FFF"))
    [(32, 126), (160, 160), (19968, 40959)]
    """
    # fc-list gives a line per font: with Debian's Noto CJK, 52 lines (467 KB) of which 16 differ
    # (the styles of a family share a charset), 65,000 ranges of which 2,800 differ. Each is read once.
    lines = "\n".join(set(text.splitlines()))
    return frozenset((int(a, 16), int(b or a, 16)) for a, b in set(_RANGE.findall(lines)))


@functools.cache
def installed_charset() -> frozenset[tuple[int, int]] | None:
    """Code point ranges that at least one installed font covers, from ``fc-list``; None when
    fontconfig's ``fc-list`` is not installed (then nothing can be said about glyphs)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    listing = subprocess.run([fc_list, "--format", "%{charset}\n"], capture_output=True, text=True,
                             timeout=30, check=False).stdout
    return parse_charset(listing)


class Coverage(NamedTuple):
    """A charset prepared for lookups: the ranges' first code points in order, and how far the
    ranges up to each one reach (`coverage`)."""

    firsts: tuple[int, ...]
    reach: tuple[int, ...]


@functools.lru_cache(maxsize=8)
def coverage(charset: frozenset[tuple[int, int]]) -> Coverage:
    """`charset` sorted once for binary search; remembered, so a diagram's labels (and the next
    diagram's) share one preparation of the installed fonts' few thousand ranges.

    Parameters
    ----------
    charset : frozenset of (int, int)
        Covered code point ranges (`installed_charset`, `parse_charset`).

    Returns
    -------
    Coverage
        ``firsts[i]`` is the i-th smallest first code point; ``reach[i]`` the highest code point
        any range among the first i + 1 covers. A code point c is covered when the last range
        starting at or before it (index ``bisect_right(firsts, c) - 1``) has ``reach >= c``.

    Examples
    --------
    >>> coverage(parse_charset("20-7e 30-39 a0-17f"))
    Coverage(firsts=(32, 48, 160), reach=(126, 126, 383))
    """
    ranges = sorted(charset)
    firsts = [first for first, _ in ranges]
    # The last range starting at or before a code point is the only one that can hold it ...
    reach = list(ranges[0][1:]) if ranges else []
    for _, last in ranges[1:]:
        reach.append(max(reach[-1], last))  # ... unless an earlier, longer range reaches past it
    return Coverage(tuple(firsts), tuple(reach))  # tuples: every caller shares the remembered one


def _uncovered(texts: Iterable[str], prepared: Coverage) -> list[str]:
    """`missing_glyphs` against a prepared `Coverage`."""
    firsts, reach = prepared
    missing: dict[str, None] = {}
    for text in texts:
        for ch in text:
            if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") or ch in missing:
                continue
            index = bisect.bisect_right(firsts, ord(ch)) - 1
            if index < 0 or reach[index] < ord(ch):
                missing[ch] = None
    return list(missing)


def missing_glyphs(texts: Iterable[str], charset: frozenset[tuple[int, int]]) -> list[str]:
    """The characters of `texts` that no range of `charset` covers, in order of first use.

    Spaces and control characters are not drawn, so they are never missing.

    Parameters
    ----------
    texts : iterable of str
        Every label of a diagram.
    charset : frozenset of (int, int)
        Covered code point ranges (`installed_charset`).

    Returns
    -------
    list[str]
        Each uncovered character once.

    Examples
    --------
    >>> missing_glyphs(["Users 用户", "\U0001d11e clef"], parse_charset("20-7e 7528"))
    ['户', '𝄞']
    """
    return _uncovered(texts, coverage(charset))


def diagram_texts(graph: object) -> list[str]:
    """Every text a diagram shows: title, subtitle, node labels and annotations, edge labels.

    `graph` is a networkx.DiGraph that fits the contract of render.py.
    """
    texts = [graph.graph.get("title") or "", graph.graph.get("subtitle") or ""]  # type: ignore[attr-defined]
    for _, attrs in graph.nodes(data=True):  # type: ignore[attr-defined]
        texts += [attrs.get("label") or "", *(attrs.get("annotations") or [])]
    texts += [label or "" for _, _, label in graph.edges(data="label")]  # type: ignore[attr-defined]
    return [clean(text) for text in texts]


FONT_HINT = "install a font that covers them (Debian: fonts-noto-cjk for Chinese, Japanese and Korean, fonts-noto-core)"


def font_warnings(graph: object, charset: frozenset[tuple[int, int]] | None = None) -> list[str]:
    """Warnings for characters of the diagram that no installed font can draw (they come out as
    boxes in PNG, SVG and PDF), each naming the label it is in; [] when every glyph is covered.

    Parameters
    ----------
    graph : networkx.DiGraph
        The diagram's graph.
    charset : frozenset of (int, int), optional
        Covered code point ranges; by default `installed_charset` (fontconfig).

    Returns
    -------
    list[str]
        One line per label with uncovered characters (at most 5 lines), or one line saying
        that fontconfig is missing and nothing could be checked.
    """
    if charset is None:
        charset = installed_charset()
    if charset is None:
        return ["cannot check that installed fonts cover the labels: fontconfig's fc-list is missing "
                "(Debian: fontconfig)"]
    prepared = coverage(charset)  # once per diagram, not once per label
    warnings = []
    for text in diagram_texts(graph):
        missing = _uncovered([text], prepared)
        if missing:
            shown = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in missing[:5]) + (" ..." if len(missing) > 5 else "")
            label = text if len(text) <= 60 else text[:57] + "..."
            warnings.append(f"no installed font draws {shown} in the label {label!r}: they show as boxes; {FONT_HINT}")
    return warnings[:5]
