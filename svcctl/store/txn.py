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
import sys
import time
from pathlib import Path

from .. import vcs
from ..core import commit_text
from ..core.errors import SvcError
from ..core.message import msg

TXN_TRAILER = "Svcctl-Txn"
DEFAULT_LOCK_TIMEOUT = 120.0


# Above this many files a change syncs the disk once before its commit instead of once per
# file: an fsync costs milliseconds, and an import writes tens of thousands of files.
SYNC_ONCE_FROM = 50


def lock_timeout() -> float:
    """Seconds to wait for the office lock: ``SVCCTL_LOCK_TIMEOUT``, else two minutes."""
    from ..core.timeutil import seconds_setting

    return seconds_setting("SVCCTL_LOCK_TIMEOUT", os.environ.get("SVCCTL_LOCK_TIMEOUT"), DEFAULT_LOCK_TIMEOUT, 86400)


def _file_mode() -> int:
    """What ``open()`` would give a new file: 0666 less the umask, as git's own checkout does."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: Path, text: str | bytes, mode: int | None = None, durable: bool = True) -> None:
    """Replace ``path`` with ``text`` in one step: readers see the old file or the new one."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    try:
        # mkstemp makes a private file (0600); the office shares records with cron jobs and
        # other accounts, so they get the mode any new file gets on this PC.
        os.fchmod(fd, _file_mode() if mode is None else mode)
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class HeldLock:
    """An OS file lock whose descriptor every git child inherits while it is held (see
    ``vcs.HELD_LOCKS``): a git process svcctl started keeps the lock until it ends.

    On POSIX it is ``flock`` on the file, taken directly: the filelock package (the same
    ``flock`` underneath, so both see one lock) costs more to import than a commit takes
    to write. Windows has no ``flock``; filelock's locking of the file serves there."""

    POLL = 0.02  # seconds between tries while another process holds the lock

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None
        self._windows = None
        if sys.platform == "win32":
            from filelock import FileLock

            self._windows = FileLock(str(path))

    def acquire(self, timeout: float) -> bool:
        if self._windows is not None:
            return self._acquire_windows(timeout)
        import fcntl

        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(min(self.POLL, max(deadline - time.monotonic(), 0)))
                continue
            except BaseException:
                os.close(fd)
                raise
            break
        self._fd = fd
        vcs.HELD_LOCKS.add(fd)
        return True

    def _acquire_windows(self, timeout: float) -> bool:
        from filelock import Timeout

        try:
            self._windows.acquire(timeout=timeout)
        except Timeout:
            return False
        return True

    def release(self) -> None:
        if self._windows is not None:
            self._windows.release()
            return
        if self._fd is not None:
            vcs.HELD_LOCKS.discard(self._fd)
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the only descriptor of the open file releases its lock


class OwnLock:
    """A lock only this very process holds: a POSIX record lock (``fcntl``), which passes
    to no child, forked or started, and ends with the process (``flock``, the office lock's
    kind, is held by every process that has its descriptor: git children, and a child
    between its fork and its exec). POSIX only."""

    _HELD: set[str] = set()  # paths this process holds: a record lock does not stop its own process

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def acquire(self, timeout: float) -> bool:
        import fcntl

        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError:
            return False
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except (BlockingIOError, PermissionError):  # held: EAGAIN or EACCES, as the system says it
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(min(HeldLock.POLL, max(deadline - time.monotonic(), 0)))
                continue
            except OSError:  # no record locks on this file system (ENOLCK): held, so none is judged dead
                os.close(fd)
                return False
            except BaseException:
                os.close(fd)
                raise
            break
        self._fd = fd
        self._HELD.add(str(self.path))
        return True

    def held(self) -> bool:
        """Whether a living process holds it, this one included."""
        if str(self.path) in self._HELD:
            return True  # and a look from here would release it: closing any descriptor of the file does
        if not self.acquire(0):
            return True
        self.release()
        return False

    def release(self) -> None:
        if self._fd is not None:
            self._HELD.discard(str(self.path))
            fd, self._fd = self._fd, None
            os.close(fd)


class OfficeLock:
    """The office lock; entering it also repairs whatever a killed holder left behind.

    Recovery must happen the moment the lock is won, not only when a command starts: a
    command that was already queued behind a holder that then died would otherwise read
    the dead change's half-written files and overwrite its journal with its own.
    """

    def __init__(self, gdir: Path, top: Path, records_rel: str = ""):
        self._gdir = gdir
        self._top = top
        self._records_rel = records_rel
        self._lock = HeldLock(gdir / "svcctl.lock")
        # Taken with the office lock and never passed on to git: while the office lock is
        # held and this one is free, the holder is dead and only git processes it started
        # hold the office lock, or the holder is an older svcctl that takes no such lock
        # (its journals say so: see try_acquire). (On Windows git does not inherit the
        # office lock at all.)
        self._holder = None if sys.platform == "win32" else OwnLock(gdir / "svcctl-holder.lock")

    def _take(self, timeout: float) -> bool:
        if not self._lock.acquire(timeout):
            return False
        if self._holder is not None:
            # Only try_acquire's look holds it against us, for an instant. Were it not won,
            # a look would judge this process dead and wait for the office lock: time, no harm.
            try:
                self._holder.acquire(1.0)
            except BaseException:  # Ctrl-C while waiting: the office lock is not kept either
                self._lock.release()
                raise
        return True

    def __enter__(self):
        timeout = lock_timeout()
        if not self._take(timeout):
            raise SvcError(
                msg('records are busy: another svcctl command has held the lock for {timeout:.0f}s; try again shortly', timeout=timeout)
            )
        try:
            keep_bytes(self._gdir, self._records_rel)
            self.repair()
        except BaseException:
            self.release()
            raise
        return self

    def try_acquire(self) -> bool:
        """The lock, for a repair by a command that would otherwise only read. Not waited
        for while its holder lives (a journal is then that holder's own work in progress);
        but a dead holder's git processes, which keep the lock, are waited for (up to the
        lock timeout): such a git may still move HEAD, and a command that read on without
        the repair would leave HEAD moved and the files and index not, for whatever runs
        next, plain git included."""
        if self._take(0):
            return True
        if self._holder is None or self._holder.held():
            return False  # a live holder
        if not all(journal.by_holder() for journal in self.pending()):
            return False  # an older svcctl's work: it takes no holder lock, so it may well be alive
        return self._take(lock_timeout())

    def pending(self) -> list:
        """Journals of work a dead holder left half done (cheap: a stat per kind)."""
        journals = (Journal(self._top, self._gdir), MergeJournal(self._top, self._gdir))
        return [journal for journal in journals if journal.exists()]

    def repair(self) -> None:
        """With the lock held: finish or roll back work left by a dead holder, saying so."""
        for journal in self.pending():
            try:
                said = journal.recover()
            except DamagedJournal as damaged:
                said = damaged.set_aside()
            if said:
                print(f"svcctl: {said}", file=sys.stderr, flush=True)

    def release(self):
        if self._holder is not None:
            self._holder.release()
        self._lock.release()

    def __exit__(self, *exc):
        self.release()


# Attributes a .gitattributes in the repository may set to change the bytes git writes into
# the working tree or takes from it: line ends, encodings, filters, keyword expansion.
_CONVERSIONS = ("text", "crlf", "eol", "ident", "filter", "working-tree-encoding")


def keep_bytes(gdir: Path, records_rel: str) -> None:
    """Whatever a .gitattributes pushed by another PC says, git in this clone stores and
    checks out the records byte for byte (plain git too: a pull, a status, a checkout).

    The repository's own attributes file ranks below ``info/attributes``, which no push can
    reach; there every attribute that converts bytes is set back to unspecified, as if the
    repository said nothing (this PC's own git settings, core.autocrlf, still apply). The
    merge driver attribute is left to the repository's file, which svcctl writes."""
    pattern = f"/{records_rel}/**" if records_rel else "*"
    line = f"{pattern} {' '.join('!' + name for name in _CONVERSIONS)}\n"
    file = gdir / "info" / "attributes"
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError):
        return  # unreadable: left to the person who made it so; svcctl's own git calls need no filters
    if line in text.splitlines(keepends=True):
        return
    note = "# svcctl: records are stored byte for byte, whatever a .gitattributes in the repository says\n"
    try:
        atomic_write(file, text + ("\n" if text and not text.endswith("\n") else "") + note + line)
    except OSError:
        pass  # a read-only git folder: svcctl's own git calls need no filters (vcs: --no-filters)


class _JournalFile:
    """A small JSON file in the git directory that exists only while work is half done."""

    NAME = ""
    SHAPE: dict = {}  # key -> the types its value may have

    def __init__(self, top: Path, gdir: Path):
        self.top = top
        self.gdir = gdir
        self.path = gdir / self.NAME

    # In every journal this svcctl writes: its writer also held the holder lock, so a free
    # holder lock means that writer is dead (an older svcctl's journals lack it).
    BY_HOLDER = "holder_lock"

    def exists(self) -> bool:
        return self.path.exists()

    def by_holder(self) -> bool:
        """Whether the journal was written by an svcctl that holds the holder lock."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(data, dict) and data.get(self.BY_HOLDER) is True

    def end(self) -> None:
        self.path.unlink(missing_ok=True)

    def _read(self) -> dict | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # The journal itself was cut short: nothing after it had been done yet.
            self.end()
            return None
        if not isinstance(data, dict) or any(not isinstance(data.get(k), t) for k, t in self.SHAPE.items()):
            raise DamagedJournal(self.path)
        return data


class DamagedJournal(Exception):
    """A journal svcctl did not write (edited or damaged by hand): it says nothing reliable."""

    def __init__(self, path: Path):
        super().__init__(str(path))
        self.path = path

    def set_aside(self) -> str:
        aside = self.path.with_name(self.path.name + ".damaged")
        os.replace(self.path, aside)
        return msg("set aside a damaged journal ({aside}): if a change was cut off, 'git status' shows "
                   "what it left; 'git checkout -- FILE' restores a file", aside=str(aside))


class Journal(_JournalFile):
    """One change: the previous content of every path it touches, and its commit's mark."""

    NAME = "svcctl-journal.json"
    SHAPE = {"txn": str, "head": (str, type(None)), "message": str, "previous": dict}

    def begin(self, txn: str, paths: list[str], head: str | None, message: str) -> None:
        previous = {}
        for rel in paths:
            file = self.top / rel
            previous[rel] = file.read_text(encoding="utf-8") if file.exists() else None
        atomic_write(self.path, json.dumps(
            {"txn": txn, "head": head, "message": message, "previous": previous, self.BY_HOLDER: True},
            ensure_ascii=False))

    def recover(self) -> str | None:
        """Finish or roll back an interrupted change; returns what was done, for stderr."""
        data = self._read()
        if data is None:
            return None
        if not all(isinstance(k, str) and isinstance(v, (str, type(None))) for k, v in data["previous"].items()):
            raise DamagedJournal(self.path)
        _clear_git_locks(self.top, self.gdir, ["svcctl-index.lock", "svcctl-index"])
        paths = list(data["previous"])
        _clear_temp_files(self.top, paths)
        subject = data["message"].splitlines()[0] if data["message"] else "a change"
        if _landed(self.top, data["head"], f"{TXN_TRAILER}: {data['txn']}"):
            vcs.sync_index(self.top, paths)
            self.end()
            return f"finished an interrupted change that had been committed: {subject}"
        self.roll_back(data)
        return f"rolled back an interrupted change that was never committed: {subject}"

    def roll_back(self, data: dict | None = None) -> None:
        """Put every path back as it was before the change (its commit never landed)."""
        data = data or self._read()
        for rel, text in data["previous"].items():
            file = self.top / rel
            if text is None:
                file.unlink(missing_ok=True)
            else:
                atomic_write(file, text)
        vcs.sync_index(self.top, list(data["previous"]))
        self.end()


class MergeJournal(_JournalFile):
    """A pull being applied by ``svcctl sync``. The merge itself is made in a private index
    and checked before anything moves; this journal covers only the last steps, moving the
    branch from ``head`` to ``target`` and writing the changed ``paths``. The next holder of
    the lock finishes them when the branch had moved, and otherwise puts every path back as
    HEAD has it. ``conflict`` marks a merge left for a person to settle: cut off while it was
    being laid out, it is undone entirely (the next sync starts it again)."""

    NAME = "svcctl-merge.json"
    FILES = ("MERGE_HEAD", "MERGE_MSG", "MERGE_MODE", "AUTO_MERGE")
    SHAPE = {"head": str, "target": str, "paths": list, "conflict": bool}

    def begin(self, head: str, target: str, paths: list[str], conflict: bool = False) -> None:
        atomic_write(self.path, json.dumps({"head": head, "target": target, "paths": paths, "conflict": conflict,
                                            self.BY_HOLDER: True}, ensure_ascii=False))

    def recover(self) -> str | None:
        data = self._read()
        if data is None:
            return None
        if not all(isinstance(p, str) for p in data["paths"]):
            raise DamagedJournal(self.path)
        _clear_git_locks(self.top, self.gdir, ["svcctl-merge-index.lock", "svcctl-merge-index"])
        paths = data["paths"]
        _clear_temp_files(self.top, paths)
        now = vcs.head(self.top)
        if not data["conflict"] and now == data["target"]:
            write_from_commit(self.top, now, paths)
            vcs.sync_index(self.top, paths)
            self.end()
            return "finished a sync that was cut off after its merge was recorded"
        self.undo(paths, now)
        return "rolled back a sync that was cut off while merging; nothing of it was kept: run 'svcctl sync' again"

    def undo(self, paths: list[str], head: str | None = None) -> None:
        """Every path as ``head`` has it, and no merge in progress."""
        head = head or vcs.head(self.top)
        for name in self.FILES:
            (self.gdir / name).unlink(missing_ok=True)
        write_from_commit(self.top, head, paths)
        vcs.sync_index(self.top, paths)
        self.end()


def write_from_commit(top: Path, commit: str | None, paths: list[str]) -> None:
    """Make the working-tree files at ``paths`` what ``commit`` (or a tree) holds; absent ones removed."""
    entries = vcs.entries(top, commit, paths) if commit and paths else {}
    contents = vcs.blobs(top, [sha for _, sha in entries.values()])
    for rel in paths:
        file = top / rel
        if rel not in entries:
            if file.is_symlink() or file.is_file():
                file.unlink()
            continue
        mode, sha = entries[rel]
        if file.is_symlink() or (file.exists() and not file.is_file()):
            _remove(file)
        if mode == "120000":
            file.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(contents[sha].decode("utf-8", "surrogateescape"), file)
        else:
            bits = _file_mode()
            if mode == "100755":
                bits |= (bits & 0o444) >> 2  # executable for whoever may read it, as git does
            atomic_write(file, contents[sha], bits)


def _remove(path: Path) -> None:
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        import shutil

        shutil.rmtree(path)


def _landed(top: Path, old_head: str | None, trailer: str) -> bool:
    """Whether the commit carrying ``trailer`` is on HEAD (HEAD itself, or below a later commit)."""
    head = vcs.head(top)
    if not head or head == old_head:
        return False
    span = f"{old_head}..HEAD" if old_head else "HEAD"
    proc = vcs.run(top, "rev-list", "-1", "--fixed-strings", f"--grep={trailer}", span)
    return proc.returncode == 0 and bool(proc.stdout.strip())


def _clear_git_locks(top: Path, gdir: Path, extra: list[str]) -> None:
    """Remove git lock files a killed change left behind, with the office lock held.

    Every git process svcctl starts under the office lock inherits it (``HeldLock``), so
    once this process has won the lock no git child of the dead holder is alive: a lock
    file left now is stale, never one a running git still holds. (On Windows, where
    descriptors are not passed on, a moment is given for such a child to finish.)
    """
    branch = vcs.run(top, "symbolic-ref", "-q", "HEAD").stdout.strip()
    names = ["index.lock", "HEAD.lock", *([branch + ".lock"] if branch else []), *extra]
    if sys.platform == "win32":
        deadline = time.monotonic() + 1.0
        while any((gdir / n).exists() for n in names if n.endswith(".lock")) and time.monotonic() < deadline:
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


class FolderProblem(SvcError):
    """A folder a change would write into is a link (or a file): nothing is written."""

    exit_code = 5


class Change:
    """Files to write and the one commit that records them."""

    def __init__(self, message: str):
        self.message = message
        self.files: dict[str, str] = {}

    def write(self, rel: str, text: str) -> None:
        self.files[rel] = text


def apply(top: Path, gdir: Path, change: Change, author: vcs.Author, trailers: dict | None = None,
          progress=None, before_landing=None) -> str:
    """Write and commit ``change``; the caller holds the office lock. ``before_landing`` is
    called once the files are written and before the commit can land (see
    ``vcs.commit_paths``); a refusal from it rolls the change back."""
    from .folders import linked_folder, not_a_folder

    seen: dict = {}
    for rel in change.files:
        folder = linked_folder(top, rel, seen)
        if folder is not None:
            raise FolderProblem(not_a_folder(folder))
    txn = os.urandom(6).hex()  # what secrets.token_hex gives, without importing hmac and random
    message = commit_text.message(change.message, trailers or {}) + f"{TXN_TRAILER}: {txn}\n"
    paths = sorted(change.files)
    # HEAD as the commit will find it, read under the lock with the trees the commit edits.
    base = vcs.base(top, paths)
    head = base.head
    journal = Journal(top, gdir)
    journal.begin(txn, paths, head, message)
    _crash_point("after-journal")
    each = len(paths) < SYNC_ONCE_FROM or not hasattr(os, "sync")  # Windows has no sync()
    try:
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
    except OSError:
        # A full disk, a folder this account may not write: the files written go back at once,
        # so the command fails with nothing changed and the next one has nothing to roll back.
        journal.roll_back()
        raise
    if not each:
        os.sync()  # the files are on disk before the commit that records them
    _crash_point("before-commit")
    try:
        commit = vcs.commit_paths(top, paths, message, author, head, before_landing, base.trees)
    except SvcError:
        # git refused the commit (an author name it will not take, a full disk), or
        # before_landing did: the files go back at once, so nothing is left for the next
        # command to roll back.
        if not _landed(top, head, f"{TXN_TRAILER}: {txn}"):
            journal.roll_back()
            raise
        commit = vcs.head(top)
        vcs.sync_index(top, paths)
    _crash_point("after-commit")
    journal.end()
    return commit


def _crash_point(name: str) -> None:
    """Lets the crash-safety tests kill the process at a named step (SVCCTL_CRASH_AT)."""
    if os.environ.get("SVCCTL_CRASH_AT") == name:
        sys.stdout.flush()
        os._exit(137)
