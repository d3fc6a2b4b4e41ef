"""Ticket and customer ids: where a record of an id lives, ids as people type them, and
the next free id of a station."""
from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

from ..core import validate
from ..core.chinese_input import typed
from ..core.errors import UsageError
from ..core.message import msg
from .names import records_in


def ticket_inner(ticket_id: str) -> str | None:
    """Where the ticket with this exact id lives, or None when it is not a ticket id."""
    match = validate.TICKET_ID.match(ticket_id or "")
    if not match:
        return None
    return f"tickets/{match.group(1)}/{match.group(2)}/{ticket_id}.yaml"


def ticket_rel(ticket_id: str) -> str:
    """The file of a ticket id someone typed; ids are read out over the phone, so
    ``202611-a002`` means ``202611-A002``."""
    inner = ticket_inner(typed(ticket_id).upper())
    if inner is None:
        raise UsageError(msg('{ticket_id!r} is not a ticket id: ids look like 202611-A007', ticket_id=ticket_id))
    return inner


_SERIAL = re.compile(r"^[A-Z]{1,3}\d{3,}$")


def is_serial(text: str) -> bool:
    """Whether ``text`` is a ticket's serial without its month (``A001``, ``a001``)."""
    return bool(_SERIAL.match(typed(text).upper()))


def in_month(serial: str, when: datetime) -> str:
    """The id of a serial in the month of ``when`` (office time): ``A001`` in December 2026
    is ``202612-A001``."""
    return f"{when:%Y%m}-{typed(serial).upper()}"


def canonical_customer_id(text: str) -> str:
    """A customer id someone typed, written the way files are named (``c-a001`` → ``C-A001``)."""
    cid = (text or "").strip().upper()
    if not validate.CUSTOMER_ID.match(cid):
        raise UsageError(msg("{text!r} is not a customer id: ids look like C-A001 (see 'svcctl customer find')", text=text))
    return cid


def file_stem(inner: str) -> str:
    """``PurePosixPath(inner).stem``, without building a path per record."""
    name = inner.rpartition("/")[2]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


class Numbering:
    """Ids for new records of this station: each folder is listed once, then serials count
    on, so an import's many new records cost one folder scan, not one per id."""

    def __init__(self, root: Path, station: str):
        self._root = root
        self._station = station
        self._next: dict = {}

    def _take(self, prefix: str, first) -> str:
        serial = self._next.get(prefix) or first()
        self._next[prefix] = serial + 1
        return f"{prefix}{serial:03d}"

    def customer_id(self) -> str:
        prefix = f"C-{self._station}"
        return self._take(prefix, lambda: next_serial(self._root / "customers", prefix))

    def ticket_id(self, received: datetime) -> str:
        prefix = f"{received:%Y%m}-{self._station}"
        folder = self._root / "tickets" / f"{received:%Y}" / f"{received:%m}"
        return self._take(prefix, lambda: next_serial(folder, prefix))


def next_serial(folder: Path, prefix: str) -> int:
    """One more than the highest serial after ``prefix`` among the records in ``folder``."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)\.yaml$")
    serials = [int(m.group(1)) for name in records_in(os.fspath(folder)) if (m := pattern.match(name))]
    return max(serials, default=0) + 1
