"""Words for what the views hold as keys and numbers: deadline actions, lengths of time,
rulebooks, dates as said on the phone.

The one place the rendering layer turns a deadline's key or a number of minutes into text a
person reads. Every function takes the reader's language; English is the msgid.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from ..core.message import msg
from .i18n import localise

ACTIONS = {
    "reply": msg("answer the customer now"),
    "first_reply": msg("call the customer with a first reply now"),
    "answer": msg("give the customer a clear answer now"),
    "dispatch": msg("open the work order: svcctl dispatch"),
    "arrival": msg("get a technician on site now"),
    "escalate": msg("escalate to the office director: svcctl escalate"),
    "forward": msg("pass the suggestion to the office director: svcctl escalate"),
    "appointment": msg("contact the customer about the agreed appointment"),
    "resolve": msg("contact the customer proactively with progress (002 第十二条)"),
    "resolve_limit": msg("contact the customer proactively and escalate (002 第十二条)"),
    "rework": msg("contact the customer proactively; finish the rework"),
    "callback": msg("make the callback: svcctl callback"),
}
OTHER_ACTION = msg("contact the customer proactively")

# The rulebooks of the shared seeds, by the code their sources are quoted with.
RULEBOOKS = {
    "000": msg("Customer service pledge and work procedures"),
    "001": msg("On-site service rules and forbidden phrases"),
    "002": msg("Customer service centre service standards"),
    "003": msg("Property company customer service management rules"),
    "004": msg("Customer service management system"),
}


# Characters every release of wcwidth counts as two columns (wide or fullwidth in every
# Unicode version): the ideographs of Unicode 1.1 and the punctuation of Chinese text.
# Text made of these and printable ASCII is measured here: loading wcwidth costs a short
# command a tenth of its time.
_FIRST_IDEOGRAPH, _LAST_IDEOGRAPH = 0x4E00, 0x9FA5
_WIDE_PUNCTUATION = frozenset("，。、：；！？（）【】《》「」『』〔〕～")


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes: a Chinese character two, a combining mark
    none (text with control characters, which are shown escaped, counts one a character)."""
    if text.isascii():
        return len(text)
    width = 0
    for ch in text:
        code = ord(ch)
        if _FIRST_IDEOGRAPH <= code <= _LAST_IDEOGRAPH or ch in _WIDE_PUNCTUATION:
            width += 2
        elif 0x20 <= code < 0x7F:
            width += 1
        else:
            break
    else:
        return width
    from wcwidth import wcswidth

    width = wcswidth(text)
    return width if width >= 0 else len(text)


def action(deadline_name: str, lang: str = "en") -> str:
    return localise(ACTIONS.get(deadline_name, OTHER_ACTION), lang)


def soon(deadline_name: str, lang: str = "en") -> str:
    return localise(msg("due soon: {action}", action=ACTIONS.get(deadline_name, OTHER_ACTION)), lang)


def minutes(value: int | None, lang: str = "en") -> str:
    """``2d 3h`` / ``2天3小时``: a number of minutes as a short span, the two largest units; '' for none."""
    if value is None:
        return ""
    total = abs(int(value))
    days, rest = divmod(total, 1440)
    hours, mins = divmod(rest, 60)
    units = (("d", "天"), ("h", "小时"), ("m", "分钟"))
    parts = [(n, u) for n, u in zip((days, hours, mins), units) if n] or [(0, units[2])]
    if lang == "zh":
        return "".join(f"{n}{u[1]}" for n, u in parts[:2])
    return " ".join(f"{n}{u[0]}" for n, u in parts[:2])


_SPOKEN = {
    "minute": (msg("{n} minute"), msg("{n} minutes")), "hour": (msg("{n} hour"), msg("{n} hours")),
    "day": (msg("{n} day"), msg("{n} days")), "week": (msg("{n} week"), msg("{n} weeks")),
    "workday": (msg("{n} workday"), msg("{n} workdays")),
}


def length(text: str, lang: str = "en") -> str:
    """A policy length as people say it: ``1 hour``, ``2 workdays``, ``same day``; 1小时, 2个工作日, 当天."""
    from ..core.policy import length_parts

    parts = length_parts(text)
    if parts is None:
        return localise(msg("same day"), lang)
    count, unit = parts
    if count == 0:
        return localise(msg("at once"), lang)
    one, many = _SPOKEN[unit]
    return localise(msg((one if count == 1 else many).template, n=count), lang)


# The English notes the default policy's sources carry, longest first.
SOURCE_NOTES = (
    msg("to the director; time is an office default"), msg("or the date the resident asked for"),
    msg("time is an office default"), msg("answered on the spot"), msg("answered immediately"),
    msg("at the agreed time"), msg("after the leak test"), msg("office policy"),
)


def source(text: str, lang: str = "en") -> str:
    """A rule's source with the rulebook named beside its code: ``000 回访工作规程 3.1.1 a``
    -> ``000《客户服务承诺书及工作规程》回访工作规程 3.1.1 a``; its English notes in the
    reader's language."""
    code, _, rest = (text or "").partition(" ")
    if code not in RULEBOOKS:
        code, rest = "", text or ""
    for note in SOURCE_NOTES:
        said = localise(note, lang)
        if lang == "zh":
            rest = rest.replace(f" ({note})", f"（{said}）").replace(f", {note}", f"，{said}")
        rest = rest.replace(note, said)
    if not code:
        return rest
    book = localise(RULEBOOKS[code], lang)
    return (f"{code}《{book}》 {rest}" if lang == "zh" else f"{code} ({book}) {rest}").strip()


WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def spoken_day(day, lang: str = "zh") -> str:
    """A day as said on the phone, with its weekday so that a caller cannot mistake it:
    12月7日（星期一）, Mon 7 Dec."""
    if lang == "zh":
        return f"{day.month}月{day.day}日（{WEEKDAYS_ZH[day.weekday()]}）"
    return f"{day:%a} {day.day} {day:%b}"


def spoken_time(when: datetime, lang: str = "zh") -> str:
    """A moment as said on the phone: 11月23日（星期一）09:30, Mon 23 Nov 09:30."""
    return f"{spoken_day(when, lang)}{'' if lang == 'zh' else ' '}{when:%H:%M}"


def whole_day(due: datetime) -> bool:
    """A deadline at midnight ends the day before it: the customer is promised that whole day."""
    return (due.hour, due.minute) == (0, 0)


def spoken_due(due: datetime, lang: str = "zh") -> str:
    """A due time as said on the phone: the moment, or only the day a midnight deadline ends
    (due 12-08 00:00 is said 12月7日（星期一）, never "before the 8th" nor "before the 7th")."""
    if whole_day(due):
        return spoken_day(due - timedelta(days=1), lang)
    return spoken_time(due, lang)
