"""Times, lengths and scores as a Chinese desk types them: 明天上午9点, 12月4日 9:10,
2026.12.4 9:10, 两小时, 半天, 3个工作日, 满意, full-width digits included.

A small grammar rather than a general date parser: every form it reads is listed here, and
what it cannot read for certain it refuses, naming the readings the text could have, since
a wrong guess files a ticket under the wrong hour. Pure: the caller gives today's date.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from .errors import UsageError
from .message import msg
from .patterns import Lazy

_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMERAL_RUN = Lazy(r"[零〇一二两三四五六七八九十百]+")
# The longest count read as a number. Lengths come from svcctl.yaml, which any PC may push,
# and Python refuses to read a number of thousands of digits (ValueError, not a clear line).
LONGEST_NUMBER = 18


def typed(text) -> str:
    """Text as typed, with full-width digits, colons and spaces made plain (NFKC)."""
    return " ".join(unicodedata.normalize("NFKC", str(text or "")).split())


def chinese_number(word: str) -> int | None:
    """``九`` 9, ``十二`` 12, ``二十四`` 24, ``两`` 2, ``一百二十`` 120; None for anything else."""
    if not word or len(word) > LONGEST_NUMBER or any(c not in _DIGIT and c not in "十百" for c in word):
        return None
    if all(c in _DIGIT for c in word):  # read digit by digit, as in 二〇二六
        return int("".join(str(_DIGIT[c]) for c in word))
    total, current = 0, 0
    for c in word:
        if c in _DIGIT:
            current = _DIGIT[c]
        else:
            total += (current or 1) * (100 if c == "百" else 10)
            current = 0
    return total + current


def with_digits(text: str) -> str:
    """``下午两点半`` → ``下午2点半``: numbers written in characters, written in digits."""
    def digits(match: re.Match) -> str:
        value = chinese_number(match.group(0))
        return str(value) if value is not None else match.group(0)

    return _NUMERAL_RUN.sub(digits, typed(text))


# ------------------------------------------------------------------------------ times

_DAYS = {"前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2}
# The part of the day, and the hours that are read in it as on a 12-hour clock.
_PERIODS = {
    "凌晨": (range(0, 7), 0), "早上": (range(0, 13), 0), "早晨": (range(0, 13), 0), "上午": (range(0, 13), 0),
    "中午": (range(11, 15), 12), "下午": (range(12, 19), 12), "傍晚": (range(16, 20), 12),
    "晚上": (range(17, 24), 12), "夜里": (range(18, 24), 12),
}
_DAY = "|".join(_DAYS)
_PERIOD = "|".join(_PERIODS)
_SPOKEN = Lazy(
    r"^(?:(?P<day>" + _DAY + r")|"
    r"(?:(?P<y>\d{4})\s*[年./-]\s*)?(?P<mo>\d{1,2})\s*(?:月\s*(?P<d1>\d{1,2})\s*[日号]?|[./-]\s*(?P<d2>\d{1,2})(?=\s|$|[^\d]))"
    r")?\s*(?P<period>" + _PERIOD + r")?\s*"
    r"(?:(?P<h>\d{1,2})\s*(?:(?P<colon>:)\s*(?P<mi>\d{2})|(?P<unit>[点时])\s*(?:(?P<half>半)|(?P<sharp>整)|(?P<mi2>\d{1,2})\s*分?)?))?$"
)
# A spoken hour (``3点``) with no part of the day: the office clock's hour, except the early
# hours, which a desk hears as the afternoon as often as the night.
_UNCLEAR_HOURS = range(1, 7)


def spoken_time(text: str, today: date) -> tuple[date, int, int] | None:
    """The day, hour and minute of a time typed the Chinese way, None when the text is not
    one (or has nothing but digits, which the caller reads). A date without a year is the one
    nearest today; a bare day its first minute. ``UsageError`` for a time that could be read
    two ways, naming both, or one that does not exist (下午9:00 is fine, 上午15点 is not)."""
    raw = with_digits(text)
    match = _SPOKEN.match(raw)
    if not match or not any(match.group(k) for k in ("day", "mo", "period", "unit")):
        return None
    parts = match.groupdict()
    day = _day(parts, today)
    if parts["h"] is None:
        if parts["period"]:
            raise UsageError(msg("{text!r} names a part of the day but no hour: add one, e.g. {example}",
                                 text=text, example=f"{parts['period']}9点"))
        return day, 0, 0
    hour = int(parts["h"])
    minute = 30 if parts["half"] else int(parts["mi"] or parts["mi2"] or 0)
    if minute > 59:
        raise UsageError(msg("cannot read time {text!r}: there is no minute {minute}", text=text, minute=minute))
    if parts["period"]:
        hour = _in_period(text, parts["period"], hour)
    elif parts["unit"] == "点" and hour in _UNCLEAR_HOURS:
        readings = [f"{hour:02d}:{minute:02d}", f"{hour + 12:02d}:{minute:02d}"]
        raise UsageError(msg("{text!r} could be {first} or {second}: write 凌晨{hour}点 or 下午{hour}点 "
                             "(or the time on the 24-hour clock)", text=text, first=readings[0],
                             second=readings[1], hour=hour))
    if hour > 23:
        raise UsageError(msg("cannot read time {text!r}: there is no hour {hour}", text=text, hour=hour))
    return day, hour, minute


def _day(parts: dict, today: date) -> date:
    if parts["day"]:
        return today + timedelta(days=_DAYS[parts["day"]])
    if not parts["mo"]:
        return today
    month, day = int(parts["mo"]), int(parts["d1"] or parts["d2"])
    if parts["y"]:
        return date(int(parts["y"]), month, day)  # ValueError for a day that does not exist
    # No year: the date nearest today, so that late December's 1月3日 is next year's.
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise ValueError("no such day")
    return min(candidates, key=lambda d: abs((d - today).days))


def _in_period(text: str, period: str, hour: int) -> int:
    hours, shift = _PERIODS[period]
    for reading in (hour + shift, hour) if hour < 12 else (hour,):
        if reading in hours:
            return reading
    raise UsageError(msg("{text!r}: {period} has no hour {hour}", text=text, period=period, hour=hour))


# ---------------------------------------------------------------------------- lengths

_LENGTH = Lazy(r"^(?:(?P<n>\d+)\s*个?\s*(?P<mid>半)?|(?P<lead>半)\s*个?)?\s*(?P<unit>[a-z\u4e00-\u9fff]+?)\s*(?P<end>半)?$",
                     re.IGNORECASE)


def spoken_length(text: str) -> tuple[int, bool, str] | None:
    """A length typed the Chinese way: its whole count, whether a half is added, and the
    unit word: ``两小时`` (2, False, 小时), ``3个工作日`` (3, False, 工作日), ``半天`` (0, True,
    天), ``一个半小时`` (1, True, 小时), ``两天半`` (2, True, 天); None when it is no length."""
    match = _LENGTH.match(with_digits(text))
    if match is None or (match.group("n") is None and not match.group("lead")):
        return None
    if len(match.group("n") or "") > LONGEST_NUMBER:
        return None
    halves = [k for k in ("mid", "lead", "end") if match.group(k)]
    if len(halves) > 1:
        return None
    return int(match.group("n") or 0), bool(halves), match.group("unit")


# ------------------------------------------------------------------------ satisfaction

# The five points of a callback's score, and the words people say for them.
SATISFACTION_WORDS = {"非常满意": 5, "很满意": 5, "满意": 4, "比较满意": 4, "基本满意": 3, "一般": 3,
                      "不满意": 2, "很不满意": 1, "非常不满意": 1}


def satisfaction(text) -> int:
    """A callback's score as typed: 1 to 5 (``5分`` too) or a word (满意 4)."""
    raw = typed(text).rstrip("分")
    if raw in SATISFACTION_WORDS:
        return SATISFACTION_WORDS[raw]
    if raw in ("1", "2", "3", "4", "5"):  # isdigit() would take digits int() cannot read
        return int(raw)
    raise UsageError(msg('satisfaction {value!r}: give 1 to 5, or 非常满意/满意/基本满意/不满意/很不满意', value=typed(text)))
