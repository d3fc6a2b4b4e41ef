"""Three-way merge of records, used by the git merge driver.

Tickets: the header is written once, so both sides must agree on it; the events are a
union (an event is the same event when every field is the same), in time order, so two
offices that worked on one ticket offline keep everything both did. Everything else
(customers, svcctl.yaml) merges field by field; a field both sides changed differently is
a conflict the user settles by hand.
"""
from __future__ import annotations

import json

from .timeutil import from_iso


class MergeConflict(Exception):
    def __init__(self, fields: list[str]):
        super().__init__(", ".join(fields))
        self.fields = fields


def _key(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def merge_events(base: list, ours: list, theirs: list) -> list:
    """Union of the three event lists, each event once, stably sorted by time."""
    seen = set()
    merged = []
    for event in [*base, *ours, *theirs]:
        key = _key(event)
        if key not in seen:
            seen.add(key)
            merged.append(event)
    return sorted(merged, key=lambda e: from_iso(e["at"]))


def merge_ticket(base: dict | None, ours: dict, theirs: dict) -> dict:
    header_ours = {k: v for k, v in ours.items() if k != "events"}
    header_theirs = {k: v for k, v in theirs.items() if k != "events"}
    if header_ours != header_theirs:
        header_base = {k: v for k, v in (base or {}).items() if k != "events"}
        try:
            header = merge_values(header_base, header_ours, header_theirs, "")
        except MergeConflict as conflict:
            raise MergeConflict([f"ticket header: {f}" for f in conflict.fields]) from None
    else:
        header = header_ours
    events = merge_events((base or {}).get("events") or [], ours.get("events") or [], theirs.get("events") or [])
    return {**header, "events": events}


def merge_values(base, ours, theirs, where: str):
    if _key(ours) == _key(theirs):
        return ours
    if _key(base) == _key(ours):
        return theirs
    if _key(base) == _key(theirs):
        return ours
    if isinstance(ours, dict) and isinstance(theirs, dict):
        base = base if isinstance(base, dict) else {}
        out, conflicts = {}, []
        for key in [*ours, *(k for k in theirs if k not in ours)]:
            try:
                value = merge_values(base.get(key), ours.get(key), theirs.get(key), f"{where}.{key}".lstrip("."))
            except MergeConflict as conflict:
                conflicts += conflict.fields
                continue
            if value is not None:
                out[key] = value
        if conflicts:
            raise MergeConflict(conflicts)
        return out
    if isinstance(ours, list) and isinstance(theirs, list):
        return _merge_lists(base if isinstance(base, list) else [], ours, theirs, where)
    raise MergeConflict([where or "value"])


def _merge_lists(base: list, ours: list, theirs: list, where: str) -> list:
    """Lists of records with ids merge by id; other lists as sets (adds and removals kept)."""
    if all(isinstance(x, dict) and "id" in x for x in [*base, *ours, *theirs]):
        by_id = lambda items: {x["id"]: x for x in items}  # noqa: E731
        b, o, t = by_id(base), by_id(ours), by_id(theirs)
        out = []
        for key in [*o, *(k for k in t if k not in o)]:
            value = merge_values(b.get(key), o.get(key), t.get(key), f"{where}[{key}]")
            if value is not None:
                out.append(value)
        return out
    base_keys = {_key(x) for x in base}
    removed = {_key(x) for x in base if _key(x) not in {_key(y) for y in ours}} | {
        _key(x) for x in base if _key(x) not in {_key(y) for y in theirs}}
    out, seen = [], set()
    for item in [*ours, *theirs]:
        key = _key(item)
        if key in seen or (key in removed and key in base_keys):
            continue
        seen.add(key)
        out.append(item)
    return out
