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
import time
from pathlib import Path

from .. import vcs
from ..core.errors import SvcError

LOCK_TIMEOUT = float(os.environ.get("SVCCTL_LOCK_TIMEOUT", "120"))
TXN_TRAILER = "Svcctl-Txn"


# Above this many files a change syncs the disk once before its commit instead of once per
# file: an fsync costs milliseconds, and an import writes tens of thousands of files.
SYNC_ONCE_FROM = 50


def atomic_write(path: Path, text: str, durable: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class OfficeLock:
    """The office lock; entering it also repairs whatever a killed holder left behind.

    Recovery must happen the moment the lock is won, not only when a command starts: a
    command that was already queued behind a holder that then died would otherwise read
    the dead change's half-written files and overwrite its journal with its own.
    """

    def __init__(self, gdir: Path, top: Path):
        from filelock import FileLock

        self._gdir = gdir
        self._top = top
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
        try:
            self.repair()
        except BaseException:
            self._lock.release()
            raise
        return self

    def try_acquire(self) -> bool:
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=0)
            return True
        except Timeout:
            return False

    def pending(self) -> list:
        """Journals of work a dead holder left half done (cheap: a stat per kind)."""
        journals = (Journal(self._top, self._gdir), MergeJournal(self._top, self._gdir))
        return [journal for journal in journals if journal.exists()]

    def repair(self) -> None:
        """With the lock held: finish or roll back work left by a dead holder, saying so."""
        for journal in self.pending():
            said = journal.recover()
            if said:
                print(f"svcctl: {said}", file=sys.stderr, flush=True)

    def release(self):
        self._lock.release()

    def __exit__(self, *exc):
        self._lock.release()


class _JournalFile:
    """A small JSON file in the git directory that exists only while work is half done."""

    NAME = ""

    def __init__(self, top: Path, gdir: Path):
        self.top = top
        self.gdir = gdir
        self.path = gdir / self.NAME

    def exists(self) -> bool:
        return self.path.exists()

    def end(self) -> None:
        self.path.unlink(missing_ok=True)

    def _read(self) -> dict | None:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # The journal itself was cut short: nothing after it had been done yet.
            self.end()
            return None


class Journal(_JournalFile):
    """One change: the previous content of every path it touches, and its commit's mark."""

    NAME = "svcctl-journal.json"

    def begin(self, txn: str, paths: list[str], head: str | None, message: str) -> None:
        previous = {}
        for rel in paths:
            file = self.top / rel
            previous[rel] = file.read_text(encoding="utf-8") if file.exists() else None
        atomic_write(self.path, json.dumps(
            {"txn": txn, "head": head, "message": message, "previous": previous}, ensure_ascii=False))

    def recover(self) -> str | None:
        """Finish or roll back an interrupted change; returns what was done, for stderr."""
        data = self._read()
        if data is None:
            return None
        branch = vcs.run(self.top, "symbolic-ref", "-q", "HEAD").stdout.strip()
        _clear_git_locks(self.gdir, ["index.lock", "HEAD.lock", "svcctl-index.lock", "svcctl-index"]
                         + ([branch + ".lock"] if branch else []))
        paths = list(data["previous"])
        _clear_temp_files(self.top, paths)
        subject = data["message"].splitlines()[0]
        if _landed(self.top, data["head"], f"{TXN_TRAILER}: {data['txn']}"):
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


class MergeJournal(_JournalFile):
    """A pull being merged by ``svcctl sync``. git writes a merge file by file; if the
    process dies half-way the records hold part of the other PC's work, uncommitted. The
    next holder of the lock puts back every path the merge could have touched, as it was
    at the pre-merge HEAD, and the next sync merges again from the start."""

    NAME = "svcctl-merge.json"
    FILES = ("MERGE_HEAD", "MERGE_MSG", "MERGE_MODE", "AUTO_MERGE")

    def begin(self, head: str, incoming: str) -> None:
        atomic_write(self.path, json.dumps({"head": head, "incoming": incoming}))

    def recover(self) -> str | None:
        data = self._read()
        if data is None:
            return None
        head = data["head"]
        if vcs.head(self.top) != head:
            self.end()  # the merge commit landed: nothing is half done
            return None
        branch = vcs.run(self.top, "symbolic-ref", "-q", "HEAD").stdout.strip()
        _clear_git_locks(self.gdir, ["index.lock"] + ([branch + ".lock"] if branch else []))
        touched = vcs.git(self.top, "diff", "--name-only", "--no-renames", "-z", head, data["incoming"]).split("\0")
        touched = [p for p in touched if p]
        in_head = set(vcs.git(self.top, "ls-tree", "-r", "--name-only", "-z", head, "--", *touched).split("\0")) if touched else set()
        for rel in touched:
            if rel not in in_head:
                (self.top / rel).unlink(missing_ok=True)
        if in_head - {""}:
            vcs.git(self.top, "checkout", "-q", head, "--", *sorted(in_head - {""}))
        if touched:
            vcs.sync_index(self.top, touched)
        for name in self.FILES:
            (self.gdir / name).unlink(missing_ok=True)
        self.end()
        return "rolled back a sync that was cut off while merging; nothing of it was kept: run 'svcctl sync' again"


def _landed(top: Path, old_head: str | None, trailer: str) -> bool:
    """Whether the commit carrying ``trailer`` is on HEAD (HEAD itself, or below a later commit)."""
    head = vcs.head(top)
    if not head or head == old_head:
        return False
    span = f"{old_head}..HEAD" if old_head else "HEAD"
    proc = vcs.run(top, "rev-list", "-1", "--fixed-strings", f"--grep={trailer}", span)
    return proc.returncode == 0 and bool(proc.stdout.strip())


def _clear_git_locks(gdir: Path, names: list[str], patience: float = 1.0) -> None:
    """Remove git lock files a killed change left behind.

    A ``kill -9`` of svcctl does not kill a git child it was waiting for (update-ref,
    reset): that child finishes on its own within milliseconds. Give such an orphan a
    moment to finish and drop its lock before deciding it is stale; otherwise the commit
    it is landing could be judged missing and its files rolled back under it.
    """
    deadline = time.monotonic() + patience
    locks = [gdir / name for name in names if name.endswith(".lock")]
    while any(p.exists() for p in locks) and time.monotonic() < deadline:
        time.sleep(0.05)
    for name in names:
        (gdir / name).unlink(missing_ok=True)


def _clear_temp_files(top: Path, paths: list[str]) -> None:
    """Temp files of an atomic write cut short would show up as untracked in ``git status``."""
    for rel in paths:
        file = top / rel
        if file.parent.is_dir():
            for tmp in file.parent.glob(f".{file.name}.*.tmp"):
                tmp.unlink(missing_ok=True)


class Change:
    """Files to write and the one commit that records them."""

    def __init__(self, message: str):
        self.message = message
        self.files: dict[str, str] = {}

    def write(self, rel: str, text: str) -> None:
        self.files[rel] = text


def apply(top: Path, gdir: Path, change: Change, author: vcs.Author, trailers: dict | None = None,
          progress=None) -> str:
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
    each = len(paths) < SYNC_ONCE_FROM or not hasattr(os, "sync")  # Windows has no sync()
    for rel in paths:
        path = top / rel
        if each or path.exists():
            atomic_write(path, change.files[rel], durable=each)
        else:
            # A new file in a large change is written in place: the journal deletes it again
            # if the change is cut short, and a temp file plus rename costs twice the time.
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(change.files[rel], encoding="utf-8", newline="\n")
        if progress is not None:
            progress()
        _crash_point("between-files")
    if not each:
        os.sync()  # the files are on disk before the commit that records them
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
