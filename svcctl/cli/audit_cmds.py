"""``svcctl audit``: who was shown a customer's name and full phone, when, and where."""
from __future__ import annotations

import click

from .common import emit, examples, format_option, pass_obj


def register(cli: click.Group) -> None:
    cli.add_command(audit)


@click.command(help="The audit log of personal data shown in full (supervisors and directors only): every "
               "--reveal and every document printed with a customer's name and full phone, with who, when, "
               "which ticket or customer and which output. Kept in .git on this PC, never committed." + examples(
                   "svcctl audit", "svcctl audit --customer C-A001", "svcctl audit --by li --format json"))
@click.option("--ticket", metavar="ID", help="Only showings of this ticket's customer.")
@click.option("--customer", metavar="ID", help="Only showings of this customer.")
@click.option("--by", metavar="STAFF", help="Only what this staff member was shown.")
@format_option()
@pass_obj
def audit(obj, ticket, customer, by, fmt):
    from ..operations import audit as audit_log
    from ..present.audit_table import AUDIT

    rows = audit_log.entries(obj.env(), ticket=ticket, customer=customer, by=by)
    emit(rows, fmt, AUDIT, obj.reader_language(), empty=obj.say("no personal data has been shown in full"))
