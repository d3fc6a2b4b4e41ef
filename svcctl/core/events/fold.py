"""The state of a ticket while its events are folded, one event at a time."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..statuses import OPEN_STATUSES


@dataclass
class Fold:
    status: str = "open"
    owner: str | None = None
    department: str | None = None
    assignee: str | None = None
    escalated_to: str | None = None
    paused_since: datetime | None = None
    before_pause: str = "open"
    pauses: list = field(default_factory=list)
    last_close: object = None
    current_close: object = None  # the last close, unless a reopen came after it
    last_reopen: object = None
    last_callback: object = None
    callback_done: bool = False
    reopen_count: int = 0
    emergency_since: datetime | None = None
    temporary_measures: int = 0
    events_seen: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
