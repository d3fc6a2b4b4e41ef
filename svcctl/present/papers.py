"""What goes on each office document: plain data for the templates, after the privacy step.

Builders take views (the read model), the records they need and the reader's language, and
return dicts of text; the templates (``templates/<lang>/``) only lay them out.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from ..core.deadlines import promised
from ..core.timeutil import short
from ..core.view import TicketView
from . import privacy, words
from .disclosure import AT_WORK_SITE, MASKED, Shown
from .labels import label

# An intake entered this long after it was received is copied from the paper log: its
# confirmation is a note for the clerk, not a sentence read to a caller.
PAPER_LOG_AFTER = timedelta(minutes=30)


def staff_name(roster: dict, staff_id: str | None) -> str:
    """``周师傅 (zhou)``: people are named on paper, with the id that finds them in the roster."""
    if not staff_id:
        return ""
    actor = roster.get(staff_id)
    return f"{actor.name} ({staff_id})" if actor is not None and actor.name != staff_id else staff_id


def kind(view: TicketView, lang: str) -> str:
    parts = [label("type", view.type, lang)]
    if view.grade:
        parts.append(label("grade", view.grade, lang))
    if view.category:
        parts.append(label("category", view.category, lang))
    return " ".join(parts)


def confirmation(view: TicketView, tz, now: datetime, office: str, lang: str) -> dict:
    """What the sentence read to the caller after intake promises: the commitment the rules
    make for that kind of request (an emergency's time on site, the date of the result, the
    agreed visit, a fee agreed before a paid service, a suggestion put to the director),
    or a note for the clerk when the intake was copied from the paper log."""
    promise = promised(view.deadlines)
    due = promise.due.astimezone(tz) if promise is not None else None
    received = view.received_at.astimezone(tz)
    logged = now - received > PAPER_LOG_AFTER
    within = ""
    # Answered on the spot: the intake comes with its close (intake --answer).
    answer = next((e.get("result") for e in view.events if e.kind == "close"), None)
    if answer is not None:
        case = "answered"
    elif logged:
        case = "logged"
    elif view.type == "appointment" and view.appointment_at is not None:
        case, due = "appointment", view.appointment_at.astimezone(tz)
    elif promise is not None and promise.name == "arrival":
        case = "emergency"
        within = words.length(f"{round((promise.due - promise.start).total_seconds() / 60)} minutes", lang)
    elif view.type == "suggestion":
        case = "suggestion"
    elif view.type == "paid":
        case = "paid"
    elif due is not None:
        case = "promise"
    else:
        case = "plain"
    # An appointment and a site visit are moments; only a deadline at midnight is a whole day.
    whole = case in ("promise", "logged") and due is not None and words.whole_day(due)
    return {
        "kind": label("type", view.type, lang), "case": case, "office": office,
        "date": (words.spoken_due(due, lang) if whole else words.spoken_time(due, lang)) if due is not None else "",
        "whole_day": whole, "within": within,
        "answer": privacy.text(answer or ""),
        "received": words.spoken_time(received, lang),
        "late": bool(due is not None and due < now),
    }


# The form a department is sent: each kind of work has its own (a complaint or a suggestion
# is looked into, not repaired, so its form asks for no materials or site), named in the
# glossary (kind ``document``).
FORMS = {"repair": "workorder", "complaint": "complaint_form", "paid": "paid_order",
         "appointment": "appointment_order", "suggestion": "suggestion_form"}


def work(ticket_type: str) -> str:
    return ticket_type if ticket_type in FORMS else "repair"


def work_order(view: TicketView, customer: dict | None, roster: dict, tz, now: datetime, office: str,
               lang: str, shown: Shown = MASKED) -> dict:
    """``shown``: what the reader may see of the customer (``disclosure.work_order``)."""
    state = view.state
    dispatch = [e for e in view.events if e.kind == "dispatch"][-1]
    who, phone = privacy.customer(view.customer, customer, shown, lang)
    known = privacy.known_of(customer)
    return {"order": {
        "office": office, "id": view.id, "work": work(view.type),
        "title": label("document", FORMS[work(view.type)], lang),
        "type": label("type", view.type, lang), "kind": kind(view, lang),
        "emergency": bool(view.emergency), "paid": view.type == "paid", "complaint": privacy.anonymous(view.type),
        "department": state.department or "", "technician": staff_name(roster, state.assignee),
        "place": shown.text(view.place, known) if view.place else privacy.place(view.type, view.unit, shown),
        "customer": who, "phone": phone,
        "summary": shown.text(view.summary, known), "detail": shown.text(view.detail or "", known),
        "appointment": short(dispatch.get("appointment_at") or view.appointment_at, tz),
        "received_at": short(view.received_at, tz), "first_responder": staff_name(roster, view.first_responder),
        "fee": "", "printed_at": short(now, tz),
    }}


def callbacks(pairs, customers: dict, roster: dict, tz, now: datetime, office: str, lang: str,
              shown: dict | None = None) -> dict:
    """``shown``: ticket id → what the reader may see of its customer (``disclosure.callback``);
    whoever makes the call needs the name and number, complainants included."""
    calls = []
    for view, d in pairs:
        how = (shown or {}).get(view.id, AT_WORK_SITE)
        record_ = customers.get(view.customer)
        who, phone = privacy.customer(view.customer, record_, how, lang)
        calls.append({
            "id": view.id, "type": kind(view, lang), "place": privacy.place(view.type, view.unit, how),
            "customer": who, "phone": phone, "closed_at": short(view.closed_at, tz), "due": short(d.due, tz),
            "state": label("state", d.state, lang), "late": d.overdue,
            "late_by": words.minutes(d.minutes_late, lang) if d.overdue else "",
            "result": how.text(view.result or "", privacy.known_of(record_)), "owner": staff_name(roster, view.state.owner),
        })
    return {"office": office, "printed_at": short(now, tz), "calls": calls}


def who_must_act(view: TicketView, deadline_name: str, roster: dict) -> str:
    """The technician's department gets the site visit; everything else is the owner's (or,
    once escalated, the supervisor's or director's) to chase."""
    state = view.state
    if deadline_name in ("arrival", "appointment") and state.department:
        return state.department
    return staff_name(roster, state.escalated_to or state.owner)


def digest(pairs, roster: dict, tz, now: datetime, office: str, lang: str) -> dict:
    groups: dict[str, list] = {}
    overdue = soon = 0
    for view, d in pairs:
        late = d.overdue
        overdue += late
        soon += not late
        groups.setdefault(who_must_act(view, d.name, roster), []).append({
            "id": view.id, "type": kind(view, lang), "place": privacy.place(view.type, view.unit),
            "deadline": label("deadline", d.name, lang), "state": label("state", d.state, lang), "overdue": late,
            "due": short(d.due, tz), "late_by": words.minutes(d.minutes_late, lang) if late else "",
            "left": "" if late else words.minutes(d.minutes_left, lang),
            "action": words.action(d.name, lang) if late else words.soon(d.name, lang),
        })
    return {"office": office, "now": short(now, tz), "overdue": overdue, "soon": soon,
            "groups": [{"who": who, "tickets": rows} for who, rows in groups.items()]}
