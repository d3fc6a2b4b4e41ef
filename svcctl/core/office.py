"""The office as configured in ``svcctl.yaml``: roster, departments, calendar, policy.

An ``Office`` is built from a config that passed ``validate.config``; every accessor
here relies on the shapes that validation guarantees and on nothing more.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from . import model
from .calendar import OfficeCalendar
from .errors import UsageError
from .policy import Policy, build_policy, parse_within
from .roles import Actor
from .message import msg


@dataclass(frozen=True)
class Office:
    config: dict

    @property
    def name(self) -> str:
        return self.config["office"]["name"]

    @property
    def code(self) -> str:
        return self.config["office"]["code"]

    @property
    def language(self) -> str:
        """The office's language (zh or en): the default for what svcctl prints."""
        value = self.config.get("language") or model.DEFAULT_LANGUAGE
        return model.LANGUAGE_TAGS.get(value, value)

    @cached_property
    def tz(self):
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.config.get("timezone") or "Asia/Shanghai")

    @property
    def departments(self) -> tuple:
        return tuple(self.config.get("departments") or ())

    @property
    def stations(self) -> dict:
        stations = self.config.get("stations")
        return dict(stations) if isinstance(stations, dict) else {}

    @cached_property
    def roster(self) -> dict:
        return {
            s["id"]: Actor(s["id"], s["name"], s["role"], s.get("department"), s.get("email"))
            for s in self.config.get("staff") or ()
        }

    @cached_property
    def policy(self) -> Policy:
        return build_policy(self.config.get("policy"))

    @cached_property
    def calendar(self) -> OfficeCalendar:
        cal = self.config.get("calendar") or {}
        return OfficeCalendar(
            self.tz,
            frozenset(date.fromisoformat(str(d)) for d in cal.get("holidays") or ()),
            frozenset(date.fromisoformat(str(d)) for d in cal.get("workdays") or ()),
            schedule_years=frozenset(int(y) for y in cal.get("schedule_years") or ()),
        )

    @property
    def households(self) -> int | None:
        """The households the office serves, when svcctl.yaml says (for the complaint rate)."""
        return self.config.get("households")

    def report_window(self, key: str, default: str) -> timedelta:
        """A window of the reports (``reports: first_fix_window: 14 days``), as a length."""
        return parse_within((self.config.get("reports") or {}).get(key) or default).amount

    def actor(self, staff_id: str | None) -> Actor:
        """The member of staff typed by id or by name (``li``, or the name on the roster)."""
        if not staff_id:
            raise UsageError(msg("who is acting? give --as STAFF or set SVCCTL_USER (see 'svcctl staff list')"))
        return self.roster[self.staff_id(staff_id)]

    def staff_id(self, typed: str) -> str:
        """The roster id of a member of staff typed by id or by name; a name two people share
        is refused with the ids it could mean."""
        return staff_id(self.roster, typed)


def staff_id(roster: dict, typed: str) -> str:
    """``li``, ``LI`` or the roster name of li → ``li``, from a roster of id → Actor."""
    text = " ".join(unicodedata.normalize("NFKC", str(typed or "")).split())
    if text in roster:
        return text
    by_id = [sid for sid in roster if sid.lower() == text.lower()]
    if len(by_id) == 1:
        return by_id[0]
    named = [sid for sid, actor in roster.items() if " ".join(str(actor.name).split()) == text]
    if len(named) == 1:
        return named[0]
    if named:
        readings = ", ".join(f"{sid} ({roster[sid].name})" for sid in sorted(named))
        raise UsageError(msg("{typed!r} could be {readings}: give the staff id", typed=typed, readings=readings))
    raise UsageError(msg("unknown staff id {staff_id!r}: not on the roster (see 'svcctl staff list')", staff_id=typed))
