"""The README's table of what each role may do, written from the roles' own data (core.roles)."""
from __future__ import annotations

from ..core import roles
from .labels import label

# Actions that are a condition on a command rather than a command of their own.
_NAMED = {"close top grade": "`svcctl close` of a complex or major complaint",
          roles.OTHER: "a kind of event added later (a module of its own)"}
_SCOPES = {roles.ANY: "yes", roles.DEPARTMENT: "own department's work orders", None: "—"}


def markdown() -> str:
    """One row per action, one column per role (named in English and Chinese)."""
    head = ["what", *(f"{key} ({label('role', key, 'zh')})" for key in roles.KEYS)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in roles.table():
        action = _NAMED.get(row["action"], f"`svcctl {row['action']}`")
        lines.append("| " + " | ".join([action, *(_SCOPES[row[key]] for key in roles.KEYS)]) + " |")
    return "\n".join(lines) + "\n"
