"""note: a remark on the record that changes nothing; allowed at any time, and recorded by no command of its own."""
from __future__ import annotations

from dataclasses import dataclass

from .kind import TEXT, Kind, typed


@dataclass(frozen=True)
class Fields:
    note: str = typed(TEXT, required=True)


class Note(Kind):
    name, order, data, verb = "note", 110, Fields, "noted"
    needs_open = False
    judged_on_cancelled = False


KIND = Note()
