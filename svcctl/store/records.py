"""The records folder: where each record lives, reading it strictly, allocating ids.

Layout (paths never change after creation)::

    svcctl.yaml                      office, roster, stations, policy, calendar
    customers/<C-A001>.yaml          one file per customer (一户一档)
    tickets/<YYYY>/<MM>/<id>.yaml    one file per ticket
    handovers/<YYYY>/<MM>/<YYYYMMDD-HHMMSS>-<station>.yaml   one file per shift handover
"""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path, PurePosixPath

from .. import merge_driver, vcs
from ..core import validate
from ..core.errors import BrokenRecord, ConflictError, NotFound, Refusal, SvcError, UsageError
from ..core.office import Office
from ..core.ticket import Ticket
from . import txn, yamlio
from ..core.message import msg
from .folders import linked_folder, not_a_folder
from .walk import CONFIG, upward


def find_root(explicit: str | None, start: Path | None = None) -> Path:
    """``--records`` first, then ``SVCCTL_RECORDS``, then walk up from here like git does."""
    chosen = explicit or os.environ.get("SVCCTL_RECORDS")
    if chosen:
        source = "--records" if explicit else "SVCCTL_RECORDS"
        try:
            root = Path(chosen).expanduser().resolve()
            found = (root / CONFIG).is_file()
        except (OSError, RuntimeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc).rstrip(".")
            raise SvcError(msg('{source} {chosen!r} cannot be used as a folder: {reason}', source=source, chosen=chosen, reason=reason)) from None
        if not found:
            raise SvcError(msg("no records folder at {root} ({source}; no {CONFIG}): create one with 'svcctl init DIR'", root=root, source=source, CONFIG=CONFIG))
        return root
    found = upward(start or Path.cwd())
    if found is not None:
        return found
    raise SvcError(
        msg("no records folder here or above: pass --records DIR, set SVCCTL_RECORDS, or create one with 'svcctl init DIR'")
    )


KINDS = ("config", "customer", "ticket", "handover")


def configured_station(top: Path) -> str | None:
    """This clone's station code: per PC, in the clone's own git config, never shared."""
    return vcs.run(top, "config", "--get", "svcctl.station").stdout.strip() or None


def ticket_inner(ticket_id: str) -> str | None:
    """Where the ticket with this exact id lives, or None when it is not a ticket id."""
    match = validate.TICKET_ID.match(ticket_id or "")
    if not match:
        return None
    return f"tickets/{match.group(1)}/{match.group(2)}/{ticket_id}.yaml"


def ticket_rel(ticket_id: str) -> str:
    """The file of a ticket id someone typed; ids are read out over the phone, so
    ``202611-a002`` means ``202611-A002``."""
    inner = ticket_inner((ticket_id or "").strip().upper())
    if inner is None:
        raise UsageError(msg('{ticket_id!r} is not a ticket id: ids look like 202611-A007', ticket_id=ticket_id))
    return inner


def canonical_customer_id(text: str) -> str:
    """A customer id someone typed, written the way files are named (``c-a001`` → ``C-A001``)."""
    cid = (text or "").strip().upper()
    if not validate.CUSTOMER_ID.match(cid):
        raise UsageError(msg("{text!r} is not a customer id: ids look like C-A001 (see 'svcctl customer find')", text=text))
    return cid


def _ticket_file_problems(inner: str) -> list:
    name = inner.rpartition("/")[2]
    expected = ticket_inner(file_stem(name))
    if expected is None:
        return [(("id",), f"file name {name} is not a ticket id (like 202611-A007.yaml)")]
    if expected != inner:
        return [(("id",), f"file is in the wrong folder: expected {expected}")]
    return []


def _names_in(folder: str) -> list[str]:
    try:
        with os.scandir(folder) as entries:
            return [entry.name for entry in entries]
    except OSError:
        return []


def _folders_in(folder: str) -> list[str]:
    """The folders in ``folder``; a link to a folder is not followed (another PC may have
    committed one pointing anywhere): ``svcctl check`` names it (operations.layout)."""
    try:
        with os.scandir(folder) as entries:
            return [entry.name for entry in entries if _is_dir(entry)]
    except OSError:
        return []


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def file_stem(inner: str) -> str:
    """``PurePosixPath(inner).stem``, without building a path per record."""
    name = inner.rpartition("/")[2]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


@dataclass
class Records:
    """One records folder. Used as a context manager (or ``close``d) it closes the index and
    report cache files it opened: an open SQLite connection keeps its locks, and whatever
    opens the same file next in this process would wait for them."""

    root: Path
    _index: object = field(default=None, init=False, repr=False, compare=False)
    _ahead: bool = field(default=False, init=False, repr=False, compare=False)
    _reports: object = field(default=None, init=False, repr=False, compare=False)
    # What a person should hear once, after the command (``Message``s): the index given up, say.
    notices: list = field(default_factory=list, init=False, repr=False, compare=False)

    def __enter__(self) -> "Records":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for held in (self._reports, self._index):
            if held:
                held.close()
        self._reports = None
        self._index = None

    @cached_property
    def _git(self) -> tuple[Path, Path] | None:
        found = vcs.locate(self.root)
        return (found[0].resolve(), found[1]) if found is not None else None

    @property
    def toplevel(self) -> Path | None:
        """The git top level, or None when the records folder is not in a git repository."""
        return self._git[0] if self._git is not None else None

    @property
    def top(self) -> Path:
        if self.toplevel is None:
            raise SvcError(
                msg("{root} is not inside a git repository, so its records can be read but not changed: put it under git ('git init' there, then 'svcctl setup --station CODE') or work in a clone of the office repository ('svcctl clone')", root=self.root)
            )
        return self.toplevel

    @property
    def gdir(self) -> Path:
        self.top  # noqa: B018 - outside git there is no git directory: say so
        return self._git[1]

    def rel(self, inner: str) -> str:
        """Path of a records file relative to the git top level, for git."""
        return (self.root / inner).relative_to(self.top).as_posix()

    def label(self, inner: str) -> str:
        """Path shown to people: relative to where they stand when possible."""
        full = self.root / inner
        try:
            return full.relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            return full.as_posix()

    # -- reading and validating one record ------------------------------------------
    def read(self, kind: str, inner: str, *, office: Office | None = None, customers=None):
        """Read the record of ``kind`` (config, customer or ticket) at ``inner`` and check it.

        Returns ``(data, text, problems)``; ``problems`` is a list of ``(line, message)``
        (line None when no line fits), empty when the record is valid. ``data`` is None
        when the file cannot be parsed. A ticket is checked against ``office`` (roster,
        departments) and ``customers`` (ids on file) when they are given. This is the one
        validation path: ``svcctl check`` reports every problem, the loaders below refuse
        on the first.
        """
        folder = linked_folder(self.root, inner, self._folders_seen)
        if folder is not None:
            return None, None, [(None, not_a_folder(folder))]
        raw = read_file(self.root, inner)
        if isinstance(raw, str):
            return None, None, [(None, raw)]
        return self.check_bytes(kind, inner, raw, office=office, customers=customers)

    @cached_property
    def _folders_seen(self) -> dict:
        return {}

    def check_bytes(self, kind: str, inner: str, raw: bytes, *, office: Office | None = None, customers=None,
                    replayed: list | None = None):
        """``read`` for a record's bytes from anywhere (a file, or a commit not yet checked out).
        ``replayed`` receives a valid ticket's replay (see ``validate.ticket``)."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind of record {kind!r}")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            return None, None, [(line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at line {line}): "
                                       "save the file as UTF-8")]
        try:
            data = yamlio.parse(text)
        except yamlio.YamlProblem as problem:
            return None, text, [(problem.line, problem.message)]
        stem = file_stem(inner)
        if kind == "config":
            found = validate.config(data)
        elif kind == "customer":
            found = validate.customer(data, stem)
        elif kind == "handover":
            found = validate.handover(data, inner, office.roster if office is not None else None,
                                      office.tz if office is not None else None)
        else:
            roster = office.roster if office is not None else None
            departments = office.departments if office is not None else None
            found = validate.ticket(data, stem, roster, customers, departments, replayed)
            found += _ticket_file_problems(inner)
        if not found:
            return data, text, []
        index = yamlio.line_index(text)
        return data, text, [(_locate(index, where), message) for where, message in found]

    def _load(self, kind: str, inner: str, **context):
        data, _, problems = self.read(kind, inner, **context)
        if problems:
            pending = self.pending_merge()
            if pending and self.rel(inner) in pending[1]:
                raise ConflictError(msg('{file}: {pending}', file=self.label(inner), pending=pending[0]))
            line, message = problems[0]
            raise BrokenRecord(self.label(inner), line, message)
        return data

    def pending_merge(self) -> tuple[str, list[str]] | None:
        """What a sync left waiting for a person (its conflicts), and how to go on; None when
        no merge is in progress."""
        if self.toplevel is None or not (self.gdir / "MERGE_HEAD").exists():
            return None
        unmerged = vcs.git(self.top, "diff", "--name-only", "-z", "--diff-filter=U").split("\0")
        unmerged = [p for p in unmerged if p]
        if unmerged:
            return (f"a sync is waiting for a conflict to be settled in {', '.join(unmerged)}: edit it to keep the "
                    "right values (remove the <<<<<<< ======= >>>>>>> lines), run 'git add' on it, then "
                    "'svcctl sync' (or 'git merge --abort' to drop the pull)"), unmerged
        return "a sync is waiting to be finished: run 'svcctl sync' (or 'git merge --abort' to drop the pull)", []

    def allowed_inside(self) -> list[str]:
        """Records folders this clone keeps below its top on purpose (``init --inside-repo``)."""
        return vcs.run(self.top, "config", "--get-all", "svcctl.records").stdout.splitlines()

    def owns_repo(self) -> bool:
        """Whether the git repository holding the records is the office's own (or keeps them
        inside on purpose): only then does svcctl write anything into it, even a cache."""
        if self.toplevel is None:
            return False
        if self.top == self.root.resolve():
            return True
        return self.root.resolve().relative_to(self.top).as_posix() in self.allowed_inside()

    def require_own_repo(self) -> None:
        """An office's records live in a repository of their own: svcctl does not commit onto
        the branch of a project that happens to hold a records folder (the sample records/)."""
        if self.owns_repo():
            return
        raise Refusal(msg("{root} is inside the git repository {top}, which is not the office's own: an office keeps its records in a repository of its own (copy the folder out and run 'git init' there, or 'svcctl init DIR' for a new office), or run 'svcctl setup --station CODE --inside-repo' to keep them there; nothing was changed", root=self.root, top=self.top))

    def require_no_pending_merge(self) -> None:
        pending = self.pending_merge()
        if pending:
            raise ConflictError(msg('nothing was changed: {pending}', pending=pending[0]))

    def checked_text(self, kind: str, record: dict, name: str) -> str:
        """The canonical text of a ticket or customer about to be written, refused unless it
        would pass ``svcctl check``: a value that slipped past a command's own checks (a fee of
        NaN, say) must never become a file that stops every later command."""
        text = yamlio.dump(record)
        if yamlio.dump(yamlio.parse(text)) != text:
            raise UsageError(msg('refused, nothing written: the text would not read back exactly as typed'))
        return self._checked(kind, text, name)

    def config_text(self, config: dict) -> str:
        """svcctl.yaml as it stands with only what differs from ``config`` edited in place:
        the office's comments, key order and layout are kept (the file is not canonical, and
        ``check`` never asks it to be). Refused unless it would pass ``svcctl check``."""
        from . import roundtrip

        try:
            text = roundtrip.rewrite((self.root / CONFIG).read_bytes().decode("utf-8"), config)
        except roundtrip.LayoutLost as lost:
            raise Refusal(msg("{file} could not be changed without rewriting what was written there by hand ({lost}): make the change in the file and record it with 'svcctl commit'", file=self.label(CONFIG), lost=lost)) from None
        return self._checked("config", text, CONFIG)

    def _checked(self, kind: str, text: str, name: str) -> str:
        data = yamlio.parse(text)
        if kind == "ticket":
            office = self.office
            found = validate.ticket(data, name, office.roster, None, office.departments)
        elif kind == "customer":
            found = validate.customer(data, name)
        elif kind == "handover":
            found = validate.handover(data, name, self.office.roster, self.office.tz)
        else:
            found = validate.config(data)
        if found:
            raise UsageError(msg('refused, nothing written: {found}', found=found[0][1]))
        return text

    # -- office ---------------------------------------------------------------
    @cached_property
    def office(self) -> Office:
        if self.owns_repo():
            from . import schedules

            schedules.load(self.gdir)
        return Office(self._load("config", CONFIG))

    def raw_config(self) -> dict:
        """svcctl.yaml as read, for a command that rewrites it; refused when it is broken."""
        return self._load("config", CONFIG)

    # -- customers --------------------------------------------------------------
    def customer_inner(self, customer_id: str) -> str:
        return f"customers/{customer_id}.yaml"

    def customer_ids(self) -> list[str]:
        folder = self.root / "customers"
        return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []

    def customer(self, customer_id: str) -> dict:
        cid = canonical_customer_id(customer_id)
        inner = self.customer_inner(cid)
        if not os.path.lexists(self.root / inner):
            raise NotFound(msg("no customer {cid!r}: see 'svcctl customer list' or 'svcctl customer find'", cid=cid))
        return self._load("customer", inner)

    def customers(self) -> list[dict]:
        return [self._load("customer", f"customers/{name}.yaml") for name in self.customer_ids()]

    # -- tickets ----------------------------------------------------------------
    def ticket_inners(self) -> list[str]:
        """Every ``tickets/*/*/*.yaml`` inside the records folder, whatever it is (a folder or a
        link named so is a record that is wrong), in path order. What ``Path.glob`` finds, as
        plain strings: an office holds a hundred thousand of them."""
        base = os.path.join(self.root, "tickets")
        found = [(year, month, name) for year in _folders_in(base) for month in _folders_in(os.path.join(base, year))
                 for name in _names_in(os.path.join(base, year, month)) if name.endswith(".yaml")]
        return [f"tickets/{year}/{month}/{name}" for year, month, name in sorted(found)]

    def ticket(self, ticket_id: str) -> Ticket:
        inner = ticket_rel(ticket_id)
        if not os.path.lexists(self.root / inner):
            raise NotFound(msg("no ticket {stem}: see 'svcctl list'", stem=PurePosixPath(inner).stem))
        return self._load_ticket(inner)

    def _load_ticket(self, inner: str) -> Ticket:
        return Ticket.from_record(self._load("ticket", inner, office=self.office))

    # -- the ticket index (store.index): what listings read -------------------------------
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
            found = [self._load_ticket(path.relative_to(self.root).as_posix())
                     for folder in folders for path in sorted((self.root / folder).glob("*.yaml"))]
            return [t for t in found if customer is None or t.h("customer") == customer]
        self._refuse_broken(index, folders)
        where, args = f"folder IN ({','.join('?' * len(folders))})", tuple(folders)
        if customer is not None:
            where, args = where + " AND customer = ?", args + (customer,)
        return [Ticket.from_record(r) for r in index.records_of(where, args)]

    def tickets(self) -> list[Ticket]:
        """Every ticket, in path order."""
        index = self.index()
        if index is None:
            return [self._load_ticket(inner) for inner in self.ticket_inners()]
        return [Ticket.from_record(r) for r in index.records_of()]

    def open_tickets(self) -> list[Ticket]:
        """The tickets still in play: open, awaiting a callback, or with a deadline whose
        clock runs. Costs in proportion to them, not to the history."""
        index = self.index()
        if index is None:
            return [t for t in self.tickets() if _in_play(t, self.office)]
        return [Ticket.from_record(r) for r in index.records_of("live = 1")]

    def tickets_touching(self, start: datetime, end: datetime) -> list[Ticket]:
        """The tickets a report of ``[start, end)`` can need: received before ``end`` and
        either still in play or with an event at or after ``start``."""
        index = self.index()
        if index is None:
            return [t for t in self.tickets() if t.received_at < end and (
                _last_at(t) >= start or _in_play(t, self.office))]
        from .index import _utc

        return [Ticket.from_record(r) for r in index.records_of(
            "received < ? AND (live = 1 OR last_at >= ?)", (_utc(end), _utc(start)))]

    def tickets_since(self, start: datetime) -> list[Ticket]:
        """The tickets still in play and those with an event at or after ``start`` (a shift
        handover's work and changes)."""
        index = self.index()
        if index is None:
            return [t for t in self.tickets() if _last_at(t) >= start or _in_play(t, self.office)]
        from .index import _utc

        return [Ticket.from_record(r) for r in index.records_of("live = 1 OR last_at >= ?", (_utc(start),))]

    def report_store(self):
        """The reports' cache (``store.report_cache``) in step with the ticket index; None where
        there is no index or the cache cannot be kept (then a report reads every ticket)."""
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
            store.follow(index, self.office)
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

    # -- handovers ---------------------------------------------------------------
    def handover_paths(self) -> list[Path]:
        """Handover records, oldest first (their names begin with the office time)."""
        folder = self.root / "handovers"
        paths = folder.glob("*/*/*.yaml") if folder.is_dir() else ()
        return sorted(paths, key=lambda p: p.name)

    def handover(self, inner: str) -> dict:
        return self._load("handover", inner, office=self.office)

    # -- ids --------------------------------------------------------------------
    def station(self) -> str:
        self.require_own_repo()  # the first thing a new record needs; say why before asking for a station
        code = configured_station(self.top)
        if not code:
            raise SvcError(
                msg("this clone has no station code, so it cannot number new records: run 'svcctl setup --station CODE' (a code no other PC uses, e.g. B)")
            )
        return code

    def next_ticket_id(self, station: str, received: datetime) -> str:
        prefix = f"{received:%Y%m}-{station}"
        folder = self.root / "tickets" / f"{received:%Y}" / f"{received:%m}"
        return prefix + f"{_next_serial(folder, prefix):03d}"

    def next_customer_id(self, station: str) -> str:
        prefix = f"C-{station}"
        return prefix + f"{_next_serial(self.root / 'customers', prefix):03d}"

    def numbering(self, station: str) -> "Numbering":
        return Numbering(self, station)

    # -- writing ------------------------------------------------------------------
    def lock(self) -> txn.OfficeLock:
        """The office lock; winning it first repairs a change a killed holder left behind.
        Only writers take it, and svcctl writes only into the office's own repository."""
        self.require_own_repo()
        return txn.OfficeLock(self.gdir, self.top, self.records_rel)

    def recover(self) -> None:
        """Finish or roll back a change a killed process left behind (see store.txn)."""
        if not self.owns_repo():
            return  # svcctl never writes there (outside git, or another project's repository)
        if not (txn.Journal(self.top, self.gdir).exists() or txn.MergeJournal(self.top, self.gdir).exists()):
            return  # the usual case, found without loading the lock's module
        lock = self.lock()
        if not lock.pending():
            return
        if not lock.try_acquire():
            return  # a live process owns that journal; the lock's next winner repairs it if it dies
        try:
            lock.repair()
        finally:
            lock.release()

    def commit(self, change: txn.Change, author: vcs.Author, trailers: dict | None = None, progress=None,
               before_landing=None) -> str:
        """Apply ``change`` (paths relative to the records root); caller holds the lock.
        ``progress`` is called once per file written (an import shows a progress bar);
        ``before_landing`` once they are all written, before the commit can land (work that
        must succeed for the change to be made, done while git writes it)."""
        self.require_own_repo()
        self.require_no_pending_merge()
        merge_driver.keep_current(self.top)  # a clone set up by an older svcctl: see merge_driver
        at_top = txn.Change(change.message)
        for inner, text in change.files.items():
            at_top.write(self.rel(inner), text)
        return txn.apply(self.top, self.gdir, at_top, author, trailers, progress, before_landing)


class Numbering:
    """Ids for many new records in one change (an import): each folder is listed once,
    then serials count on, instead of a folder scan per id."""

    def __init__(self, records: Records, station: str):
        self._records = records
        self._station = station
        self._next: dict = {}

    def _take(self, prefix: str, first) -> str:
        serial = self._next.get(prefix) or first()
        self._next[prefix] = serial + 1
        return f"{prefix}{serial:03d}"

    def customer_id(self) -> str:
        prefix = f"C-{self._station}"
        return self._take(prefix, lambda: _next_serial(self._records.root / "customers", prefix))

    def ticket_id(self, received: datetime) -> str:
        prefix = f"{received:%Y%m}-{self._station}"
        folder = self._records.root / "tickets" / f"{received:%Y}" / f"{received:%m}"
        return self._take(prefix, lambda: _next_serial(folder, prefix))


def read_file(root: Path, inner: str) -> bytes | str:
    """The bytes of a record file, or what is wrong with it instead. Only a regular file is
    read: a FIFO would hang every listing, a link out of the records folder would show
    another file as a record, and a file larger than any record is not one."""
    return read_stat(root, inner)[0]


def read_stat(root: Path, inner: str) -> tuple[bytes | str, os.stat_result | None]:
    """``read_file``, with the file's stat taken once it is open and before it is read (None
    when it could not be read): a stamp never newer than the bytes it goes with."""
    path = os.path.join(root, inner)  # plain strings: this runs once per file of a whole office
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            try:
                target = Path(path).resolve(strict=True)
            except FileNotFoundError:
                return msg("a symbolic link to a missing file ({target}): records are plain files", target=os.readlink(path)), None
            except (RuntimeError, OSError):
                return msg("a symbolic link that loops back on itself: records are plain files"), None
            if not target.is_relative_to(Path(root).resolve()):
                return msg("a symbolic link out of the records folder ({target}): records are plain files", target=str(target)), None
            info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            return msg("a folder, not a record file"), None
        if not stat.S_ISREG(info.st_mode):
            return msg("not a regular file (a pipe, socket or device): records are plain files"), None
        if info.st_size > yamlio.MAX_BYTES:
            return msg("{size} bytes is more than a record can be ({limit} MB)", size=info.st_size, limit=yamlio.MAX_BYTES // 1024 // 1024), None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return msg("not a regular file (a pipe, socket or device): records are plain files"), None
            # Sized by the stat, not by the limit: a buffer of the largest record for every
            # file is a large allocation per read. One byte more says the file grew meanwhile.
            data = handle.read(min(info.st_size, yamlio.MAX_BYTES) + 1)
            if len(data) > info.st_size:
                data += handle.read(yamlio.MAX_BYTES + 1 - len(data))
            return data, info
    except OSError as exc:
        return msg("cannot read the file: {error}", error=exc.strerror or str(exc)), None


def _reason(exc: Exception) -> str:
    """What went wrong with a file, in a few words (SQLite's or the system's)."""
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _last_at(ticket: Ticket) -> datetime:
    return ticket.events[-1].at if ticket.events else ticket.received_at


def _in_play(ticket: Ticket, office: Office) -> bool:
    from ..core.view import build, live

    return live(build(ticket, office.policy, office.calendar, ticket.received_at))


def _locate(index: dict, path: tuple) -> int | None:
    while path not in index and path:
        path = path[:-1]
    return index.get(path)


def _next_serial(folder: Path, prefix: str) -> int:
    if not folder.is_dir():
        return 1
    pattern = re.compile(re.escape(prefix) + r"(\d+)\.yaml$")
    serials = [int(m.group(1)) for p in folder.iterdir() if (m := pattern.match(p.name))]
    return max(serials, default=0) + 1
