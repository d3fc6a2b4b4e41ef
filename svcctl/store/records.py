"""The records folder as the operations see it: ``Records`` loads records (refusing a broken
one), answers listings from the ticket index, hands out ids and records changes. The work is
done in modules of their own: which file is which (store.names), reading and checking one
record (store.reading), ids (store.ids), the index (store.index), writing (store.txn)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .. import vcs
from ..core.errors import BrokenRecord, ConflictError, NotFound, SvcError
from ..core.message import msg
from ..core.office import Office
from . import names, reading, yamlio
from .changes import Changes
from .folders import linked_folder, not_a_folder
from .ids import canonical_customer_id, file_stem, ticket_rel
from .listings import IndexedReading
from .names import CONFIG
from .walk import upward

if TYPE_CHECKING:
    from ..core.ticket import Ticket


KEPT_CONFIG = "svcctl-config.parsed"  # in the git directory (yamlio.parse_kept)


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


@dataclass
class Records(IndexedReading, Changes):
    """One records folder: where it is, and its records loaded (refused when broken); the
    listings answered from the ticket index (``IndexedReading``) and ids and changes
    (``Changes``) come with it. Used as a context manager (or ``close``d) it closes the index
    and report cache files it opened: an open SQLite connection keeps its locks, and
    whatever opens the same file next in this process would wait for them."""

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
        raw = reading.read_file(self.root, inner)
        if isinstance(raw, str):
            return None, None, [(None, raw)]
        parse = yamlio.parse
        if kind == "config" and inner == CONFIG and self.owns_repo():
            # Every command reads svcctl.yaml: its reading is kept beside the index.
            gdir = self.gdir
            parse = lambda text: yamlio.parse_kept(text, gdir / KEPT_CONFIG)  # noqa: E731
        return reading.check_bytes(kind, inner, raw, office=office, customers=customers, parse=parse)

    @cached_property
    def _folders_seen(self) -> dict:
        return {}

    def check_bytes(self, kind: str, inner: str, raw: bytes, **context):
        """``read`` for a record's bytes from anywhere (``reading.check_bytes``)."""
        return reading.check_bytes(kind, inner, raw, **context)

    def _load(self, kind: str, inner: str, **context):
        data, _, problems = self.read(kind, inner, **context)
        if problems:
            pending = self.pending_merge()
            if pending and self.rel(inner) in pending[1]:
                raise ConflictError(msg('{file}: {pending}', file=self.label(inner), pending=pending[0]))
            line, message = problems[0]
            raise BrokenRecord(self.label(inner), line, message)
        return data

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
        return [name[:-len(".yaml")] for name in names.records_in(os.path.join(self.root, "customers"))]

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
        """Every ticket file (``store.names``) in path order, whatever it is (a folder or a
        link named so is a record that is wrong)."""
        return names.month_records(self.root)

    def ticket(self, ticket_id: str) -> Ticket:
        inner = ticket_rel(ticket_id)
        if not os.path.lexists(self.root / inner):
            raise NotFound(msg("no ticket {stem}: see 'svcctl list'", stem=file_stem(inner)))
        return self._load_ticket(inner)

    def _load_ticket(self, inner: str) -> Ticket:
        from ..core.ticket import Ticket  # with the kinds of event: loaded by what reads a ticket

        return Ticket.from_record(self._load("ticket", inner, office=self.office))

    # -- handovers ---------------------------------------------------------------
    def handover_paths(self) -> list[Path]:
        """Handover records, oldest first (their names begin with the office time)."""
        inners = names.month_records(self.root, "handovers")
        return sorted((self.root / inner for inner in inners), key=lambda p: p.name)

    def handover(self, inner: str) -> dict:
        return self._load("handover", inner, office=self.office)
