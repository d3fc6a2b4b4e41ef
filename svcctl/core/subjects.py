"""A commit's subject made from facts: the trailers hold the facts (codes, ids, numbers and
the words a person typed), the subject says them in a language.

The subject is written in the office's language when the commit is made; ``svcctl log``
says the same facts again in its reader's language. A commit whose trailers hold no such
facts (one written before they did, or by hand) keeps its subject as written.
"""
from __future__ import annotations

from .message import Message, msg, term

PREFIX = "Svcctl-"


def ticket_facts(op: str, ticket_id: str, ticket_type: str, unit: str | None, details: dict) -> dict:
    """The trailers of a commit that changes one ticket: what was done (``op``), to which
    ticket, and the facts of that step (``Kind.facts``)."""
    return _trailers({"Ticket": ticket_id, "Op": op, "Type": ticket_type, "Unit": unit, **details})


def handover_facts(by: str, to: str | None, at: str, counts: dict) -> dict:
    """The trailers of a recorded handover: who, to whom, when (ISO time), how many in each group."""
    return _trailers({"Op": "handover", "By": by, "To": to, "At": at,
                      **{group.capitalize(): counts[group] for group in ("urgent", "normal", "waiting")}})


def office_facts(op: str, **details) -> dict:
    """The trailers of a commit that changes no ticket: a customer file (``Customer``,
    ``Units``), the roster (``Staff``, ``Role``), a station, the office made (``Code``,
    ``Name``), an import (``Import``: the file; the counts) or a hand edit (``Files``, ``Text``)."""
    return _trailers({"Op": op, **details})


def _trailers(facts: dict) -> dict:
    return {PREFIX + key: str(value) for key, value in facts.items() if value not in (None, "")}


def said(trailers: dict) -> Message | None:
    """The subject the facts of ``trailers`` make, as a message of the catalog; None when
    they make none."""
    facts = {key[len(PREFIX):]: value for key, value in trailers.items() if key.startswith(PREFIX)}
    if facts.get("Op") == "handover":
        return _handover(facts)
    if facts.get("Op") in _OFFICE:
        try:
            return _OFFICE[facts["Op"]](facts)
        except (KeyError, ValueError):  # a trailer missing or unreadable (a hand-made commit): its subject stands
            return None
    if not all(facts.get(key) for key in ("Op", "Ticket", "Type")):
        return None
    # A temporary measure is recorded as a close that closes nothing: said as the measure.
    op = term("field", "temporary") if facts.get("Temporary") == "yes" else term("event", facts["Op"])
    head = dict(op=op, id=facts["Ticket"], type=term("type", facts["Type"]),
                unit=facts.get("Unit", ""))
    if facts.get("Satisfaction"):
        if facts.get("Unresolved") == "yes":
            return msg("{op} {id} {type} {unit}: satisfaction {score}/5, unresolved, reopened",
                       score=facts["Satisfaction"], **head)
        return msg("{op} {id} {type} {unit}: satisfaction {score}/5", score=facts["Satisfaction"], **head)
    if facts.get("To") and facts.get("Assignee"):
        return msg("{op} {id} {type} {unit}: → {to} ({assignee})", to=facts["To"], assignee=facts["Assignee"], **head)
    if facts.get("To"):
        return msg("{op} {id} {type} {unit}: → {to}", to=facts["To"], **head)
    if facts.get("Text"):
        return msg("{op} {id} {type} {unit}: {text}", text=facts["Text"], **head)
    return msg("{op} {id} {type} {unit}", **head)


def _handover(facts: dict) -> Message | None:
    try:
        counts = {group: int(facts[group.capitalize()]) for group in ("urgent", "normal", "waiting")}
    except (KeyError, ValueError):
        return None
    at = facts.get("At", "")[:16].replace("T", " ")
    if facts.get("To"):
        return msg("handover {by} → {to} {at}: {urgent} urgent, {normal} normal, {waiting} waiting",
                   by=facts.get("By", ""), to=facts["To"], at=at, **counts)
    return msg("handover {by} {at}: {urgent} urgent, {normal} normal, {waiting} waiting",
               by=facts.get("By", ""), at=at, **counts)


def _import_customers(facts: dict) -> Message:
    counts = dict(file=facts["Import"], new=int(facts["New"]), updated=int(facts["Updated"]))
    if facts.get("Skipped"):
        return msg("import customers from {file}: {new} new, {updated} updated, {skipped} bad rows skipped",
                   skipped=int(facts["Skipped"]), **counts)
    return msg("import customers from {file}: {new} new, {updated} updated", **counts)


def _import_tickets(facts: dict) -> Message:
    counts = dict(file=facts["Import"], tickets=int(facts["Tickets"]), new=int(facts.get("New", 0)))
    if facts.get("Skipped"):
        return msg("import tickets from {file}: {tickets} tickets, {new} new customers, {skipped} bad rows skipped",
                   skipped=int(facts["Skipped"]), **counts)
    if counts["new"]:
        return msg("import tickets from {file}: {tickets} tickets, {new} new customers", **counts)
    return msg("import tickets from {file}: {tickets} tickets", file=counts["file"], tickets=counts["tickets"])


# The commits that change no ticket, each said from its own facts.
_OFFICE = {
    "init": lambda f: msg("init {code}: {name}", code=f["Code"], name=f["Name"]),
    "customer-add": lambda f: msg("customer add {id} {units}", id=f["Customer"], units=f.get("Units", "")),
    "customer-edit": lambda f: msg("customer edit {id}", id=f["Customer"]),
    "staff-add": lambda f: msg("staff add {staff} ({role})", staff=f["Staff"], role=term("role", f["Role"])),
    "station-add": lambda f: msg("station add {station}", station=f["Station"]),
    "import-customers": _import_customers,
    "import-tickets": _import_tickets,
    "edit": lambda f: msg("edit {files}: {text}", files=f["Files"], text=f.get("Text", "")),
    "repair": lambda f: msg("repair {files}: {text}", files=f["Files"], text=f.get("Text", "")),
}
