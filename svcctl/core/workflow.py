"""What may happen to a ticket next: each function returns the new events or refuses.

Pure decisions: the caller supplies the ticket, the acting staff member, the roster and
the time; nothing here reads or writes files.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from .errors import Refusal, UsageError
from .events import KINDS, Guard, money, senior_names  # noqa: F401 - senior_names is used by operations
from .model import SENIOR_ROLES, normalise
from .model import department as model_department
from .ticket import Event, Ticket, folding, step
from .validate import within_problem
from .message import msg

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


def check_time(at: datetime, now: datetime, not_before: datetime | None = None, what: str = msg("event"),
               before_what: str = msg("the ticket's last event")) -> None:
    if at > now + FUTURE_SLACK:
        raise UsageError(msg('{what} time {at} lies in the future: give the time it really happened', what=what, at=at.isoformat()))
    if not_before is not None and at < not_before:
        raise Refusal(msg('{what} time {at} is before {before_what} at {not_before}: events are recorded in time order', what=what, at=at.isoformat(), before_what=before_what, not_before=not_before.isoformat()))


def guard_for(ctx: Context) -> Guard:
    return Guard(ctx.actor.id, ctx.actor.role, ctx.roster, ctx.departments)


def decide(ticket: Ticket, ctx: Context, events: list[Event]) -> list[Event]:
    """``events`` if the rules allow appending them now, in order; else a ``Refusal``.
    The same guards judge every event again when ``svcctl check`` replays a history."""
    last = ticket.events[-1].at if ticket.events else ticket.received_at
    check_time(events[0].at, ctx.now, last)
    acc = folding(ticket)
    for event in ticket.events:
        step(acc, event)
    guard = guard_for(ctx)
    for event in events:
        KINDS[event.kind].check(ticket, acc, event, guard)
        step(acc, event)
    return events


def _event(kind: str, ctx: Context, at: datetime, **data) -> Event:
    return Event(kind, at, ctx.actor.id, {k: v for k, v in data.items() if v is not None})


def _one(ticket, ctx, kind, at, **data) -> list[Event]:
    return decide(ticket, ctx, [_event(kind, ctx, at, **data)])


def _staff(ctx: Context, staff_id: str) -> None:
    if staff_id not in ctx.roster:
        raise UsageError(msg("unknown staff id {staff_id!r}: see 'svcctl staff list'", staff_id=staff_id))


def dispatch(ticket, ctx, at, department, assignee=None, appointment_at=None, emergency=False, note=None):
    department = model_department(department, ctx.departments)
    if assignee is not None:
        _staff(ctx, assignee)
    if appointment_at is not None and appointment_at < at:
        raise UsageError(msg('the appointment time is before the dispatch: give the agreed visit time'))
    return _one(ticket, ctx, "dispatch", at, to=department, assignee=assignee, appointment_at=appointment_at,
                emergency=emergency or None, note=note)


def arrive(ticket, ctx, at, note=None):
    return _one(ticket, ctx, "arrive", at, note=note)


def reply(ticket, ctx, at, note):
    return _one(ticket, ctx, "reply", at, note=_need(note, "--note"))


def escalate(ticket, ctx, at, to, note):
    _staff(ctx, to)
    return _one(ticket, ctx, "escalate", at, to=to, note=_need(note, "--note"))


def pause(ticket, ctx, at, reason):
    return _one(ticket, ctx, "pause", at, reason=_need(reason, "--reason"))


def resume(ticket, ctx, at, note=None):
    return _one(ticket, ctx, "resume", at, note=note)


def close(ticket, ctx, at, result, fee=None, receipt=None, signed=None, leak_test_at=None, temporary=False):
    """The outcome; with ``temporary`` only a temporary measure, and the ticket stays open."""
    result = _need(result, "--result")
    if fee is not None:
        try:
            exact = Decimal(str(fee).strip())
            fee = money(exact)
        except (ValueError, ArithmeticError):
            raise UsageError(msg('--fee {fee!r}: give the amount collected in yuan, e.g. 80 or 80.50', fee=fee)) from None
        if fee < 0 or fee != exact:
            raise UsageError(msg('--fee {exact}: give the amount collected, 0 or more, with at most two decimals', exact=exact))
    if temporary and (fee is not None or leak_test_at is not None):
        raise UsageError(msg('a temporary measure takes no --fee or --leak-test-at: give those at the real close'))
    if leak_test_at is not None:
        if ticket.h("category") != "leak":
            raise UsageError(msg('--leak-test-at is for leak repairs (category leak) only'))
        check_time(leak_test_at, ctx.now, ticket.received_at, what=msg("leak test"), before_what=msg("the intake"))
        if leak_test_at > at:
            raise UsageError(msg('the leak test is after the close: close the ticket once the leak test is done'))
    return _one(ticket, ctx, "close", at, result=result, fee=fee, receipt=receipt or None, signed=signed,
                leak_test_at=leak_test_at, temporary=temporary or None)


def callback(ticket, ctx, at, method, satisfaction, note, unresolved=False, within=None):
    method = normalise("method", method)
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise UsageError(msg('--satisfaction must be a whole number from 1 (very poor) to 5 (very good)'))
    note = _need(note, "--note")
    events = [_event("callback", ctx, at, method=method, satisfaction=satisfaction, note=note,
                     unresolved=unresolved or None)]
    if unresolved:
        events.append(_event("reopen", ctx, at, note=f"callback found it unresolved: {note}", within=_within(within)))
    return decide(ticket, ctx, events)


def reopen(ticket, ctx, at, note, within=None):
    return _one(ticket, ctx, "reopen", at, note=_need(note, "--note"), within=_within(within))


def cancel(ticket, ctx, at, reason):
    return _one(ticket, ctx, "cancel", at, reason=_need(reason, "--reason"))


def _need(text, option: str) -> str:
    if text is None or not str(text).strip():
        raise UsageError(msg('missing {option}: say what happened in a few words', option=option))
    return str(text).strip()


def _within(text):
    if text is None:
        return None
    problem = within_problem(str(text))
    if problem:
        raise UsageError(msg('--within: {problem}', problem=problem))
    return str(text)
