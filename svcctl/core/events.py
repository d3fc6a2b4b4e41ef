"""Every kind of event a ticket can hold, declared once.

A kind says which fields its event carries (and of what type, which is all the
validation a field needs), when it is allowed (the guard the commands run before they
append it and ``svcctl check`` runs again when it replays a history), what it does to the
ticket's state (its step of the fold), and whether it settles a deadline that names it.
Adding a kind of event means adding one class here and the command that records it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .errors import Refusal
from .model import DISPATCHABLE, SENIOR_ROLES, TOP_GRADES
from .message import msg, term

# Field types; ``validate`` knows how to check each, ``Event`` how to store it.
TEXT, TIME, FLAG, STAFF, DEPARTMENT, METHOD, SCORE, MONEY, LENGTH = (
    "text", "time", "flag", "staff", "department", "method", "score", "money", "length")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool = False


@dataclass
class Fold:
    """The state of a ticket while its events are folded, one event at a time."""

    status: str = "open"
    owner: str | None = None
    department: str | None = None
    assignee: str | None = None
    escalated_to: str | None = None
    paused_since: datetime | None = None
    before_pause: str = "open"
    pauses: list = field(default_factory=list)
    last_close: object = None
    current_close: object = None  # the last close, unless a reopen came after it
    last_reopen: object = None
    last_callback: object = None
    callback_done: bool = False
    reopen_count: int = 0
    emergency_since: datetime | None = None
    temporary_measures: int = 0
    events_seen: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in ("open", "dispatched", "paused")


@dataclass(frozen=True)
class Guard:
    """What a guard may consult beyond the ticket: who acts, and the office's roster."""

    actor_id: str
    actor_role: str | None  # None: not on today's roster (an old history), authority not judged
    roster: dict  # staff id -> object with .role and .name
    departments: tuple | None = None

    @property
    def senior(self) -> bool:
        return self.actor_role in SENIOR_ROLES

    def senior_names(self) -> str:
        return senior_names(self.roster)


def senior_names(roster: dict) -> str:
    """Who may do what an agent may not, for refusals that name them (rules §6)."""
    names = [f"{sid} ({a.name})" for sid, a in roster.items() if a.role in SENIOR_ROLES]
    return ", ".join(names) or msg("a supervisor or director (none on the roster)")


class Kind:
    name: str = ""
    fields: tuple[Field, ...] = ()
    verb: str = ""  # "dispatched": for refusals ("it cannot be dispatched")
    needs_open = True  # refused on a closed, done or cancelled ticket
    judged_on_cancelled = True  # refused once the ticket is cancelled

    def allowed(self, ticket, state: Fold, event, guard: Guard) -> None:
        """Raise ``Refusal`` when the rules forbid this event now (beyond needs_open)."""

    def apply(self, state: Fold, event) -> None:
        """This event's step of the fold."""

    def settles(self, event) -> bool:
        """Whether the event stops the clock of a deadline whose ``until`` names its kind."""
        return True

    def subject(self, event) -> str:
        """What the commit subject says after the ticket (``git log --oneline``)."""
        for name in ("result", "reason", "note"):
            if event.get(name):
                return event.get(name)
        return ""

    def check(self, ticket, state: Fold, event, guard: Guard) -> None:
        """Every rule on appending ``event`` to a ticket now in ``state``."""
        if state.status == "cancelled" and self.judged_on_cancelled:
            raise Refusal(msg('{id} is cancelled: it cannot be {verb}', id=ticket.id, verb=term('verb', self.name, self.verb)))
        holder = state.escalated_to
        if holder and holder != guard.actor_id and guard.actor_role is not None and not guard.senior:
            raise Refusal(msg('{id} is escalated to {holder}: only {holder} or a supervisor/director ({guard}) may act on it', id=ticket.id, holder=holder, guard=guard.senior_names()))
        if self.needs_open and not state.is_open:
            raise Refusal(msg('{id} is {status}: it cannot be {verb} (reopen it first: svcctl reopen)', id=ticket.id, status=term('status', state.status), verb=term('verb', self.name, self.verb)))
        self.allowed(ticket, state, event, guard)


class Intake(Kind):
    name, verb = "intake", "taken in again"
    fields = (Field("note", TEXT),)

    def allowed(self, ticket, state, event, guard):
        if state.events_seen:
            raise Refusal(msg('{id} has its intake already: a ticket is taken in once', id=ticket.id))


class Dispatch(Kind):
    name, verb = "dispatch", "dispatched"
    fields = (Field("to", DEPARTMENT, True), Field("assignee", STAFF), Field("appointment_at", TIME),
              Field("emergency", FLAG), Field("note", TEXT))

    def allowed(self, ticket, state, event, guard):
        if ticket.type not in DISPATCHABLE:
            raise Refusal(msg('a {type} is answered by the service centre, not dispatched', type=term('type', ticket.type)))

    def subject(self, event):
        return f"→ {event.get('to')}" + (f" ({event.get('assignee')})" if event.get("assignee") else "")

    def apply(self, state, event):
        state.department, state.assignee = event.get("to"), event.get("assignee")
        if event.get("emergency") and state.emergency_since is None:
            state.emergency_since = event.at
        if state.status in ("open", "dispatched"):
            state.status = "dispatched"
        elif state.status == "paused":
            state.before_pause = "dispatched"


class Arrive(Kind):
    name, verb = "arrive", "marked arrived"
    fields = (Field("note", TEXT),)

    def allowed(self, ticket, state, event, guard):
        if state.department is None:
            raise Refusal(msg('{id} has no work order yet: dispatch it first', id=ticket.id))


class Reply(Kind):
    name, verb = "reply", "replied to"
    fields = (Field("note", TEXT, True),)


class Escalate(Kind):
    name, verb = "escalate", "escalated"
    fields = (Field("to", STAFF, True), Field("note", TEXT, True))
    needs_open = False

    def allowed(self, ticket, state, event, guard):
        if state.status == "done":
            raise Refusal(msg('{id} is done: it cannot be escalated', id=ticket.id))
        to = event.get("to")
        target = guard.roster.get(to)
        if target is not None and target.role not in SENIOR_ROLES:
            raise Refusal(msg('{to} is an agent: escalate to a supervisor or director ({guard})', to=to, guard=guard.senior_names()))
        if to == state.escalated_to:
            raise Refusal(msg('{id} is already escalated to {to}', id=ticket.id, to=to))

    def subject(self, event):
        return f"→ {event.get('to')}"

    def apply(self, state, event):
        state.escalated_to = state.owner = event.get("to")


class Pause(Kind):
    name, verb = "pause", "paused"
    fields = (Field("reason", TEXT, True),)

    def allowed(self, ticket, state, event, guard):
        if state.status == "paused":
            raise Refusal(msg('{id} is already paused since {paused_since}', id=ticket.id, paused_since=state.paused_since.isoformat()))

    def apply(self, state, event):
        state.before_pause, state.status, state.paused_since = state.status, "paused", event.at


class Resume(Kind):
    name, verb = "resume", "resumed"
    fields = (Field("note", TEXT),)

    def allowed(self, ticket, state, event, guard):
        if state.status != "paused":
            raise Refusal(msg('{id} is not paused', id=ticket.id))

    def apply(self, state, event):
        state.pauses.append((state.paused_since, event.at))
        state.status, state.paused_since = state.before_pause, None


class Close(Kind):
    """The outcome; with ``temporary`` only a temporary measure (000 3.3.6): recorded, the
    work goes on, and it settles no deadline."""

    name, verb = "close", "closed"
    fields = (Field("result", TEXT, True), Field("fee", MONEY), Field("receipt", TEXT), Field("signed", FLAG),
              Field("leak_test_at", TIME), Field("temporary", FLAG))

    def allowed(self, ticket, state, event, guard):
        if event.get("temporary"):
            if event.get("fee") is not None or event.get("leak_test_at") is not None:
                raise Refusal(msg('a temporary measure takes no fee or leak test: give those at the real close'))
            return
        if ticket.type == "complaint" and ticket.h("grade") in TOP_GRADES and guard.actor_role is not None \
                and not guard.senior:
            raise Refusal(msg('closing a {grade} complaint needs a supervisor or director: {guard}', grade=term('grade', ticket.h('grade')), guard=guard.senior_names()))
        if ticket.type == "paid" and (event.get("fee") is None or not event.get("receipt")):
            raise Refusal(msg('a paid service is closed with the agreed fee and its receipt: add --fee AMOUNT --receipt NO'))
        leak_test = event.get("leak_test_at")
        if leak_test is not None:
            if ticket.h("category") != "leak":
                raise Refusal(msg('a leak test (试漏) is for leak repairs (category leak) only'))
            if leak_test > event.at:
                raise Refusal(msg('the leak test is after the close: close the ticket once the leak test is done'))
        elif ticket.h("category") == "leak":
            raise Refusal(msg('a leak repair is closed after the leak test (试漏): add --leak-test-at TIME, or record a temporary measure with --temporary'))

    def apply(self, state, event):
        if event.get("temporary"):
            state.temporary_measures += 1
            return
        if state.status == "paused":
            state.pauses.append((state.paused_since, event.at))
            state.paused_since = None
        state.last_close = state.current_close = event
        state.callback_done, state.status = False, "closed"

    def settles(self, event):
        return not event.get("temporary")


class Callback(Kind):
    name, verb = "callback", "called back"
    fields = (Field("method", METHOD, True), Field("satisfaction", SCORE, True), Field("note", TEXT, True),
              Field("unresolved", FLAG))
    needs_open = False

    def allowed(self, ticket, state, event, guard):
        if state.status == "done" and state.callback_done:
            raise Refusal(msg('{id} has had its callback already', id=ticket.id))
        if state.status not in ("closed", "done"):
            raise Refusal(msg('{id} is {status}: a callback (回访) follows the close (svcctl close first)', id=ticket.id, status=term('status', state.status)))

    def subject(self, event):
        return f"{event.get('satisfaction')}/5" + (" unresolved, reopened" if event.get("unresolved") else "")

    def apply(self, state, event):
        state.callback_done, state.status, state.last_callback = True, "done", event


class Reopen(Kind):
    name, verb = "reopen", "reopened"
    fields = (Field("note", TEXT, True), Field("within", LENGTH))
    needs_open = False

    def allowed(self, ticket, state, event, guard):
        if state.status not in ("closed", "done"):
            raise Refusal(msg('{id} is {status}: only a closed ticket can be reopened', id=ticket.id, status=term('status', state.status)))

    def apply(self, state, event):
        state.last_reopen, state.current_close = event, None
        state.reopen_count += 1
        state.status = "dispatched" if state.department else "open"
        state.callback_done = False


class Cancel(Kind):
    name, verb = "cancel", "cancelled"
    fields = (Field("reason", TEXT, True),)
    needs_open = False

    def allowed(self, ticket, state, event, guard):
        if guard.actor_role is not None and not guard.senior:
            raise Refusal(msg('cancelling a ticket needs a supervisor or director: {guard}', guard=guard.senior_names()))
        if state.status in ("closed", "done"):
            raise Refusal(msg('{id} is {status}: a handled ticket is not cancelled', id=ticket.id, status=term('status', state.status)))

    def apply(self, state, event):
        state.status = "cancelled"


class Note(Kind):
    """A remark on the record that changes nothing; allowed at any time."""

    name, verb = "note", "noted"
    fields = (Field("note", TEXT, True),)
    needs_open = False
    judged_on_cancelled = False


KINDS: dict[str, Kind] = {k.name: k for k in (
    Intake(), Dispatch(), Arrive(), Reply(), Escalate(), Pause(), Resume(), Close(), Callback(), Reopen(),
    Cancel(), Note(),
)}


_DERIVED: dict = {}  # (kind name, how) -> (the declaration it was worked out from, what came out)


def derived(name: str, how):
    """``how(KINDS[name])``, worked out once per declaration of the kind: code that runs for
    every event of every ticket asks here, and ``KINDS`` may gain or replace a kind."""
    kind = KINDS[name]
    known = _DERIVED.get((name, how))
    if known is None or known[0] is not kind:
        known = _DERIVED[(name, how)] = (kind, how(kind))
    return known[1]


def money(value) -> Decimal:
    """An amount of money, exact to the fen: 80, 80.5 or '80.50' all read as Decimal('80.50')."""
    amount = Decimal(str(value))
    if not amount.is_finite():
        raise ValueError(value)
    return amount.quantize(Decimal("0.01"))
