"""The shift handover (交接班, rules §10): what the next shift must pick up, sorted into
urgent, normal and waiting, and what changed since the last recorded handover.

Pure: views and events in, keys and times out; the words are made at the edge.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..core.deadlines import Deadline
from ..core.events import KINDS
from ..core.view import TicketView, urgency

GROUPS = ("urgent", "normal", "waiting")


@dataclass(frozen=True)
class Item:
    group: str  # urgent, normal, waiting
    view: TicketView
    deadline: Deadline | None  # the deadline that decides the action, if any
    why: str  # missed, warned, due_in_shift, paused, appointment_later, pending, callback_owed

    @property
    def action(self) -> str:
        """The key of what to do: a deadline name, or ``paused``/``appointment``."""
        if self.why == "paused":
            return "paused"
        if self.why == "appointment_later":
            return "appointment_later"
        return self.deadline.name if self.deadline is not None else "follow_up"


@dataclass(frozen=True)
class Change:
    change: str  # what the event's kind calls it (Kind.changes): new, closed, escalated, reopened, cancelled
    view: TicketView
    at: datetime
    by: str


def appointment(view: TicketView) -> datetime | None:
    """The visit still to keep: the latest agreed one (a work order's, else the booking's own
    time); None once the technician arrived after it was agreed, since a kept appointment
    (a reopened repair's old one) no longer keeps the ticket waiting."""
    events = view.events
    agreed = [i for i, e in enumerate(events) if e.get("appointment_at")]
    since = agreed[-1] if agreed else 0
    at = events[since].get("appointment_at") if agreed else view.appointment_at
    if at is not None and any(e.kind == "arrive" for e in events[since + 1:]):
        return None
    return at


def sort(views, now: datetime, shift_end: datetime) -> list[Item]:
    """Every ticket still needing work (not done, not cancelled) in its group, most pressing first."""
    items = []
    for view in views:
        if not (view.is_open or view.awaiting_callback):
            continue
        items.append(_place(view, now, shift_end))
    order = {g: i for i, g in enumerate(GROUPS)}

    def key(item: Item):
        d = item.deadline
        due = d.due if d is not None and d.due is not None else (appointment(item.view) or shift_end)
        return order[item.group], urgency(d) if d is not None else 9, due, item.view.id

    items.sort(key=key)
    return items


def _place(view: TicketView, now: datetime, shift_end: datetime) -> Item:
    overdue = sorted(view.overdue, key=lambda d: (urgency(d), d.due))
    if overdue:
        return Item("urgent", view, overdue[0], overdue[0].state)
    nxt = view.next_deadline
    if nxt is not None and nxt.due is not None and nxt.due <= shift_end:
        return Item("urgent", view, nxt, "due_in_shift")
    if view.status == "paused":
        return Item("waiting", view, nxt, "paused")
    agreed = appointment(view)
    if agreed is not None and agreed > shift_end:
        return Item("waiting", view, nxt, "appointment_later")
    return Item("normal", view, nxt, "callback_owed" if view.awaiting_callback else "pending")


def changes(views, since: datetime, now: datetime) -> list[Change]:
    """New, closed, escalated, reopened and cancelled tickets after ``since`` up to ``now``:
    every event whose kind says it changes a ticket for the next shift."""
    out = []
    for view in views:
        for e in view.events:
            change = KINDS[e.kind].changes(e) if since < e.at <= now else None
            if change is not None:
                out.append(Change(change, view, e.at, e.by))
    out.sort(key=lambda c: (c.at, c.view.id))
    return out
