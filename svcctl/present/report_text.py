"""A report document as a terminal table or as Markdown."""
from __future__ import annotations

from .report import Document, Table


def _grid(table: Table, fmt: str) -> str:
    import tabulate

    tabulate.WIDE_CHARS_MODE = True  # wcwidth: a Chinese character takes two columns
    align = ["right" if i in table.numeric else "left" for i in range(len(table.columns))]
    return tabulate.tabulate(table.rows, headers=table.columns, tablefmt=fmt, disable_numparse=True, colalign=align)


def _table(table: Table, fmt: str, heading: str) -> list[str]:
    out = []
    if table.title:
        out += [f"{heading}{table.title}", ""]
    if not table.rows:
        out += [table.empty or "—", ""]
        return out
    out += [_grid(table, fmt), ""]
    return out


def text(doc: Document) -> str:
    out = [doc.title, doc.period, *doc.status, ""]
    out += _table(doc.summary, "simple", "== ")
    for section in doc.sections:
        out += [f"== {section.title}", ""]
        out += [*section.notes, ""] if section.notes else []
        for table in section.tables:
            out += _table(table, "simple", "-- ")
    out += _definitions(doc, "== ", "")
    return "\n".join(out).rstrip() + "\n"


def markdown(doc: Document) -> str:
    out = [f"# {doc.title}", "", f"**{doc.period}**", ""]
    out += [f"> {line}" for line in doc.status] + ([""] if doc.status else [])
    out += _table(doc.summary, "github", "## ")
    for section in doc.sections:
        out += [f"## {section.title}", ""]
        out += [f"- {note}" for note in section.notes] + ([""] if section.notes else [])
        for table in section.tables:
            out += _table(table, "github", "### ")
    out += _definitions(doc, "## ", "- ")
    return "\n".join(out).rstrip() + "\n"


def _definitions(doc: Document, heading: str, bullet: str) -> list[str]:
    out = [f"{heading}{doc.glossary}", ""]
    for term, meaning in doc.definitions:
        out.append(f"{bullet}{term}: {meaning}" if bullet else f"{term}: {meaning}")
    return out
