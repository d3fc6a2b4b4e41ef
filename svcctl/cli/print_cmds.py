"""``svcctl print``: the office's documents from its templates, as text or HTML for printing."""
from __future__ import annotations

import sys

import click

from .common import examples, format_option, pass_obj, reveal_option, ticket_argument

DOCUMENT_FORMATS = ("text", "html")


def register(cli: click.Group) -> None:
    cli.add_command(print_)


@click.group("print", help="Print an office document from its template (templates/<zh|en>/, overridable "
             "per office under <records>/templates/): the work order, the callback list with the "
             "questions to ask, the overdue digest." + examples(
                 "svcctl print workorder 202611-A007", "svcctl print callbacks --due --format html > callbacks.html",
                 "svcctl print digest --within 1h"))
def print_():
    """The document commands."""


@print_.command("workorder", help="The work order (维修工作单) of a dispatched ticket: number, kind, place, "
                "problem, agreed visit, materials and time used, fee for paid work, signature lines. "
                "The technician or department sent to the unit reads the customer's name and full phone; "
                "a complainant is never named, nor their number or unit." + examples("svcctl print workorder 202611-A007",
                                                         "svcctl print workorder 202611-A007 --format html > wo.html"))
@ticket_argument
@reveal_option("Include the customer's name and full phone (supervisors and directors only; never a complainant's).")
@format_option(choices=DOCUMENT_FORMATS, default="text")
@pass_obj
def workorder(obj, ticket_id, reveal, fmt):
    print_work_order(obj, ticket_id, reveal, fmt)


def print_work_order(obj, ticket_id: str, reveal: bool, fmt: str) -> None:
    """The work order as its reader may see it; a full name and phone go in the audit log."""
    from ..operations import audit, tickets
    from ..present import disclosure, filled

    env = obj.env()
    view, customer, reveal = tickets.work_order(env, ticket_id, reveal)
    shown = disclosure.work_order(env.actor(), view, reveal)
    text = filled.work_order(obj.desk(), view, customer, shown, fmt)
    if shown.full:
        audit.shown(env, "print workorder", tickets=[(view.id, view.customer)], revealed=reveal)
    click.echo(text)


@print_.command("callbacks", help="The callbacks (回访) to make, each with the script of questions: service "
                "quality, result, satisfaction 1-5, shortcomings, suggestions (000 3.1.4). The customer's name "
                "and full phone are shown to whoever owns the callback and to supervisors and directors; "
                "masked for everyone else." + examples(
                    "svcctl print callbacks", "svcctl print callbacks --due --format html > callbacks.html"))
@click.option("--due", "due_only", is_flag=True, help="Only callbacks due today or late.")
@click.option("--now", metavar="TIME", help="Evaluate at this time instead of now.")
@reveal_option("Names and full phone numbers (supervisors and directors only).")
@format_option(choices=DOCUMENT_FORMATS, default="text")
@pass_obj
def callbacks(obj, due_only, now, reveal, fmt):
    from ..operations import audit, reading
    from ..present import disclosure, filled

    env = obj.env()
    pairs, customers, reveal = reading.callback_list(env, now, due_only, reveal)
    actor = env.actor()
    shown = {view.id: disclosure.callback(actor, view, reveal) for view, _ in pairs}
    text = filled.callback_list(obj.desk(now), pairs, customers, shown, fmt)
    audit.shown(env, "print callbacks", tickets=[(v.id, v.customer) for v, _ in pairs if shown[v.id].full],
                revealed=reveal)
    click.echo(text)


@print_.command("digest", help="The overdue digest for mail: a subject line, then what is overdue (and with "
                "--within due soon) grouped by who must act. Silent with exit 0 when nothing is listed, "
                "exit 1 when something is overdue (as 'svcctl overdue --digest')." + examples(
                    "svcctl print digest", "svcctl print digest --within 2h"))
@click.option("--now", metavar="TIME", help="Evaluate at this time instead of now.")
@click.option("--within", metavar="LENGTH", help="Also list deadlines due within this length (2h, 1 workday).")
@pass_obj
def digest(obj, now, within):
    from ..operations import reading
    from ..present import filled

    pairs = reading.overdue(obj.env(), now, within)
    if pairs:
        click.echo(filled.digest(obj.desk(now), pairs))
    sys.exit(1 if any(d.overdue for _, d in pairs) else 0)
