"""The listings of a records folder, answered from the ticket index (store.index) where
there is one, else from the files: what ``Records`` reads many tickets by."""
from __future__ import annotations

import os
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from ..core.message import msg
from ..core.office import Office
from . import names
from .names import CONFIG

if TYPE_CHECKING:
    from ..core.ticket import Ticket


class IndexedReading:
    """Part of ``Records``: the ticket index kept in step and read, and the report cache."""

    @cached_property
    def records_rel(self) -> str:
        """Where the records folder sits below the git top level ("" at the top)."""
        rel = self.root.resolve().relative_to(self.top).as_posix()
        return "" if rel == "." else rel

    def start_index(self, sweep: bool = True) -> None:
        """Start bringing the index in step (its file walk runs alongside); listings call this
        first thing so the walk overlaps their own start. Without ``sweep`` no walk is begun
        (a reading of a few folders brings just those in step)."""
        import sqlite3

        office = self.office  # a broken svcctl.yaml refuses every command before anything is built
        if self._index is not None or not self.owns_repo():
            return  # outside git, or in a repository that is not the office's: nothing is written
        from .index import TicketIndex
        from .walk import index_file

        self._index = TicketIndex(self.root, index_file(self.gdir, self.records_rel), office, self.records_rel)
        try:
            self._index.start(sweep)
        except (sqlite3.Error, OSError) as exc:
            self._give_up_index(exc)

    def index(self):
        """The ticket index, in step with the files; None outside git or where it cannot be
        kept (a read-only clone), and then every listing reads the files themselves. Refused
        (as reading every file would be) when any ticket file fails its check."""
        index = self._open_index()
        if index is not None:
            self._refuse_broken(index)
        return index

    def _open_index(self, build: bool = True, folders: list[str] | None = None):
        """The index in step with the files (only in ``folders`` when given); with ``build``
        False, None rather than a build from nothing (a few files are read faster than a
        whole office is indexed)."""
        import sqlite3

        self.start_index(sweep=folders is None)
        if not self._index:
            return None
        try:
            if not build and self._index.needs_build:
                return None
            if not getattr(self._index, "ready", False):
                self._index.open(defer=self._ahead or folders is not None)
                self._index.ready = True
            if folders is not None:
                self._index.refresh(folders)
            elif not self._ahead:
                self._index.catch_up()  # a sweep put off by an earlier reading of a few folders
        except (sqlite3.Error, OSError) as exc:
            self._give_up_index(exc)
            return None
        return self._index

    def _give_up_index(self, exc: Exception) -> None:
        """Read every file from now on: the index is derived, and a damaged, full or read-only
        one must not stop a command that the files can answer. Said once, unless this account
        cannot write the git directory (a read-only copy, where that is the way it works);
        another command writing the index is the office lock's wait instead."""
        from . import database

        index, self._index = self._index, False
        if index:
            index.close()
        database.refuse_if_busy(exc)
        if index and database.writable(index.file):
            self._notice(msg("the ticket index {file} cannot be used ({error}): every ticket file is read instead, "
                             "which takes longer", file=str(index.file), error=_reason(exc)))

    def _notice(self, message) -> None:
        if message not in self.notices:
            self.notices.append(message)

    def read_ahead(self, compute):
        """``compute()`` from the index as the last sweep left it, while this sweep's file
        walk still runs in another process; computed again, from the index brought in step,
        when the walk turns up any change. The answer is the one reading in step would give,
        and the walk costs no time of its own when nothing changed. For reading only: what
        ``compute`` reads ahead must never be written anywhere."""
        import sqlite3

        self._ahead = True
        try:
            result = compute()
        finally:
            self._ahead = False
        if self._index:
            try:
                changed = self._index.catch_up()
            except (sqlite3.Error, OSError) as exc:
                self._give_up_index(exc)
                changed = True  # read again, from the files
            if changed:
                result = compute()
        return result

    def _refuse_broken(self, index, folders: list[str] | None = None) -> None:
        """A listing refuses on the first ticket file that fails its check, as reading every
        file would: that file is read again, so the message is exactly what it says now."""
        first = index.first_problem(folders)
        if first is not None:
            self._load("ticket", first, office=self.office)

    def summaries(self, in_play: bool = False, statuses=None, due_by=None) -> list[dict] | None:
        """The read-model summaries (``core.view.summarise``) of every ticket, or only of those
        still in play, of ``statuses``, or with a running clock due by ``due_by``; None when
        there is no index (then build views from ``tickets()``)."""
        index = self.index()
        return None if index is None else index.summaries(in_play, statuses, due_by)

    def tickets_in(self, months: list[str], customer: str | None = None) -> list[Ticket]:
        """The tickets filed under the given ``YYYY/MM`` folders (only the ``customer``'s
        when given)."""
        folders = [f"tickets/{month}" for month in months]
        index = self._open_index(build=False, folders=folders)
        if index is None:
            found = [self._load_ticket(f"{folder}/{name}")
                     for folder in folders for name in names.records_in(os.path.join(self.root, folder))]
            return [t for t in found if customer is None or t.h("customer") == customer]
        self._refuse_broken(index, folders)
        where, args = f"folder IN ({','.join('?' * len(folders))})", tuple(folders)
        if customer is not None:
            where, args = where + " AND customer = ?", args + (customer,)
        return _tickets(index.records_of(where, args))

    def tickets(self) -> list[Ticket]:
        """Every ticket, in path order."""
        index = self.index()
        if index is None:
            return [self._load_ticket(inner) for inner in self.ticket_inners()]
        return _tickets(index.records_of())

    def open_tickets(self) -> list[Ticket]:
        """The tickets still in play: open, awaiting a callback, or with a deadline whose
        clock runs. Costs in proportion to them, not to the history."""
        index = self.index()
        if index is None:
            return [t for t in self.tickets() if _in_play(t, self.office)]
        return _tickets(index.records_of("live = 1"))

    def tickets_touching(self, start: datetime, end: datetime) -> list[Ticket]:
        """The tickets a report of ``[start, end)`` can need: received before ``end`` and
        either still in play or with an event at or after ``start``."""
        index = self.index()
        if index is None:
            return [t for t in self.tickets() if t.received_at < end and (
                _last_at(t) >= start or _in_play(t, self.office))]
        from .index import _utc

        return _tickets(index.records_of(
            "received < ? AND (live = 1 OR last_at >= ?)", (_utc(end), _utc(start))))

    def tickets_since(self, start: datetime) -> list[Ticket]:
        """The tickets still in play and those with an event at or after ``start`` (a shift
        handover's work and changes)."""
        index = self.index()
        if index is None:
            return [t for t in self.tickets() if _last_at(t) >= start or _in_play(t, self.office)]
        from .index import _utc

        return _tickets(index.records_of("live = 1 OR last_at >= ?", (_utc(start),)))

    def report_store(self, reach):
        """The reports' cache (``store.report_cache``) in step with the ticket index; None where
        there is no index or the cache cannot be kept (then a report reads every ticket).
        ``reach``: how far a settled ticket can count in a report (``reports.figures.reach``)."""
        import sqlite3

        index = self.index()
        if index is None:
            return None
        from . import database
        from .index import basis
        from .report_cache import ReportStore

        if self._reports is not None and self._reports.db is not None:  # not yet closed by its reader
            return self._reports
        file = index.file.with_name(index.file.name.replace("svcctl-tickets", "svcctl-reports", 1))
        store = None
        try:
            store = ReportStore(file, basis((self.root / CONFIG).read_bytes(), self.records_rel))
            store.follow(index, self.office, reach)
        except BaseException as exc:
            if store is not None:
                store.close()
            if not isinstance(exc, (sqlite3.Error, OSError)):
                raise
            database.refuse_if_busy(exc)
            if database.writable(file):
                self._notice(msg("the report cache {file} cannot be used ({error}): the report reads every ticket "
                                 "instead, which takes longer", file=str(file), error=_reason(exc)))
            return None
        self._reports = store
        return store


def _reason(exc: Exception) -> str:
    """What went wrong with a file, in a few words (SQLite's or the system's)."""
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _tickets(records) -> list[Ticket]:
    from ..core.ticket import Ticket  # with the kinds of event: loaded by the commands that read tickets

    return [Ticket.from_record(r) for r in records]


def _last_at(ticket: Ticket) -> datetime:
    return ticket.events[-1].at if ticket.events else ticket.received_at


def _in_play(ticket: Ticket, office: Office) -> bool:
    from ..core.view import build, live

    return live(build(ticket, office.policy, office.calendar, ticket.received_at))
