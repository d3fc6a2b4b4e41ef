"""A ticket: a header written once at intake plus an append-only list of events.

Everything else (status, owner, deadlines) is derived by folding the events; nothing
derived is ever stored.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .model import CALLBACK_TYPES
from .timeutil import from_iso, iso

HEADER_KEYS = (
    "id", "type", "grade", "category", "emergency", "channel", "customer", "unit",
    "summary", "detail", "received_at", "first_responder", "appointment_at", "requested_by",
)
HEADER_TIMES = ("received_at", "appointment_at", "requested_by")
# Per event kind: its fields, in the order they are written.
EVENT_FIELDS = {
    "intake": ("note",),
    "dispatch": ("to", "assignee", "appointment_at", "emergency", "note"),
    "arrive": ("note",),
    "reply": ("note",),
    "escalate": ("to", "note"),
    "pause": ("reason",),
    "resume": ("note",),
    "close": ("result", "fee", "receipt", "signed", "leak_test_at", "temporary"),
    "callback": ("method", "satisfaction", "note", "unresolved"),
    "reopen": ("note", "within"),
    "cancel": ("reason",),
    "note": ("note",),
}
EVENT_TIMES = ("appointment_at", "leak_test_at")


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
        for key in EVENT_FIELDS.get(self.kind, ()):
            value = self.data.get(key)
            if value is not None:  # False is kept: "unsigned" is not "not stated"
                out[key] = iso(value) if key in EVENT_TIMES else value
        return out

    @classmethod
    def from_record(cls, raw: dict) -> "Event":
        data = {k: v for k, v in raw.items() if k not in ("at", "event", "by")}
        for key in EVENT_TIMES:
            if data.get(key) is not None:
                data[key] = from_iso(data[key])
        return cls(kind=raw["event"], at=from_iso(raw["at"]), by=raw["by"], data=data)


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


STATUSES = ("open", "dispatched", "paused", "closed", "done", "cancelled")
# Names a listing may filter by besides the statuses themselves.
STATUS_GROUPS = {"active": ("open", "dispatched", "paused", "closed")}


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
    callback_done: bool
    callback_required: bool
    reopen_count: int
    emergency_since: datetime | None = None  # the first dispatch marked urgent
    temporary_measures: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in ("open", "dispatched", "paused")


def fold(ticket: Ticket) -> State:
    status = "open"
    owner = ticket.h("first_responder")
    department = assignee = escalated_to = None
    paused_since = None
    pauses: list = []
    last_close = current_close = last_reopen = None
    callback_done = False
    reopen_count = temporary_measures = 0
    emergency_since = None
    before_pause = "open"
    for event in ticket.events:
        kind = event.kind
        if kind == "dispatch":
            department, assignee = event.get("to"), event.get("assignee")
            if event.get("emergency") and emergency_since is None:
                emergency_since = event.at
            if status in ("open", "dispatched"):
                status = "dispatched"
            elif status == "paused":
                before_pause = "dispatched"
        elif kind == "escalate":
            escalated_to = owner = event.get("to")
        elif kind == "pause" and status != "paused":
            before_pause, status, paused_since = status, "paused", event.at
        elif kind == "resume" and status == "paused":
            pauses.append((paused_since, event.at))
            status, paused_since = before_pause, None
        elif kind == "close" and event.get("temporary"):
            temporary_measures += 1  # recorded; the work goes on (000 3.3.6)
        elif kind == "close":
            if status == "paused":
                pauses.append((paused_since, event.at))
                paused_since = None
            last_close = current_close = event
            callback_done, status = False, "closed"
        elif kind == "callback":
            callback_done, status = True, "done"
        elif kind == "reopen":
            last_reopen, current_close, reopen_count = event, None, reopen_count + 1
            status, callback_done = ("dispatched" if department else "open"), False
        elif kind == "cancel":
            status = "cancelled"
    if paused_since is not None:
        pauses.append((paused_since, None))
    required = ticket.type in CALLBACK_TYPES
    if status == "closed" and not required:
        status = "done"
    return State(
        status=status, owner=owner, department=department, assignee=assignee,
        escalated_to=escalated_to, paused_since=paused_since, pauses=tuple(pauses),
        last_close=last_close, current_close=current_close, last_reopen=last_reopen, callback_done=callback_done,
        callback_required=required, reopen_count=reopen_count, emergency_since=emergency_since,
        temporary_measures=temporary_measures,
    )
