"""The office documents a command prints: what goes on each (``papers``) laid out by its
template (``documents``: the office's own when it has one, sandboxed and bounded)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..core.errors import BrokenTemplate
from ..core.office import Office
from . import documents, papers


@dataclass(frozen=True)
class Desk:
    """Where a document is filled in: the office, the time it is made at, the reader's
    language, and the records folder whose templates may stand in for svcctl's own."""
    office: Office
    now: datetime
    lang: str
    records_root: Path | None


def confirmation(desk: Desk, view) -> tuple[str, BrokenTemplate | None]:
    """The standard sentence read to the customer after intake (rules §11), one for each
    kind of intake; svcctl's own sentence when the office's template fails, with why it
    failed: the ticket is already recorded, and the clerk must still have something to read out."""
    office = desk.office
    data = papers.confirmation(view, office.tz, desk.now, office.name, desk.lang)
    try:
        return documents.render("confirmation.txt", data, desk.lang, desk.records_root), None
    except BrokenTemplate as refused:
        return documents.render("confirmation.txt", data, desk.lang), refused


def work_order(desk: Desk, view, customer: dict | None, shown, fmt: str = "text") -> str:
    """The 维修工作单 for the technician, showing of the customer what ``shown`` allows
    (``disclosure.work_order``: a complainant is never named)."""
    office = desk.office
    data = papers.work_order(view, customer, office.roster, office.tz, desk.now, office.name, desk.lang, shown)
    return documents.render(f"workorder.{_ending(fmt)}", data, desk.lang, desk.records_root)


def digest(desk: Desk, pairs) -> str:
    """The mail a cron job sends: subject line first, deadlines grouped by who must act."""
    office = desk.office
    data = papers.digest(pairs, office.roster, office.tz, desk.now, office.name, desk.lang)
    return documents.render("digest.txt", data, desk.lang, desk.records_root)


def callback_list(desk: Desk, pairs, customers: dict, shown: dict, fmt: str = "text") -> str:
    """The callbacks to make, each with the questions to ask (000 3.1.4), for printing;
    ``shown``: ticket id → what the reader may see of its customer (``disclosure.callback``)."""
    office = desk.office
    data = papers.callbacks(pairs, customers, office.roster, office.tz, desk.now, office.name, desk.lang, shown)
    return documents.render(f"callbacks.{_ending(fmt)}", data, desk.lang, desk.records_root)


def _ending(fmt: str) -> str:
    return "html" if fmt == "html" else "txt"
