"""Sharing records between PCs through a git remote: merge driver, sync, clone."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from .. import vcs
from ..core.errors import ConflictError, Refusal, SvcError, UsageError
from ..core.merge import MergeConflict
from ..store import txn, yamlio
from ..store.names import CONFIG
from ..store.records import Records
from . import check as check_ops
from . import office as office_ops
from . import pull
from .env import Env
from ..core.message import msg


def merge_files(base: str, ours: str, theirs: str, path: str) -> int:
    """git merge driver, for merges made with plain git: merge into ``ours``; 0 when clean,
    1 when a person must decide. ``svcctl sync`` merges in-process (operations.pull)."""
    def read(name):
        file = Path(name)
        return file.read_bytes() if file.exists() else None

    b, o, t = read(base), read(ours), read(theirs)
    try:
        merged = pull.merge_record(path, b, o or b"", t or b"")
    except (MergeConflict, yamlio.YamlProblem, UnicodeDecodeError) as problem:
        fields = problem.fields if isinstance(problem, MergeConflict) else ["a version cannot be read as YAML"]
        print(f"svcctl: conflict in {path}: changed differently on both sides: {', '.join(fields)}", file=sys.stderr)
        vcs.run(Path.cwd(), "merge-file", "-L", "this PC", "-L", "common", "-L", "other PC", ours, base, theirs)
        return 1
    txn.atomic_write(Path(ours), merged)
    return 0


def _unmerged(top: Path) -> list[str]:
    return vcs.git(top, "diff", "--name-only", "--diff-filter=U").split()


def _in_merge(records: Records) -> bool:
    return (records.gdir / "MERGE_HEAD").exists()


def _conflict_message(paths: list[str], fields: dict | None = None) -> str:
    named = [f"{p} ({', '.join(fields[p])})" if (fields or {}).get(p) else p for p in paths]
    return msg("sync stopped: {files} changed differently on two PCs; edit the file to keep the right values "
               "(remove the <<<<<<< ======= >>>>>>> lines), run 'git add' on it, then 'svcctl sync' again "
               "(or 'git merge --abort' to undo the pull)", files=", ".join(named))


def sync(env: Env, remote: str = "origin", attempts: int = 5) -> list[str]:
    """Fetch, merge, check, push; retried when another PC pushed in between.

    Only the merge runs under the office lock. The network steps (fetch, push) run
    outside it, so desk work on this PC goes on while a sync waits on a slow or dead
    line; a second lock keeps two syncs of one clone from running at once.
    """
    records = env.records
    top = records.top
    records.require_own_repo()
    # A remote with a URL in the clone's settings is one; else git judges (a remote set up
    # the old way, in .git/remotes).
    known = any(name.startswith("remote.") and name.endswith(".url") and name[7:-4] == remote
                for name in records.settings())
    if not known and vcs.run(top, "remote", "get-url", remote).returncode != 0:
        raise SvcError(msg("no remote {remote!r} to sync with: add one with 'git remote add NAME URL' (see README)", remote=remote))
    author = _merge_author(env)
    branch = vcs.run(top, "symbolic-ref", "--short", "-q", "HEAD").stdout.strip()
    if not branch:
        raise SvcError(msg('HEAD is detached: check out the records branch (git switch main) before syncing'))
    one_sync = txn.HeldLock(records.gdir / "svcctl-sync.lock")
    if not one_sync.acquire(0):
        raise Refusal(msg("another 'svcctl sync' is running for these records: let it finish, then try again"))
    try:
        return _sync(env, records, top, remote, branch, author, attempts)
    finally:
        one_sync.release()


def _sync(env: Env, records: Records, top: Path, remote: str, branch: str, author, attempts: int) -> list[str]:
    said: list[str] = []
    with records.lock():
        office_ops.register_driver(records)
        if _in_merge(records):
            paths = _unmerged(top)
            if paths:
                raise ConflictError(_conflict_message(paths))
            _require_valid(env)
            vcs.git(top, "commit", "--no-edit", "-q", env=author.env())
            said.append(msg('finished the merge you resolved'))
        _require_clean(records)
    upstream = f"refs/remotes/{remote}/{branch}"
    for attempt in range(1, attempts + 1):
        fetch = vcs.run(top, "fetch", "-q", remote)
        if fetch.returncode != 0:
            last = _git_says(fetch.stderr)
            raise SvcError(msg('cannot reach remote {remote!r} (offline?): {last}; local records are unchanged', remote=remote, last=last))
        with records.lock():
            _require_clean(records)
            before, theirs = vcs.resolve(top, ["HEAD^{commit}", upstream + "^{commit}"])
            tip = before
            if theirs and before == theirs:
                outgoing = 0  # both PCs hold the same commit: nothing to pull, check or push
            elif theirs and before:
                incoming = pull.plan(top, before, theirs)
                if incoming is None:  # nothing new there: check only what this push adds
                    incoming = pull.Pull(before, theirs, theirs, False, local=vcs.tree_changes(top, theirs, before))
                tip = _pull(env, records, incoming, f"sync: merge {remote}/{branch}", author) or before
                if incoming.changes or incoming.fast_forward:
                    count = int(vcs.git(top, "rev-list", "--count", f"{before}..{theirs}").strip())
                    said.append(msg('pulled {count} change(s) from {remote}', count=count, remote=remote))
                outgoing = int(vcs.git(top, "rev-list", "--count", f"{upstream}..{tip}").strip())
            else:
                outgoing = int(vcs.git(top, "rev-list", "--count", "HEAD").strip()) if before else 0
                _require_valid(env)
        if not outgoing:
            said.append(msg('up to date'))
            return said
        # The exact commit checked above: a desk commit landing meanwhile goes with the next sync.
        push = vcs.run(top, "push", "-q", remote, f"{tip}:refs/heads/{branch}")
        if push.returncode == 0:
            said.append(msg('pushed {outgoing} change(s) to {remote}', outgoing=outgoing, remote=remote))
            return said
        text = push.stderr
        if "rejected" in text or "fetch first" in text or "non-fast-forward" in text:
            said.append(msg('push rejected (another PC pushed first); retrying ({attempt}/{attempts})', attempt=attempt, attempts=attempts))
            continue
        last = _git_says(text)
        raise SvcError(msg('cannot push to {remote!r}: {last}; your commits are kept locally', remote=remote, last=last))
    raise SvcError(msg("gave up after {attempts} rejected pushes; your commits are kept locally, run 'svcctl sync' again", attempts=attempts))


def _pull(env: Env, records: Records, incoming: pull.Pull, message: str, author: vcs.Author) -> str | None:
    """Check the merge, then apply it, or lay out its conflicts for a person; under the lock.
    The commit HEAD was moved to, if it was."""
    top, gdir = records.top, records.gdir
    found = pull.problems(records, incoming)
    if found:
        path, line, problem, side = found[0]
        where = f"{path}:{line}" if line else path
        more = msg(" (and {count} more problem(s))", count=len(found) - 1) if len(found) > 1 else ""
        raise pull.IncomingBroken(msg(
            "sync refused, nothing here changed and nothing was pushed: {where}: {problem}{more}; "
            "it comes from {origin}: have it repaired on that PC (README: Repairing a broken record), "
            "then sync again", where=where, problem=problem, more=more, origin=pull.origin(records, incoming, path, side)))
    if incoming.base == incoming.theirs:
        return None  # their commits are part of ours already: nothing to join
    # Even a side that changes nothing in the end (a repair undoing a broken commit, a revert,
    # the same edit on both PCs) is joined by a merge commit: otherwise this PC pushes a
    # history that does not contain the other's, and every push is rejected.
    _require_untouched(records, incoming.paths)
    if incoming.conflicts:
        pull.lay_out_conflict(top, gdir, incoming, message)
        fields = {p: f for p, (f, _, _) in incoming.conflicts.items()}
        raise ConflictError(_conflict_message(sorted(incoming.conflicts), fields))
    target = pull.merge_commit(top, gdir, incoming, message, author)
    pull.apply(top, gdir, incoming, target)
    return target


def _require_untouched(records: Records, paths: list[str]) -> None:
    """No file the merge writes holds work of its own (an untracked file in the way, say)."""
    for start in range(0, len(paths), 500):
        out = vcs.git(records.top, "status", "--porcelain", "-z", "--untracked-files=all", "--",
                      *paths[start:start + 500], env={"GIT_LITERAL_PATHSPECS": "1"})
        entry = next((e for e in out.split("\0") if e), None)
        if not entry:
            continue
        raise Refusal(msg('{entry} is not committed and the pull would overwrite it: commit, move or remove it, then sync again', entry=entry[3:]))


def _git_says(stderr: str) -> str:
    """The line of git's complaint that names the trouble (its 'fatal:' line, if any)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (fatal or lines or ["no answer"])[0]


def _merge_author(env: Env) -> vcs.Author:
    """Who signs merge commits: the acting person when one is named, else this PC's sync.

    A merge records no decision of anyone's (the driver unions events), so a cron job
    may sync without pretending to be a member of staff.
    """
    try:
        return env.author(env.actor())
    except UsageError:
        if env.user or os.environ.get("SVCCTL_USER"):
            raise  # someone was named, and is not on the roster
    station = env.records.configured_station() or "?"
    return vcs.Author(f"svcctl sync (station {station})", f"sync-{station.lower()}@{env.office.code.lower()}.svcctl")


def _require_clean(records: Records) -> None:
    dirty = vcs.git(records.top, "status", "--porcelain", "--untracked-files=no", "--", str(records.root)).strip()
    if dirty:
        raise Refusal(msg('records have changes that are not committed ({dirty}): commit or discard them before syncing', dirty=dirty.splitlines()[0].strip()))


def _require_valid(env: Env) -> None:
    """Every record passes ``svcctl check`` (a merge a person settled, or a first push)."""
    records = env.records
    fresh = Env(str(records.root), env.user, env.now_text, env.template_check)  # svcctl.yaml may have changed in the merge
    errors = [p for p in check_ops.run(fresh) if p.severity == "error"]
    if errors:
        raise SvcError(msg("records fail 'svcctl check' after the merge ({errors}); nothing was pushed", errors=errors[0]))


def clone(user: str | None, url: str, folder: str, station: str) -> str:
    station = office_ops.check_station(station)
    target = Path(folder).expanduser().resolve()
    if target.exists() and any(target.iterdir()):
        raise Refusal(msg('{target} exists and is not empty: choose a new folder', target=target))
    # Checked out only once this clone's git keeps the bytes as they are: a .gitattributes
    # in the repository would otherwise re-encode the records as they are written out.
    proc = vcs.run(Path.cwd(), "clone", "-q", "--no-checkout", url, str(target))
    if proc.returncode != 0:
        last = _git_says(proc.stderr)
        raise SvcError(msg('cannot clone {url}: {last}', url=url, last=last))
    try:
        txn.keep_bytes(vcs.git_dir(target), "")
        if vcs.head(target):
            vcs.git(target, "reset", "-q", "--hard", "HEAD")
        # Not find_root: it would prefer $SVCCTL_RECORDS (often exported for the first
        # folder) and set up that folder instead of the fresh clone.
        root = target if (target / CONFIG).exists() else _find_config(target)
        records = Records(root)
        if station in records.office.stations:
            raise Refusal(msg('station {station} is already used by another PC ({CONFIG} stations): choose another code', station=station, CONFIG=CONFIG))
        env = Env(str(root), user)
        message = office_ops.setup(env, station, inside_repo=root != target)
        office_ops.keep_holidays(env)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return msg("cloned into {root}; {message}; run 'svcctl sync' to share it", root=root, message=message)


def _find_config(top: Path) -> Path:
    for candidate in sorted(top.glob(f"*/{CONFIG}")):
        return candidate.parent
    # A bare repository made with plain 'git init --bare' may point HEAD at a branch
    # nobody pushed (master), while the records went to main: check that out instead.
    for branch in ("main", "master"):
        has_branch = vcs.run(top, "rev-parse", "-q", "--verify", f"refs/remotes/origin/{branch}").returncode == 0
        if has_branch and vcs.run(top, "checkout", "-q", branch).returncode == 0:
            if (top / CONFIG).exists():
                return top
            for candidate in sorted(top.glob(f"*/{CONFIG}")):
                return candidate.parent
    raise SvcError(msg('the cloned repository has no {CONFIG}: is it an svcctl records repository?', CONFIG=CONFIG))
