"""Intake, the workflow steps, and reading tickets back."""
from __future__ import annotations

from datetime import datetime, timedelta

from .. import vcs
from ..core import subjects, roles, workflow
from ..present import labels
from ..core.errors import NotFound, Refusal, UsageError
from ..core.events import KINDS, commands
from ..core.intake import new_ticket
from ..core.statuses import STATUS_GROUPS
from ..core.ticket import Ticket
from ..core.view import TicketView, brief, live
from ..core.timeutil import short
from ..core.units import canonical_unit, find_unit, mask_phones_in, same_unit
from ..store import txn
from ..store.ids import canonical_customer_id, ticket_rel
from . import customers as customer_ops
from .env import Env
from ..core.message import msg, term


def record_intake(env: Env, *, ticket_type: str, channel: str, summary: str, detail=None, at=None,
                  customer_id=None, unit=None, new_name=None, new_phones=(), grade=None, category=None,
                  emergency=False, appointment=None, due=None, answer=None, force=False, place=None) -> Ticket:
    """File a request as a new ticket, one commit. Its confirmation is filled in by the
    caller afterwards (``present.filled.confirmation``), outside the office lock: an office's
    template is untrusted and may take its whole time limit, while every other command on
    this PC waits."""
    ticket_type = labels.parse("type", ticket_type)
    channel = labels.parse("channel", channel)
    grade = labels.parse("grade", grade) if grade else None
    category = labels.parse("category", category) if category else None
    unit = canonical_unit(unit) if unit else None
    received = env.time(at)
    appointment_at = env.time(appointment) if appointment else None
    requested_by = _end_of_day_if_date(env, due) if due else None
    if summary and ("\n" in summary or "\r" in summary):
        raise UsageError(msg('--summary is one line; put the full account in --detail'))
    actor = env.actor()
    records = env.records
    new_customer = None
    if new_name:
        if not unit:
            raise UsageError(msg('a new customer needs --unit'))
        new_customer = customer_ops.build(new_name, list(new_phones), [unit])
    with records.lock():
        change = txn.Change("")
        if new_customer is not None:
            if customer_id:
                raise UsageError(msg('give either --customer ID or --name/--phone for a new customer, not both'))
            customer = customer_ops.stage_new(env, change, new_customer, force)
        elif customer_id:
            customer = records.customer(customer_id)
        elif unit:
            found = customer_ops.find(env, unit=unit)
            if not found:
                raise NotFound(msg('no customer on file for unit {unit}: add --name and --phone to create one', unit=unit))
            if len(found) > 1:
                raise UsageError(msg('unit {unit} has {found} customers on file ({values}): pick one with --customer', unit=unit, found=len(found), values=', '.join(c['id'] for c in found)))
            customer = found[0]
        else:
            raise UsageError(msg('who is the customer? give --customer ID, or --unit, or --name/--phone/--unit for a new one'))
        units = customer.get("units") or []
        if unit is None:
            if len(units) != 1:
                raise UsageError(msg('customer {id} has several units ({units}): say which with --unit', id=customer['id'], units=', '.join(units)))
            unit = units[0]
        elif find_unit(unit, units) is None:
            raise UsageError(msg("unit {unit} is not on file for customer {id} ({units}): add it with 'svcctl customer edit --add-unit'", unit=unit, id=customer['id'], units=', '.join(units)))
        else:
            unit = find_unit(unit, units)
        if not force:
            repeat = _likely_repeat(env, customer["id"], (ticket_type, grade, category), summary, received)
            if repeat is not None:
                raise LikelyRepeat(msg('looks like a repeat of {id} (same customer, type and summary, received {received_at}): nothing was filed; add --force to file it anyway', id=repeat.id, received_at=short(repeat.received_at, env.office.tz)))
        ticket_id = records.next_ticket_id(records.station(), received)
        ticket = new_ticket(
            env.context(actor), ticket_id=ticket_id, ticket_type=ticket_type, channel=channel,
            customer=customer["id"], unit=unit, summary=summary, received_at=received, detail=detail,
            grade=grade, category=category, emergency=emergency, appointment_at=appointment_at,
            requested_by=requested_by, answer=answer, place=place,
        )
        if requested_by is not None and not any(
                r.customer_date for r in env.office.policy.rules_for(ticket_type, grade, category, emergency)):
            raise UsageError(msg('--due replaces the resolve deadline, and a {ticket_type} has none here', ticket_type=term('type', ticket_type)))
        facts = subjects.ticket_facts("intake", ticket_id, ticket_type, unit, {"Text": _one_line(ticket.h("summary"))})
        change.message = labels.said(subjects.said(facts), env.office.language)
        change.write(ticket_rel(ticket_id), records.checked_text("ticket", ticket.to_record(), ticket_id))
        records.commit(change, env.author(actor), facts)
    return ticket


def names_complainant(env: Env, ticket: Ticket) -> bool:
    """Whether a complaint's own text gives the complainant's name or one of their numbers:
    the text travels to the department complained to, scrubbed, and the clerk should know."""
    if ticket.type != "complaint":
        return False
    from ..core.units import mentions

    known = customer_ops.known_on_file(env, ticket.h("customer"))
    text = " ".join(str(ticket.h(k) or "") for k in ("summary", "detail"))
    return mentions(text, [k for k in known if not k.isdigit()], [k for k in known if k.isdigit()])


DUPLICATE_WINDOW = timedelta(hours=1)


class LikelyRepeat(Refusal):
    """An intake that matches one filed within the hour; filed only when confirmed (--force)."""


def _likely_repeat(env: Env, customer_id: str, kind: tuple, summary: str, received: datetime):
    """A ticket of the same customer, kind (type, grade, category) and summary received
    within the hour: the same call entered twice (two clerks, or one after a screen that
    seemed to hang)."""
    wanted = " ".join((summary or "").split())
    folder = {received.strftime("%Y/%m"), (received - DUPLICATE_WINDOW).strftime("%Y/%m"),
              (received + DUPLICATE_WINDOW).strftime("%Y/%m")}
    for ticket in env.records.tickets_in(sorted(folder), customer_id):
        if (ticket.h("customer") == customer_id and (ticket.type, ticket.h("grade"), ticket.h("category")) == kind
                and " ".join(str(ticket.h("summary") or "").split()) == wanted
                and abs(ticket.received_at - received) <= DUPLICATE_WINDOW):
            return ticket
    return None


def _end_of_day_if_date(env: Env, text: str) -> datetime:
    """"By the 25th" means by the end of the 25th, not its first minute."""
    when = env.time(text)
    if ":" not in text and (when.hour, when.minute, when.second) == (0, 0, 0):
        return env.office.calendar.end_of_day(when)
    return when


def act(env: Env, verb: str, ticket_id: str, at: str | None = None, **options) -> Ticket:
    """Append the events of one workflow step to a ticket, as one commit. ``verb`` names the
    kind of event (core.events) whose command this is."""
    if verb not in commands():
        raise UsageError(msg('unknown workflow step {verb!r}', verb=verb))
    # core knows departments and callback methods by their keys; a person may type a name
    if options.get("department"):
        options["department"] = labels.office_department(options["department"], env.office.departments)
    if options.get("method"):
        options["method"] = labels.parse("method", options["method"])
    actor = env.actor()
    records = env.records
    with records.lock():
        ticket = records.ticket(ticket_id)
        when = env.time(at)
        events = workflow.act(verb, ticket, env.context(actor), when, **options)
        updated = ticket.with_events(*events)
        facts = subjects.ticket_facts(verb, ticket.id, ticket.type, ticket.h("unit"), _facts(events[0]))
        change = txn.Change(labels.said(subjects.said(facts), env.office.language))
        change.write(ticket_rel(ticket.id), records.checked_text("ticket", updated.to_record(), ticket.id))
        records.commit(change, env.author(actor), facts)
    return updated


def _facts(event) -> dict:
    facts = KINDS[event.kind].facts(event)
    return {**facts, "Text": _one_line(facts["Text"])} if facts.get("Text") else facts


def _one_line(text, limit: int = 60) -> str:
    """Free text fit for a commit subject: one line, short, and phone numbers masked, since
    ``git log`` is read by more people than the customer file is."""
    text = mask_phones_in(" ".join(str(text).split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def work_order(env: Env, ticket_id: str, reveal: bool = False) -> tuple[TicketView, dict | None, bool]:
    """What the 维修工作单 of a dispatched ticket is made from: its view, its customer, and
    whether names and phones may be shown in full."""
    reveal = env.reveal(reveal)
    view = env.view(env.records.ticket(ticket_id))
    if view.state.department is None:
        raise Refusal(msg("{id} has not been dispatched: 'svcctl dispatch {id} --to DEPT' first", id=view.id))
    roles.require(env.actor(), env.office.roster, "print workorder", view.state.department, view.id)
    return view, env.records.customer(view.customer), reveal


def views(env: Env, when: datetime | None = None, *, in_play: bool = False, statuses=None, due_by=None) -> list:
    """The read model at ``when`` (default: now) of every ticket, or only of those still in
    play (open, awaiting a callback, a clock running), of ``statuses``, or with a running
    clock due by ``due_by``: a narrowing, so callers still apply their own test. Rebuilt
    from the index's summaries when there is one, else built from the files."""
    when = when or env.now
    summaries = env.records.summaries(in_play, statuses, due_by)
    if summaries is not None:
        return [brief(s, when) for s in summaries]
    return [v for v in (env.view(t, when) for t in env.records.tickets()) if not in_play or live(v)]


def select(env: Env, *, status=None, ticket_type=None, unit=None, customer=None, staff=None,
           since=None, until=None) -> list:
    """Views of the tickets that pass every filter given."""
    types = {labels.parse("type", t) for t in ticket_type} if ticket_type else None
    unit_q = canonical_unit(unit) if unit else None
    customer_q = canonical_customer_id(customer) if customer else None
    since_t = env.time(since) if since else None
    until_t = _end_of_day_if_date(env, until) if until else None
    statuses = _statuses(status) if status else None
    # Only a ticket still in play can be open, dispatched, paused or awaiting its callback.
    in_play = statuses is not None and statuses <= set(STATUS_GROUPS["active"])
    out = []
    for view in views(env, in_play=in_play, statuses=statuses if in_play else None):
        if types and view.type not in types:
            continue
        if unit_q and not same_unit(unit_q, view.unit):
            continue
        if customer_q and view.customer != customer_q:
            continue
        if since_t and view.received_at < since_t:
            continue
        if until_t and view.received_at > until_t:
            continue
        if statuses and view.status not in statuses:
            continue
        if staff and staff not in {view.first_responder, view.state.owner, view.state.assignee}:
            continue
        out.append(view)
    return out


def received_between(env: Env, since=None, until=None) -> list[Ticket]:
    """Whole tickets (every event) received within the bounds given, for exports."""
    since_t = env.time(since) if since else None
    until_t = _end_of_day_if_date(env, until) if until else None
    return [t for t in env.records.tickets()
            if (since_t is None or t.received_at >= since_t) and (until_t is None or t.received_at <= until_t)]


def _statuses(wanted) -> set:
    out = set()
    for s in wanted:
        out.update(STATUS_GROUPS.get(s, (s,)))
    return out


def history(env: Env, ticket_id: str) -> list[dict]:
    """One row per commit that changed the ticket: office time, short hash (full in ``commit``)."""
    from ..core.timeutil import iso, read_time

    records = env.records
    ticket = records.ticket(ticket_id)
    rows = vcs.file_log(records.top, records.rel(ticket_rel(ticket.id)))
    tz = env.office.tz
    # git's own date, not a record's time: a newer git writes UTC as 'Z'
    return [{**r, "date": iso(read_time(r["date"]).astimezone(tz)), "short": r["commit"][:7]} for r in rows]
