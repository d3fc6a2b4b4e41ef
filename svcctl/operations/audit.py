"""Who was shown a customer's personal data in full, and where (rules §7: need to know)."""
from __future__ import annotations

from ..core.errors import Refusal
from ..core.message import msg
from ..core.timeutil import iso
from ..store import audit
from .env import Env


def _file(env: Env):
    records = env.records
    return audit.audit_file(records.gdir, records.records_rel)


def shown(env: Env, output: str, *, tickets=(), customer: str | None = None, revealed: bool = False) -> None:
    """Note that ``output`` showed the acting person in full the customer of each of
    ``tickets`` (or the file ``customer``); ``revealed``: asked for with --reveal."""
    if env.records.toplevel is None:  # a folder outside git: read-only, and nowhere private to log in
        return
    actor = env.actor()
    at = iso(env.now)
    rows = [{"at": at, "by": actor.id, "output": output, "ticket": t, "customer": c, "reveal": revealed}
            for t, c in tickets]
    if customer is not None:
        rows.append({"at": at, "by": actor.id, "output": output, "ticket": None, "customer": customer,
                     "reveal": revealed})
    audit.append(_file(env), rows)


def entries(env: Env, ticket: str | None = None, customer: str | None = None, by: str | None = None) -> list[dict]:
    """The log, oldest first, narrowed to a ticket, a customer or a reader; for supervisors
    and directors only, as it names the customers looked at."""
    actor = env.actor()
    if not actor.senior:
        from ..core.roles import senior_names

        raise Refusal(msg("the audit log names whose personal data was shown, which only a supervisor or "
                          "director may read: ask {seniors}", seniors=senior_names(env.office.roster)))
    if env.records.toplevel is None:
        return []
    return audit.read(_file(env), lambda r: (ticket is None or r.get("ticket") == ticket)
                      and (customer is None or r.get("customer") == customer) and (by is None or r.get("by") == by))
