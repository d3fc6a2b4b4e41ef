"""Rendering rows as an aligned table (CJK-aware), JSON or CSV."""
from __future__ import annotations

import io
import json
from json.encoder import encode_basestring  # the C encoder's, as ensure_ascii=False uses

import click

from ..present.escapes import one_line, shown  # noqa: F401  (what the commands print through)

FORMATS = ("table", "json", "csv")


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
        # The same text json.dumps(indent=2) gives, made row by row: a listing of thousands
        # of rows is printed by every cron run, and the indenting encoder is pure Python.
        return "[\n" + ",\n".join(
            "  {\n" + ",\n".join(f"    {encode_basestring(k)}: {_scalar(v)}" for k, v in row.items()) + "\n  }"
            if row else "  {}" for row in data) + "\n]"
    return json.dumps(data, ensure_ascii=False, indent=2)


def _scalar(value) -> str:
    if value.__class__ is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return json.dumps(value)


def _flat(row: dict) -> bool:
    return all(isinstance(k, str) and (v is None or isinstance(v, (str, int, float, bool))) for k, v in row.items())


def table(rows: list[dict], columns, lang: str | None = None) -> str:
    """An aligned table; ``columns`` are ``present.tables.Column`` (named in ``lang``) or
    ``(key, title)`` pairs whose titles and cells are already words."""
    from ..present.tables import aligned, body, cell

    if lang is None:
        titles, cells = [title for _, title in columns], [[cell(r.get(k)) for k, _ in columns] for r in rows]
    else:
        titles, cells = body(rows, columns, lang)
    return aligned(titles, cells)


def rendered(rows: list[dict], fmt: str, columns, lang: str, empty: str | None = None) -> str | None:
    """``rows`` as text; JSON and CSV carry every field (stable keys), the table only
    ``columns`` in the reader's language. ``empty`` is said (in the table format) when there
    are no rows; None when there is nothing to print."""
    if fmt == "json":
        return to_json(rows) + "\n"
    if fmt == "csv":
        import csv

        from ..store.sheet_text import inert

        buffer = io.StringIO()
        fields = list(rows[0]) if rows else [c.key for c in columns]
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: inert(", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
                             for k, v in r.items()})
        return buffer.getvalue()
    if rows:
        return table(rows, columns, lang) + "\n"
    return empty + "\n" if empty else None


def emit(rows: list[dict], fmt: str, columns, lang: str, empty: str | None = None) -> None:
    """Print ``rows`` (see ``rendered``)."""
    echo(rendered(rows, fmt, columns, lang, empty))


def echo(text: str | None) -> None:
    """Print text made whole beforehand (``rendered``), when there is any."""
    if text is not None:
        click.echo(text, nl=False)
