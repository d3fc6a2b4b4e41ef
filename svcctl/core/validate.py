"""Checks of record contents. Each returns a list of (value path, message); a path is
a tuple like ``('events', 3, 'at')`` that the store turns into a file line."""
from __future__ import annotations

import re
from datetime import date

from . import model
from .policy import build_policy
from .errors import SvcError
from .ticket import EVENT_FIELDS, HEADER_KEYS
from .timeutil import from_iso
from .units import canonical_phone, is_canonical_unit

TICKET_ID = re.compile(r"^(\d{4})(\d{2})-([A-Z]{1,3})(\d{3,})$")
CUSTOMER_ID = re.compile(r"^C-([A-Z]{1,3})(\d{3,})$")
STAFF_ID = re.compile(r"^[a-z][a-z0-9_.-]{0,31}$")
STATION = re.compile(r"^[A-Z]{1,3}$")
Problems = list


def _text(record, key, problems, required=True, path=()):
    value = record.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append((path + (key,), f"missing required field '{key}'"))
        return None
    if not isinstance(value, str):
        problems.append((path + (key,), f"'{key}' must be text"))
        return None
    return value


def _time(record, key, problems, required=True, path=()):
    value = record.get(key)
    if value is None:
        if required:
            problems.append((path + (key,), f"missing required time '{key}'"))
        return None
    try:
        return from_iso(value)
    except (TypeError, ValueError):
        problems.append((path + (key,), f"'{key}' is not an ISO 8601 time with offset: {value!r}"))
        return None


def _choice(record, key, choices, problems, required=True, path=()):
    value = record.get(key)
    if value is None:
        if required:
            problems.append((path + (key,), f"missing required field '{key}'"))
        return None
    if value not in choices:
        problems.append((path + (key,), f"'{key}' is {value!r}; allowed: {', '.join(choices)}"))
        return None
    return value


def _mapping(record, what) -> Problems:
    if not isinstance(record, dict):
        return [((), f"{what} must be a mapping of fields, found {type(record).__name__}")]
    return []


def config(record) -> Problems:
    problems = _mapping(record, "svcctl.yaml")
    if problems:
        return problems
    office = record.get("office")
    if not isinstance(office, dict):
        problems.append((("office",), "missing 'office' with name and code"))
    else:
        _text(office, "name", problems, path=("office",))
        _text(office, "code", problems, path=("office",))
    tz = record.get("timezone", "Asia/Shanghai")
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(str(tz))
    except Exception:
        problems.append((("timezone",), f"unknown time zone {tz!r}"))
    departments = record.get("departments")
    if not isinstance(departments, list) or not all(isinstance(d, str) for d in departments):
        problems.append((("departments",), "'departments' must be a list of names"))
    staff = record.get("staff")
    if not isinstance(staff, list) or not staff:
        problems.append((("staff",), "'staff' must list at least one member"))
    else:
        seen = set()
        for i, member in enumerate(staff):
            path = ("staff", i)
            if not isinstance(member, dict):
                problems.append((path, "a staff entry must be a mapping"))
                continue
            sid = _text(member, "id", problems, path=path)
            if sid and not STAFF_ID.match(sid):
                problems.append((path + ("id",), f"staff id {sid!r} must be lower-case letters, digits, . _ -"))
            if sid in seen:
                problems.append((path + ("id",), f"staff id {sid!r} appears twice"))
            seen.add(sid)
            _text(member, "name", problems, path=path)
            _choice(member, "role", model.ROLES, problems, path=path)
    for code in (record.get("stations") or {}):
        if not STATION.match(str(code)):
            problems.append((("stations", code), f"station code {code!r} must be 1-3 capital letters"))
    try:
        build_policy(record.get("policy"))
    except SvcError as exc:
        problems.append((("policy",), exc.message))
    calendar = record.get("calendar") or {}
    for key in ("holidays", "workdays"):
        for i, day in enumerate(calendar.get(key) or ()):
            try:
                date.fromisoformat(str(day))
            except ValueError:
                problems.append((("calendar", key, i), f"{day!r} is not a date like 2026-10-10"))
    return problems


def customer(record, expected_id: str | None = None) -> Problems:
    problems = _mapping(record, "a customer file")
    if problems:
        return problems
    cid = _text(record, "id", problems)
    if cid and not CUSTOMER_ID.match(cid):
        problems.append((("id",), f"customer id {cid!r} is not of the form C-A001"))
    if cid and expected_id and cid != expected_id:
        problems.append((("id",), f"id {cid!r} does not match the file name {expected_id!r}"))
    _text(record, "name", problems)
    phones = record.get("phones") or []
    if not isinstance(phones, list):
        problems.append((("phones",), "'phones' must be a list"))
    else:
        for i, phone in enumerate(phones):
            try:
                if canonical_phone(str(phone)) != str(phone):
                    raise SvcError("not canonical")
            except SvcError:
                problems.append((("phones", i), f"phone {phone!r} is not written as plain digits"))
    units = record.get("units") or []
    if not isinstance(units, list) or not units:
        problems.append((("units",), "a customer file lists at least one unit (building-unit-room)"))
    else:
        for i, unit in enumerate(units):
            if not is_canonical_unit(unit):
                problems.append((("units", i), f"unit {unit!r} is not written canonically (e.g. 3-2-1502)"))
    return problems


def ticket(record, expected_id: str | None = None, roster=None, customers=None, scheme=None) -> Problems:
    problems = _mapping(record, "a ticket file")
    if problems:
        return problems
    for key in record:
        if key not in HEADER_KEYS and key != "events":
            problems.append(((key,), f"unknown field '{key}'"))
    tid = _text(record, "id", problems)
    if tid and not TICKET_ID.match(tid):
        problems.append((("id",), f"ticket id {tid!r} is not of the form 202611-A007"))
    if tid and expected_id and tid != expected_id:
        problems.append((("id",), f"id {tid!r} does not match the file path (expected {expected_id!r})"))
    ttype = _choice(record, "type", model.TYPES, problems)
    grades = model.GRADES_BY_SCHEME.get(scheme) if scheme else {
        k: v for s in model.GRADES_BY_SCHEME.values() for k, v in s.items()}
    if ttype == "complaint":
        _choice(record, "grade", grades, problems)
    if ttype == "repair":
        _choice(record, "category", model.REPAIR_CATEGORIES, problems)
    _choice(record, "channel", model.CHANNELS, problems)
    cust = _text(record, "customer", problems)
    if cust and customers is not None and cust not in customers:
        problems.append((("customer",), f"customer {cust!r} has no file in customers/"))
    unit = _text(record, "unit", problems)
    if unit and not is_canonical_unit(unit):
        problems.append((("unit",), f"unit {unit!r} is not written canonically (e.g. 3-2-1502)"))
    _text(record, "summary", problems)
    received = _time(record, "received_at", problems)
    responder = _text(record, "first_responder", problems)
    if responder and roster is not None and responder not in roster:
        problems.append((("first_responder",), f"staff {responder!r} is not on the roster"))
    if ttype == "appointment":
        _time(record, "appointment_at", problems)
    _time(record, "requested_by", problems, required=False)
    events = record.get("events")
    if not isinstance(events, list) or not events:
        problems.append((("events",), "missing 'events' (a ticket starts with its intake event)"))
        return problems
    previous = received
    for i, event in enumerate(events):
        path = ("events", i)
        if not isinstance(event, dict):
            problems.append((path, "an event must be a mapping"))
            continue
        kind = _choice(event, "event", model.EVENT_KINDS, problems, path=path)
        if i == 0 and kind and kind != "intake":
            problems.append((path + ("event",), "the first event must be the intake"))
        at = _time(event, "at", problems, path=path)
        by = _text(event, "by", problems, path=path)
        if by and roster is not None and by not in roster:
            problems.append((path + ("by",), f"staff {by!r} is not on the roster"))
        if at and previous and at < previous:
            problems.append((path + ("at",), f"event at {at.isoformat()} is earlier than the one before it"))
        previous = at or previous
        if kind:
            allowed = set(EVENT_FIELDS[kind]) | {"at", "event", "by"}
            for key in event:
                if key not in allowed:
                    problems.append((path + (key,), f"unknown field '{key}' for a {kind} event"))
            if kind == "callback":
                sat = event.get("satisfaction")
                if not isinstance(sat, int) or isinstance(sat, bool) or not 1 <= sat <= 5:
                    problems.append((path + ("satisfaction",), "satisfaction must be a whole number 1-5"))
            for key in ("appointment_at", "leak_test_at"):
                if key in event:
                    _time(event, key, problems, path=path)
    return problems
