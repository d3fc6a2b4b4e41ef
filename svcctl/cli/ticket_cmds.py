"""Intake and reading: intake, show, list, log, workorder, overdue, callbacks."""
from __future__ import annotations

import sys

import click

from ..core.statuses import STATUS_GROUPS, STATUSES
from . import complete
from .click_words import help_msg
from .common import (Named, at_option, echo, emit, examples, format_option, names, pass_obj, reveal_option,
                     ticket_argument)
from ..present.escapes import one_line
from ..present.output import rendered, to_json

STATUS_CHOICES = STATUSES + tuple(STATUS_GROUPS)


def register(cli: click.Group) -> None:
    for command in (intake, show, list_, log, workorder, overdue, callbacks):
        cli.add_command(command)


@click.command(help="Record a request of any type. Prints the new id on the first line, then the "
               "confirmation sentence to read to the customer (rules §11); --format id prints the id alone, "
               "for a script. The customer is named by "
               "--customer, found by --unit, or created from --name/--phone/--unit." + examples(
                   "svcctl intake --type complaint --grade general --unit 3-2-1502 --summary 电梯噪音",
                   "svcctl intake --type repair --category leak --customer C-A001 --summary 卫生间渗水",
                   "svcctl intake --type consultation --unit 3-2-1502 --summary 物业费标准 --answer 已告知",
                   "svcctl intake --type appointment --unit 3-2-1502 --appointment '2026-11-25 14:00' --summary 上门量房 --at '2026-11-20 09:30'",
                   "svcctl intake --type query --name 陈先生 --phone 13800138000 --unit 5-1-301 --summary 查询水费 --at '2026-11-20 09:30'"))
@click.option("--type", "ticket_type", required=True, shell_complete=complete.vocabulary("type"),
              help=help_msg("Request type: {choices}.", choices=names("type")))
@click.option("--summary", required=True, help="A few words: what the customer wants.")
@click.option("--detail", help="Full detail as told.")
@click.option("--place", help="Where the problem is, when not in the customer's own unit (a complaint's 5栋地下车库): "
              "the work order names it, never the complainant's unit.")
@click.option("--channel", default="phone", show_default=True, shell_complete=complete.vocabulary("channel"),
              help=help_msg("How it came in: {choices}.", choices=names("channel")))
@click.option("--customer", "customer_id", help="Customer id (C-A001).")
@click.option("--unit", help="Unit (3-2-1502); finds the customer when --customer is not given.")
@click.option("--name", "new_name", help="New customer's name (creates the customer file).")
@click.option("--phone", "new_phones", multiple=True, help="New customer's phone.")
@click.option("--grade", shell_complete=complete.vocabulary("grade"),
              help=help_msg("Complaint grade: {choices}.", choices=names("grade")))
@click.option("--category", shell_complete=complete.vocabulary("category"),
              help=help_msg("Repair category (default other): {choices}.", choices=names("category")))
@click.option("--emergency", is_flag=True, help="Emergency repair: technician on site within 15 minutes.")
@click.option("--appointment", metavar="TIME", help="Agreed time of an appointment (预约).")
@click.option("--due", metavar="TIME", help="The date the customer asked for, when it replaces the resolve deadline.")
@click.option("--answer", metavar="TEXT", help="Answered on the spot: records the answer and closes the request.")
@click.option("--force", is_flag=True, help="File it even if it repeats a ticket of the same customer, type and "
              "summary from the last hour (asked on a terminal), or the new customer's phone or unit is on file.")
@at_option
@format_option(choices=("text", "json", "id"), default="text")
@pass_obj
def intake(obj, fmt, at, **options):
    from ..core.message import msg
    from ..operations import tickets
    from ..present import filled, rows

    env = obj.env()
    try:
        ticket = tickets.record_intake(env, at=at, **options)
    except tickets.LikelyRepeat as repeat:
        if not sys.stdin.isatty() or not click.confirm(f"{repeat.message.split(': nothing')[0]}. File it anyway?",
                                                       err=True):
            raise
        ticket = tickets.record_intake(env, at=at, **{**options, "force": True})
    if tickets.names_complainant(env, ticket):  # filed all the same: the clerk may reword it with a note
        click.echo("svcctl: " + obj.localise(msg(
            "warning: the text of complaint {id} gives the complainant's name or number; documents for the "
            "department mask them, but say it without them where you can", id=ticket.id)), err=True)
    sentence, refused = filled.confirmation(obj.desk(), env.view(ticket))
    if refused is not None:  # the ticket is recorded: the clerk reads svcctl's own sentence instead
        click.echo("svcctl: " + one_line(obj.localise(msg(
            "warning: {refusal}; {id} is recorded and svcctl's own confirmation is shown",
            refusal=refused.message, id=ticket.id))), err=True)
    if fmt == "json":
        click.echo(to_json({**rows.ticket(env.view(ticket)), "confirmation": sentence}))
    elif fmt == "id":
        click.echo(ticket.id)
    else:
        click.echo(ticket.id)
        click.echo(sentence)


@click.command(help="Show a ticket: header, status, every deadline with its state, and the timeline." + examples(
    "svcctl show 202611-A007", "svcctl show 202611-A007 --format json"))
@ticket_argument
@click.option("--now", metavar="TIME", help="Evaluate deadlines at this time instead of now.")
@reveal_option("Show the text as recorded, phone numbers and the customer's name included (supervisors and "
               "directors only; whoever owns the ticket or is sent to the unit sees it without).")
@format_option(choices=("text", "yaml", "json"), default="text")
@pass_obj
def show(obj, ticket_id, now, reveal, fmt):
    from ..operations import audit, customers
    from ..present import disclosure, privacy, rows, ticket_text
    from ..store import yamlio

    env = obj.env()
    reveal = env.reveal(reveal)
    ticket = env.records.ticket(ticket_id)
    view = env.view(ticket, env.time(now) if now else None)
    shown = disclosure.show(env.actor(), view, reveal)
    known = () if shown.full else customers.known_on_file(env, view.customer)
    if fmt == "yaml":  # the record as svcctl writes it, its free text as the reader may see it
        record = ticket.to_record()
        record = {**privacy.record(record, shown, known),
                  "events": [privacy.record(e, shown, known) for e in record["events"]]}
        text = yamlio.dump(record)
    else:
        data = rows.ticket(view, shown, known)
        text = to_json(data) + "\n" if fmt == "json" else ticket_text.render(data, obj.reader_language()) + "\n"
    if shown.full:
        audit.shown(env, "show", tickets=[(view.id, view.customer)], revealed=reveal)
    click.echo(text, nl=False)


@click.command("list", help="List tickets, newest first, filtered by status, type, unit, customer, "
               "staff and received date. No names or phones are shown." + examples(
                   "svcctl list --status active", "svcctl list --type complaint --since 2026-11-01 --format json",
                   "svcctl list --unit 3-2-1502 --format csv"))
@click.option("--status", multiple=True, type=Named("status", STATUS_CHOICES),
              help=help_msg("Repeatable: {choices}; 'active' = everything not done or cancelled.",
                            choices=names("status", STATUS_CHOICES)))
@click.option("--type", "ticket_type", multiple=True, shell_complete=complete.vocabulary("type"),
              help=help_msg("Repeatable request type: {choices}.", choices=names("type")))
@click.option("--unit")
@click.option("--customer")
@click.option("--staff", shell_complete=complete.staff, help="First responder, owner or assignee.")
@click.option("--since", metavar="TIME", help="Received at or after.")
@click.option("--until", metavar="TIME", help="Received at or before.")
@format_option()
@pass_obj
def list_(obj, status, ticket_type, unit, customer, staff, since, until, fmt):
    env = obj.env()
    env.records.start_index()  # its file walk runs while the rest is loaded
    from ..operations import customers as customer_ops
    from ..operations import tickets
    from ..present import rows, tables

    def listing():
        found = tickets.select(env, status=status, ticket_type=ticket_type, unit=unit, customer=customer,
                               staff=staff, since=since, until=until)
        on_file = customer_ops.known_on_file_of(env, (v.customer for v in found))
        listed = sorted((rows.listing(v, on_file) for v in found), key=lambda r: r["received_at"], reverse=True)
        return rendered(listed, fmt, tables.LIST, obj.reader_language(), empty=obj.say("no tickets match"))

    echo(env.records.read_ahead(listing))


@click.command(help="A ticket's history from git: one line per change, with author, office time and short "
               "commit hash (the full hash in JSON)." + examples("svcctl log 202611-A007"))
@ticket_argument
@format_option()
@pass_obj
def log(obj, ticket_id, fmt):
    from ..operations import tickets
    from ..present import tables

    env = obj.env()
    emit(tickets.history(env, ticket_id), fmt, tables.LOG, obj.reader_language())


@click.command(help="Print the work order (维修工作单) of a dispatched ticket for the technician; the same as "
               "'svcctl print workorder'. A complainant is never named; other customers by id with a masked "
               "phone unless --reveal." + examples("svcctl workorder 202611-A007", "svcctl workorder 202611-A007 --format html > wo.html"))
@ticket_argument
@reveal_option("Include the customer's name and full phone (supervisors and directors only; never a complainant's).")
@format_option(choices=("text", "html"), default="text")
@pass_obj
def workorder(obj, ticket_id, reveal, fmt):
    from .print_cmds import print_work_order

    print_work_order(obj, ticket_id, reveal, fmt)


@click.command(help="List missed deadlines and passed targets across all tickets (and with --within, "
               "those due soon), with what to do. Reads only. Silent with exit 0 when nothing is "
               "overdue; exit 1 when something is, so cron mails only then. --digest writes the mail "
               "itself: a subject line first, then the deadlines grouped by who must act." + examples(
                   "svcctl overdue", "svcctl overdue --within 2h --format json",
                   "svcctl overdue --digest --within 1h", "svcctl overdue --now '2026-10-08 09:00'"))
@click.option("--now", metavar="TIME", help="Evaluate at this time instead of now.")
@click.option("--within", metavar="LENGTH", help="Also list deadlines due within this length: 30m, 2h, 3 days, "
              "1 workday, same day (today).")
@click.option("--digest", is_flag=True, help="Write the mail for the office (same as 'svcctl print digest').")
@format_option()
@pass_obj
def overdue(obj, now, within, digest, fmt):
    env = obj.env()
    env.records.start_index()  # its file walk runs while the rest is loaded
    from ..operations import customers as customer_ops
    from ..operations import reading
    from ..present import filled, tables
    from ..present import rows as present

    def listing():
        pairs = reading.overdue(env, now, within)
        late = any(d.overdue for _, d in pairs)
        if digest:  # no free text: the customers' files are not read
            return (filled.digest(obj.desk(now), pairs) + "\n" if pairs else None), late
        on_file = customer_ops.known_on_file_of(env, (v.customer for v, _ in pairs))
        found = [present.due(v, d, on_file) for v, d in pairs]
        return (rendered(found, fmt, tables.OVERDUE, obj.reader_language()) if found or fmt == "json" else None), late

    text, late = env.records.read_ahead(listing)
    echo(text)
    sys.exit(1 if late else 0)


@click.command(help="Callbacks (回访) still to make after repairs, complaints and paid services; "
               "--due keeps those due by the end of today or already late. 'svcctl print callbacks' "
               "prints the list with the questions to ask." + examples(
                   "svcctl callbacks", "svcctl callbacks --due --format csv"))
@click.option("--due", "due_only", is_flag=True, help="Only callbacks due today or late.")
@click.option("--now", metavar="TIME", help="Evaluate at this time instead of now.")
@format_option()
@pass_obj
def callbacks(obj, due_only, now, fmt):
    env = obj.env()
    env.records.start_index()  # its file walk runs while the rest is loaded
    from ..operations import reading
    from ..present import rows as present
    from ..present import tables

    def listing():
        pairs, customers = reading.callbacks_with_customers(env, now, due_only)
        found = [present.callback(v, d, customers.get(v.customer)) for v, d in pairs]
        return rendered(found, fmt, tables.CALLBACKS, obj.reader_language(),
                        empty=None if found or fmt != "table" else nothing_due(obj, env, now, due_only))

    echo(env.records.read_ahead(listing))


def nothing_due(obj, env, now, due_only: bool) -> str:
    """Said when the list is empty: with --due, how many callbacks are owed later and when."""
    from ..operations import reading
    from ..present.words import spoken_time

    count, first = reading.callbacks_later(env, now) if due_only else (0, None)
    if not count:
        return obj.say("no callbacks to make")
    return obj.say("no callbacks due today; {count} owed later, the first due {due}", count=count,
                   due=spoken_time(first.astimezone(env.office.tz), obj.reader_language()))
