"""Rendering rows as an aligned table (CJK-aware), JSON or CSV."""
from __future__ import annotations

import csv
import io
import json

import click

FORMATS = ("table", "json", "csv")

# Control characters (but line feeds and tabs), line and paragraph separators, and bytes
# that were not UTF-8 are shown as escapes: they must never act on the terminal.
_ESCAPES = {c: f"\\u{c:04x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029] if c not in (9, 10)}
_ESCAPES.update({c: f"\\x{c - 0xDC00:02x}" for c in range(0xDC80, 0xDD00)})


def shown(text: str) -> str:
    return text.translate(_ESCAPES)


def one_line(text: str) -> str:
    """A message as one line: its line breaks written as \\n."""
    return shown(str(text).replace("\r\n", "\n").replace("\n", "\\n").replace("\r", "\\r"))


class ShownStream:
    """A text stream that writes everything through ``shown``."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        return self._stream.write(shown(text) if isinstance(text, str) else text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def to_json(data) -> str:
    if isinstance(data, list) and data and all(isinstance(r, dict) and _flat(r) for r in data):
        # The same text json.dumps(indent=2) gives, made row by row by the C encoder: a
        # listing of thousands of rows is printed by every cron run.
        dumps = json.JSONEncoder(ensure_ascii=False).encode
        return "[\n" + ",\n".join(
            "  {\n" + ",\n".join(f"    {dumps(k)}: {dumps(v)}" for k, v in row.items()) + "\n  }" if row else "  {}"
            for row in data) + "\n]"
    return json.dumps(data, ensure_ascii=False, indent=2)


def _flat(row: dict) -> bool:
    return all(isinstance(k, str) and (v is None or isinstance(v, (str, int, float, bool))) for k, v in row.items())


def table(rows: list[dict], columns, lang: str | None = None) -> str:
    """An aligned table; ``columns`` are ``present.tables.Column`` (named in ``lang``) or
    ``(key, title)`` pairs whose titles and cells are already words."""
    import tabulate

    from ..present.tables import body, cell

    tabulate.WIDE_CHARS_MODE = True  # wcwidth: a Chinese character takes two columns
    if lang is None:
        titles, cells = [title for _, title in columns], [[cell(r.get(k)) for k, _ in columns] for r in rows]
    else:
        titles, cells = body(rows, columns, lang)
    return tabulate.tabulate(cells, headers=titles, tablefmt="simple", disable_numparse=True)


def emit(rows: list[dict], fmt: str, columns, lang: str, empty: str | None = None) -> None:
    """Print ``rows``; JSON and CSV carry every field (stable keys), the table only ``columns``
    in the reader's language. ``empty`` is said (in the table format) when there are no rows."""
    if fmt == "json":
        click.echo(to_json(rows))
    elif fmt == "csv":
        buffer = io.StringIO()
        fields = list(rows[0]) if rows else [c.key for c in columns]
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v for k, v in r.items()})
        click.echo(buffer.getvalue(), nl=False)
    elif rows:
        click.echo(table(rows, columns, lang))
    elif empty:
        click.echo(empty)
