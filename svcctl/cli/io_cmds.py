"""``svcctl import`` and ``svcctl export``: the owners' register and old ledgers in Excel."""
from __future__ import annotations

import sys
from contextlib import contextmanager

import click

from .click_words import help_msg
from .common import examples, format_option, pass_obj
from ..store.sheet_limits import MAX_ROWS
from ..present.output import to_json

ENCODING_HELP = "Encoding of a .csv file (default: UTF-8 with or without BOM, else GBK, detected)."
MAP_HELP = ("FIELD=HEADER names the column of a field (unit=房屋编号); FIELD:VALUE=TARGET translates a "
            "value (department:水电组=维修部). Repeatable.")


def register(cli: click.Group) -> None:
    cli.add_command(import_)
    cli.add_command(export)


@contextmanager
def _bar(label: str, total: int):
    """A progress bar on a terminal's stderr; nothing at all when stderr is not a terminal."""
    if not sys.stderr.isatty() or total < 200:
        yield lambda n=1: None
        return
    # Straight to the terminal: the bar draws with its codes (\r, ESC[?25l), which the escaping
    # stderr would print as text, and its words are svcctl's own.
    with click.progressbar(length=total, label=f"{label:<9}", file=sys.__stderr__, show_eta=True) as bar:
        yield lambda n=1: bar.update(n)


def _options(func):
    for option in reversed([
        click.argument("file", type=click.Path(dir_okay=False)),
        click.option("--encoding", help=ENCODING_HELP),
        click.option("--map", "maps", multiple=True, metavar="SPEC", help=MAP_HELP),
        click.option("--sheet", help="The sheet of an .xlsx workbook to read (default: the first)."),
        click.option("--skip-bad", is_flag=True, help="Import the rows that can be read and list the others."),
        click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing."),
        click.option("--max-rows", type=click.IntRange(min=1), metavar="N",
                     help=help_msg("Read at most N rows (default {rows}; more needs a supervisor or director).",
                                   rows=f"{MAX_ROWS:,}")),
        format_option(choices=("text", "json"), default="text"),
    ]):
        func = option(func)
    return func


@click.group("import", help="Bring an office's existing records in from Excel (.xlsx) or CSV: the owners' "
             "register, and old request ledgers. One commit per import; nothing written unless every "
             "row is accepted (or --skip-bad).")
def import_():
    """The import commands."""


@import_.command("customers", help="Import the owners' register (业主档案). Columns are found by header "
                 "(姓名/name, 电话/手机/phone, 房号/unit or 楼栋+单元+房号, 备注/notes, 编号/id) or named with --map. "
                 "Rows with the same name and phone become one customer with all their units; a phone or "
                 "unit already on file is added to that customer, never filed twice." + examples(
                     "svcctl import customers samples/owners-register.csv --dry-run",
                     "svcctl import customers 业主档案.xlsx --map 'unit=房屋编号' --skip-bad",
                     "svcctl import customers owners.csv --encoding gbk"))
@_options
@pass_obj
def import_customers(obj, file, encoding, maps, sheet, skip_bad, dry_run, max_rows, fmt):
    from ..operations import imports

    _run(lambda: imports.import_customers(obj.env(), file, encoding=encoding, maps=maps, sheet=sheet,
                                          skip_bad=skip_bad, dry_run=dry_run, max_rows=max_rows,
                                          progress=_bar), fmt, obj)


@import_.command("tickets", help="Import an old request ledger (来电来访登记表, 报修登记表): each row becomes a "
                 "ticket received at its own time, with its dispatch, close and callback as events at the "
                 "times the ledger gives, through the same workflow rules as the commands. Ids take the "
                 "month received. Unknown types, departments or staff are refused by row unless mapped." + examples(
                     "svcctl import tickets 报修登记表2025.xlsx --type repair --dry-run",
                     "svcctl import tickets ledger.csv --map 'department:水电组=维修部' --map 'staff:小李=li'",
                     "svcctl import tickets ledger.xlsx --sheet 2025 --skip-bad --format json"))
@_options
@click.option("--type", "default_type", help="Type of every row without one (e.g. repair for a 报修登记表).")
@pass_obj
def import_tickets(obj, file, encoding, maps, sheet, skip_bad, dry_run, max_rows, fmt, default_type):
    from ..operations import imports

    _run(lambda: imports.import_tickets(obj.env(), file, encoding=encoding, maps=maps, sheet=sheet,
                                        skip_bad=skip_bad, dry_run=dry_run, default_type=default_type,
                                        max_rows=max_rows, progress=_bar), fmt, obj)


def _run(do, fmt: str, obj) -> None:
    from ..operations.imports import ImportRefused

    try:
        outcome = do()
    except ImportRefused as refused:
        _report(refused.outcome, fmt, obj, refused=True)
        raise
    _report(outcome, fmt, obj)


def _report(outcome, fmt: str, obj, refused: bool = False) -> None:
    if fmt == "json":
        click.echo(to_json(outcome.to_dict()))
        return
    from ..present.labels import label

    say, lang = obj.say, obj.language()
    line = say("{file}: {rows} rows", file=outcome.file, rows=outcome.rows)
    if outcome.encoding:
        line += f", {outcome.encoding}"
    if outcome.blank:
        line += say(", {blank} blank", blank=outcome.blank)
    click.echo(line)
    if outcome.kind == "tickets":
        by_type: dict = {}
        for _, kind, _status in outcome.tickets:
            by_type[kind] = by_type.get(kind, 0) + 1
        kinds = ", ".join(f"{label('type', k, lang)} {n}" for k, n in sorted(by_type.items()))
        click.echo(say("  tickets     {count}", count=len(outcome.tickets)) + (f"  ({kinds})" if kinds else ""))
        if outcome.tickets:
            ids = sorted(t for t, _, _ in outcome.tickets)
            click.echo(f"              {ids[0]} … {ids[-1]}" if len(ids) > 1 else f"              {ids[0]}")
    new = outcome.new
    click.echo(say("  new customers {count}", count=len(new))
               + (f"  ({new[0]} … {new[-1]})" if len(new) > 1 else f"  ({new[0]})" if new else ""))
    if outcome.kind == "customers":
        click.echo(say("  updated     {count}", count=len(outcome.updated)))
        for cid, added in outcome.updated:
            click.echo(f"    {cid}: {obj.localise(added)}")
        click.echo(say("  on file     {count} (nothing new)", count=len(outcome.unchanged)))
    if outcome.bad:
        click.echo(say("  bad rows    {count}", count=len(outcome.bad)))
        for row, reason in outcome.bad:
            click.echo(say("    row {row}: {reason}", row=row, reason=reason))
    if refused:
        click.echo(say("refused: nothing written (the ids above are what the import would have used)"))
    elif outcome.dry_run:
        click.echo(say("dry run: nothing written"))
    elif outcome.commit:
        skipped = say("; bad rows skipped: {count}", count=len(outcome.bad)) if outcome.bad else ""
        click.echo(say("imported in one commit {commit}", commit=outcome.commit[:10]) + skipped)
    elif outcome.kind == "customers":
        click.echo(say("nothing new: every customer is on file already"))
    else:
        click.echo(say("nothing to import"))


@click.group(help="Write customers or tickets to a spreadsheet in the columns 'svcctl import' reads. "
             "Phone numbers are masked unless a supervisor or director adds --reveal.")
def export():
    """The export commands."""


def _export_options(func):
    for option in reversed([
        click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), metavar="FILE",
                     help="FILE.xlsx or FILE.csv"),
        click.option("--reveal", is_flag=True, help="Full phone numbers (supervisor or director only)."),
        click.option("--encoding", help="Encoding of a .csv file (default utf-8-sig, which Excel opens; or gbk)."),
    ]):
        func = option(func)
    return func


@export.command("customers", help="Export every customer file (columns 编号, 姓名, 电话, 房号, 备注)." + examples(
    "svcctl export customers -o 业主档案.xlsx", "svcctl export customers -o owners.csv --reveal --as zhao"))
@_export_options
@pass_obj
def export_customers(obj, output, reveal, encoding):
    from ..operations import exports

    env = obj.env()
    count = exports.export_customers(env, output, reveal=reveal, encoding=encoding)
    if reveal:  # allowed, or the export was refused: every customer's phone left in full
        from ..operations import audit

        audit.shown(env, "export customers", customer="*", revealed=True)
    click.echo(obj.say("{count} customers written to {output}", count=count, output=output)
               + ("" if reveal else obj.say(" (phones masked)")))


@export.command("tickets", help="Export tickets, one row each: received time, type, unit, customer id, "
                "dispatch, close and callback. No names or phone numbers." + examples(
                    "svcctl export tickets -o tickets-2026.xlsx --since 2026-01-01",
                    "svcctl export tickets -o november.csv --since 2026-11-01 --until 2026-11-30"))
@_export_options
@click.option("--since", metavar="TIME", help="Received at or after.")
@click.option("--until", metavar="TIME", help="Received at or before.")
@pass_obj
def export_tickets(obj, output, reveal, encoding, since, until):
    from ..operations import exports

    count = exports.export_tickets(obj.env(), output, reveal=reveal, encoding=encoding, since=since, until=until)
    click.echo(obj.say("{count} tickets written to {output}", count=count, output=output))
