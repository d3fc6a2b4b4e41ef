"""Names of the stable keys (a status, a deadline, a request type) in the reader's language.

Two forms live here: ``label(kind, key, lang)`` for listings, documents and messages (the
kind is the gettext context), and the functions at the end, which take a ``_`` and serve
the reports and the shift handover.

Records, JSON and CSV keep the keys; tables, documents and messages name them. The English
name is the msgid, the kind is its gettext context (``closed`` is a status here and would be
a different word as an event), and the Chinese name comes from the catalog. The same names,
in either language, are accepted as input (``--status 待回访``).
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ..core.errors import UsageError
from ..core.message import msg, term

if TYPE_CHECKING:  # named in annotations only: decimal is loaded where fees are read
    from decimal import Decimal

LABELS: dict[str, dict[str, str]] = {
    "type": {"consultation": "consultation", "query": "query", "complaint": "complaint", "repair": "repair",
             "suggestion": "suggestion", "appointment": "appointment", "paid": "paid service"},
    "grade": {"simple": "simple", "general": "general", "complex": "complex",
              "minor": "minor", "important": "important", "major": "major"},
    "category": {"safety": "safety facility", "leak": "leak", "other": "other"},
    "channel": {"phone": "phone call", "visit": "visit", "letter": "letter", "online": "online"},
    "role": {"agent": "agent", "supervisor": "supervisor", "director": "director"},
    "method": {"phone": "by phone", "visit": "home visit"},
    "status": {"open": "open", "dispatched": "dispatched", "paused": "paused", "closed": "awaiting callback",
               "done": "done", "cancelled": "cancelled", "active": "active"},
    "state": {"met": "met", "late": "late", "pending": "pending", "warned": "target passed",
              "missed": "missed", "paused": "paused"},
    "level": {"target": "target", "limit": "limit"},
    "deadline": {"reply": "reply", "first_reply": "first reply", "answer": "clear answer", "dispatch": "work order",
                 "arrival": "on site", "escalate": "escalation", "forward": "forward to director",
                 "appointment": "appointment", "resolve": "resolution", "resolve_limit": "resolution limit",
                 "rework": "rework", "callback": "callback"},
    "event": {"intake": "intake", "dispatch": "dispatch", "arrive": "arrival", "reply": "reply",
              "escalate": "escalation", "pause": "pause", "resume": "resume", "close": "close",
              "callback": "callback", "reopen": "reopen", "cancel": "cancel", "note": "note"},
    "verb": {"intake": "taken in again", "dispatch": "dispatched", "arrive": "marked arrived", "reply": "replied to",
             "escalate": "escalated", "pause": "paused", "resume": "resumed", "close": "closed",
             "callback": "called back", "reopen": "reopened", "cancel": "cancelled", "note": "noted"},
    "start": {"intake": "intake", "close": "close", "leak_test": "leak test", "reopen": "reopen",
              "appointment": "appointment time", "emergency": "emergency"},
    "scheme": {"standard": "standard (simple/general/complex)", "alternative": "alternative (minor/important/major)"},
    "format": {"table": "table", "json": "json", "csv": "csv", "text": "text", "yaml": "yaml", "html": "html",
               "markdown": "markdown"},
    "option": {"type": "type", "grade": "grade", "category": "category", "channel": "channel", "role": "role",
               "method": "method", "status": "status", "format": "format", "department": "department"},
    "field": {"summary": "summary", "detail": "detail", "note": "note", "result": "result", "reason": "reason",
              "to": "to", "assignee": "technician", "appointment_at": "visit", "emergency": "emergency",
              "fee": "fee", "receipt": "receipt", "signed": "signed", "leak_test_at": "leak test",
              "temporary": "temporary measure", "method": "method", "satisfaction": "satisfaction",
              "unresolved": "unresolved", "within": "within", "answer": "answer", "due": "due",
              "requested_by": "asked for"},
}


def label(kind: str, key, lang: str) -> str:
    """The name of ``key`` for a reader of ``lang``; an unknown key is shown as it is."""
    if key is None or key == "":
        return ""
    return _label(kind, str(key), lang)


@lru_cache(maxsize=4096)  # a listing names the same few keys on every row
def _label(kind: str, key: str, lang: str) -> str:
    from .i18n import translator

    english = LABELS.get(kind, {}).get(key)
    if english is None:
        return key
    return translator(lang).pgettext(kind, english)


def namer(lang: str):
    """``name('status', 'closed')`` for one reader."""
    return lambda kind, key: label(kind, key, lang)


def choices(kind: str, keys=None) -> str:
    """``open (待处理), closed (待回访), …``: the keys with their Chinese names, for messages."""
    named = {k: label(kind, k, "zh") for k in (keys or LABELS[kind])}
    return ", ".join(f"{k} ({zh})" if zh != k else k for k, zh in named.items())


def parse(kind: str, value: str, keys=None) -> str:
    """The key a person meant: the key itself, or its name in either language."""
    keys = tuple(keys or LABELS[kind])
    text = (value or "").strip()
    for key in keys:
        names = {key, label(kind, key, "en"), label(kind, key, "zh")}
        if text in names or text.lower() in names:
            return key
    raise UsageError(msg("unknown {kind} {value!r}: use one of {allowed}", kind=term("option", kind), value=value,
                         allowed=choices(kind, keys)))


# -- the names reports and the shift handover use (each function takes the ``_`` of i18n.words)

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
