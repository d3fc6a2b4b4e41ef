"""What may happen to a ticket next: a command's request becomes events, or is refused.

Pure decisions: the caller supplies the ticket, the acting staff member, the roster and
the time; nothing here reads or writes files. What each kind of event takes and allows is
its own module's (core.events); this is the one way any of them is appended.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .errors import UsageError
from .events import KINDS, Guard, senior_names  # noqa: F401 - operations.imports names it here
from .events.request import check_time
from .message import msg
from .roles import Actor  # noqa: F401 - the roster's members, named here by the operations
from .ticket import Event, Ticket, folding, step


@dataclass(frozen=True)
class Context:
    actor: Actor
    roster: dict  # staff id -> Actor
    departments: tuple
    scheme: str
    now: datetime


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


def act(kind: str, ticket: Ticket, ctx: Context, at: datetime, **options) -> list[Event]:
    """The events of one ``svcctl <kind>`` command, with its options as typed: read by the
    kind (``request``), then judged against the ticket (``decide``)."""
    declared = KINDS.get(kind)
    if declared is None or declared.command is None:
        raise UsageError(msg('unknown workflow step {verb!r}', verb=kind))
    made = declared.requests(ticket, ctx, at, **options)
    return decide(ticket, ctx, [Event(name, at, ctx.actor.id, {k: v for k, v in data.items() if v is not None})
                                for name, data in made])
