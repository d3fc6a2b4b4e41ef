"""Intake and reading: intake, show, list, log, workorder, overdue, callbacks."""
from __future__ import annotations

import sys

import click

from ..core import model
from ..core.ticket import STATUS_GROUPS, STATUSES
from .common import at_option, examples, format_option, pass_obj
from .render import cell, emit, to_json

LIST_COLUMNS = [
    ("id", "ID"), ("type_zh", "类型"), ("grade", "Grade"), ("status", "Status"), ("unit", "Unit"),
    ("summary", "Summary"), ("owner", "Owner"), ("next_deadline", "Next deadline"), ("next_due", "Due"),
    ("next_state", "State"),
]


def register(cli: click.Group) -> None:
    for command in (intake, show, list_, log, workorder, overdue, callbacks):
        cli.add_command(command)


@click.command(help="Record a request of any type. Prints the new id on the first line, then the "
               "confirmation sentence to read to the customer (rules §11). The customer is named by "
               "--customer, found by --unit, or created from --name/--phone/--unit." + examples(
                   "svcctl intake --type complaint --grade general --unit 3-2-1502 --summary 电梯噪音",
                   "svcctl intake --type repair --category leak --customer C-A001 --summary 卫生间渗水",
                   "svcctl intake --type consultation --unit 3-2-1502 --summary 物业费标准 --answer 已告知",
                   "svcctl intake --type appointment --unit 3-2-1502 --appointment '2026-11-25 14:00' --summary 上门量房",
                   "svcctl intake --type query --name 陈先生 --phone 13800138000 --unit 5-1-301 --summary 查询水费 --at '2026-11-20 09:30'"))
@click.option("--type", "ticket_type", required=True,
              help="consultation 咨询, query 查询, complaint 投诉, repair 报修, suggestion 建议, appointment 预约, paid 有偿服务.")
@click.option("--summary", required=True, help="A few words: what the customer wants.")
@click.option("--detail", help="Full detail as told.")
@click.option("--channel", default="phone", show_default=True, help="phone 来电, visit 来访, letter 信函, online 网站/微信.")
@click.option("--customer", "customer_id", help="Customer id (C-A001).")
@click.option("--unit", help="Unit (3-2-1502); finds the customer when --customer is not given.")
@click.option("--name", "new_name", help="New customer's name (creates the customer file).")
@click.option("--phone", "new_phones", multiple=True, help="New customer's phone.")
@click.option("--grade", help="Complaint grade: simple/general/complex (or minor/important/major).")
@click.option("--category", help="Repair category: safety, leak or other (default other).")
@click.option("--emergency", is_flag=True, help="Emergency repair: technician on site within 15 minutes.")
@click.option("--appointment", metavar="TIME", help="Agreed time of an appointment (预约).")
@click.option("--due", metavar="TIME", help="The date the customer asked for, when it replaces the resolve deadline.")
@click.option("--answer", metavar="TEXT", help="Answered on the spot: records the answer and closes the request.")
@click.option("--force", is_flag=True, help="File it even if it repeats a ticket of the same customer, type and "
              "summary from the last hour (asked on a terminal), or the new customer's phone or unit is on file.")
@at_option
@format_option(choices=("text", "json"), default="text")
@pass_obj
def intake(obj, fmt, at, **options):
    from ..operations import tickets
    from ..present import rows

    env = obj.env()
    try:
        ticket, sentence = tickets.intake(env, at=at, **options)
    except tickets.LikelyRepeat as repeat:
        if not sys.stdin.isatty() or not click.confirm(f"{repeat.message.split(': nothing')[0]}. File it anyway?",
                                                       err=True):
            raise
        ticket, sentence = tickets.intake(env, at=at, **{**options, "force": True})
    if fmt == "json":
        click.echo(to_json({**rows.ticket(env.view(ticket)), "confirmation": sentence}))
    else:
        click.echo(ticket.id)
        click.echo(sentence)


@click.command(help="Show a ticket: header, status, every deadline with its state, and the timeline." + examples(
    "svcctl show 202611-A007", "svcctl show 202611-A007 --format json"))
@click.argument("ticket_id")
@click.option("--now", metavar="TIME", help="Evaluate deadlines at this time instead of now.")
@click.option("--reveal", is_flag=True, help="Show phone numbers typed into the text as recorded.")
@format_option(choices=("text", "yaml", "json"), default="text")
@pass_obj
def show(obj, ticket_id, now, reveal, fmt):
    from ..present import rows
    from ..store import yamlio

    env = obj.env()
    ticket = env.records.ticket(ticket_id)
    if fmt == "yaml":  # the record exactly as filed
        click.echo(yamlio.dump(ticket.to_record()), nl=False)
        return
    data = rows.ticket(env.view(ticket, env.time(now) if now else None), reveal)
    click.echo(to_json(data) if fmt == "json" else ticket_text(data))


def ticket_text(t: dict) -> str:
    """The ticket as a person reads it: header, every deadline, the timeline."""
    from ..present.words import minutes

    when = lambda iso_time: cell(iso_time) or "-"  # noqa: E731
    kind = " ".join(filter(None, [t["type_zh"], model.label("grade", t["grade"]), model.label("category", t["category"]),
                                  "EMERGENCY 紧急" if t["emergency"] else ""]))
    lines = [
        f"{t['id']}  {kind}  [{t['status']}]",
        f"unit {t['unit']}   customer {t['customer']}   channel {model.label('channel', t['channel'])}",
        f"received {when(t['received_at'])} by {t['first_responder']} (首问负责人)   owner {t['owner']}"
        + (f"   department {t['department']}" + (f" ({t['assignee']})" if t["assignee"] else "") if t["department"] else ""),
        f"summary: {t['summary']}",
    ]
    if t["detail"]:
        lines.append(f"detail:  {t['detail']}")
    if t["appointment_at"]:
        lines.append(f"appointment: {when(t['appointment_at'])}")
    if t["deadlines"]:
        lines += ["", "deadlines:"]
        for d in t["deadlines"]:
            how = {
                "pending": lambda: f"{minutes(d['minutes_left'])} left",
                "met": lambda: f"done {when(d['stopped_at'])}",
                "paused": lambda: "clock held by a pause",
            }.get(d["state"], lambda: f"late by {minutes(d['minutes_late'])}")()
            lines.append(f"  {d['name']:<14} due {when(d['due']):<16}  {d['state']:<8} {how}")
    lines += ["", "timeline:"]
    for e in t["events"]:
        fields = ", ".join(f"{k}={cell(v)}" for k, v in e.items() if k not in ("at", "event", "by"))
        lines.append(f"  {when(e['at'])}  {e['event']:<9} {e['by']:<8} {fields}".rstrip())
    return "\n".join(lines)


@click.command("list", help="List tickets, newest first, filtered by status, type, unit, customer, "
               "staff and received date. No names or phones are shown." + examples(
                   "svcctl list --status active", "svcctl list --type complaint --since 2026-11-01 --format json",
                   "svcctl list --unit 3-2-1502 --format csv"))
@click.option("--status", multiple=True, type=click.Choice(STATUSES + tuple(STATUS_GROUPS)),
              help="Repeatable; 'active' = everything not done or cancelled.")
@click.option("--type", "ticket_type", multiple=True, help="Repeatable request type.")
@click.option("--unit")
@click.option("--customer")
@click.option("--staff", help="First responder, owner or assignee.")
@click.option("--since", metavar="TIME", help="Received at or after.")
@click.option("--until", metavar="TIME", help="Received at or before.")
@format_option()
@pass_obj
def list_(obj, status, ticket_type, unit, customer, staff, since, until, fmt):
    from ..operations import tickets
    from ..present import rows

    env = obj.env()
    found = tickets.select(env, status=status, ticket_type=ticket_type, unit=unit, customer=customer,
                           staff=staff, since=since, until=until)
    listed = sorted((rows.listing(env.view(t)) for t in found), key=lambda r: r["received_at"], reverse=True)
    emit(listed, fmt, LIST_COLUMNS, empty="no tickets match")


@click.command(help="A ticket's history from git: one line per change, with author and date." + examples(
    "svcctl log 202611-A007"))
@click.argument("ticket_id")
@format_option()
@pass_obj
def log(obj, ticket_id, fmt):
    from ..operations import tickets

    rows = tickets.history(obj.env(), ticket_id)
    emit(rows, fmt, [("date", "Date"), ("author", "Author"), ("subject", "Change"), ("commit", "Commit")])


@click.command(help="Print the work order (维修工作单) of a dispatched ticket for the technician. "
               "The customer is named by id with a masked phone unless --reveal." + examples("svcctl workorder 202611-A007 --reveal"))
@click.argument("ticket_id")
@click.option("--reveal", is_flag=True, help="Include the customer's name and phone.")
@pass_obj
def workorder(obj, ticket_id, reveal):
    from ..operations import tickets

    click.echo(tickets.work_order(obj.env(), ticket_id, reveal))


@click.command(help="List missed deadlines and passed targets across all tickets (and with --within, "
               "those due soon), with what to do. Reads only. Silent with exit 0 when nothing is "
               "overdue; exit 1 when something is, so cron mails only then." + examples(
                   "svcctl overdue", "svcctl overdue --within 2h --format json",
                   "svcctl overdue --now '2026-10-08 09:00'"))
@click.option("--now", metavar="TIME", help="Evaluate at this time instead of now.")
@click.option("--within", metavar="LENGTH", help="Also list deadlines due within this length: 30m, 2h, 3 days, "
              "1 workday, same day (today).")
@format_option()
@pass_obj
def overdue(obj, now, within, fmt):
    from ..core.deadlines import reach
    from ..core.policy import parse_within
    from ..present import rows as present
    from ..reports.overdue import overdue as overdue_pairs

    env = obj.env()
    span = parse_within(within) if within else None
    when = env.time(now) if now else env.now
    soon_until = reach(env.office.calendar, when, span) if span else None
    rows = [present.due(v, d) for v, d in overdue_pairs([env.view(t, when) for t in env.records.tickets()], soon_until)]
    if rows or fmt == "json":
        emit(rows, fmt, [("ticket", "Ticket"), ("type_zh", "类型"), ("unit", "Unit"), ("deadline", "Deadline"),
                         ("state", "State"), ("due", "Due"), ("late_by", "Late by"), ("left", "Left"),
                         ("owner", "Owner"), ("action", "Action")])
    sys.exit(1 if any(r["state"] in ("missed", "warned") for r in rows) else 0)


@click.command(help="Callbacks (回访) still to make after repairs, complaints and paid services; "
               "--due keeps those due by the end of today or already late." + examples(
                   "svcctl callbacks", "svcctl callbacks --due --format csv"))
@click.option("--due", "due_only", is_flag=True, help="Only callbacks due today or late.")
@click.option("--now", metavar="TIME", help="Evaluate at this time instead of now.")
@format_option()
@pass_obj
def callbacks(obj, due_only, now, fmt):
    from ..present import rows as present
    from ..reports.overdue import callbacks as callback_pairs

    env = obj.env()
    when = env.time(now) if now else env.now
    end = env.office.calendar.end_of_day(when) if due_only else None
    rows = [present.callback(v, d) for v, d in callback_pairs([env.view(t, when) for t in env.records.tickets()], end)]
    emit(rows, fmt, [("ticket", "Ticket"), ("type_zh", "类型"), ("unit", "Unit"), ("closed_at", "Closed"),
                     ("due", "Callback due"), ("state", "State"), ("late_by", "Late by"), ("owner", "Owner"),
                     ("result", "Result")], empty="no callbacks to make")
