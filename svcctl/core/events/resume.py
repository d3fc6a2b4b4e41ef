"""resume: the clock of a paused ticket runs again."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Refusal
from ..message import msg
from .kind import TEXT, Command, Kind, Option, typed


@dataclass(frozen=True)
class Fields:
    note: str | None = typed(TEXT)


class Resume(Kind):
    name, order, data, verb = "resume", 60, Fields, "resumed"
    command = Command("Restart the clock of a paused ticket.", ("svcctl resume 202611-A007",), (Option("--note"),))

    def allowed(self, ticket, state, event, guard):
        if state.status != "paused":
            raise Refusal(msg('{id} is not paused', id=ticket.id))

    def apply(self, state, event):
        state.pauses.append((state.paused_since, event.at))
        state.status, state.paused_since = state.before_pause, None


KIND = Resume()
