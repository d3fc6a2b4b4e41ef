"""Checks of record contents. Each returns a list of (value path, message); a path is
a tuple like ``('events', 3, 'at')`` that the store turns into a file line.

Everything a command reads from a record is checked here, so that a record that passes
can be folded, evaluated against the deadline policy and acted on without surprises:
``svcctl check`` and the loaders in ``store.records`` use these same functions.
"""
from __future__ import annotations

import functools
import re
from datetime import date
from decimal import Decimal

from . import controls, model, roles
from .errors import Refusal, SvcError
from .policy import DEFAULT_DEADLINES, LENGTH_FORMS, START_POINTS, build_policy, parse_within
from .timeutil import NotRecordTime, from_iso
from .units import canonical_phone, is_canonical_unit
from .message import Message, msg, term

TICKET_ID = re.compile(r"^(\d{4})(\d{2})-([A-Z]{1,3})(\d{3,})$")
CUSTOMER_ID = re.compile(r"^C-([A-Z]{1,3})(\d{3,})$")
STAFF_ID = re.compile(r"^[a-z][a-z0-9_.-]{0,31}$")
STATION = re.compile(r"^[A-Z]{1,3}$")
OFFICE_CODE = re.compile(r"^[A-Za-z0-9]{1,10}$")
Problems = list

CUSTOMER_KEYS = ("id", "name", "phones", "units", "notes", "created")
CONFIG_KEYS = ("office", "timezone", "language", "departments", "staff", "stations", "policy", "calendar",
               "households", "reports", "alerts")
OFFICE_KEYS = ("name", "code")
STAFF_KEYS = ("id", "name", "role", "department", "email", "mention")
POLICY_KEYS = ("complaint_scheme", "deadlines")
RULE_KEYS = ("within", "from", "until", "level", "pausable", "source", "customer_date")
CALENDAR_KEYS = ("holidays", "workdays", "schedule_years")
REPORT_KEYS = ("first_fix_window", "recurring_window")
# The ticket kinds a deadline override may name (see policy.Policy.rules_for).
DEADLINE_KEYS = frozenset(
    ["*", *model.TYPES, "repair.emergency"]
    + [f"complaint.{g}" for grades in model.GRADES_BY_SCHEME.values() for g in grades]
    + [f"repair.{c}" for c in model.REPAIR_CATEGORIES]
)


# Free text that may run over several lines (an account of the problem, a note, what was
# done) keeps its line breaks and tabs; every other field is one line of text.
MULTI_LINE = frozenset(("detail", "notes", "note", "result", "reason", "answer"))


def text_problem(key: str, value, lines: bool | None = None) -> str | None:
    """Why ``value`` cannot be the text of field ``key``: a control character (see
    ``core.controls``), or a line break in a field of one line. ``lines`` says whether the
    field keeps line breaks and tabs (default: whether ``key`` is one of ``MULTI_LINE``).
    Commands refuse such input with this line; ``svcctl check`` reports a record holding it."""
    if not isinstance(value, str):
        return None
    if lines is None:
        lines = key in MULTI_LINE
    bad = controls.first(value, "\n\t" if lines else "")
    if bad is None:
        return None
    if bad in "\n\r\u2028\u2029":
        return msg("'{key}' is one line of text, but holds a line break ({code})", key=key, code=controls.code(bad))
    return msg("'{key}' holds the invisible control character {code}, which no text may hold", key=key,
               code=controls.code(bad))


def _text(record, key, problems, required=True, path=(), lines=None):
    value = record.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append((path + (key,), msg("missing required field '{key}'", key=key)))
        return None
    if not isinstance(value, str):
        problems.append((path + (key,), msg("'{key}' must be text, found {value!r}", key=key, value=value)))
        return None
    if not value.isprintable():  # plain text, nearly always: nothing more to look at
        problem = text_problem(key, value, lines)
        if problem:
            problems.append((path + (key,), problem))
            return None
    return value


def _time(record, key, problems, required=True, path=()):
    value = record.get(key)
    if value is None:
        if required:
            problems.append((path + (key,), msg("missing required time '{key}'", key=key)))
        return None
    try:
        when = from_iso(value)
    except NotRecordTime as exc:
        reason = exc.args[0]
        if isinstance(reason, Message):  # a time svcctl would write otherwise: say how
            problems.append((path + (key,), msg("'{key}' {value!r} is not a time as svcctl writes it: {reason}",
                                                key=key, value=value, reason=reason)))
        else:
            problems.append((path + (key,), msg("'{key}' is not an ISO 8601 time with offset: {value!r}", key=key, value=value)))
        return None
    except (TypeError, ValueError):
        problems.append((path + (key,), msg("'{key}' is not an ISO 8601 time with offset: {value!r}", key=key, value=value)))
        return None
    if not 2000 <= when.year <= 2100:
        problems.append((path + (key,), msg("'{key}' {value!r} is outside the years 2000-2100", key=key, value=value)))
        return None
    return when


def _choice(record, key, choices, problems, required=True, path=()):
    value = record.get(key)
    if value is None:
        if required:
            problems.append((path + (key,), msg("missing required field '{key}'", key=key)))
        return None
    if not isinstance(value, str) or value not in choices:
        problems.append((path + (key,), msg("'{key}' is {value!r}; allowed: {choices}", key=key, value=value, choices=', '.join(choices))))
        return None
    return value


def _flag(record, key, problems, path=()):
    """An optional yes/no field: a real YAML boolean, never 'yes' in quotes or 1."""
    value = record.get(key)
    if value is not None and not isinstance(value, bool):
        problems.append((path + (key,), msg("'{key}' must be true or false, found {value!r}", key=key, value=value)))
        return None
    return value


def _list(record, key, problems, what, path=()):
    """The list under ``key`` ([] when absent); None and a problem when it is not a list."""
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append((path + (key,), msg("'{key}' must be a list of {what}", key=key, what=what)))
        return None
    return value


def _unknown(record, allowed, problems, path=(), where=""):
    for key in record:
        if key not in allowed:
            problems.append((path + (key,), msg("unknown field '{key}'{where}{hint}", key=key, where=where,
                                                hint=did_you_mean(key, allowed))))


def did_you_mean(key, allowed) -> str:
    """`` (did you mean 'calendar'?)`` for a misspelt key, else nothing."""
    import difflib

    close = difflib.get_close_matches(str(key), [str(a) for a in allowed], n=1, cutoff=0.6)
    return msg(" (did you mean '{key}'?)", key=close[0]) if close else ""


_GIT_CRUD = set(".,:;<>\"\\'") | {" ", "\t", "\n", "\r"}


def author_problem(name, email=None) -> str | None:
    """Why git would refuse (or silently change) this name or email as a commit's author."""
    if isinstance(name, str) and all(ch in _GIT_CRUD or ch.isspace() for ch in name):
        return msg('staff name {name!r} has no letter or digit: git cannot record it as an author', name=name)
    if isinstance(name, str) and any(ch in "<>\n\r" for ch in name):
        return msg('staff name {name!r} contains < > or a line break, which git drops from author names', name=name)
    if isinstance(email, str) and (any(ch in "<>" or ch.isspace() for ch in email) or not email):
        return msg('email {email!r} contains < > or a space, which git cannot record', email=email)
    return None


def within_problem(value) -> str | None:
    """Why ``value`` is not a deadline length the policy and the calendar can use."""
    if not isinstance(value, str):
        return msg('{value!r} is not a deadline length: {LENGTH_FORMS}', value=value, LENGTH_FORMS=LENGTH_FORMS)
    try:
        parse_within(value)  # which also refuses a length longer than a year
    except SvcError as exc:
        return exc.message
    return None


def _mapping(record, what) -> Problems:
    if record is None:
        return [((), msg('{what} must be a mapping of fields, found nothing (the file is empty)', what=what))]
    if not isinstance(record, dict):
        return [((), msg('{what} must be a mapping of fields, found {name}', what=what, name=type(record).__name__))]
    return []


# ---------------------------------------------------------------------------- svcctl.yaml


def config(record) -> Problems:
    problems = _mapping(record, "svcctl.yaml")
    if problems:
        return problems
    # A misspelt key is never ignored: 'calender:' would silently drop the office's holidays.
    _unknown(record, CONFIG_KEYS, problems, where=msg(" in svcctl.yaml"))
    office = record.get("office")
    if not isinstance(office, dict):
        problems.append((("office",), msg("'office' must be a mapping with the office's name and code")))
    else:
        _unknown(office, OFFICE_KEYS, problems, ("office",), msg(" in 'office'"))
        _text(office, "name", problems, path=("office",))
        code = _text(office, "code", problems, path=("office",))
        if code and not OFFICE_CODE.match(code):
            problems.append((("office", "code"), msg('office code {code!r} must be 1-10 letters or digits', code=code)))
    tz = record.get("timezone", "Asia/Shanghai")
    try:
        from zoneinfo import ZoneInfo

        if not isinstance(tz, str):
            raise ValueError(tz)
        ZoneInfo(tz)
    except Exception:
        problems.append((("timezone",), msg('unknown time zone {tz!r}', tz=tz)))
    _choice(record, "language", (*model.LANGUAGES, *model.LANGUAGE_TAGS), problems, required=False)
    departments = record.get("departments")
    if not isinstance(departments, list) or not all(isinstance(d, str) and d.strip() for d in departments):
        problems.append((("departments",), msg("'departments' must be a list of names")))
        departments = None
    for i, name in enumerate(departments or ()):
        problem = text_problem("departments", name)
        if problem:
            problems.append((("departments", i), problem))
    _staff(record, departments, problems)
    _stations(record, problems)
    _policy(record.get("policy"), problems)
    _calendar(record.get("calendar"), problems)
    _reports(record, problems)
    from .alerts import problems as alert_problems

    problems.extend(alert_problems(record.get("alerts")))
    return problems


def _reports(record, problems) -> None:
    """``households:`` (for the complaint rate) and the ``reports:`` windows."""
    households = record.get("households")
    if households is not None and (not isinstance(households, int) or isinstance(households, bool)
                                   or households < 1):
        problems.append((("households",), msg("'households' must be a whole number of households, found {households!r}", households=households)))
    reports = record.get("reports")
    if reports is None:
        return
    if not isinstance(reports, dict):
        problems.append((("reports",), "'reports' must be a mapping (first_fix_window, recurring_window)"))
        return
    _unknown(reports, REPORT_KEYS, problems, ("reports",), " in 'reports'")
    for key in REPORT_KEYS:
        value = reports.get(key)
        if value is None:
            continue
        problem = within_problem(value)
        if problem is None and parse_within(value).working_only:
            problem = f"{value!r}: a report window is counted in calendar days, e.g. '14 days'"
        if problem:
            problems.append((("reports", key), problem))


def _staff(record, departments, problems) -> None:
    staff = record.get("staff")
    if not isinstance(staff, list) or not staff:
        problems.append((("staff",), msg("'staff' must list at least one member")))
        return
    seen = set()
    for i, member in enumerate(staff):
        path = ("staff", i)
        if not isinstance(member, dict):
            problems.append((path, msg('a staff entry must be a mapping (id, name, role)')))
            continue
        _unknown(member, STAFF_KEYS, problems, path, msg(" in a staff entry"))
        sid = _text(member, "id", problems, path=path)
        if sid and not STAFF_ID.match(sid):
            problems.append((path + ("id",), msg('staff id {sid!r} must be lower-case letters, digits, . _ -', sid=sid)))
        if sid and sid in seen:
            problems.append((path + ("id",), msg('staff id {sid!r} appears twice', sid=sid)))
        seen.add(sid)
        name = _text(member, "name", problems, path=path)
        problem = author_problem(name, member.get("email")) if name else None
        if problem:
            problems.append((path + ("email" if problem.startswith("email") else "name",), problem))
        _choice(member, "role", roles.KEYS, problems, path=path)
        dept = _text(member, "department", problems, required=False, path=path)
        if dept and departments is not None and dept not in departments:
            problems.append((path + ("department",), msg("department {dept!r} is not in 'departments'", dept=dept)))
        problem = roles.roster_problems(member)
        if problem:
            problems.append((path + ("department",), problem))
        _text(member, "email", problems, required=False, path=path)
        # The mobile number or platform user id a group alert @mentions them by.
        mention = _text(member, "mention", problems, required=False, path=path)
        if mention and (len(mention) > 64 or any(ch.isspace() for ch in mention)):
            problems.append((path + ("mention",), msg("mention {value!r} must be one mobile number or platform user "
                                                      "id, without spaces", value=mention)))


def _stations(record, problems) -> None:
    stations = record.get("stations")
    if stations is None:
        return
    if not isinstance(stations, dict):
        problems.append((("stations",), msg("'stations' must map station codes to the PC that uses each (A: first PC)")))
        return
    for code, note in stations.items():
        if not isinstance(code, str) or not STATION.match(code):
            problems.append((("stations", code), msg('station code {code!r} must be 1-3 capital letters', code=code)))
        elif note is not None and not isinstance(note, str):
            problems.append((("stations", code), msg('station {code}: say which PC uses it in words, found {note!r}', code=code, note=note)))
        elif text_problem("stations", note):
            problems.append((("stations", code), text_problem("stations", note)))


def _policy(policy, problems) -> None:
    if policy is None:
        return
    if not isinstance(policy, dict):
        problems.append((("policy",), msg("'policy' must be a mapping (complaint_scheme, deadlines)")))
        return
    before = len(problems)
    _unknown(policy, POLICY_KEYS, problems, ("policy",), msg(" in 'policy'"))
    scheme = policy.get("complaint_scheme")
    if scheme is not None and scheme not in model.GRADES_BY_SCHEME:
        problems.append((("policy", "complaint_scheme"),
                         msg("'complaint_scheme' is {scheme!r}; allowed: {schemes}", scheme=scheme, schemes=', '.join(model.GRADES_BY_SCHEME))))
    table = policy.get("deadlines")
    if table is not None and not isinstance(table, dict):
        problems.append((("policy", "deadlines"),
                         msg("'deadlines' must map kinds of ticket (e.g. complaint.general) to deadlines")))
        table = None
    defaults = {name for rules in DEFAULT_DEADLINES.values() for name in rules}
    for key, overrides in (table or {}).items():
        path = ("policy", "deadlines", key)
        if key not in DEADLINE_KEYS:
            problems.append((path, msg("no ticket is of kind {key!r}{hint}: use *, a type (complaint), complaint.GRADE, "
                                       "repair.CATEGORY or repair.emergency", key=key,
                                       hint=did_you_mean(key, sorted(DEADLINE_KEYS)))))
        if not isinstance(overrides, dict):
            problems.append((path, msg('policy.deadlines.{key} must map deadline names to lengths', key=key)))
            continue
        for name, value in overrides.items():
            if name not in defaults and not (isinstance(value, dict) and "until" in value):
                # A misspelt name ('dispach') would silently become a deadline of its own.
                problems.append((path + (name,), msg(
                    "unknown deadline '{name}'{hint}: a deadline of the office's own says what stops it "
                    "(within, from, until)", name=name, hint=did_you_mean(name, sorted(defaults)))))
                continue
            _rule(path + (name,), name, value, name in defaults, problems)
    if len(problems) == before:
        try:  # the policy module's own checks, which commands run when they load it
            build_policy(policy)
        except SvcError as exc:
            problems.append((("policy",), exc.message))


def _rule(path, name, value, has_default, problems) -> None:
    if value is None:
        return  # removes the deadline
    if not isinstance(value, dict):
        value = {"within": value}
        where = path
    else:
        where = path + ("within",)
        _unknown(value, RULE_KEYS, problems, path, msg(" in deadline '{name}'", name=name))
        if value.get("from") is not None and value["from"] not in START_POINTS:
            problems.append((path + ("from",), msg("'from' is {start!r}; allowed: {starts}", start=value['from'], starts=', '.join(START_POINTS))))
        if value.get("level") is not None and value["level"] not in ("target", "limit"):
            problems.append((path + ("level",), msg("'level' is {level!r}; allowed: target, limit", level=value['level'])))
        until = value.get("until")
        if until is not None:
            from . import events as ev  # the kinds of event, loaded only for a policy that names them

            if not isinstance(until, list) or not until or not all(isinstance(k, str) and k in ev.KINDS for k in until):
                problems.append((path + ("until",), msg("'until' must list the events that stop the clock ({kinds})", kinds=', '.join(ev.KINDS))))
        _flag(value, "pausable", problems, path)
        _flag(value, "customer_date", problems, path)
        _text(value, "source", problems, required=False, path=path)
    if "within" not in value:
        if not has_default:
            problems.append((path, msg("deadline '{name}' needs a 'within' length", name=name)))
        return
    problem = within_problem(value["within"])
    if problem:
        problems.append((where, problem))


def _calendar(calendar, problems) -> None:
    if calendar is None:
        return
    if not isinstance(calendar, dict):
        problems.append((("calendar",), msg("'calendar' must be a mapping (holidays, workdays, schedule_years)")))
        return
    _unknown(calendar, CALENDAR_KEYS, problems, ("calendar",), msg(" in 'calendar'"))
    for key in ("holidays", "workdays"):
        for i, day in enumerate(_list(calendar, key, problems, msg("dates like 2026-10-10"), ("calendar",)) or ()):
            try:
                if not isinstance(day, str):
                    raise ValueError(day)
                date.fromisoformat(day)
            except ValueError:
                problems.append((("calendar", key, i), msg('{day!r} is not a date like 2026-10-10', day=day)))
    years = _list(calendar, "schedule_years", problems, msg("years like 2027"), ("calendar",))
    for i, year in enumerate(years or ()):
        if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
            problems.append((("calendar", "schedule_years", i), msg('{year!r} is not a year like 2027', year=year)))


# ---------------------------------------------------------------------------- customers


def customer(record, expected_id: str | None = None) -> Problems:
    problems = _mapping(record, msg("a customer file"))
    if problems:
        return problems
    _unknown(record, CUSTOMER_KEYS, problems)
    cid = _text(record, "id", problems)
    if cid and not CUSTOMER_ID.match(cid):
        problems.append((("id",), msg('customer id {cid!r} is not of the form C-A001', cid=cid)))
    if cid and expected_id and cid != expected_id:
        problems.append((("id",), msg('id {cid!r} does not match the file name {expected_id!r}', cid=cid, expected_id=expected_id)))
    _text(record, "name", problems)
    for i, phone in enumerate(_list(record, "phones", problems, msg("phone numbers")) or ()):
        try:
            if not isinstance(phone, str) or canonical_phone(phone) != phone:
                raise SvcError(msg('not canonical'))
        except SvcError:
            problems.append((("phones", i), msg("phone {phone!r} is not written as plain digits in quotes ('13800138000')", phone=phone)))
    units = record.get("units")
    if not isinstance(units, list) or not units:
        problems.append((("units",), msg('a customer file lists at least one unit (building-unit-room)')))
    else:
        for i, unit in enumerate(units):
            if not is_canonical_unit(unit):
                problems.append((("units", i), msg('unit {unit!r} is not written canonically (e.g. 3-2-1502)', unit=unit)))
    _text(record, "notes", problems, required=False)
    _time(record, "created", problems, required=False)
    return problems


# ---------------------------------------------------------------------------- handovers

HANDOVER_KEYS = ("at", "by", "to", "station", "shift_hours", "note", "urgent", "normal", "waiting")


def handover_name(at, station: str) -> str:
    """``handovers/2026/11/20261123-160000-A.yaml``: sorted by time, one PC per name."""
    return f"handovers/{at:%Y}/{at:%m}/{at:%Y%m%d-%H%M%S}-{station}.yaml"


def handover(record, inner: str | None = None, roster=None, tz=None) -> Problems:
    """A shift handover record (rules §10): who handed over to whom, when, which tickets."""
    problems = _mapping(record, "a handover record")
    if problems:
        return problems
    _unknown(record, HANDOVER_KEYS, problems)
    at = _time(record, "at", problems)
    for key in ("by", "to"):
        _on_roster(_text(record, key, problems, required=key == "by"), roster, (key,), problems)
    station = _text(record, "station", problems)
    if station and not STATION.match(station):
        problems.append((("station",), msg("station code {station!r} must be 1-3 capital letters", station=station)))
    hours = record.get("shift_hours")
    if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= 24:
        problems.append((("shift_hours",), msg("'shift_hours' must be a whole number of hours from 1 to 24, found {hours!r}", hours=hours)))
    _text(record, "note", problems, required=False, lines=False)  # a handover's note is one line
    for key in ("urgent", "normal", "waiting"):
        for i, tid in enumerate(_list(record, key, problems, "ticket ids") or ()):
            if not isinstance(tid, str) or not TICKET_ID.match(tid):
                problems.append(((key, i), msg("{tid!r} is not a ticket id like 202611-A007", tid=tid)))
    if inner is not None and at is not None and station and tz is not None:
        expected = handover_name(at.astimezone(tz), station)
        if inner != expected:
            problems.append((("at",), msg("file name does not match its time and station: expected {expected}", expected=expected)))
    return problems


# ---------------------------------------------------------------------------- tickets


def ticket(record, expected_id: str | None = None, roster=None, customers=None, departments=None,
           replayed: list | None = None) -> Problems:
    """Problems of a ticket file. ``roster`` (staff ids), ``customers`` (customer ids) and
    ``departments`` are checked against when given. A complaint's grade may come from either
    scheme: an office that switches ``policy.complaint_scheme`` keeps its old complaints.
    A ticket that passes is replayed event by event; ``replayed``, when given, receives the
    ``(Ticket, Fold)`` of that replay, so a caller building its view does not fold it again."""
    # The kinds of event, loaded by the commands that read tickets (validating svcctl.yaml
    # or a customer needs none of them).
    from . import events as ev
    from .ticket import HEADER_KEYS

    if not isinstance(record, dict):
        return _mapping(record, msg("a ticket file"))
    problems = []
    if not _ticket_keys().issuperset(record):
        _unknown(record, (*HEADER_KEYS, "events"), problems)
    tid = _text(record, "id", problems)
    if tid and not TICKET_ID.match(tid):
        problems.append((("id",), msg('ticket id {tid!r} is not of the form 202611-A007', tid=tid)))
    if tid and expected_id and tid != expected_id:
        problems.append((("id",), msg('id {tid!r} does not match the file path (expected {expected_id!r})', tid=tid, expected_id=expected_id)))
    ttype = _choice(record, "type", model.TYPES, problems)
    if ttype == "complaint":
        _choice(record, "grade", model.ALL_GRADES, problems)
    elif ttype and record.get("grade") is not None:
        problems.append((("grade",), msg("'grade' is for complaints only")))
    if ttype == "repair":
        _choice(record, "category", model.REPAIR_CATEGORIES, problems)
    elif ttype:
        for key in ("category", "emergency"):
            if record.get(key) not in (None, False):
                problems.append(((key,), msg("'{key}' is for repairs only", key=key)))
    _flag(record, "emergency", problems)
    _choice(record, "channel", model.CHANNELS, problems)
    cust = _text(record, "customer", problems)
    if cust and customers is not None and cust not in customers:
        problems.append((("customer",), msg('customer {cust!r} has no file in customers/', cust=cust)))
    unit = _text(record, "unit", problems)
    if unit and not is_canonical_unit(unit):
        problems.append((("unit",), msg('unit {unit!r} is not written canonically (e.g. 3-2-1502)', unit=unit)))
    _text(record, "summary", problems)
    _text(record, "detail", problems, required=False)
    _text(record, "place", problems, required=False)
    received = _time(record, "received_at", problems)
    responder = _text(record, "first_responder", problems)
    _on_roster(responder, roster, ("first_responder",), problems)
    _time(record, "appointment_at", problems, required=ttype == "appointment")
    _time(record, "requested_by", problems, required=False)
    events = record.get("events")
    if not isinstance(events, list) or not events:
        problems.append((("events",), msg("missing 'events' (a ticket starts with its intake event)")))
        return problems
    previous = received
    for i, event in enumerate(events):
        path = ("events", i)
        if not isinstance(event, dict):
            problems.append((path, msg('an event must be a mapping')))
            continue
        kind = _choice(event, "event", ev.KINDS, problems, path=path)
        if i == 0 and kind and kind != "intake":
            problems.append((path + ("event",), msg('the first event must be the intake')))
        at = _time(event, "at", problems, path=path)
        by = _text(event, "by", problems, path=path)
        _on_roster(by, roster, path + ("by",), problems)
        if at and previous and at < previous:
            problems.append((path + ("at",), msg('event at {at} is earlier than the one before it', at=at.isoformat())))
        previous = at or previous
        if kind:
            _event(kind, event, path, roster, departments, problems)
    if not problems:
        _replay(record, roster, departments, problems, replayed)
    return problems


def _replay(record, roster, departments, problems, replayed=None) -> None:
    """Every event judged by the guards the commands use, against the state before it: a
    history from a hand edit or a merge that no sequence of commands could have made is
    refused, so no command ever shows a state that cannot be. Authority is judged where
    ``roster`` maps staff ids to their roles."""
    from . import events as ev
    from .ticket import Ticket, folding, step

    ticket = Ticket.from_record(record)
    members = roster if isinstance(roster, dict) else {}
    acc = folding(ticket)
    for i, event in enumerate(ticket.events):
        member = members.get(event.by)
        guard = ev.Guard(event.by, member.role if member is not None else None, members, departments, live=False)
        try:
            ev.KINDS[event.kind].check(ticket, acc, event, guard)
        except Refusal as exc:
            problems.append((("events", i, "event"), msg("impossible history: '{kind}' by {by} at {at}: {message}", kind=event.kind, by=event.by, at=event.at.isoformat(), message=exc.message)))
            return  # every later state would be a guess
        step(acc, event)
    if replayed is not None:
        replayed.append((ticket, acc))


def _on_roster(staff_id, roster, path, problems) -> None:
    if staff_id and roster is not None and staff_id not in roster:
        problems.append((path, msg('staff {staff_id!r} is not on the roster', staff_id=staff_id)))


@functools.cache
def _ticket_keys() -> frozenset:
    from .ticket import HEADER_KEYS

    return frozenset((*HEADER_KEYS, "events"))


def _event_keys(kind) -> frozenset:
    """The keys an event of ``kind`` may have."""
    return frozenset((*(f.name for f in kind.fields), "at", "event", "by"))


def _event(kind, event, path, roster, departments, problems) -> None:
    """An event's fields, each checked by the type its kind declares (core.events)."""
    from . import events as ev

    declared = ev.KINDS[kind].fields
    allowed = ev.derived(kind, _event_keys)
    if not allowed.issuperset(event):  # the words of a problem are made only when there is one
        _unknown(event, allowed, problems, path, msg(" for a {kind} event", kind=term("event", kind)))
    for f in declared:
        if f.type == ev.TEXT:
            _text(event, f.name, problems, required=f.required, path=path)
        elif f.type == ev.FLAG:
            _flag(event, f.name, problems, path)
        elif f.type == ev.TIME:
            _time(event, f.name, problems, required=f.required, path=path)
        elif f.type == ev.STAFF:
            _on_roster(_text(event, f.name, problems, required=f.required, path=path), roster, path + (f.name,), problems)
        elif f.type == ev.DEPARTMENT:
            to = _text(event, f.name, problems, required=f.required, path=path)
            if to and departments is not None and to not in departments:
                problems.append((path + (f.name,), msg('department {to!r} is not one of the office departments ({departments})', to=to, departments=', '.join(departments))))
        elif f.type == ev.METHOD:
            _choice(event, f.name, model.CALLBACK_METHODS, problems, required=f.required, path=path)
        elif f.type == ev.SCORE:
            score = event.get(f.name)
            if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
                problems.append((path + (f.name,), msg('{name} must be a whole number 1-5', name=f.name)))
        elif f.type == ev.MONEY:
            _money(event, f.name, problems, path)
        elif f.type == ev.LENGTH and event.get(f.name) is not None:
            problem = within_problem(event[f.name])
            if problem:
                problems.append((path + (f.name,), problem))


def _money(record, key, problems, path) -> None:
    """An amount in yuan, exact to the fen: '80.50' (text, as svcctl writes it) or a plain number."""
    value = record.get(key)
    if value is None:
        return
    bad = isinstance(value, bool) or not isinstance(value, (int, float, str))
    if not bad:
        from .events import money

        try:
            amount = money(value)
            bad = amount < 0 or amount != Decimal(str(value)) or len(amount.as_tuple().digits) > 15
        except (ValueError, ArithmeticError):
            bad = True
    if bad:
        problems.append((path + (key,), msg("'{key}' must be an amount of 0 or more with at most two decimals (e.g. '80.50'), found {value!r}", key=key, value=value)))
