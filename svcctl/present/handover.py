"""The handover board as rows (the JSON contract) and as a table, in the reader's language."""
from __future__ import annotations

from ..core.timeutil import iso
from ..reports.handover import GROUPS
from . import labels, privacy, words

WHY = {
    "missed": "limit passed", "warned": "target passed", "due_in_shift": "due within the shift",
    "paused": "paused", "appointment_later": "appointment after the shift", "pending": "in hand",
    "callback_owed": "callback owed",
}
ACTIONS = {"paused": "resume when the customer is ready: svcctl resume",
           "appointment_later": "keep the appointment", "follow_up": "follow up"}
GROUP_TITLES = {"urgent": "Urgent", "normal": "Normal", "waiting": "Waiting"}
CHANGE_WORDS = {"new": "new", "closed": "closed", "escalated": "escalated", "reopened": "reopened",
                "cancelled": "cancelled"}


def action(i) -> str:
    """What to do, in English (the JSON contract); overdue deadlines use the overdue wording."""
    key = i.action
    if i.why in ("pending", "callback_owed") and i.deadline is not None and i.deadline.due is not None:
        return f"next: {i.deadline.name} by {iso(i.deadline.due)}"
    return ACTIONS.get(key) or words.action(key)


def _action(i, _, when) -> str:
    if i.why in ("pending", "callback_owed") and i.deadline is not None and i.deadline.due is not None:
        return _("next: {deadline} by {due}").format(deadline=labels.deadline(_, i.deadline.name),
                                                      due=when(i.deadline.due))
    return _(ACTIONS.get(i.action) or words.action(i.action))


def customers_of(board) -> set:
    """The customers whose tickets' text the board shows: their names are hidden in it."""
    return {i.view.customer for i in board.items}


def item(i, on_file: dict | None = None) -> dict:
    """``on_file``: customer id → their name and numbers (``privacy.known_of``)."""
    v, d = i.view, i.deadline
    return {
        "group": i.group, "ticket": v.id, "type": v.type, "status": v.status, "unit": v.unit,
        "summary": privacy.text(v.summary, privacy.known_in(on_file, v)), "why": i.why,
        "deadline": d.name if d else None, "state": d.state if d else None, "due": iso(d.due) if d else None,
        "owner": v.state.owner, "department": v.state.department, "action": action(i),
    }


def change(c) -> dict:
    return {"change": c.change, "ticket": c.view.id, "type": c.view.type, "at": iso(c.at), "by": c.by}


def data(board, recorded: str | None = None, on_file: dict | None = None) -> dict:
    last = board.last
    return {
        "at": iso(board.now), "shift_hours": board.shift_hours, "shift_end": iso(board.shift_end),
        "since": iso(board.since),
        "last_handover": {k: last.get(k) for k in ("at", "by", "to", "note", "path")} if last else None,
        **{g: [item(i, on_file) for i in board.items if i.group == g] for g in GROUPS},
        "changes": [change(c) for c in board.changes],
        "recorded": recorded,
    }


def text(board, _, tz, roster, recorded: str | None = None, on_file: dict | None = None) -> str:
    from .output import table

    when = lambda t: t.astimezone(tz).strftime("%Y-%m-%d %H:%M") if t else ""  # noqa: E731
    out = [_("Shift handover {now}: the next {hours} hours, to {end}").format(
        now=when(board.now), hours=board.shift_hours, end=when(board.shift_end))]
    last = board.last
    if last:
        whom = f" → {labels.staff(roster, last.get('to'))}" if last.get("to") else ""
        out.append(_("Last handover: {at} by {by}{to}").format(
            at=when(_parse(last["at"])), by=labels.staff(roster, last["by"]), to=whom)
            + (f" ({privacy.text(last['note'])})" if last.get("note") else ""))
    else:
        out.append(_("No handover recorded yet: changes since {since}").format(since=when(board.since)))
    columns = [("ticket", _("Ticket")), ("type", _("Type")), ("unit", _("Unit")), ("summary", _("Summary")),
               ("why", _("Why")), ("due", _("Due")), ("owner", _("Owner")), ("action", _("Action"))]
    for group in GROUPS:
        rows = [{"ticket": i.view.id, "type": labels.ticket_type(_, i.view.type), "unit": i.view.unit,
                 "summary": privacy.text(i.view.summary, privacy.known_in(on_file, i.view)),
                 "why": _(WHY[i.why]) + (f": {labels.deadline(_, i.deadline.name)}" if i.deadline and i.why in
                                         ("missed", "warned", "due_in_shift") else ""),
                 "due": when(i.deadline.due) if i.deadline and i.deadline.due else "",
                 "owner": labels.staff(roster, i.view.state.owner), "action": _action(i, _, when)}
                for i in board.items if i.group == group]
        out += ["", f"{_(GROUP_TITLES[group])} ({len(rows)})"]
        out.append(table(rows, columns) if rows else _("None."))
    rows = [{"change": _(CHANGE_WORDS.get(c.change, c.change)), "ticket": c.view.id, "type": labels.ticket_type(_, c.view.type),
             "at": when(c.at), "by": labels.staff(roster, c.by)} for c in board.changes]
    out += ["", _("Changed since {since}").format(since=when(board.since))]
    out.append(table(rows, [("change", _("Change")), ("ticket", _("Ticket")), ("type", _("Type")),
                            ("at", _("Time")), ("by", _("By"))]) if rows else _("None."))
    if recorded:
        out += ["", _("Recorded as {path}").format(path=recorded)]
    return "\n".join(out) + "\n"


def _parse(value):
    from ..core.timeutil import from_iso

    return from_iso(value)
