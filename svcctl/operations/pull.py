"""What a sync brings in: merged in a private index, checked, and only then applied.

Nothing here touches the working tree or the shared index until the merge is known to
pass ``svcctl check``. Records changed on both PCs are merged in this process (ticket
events as a union, other records field by field, core.merge); the merged tree is written
to a private index and a merge commit made from it. Only then does the branch move and
are the changed files written, under a journal (store.txn.MergeJournal), so a sync
killed at any moment is finished or rolled back by the next command. A merge that fails
the check leaves this PC exactly as it was, and is refused again at every sync until
the commit that brought the broken record is repaired where it came from.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from .. import vcs
from ..core.append_only import successor_problems
from ..core.errors import SvcError
from ..core.merge import MergeConflict, merge_ticket, merge_values
from ..core.office import Office
from ..core.message import Message, msg
from ..store import txn, yamlio
from ..store.records import CONFIG, Records
from . import layout
from . import rewrites
from .rewrites import record_of


class IncomingBroken(SvcError):
    """The merge would bring in (or push) a record that fails ``svcctl check``."""


def merge_record(path: str, base: bytes | None, ours: bytes, theirs: bytes) -> bytes:
    """Three versions of one record merged into one; ``MergeConflict`` when a person must
    decide, ``yamlio.YamlProblem`` (or UnicodeDecodeError) when a version cannot be read."""
    def parse(raw):
        return yamlio.parse(raw.decode("utf-8")) if raw is not None and raw.strip() else None

    ours_text = ours.decode("utf-8")  # line ends as they are
    b, o, t = parse(base), parse(ours), parse(theirs)
    if not isinstance(o, dict) or not isinstance(t, dict):
        raise MergeConflict(["whole file (not a mapping)"])
    try:
        if "/tickets/" in f"/{path}":  # records may sit below the repository's top
            merged = merge_ticket(b if isinstance(b, dict) else None, o, t)
        else:
            merged = merge_values(b if isinstance(b, dict) else {}, o, t, "")
    except (ValueError, KeyError, TypeError) as problem:
        raise MergeConflict([f"events cannot be merged ({problem})"]) from None
    return _merged_text(path, ours_text, merged).encode("utf-8")


def _merged_text(path: str, ours_text: str, merged: dict) -> str:
    """svcctl.yaml keeps this PC's comments and layout (changed in place to the merged values);
    other records are written canonically."""
    if PurePosixPath(path).name == CONFIG:
        from ..store import roundtrip

        try:
            return roundtrip.rewrite(ours_text, merged)
        except roundtrip.LayoutLost:
            pass  # the merged values matter more than the layout
    return yamlio.dump(merged)


def _merge_file(top: Path, base: bytes | None, ours: bytes, theirs: bytes, *labels: str):
    """git's line-by-line three-way merge of three texts (``git merge-file -p``)."""
    with tempfile.TemporaryDirectory(prefix="svcctl-merge-") as folder:
        names = []
        for name, data in (("ours", ours), ("base", base or b""), ("theirs", theirs)):
            file = Path(folder) / name
            file.write_bytes(data)
            names.append(str(file))
        return vcs.run_bytes(top, "merge-file", "-p", *[arg for label in labels for arg in ("-L", label)], *names)


def conflict_text(top: Path, base: bytes | None, ours: bytes, theirs: bytes) -> bytes:
    """A file with both versions between <<<<<<< ======= >>>>>>> lines, for a person."""
    return _merge_file(top, base, ours, theirs, "this PC", "common", "other PC").stdout


@dataclass
class Pull:
    """The merge of ``theirs`` into ``ours``: what changes relative to ``ours``."""

    ours: str
    theirs: str
    base: str | None
    fast_forward: bool
    changes: dict = field(default_factory=dict)     # path -> (mode, blob) or None (removed)
    incoming: dict = field(default_factory=dict)    # path -> (mode, blob) or None: the other PC's changes since base
    local: dict = field(default_factory=dict)       # path -> (mode, blob) or None: this PC's own changes since base
    conflicts: dict = field(default_factory=dict)   # path -> (fields, stages {1,2,3: (mode, blob)}, marked text)
    unreadable: dict = field(default_factory=dict)  # path -> which side's version cannot be read

    @property
    def paths(self) -> list[str]:
        return sorted({*self.changes, *self.conflicts})


def is_ancestor(top: Path, older: str, newer: str) -> bool:
    return vcs.run(top, "merge-base", "--is-ancestor", older, newer).returncode == 0


def plan(top: Path, ours: str, theirs: str) -> Pull | None:
    """The merge of ``theirs`` into ``ours``, computed without touching any file; None when
    ``theirs`` is already part of ``ours``."""
    if is_ancestor(top, theirs, ours):
        return None
    found = vcs.run(top, "merge-base", ours, theirs)
    base = found.stdout.split()[0] if found.returncode == 0 and found.stdout.strip() else None
    incoming = vcs.tree_changes(top, base, theirs)
    if base == ours:
        return Pull(ours, theirs, base, True, changes=incoming, incoming=incoming)
    local = vcs.tree_changes(top, base, ours)
    pull = Pull(ours, theirs, base, False, local=local, incoming=incoming)
    both = []
    for path, entry in incoming.items():
        if path not in local:
            pull.changes[path] = entry
        elif local[path] != entry:
            both.append(path)
    if not both:
        return pull
    base_entries = vcs.entries(top, base, both) if base else {}
    wanted = [e[1] for p in both for e in (base_entries.get(p), local[p], incoming[p]) if e]
    contents = vcs.blobs(top, wanted)
    merged_paths, merged_texts = [], []
    for path in both:
        b, o, t = base_entries.get(path), local[path], incoming[path]
        read = lambda e: contents[e[1]] if e else None  # noqa: E731
        stages = {n: e for n, e in ((1, b), (2, o), (3, t)) if e}
        if o is None or t is None:
            pull.conflicts[path] = (["removed on one PC, changed on the other"], stages, None)
            continue
        try:
            if path.endswith(".yaml"):
                text = merge_record(path, read(b), read(o), read(t))
            else:
                text = _merge_text(top, read(b), read(o), read(t))
        except MergeConflict as conflict:
            pull.conflicts[path] = (conflict.fields, stages, conflict_text(top, read(b), read(o), read(t)))
            continue
        except (yamlio.YamlProblem, UnicodeDecodeError):
            pull.unreadable[path] = _unreadable_side(read(o), read(t))
            continue
        merged_paths.append(path)
        merged_texts.append(text)
    for path, sha in zip(merged_paths, vcs.write_blobs(top, merged_texts)):
        pull.changes[path] = (incoming[path][0], sha)
    return pull


def _merge_text(top: Path, base: bytes | None, ours: bytes, theirs: bytes) -> bytes:
    """A file that is not a record (a template), merged line by line as git would."""
    proc = _merge_file(top, base, ours, theirs)
    if proc.returncode != 0:
        raise MergeConflict(["lines changed on both PCs"])
    return proc.stdout


def _unreadable_side(ours: bytes, theirs: bytes) -> str:
    def readable(raw):
        try:
            yamlio.parse(raw.decode("utf-8"))
            return True
        except (yamlio.YamlProblem, UnicodeDecodeError):
            return False

    return "ours" if not readable(ours) else "theirs"


# -- checking -----------------------------------------------------------------------------

class Found(NamedTuple):
    """A problem the merge would bring in or push: ``path`` (from the repository's top),
    ``line`` when one fits, and ``side`` ("ours" or "theirs") when it is known which PC's
    commits brought it."""

    path: str
    line: int | None
    message: str
    side: str | None = None


def problems(records: Records, pull: Pull) -> list[Found]:
    """Every problem ``svcctl check`` would report, after the merge, in what it brings in or
    changes and in this PC's own changes it will push; and more than it can see in files:
    anything svcctl's layout does not hold (operations.layout), a record removed, a ticket
    whose history either side rewrote instead of adding to it (core.append_only)."""
    top, root = records.top, records.root
    prefix = root.relative_to(top).as_posix()
    # Below the repository's top (init --inside-repo) the rest of the repository is another
    # project's: only the records folder is the office's to judge.
    prefix = "" if prefix == "." else prefix + "/"
    final = {**pull.local, **pull.changes}
    found: list[Found] = []
    for path in pull.unreadable:
        final.pop(path, None)
        found.append(Found(path, None, "cannot be read, so it cannot be merged: " + _read_problem(records, pull, path)))
    found += _layout_problems(top, pull, prefix)
    refused = {f.path for f in found}
    todo = {}
    for path, entry in final.items():
        if not path.startswith(prefix) or path in pull.conflicts or path in refused:
            continue
        inner = path[len(prefix):]
        if entry is None:
            removed = layout.removal_problem(inner)
            if removed is not None:
                found.append(Found(path, None, removed))
            continue
        kind = layout.kind(inner)
        if kind in layout.RECORDS:
            todo[path] = (kind, inner, entry[1])
    contents = vcs.blobs(top, [sha for _, _, sha in todo.values()])
    office = records.office if (root / CONFIG).is_file() else None
    config_path = prefix + CONFIG
    if config_path in todo:
        _, inner, sha = todo.pop(config_path)
        data, _, bad = records.check_bytes("config", inner, contents[sha])
        found += [Found(config_path, line, message) for line, message in bad]
        office = Office(data) if not bad else None
    customers = set(records.customer_ids())
    for path, entry in final.items():
        if path.startswith(prefix + "customers/") and layout.kind(path[len(prefix):]) == "customer":
            cid = PurePosixPath(path).stem
            customers.add(cid) if entry else customers.discard(cid)
    for path, (kind, inner, sha) in sorted(todo.items()):
        context = {"office": office, "customers": customers} if kind == "ticket" else (
            {"office": office} if kind == "handover" else {})
        _, _, bad = records.check_bytes(kind, inner, contents[sha], **context)
        found += [Found(path, line, message) for line, message in bad]
    found += _history_problems(records, pull, prefix, office, customers, {f.path for f in found})
    return found


def _sides(pull: Pull) -> tuple[tuple[str, dict], ...]:
    """What each side changed since the common commit, as that side has it (not merged)."""
    return (("theirs", pull.incoming), ("ours", pull.local))


def _layout_problems(top: Path, pull: Pull, prefix: str) -> list[Found]:
    """Files either side adds or changes in the records folder that svcctl's layout does
    not hold, with what is wrong with each: judged as each side has them, conflicts too."""
    changed = [(side, path, entry) for side, changes in _sides(pull) for path, entry in changes.items()
               if entry is not None and path.startswith(prefix)]
    sizes = vcs.sizes(top, [entry[1] for _, _, entry in changed if entry[0] in layout.PLAIN])
    attributes = {entry[1] for _, path, entry in changed if layout.kind(path[len(prefix):]) == "attributes"
                  and entry[0] in layout.PLAIN and sizes.get(entry[1], 0) <= yamlio.MAX_BYTES}
    contents = vcs.blobs(top, attributes)
    found, seen = [], set()
    for side, path, (mode, sha) in changed:
        bad = layout.problem(path[len(prefix):], mode, sizes.get(sha), contents.get(sha))
        if bad is not None and path not in seen:
            seen.add(path)
            found.append(Found(path, None, bad, side))
    return found


def _history_problems(records: Records, pull: Pull, prefix: str, office, customers: set,
                      refused: set) -> list[Found]:
    """Tickets either side changed other than by adding events: each side's version is
    compared with the common commit's (the merge of both is their union). A ticket whose
    common version fails ``svcctl check`` may be repaired by hand, as 'svcctl commit' lets a
    supervisor do, so only a sound one is held to its history."""
    if pull.base is None:
        return []
    changed = [(side, path, entry) for side, changes in _sides(pull) for path, entry in changes.items()
               if entry is not None and entry[0] in layout.PLAIN and path not in refused
               and path.startswith(prefix) and layout.kind(path[len(prefix):]) == "ticket"]
    if not changed:
        return []
    before = vcs.entries(records.top, pull.base, sorted({path for _, path, _ in changed}))
    changed = [(side, path, entry) for side, path, entry in changed if path in before and before[path][0] in layout.PLAIN]
    sizes = vcs.sizes(records.top, [sha for _, sha in before.values()])
    contents = vcs.blobs(records.top, [before[path][1] for _, path, _ in changed
                                       if sizes.get(before[path][1], 0) <= yamlio.MAX_BYTES]
                         + [entry[1] for _, _, entry in changed])
    found = []
    for side, path, (_, sha) in changed:
        old_sha = before[path][1]
        if old_sha not in contents or old_sha == sha:
            continue
        inner = path[len(prefix):]
        old, _, broken = records.check_bytes("ticket", inner, contents[old_sha], office=office, customers=customers)
        new = record_of(contents[sha])
        if broken or new is None:
            continue  # a repair of a broken ticket; the new version is checked as a record
        rewritten = successor_problems(old, new)
        if rewritten and not rewrites.undoes_a_rewrite(records, pull.base, path, new):
            found += [Found(path, None, problem, side) for problem in rewritten]
    return found


def _read_problem(records: Records, pull: Pull, path: str) -> str:
    side = pull.unreadable[path]
    entry = pull.local[path] if side == "ours" else vcs.tree_changes(records.top, pull.base, pull.theirs)[path]
    raw = vcs.blobs(records.top, [entry[1]])[entry[1]]
    try:
        yamlio.parse(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at line {line})"
    except yamlio.YamlProblem as problem:
        return f"line {problem.line}: {problem.message}" if problem.line else problem.message
    return "unreadable"


def origin(records: Records, pull: Pull, path: str, side: str | None = None) -> Message:
    """Which commit brought ``path`` as it is (of ``side``'s commits, when given first): its
    short id, author and subject."""
    top = records.top
    sides = [(pull.theirs, pull.ours, "theirs"), (pull.ours, pull.theirs, "ours")]
    if side == "ours":
        sides.reverse()
    for tip, stop, whose in sides:
        out = vcs.run(top, "log", "-1", "--format=%h%x1f%an%x1f%s", tip, f"^{stop}", "--",
                      f":(literal){path}").stdout.strip()
        if out:
            short, author, subject = (out.split("\x1f") + ["", ""])[:3]
            said = dict(commit=short, author=author, subject=subject)
            if whose == "theirs":
                return msg("the other PC's commit {commit} by {author} ({subject})", **said)
            return msg("this PC's commit {commit} by {author} ({subject})", **said)
    return msg("a commit of the other PC")


# -- applying -------------------------------------------------------------------------------

def merge_commit(top: Path, gdir: Path, pull: Pull, message: str, author: vcs.Author) -> str:
    """The merge as a commit object (reachable from nothing yet): ours plus the changes."""
    if pull.fast_forward:
        return pull.theirs
    tree = _tree(top, gdir, pull.ours, pull.changes)
    return vcs.git(top, "commit-tree", tree, "-p", pull.ours, "-p", pull.theirs, input=message + "\n",
                   env=author.env()).strip()


def _tree(top: Path, gdir: Path, start: str, changes: dict) -> str:
    index = gdir / "svcctl-merge-index"
    env = {"GIT_INDEX_FILE": str(index)}
    try:
        vcs.git(top, "read-tree", start, env=env)
        lines = [f"{e[0]} {e[1]}\t{p}" if e else f"0 {vcs.EMPTY}\t{p}" for p, e in changes.items()]
        if lines:
            vcs.git(top, "update-index", "--index-info", input="\n".join(lines) + "\n", env=env)
        return vcs.git(top, "write-tree", env=env).strip()
    finally:
        index.unlink(missing_ok=True)


def apply(top: Path, gdir: Path, pull: Pull, target: str) -> None:
    """Move the branch from ``pull.ours`` to ``target`` and write the changed files, so that
    a kill at any point is finished (or undone) by the next holder of the lock."""
    paths = pull.paths
    journal = txn.MergeJournal(top, gdir)
    journal.begin(pull.ours, target, paths)
    txn._crash_point("sync-journal")
    vcs.git(top, "update-ref", "-m", "svcctl: sync", "HEAD", target, pull.ours)
    txn._crash_point("sync-moved")
    txn.write_from_commit(top, target, paths)
    vcs.sync_index(top, paths)
    journal.end()


def lay_out_conflict(top: Path, gdir: Path, pull: Pull, message: str) -> None:
    """Leave the merge for a person: every clean change in place and staged, each conflict
    as a file with both versions marked and git's three stages, MERGE_HEAD set, so that
    'git add' and 'svcctl sync' finish it, and 'git merge --abort' drops it."""
    conflicted = {p: marked for p, (_, _, marked) in pull.conflicts.items() if marked is not None}
    shas = dict(zip(conflicted, vcs.write_blobs(top, list(conflicted.values()))))
    tree = _tree(top, gdir, pull.ours, {**pull.changes, **{p: ("100644", sha) for p, sha in shas.items()}})
    paths = pull.paths
    journal = txn.MergeJournal(top, gdir)
    journal.begin(pull.ours, pull.theirs, paths, conflict=True)
    txn.write_from_commit(top, tree, paths)
    lines = [f"{e[0]} {e[1]}\t{p}" if e else f"0 {vcs.EMPTY}\t{p}" for p, e in pull.changes.items()]
    for path, (_, stages, _) in pull.conflicts.items():
        lines.append(f"0 {vcs.EMPTY}\t{path}")
        lines += [f"{mode} {sha} {n}\t{path}" for n, (mode, sha) in sorted(stages.items())]
    vcs.git(top, "update-index", "--index-info", input="\n".join(lines) + "\n")
    txn.atomic_write(gdir / "ORIG_HEAD", pull.ours + "\n")
    txn.atomic_write(gdir / "MERGE_MSG", message + "\n")
    txn.atomic_write(gdir / "MERGE_MODE", "no-ff")
    txn.atomic_write(gdir / "MERGE_HEAD", pull.theirs + "\n")
    journal.end()
