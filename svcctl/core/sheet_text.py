"""Text bound for a spreadsheet: shown as written, never run as a formula, never refused.

Names, notes and summaries come from other PCs and hand-edited records; a spreadsheet
program runs a cell that begins with ``= + - @`` (or a tab or carriage return, also after
leading blanks) as a formula, and one click on ``=HYPERLINK(...)`` sends the sheet's other
cells away. A CSV cell has no types, so such text gets a single quote in front (the OWASP
rule), which a CSV read by ``svcctl import`` takes off again; an ``.xlsx`` writer stores it
as a string cell instead (``sheets``). Numbers written as numbers are left alone: a number
is not a formula.
"""
from __future__ import annotations

import re

_TRIGGERS = "=+-@"
# What a spreadsheet may skip before it looks for a formula: blanks of every width, control
# and invisible format characters (a full-width space starts many Chinese notes).
_SKIPPED = "".join(map(chr, [*range(0x21), *range(0x7F, 0xA1), 0x1680, *range(0x2000, 0x2010),
                             *range(0x2028, 0x2030), *range(0x205F, 0x2065), 0x3000, 0xFEFF]))
# A sign with digits only is a number to a spreadsheet, or at worst a formula with that value:
# nothing in it can reach another cell or a program. A lone dash is a common "none".
_PLAIN_NUMBER = re.compile(r"[+-]+|[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")
# The first characters that call for a closer look: nearly every cell begins otherwise.
_SUSPECT = frozenset(_TRIGGERS + _SKIPPED + "'")
# What XML 1.0, and so an .xlsx file, cannot hold.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula."""
    if not text or text[0] not in _SUSPECT:
        return False
    if text[0] in "\t\r":
        return True
    body = text.lstrip(_SKIPPED)
    return bool(body) and body[0] in _TRIGGERS and not _PLAIN_NUMBER.fullmatch(body)


def _quoted(text: str) -> bool:
    # Text that already begins with a quote gets one more, so that reading it back takes off
    # exactly the quote the export added.
    return text.startswith("'") or starts_formula(text)


def inert(value):
    """A CSV cell's value that a spreadsheet shows as written."""
    if value.__class__ is str and value and value[0] in _SUSPECT and _quoted(value):
        return "'" + value
    return value


def restored(value):
    """A CSV cell as it was before ``inert``."""
    if value.__class__ is str and value.startswith("'") and _quoted(value[1:]):
        return value[1:]
    return value


def writable(text: str) -> str:
    """``text`` with what an .xlsx cell cannot hold written as ``\\uXXXX``, as a terminal shows it."""
    if _UNWRITABLE.search(text) is None:
        return text
    return _UNWRITABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
