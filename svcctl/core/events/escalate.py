"""escalate: the ticket goes to a supervisor or director (rules §6), who alone acts on it from then on."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Refusal
from ..message import msg
from ..roles import SENIOR_ROLES
from .kind import STAFF, TEXT, Command, Kind, Option, typed
from .request import need, on_roster


@dataclass(frozen=True)
class Fields:
    to: str = typed(STAFF, required=True)
    note: str = typed(TEXT, required=True)


class Escalate(Kind):
    name, order, data, verb = "escalate", 40, Fields, "escalated"
    needs_open = False
    change = "escalated"
    command = Command(
        "Hand the ticket to a supervisor or director (rules §6); from then on only they, or another supervisor "
        "or director, act on it.",
        ("svcctl escalate 202611-A007 --to wang --note '业主要求主任处理'",),
        (Option("--to", required=True, complete="staff", help="Staff id of a supervisor or director."),
         Option("--note", required=True)))

    def request(self, ticket, ctx, at, to, note):
        on_roster(ctx, to)
        return dict(to=to, note=need(note, "--note"))

    def allowed(self, ticket, state, event, guard):
        if state.status == "done":
            raise Refusal(msg('{id} is done: it cannot be escalated', id=ticket.id))
        to = self.of(event).to
        target = guard.roster.get(to)
        if target is not None and target.role not in SENIOR_ROLES:
            raise Refusal(msg('{to} is an agent: escalate to a supervisor or director ({guard})', to=to, guard=guard.senior_names()))
        if to == state.escalated_to:
            raise Refusal(msg('{id} is already escalated to {to}', id=ticket.id, to=to))

    def facts(self, event):
        return {"To": self.of(event).to}

    def apply(self, state, event):
        state.escalated_to = state.owner = self.of(event).to


KIND = Escalate()
