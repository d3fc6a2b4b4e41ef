"""Rows as text a command prints: an aligned table (CJK-aware), JSON or CSV."""
from __future__ import annotations

import io
import json
from json.encoder import encode_basestring  # the C encoder's, as ensure_ascii=False uses

FORMATS = ("table", "json", "csv")


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
    from .tables import aligned, body, cell

    if lang is None:
        titles, cells = [title for _, title in columns], [[cell(r.get(k)) for k, _ in columns] for r in rows]
    else:
        titles, cells = body(rows, columns, lang)
    return aligned(titles, cells)


def csv_text(rows: list[dict], fields: list[str]) -> str:
    """``rows`` as CSV under ``fields``: a list is one cell, and no cell a spreadsheet would
    run as a formula (``core.sheet_text``)."""
    import csv

    from ..core.sheet_text import inert

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: inert(", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
                         for k, v in r.items()})
    return buffer.getvalue()


# The cells of a CSV that are words, not keys, times or numbers: a spreadsheet is read by a
# person, who reads them as the table says them.
WORDED = frozenset(("action", "late_by", "left"))


def rendered(rows: list[dict], fmt: str, columns, lang: str, empty: str | None = None) -> str | None:
    """``rows`` as text; JSON and CSV carry every field (stable keys; a CSV's words in the
    reader's language), the table only ``columns`` in the reader's language. ``empty`` is said
    (in the table format) when there are no rows; None when there is nothing to print."""
    if fmt == "json":
        return to_json(rows) + "\n"
    if fmt == "csv":
        worded = [c for c in columns if c.show is not None and c.key in WORDED]
        rows = [{**r, **{c.key: c.show(r, lang) for c in worded if c.key in r}} for r in rows]
        return csv_text(rows, list(rows[0]) if rows else [c.key for c in columns])
    if rows:
        return table(rows, columns, lang) + "\n"
    return empty + "\n" if empty else None
