"""Units (房号) and phone numbers written one canonical way (rules §7: 一户一档)."""
from __future__ import annotations

import re

from .errors import UsageError
from .message import msg
from .patterns import Lazy

_TOKEN = r"[0-9A-Za-z]{1,6}"
_UNIT = Lazy(
    rf"^(?:(?P<estate>[^\s/:：]+?)\s*[/:：\s]\s*|(?P<estate_cn>[^\x00-\x7f]+?))?"
    rf"(?P<building>{_TOKEN})\s*(?:-|栋|幢|号楼|座)\s*"
    rf"(?P<unit>{_TOKEN})\s*(?:-|单元)\s*"
    rf"(?P<room>{_TOKEN})\s*(?:室|号)?$"
)


def canonical_unit(text: str) -> str:
    """``3栋2单元1502室`` → ``3-2-1502``; ``翠苑 3-2-1502`` → ``翠苑/3-2-1502``."""
    raw = (text or "").strip()
    match = _UNIT.match(raw)
    if not match:
        raise UsageError(
            msg('malformed unit {text!r}: write building-unit-room like 3-2-1502, optionally with the estate first: 翠苑/3-2-1502', text=text)
        )
    estate = match.group("estate") or match.group("estate_cn")
    core = "-".join(match.group(k).upper() for k in ("building", "unit", "room"))
    return f"{estate}/{core}" if estate else core


def is_canonical_unit(text) -> bool:
    try:
        return isinstance(text, str) and canonical_unit(text) == text
    except UsageError:
        return False


def same_unit(a: str, b: str) -> bool:
    """The same flat: written alike, or one names no estate and building-unit-room agree
    (a caller says ``3-2-1502``; the file says ``翠苑/3-2-1502``)."""
    if a == b:
        return True
    estate_a, _, flat_a = a.rpartition("/")
    estate_b, _, flat_b = b.rpartition("/")
    return flat_a == flat_b and not (estate_a and estate_b)


def find_unit(query: str, units) -> str | None:
    """The unit of ``units`` that is the flat ``query`` names, as written on file."""
    return next((u for u in units if same_unit(query, u)), None)


def canonical_phone(text: str) -> str:
    digits = re.sub(r"[\s\-()（）]", "", (text or "").strip())
    if digits.startswith("+86"):
        digits = digits[3:]
    if not re.fullmatch(r"\d{5,15}", digits):
        raise UsageError(msg('malformed phone {text!r}: give 5 to 15 digits, e.g. 13800138000', text=text))
    return digits


def mask_phone(phone: str) -> str:
    """``13800138000`` → ``138****8000``: enough to recognise, not enough to call."""
    if len(phone) <= 4:
        return "*" * len(phone)
    keep_head = 3 if len(phone) >= 11 else max(0, len(phone) - 8)
    return phone[:keep_head] + "*" * (len(phone) - keep_head - 4) + phone[-4:]


# Phone numbers typed into free text: a mobile (138 0013 8000, +86-138-0013-8000), a number
# with its area code (020-88886666), a local number of 8 digits (8888 6666, written without
# the area code as neighbours and shops give it), or any run of 11 or more digits. An 8-digit
# run that reads as a date (20261120) is a date; shorter runs are receipt numbers and amounts.
_PHONE_IN_TEXT = re.compile(
    r"(?<![\d+])(?:(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|0\d{2,3}[\s-]?\d{7,8}|\d{11,}"
    r"|[2-9]\d{3}[\s-]?\d{4})(?![\d.])"
)
_DATE_LIKE = re.compile(r"^(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")


def mask_phones_in(text, own=()):
    """Free text with every phone number in it masked like ``mask_phone``; a number of
    ``own`` (the customer's, where they must stay unknown) is hidden whole."""
    if not isinstance(text, str):
        return text
    def masked(match):
        digits = re.sub(r"\D", "", match.group())
        if len(digits) == 8 and _DATE_LIKE.match(digits):
            return match.group()
        number = digits[2:] if len(digits) == 13 and digits.startswith("86") else digits
        return MASKED_NAME if number in own else mask_phone(number)

    return _PHONE_IN_TEXT.sub(masked, text)


# A resident identity card number: 17 digits and a check digit or X (GB 11643).
_ID_CARD = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
MASKED_NAME = "***"


def mask_id_card(number: str) -> str:
    """``110101199003071234`` → ``110101********1234``: the region and the check, not the person."""
    return number[:6] + "*" * 8 + number[-4:]


def scrub(text, known=()):
    """Free text fit for a reader who may not know the customer: ID-card numbers and phone
    numbers masked, and what is ``known`` of the customer (their name, their numbers) hidden whole."""
    if not isinstance(text, str):
        return text
    text = _ID_CARD.sub(lambda m: mask_id_card(m.group()), text)
    text = mask_phones_in(text, own=tuple(k for k in known if k and k.isdigit()))
    for name in sorted({k for k in known if k and not k.isdigit()}, key=len, reverse=True):
        text = text.replace(name, MASKED_NAME)
    return text


def mentions(text, names=(), phones=()) -> bool:
    """Whether ``text`` names the customer or gives one of their numbers, as typed or with
    spaces and dashes between the digits."""
    if not isinstance(text, str) or not text:
        return False
    digits = re.sub(r"[\s\-]", "", text)
    return any(n and n in text for n in names) or any(p and p in digits for p in phones)
