"""What every kind of event is made of; each module beside this one declares one kind.

A kind says which fields its event carries (a frozen dataclass of typed fields, whose type
is all the validation a field needs), when it is allowed (the guard the commands run before
they append it and ``svcctl check`` runs again when it replays a history), what it does to
the ticket's state (its step of the fold), whether it settles a deadline that names it, and
what its command takes. Nothing here reads or writes files.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from ..errors import Refusal
from ..message import msg, term
from .. import roles
from ..roles import SENIOR_ROLES, senior_names  # noqa: F401 - named by the kinds and by core.events
from .fold import Fold

# Field types; ``validate`` knows how to check each, ``Event`` how to store it.
TEXT, TIME, FLAG, STAFF, DEPARTMENT, METHOD, SCORE, MONEY, LENGTH = (
    "text", "time", "flag", "staff", "department", "method", "score", "money", "length")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool = False


def typed(kind_of_value: str, required: bool = False):
    """A field of an event's dataclass: its type and whether every event of the kind has it.
    Every field defaults to None, so an event is read back whatever it leaves out."""
    return field(default=None, metadata={"type": kind_of_value, "required": required})


@dataclass(frozen=True)
class Option:
    """One option of a kind's command. ``dest`` is the parameter its ``request`` takes;
    ``value`` is text, int, amount, time (read in the office's time zone), flag (present or
    not) or switch (--signed/--unsigned, None when neither is given); ``complete`` names
    what the shell offers (departments, staff, or a vocabulary such as method)."""

    flag: str
    dest: str | None = None
    required: bool = False
    value: str = "text"
    complete: str | None = None
    help: str | None = None
    metavar: str | None = None

    @property
    def parameter(self) -> str:
        return self.dest or self.flag.split("/")[0].lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class Command:
    """The command that records a kind: ``svcctl <kind> TICKET_ID [options]``."""

    help: str
    examples: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class Guard:
    """What a guard may consult beyond the ticket: who acts, and the office's roster."""

    actor_id: str
    actor_role: str | None  # None: not on today's roster (an old history), authority not judged
    roster: dict  # staff id -> object with .role, .name and .department
    departments: tuple | None = None
    # A command appending events, not ``svcctl check`` replaying a history: a member's past
    # events were recorded under the role they held then, which today's roster does not
    # tell (an agent made a technician keeps their intakes), so the roles' table judges
    # only what is appended now; what is reserved to seniors is judged on replay too.
    live: bool = True

    @property
    def senior(self) -> bool:
        return self.actor_role in SENIOR_ROLES

    def may(self, action: str, department: str | None = None) -> bool:
        """Whether the acting member's role allows ``action`` (core.roles); authority is not
        judged for someone off today's roster."""
        member = self.roster.get(self.actor_id)
        return self.actor_role is None or member is None or roles.permits(member, action, department)

    def refusal(self, action: str, department: str | None = None, ticket_id: str | None = None):
        """The refusal of ``action`` by the acting member now, or None."""
        if not self.live or self.may(action, department):
            return None
        return roles.refusal(self.roster[self.actor_id], self.roster, action, department, ticket_id)

    def senior_names(self) -> str:
        return senior_names(self.roster)


class Kind:
    name: str = ""
    order: int = 100  # its place among the kinds where they are listed (the life of a ticket)
    data: type | None = None  # the frozen dataclass of its fields
    fields: tuple[Field, ...] = ()  # worked out from ``data`` when a kind declares one
    verb: str = ""  # "dispatched": for refusals ("it cannot be dispatched")
    needs_open = True  # refused on a closed, done or cancelled ticket
    judged_on_cancelled = True  # refused once the ticket is cancelled
    change: str | None = None  # what the shift handover calls a ticket this event changed
    # A contact with the customer whoever answers may record on a ticket escalated to someone
    # else (the owner rings the desk again); who may record it at all is still the roles' table.
    follow_up = False
    command: Command | None = None  # None: recorded by another command (intake), or by none

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if cls.__dict__.get("data") is not None:
            cls.fields = tuple(Field(f.name, f.metadata["type"], f.metadata.get("required", False))
                               for f in dataclasses.fields(cls.data))

    def of(self, event):
        """The event's fields, typed. A record read without its checks may hold a key its
        kind does not declare; the fold reads past it as it always has."""
        try:
            return self.data(**event.data)
        except TypeError:
            names = {f.name for f in self.fields}
            return self.data(**{k: v for k, v in event.data.items() if k in names})

    def allowed(self, ticket, state: Fold, event, guard: Guard) -> None:
        """Raise ``Refusal`` when the rules forbid this event now (beyond needs_open)."""

    def apply(self, state: Fold, event) -> None:
        """This event's step of the fold."""

    def settles(self, event) -> bool:
        """Whether the event stops the clock of a deadline whose ``until`` names its kind."""
        return True

    def changes(self, event) -> str | None:
        """The key the shift handover lists this event under (new, closed, ...), if any."""
        return self.change

    def facts(self, event) -> dict:
        """The facts of this step its commit's trailers carry (``core.subjects``): by default
        the words the person typed, never svcctl's own."""
        for name in ("result", "reason", "note"):
            if event.get(name):
                return {"Text": event.get(name)}
        return {}

    def request(self, ticket, ctx, at: datetime, **options) -> dict:
        """The fields of the event the command records, from its options as typed; a
        ``UsageError`` for input no event could hold. The rules on the ticket's state are
        ``check``'s, judged afterwards."""
        return options

    def requests(self, ticket, ctx, at: datetime, **options) -> list[tuple[str, dict]]:
        """(kind, fields) of every event one command of this kind appends, in order."""
        return [(self.name, self.request(ticket, ctx, at, **options))]

    def check(self, ticket, state: Fold, event, guard: Guard) -> None:
        """Every rule on appending ``event`` to a ticket now in ``state``."""
        if state.status == "cancelled" and self.judged_on_cancelled:
            raise Refusal(msg('{id} is cancelled: it cannot be {verb}', id=ticket.id, verb=term('verb', self.name, self.verb)))
        holder = state.escalated_to
        if holder and holder != guard.actor_id and guard.actor_role is not None and not guard.senior \
                and not self.follow_up:
            raise Refusal(msg('{id} is escalated to {holder}: only {holder} or a supervisor/director ({guard}) may act on it', id=ticket.id, holder=holder, guard=guard.senior_names()))
        if self.needs_open and not state.is_open:
            if state.status in ("closed", "done"):  # whether a callback is still owed is the policy's, not known here
                raise Refusal(msg('{id} is already closed: it cannot be {verb} (reopen it first: svcctl reopen)', id=ticket.id, verb=term('verb', self.name, self.verb)))
            raise Refusal(msg('{id} is {status}: it cannot be {verb} (reopen it first: svcctl reopen)', id=ticket.id, status=term('status', state.status), verb=term('verb', self.name, self.verb)))
        self.allowed(ticket, state, event, guard)
        refused = guard.refusal(self.name, state.department, ticket.id) if self.command is not None else None
        if refused is not None:
            raise Refusal(refused)


def money(value) -> Decimal:
    """An amount of money, exact to the fen: 80, 80.5 or '80.50' all read as Decimal('80.50')."""
    amount = Decimal(str(value))
    if not amount.is_finite():
        raise ValueError(value)
    return amount.quantize(Decimal("0.01"))
