"""Customers and tickets out to a spreadsheet, in the columns ``svcctl import`` reads back.

Phone numbers are personal data (rules §7): an export masks them, in free text too, unless
a supervisor or director asks with ``reveal``. Ticket exports name the customer by id only.
"""
from __future__ import annotations

from pathlib import Path

from ..core import ledger
from ..core.errors import Refusal
from ..present.labels import namer
from ..core.ticket import fold
from ..core.units import mask_phones_in
from ..core.roles import senior_names
from ..store import sheets
from . import customers as customer_ops
from . import tickets as ticket_ops
from .env import Env
from ..core.message import msg

# An exported ledger names types and grades in Chinese, as the paper ledgers it replaces do.
label = namer("zh")

LIST_JOIN = "、"
CUSTOMER_COLUMNS = ("id", "name", "phone", "unit", "notes")
TICKET_COLUMNS = ("no", "received", "type", "grade", "category", "emergency", "channel", "customer", "unit",
                  "summary", "detail", "staff", "department", "dispatched", "appointment", "closed", "result",
                  "fee", "receipt", "leak_test", "callback_at", "method", "satisfaction", "callback_note", "status")


def _check_reveal(env: Env, reveal: bool) -> None:
    if not reveal:
        return
    actor = env.actor()
    if not actor.senior:
        raise Refusal(msg('an export with phone numbers (--reveal) needs a supervisor or director: {roster}; without --reveal the numbers are masked', roster=senior_names(env.office.roster)))


def _headers(fields: dict, columns) -> list[str]:
    return [fields[name][0] for name in columns]


def export_customers(env: Env, path, *, reveal=False, encoding=None) -> int:
    _check_reveal(env, reveal)
    rows = []
    for cust in env.records.customers():
        shown = customer_ops.public(cust, reveal)
        rows.append([shown["id"], shown["name"], LIST_JOIN.join(shown["phones"]), LIST_JOIN.join(shown["units"]),
                     shown["notes"]])
    sheets.write(Path(path), _headers(ledger.CUSTOMER_FIELDS, CUSTOMER_COLUMNS), rows, encoding)
    return len(rows)


def export_tickets(env: Env, path, *, reveal=False, encoding=None, since=None, until=None) -> int:
    _check_reveal(env, reveal)
    tz = env.office.tz
    text = (lambda value: value) if reveal else mask_phones_in
    local = lambda moment: moment.astimezone(tz) if moment is not None else None  # noqa: E731
    rows = []
    for ticket in sorted(ticket_ops.received_between(env, since, until), key=lambda t: t.id):
        state = fold(ticket, env.office.policy)
        dispatch = next((e for e in reversed(ticket.events) if e.kind == "dispatch"), None)
        close = state.current_close
        callback = next((e for e in reversed(ticket.events) if e.kind == "callback"), None)
        get = lambda event, key: event.get(key) if event is not None else None  # noqa: E731
        values = {
            "no": ticket.id, "received": local(ticket.received_at), "type": label("type", ticket.type),
            "grade": label("grade", ticket.h("grade")), "category": label("category", ticket.h("category")),
            "emergency": "是" if ticket.h("emergency") else "", "channel": label("channel", ticket.h("channel")),
            "customer": ticket.h("customer"), "unit": ticket.h("unit"), "summary": text(ticket.h("summary")),
            "detail": text(ticket.h("detail")), "staff": ticket.h("first_responder"),
            "department": get(dispatch, "to"), "dispatched": local(dispatch.at) if dispatch else None,
            "appointment": local(ticket.h("appointment_at") or get(dispatch, "appointment_at")),
            "closed": local(close.at) if close else None, "result": text(get(close, "result")),
            "fee": get(close, "fee"), "receipt": get(close, "receipt"), "leak_test": local(get(close, "leak_test_at")),
            "callback_at": local(callback.at) if callback else None,
            "method": label("method", get(callback, "method")), "satisfaction": get(callback, "satisfaction"),
            "callback_note": text(get(callback, "note")), "status": label("status", state.status),
        }
        rows.append([values[name] for name in TICKET_COLUMNS])
    sheets.write(Path(path), _headers(ledger.TICKET_FIELDS, TICKET_COLUMNS), rows, encoding)
    return len(rows)
