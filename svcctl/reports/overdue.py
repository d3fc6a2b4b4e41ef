"""Deadlines across all tickets: what is overdue, what is due soon, which callbacks to make.

Aggregation into plain rows only; the CLI renders them. Reading only: nothing is written.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from ..core import deadlines as dl
from ..core import model
from ..core.office import Office
from ..core.ticket import Ticket, fold
from ..core.timeutil import human_span, iso
from ..core.units import mask_phones_in


def _row(ticket: Ticket, state, d: dl.Deadline) -> dict:
    return {
        "ticket": ticket.id, "type": ticket.type, "type_zh": model.label("type", ticket.type),
        "grade": ticket.h("grade"), "unit": ticket.h("unit"), "summary": mask_phones_in(ticket.h("summary")),
        "deadline": d.name, "level": d.level, "state": d.state, "due": iso(d.due),
        "late_by": human_span(d.delta) if d.overdue else "", "minutes_late": d.minutes_late,
        "left": human_span(d.delta) if d.state == "pending" else "", "minutes_left": d.minutes_left,
        "owner": state.owner, "department": state.department or "",
        "action": d.action if d.overdue else f"due soon: {d.action}",
    }


def overdue(tickets: list[Ticket], office: Office, now: datetime, within: timedelta | None = None) -> list[dict]:
    """Warned and missed deadlines, plus with ``within`` those falling due that soon."""
    rows = []
    for ticket in tickets:
        state = fold(ticket)
        for d in dl.evaluate(ticket, office.policy, office.calendar, now, state):
            soon = within is not None and d.state == "pending" and d.delta <= within
            if d.overdue or soon:
                rows.append(_row(ticket, state, d))
    order = {"missed": 0, "warned": 1, "pending": 2}
    rows.sort(key=lambda r: (order[r["state"]], r["due"], r["ticket"]))
    return rows


def callbacks(tickets: list[Ticket], office: Office, now: datetime, due_only: bool = False) -> list[dict]:
    """Callbacks (回访) still to make: every closed repair, complaint and paid service."""
    rows = []
    for ticket in tickets:
        state = fold(ticket)
        if state.status != "closed":
            continue
        for d in dl.evaluate(ticket, office.policy, office.calendar, now, state):
            if d.name != "callback" or d.state not in dl.OPEN_STATES:
                continue
            if due_only and d.state == "pending" and d.due > office.calendar.end_of_day(now):
                continue
            row = _row(ticket, state, d)
            row["closed_at"] = iso(state.last_close.at)
            row["result"] = mask_phones_in(state.last_close.get("result"))
            rows.append(row)
    rows.sort(key=lambda r: (r["due"], r["ticket"]))
    return rows
