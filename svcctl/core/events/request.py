"""Reading a command's options into an event's fields: what every kind's ``request`` shares."""
from __future__ import annotations

from datetime import datetime, timedelta

from ..errors import Refusal, UsageError
from ..message import msg

FUTURE_SLACK = timedelta(minutes=5)


def check_time(at: datetime, now: datetime, not_before: datetime | None = None, what: str = msg("event"),
               before_what: str = msg("the ticket's last event")) -> None:
    if at > now + FUTURE_SLACK:
        raise UsageError(msg('{what} time {at} lies in the future: give the time it really happened', what=what, at=f"{at:%Y-%m-%d %H:%M}"))
    if not_before is not None and at < not_before:
        raise Refusal(msg('{what} time {at} is before {before_what} at {not_before}: events are recorded in time order', what=what, at=f"{at:%Y-%m-%d %H:%M}", before_what=before_what, not_before=f"{not_before:%Y-%m-%d %H:%M}"))


def need(text, option: str) -> str:
    if text is None or not str(text).strip():
        raise UsageError(msg('missing {option}: say what happened in a few words', option=option))
    return str(text).strip()


def length(text):
    """A deadline length as typed (--within), written as svcctl writes lengths (两小时 is
    ``2 hours``), or None."""
    from ..policy import canonical_length
    from ..validate import within_problem  # validate reads the kinds: it loads after them

    if text is None:
        return None
    problem = within_problem(str(text))
    if problem:
        raise UsageError(msg('--within: {problem}', problem=problem))
    return canonical_length(str(text))


def on_roster(ctx, staff_id: str) -> None:
    if staff_id not in ctx.roster:
        raise UsageError(msg("unknown staff id {staff_id!r}: see 'svcctl staff list'", staff_id=staff_id))
