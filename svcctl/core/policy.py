"""Deadline policy: which deadlines a ticket has, from the office rules (service-rules.md).

A rule names a deadline, when its clock starts (``from``), how long it runs (``within``),
which events stop it (``until``), whether it is a ``target`` (passing it is a warning) or a
``limit`` (passing it is overdue), whether a pause stops its clock, whether the date the
customer asked for replaces it (``customer_date``), and its source. The event that starts
a clock may carry its own length (``reopen --within``), which then replaces ``within``.
Rules are looked up by the ticket's type, then ``type.grade``, ``type.category`` and
``repair.emergency``; a later key replaces a rule of the same name. ``*`` applies to all.
An office overrides any number in ``svcctl.yaml``::

    policy:
      complaint_scheme: alternative
      deadlines:
        complaint.general: {resolve: 2 workdays}
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from .chinese_input import spoken_length
from .errors import UsageError
from .timeutil import LONGEST_SPAN
from .message import msg

# "emergency": intake for a repair taken in as an emergency, else the dispatch that made it one.
START_POINTS = ("intake", "close", "leak_test", "reopen", "appointment", "emergency")
# One grammar for every length a person writes: deadline lengths in svcctl.yaml, reopen and
# callback --within, overdue --within. English or Chinese units, short or long
# (the count and its halves are read by chinese_input.spoken_length).
_UNITS = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes", "分钟", "分"), ("minute", False)),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours", "小时"), ("hour", False)),
    **dict.fromkeys(("d", "day", "days", "天", "日"), ("day", False)),
    **dict.fromkeys(("w", "week", "weeks", "周", "星期"), ("week", False)),
    **dict.fromkeys(("wd", "workday", "workdays", "工作日", "个工作日"), ("workday", True)),
}
# Half of a unit, counted in the next smaller one: 半天 is 12 hours (a day here is 24 hours).
_HALVES = {"hour": ("minute", 60), "day": ("hour", 24), "week": ("hour", 7 * 24)}
_SECONDS = {"minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400, "workday": 86400}
SAME_DAY = ("same day", "same_day", "当天", "当日")
IMMEDIATE = "5 minutes"  # "on the spot": the time it takes to write the answer down

LENGTH_FORMS = msg("write e.g. '15 minutes', '2h', '3 days', '1 workday', '2 workdays' or 'same day'")

_R = dict  # a rule is a plain mapping so that svcctl.yaml can hold the same shape

DEFAULT_DEADLINES: dict[str, dict[str, dict]] = {
    "consultation": {
        "reply": _R(within=IMMEDIATE, until=["reply", "close"], source="002 第九条 (answered on the spot)"),
    },
    "query": {"reply": _R(within="15 minutes", until=["reply", "close"], source="002 第十条")},
    "complaint": {
        "first_reply": _R(within="2 hours", until=["reply", "close"], source="002 第十一条"),
        "callback": _R(**{"from": "close"}, within="3 days", until=["callback"], source="000 回访工作规程 3.1.1 a"),
    },
    "complaint.simple": {
        "resolve": _R(customer_date=True, within=IMMEDIATE, until=["close"], source="002 第十二条 (answered immediately)"),
    },
    "complaint.general": {
        "resolve": _R(customer_date=True, within="1 workday", until=["close"], level="target", pausable=True, source="002 第十二条"),
        "resolve_limit": _R(within="3 workdays", until=["close"], pausable=True, source="002 第十二条"),
    },
    "complaint.complex": {
        "resolve": _R(customer_date=True, within="5 workdays", until=["close"], level="target", pausable=True, source="002 第十二条"),
        "resolve_limit": _R(within="7 workdays", until=["close"], pausable=True, source="002 第十二条"),
    },
    "complaint.major": {
        "escalate": _R(within="same day", until=["escalate", "close"], source="000 客户服务工作程序与标准 4(5)"),
        "answer": _R(within="2 days", until=["reply", "close"], source="000 4(5)"),
        "resolve": _R(customer_date=True, within="10 days", until=["close"], pausable=True, source="000 4(5)"),
        "callback": _R(**{"from": "close"}, within="7 days", until=["callback"], source="004 制度5 三.1"),
    },
    "complaint.important": {
        "escalate": _R(within="1 hour", until=["escalate", "close"], source="000 4(5)"),
        "resolve": _R(customer_date=True, within="3 days", until=["close"], pausable=True, source="000 4(5)"),
        "callback": _R(**{"from": "close"}, within="14 days", until=["callback"], source="004 制度5 三.1"),
    },
    "complaint.minor": {
        "resolve": _R(customer_date=True, within="2 days", until=["close"], pausable=True, source="000 4(5) (or the date the resident asked for)"),
        "callback": _R(**{"from": "close"}, within="14 days", until=["callback"], source="004 制度5 三.1"),
    },
    "repair": {
        "dispatch": _R(within="5 minutes", until=["dispatch", "close"], source="000 客户报修工作流程 3.1.2"),
        "callback": _R(**{"from": "close"}, within="2 days", until=["callback"], source="000 走回访 (1)"),
    },
    "repair.leak": {
        "callback": _R(**{"from": "leak_test"}, within="3 days", until=["callback"], source="000 走回访 (1), after the leak test"),
    },
    "repair.emergency": {
        "arrival": _R(**{"from": "emergency"}, within="15 minutes", until=["arrive", "close"], source="000 客户报修工作流程 3.1.2"),
    },
    "suggestion": {
        "forward": _R(within="1 workday", until=["escalate", "close"], source="004 制度2 一.4 (to the director; time is an office default)"),
    },
    "appointment": {
        "appointment": _R(**{"from": "appointment"}, within="0 minutes", until=["arrive", "close"], source="002 日常规范用语 (at the agreed time)"),
    },
    "paid": {
        "callback": _R(**{"from": "close"}, within="2 days", until=["callback"], source="004 制度5 三.3 (time is an office default)"),
    },
    "*": {
        "rework": _R(**{"from": "reopen"}, within="3 workdays", until=["close"], pausable=True, source="000 3.5 责成责任人限期整改 (time is an office default)"),
    },
}

# The order deadlines are shown in, and which one the confirmation sentence promises.
DISPLAY_ORDER = (
    "reply", "first_reply", "dispatch", "arrival", "escalate", "forward", "answer",
    "appointment", "resolve", "resolve_limit", "rework", "callback",
)
# An emergency is promised the technician on site; a repair's dispatch is the office's own
# step, and a suggestion's forward to the director is internal: neither is promised.
PROMISE_ORDER = ("arrival", "resolve", "answer", "appointment", "reply", "first_reply")


@dataclass(frozen=True)
class Within:
    amount: timedelta
    working_only: bool
    end_of_day: bool = False


@dataclass(frozen=True)
class Rule:
    name: str
    start: str
    within: str
    until: tuple[str, ...]
    level: str
    pausable: bool
    source: str
    customer_date: bool = False  # the date the customer asked for (intake --due) replaces the due time

    @cached_property
    def span(self) -> Within:
        return parse_within(self.within)


def length_parts(text: str) -> tuple[int, str] | None:
    """``2 workdays`` -> ``(2, 'workday')``; None for ``same day``. For saying a length the
    way people say it, whichever way it was written. Chinese counts and halves are read too:
    ``两小时`` (2, hour), ``半天`` (12, hour), ``一个半小时`` (90, minute)."""
    raw = " ".join(str(text).split())
    if raw.lower() in SAME_DAY:
        return None
    spoken = spoken_length(raw.replace("working day", "workday"))
    unit = _UNITS.get(spoken[2].lower()) if spoken else None
    if unit is None:
        raise UsageError(msg('cannot read the length {text!r}: {LENGTH_FORMS}', text=text, LENGTH_FORMS=LENGTH_FORMS))
    count, half, name = spoken[0], spoken[1], unit[0]
    if half:
        if name not in _HALVES:  # a workday is counted whole on the calendar
            raise UsageError(msg('cannot read the length {text!r}: a half is read only of an hour, a day or a week; '
                                 '{LENGTH_FORMS}', text=text, LENGTH_FORMS=LENGTH_FORMS))
        name, per = _HALVES[name]
        count = count * per + per // 2
    return count, name


def canonical_length(text: str) -> str:
    """A length as svcctl writes it in a record, however it was typed: ``两小时`` → ``2 hours``."""
    parts = length_parts(text)
    if parts is None:
        return "same day"
    count, unit = parts
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def parse_within(text: str) -> Within:
    """A length as people write it: ``15 minutes``, ``2h``, ``3 days``, ``1 workday``,
    ``2 workdays``, ``same day`` (also ``2 working days``, ``3天``, ``1个工作日``, ``当天``,
    ``两小时``, ``半天``)."""
    parts = length_parts(text)
    if parts is None:
        return Within(timedelta(0), False, end_of_day=True)
    count, unit = parts
    seconds = count * _SECONDS[unit]
    if seconds > LONGEST_SPAN.total_seconds():
        raise UsageError(msg('the length {text!r} is longer than a year: {LENGTH_FORMS}', text=text, LENGTH_FORMS=LENGTH_FORMS))
    return Within(timedelta(seconds=seconds), unit == "workday")


def _rule(name: str, raw: dict) -> Rule:
    start = raw.get("from", "intake")
    if start not in START_POINTS:
        raise UsageError(msg("deadline {name}: 'from' must be one of {starts}", name=name, starts=', '.join(START_POINTS)))
    level = raw.get("level", "limit")
    if level not in ("target", "limit"):
        raise UsageError(msg("deadline {name}: 'level' must be target or limit", name=name))
    rule = Rule(
        name=name,
        start=start,
        within=str(raw["within"]),
        until=tuple(raw.get("until", ["close"])),
        level=level,
        pausable=bool(raw.get("pausable", False)),
        source=str(raw.get("source", "office policy")),
        customer_date=bool(raw.get("customer_date", False)),
    )
    rule.span  # refuse a bad length when the policy is loaded, not when it is used
    return rule


@dataclass(frozen=True)
class Policy:
    scheme: str
    table: dict  # key -> name -> raw rule
    # Every ticket of a kind has the same rules; listing 10k tickets asks for them 10k times.
    _memo: dict = field(default_factory=dict, compare=False, repr=False)

    def rules_for(self, ticket_type: str, grade=None, category=None, emergency=False) -> list[Rule]:
        key = (ticket_type, grade, category, bool(emergency))
        if key not in self._memo:
            self._memo[key] = self._rules_for(*key)
        return self._memo[key]

    def _rules_for(self, ticket_type: str, grade, category, emergency) -> list[Rule]:
        keys = ["*", ticket_type]
        if grade:
            keys.append(f"{ticket_type}.{grade}")
        if category:
            keys.append(f"{ticket_type}.{category}")
        if emergency:
            keys.append(f"{ticket_type}.emergency")
        chosen: dict[str, dict] = {}
        for key in keys:
            chosen.update(self.table.get(key, {}))
        order = {name: i for i, name in enumerate(DISPLAY_ORDER)}
        return sorted((_rule(n, r) for n, r in chosen.items()), key=lambda r: order.get(r.name, 99))

    def owes_callback(self, ticket_type: str, grade=None, category=None, emergency=False) -> bool:
        """Whether a handled ticket of this kind waits for a callback (回访): exactly when
        the policy gives it a deadline that a callback stops (rules §5, overridable)."""
        return any("callback" in rule.until for rule in self.rules_for(ticket_type, grade, category, emergency))

    def rows(self) -> list[dict]:
        out = []
        for key, rules in self.table.items():
            for name, raw in rules.items():
                rule = _rule(name, raw)
                out.append({
                    "applies_to": key, "deadline": name, "from": rule.start, "within": rule.within,
                    "until": "/".join(rule.until), "level": rule.level,
                    "pausable": rule.pausable, "source": rule.source,
                })
        return out


def build_policy(config: dict | None) -> Policy:
    """The default tables with the office's overrides from ``svcctl.yaml`` applied."""
    config = config or {}
    scheme = config.get("complaint_scheme", "standard")
    if scheme not in ("standard", "alternative"):
        raise UsageError(msg("policy.complaint_scheme must be 'standard' or 'alternative'"))
    table = copy.deepcopy(DEFAULT_DEADLINES)
    for key, overrides in (config.get("deadlines") or {}).items():
        if not isinstance(overrides, dict):
            raise UsageError(msg('policy.deadlines.{key} must map deadline names to lengths', key=key))
        slot = table.setdefault(key, {})
        for name, value in overrides.items():
            if value is None:
                slot.pop(name, None)
                continue
            base = dict(slot.get(name) or _find_default(name))
            base.update({"within": value} if not isinstance(value, dict) else value)
            base["source"] = "svcctl.yaml" if not isinstance(value, dict) else value.get("source", "svcctl.yaml")
            if "within" not in base:
                raise UsageError(msg("policy.deadlines.{key}.{name} needs a 'within' length", key=key, name=name))
            _rule(name, base)
            slot[name] = base
    return Policy(scheme, table)


def _find_default(name: str) -> dict:
    for rules in DEFAULT_DEADLINES.values():
        if name in rules:
            return rules[name]
    return {}
