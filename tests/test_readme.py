"""The README's console examples are executed: each ``$ command`` and the output shown under it.

A line ``...`` matches any number of lines; ``[exit N]`` as the last line expects status N.
"""

from __future__ import annotations

import re
import shlex

import pytest

from conftest import ROOT, run_cli

BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def examples() -> list[tuple[str, list[str]]]:
    found = []
    for block in BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8")):
        lines = block.rstrip("\n").split("\n")
        assert lines[0].startswith("$ envelope "), lines[0]
        found.append((lines[0][2:], lines[1:]))
    return found


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line-by-line equality where ``...`` stands for any run of lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


@pytest.mark.parametrize("command, expected", examples(), ids=[c for c, _ in examples()])
def test_readme_example(command, expected):
    status = 0
    if expected and (m := re.fullmatch(r"\[exit (\d+)\]", expected[-1])):
        status, expected = int(m.group(1)), expected[:-1]
    result = run_cli(*shlex.split(command)[1:])
    assert result.returncode == status, result.stderr
    output = (result.stdout + result.stderr).rstrip("\n").split("\n")
    assert matches(expected, output), "\n".join(output)


def test_readme_gives_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
