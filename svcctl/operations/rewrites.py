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
from ..store.reading import read_file
from ..store.records import Records


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
        rewritten = successor_problems(old, new)
        if rewritten and not undoes_a_rewrite(records, base, path, new):
            found += [(inner, problem) for problem in rewritten]
    return found


def undoes_a_rewrite(records: Records, commit: str, path: str, new: dict, depth: int = 20) -> bool:
    """Whether ``new`` puts right a rewrite in the history of ``path`` as of ``commit``: an
    append-only successor of the version just before the latest commit that rewrote the
    ticket (``git revert`` of a hostile commit, or the file restored from before it). A
    rewrite already shared can only be undone by another change of the same file, which must
    not be refused as a rewrite in its turn."""
    log = vcs.run(records.top, "log", f"-n{depth}", "--format=%H", commit, "--", f":(literal){path}")
    commits = log.stdout.split() if log.returncode == 0 else []
    if len(commits) < 2:
        return False
    found = vcs.objects(records.top, [f"{c}:{path}" for c in commits])
    versions = [record_of(obj[1]) if obj and obj[0] == "blob" and len(obj[1]) <= yamlio.MAX_BYTES else None
                for obj in found]
    for later, earlier in zip(versions, versions[1:]):  # newest first
        if later is None or earlier is None:
            return False
        if successor_problems(earlier, later):
            return not successor_problems(earlier, new)
    return False


def _shared(top) -> str | None:
    """The last commit this PC shares with its remote (where its branch and the upstream
    part), else HEAD."""
    head, upstream = vcs.resolve(top, ["HEAD^{commit}", "@{upstream}^{commit}"])
    if head is None or upstream is None or upstream == head:
        return head  # no upstream (or no commit yet), or nothing to tell them apart
    found = vcs.run(top, "merge-base", "HEAD", "@{upstream}")
    if found.returncode == 0 and found.stdout.strip():
        return found.stdout.split()[0]
    return vcs.head(top)


def record_of(raw: bytes) -> dict | None:
    """A record's mapping from its bytes; None when they are not one."""
    try:
        data = yamlio.parse(raw.decode("utf-8"))
    except (yamlio.YamlProblem, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None
