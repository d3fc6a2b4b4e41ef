"""Pieces every command shares: the context object, common options, echo helpers."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import click

from . import complete
from .click_words import help_msg
from ..present.output import FORMATS, rendered

TIME_HELP = "When it happened (default: now), e.g. '2026-11-20 09:30'; office time unless an offset is given."


@dataclass
class Obj:
    records_dir: str | None
    user: str | None
    lang: str | None = None
    _env: object = field(default=None, repr=False)

    def env(self):
        from ..operations.env import Env

        if self._env is None:
            self._env = Env(self.records_dir, self.user, template_check=_office_template_problems)
        return self._env

    def reader_language(self) -> str:
        """The reader's language: --lang, SVCCTL_LANG, svcctl.yaml's language:, else Chinese;
        a language svcctl does not speak is refused."""
        from ..core.errors import UsageError
        from ..core.message import msg
        from ..present.i18n import normalise_language

        for value in (self.lang, os.environ.get("SVCCTL_LANG")):
            if value:
                if normalise_language(value) is None:
                    raise UsageError(msg('unknown language {value!r}: use zh (中文) or en (English)', value=value))
                return normalise_language(value)
        return self.env().office.language  # checked to be one of LANGUAGES when svcctl.yaml was read

    def language(self) -> str:
        """The reader's language, even when the records cannot be read (an error is being
        reported about them), or the one asked for is unknown (Chinese then)."""
        from ..core.errors import SvcError
        from ..present.i18n import DEFAULT

        try:
            return self.reader_language()
        except (SvcError, OSError, ValueError):
            return DEFAULT

    def desk(self, at: str | None = None):
        """Where this command's documents are filled in (``present.filled.Desk``): at the
        time typed (``at``), else the command's clock."""
        from ..present.filled import Desk

        env = self.env()
        return Desk(env.office, env.time(at) if at else env.now, self.reader_language(), env.records.root)

    def say(self, template: str, **args) -> str:
        """A sentence in the reader's language; ``template`` is the English msgid."""
        from ..core.message import msg
        from ..present.i18n import localise

        return localise(msg(template, **args), self.language())

    def localise(self, text) -> str:
        from ..present.i18n import localise

        return localise(text, self.language())


def _office_template_problems(records_root):
    # Loaded by the few commands that check templates, not by every command that opens the records.
    from ..present.documents import check

    return check(records_root)


pass_obj = click.make_pass_decorator(Obj)


class Amount(click.ParamType):
    """Money as typed: yuan exact to the fen, read as a Decimal before anything is looked up."""

    name = "amount"

    def convert(self, value, param, ctx):
        from decimal import Decimal, InvalidOperation

        try:
            amount = Decimal(str(value).strip())
            exact = amount.is_finite() and amount == amount.quantize(Decimal("0.01")) and len(amount.as_tuple().digits) <= 15
        except (InvalidOperation, ArithmeticError):
            exact = False
        if not exact or amount < 0:
            from ..core.message import msg

            self.fail(msg("{value!r}: give an amount of 0 or more with at most two decimals, e.g. 80 or 80.50",
                          value=value), param, ctx)
        return amount


class Whole(click.ParamType):
    """A whole number as typed (a score, a count), refused in the reader's words."""

    name = "integer"

    def convert(self, value, param, ctx):
        try:
            return int(str(value).strip())
        except ValueError:
            from ..core.message import msg

            self.fail(msg("{value!r} is not a whole number", value=value), param, ctx)


class Score(click.ParamType):
    """A callback's satisfaction: 1 to 5, or the word people say (满意 is 4)."""

    name = "score"

    def convert(self, value, param, ctx):
        from ..core.chinese_input import satisfaction
        from ..core.errors import UsageError

        if isinstance(value, int):
            return value
        try:
            return satisfaction(value)
        except UsageError as exc:
            self.fail(exc.message, param, ctx)  # a Message: worded in the reader's language when shown


def ticket_argument(func):
    """The TICKET_ID argument: a full id, or this month's by its serial (``A001``)."""
    return click.argument("ticket_id", shell_complete=complete.tickets, callback=_this_months)(func)


def _this_months(ctx: click.Context, param, value):
    from ..store.ids import in_month, is_serial

    if value is None or not is_serial(value):
        return value  # a full id needs no clock, and the records are opened only when a serial does
    return in_month(value, ctx.find_object(Obj).env().now)


class Named(click.ParamType):
    """A choice of stable keys typed as the key or its name in either language
    (``--status closed`` or ``--status 待回访``); passed on as the key."""

    def __init__(self, kind: str, keys):
        self.kind = kind
        self.keys = tuple(keys)
        self.name = kind

    def convert(self, value, param, ctx):
        from ..core.errors import UsageError
        from ..present.labels import parse

        try:
            return parse(self.kind, value, self.keys)
        except UsageError as exc:
            self.fail(exc.message, param, ctx)  # a Message: worded in the reader's language when shown

    def get_metavar(self, param, ctx=None):
        return "[" + "|".join(self.keys) + "]"

    def shell_complete(self, ctx, param, incomplete):
        return complete.items(self.keys, incomplete)


def names(kind: str, keys=None) -> str:
    """``open (待处理), closed (待回访)``: the keys of a choice and the Chinese names also
    accepted, for --help in either language."""
    from ..present.labels import choices

    return choices(kind, keys)


def format_option(default: str = "table", choices=FORMATS):
    return click.option("--format", "fmt", type=Named("format", choices), default=default, show_default=True,
                        help=help_msg("Output format: {choices}; JSON is the stable contract (see README).",
                                      choices=names("format", choices)))


def at_option(func):
    return click.option("--at", "at", metavar="TIME", help=TIME_HELP)(func)


def reveal_option(help_text: str = "Show names and phone numbers in full (supervisors and directors only)."):
    return click.option("--reveal", is_flag=True, help=help_text)


def examples(*lines: str) -> str:
    """An ``Examples:`` block that Click leaves unwrapped."""
    return "\n\n\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def emit(rows: list[dict], fmt: str, columns, lang: str, empty: str | None = None) -> None:
    """Print ``rows`` (see ``present.output.rendered``)."""
    echo(rendered(rows, fmt, columns, lang, empty))


def echo(text: str | None) -> None:
    """Print text made whole beforehand (``present.output.rendered``), when there is any."""
    if text is not None:
        click.echo(text, nl=False)
