"""Names of the keys reports and the handover show, in the reader's language.

The msgids are the English names; the Chinese catalog (svcctl/locale/zh) translates them.
Each function takes the ``_`` of ``i18n.words(lang)``.
"""
from __future__ import annotations

from decimal import Decimal

# Written out as literals so that the catalog's msgids can be found in the source.
DEADLINES = {
    "reply": "reply", "first_reply": "first reply", "dispatch": "dispatch", "arrival": "arrival",
    "escalate": "escalate", "forward": "forward", "answer": "answer", "appointment": "appointment",
    "resolve": "resolve", "resolve_limit": "resolve limit", "rework": "rework", "callback": "callback",
}
TYPES = {
    "consultation": "consultation", "query": "query", "complaint": "complaint", "repair": "repair",
    "suggestion": "suggestion", "appointment": "appointment booking", "paid": "paid service",
}
GRADES = {
    "simple": "simple complaint", "general": "general complaint", "complex": "complex complaint",
    "minor": "minor complaint", "important": "important complaint", "major": "major complaint",
}
CATEGORIES = {"safety": "safety facility", "leak": "leak", "other": "other repair"}
CHANNELS = {"phone": "phone", "visit": "visit", "letter": "letter", "online": "online"}
STATUSES = {
    "open": "open", "dispatched": "dispatched", "paused": "paused", "closed": "awaiting callback",
    "done": "done", "cancelled": "cancelled",
}
STATES = {"met": "met", "late": "late", "pending": "pending", "warned": "warned", "missed": "missed",
          "paused": "paused"}
NO_DEPARTMENT = "service centre"
NONE_RECORDED = "not recorded"


def deadline(_, key: str) -> str:
    return _(DEADLINES.get(key, key))


def ticket_type(_, key: str) -> str:
    return _(TYPES.get(key, key))


def grade(_, key: str | None) -> str:
    return _(GRADES.get(key, key)) if key else _(NONE_RECORDED)


def category(_, key: str | None) -> str:
    return _(CATEGORIES.get(key, key)) if key else _(NONE_RECORDED)


def channel(_, key: str) -> str:
    return _(CHANNELS.get(key, key))


def status(_, key: str) -> str:
    return _(STATUSES.get(key, key))


def state(_, key: str) -> str:
    return _(STATES.get(key, key))


def department(_, name: str | None) -> str:
    return name if name else _(NO_DEPARTMENT)


def staff(roster: dict, staff_id: str | None) -> str:
    """``李娜 (li)``: staff are named in reports; customers never are."""
    if not staff_id:
        return "—"
    member = roster.get(staff_id)
    return f"{member.name} ({staff_id})" if member is not None else staff_id


def rate(_, n: int, total: int, percent: Decimal | None) -> str:
    """``40/45 88.9%``, or ``0/0 —`` when there is nothing to count."""
    return f"{n}/{total} {percent}%" if percent is not None else f"{n}/{total} —"
