"""The privacy step every rendering goes through (rules §7: customer data is confidential).

Phone numbers typed into free text are masked unless the reader may and asks to see them.
"""
from __future__ import annotations

from ..core.units import mask_phone, mask_phones_in

FREE_TEXT = ("summary", "detail", "note", "result", "reason")


def text(value, reveal: bool = False):
    return value if reveal or value is None else mask_phones_in(value)


def phones(numbers, reveal: bool = False) -> list[str]:
    return [p if reveal else mask_phone(p) for p in numbers or ()]


def record(fields: dict, reveal: bool = False) -> dict:
    """A header or event with the phone numbers in its free text masked."""
    if reveal:
        return dict(fields)
    return {k: mask_phones_in(v) if k in FREE_TEXT and isinstance(v, str) else v for k, v in fields.items()}
