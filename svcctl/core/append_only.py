"""Whether one version of a ticket may follow another: a ticket's history only grows.

The header is written once at intake and no command changes it afterwards; events are
only ever added, a correction being a new event. A later version therefore keeps the
header exactly and every earlier event exactly, in the same order; new events may sit
anywhere between them, since another PC's work is merged in by time.
"""
from __future__ import annotations

import json

from .message import Message, msg


def _key(value) -> str:
    # The same identity the merge uses for an event (core.merge): every field, exactly.
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def successor_problems(old: dict, new: dict) -> list[Message]:
    """What makes ``new`` not an append-only successor of ``old`` (both a ticket record as
    read from its file); empty when ``new`` only adds events."""
    found = _header_problems(old, new)
    found += _event_problems(_events(old), _events(new))
    return found


def _events(record: dict) -> list:
    events = record.get("events")
    return list(events) if isinstance(events, list) else []


def _header_problems(old: dict, new: dict) -> list[Message]:
    keys = [k for k in old if k != "events"] + [k for k in new if k != "events" and k not in old]
    return [msg("the ticket's header field {field} was changed: a ticket's header is written once at intake "
                "(a correction is a new event)", field=key)
            for key in keys if _key(old.get(key)) != _key(new.get(key))]


def _event_problems(old: list, new: list) -> list[Message]:
    # Identical events count once, as in the merge's union.
    distinct = list({_key(event): event for event in old}.values())
    new_keys = [_key(event) for event in new]
    matched: set[int] = set()
    found, at = [], 0
    for event in distinct:
        key = _key(event)
        try:
            at = new_keys.index(key, at)
        except ValueError:
            found.append(_what_became_of(event, new, matched, key in new_keys))
            continue
        matched.add(at)
        at += 1
    return found


def _what_became_of(event, new: list, matched: set[int], elsewhere: bool) -> Message:
    """The missing ``event`` described by the event of ``new`` it most resembles."""
    if not isinstance(event, dict):
        return msg("an event was removed or edited: events are never removed or edited (a correction is a new event)")
    what = {"kind": event.get("event"), "at": event.get("at"), "by": event.get("by")}
    if elsewhere:
        return msg("the {kind} event of {at} by {by} was moved among the others: events keep their order", **what)
    for index, other in enumerate(new):
        if index in matched or not isinstance(other, dict) or other.get("event") != event.get("event"):
            continue
        rest = lambda e, *fields: _key({k: v for k, v in e.items() if k not in fields})  # noqa: E731
        if rest(other, "by") == rest(event, "by"):
            return msg("the {kind} event of {at} by {by} was given another author ({other}): who did what is "
                       "never changed", other=other.get("by"), **what)
        if rest(other, "at") == rest(event, "at"):
            return msg("the {kind} event of {at} by {by} was given another time ({other}): when it happened is "
                       "never changed", other=other.get("at"), **what)
    return msg("the {kind} event of {at} by {by} was removed or edited: events are never removed or edited "
               "(a correction is a new event)", **what)
