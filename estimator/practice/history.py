"""Practice history: every attempt in a local SQLite database (standard library ``sqlite3``).

Where: ``$ENVELOPE_PRACTICE_DB`` when set; else ``$XDG_DATA_HOME/envelope/practice.sqlite3``
(the XDG Base Directory specification: an unset, empty or relative ``XDG_DATA_HOME`` means
``~/.local/share``). The file is created on first use. Its schema version is SQLite's
``PRAGMA user_version``; ``MIGRATIONS[n]`` takes version n to n + 1, each in one transaction
with the new version number, so a database is at one version or the next, never between.
Every write is one transaction (``BEGIN IMMEDIATE`` … ``COMMIT``): a process killed in the
middle leaves SQLite's journal, and the next open rolls the half-written attempts back.

A place that cannot be written (``HOME=/dev/null``, a read-only disk, a file that is not a
database, a database from a newer Envelope) raises ``HistoryUnavailable`` with the reason;
practice goes on without history and says so.
"""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
import statistics
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from estimator.practice.grading import ACCEPTABLE_FACTOR, GOOD_FACTOR
from estimator.practice.session import Attempt

__all__ = ["DB_ENVIRONMENT", "MIGRATIONS", "SCHEMA_VERSION", "HistoryUnavailable", "KindSummary", "Record",
           "chart_rows", "database_path", "load", "missed_most_line", "open_history", "record", "summarise",
           "summary_rows"]

DB_ENVIRONMENT = "ENVELOPE_PRACTICE_DB"

# Version 1 is the first layout: the attempt as the practice issue lists it (date, scenario,
# question, answer, truth, error). Version 2 adds what the grade and the chart need: the grade,
# the guess as a number, the unit, the prompt and the time taken. Never edit a migration that has
# shipped; add the next one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    ("CREATE TABLE attempts (id INTEGER PRIMARY KEY, at TEXT NOT NULL, scenario TEXT NOT NULL, "
     "question TEXT NOT NULL, answer TEXT NOT NULL, truth REAL NOT NULL, error REAL)",),
    ("ALTER TABLE attempts ADD COLUMN grade TEXT",
     "ALTER TABLE attempts ADD COLUMN guess REAL",
     "ALTER TABLE attempts ADD COLUMN unit TEXT NOT NULL DEFAULT ''",
     "ALTER TABLE attempts ADD COLUMN prompt TEXT NOT NULL DEFAULT ''",
     "ALTER TABLE attempts ADD COLUMN seconds REAL",
     # Version 1 kept no grade: it follows from the error by the grading rule (grading.py).
     # (SQLite's log10 is optional at build time, so the bounds are computed here.)
     "UPDATE attempts SET grade = CASE WHEN error IS NULL THEN 'miss' "
     f"WHEN error <= {math.log10(GOOD_FACTOR)!r} THEN 'good' "
     f"WHEN error <= {math.log10(ACCEPTABLE_FACTOR)!r} THEN 'acceptable' ELSE 'miss' END",
     "CREATE INDEX attempts_by_question ON attempts (question, at)"),
)
SCHEMA_VERSION = len(MIGRATIONS)


class HistoryUnavailable(Exception):
    """The history cannot be read or written here; the message says why (not the user's error to fix now)."""


def database_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the history lives (module docstring).

    >>> database_path({"ENVELOPE_PRACTICE_DB": "/tmp/p.sqlite3"}).as_posix()
    '/tmp/p.sqlite3'
    >>> database_path({"XDG_DATA_HOME": "/data", "HOME": "/home/a"}).as_posix()
    '/data/envelope/practice.sqlite3'
    >>> database_path({"XDG_DATA_HOME": "relative", "HOME": "/home/a"}).as_posix()
    '/home/a/.local/share/envelope/practice.sqlite3'
    """
    environ = os.environ if environ is None else environ
    if environ.get(DB_ENVIRONMENT):
        return Path(environ[DB_ENVIRONMENT])
    data_home = environ.get("XDG_DATA_HOME", "")
    if not data_home or not Path(data_home).is_absolute():
        data_home = str(Path(environ.get("HOME") or Path.home()) / ".local" / "share")
    return Path(data_home) / "envelope" / "practice.sqlite3"


@contextlib.contextmanager
def open_history(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to the history at ``path``, created and migrated to ``SCHEMA_VERSION``; closed after.

    Raises
    ------
    HistoryUnavailable
        The directory cannot be created, the path is not a regular file, the file is not an
        SQLite database, or its schema is newer than this Envelope knows.
    """
    if path.exists() and not path.is_file():
        raise HistoryUnavailable(f"{path}: not a regular file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, isolation_level=None, timeout=5.0)  # transactions are explicit
    except (OSError, sqlite3.Error) as error:
        raise HistoryUnavailable(f"{path}: {_reason(error)}") from None
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        _migrate(connection, path)
        yield connection
    except sqlite3.Error as error:
        raise HistoryUnavailable(f"{path}: {_reason(error)}") from None
    finally:
        connection.close()


def _reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise HistoryUnavailable(f"{path}: written by a newer Envelope (schema {version}, this one knows "
                                 f"{SCHEMA_VERSION})")
    for number in range(version, SCHEMA_VERSION):
        with _transaction(connection):
            # Read again inside the lock: another process may have migrated in the meantime.
            if connection.execute("PRAGMA user_version").fetchone()[0] != number:
                continue
            for statement in MIGRATIONS[number]:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number + 1:d}")


@contextlib.contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: committed at the end of the block, rolled back on any error."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def record(path: Path, attempts: Iterable[Attempt], at: datetime | None = None) -> int:
    """Store ``attempts`` in one transaction; return how many. All are stored, or none.

    Parameters
    ----------
    path : Path
        The database (``database_path()``).
    attempts : iterable of Attempt
        Consumed inside the transaction.
    at : datetime, optional
        When they were made (default: now, UTC); stored as ISO 8601.

    Raises
    ------
    HistoryUnavailable
        As ``open_history``, or when the write fails (a full disk, a lock held too long).
    """
    when = (at or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    with open_history(path) as connection, _transaction(connection):
        count = 0
        for a in attempts:
            connection.execute(
                "INSERT INTO attempts (at, scenario, question, answer, truth, error, grade, guess, unit, prompt, "
                "seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (when, a.scenario, a.key, a.answer, _finite(a.truth_value), _finite(a.error), a.grade,
                 _finite(a.guess_value), a.unit, a.prompt, _finite(a.seconds)))
            count += 1
    return count


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


@dataclass(frozen=True)
class Record:
    """One stored attempt."""

    at: str
    scenario: str
    question: str
    answer: str
    error: float | None
    grade: str


def load(path: Path) -> list[Record]:
    """Every stored attempt, oldest first; an empty list when there is no database yet.

    Raises
    ------
    HistoryUnavailable
        As ``open_history``.
    """
    if not path.exists():
        return []
    with open_history(path) as connection:
        rows = connection.execute(
            "SELECT at, scenario, question, answer, error, grade FROM attempts ORDER BY at, id").fetchall()
    return [Record(*row) for row in rows]


@dataclass(frozen=True)
class KindSummary:
    """How one kind of question (a result key) has gone: attempts, misses, mean error, errors over time."""

    question: str
    attempts: int
    misses: int
    mean_error: float | None  # over the attempts with a usable guess
    errors: tuple[float | None, ...]  # oldest first

    @property
    def miss_share(self) -> float:
        return self.misses / self.attempts


def summarise(records: list[Record]) -> list[KindSummary]:
    """One summary per question kind, the kinds missed most first (share of misses, then mean error).

    >>> r = [Record("2026-01-01", "s", "a", "1", 0.1, "good"), Record("2026-01-02", "s", "b", "1", 2.0, "miss"),
    ...      Record("2026-01-03", "s", "a", "x", None, "miss")]
    >>> [(k.question, k.attempts, k.misses, k.mean_error) for k in summarise(r)]
    [('b', 1, 1, 2.0), ('a', 2, 1, 0.1)]
    """
    by_kind: dict[str, list[Record]] = {}
    for item in records:
        by_kind.setdefault(item.question, []).append(item)
    summaries = []
    for question, items in by_kind.items():
        errors = [i.error for i in items if i.error is not None]
        summaries.append(KindSummary(question, len(items), sum(i.grade == "miss" for i in items),
                                     statistics.fmean(errors) if errors else None, tuple(i.error for i in items)))
    return sorted(summaries, key=lambda k: (-k.miss_share, -(k.mean_error if k.mean_error is not None else math.inf),
                                            k.question))


def summary_rows(summaries: list[KindSummary]) -> list[dict[str, object]]:
    """The summaries as table rows for the app: kind, attempts, misses, mean error (two decimals).

    >>> summary_rows([KindSummary("traffic.peak_qps", 2, 1, 0.25, (0.25, None))])
    [{'Question kind': 'traffic.peak_qps', 'Attempts': 2, 'Misses': 1, 'Mean error': '0.25'}]
    """
    return [{"Question kind": k.question, "Attempts": k.attempts, "Misses": k.misses,
             "Mean error": f"{k.mean_error:.2f}" if k.mean_error is not None else "-"} for k in summaries]


def chart_rows(records: list[Record]) -> list[dict[str, object]]:
    """One row per attempt with a usable guess, for a chart of error over time per kind.

    >>> chart_rows([Record("2026-01-01T10:00:00+00:00", "s", "a", "1", 0.25, "good")])
    [{'when': '2026-01-01T10:00:00+00:00', 'question': 'a', 'error': 0.25, 'grade': 'good', 'scenario': 's'}]
    """
    return [{"when": r.at, "question": r.question, "error": r.error, "grade": r.grade, "scenario": r.scenario}
            for r in records if r.error is not None]


def missed_most_line(summaries: list[KindSummary]) -> str:
    """The kind of estimate missed most, in one sentence.

    >>> missed_most_line([])
    'No practice history yet: run `envelope practice` first.'
    """
    if not summaries:
        return "No practice history yet: run `envelope practice` first."
    worst = summaries[0]
    return f"Missed most: {worst.question} ({worst.misses} of {worst.attempts} attempts missed)."
