"""Moving in: the owners' register (业主档案) and old request ledgers, each imported as one
commit through the same checks as the commands that write one record at a time.

Nothing is written unless every row is accepted, or ``skip_bad`` says to write the good
rows and list the rest. A unit or phone already on file is matched to that customer, never
filed twice.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..core import commit_text, ledger, subjects, validate, workflow
from ..core.errors import Refusal, SvcError, UsageError
from ..core.intake import ANSWERABLE_AT_ONCE, new_ticket
from ..present.labels import input_words, label, said
from ..core.ticket import Event, Ticket, fold
from ..core.units import mask_phone
from ..store import sheet_limits, sheets, txn
from ..store.ids import ticket_rel
from . import customers as customer_ops
from .env import Env
from ..core.message import msg


@contextmanager
def quiet(label_: str, total: int):
    """The default progress display: none."""
    yield lambda n=1: None


@dataclass
class Outcome:
    """What an import did, or would do (``dry_run``), row by row where a row was refused."""

    kind: str
    file: str
    rows: int = 0
    blank: int = 0
    bad: list = field(default_factory=list)  # [(row, reason)]
    new: list = field(default_factory=list)  # customer ids filed by this import
    updated: list = field(default_factory=list)  # [(customer id, what was added)]
    unchanged: list = field(default_factory=list)  # customer ids matched with nothing new
    tickets: list = field(default_factory=list)  # [(ticket id, type, status)]
    dry_run: bool = False
    commit: str | None = None
    encoding: str | None = None

    def to_dict(self) -> dict:
        out = {"kind": self.kind, "file": self.file, "encoding": self.encoding, "rows": self.rows,
               "blank": self.blank, "bad": [{"row": r, "reason": why} for r, why in self.bad],
               "new_customers": self.new,
               "updated_customers": [{"id": cid, "added": what} for cid, what in self.updated],
               "unchanged_customers": self.unchanged}
        if self.kind == "tickets":
            out["tickets"] = [{"id": tid, "type": kind, "status": status} for tid, kind, status in self.tickets]
        return {**out, "dry_run": self.dry_run, "commit": self.commit}


class ImportRefused(Refusal):
    """Rows could not be read: nothing was written. Carries the outcome so the rows can be listed."""

    def __init__(self, outcome: Outcome):
        total = outcome.rows - outcome.blank
        super().__init__(f"refused, nothing written: {len(outcome.bad)} of {total} rows in {outcome.file} "
                         "cannot be imported (listed above): fix them, or add --skip-bad to import the rest")
        self.outcome = outcome


def _limits(env: Env, max_rows: int | None) -> sheet_limits.Limits:
    """The limits of this import: anyone may lower the row limit, only a supervisor or
    director raise it (a larger file is a larger load on the PC)."""
    if max_rows is None:
        return sheet_limits.Limits()
    if max_rows > sheet_limits.MAX_ROWS and not env.actor().senior:
        raise Refusal(msg('reading more than {limit} rows (--max-rows) needs a supervisor or director: {roster}',
                          limit=sheet_limits.MAX_ROWS, roster=workflow.senior_names(env.office.roster)))
    return sheet_limits.Limits(max_rows)


def _table(path, encoding, sheet, fields, maps, required, limits):
    table = sheets.read(Path(path), encoding, sheet, limits)
    cells = [row for _, row in table.rows]
    if not any(any(not ledger.blank(c) for c in row) for row in cells):
        raise UsageError(msg('{name} has no rows', name=table.name))
    head = ledger.find_header(cells, fields, maps)
    columns = ledger.match_columns(table.rows[head][1], fields, maps, required)
    return table, columns, table.rows[head + 1:]


def _read_rows(rows, outcome: Outcome, progress, label_: str, read) -> list:
    """(row number, ``read(number, cells)``) for every row that is not blank; a row ``read``
    refuses is listed as bad with its reason."""
    out = []
    with progress(label_, len(rows)) as tick:
        for number, cells in rows:
            tick()
            if all(ledger.blank(c) for c in cells):
                outcome.blank += 1
                continue
            try:
                out.append((number, read(number, cells)))
            except SvcError as problem:
                outcome.bad.append((number, problem.message))
    return out


def _finish(env: Env, records, change: txn.Change, outcome: Outcome, actor, skip_bad: bool, trailers: dict,
            progress) -> Outcome:
    """Refuse, stop at the plan, or write everything in one commit."""
    if outcome.bad and not skip_bad:
        raise ImportRefused(outcome)
    if outcome.dry_run or not change.files:
        return outcome
    with progress("writing", len(change.files)) as tick:
        outcome.commit = records.commit(change, env.author(actor), trailers, progress=tick)
    return outcome


# ------------------------------------------------------------------------------ customers

def import_customers(env: Env, path, *, encoding=None, maps=(), sheet=None, skip_bad=False, dry_run=False,
                     max_rows=None, progress=quiet) -> Outcome:
    mapping = ledger.parse_maps(maps, ledger.CUSTOMER_FIELDS)
    table, columns, rows = _table(path, encoding, sheet, ledger.CUSTOMER_FIELDS, mapping, ledger.CUSTOMER_REQUIRED,
                                  _limits(env, max_rows))
    outcome = Outcome("customers", table.name, rows=len(rows), dry_run=dry_run, encoding=table.encoding)
    actor = env.actor()
    records = env.records
    with records.lock():
        on_file = records.customers()
        originals = {c["id"]: customer_ops.record(c) for c in on_file}
        index = customer_ops.Index(dict(c) for c in on_file)
        numbering = records.numbering(records.station())
        touched: dict = {}  # customer id -> rows that touched it
        filed = _read_rows(rows, outcome, progress, "checking",
                           lambda number, cells: _file_owner(index, numbering, number, cells, columns))
        for number, cid in filed:
            touched.setdefault(cid, []).append(number)
        change = txn.Change("")
        for cid in touched:
            cust = index.by_id[cid]
            if cid not in originals:
                outcome.new.append(cid)
            elif customer_ops.record(cust) != originals[cid]:
                outcome.updated.append((cid, _added(originals[cid], cust)))
            else:
                outcome.unchanged.append(cid)
                continue
            customer_ops.stage(records, change, cust)
        facts = subjects.office_facts("import-customers", Import=table.name, New=len(outcome.new),
                                      Updated=len(outcome.updated), Skipped=len(outcome.bad) or None)
        change.message = said(subjects.said(facts), env.office.language)
        return _finish(env, records, change, outcome, actor, skip_bad, facts, progress)


def _file_owner(index: customer_ops.Index, numbering, number: int, cells: list, columns: dict) -> str:
    """File one register row: a new customer, or more phones and units on the customer it
    matches. Returns the customer id."""
    name = ledger.text(ledger.cell(cells, columns, "name"))
    if not name:
        raise UsageError(msg('no name'))
    phones = [p for key in ("phone", "phone2") for p in ledger.phones(ledger.cell(cells, columns, key))]
    units = ledger.units(cells, columns)
    if not units:
        raise UsageError(msg('no unit'))
    notes = ledger.text(ledger.cell(cells, columns, "notes")) or None
    _plain_text(name=name, notes=notes)
    given_id = ledger.text(ledger.cell(cells, columns, "id")).upper()
    cust = index.by_id.get(given_id)
    if cust is not None:
        others = index.clashes([p for p in phones if "*" not in p], units, exclude=given_id)
        if others:
            raise Refusal(msg('{others}, not {given_id}: fix the row, or move it by hand (svcctl customer edit)', others=others[0][1], given_id=given_id))
    else:
        cust = _match(index, name, [p for p in phones if "*" not in p], units)
    phones = [_unmask(p, cust) for p in phones]
    if cust is None:
        data = customer_ops.build(name, phones, units, notes)
        data = {"id": numbering.customer_id(), **data}
        index.add(data)
        return data["id"]
    if cust["id"] == given_id:  # a row of an export: the sheet is the newer word on name and notes
        cust["name"] = name
        cust["notes"] = notes
    elif notes and not cust.get("notes"):
        cust["notes"] = notes
    cust["phones"] = list(dict.fromkeys([*(cust.get("phones") or ()), *phones]))
    cust["units"] = list(dict.fromkeys([*(cust.get("units") or ()),
                                        *(u for u in units if not _holds(index, cust["id"], u))]))
    index.add(cust)
    return cust["id"]


def _plain_text(**fields) -> None:
    """Refuse the row, not the whole import, when a field of a customer it files holds a
    control character (the ticket's own fields are refused row by row when checked)."""
    for key, value in fields.items():
        problem = validate.text_problem(key, value)
        if problem:
            raise UsageError(problem)


def _holds(index: customer_ops.Index, cid: str, unit: str) -> bool:
    return any(holder == cid for _, holder in index.unit_holders(unit))


def _match(index: customer_ops.Index, name: str, phones: list, units: list) -> dict | None:
    """The one customer on file a row belongs to: by phone (the same person, whatever name
    the clerk wrote down then), or by unit under the same name. A unit on file under
    another name is a question for a person (a sold flat, a second owner), not a guess."""
    found = {}
    for cid, reason in index.clashes(phones, units):
        found.setdefault(cid, reason)
    if len(found) > 1:
        raise Refusal(msg('the row matches several customers ({found}): fix the row, or merge those files first', found='; '.join(found.values())))
    if not found:
        return None
    cid, reason = next(iter(found.items()))
    cust = index.by_id[cid]
    by_phone = any(index.phone_holder(p) == cid for p in phones)
    if not by_phone and cust.get("name") != name:
        raise Refusal(msg("{reason} under the name {cust}, not {name}: one file per household; add this row's phone to {cid} by hand (svcctl customer edit) or fix the row", reason=reason, cust=cust.get('name'), name=name, cid=cid))
    return cust


def _unmask(phone: str, cust: dict | None) -> str:
    """A masked phone (from an export without --reveal) stands for the number on file it masks."""
    if "*" not in phone:
        return phone
    for known in (cust or {}).get("phones") or ():
        if mask_phone(known) == phone:
            return known
    raise UsageError(msg('phone {phone} is masked: export with --reveal (supervisor or director) to carry phone numbers', phone=phone))


def _added(before: dict, after: dict) -> str:
    parts = [f"unit {u}" for u in after.get("units") or () if u not in (before.get("units") or ())]
    parts += [f"phone {mask_phone(p)}" for p in after.get("phones") or () if p not in (before.get("phones") or ())]
    parts += [f"{key} changed" for key in ("name", "notes") if after.get(key) != before.get(key)]
    return ", ".join(parts)


# ------------------------------------------------------------------------------ tickets

def import_tickets(env: Env, path, *, encoding=None, maps=(), sheet=None, skip_bad=False, dry_run=False,
                   default_type=None, max_rows=None, progress=quiet) -> Outcome:
    mapping = ledger.parse_maps(maps, ledger.TICKET_FIELDS)
    mapping.words = {kind: input_words(kind) for kind in ledger.VOCABULARY}
    table, columns, rows = _table(path, encoding, sheet, ledger.TICKET_FIELDS, mapping, ledger.TICKET_REQUIRED,
                                  _limits(env, max_rows))
    if not {"unit", "customer"} & set(columns) and "room" not in columns:
        raise UsageError(msg('{name} has no unit (房号) or customer id (客户编号) column: name one with --map', name=table.name))
    if "type" not in columns and not default_type:
        raise UsageError(msg('{name} has no type (类型) column: give --type for a ledger of one kind, e.g. --type repair for a 报修登记表', name=table.name))
    outcome = Outcome("tickets", table.name, rows=len(rows), dry_run=dry_run, encoding=table.encoding)
    actor = env.actor()
    records = env.records
    office = env.office
    with records.lock():
        index = customer_ops.Index(records.customers())
        numbering = records.numbering(records.station())
        read = [entry for _, entry in _read_rows(rows, outcome, progress, "reading", lambda number, cells: ledger.ledger_row(
            number, cells, columns, mapping, office.tz, default_type=default_type, departments=office.departments,
            roster=office.roster))]
        # Oldest first, so that serials within a month follow the order requests came in.
        read.sort(key=lambda r: (r.received, r.row))
        change = txn.Change("")
        ctx = env.context(actor)
        new_customers: list = []
        with progress("checking", len(read)) as tick:
            for entry in read:
                tick()
                try:
                    ticket, created = _ticket(env, ctx, index, entry, table.name)
                except SvcError as problem:
                    outcome.bad.append((entry.row, problem.message))
                    continue
                if created is not None:
                    created = {"id": numbering.customer_id(), **created}
                    index.add(created)
                    new_customers.append(created)
                    ticket = Ticket({**ticket.header, "customer": created["id"]}, ticket.events)
                ticket = Ticket({**ticket.header, "id": numbering.ticket_id(ticket.received_at)}, ticket.events)
                try:
                    change.write(ticket_rel(ticket.id), records.checked_text("ticket", ticket.to_record(), ticket.id))
                except SvcError as problem:
                    outcome.bad.append((entry.row, problem.message))
                    continue
                outcome.tickets.append((ticket.id, ticket.type, fold(ticket, env.office.policy).status))
        for cust in new_customers:
            customer_ops.stage(records, change, cust)
            outcome.new.append(cust["id"])
        outcome.bad.sort()
        facts = subjects.office_facts("import-tickets", Import=table.name, Tickets=len(outcome.tickets),
                                      New=len(outcome.new), Skipped=len(outcome.bad) or None)
        change.message = said(subjects.said(facts), env.office.language)
        return _finish(env, records, change, outcome, actor, skip_bad, facts, progress)


def _ticket(env: Env, ctx: workflow.Context, index: customer_ops.Index, row: ledger.LedgerRow, file: str):
    """The ticket a ledger row records, with its events as they happened, each through the
    workflow's own checks; and a new customer to file when the row names one not on file."""
    customer, unit, created = _customer(index, row)
    staff_ctx = ctx if row.staff is None else workflow.Context(
        env.office.roster[row.staff], ctx.roster, ctx.departments, ctx.scheme, ctx.now)
    ticket = new_ticket(
        staff_ctx, ticket_id=f"row {row.row}", ticket_type=row.type, channel=row.channel, customer=customer,
        unit=unit, summary=row.summary, received_at=row.received, detail=row.detail, grade=row.grade,
        category=row.category, emergency=row.emergency,
        appointment_at=row.appointment if row.type == "appointment" else None,
    )
    intake = ticket.events[0]
    note = f"imported from {commit_text.one_line(file)} row {row.row}" + (f", ledger no. {row.no}" if row.no else "")
    ticket = Ticket(ticket.header, (Event("intake", intake.at, intake.by, {"note": note}),))
    if row.department:
        at = _at(row.dispatched, ticket)
        appointment = row.appointment if row.type != "appointment" else None
        ticket = ticket.with_events(*workflow.act("dispatch", ticket, ctx, at, department=row.department,
                                                      appointment_at=appointment, emergency=row.emergency))
    if row.closed or row.result:
        if row.closed is None and row.type not in ANSWERABLE_AT_ONCE and f"{row.type}.{row.grade}" not in ANSWERABLE_AT_ONCE:
            raise UsageError(msg('a result but no close time: a {value} is closed when the work was done', value=label('type', row.type, 'zh')))
        if row.result is None:
            raise UsageError(msg('a close time but no result: say what was done'))
        at = _at(row.closed, ticket) if row.closed else ticket.received_at
        ticket = ticket.with_events(*workflow.act("close", ticket, ctx, at, result=row.result, fee=row.fee,
                                                  receipt=row.receipt, leak_test_at=row.leak_test))
    if row.callback_at or row.satisfaction or row.callback_note or row.method:
        if row.callback_at is None:
            raise UsageError(msg('a callback without its time: fill the callback time (回访时间)'))
        if row.satisfaction is None:
            raise UsageError(msg('a callback without satisfaction (满意度, 1-5)'))
        note = row.callback_note or f"满意度 {row.satisfaction}/5"
        ticket = ticket.with_events(*workflow.act("callback", ticket, ctx, _at(row.callback_at, ticket),
                                                      method=row.method or "phone",
                                                      satisfaction=row.satisfaction, note=note))
    return ticket, created


def _at(moment: tuple | None, ticket: Ticket) -> datetime:
    """When a ledger event happened. A date without a time of day means some time that day:
    the earliest moment that day that keeps the events in order."""
    last = ticket.events[-1].at
    if moment is None:
        return last
    at, has_clock = moment
    if not has_clock and at.date() == last.astimezone(at.tzinfo).date() and at < last:
        return last
    return at


def _customer(index: customer_ops.Index, row: ledger.LedgerRow):
    """(customer id, unit as on file, new customer to file or None) for a ledger row."""
    if len(row.units) > 1:
        raise UsageError(msg('several units ({units}): a request is about one unit', units=', '.join(row.units)))
    unit = row.units[0] if row.units else None
    if row.customer:
        cust = index.by_id.get(row.customer)
        if cust is None:
            raise UsageError(msg('no customer {customer} on file', customer=row.customer))
    else:
        if unit is None:
            raise UsageError(msg('no unit and no customer id'))
        holders = {cid for _, cid in index.unit_holders(unit)}
        if len(holders) > 1:
            by_phone = {index.phone_holder(p) for p in row.phones} & holders
            if len(by_phone) != 1:
                raise UsageError(msg('unit {unit} has {holders} customers on file ({ids}): add a customer id (客户编号) column', unit=unit, holders=len(holders), ids=', '.join(sorted(holders))))
            holders = by_phone
        if not holders:
            if not row.name:
                raise UsageError(msg("no customer on file for unit {unit}: import the owners' register first (svcctl import customers), or give the ledger name and phone columns", unit=unit))
            _plain_text(name=row.name)
            return None, unit, customer_ops.build(row.name, row.phones, [unit])
        cust = index.by_id[holders.pop()]
    units = cust.get("units") or []
    if unit is None:
        if len(units) != 1:
            raise UsageError(msg('customer {id} has several units ({units}): the row must name one', id=cust['id'], units=', '.join(units)))
        return cust["id"], units[0], None
    on_file = next((u for u, holder in index.unit_holders(unit) if holder == cust["id"]), None)
    if on_file is None:
        raise UsageError(msg('unit {unit} is not on file for customer {id}', unit=unit, id=cust['id']))
    return cust["id"], on_file, None
