"""Writing outputs: atomically, never over an existing file unless asked, under safe names.

A half-written diagram or report must never replace a good one, so each file is written
to a temporary file in the same directory (same file system) and moved into place with
``os.replace``, which is atomic.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path

from estimator.errors import OutputError


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


def check_writable(path: Path, *, force: bool) -> None:
    """Raise OutputError when ``path`` cannot be written: it exists (without force) or is a directory."""
    if path.is_dir():
        raise OutputError(f"{path}: is a directory; give a file name, e.g. {path / 'diagram.png'}")
    if path.exists() and not force:
        raise OutputError(f"{path}: exists already; pass --force to overwrite it")
    if not path.parent.is_dir():
        raise OutputError(f"{path.parent}: no such directory")


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
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {error.strerror}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), _default_mode())  # mkstemp makes 0600; a plain file is wanted
            handle.write(data)
        if not force and path.exists():  # appeared while we wrote: still never overwrite
            raise OutputError(f"{path}: exists already; pass --force to overwrite it")
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write: {error.strerror}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _default_mode() -> int:
    """The mode ``open()`` would give a new file: 0666 minus the process umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
