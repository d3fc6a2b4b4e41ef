"""The read model: one language-neutral view of a ticket, built once from its fold.

Every output reads this view and nothing else folds tickets for display: ``list``,
``show``, ``overdue``, ``callbacks``, the work order, reports, the handover and the
index. It holds keys, times and numbers only; words, units of time and labels are made
by the rendering layer (``svcctl.present``), in the reader's language.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .calendar import OfficeCalendar
from .deadlines import Deadline, clock, evaluate
from .policy import Policy
from .statuses import OPEN_STATUSES, STATUS_GROUPS
from .timeutil import read_time
from .ticket import HEADER_TIMES, Event, State, Ticket, fold

HEADER_FIELDS = ("id", "type", "grade", "category", "channel", "customer", "unit", "place", "summary", "detail",
                 "received_at", "first_responder", "appointment_at", "requested_by")
# The order of urgency among open deadlines: most late first, a held clock last.
_URGENCY = {"missed": 0, "warned": 1, "pending": 2, "paused": 3}


class _Reading:
    """What every view answers the same way, whether built from the events or from the
    summary the index keeps (``BriefView``)."""

    header: dict
    deadlines: tuple[Deadline, ...]
    now: datetime

    def __getattr__(self, name):
        # Header fields read as attributes (view.unit, view.received_at): the view adds to
        # the record, it never renames it.
        if name in HEADER_FIELDS:
            return self.header.get(name)
        raise AttributeError(name)

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def is_open(self) -> bool:
        return self.state.status in OPEN_STATUSES

    @property
    def open_deadlines(self) -> tuple[Deadline, ...]:
        return tuple(d for d in self.deadlines if d.is_open)

    @property
    def overdue(self) -> tuple[Deadline, ...]:
        return tuple(d for d in self.deadlines if d.overdue)

    @property
    def next_deadline(self) -> Deadline | None:
        """The open deadline due first; a paused one (no due time while held) comes last."""
        open_ones = self.open_deadlines
        if not open_ones:
            return None
        return min(open_ones, key=lambda d: (d.due is None, d.due or self.now))

    def deadline(self, name: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.name == name), None)

    @property
    def awaiting_callback(self) -> bool:
        return self.state.status == "closed"


@dataclass(frozen=True)
class TicketView(_Reading):
    ticket: Ticket
    state: State
    deadlines: tuple[Deadline, ...]
    now: datetime

    @property
    def header(self) -> dict:
        return self.ticket.header

    @property
    def emergency(self) -> bool:
        return bool(self.ticket.h("emergency")) or self.state.emergency_since is not None

    @property
    def events(self) -> tuple[Event, ...]:
        return self.ticket.events

    @property
    def closed_at(self) -> datetime | None:
        close = self.state.current_close
        return close.at if close is not None else None

    @property
    def result(self) -> str | None:
        close = self.state.last_close
        return close.get("result") if close is not None else None

    @property
    def fee(self) -> Decimal | None:
        close = self.state.last_close
        return close.get("fee") if close is not None else None

    @property
    def satisfaction(self) -> int | None:
        callback = self.state.last_callback
        return callback.get("satisfaction") if callback is not None else None


@dataclass(frozen=True)
class BriefState:
    """The part of a ``State`` the summary keeps: who holds the ticket and where it stands."""

    status: str
    owner: str
    department: str | None
    assignee: str | None
    escalated_to: str | None
    callback_required: bool
    callback_done: bool
    reopen_count: int

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class BriefView(_Reading):
    """A view rebuilt from its summary (``summarise``) at a given ``now``: everything a
    listing, ``overdue`` or ``callbacks`` reads, without the events. Only the deadline
    states depend on ``now`` and they are judged again here, by the same step as
    ``evaluate`` (``deadlines.clock``)."""

    header: dict
    state: BriefState
    deadlines: tuple[Deadline, ...]
    now: datetime
    emergency: bool
    closed_at: datetime | None
    result: str | None
    fee: Decimal | None
    satisfaction: int | None


def build(ticket: Ticket, policy: Policy, calendar: OfficeCalendar, now: datetime,
          state: State | None = None) -> TicketView:
    """The view of ``ticket`` at ``now``; ``state`` is its fold when the caller has it already."""
    if state is None:
        state = fold(ticket, policy)
    return TicketView(ticket, state, tuple(evaluate(ticket, policy, calendar, now, state)), now)


def urgency(d: Deadline) -> int:
    return _URGENCY.get(d.state, 9)


_STATE_KEYS = ("status", "owner", "department", "assignee", "escalated_to", "callback_required", "callback_done",
               "reopen_count")


def summarise(view: TicketView) -> dict:
    """What a view holds that does not depend on ``now``, as JSON-ready values (the index's
    per-ticket summary; ``brief`` turns it back into a view)."""
    state = view.state
    return {
        "header": {k: _put(v) if k in HEADER_TIMES else v for k, v in view.header.items() if v is not None},
        "state": {k: getattr(state, k) for k in _STATE_KEYS},
        "emergency": view.emergency, "closed_at": _put(view.closed_at), "result": view.result,
        "fee": None if view.fee is None else str(view.fee), "satisfaction": view.satisfaction,
        "deadlines": [[d.name, d.level, _put(d.due), _put(d.stopped_at), d.source, _put(d.start), list(d.until)]
                      for d in view.deadlines],
    }


def brief(summary: dict, now: datetime) -> BriefView:
    """The view a summary stands for, with every deadline judged at ``now``."""
    header = {k: _get(v) if k in HEADER_TIMES else v for k, v in summary["header"].items()}
    deadlines = tuple(clock(name, level, _get(due), _get(stopped), source, _get(start), until, now)
                      for name, level, due, stopped, source, start, until in summary["deadlines"])
    fee = summary["fee"]
    return BriefView(header, BriefState(**summary["state"]), deadlines, now, summary["emergency"],
                     _get(summary["closed_at"]), summary["result"], None if fee is None else Decimal(fee),
                     summary["satisfaction"])


def _put(when: datetime | None) -> str | None:
    """A time as text that gives back the same object: the offset, and the zone when it has
    one (arithmetic within a zone differs from arithmetic across offsets where clocks change)."""
    if when is None:
        return None
    key = getattr(when.tzinfo, "key", None)
    return when.isoformat() + (f"[{key}]" if key else "")


def _get(text: str | None) -> datetime | None:
    if text is None:
        return None
    if text[-1] == "]":
        from zoneinfo import ZoneInfo

        text, key = text[:-1].split("[")
        return read_time(text).astimezone(ZoneInfo(key))
    return read_time(text)  # written by _put: always with its offset


def live(view: TicketView) -> bool:
    """Whether the ticket can show up in today's work whatever the time: still open, waiting
    for its callback, or with a deadline whose clock still runs. Everything else is settled
    for good until a new event arrives, which changes the file."""
    return view.state.status in STATUS_GROUPS["active"] or bool(view.open_deadlines)
