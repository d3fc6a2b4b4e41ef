"""Tickets this PC changed other than by adding events, since it last shared them.

A sync refuses a ticket whose history another PC rewrote (operations.pull); ``svcctl check``
says the same here first, before the push: every ticket that differs, in the working
tree, from the commit this PC last had in common with its remote (or from the last commit,
with no remote) is held to core.append_only.
"""
from __future__ import annotations

from .. import vcs
from ..core.append_only import successor_problems
from ..core.message import Message
from ..store import yamlio
from ..store.records import Records, read_file


def problems(records: Records, office=None, customers=None) -> list[tuple[str, Message]]:
    """``(inner, problem)`` for each ticket of the records folder rewritten since it was shared."""
    if records.toplevel is None:
        return []
    top = records.top
    base = _shared(top)
    if base is None:
        return []
    folder = records.rel("tickets")
    out = vcs.run(top, "diff", "--name-only", "-z", "--no-renames", "--diff-filter=M", base, "--",
                  f":(literal){folder}")
    if out.returncode != 0:
        return []
    paths = [p for p in out.stdout.split("\0") if p.endswith(".yaml")]
    if not paths:
        return []
    before = vcs.entries(top, base, paths)
    contents = vcs.blobs(top, [sha for mode, sha in before.values() if mode in ("100644", "100755")])
    found = []
    for path in sorted(before):
        inner = (top / path).relative_to(records.root).as_posix()
        raw = read_file(records.root, inner)
        old_raw = contents.get(before[path][1])
        if isinstance(raw, str) or old_raw is None or len(old_raw) > yamlio.MAX_BYTES:
            continue  # what cannot be read is the record check's to report
        old, _, broken = records.check_bytes("ticket", inner, old_raw, office=office, customers=customers)
        new = record_of(raw)
        if broken or new is None:
            continue
        found += [(inner, problem) for problem in successor_problems(old, new)]
    return found


def _shared(top) -> str | None:
    """The last commit this PC shares with its remote (where its branch and the upstream
    part), else HEAD."""
    upstream = vcs.run(top, "merge-base", "HEAD", "@{upstream}")
    if upstream.returncode == 0 and upstream.stdout.strip():
        return upstream.stdout.split()[0]
    return vcs.head(top)


def record_of(raw: bytes) -> dict | None:
    """A record's mapping from its bytes; None when they are not one."""
    try:
        data = yamlio.parse(raw.decode("utf-8"))
    except (yamlio.YamlProblem, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None
