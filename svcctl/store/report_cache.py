"""What reports keep between runs: a derived SQLite file in the git directory, beside the
ticket index. Never committed, safe to delete, and never trusted blindly.

* ``filed``: per valid ticket file, what a report chooses tickets by (when it was received,
  its last event, its reach: ``reports.figures.reach``, passed in) and what the recurring problems read (type,
  status, unit, category). It follows the ticket index: rows the index made from files whose
  status-change time (ctime, which no program sets back) is after the last look are read
  again; a rebuilt index, a clock that went back, or a count that differs from the index's
  make it read every row again.
* ``figures``: headline figures of trend periods, each under a key naming everything it
  was computed from (the period, the households, a digest of every ticket that can count in
  it as it stood then). A changed ticket gives another key, so the figures are computed
  again; nothing is ever looked up by period alone.
* ``counts``: what is read from the customer files (their units and since when each is on
  file), under a digest of their stamps.

The whole file is thrown away when svcctl.yaml, the holidays release or svcctl's version
differs from the one it was made with (``index.basis``): reaches and figures depend on them.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from ..core.ticket import Ticket
from ..core.timeutil import from_iso, read_time
from . import database
from .index import SETTLE_NS

FORMAT = "3"
BATCH = 2000
TABLES = ("meta", "filed", "figures", "counts")
SCHEMA = (
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE filed(
        path TEXT PRIMARY KEY, sha TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL,
        received TEXT NOT NULL,     -- in UTC, ISO 8601 (sorts as time)
        received_at TEXT NOT NULL,  -- as the record has it (its own offset)
        last_at TEXT NOT NULL,      -- the last event, in UTC
        reach TEXT NOT NULL,        -- figures.reach, in UTC (the last event while in play)
        live INTEGER NOT NULL, unit TEXT, category TEXT)""",
    "CREATE INDEX filed_reach ON filed(reach)",
    "CREATE INDEX filed_received ON filed(received)",
    "CREATE INDEX filed_live ON filed(live) WHERE live = 1",
    # slot: what the figures are of (a part of one period's report); one key per slot is kept
    "CREATE TABLE figures(key TEXT PRIMARY KEY, slot TEXT NOT NULL, value TEXT NOT NULL)",
    "CREATE INDEX figures_slot ON figures(slot)",
    "CREATE TABLE counts(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


class Counting(NamedTuple):
    """What a report chooses a ticket by; times in UTC as text that sorts as time."""

    path: str
    sha: str
    type: str
    last_at: str
    live: int
    received: str
    reach: str


def utc(when: datetime) -> str:
    """A time as the index writes it (text that sorts as time)."""
    return when.astimezone(timezone.utc).isoformat()


class ReportStore:
    """The report cache of one records folder."""

    def __init__(self, file: Path, basis: str):
        self.file = file
        self.basis = basis
        self.db = self._connect()

    def _connect(self) -> sqlite3.Connection:
        try:
            db = self._open()
        except sqlite3.DatabaseError as exc:  # not a database any more (truncated, overwritten): start again
            database.refuse_if_busy(exc)  # only another command writing it
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.file}{suffix}").unlink(missing_ok=True)
            db = self._open()
        return db

    def _open(self) -> sqlite3.Connection:
        db = database.connect(self.file)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            if self._meta(db, "format") == FORMAT and self._meta(db, "basis") == self.basis:
                return db
            with database.writing(db):
                if not (self._meta(db, "format") == FORMAT and self._meta(db, "basis") == self.basis):
                    for table in TABLES:
                        db.execute(f"DROP TABLE IF EXISTS {table}")
                    for statement in SCHEMA:
                        db.execute(statement)
                    db.executemany("INSERT INTO meta VALUES (?, ?)", [("format", FORMAT), ("basis", self.basis)])
            return db
        except BaseException:
            db.close()
            raise

    @staticmethod
    def _meta(db: sqlite3.Connection, key: str) -> str | None:
        try:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:  # no such table: a new file
            return None
        return row[0] if row else None

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    # -- following the ticket index --------------------------------------------------------
    def follow(self, index, office, reach) -> None:
        """Bring ``filed`` in step with ``index`` (itself in step with the files); ``reach``
        is how far a settled ticket can count (``reports.figures.reach``)."""
        db = self.db
        started = time.time_ns()
        identity = index.identity()
        with database.writing(db):
            looked = self._meta(db, "looked")
            whole = (self._meta(db, "index") != identity or looked is None or int(looked) > started)
            self._take(index, office, reach, None if whole else int(looked) - SETTLE_NS, whole)
            if db.execute("SELECT count(*) FROM filed").fetchone()[0] != index.valid_count():
                self._take(index, office, reach, None, True)  # a file was removed: read every row again
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                           [("index", identity), ("looked", str(started))])

    def _take(self, index, office, reach, since: int | None, whole: bool) -> None:
        if whole:
            self.db.execute("DELETE FROM filed")
        rows = index.rows_changed_since(since)
        while True:
            batch = rows.fetchmany(BATCH)  # a whole office at once would hold every summary in memory
            if not batch:
                break
            self._put(index, office, reach, batch)

    def _put(self, index, office, reach, batch: list[tuple]) -> None:
        rows, gone, folded = [], [], []
        for path, sha, received, last_at, live, kind, status, problem, summary in batch:
            if problem:
                gone.append((path,))
                continue
            brief = json.loads(summary)
            header = brief["header"]
            if live:
                far = last_at
            elif brief["state"]["reopen_count"] or status == "cancelled":
                far = None  # outcomes decided before a reopen or a cancel: read from the events
                folded.append(path)
            else:  # every deadline of a settled ticket is in its summary, each stopped
                dues = [read_time(d[2].split("[")[0]) for d in brief["deadlines"] if d[2]]
                far = max([last_at, *(utc(d) for d in dues)])
            rows.append([path, sha, header["id"], kind, status, received, header["received_at"], last_at, far,
                         live, header.get("unit"), header.get("category")])
        if folded:
            tickets = {path: Ticket.from_record(json.loads(record)) for path, _, record in index.raw_records(folded)}
            for row in rows:
                if row[8] is None:
                    row[8] = utc(reach(tickets[row[0]], office.policy, office.calendar))
        self.db.executemany("DELETE FROM filed WHERE path = ?", gone)
        self.db.executemany(f"INSERT OR REPLACE INTO filed VALUES ({','.join('?' * 12)})", rows)

    # -- choosing tickets ----------------------------------------------------------------
    def counting(self, start: datetime, end: datetime) -> list[Counting]:
        """The tickets that can count in a period within ``[start, end)``
        (received before ``end``, and in play or reaching ``start``: see ``reports.figures.reach``),
        in path order."""
        before = utc(end)
        rows = map(Counting._make, self.db.execute(  # two reads along two indexes: an OR of both would read the whole table
            "SELECT path, sha, type, last_at, live, received, reach FROM filed WHERE live = 1 AND received < ? "
            "UNION ALL SELECT path, sha, type, last_at, live, received, reach FROM filed INDEXED BY filed_reach "
            "WHERE reach >= ? AND live = 0 AND received < ?", (before, utc(start), before)))
        return sorted(rows)

    def filed(self, start: datetime, end: datetime, types: tuple[str, ...]) -> list[tuple]:
        """``(path, id, type, unit, category, received_at, status)`` of the tickets of ``types``
        received in ``[start, end)``."""
        return self.db.execute(
            f"SELECT path, id, type, unit, category, received_at, status FROM filed WHERE received >= ? "
            f"AND received < ? AND type IN ({','.join('?' * len(types))}) ORDER BY path",
            (utc(start), utc(end), *types)).fetchall()

    def first_received(self) -> datetime | None:
        (first,) = self.db.execute("SELECT min(received) FROM filed").fetchone()
        return read_time(first) if first else None

    # -- kept figures ----------------------------------------------------------------------
    def figure(self, key: str):
        row = self.db.execute("SELECT value FROM figures WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def keep(self, key: str, slot: str, value) -> None:
        """Keep ``value`` under ``key`` in place of what ``slot`` held (figures of the same
        period from tickets as they stood before a change are of no more use)."""
        with database.writing(self.db) as db:
            db.execute("DELETE FROM figures WHERE slot = ?", (slot,))
            db.execute("INSERT OR REPLACE INTO figures VALUES (?, ?, ?)", (key, slot, json.dumps(value)))

    def count(self, folder: Path, compute):
        """``compute()`` (what is read from the files in ``folder``, as JSON), kept under a
        digest of their names and stamps; not kept while a file is too fresh for its stamp to
        tell a change."""
        digest, newest = hashlib.sha1(), 0
        try:
            with os.scandir(folder) as entries:
                found = sorted((e.name, e.stat()) for e in entries
                               if e.name.endswith(".yaml") and not e.name.startswith("."))
        except OSError:
            found = []
        for name, info in found:
            digest.update(f"{name}\0{info.st_ino}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\n".encode())
            newest = max(newest, info.st_ctime_ns)
        key = f"{folder.name}:{digest.hexdigest()}"
        row = self.db.execute("SELECT value FROM counts WHERE key = ?", (key,)).fetchone()
        if row:
            return json.loads(row[0])
        value = compute()
        if newest < time.time_ns() - SETTLE_NS:
            self.db.execute("DELETE FROM counts WHERE key LIKE ?", (f"{folder.name}:%",))
            self.db.execute("INSERT OR REPLACE INTO counts VALUES (?, ?)", (key, json.dumps(value)))
        return value


def whole_digest(raw: str) -> str:
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()


def prefix_digest(record: dict, until: datetime, inclusive: bool) -> str:
    """A digest of the ticket as it stood at ``until``: its header and the events before it
    (or at it, when ``inclusive``). The same as ``whole_digest`` of its record once every
    event is that old, so a ticket's digest for a past instant stays put as events are added."""
    events = record.get("events") or []
    keep = [e for e in events if from_iso(e["at"]) < until or (inclusive and from_iso(e["at"]) == until)]
    text = json.dumps({**record, "events": keep}, ensure_ascii=False, separators=(",", ":"))
    return whole_digest(text)
