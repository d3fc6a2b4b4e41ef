"""Pieces every command shares: the context object, common options, echo helpers."""
from __future__ import annotations

from dataclasses import dataclass

import click

from .render import FORMATS

TIME_HELP = "When it happened (default: now), e.g. '2026-11-20 09:30'; office time unless an offset is given."


@dataclass
class Obj:
    records_dir: str | None
    user: str | None
    lang: str | None = None

    def env(self):
        from ..operations.env import Env

        return Env(self.records_dir, self.user, lang=self.lang)


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
            self.fail(f"{value!r}: give an amount of 0 or more with at most two decimals, e.g. 80 or 80.50",
                      param, ctx)
        return amount


def format_option(default: str = "table", choices=FORMATS):
    return click.option("--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
                        help="Output format; JSON is the stable contract (see README).")


def at_option(func):
    return click.option("--at", "at", metavar="TIME", help=TIME_HELP)(func)


def examples(*lines: str) -> str:
    """An ``Examples:`` block that Click leaves unwrapped."""
    return "\n\n\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)
