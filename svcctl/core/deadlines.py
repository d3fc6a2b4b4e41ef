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
from .events import KINDS
from .policy import PROMISE_ORDER, Policy, Rule, Within, parse_within
from .ticket import Event, State, Ticket, fold

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
    start: datetime | None = None  # when the clock started
    until: tuple = ()  # the kinds of event that stop it

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

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
        if counting and event.kind in rule.until and KINDS[event.kind].settles(event):
            return event.at
        counting = counting or event is after
    return None


def evaluate(ticket: Ticket, policy: Policy, calendar: OfficeCalendar, now: datetime,
             state: State | None = None) -> list[Deadline]:
    state = state or fold(ticket, policy)
    out = []
    emergency = bool(ticket.h("emergency")) or state.emergency_since is not None
    rules = policy.rules_for(ticket.type, ticket.h("grade"), ticket.h("category"), emergency)
    for rule in rules:
        start, anchor = _start(rule, ticket, state)
        if start is None:
            continue
        stopped = _stop(rule, ticket, anchor)
        # The event that starts the clock may set its own length (reopen --within).
        span = parse_within(anchor.get("within")) if anchor is not None and anchor.get("within") else rule.span
        due = reach(calendar, start, span, state.pauses if rule.pausable else ())
        if rule.customer_date and ticket.h("requested_by"):
            due = ticket.h("requested_by")  # the date the customer asked for (rules §2, minor complaint)
        if stopped is None and state.status == "cancelled":
            continue
        out.append(clock(rule.name, rule.level, due, stopped, rule.source, start, rule.until, now))
    return out


def clock(name: str, level: str, due: datetime | None, stopped: datetime | None, source: str,
          start: datetime | None, until: tuple, now: datetime) -> Deadline:
    """A deadline's state at ``now``. Only this step depends on the clock: the index keeps the
    rest (due, stop, level) and calls it again for every reading."""
    if stopped is not None:
        late = stopped - due if due is not None and stopped > due else None
        state_now, delta = ("late", late) if late else ("met", None)
    elif due is None:
        state_now, delta = "paused", None
    elif now <= due:
        state_now, delta = "pending", due - now
    else:
        state_now, delta = ("warned" if level == "target" else "missed"), now - due
    return Deadline(name, level, due, state_now, stopped, delta, source, start, tuple(until))


def reach(calendar: OfficeCalendar, start: datetime, span: Within, pauses: tuple = ()) -> datetime | None:
    """The instant ``span`` after ``start`` on the office calendar (None while a pause holds it)."""
    if span.end_of_day:
        return calendar.end_of_day(start)
    return calendar.advance(start, span.amount, working_only=span.working_only, pauses=pauses)


def promised(deadlines: list[Deadline]) -> Deadline | None:
    """The deadline the intake confirmation promises the customer."""
    by_name = {d.name: d for d in deadlines if d.due is not None}
    for name in PROMISE_ORDER:
        if name in by_name:
            return by_name[name]
    return None
