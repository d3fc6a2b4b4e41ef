"""Deadlines across all tickets: what is overdue, what is due soon, which callbacks to make.

Reads views only and returns them with the deadline that put them on the list; the
rendering layer turns them into rows. Nothing is written.
"""
from __future__ import annotations

from datetime import datetime

from ..core.deadlines import Deadline
from ..core.view import TicketView

_ORDER = {"missed": 0, "warned": 1, "pending": 2}


def overdue(views: list[TicketView], soon_until: datetime | None = None) -> list[tuple[TicketView, Deadline]]:
    """Warned and missed deadlines, plus with ``soon_until`` those falling due by then."""
    found = []
    for view in views:
        for d in view.deadlines:
            soon = soon_until is not None and d.state == "pending" and d.due <= soon_until
            if d.overdue or soon:
                found.append((view, d))
    found.sort(key=lambda pair: (_ORDER[pair[1].state], pair[1].due, pair[0].id))
    return found


def callbacks(views: list[TicketView], end_of_today: datetime | None = None) -> list[tuple[TicketView, Deadline]]:
    """Callbacks (回访) still owed: every handled ticket whose policy deadline a callback stops
    is still open; with ``end_of_today``, only those due by then or late."""
    found = []
    for view in views:
        if not view.awaiting_callback:
            continue
        for d in view.open_deadlines:
            if "callback" not in d.until:
                continue
            if end_of_today is not None and d.state == "pending" and d.due > end_of_today:
                continue
            found.append((view, d))
    found.sort(key=lambda pair: (pair[1].due or pair[0].now, pair[0].id))
    return found
