"""What may happen to a ticket next: each function returns the new events or refuses.

Pure decisions: the caller supplies the ticket, the acting staff member, the roster and
the time; nothing here reads or writes files.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import Refusal, UsageError
from .model import DISPATCHABLE, SENIOR_ROLES, TOP_GRADES, label, normalise
from .ticket import Event, State, Ticket, fold
from .validate import within_problem

FUTURE_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    role: str
    department: str | None = None
    email: str | None = None  # for git history; None: a made-up address under the office code

    @property
    def senior(self) -> bool:
        return self.role in SENIOR_ROLES


@dataclass(frozen=True)
class Context:
    actor: Actor
    roster: dict  # staff id -> Actor
    departments: tuple
    scheme: str
    now: datetime


def check_time(at: datetime, now: datetime, not_before: datetime | None = None, what: str = "event",
               before_what: str = "the ticket's last event") -> None:
    if at > now + FUTURE_SLACK:
        raise UsageError(f"{what} time {at.isoformat()} lies in the future: give the time it really happened")
    if not_before is not None and at < not_before:
        raise Refusal(f"{what} time {at.isoformat()} is before {before_what} at {not_before.isoformat()}: "
                      "events are recorded in time order")


def senior_names(roster: dict) -> str:
    """Who may do what an agent may not, for refusals that name them (rules §6)."""
    names = [f"{a.id} ({a.name})" for a in roster.values() if a.senior]
    return ", ".join(names) or "a supervisor or director (none on the roster)"


def _guard(ticket: Ticket, state: State, ctx: Context, at: datetime, verb: str) -> None:
    if state.status == "cancelled":
        raise Refusal(f"{ticket.id} is cancelled: it cannot be {verb}")
    last = ticket.events[-1].at if ticket.events else ticket.received_at
    check_time(at, ctx.now, last)
    holder = state.escalated_to
    if holder and holder != ctx.actor.id and not ctx.actor.senior:
        raise Refusal(
            f"{ticket.id} is escalated to {holder}: only {holder} or a supervisor/director "
            f"({senior_names(ctx.roster)}) may act on it"
        )


def _event(kind: str, ctx: Context, at: datetime, **data) -> Event:
    return Event(kind, at, ctx.actor.id, {k: v for k, v in data.items() if v is not None})


def _require_open(ticket: Ticket, state: State, verb: str) -> None:
    if not state.is_open:
        raise Refusal(f"{ticket.id} is {state.status}: it cannot be {verb} (reopen it first: svcctl reopen)")


def dispatch(ticket, ctx, at, department, assignee=None, appointment_at=None, emergency=False, note=None):
    state = fold(ticket)
    _guard(ticket, state, ctx, at, "dispatched")
    if ticket.type not in DISPATCHABLE:
        raise Refusal(f"a {ticket.type} ({label('type', ticket.type)}) is answered by the service centre, not dispatched")
    _require_open(ticket, state, "dispatched")
    if department not in ctx.departments:
        raise UsageError(f"unknown department {department!r}: use one of {', '.join(ctx.departments)}")
    if assignee is not None and assignee not in ctx.roster:
        raise UsageError(f"unknown staff id {assignee!r}: see 'svcctl staff list'")
    if appointment_at is not None and appointment_at < at:
        raise UsageError("the appointment time is before the dispatch: give the agreed visit time")
    return [_event("dispatch", ctx, at, to=department, assignee=assignee, appointment_at=appointment_at,
                   emergency=emergency or None, note=note)]


def arrive(ticket, ctx, at, note=None):
    state = fold(ticket)
    _guard(ticket, state, ctx, at, "marked arrived")
    if state.department is None:
        raise Refusal(f"{ticket.id} has no work order yet: dispatch it first")
    _require_open(ticket, state, "marked arrived")
    return [_event("arrive", ctx, at, note=note)]


def reply(ticket, ctx, at, note):
    state = fold(ticket)
    _guard(ticket, state, ctx, at, "replied to")
    _require_open(ticket, state, "replied to")
    return [_event("reply", ctx, at, note=_need(note, "--note"))]


def escalate(ticket, ctx, at, to, note):
    state = fold(ticket)
    _guard(ticket, state, ctx, at, "escalated")
    if state.status in ("done", "cancelled"):
        raise Refusal(f"{ticket.id} is {state.status}: it cannot be escalated")
    target = ctx.roster.get(to)
    if target is None:
        raise UsageError(f"unknown staff id {to!r}: see 'svcctl staff list'")
    if not target.senior:
        raise Refusal(f"{to} is an agent: escalate to a supervisor or director ({senior_names(ctx.roster)})")
    if to == state.escalated_to:
        raise Refusal(f"{ticket.id} is already escalated to {to}")
    return [_event("escalate", ctx, at, to=to, note=_need(note, "--note"))]


def pause(ticket, ctx, at, reason):
    state = fold(ticket)
    _guard(ticket, state, ctx, at, "paused")
    if state.status == "paused":
        raise Refusal(f"{ticket.id} is already paused since {state.paused_since.isoformat()}")
    _require_open(ticket, state, "paused")
    return [_event("pause", ctx, at, reason=_need(reason, "--reason"))]


def resume(ticket, ctx, at, note=None):
    state = fold(ticket)
    _guard(ticket, state, ctx, at, "resumed")
    if state.status != "paused":
        raise Refusal(f"{ticket.id} is not paused")
    return [_event("resume", ctx, at, note=note)]


def close(ticket, ctx, at, result, fee=None, receipt=None, signed=None, leak_test_at=None, temporary=False):
    """The outcome; with ``temporary`` only a temporary measure, and the ticket stays open."""
    state = fold(ticket)
    _guard(ticket, state, ctx, at, "closed")
    _require_open(ticket, state, "closed")
    result = _need(result, "--result")
    if temporary:
        if fee is not None or leak_test_at is not None:
            raise UsageError("a temporary measure takes no --fee or --leak-test-at: give those at the real close")
        return [_event("close", ctx, at, result=result, signed=signed, temporary=True)]
    if ticket.type == "complaint" and ticket.h("grade") in TOP_GRADES and not ctx.actor.senior:
        raise Refusal(
            f"closing a {label('grade', ticket.h('grade'))} needs a supervisor or director: {senior_names(ctx.roster)}"
        )
    if ticket.type == "paid" and (fee is None or not receipt):
        raise Refusal("a paid service is closed with the agreed fee and its receipt: add --fee AMOUNT --receipt NO")
    if fee is not None and not (math.isfinite(fee) and fee >= 0):
        raise UsageError(f"--fee {fee}: give the amount collected, 0 or more")
    if leak_test_at is not None:
        if ticket.h("category") != "leak":
            raise UsageError("--leak-test-at is for leak repairs (category leak) only")
        check_time(leak_test_at, ctx.now, ticket.received_at, what="leak test", before_what="the intake")
        if leak_test_at > at:
            raise UsageError("the leak test is after the close: close the ticket once the leak test is done")
    elif ticket.h("category") == "leak":
        raise Refusal("a leak repair is closed after the leak test (试漏): add --leak-test-at TIME, "
                      "or record a temporary measure with --temporary")
    return [_event("close", ctx, at, result=result, fee=fee, receipt=receipt or None,
                   signed=signed, leak_test_at=leak_test_at)]


def callback(ticket, ctx, at, method, satisfaction, note, unresolved=False, within=None):
    state = fold(ticket)
    _guard(ticket, state, ctx, at, "called back")
    if state.status == "done" and state.callback_done:
        raise Refusal(f"{ticket.id} has had its callback already")
    if state.status not in ("closed", "done"):
        raise Refusal(f"{ticket.id} is {state.status}: a callback (回访) follows the close (svcctl close first)")
    method = normalise("method", method)
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise UsageError("--satisfaction must be a whole number from 1 (very poor) to 5 (very good)")
    events = [_event("callback", ctx, at, method=method, satisfaction=satisfaction,
                     note=_need(note, "--note"), unresolved=unresolved or None)]
    if unresolved:
        events.append(_event("reopen", ctx, at, note=f"callback found it unresolved: {note}", within=_within(within)))
    return events


def reopen(ticket, ctx, at, note, within=None):
    state = fold(ticket)
    _guard(ticket, state, ctx, at, "reopened")
    if state.status not in ("closed", "done"):
        raise Refusal(f"{ticket.id} is {state.status}: only a closed ticket can be reopened")
    return [_event("reopen", ctx, at, note=_need(note, "--note"), within=_within(within))]


def cancel(ticket, ctx, at, reason):
    state = fold(ticket)
    _guard(ticket, state, ctx, at, "cancelled")
    if not ctx.actor.senior:
        raise Refusal(f"cancelling a ticket needs a supervisor or director: {senior_names(ctx.roster)}")
    if state.status in ("closed", "done"):
        raise Refusal(f"{ticket.id} is {state.status}: a handled ticket is not cancelled")
    return [_event("cancel", ctx, at, reason=_need(reason, "--reason"))]


def _need(text, option: str) -> str:
    if text is None or not str(text).strip():
        raise UsageError(f"missing {option}: say what happened in a few words")
    return str(text).strip()


def _within(text):
    if text is None:
        return None
    problem = within_problem(str(text))
    if problem:
        raise UsageError(f"--within: {problem}")
    return str(text)
