"""The supervisor's reports: weekly, monthly, complaint statistics; and the shift handover."""
from __future__ import annotations

import click

from ..core.message import msg

from .common import Named, Whole, examples, pass_obj

REPORT_FORMATS = ("table", "markdown", "json", "csv", "html")


def register(cli: click.Group) -> None:
    cli.add_command(report)
    cli.add_command(handover)


@click.group(help="Figures a director can quote: on-time and callback rates, satisfaction, first-time fixes, "
             "volume, complaints, recurring problems, backlog; against the previous period, with a 12-period "
             "trend. A period that has ended always gives the same figures." + examples(
                 "svcctl report weekly                       # this week so far",
                 "svcctl report weekly --week 2026-W47",
                 "svcctl report monthly --month 上月 --format html -o 月报.html",
                 "svcctl report complaints --month 2026-10 --format markdown"))
def report():
    """The report commands."""


def _options(period_option):
    return lambda func: _with_options(func, period_option)


def _with_options(func, period_option):
    func = click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of the screen.")(func)
    func = click.option("--format", "fmt", type=Named("format", REPORT_FORMATS),
                        help="table (表格, the default), markdown, json (the stable contract, see README), csv, "
                             "or html (网页: one printable A4 page set, self-contained); with -o and no --format, "
                             "taken from the file's ending (.html, .csv, .json, .md).")(func)
    func = click.option("--as-of", "as_of", metavar="TIME",
                        help="Read the records as they stood at TIME (default: now).")(func)
    func = click.option("--to", "last", metavar="DATE", help="Last day of a span of days (included).")(func)
    func = click.option("--from", "first", metavar="DATE", help="First day of a span of days (with --to).")(func)
    return period_option(func)


_week = click.option("--week", metavar="WEEK", help="2026-W47, last (上周) or this (本周) (default: this week so far).")
_month = click.option("--month", metavar="MONTH", help="2026-11 (or 2026年11月), last (上月) or this (本月) "
                      "(default: this month so far).")


def _run(obj, kind: str, fmt: str, output: str | None, as_of: str | None, **chosen) -> None:
    from ..operations import reports

    env = obj.env()
    period = reports.period(env, kind, **chosen)
    figures = reports.run(env, kind, period, env.time(as_of) if as_of else None)
    _emit(env, obj.reader_language(), figures, fmt, output)


_ENDINGS = {".html": "html", ".htm": "html", ".csv": "csv", ".json": "json", ".md": "markdown"}


def _emit(env, lang: str, figures, fmt: str | None, output: str | None) -> None:
    from pathlib import Path

    from ..core.errors import UsageError
    from ..operations.customers import known_on_file_of
    from ..present.report_data import customers_of
    from ..present.report_formats import report_text

    if output and not Path(output).expanduser().parent.is_dir():
        raise UsageError(msg("-o {output}: the folder {folder} does not exist", output=output,
                             folder=str(Path(output).expanduser().parent)))
    fmt = fmt or (_ENDINGS.get(Path(output).suffix.lower()) if output else None) or "table"
    text = report_text(figures, fmt, lang, env.office, env.records.root, known_on_file_of(env, customers_of(figures)))
    if output:
        from ..core.errors import SvcError
        from ..store.txn import atomic_write

        try:
            atomic_write(Path(output), text)
        except OSError as exc:
            raise SvcError(msg("cannot write {output}: {error}", output=output, error=exc.strerror or str(exc))) from None
        click.echo(output, err=True)
    else:
        click.echo(text, nl=False)


def _report_command(kind: str, period_option, help_text: str) -> click.Command:
    @report.command(kind, help=help_text)
    @_options(period_option)
    @pass_obj
    def command(obj, fmt, output, as_of, **chosen):
        _run(obj, kind, fmt, output, as_of, **chosen)

    return command


weekly = _report_command("weekly", _week, help_text="The week's figures (rules §9: reviewed every Friday). A week runs "
                         "Monday 00:00 to the next Monday 00:00." + examples(
                             "svcctl report weekly", "svcctl report weekly --week 2026-W47",
                             "svcctl report weekly --week 上周 --format markdown -o 周报.md",
                             "svcctl report weekly --from 2026-11-16 --to 2026-11-22 --format json"))
monthly = _report_command("monthly", _month, help_text="The month's figures: repairs, callbacks and complaints counted and "
                          "analysed, recurring problems listed (rules §9)." + examples(
                              "svcctl report monthly", "svcctl report monthly --month 2026-11",
                              "svcctl report monthly --month 上月 --format html -o 月报.html",
                              "svcctl report monthly --month 2026-10 --format csv -o 2026-10.csv"))
complaints = _report_command("complaints", _month, help_text="Complaint statistics of a month, due by the 10th of the next "
                             "(rules §9): by grade, per 100 households, on time, called back, open at the month "
                             "end, recurring by building." + examples(
                                 "svcctl report complaints --month 上月",
                                 "svcctl report complaints --month 2026-10 --format html -o 投诉统计.html"))


@click.command(help="What the next shift must pick up (rules §10 交接班): urgent (a deadline missed or "
               "warned, or due within the shift), normal, and waiting (paused, or an appointment after the "
               "shift), each with the action to take; then what changed (new, closed, escalated, reopened) "
               "since the last recorded handover. --record commits the handover, so the next one starts where "
               "this one ended and a supervisor sees it in git log." + examples(
                   "svcctl handover", "svcctl handover --shift-hours 12 --format json",
                   "svcctl handover --record --to zhao --note '8栋噪音投诉今晚需回电'"))
@click.option("--shift-hours", type=Whole(), default=8, show_default=True, help="Length of the next shift.")
@click.option("--record", "record_it", is_flag=True, help="Commit this handover as a record (handovers/).")
@click.option("--to", "to", metavar="STAFF", help="Who takes over (with --record).")
@click.option("--note", metavar="TEXT", help="A note for the next shift (with --record).")
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True,
              help="Output format; JSON is the stable contract (see README).")
@pass_obj
def handover(obj, shift_hours, record_it, to, note, fmt):
    from ..core.errors import UsageError
    from ..operations import handover as ops
    from ..operations.customers import known_on_file_of
    from ..present import handover as view
    from ..present import i18n
    from ..present.output import to_json

    env = obj.env()
    if not record_it and (to or note):
        raise UsageError(msg("--to and --note go with --record"))
    if record_it:
        board, recorded = ops.record(env, shift_hours, to, note)
    else:
        board, recorded = ops.board(env, shift_hours), None
    on_file = known_on_file_of(env, view.customers_of(board))
    if fmt == "json":
        click.echo(to_json(view.data(board, recorded, on_file)))
    else:
        office = env.office
        click.echo(view.text(board, i18n.words(obj.reader_language()), office.tz, office.roster, recorded, on_file),
                   nl=False)
