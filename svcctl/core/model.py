"""Vocabulary of the office rules: request types, grades, channels, roles, events."""
from __future__ import annotations

from .errors import UsageError
from .message import msg, term

TYPES = {
    "consultation": "咨询",
    "query": "查询",
    "complaint": "投诉",
    "repair": "报修",
    "suggestion": "建议",
    "appointment": "预约",
    "paid": "有偿服务",
}
GRADES_BY_SCHEME = {
    "standard": {"simple": "简单投诉", "general": "一般投诉", "complex": "复杂投诉"},
    "alternative": {"minor": "轻微投诉", "important": "重要投诉", "major": "重大投诉"},
}
# Every grade of either scheme: tickets keep their grade when an office switches scheme.
ALL_GRADES = {k: v for grades in GRADES_BY_SCHEME.values() for k, v in grades.items()}
# The grades whose close needs a supervisor or director (rules §6), in either scheme: an
# office that switches scheme keeps its old complaints under the same authority.
TOP_GRADES = ("complex", "major")
REPAIR_CATEGORIES = {"safety": "安全设施", "leak": "渗漏水", "other": "其他"}
CHANNELS = {"phone": "来电", "visit": "来访", "letter": "信函", "online": "网站/微信"}
ROLES = {"agent": "客服专员", "supervisor": "主管", "director": "主任"}
SENIOR_ROLES = ("supervisor", "director")
DEFAULT_DEPARTMENTS = ["维修部", "保洁部", "安护部", "绿化", "工程部"]
# English names of the usual departments (rules §4), accepted wherever a department is typed.
DEPARTMENT_NAMES = {"maintenance": "维修部", "cleaning": "保洁部", "security": "安护部", "保安部": "安护部",
                    "landscaping": "绿化", "engineering": "工程部"}
CALLBACK_METHODS = {"phone": "电话", "visit": "上门"}
# What svcctl speaks (svcctl.yaml language:, --lang); an office is Chinese unless it says otherwise.
LANGUAGES = ("zh", "en")
# Locale tags an office may have written (older offices were set up with zh-CN).
LANGUAGE_TAGS = {"zh-CN": "zh", "zh_CN": "zh", "zh-Hans": "zh", "en-US": "en", "en_US": "en", "en-GB": "en"}
DEFAULT_LANGUAGE = "zh"
# Types whose work goes to a department as a work order.
DISPATCHABLE = ("repair", "complaint", "paid", "appointment", "suggestion")

_ALIASES: dict[str, dict[str, str]] = {
    "type": {**{v: k for k, v in TYPES.items()}, "报修单": "repair", "有偿": "paid", "特约服务": "paid"},
    "grade": {
        **{v: k for k, v in ALL_GRADES.items()},
        "简单": "simple", "一般": "general", "复杂": "complex",
        "轻微": "minor", "重要": "important", "重大": "major",
    },
    "category": {**{v: k for k, v in REPAIR_CATEGORIES.items()}, "安全": "safety", "渗漏": "leak", "漏水": "leak"},
    "channel": {**{v: k for k, v in CHANNELS.items()}, "网站": "online", "微信": "online", "电话": "phone"},
    "role": {v: k for k, v in ROLES.items()},
    "method": {v: k for k, v in CALLBACK_METHODS.items()},
}
_CHOICES = {
    "type": TYPES,
    "grade": ALL_GRADES,
    "category": REPAIR_CATEGORIES,
    "channel": CHANNELS,
    "role": ROLES,
    "method": CALLBACK_METHODS,
}


def normalise(kind: str, value: str) -> str:
    """Accept the English key or the Chinese word for a choice; refuse anything else."""
    text = (value or "").strip()
    choices = _CHOICES[kind]
    if text.lower() in choices:
        return text.lower()
    if text in _ALIASES[kind]:
        return _ALIASES[kind][text]
    allowed = ", ".join(f"{k} ({v})" for k, v in choices.items())
    raise UsageError(msg('unknown {kind} {value!r}: use one of {allowed}', kind=term('option', kind), value=value, allowed=allowed))


def department(value: str, departments) -> str:
    """The office department a person meant: its name as configured, or its English name."""
    text = (value or "").strip()
    if text in departments:
        return text
    alias = DEPARTMENT_NAMES.get(text.lower(), DEPARTMENT_NAMES.get(text))
    if alias in departments:
        return alias
    english = {v: k for k, v in DEPARTMENT_NAMES.items() if k.isascii()}
    allowed = ", ".join(f"{d} ({english[d]})" if d in english else d for d in departments)
    raise UsageError(msg('unknown department {department!r}: use one of {departments}', department=value,
                         departments=allowed))


def grade_for_scheme(grade: str, scheme: str) -> str:
    grades = GRADES_BY_SCHEME[scheme]
    if grade not in grades:
        raise UsageError(msg("complaint grade {grade!r} is not used by this office's '{scheme}' scheme: use one of {allowed}",
                             grade=grade, scheme=scheme, allowed=", ".join(f"{k} ({v})" for k, v in grades.items())))
    return grade


def label(kind: str, key: str | None) -> str:
    if not key:
        return ""
    return _CHOICES[kind].get(key, key)
