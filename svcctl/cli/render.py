"""Rendering rows as an aligned table (CJK-aware), JSON or CSV."""
from __future__ import annotations

import csv
import io
import json
import re

import click

FORMATS = ("table", "json", "csv")
_ISO_TIME = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d):\d\d[+-]\d\d:\d\d$")


def to_json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def table(rows: list[dict], columns: list[tuple[str, str]]) -> str:
    import tabulate

    tabulate.WIDE_CHARS_MODE = True  # wcwidth: a Chinese character takes two columns
    body = [[cell(r.get(key)) for key, _ in columns] for r in rows]
    return tabulate.tabulate(body, headers=[title for _, title in columns], tablefmt="simple",
                             disable_numparse=True)


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else ""
    text = str(value)
    match = _ISO_TIME.match(text)
    # Tables are read by people: times in office time to the minute; JSON and CSV keep ISO 8601.
    return f"{match.group(1)} {match.group(2)}" if match else text


def emit(rows: list[dict], fmt: str, columns: list[tuple[str, str]], empty: str | None = None) -> None:
    """Print ``rows``; JSON and CSV carry every field, the table only ``columns``."""
    if fmt == "json":
        click.echo(to_json(rows))
    elif fmt == "csv":
        buffer = io.StringIO()
        fields = list(rows[0]) if rows else [key for key, _ in columns]
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v for k, v in r.items()})
        click.echo(buffer.getvalue(), nl=False)
    elif rows:
        click.echo(table(rows, columns))
    elif empty:
        click.echo(empty)
