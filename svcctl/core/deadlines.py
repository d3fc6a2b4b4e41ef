"""Every deadline of a ticket, evaluated against a given ``now``.

States: ``met`` (stopped in time), ``late`` (stopped, but after the due time),
``pending`` (running, not yet due), ``warned`` (a target passed, not yet done),
``missed`` (a hard limit passed, not yet done), ``paused`` (clock held by a pause).
Nothing here writes: overdue is a reading, so cron may ask as often as it likes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .calendar import OfficeCalendar
from .policy import PROMISE_ORDER, Policy, Rule, parse_within
from .ticket import Event, State, Ticket, fold

ACTIONS = {
    "reply": "answer the customer now",
    "first_reply": "call the customer with a first reply now",
    "answer": "give the customer a clear answer now",
    "dispatch": "open the work order: svcctl dispatch",
    "arrival": "get a technician on site now",
    "escalate": "escalate to the office director: svcctl escalate",
    "forward": "pass the suggestion to the office director: svcctl escalate",
    "appointment": "contact the customer about the agreed appointment",
    "resolve": "contact the customer proactively with progress (002 第十二条)",
    "resolve_limit": "contact the customer proactively and escalate (002 第十二条)",
    "rework": "contact the customer proactively; finish the rework",
    "callback": "make the callback: svcctl callback",
}
OPEN_STATES = ("pending", "warned", "missed", "paused")


@dataclass(frozen=True)
class Deadline:
    name: str
    level: str
    due: datetime | None
    state: str
    stopped_at: datetime | None
    delta: timedelta | None  # time left when pending, lateness when late/warned/missed
    source: str

    @property
    def action(self) -> str:
        return ACTIONS.get(self.name, "contact the customer proactively")

    @property
    def overdue(self) -> bool:
        return self.state in ("warned", "missed")

    @property
    def minutes_left(self) -> int | None:
        return int(self.delta.total_seconds() // 60) if self.state == "pending" else None

    @property
    def minutes_late(self) -> int | None:
        return int(self.delta.total_seconds() // 60) if self.state in ("late", "warned", "missed") else None


def _start(rule: Rule, ticket: Ticket, state: State) -> tuple[datetime | None, Event | None]:
    """When the rule's clock starts, and the event after which stop events count."""
    if rule.start == "intake":
        return ticket.received_at, None
    if rule.start == "appointment":
        return ticket.h("appointment_at"), None
    if rule.start == "emergency":
        return (ticket.received_at, None) if ticket.h("emergency") else (state.emergency_since, None)
    if rule.start == "reopen":
        return (state.last_reopen.at, state.last_reopen) if state.last_reopen else (None, None)
    close = state.current_close
    if close is None or state.status == "cancelled":
        return None, None
    if rule.start == "leak_test":
        return close.get("leak_test_at") or close.at, close
    return close.at, close


def _stop(rule: Rule, ticket: Ticket, after: Event | None) -> datetime | None:
    """The first event that stops the rule's clock, counting only events after ``after``."""
    counting = after is None
    for event in ticket.events:
        # A temporary measure (000 3.3.6) is recorded, but it settles nothing.
        if counting and event.kind in rule.until and not (event.kind == "close" and event.get("temporary")):
            return event.at
        counting = counting or event is after
    return None


def evaluate(ticket: Ticket, policy: Policy, calendar: OfficeCalendar, now: datetime,
             state: State | None = None) -> list[Deadline]:
    state = state or fold(ticket)
    out = []
    emergency = bool(ticket.h("emergency")) or state.emergency_since is not None
    rules = policy.rules_for(ticket.type, ticket.h("grade"), ticket.h("category"), emergency)
    for rule in rules:
        start, anchor = _start(rule, ticket, state)
        if start is None:
            continue
        stopped = _stop(rule, ticket, anchor)
        span = parse_within(anchor.get("within")) if rule.name == "rework" and anchor.get("within") else rule.span
        if span.end_of_day:
            due = calendar.end_of_day(start)
        else:
            pauses = state.pauses if rule.pausable else ()
            due = calendar.advance(start, span.amount, working_only=span.working_only, pauses=pauses)
        if rule.name == "resolve" and ticket.h("requested_by"):
            due = ticket.h("requested_by")
        if stopped is not None:
            late = stopped - due if due is not None and stopped > due else None
            out.append(Deadline(rule.name, rule.level, due, "late" if late else "met", stopped, late, rule.source))
            continue
        if state.status == "cancelled":
            continue
        if due is None:
            out.append(Deadline(rule.name, rule.level, None, "paused", None, None, rule.source))
        elif now <= due:
            out.append(Deadline(rule.name, rule.level, due, "pending", None, due - now, rule.source))
        else:
            kind = "warned" if rule.level == "target" else "missed"
            out.append(Deadline(rule.name, rule.level, due, kind, None, now - due, rule.source))
    return out


def promised(deadlines: list[Deadline]) -> Deadline | None:
    """The deadline the intake confirmation promises the customer."""
    by_name = {d.name: d for d in deadlines if d.due is not None}
    for name in PROMISE_ORDER:
        if name in by_name:
            return by_name[name]
    return None
