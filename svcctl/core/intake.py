"""A new request: the ticket header, its intake event and, for what is answered on the
spot (首问负责制: finish it in one go when it is within the agent's remit), its close."""
from __future__ import annotations

from datetime import datetime

from .errors import UsageError
from .model import grade_for_scheme
from .roles import require
from .ticket import Event, Ticket
from .events.request import check_time
from .workflow import Context
from .message import msg, term

# What an agent may settle during the call itself; other requests go through their workflow
# (a suggestion goes to the director, a graver complaint is worked and may need a supervisor).
ANSWERABLE_AT_ONCE = ("consultation", "query", "complaint.simple", "complaint.minor")


def new_ticket(
    ctx: Context, *, ticket_id: str, ticket_type: str, channel: str, customer: str, unit: str,
    summary: str, received_at: datetime, detail: str | None = None, grade: str | None = None,
    category: str | None = None, emergency: bool = False, appointment_at: datetime | None = None,
    requested_by: datetime | None = None, answer: str | None = None, place: str | None = None,
) -> Ticket:
    require(ctx.actor, ctx.roster, "intake")
    check_time(received_at, ctx.now, what=msg("intake"))
    if not (summary or "").strip():
        raise UsageError(msg('missing --summary: say in a few words what the customer wants'))
    if ticket_type == "complaint":
        if grade is None:
            raise UsageError(msg('a complaint needs --grade (simple/general/complex, or minor/important/major)'))
        grade_for_scheme(grade, ctx.scheme)
    elif grade is not None:
        raise UsageError(msg('--grade is for complaints only'))
    if ticket_type == "repair":
        category = category or "other"
    elif category is not None or emergency:
        raise UsageError(msg('--category and --emergency are for repairs only'))
    if ticket_type == "appointment":
        if appointment_at is None:
            raise UsageError(msg('an appointment needs --appointment TIME (the agreed time)'))
        if appointment_at < received_at:
            raise UsageError(msg('the agreed appointment time is before the request was received'))
    elif appointment_at is not None:
        raise UsageError(msg("--appointment is for appointments; for a repair visit use 'svcctl dispatch --appointment'"))
    if requested_by is not None and requested_by < received_at:
        raise UsageError(msg('--due is before the request was received'))
    if answer is not None and ticket_type not in ANSWERABLE_AT_ONCE and f"{ticket_type}.{grade}" not in ANSWERABLE_AT_ONCE:
        raise UsageError(msg("--answer closes a request answered on the spot (consultation, query, simple or minor complaint); this {ticket_type} goes through its workflow to 'svcctl close'", ticket_type=term('type', ticket_type)))
    header = {
        "id": ticket_id, "type": ticket_type, "grade": grade, "category": category,
        "emergency": bool(emergency), "channel": channel, "customer": customer, "unit": unit,
        # Where the problem is when it is not the customer's own flat: a complaint's work
        # order names it, while the complainant's unit stays hidden.
        "place": (place or "").strip() or None,
        "summary": summary.strip(), "detail": (detail or "").strip() or None,
        "received_at": received_at, "first_responder": ctx.actor.id,
        "appointment_at": appointment_at, "requested_by": requested_by,
    }
    events = [Event("intake", received_at, ctx.actor.id, {})]
    if answer is not None:
        if not answer.strip():
            raise UsageError(msg('--answer is empty: write what the customer was told'))
        events.append(Event("close", received_at, ctx.actor.id, {"result": answer.strip()}))
    return Ticket(header, tuple(events))
