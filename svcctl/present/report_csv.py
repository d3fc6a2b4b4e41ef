"""A report's figures as CSV for a spreadsheet: one row per figure, in the reader's language.

Each row names its part of the report and the figure as the page does, and carries a
stable code (``section.key``) for a formula or a script that reads every month's file the
same way. Staff are named as on the page; a complainant never is. The text starts with a
byte order mark, so Excel reads it as UTF-8 and shows the Chinese as written.
"""
from __future__ import annotations

from ..reports.figures import Rate, Report
from . import labels
from .output import csv_text
from .report import bucket

BOM = "\ufeff"
DESK = "desk"  # the code of work no department holds (the service desk's own)
NONE = "none"  # the code of a ticket with no category, grade or owner


def columns(_) -> list[str]:
    return [_("Section"), _("Code"), _("Figure"), _("Count"), _("Out of"), _("Percent"), _("Value")]


def csv_report(report: Report, _, roster: dict) -> str:
    heads = columns(_)
    rows = [dict(zip(heads, row)) for row in rows_of(report, _, roster)]
    return BOM + csv_text(rows, heads)


def rows_of(report: Report, _, roster: dict) -> list[list]:
    """``[section, code, figure, count, out of, percent, value]`` for every figure."""
    out: list[list] = []

    def add(section: str, code: str, label: str, figure):
        if isinstance(figure, Rate):
            percent = "" if figure.percent is None else str(figure.percent)
            out.append([section, code, label, figure.n, figure.total, percent, ""])
        else:
            out.append([section, code, label, "", "", "", "" if figure is None else figure])

    def staff(staff_id) -> str:
        return labels.staff(roster, staff_id)

    complaints_only = report.kind == "complaints"
    received = _("Complaints received") if complaints_only else _("Requests received")
    backlog = _("Open complaints at period end") if complaints_only else _("Backlog at period end")

    def headline(section: str, code: str, h) -> None:
        add(section, f"{code}.received", received, h.received)
        add(section, f"{code}.on_time", _("On-time rate"), h.on_time)
        add(section, f"{code}.callbacks", _("Callback rate"), h.callbacks)
        add(section, f"{code}.satisfaction", _("Satisfaction (average of 5)"), h.satisfaction)
        if not complaints_only:
            add(section, f"{code}.first_fix", _("First-time fix rate"), h.first_fix)
        add(section, f"{code}.complaints", _("Valid complaints"), h.complaints)
        add(section, f"{code}.complaints_per_100", _("Complaints per 100 households"), h.complaints_per_100)
        add(section, f"{code}.backlog", backlog, h.backlog)

    headline(_("Summary"), "headline", report.headline)
    headline(_("Previous ({period})").format(period=report.previous_period.key), "previous", report.previous)
    for period, h in report.trend:
        headline(_("Trend: {period}").format(period=period.key), f"trend.{period.key}", h)

    t = report.on_time
    section = _("On-time rate")
    add(section, "on_time.overall", _("All deadlines"), t.overall)
    for key, r in t.by_kind:
        add(section, f"on_time.deadline.{key}", labels.deadline(_, key), r)
    for key, r in t.by_department:
        add(section, f"on_time.department.{key or DESK}", labels.department(_, key), r)
    for key, r in t.by_staff:
        add(section, f"on_time.staff.{key or NONE}", staff(key), r)
    add(section, "on_time.missed", _("Missed deadlines"), len(t.missed))

    c, s = report.callbacks, report.satisfaction
    section = _("Callbacks and satisfaction")
    add(section, "callbacks.rate", _("Callback rate"), c.rate)
    add(section, "callbacks.missing", _("Missing callbacks (not made by their due time)"), len(c.missing))
    add(section, "callbacks.paid", _("Paid services, not in the rate"), c.paid)
    add(section, "satisfaction.callbacks", _("Callbacks made"), s.callbacks)
    add(section, "satisfaction.scored", _("Callbacks scored"), s.scored)
    add(section, "satisfaction.average", _("Satisfaction (average of 5)"), s.average)
    for score, n in s.scores:
        add(section, f"satisfaction.score.{score}", _("Score {score}").format(score=score), n)
    for who, n, average in s.by_closer:
        add(section, f"satisfaction.closer.{who}.callbacks", _("Callbacks of tickets {staff} closed").format(
            staff=staff(who)), n)
        add(section, f"satisfaction.closer.{who}.average", _("Average score of tickets {staff} closed").format(
            staff=staff(who)), average)
    add(section, "satisfaction.unresolved", _("Unresolved at the callback"), len(s.unresolved))
    add(section, "satisfaction.reopened", _("Reopened in the period"), len(s.reopened))

    if not complaints_only:
        f = report.first_fix
        section = _("First-time fix rate")
        add(section, "first_fix.rate", _("First-time fix rate"), f.rate)
        add(section, "first_fix.reopened", _("Reopened within {days} days").format(
            days=report.settings.first_fix_window.days), len(f.reopened))

        v = report.volume
        section = _("Volume")
        add(section, "volume.received", _("Requests received"), v.received)
        add(section, "volume.finished", _("Finished (closed)"), v.finished)
        add(section, "volume.cancelled", _("Cancelled"), len(v.cancelled))
        for prefix, pairs, name in (("type", v.by_type, lambda k: labels.ticket_type(_, k)),
                                    ("grade", v.by_grade, lambda k: labels.grade(_, k)),
                                    ("category", v.by_category, lambda k: labels.category(_, k)),
                                    ("channel", v.by_channel, lambda k: labels.channel(_, k)),
                                    ("department", v.by_department, lambda k: labels.department(_, k)),
                                    ("staff", v.by_staff, staff)):
            for key, n in pairs:
                add(section, f"volume.{prefix}.{key or (DESK if prefix == 'department' else NONE)}", name(key), n)

    k = report.complaints
    section = _("Complaints")
    add(section, "complaints.received", _("Complaints received"), k.received)
    add(section, "complaints.valid", _("Valid complaints"), k.valid)
    add(section, "complaints.households", _("Households"), k.households)
    add(section, "complaints.per_100_households", _("Complaints per 100 households"), k.per_100)
    for key, n in k.by_grade:
        add(section, f"complaints.grade.{key or NONE}", labels.grade(_, key), n)
    for key, n in k.by_category:
        add(section, f"complaints.category.{key or NONE}", labels.category(_, key), n)
    add(section, "complaints.carried_over", _("Carried over"), k.carried_over)
    add(section, "complaints.new", _("New"), k.new)
    add(section, "complaints.finished", _("Finished"), k.finished)
    add(section, "complaints.cancelled", _("Cancelled"), k.cancelled)
    add(section, "complaints.open_at_end", _("Open at period end"), len(k.open_at_end))

    add(_("Exceptions"), "recurring", _("Recurring problems (twice or more within {days} days)").format(
        days=report.settings.recurring_window.days), len(report.recurring))

    b = report.backlog
    section = _("Backlog")
    for (low, high), n in b.by_age:
        add(section, f"backlog.age.{low}+" if high is None else f"backlog.age.{low}-{high}", bucket(_, (low, high)), n)
    add(section, "backlog.open", _("Open tickets"), b.open)
    add(section, "backlog.received", _("Requests received"), b.received)
    add(section, "backlog.finished", _("Finished (closed)"), b.finished)
    add(section, "backlog.net", _("Received minus finished"), b.net)
    add(section, "backlog.callbacks_owed", _("Callbacks still owed at period end"), len(b.callbacks_owed))
    return out
