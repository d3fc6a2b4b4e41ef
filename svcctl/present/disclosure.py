"""What each output shows of a customer, for whom: one table, read by every output that
names a customer and by the README's "Personal data" table (need to know, rules §7).

The people who act on a ticket see what they need to act: whoever owns the callback calls
the customer, the technician sent to the unit rings the owner. A complainant is never named
to the department complained to. Listings, reports and messages carry no personal data.
Free text is scrubbed (phone and ID-card numbers, the customer's own name) on every output
that does not show the customer's phone in full.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..core.units import scrub

# Who reads, as far as disclosure goes: the staff member whose ticket it is to call back or
# to visit; a supervisor or director, without or with --reveal; anyone else.
THEIRS, SENIOR, REVEAL, OTHERS = "theirs", "senior", "senior --reveal", "others"
AUDIENCES = (THEIRS, SENIOR, REVEAL, OTHERS)

# Requests whose work is done in the customer's own unit: the technician visits the owner.
WORK_AT_UNIT = ("repair", "paid", "appointment")


@dataclass(frozen=True)
class Shown:
    """name: the customer's ``name``, their ``id``, or ``anonymous`` (匿名业主);
    phone: ``full``, ``masked`` or ``none``; unit: ``shown``, ``work site`` (only where the work
    is done there) or ``none``."""
    name: str
    phone: str
    unit: str

    @property
    def full(self) -> bool:
        """Personal data shown in full: what the audit log records."""
        return self.phone == "full"

    def text(self, value, known=()):
        """Free text as this output shows it (``known``: the customer's name and numbers).
        Where the customer is anonymous even the last digits of their own number would point
        at them, so it goes whole; elsewhere it is masked as in listings."""
        if self.full or value is None:
            return value
        return scrub(value, known if self.name == "anonymous" else [k for k in known if not k.isdigit()])


FULL = Shown("name", "full", "shown")
MASKED = Shown("id", "masked", "shown")
AT_WORK_SITE = Shown("id", "masked", "work site")
ANONYMOUS = Shown("anonymous", "none", "none")
NAMED_MASKED = Shown("name", "masked", "shown")


def _same(shown: Shown) -> dict:
    return dict.fromkeys(AUDIENCES, shown)


# output → audience → what it shows. Outputs without a "theirs" have no one they belong to.
POLICY: dict[str, dict[str, Shown]] = {
    "print callbacks": {THEIRS: FULL, SENIOR: FULL, REVEAL: FULL, OTHERS: AT_WORK_SITE},
    "work order (repair, paid service, appointment)": {THEIRS: FULL, SENIOR: MASKED, REVEAL: FULL, OTHERS: MASKED},
    "work order (complaint)": _same(ANONYMOUS),
    "work order (other requests)": {THEIRS: AT_WORK_SITE, SENIOR: AT_WORK_SITE, REVEAL: FULL, OTHERS: AT_WORK_SITE},
    "show (text, json, yaml)": {THEIRS: FULL, SENIOR: MASKED, REVEAL: FULL, OTHERS: MASKED},
    # staff of the department a complaint is sent to read it as its work order: anonymous
    "show a complaint, by the department it is sent to": {THEIRS: FULL, SENIOR: MASKED, REVEAL: FULL,
                                                          OTHERS: ANONYMOUS},
    "customer show": {THEIRS: FULL, SENIOR: NAMED_MASKED, REVEAL: FULL, OTHERS: NAMED_MASKED},
    "customer list, find, export customers": {THEIRS: NAMED_MASKED, SENIOR: NAMED_MASKED, REVEAL: FULL,
                                              OTHERS: NAMED_MASKED},
    "list, overdue, callbacks, log": _same(MASKED),
    "reports, export tickets": _same(MASKED),
    "handover": _same(MASKED),
    "digest, notify alerts": _same(AT_WORK_SITE),
    "commit subjects": _same(MASKED),
}
CALLBACKS = "print callbacks"
SHOW = "show (text, json, yaml)"
SHOW_TO_DEPARTMENT = "show a complaint, by the department it is sent to"
CUSTOMER_SHOW = "customer show"


def work_order_output(ticket_type: str) -> str:
    if ticket_type == "complaint":
        return "work order (complaint)"
    if ticket_type in WORK_AT_UNIT:
        return "work order (repair, paid service, appointment)"
    return "work order (other requests)"


def assigned(actor, view) -> bool:
    """Sent to do the work: the ticket's assignee, or staff of the department it is dispatched to."""
    state = view.state
    return state.department is not None and (
        state.assignee == actor.id or (actor.department is not None and actor.department == state.department))


def calls_back(actor, view) -> bool:
    return view.state.owner == actor.id


def theirs(actor, view) -> bool:
    """Theirs to call or visit: they own it (the first responder calls back), or they are
    sent to the customer's unit. A department sent about a complaint is not told who complained."""
    return calls_back(actor, view) or (view.type in WORK_AT_UNIT and assigned(actor, view))


def _audience(actor, reveal: bool, belongs: bool) -> str:
    if reveal:
        return REVEAL
    if belongs:
        return THEIRS
    return SENIOR if actor.senior else OTHERS


def decide(output: str, actor, reveal: bool = False, belongs: bool = False) -> Shown:
    """What ``output`` shows ``actor`` (``reveal``: a senior's --reveal, already allowed;
    ``belongs``: the ticket or customer is theirs to call or visit)."""
    return POLICY[output][_audience(actor, reveal, belongs)]


def work_order(actor, view, reveal: bool) -> Shown:
    return decide(work_order_output(view.type), actor, reveal, assigned(actor, view))


def callback(actor, view, reveal: bool) -> Shown:
    return decide(CALLBACKS, actor, reveal, calls_back(actor, view))


def show(actor, view, reveal: bool) -> Shown:
    """A complaint read by staff of the department it was sent to is, as its work order, anonymous."""
    belongs = theirs(actor, view)
    if view.type == "complaint" and assigned(actor, view):
        return decide(SHOW_TO_DEPARTMENT, actor, reveal, belongs)
    return decide(SHOW, actor, reveal, belongs)


def customer_show(actor, views, reveal: bool) -> Shown:
    return decide(CUSTOMER_SHOW, actor, reveal, any(theirs(actor, v) for v in views))


def salutation(name: str | None) -> str:
    """How a callback greets the customer: 王先生/女士 where the office recorded a surname only."""
    if name and len(name) == 1 and not name.isascii():
        return f"{name}先生/女士"
    return name or ""


# The README's table: each cell in words a reader of the README knows.
_WORDS = {"name": "name", "id": "customer id", "anonymous": "匿名业主 (anonymous)",
          "full": "full phone", "masked": "masked phone", "none": "",
          "shown": "unit", "work site": "unit where the work is done"}


def cell(shown: Shown) -> str:
    return ", ".join(w for w in (_WORDS[shown.name], _WORDS[shown.phone], _WORDS[shown.unit]) if w)


def readme_table() -> str:
    """The "Personal data" table of the README, made from ``POLICY``."""
    head = ["Output", "Theirs to call or visit", "Supervisor, director", "Supervisor, director with --reveal",
            "Anyone else"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for output, row in POLICY.items():
        lines.append("| " + " | ".join([output, *(cell(row[a]) for a in AUDIENCES)]) + " |")
    return "\n".join(lines) + "\n"
