"""Views as the rows of the documented JSON contract (README, "JSON output").

Keys and stored values are stable English keys; times are ISO 8601; the few human strings
the contract carries (``late_by``, ``left``, ``action``) are rendered here from numbers.
"""
from __future__ import annotations

from .labels import label
from ..core.deadlines import Deadline
from ..core.timeutil import iso
from ..core.view import TicketView
from . import privacy, words
from .disclosure import MASKED, Shown


def deadline(d: Deadline) -> dict:
    return {
        "name": d.name, "level": d.level, "due": iso(d.due), "state": d.state,
        "stopped_at": iso(d.stopped_at), "minutes_left": d.minutes_left, "minutes_late": d.minutes_late,
        "source": d.source, "action": words.action(d.name) if d.overdue else None,
    }


def ticket(view: TicketView, shown: Shown = MASKED, known=()) -> dict:
    """The ticket as ``show`` gives it: header, derived state, deadlines, timeline, with its
    free text as ``shown`` allows (``known``: the customer's name and numbers, hidden where
    text is scrubbed)."""
    record = view.ticket.to_record()
    events = record.pop("events")
    record = privacy.record(record, shown, known)
    return {
        **{k: record.get(k) for k in ("id", "type", "grade", "category")},
        "type_zh": label("type", view.type, "zh"),
        "emergency": view.emergency,
        **{k: record.get(k) for k in ("channel", "customer", "unit", "place", "summary", "detail", "received_at",
                                      "first_responder", "appointment_at", "requested_by")},
        "status": view.status, "owner": view.state.owner, "department": view.state.department,
        "assignee": view.state.assignee, "escalated_to": view.state.escalated_to,
        "callback_required": view.state.callback_required, "callback_done": view.state.callback_done,
        "reopened": view.state.reopen_count,
        "deadlines": [deadline(d) for d in view.deadlines],
        "events": [privacy.record(e, shown, known) for e in events],
    }


def listing(view: TicketView, on_file: dict | None = None) -> dict:
    """One line of ``svcctl list``: no names or phones (rules §7); ``on_file``: customer id →
    their name and numbers (``privacy.known_of``), hidden in the summary."""
    nxt = view.next_deadline
    return {
        "id": view.id, "type": view.type, "type_zh": label("type", view.type, "zh"),
        "grade": view.grade, "status": view.status, "unit": view.unit,
        "customer": view.customer, "summary": privacy.text(view.summary, privacy.known_in(on_file, view)),
        "received_at": iso(view.received_at), "owner": view.state.owner, "department": view.state.department,
        "next_deadline": nxt.name if nxt else None, "next_due": iso(nxt.due) if nxt else None,
        "next_state": nxt.state if nxt else None,
    }


def due(view: TicketView, d: Deadline, on_file: dict | None = None) -> dict:
    """One deadline of one ticket, as ``overdue`` and ``callbacks`` list it (``on_file`` as
    for ``listing``)."""
    return {
        "ticket": view.id, "type": view.type, "type_zh": label("type", view.type, "zh"),
        "grade": view.grade, "unit": view.unit, "summary": privacy.text(view.summary, privacy.known_in(on_file, view)),
        "deadline": d.name, "level": d.level, "state": d.state, "due": iso(d.due),
        "late_by": words.minutes(d.minutes_late) if d.overdue else "", "minutes_late": d.minutes_late,
        "left": words.minutes(d.minutes_left), "minutes_left": d.minutes_left,
        "owner": view.state.owner, "department": view.state.department or "",
        "action": words.action(d.name) if d.overdue else f"due soon: {words.action(d.name)}",
    }


def callback(view: TicketView, d: Deadline, customer: dict | None = None) -> dict:
    """``customer``: the file of the customer to call, whose name the summary and result must not carry."""
    known = privacy.known_of(customer)
    return {**due(view, d, {view.customer: known}), "closed_at": iso(view.closed_at),
            "result": privacy.text(view.result, known)}
