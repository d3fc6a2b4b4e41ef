"""The privacy step every rendering goes through (rules §7: customer data is confidential).

What an output shows of a customer is decided in ``disclosure`` (one table); this module
applies the decision. Free text loses phone and ID-card numbers and the customer's own name
wherever the customer is masked: listings, reports and handover get the names of the
customers of the rows they show (``known_in``), documents and show the one customer's. On a
document a complainant is 匿名业主 / anonymous owner, and the unit appears only where the
work is done there.
"""
from __future__ import annotations

from ..core.message import msg
from ..core.units import mask_phone
from .disclosure import MASKED, WORK_AT_UNIT, Shown
from .i18n import localise

FREE_TEXT = ("summary", "detail", "place", "note", "result", "reason", "answer", "notes")
ANONYMOUS = msg("anonymous owner")


WITHHELD = "***"


def text(value, known=()):
    """Free text of an output that masks every customer (listings, reports, handover);
    ``known``: what is on file of the customer it is about, whose name goes whole; None when
    their file cannot be read now, and the text is withheld whole."""
    if known is None:
        return WITHHELD if value else value
    return MASKED.text(value, known)


def known_in(on_file: dict, view) -> tuple | None:
    """What ``on_file`` (customer id → ``known_of``) holds of the customer of ``view``; None
    when their file could not be read."""
    return on_file.get(view.customer, ()) if on_file else ()


def known_of(record_: dict | None) -> tuple:
    """What free text must not carry of the customer: their name and numbers as on file."""
    record_ = record_ or {}
    return tuple(k for k in (record_.get("name"), *(record_.get("phones") or ())) if k)


def phones(numbers, shown: Shown) -> list[str]:
    if shown.phone == "none":
        return []
    return [p if shown.full else mask_phone(p) for p in numbers or ()]


def record(fields: dict, shown: Shown, known=()) -> dict:
    """A header, event or customer file with its free text as ``shown`` allows; an anonymous
    customer leaves no id and no unit."""
    out = {k: shown.text(v, known) if k in FREE_TEXT and isinstance(v, str) else v for k, v in fields.items()}
    if shown.name == "anonymous" and "customer" in out:
        out["customer"] = None
    if shown.unit == "none" and "unit" in out:
        out["unit"] = None
    return out


def anonymous(ticket_type: str) -> bool:
    """A complainant is never named on a document (rules §7)."""
    return ticket_type == "complaint"


def place(ticket_type: str, unit: str | None, shown: Shown | None = None) -> str:
    """The unit, on a document, when ``shown`` allows it (by default: where the work is done)."""
    how = shown.unit if shown is not None else "work site"
    if how == "shown":
        return unit or ""
    return unit or "" if how == "work site" and ticket_type in WORK_AT_UNIT else ""


def customer(customer_id: str, record_: dict | None, shown: Shown, lang: str) -> tuple[str, str]:
    """``(who, phone)`` as a document shows the customer of a ticket."""
    from .disclosure import salutation

    if shown.name == "anonymous":
        return localise(ANONYMOUS, lang), ""
    numbers = (record_ or {}).get("phones") or ()
    who = salutation((record_ or {}).get("name")) or customer_id if shown.name == "name" else customer_id
    return who, ", ".join(phones(numbers, shown))
