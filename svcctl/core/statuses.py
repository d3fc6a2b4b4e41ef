"""A ticket's statuses, named once."""
from __future__ import annotations

STATUSES = ("open", "dispatched", "paused", "closed", "done", "cancelled")
# Work still to be done: the ticket is waiting for the office, not for its callback.
OPEN_STATUSES = ("open", "dispatched", "paused")
# Names a listing may filter by besides the statuses themselves; active: not yet settled.
STATUS_GROUPS = {"active": (*OPEN_STATUSES, "closed")}
