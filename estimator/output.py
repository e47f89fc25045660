"""Writing outputs: atomically, never over an existing file unless asked, under safe names.

A half-written diagram or report must never replace a good one, so each file is written
to a temporary file in the same directory (same file system) and moved into place with
``os.replace``, which is atomic.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import unicodedata
from pathlib import Path

from estimator.errors import OutputError, printable

__all__ = ["check_directory", "check_writable", "file_kind", "slugify", "write_output"]


def slugify(name: str) -> str:
    """A file-name-safe form of ``name``: only ``[a-z0-9_-]``, never empty, never a path.

    >>> slugify("Video recommendation")
    'video-recommendation'
    >>> slugify("../../etc/passwd")
    'etc-passwd'
    >>> slugify("Café: LLM/RAG  v2")
    'cafe-llm-rag-v2'
    >>> slugify("...")
    'scenario'
    """
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9_]+", "-", ascii_text.lower()).strip("-_")
    return slug[:80].strip("-_") or "scenario"


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    """What a file of ``mode`` (from ``os.stat``) is, in words.

    >>> file_kind(stat.S_IFCHR | 0o666)
    'a character device'
    >>> file_kind(stat.S_IFREG | 0o644)
    'a regular file'
    """
    return next((name for test, name in _KINDS if test(mode)), "a regular file" if stat.S_ISREG(mode)
                else "not a regular file")


def check_writable(path: Path, *, force: bool) -> None:
    """Raise OutputError when ``path`` cannot be written.

    Only a regular file is ever replaced, and only with ``force``: renaming over a device,
    FIFO or socket would replace the node itself (``/dev/null`` turned into a plain file).
    A symbolic link is judged by what it points at; a link to nothing is refused.

    Parameters
    ----------
    path : Path
        The output file asked for.
    force : bool
        Whether an existing regular file may be replaced.

    Raises
    ------
    OutputError
        It is not a regular file, exists without ``force``, its directory is missing, or the
        name is too long for the file system.

    Examples
    --------
    >>> import tempfile
    >>> check_writable(Path(tempfile.mkdtemp()), force=True)
    Traceback (most recent call last):
    ...
    estimator.errors.OutputError: ...: is a directory; give a file name, e.g. .../diagram.png
    """
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
        if os.path.islink(path):  # a link to nothing is still something at that name: never replaced
            raise OutputError(f"{_name(path)}: is a symbolic link to a missing file, not a regular file; Envelope "
                              "only replaces regular files, even with --force") from None
    except OSError as error:  # a name too long, a loop of links, a parent that is a file
        raise OutputError(f"{_name(path)}: cannot write: {error.strerror}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(f"{_name(path)}: is a directory; give a file name, e.g. {_name(path / 'diagram.png')}")
    if mode is not None and not stat.S_ISREG(mode):
        raise OutputError(f"{_name(path)}: is {file_kind(mode)}, not a regular file; Envelope only replaces "
                          "regular files, even with --force")
    if mode is not None and not force:
        raise OutputError(f"{_name(path)}: exists already; pass --force to overwrite it")
    if not path.parent.is_dir():
        raise OutputError(f"{_name(path.parent)}: no such directory")


def check_directory(path: Path) -> bool:
    """Whether the output directory ``path`` exists; raise OutputError if it cannot be one.

    Parameters
    ----------
    path : Path
        A directory to write into (created later when missing).

    Returns
    -------
    bool
        True when it exists as a directory, False when it is missing.

    Raises
    ------
    OutputError
        It exists but is not a directory, or its name cannot be looked up (too long, a loop).

    Examples
    --------
    >>> import tempfile
    >>> check_directory(Path(tempfile.mkdtemp())), check_directory(Path(tempfile.mkdtemp()) / "new")
    (True, False)
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    except OSError as error:
        raise OutputError(f"{_name(path)}: cannot write: {error.strerror}") from None
    if not stat.S_ISDIR(mode):
        raise OutputError(f"{_name(path)}: not a directory")
    return True


def write_output(path: Path, data: bytes, *, force: bool) -> None:
    """Write ``data`` to ``path`` atomically; refuse to replace an existing file unless ``force``.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out.txt"
    >>> write_output(target, b"one", force=False)
    >>> write_output(target, b"two", force=False)
    Traceback (most recent call last):
    ...
    estimator.errors.OutputError: .../out.txt: exists already; pass --force to overwrite it
    >>> write_output(target, b"two", force=True); target.read_bytes()
    b'two'
    """
    path = Path(path)
    check_writable(path, force=force)
    try:
        # The temporary name adds ~14 characters: a name near the file system's limit (255 bytes)
        # that is itself writable keeps only a short prefix in it.
        prefix = f".{path.name}." if len(os.fsencode(path.name)) <= 200 else ".envelope-output."
        descriptor, temporary = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise OutputError(f"{_name(path)}: cannot write: {error.strerror}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), _default_mode())  # mkstemp makes 0600; a plain file is wanted
            handle.write(data)
        check_writable(path, force=force)  # again: a file or a node may have appeared while we wrote
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"{_name(path)}: cannot write: {error.strerror}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _default_mode() -> int:
    """The mode ``open()`` would give a new file: 0666 minus the process umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _name(path: Path) -> str:
    """A path as a message shows it: one line, control characters escaped, at most 200 characters."""
    text = str(path)
    return printable(text if len(text) <= 200 else text[:200] + "…")
