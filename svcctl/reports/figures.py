"""The supervisor's figures for one period: numbers and keys only, no words.

Every figure is defined so that two careful people get the same number (README, "Reports"):

* a period is half-open ``[start, end)``; a report for it reads every ticket as of its end
  (``history.as_of``): only events strictly before the end, so the figures of a period that
  has ended never change. The one exception is the first-time fix rate, whose 14-day window
  may reach past the end; it is marked provisional until the window has passed.
* a running period (the current week or month) is read as of ``as_of`` instead.

The functions take an iterable of tickets, so a caller (the index) may feed only the
tickets that can count: those received before the end and still in play or reaching into
the period (see ``reach``).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Iterable

from ..core.calendar import OfficeCalendar
from ..core.policy import DISPLAY_ORDER, Policy
from ..core.ticket import Ticket
from ..core.units import canonical_unit
from .history import AsOf, Outcome, as_of
from .households import Households
from .periods import Period

CALLBACK_TYPES = ("repair", "complaint")  # the 100% callback target (rules §5)
AGE_BUCKETS = ((0, 1), (2, 3), (4, 7), (8, 30), (31, None))  # whole days since intake
SCORES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Settings:
    """Office settings of the reports (svcctl.yaml ``reports:`` and ``households:``)."""

    first_fix_window: timedelta = timedelta(days=14)
    recurring_window: timedelta = timedelta(days=90)
    trend_periods: int = 12


@dataclass(frozen=True)
class Basis:
    """What the figures need from the office."""

    policy: Policy
    calendar: OfficeCalendar
    departments: tuple[str, ...]
    staff: tuple[str, ...]
    households: Households  # svcctl.yaml's, else the units on file, at a moment
    settings: Settings = field(default_factory=Settings)
    # When the office's first ticket was received, for a caller that feeds only the tickets
    # that can count (see ``reach``); None: the earliest of the tickets given.
    first_received: datetime | None = None


@dataclass(frozen=True)
class Rate:
    n: int
    total: int

    @property
    def percent(self) -> Decimal | None:
        """Rounded to one decimal, half up; None when there is nothing to count."""
        if not self.total:
            return None
        return (Decimal(100 * self.n) / Decimal(self.total)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _rate(outcomes: Iterable[Outcome]) -> Rate:
    items = list(outcomes)
    return Rate(sum(1 for o in items if o.met), len(items))


# --------------------------------------------------------------------------- sections


@dataclass(frozen=True)
class OnTime:
    overall: Rate
    by_kind: tuple[tuple[str, Rate], ...]
    by_department: tuple[tuple[str | None, Rate], ...]  # None: the service centre (no work order)
    by_staff: tuple[tuple[str | None, Rate], ...]
    missed: tuple[Outcome, ...]


@dataclass(frozen=True)
class MissingCallback:
    view: object  # TicketView as of the end
    due: datetime
    made_at: datetime | None  # made late (before the end), or None: not made by the end


@dataclass(frozen=True)
class Callbacks:
    rate: Rate  # repairs and complaints, per ticket
    missing: tuple[MissingCallback, ...]
    paid: Rate  # paid services: shown beside the rate, not in it
    paid_missing: tuple[MissingCallback, ...]


@dataclass(frozen=True)
class Satisfaction:
    scores: tuple[tuple[int, int], ...]  # (score, callbacks)
    callbacks: int
    scored: int
    average: Decimal | None
    by_closer: tuple[tuple[str, int, Decimal | None], ...]  # (staff who closed, callbacks, average)
    unresolved: tuple[str, ...]  # ticket ids whose callback found the problem unresolved
    reopened: tuple[str, ...]  # ticket ids reopened in the period


@dataclass(frozen=True)
class FirstFix:
    rate: Rate
    provisional_until: datetime | None  # None: every window has passed
    reopened: tuple[str, ...]  # the repairs reopened within the window


@dataclass(frozen=True)
class Volume:
    received: int
    by_type: tuple[tuple[str, int], ...]
    by_grade: tuple[tuple[str, int], ...]
    by_category: tuple[tuple[str, int], ...]
    by_channel: tuple[tuple[str, int], ...]
    by_department: tuple[tuple[str | None, int], ...]
    by_staff: tuple[tuple[str | None, int], ...]
    cancelled: tuple[str, ...]  # ticket ids with a cancel event in the period
    finished: int  # close events in the period (temporary measures not counted)


@dataclass(frozen=True)
class OpenComplaint:
    view: object
    age_days: int
    reason: str  # paused, reopened, escalated, dispatched, replied, awaiting_reply
    detail: str | None  # the pause reason, the department, who it is escalated to
    overdue: tuple[str, ...]  # names of its deadlines past due at the end


@dataclass(frozen=True)
class Complaints:
    received: int
    valid: int  # received and not cancelled by the end
    by_grade: tuple[tuple[str, int], ...]
    by_category: tuple[tuple[str | None, int], ...]
    households: int
    per_100: Decimal | None  # valid complaints per 100 households
    open_at_end: tuple[OpenComplaint, ...]
    carried_over: int
    new: int
    finished: int
    cancelled: int


@dataclass(frozen=True)
class Recurrence:
    kind: str  # repair (same unit, same category) or complaint (same building)
    place: str  # the unit of a repair; the estate/building of a complaint (never its unit)
    category: str | None
    tickets: tuple[tuple[str, datetime], ...]  # (id, received_at), oldest first


@dataclass(frozen=True)
class Backlog:
    open: int
    by_age: tuple[tuple[tuple[int, int | None], int], ...]
    received: int
    finished: int
    callbacks_owed: tuple[tuple[object, datetime | None, str], ...]  # (view, due, state)

    @property
    def net(self) -> int:
        return self.received - self.finished


@dataclass(frozen=True)
class Headline:
    received: int
    on_time: Rate
    callbacks: Rate
    satisfaction: Decimal | None
    first_fix: Rate
    complaints: int
    complaints_per_100: Decimal | None
    backlog: int


@dataclass(frozen=True)
class Report:
    kind: str  # weekly, monthly, complaints
    period: Period
    as_of: datetime
    end: datetime  # the instant the figures are read at: the period end, or as_of while running
    settings: Settings
    on_time: OnTime
    callbacks: Callbacks
    satisfaction: Satisfaction
    first_fix: FirstFix
    volume: Volume
    complaints: Complaints
    recurring: tuple[Recurrence, ...]
    backlog: Backlog
    headline: Headline
    previous: Headline
    previous_period: Period
    trend: tuple[tuple[Period, Headline], ...]
    # households: was set in svcctl.yaml at the end (else the units on file were counted)
    households_set: bool = True

    @property
    def running(self) -> bool:
        return self.end < self.period.end


# --------------------------------------------------------------------------- reading


class Reader:
    """Tickets read as of any instant, each instant (and kind of ticket) once."""

    def __init__(self, tickets: Iterable[Ticket], basis: Basis):
        self.tickets = list(tickets)
        self.basis = basis
        self._at: dict[tuple, list[AsOf]] = {}

    def at(self, instant: datetime, types: tuple[str, ...] | None = None) -> list[AsOf]:
        """Every ticket received before ``instant`` as it stood then; only those of ``types``
        when given (reading a ticket costs more than anything done with it afterwards)."""
        key = (instant, types)
        if key not in self._at:
            if types is not None and (instant, None) in self._at:
                self._at[key] = [s for s in self._at[(instant, None)] if s.view.type in types]
                return self._at[key]
            b = self.basis
            found = (as_of(t, b.policy, b.calendar, instant) for t in self.tickets
                     if types is None or t.type in types)
            self._at[key] = sorted((s for s in found if s is not None), key=lambda s: s.view.id)
        return self._at[key]


def reach(ticket: Ticket, policy: Policy, calendar: OfficeCalendar) -> datetime:
    """The last instant at which a settled ticket can still count in a period: its last
    event, or the due time of a deadline it met early (a callback made the day before it
    was due counts in the period where it fell due). A ticket can count in a figure of
    ``[start, end)`` read at ``end`` or later (besides the recurring problems, which read
    only headers) when it was received before ``end`` and is still in play or reaches
    ``start``: what the report cache chooses tickets by (``ReportStore.counting``)."""
    last = ticket.events[-1].at if ticket.events else ticket.received_at
    seen = as_of(ticket, policy, calendar, last + timedelta(microseconds=1))
    dues = [o.due for o in seen.outcomes if o.due is not None] if seen is not None else []
    return max([last, *dues])


def span(period: Period, settings: Settings = Settings()) -> tuple[datetime, datetime]:
    """From the start of the oldest trend period to the end of ``period``: what a report reads."""
    return period.series(settings.trend_periods)[0].start, period.end


def _events_in(seen: Iterable[AsOf], kind: str, start: datetime, end: datetime):
    for s in seen:
        for e in s.view.events:
            if e.kind == kind and start <= e.at < end:
                yield s, e


def _closes_in(seen, start, end):
    return [(s, e) for s, e in _events_in(seen, "close", start, end) if not e.get("temporary")]


def _counted(keys, order=()) -> tuple:
    counts = Counter(keys)
    ordered = [k for k in order if k in counts] + sorted((k for k in counts if k not in order), key=str)
    return tuple((k, counts[k]) for k in ordered)


def _due_in(seen, start, end) -> list[Outcome]:
    return [o for s in seen for o in s.outcomes if start <= o.due < end]


# --------------------------------------------------------------------------- figures


def on_time(seen: list[AsOf], start: datetime, end: datetime, basis: Basis, types=None) -> OnTime:
    """Deadlines due in the period, one row per kind the policy defines (for ``types``)."""
    due = _due_in(seen, start, end)
    names = {name for key, rules in basis.policy.table.items()
             if types is None or key == "*" or key.split(".")[0] in types for name in rules}
    kinds = [n for n in DISPLAY_ORDER if n in names] + sorted(names - set(DISPLAY_ORDER))
    by_kind = tuple((k, _rate(o for o in due if o.deadline.name == k)) for k in kinds)
    departments = [None, *basis.departments]
    departments += sorted({o.department for o in due} - set(departments))
    by_department = tuple((d, _rate(o for o in due if o.department == d)) for d in departments)
    # Only who held deadlines in the period, in roster order: a member of staff added later
    # must not change an ended month's report.
    owners = {o.owner for o in due}
    staff = [s for s in basis.staff if s in owners] + sorted(owners - set(basis.staff), key=str)
    by_staff = tuple((s, _rate(o for o in due if o.owner == s)) for s in staff)
    missed = tuple(sorted((o for o in due if not o.met), key=lambda o: (o.due, o.view.id, o.deadline.name)))
    return OnTime(_rate(due), by_kind, by_department, by_staff, missed)


def _callback_rate(seen, start, end, types) -> tuple[Rate, tuple[MissingCallback, ...]]:
    total, missing = 0, []
    for s in seen:
        if s.view.type not in types:
            continue
        due = [o for o in s.outcomes if "callback" in o.deadline.until and start <= o.due < end]
        if not due:
            continue
        total += 1  # per ticket, never per attempt
        late = [o for o in due if not o.met]
        if late:
            first = late[0]
            missing.append(MissingCallback(s.view, first.due, first.deadline.stopped_at))
    missing.sort(key=lambda m: (m.due, m.view.id))
    return Rate(total - len(missing), total), tuple(missing)


def callbacks(seen: list[AsOf], start: datetime, end: datetime) -> Callbacks:
    rate, missing = _callback_rate(seen, start, end, CALLBACK_TYPES)
    paid, paid_missing = _callback_rate(seen, start, end, ("paid",))
    return Callbacks(rate, missing, paid, paid_missing)


def _average(scores: list[int]) -> Decimal | None:
    if not scores:
        return None
    return (Decimal(sum(scores)) / Decimal(len(scores))).quantize(Decimal("0.01"), ROUND_HALF_UP)


def satisfaction(seen: list[AsOf], start: datetime, end: datetime) -> Satisfaction:
    made = list(_events_in(seen, "callback", start, end))
    scores = [e.get("satisfaction") for _, e in made if e.get("satisfaction") is not None]
    closers: dict[str, list[int]] = {}
    for s, e in made:
        close = next((c for c in reversed(s.view.events) if c.kind == "close" and c.at <= e.at
                      and not c.get("temporary")), None)
        if close is not None and e.get("satisfaction") is not None:
            closers.setdefault(close.by, []).append(e.get("satisfaction"))
    by_closer = tuple((who, len(v), _average(v)) for who, v in sorted(closers.items()))
    unresolved = tuple(sorted({s.view.id for s, e in made if e.get("unresolved")}))
    reopened = tuple(sorted({s.view.id for s, _ in _events_in(seen, "reopen", start, end)}))
    return Satisfaction(
        tuple((score, scores.count(score)) for score in SCORES), len(made), len(scores), _average(scores),
        by_closer, unresolved, reopened)


def first_fix(tickets: list[Ticket], start: datetime, end: datetime, as_of_time: datetime,
              window: timedelta) -> FirstFix:
    """Repairs whose first close is in the period, fixed the first time when no reopen came
    within ``window`` of that close (looking past the period end, up to ``as_of_time``)."""
    total, fixed, reopened, until = 0, 0, [], None
    for t in tickets:
        if t.type != "repair":
            continue
        events = [e for e in t.events if e.at < as_of_time]
        first = next((e for e in events if e.kind == "close" and not e.get("temporary")), None)
        if first is None or not start <= first.at < end:
            continue
        total += 1
        closes_window = first.at + window
        if any(e.kind == "reopen" and first.at <= e.at <= closes_window for e in events):
            reopened.append(t.id)
        else:
            fixed += 1
        if as_of_time <= closes_window:
            until = max(until or closes_window, closes_window)
    return FirstFix(Rate(fixed, total), until, tuple(sorted(reopened)))


def volume(seen: list[AsOf], start: datetime, end: datetime, basis: Basis) -> Volume:
    new = [s.view for s in seen if start <= s.view.received_at < end]
    from ..core.model import CHANNELS, TYPES

    return Volume(
        received=len(new),
        by_type=_counted((v.type for v in new), TYPES),
        by_grade=_counted((v.grade for v in new if v.type == "complaint" and v.grade)),
        by_category=_counted((v.category or "other" for v in new if v.type == "repair"), ("safety", "leak", "other")),
        by_channel=_counted((v.channel for v in new), CHANNELS),
        by_department=_counted((v.state.department for v in new), (None, *basis.departments)),
        by_staff=_counted((v.first_responder for v in new), basis.staff),
        cancelled=tuple(sorted({s.view.id for s, _ in _events_in(seen, "cancel", start, end)})),
        finished=len(_closes_in(seen, start, end)),
    )


def _open_reason(view) -> tuple[str, str | None]:
    state = view.state
    if state.status == "paused":
        pause = next((e for e in reversed(view.events) if e.kind == "pause"), None)
        return "paused", pause.get("reason") if pause else None
    if state.last_reopen is not None:
        return "reopened", state.last_reopen.get("note")
    if state.escalated_to:
        return "escalated", state.escalated_to
    if state.department:
        return "dispatched", state.department
    if any(e.kind == "reply" for e in view.events):
        return "replied", None
    return "awaiting_reply", None


def complaints(seen: list[AsOf], seen_start: list[AsOf], start: datetime, end: datetime,
               households: int) -> Complaints:
    mine = [s for s in seen if s.view.type == "complaint"]
    new = [s.view for s in mine if start <= s.view.received_at < end]
    valid = [v for v in new if v.status != "cancelled"]
    per_100 = None
    if households:
        per_100 = (Decimal(100 * len(valid)) / Decimal(households)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    open_now = []
    for s in mine:
        v = s.view
        if v.is_open:
            reason, detail = _open_reason(v)
            age = int((end - v.received_at).total_seconds() // 86400)
            open_now.append(OpenComplaint(v, age, reason, detail, tuple(d.name for d in v.overdue)))
    open_now.sort(key=lambda o: (-o.age_days, o.view.id))
    from ..core.model import ALL_GRADES

    return Complaints(
        received=len(new), valid=len(valid),
        by_grade=_counted((v.grade for v in new if v.grade), ALL_GRADES),
        by_category=_counted((v.category for v in new)),
        households=households, per_100=per_100, open_at_end=tuple(open_now),
        carried_over=sum(1 for s in seen_start if s.view.type == "complaint" and s.view.is_open),
        new=len(new),
        finished=sum(1 for s, _ in _closes_in(mine, start, end)),
        cancelled=sum(1 for _ in _events_in(mine, "cancel", start, end)),
    )


def building(unit: str | None) -> str | None:
    """``翠苑/3-2-1502`` → ``翠苑/3``: where a complaint came from, never who made it."""
    if not unit:
        return None
    estate, _, flat = canonical_unit(unit).rpartition("/")
    number = flat.split("-")[0]
    return f"{estate}/{number}" if estate else number


@dataclass(frozen=True)
class Filed:
    """What the recurring problems read of a ticket: its header and whether it stood
    cancelled at the end (a view has all of it; so does a row of the index)."""

    id: str
    type: str
    unit: str | None
    category: str | None
    received_at: datetime
    status: str


def recurring(views: Iterable, start: datetime, end: datetime, window: timedelta) -> tuple[Recurrence, ...]:
    """Repairs of one category at one unit, complaints (of one category, where recorded) in
    one building: a ticket received in the period with another of the same kind received
    within ``window`` before it. Cancelled tickets (duplicates) do not count. ``views`` are
    the tickets as they stood at ``end`` (views or ``Filed``); only those received within
    ``window`` before the start can matter."""
    groups: dict[tuple, list] = {}
    for v in views:
        if v.status == "cancelled":
            continue
        if v.type == "repair" and v.unit:
            key = ("repair", v.unit, v.category or "other")
        elif v.type == "complaint" and v.unit:
            key = ("complaint", building(v.unit), v.category)
        else:
            continue
        groups.setdefault(key, []).append(v)
    out = []
    for key, members in groups.items():
        members.sort(key=lambda v: (v.received_at, v.id))
        chain = set()
        for i, later in enumerate(members):
            if not start <= later.received_at < end:
                continue
            earlier = [v for v in members[:i] if later.received_at - v.received_at <= window]
            if earlier:
                chain.update([later.id, *(v.id for v in earlier)])
        if chain:
            tickets = tuple((v.id, v.received_at) for v in members if v.id in chain)
            out.append(Recurrence(key[0], key[1], key[2], tickets))
    out.sort(key=lambda r: (r.kind != "repair", r.tickets[0][1], r.place))
    return tuple(out)


def backlog(seen: list[AsOf], start: datetime, end: datetime) -> Backlog:
    open_views = [s.view for s in seen if s.view.is_open]
    ages = [int((end - v.received_at).total_seconds() // 86400) for v in open_views]
    by_age = tuple((b, sum(1 for a in ages if b[0] <= a and (b[1] is None or a <= b[1]))) for b in AGE_BUCKETS)
    owed = []
    for s in seen:
        if s.view.awaiting_callback:
            d = next((d for d in s.view.open_deadlines if "callback" in d.until), None)
            owed.append((s.view, d.due if d else None, d.state if d else "pending"))
    owed.sort(key=lambda row: (row[1] is None, row[1] or end, row[0].id))
    received = sum(1 for s in seen if start <= s.view.received_at < end)
    return Backlog(len(open_views), by_age, received, len(_closes_in(seen, start, end)), tuple(owed))


# --------------------------------------------------------------------------- the report


def _since_first(series: list[Period], tickets: list[Ticket], first: datetime | None) -> list[Period]:
    """The trend leaves out periods that ended before the office's first ticket: they are
    not zero, there is simply nothing on file. The previous period is always kept."""
    first = first or min((t.received_at for t in tickets), default=None)
    kept = [p for p in series if first is not None and p.end > first]
    return series[-2:] if len(kept) < 2 else kept


def _scope(seen: list[AsOf], kind: str) -> list[AsOf]:
    return [s for s in seen if s.view.type == "complaint"] if kind == "complaints" else seen


def headline(reader: Reader, period: Period, end: datetime, as_of_time: datetime, kind: str) -> Headline:
    b = reader.basis
    seen = _scope(reader.at(end), kind)
    valid, per_100 = _valid_complaints(reader.at(end, ("complaint",)), period.start, end, b.households.at(end))
    rate, _ = _callback_rate(seen, period.start, end, CALLBACK_TYPES)
    return Headline(
        received=sum(1 for s in seen if period.contains(s.view.received_at) and s.view.received_at < end),
        on_time=_rate(_due_in(seen, period.start, end)),
        callbacks=rate,
        satisfaction=satisfaction(seen, period.start, end).average,
        first_fix=first_fix(reader.tickets, period.start, end, as_of_time, b.settings.first_fix_window).rate,
        complaints=valid,
        complaints_per_100=per_100,
        backlog=sum(1 for s in seen if s.view.is_open),
    )


def _valid_complaints(seen: list[AsOf], start: datetime, end: datetime, households: int) -> tuple[int, Decimal | None]:
    """``Complaints.valid`` and ``per_100`` without the complaints open at the start."""
    done = complaints(seen, [], start, end, households)
    return done.valid, done.per_100


def settled(period: Period, as_of_time: datetime, settings: Settings) -> bool:
    """Whether a trend period's headline can no longer change as time goes on: the period
    has ended and so has every first-time-fix window of a repair closed in it."""
    return period.end + settings.first_fix_window < as_of_time


def trend_headline(tickets: Iterable[Ticket], basis: Basis, period: Period, as_of_time: datetime,
                   kind: str) -> Headline:
    """The headline of a trend period that ended before the report's period began, from the
    tickets that can count in it (see ``reach``)."""
    return headline(Reader(tickets, basis), period, period.end, as_of_time, kind)


def report(kind: str, tickets: Iterable[Ticket], basis: Basis, period: Period, as_of_time: datetime, *,
           past: Callable[[Period], Headline] | None = None, filed: Iterable | None = None) -> Report:
    """Every figure of a weekly, monthly or complaints report of ``period``, read at
    ``as_of_time`` (the figures of an ended period depend on it only while the first-time
    fix rate is provisional).

    A caller that feeds only the tickets that can count in ``period`` (see ``reach``) gives
    ``past``, the headline of each earlier trend period, and ``filed``: the repairs and
    complaints that ``tickets`` leaves out, received within the recurrence window before
    the start, as they stood at the end (``Filed``)."""
    end = min(period.end, as_of_time)
    reader = Reader(tickets, basis)
    everything = reader.at(end)
    seen = _scope(everything, kind)
    start = period.start
    series = _since_first(period.series(basis.settings.trend_periods), reader.tickets, basis.first_received)
    trend = tuple((p, past(p) if past is not None and p is not period
                   else headline(reader, p, min(p.end, end), as_of_time, kind)) for p in series)
    previous = period.previous()
    return Report(
        kind=kind, period=period, as_of=as_of_time, end=end, settings=basis.settings,
        on_time=on_time(seen, start, end, basis, ("complaint",) if kind == "complaints" else None),
        callbacks=callbacks(seen, start, end),
        satisfaction=satisfaction(seen, start, end),
        first_fix=first_fix(reader.tickets, start, end, as_of_time, basis.settings.first_fix_window),
        volume=volume(seen, start, end, basis),
        complaints=complaints(everything, reader.at(start, ("complaint",)), start, end, basis.households.at(end)),
        recurring=tuple(r for r in recurring([*(s.view for s in everything), *(filed or ())], start, end,
                                             basis.settings.recurring_window)
                        if kind != "complaints" or r.kind == "complaint"),
        backlog=backlog(seen, start, end),
        headline=trend[-1][1],
        previous=trend[-2][1] if len(trend) > 1 else headline(reader, previous, previous.end, as_of_time, kind),
        previous_period=previous,
        trend=trend,
        households_set=basis.households.setting(end) is not None,
    )
