"""The columns of every table a person reads, and their cells in the reader's language.

JSON and CSV carry the rows as they are (stable keys, English contract); a table shows some
of their fields under titles in the reader's language, keys named (``closed`` -> 待回访),
spans and actions written in words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ..core import subjects
from ..core.message import msg
from . import words
from .i18n import localise
from .labels import label
from .escapes import one_line

_ISO_TIME = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d):\d\d[+-]\d\d:\d\d$")


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # English msgid
    kind: str | None = None  # a label kind (status, type, ...): the cell names the key
    show: Callable[[dict, str], str] | None = None  # or the cell made from the whole row


def _late(row, lang):
    return words.minutes(row.get("minutes_late"), lang) if row.get("state") in ("missed", "warned") else ""


def _left(row, lang):
    return words.minutes(row.get("minutes_left"), lang) if row.get("minutes_left") is not None else ""


def _action(row, lang):
    name = row.get("deadline")
    return words.action(name, lang) if row.get("state") in ("missed", "warned") else words.soon(name, lang)


def _grade(row, lang):
    return label("grade", row.get("grade"), lang)


LIST = [
    Column("id", msg("ID")), Column("type", msg("Type"), "type"), Column("grade", msg("Grade"), show=_grade),
    Column("status", msg("Status"), "status"), Column("unit", msg("Unit")), Column("summary", msg("Summary")),
    Column("owner", msg("Owner")), Column("next_deadline", msg("Next deadline"), "deadline"),
    Column("next_due", msg("Due")), Column("next_state", msg("State"), "state"),
]
OVERDUE = [
    Column("ticket", msg("Ticket")), Column("type", msg("Type"), "type"), Column("unit", msg("Unit")),
    Column("deadline", msg("Deadline"), "deadline"), Column("state", msg("State"), "state"),
    Column("due", msg("Due")), Column("late_by", msg("Late by"), show=_late), Column("left", msg("Left"), show=_left),
    Column("owner", msg("Owner")), Column("action", msg("Action"), show=_action),
]
CALLBACKS = [
    Column("ticket", msg("Ticket")), Column("type", msg("Type"), "type"), Column("unit", msg("Unit")),
    Column("closed_at", msg("Closed")), Column("due", msg("Callback due")), Column("state", msg("State"), "state"),
    Column("late_by", msg("Late by"), show=_late), Column("owner", msg("Owner")), Column("result", msg("Result")),
]
def _subject(row, lang):
    """The commit's facts said in the reader's language; its subject as written when its
    trailers hold none (an older commit, or one made by hand)."""
    facts = subjects.said(row.get("trailers") or {})
    return localise(facts, lang) if facts is not None else row.get("subject", "")


LOG = [Column("date", msg("Date")), Column("author", msg("Author")), Column("subject", msg("Change"), show=_subject),
       Column("short", msg("Commit"))]
STAFF = [Column("id", msg("ID")), Column("name", msg("Name")), Column("role", msg("Role"), "role"),
         Column("department", msg("Department"))]
CUSTOMERS = [Column("id", msg("ID")), Column("name", msg("Name")), Column("units", msg("Units")),
             Column("phones", msg("Phones"))]
POLICY = [
    Column("applies_to", msg("Applies to"), show=lambda r, lang: applies_to(r["applies_to"], lang)),
    Column("deadline", msg("Deadline"), "deadline"),
    Column("within", msg("Within"), show=lambda r, lang: words.length(r["within"], lang)),
    Column("from", msg("From"), "start"),
    Column("until", msg("Until"), show=lambda r, lang: "/".join(label("event", e, lang) for e in r["until"].split("/"))),
    Column("level", msg("Level"), "level"),
    Column("source", msg("Source"), show=lambda r, lang: words.source(r["source"], lang)),
]


def applies_to(key: str, lang: str) -> str:
    """``complaint.general`` -> 一般投诉; ``repair.emergency`` -> 报修（紧急）; ``*`` -> every ticket."""
    if key == "*":
        return localise(msg("every ticket"), lang)
    head, _, tail = key.partition(".")
    kind = label("type", head, lang)
    if not tail:
        return kind
    if tail == "emergency":
        return f"{kind} ({label('field', 'emergency', lang)})" if lang == "en" else f"{kind}（紧急）"
    part = label("grade", tail, lang) if head == "complaint" else label("category", tail, lang)
    return f"{kind}: {part}" if lang == "en" else f"{kind}：{part}"


def cell(value, lang: str = "en") -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return localise(msg("yes"), lang) if value else ""
    text = str(value)
    match = _ISO_TIME.match(text)
    # Tables are read by people: times in office time to the minute; JSON and CSV keep ISO 8601.
    return f"{match.group(1)} {match.group(2)}" if match else text


def body(rows: list[dict], columns: list[Column], lang: str) -> tuple[list[str], list[list[str]]]:
    titles = [localise(c.title, lang) for c in columns]
    out = []
    for row in rows:
        line = []
        for c in columns:
            if c.show is not None:
                line.append(c.show(row, lang))
            elif c.kind is not None:
                line.append(label(c.kind, row.get(c.key), lang))
            else:
                line.append(cell(row.get(c.key), lang))
        out.append(line)
    return titles, out


def aligned(titles: list[str], cells: list[list[str]]) -> str:
    """Columns padded to their width on a terminal (a Chinese character takes two), two
    spaces apart, under their titles and a rule: the layout of tabulate's "simple" format,
    which the reports keep using. Listings are laid out here because tabulate first infers a
    type for every cell: a tenth of a second for the 1,600 rows of a busy office's ``overdue``."""
    lines = [[_shown(text) for text in row] for row in (titles, *cells)]
    known: dict[str, int] = {}  # labels and actions repeat on every row
    sizes = [[len(text) if text.isascii() else known.get(text) or known.setdefault(text, words.columns(text))
              for text in row] for row in lines]
    widths = [max(column) for column in zip(*sizes)]
    widths = [max(w, size + 2) for w, size in zip(widths, sizes[0])]  # a title gets two columns of room

    def line(texts: list[str], sizes: list[int]) -> str:
        return "  ".join(t + " " * (w - n) for t, n, w in zip(texts, sizes, widths)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(lines[0], sizes[0]), rule, *map(line, lines[1:], sizes[1:])])


def _shown(text: str) -> str:
    """A cell as it will be shown: stripped, on one line, control characters escaped (the
    width must count what the terminal will show)."""
    text = text.strip()
    return text if text.isprintable() else one_line(text)
