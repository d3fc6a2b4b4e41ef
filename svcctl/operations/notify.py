"""Alerts to the office's work groups and mail: the channels of this PC, and ``notify run``,
which cron calls every few minutes.

A run reads the deadlines as ``overdue`` does, asks core.alerts which alerts are due and
where they go, queues in the outbox those it has not queued before, and sends what each
channel has waiting, within the robot's pace: more than a few at once become one message.
The messages are worded by the ``wording`` the caller gives (present.alert_text): words
are present/'s, and an operation does not import them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core import alerts
from ..core.errors import NotFound, Refusal, UsageError
from ..core.message import msg
from ..store import channels as channel_store
from .env import Env

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# More waiting than this for one channel goes as one message: a group reads one list better
# than a burst of notifications.
FLOOD = 3
HANDOVER_NEWS = 12 * 3600  # a handover recorded longer ago than this is not news any more


@dataclass
class RunReport:
    sent: list = field(default_factory=list)        # (channel, title, said)
    failed: list = field(default_factory=list)      # (channel, title, said)
    planned: list = field(default_factory=list)     # (channel, title, markdown) with --dry-run
    held: int = 0                                   # kept for the end of quiet hours
    paced: list = field(default_factory=list)       # channels whose robot's pace is used up for now
    note: str | None = None                         # why nothing was sent at all

    @property
    def ok(self) -> bool:
        return not self.failed


# --------------------------------------------------------------------------- channels

def _senior(env: Env) -> None:
    actor = env.actor()
    if not actor.senior:
        from ..core.roles import senior_names

        raise Refusal(msg("the office's alert channels are set by a supervisor or director: ask {seniors}",
                          seniors=senior_names(env.office.roster)))


def add(env: Env, name: str, kind: str, url: str, secret: str | None, to: tuple[str, ...]) -> str:
    from .. import send

    _senior(env)
    if not NAME.match(name or ""):
        raise UsageError(msg("channel name {name!r} must be lower-case letters, digits, - and _ (e.g. desk)",
                             name=name))
    send.check_url(kind, url)
    if kind == "mail":
        if not to:
            raise UsageError(msg("a mail channel needs --to ADDRESS (one or more)"))
        for address in to:
            if not _ADDRESS.match(address):
                raise UsageError(msg("{address!r} is not a mail address", address=address))
    elif to:
        raise UsageError(msg("--to is for mail channels: a group robot sends to its own group"))
    gdir = env.records.gdir
    known = channel_store.load(gdir)
    replaced = name in known
    known[name] = channel_store.Channel(name, kind, url, secret or None, tuple(to))
    channel_store.save(gdir, known)
    if replaced:
        return msg("channel {name} replaced ({kind}, {url}); kept on this PC only", name=name, kind=kind,
                   url=send.masked(url))
    return msg("channel {name} added ({kind}, {url}); kept on this PC only", name=name, kind=kind,
               url=send.masked(url))


def remove(env: Env, name: str) -> str:
    _senior(env)
    gdir = env.records.gdir
    known = channel_store.load(gdir)
    _channel(known, name)
    del known[name]
    channel_store.save(gdir, known)
    return msg("channel {name} removed", name=name)


def _channel(known: dict, name: str):
    if name not in known:
        raise NotFound(msg("no channel {name!r} on this PC (see 'svcctl notify list')", name=name))
    return known[name]


def listing(env: Env) -> list[dict]:
    from .. import send

    rules = alerts.rules(env.office.config)
    names = tuple(channel_store.load(env.records.gdir))
    rows = []
    for c in channel_store.load(env.records.gdir).values():
        audiences = [a for a in alerts.AUDIENCES if c.name in alerts.audience_channels(a, rules, names)]
        rows.append({"name": c.name, "kind": c.kind, "url": send.masked(c.url), "secret": bool(c.secret),
                     "to": len(c.to), "audiences": audiences})
    return rows


def test(env: Env, name: str, wording):
    """Send one test message on ``name``, worded by ``wording``; the platform's answer."""
    from .. import send

    channel = _channel(channel_store.load(env.records.gdir), name)
    office = env.office
    title, body = wording.test_message(office.name, name, env.now, office.tz, office.language)
    return send.send(channel.kind, channel.url, channel.secret, channel.to, send.Outgoing(title, body))


def status(env: Env) -> list[dict]:
    from ..store.outbox import open_outbox

    from datetime import datetime

    from ..core.timeutil import short

    tz = env.office.tz

    def when(stamp):
        return short(datetime.fromtimestamp(stamp, tz), tz) if stamp else ""

    with open_outbox(env.records) as outbox:
        return [{**row, "last_sent": when(row["last_sent"]), "next_try": when(row["next_try"]),
                 "said": row["said"] or ""} for row in outbox.status()]


# --------------------------------------------------------------------------- the run

def run(env: Env, wording, dry_run: bool = False) -> RunReport:
    """Queue the alerts due now and send what every channel has waiting; ``wording`` makes
    each message (present.alert_text: ``render``, ``combined``, ``more``)."""
    from ..store.outbox import open_outbox

    report = RunReport()
    office = env.office
    rules = alerts.rules(office.config)
    known = channel_store.load(env.records.gdir)
    if not known:
        report.note = msg("no alert channels on this PC: a supervisor adds one with 'svcctl notify add'")
        return report
    station = env.records.configured_station()
    if rules.station and station != rules.station and not dry_run:
        # Another PC of the office may hold the same channels: only the one named sends.
        report.note = msg("this PC (station {station}) does not send: svcctl.yaml names station {sender} in "
                          "alerts: station", station=station or "?", sender=rules.station)
        return report
    now = env.now
    moment = now.timestamp()
    due = _due_alerts(env, rules, now)
    ready, held = alerts.sendable(due, rules, now)
    report.held = len(held)
    with open_outbox(env.records) as outbox:
        rows = _new_rows(env, wording, outbox, ready, rules, tuple(known), now)
        if dry_run:
            for row in rows:
                report.planned.append((row.channel, row.title, row.body))
            for name in known:
                for row in outbox.waiting(name, moment):
                    report.planned.append((row.channel, row.title, row.body))
            return report
        if rows:
            outbox.queue(rows, moment)
        for channel in known.values():
            _deliver(wording, outbox, channel, moment, office.language, report)
        outbox.forget_sends_before(moment - 3600)
    return report


def _due_alerts(env: Env, rules: alerts.Rules, now) -> list[alerts.Alert]:
    """Every alert the moment calls for; the outbox drops those already queued."""
    from .reading import callbacks, overdue

    found = alerts.deadline_alerts(overdue(env, None, rules.warn_before))
    if alerts.daily_due(rules, now):
        from ..store.outbox import open_outbox

        with open_outbox(env.records) as outbox:
            done = {key[0] for key in outbox.known(["digest"]) if key[1] == now.date().isoformat()}
        if not done:  # once a day: read today's open work only when the digest is still to go
            today = overdue(env, None, "same day")
            if today:
                found.append(alerts.digest_alert(today, now))
            found.extend(alerts.callback_alerts(callbacks(env, None, due_only=True), now))
    handover = _recent_handover(env, now)
    if handover is not None:
        found.append(handover)
    return found


def _recent_handover(env: Env, now):
    from ..core.timeutil import from_iso
    from .handover import last_recorded

    last = last_recorded(env, now)
    if last is None or (now - from_iso(last["at"])).total_seconds() > HANDOVER_NEWS:
        return None
    return alerts.Alert("handover", f"handover:{last['path']}", str(last["at"]), False,
                        staff=last.get("to"))


def _new_rows(env: Env, wording, outbox, ready, rules, channel_names, now) -> list:
    """Outbox rows for the alerts not queued before, each rendered once."""
    from ..store.outbox import Row

    office = env.office
    queued = outbox.known([a.ticket for a in ready])
    mentions = {s["id"]: s.get("mention") for s in office.config.get("staff") or ()}
    rows = []
    for alert in ready:
        targets = [c for c in alerts.channels_for(alert, rules, channel_names) if (*alert.key, c) not in queued]
        if not targets:
            continue
        title, body = wording.render(alert, office.name, office.roster, office.tz, now, office.language,
                                     env.records.root)
        who = mentions.get(alert.staff) if alert.staff else None
        for name in targets:
            rows.append(Row(*alert.key, name, title, body, (who,) if who else (), alert.urgent))
    return rows


def _deliver(wording, outbox, channel, moment: float, lang: str, report: RunReport) -> None:
    from .. import send
    from ..store.txn import _crash_point

    waiting = outbox.waiting(channel.name, moment)
    if not waiting:
        return
    count, per = send.RATE[channel.kind]
    room = count - outbox.sends_since(channel.name, moment - per)
    if room <= 0:
        report.paced.append(channel.name)
        return
    batches = [[row] for row in waiting] if len(waiting) <= min(room, FLOOD) else [waiting]
    for batch in batches:
        if len(batch) == 1:
            message = send.Outgoing(batch[0].title, batch[0].body, batch[0].mentions)
        else:
            title, body = wording.combined([r.body for r in batch], lang)
            mentions = tuple(dict.fromkeys(m for r in batch for m in r.mentions))
            message = send.Outgoing(title, body, mentions)
        message = send.cut(channel.kind, message, lambda n: wording.more(n, lang))
        outbox.sending(batch, moment)
        _crash_point("notify-sending")
        try:
            answer = send.send(channel.kind, channel.url, channel.secret, channel.to, message)
        except UsageError as exc:  # the channel's own address cannot be used: nothing to retry
            answer = send.Answer(False, None, True, str(exc))
        _crash_point("notify-sent")
        outbox.answered(batch, answer.sent, answer.permanent, answer.retry_after, answer.said, moment)
        if answer.sent:
            report.sent.append((channel.name, message.title, answer.said))
        else:
            report.failed.append((channel.name, message.title, answer.said))
            return  # the robot refused: the rest wait for the next run
