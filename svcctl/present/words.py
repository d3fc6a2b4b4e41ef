"""Words for what the views hold as keys and numbers: deadline actions and lengths of time.

The one place the rendering layer turns a deadline's key or a number of minutes into
text a person reads.
"""
from __future__ import annotations

from datetime import timedelta

from ..core.timeutil import human_span

ACTIONS = {
    "reply": "answer the customer now",
    "first_reply": "call the customer with a first reply now",
    "answer": "give the customer a clear answer now",
    "dispatch": "open the work order: svcctl dispatch",
    "arrival": "get a technician on site now",
    "escalate": "escalate to the office director: svcctl escalate",
    "forward": "pass the suggestion to the office director: svcctl escalate",
    "appointment": "contact the customer about the agreed appointment",
    "resolve": "contact the customer proactively with progress (002 第十二条)",
    "resolve_limit": "contact the customer proactively and escalate (002 第十二条)",
    "rework": "contact the customer proactively; finish the rework",
    "callback": "make the callback: svcctl callback",
}


def action(deadline_name: str) -> str:
    return ACTIONS.get(deadline_name, "contact the customer proactively")


def minutes(value: int | None) -> str:
    """``2d 3h``, ``45m``: a number of minutes as a short span; '' for none."""
    return "" if value is None else human_span(timedelta(minutes=value))
