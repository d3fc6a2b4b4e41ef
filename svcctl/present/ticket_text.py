"""A ticket as ``svcctl show`` prints it: header, every deadline, the timeline."""
from __future__ import annotations

from ..core.message import msg
from .i18n import localise
from .labels import label
from .tables import cell
from .words import columns, minutes


def render(t: dict, lang: str) -> str:
    """``t`` is the ticket's JSON row (already through the privacy step)."""
    say = lambda template, **args: localise(msg(template, **args), lang)  # noqa: E731
    when = lambda iso_time: cell(iso_time) or "-"  # noqa: E731
    kind = " ".join(filter(None, [
        label("type", t["type"], lang), label("grade", t["grade"], lang), label("category", t["category"], lang),
        say("EMERGENCY") if t["emergency"] else ""]))
    lines = [
        f"{t['id']}  {kind}  [{label('status', t['status'], lang)}]",
        say("unit {unit}   customer {customer}   channel {channel}", unit=t["unit"] or "-", customer=t["customer"] or say("anonymous owner"),
            channel=label("channel", t["channel"], lang)),
        say("received {at} by {first_responder} (first responder)   owner {owner}", at=when(t["received_at"]),
            first_responder=t["first_responder"], owner=t["owner"])
        + (say("   department {department}", department=t["department"])
           + (f" ({t['assignee']})" if t["assignee"] else "") if t["department"] else ""),
        say("summary: {summary}", summary=t["summary"]),
    ]
    if t["detail"]:
        lines.append(say("detail:  {detail}", detail=t["detail"]))
    if t.get("place"):
        lines.append(say("place of the problem: {place}", place=t["place"]))
    if t["appointment_at"]:
        lines.append(say("appointment: {at}", at=when(t["appointment_at"])))
    if t["deadlines"]:
        lines += ["", say("deadlines:")]
        width = max(columns(label("deadline", d["name"], lang)) for d in t["deadlines"])
        for d in t["deadlines"]:
            if d["state"] == "pending":
                how = say("{span} left", span=minutes(d["minutes_left"], lang))
            elif d["state"] == "met":
                how = say("done {at}", at=when(d["stopped_at"]))
            elif d["state"] == "paused":
                how = say("clock held by a pause")
            else:
                how = say("late by {span}", span=minutes(d["minutes_late"], lang))
            name = label("deadline", d["name"], lang)
            lines.append(f"  {_pad(name, width)}  {say('due {at}', at=when(d['due'])):<20} "
                         f"{_pad(label('state', d['state'], lang), 8)} {how}")
    lines += ["", say("timeline:")]
    for e in t["events"]:
        fields = ", ".join(f"{label('field', k, lang)}={_value(k, v, lang)}" for k, v in e.items()
                           if k not in ("at", "event", "by", "temporary"))
        lines.append(f"  {when(e['at'])}  {_pad(_event_name(e, lang), 9)} {e['by']:<8} {fields}".rstrip())
    return "\n".join(lines)


def _event_name(e: dict, lang: str) -> str:
    """A temporary measure is recorded as a close that settles nothing: the desk reads it as
    the measure it is, never as the close it is not."""
    if e["event"] == "close" and e.get("temporary"):
        return label("field", "temporary", lang)
    return label("event", e["event"], lang)


def _value(key: str, value, lang: str) -> str:
    if key == "method":
        return label("method", value, lang)
    return cell(value, lang)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - columns(text), 0)
