"""callback: the callback (回访) after a close; found unresolved, it reopens the ticket for rework."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Refusal, UsageError
from ..message import msg, term
from ..model import normalise
from .kind import FLAG, METHOD, SCORE, TEXT, Command, Kind, Option, typed
from .request import length, need


@dataclass(frozen=True)
class Fields:
    method: str = typed(METHOD, required=True)
    satisfaction: int = typed(SCORE, required=True)
    note: str = typed(TEXT, required=True)
    unresolved: bool | None = typed(FLAG)


class Callback(Kind):
    name, order, data, verb = "callback", 80, Fields, "called back"
    needs_open = False
    command = Command(
        "Record the callback (回访) after a close. --unresolved sends the work back to the responsible person "
        "with a new deadline (rework).",
        ("svcctl callback 202611-A007 --method phone --satisfaction 5 --note '业主满意'",
         "svcctl callback 202611-A007 --method visit --satisfaction 2 --note '仍漏水' --unresolved --within '2 workdays'"),
        (Option("--method", required=True, complete="method", help="How the customer was reached: phone or visit."),
         Option("--satisfaction", required=True, value="score", help="1 (very poor) to 5 (very good)."),
         Option("--note", required=True, help="Customer's view, result, shortcomings, suggestions."),
         Option("--unresolved", value="flag", help="The problem is not solved: reopen with a rework deadline."),
         Option("--within", help="Rework deadline length (default from policy), e.g. '2 workdays'.")))

    def requests(self, ticket, ctx, at, method, satisfaction, note, unresolved=False, within=None):
        method = normalise("method", method)
        if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
            raise UsageError(msg('--satisfaction must be a whole number from 1 (very poor) to 5 (very good)'))
        note = need(note, "--note")
        made = [(self.name, dict(method=method, satisfaction=satisfaction, note=note, unresolved=unresolved or None))]
        if unresolved:
            # The customer's words, as the callback heard them: the callback just before says why.
            made.append(("reopen", dict(note=note, within=length(within))))
        return made

    def allowed(self, ticket, state, event, guard):
        if state.status == "done" and state.callback_done:
            raise Refusal(msg('{id} has had its callback already', id=ticket.id))
        if state.status not in ("closed", "done"):
            raise Refusal(msg('{id} is {status}: a callback (回访) follows the close (svcctl close first)', id=ticket.id, status=term('status', state.status)))

    def facts(self, event):
        d = self.of(event)
        return {"Satisfaction": d.satisfaction, "Unresolved": "yes" if d.unresolved else None}

    def apply(self, state, event):
        state.callback_done, state.status, state.last_callback = True, "done", event


KIND = Callback()
