"""intake: the first event of every ticket, written when the request is filed (``svcctl intake``)."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Refusal
from ..message import msg
from .kind import TEXT, Kind, typed


@dataclass(frozen=True)
class Fields:
    note: str | None = typed(TEXT)


class Intake(Kind):
    name, order, data, verb = "intake", 0, Fields, "taken in again"
    change = "new"

    def allowed(self, ticket, state, event, guard):
        if state.events_seen:
            raise Refusal(msg('{id} has its intake already: a ticket is taken in once', id=ticket.id))


KIND = Intake()
