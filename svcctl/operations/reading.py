"""Reading across all tickets: what is overdue, which callbacks to make (the overdue digest
and the printed callback list are made from them in present.filled)."""
from __future__ import annotations

from .env import Env


def _when(env: Env, now: str | None):
    return env.time(now) if now else env.now


def overdue(env: Env, now: str | None = None, within: str | None = None):
    """``(view, deadline)`` pairs: missed and warned, plus those due within ``within``."""
    from ..core.deadlines import reach
    from ..core.policy import parse_within
    from ..reports.overdue import overdue as overdue_pairs

    from .tickets import views

    when = _when(env, now)
    soon_until = reach(env.office.calendar, when, parse_within(within)) if within is not None else None
    # Only a ticket with a running clock due by then can be listed: the index gives just those.
    return overdue_pairs(views(env, when, due_by=max(when, soon_until or when)), soon_until)


def callbacks(env: Env, now: str | None = None, due_only: bool = False):
    from ..reports.overdue import callbacks as callback_pairs

    from .tickets import views

    when = _when(env, now)
    end = env.office.calendar.end_of_day(when) if due_only else None
    # A callback is owed only by a handled ticket still awaiting it (status closed).
    return callback_pairs(views(env, when, in_play=True, statuses={"closed"}), end)


def callbacks_later(env: Env, now: str | None = None):
    """``(count, first due)`` of the callbacks owed but not due by the end of today: what
    ``callbacks --due`` says when nothing is due, so no one reads "none" as "none owed"."""
    when = _when(env, now)
    end = env.office.calendar.end_of_day(when)
    later = [d.due for _, d in callbacks(env, now) if d.due is not None and d.due > end]
    return len(later), min(later, default=None)


def callbacks_with_customers(env: Env, now: str | None = None, due_only: bool = False):
    """``(pairs, customers)``: the callbacks to make and the customer file of each customer
    called. The listing (masked for everyone, so cron needs no one acting) reads this."""
    pairs = callbacks(env, now, due_only)
    records = env.records
    return pairs, {cid: records.customer(cid) for cid in {v.customer for v, _ in pairs} if cid}


def callback_list(env: Env, now: str | None = None, due_only: bool = False, reveal: bool = False):
    """``(pairs, customers, reveal)`` for the printed callback list, the document the caller
    works from: a desk's act, and whether names and phones may be shown in full."""
    from ..core import roles

    roles.require(env.actor(), env.office.roster, "print callbacks")
    reveal = env.reveal(reveal)
    return (*callbacks_with_customers(env, now, due_only), reveal)
