"""The outbox of alerts: an SQLite file beside the ticket index, in the git directory, never
committed.

Each alert is a row per channel, keyed by ``(ticket, deadline, stage, channel)``: queued once,
marked ``sending`` (committed) before its message leaves and ``sent`` after, so a process
killed at any point loses nothing, and the next run sends again only what was in flight. A
refusal that may pass (network, rate limit, a busy platform) waits with a growing pause
(``retry``); one that cannot is kept as ``refused`` for ``notify status``.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from . import database
from .walk import index_file

FORMAT = "1"
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS outbox(
        ticket TEXT NOT NULL, deadline TEXT NOT NULL, stage TEXT NOT NULL, channel TEXT NOT NULL,
        title TEXT NOT NULL, body TEXT NOT NULL, mentions TEXT NOT NULL, urgent INTEGER NOT NULL,
        state TEXT NOT NULL,            -- queued, sending, retry, sent, refused
        attempts INTEGER NOT NULL DEFAULT 0,
        queued_at REAL NOT NULL, next_try REAL NOT NULL, sent_at REAL, said TEXT,
        PRIMARY KEY (ticket, deadline, stage, channel))""",
    "CREATE INDEX IF NOT EXISTS waiting ON outbox(channel, state, next_try)",
    "CREATE TABLE IF NOT EXISTS sends(channel TEXT NOT NULL, at REAL NOT NULL)",
)
WAITING = ("queued", "sending", "retry")
LONGEST_PAUSE = 3600.0  # a robot down for the night is tried once an hour


@dataclass(frozen=True)
class Row:
    ticket: str
    deadline: str
    stage: str
    channel: str
    title: str
    body: str
    mentions: tuple[str, ...]
    urgent: bool
    state: str = "queued"
    attempts: int = 0
    said: str | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        return self.ticket, self.deadline, self.stage, self.channel


def outbox_file(gdir: Path, records_rel: str) -> Path:
    index = index_file(gdir, records_rel)
    return index.with_name(index.name.replace("svcctl-tickets", "svcctl-outbox", 1))


class Outbox:
    def __init__(self, file: Path):
        self.file = file
        self.db = database.connect(file)
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            with database.writing(self.db):
                for statement in SCHEMA:
                    self.db.execute(statement)
                self.db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))
        except BaseException:
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Outbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def known(self, tickets: list[str]) -> set[tuple[str, str, str, str]]:
        """The keys already in the outbox among those of ``tickets``."""
        found = set()
        unique = sorted(set(tickets))
        for i in range(0, len(unique), 500):
            part = unique[i:i + 500]
            found.update(self.db.execute(
                f"SELECT ticket, deadline, stage, channel FROM outbox WHERE ticket IN ({','.join('?' * len(part))})",
                part))
        return found

    def queue(self, rows: list[Row], now: float) -> int:
        """Add the rows not there yet; how many were new."""
        with database.writing(self.db):
            before = self.db.total_changes
            self.db.executemany(
                "INSERT OR IGNORE INTO outbox(ticket, deadline, stage, channel, title, body, mentions, urgent, state,"
                " queued_at, next_try) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)",
                [(*r.key, r.title, r.body, json.dumps(list(r.mentions)), int(r.urgent), now, now) for r in rows])
            return self.db.total_changes - before

    def waiting(self, channel: str, now: float) -> list[Row]:
        """What ``channel`` has to send at ``now``, oldest first: a message a killed run had in
        flight comes first, then the queued ones and those whose pause is over."""
        cursor = self.db.execute(
            "SELECT ticket, deadline, stage, channel, title, body, mentions, urgent, state, attempts, said FROM outbox"
            " WHERE channel = ? AND state IN ('queued', 'sending', 'retry') AND next_try <= ?"
            " ORDER BY state != 'sending', queued_at, ticket, deadline, stage", (channel, now))
        return [Row(*r[:6], tuple(json.loads(r[6])), bool(r[7]), *r[8:]) for r in cursor]

    def sending(self, rows: list[Row], now: float) -> None:
        """Mark ``rows`` as in flight before their message leaves (committed at once)."""
        with database.writing(self.db):
            self.db.executemany("UPDATE outbox SET state = 'sending', next_try = ? WHERE ticket = ? AND deadline = ?"
                                " AND stage = ? AND channel = ?", [(now, *r.key) for r in rows])
            self.db.execute("INSERT INTO sends VALUES (?, ?)", (rows[0].channel, now))

    def answered(self, rows: list[Row], sent: bool, permanent: bool, retry_after: float | None, said: str,
                 now: float) -> None:
        with database.writing(self.db):
            for r in rows:
                if sent:
                    state, next_try = "sent", now
                elif permanent:
                    state, next_try = "refused", now
                else:
                    pause = min(60.0 * 2 ** r.attempts, LONGEST_PAUSE)
                    state, next_try = "retry", now + max(pause, retry_after or 0.0)
                self.db.execute(
                    "UPDATE outbox SET state = ?, attempts = attempts + ?, next_try = ?, sent_at = ?, said = ?"
                    " WHERE ticket = ? AND deadline = ? AND stage = ? AND channel = ?",
                    (state, 0 if sent else 1, next_try, now if sent else None, said, *r.key))

    def sends_since(self, channel: str, since: float) -> int:
        return self.db.execute("SELECT count(*) FROM sends WHERE channel = ? AND at > ?", (channel, since)).fetchone()[0]

    def forget_sends_before(self, when: float) -> None:
        with database.writing(self.db):
            self.db.execute("DELETE FROM sends WHERE at < ?", (when,))

    def status(self) -> list[dict]:
        """Per channel and state: how many, the latest answer and the next try."""
        cursor = self.db.execute(
            "SELECT channel, state, count(*), max(sent_at), min(next_try),"
            " (SELECT said FROM outbox o2 WHERE o2.channel = o.channel AND o2.state = o.state AND said IS NOT NULL"
            "  ORDER BY coalesce(sent_at, next_try) DESC LIMIT 1)"
            " FROM outbox o GROUP BY channel, state ORDER BY channel, state")
        return [{"channel": c, "state": s, "count": n, "last_sent": last, "next_try": nxt if s in WAITING else None,
                 "said": said} for c, s, n, last, nxt, said in cursor]


def open_outbox(records) -> Outbox:
    """The outbox of ``records`` (a ``Records``); another command writing it is 'records are busy'."""
    try:
        return Outbox(outbox_file(records.gdir, records.records_rel))
    except sqlite3.DatabaseError as exc:
        database.refuse_if_busy(exc)
        raise
