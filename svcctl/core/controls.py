"""Characters that act instead of showing: no record field, commit message or terminal line
takes them as they are.

C0 controls (line feed and tab among them), DEL and C1 controls steer a terminal: ESC starts
its escape sequences (ESC[8m hides the text after it, OSC 52 writes the clipboard), BEL rings.
The bidi controls reorder the text around them, so that what a person reads is not what is
there. Line and paragraph separators break a line where the reader of a single line expects
none. Which of these a text may hold is the caller's to say (a note keeps its line breaks).
"""
from __future__ import annotations

import re

BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
CONTROLS = frozenset((*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029, *BIDI))

_ANY = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(CONTROLS)) + "]")


def first(text: str, allowed: str = "") -> str | None:
    """The first control character in ``text`` that is not one of ``allowed``."""
    if text.isprintable():  # plain text, the usual case, without a look at each character
        return None
    return next((found.group() for found in _ANY.finditer(text) if found.group() not in allowed), None)


def code(char: str) -> str:
    """``U+001B``: how a message names a character that cannot be shown."""
    return f"U+{ord(char):04X}"


def escaped(text: str) -> str:
    """``text`` with every control character written as an escape (``\\u001b``)."""
    return _ANY.sub(lambda found: f"\\u{ord(found.group()):04x}", text) if not text.isprintable() else text
