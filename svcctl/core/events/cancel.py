"""cancel: a duplicate or withdrawn request, kept on file; a supervisor's or director's decision."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Refusal
from ..message import msg, term
from .kind import TEXT, Command, Kind, Option, typed
from .request import need


@dataclass(frozen=True)
class Fields:
    reason: str = typed(TEXT, required=True)


class Cancel(Kind):
    name, order, data, verb = "cancel", 100, Fields, "cancelled"
    needs_open = False
    change = "cancelled"
    command = Command("Cancel a duplicate or withdrawn request (kept on file; needs a supervisor or director).",
                      ("svcctl --as wang cancel 202611-A010 --reason '重复登记'",),
                      (Option("--reason", required=True),))

    def request(self, ticket, ctx, at, reason):
        return dict(reason=need(reason, "--reason"))

    def allowed(self, ticket, state, event, guard):
        if not guard.may("cancel"):
            raise Refusal(msg('cancelling a ticket needs a supervisor or director: {guard}', guard=guard.senior_names()))
        if state.status in ("closed", "done"):
            raise Refusal(msg('{id} is {status}: a handled ticket is not cancelled', id=ticket.id, status=term('status', state.status)))

    def apply(self, state, event):
        state.status = "cancelled"


KIND = Cancel()
