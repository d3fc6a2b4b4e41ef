"""Vocabulary of the office rules as stable keys: request types, grades, channels (roles: core.roles).

Only keys live here; their names in either language, and the other words people type for
them, are the glossary's (svcctl/present/glossary.py).
"""
from __future__ import annotations

from .errors import UsageError
from .message import msg, term
from .roles import KEYS as ROLE_KEYS

TYPES = ("consultation", "query", "complaint", "repair", "suggestion", "appointment", "paid")
GRADES_BY_SCHEME = {
    "standard": ("simple", "general", "complex"),
    "alternative": ("minor", "important", "major"),
}
# Every grade of either scheme: tickets keep their grade when an office switches scheme.
ALL_GRADES = tuple(g for grades in GRADES_BY_SCHEME.values() for g in grades)
# The grades whose close needs a supervisor or director (rules §6), in either scheme: an
# office that switches scheme keeps its old complaints under the same authority.
TOP_GRADES = ("complex", "major")
REPAIR_CATEGORIES = ("safety", "leak", "other")
CHANNELS = ("phone", "visit", "letter", "online")
CALLBACK_METHODS = ("phone", "visit")
# What svcctl speaks (svcctl.yaml language:, --lang); an office is Chinese unless it says otherwise.
LANGUAGES = ("zh", "en")
# Locale tags an office may have written (older offices were set up with zh-CN).
LANGUAGE_TAGS = {"zh-CN": "zh", "zh_CN": "zh", "zh-Hans": "zh", "en-US": "en", "en_US": "en", "en-GB": "en"}
DEFAULT_LANGUAGE = "zh"
# Types whose work goes to a department as a work order.
DISPATCHABLE = ("repair", "complaint", "paid", "appointment", "suggestion")

_CHOICES = {
    "type": TYPES,
    "grade": ALL_GRADES,
    "category": REPAIR_CATEGORIES,
    "channel": CHANNELS,
    "role": ROLE_KEYS,
    "method": CALLBACK_METHODS,
}


def normalise(kind: str, value: str, names: dict[str, str] | None = None) -> str:
    """The key of a choice: the key itself, or a word of ``names`` (word -> key, the
    glossary's words for the kind, given by the caller that reads what people typed)."""
    text = (value or "").strip()
    choices = _CHOICES[kind]
    if text.lower() in choices:
        return text.lower()
    if names and names.get(text) in choices:
        return names[text]
    raise UsageError(msg('unknown {kind} {value!r}: use one of {allowed}', kind=term('option', kind), value=value,
                         allowed=", ".join(choices)))


def department(value: str, departments) -> str:
    """The office department a person named, as the office configured it."""
    text = (value or "").strip()
    if text in departments:
        return text
    raise UsageError(msg('unknown department {department!r}: use one of {departments}', department=value,
                         departments=", ".join(departments)))


def grade_for_scheme(grade: str, scheme: str) -> str:
    grades = GRADES_BY_SCHEME[scheme]
    if grade not in grades:
        raise UsageError(msg("complaint grade {grade!r} is not used by this office's '{scheme}' scheme: use one of {allowed}",
                             grade=grade, scheme=scheme, allowed=", ".join(grades)))
    return grade
