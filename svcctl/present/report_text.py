"""A report document as a terminal table or as Markdown."""
from __future__ import annotations

from dataclasses import replace

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
    doc = _inert(doc)
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


# Office, department and staff names come from svcctl.yaml, which any PC can push, and a
# Markdown viewer renders HTML and links: every text is written so that it reads as the
# letters it is. A line break or a | would end a table row or cell early, so breaks become
# spaces and bars are escaped; [ ] are escaped so no text becomes a link or an image.
_MARKDOWN = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\\": "\\\\", "[": "\\[", "]": "\\]",
                           "|": "\\|", "\r": " ", "\n": " "})


def markdown_text(text) -> str:
    """``text`` as plain letters in Markdown, also inside a table cell."""
    return str(text).translate(_MARKDOWN)


def _inert(doc: Document) -> Document:
    """The document with every text in it made ``markdown_text``."""
    def table(t: Table) -> Table:
        return replace(t, columns=[markdown_text(c) for c in t.columns],
                       rows=[[cell if cell is None else markdown_text(cell) for cell in row] for row in t.rows],
                       title=None if t.title is None else markdown_text(t.title),
                       empty=None if t.empty is None else markdown_text(t.empty))

    return replace(
        doc, title=markdown_text(doc.title), period=markdown_text(doc.period),
        status=[markdown_text(line) for line in doc.status], summary=table(doc.summary),
        sections=[replace(s, title=markdown_text(s.title), notes=[markdown_text(n) for n in s.notes],
                          tables=[table(t) for t in s.tables]) for s in doc.sections],
        definitions=[(markdown_text(term), markdown_text(meaning)) for term, meaning in doc.definitions],
        glossary=markdown_text(doc.glossary))


def _definitions(doc: Document, heading: str, bullet: str) -> list[str]:
    out = [f"{heading}{doc.glossary}", ""]
    for term, meaning in doc.definitions:
        out.append(f"{bullet}{term}: {meaning}" if bullet else f"{term}: {meaning}")
    return out
