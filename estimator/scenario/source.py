"""Read YAML safely and remember where each value came from.

PyYAML's safe loader builds the data; a walk over the same node tree records the line and
column of every key and value, so an error can point at ``file:line:column``. The walk also
refuses duplicate keys (YAML silently keeps the last one), and counts nodes with aliases
expanded so that an alias bomb is refused before it is built.

>>> doc = read_yaml("traffic:\\n  users: 5\\n", "s.yaml")
>>> doc.data
{'traffic': {'users': 5}}
>>> doc.position(("traffic", "users"))
(2, 10)
"""

from __future__ import annotations

import os
import re
import sys
import typing
from dataclasses import dataclass, field
from typing import Any

import yaml

from estimator.errors import Problem, ScenarioError

MAX_BYTES = 1_000_000  # a scenario is a page of YAML; a megabyte is already absurd
MAX_NODES = 20_000  # counted with aliases expanded
MAX_DEPTH = 40

Path_ = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """Parsed data plus the (line, column) of each path, both 1-based."""

    file: str
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path_) -> tuple[int, int] | tuple[None, None]:
        """Where ``path`` is, or its nearest parent that exists."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.positions:
                return self.positions[path[:end]]
        return (None, None)

    def problem(self, path: Path_, what: str, *, at_key: bool = False, **details: str | None) -> Problem:
        """A Problem located at ``path``'s value (or at its key, for key errors)."""
        line, column = self.key_positions[path] if at_key and path in self.key_positions else self.position(path)
        return Problem(self.file, line, column, dotted(path), what, **details)


def dotted(path: Path_) -> str:
    """``("stages", 0, "name")`` → ``stages[0].name``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# libyaml's parser is about 20× faster than PyYAML's pure-Python one, whose parsing was the
# largest single cost of `envelope estimate` (catalog plus scenario). Same safe constructor.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` through libyaml when it is installed (for Envelope's own data files)."""
    return yaml.load(text, Loader=FAST_LOADER)  # noqa: S506 - a safe loader


def read_yaml(text: str | bytes, file: str) -> YamlDocument:
    """Parse one YAML document; raise ScenarioError naming the place on any problem."""
    text = _decoded(text, file)
    try:
        try:
            return _read(text, file, FAST_LOADER)
        except yaml.YAMLError:
            if FAST_LOADER is yaml.SafeLoader:
                raise
        # Read malformed YAML again with PyYAML's own parser: its wording is the one users (and
        # the snapshots in tests/invalid) see, whether or not libyaml is installed.
        return _read(text, file, yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        reason = error.problem or error.context or "not valid YAML"
        raise ScenarioError([Problem(file, line, column, "", f"malformed YAML: {reason}")]) from None
    except yaml.reader.ReaderError as error:  # a control character: located by its offset in the text
        line = text.count("\n", 0, error.position) + 1
        column = error.position - text.rfind("\n", 0, error.position)
        raise ScenarioError([Problem(file, line, column, "", f"malformed YAML: {error.reason}",
                                     given=f"character U+{error.character:04X}" if isinstance(error.character, int)
                                     else None, expected="printable text")]) from None
    except yaml.YAMLError as error:
        reason = str(error).splitlines()[0] if str(error) else "not valid YAML"
        raise ScenarioError([Problem(file, None, None, "", f"malformed YAML: {reason}")]) from None


def _read(text: str, file: str, loader_class: Any) -> YamlDocument:
    _check_depth(text, file, loader_class)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        document = YamlDocument(file, None)
        if node is not None:
            _walk(node, (), document, [0], 0)
        document.data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return document


def _check_depth(text: str, file: str, loader_class: Any) -> None:
    """Refuse deep nesting from the event stream, before any node tree is built.

    Composing nodes recurses once per level: ``[[[[...`` a few thousand deep overflows
    PyYAML's Python stack and libyaml's C stack (a segmentation fault). The parser itself
    keeps an explicit stack, so walking its events is safe at any depth.
    """
    depth = 0
    for event in yaml.parse(text, Loader=loader_class):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
                raise ScenarioError([Problem(file, line, column, "", f"nested deeper than {MAX_DEPTH} levels")])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


STDIN_NAME = "-"  # the file name that means standard input (`yes | envelope validate -`)


def read_capped(path: str | os.PathLike[str], limit: int = MAX_BYTES, *, what: str = "file") -> bytes:
    """The bytes of a file, reading at most ``limit + 1`` of them; refuse a larger file.

    The size is found by reading, not by ``stat``: ``/dev/zero``, a pipe or a growing file have
    no size to ask. One byte past the limit is enough to know the input is too large.

    Parameters
    ----------
    path : str or PathLike
        The file to read; ``-`` is standard input.
    limit : int
        The most bytes accepted (default ``MAX_BYTES``).
    what : str
        What the file is, for the message: "cannot read {what}: ...".

    Returns
    -------
    bytes
        The whole content, ``len() <= limit``.

    Raises
    ------
    ScenarioError
        It cannot be read (missing, a directory, no permission), or it holds more than ``limit`` bytes.

    Examples
    --------
    >>> read_capped("/dev/zero", 10)
    Traceback (most recent call last):
    ...
    estimator.errors.ScenarioError: /dev/zero: file too large: given more than 10 bytes, expected at most 10 bytes
    """
    name = "<stdin>" if str(path) == STDIN_NAME else str(path)
    try:
        if str(path) == STDIN_NAME:
            data = _read_at_most(sys.stdin.buffer, limit + 1)
        else:
            with open(path, "rb") as handle:
                data = _read_at_most(handle, limit + 1)
    except OSError as error:
        raise ScenarioError([Problem(name, None, None, "", f"cannot read {what}: {error.strerror}")]) from None
    if len(data) > limit:
        raise ScenarioError([Problem(name, None, None, "", "file too large", given=f"more than {limit:,} bytes",
                                     expected=f"at most {limit:,} bytes")])
    return data


def _read_at_most(handle: typing.BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes: a pipe gives its data in pieces, so read until it ends or ``size`` is reached."""
    parts: list[bytes] = []
    remaining = size
    while remaining > 0:
        part = handle.read(min(remaining, 1 << 16))
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def _decoded(text: str | bytes, file: str) -> str:
    size = len(text)
    if size > MAX_BYTES:
        raise ScenarioError([Problem(file, None, None, "", "file too large",
                                     given=f"{size:,} bytes", expected=f"at most {MAX_BYTES:,} bytes")])
    if isinstance(text, bytes):
        raw = text
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw.count(b"\n", 0, error.start) + 1
            column = error.start - raw.rfind(b"\n", 0, error.start)
            raise ScenarioError([Problem(file, line, column, "", "not UTF-8 text",
                                         given=f"byte 0x{raw[error.start]:02x} at offset {error.start}",
                                         expected="a UTF-8 encoded YAML file")]) from None
    if "\x00" in text:
        raise ScenarioError([Problem(file, None, None, "", "binary data, not YAML text",
                                     given="a NUL byte", expected="a UTF-8 encoded YAML file")])
    return text


def _walk(node: yaml.Node, path: Path_, document: YamlDocument, count: list[int], depth: int) -> None:
    count[0] += 1
    if count[0] > MAX_NODES:
        raise ScenarioError([document.problem(path, f"too many values: more than {MAX_NODES:,} YAML nodes, an "
                                                    "alias counting as the values it repeats")])
    if depth > MAX_DEPTH:
        raise ScenarioError([document.problem(path, f"nested deeper than {MAX_DEPTH} levels")])
    document.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            _check_key(key_node, path, document)
            key = key_node.value
            if key in seen:
                line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                raise ScenarioError([Problem(document.file, line, column, dotted((*path, key)), "duplicate key",
                                             hint="each key may appear once in a mapping")])
            seen.add(key)
            document.key_positions[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            document.positions[(*path, key)] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
            _walk(value_node, (*path, key), document, count, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), document, count, depth + 1)
    elif isinstance(node, yaml.ScalarNode):
        _check_scalar(node, path, document)


_STR, _MERGE, _INT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:merge", "tag:yaml.org,2002:int"
MAX_DIGITS = 100  # Python refuses to read integers of more than 4,300 digits; no real input has 100
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _check_key(key_node: yaml.Node, path: Path_, document: YamlDocument) -> None:
    """Keys are names. YAML also allows numbers, dates, yes/no and even lists as keys."""
    if isinstance(key_node, yaml.ScalarNode) and key_node.tag in (_STR, _MERGE):
        return
    given = repr(key_node.value) if isinstance(key_node, yaml.ScalarNode) else (
        "a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping")
    line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
    raise ScenarioError([Problem(document.file, line, column, dotted(path), "a key that is not a name",
                                 given=given, expected="a name such as 'traffic' (quote a key that YAML reads "
                                                       "as a number, date or yes/no)")])


# PyYAML reads YAML 1.1, where these plain scalars are numbers or booleans; YAML 1.2 (and most
# editors and people) read them otherwise: 010 is 8 or 10, 1:30 is 90 or text, 0b11 is 3 or text,
# no is false or text. A value that two readers read differently is refused, not guessed.
_AMBIGUOUS = {
    "tag:yaml.org,2002:int": (re.compile(r"[-+]?(0[0-9_]|0b|.*:)"),
                              "a number YAML 1.1 and YAML 1.2 read differently (octal, binary or base 60)",
                              "a decimal number such as '10' or '90', or text in quotes"),
    "tag:yaml.org,2002:float": (re.compile(r".*:"), "a base-60 number, which YAML 1.2 reads as text",
                                "a decimal number such as '90.5', or text in quotes"),
    "tag:yaml.org,2002:bool": (re.compile(r"(?!(true|True|TRUE|false|False|FALSE)$)"),
                               "a yes/no word, which YAML 1.1 reads as true or false and YAML 1.2 as text",
                               "true or false, or text in quotes"),
}


def _check_scalar(node: yaml.ScalarNode, path: Path_, document: YamlDocument) -> None:
    r"""Read a typed scalar (number, date ...) now, so a bad one is reported where it is.

    A plain scalar that YAML 1.1 and 1.2 read differently (``010``, ``1:30``, ``0b11``, ``no``) is
    refused:

    >>> read_yaml("conventions:\n  peak_factor: 010\n", "s.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    estimator.errors.ScenarioError: s.yaml:2:16: conventions.peak_factor: a number YAML 1.1 and YAML 1.2 read ...
    """
    ambiguous = _AMBIGUOUS.get(node.tag)
    if ambiguous and not node.style and ambiguous[0].match(node.value):  # plain: None, or '' from libyaml
        raise ScenarioError([document.problem(path, ambiguous[1], given=repr(node.value)[:60],
                                              expected=ambiguous[2])])
    if node.tag == _STR or node.tag not in _CONSTRUCTOR.yaml_constructors:
        return  # strings need no reading; an unknown tag is reported by the constructor, located
    if node.tag == _INT and len(node.value) > MAX_DIGITS:
        raise ScenarioError([document.problem(path, "number too long", given=f"{len(node.value):,} digits",
                                              expected=f"at most {MAX_DIGITS} digits, e.g. '5e9'")])
    try:
        _CONSTRUCTOR.yaml_constructors[node.tag](_CONSTRUCTOR, node)
    except (ValueError, TypeError, OverflowError, yaml.YAMLError) as error:
        kind = {"timestamp": "date"}.get(node.tag.rsplit(":", 1)[-1], node.tag.rsplit(":", 1)[-1])
        reason = getattr(error, "problem", None) or str(error) or type(error).__name__
        raise ScenarioError([document.problem(path, f"not a valid {kind}: {reason}",
                                              given=repr(node.value)[:60])]) from None
