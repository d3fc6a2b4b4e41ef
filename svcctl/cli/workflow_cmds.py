"""The workflow steps: each appends events to one ticket and makes one commit."""
from __future__ import annotations

import click

from ..core.message import term
from . import complete
from .common import Amount, at_option, examples, format_option, pass_obj
from .render import to_json


def register(cli: click.Group) -> None:
    for command in (dispatch, arrive, reply, escalate, pause, resume, close, callback, reopen, cancel):
        cli.add_command(command)


def _run(obj, verb: str, ticket_id: str, at, fmt: str = "text", **options) -> None:
    from ..operations import tickets
    from ..present import rows

    env = obj.env()
    # Options ending in _at are times as typed; they are read in the office's time zone.
    options = {k: env.time(v) if k.endswith("_at") and v is not None else v for k, v in options.items()}
    ticket = tickets.act(env, verb, ticket_id, at=at, **options)
    view = env.view(ticket)
    if fmt == "json":
        click.echo(to_json(rows.ticket(view)))
    else:
        click.echo(obj.say("{id} {verb}: now {status}", id=ticket.id, verb=term("verb", verb),
                           status=term("status", view.status)))


def step(name: str, help_text: str, *example_lines: str):
    """A workflow command: TICKET_ID, --at, --format, and its own options."""
    def decorate(func):
        func = pass_obj(func)
        func = format_option(choices=("text", "json"), default="text")(func)
        func = at_option(func)
        func = click.argument("ticket_id", shell_complete=complete.tickets)(func)
        return click.command(name, help=help_text + examples(*example_lines))(func)
    return decorate


@step("dispatch", "Open the work order (维修工作单) for a department; dispatching again to "
      "another department is recorded as a re-dispatch.",
      "svcctl dispatch 202611-A007 --to 维修部 --assignee zhou --appointment '2026-11-21 10:00'")
@click.option("--to", "department", required=True, shell_complete=complete.departments,
              help="Department, e.g. 维修部 (or its English name: maintenance, cleaning, security, landscaping, engineering).")
@click.option("--assignee", shell_complete=complete.staff, help="Staff id of the technician.")
@click.option("--appointment", metavar="TIME", help="Visit time agreed with the customer.")
@click.option("--emergency", is_flag=True, help="Mark the work order urgent.")
@click.option("--note")
def dispatch(obj, ticket_id, at, fmt, department, assignee, appointment, emergency, note):
    _run(obj, "dispatch", ticket_id, at, fmt, department=department, assignee=assignee,
         appointment_at=appointment, emergency=emergency, note=note)


@step("arrive", "Record that the technician is on site (stops the emergency arrival clock).",
      "svcctl arrive 202611-A007 --at '2026-11-21 10:05'")
@click.option("--note")
def arrive(obj, ticket_id, at, fmt, note):
    _run(obj, "arrive", ticket_id, at, fmt, note=note)


@step("reply", "Record a contact with the customer about progress (counts as the first reply).",
      "svcctl reply 202611-A007 --note '已联系业主，明早上门'")
@click.option("--note", required=True)
def reply(obj, ticket_id, at, fmt, note):
    _run(obj, "reply", ticket_id, at, fmt, note=note)


@step("escalate", "Hand the ticket to a supervisor or director (rules §6); from then on only they, "
      "or another supervisor or director, act on it.",
      "svcctl escalate 202611-A007 --to wang --note '业主要求主任处理'")
@click.option("--to", "to", required=True, shell_complete=complete.staff, help="Staff id of a supervisor or director.")
@click.option("--note", required=True)
def escalate(obj, ticket_id, at, fmt, to, note):
    _run(obj, "escalate", ticket_id, at, fmt, to=to, note=note)


@step("pause", "Hold the resolve clock while waiting on the customer or on parts.",
      "svcctl pause 202611-A007 --reason '业主不在家'")
@click.option("--reason", required=True)
def pause(obj, ticket_id, at, fmt, reason):
    _run(obj, "pause", ticket_id, at, fmt, reason=reason)


@step("resume", "Restart the clock of a paused ticket.", "svcctl resume 202611-A007")
@click.option("--note")
def resume(obj, ticket_id, at, fmt, note):
    _run(obj, "resume", ticket_id, at, fmt, note=note)


@step("close", "Record the outcome. A paid service needs --fee and --receipt; a leak repair needs "
      "--leak-test-at (or --temporary for a temporary measure).",
      "svcctl close 202611-A007 --result '已更换水管' --signed",
      "svcctl close 202611-A008 --result '防水处理' --leak-test-at '2026-11-22 10:00'",
      "svcctl close 202611-A009 --result '疏通下水道' --fee 80 --receipt R-0012 --signed")
@click.option("--result", required=True, help="What was done.")
@click.option("--fee", type=Amount(), metavar="AMOUNT", help="Fee collected in yuan, exact to the fen (80 or 80.50; paid service).")
@click.option("--receipt", help="Receipt number for the fee.")
@click.option("--signed/--unsigned", default=None, help="Whether the customer signed the work order.")
@click.option("--leak-test-at", metavar="TIME", help="When the leak test (试漏) was done.")
@click.option("--temporary", is_flag=True, help="Record a temporary measure only (000 3.3.6): the ticket stays open.")
def close(obj, ticket_id, at, fmt, result, fee, receipt, signed, leak_test_at, temporary):
    _run(obj, "close", ticket_id, at, fmt, result=result, fee=fee, receipt=receipt, signed=signed,
         leak_test_at=leak_test_at, temporary=temporary)


@step("callback", "Record the callback (回访) after a close. --unresolved sends the work back to the "
      "responsible person with a new deadline (rework).",
      "svcctl callback 202611-A007 --method phone --satisfaction 5 --note '业主满意'",
      "svcctl callback 202611-A007 --method visit --satisfaction 2 --note '仍漏水' --unresolved --within '2 workdays'")
@click.option("--method", required=True, shell_complete=complete.vocabulary("method"), help="phone 电话 or visit 上门.")
@click.option("--satisfaction", required=True, type=int, help="1 (very poor) to 5 (very good).")
@click.option("--note", required=True, help="Customer's view, result, shortcomings, suggestions.")
@click.option("--unresolved", is_flag=True, help="The problem is not solved: reopen with a rework deadline.")
@click.option("--within", help="Rework deadline length (default from policy), e.g. '2 workdays'.")
def callback(obj, ticket_id, at, fmt, method, satisfaction, note, unresolved, within):
    _run(obj, "callback", ticket_id, at, fmt, method=method, satisfaction=satisfaction, note=note,
         unresolved=unresolved, within=within)


@step("reopen", "Reopen a closed ticket with a rework deadline.",
      "svcctl reopen 202611-A007 --note '业主反映再次漏水' --within '1 workday'")
@click.option("--note", required=True)
@click.option("--within", help="Rework deadline length (default from policy).")
def reopen(obj, ticket_id, at, fmt, note, within):
    _run(obj, "reopen", ticket_id, at, fmt, note=note, within=within)


@step("cancel", "Cancel a duplicate or withdrawn request (kept on file; needs a supervisor or director).",
      "svcctl --as wang cancel 202611-A010 --reason '重复登记'")
@click.option("--reason", required=True)
def cancel(obj, ticket_id, at, fmt, reason):
    _run(obj, "cancel", ticket_id, at, fmt, reason=reason)
