"""A ticket as it stood at an instant, and every deadline outcome its history decided.

Figures for a period that has ended must never drift, so they read a ticket "as of" the
period end: only its events strictly before that instant, evaluated at that instant. The
read model shows a ticket's deadlines as they stand now; a reopen replaces the callback
of the earlier close with a rework deadline, and a cancel drops the deadlines it leaves
unfinished. A report needs more: an outcome decided before the reopen or the cancel still
counts (a callback missed before a reopen stays missed; a deadline missed and then
cancelled stays missed). ``outcomes`` recovers them by reading the ticket as it stood at
each reopen and cancel.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..core.calendar import OfficeCalendar
from ..core.deadlines import Deadline
from ..core.policy import Policy
from ..core.ticket import Ticket, folding, step
from ..core.view import TicketView, build

DECIDED = ("met", "late", "warned", "missed")
# Events after which the read model no longer shows every deadline decided before them.
_CHECKPOINTS = ("reopen", "cancel")


def before(ticket: Ticket, instant: datetime) -> Ticket:
    """The ticket with only its events strictly before ``instant``."""
    events = ticket.events
    if not events or events[-1].at < instant:
        return ticket
    return Ticket(ticket.header, tuple(e for e in events if e.at < instant))


@dataclass(frozen=True)
class Outcome:
    """One deadline that fell due: met when its stopping event came at or before the due
    time (the very second counts as met), missed otherwise."""

    view: TicketView
    deadline: Deadline
    owner: str | None  # who owned the ticket at the due time (首问负责制, or the escalation)
    department: str | None  # the department holding its work order at the due time

    @property
    def met(self) -> bool:
        stopped = self.deadline.stopped_at
        return stopped is not None and stopped <= self.deadline.due

    @property
    def due(self) -> datetime:
        return self.deadline.due


@dataclass(frozen=True)
class AsOf:
    """A ticket read at ``instant`` from its events before it."""

    view: TicketView
    outcomes: tuple[Outcome, ...]

    @property
    def ticket(self) -> Ticket:
        return self.view.ticket


def as_of(ticket: Ticket, policy: Policy, calendar: OfficeCalendar, instant: datetime) -> AsOf | None:
    """The ticket as it stood at ``instant``; None when it was received at or after it."""
    if ticket.received_at >= instant:
        return None
    seen = before(ticket, instant)
    view = build(seen, policy, calendar, instant)
    found: dict[tuple, Deadline] = {}
    for index, event in enumerate(seen.events):
        if event.kind in _CHECKPOINTS:
            earlier = build(Ticket(seen.header, seen.events[:index]), policy, calendar, event.at)
            for d in earlier.deadlines:
                if d.state in DECIDED:
                    found[(d.name, d.start)] = d
    for d in view.deadlines:
        if d.state in DECIDED:
            found[(d.name, d.start)] = d
    decided = sorted(found.values(), key=lambda d: (d.due, d.name))
    held = holders(view.ticket, [d.due for d in decided])
    return AsOf(view, tuple(Outcome(view, d, *held[d.due]) for d in decided))


def holders(ticket: Ticket, instants) -> dict[datetime, tuple[str | None, str | None]]:
    """Owner and department of the ticket at each of ``instants`` (events at that instant
    included), in one pass over its events (they are in time order)."""
    acc = folding(ticket)
    events, i, out = ticket.events, 0, {}
    for instant in sorted(set(instants)):
        while i < len(events) and events[i].at <= instant:
            step(acc, events[i])
            i += 1
        out[instant] = (acc.owner, acc.department)
    return out

