"""What the ticket index and the report cache share about their SQLite files: how long a
command waits for another one's write, one way to write, and what a failure means.

Both files are derived and safe to delete, so a failure to use one is never fatal: the
command reads the records themselves instead. Two failures are not that kind: another
command writing (the records are busy, as with the office lock), and a git directory this
account cannot write in (a read-only copy, where reading every file is the documented way).
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from ..core.errors import SvcError
from ..core.message import msg

# The wait is the office lock's (SVCCTL_LOCK_TIMEOUT) but never this long: a sweep holds its
# write for seconds at most, and a command stuck behind a dead one should say so before cron's
# next run rather than after it.
LONGEST_WAIT = 30.0
_BUSY_CODES = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED (named in the sqlite3 module from Python 3.11)


def busy_wait() -> float:
    from .txn import lock_timeout

    return min(lock_timeout(), LONGEST_WAIT)


def connect(file: Path, wait: float | None = None) -> sqlite3.Connection:
    """A connection that waits ``wait`` seconds (``busy_wait()``) for another command's write;
    transactions are begun by hand (``writing``)."""
    return sqlite3.connect(str(file), timeout=busy_wait() if wait is None else wait, isolation_level=None)


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite giving up on a lock another process holds."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11 on; before, only the text tells
    if code is None:
        return str(exc).startswith(("database is locked", "database table is locked"))
    return code & 0xFF in _BUSY_CODES


def busy() -> SvcError:
    """The office lock's own refusal: to the person it is the same wait for the same reason."""
    return SvcError(msg('records are busy: another svcctl command has held the lock for {timeout:.0f}s; try again shortly',
                        timeout=busy_wait()))


def refuse_if_busy(exc: BaseException) -> None:
    """Another command writing is a wait that ran out, never a damaged file to give up on."""
    if is_busy(exc):
        raise busy() from None


@contextmanager
def writing(db: sqlite3.Connection):
    """One write at a time (``BEGIN IMMEDIATE``), committed whole or rolled back whole."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        refuse_if_busy(exc)
        raise
    try:
        yield db
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:  # SQLite has already rolled back after some errors (a full disk)
            db.execute("ROLLBACK")
        raise


def writable(file: Path) -> bool:
    """Whether this account can keep ``file`` (and its journal files beside it) up to date:
    False in a read-only copy, on read-only media, or for an account without write access."""
    folder = file.parent
    return os.access(folder, os.W_OK) and (not file.exists() or os.access(file, os.W_OK))
