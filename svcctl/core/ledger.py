"""Spreadsheet rows (an owners' register 业主档案, an old request ledger 来电来访/报修登记表)
read into plain values: which column is which, and what each cell means.

Pure: cells arrive as Python values (text, numbers, dates) from ``store.sheets``; every
function here returns a value or raises ``UsageError`` with the reason a person can fix,
which the import reports against the row it came from.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from .chinese_input import satisfaction as score_as_typed
from .errors import UsageError
from .model import CALLBACK_METHODS, CHANNELS, REPAIR_CATEGORIES, TYPES, ALL_GRADES, normalise
from .timeutil import parse_time
from .units import canonical_phone, canonical_unit
from .message import msg

# Columns by header, in Chinese or English; the first name of each is what an export writes.
CUSTOMER_FIELDS = {
    "id": ("编号", "客户编号", "档案编号", "id", "customer"),
    "name": ("姓名", "业主", "业主姓名", "户主", "客户姓名", "客户名称", "name", "owner"),
    "phone": ("电话", "手机", "联系电话", "手机号", "手机号码", "电话号码", "联系方式", "phone", "phones", "mobile", "tel"),
    "phone2": ("备用电话", "其他电话", "电话2", "手机2", "phone2"),
    "unit": ("房号", "房屋", "房产", "楼栋房号", "单元房号", "住址", "地址", "unit", "units"),
    "estate": ("小区", "项目", "estate"),
    "building": ("楼栋", "楼号", "栋号", "楼栋号", "building"),
    "entrance": ("单元", "单元号", "entrance"),
    "room": ("房间号", "室号", "room"),
    "notes": ("备注", "说明", "notes", "note"),
}
CUSTOMER_REQUIRED = ("name", "unit")

TICKET_FIELDS = {
    "no": ("编号", "单号", "登记编号", "no", "id"),
    "received": ("受理时间", "来电时间", "来访时间", "报修时间", "登记时间", "接报时间", "受理日期", "来电日期",
                 "报修日期", "登记日期", "日期", "received", "received_at", "date"),
    "clock": ("时间", "time"),
    "type": ("类型", "类别", "事项类型", "来电类型", "性质", "type"),
    "grade": ("等级", "级别", "投诉等级", "grade"),
    "category": ("报修类别", "维修类别", "category"),
    "emergency": ("紧急", "是否紧急", "emergency"),
    "channel": ("渠道", "来源", "受理方式", "channel"),
    "customer": ("客户编号", "客户", "customer"),
    "unit": CUSTOMER_FIELDS["unit"],
    "estate": CUSTOMER_FIELDS["estate"],
    "building": CUSTOMER_FIELDS["building"],
    "entrance": CUSTOMER_FIELDS["entrance"],
    "room": CUSTOMER_FIELDS["room"],
    "name": ("姓名", "业主", "业主姓名", "联系人", "客户姓名", "name"),
    "phone": CUSTOMER_FIELDS["phone"],
    "summary": ("摘要", "事由", "内容", "报修内容", "来电内容", "投诉内容", "事项", "问题描述", "summary"),
    "detail": ("详情", "详细内容", "详细情况", "备注", "detail", "notes"),
    "staff": ("受理人", "接待人", "登记人", "记录人", "接听人", "staff", "first_responder"),
    "department": ("部门", "处理部门", "派工部门", "责任部门", "department"),
    "dispatched": ("派工时间", "派单时间", "dispatched", "dispatched_at"),
    "appointment": ("预约时间", "appointment", "appointment_at"),
    "closed": ("完成时间", "处理时间", "结案时间", "办结时间", "完工时间", "关闭时间", "closed", "closed_at"),
    "result": ("处理结果", "结果", "处理情况", "维修结果", "result"),
    "fee": ("费用", "收费", "金额", "fee"),
    "receipt": ("收据号", "收据", "票据号", "receipt"),
    "leak_test": ("试漏时间", "leak_test_at"),
    "callback_at": ("回访时间", "回访日期", "callback_at"),
    "method": ("回访方式", "callback_method", "method"),
    "satisfaction": ("满意度", "回访满意度", "评价", "satisfaction"),
    "callback_note": ("回访意见", "回访记录", "回访情况", "回访内容", "callback_note"),
    "status": ("状态", "status"),  # written by export for people; import derives it from the events
}
TICKET_REQUIRED = ("received", "summary")

VOCABULARY = {"type": TYPES, "grade": ALL_GRADES, "category": REPAIR_CATEGORIES, "channel": CHANNELS,
              "method": CALLBACK_METHODS}
# Fields whose values ``--map FIELD:VALUE=TARGET`` may translate.
VALUE_FIELDS = ("type", "grade", "category", "channel", "department", "staff", "method")

_YES = {"是", "y", "yes", "true", "1", "紧急", "√", "✓"}
_NO = {"否", "n", "no", "false", "0", "", "×"}
_LIST_SEP = re.compile(r"[,，;；、\n]+")
_PHONE_SEP = re.compile(r"[,，;；、/\n]+")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_DOTTED_DATE = re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})(?=$|\s)")
EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's leap-year bug included)
_SERIAL_RANGE = (36526, 73051)  # 2000-01-01 .. 2100-01-01, the range svcctl accepts for times


def normal_header(text) -> str:
    """``' 联系电话(手机)：'`` → ``'联系电话'``: headers are matched loosely but exactly."""
    value = re.sub(r"[(（\[【].*?[)）\]】]", "", str(text or ""))
    return re.sub(r"[\s*:：]+", "", value).lower()


@dataclass
class Maps:
    """``--map`` options: a column for a field, or a value translated for a field."""

    headers: dict = field(default_factory=dict)  # field -> header as written in the file
    values: dict = field(default_factory=dict)  # (field, value) -> value svcctl knows
    words: dict = field(default_factory=dict)  # kind -> {word: key}: the glossary's words, which need no --map


def parse_maps(items, fields: dict) -> Maps:
    maps = Maps()
    names = ", ".join(fields)
    for item in items or ():
        key, sep, target = str(item).partition("=")
        key, target = key.strip(), target.strip()
        name, colon, value = key.partition(":")
        name = name.strip().lower()
        if not sep or not name or not target:
            raise UsageError(msg("--map {item!r}: write FIELD=HEADER (e.g. unit=房屋编号) or FIELD:VALUE=TARGET (e.g. 'department:水电组=维修部')", item=item))
        if name not in fields:
            raise UsageError(msg('--map {item!r}: unknown field {name!r}; fields are {names}', item=item, name=name, names=names))
        if colon:
            if name not in VALUE_FIELDS:
                raise UsageError(msg('--map {item!r}: values can be mapped for {fields} only', item=item, fields=', '.join(VALUE_FIELDS)))
            maps.values[(name, value.strip())] = target
        else:
            maps.headers[name] = target
    return maps


def header_score(cells, fields: dict) -> int:
    known = {normal_header(a) for aliases in fields.values() for a in aliases}
    return sum(1 for c in cells if normal_header(c) in known)


def find_header(rows: list, fields: dict, maps: Maps) -> int:
    """Index of the header row among the first rows: registers often open with a title line
    (翠苑小区业主档案) above the real headers."""
    mapped = {normal_header(h) for h in maps.headers.values()}
    best, best_score = 0, 0
    for i, cells in enumerate(rows[:10]):
        score = header_score(cells, fields) + sum(1 for c in cells if normal_header(c) in mapped)
        if score > best_score:
            best, best_score = i, score
    return best


def match_columns(headers: list, fields: dict, maps: Maps, required=()) -> dict:
    """Field -> column index (``phone`` -> every phone column). Refuses a ``--map`` naming a
    column the file lacks, and a file without a required column."""
    normal = [normal_header(h) for h in headers]
    shown = ", ".join(str(h) for h in headers if str(h or "").strip()) or "none"
    taken: set = set()
    columns: dict = {}
    for name, header in maps.headers.items():
        if normal_header(header) not in normal:
            raise UsageError(msg('--map {name}={header}: the file has no column {header!r} (columns: {shown})', name=name, header=header, shown=shown))
        index = normal.index(normal_header(header))
        columns[name] = [index]
        taken.add(index)
    for name, aliases in fields.items():
        if name in columns:
            continue
        found = []
        for alias in aliases:
            for index, head in enumerate(normal):
                if head == normal_header(alias) and index not in taken:
                    found.append(index)
        if found:
            # Several phone columns are all phones; for anything else the first one counts.
            columns[name] = sorted(set(found)) if name == "phone" else [found[0]]
            taken.update(columns[name])
    if "unit" not in columns and "entrance" in columns and "building" not in columns:
        columns["unit"] = columns.pop("entrance")  # 单元 alone is the whole unit, as in 单元房号
    missing = [n for n in required if n not in columns]
    if "unit" in missing and {"building", "entrance", "room"} <= set(columns):
        missing.remove("unit")
    if missing:
        wanted = "; ".join(f"{n} ({'/'.join(fields[n][:3])})" for n in missing)
        raise UsageError(msg("no column for {wanted} among the headers ({shown}): name it with --map, e.g. --map '{missing}=YOUR HEADER'", wanted=wanted, shown=shown, missing=missing[0]))
    return columns


def cell(cells: list, columns: dict, name: str):
    """The value of field ``name`` in a row, or None."""
    for index in columns.get(name, ()):
        if index < len(cells) and not blank(cells[index]):
            return cells[index]
    return None


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value) -> str:
    """A cell as text: whole numbers without ``.0`` (Excel stores 13800138000 as a number)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value).replace("\r\n", "\n").strip()  # a CSV made on Windows breaks lines in a cell with CR LF


def phones(value) -> list[str]:
    """Every number in a phone cell, canonical; masked ones (``138****8000``) as written."""
    out = []
    for part in _PHONE_SEP.split(text(value)):
        part = part.strip()
        if not part:
            continue
        out.append(part.replace(" ", "") if "*" in part else canonical_phone(part))
    return out


def units(cells: list, columns: dict) -> list[str]:
    """The units of a row: one cell listing them (3-2-1502、3-2-1503), or building, entrance
    and room in columns of their own; with the estate column in front when there is one."""
    estate = text(cell(cells, columns, "estate"))
    parts = [text(cell(cells, columns, k)) for k in ("building", "entrance", "room")]
    if "building" in columns and "entrance" in columns:
        room = parts[2] or text(cell(cells, columns, "unit"))
        written = ["-".join([parts[0], parts[1], room])] if any(parts[:2]) or room else []
    else:
        written = [u for u in _LIST_SEP.split(text(cell(cells, columns, "unit"))) if u.strip()]
    return [canonical_unit(f"{estate}/{u.strip()}" if estate and "/" not in u else u) for u in written]


def excel_serial(number: float) -> datetime:
    if not _SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]:
        raise UsageError(msg('{number!r} is not a date: as an Excel date number it lies outside 2000-2100', number=text(number)))
    return EXCEL_EPOCH + timedelta(seconds=round(number * 86400))


def when(value, tz: tzinfo, clock=None) -> tuple[datetime, bool]:
    """A time cell as an aware datetime in office time, and whether it carried a clock time.

    Accepts what Excel gives: real date cells, date numbers (46346.395833 is 2026-11-20
    09:30), and text in the forms ``svcctl --at`` takes, plus 2026/11/20 9:30 and
    2026.11.20. A separate ``clock`` cell (09:30, or a fraction of a day) completes a date.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = excel_serial(float(value))
    else:
        raw = text(value)
        if _NUMBER.match(raw):
            moment = excel_serial(float(raw))
        else:
            raw = _DOTTED_DATE.sub(r"\1-\2-\3", raw)
            moment = parse_time(raw, tz)
            has_clock = any(ch in raw for ch in ":：")
            return _with_clock(moment, has_clock, clock, tz)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    moment = moment.astimezone(tz)
    return _with_clock(moment, moment.time() != time(0), clock, tz)


def _with_clock(moment: datetime, has_clock: bool, clock, tz) -> tuple[datetime, bool]:
    if blank(clock) or has_clock:
        return moment, has_clock
    if isinstance(clock, datetime):
        clock = clock.time()
    if isinstance(clock, (int, float)) and not isinstance(clock, bool) and 0 <= clock < 1:
        seconds = round(clock * 86400)
        clock = time(seconds // 3600, seconds // 60 % 60)
    if not isinstance(clock, time):
        match = re.fullmatch(r"(\d{1,2})[:：](\d{2})(?::\d{2})?", text(clock))
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise UsageError(msg('cannot read the time of day {clock!r}: write it like 09:30', clock=text(clock)))
        clock = time(int(match.group(1)), int(match.group(2)))
    return moment.replace(hour=clock.hour, minute=clock.minute, second=0), True


def satisfaction(value) -> int:
    """A cell's score, read as the callback command reads one typed (1-5 or 满意)."""
    return score_as_typed(text(value))


def flag(value, what: str) -> bool:
    raw = text(value).lower()
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise UsageError(msg('{what} {value!r}: write 是 or 否', what=what, value=text(value)))


def amount(value, what: str) -> str:
    """An amount as written (80, 80.50, ¥80元), for the close to read exactly."""
    raw = text(value).replace("元", "").replace("¥", "").replace(",", "").strip()
    if not re.fullmatch(r"\d+(?:\.\d+)?", raw):
        raise UsageError(msg('{what} {value!r} is not an amount of 0 or more', what=what, value=text(value)))
    return raw


def mapped(maps: Maps, name: str, value: str) -> str:
    """A value as the office's ``--map`` translates it (unchanged when not mapped)."""
    return maps.values.get((name, value), value)


def choice(maps: Maps, name: str, value, kind: str | None = None) -> str | None:
    """A vocabulary cell (type, grade, channel...) in svcctl's words, through ``--map``."""
    raw = text(value)
    if not raw:
        return None
    target = mapped(maps, name, raw)
    try:
        return normalise(kind or name, target, maps.words.get(kind or name))
    except UsageError:
        raise UsageError(msg("unknown {name} {raw!r}: map it, e.g. --map '{name}:{raw}=...' ({values})", name=name, raw=raw, values=', '.join(VOCABULARY[kind or name]))) from None


def member(maps: Maps, name: str, value, allowed, hint: str) -> str | None:
    """A department or staff cell that must name one the office has."""
    raw = text(value)
    if not raw:
        return None
    target = mapped(maps, name, raw)
    if target not in allowed:
        raise UsageError(msg("unknown {name} {raw!r}: map it to {hint}, e.g. --map '{name}:{raw}={allowed}'", name=name, raw=raw, hint=hint, allowed=next(iter(allowed), '...')))
    return target


@dataclass
class LedgerRow:
    """One request as a ledger recorded it, in svcctl's words; times are office time, and
    ``*_clock`` says whether the ledger gave a time of day or only a date."""

    row: int
    no: str
    received: datetime
    type: str
    summary: str
    detail: str | None = None
    grade: str | None = None
    category: str | None = None
    emergency: bool = False
    channel: str = "phone"
    customer: str | None = None
    units: list = field(default_factory=list)
    name: str = ""
    phones: list = field(default_factory=list)
    staff: str | None = None
    department: str | None = None
    dispatched: tuple | None = None  # (datetime, has clock)
    appointment: datetime | None = None
    closed: tuple | None = None
    result: str | None = None
    fee: str | None = None
    receipt: str | None = None
    leak_test: datetime | None = None
    callback_at: tuple | None = None
    method: str | None = None
    satisfaction: int | None = None
    callback_note: str | None = None


def ledger_row(number: int, cells: list, columns: dict, maps: Maps, tz: tzinfo, *, default_type: str | None,
               departments, roster) -> LedgerRow:
    """Read one ledger row; ``UsageError`` says what is wrong with it."""
    def get(name):
        return cell(cells, columns, name)

    def moment(name):
        value = get(name)
        return None if value is None else when(value, tz)

    received = get("received")
    if received is None:
        raise UsageError(msg('no received time'))
    summary_text = text(get("summary"))
    if not summary_text:
        raise UsageError(msg('no summary (what the customer wanted)'))
    lines = [line.strip() for line in summary_text.splitlines() if line.strip()]
    detail = text(get("detail")) or None
    if len(lines) > 1:  # a summary is one line; a longer account belongs in the detail
        detail = "\n".join(filter(None, [summary_text, detail]))
    ticket_type = choice(maps, "type", get("type")) or (normalise("type", default_type, maps.words.get("type")) if default_type else None)
    if ticket_type is None:
        raise UsageError(msg('no type: fill the type column, or give --type for a ledger of one kind'))
    return LedgerRow(
        row=number, no=text(get("no")), received=when(received, tz, get("clock"))[0], type=ticket_type,
        summary=lines[0], detail=detail, grade=choice(maps, "grade", get("grade")),
        category=choice(maps, "category", get("category")),
        emergency=flag(get("emergency"), "emergency") if get("emergency") is not None else False,
        channel=choice(maps, "channel", get("channel")) or "phone",
        customer=text(get("customer")).upper() or None, units=units(cells, columns), name=text(get("name")),
        phones=phones(get("phone")) if get("phone") is not None else [],
        staff=member(maps, "staff", get("staff"), roster, "a staff id on the roster"),
        department=member(maps, "department", get("department"), departments, "one of the office departments"),
        dispatched=moment("dispatched"), appointment=(moment("appointment") or (None,))[0],
        closed=moment("closed"), result=text(get("result")) or None,
        fee=amount(get("fee"), "fee") if get("fee") is not None else None,
        receipt=text(get("receipt")) or None, leak_test=(moment("leak_test") or (None,))[0],
        callback_at=moment("callback_at"), method=choice(maps, "method", get("method")),
        satisfaction=satisfaction(get("satisfaction")) if get("satisfaction") is not None else None,
        callback_note=text(get("callback_note")) or None,
    )
