"""Names of the stable keys (a status, a deadline, a request type) in the reader's language.

Every name comes from the glossary (glossary.py): ``label(kind, key, lang)`` for listings,
documents and messages, and the functions at the end, which take a ``_`` and serve the
reports and the shift handover. Records, JSON and CSV keep the keys; tables, documents and
messages name them. The same names, in either language, and the glossary's other words for
a key are accepted as input (``--status 待回访``, ``--type 报修单``).
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ..core.errors import UsageError
from ..core.message import msg, term
from .glossary import GLOSSARY

if TYPE_CHECKING:  # named in annotations only: decimal is loaded where fees are read
    from decimal import Decimal

# The word for a missing value (no grade, no department): a name, never a choice.
NONE = "none"


def label(kind: str, key, lang: str) -> str:
    """The name of ``key`` for a reader of ``lang``; an unknown key is shown as it is."""
    if key is None or key == "":
        return ""
    return _label(kind, str(key), lang)


@lru_cache(maxsize=4096)  # a listing names the same few keys on every row
def _label(kind: str, key: str, lang: str) -> str:
    entry = GLOSSARY.get(kind, {}).get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["en"]


def namer(lang: str):
    """``name('status', 'closed')`` for one reader."""
    return lambda kind, key: label(kind, key, lang)


def keys(kind: str) -> tuple:
    """The keys of a kind a person may choose (not the name of a missing value)."""
    return tuple(k for k in GLOSSARY[kind] if k != NONE)


def choices(kind: str, keys_=None) -> str:
    """``open (待处理), closed (待回访), …``: the keys with their Chinese names, for messages."""
    named = {k: label(kind, k, "zh") for k in (keys_ or keys(kind))}
    return ", ".join(f"{k} ({zh})" if zh != k else k for k, zh in named.items())


@lru_cache(maxsize=None)
def input_words(kind: str) -> dict[str, str]:
    """Every word accepted for a key of ``kind`` (its names in either language and its
    ``also`` words) -> the key."""
    words: dict[str, str] = {}
    for key in keys(kind):
        entry = GLOSSARY[kind][key]
        for word in (key, entry["en"], entry["zh"], *entry.get("also", ())):
            words.setdefault(word, key)
            words.setdefault(word.lower(), key)
    return words


def parse(kind: str, value: str, keys_=None) -> str:
    """The key a person meant: the key itself, its name in either language, or another word
    the glossary accepts for it."""
    allowed = tuple(keys_ or keys(kind))
    text = (value or "").strip()
    key = input_words(kind).get(text, input_words(kind).get(text.lower()))
    if key in allowed:
        return key
    raise UsageError(msg("unknown {kind} {value!r}: use one of {allowed}", kind=term("option", kind), value=value,
                         allowed=choices(kind, allowed)))


def default_departments() -> list[str]:
    """The departments a new office starts with (rules §4), by their Chinese names."""
    return [label("department", key, "zh") for key in keys("department")]


def office_department(value: str, departments) -> str:
    """The office department a person meant: its name as configured, or the English name or
    another name (保安部) of one of the usual departments."""
    text = (value or "").strip()
    if text in departments:
        return text
    key = input_words("department").get(text, input_words("department").get(text.lower()))
    if key is not None:
        entry = GLOSSARY["department"][key]
        for name in (entry["zh"], *entry.get("also", ())):
            if name in departments:
                return name
    english = {}
    for key in keys("department"):
        entry = GLOSSARY["department"][key]
        for name in (entry["zh"], *entry.get("also", ())):
            english.setdefault(name, key)
    allowed = ", ".join(f"{d} ({english[d]})" if d in english else d for d in departments)
    raise UsageError(msg('unknown department {department!r}: use one of {departments}', department=value,
                         departments=allowed))


def said(message, lang: str) -> str:
    """A message of the catalog in ``lang``: a commit's subject is written in the office's
    language (core.subjects makes it from the facts its trailers keep)."""
    from .i18n import localise

    return localise(message, lang)


# -- the names reports and the shift handover use (each function takes the ``_`` of i18n.words)

def _lang(_) -> str:
    return getattr(_, "lang", "en")


def deadline(_, key: str) -> str:
    return label("deadline", key, _lang(_))


def ticket_type(_, key: str) -> str:
    return label("type", key, _lang(_))


def grade(_, key: str | None) -> str:
    return label("grade", key or NONE, _lang(_))


def category(_, key: str | None) -> str:
    return label("category", key or NONE, _lang(_))


def channel(_, key: str) -> str:
    return label("channel", key, _lang(_))


def status(_, key: str) -> str:
    return label("status", key, _lang(_))


def state(_, key: str) -> str:
    return label("state", key, _lang(_))


def department(_, name: str | None) -> str:
    return name if name else label("department", NONE, _lang(_))


def staff(roster: dict, staff_id: str | None) -> str:
    """``李娜 (li)``: staff are named in reports; customers never are."""
    if not staff_id:
        return "—"
    member = roster.get(staff_id)
    return f"{member.name} ({staff_id})" if member is not None else staff_id


def rate(_, n: int, total: int, percent: Decimal | None) -> str:
    """``40/45 88.9%``, or ``0/0 —`` when there is nothing to count."""
    return f"{n}/{total} {percent}%" if percent is not None else f"{n}/{total} —"
