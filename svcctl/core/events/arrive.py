"""arrive: the technician is on site (stops the emergency arrival clock)."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Refusal
from ..message import msg
from .kind import TEXT, Command, Kind, Option, typed


@dataclass(frozen=True)
class Fields:
    note: str | None = typed(TEXT)


class Arrive(Kind):
    name, order, data, verb = "arrive", 20, Fields, "marked arrived"
    command = Command("Record that the technician is on site (stops the emergency arrival clock).",
                      ("svcctl arrive 202611-A007 --at '2026-11-21 10:05'",),
                      (Option("--note"),))

    def allowed(self, ticket, state, event, guard):
        if state.department is None:
            raise Refusal(msg('{id} has no work order yet: dispatch it first', id=ticket.id))


KIND = Arrive()
