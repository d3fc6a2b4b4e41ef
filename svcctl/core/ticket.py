"""A ticket: a header written once at intake plus an append-only list of events.

Everything else (status, owner, deadlines) is derived by folding the events; nothing
derived is ever stored.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .events import KINDS, MONEY, TIME, Fold, Kind, derived, money
from .statuses import OPEN_STATUSES
from .timeutil import from_iso, iso

HEADER_KEYS = (
    "id", "type", "grade", "category", "emergency", "channel", "customer", "unit", "place",
    "summary", "detail", "received_at", "first_responder", "appointment_at", "requested_by",
)
HEADER_TIMES = ("received_at", "appointment_at", "requested_by")


@dataclass(frozen=True)
class Event:
    kind: str
    at: datetime
    by: str
    data: dict = field(default_factory=dict)

    def get(self, key, default=None):
        return self.data.get(key, default)

    def to_record(self) -> dict:
        out = {"at": iso(self.at), "event": self.kind, "by": self.by}
        for f in KINDS[self.kind].fields:  # in the order the kind declares them
            value = self.data.get(f.name)
            if value is not None:  # False is kept: "unsigned" is not "not stated"
                if f.type == TIME:
                    value = iso(value)
                elif f.type == MONEY:
                    value = str(money(value))  # text on disk: YAML would read 80.50 as a float
                out[f.name] = value
        return out

    @classmethod
    def from_record(cls, raw: dict) -> "Event":
        data = {k: v for k, v in raw.items() if k not in _EVENT_HEAD}
        for name, read in derived(raw["event"], _stored_as_text):
            if data.get(name) is not None:
                data[name] = read(data[name])
        return cls(kind=raw["event"], at=from_iso(raw["at"]), by=raw["by"], data=data)


_EVENT_HEAD = frozenset(("at", "event", "by"))


def _stored_as_text(kind: Kind) -> tuple:
    """(field name, how its text is read) of the times and sums among ``kind``'s fields."""
    read = {TIME: from_iso, MONEY: money}
    return tuple((f.name, read[f.type]) for f in kind.fields if f.type in read)


@dataclass(frozen=True)
class Ticket:
    header: dict
    events: tuple[Event, ...]

    @property
    def id(self) -> str:
        return self.header["id"]

    @property
    def type(self) -> str:
        return self.header["type"]

    @property
    def received_at(self) -> datetime:
        return self.header["received_at"]

    def h(self, key, default=None):
        return self.header.get(key, default)

    def with_events(self, *new: Event) -> "Ticket":
        return Ticket(self.header, self.events + tuple(new))

    def to_record(self) -> dict:
        out = {}
        for key in HEADER_KEYS:
            value = self.header.get(key)
            if value is None or value is False:
                continue
            out[key] = iso(value) if key in HEADER_TIMES else value
        out["events"] = [e.to_record() for e in self.events]
        return out

    @classmethod
    def from_record(cls, raw: dict) -> "Ticket":
        header = {k: raw.get(k) for k in HEADER_KEYS}
        for key in HEADER_TIMES:
            if header.get(key) is not None:
                header[key] = from_iso(header[key])
        return cls(header, tuple(Event.from_record(e) for e in raw.get("events") or ()))


@dataclass(frozen=True)
class State:
    status: str  # open, dispatched, paused, closed (callback due), done, cancelled
    owner: str
    department: str | None
    assignee: str | None
    escalated_to: str | None
    paused_since: datetime | None
    pauses: tuple  # ((start, end-or-None), ...)
    last_close: Event | None
    current_close: Event | None  # the last close, unless a reopen came after it
    last_reopen: Event | None
    last_callback: Event | None
    callback_done: bool
    callback_required: bool
    reopen_count: int
    emergency_since: datetime | None = None  # the first dispatch marked urgent
    temporary_measures: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def folding(ticket: Ticket) -> Fold:
    """A fold ready for the ticket's first event (the owner is the first responder, 首问负责制)."""
    return Fold(owner=ticket.h("first_responder"))


def step(acc: Fold, event: Event) -> None:
    KINDS[event.kind].apply(acc, event)
    acc.events_seen += 1


def settle(acc: Fold, ticket: Ticket, policy) -> State:
    """The state once every event is folded. Whether a handled ticket still waits for its
    callback comes from the policy alone (a deadline that a callback stops)."""
    pauses = list(acc.pauses)
    if acc.paused_since is not None:
        pauses.append((acc.paused_since, None))
    emergency = bool(ticket.h("emergency")) or acc.emergency_since is not None
    required = policy.owes_callback(ticket.type, ticket.h("grade"), ticket.h("category"), emergency)
    status = acc.status
    if status == "closed" and not required:
        status = "done"
    return State(
        status=status, owner=acc.owner, department=acc.department, assignee=acc.assignee,
        escalated_to=acc.escalated_to, paused_since=acc.paused_since, pauses=tuple(pauses),
        last_close=acc.last_close, current_close=acc.current_close, last_reopen=acc.last_reopen,
        last_callback=acc.last_callback, callback_done=acc.callback_done, callback_required=required,
        reopen_count=acc.reopen_count, emergency_since=acc.emergency_since,
        temporary_measures=acc.temporary_measures,
    )


def fold(ticket: Ticket, policy) -> State:
    acc = folding(ticket)
    for event in ticket.events:
        step(acc, event)
    return settle(acc, ticket, policy)
