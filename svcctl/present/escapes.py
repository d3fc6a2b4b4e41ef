"""Text as it may reach a terminal: nothing in it may act on the terminal."""
from __future__ import annotations

import re

from ..core.controls import CONTROLS

# Control characters (but line feeds and tabs), line and paragraph separators, bidi controls
# and bytes that were not UTF-8 are shown as escapes: they must never act on the terminal,
# nor turn round the text a person reads (U+202E in a name, or in an error quoting it).
_ESCAPES = {c: f"\\u{c:04x}" for c in sorted(CONTROLS) if c not in (9, 10)}
_ESCAPES.update({c: f"\\x{c - 0xDC00:02x}" for c in range(0xDC80, 0xDD00)})


_ANY = re.compile("[" + "".join(re.escape(chr(c)) for c in _ESCAPES) + "]")


def shown(text: str) -> str:
    # Looked for first: translating a listing of a few megabytes costs a tenth of a second
    # even when, as nearly always, there is nothing to escape.
    return text.translate(_ESCAPES) if _ANY.search(text) else text


def one_line(text: str) -> str:
    """A message as one line: its line breaks written as \\n."""
    return shown(str(text).replace("\r\n", "\n").replace("\n", "\\n").replace("\r", "\\r"))


class ShownStream:
    """A text stream that writes everything through ``shown``."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        return self._stream.write(shown(text) if isinstance(text, str) else text)

    def __getattr__(self, name):
        return getattr(self._stream, name)
