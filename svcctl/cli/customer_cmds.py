"""``svcctl customer``: one file per customer (一户一档)."""
from __future__ import annotations

import click

from .common import emit, examples, format_option, pass_obj
from ..present.output import to_json
from ..core.message import msg

COLUMNS = [("id", "ID"), ("name", "Name"), ("units", "Units"), ("phones", "Phones")]
REVEAL_HELP = "Show full phone numbers (personal data: only when needed)."


def register(cli: click.Group) -> None:
    cli.add_command(customer)


@click.group(help="Customer files: add, show, list, find, edit. Phones are masked unless --reveal.")
def customer():
    """The customer commands (一户一档)."""


@customer.command(help="Add a customer. Refuses a phone or unit already on file unless --force." + examples(
    "svcctl customer add --name 陈先生 --phone 13800138000 --unit 3-2-1502",
    "svcctl customer add --name 林女士 --phone 13900000001 --unit 翠苑/5-1-301 --unit 翠苑/5-1-302"))
@click.option("--name", required=True)
@click.option("--phone", "phones", multiple=True, help="Repeat for several numbers.")
@click.option("--unit", "units", multiple=True, required=True, help="building-unit-room, e.g. 3-2-1502; repeat for several.")
@click.option("--notes")
@click.option("--force", is_flag=True, help="Add even though the phone or unit is already on file.")
@pass_obj
def add(obj, name, phones, units, notes, force):
    from ..operations import customers

    data = customers.add(obj.env(), name=name, phones=list(phones), units=list(units), notes=notes, force=force)
    click.echo(data["id"])


@customer.command(help="Show one customer file and their tickets. Phones are masked unless one of the "
                  "customer's tickets is yours to call back or visit, or a supervisor or director asks with "
                  "--reveal (each is noted in 'svcctl audit')." + examples("svcctl customer show C-A001 --reveal"))
@click.argument("customer_id")
@click.option("--reveal", is_flag=True, help=REVEAL_HELP)
@format_option(choices=("text", "json"), default="text")
@pass_obj
def show(obj, customer_id, reveal, fmt):
    from ..operations import customers, tickets
    from ..present import rows

    from ..present.labels import label

    from ..operations import audit
    from ..present import disclosure

    env = obj.env()
    reveal = env.reveal(reveal)
    record = env.records.customer(customer_id)
    views = tickets.select(env, customer=customer_id)
    shown = disclosure.customer_show(env.actor(), views, reveal)
    data = customers.public(record, shown.full)
    own = [rows.listing(v) for v in views]
    if shown.full:
        audit.shown(env, "customer show", customer=record["id"], revealed=reveal)
    if fmt == "json":
        click.echo(to_json({**data, "tickets": own}))
        return
    lang = obj.reader_language()
    click.echo(f"{data['id']}  {data['name']}")
    click.echo(obj.say("units:  {units}", units=", ".join(data["units"])))
    click.echo(obj.say("phones: {phones}", phones=", ".join(data["phones"]) or "-"))
    if data["notes"]:
        click.echo(obj.say("notes:  {notes}", notes=data["notes"]))
    click.echo(obj.say("tickets: {count}", count=len(own)))
    for r in own:
        click.echo(f"  {r['id']}  {label('type', r['type'], lang)}  {label('status', r['status'], lang)}  {r['summary']}")


@customer.command("list", help="List customers." + examples("svcctl customer list", "svcctl customer list --format csv"))
@click.option("--reveal", is_flag=True, help=REVEAL_HELP)
@format_option()
@pass_obj
def list_(obj, reveal, fmt):
    from ..operations import customers

    from ..present import tables

    env = obj.env()
    reveal = env.reveal(reveal)
    rows = [customers.public(c, reveal) for c in env.records.customers()]
    if reveal:  # every customer on file: one line says so
        from ..operations import audit

        audit.shown(env, "customer list", customer="*", revealed=True)
    emit(rows, fmt, tables.CUSTOMERS, obj.reader_language(), empty=obj.say("no customers on file"))


@customer.command(help="Find customers by unit, name, or a phone number or its last four digits (all given criteria must match)." + examples(
    "svcctl customer find 3-2-1502", "svcctl customer find --phone 8000", "svcctl customer find 陈"))
@click.argument("text", required=False)
@click.option("--unit")
@click.option("--name")
@click.option("--phone", help="The full number or its last four digits (what a masked number shows).")
@click.option("--reveal", is_flag=True, help=REVEAL_HELP)
@format_option()
@pass_obj
def find(obj, text, unit, name, phone, reveal, fmt):
    from ..core.errors import UsageError
    from ..operations import customers

    if not any((text, unit, name, phone)):
        raise UsageError(msg('say what to look for: a unit, a name, or a phone number or its last four digits'))
    from ..present import tables

    env = obj.env()
    reveal = env.reveal(reveal)
    found = customers.find(env, unit=unit, name=name, phone=phone, text=text)
    rows = [customers.public(c, reveal) for c in found]
    if reveal:
        from ..operations import audit

        for c in found:
            audit.shown(env, "customer find", customer=c["id"], revealed=True)
    emit(rows, fmt, tables.CUSTOMERS, obj.reader_language(), empty=obj.say("no matching customer"))


@customer.command(help="Change a customer file." + examples(
    "svcctl customer edit C-A001 --add-phone 13700000000",
    "svcctl customer edit C-A001 --add-unit 3-2-1503 --notes '两套房'"))
@click.argument("customer_id")
@click.option("--name")
@click.option("--add-phone", multiple=True)
@click.option("--remove-phone", multiple=True)
@click.option("--add-unit", multiple=True)
@click.option("--remove-unit", multiple=True)
@click.option("--notes", help="Replace the notes ('' clears them).")
@click.option("--force", is_flag=True, help="Allow a phone or unit another customer has.")
@pass_obj
def edit(obj, customer_id, name, add_phone, remove_phone, add_unit, remove_unit, notes, force):
    from ..operations import customers

    customers.edit(obj.env(), customer_id, name=name, add_phones=add_phone, remove_phones=remove_phone,
                   add_units=add_unit, remove_units=remove_unit, notes=notes, force=force)
    click.echo(obj.say("updated {id}", id=customer_id))
