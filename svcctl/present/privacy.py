"""The privacy step every rendering goes through (rules §7: customer data is confidential).

Phone numbers are masked (``138****8000``), in free text too, unless a supervisor or director
asks to see them (``--reveal``, checked by ``Env.reveal``). On documents that leave the desk
(work orders, digests, callback lists) a complainant is never named: the customer shows as
匿名业主 / anonymous owner, and the unit appears only where the work is done there.
"""
from __future__ import annotations

from ..core.message import msg
from ..core.units import mask_phone, mask_phones_in
from .i18n import localise

FREE_TEXT = ("summary", "detail", "note", "result", "reason", "answer")
ANONYMOUS = msg("anonymous owner")
# Requests whose work is done in the customer's own unit: only there does a document say where.
WORK_AT_UNIT = ("repair", "paid", "appointment")


def text(value, reveal: bool = False):
    return value if reveal or value is None else mask_phones_in(value)


def phones(numbers, reveal: bool = False) -> list[str]:
    return [p if reveal else mask_phone(p) for p in numbers or ()]


def record(fields: dict, reveal: bool = False) -> dict:
    """A header or event with the phone numbers in its free text masked."""
    if reveal:
        return dict(fields)
    return {k: mask_phones_in(v) if k in FREE_TEXT and isinstance(v, str) else v for k, v in fields.items()}


def anonymous(ticket_type: str) -> bool:
    """A complainant is never named on a document (rules §7)."""
    return ticket_type == "complaint"


def place(ticket_type: str, unit: str | None) -> str:
    """The unit, on a document, only when the work is done there."""
    return unit or "" if ticket_type in WORK_AT_UNIT else ""


def customer(ticket_type: str, customer_id: str, record_: dict | None, reveal: bool, lang: str,
             desk: bool = False) -> tuple[str, str]:
    """``(who, phone)`` as a document shows the customer of a ticket; ``desk``: a document the
    service desk itself uses to call the customer back, where a complainant has a number too."""
    if anonymous(ticket_type) and not desk:
        return localise(ANONYMOUS, lang), ""
    numbers = (record_ or {}).get("phones") or ()
    who = (record_ or {}).get("name") or customer_id if reveal else customer_id
    return who, ", ".join(phones(numbers, reveal))
