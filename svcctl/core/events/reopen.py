"""reopen: a closed ticket back in work, with a rework deadline (its own --within, else the policy's)."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Refusal
from ..message import msg, term
from .kind import LENGTH, TEXT, Command, Kind, Option, typed
from .request import length, need


@dataclass(frozen=True)
class Fields:
    note: str = typed(TEXT, required=True)
    within: str | None = typed(LENGTH)


class Reopen(Kind):
    name, order, data, verb = "reopen", 90, Fields, "reopened"
    needs_open = False
    change = "reopened"
    command = Command("Reopen a closed ticket with a rework deadline.",
                      ("svcctl reopen 202611-A007 --note '业主反映再次漏水' --within '1 workday'",),
                      (Option("--note", required=True),
                       Option("--within", help="Rework deadline length (default from policy).")))

    def request(self, ticket, ctx, at, note, within=None):
        return dict(note=need(note, "--note"), within=length(within))

    def allowed(self, ticket, state, event, guard):
        if state.status not in ("closed", "done"):
            raise Refusal(msg('{id} is {status}: only a closed ticket can be reopened', id=ticket.id, status=term('status', state.status)))

    def apply(self, state, event):
        state.last_reopen, state.current_close = event, None
        state.reopen_count += 1
        state.status = "dispatched" if state.department else "open"
        state.callback_done = False


KIND = Reopen()
