"""Changes to the records folder: one lock, atomic files, one commit, and recovery.

A change is written in three steps under the office lock: a journal (the previous
content of every path it touches), the files (each by temp file + rename), the commit.
If the process dies anywhere in between, the next svcctl command finds the journal and
either finishes the change (its commit landed) or rolls the files back (it did not), and
says which on stderr. The lock is an OS file lock, so a killed process never leaves it held.
"""
from __future__ import annotations

import json
import os
import secrets
import sys
import tempfile
from pathlib import Path

from .. import vcs
from ..core.errors import SvcError

LOCK_TIMEOUT = float(os.environ.get("SVCCTL_LOCK_TIMEOUT", "120"))
TXN_TRAILER = "Svcctl-Txn"


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class OfficeLock:
    def __init__(self, gdir: Path):
        from filelock import FileLock

        self._lock = FileLock(str(gdir / "svcctl.lock"))

    def __enter__(self):
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=LOCK_TIMEOUT)
        except Timeout:
            raise SvcError(
                f"records are busy: another svcctl command has held the lock for {LOCK_TIMEOUT:.0f}s; "
                "try again shortly"
            ) from None
        return self

    def try_acquire(self) -> bool:
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=0)
            return True
        except Timeout:
            return False

    def release(self):
        self._lock.release()

    def __exit__(self, *exc):
        self._lock.release()


class Journal:
    def __init__(self, top: Path, gdir: Path):
        self.top = top
        self.path = gdir / "svcctl-journal.json"

    def exists(self) -> bool:
        return self.path.exists()

    def begin(self, txn: str, paths: list[str], head: str | None, message: str) -> None:
        previous = {}
        for rel in paths:
            file = self.top / rel
            previous[rel] = file.read_text(encoding="utf-8") if file.exists() else None
        atomic_write(self.path, json.dumps(
            {"txn": txn, "head": head, "message": message, "previous": previous}, ensure_ascii=False))

    def end(self) -> None:
        self.path.unlink(missing_ok=True)

    def recover(self) -> str | None:
        """Finish or roll back an interrupted change; returns what was done, for stderr."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # The journal itself was cut short: no file had been touched yet.
            self.end()
            return None
        gdir = self.path.parent
        for stale in ("index.lock", "HEAD.lock", "svcctl-index.lock", "svcctl-index"):
            (gdir / stale).unlink(missing_ok=True)
        branch = vcs.run(self.top, "symbolic-ref", "-q", "HEAD").stdout.strip()
        if branch:
            (gdir / (branch + ".lock")).unlink(missing_ok=True)
        head = vcs.head(self.top)
        paths = list(data["previous"])
        subject = data["message"].splitlines()[0]
        landed = head and head != data["head"] and vcs.commit_message_has(
            self.top, head, f"{TXN_TRAILER}: {data['txn']}")
        if landed:
            vcs.sync_index(self.top, paths)
            self.end()
            return f"finished an interrupted change that had been committed: {subject}"
        for rel, text in data["previous"].items():
            file = self.top / rel
            if text is None:
                file.unlink(missing_ok=True)
            else:
                atomic_write(file, text)
        vcs.sync_index(self.top, paths)
        self.end()
        return f"rolled back an interrupted change that was never committed: {subject}"


class Change:
    """Files to write and the one commit that records them."""

    def __init__(self, message: str):
        self.message = message
        self.files: dict[str, str] = {}

    def write(self, rel: str, text: str) -> None:
        self.files[rel] = text


def apply(top: Path, gdir: Path, change: Change, author: vcs.Author, trailers: dict | None = None) -> str:
    """Write and commit ``change``; the caller holds the office lock."""
    txn = secrets.token_hex(6)
    lines = [change.message, ""]
    for key, value in (trailers or {}).items():
        lines.append(f"{key}: {value}")
    lines.append(f"{TXN_TRAILER}: {txn}")
    message = "\n".join(lines) + "\n"
    paths = sorted(change.files)
    head = vcs.head(top)
    journal = Journal(top, gdir)
    journal.begin(txn, paths, head, message)
    _crash_point("after-journal")
    for rel in paths:
        atomic_write(top / rel, change.files[rel])
        _crash_point("between-files")
    _crash_point("before-commit")
    commit = vcs.commit_paths(top, paths, message, author, head)
    _crash_point("after-commit")
    journal.end()
    return commit


def _crash_point(name: str) -> None:
    """Lets the crash-safety tests kill the process at a named step (SVCCTL_CRASH_AT)."""
    if os.environ.get("SVCCTL_CRASH_AT") == name:
        sys.stdout.flush()
        os._exit(137)
