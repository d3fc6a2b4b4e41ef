"""Parsing and formatting of instants and durations, in the office time zone."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

from .errors import UsageError

_DURATION = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)\s*$",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_time(text: str, tz: tzinfo, *, now: datetime | None = None) -> datetime:
    """Read a time a person typed. A time without an offset is office local time;
    a bare clock time (``09:30``) means today."""
    from dateutil import parser as dparser

    raw = (text or "").strip()
    if not raw:
        raise UsageError("empty time: give a time like 2026-11-20T09:30 or '2026-11-20 09:30'")
    default = (now or datetime.now(tz)).astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        value = dparser.isoparse(raw)
    except ValueError:
        try:
            value = dparser.parse(raw, default=default.replace(tzinfo=None), yearfirst=True)
        except (ValueError, OverflowError):
            raise UsageError(
                f"cannot read time {text!r}: use a form like 2026-11-20T09:30 or '2026-11-20 09:30'"
            ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(tz).replace(microsecond=0)


def parse_duration(text: str) -> timedelta:
    """``30m``, ``2h``, ``1d``, ``2 hours``: a plain span of clock time."""
    match = _DURATION.match(text or "")
    if not match:
        raise UsageError(f"cannot read duration {text!r}: use a form like 30m, 2h or 1d")
    amount = float(match.group(1))
    unit = match.group(2).lower()[0]
    return timedelta(seconds=amount * _UNIT_SECONDS[unit])


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
