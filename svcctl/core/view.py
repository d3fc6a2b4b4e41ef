"""The read model: one language-neutral view of a ticket, built once from its fold.

Every output reads this view and nothing else folds tickets for display: ``list``,
``show``, ``overdue``, ``callbacks``, the work order, reports, the handover and the
index. It holds keys, times and numbers only; words, units of time and labels are made
by the rendering layer (``svcctl.present``), in the reader's language.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .calendar import OfficeCalendar
from .deadlines import Deadline, evaluate
from .policy import Policy
from .ticket import Event, State, Ticket, fold

HEADER_FIELDS = ("id", "type", "grade", "category", "channel", "customer", "unit", "summary", "detail",
                 "received_at", "first_responder", "appointment_at", "requested_by")
# The order of urgency among open deadlines: most late first, a held clock last.
_URGENCY = {"missed": 0, "warned": 1, "pending": 2, "paused": 3}


@dataclass(frozen=True)
class TicketView:
    ticket: Ticket
    state: State
    deadlines: tuple[Deadline, ...]
    now: datetime

    def __getattr__(self, name):
        # Header fields read as attributes (view.unit, view.received_at): the view adds to
        # the record, it never renames it.
        if name in HEADER_FIELDS:
            return self.ticket.header.get(name)
        raise AttributeError(name)

    @property
    def emergency(self) -> bool:
        return bool(self.ticket.h("emergency")) or self.state.emergency_since is not None

    @property
    def events(self) -> tuple[Event, ...]:
        return self.ticket.events

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def is_open(self) -> bool:
        return self.state.is_open

    @property
    def open_deadlines(self) -> tuple[Deadline, ...]:
        return tuple(d for d in self.deadlines if d.is_open)

    @property
    def overdue(self) -> tuple[Deadline, ...]:
        return tuple(d for d in self.deadlines if d.overdue)

    @property
    def next_deadline(self) -> Deadline | None:
        """The open deadline due first; a paused one (no due time while held) comes last."""
        open_ones = self.open_deadlines
        if not open_ones:
            return None
        return min(open_ones, key=lambda d: (d.due is None, d.due or self.now))

    def deadline(self, name: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.name == name), None)

    @property
    def closed_at(self) -> datetime | None:
        close = self.state.current_close
        return close.at if close is not None else None

    @property
    def result(self) -> str | None:
        close = self.state.last_close
        return close.get("result") if close is not None else None

    @property
    def fee(self) -> Decimal | None:
        close = self.state.last_close
        return close.get("fee") if close is not None else None

    @property
    def satisfaction(self) -> int | None:
        callback = self.state.last_callback
        return callback.get("satisfaction") if callback is not None else None

    @property
    def awaiting_callback(self) -> bool:
        return self.state.status == "closed"


def build(ticket: Ticket, policy: Policy, calendar: OfficeCalendar, now: datetime) -> TicketView:
    state = fold(ticket, policy)
    return TicketView(ticket, state, tuple(evaluate(ticket, policy, calendar, now, state)), now)


def urgency(d: Deadline) -> int:
    return _URGENCY.get(d.state, 9)
