"""The columns of ``svcctl audit``."""
from __future__ import annotations

from ..core.message import msg
from .tables import Column


def _asked(row, lang):
    return "--reveal" if row.get("reveal") else ""


AUDIT = [
    Column("at", msg("Time")), Column("by", msg("Shown to")), Column("output", msg("Output")),
    Column("ticket", msg("Ticket")), Column("customer", msg("Customer")), Column("reveal", msg("Asked"), show=_asked),
]
