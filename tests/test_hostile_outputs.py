"""Hostile outputs: --force replaces regular files only, and odd output paths are refused (exit 2).

A private device node (made with mknod in a temporary directory, never the real /dev/null), a
FIFO, a socket and a directory all stay what they were; the message says what the path is.
"""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from estimator.cli import app
from estimator.errors import OutputError
from estimator.output import check_writable, write_output

SCENARIO = ROOT / "scenarios" / "video_recommendation.yaml"


def invoke(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_force_refuses_a_fifo_and_leaves_it_a_fifo(tmp_path):
    fifo = tmp_path / "out.dot"
    os.mkfifo(fifo)
    result = invoke("diagram", SCENARIO, "-o", fifo, "--force")
    assert result.exit_code == 2
    assert result.output == (f"{fifo}: is a FIFO (named pipe), not a regular file; Envelope only replaces "
                             "regular files, even with --force\n")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
def test_force_refuses_a_private_character_device(tmp_path):
    node = tmp_path / "null.png"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the numbers of /dev/null, in a private place
    for command in (["diagram", SCENARIO, "-o", node, "--force"], ["new", "x", "-o", node, "--force"]):
        result = invoke(*command)
        assert result.exit_code == 2
        assert result.output == (f"{node}: is a character device, not a regular file; Envelope only replaces "
                                 "regular files, even with --force\n")
        assert stat.S_ISCHR(os.stat(node).st_mode)


def test_write_output_refuses_a_socket_and_a_link_to_a_fifo(tmp_path):
    server = socket.socket(socket.AF_UNIX)
    place = tmp_path / "s.sock"
    server.bind(str(place))
    try:
        with pytest.raises(OutputError, match=r"s\.sock: is a socket, not a regular file"):
            write_output(place, b"x", force=True)
    finally:
        server.close()
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "link.csv").symlink_to(tmp_path / "fifo")
    with pytest.raises(OutputError, match=r"link\.csv: is a FIFO \(named pipe\), not a regular file"):
        write_output(tmp_path / "link.csv", b"x", force=True)
    assert (tmp_path / "link.csv").is_symlink()


@pytest.mark.parametrize("force", [False, True])
def test_a_link_to_nothing_is_never_replaced(tmp_path, force):
    link = tmp_path / "out.dot"
    link.symlink_to(tmp_path / "missing.dot")
    result = invoke("diagram", SCENARIO, "-o", link, *(["--force"] if force else []))
    assert result.exit_code == 2
    assert result.output == (f"{link}: is a symbolic link to a missing file, not a regular file; Envelope only "
                             "replaces regular files, even with --force\n")
    assert link.is_symlink() and not (tmp_path / "missing.dot").exists()


def test_force_still_replaces_a_regular_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    write_output(target, b"new", force=True)
    assert target.read_bytes() == b"new"


def test_name_too_long_is_exit_2(tmp_path):
    long = tmp_path / ("d" * 300 + ".dot")
    result = invoke("diagram", SCENARIO, "-o", long, "--force")
    assert result.exit_code == 2
    assert result.output == f"{str(long)[:200]}…: cannot write: File name too long\n"
    result = invoke("report", SCENARIO, "-o", tmp_path / ("n" * 300))
    assert result.exit_code == 2
    assert result.output.endswith("…: cannot write: File name too long\n")


def test_a_file_as_report_directory_is_refused(tmp_path):
    (tmp_path / "notes").write_text("mine")
    result = invoke("report", SCENARIO, "-o", tmp_path / "notes")
    assert result.exit_code == 2
    assert result.output == f"{tmp_path / 'notes'}: not a directory\n"


def test_an_output_name_with_a_newline_is_shown_escaped(tmp_path):
    with pytest.raises(OutputError) as caught:
        check_writable(tmp_path / "x\nok" / "out.png", force=False)
    assert str(caught.value) == f"{tmp_path}/x\\nok: no such directory"
    result = invoke("new", "x", "-o", tmp_path / "a\nb.yaml")
    assert result.exit_code == 0
    assert result.output == f"wrote {tmp_path}/a\\nb.yaml\n"


def test_a_name_near_the_file_system_limit_is_written(tmp_path):
    target = tmp_path / ("d" * 251 + ".svg")  # 255 bytes: the longest name ext4 takes
    write_output(target, b"<svg/>", force=False)
    assert target.read_bytes() == b"<svg/>"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


def test_a_name_over_the_file_system_limit_is_a_clear_error(tmp_path):
    with pytest.raises(OutputError) as raised:
        write_output(tmp_path / ("d" * 256), b"x", force=False)
    assert str(raised.value).endswith(": cannot write: File name too long")
