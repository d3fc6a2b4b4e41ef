"""Regular expressions compiled the first time they are used.

Compiling a pattern with a wide character class (all of CJK, case folded) takes a
millisecond or more; at the top of a module every command that loads the module pays for
it, whether or not it reads a typed length or writes a record.
"""
from __future__ import annotations

import re


class Lazy:
    """A ``re.Pattern`` to be: ``Lazy(r"...", re.I).match(text)`` compiles on first use."""

    __slots__ = ("_source", "_compiled")

    def __init__(self, pattern: str, flags: int = 0):
        self._source = (pattern, flags)
        self._compiled = None

    def __getattr__(self, name: str):
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(*self._source)
        return getattr(compiled, name)
