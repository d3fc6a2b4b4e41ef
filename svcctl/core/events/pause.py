"""pause: the resolve clock held while waiting on the customer or on parts."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Refusal
from ..message import msg
from .kind import TEXT, Command, Kind, Option, typed
from .request import need


@dataclass(frozen=True)
class Fields:
    reason: str = typed(TEXT, required=True)


class Pause(Kind):
    name, order, data, verb = "pause", 50, Fields, "paused"
    command = Command("Hold the resolve clock while waiting on the customer or on parts.",
                      ("svcctl pause 202611-A007 --reason '业主不在家'",),
                      (Option("--reason", required=True),))

    def request(self, ticket, ctx, at, reason):
        return dict(reason=need(reason, "--reason"))

    def allowed(self, ticket, state, event, guard):
        if state.status == "paused":
            raise Refusal(msg('{id} is already paused since {paused_since}', id=ticket.id, paused_since=f"{state.paused_since:%Y-%m-%d %H:%M}"))

    def apply(self, state, event):
        state.before_pause, state.status, state.paused_since = state.status, "paused", event.at


KIND = Pause()
