"""The CLI's own text as a person meets it: streams that cannot take UTF-8, file names that are not
UTF-8, and the --help of every command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

# The console script of the environment running the tests (as `make setup` installs it).
SCRIPT = Path(sys.executable).parent / "envelope"
SCENARIO = ROOT / "scenarios" / "video_recommendation.yaml"
BAD_KEY = "name: Café ☕\ntraffic:\n  daily_active_users: 1000 user\n  café: 3\n"


def envelope(*args: str | bytes | Path, encoding: str = "utf-8") -> subprocess.CompletedProcess[bytes]:
    """The installed console script in a real process whose stdout and stderr have ``encoding``."""
    assert SCRIPT.exists(), f"no envelope script next to {sys.executable}: run make setup"
    env = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "80"}
    return subprocess.run([SCRIPT, *args], capture_output=True, cwd=ROOT, env=env, timeout=120)


# ---------------------------------------------------------------- a stream that cannot take UTF-8

def test_errors_on_an_ascii_stderr_are_escaped_not_utf8(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_KEY, encoding="utf-8")
    process = envelope("validate", path, encoding="ascii")
    assert (process.returncode, process.stdout) == (2, b"")
    assert process.stderr == f"{path}:4:3: traffic.caf\\xe9: unknown key\n".encode("ascii")


def test_typers_own_usage_errors_on_an_ascii_stderr_are_escaped():
    process = envelope("estimate", SCENARIO, "--format", "café", encoding="ascii")
    assert process.returncode == 2
    process.stderr.decode("ascii")  # every byte ASCII: before, 'café' reached stderr as UTF-8
    assert b"Invalid value for '--format'" in process.stderr and b"caf\\xe9" in process.stderr


def test_what_is_echoed_to_an_ascii_stdout_is_escaped(tmp_path):
    process = envelope("new", "Café", "-o", tmp_path / "café.yaml", encoding="ascii")
    assert (process.returncode, process.stderr) == (0, b"")
    assert process.stdout == f"wrote {tmp_path}/caf\\xe9.yaml\n".encode("ascii")


def test_a_latin1_stream_keeps_what_it_can_hold_and_escapes_the_rest(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_KEY.replace("café: 3", "café☕: 3"), encoding="utf-8")
    process = envelope("validate", path, encoding="latin-1")
    assert process.stderr == f"{path}:4:3: traffic.café\\u2615: unknown key\n".encode("latin-1")


# ---------------------------------------------------------------- file names that are not UTF-8

def test_a_file_name_that_is_not_utf8_shows_its_byte(tmp_path):
    good, bad = os.fsencode(tmp_path) + b"/ok\xff.yaml", os.fsencode(tmp_path) + b"/bad\xff.yaml"
    Path(os.fsdecode(good)).write_bytes(SCENARIO.read_bytes())
    Path(os.fsdecode(bad)).write_text(BAD_KEY, encoding="utf-8")
    process = envelope("validate", good, bad)
    assert process.returncode == 2
    assert process.stdout == f"{tmp_path}/ok\\xff.yaml: ok\n".encode()
    assert process.stderr == f"{tmp_path}/bad\\xff.yaml:4:3: traffic.caf\u00e9: unknown key\n".encode()


@pytest.mark.parametrize(("args", "message"), [
    (("estimate", b"no\xff.yaml"), "no\\xff.yaml: cannot read file: No such file or directory\n"),
    (("diagram", SCENARIO, "-o", b"out\xff"),
     "out\\xff: no suffix to tell the format; add one (.png, .svg, .pdf, .dot, .mmd, .d2) or pass --format\n"),
    (("diagram", SCENARIO, "-o", b"no\xff/d.mmd"), "no\\xff: no such directory\n"),
    (("report", SCENARIO, "-o", b"/proc/no\xff"),
     "/proc/no\\xff: cannot create directory: No such file or directory\n"),
])
def test_every_message_shows_a_byte_of_a_file_name_as_that_byte(args, message):
    process = envelope(*args)
    assert (process.returncode, process.stderr) == (2, message.encode())


def test_a_file_written_under_a_name_that_is_not_utf8_is_named_by_its_byte(tmp_path):
    target = os.fsencode(tmp_path) + b"/new\xff.yaml"
    process = envelope("new", "Music", "-o", target)
    assert (process.returncode, process.stdout) == (0, f"wrote {tmp_path}/new\\xff.yaml\n".encode())
    assert Path(os.fsdecode(target)).is_file()


# ---------------------------------------------------------------- --help

def command_names() -> list[str]:
    import typer.main

    from estimator.cli import app

    return list(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def help_of(*command: str) -> str:
    result = envelope(*command, "--help")  # COLUMNS=80
    assert (result.returncode, result.stderr) == (0, b"")
    return result.stdout.decode()


@pytest.mark.parametrize("command", ["", *command_names()])
def test_help_is_plain_text_wrapped_to_80_columns(command):
    import re

    import typer.main

    from estimator.cli import app

    text = help_of(*([command] if command else []))
    assert "``" not in text and "<list[" not in text and "<bool>" not in text and "<str>" not in text
    assert not re.search(r"\{\w+\}", text.splitlines()[0]), "typer's {file} for an argument"
    assert text.isascii() and not any(char in text for char in "│╭─")  # no markup, no panels
    assert max(len(line) for line in text.splitlines()) <= 80
    for line in text.splitlines():  # a metavar or a note is never cut at the end of a line
        assert line.count("<") == line.count(">") and line.count("[") == line.count("]"), line
    group = typer.main.get_command(app)
    params = group.commands[command].params if command else []  # type: ignore[attr-defined]
    for param in params:  # every option and argument is there, with the name of its value on the same line
        shown = param.opts[0] if param.param_type_name == "option" else param.metavar
        assert shown in text
        if param.param_type_name == "option" and param.metavar:
            assert f"{max(param.opts, key=len)} {param.metavar}" in text


def test_the_command_list_gives_each_first_sentence_whole():
    text = help_of()
    commands = text[text.index("Commands:"):]
    assert "..." not in commands  # click cut each to one line ("... feature store,...")
    assert ("  estimate     Estimate a scenario: traffic, storage, feature store, serving\n"
            "               and cost.\n") in text


def test_validate_help_reads_as_written():
    assert help_of("validate") == """\
Usage: envelope validate [OPTIONS] FILES...

  Check scenario files: exit 2 with the problems any other command would
  refuse them for.

  Runs what 'envelope estimate FILE' runs: loading checks the file; the point
  estimate and, when the file has ranges, the sampled estimate (estimate's
  default --samples and --seed) check the derived expressions; building the
  architecture (without networkx or Graphviz) checks the ids in the components
  section. Where the sampling budget holds fewer than the default samples of a
  large file (estimate refuses the option there), the most that fit are
  sampled.

Arguments:
  FILES...  Scenario files to check.  [required]

Options:
  --catalog FILE  A price book: YAML shaped like a scenario's catalog section
                  (accelerators and prices), each entry with source and as_of.
                  Its entries replace the bundled ones; the scenario's own
                  entries win.
  --help          Show this message and exit.
"""


def test_a_default_note_is_never_split_across_lines():
    assert ("  --theme THEME          Icon set of the diagram: onprem, aws, gcp or azure.\n"
            "                         [default: onprem]\n") in help_of("diagram")


def test_a_usage_error_names_the_argument_as_the_usage_line_does():
    result = envelope("validate")
    assert result.returncode == 2
    assert result.stderr == (b"Usage: envelope validate [OPTIONS] FILES...\n"
                             b"Try 'envelope validate --help' for help.\n\n"
                             b"Error: Missing argument 'FILES'.\n")
