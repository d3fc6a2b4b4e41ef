"""Which alerts are due at a moment, and to whom: from the deadlines ``overdue`` finds, the
office's ``alerts:`` section of svcctl.yaml and its quiet hours.

An alert is known by ``(ticket, deadline, stage)``: the outbox sends each key once per
channel, so the same reading at every cron run asks for nothing new. The deadline part
carries its due time, so a clock that starts again (a reopen) is a new alert.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from .message import msg

# Who an alert is for; svcctl.yaml's ``alerts: to:`` names the channels of each.
AUDIENCES = ("owner", "desk", "supervisor", "director")
STAGE_AUDIENCES = {
    "warning": ("owner",),                            # before a deadline, to whoever holds the ticket
    "breach": ("desk", "supervisor"),                 # a target passed
    "limit": ("desk", "supervisor", "director"),      # a hard limit passed, or an emergency not on site
    "digest": ("desk",),                              # the morning's open work
    "callbacks": ("owner",),                          # each agent's callbacks due today
    "handover": ("desk",),                            # a shift handover recorded
}
STAGES = tuple(STAGE_AUDIENCES)
ALERT_KEYS = ("station", "quiet", "warn_before", "digest_at", "to")
DEFAULTS = {"quiet": "21:00-08:00", "warn_before": "1h", "digest_at": "08:30"}
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Alert:
    stage: str
    ticket: str             # a ticket id; for the daily ones what they are of ("digest", "callbacks:li")
    deadline: str           # deadline name@due time; for the daily ones the date
    urgent: bool            # sent in quiet hours too
    pairs: tuple = ()       # the (view, deadline) pairs it tells of
    staff: str | None = None  # the person to @, when it is someone's own work

    @property
    def key(self) -> tuple[str, str, str]:
        return self.ticket, self.deadline, self.stage

    @property
    def audiences(self) -> tuple[str, ...]:
        return STAGE_AUDIENCES[self.stage]


@dataclass(frozen=True)
class Rules:
    station: str | None
    quiet: tuple[time, time] | None
    warn_before: str
    digest_at: time
    to: dict = field(default_factory=dict)


def clock_time(text: str) -> time | None:
    match = _CLOCK.match(str(text).strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


def quiet_span(text) -> tuple[time, time] | None:
    """``"21:00-08:00"`` as two clock times; None for a text that is not one."""
    parts = str(text).split("-")
    if len(parts) != 2:
        return None
    start, end = clock_time(parts[0]), clock_time(parts[1])
    return (start, end) if start is not None and end is not None and start != end else None


def rules(config: dict) -> Rules:
    """The alert rules of a validated svcctl.yaml, defaults filled in."""
    section = config.get("alerts") or {}
    quiet = section.get("quiet", DEFAULTS["quiet"])
    return Rules(
        station=section.get("station"),
        quiet=quiet_span(quiet) if quiet not in (None, "", "none") else None,
        warn_before=str(section.get("warn_before") or DEFAULTS["warn_before"]),
        digest_at=clock_time(section.get("digest_at") or DEFAULTS["digest_at"]),
        to={k: tuple(v) for k, v in (section.get("to") or {}).items()},
    )


def problems(section) -> list[tuple[tuple, str]]:
    """What is wrong with svcctl.yaml's ``alerts:`` section, as ``(path, message)``."""
    from .validate import STATION, within_problem

    if section is None:
        return []
    if not isinstance(section, dict):
        return [(("alerts",), msg("'alerts' must be a mapping (station, quiet, warn_before, digest_at, to)"))]
    found = []
    for key in section:
        if key not in ALERT_KEYS:
            found.append((("alerts", key), msg("unknown key {key!r} in 'alerts': use {keys}", key=key,
                                               keys=", ".join(ALERT_KEYS))))
    station = section.get("station")
    if station is not None and not (isinstance(station, str) and STATION.match(station)):
        found.append((("alerts", "station"), msg("alerts: station {code!r} must be the 1-3 capital letters of the "
                                                 "PC that sends", code=station)))
    quiet = section.get("quiet")
    if quiet not in (None, "", "none") and quiet_span(quiet) is None:
        found.append((("alerts", "quiet"), msg("alerts: quiet {value!r} must be two times of day, e.g. 21:00-08:00 "
                                               "(or none)", value=quiet)))
    warn = section.get("warn_before")
    if warn is not None:
        problem = within_problem(warn)
        if problem:
            found.append((("alerts", "warn_before"), problem))
    digest_at = section.get("digest_at")
    if digest_at is not None and clock_time(digest_at) is None:
        found.append((("alerts", "digest_at"), msg("alerts: digest_at {value!r} must be a time of day, e.g. 08:30",
                                                   value=digest_at)))
    to = section.get("to")
    if to is not None:
        if not isinstance(to, dict):
            found.append((("alerts", "to"), msg("alerts: 'to' must map who is told ({audiences}) to channel names",
                                                audiences=", ".join(AUDIENCES))))
        else:
            for audience, names in to.items():
                if audience not in AUDIENCES:
                    found.append((("alerts", "to", audience), msg(
                        "alerts: unknown audience {audience!r}: use {audiences}", audience=audience,
                        audiences=", ".join(AUDIENCES))))
                elif not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
                    found.append((("alerts", "to", audience), msg(
                        "alerts: {audience} must list channel names (those of 'svcctl notify list')",
                        audience=audience)))
    return found


def is_quiet(rules: Rules, now: datetime) -> bool:
    if rules.quiet is None:
        return False
    start, end = rules.quiet
    moment = now.time()
    return start <= moment < end if start < end else moment >= start or moment < end


def deadline_alerts(pairs) -> list[Alert]:
    """The alert each listed deadline is at: a warning before it falls due, the breach of a
    target, the miss of a limit (an emergency not on site counts as one)."""
    found = []
    for view, d in pairs:
        if d.state == "pending":
            stage = "warning"
        elif d.state == "missed" or (view.emergency and d.name == "arrival"):
            stage = "limit"
        else:
            stage = "breach"
        urgent = stage == "limit" or bool(view.emergency)
        found.append(Alert(stage, view.id, f"{d.name}@{d.due.isoformat()}", urgent, ((view, d),),
                           view.state.owner if stage == "warning" else None))
    return found


def daily_due(rules: Rules, now: datetime) -> bool:
    """Whether today's digest moment has come."""
    return now.time() >= rules.digest_at


def digest_alert(pairs, now: datetime) -> Alert:
    return Alert("digest", "digest", now.date().isoformat(), False, tuple(pairs))


def callback_alerts(pairs, now: datetime) -> list[Alert]:
    """One alert per person with callbacks to make today, their own list."""
    mine: dict[str, list] = {}
    for view, d in pairs:
        mine.setdefault(view.state.owner, []).append((view, d))
    return [Alert("callbacks", f"callbacks:{who}", now.date().isoformat(), False, tuple(found), who)
            for who, found in sorted(mine.items())]


def handover_alert(name: str) -> Alert:
    return Alert("handover", f"handover:{name}", name, False)


def sendable(alerts: list[Alert], rules: Rules, now: datetime) -> tuple[list[Alert], list[Alert]]:
    """``(now, held)``: in quiet hours only the urgent ones go; the rest wait for the morning."""
    if not is_quiet(rules, now):
        return list(alerts), []
    return [a for a in alerts if a.urgent], [a for a in alerts if not a.urgent]


def channels_for(alert: Alert, rules: Rules, channels: tuple[str, ...]) -> tuple[str, ...]:
    """The channels an alert goes to, each once. An audience the office named no channels for
    is told on the desk's; with nothing named at all, every channel is the desk's."""
    chosen: list[str] = []
    for audience in alert.audiences:
        for name in audience_channels(audience, rules, channels):
            if name not in chosen:
                chosen.append(name)
    return tuple(chosen)


def audience_channels(audience: str, rules: Rules, channels: tuple[str, ...]) -> tuple[str, ...]:
    named = rules.to.get(audience) or rules.to.get("desk") or channels
    return tuple(name for name in named if name in channels)
