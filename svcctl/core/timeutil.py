"""Parsing and formatting of instants and durations, in the office time zone."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo

from .chinese_input import spoken_time, typed
from .errors import SvcError, UsageError
from .message import msg
from .patterns import Lazy



_DATE = r"(?P<y>\d{4})[-/年](?P<mo>\d{1,2})[-/月](?P<d>\d{1,2})日?"
_CLOCK = r"(?P<h>\d{1,2})[:：](?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
_OFFSET = r"(?P<off>Z|[+-]\d{2}:?\d{2})?"
_FULL = Lazy(rf"^{_DATE}(?:(?:\s+|T|\s*)(?:{_CLOCK}){_OFFSET})?$")
_CLOCK_ONLY = Lazy(rf"^{_CLOCK}$")
LONGEST_SPAN = timedelta(days=366)  # no office deadline or look-ahead is longer
TIME_FORMS = msg("2026-11-20 09:30, 2026-11-20T09:30+08:00, 2026年11月20日 09:30, 2026-11-20 or 09:30 (today)")


def parse_time(text: str, tz: tzinfo, *, now: datetime | None = None) -> datetime:
    """Read a time a person typed, in a few explicit forms only: a guess at '0930' or '1'
    would file a ticket under the wrong year or day. Without an offset it is office time;
    a bare clock time (``09:30``) means today, a bare date its first minute. The Chinese
    desk's forms (明天上午9点, 12月4日 9:10, 2026.12.4 9:10) are ``chinese_input.spoken_time``'s."""
    raw = typed(text)
    today = (now or datetime.now(tz)).astimezone(tz).date()
    match = _FULL.match(raw)
    clock = _CLOCK_ONLY.match(raw)
    try:
        spoken = None if match or clock else spoken_time(raw, today)
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
        elif spoken:
            day, hour, minute = spoken
            value = datetime(day.year, day.month, day.day, hour, minute)
        else:
            raise ValueError
    except ValueError:
        raise UsageError(msg('cannot read time {text!r}: write it like {TIME_FORMS}', text=text, TIME_FORMS=TIME_FORMS)) from None
    if not 2000 <= value.year <= 2100:
        raise UsageError(msg('time {text!r} is outside 2000-2100: write it like {TIME_FORMS}', text=text, TIME_FORMS=TIME_FORMS))
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(tz)


# A time in svcctl's files, the one pattern every reader of them uses (the YAML reader's
# fast path, validation, loading, the index and caches). A record holds only what ``iso``
# writes: to the second, with a numeric offset. A fraction of a second and ``Z`` are part
# of the pattern so that a record holding one is refused by name (``from_iso``): loading
# it would drop or respell it, and the next event recorded on the ticket would then rewrite
# that past event's bytes in a commit about something else.
TIME_PATTERN = r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})"
_TIME = re.compile(TIME_PATTERN)


class NotRecordTime(ValueError):
    """A time that is not in the form svcctl writes; the message says what differs."""


def iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def from_iso(value) -> datetime:
    """A time of a record, exactly as ``iso`` writes it; ``NotRecordTime`` for anything else."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise NotRecordTime("time without an offset")
        return value
    text = value if isinstance(value, str) else str(value)
    match = _TIME.fullmatch(text)
    if match is not None and match.group(7):
        raise NotRecordTime(msg("a fraction of a second: svcctl records times to the second, as in {example}",
                                example=_example(match)))
    if match is not None and match.group(8) == "Z":
        raise NotRecordTime(msg("'Z' for the offset: svcctl writes it as a number, as in {example}",
                                example=_example(match)))
    return read_time(text)


def read_time(text: str) -> datetime:
    """A time in the pattern above, a fraction or ``Z`` included (what svcctl's own derived
    files hold: the ticket index, the report cache); ``ValueError`` for anything else."""
    match = _TIME.fullmatch(text)
    if match is None:
        raise NotRecordTime("not an ISO 8601 time with offset")
    y, mo, d, h, mi, s, fraction, offset = match.groups()
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    if offset == "Z":
        zone = timezone.utc
    else:
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        if hours > 23 or minutes > 59:
            raise NotRecordTime("no such offset")
        span = timedelta(hours=hours, minutes=minutes)
        zone = timezone(span if offset[0] == "+" else -span)
    return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tzinfo=zone)


def _example(match: re.Match) -> str:
    offset = match.group(8)
    return f"{match.string[:19]}{'+00:00' if offset == 'Z' else offset}"


def short(value: datetime | None, tz: tzinfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""


def seconds_setting(name: str, raw: str | None, default: float, most: float, zero: bool = True) -> float:
    """A number of seconds an ``SVCCTL_*`` variable sets (``raw``, as found), else ``default``;
    one clear line (exit 7) when it is not a number from 0 (above 0 unless ``zero``) to ``most``."""
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not (0 <= value if zero else 0 < value) or not value <= most:  # also refuses nan and inf
        if zero:
            raise SvcError(msg("{name}={raw!r} is not a number of seconds from 0 to {most:g}: fix or unset the "
                               "variable", name=name, raw=raw, most=most))
        raise SvcError(msg("{name}={raw!r} is not a number of seconds above 0 and at most {most:g}: fix or unset "
                           "the variable", name=name, raw=raw, most=most))
    return value
