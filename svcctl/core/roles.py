"""Who may do what: each role's actions and the tickets it may do them on, as data.

An action is a command as it is typed after ``svcctl`` (``arrive``, ``customer add``,
``print workorder``); an event kind's command has its kind's name. The event kinds' common
guard (core.events.kind), the intake and the commands that record no event ask ``refusal``
here; the README's table of roles is ``table()`` (tests/test_roles.py holds the README to
it). What each role sees of a customer is the disclosure policy's, which reads the roles
from here too.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from .errors import Refusal
from .message import msg, term

# On which tickets a role may take an action.
ANY = "any"  # every ticket
DEPARTMENT = "department"  # a ticket whose work order is with the member's own department

# The desk's work (the first responder sees a request through, rules §3, §8).
DESK = ("intake", "customer add", "customer edit", "dispatch", "reply", "escalate", "reopen", "callback",
        "print callbacks")
# The work on site, recorded on the work order (000 3.3).
ON_SITE = ("print workorder", "arrive", "pause", "resume", "close")
# What needs a supervisor or director (rules §6): cancelling, closing a complex or major
# complaint, and changing the roster.
RESERVED = ("cancel", "close top grade", "staff add")
ACTIONS = DESK + ON_SITE + RESERVED


def _each(actions, scope=ANY) -> dict:
    return {action: scope for action in actions}


@dataclass(frozen=True)
class Role:
    key: str
    may: MappingProxyType = field(repr=False)  # action -> scope
    senior: bool = False
    in_department: bool = False  # every member of the role belongs to a department
    # The scope of an action the table does not name: a kind of event is added by adding
    # its module alone (core.events), and is then the desk's, as every kind was before roles.
    otherwise: str | None = ANY


ROLES: dict[str, Role] = {role.key: role for role in (
    Role("agent", MappingProxyType(_each(DESK + ON_SITE))),
    # A technician works the work orders of their own department, and nothing at the desk.
    Role("technician", MappingProxyType(_each(ON_SITE, DEPARTMENT)), in_department=True, otherwise=None),
    Role("supervisor", MappingProxyType(_each(ACTIONS)), senior=True),
    Role("director", MappingProxyType(_each(ACTIONS)), senior=True),
)}
KEYS = tuple(ROLES)
SENIOR_ROLES = tuple(key for key, role in ROLES.items() if role.senior)


@dataclass(frozen=True)
class Actor:
    """A member of staff as the roster has them (the one acting, or one named)."""

    id: str
    name: str
    role: str
    department: str | None = None
    email: str | None = None  # for git history; None: a made-up address under the office code

    @property
    def senior(self) -> bool:
        return self.role in SENIOR_ROLES


def senior_names(roster: dict) -> str:
    """Who may do what an agent may not, for refusals that name them (rules §6)."""
    names = [f"{sid} ({a.name})" for sid, a in roster.items() if a.role in SENIOR_ROLES]
    return ", ".join(names) or msg("a supervisor or director (none on the roster)")


def scope(role: str | None, action: str) -> str | None:
    """On which tickets ``role`` may take ``action``; None: on none."""
    known = ROLES.get(role)
    if known is None:
        return None
    return known.may.get(action) if action in ACTIONS else known.otherwise


def permits(member, action: str, department: str | None = None) -> bool:
    """Whether ``member`` (with .role and .department) may take ``action`` on a ticket whose
    work order is with ``department`` (None: not dispatched, or no ticket at all)."""
    where = scope(getattr(member, "role", None), action)
    if where == ANY:
        return True
    return where == DEPARTMENT and department is not None and getattr(member, "department", None) == department


def reserved_to_seniors(action: str) -> bool:
    return all(role.senior for role in ROLES.values() if action in role.may)


def who_may(roster: dict, action: str, department: str | None = None) -> str:
    """The people on the roster who may take the action, for a refusal that names them."""
    names = [f"{sid} ({m.name})" for sid, m in roster.items() if permits(m, action, department)]
    return ", ".join(names) or msg("nobody on the roster")


def refusal(member, roster: dict, action: str, department: str | None = None, ticket_id: str | None = None):
    """The one line refusing ``member`` the action, or None when the role allows it."""
    if permits(member, action, department):
        return None
    role = getattr(member, "role", None)
    who = who_may(roster, action, department)
    if scope(role, action) == DEPARTMENT:
        return msg("{id} is not a work order of {department}: a {role} acts on their own department's work orders; "
                   "ask {who}", id=ticket_id or "", department=member.department, role=term("role", role), who=who)
    return msg("a {role} may not run 'svcctl {action}': ask {who}", role=term("role", role), action=action, who=who)


def require(member, roster: dict, action: str, department: str | None = None, ticket_id: str | None = None) -> None:
    """Refuse (exit 3) what ``member``'s role does not allow, naming who may."""
    refused = refusal(member, roster, action, department, ticket_id)
    if refused is not None:
        raise Refusal(refused)


def roster_problems(member: dict) -> str | None:
    """What is wrong with a roster entry's role and department together."""
    role = ROLES.get(member.get("role"))
    if role is not None and role.in_department and not member.get("department"):
        return msg("a {role} belongs to a department: add --department (one of the office departments)",
                   role=term("role", role.key))
    return None


def suggestion(member: dict) -> str | None:
    """A warning for an entry that an older svcctl had to make an agent: one in a department
    is likely a technician, who may act on that department's work orders only."""
    if member.get("role") == "agent" and member.get("department"):
        return msg("{id} is an agent in {department}: if they work that department's work orders on site, "
                   "make them a technician (role: technician) so they act on those only", id=member.get("id"),
                   department=member["department"])
    return None


OTHER = "a kind the table does not name"


def table() -> list[dict]:
    """What each role may do, a row per action: {"action": ..., role key: scope or None};
    the last row (``OTHER``) is what a role may do that the table does not name."""
    rows = [{"action": action, **{key: role.may.get(action) for key, role in ROLES.items()}} for action in ACTIONS]
    return rows + [{"action": OTHER, **{key: role.otherwise for key, role in ROLES.items()}}]
