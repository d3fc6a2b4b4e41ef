"""Parsing and formatting of instants and durations, in the office time zone."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

from .errors import UsageError
from .message import msg



_DATE = r"(?P<y>\d{4})[-/年](?P<mo>\d{1,2})[-/月](?P<d>\d{1,2})日?"
_CLOCK = r"(?P<h>\d{1,2})[:：](?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
_OFFSET = r"(?P<off>Z|[+-]\d{2}:?\d{2})?"
_FULL = re.compile(rf"^{_DATE}(?:(?:\s+|T|\s*)(?:{_CLOCK}){_OFFSET})?$")
_CLOCK_ONLY = re.compile(rf"^{_CLOCK}$")
LONGEST_SPAN = timedelta(days=366)  # no office deadline or look-ahead is longer
TIME_FORMS = msg("2026-11-20 09:30, 2026-11-20T09:30+08:00, 2026年11月20日 09:30, 2026-11-20 or 09:30 (today)")


def parse_time(text: str, tz: tzinfo, *, now: datetime | None = None) -> datetime:
    """Read a time a person typed, in a few explicit forms only: a guess at '0930' or '1'
    would file a ticket under the wrong year or day. Without an offset it is office time;
    a bare clock time (``09:30``) means today, a bare date its first minute."""
    raw = (text or "").strip()
    today = (now or datetime.now(tz)).astimezone(tz).date()
    match = _FULL.match(raw)
    clock = _CLOCK_ONLY.match(raw)
    try:
        if match:
            parts = match.groupdict()
            value = datetime(int(parts["y"]), int(parts["mo"]), int(parts["d"]), int(parts["h"] or 0),
                             int(parts["mi"] or 0), int(parts["s"] or 0))
            offset = parts["off"]
            if offset:
                from dateutil.tz import tzoffset

                if offset == "Z":
                    seconds = 0
                else:
                    digits = offset[1:].replace(":", "")
                    hours, minutes = int(digits[:2]), int(digits[2:])
                    if hours > 14 or minutes > 59:
                        raise ValueError("no such offset")
                    seconds = (hours * 3600 + minutes * 60) * (1 if offset[0] == "+" else -1)
                value = value.replace(tzinfo=tzoffset(None, seconds))
        elif clock:
            value = datetime(today.year, today.month, today.day, int(clock["h"]), int(clock["mi"]), int(clock["s"] or 0))
        else:
            raise ValueError
    except ValueError:
        raise UsageError(msg('cannot read time {text!r}: write it like {TIME_FORMS}', text=text, TIME_FORMS=TIME_FORMS)) from None
    if not 2000 <= value.year <= 2100:
        raise UsageError(msg('time {text!r} is outside 2000-2100: write it like {TIME_FORMS}', text=text, TIME_FORMS=TIME_FORMS))
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(tz)


def iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def from_iso(value) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("time without an offset")
        return value
    dt = datetime.fromisoformat(str(value))
    if dt.tzinfo is None:
        raise ValueError("time without an offset")
    return dt


def human_span(delta: timedelta) -> str:
    """Short, readable span: ``2d 3h``, ``45m``, ``0m``."""
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days}d")
    if hours:
        parts.append(f"{hours}h")
    if minutes or not parts:
        parts.append(f"{minutes}m")
    return " ".join(parts[:2])


def short(value: datetime | None, tz: tzinfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""
