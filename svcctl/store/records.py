"""The records folder: where each record lives, reading it strictly, allocating ids.

Layout (paths never change after creation)::

    svcctl.yaml                      office, roster, stations, policy, calendar
    customers/<C-A001>.yaml          one file per customer (一户一档)
    tickets/<YYYY>/<MM>/<id>.yaml    one file per ticket
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

from .. import vcs
from ..core import validate
from ..core.errors import BrokenRecord, NotFound, SvcError
from ..core.office import Office
from ..core.ticket import Ticket
from . import txn, yamlio
from .cache import TicketCache

CONFIG = "svcctl.yaml"


def find_root(explicit: str | None, start: Path | None = None) -> Path:
    """``--records`` first, then ``SVCCTL_RECORDS``, then walk up from here like git does."""
    chosen = explicit or os.environ.get("SVCCTL_RECORDS")
    if chosen:
        root = Path(chosen).expanduser().resolve()
        if not (root / CONFIG).is_file():
            raise SvcError(f"no records folder at {root} (no {CONFIG}): create one with 'svcctl init {chosen}'")
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG).is_file():
            return folder
    raise SvcError(
        "no records folder here or above: pass --records DIR, set SVCCTL_RECORDS, or create one with 'svcctl init DIR'"
    )


def read_record(path: Path, label: str):
    """Parsed YAML of ``path``; a defect becomes ``BrokenRecord`` naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BrokenRecord(label, None, "not UTF-8 text") from None
    try:
        return yamlio.parse(text), text
    except yamlio.YamlProblem as problem:
        raise BrokenRecord(label, problem.line, problem.message) from None


def first_problem(label: str, text: str, problems: list) -> BrokenRecord:
    path, message = problems[0]
    return BrokenRecord(label, locate(text, path), message)


def locate(text: str, path: tuple) -> int | None:
    index = yamlio.line_index(text)
    while path not in index and path:
        path = path[:-1]
    return index.get(path)


def ticket_rel(ticket_id: str) -> str:
    match = validate.TICKET_ID.match(ticket_id or "")
    if not match:
        raise SvcError(f"{ticket_id!r} is not a ticket id: ids look like 202611-A007")
    return f"tickets/{match.group(1)}/{match.group(2)}/{ticket_id}.yaml"


@dataclass
class Records:
    root: Path

    @cached_property
    def top(self) -> Path:
        top = vcs.toplevel(self.root)
        if top is None:
            raise SvcError(f"{self.root} is not inside a git repository: run 'svcctl init {self.root}'")
        return top.resolve()

    @cached_property
    def gdir(self) -> Path:
        return vcs.git_dir(self.top)

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

    # -- office ---------------------------------------------------------------
    @cached_property
    def office(self) -> Office:
        data, text = read_record(self.root / CONFIG, self.label(CONFIG))
        problems = validate.config(data)
        if problems:
            raise first_problem(self.label(CONFIG), text, problems)
        return Office(data)

    def raw_config(self) -> dict:
        return read_record(self.root / CONFIG, self.label(CONFIG))[0]

    # -- customers --------------------------------------------------------------
    def customer_inner(self, customer_id: str) -> str:
        return f"customers/{customer_id}.yaml"

    def customer_ids(self) -> list[str]:
        folder = self.root / "customers"
        return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []

    def customer(self, customer_id: str) -> dict:
        inner = self.customer_inner(customer_id)
        path = self.root / inner
        if not validate.CUSTOMER_ID.match(customer_id or "") or not path.is_file():
            raise NotFound(f"no customer {customer_id!r}: see 'svcctl customer list' or 'svcctl customer find'")
        data, text = read_record(path, self.label(inner))
        problems = validate.customer(data, customer_id)
        if problems:
            raise first_problem(self.label(inner), text, problems)
        return data

    def customers(self) -> list[dict]:
        return [self.customer(cid) for cid in self.customer_ids()]

    # -- tickets ----------------------------------------------------------------
    def ticket_paths(self) -> list[Path]:
        folder = self.root / "tickets"
        return sorted(folder.glob("*/*/*.yaml")) if folder.is_dir() else []

    def ticket(self, ticket_id: str) -> Ticket:
        inner = ticket_rel(ticket_id)
        if not (self.root / inner).is_file():
            raise NotFound(f"no ticket {ticket_id}: see 'svcctl list'")
        return self._load_ticket(inner, ticket_id)

    def _load_ticket(self, inner: str, ticket_id: str, cache: TicketCache | None = None) -> Ticket:
        path = self.root / inner
        if cache is not None:
            record = cache.get(inner, path)
            if record is not None:
                return Ticket.from_record(record)
        label = self.label(inner)
        data, text = read_record(path, label)
        problems = validate.ticket(data, ticket_id)
        if problems:
            raise first_problem(label, text, problems)
        if cache is not None:
            cache.put(inner, path, data)
        return Ticket.from_record(data)

    def tickets(self) -> list[Ticket]:
        cache = TicketCache(self.gdir / "svcctl-cache.json")
        out, seen = [], set()
        for path in self.ticket_paths():
            inner = path.relative_to(self.root).as_posix()
            seen.add(inner)
            out.append(self._load_ticket(inner, path.stem, cache))
        cache.prune(seen)
        cache.save()
        return out

    # -- ids --------------------------------------------------------------------
    def station(self) -> str:
        proc = vcs.run(self.top, "config", "--get", "svcctl.station")
        code = proc.stdout.strip()
        if not code:
            raise SvcError(
                "this clone has no station code, so it cannot number new records: "
                "run 'svcctl setup --station CODE' (a code no other PC uses, e.g. B)"
            )
        return code

    def next_ticket_id(self, station: str, received: datetime) -> str:
        prefix = f"{received:%Y%m}-{station}"
        folder = self.root / "tickets" / f"{received:%Y}" / f"{received:%m}"
        return prefix + f"{_next_serial(folder, prefix):03d}"

    def next_customer_id(self, station: str) -> str:
        prefix = f"C-{station}"
        return prefix + f"{_next_serial(self.root / 'customers', prefix):03d}"

    # -- writing ------------------------------------------------------------------
    def lock(self) -> txn.OfficeLock:
        """The office lock; winning it first repairs a change a killed holder left behind."""
        return txn.OfficeLock(self.gdir, self.top)

    def recover(self) -> None:
        """Finish or roll back a change a killed process left behind (see store.txn)."""
        journal = txn.Journal(self.top, self.gdir)
        if not journal.exists():
            return
        lock = self.lock()
        if not lock.try_acquire():
            return  # a live process owns that journal; the lock's next winner repairs it if it dies
        try:
            lock.repair()
        finally:
            lock.release()

    def commit(self, change: txn.Change, author: vcs.Author, trailers: dict | None = None) -> str:
        """Apply ``change`` (paths relative to the records root); caller holds the lock."""
        inner_files = change.files
        change.files = {self.rel(inner): text for inner, text in inner_files.items()}
        return txn.apply(self.top, self.gdir, change, author, trailers)


def _next_serial(folder: Path, prefix: str) -> int:
    if not folder.is_dir():
        return 1
    pattern = re.compile(re.escape(prefix) + r"(\d+)\.yaml$")
    serials = [int(m.group(1)) for p in folder.iterdir() if (m := pattern.match(p.name))]
    return max(serials, default=0) + 1
