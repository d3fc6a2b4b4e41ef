"""The shift handover (交接班): the list the next shift starts from, and its record."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..core import subjects, validate
from ..core.errors import Refusal, UsageError
from ..core.message import msg
from ..core.timeutil import from_iso, iso
from ..present import labels
from ..reports import handover as sorting
from ..store import txn
from .env import Env


@dataclass(frozen=True)
class Board:
    now: datetime
    shift_end: datetime
    shift_hours: int
    items: list  # sorting.Item, grouped and most pressing first
    changes: list  # sorting.Change since ``since``
    since: datetime
    last: dict | None  # the last recorded handover (with its path), if any

    def ids(self, group: str) -> list[str]:
        return [i.view.id for i in self.items if i.group == group]


def last_recorded(env: Env, now: datetime) -> dict | None:
    """The latest handover recorded at or before ``now``."""
    records = env.records
    for path in reversed(records.handover_paths()):
        inner = path.relative_to(records.root).as_posix()
        data = records.handover(inner)
        if from_iso(data["at"]) <= now:
            return {**data, "path": inner}
    return None


def board(env: Env, shift_hours: int) -> Board:
    if not 1 <= shift_hours <= 24:
        raise UsageError(msg("--shift-hours {hours}: a shift is 1 to 24 hours", hours=shift_hours))
    now = env.now
    last = last_recorded(env, now)
    # Without a recorded handover, the changes are those of the shift now ending.
    since = from_iso(last["at"]) if last else now - timedelta(hours=shift_hours)
    # Work still to do is in play; a change since then left an event after it.
    views = [env.view(t) for t in env.records.tickets_since(since)]
    end = now + timedelta(hours=shift_hours)
    return Board(now, end, shift_hours, sorting.sort(views, now, end), sorting.changes(views, since, now), since, last)


def record(env: Env, shift_hours: int, to: str | None = None, note: str | None = None) -> tuple[Board, str]:
    """Commit the handover as ``handovers/<YYYY>/<MM>/<time>-<station>.yaml`` (one commit)."""
    actor = env.actor()
    office = env.office
    if to is not None:
        to = office.staff_id(to)  # by id or name; refuses one not on the roster
        if to == actor.id:
            raise UsageError(msg("--to {to}: a handover goes to the next shift, not to yourself", to=to))
    if note is not None and ("\n" in note or "\r" in note or not note.strip()):
        raise UsageError(msg("--note is one line of text"))
    records = env.records
    with records.lock():
        current = board(env, shift_hours)
        station = records.station()
        at = env.now.astimezone(office.tz)
        inner = validate.handover_name(at, station)
        if (records.root / inner).exists():
            raise Refusal(msg("a handover was already recorded at {at} on this PC ({inner})", at=f"{at:%Y-%m-%d %H:%M:%S}", inner=inner))
        data = {"at": iso(at), "by": actor.id, "to": to, "station": station, "shift_hours": shift_hours,
                "note": note.strip() if note else None, "urgent": current.ids("urgent"),
                "normal": current.ids("normal"), "waiting": current.ids("waiting")}
        data = {k: v for k, v in data.items() if v is not None}
        facts = subjects.handover_facts(actor.id, to, iso(at), {g: len(current.ids(g)) for g in sorting.GROUPS})
        change = txn.Change(labels.said(subjects.said(facts), office.language))
        change.write(inner, records.checked_text("handover", data, inner))
        records.commit(change, env.author(actor), facts)
    return current, inner
