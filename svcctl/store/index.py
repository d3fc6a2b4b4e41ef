"""The ticket index: a derived SQLite database in the git directory.

Per ticket file it keeps the file's stamp and content hash, the fields listings filter on,
the read model's summary (``core.view.summarise``: state, owner, department, every
deadline's due and stop times) and the validated record, so that daily commands read
only the tickets still in play (open, awaiting a callback, or with a running clock) and
never parse a settled ticket's YAML again. It is never committed, safe to delete, and
never trusted blindly:

* The whole index is thrown away and built again (on up to four cores, a progress
  bar on a terminal, silent in cron) when it is missing, unreadable, of another format, or was
  built against another ``svcctl.yaml`` (policy, calendar overrides, roster), another
  ``holidays`` release or another svcctl version: deadlines depend on all of them.
* Before every reading it is brought in step with the files. Every file or folder whose
  status-change time (ctime, which no program can set back) is later than the last sweep
  is looked at again: a folder is listed anew (files added, removed or replaced by a
  ``git pull``, ``checkout``, ``reset``, or svcctl itself), a file is read again and its
  content compared (a hand edit in place). Changes within a moment of a sweep are looked
  at again by the next one, and a clock that went backwards makes the next sweep check
  every file by its stamp.

The sweep stats every file once (``store.walk``: ``find`` in other processes, begun before
the rest of svcctl is loaded); nothing else costs in proportion to the history. A listing
reads ahead meanwhile (``Records.read_ahead``) and reads again only when it found a change.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import time
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path

from ..core.ticket import settle
from ..core.view import build, live, summarise
from . import database, names
from .parallel import chunks
from .reading import check_bytes, read_stat
from .schedules import release
from .walk import Walk, adopt

FORMAT = 4
# A file changed this close to a sweep may share its timestamp tick with the sweep: the
# next sweep looks at it again (git's "racy clean" rule).
SETTLE_NS = 2_000_000_000

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tickets(
    path TEXT PRIMARY KEY,      -- inside the records folder: tickets/2026/11/202611-A001.yaml
    folder TEXT NOT NULL,       -- tickets/2026/11
    ino INTEGER NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
    sha TEXT NOT NULL,          -- sha1 of the bytes the row was made from
    id TEXT, type TEXT, customer TEXT, first_responder TEXT, owner TEXT, assignee TEXT, status TEXT,
    received TEXT,              -- received_at in UTC, ISO 8601 (sorts as time)
    first_due TEXT,             -- the earliest due time of a running clock, in UTC
    last_at TEXT,               -- the last event, in UTC
    live INTEGER NOT NULL,      -- open, awaiting its callback, or a clock still running
    problem TEXT,               -- [line, message] of the first problem when the file is refused
    summary TEXT, record TEXT);
CREATE INDEX tickets_live ON tickets(live) WHERE live = 1;
CREATE INDEX tickets_folder ON tickets(folder);  -- a sweep or an intake's repeat check reads a month
CREATE INDEX tickets_ctime ON tickets(ctime_ns);  -- the report cache reads the rows made since its last look
CREATE INDEX tickets_problem ON tickets(problem) WHERE problem IS NOT NULL;
CREATE TABLE folders(folder TEXT PRIMARY KEY, ino INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                     ctime_ns INTEGER NOT NULL);
"""

COLUMNS = ("path", "folder", "ino", "size", "mtime_ns", "ctime_ns", "sha", "id", "type", "customer",
           "first_responder", "owner", "assignee", "status", "received", "first_due", "last_at", "live", "problem",
           "summary", "record")


def basis(config_bytes: bytes, records_rel: str) -> str:
    """What every row depends on besides its own file: the index format, svcctl's version,
    the holidays release (working days), svcctl.yaml (policy, calendar, roster), and where
    the records folder sits in the repository."""
    from .. import __version__

    digest = hashlib.sha1()
    for part in (str(FORMAT), __version__, release(), records_rel):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(config_bytes)
    return digest.hexdigest()


@dataclass(frozen=True)
class Stamp:
    ino: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, info: os.stat_result) -> "Stamp":
        return cls(info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


class RowMaker:
    """Index rows of one records folder's ticket files, read and checked the way every
    command reads them. Made once per process: what every row shares (the office's roster,
    policy and calendar, the JSON encoder) is built once, not once per file."""

    def __init__(self, root: Path, office):
        self.root = root
        self.office = office
        self.policy, self.calendar = office.policy, office.calendar
        self.encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def row(self, inner: str) -> tuple | None:
        """The row of one ticket file; None when the file is gone."""
        raw, info = read_stat(self.root, inner)
        if isinstance(raw, str):  # not a file a record can be read from: the row keeps why
            problems = [(None, raw)]
            path = self.root / inner
            info = _stat(path)
            if info is None:
                return None
            raw = _bytes(path)
        else:
            replayed: list = []
            data, _, problems = check_bytes("ticket", inner, raw, office=self.office, replayed=replayed)
        base = (inner, inner.rpartition("/")[0], info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns,
                hashlib.sha1(raw).hexdigest())
        if problems:
            line, message = problems[0]
            return base + (None,) * 10 + (0, json.dumps([line, message], ensure_ascii=False), None, None)
        ticket, folded = replayed[0]  # the check's replay of the events is the fold
        # The summary holds nothing that depends on the clock: any instant will do.
        view = build(ticket, self.policy, self.calendar, ticket.received_at, settle(folded, ticket, self.policy))
        state = view.state
        last = ticket.events[-1].at if ticket.events else ticket.received_at  # as records._last_at
        running = [d.due for d in view.deadlines if d.stopped_at is None and d.due is not None]
        first_due = min(running) if running else None
        return base + (ticket.id, ticket.type, ticket.h("customer"), ticket.h("first_responder"), state.owner,
                       state.assignee, state.status, _utc(ticket.received_at),
                       _utc(first_due) if first_due else None, _utc(last), int(live(view)), None,
                       self.encode(summarise(view)), self.encode(data))


def _stat(path: Path) -> os.stat_result | None:
    """The file's stat, or the link's own when it leads nowhere (still a record that is wrong)."""
    try:
        return os.stat(path)
    except OSError:
        try:
            return os.lstat(path)
        except OSError:
            return None


def _bytes(path: Path) -> bytes:
    """The content of a regular file; nothing for anything else (a pipe would never end)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return b""
        return path.read_bytes()
    except OSError:
        return b""


def _utc(when) -> str:
    return when.astimezone(timezone.utc).isoformat()


class TicketIndex:
    """The index of one records folder (its file lives in the git directory). It keeps what
    it needs of the folder's ``Records``, not the object: that one owns it and closes it."""

    def __init__(self, root: Path, file: Path, office, records_rel: str):
        self.root = root
        self.file = file
        self.office = office
        self.records_rel = records_rel
        self.db: sqlite3.Connection | None = None

    # -- opening, or building from nothing ------------------------------------------
    def start(self, sweep: bool = True) -> "TicketIndex":
        """Read what the index was last brought in step with; with ``sweep``, begin the walk
        that brings it in step again (it runs in other processes meanwhile; ``open`` ends it)."""
        self._wanted = basis((self.root / "svcctl.yaml").read_bytes(), self.records_rel)
        self.db = self._connect()
        self._trusted = self.db is not None and self._meta(self.db, "basis") == self._wanted
        self._walk = None
        if self._trusted:
            self._since = int(self._meta(self.db, "swept") or 0)
            if self._since > time.time_ns():  # the clock went back: ctimes say nothing until it catches up
                self._since = 0
            if sweep:
                self._begin_walk()
        return self

    def _begin_walk(self) -> None:
        if self._walk is None:
            self._walk = adopt(self.file, self._since) or Walk(self.root, self._since)
            self._started = self._walk.started_ns

    @property
    def needs_build(self) -> bool:
        """Whether ``open`` will build the index from nothing (it is missing or not trusted)."""
        if not hasattr(self, "_wanted"):
            self.start()
        return not self._trusted and not getattr(self, "ready", False)

    def open(self, defer: bool = False) -> "TicketIndex":
        """The index in step with the files; built anew when it cannot be trusted at all.
        With ``defer``, a trusted index is left as the last sweep made it until ``catch_up``
        (``Records.read_ahead``, and ``refresh`` of a few folders)."""
        if not hasattr(self, "_wanted"):
            self.start()
        self._deferred = False
        if not self._trusted:
            if self.db is not None:
                self.db.close()
            self.db = self._build(self._wanted)
            self._trusted, self._since = True, int(self._meta(self.db, "swept"))
        elif defer:
            self._deferred = True
        else:
            self._begin_walk()
            self._sweep(self._walk.result())
        return self

    def catch_up(self) -> bool:
        """End a deferred sweep; whether it changed what the index holds."""
        if not getattr(self, "_deferred", False):
            return False
        self._deferred = False
        self._begin_walk()
        return self._sweep(self._walk.result())

    def refresh(self, folders: list[str]) -> None:
        """Bring the rows of ``folders`` (``tickets/YYYY/MM``) in step with their files, each
        file by its stamp as a sweep looks at it, without the walk over every folder: an
        intake's repeat check reads a month or two. When the last sweep was is left as it was."""
        with database.writing(self.db):
            self._recheck(*self._listed(folders), self._since)

    def _connect(self) -> sqlite3.Connection | None:
        if not self.file.exists():
            return None
        db = database.connect(self.file)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            if self._meta(db, "format") == str(FORMAT):
                return db
        except sqlite3.DatabaseError as exc:
            db.close()
            database.refuse_if_busy(exc)  # another command is writing it: not a damaged file to rebuild
            return None
        except BaseException:
            db.close()
            raise
        db.close()
        return None

    @staticmethod
    def _meta(db: sqlite3.Connection, key: str) -> str | None:
        try:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError as exc:
            database.refuse_if_busy(exc)
            return None
        return row[0] if row else None

    def _build(self, wanted: str) -> sqlite3.Connection:
        """A new index from every ticket file, written aside and put in place in one step."""
        started = time.time_ns()
        tmp = self.file.with_name(f"{self.file.name}.{os.getpid()}.new")
        for old in self.file.parent.glob(f"{self.file.name}.*.new"):
            if not _alive(old.name.split(".")[-2]):
                _remove_db(old)  # left by a build that was killed
        try:
            self._fill(tmp, wanted, started)
        except BaseException:
            _remove_db(tmp)  # a build cut short leaves nothing behind
            raise
        _remove_db(self.file)  # its write-ahead log must not be replayed onto the new file
        os.replace(tmp, self.file)
        return database.connect(self.file)

    def _fill(self, file: Path, wanted: str, started: int) -> None:
        db = sqlite3.connect(str(file), isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=OFF")  # a half-built file is thrown away, never repaired
            db.execute("PRAGMA synchronous=OFF")
            db.executescript(SCHEMA)
            folders = self._folders()
            inners = [f"{folder}/{name}" for folder, names in folders.items() for name in names]
            db.execute("BEGIN")
            insert = f"INSERT OR REPLACE INTO tickets VALUES ({','.join('?' * len(COLUMNS))})"
            for chunk in _rows(self.root, self.office, inners):
                db.executemany(insert, [r for r in chunk if r is not None])
            db.executemany("INSERT INTO folders VALUES (?,?,?,?)", [(f, *self._folder_stamp(f)) for f in folders])
            db.executemany("INSERT INTO meta VALUES (?,?)", [("format", str(FORMAT)), ("basis", wanted),
                                                             ("swept", str(started - SETTLE_NS))])
            db.execute("COMMIT")
            db.execute("PRAGMA journal_mode=WAL")
        finally:
            db.close()

    def _folders(self) -> dict[str, list[str]]:
        """tickets/YYYY/MM -> the ticket file names in it, as the folder holds them now."""
        return {folder: names.records_in(os.path.join(self.root, folder)) for folder in names.month_folders(self.root)}

    def _folder_stamp(self, folder: str) -> tuple:
        info = os.stat(self.root / folder)
        return info.st_ino, info.st_mtime_ns, info.st_ctime_ns

    # -- keeping in step ----------------------------------------------------------------
    def _sweep(self, changed: set[str] | None) -> bool:
        """Look again at whatever changed since the last sweep (see the module's notes);
        whether any ticket's row was added, replaced or removed."""
        if changed is not None and not changed:
            return False
        with database.writing(self.db) as db:  # one sweep at a time: each reads files after the last wrote
            moved = self._apply(changed, self._since)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('swept', ?)", (str(self._started - SETTLE_NS),))
        return moved

    def _apply(self, changed: set[str] | None, since: int) -> bool:
        db = self.db
        known = {f: (ino, m, c) for f, ino, m, c in db.execute("SELECT * FROM folders")}
        if changed is None or "tickets" in changed or any(p.count("/") == 1 for p in changed):
            folders = names.month_folders(self.root)
        else:
            folders = list(known)
        rescan = set(folders) ^ set(known)
        rescan |= {f for f in folders if changed is None or f in changed}
        rows, candidates = self._listed(rescan)
        for path in changed or ():
            if path not in candidates and names.kind(path) == "ticket":
                candidates.add(path)
                row = db.execute("SELECT ino, size, mtime_ns, ctime_ns, sha FROM tickets WHERE path = ?",
                                 (path,)).fetchone()
                if row:
                    rows[path] = (Stamp(*row[:4]), row[4])
        moved = self._recheck(rows, candidates, since)
        db.execute("DELETE FROM folders")
        db.executemany("INSERT INTO folders VALUES (?,?,?,?)", [(f, *self._folder_stamp(f)) for f in folders])
        return moved

    def _listed(self, folders) -> tuple[dict[str, tuple], set[str]]:
        """The rows the index holds for ``folders`` (path -> stamp and sha) and the ticket
        files the folders hold now."""
        rows: dict[str, tuple] = {}
        candidates: set[str] = set()
        for folder in folders:
            for path, *stamp, sha in self.db.execute(
                    "SELECT path, ino, size, mtime_ns, ctime_ns, sha FROM tickets WHERE folder = ?", (folder,)):
                rows[path] = (Stamp(*stamp), sha)
            candidates.update(f"{folder}/{name}" for name in names.records_in(os.path.join(self.root, folder)))
        return rows, candidates

    def _recheck(self, rows: dict[str, tuple], candidates: set[str], since: int) -> bool:
        """Rows made again for the files among ``candidates`` that changed, and removed for
        files gone; whether any row was."""
        db = self.db
        gone = [p for p in rows if p not in candidates]
        redo = []
        for path in sorted(candidates):
            info = _stat(self.root / path)
            if info is None:
                if path in rows:
                    gone.append(path)
                continue
            stamp = Stamp.of(info)
            old = rows.get(path)
            if old is not None and old[0] == stamp and stamp.ctime_ns < since - SETTLE_NS:
                continue
            if old is not None and old[0].size == stamp.size and stat.S_ISREG(info.st_mode) \
                    and hashlib.sha1(_bytes(self.root / path)).hexdigest() == old[1]:
                db.execute("UPDATE tickets SET ino=?, mtime_ns=?, ctime_ns=? WHERE path=?",
                           (stamp.ino, stamp.mtime_ns, stamp.ctime_ns, path))
                continue
            redo.append(path)
        db.executemany("DELETE FROM tickets WHERE path = ?", [(p,) for p in gone])
        insert = f"INSERT OR REPLACE INTO tickets VALUES ({','.join('?' * len(COLUMNS))})"
        for chunk in _rows(self.root, self.office, redo):
            found = [r for r in chunk if r is not None]
            db.executemany(insert, found)
        db.executemany("DELETE FROM tickets WHERE path = ?",
                       [(p,) for p in redo if not os.path.lexists(self.root / p)])
        return bool(gone or redo)

    # -- reading -------------------------------------------------------------------------
    def first_problem(self, folders: list[str] | None = None) -> str | None:
        """The first file (in path order) that fails its check, in ``folders`` when given."""
        found = [p for p, f in self.db.execute("SELECT path, folder FROM tickets WHERE problem IS NOT NULL")
                 if folders is None or f in folders]
        return min(found) if found else None

    def summaries(self, in_play: bool = False, statuses=None, due_by=None) -> list[dict]:
        """Summaries of valid tickets; only those in play, of ``statuses``, or with a running
        clock due by ``due_by`` when asked (each narrows the tickets decoded)."""
        sql, args = "SELECT summary FROM tickets WHERE problem IS NULL", []
        if in_play or due_by is not None:
            sql += " AND live = 1"
        if statuses:
            sql += f" AND status IN ({','.join('?' * len(statuses))})"
            args += sorted(statuses)
        if due_by is not None:
            sql += " AND first_due <= ?"
            args.append(_utc(due_by))
        sql += " ORDER BY path"  # the order reading the folders gives
        loads = json.loads
        return [loads(s) for (s,) in self.db.execute(sql, args)]

    def records_of(self, where: str = "", args: tuple = ()) -> list[dict]:
        sql = "SELECT record FROM tickets WHERE problem IS NULL" + (f" AND ({where})" if where else "")
        sql += " ORDER BY path"
        loads = json.loads
        return [loads(s) for (s,) in self.db.execute(sql, args)]

    def identity(self) -> str:
        """Which build of the index this is: a rebuild (or another basis) gives another."""
        info = os.stat(self.file)
        return f"{info.st_ino}:{info.st_dev}:{self._meta(self.db, 'basis')}"

    def rows_changed_since(self, ctime_ns: int | None) -> sqlite3.Cursor:
        """``(path, sha, received, last_at, live, type, status, problem, summary)`` of every
        row made from a file whose status-change time is after ``ctime_ns`` (every row when
        None), as they are read: a file written since then, whatever wrote it, has a later ctime."""
        sql = "SELECT path, sha, received, last_at, live, type, status, problem IS NOT NULL, summary FROM tickets"
        if ctime_ns is None:
            return self.db.execute(sql)
        return self.db.execute(sql + " WHERE ctime_ns > ?", (ctime_ns,))

    def valid_count(self) -> int:
        # Both counts are read from indexes, not from the (large) table.
        return self.db.execute("SELECT (SELECT count(*) FROM tickets) - "
                               "(SELECT count(*) FROM tickets WHERE problem IS NOT NULL)").fetchone()[0]

    def shas(self) -> dict[str, str]:
        """Path -> content hash of every valid ticket file."""
        return dict(self.db.execute("SELECT path, sha FROM tickets WHERE problem IS NULL"))

    def raw_records(self, paths) -> list[tuple[str, str, str]]:
        """``(path, sha, record as JSON text)`` of the valid tickets at ``paths``."""
        out, paths = [], list(paths)
        for i in range(0, len(paths), 500):
            part = paths[i:i + 500]
            out += self.db.execute(f"SELECT path, sha, record FROM tickets WHERE problem IS NULL AND path IN "
                                   f"({','.join('?' * len(part))})", part).fetchall()
        return out

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


def _rows(root: Path, office, inners: list[str]):
    """Index rows for ``inners``, in chunks; on every core when there are many."""
    return chunks(_worker_rows, inners, _worker_init, (str(root), office.config), "indexing tickets")


_WORKER: dict = {}


def _worker_init(root: str, config: dict) -> None:
    from ..core.office import Office

    _WORKER["rows"] = RowMaker(Path(root), Office(config))


def _worker_rows(chunk: list[str]) -> list:
    row = _WORKER["rows"].row
    return [row(inner) for inner in chunk]


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except OSError:
        return True  # someone else's process
    return True


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
