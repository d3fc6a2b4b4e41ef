"""``svcctl check``: every record validated, each problem as ``path:line: message``.

Records are read through ``Records.read``, the same path every other command loads them
by, so a record that passes here is one they accept, and one they refuse is reported here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from .. import merge_driver
from ..core import roles, validate
from ..core.office import Office
from ..store.parallel import chunks
from ..store.ids import file_stem
from ..store.names import CONFIG
from ..store.records import Records
from .env import Env
from ..core.message import Message, msg


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return self.text()

    def text(self, localise=lambda message: message) -> str:
        """``path:line: message``; ``localise`` puts the message in the reader's language."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = localise(msg("warning: ")) if self.severity == "warning" else ""
        return f"{where}: {prefix}{localise(self.message)}"

    def said(self) -> Message:
        """``path:line: message`` as a message of its own, for a refusal that quotes it."""
        return msg("{file}: {pending}", file=f"{self.path}:{self.line}" if self.line else self.path,
                   pending=self.message)

    def to_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "message": self.message, "severity": self.severity}


def run(env: Env, only: set[str] | None = None, templates: bool = True) -> list[Problem]:
    """Every problem of every record; with ``only`` (paths inside the records folder) just
    those files, still checked against svcctl.yaml, the roster and the customers on file;
    the office's templates too unless ``templates`` is false (``template_problems``)."""
    records = env.records
    problems: list[Problem] = []

    def read(kind: str, inner: str, **context):
        data, _, found = records.read(kind, inner, **context)
        label = records.label(inner)
        problems.extend(Problem(label, line, message) for line, message in found)
        return data if not found else None

    config = read("config", CONFIG)
    # Without a valid svcctl.yaml tickets are still checked, but not against roster and departments.
    office = Office(config) if config is not None else None
    customer_ids = set(records.customer_ids())
    for path in records.handover_paths():
        inner = path.relative_to(records.root).as_posix()
        if only is None or inner in only:
            read("handover", inner, office=office)
    years = set()
    inners = records.ticket_inners()
    files = [("customer", f"customers/{cid}.yaml") for cid in sorted(customer_ids)]
    files += [("ticket", inner) for inner in inners]
    files = [(kind, inner) for kind, inner in files if only is None or inner in only]
    # Records are many and independent: checked on every core, reported in path order.
    setup = (str(records.root), config if office is not None else None, customer_ids)
    for found in chunks(_check_files, files, _check_setup, setup, "checking records"):
        for inner, line, message in found:
            problems.append(Problem(records.label(inner), line, message))
    for kind, inner in files:
        match = validate.TICKET_ID.match(file_stem(inner)) if kind == "ticket" else None
        if match and 2000 <= int(match.group(1)) <= 2100:
            years.add(int(match.group(1)))
    if only is None and templates:
        problems.extend(template_problems(env))
    if only is None:
        problems = _with_trust_problems(records, problems, office, customer_ids)
    if office is not None:
        calendar = office.calendar
        # Deadlines of tickets taken in now run into the next weeks (a callback is due up to
        # 14 days after a close): late in December, next year's schedule already matters.
        for year in sorted(years | {env.now.year, (env.now + timedelta(days=30)).year}):
            if not calendar.schedule_published(year):
                problems.append(Problem(
                    records.label(CONFIG), None,
                    msg('no published holiday schedule (调休) for {year} in the holidays package: working days of {year} follow weekends and fixed holidays only; add the State Council schedule under calendar: in svcctl.yaml (holidays, workdays) and list {year} under calendar: schedule_years, or upgrade holidays', year=year),
                    "warning"))
    if only is None and records.toplevel is not None and merge_driver.out_of_date(records.top, records.setting("merge.svcctl.driver")):
        problems.append(Problem(".git/config", None, msg("merge.svcctl.driver is not the line this svcctl registers: one an older svcctl registered lets files committed into the records run as you when git merges; run 'svcctl sync', or any command that records a change, to replace it"), "warning"))
    return problems


def suggestions(env: Env) -> list[Message]:
    """Advice on a valid roster, not a problem with the records: a role an older svcctl had
    no word for (core.roles.suggestion). None while svcctl.yaml itself is a problem."""
    from ..core.errors import SvcError

    try:
        config = env.office.config
    except SvcError:
        return []
    return [said for said in map(roles.suggestion, config.get("staff") or ()) if said]


def template_problems(env: Env) -> list[Problem]:
    """The office's templates, each filled in with sample data within its time limit
    (``Env.template_check``); none when the caller checks no templates."""
    if env.template_check is None:
        return []
    return [Problem(path, line, message, severity)
            for path, line, message, severity in env.template_check(env.records.root)]


def _with_trust_problems(records, problems: list[Problem], office, customers: set) -> list[Problem]:
    """``problems`` and what the records folder holds beyond svcctl's layout (a link, a file
    of no use to svcctl) and tickets rewritten since this PC last shared them; a path named
    as out of place is not named again for what lies in it or for its contents."""
    from . import layout, rewrites

    scanned = layout.scan(records.root)
    found = [Problem(records.label(inner), None, message) for inner, message in scanned]
    # Template problems are named from the records folder, record problems by label.
    named = {name for inner, _ in scanned for name in (inner, records.label(inner))}
    below = tuple(f"{name}/" for name in named)
    kept = [p for p in problems if p.path not in named and not p.path.startswith(below)]
    found += [Problem(records.label(inner), None, message) for inner, message in rewrites.problems(records, office, customers)]
    return kept + found


_CHECKING: dict = {}


def _check_setup(root: str, config: dict | None, customer_ids: set) -> None:
    records = Records(Path(root))
    _CHECKING.update(records=records, office=Office(config) if config is not None else None, customers=customer_ids)


def _check_files(files: list[tuple[str, str]]) -> list[tuple]:
    """(inner, line, message) for every problem of these (kind, inner) record files."""
    records, office, customers = _CHECKING["records"], _CHECKING["office"], _CHECKING["customers"]
    found = []
    for kind, inner in files:
        context = {"office": office, "customers": customers} if kind == "ticket" else {}
        found += [(inner, line, message) for line, message in records.read(kind, inner, **context)[2]]
    return found
