"""A report's figures as a document: titled sections of tables, in the reader's language.

Every output format reads this one document (text, Markdown, HTML), so a figure is worded
the same way in all of them. The order is the order a director reads in: the summary
against targets and the previous period, the trend, the exception lists, then the tables,
then the definitions (名词解释). Complainants are never named: a complaint shows no unit
and no customer (rules §7), only its building where recurring problems are listed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from ..reports.figures import Headline, Rate, Report
from . import labels, privacy

TARGET_CALLBACKS = "100%"  # rules §5: callback rate 100% for repairs and complaints
TARGET_COMPLAINTS = "< 1"  # rules §9: valid complaints below 1% of households
UP, DOWN, SAME = "▲", "▼", "="


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    title: str | None = None
    empty: str | None = None  # said instead of an empty table
    numeric: tuple[int, ...] = ()  # columns aligned right


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Bar:
    label: str
    value: float
    text: str


@dataclass
class Tile:
    """One headline figure of the summary page."""

    name: str
    value: str
    target: str
    previous: str
    change: str


@dataclass
class Document:
    kind: str
    title: str
    period: str
    status: list[str]  # running, provisional: said under the title
    summary: Table
    tiles: list[Tile]
    sections: list[Section]
    definitions: list[tuple[str, str]]
    glossary: str  # the title of the definitions block (名词解释)
    trend: list[tuple[str, Decimal | None, Decimal | None, int]]  # (period, on-time %, callback %, received)
    bars: dict[str, list[Bar]]  # charts of the HTML summary page


class Words:
    """The small formatting helpers, bound to one language and one office."""

    def __init__(self, _, tz, roster):
        self._, self.tz, self.roster = _, tz, roster

    def time(self, when: datetime | None) -> str:
        return when.astimezone(self.tz).strftime("%Y-%m-%d %H:%M") if when else "—"

    def day(self, when: datetime | None) -> str:
        return when.astimezone(self.tz).strftime("%Y-%m-%d") if when else "—"

    def rate(self, r: Rate) -> str:
        return labels.rate(self._, r.n, r.total, r.percent)

    def target(self, text: str) -> str:
        return self._("[target {target}]").format(target=text)

    def staff(self, staff_id) -> str:
        return labels.staff(self.roster, staff_id)

    def change_rate(self, now: Rate, before: Rate) -> str:
        if now.percent is None or before.percent is None:
            return "—"
        return self._change(now.percent - before.percent, self._("{arrow} {value} pp"))

    def change_number(self, now, before) -> str:
        if now is None or before is None:
            return "—"
        return self._change(now - before, "{arrow} {value}")

    def _change(self, diff, form: str) -> str:
        if diff == 0:
            return SAME
        return form.format(arrow=UP if diff > 0 else DOWN, value=abs(diff))


def _number(value) -> str:
    return "—" if value is None else str(value)


def build(report: Report, _, tz, roster: dict, office_name: str, on_file: dict | None = None) -> Document:
    """``on_file``: customer id → their name and numbers (``privacy.known_of``), hidden in
    the free text the page quotes."""
    w = Words(_, tz, roster)
    title = {"weekly": _("Weekly report"), "monthly": _("Monthly report"),
             "complaints": _("Complaint statistics")}[report.kind]
    period = report.period
    span = _("{start} to {end}").format(start=period.start.strftime("%Y-%m-%d"), end=period.last_day.isoformat())
    status = []
    if report.running:
        status.append(_("Running period: figures so far, as of {time}.").format(time=w.time(report.end)))
    if report.first_fix.provisional_until is not None and report.kind != "complaints":
        status.append(_("The first-time fix rate is provisional until {time}.").format(
            time=w.time(report.first_fix.provisional_until)))
    if not report.households_set:
        status.append(_("Complaints per 100 households counts the {count} units on the customer files: set "
                        "households: in svcctl.yaml to the number of households the office serves.").format(
                            count=report.complaints.households))
    summary, tiles = _summary(report, w)
    sections = [_trend(report, w), _exceptions(report, w, on_file), _on_time(report, w), _callbacks(report, w)]
    if report.kind != "complaints":
        sections += [_first_fix(report, w), _volume(report, w)]
    sections += [_complaints(report, w), _backlog(report, w)]
    return Document(
        kind=report.kind,
        title=f"{office_name} · {title}",
        period=f"{period.key} ({span})",
        status=status,
        summary=summary,
        tiles=tiles,
        sections=sections,
        definitions=definitions(report, _),
        glossary=_("Definitions"),
        trend=[(p.key, h.on_time.percent, h.callbacks.percent, h.received) for p, h in report.trend],
        bars=_bars(report, w),
    )


# ----------------------------------------------------------------------------- summary


def _summary(report: Report, w: Words) -> tuple[Table, list[Tile]]:
    _ = w._
    now, before = report.headline, report.previous
    provisional = f" ({_('provisional')})" if report.first_fix.provisional_until is not None else ""
    rows: list[list[str]] = []
    tiles: list[Tile] = []

    def add(name, value_now, value_before, change, target=""):
        rows.append([name, f"{value_now} {target}".strip(), value_before, change])
        tiles.append(Tile(name, value_now, target, value_before, change))

    complaints = report.kind == "complaints"
    add(_("Complaints received") if complaints else _("Requests received"), str(now.received),
        str(before.received), w.change_number(now.received, before.received))
    add(_("On-time rate"), w.rate(now.on_time), w.rate(before.on_time), w.change_rate(now.on_time, before.on_time))
    add(_("Callback rate"), w.rate(now.callbacks), w.rate(before.callbacks),
        w.change_rate(now.callbacks, before.callbacks), w.target(TARGET_CALLBACKS))
    add(_("Satisfaction (average of 5)"), _number(now.satisfaction), _number(before.satisfaction),
        w.change_number(now.satisfaction, before.satisfaction))
    if not complaints:
        add(_("First-time fix rate"), w.rate(now.first_fix), w.rate(before.first_fix),
            w.change_rate(now.first_fix, before.first_fix), provisional.strip())
        add(_("Valid complaints"), str(now.complaints), str(before.complaints),
            w.change_number(now.complaints, before.complaints))
    add(_("Complaints per 100 households"), _number(now.complaints_per_100), _number(before.complaints_per_100),
        w.change_number(now.complaints_per_100, before.complaints_per_100), w.target(TARGET_COMPLAINTS))
    add(_("Open complaints at period end") if complaints else _("Backlog at period end"), str(now.backlog),
        str(before.backlog), w.change_number(now.backlog, before.backlog))
    return Table([_("Figure"), _("This period"), _("Previous ({period})").format(period=report.previous_period.key),
                  _("Change")], rows, title=_("Summary")), tiles


def _trend(report: Report, w: Words) -> Section:
    _ = w._
    rows = [[p.key, str(h.received), w.rate(h.on_time), w.rate(h.callbacks),
             str(h.complaints), _number(h.satisfaction)] for p, h in report.trend]
    first = _("Complaints received") if report.kind == "complaints" else _("Requests received")
    table = Table([_("Period"), first, _("On-time rate"), _("Callback rate"), _("Valid complaints"),
                   _("Satisfaction")], rows, numeric=(1, 4, 5))
    return Section("trend", _("Trend over {count} periods").format(count=len(rows)), [table])


# -------------------------------------------------------------------------- exceptions


def _exceptions(report: Report, w: Words, on_file: dict | None) -> Section:
    _ = w._
    missing = Table(
        [_("Ticket"), _("Type"), _("Callback due"), _("Made")],
        [[m.view.id, labels.ticket_type(_, m.view.type), w.time(m.due),
          w.time(m.made_at) if m.made_at else _("not made")] for m in report.callbacks.missing],
        title=_("Missing callbacks (not made by their due time)"), empty=_("None."))
    missed = Table(
        [_("Ticket"), _("Type"), _("Deadline"), _("Due"), _("Done"), _("Owner"), _("Department")],
        [[o.view.id + (f" ({labels.status(_, 'cancelled')})" if o.view.status == "cancelled" else ""),
          labels.ticket_type(_, o.view.type), labels.deadline(_, o.deadline.name), w.time(o.due),
          w.time(o.deadline.stopped_at) if o.deadline.stopped_at else _("not done"),
          w.staff(o.owner), labels.department(_, o.department)] for o in report.on_time.missed],
        title=_("Missed deadlines"), empty=_("None."))
    recurring = Table(
        [_("Kind"), _("Where"), _("Category"), _("Tickets")],
        [[labels.ticket_type(_, r.kind), _place(r, _), labels.category(_, r.category),
          ", ".join(f"{tid} ({w.day(at)})" for tid, at in r.tickets)] for r in report.recurring],
        title=_("Recurring problems (twice or more within {days} days)").format(
            days=report.settings.recurring_window.days), empty=_("None."))
    open_complaints = Table(
        [_("Ticket"), _("Grade"), _("Complainant"), _("Received"), _("Age (days)"), _("Why open"), _("Overdue")],
        [[o.view.id, labels.grade(_, o.view.grade), _("anonymous owner"), w.time(o.view.received_at),
          str(o.age_days), _reason(o, w, on_file), ", ".join(labels.deadline(_, d) for d in o.overdue) or "—"]
         for o in report.complaints.open_at_end],
        title=_("Open complaints at period end"), empty=_("None."), numeric=(4,))
    return Section("exceptions", _("Exceptions"), [missing, missed, recurring, open_complaints])


def _place(r, _) -> str:
    if r.kind == "repair":
        return r.place
    estate, _sep, number = r.place.rpartition("/")
    return _("{estate} building {number}").format(estate=estate, number=number).strip()


def _reason(o, w: Words, on_file: dict | None) -> str:
    _ = w._
    words = {
        "paused": _("paused: {detail}"), "reopened": _("reopened: {detail}"),
        "escalated": _("escalated to {detail}"), "dispatched": _("with {detail}"),
        "replied": _("replied, being handled"), "awaiting_reply": _("awaiting the first reply"),
    }
    if o.reason == "escalated":
        detail = w.staff(o.detail)
    else:
        detail = privacy.text(o.detail, privacy.known_in(on_file, o.view)) or "—"
    return words[o.reason].format(detail=detail)


# ------------------------------------------------------------------------------ tables


def _on_time(report: Report, w: Words) -> Section:
    _ = w._
    t = report.on_time
    head = [_("On-time"), _("Missed")]
    by_kind = Table([_("Deadline"), *head],
                    [[labels.deadline(_, k), w.rate(r), str(r.total - r.n)] for k, r in t.by_kind]
                    + [[_("All deadlines"), w.rate(t.overall), str(t.overall.total - t.overall.n)]],
                    title=_("By deadline"), numeric=(2,))
    by_department = Table([_("Department"), *head],
                          [[labels.department(_, d), w.rate(r), str(r.total - r.n)] for d, r in t.by_department],
                          title=_("By department"), numeric=(2,))
    by_staff = Table([_("Owner"), *head],
                     [[w.staff(s), w.rate(r), str(r.total - r.n)] for s, r in t.by_staff],
                     title=_("By staff member (owner at the due time)"), numeric=(2,))
    return Section("on_time", _("On-time rate"), [by_kind, by_department, by_staff])


def _callbacks(report: Report, w: Words) -> Section:
    _ = w._
    c, s = report.callbacks, report.satisfaction
    notes = [
        _("Callback rate (repairs and complaints): {rate} {target}").format(
            rate=w.rate(c.rate), target=w.target(TARGET_CALLBACKS)),
        _("Paid services, not in the rate: {rate}").format(rate=w.rate(c.paid))
        + (f" ({', '.join(m.view.id for m in c.paid_missing)})" if c.paid_missing else ""),
        _("Callbacks made: {count}, scored: {scored}, average {average}").format(
            count=s.callbacks, scored=s.scored, average=_number(s.average)),
        _("Unresolved at the callback: {ids}").format(ids=", ".join(s.unresolved) or "—"),
        _("Reopened in the period: {ids}").format(ids=", ".join(s.reopened) or "—"),
    ]
    scores = Table([_("Score"), _("Callbacks")], [[str(k), str(v)] for k, v in reversed(s.scores)],
                   title=_("Satisfaction scores"), numeric=(1,))
    closers = Table([_("Closed by"), _("Callbacks"), _("Average")],
                    [[w.staff(who), str(n), _number(avg)] for who, n, avg in s.by_closer],
                    title=_("Satisfaction by staff member who closed the ticket"), empty=_("None."), numeric=(1, 2))
    return Section("callbacks", _("Callbacks and satisfaction"), [scores, closers], notes)


def _first_fix(report: Report, w: Words) -> Section:
    _ = w._
    f = report.first_fix
    notes = [_("First-time fix rate (repairs): {rate}").format(rate=w.rate(f.rate))]
    if f.provisional_until is not None:
        notes.append(_("Provisional until {time}: a repair may still be reopened within {days} days.").format(
            time=w.time(f.provisional_until), days=report.settings.first_fix_window.days))
    notes.append(_("Reopened within {days} days: {ids}").format(
        days=report.settings.first_fix_window.days, ids=", ".join(f.reopened) or "—"))
    return Section("first_fix", _("First-time fix rate"), [], notes)


def _counts(_, title: str, column: str, rows: list[tuple[str, int]]) -> Table:
    return Table([column, _("Count")], [[k, str(v)] for k, v in rows], title=title, numeric=(1,))


def _volume(report: Report, w: Words) -> Section:
    _ = w._
    v = report.volume
    tables = [
        _counts(_, _("By type"), _("Type"), [(labels.ticket_type(_, k), n) for k, n in v.by_type]),
        _counts(_, _("Complaints by grade"), _("Grade"), [(labels.grade(_, k), n) for k, n in v.by_grade]),
        _counts(_, _("Repairs by category"), _("Category"), [(labels.category(_, k), n) for k, n in v.by_category]),
        _counts(_, _("By channel"), _("Channel"), [(labels.channel(_, k), n) for k, n in v.by_channel]),
        _counts(_, _("By department"), _("Department"), [(labels.department(_, k), n) for k, n in v.by_department]),
        _counts(_, _("By staff member who took it in"), _("Staff"), [(w.staff(k), n) for k, n in v.by_staff]),
    ]
    notes = [
        _("Received: {count}").format(count=v.received),
        _("Finished (closed): {count}").format(count=v.finished),
        _("Cancelled: {count} {ids}").format(count=len(v.cancelled), ids=f"({', '.join(v.cancelled)})" if v.cancelled else ""),
    ]
    return Section("volume", _("Volume"), tables, notes)


def _complaints(report: Report, w: Words) -> Section:
    _ = w._
    c = report.complaints
    notes = [
        _("Complaints received: {received}, valid (not cancelled): {valid}").format(received=c.received, valid=c.valid),
        _("Complaints per 100 households: {rate} {target} ({households} households)").format(
            rate=_number(c.per_100), target=w.target(TARGET_COMPLAINTS), households=c.households),
    ]
    load = Table([_("Carried over"), _("New"), _("Finished"), _("Cancelled"), _("Open at period end")],
                 [[str(c.carried_over), str(c.new), str(c.finished), str(c.cancelled), str(len(c.open_at_end))]],
                 title=_("Follow-up load"), numeric=(0, 1, 2, 3, 4))
    tables = [
        _counts(_, _("By grade"), _("Grade"), [(labels.grade(_, k), n) for k, n in c.by_grade]),
        _counts(_, _("By category"), _("Category"), [(labels.category(_, k), n) for k, n in c.by_category]),
        load,
    ]
    return Section("complaints", _("Complaints"), tables, notes)


def bucket(_, span) -> str:
    """An age bucket's name: ``0–1 days``, ``over 30 days``."""
    low, high = span
    return _("over {days} days").format(days=low - 1) if high is None else _("{low}–{high} days").format(
        low=low, high=high)


def _backlog(report: Report, w: Words) -> Section:
    _ = w._
    b = report.backlog
    ages = Table([_("Age"), _("Open tickets")], [[bucket(_, k), str(n)] for k, n in b.by_age]
                 + [[_("Total"), str(b.open)]], title=_("Open at period end, by age"), numeric=(1,))
    owed = Table([_("Ticket"), _("Type"), _("Callback due"), _("State")],
                 [[v.id, labels.ticket_type(_, v.type), w.time(due), labels.state(_, state)] for v, due, state in b.callbacks_owed],
                 title=_("Callbacks still owed at period end"), empty=_("None."))
    notes = [_("Received {received} − finished {finished} = {net}").format(
        received=b.received, finished=b.finished, net=f"{b.net:+d}")]
    return Section("backlog", _("Backlog"), [ages, owed], notes)


def _bars(report: Report, w: Words) -> dict[str, list[Bar]]:
    _ = w._
    kinds = [Bar(labels.deadline(_, k), float(r.percent), w.rate(r)) for k, r in report.on_time.by_kind
             if r.percent is not None]
    ages = [Bar(bucket(_, k), float(n), str(n)) for k, n in report.backlog.by_age]
    return {"on_time": kinds, "age": ages}


# -------------------------------------------------------------------------- definitions


def definitions(report: Report, _) -> list[tuple[str, str]]:
    s = report.settings
    out = [
        (_("Period"), _("Half-open [start, end) in office time; a week runs Monday 00:00 to the next Monday 00:00. "
                        "Figures read each ticket as of the period end: only events before it count, so the "
                        "figures of an ended period never change.")),
        (_("On-time rate"), _("Deadlines due in the period that were met ÷ deadlines due in the period. Met: the "
                              "stopping event came at or before the due time. A deadline of a ticket cancelled "
                              "before it fell due is left out; one missed and then cancelled stays missed. "
                              "Counted for the owner and the department at the due time.")),
        (_("Callback rate"), _("Repairs and complaints whose callback fell due in the period and was made by its "
                               "due time ÷ those whose callback fell due; per ticket, never per attempt. Target "
                               "100%. Paid services are shown beside it, not in it.")),
        (_("Satisfaction"), _("Scores (1–5) of the callbacks made in the period: their distribution and average, "
                              "and per staff member who closed the ticket.")),
    ]
    if report.kind != "complaints":
        out.append((_("First-time fix rate"), _(
            "Repairs first closed in the period and not reopened within {days} days of that close ÷ repairs first "
            "closed in the period; provisional until the last window has passed.").format(days=s.first_fix_window.days)))
        out.append((_("Volume"), _("Tickets received in the period; cancelled and finished count the cancel and "
                                   "close events in the period.")))
    out += [
        (_("Complaints per 100 households"), _("Complaints received in the period and not cancelled × 100 ÷ "
                                               "households (svcctl.yaml households:, else units on file). "
                                               "Target below 1.")),
        (_("Recurring problems"), _("Repairs of one category at one unit, and complaints in one building (and "
                                    "category, where recorded), received twice or more within {days} days, one of "
                                    "them in the period. A complaint's unit is never shown.").format(
                                        days=s.recurring_window.days)),
        (_("Backlog"), _("Tickets not yet handled (open, dispatched, paused) at the period end, by whole days since "
                         "intake; callbacks still owed are listed on their own.")),
        (_("Change"), _("Each figure beside the previous period's: ▲ higher, ▼ lower, = the same; rates in "
                        "percentage points.")),
    ]
    return out
