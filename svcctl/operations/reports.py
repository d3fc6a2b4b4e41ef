"""The supervisor's reports: the office's figures for a week, a month or any span of days.

With the ticket index, a report reads only the tickets that can count in its period
(see ``figures.reach``), and each earlier trend period's headline is kept in the report
cache (``store.report_cache``) under a digest of the tickets that can count in it as they
stood at its end: a period that has ended is read again only when one of them changed.
"""
from __future__ import annotations

import bisect
import hashlib
import json
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from ..core.errors import UsageError
from ..core.message import msg
from ..core.ticket import Ticket
from .. import vcs
from ..core.timeutil import from_iso, iso, read_time
from ..reports import figures, periods
from ..reports.households import Households, from_customers
from ..store import yamlio
from ..store.names import CONFIG
from ..store.report_cache import prefix_digest, utc, whole_digest
from .env import Env

KINDS = {"weekly": "week", "monthly": "month", "complaints": "month"}
RECURRING_TYPES = {"complaints": ("complaint",)}  # what the recurring problems of each report group


def households(env: Env, store=None) -> Households:
    """The office's households at any moment: svcctl.yaml's ``households:`` now and as each
    commit left it, and (where it is unset) the units on the customer files with since when
    each is on file (一户一档)."""
    current, committed = env.office.households, _committed_households(env, store)
    if current and all(value for _, value in committed):
        return Households(current, committed)

    def units() -> list:
        always, since = from_customers(env.records.customers(), read_time)
        return [always, [iso(when) for when in since]]

    always, since = units() if store is None else store.count(env.records.root / "customers", units)
    return Households(current, committed, always, tuple(read_time(when) for when in since))


HISTORY = "households history"  # the report cache's slot for svcctl.yaml's settings over time


def _committed_households(env: Env, store=None) -> tuple:
    """(commit time, ``households:``) of each commit of svcctl.yaml, oldest first; none
    outside the office's own repository (the sample records/ in a project's history). The
    cache keeps them with the commit they were read up to, so a report walks only the
    history since (a whole history of 50,000 commits takes half a second)."""
    records = env.records
    if not records.owns_repo():
        return ()
    head = vcs.head(records.top)
    if head is None:
        return ()
    kept = store.figure(HISTORY) if store is not None else None
    upto = kept["head"] if kept else None
    if upto is not None and upto != head and vcs.run(records.top, "merge-base", "--is-ancestor", upto, head).returncode:
        upto = None  # a history rewritten under it: read it all again
    found = [(when, value) for when, value in kept["committed"]] if upto is not None else []
    if upto != head:
        found += _settings(records, f"{upto}..{head}" if upto else head)
        if store is not None:
            store.keep(HISTORY, HISTORY, {"head": head, "committed": found})
    return tuple((read_time(when), value) for when, value in found)


def _settings(records, commits: str) -> list:
    """[commit time, ``households:``] of the commits of svcctl.yaml in ``commits``, oldest first.
    Another PC may have pushed any number of versions of any size: each is sized before it
    is read, one larger than a record can be says nothing, and the rest are read a few
    megabytes at a time."""
    path = records.rel(CONFIG)
    log = vcs.git(records.top, "log", "--format=%H %cI", commits, "--", path)
    shas = [line.split(" ", 1) for line in reversed(log.splitlines()) if line]
    blobs = vcs.entries_of(records.top, [sha for sha, _ in shas], path)
    sizes = vcs.sizes(records.top, [b for b in blobs.values() if b])
    readable = [b for b in dict.fromkeys(blobs.values()) if b and sizes.get(b, yamlio.MAX_BYTES + 1) <= yamlio.MAX_BYTES]
    values: dict[str, int | None] = {}
    batch, held = [], 0
    for blob in [*readable, None]:
        if blob is not None and held + sizes[blob] <= _READ_AT_ONCE:
            batch.append(blob)
            held += sizes[blob]
            continue
        for sha, raw in vcs.blobs(records.top, batch).items():
            values[sha] = _households_in(raw)
        batch, held = ([blob], sizes[blob]) if blob is not None else ([], 0)
    return [[when, values.get(blobs.get(sha))] for sha, when in shas]


_READ_AT_ONCE = 16 * 1024 * 1024  # bytes of old svcctl.yaml versions held at one time


def _households_in(raw: bytes) -> int | None:
    try:
        config = yamlio.parse(raw.decode("utf-8", "replace"))
    except yamlio.YamlProblem:  # an old svcctl.yaml that no longer reads says nothing about then
        return None
    value = config.get("households") if isinstance(config, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def basis(env: Env, store=None) -> figures.Basis:
    office = env.office
    settings = figures.Settings(
        first_fix_window=office.report_window("first_fix_window", "14 days"),
        recurring_window=office.report_window("recurring_window", "90 days"),
    )
    return figures.Basis(office.policy, office.calendar, office.departments, tuple(office.roster),
                         households(env, store), settings)


def period(env: Env, kind: str, *, week=None, month=None, first=None, last=None) -> periods.Period:
    return periods.choose(KINDS[kind], env.office.tz, env.now, week=week, month=month, first=first, last=last)


def run(env: Env, kind: str, chosen: periods.Period, as_of: datetime | None = None) -> figures.Report:
    """The report of ``chosen`` read at ``as_of`` (default now); a period not yet over is
    reported so far and marked as running."""
    when = as_of or env.now
    if when > env.now:
        raise UsageError(msg("--as-of {when} is in the future: a report reads what has happened", when=f"{when:%Y-%m-%d %H:%M}"))
    if chosen.start >= when:
        raise UsageError(msg("the period {period} has not begun by {when}", period=chosen.key, when=f"{when:%Y-%m-%d %H:%M}"))
    store = env.records.report_store(figures.reach)
    if store is None:  # no index (outside git, a read-only clone): read every ticket
        return figures.report(kind, env.records.tickets(), basis(env), chosen, when)
    try:
        return _Narrowed(env, store, kind, when).report(chosen)
    finally:
        store.close()


class _Narrowed:
    """A report fed from the index: each ticket read at most once, only those that can count."""

    def __init__(self, env: Env, store, kind: str, when: datetime):
        self.index = env.records.index()
        self.store = store
        self.kind = kind
        self.when = when
        self.basis = replace(basis(env, store), first_received=store.first_received())
        self._raw: dict[str, tuple[str, dict]] = {}  # path -> (record as JSON text, record)
        self._tickets: dict[str, Ticket] = {}
        self._whole: dict[str, tuple[str, datetime]] = {}  # path -> (digest of the record, its last event)

    def report(self, chosen: periods.Period) -> figures.Report:
        end = min(chosen.end, self.when)
        self._span = self.store.counting(figures.span(chosen, self.basis.settings)[0], end)
        rows = self.counting(chosen.start, end)
        tickets = self.tickets(rows)
        counted = self._kept = {row.path for row in rows}
        window = self.basis.settings.recurring_window
        types = RECURRING_TYPES.get(self.kind, ("repair", "complaint"))
        # A ticket left out has no event since the start, so it stood at the end as it stands now.
        filed = [figures.Filed(tid, kind, unit, category, read_time(received), status)
                 for path, tid, kind, unit, category, received, status in self.store.filed(chosen.start - window, end, types)
                 if path not in counted]
        return figures.report(self.kind, tickets, self.basis, chosen, self.when, past=self.past, filed=filed)

    def counting(self, start: datetime, end: datetime) -> list:
        """The rows of the tickets that can count in ``[start, end)``, within the report's span."""
        if not hasattr(self, "_live"):
            self._live = [row for row in self._span if row.live]
            self._settled = sorted((row for row in self._span if not row.live), key=lambda row: row.reach, reverse=True)
            self._reaches = [row.reach for row in reversed(self._settled)]
        after, before = utc(start), utc(end)
        reaching = len(self._reaches) - bisect.bisect_left(self._reaches, after)  # those with reach >= start
        rows = [row for row in self._live if row.received < before]
        rows += [row for row in self._settled[:reaching] if row.received < before]
        rows.sort()
        return rows

    # -- reading tickets once ----------------------------------------------------------------
    def _records(self, rows) -> None:
        wanted = [row.path for row in rows if row.path not in self._raw]
        for path, _, raw in self.index.raw_records(wanted):
            self._raw[path] = (raw, json.loads(raw))

    def tickets(self, rows) -> list[Ticket]:
        self._records(rows)
        for row in rows:
            if row.path not in self._tickets:
                self._tickets[row.path] = Ticket.from_record(self._raw[row.path][1])
        return [self._tickets[row.path] for row in rows]

    def _digest(self, row, until: datetime, inclusive: bool) -> str:
        """What a ticket in play, or with events after ``until``, was at ``until``."""
        path = row.path
        raw, record = self._raw[path]
        if path not in self._whole:
            events = record.get("events") or ()
            self._whole[path] = (whole_digest(raw), from_iso(events[-1]["at"]) if events else None)
        whole, last = self._whole[path]
        if last is None or last < until or (inclusive and last == until):
            return whole
        return prefix_digest(record, until, inclusive)

    def _key(self, part: str, p: periods.Period, rows, until: datetime, inclusive: bool) -> str:
        """A name for the figures of ``p`` read from ``rows`` as they stood at ``until``: a
        settled ticket whose events all came by then by its file's hash, any other by its
        record up to then."""
        limit = utc(until)
        done = [not row.live and (row.last_at < limit or (inclusive and row.last_at == limit)) for row in rows]
        named = [f"{row.path} {row.sha}" for row, by_hash in zip(rows, done) if by_hash]
        others = [row for row, by_hash in zip(rows, done) if not by_hash]
        self._records(others)
        named += [f"{row.path} {self._digest(row, until, inclusive)}" for row in others]
        named.sort()
        what = [self._slot(part, p), str(self.basis.households.at(p.end)), *named]
        return hashlib.sha1("\n".join(what).encode("utf-8")).hexdigest()

    def _slot(self, part: str, p: periods.Period) -> str:
        return f"{part} {self.kind} {p.kind} {p.start.isoformat()} {p.end.isoformat()}"

    # -- trend periods ---------------------------------------------------------------------------
    def past(self, p: periods.Period) -> figures.Headline:
        """The headline of an earlier trend period: kept, or read and then kept. Its first-time
        fix rate is kept only once no window of it can still see a reopen."""
        rows = self.counting(p.start, p.end)
        settings = self.basis.settings
        rest_key = self._key("headline", p, rows, p.end, False)
        fixes = [row for row in rows if row.type == "repair" and row.last_at >= utc(p.start)]
        horizon = p.end + settings.first_fix_window
        settled = figures.settled(p, self.when, settings)
        fix_key = self._key("first_fix", p, fixes, horizon, True) if settled else None
        kept, fix = self.store.figure(rest_key), self.store.figure(fix_key) if settled else None
        try:
            if kept is None:
                found = figures.trend_headline(self.tickets(rows), self.basis, p, self.when, self.kind)
                self.store.keep(rest_key, self._slot("headline", p), _stored(found))
                if settled:
                    self.store.keep(fix_key, self._slot("first_fix", p), _stored_rate(found.first_fix))
                return found
            if fix is None:
                rate = figures.first_fix(self.tickets(fixes), p.start, p.end, self.when, settings.first_fix_window).rate
                if settled:
                    self.store.keep(fix_key, self._slot("first_fix", p), _stored_rate(rate))
            else:
                rate = figures.Rate(*fix)
            return _headline(kept, rate)
        finally:
            self._forget(rows)

    def _forget(self, rows) -> None:
        """Tickets of one trend period only are not held on to: a year of them would not fit
        in the memory a command may use."""
        for row in rows:
            if row.path not in self._kept:
                for held in (self._raw, self._tickets, self._whole):
                    held.pop(row.path, None)


def _stored_rate(rate: figures.Rate) -> list[int]:
    return [rate.n, rate.total]


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _stored(h: figures.Headline) -> dict:
    return {"received": h.received, "on_time": _stored_rate(h.on_time), "callbacks": _stored_rate(h.callbacks),
            "satisfaction": _number(h.satisfaction), "complaints": h.complaints,
            "complaints_per_100": _number(h.complaints_per_100), "backlog": h.backlog}


def _headline(kept: dict, first_fix: figures.Rate) -> figures.Headline:
    def number(value):
        return None if value is None else Decimal(value)

    return figures.Headline(received=kept["received"], on_time=figures.Rate(*kept["on_time"]),
                            callbacks=figures.Rate(*kept["callbacks"]), satisfaction=number(kept["satisfaction"]),
                            first_fix=first_fix, complaints=kept["complaints"],
                            complaints_per_100=number(kept["complaints_per_100"]), backlog=kept["backlog"])
