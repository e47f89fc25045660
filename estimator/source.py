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
        line, column = self.key_positions.get(path) if at_key and path in self.key_positions else self.position(path)
        return Problem(self.file, line, column, dotted(path), what, **details)


def dotted(path: Path_) -> str:
    """``("stages", 0, "name")`` → ``stages[0].name``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def read_yaml(text: str | bytes, file: str) -> YamlDocument:
    """Parse one YAML document; raise ScenarioError naming the place on any problem."""
    text = _decoded(text, file)
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            document = YamlDocument(file, None)
            if node is not None:
                _walk(node, (), document, [0], 0)
            document.data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        reason = error.problem or error.context or "not valid YAML"
        raise ScenarioError([Problem(file, line, column, "", f"malformed YAML: {reason}")]) from None
    except yaml.YAMLError as error:
        raise ScenarioError([Problem(file, None, None, "", f"malformed YAML: {error}")]) from None
    return document


def _decoded(text: str | bytes, file: str) -> str:
    size = len(text)
    if size > MAX_BYTES:
        raise ScenarioError([Problem(file, None, None, "", "file too large",
                                     given=f"{size:,} bytes", expected=f"at most {MAX_BYTES:,} bytes")])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ScenarioError([Problem(file, None, None, "", "not UTF-8 text",
                                         given=f"byte 0x{text[error.start]:02x} at offset {error.start}",
                                         expected="a UTF-8 encoded YAML file")]) from None
    if "\x00" in text:
        raise ScenarioError([Problem(file, None, None, "", "binary data, not YAML text",
                                     given="a NUL byte", expected="a UTF-8 encoded YAML file")])
    return text


def _walk(node: yaml.Node, path: Path_, document: YamlDocument, count: list[int], depth: int) -> None:
    count[0] += 1
    if count[0] > MAX_NODES:
        raise ScenarioError([document.problem(path, "too many values (YAML aliases expand to more than "
                                                    f"{MAX_NODES:,} nodes)")])
    if depth > MAX_DEPTH:
        raise ScenarioError([document.problem(path, f"nested deeper than {MAX_DEPTH} levels")])
    document.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
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
