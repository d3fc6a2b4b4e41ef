"""The supervisor's reports: the office's figures for a week, a month or any span of days."""
from __future__ import annotations

from datetime import datetime

from ..core.errors import UsageError
from ..core.message import msg
from ..reports import figures, periods
from .env import Env

KINDS = {"weekly": "week", "monthly": "month", "complaints": "month"}


def households(env: Env) -> int:
    """svcctl.yaml's ``households:``, else the units in the customer files (一户一档)."""
    if env.office.households:
        return env.office.households
    return len({unit for customer in env.records.customers() for unit in customer.get("units") or ()})


def basis(env: Env) -> figures.Basis:
    office = env.office
    settings = figures.Settings(
        first_fix_window=office.report_window("first_fix_window", "14 days"),
        recurring_window=office.report_window("recurring_window", "90 days"),
    )
    return figures.Basis(office.policy, office.calendar, office.departments, tuple(office.roster),
                         households(env), settings)


def period(env: Env, kind: str, *, week=None, month=None, first=None, last=None) -> periods.Period:
    return periods.choose(KINDS[kind], env.office.tz, env.now, week=week, month=month, first=first, last=last)


def run(env: Env, kind: str, chosen: periods.Period, as_of: datetime | None = None) -> figures.Report:
    """The report of ``chosen`` read at ``as_of`` (default now); a period not yet over is
    reported so far and marked as running."""
    when = as_of or env.now
    if when > env.now:
        raise UsageError(msg("--as-of {when} is in the future: a report reads what has happened", when=f"{when:%Y-%m-%d %H:%M}"))
    if chosen.start >= when:
        raise UsageError(msg("the period {period} has not begun by {when}", period=chosen.key, when=f"{when:%Y-%m-%d %H:%M}"))
    return figures.report(kind, env.records.tickets(), basis(env), chosen, when)
