"""Report periods: half-open ``[start, end)`` in the office time zone.

A week runs from Monday 00:00 to the next Monday 00:00, a month from the 1st 00:00 to the
1st of the next month. An event at 00:00 of the next period belongs to the next period.
People type periods the way they say them: ``2026-11``, ``2026年11月``, ``上月``/``last``,
``本月``/``this``; ``2026-W47``, ``上周``/``last``; or ``--from``/``--to`` dates, the
``--to`` day included.
"""
from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from ..core.errors import UsageError
from ..core.message import msg

KINDS = ("week", "month", "range")
_MONTH = re.compile(r"^(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?$")
_WEEK = re.compile(r"^(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})$")
_DATE = re.compile(r"^(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?$")
THIS = ("this", "current", "本月", "本周", "当月", "本")
LAST = ("last", "previous", "上月", "上周", "上个月", "上")


@dataclass(frozen=True)
class Period:
    kind: str  # week, month or range
    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        """A stable name: ``2026-W47``, ``2026-11``, ``2026-11-01..2026-11-15`` (both days in)."""
        if self.kind == "week":
            year, week, _ = self.start.date().isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y-%m-%d}..{self.last_day:%Y-%m-%d}"

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()

    def contains(self, when: datetime | None) -> bool:
        return when is not None and self.start <= when < self.end

    def previous(self) -> "Period":
        tz = self.start.tzinfo
        if self.kind == "week":
            return week_of(self.start.date() - timedelta(days=7), tz)
        if self.kind == "month":
            return month_of(self.start.date() - timedelta(days=1), tz)
        days = (self.end.date() - self.start.date()).days
        return Period("range", _midnight(self.start.date() - timedelta(days=days), tz), self.start)

    def series(self, count: int) -> list["Period"]:
        """This period and the ``count - 1`` before it, oldest first (a trend line)."""
        out = [self]
        while len(out) < count:
            out.append(out[-1].previous())
        return out[::-1]


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def week_of(day: date, tz: tzinfo) -> Period:
    monday = day - timedelta(days=day.weekday())
    return Period("week", _midnight(monday, tz), _midnight(monday + timedelta(days=7), tz))


def month_of(day: date, tz: tzinfo) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period("month", _midnight(first, tz), _midnight(following, tz))


def _this_or_last(raw: str, current: Period) -> Period | None:
    if raw.lower() in THIS:
        return current
    if raw.lower() in LAST:
        return current.previous()
    return None


def parse_month(text: str, tz: tzinfo, now: datetime) -> Period:
    raw = (text or "").strip()
    said = _this_or_last(raw, month_of(now.astimezone(tz).date(), tz))
    if said is not None:
        return said
    match = _MONTH.match(raw)
    if match and 1 <= int(match.group(2)) <= 12 and 2000 <= int(match.group(1)) <= 2100:
        return month_of(date(int(match.group(1)), int(match.group(2)), 1), tz)
    raise UsageError(msg("cannot read the month {text!r}: write 2026-11, 2026年11月, 上月 (last) or 本月 (this)", text=text))


def parse_week(text: str, tz: tzinfo, now: datetime) -> Period:
    raw = (text or "").strip()
    said = _this_or_last(raw, week_of(now.astimezone(tz).date(), tz))
    if said is not None:
        return said
    match = _WEEK.match(raw)
    if match and 2000 <= int(match.group(1)) <= 2100:
        with contextlib.suppress(ValueError):  # week 53 of a year that has 52
            return week_of(date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1), tz)
    raise UsageError(msg("cannot read the week {text!r}: write 2026-W47, 上周 (last) or 本周 (this) (ISO weeks start on Monday)", text=text))


def parse_day(text: str, what: str) -> date:
    match = _DATE.match((text or "").strip())
    if match:
        with contextlib.suppress(ValueError):  # 2026-02-30
            return date(*(int(g) for g in match.groups()))
    raise UsageError(msg("cannot read the {what} date {text!r}: write a date like 2026-11-01 or 2026年11月1日", what=what, text=text))


def between(first: str, last: str, tz: tzinfo) -> Period:
    """``--from 2026-11-01 --to 2026-11-15``: both days included."""
    start, finish = parse_day(first, "--from"), parse_day(last, "--to")
    if finish < start:
        raise UsageError(msg("--to {last} is before --from {first}", last=last, first=first))
    if (finish - start).days > 366:
        raise UsageError(msg("a report covers at most a year: narrow --from/--to"))
    return Period("range", _midnight(start, tz), _midnight(finish + timedelta(days=1), tz))


def choose(kind: str, tz: tzinfo, now: datetime, *, week: str | None = None, month: str | None = None,
           first: str | None = None, last: str | None = None) -> Period:
    """The period a command asked for; without one, the current week or month."""
    if (first is None) != (last is None):
        raise UsageError(msg("give both --from and --to (the --to day is included)"))
    given = [name for name, value in (("--week", week), ("--month", month), ("--from/--to", first)) if value]
    if len(given) > 1:
        raise UsageError(msg("give one period: {given}", given=" / ".join(given)))
    if first is not None:
        return between(first, last, tz)
    if week is not None:
        return parse_week(week, tz, now)
    if month is not None:
        return parse_month(month, tz, now)
    today = now.astimezone(tz).date()
    return week_of(today, tz) if kind == "week" else month_of(today, tz)
