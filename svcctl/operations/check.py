"""``svcctl check``: every record validated, each problem as ``path:line: message``."""
from __future__ import annotations

from dataclasses import dataclass

from ..core import validate
from ..core.errors import BrokenRecord, SvcError
from ..store.records import CONFIG, locate, read_record, ticket_rel
from .env import Env


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"

    def to_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "message": self.message, "severity": self.severity}


def _read(records, inner: str, problems: list):
    label = records.label(inner)
    try:
        data, text = read_record(records.root / inner, label)
    except BrokenRecord as broken:
        problems.append(Problem(label, broken.line, broken.problem))
        return None, None, label
    return data, text, label


def _report(problems: list, label: str, text: str, found: list) -> None:
    for path, message in found:
        problems.append(Problem(label, locate(text, path), message))


def run(env: Env) -> list[Problem]:
    records = env.records
    problems: list[Problem] = []
    config, text, label = _read(records, CONFIG, problems)
    roster = scheme = None
    if config is not None:
        found = validate.config(config)
        _report(problems, label, text, found)
        if not found:
            roster = {s["id"] for s in config["staff"]}
            scheme = (config.get("policy") or {}).get("complaint_scheme", "standard")
    customer_ids = set()
    for cid in records.customer_ids():
        data, text, label = _read(records, records.customer_inner(cid), problems)
        customer_ids.add(cid)
        if data is not None:
            _report(problems, label, text, validate.customer(data, cid))
    years = set()
    for path in records.ticket_paths():
        inner = path.relative_to(records.root).as_posix()
        data, text, label = _read(records, inner, problems)
        if data is None:
            continue
        found = validate.ticket(data, path.stem, roster, customer_ids, scheme)
        try:
            if ticket_rel(path.stem) != inner:
                found.append((("id",), f"file is in the wrong folder: expected {ticket_rel(path.stem)}"))
            years.add(int(path.stem[:4]))
        except SvcError:
            found.append((("id",), f"file name {path.name} is not a ticket id (like 202611-A007.yaml)"))
        _report(problems, label, text, found)
    if config is not None and not any(p.path == records.label(CONFIG) for p in problems):
        calendar = records.office.calendar
        for year in sorted(years | {env.now.year}):
            if not calendar.schedule_published(year):
                problems.append(Problem(
                    records.label(CONFIG), None,
                    f"no published holiday schedule (调休) for {year} in the holidays package: working days of {year} "
                    "follow weekends and fixed holidays only; add the State Council schedule under calendar: in svcctl.yaml "
                    "or upgrade holidays",
                    "warning"))
    return problems
