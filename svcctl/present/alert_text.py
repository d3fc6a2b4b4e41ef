"""An alert as a message read on a phone in a work group: what, where, which deadline, how
late, who owns it and the ticket id, in the office's language (template ``alert.md``).

Group chats are many people: a customer is never named nor their phone shown, and a
complaint gives no place (privacy.place), so nothing points at the complainant.

The names in an alert (the office's, a department's, a unit) come from files any PC may
push, and the robots read the message as markup: the characters that make a link, a tag or
a platform's mention (Feishu's ``<at id=all>``, WeCom's ``<@all>``) are sent as their
full-width look-alikes, which read the same and do nothing.
"""
from __future__ import annotations

from datetime import datetime

from ..core.alerts import Alert
from ..core.message import msg
from ..core.timeutil import short
from . import documents, privacy, words
from .i18n import localise
from .labels import label
from .papers import kind, staff_name, who_must_act
from .tables import Column

_INERT = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］"})


def inert(text: str) -> str:
    """``text`` as markup shows it and never acts on: no link, tag or mention."""
    return str(text).translate(_INERT)


def title(alert: Alert, office: str, roster: dict, lang: str) -> str:
    return inert(_worded_title(alert, office, roster, lang))


def _worded_title(alert: Alert, office: str, roster: dict, lang: str) -> str:
    items = alert.pairs
    if alert.stage in ("warning", "breach", "limit"):
        view, d = items[0]
        what = f"{view.id} {label('deadline', d.name, lang)}"
        return localise(_title(alert.stage, what=what), lang)
    if alert.stage == "digest":
        late = sum(1 for _, d in items if d.overdue)
        return localise(msg("{office}: open work today, {overdue} overdue and {soon} due", office=office, overdue=late, soon=len(items) - late), lang)
    if alert.stage == "callbacks":
        return localise(msg("Callbacks to make today: {who}, {count}", who=staff_name(roster, alert.staff), count=len(items)), lang)
    return localise(msg("Shift handover recorded: {what}", what=alert.deadline[:16].replace("T", " ")), lang)


def _title(stage: str, what: str):
    # Each its own msg() so the catalog holds all three.
    if stage == "warning":
        return msg("Due soon: {what}", what=what)
    if stage == "breach":
        return msg("Overdue: {what}", what=what)
    return msg("Limit missed: {what}", what=what)


def data(alert: Alert, office: str, roster: dict, tz, now: datetime, lang: str) -> dict:
    """What the template receives: plain text, after the privacy step."""
    items = []
    for view, d in alert.pairs:
        late = d.overdue
        items.append({
            "id": view.id, "type": inert(kind(view, lang)), "place": inert(privacy.place(view.type, view.unit)),
            "deadline": label("deadline", d.name, lang), "state": label("state", d.state, lang), "overdue": late,
            "due": short(d.due, tz) if d.due else "", "late_by": words.minutes(d.minutes_late, lang) if late else "",
            "left": "" if late else words.minutes(d.minutes_left, lang),
            "owner": inert(who_must_act(view, d.name, roster)),
            "emergency": bool(view.emergency),
            "action": words.action(d.name, lang) if late else words.soon(d.name, lang),
        })
    return {"office": inert(office), "stage": alert.stage, "title": title(alert, office, roster, lang),
            "now": short(now, tz), "items": items}


def render(alert: Alert, office: str, roster: dict, tz, now: datetime, lang: str, records_root) -> tuple[str, str]:
    """``(title, markdown)`` of an alert, by the office's ``alert.md``."""
    filled = data(alert, office, roster, tz, now, lang)
    return filled["title"], documents.render("alert.md", filled, lang, records_root)


def combined(bodies: list[str], lang: str) -> tuple[str, str]:
    """Several alerts as one message (a burst a robot's rate would not let through one by one)."""
    return localise(msg("{count} alerts", count=len(bodies)), lang), "\n\n".join(bodies)


def more(count: int, lang: str) -> str:
    return localise(msg("… and {count} more (see 'svcctl overdue')", count=count), lang)


def test_message(office: str, channel: str, now: datetime, tz, lang: str) -> tuple[str, str]:
    return (localise(msg("svcctl test message"), lang),
            localise(msg("This is a test message from {office}'s svcctl to the channel {channel} at {now}: alerts "
                         "will arrive here.", office=inert(office), channel=channel, now=short(now, tz)), lang))


CHANNELS = [Column("name", msg("Channel")), Column("kind", msg("Kind")), Column("url", msg("Address")),
            Column("audiences", msg("Tells"), show=lambda r, lang: ", ".join(localise(_AUDIENCE[a], lang)
                                                                           for a in r["audiences"]))]
OUTBOX = [Column("channel", msg("Channel")), Column("state", msg("State"), show=lambda r, lang: localise(
              _STATE[r["state"]], lang)), Column("count", msg("Messages")), Column("last_sent", msg("Last sent")),
          Column("next_try", msg("Next try")), Column("said", msg("Platform said"))]
_AUDIENCE = {"owner": msg("owner"), "desk": msg("desk"), "supervisor": msg("supervisor"), "director": msg("director")}
_STATE = {"queued": msg("queued"), "sending": msg("in flight"), "retry": msg("to retry"), "sent": msg("sent"),
          "refused": msg("refused")}
