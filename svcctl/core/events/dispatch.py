"""dispatch: the work order (维修工作单) for a department; again to another is a re-dispatch."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..errors import Refusal, UsageError
from ..message import msg, term
from ..model import DISPATCHABLE
from ..model import department as office_department
from .kind import DEPARTMENT, FLAG, STAFF, TEXT, TIME, Command, Kind, Option, typed
from .request import on_roster


@dataclass(frozen=True)
class Fields:
    to: str = typed(DEPARTMENT, required=True)
    assignee: str | None = typed(STAFF)
    appointment_at: datetime | None = typed(TIME)
    emergency: bool | None = typed(FLAG)
    note: str | None = typed(TEXT)


class Dispatch(Kind):
    name, order, data, verb = "dispatch", 10, Fields, "dispatched"
    command = Command(
        "Open the work order (维修工作单) for a department; dispatching again to another department is "
        "recorded as a re-dispatch.",
        ("svcctl dispatch 202611-A007 --to 维修部 --assignee zhou --appointment '2026-11-21 10:00' --at '2026-11-20 10:00'",),
        (Option("--to", "department", required=True, complete="departments",
                help="Department, e.g. 维修部 (or its English name: maintenance, cleaning, security, landscaping, "
                     "engineering)."),
         Option("--assignee", complete="staff", help="Staff id of the technician."),
         Option("--appointment", "appointment_at", value="time", metavar="TIME",
                help="Visit time agreed with the customer."),
         Option("--emergency", value="flag", help="Mark the work order urgent."),
         Option("--note")))

    def request(self, ticket, ctx, at, department, assignee=None, appointment_at=None, emergency=False, note=None):
        department = office_department(department, ctx.departments)
        if assignee is not None:
            on_roster(ctx, assignee)
        if appointment_at is not None and appointment_at < at:
            raise UsageError(msg('the appointment time is before the dispatch: give the agreed visit time'))
        return dict(to=department, assignee=assignee, appointment_at=appointment_at, emergency=emergency or None,
                    note=note)

    def allowed(self, ticket, state, event, guard):
        if ticket.type not in DISPATCHABLE:
            raise Refusal(msg('a {type} is answered by the service centre, not dispatched', type=term('type', ticket.type)))

    def facts(self, event):
        d = self.of(event)
        return {"To": d.to, "Assignee": d.assignee}

    def apply(self, state, event):
        d = self.of(event)
        state.department, state.assignee = d.to, d.assignee
        if d.emergency and state.emergency_since is None:
            state.emergency_since = event.at
        if state.status in ("open", "dispatched"):
            state.status = "dispatched"
        elif state.status == "paused":
            state.before_pause = "dispatched"


KIND = Dispatch()
