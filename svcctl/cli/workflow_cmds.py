"""The workflow steps: one command per kind of event that declares one (core.events), each
appending that kind's events to one ticket in one commit."""
from __future__ import annotations

import click

from ..core.events import commands
from ..core.message import term
from . import complete
from .common import Amount, Score, Whole, at_option, examples, format_option, pass_obj, ticket_argument
from ..present.output import to_json


def register(cli: click.Group) -> None:
    for name, kind in commands().items():
        cli.add_command(build(name, kind.command))


def build(name: str, command) -> click.Command:
    """``svcctl NAME TICKET_ID``, --at, --format and the options the kind's command declares."""
    times = {o.parameter for o in command.options if o.value == "time"}
    staff = {o.parameter for o in command.options if o.complete == "staff"}

    def run(obj, ticket_id, at, fmt, **options):
        _run(obj, name, ticket_id, at, fmt, times, staff, **options)

    func = pass_obj(run)
    for option in reversed(command.options):
        func = click.option(*_declaration(option), **_settings(option))(func)
    func = format_option(choices=("text", "json"), default="text")(func)
    func = at_option(func)
    func = ticket_argument(func)
    return click.command(name, help=command.help + (examples(*command.examples) if command.examples else ""))(func)


def _declaration(option) -> tuple[str, ...]:
    return (option.flag, option.dest) if option.dest else (option.flag,)


def _settings(option) -> dict:
    settings = {"required": option.required}
    if option.help:
        settings["help"] = option.help
    if option.metavar:
        settings["metavar"] = option.metavar
    if option.value == "flag":
        settings["is_flag"] = True
    elif option.value == "switch":
        settings["default"] = None  # neither --signed nor --unsigned: not stated
    elif option.value == "int":
        settings["type"] = Whole()
    elif option.value == "score":
        settings["type"] = Score()
    elif option.value == "amount":
        settings["type"] = Amount()
    if option.complete:
        settings["shell_complete"] = _COMPLETIONS.get(option.complete) or complete.vocabulary(option.complete)
    return settings


_COMPLETIONS = {"departments": complete.departments, "staff": complete.staff}


def _run(obj, verb: str, ticket_id: str, at, fmt: str, times, staff, **options) -> None:
    from ..operations import tickets
    from ..present import rows

    env = obj.env()
    # Times are read as typed, in the office's time zone; staff by id or name.
    options = {k: env.time(v) if k in times and v is not None else v for k, v in options.items()}
    options = {k: env.office.staff_id(v) if k in staff and v is not None else v for k, v in options.items()}
    ticket = tickets.act(env, verb, ticket_id, at=at, **options)
    view = env.view(ticket)
    if fmt == "json":
        click.echo(to_json(rows.ticket(view)))
    elif verb == "close" and options.get("temporary"):  # recorded as a close, but closes nothing
        click.echo(obj.say("{id}: temporary measure recorded, not closed: now {status}", id=ticket.id,
                           status=term("status", view.status)))
    else:
        click.echo(obj.say("{id} {verb}: now {status}", id=ticket.id, verb=term("verb", verb),
                           status=term("status", view.status)))
