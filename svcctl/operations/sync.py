"""Sharing records between PCs through a git remote: merge driver, sync, clone."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from .. import vcs
from ..core.errors import ConflictError, Refusal, SvcError, UsageError
from ..core.merge import MergeConflict, merge_ticket, merge_values
from ..store import txn, yamlio
from ..store.records import CONFIG, Records, configured_station
from . import check as check_ops
from . import office as office_ops
from .env import Env


def merge_files(base: str, ours: str, theirs: str, path: str) -> int:
    """git merge driver: merge into ``ours``; 0 when clean, 1 when a person must decide."""
    def read(name):
        file = Path(name)
        return file.read_bytes().decode("utf-8") if file.exists() else ""  # line ends as they are

    def parse(text):
        return yamlio.parse(text) if text.strip() else None

    try:
        ours_text = read(ours)
        b, o, t = parse(read(base)), parse(ours_text), parse(read(theirs))
        if not isinstance(o, dict) or not isinstance(t, dict):
            raise MergeConflict(["whole file (not a mapping)"])
        if "/tickets/" in f"/{path}":  # %P is relative to the repository, records may sit below it
            merged = merge_ticket(b, o, t)
        else:
            merged = merge_values(b or {}, o, t, "")
    except (MergeConflict, yamlio.YamlProblem, ValueError, KeyError, TypeError) as problem:
        fields = problem.fields if isinstance(problem, MergeConflict) else [str(problem)]
        print(f"svcctl: conflict in {path}: changed differently on both sides: {', '.join(fields)}", file=sys.stderr)
        vcs.run(Path.cwd(), "merge-file", "-L", "this PC", "-L", "common", "-L", "other PC", ours, base, theirs)
        return 1
    txn.atomic_write(Path(ours), _merged_text(path, ours_text, merged))
    return 0


def _merged_text(path: str, ours_text: str, merged: dict) -> str:
    """svcctl.yaml keeps this PC's comments and layout (changed in place to the merged values);
    other records are written canonically."""
    if Path(path).name == CONFIG:
        from ..store import roundtrip

        try:
            return roundtrip.rewrite(ours_text, merged)
        except roundtrip.LayoutLost:
            pass  # the merged values matter more than the layout
    return yamlio.dump(merged)


def _unmerged(top: Path) -> list[str]:
    return vcs.git(top, "diff", "--name-only", "--diff-filter=U").split()


def _in_merge(records: Records) -> bool:
    return (records.gdir / "MERGE_HEAD").exists()


def _conflict_message(paths: list[str], said: str = "") -> str:
    """``said``: the merge driver's stderr, whose lines name the fields in conflict."""
    fields = {}
    for line in said.splitlines():
        head, sep, what = line.partition(": changed differently on both sides: ")
        if sep and head.startswith("svcctl: conflict in "):
            fields[head[len("svcctl: conflict in "):]] = what.strip()
    named = [f"{p} ({fields[p]})" if fields.get(p) else p for p in paths]
    return (f"sync stopped: {', '.join(named)} changed differently on two PCs; edit the file to keep the right "
            "values (remove the <<<<<<< ======= >>>>>>> lines), run 'git add' on it, then 'svcctl sync' again "
            "(or 'git merge --abort' to undo the pull)")


def sync(env: Env, remote: str = "origin", attempts: int = 5) -> list[str]:
    """Fetch, merge, check, push; retried when another PC pushed in between.

    Only the merge runs under the office lock. The network steps (fetch, push) run
    outside it, so desk work on this PC goes on while a sync waits on a slow or dead
    line; a second lock keeps two syncs of one clone from running at once.
    """
    records = env.records
    top = records.top
    if vcs.run(top, "remote", "get-url", remote).returncode != 0:
        raise SvcError(f"no remote '{remote}' to sync with: add one with 'git remote add {remote} URL' (see README)")
    author = _merge_author(env)
    branch = vcs.run(top, "symbolic-ref", "--short", "-q", "HEAD").stdout.strip()
    if not branch:
        raise SvcError("HEAD is detached: check out the records branch (git switch main) before syncing")
    from filelock import FileLock, Timeout

    one_sync = FileLock(str(records.gdir / "svcctl-sync.lock"))
    try:
        one_sync.acquire(timeout=0)
    except Timeout:
        raise Refusal("another 'svcctl sync' is running for these records: let it finish, then try again") from None
    try:
        return _sync(env, records, top, remote, branch, author, attempts)
    finally:
        one_sync.release()


def _sync(env: Env, records: Records, top: Path, remote: str, branch: str, author, attempts: int) -> list[str]:
    said: list[str] = []
    with records.lock():
        office_ops.register_driver(top)
        if _in_merge(records):
            paths = _unmerged(top)
            if paths:
                raise ConflictError(_conflict_message(paths))
            _require_valid(env, since=())
            vcs.git(top, "commit", "--no-edit", "-q", env=author.env())
            said.append("finished the merge you resolved")
        _require_clean(records)
    upstream = f"refs/remotes/{remote}/{branch}"
    for attempt in range(1, attempts + 1):
        fetch = vcs.run(top, "fetch", "-q", remote)
        if fetch.returncode != 0:
            last = _git_says(fetch.stderr)
            raise SvcError(f"cannot reach remote '{remote}' (offline?): {last}; local records are unchanged")
        with records.lock():
            _require_clean(records)
            before = vcs.head(top)
            has_upstream = vcs.run(top, "rev-parse", "-q", "--verify", upstream).returncode == 0
            if has_upstream:
                incoming = int(vcs.git(top, "rev-list", "--count", f"HEAD..{upstream}").strip())
                if incoming:
                    journal = txn.MergeJournal(top, records.gdir)
                    journal.begin(vcs.head(top), vcs.git(top, "rev-parse", upstream).strip())
                    merge = vcs.run(top, "merge", "--no-edit", "-q", "-m",
                                    f"sync: merge {remote}/{branch}", upstream, env=author.env())
                    journal.end()  # merged, or stopped on a conflict for a person: either way not cut off
                    if merge.returncode != 0:
                        paths = _unmerged(top)
                        if not paths:
                            raise SvcError(f"git merge failed: {(merge.stderr or merge.stdout).strip().splitlines()[-1]}")
                        raise ConflictError(_conflict_message(paths, merge.stderr))
                    said.append(f"pulled {incoming} change(s) from {remote}")
                outgoing = int(vcs.git(top, "rev-list", "--count", f"{upstream}..HEAD").strip())
            else:
                outgoing = int(vcs.git(top, "rev-list", "--count", "HEAD").strip())
            # Checked under the lock: only what the merge brought in or made and what this push
            # adds, so a sync does not hold up the desk for a check of the whole office.
            _require_valid(env, since=(before, upstream) if has_upstream else ())
            tip = vcs.head(top)
        if not outgoing:
            said.append("up to date")
            return said
        # The exact commit checked above: a desk commit landing meanwhile goes with the next sync.
        push = vcs.run(top, "push", "-q", remote, f"{tip}:refs/heads/{branch}")
        if push.returncode == 0:
            said.append(f"pushed {outgoing} change(s) to {remote}")
            return said
        text = push.stderr
        if "rejected" in text or "fetch first" in text or "non-fast-forward" in text:
            said.append(f"push rejected (another PC pushed first); retrying ({attempt}/{attempts})")
            continue
        last = _git_says(text)
        raise SvcError(f"cannot push to '{remote}': {last}; your commits are kept locally")
    raise SvcError(f"gave up after {attempts} rejected pushes; your commits are kept locally, run 'svcctl sync' again")


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
    station = configured_station(env.records.top) or "?"
    return vcs.Author(f"svcctl sync (station {station})", f"sync-{station.lower()}@{env.office.code.lower()}.svcctl")


def _require_clean(records: Records) -> None:
    dirty = vcs.git(records.top, "status", "--porcelain", "--untracked-files=no", "--", str(records.root)).strip()
    if dirty:
        raise Refusal(f"records have changes that are not committed ({dirty.splitlines()[0].strip()}): "
                      "commit or discard them before syncing")


def _require_valid(env: Env, since: tuple[str, ...]) -> None:
    """The records pass ``svcctl check``: the files that differ between HEAD and any commit
    of ``since``, or every file when ``since`` is empty (nothing to compare with)."""
    records = env.records
    only = None
    if since:
        only = set()
        for commit in since:
            changed = vcs.git(records.top, "diff", "--name-only", "-z", commit, "HEAD", "--", str(records.root))
            only |= {(records.top / p).relative_to(records.root).as_posix() for p in changed.split("\0") if p}
    fresh = Env(str(records.root), env.user, env.now_text)  # svcctl.yaml may have changed in the merge
    errors = [p for p in check_ops.run(fresh, only) if p.severity == "error"]
    if errors:
        raise SvcError(f"records fail 'svcctl check' after the merge ({errors[0]}); nothing was pushed")


def clone(user: str | None, url: str, folder: str, station: str) -> str:
    station = office_ops.check_station(station)
    target = Path(folder).expanduser().resolve()
    if target.exists() and any(target.iterdir()):
        raise Refusal(f"{target} exists and is not empty: choose a new folder")
    proc = vcs.run(Path.cwd(), "clone", "-q", url, str(target))
    if proc.returncode != 0:
        last = _git_says(proc.stderr)
        raise SvcError(f"cannot clone {url}: {last}")
    try:
        # Not find_root: it would prefer $SVCCTL_RECORDS (often exported for the first
        # folder) and set up that folder instead of the fresh clone.
        root = target if (target / CONFIG).exists() else _find_config(target)
        records = Records(root)
        if station in records.office.stations:
            raise Refusal(f"station {station} is already used by another PC ({CONFIG} stations): choose another code")
        env = Env(str(root), user)
        message = office_ops.setup(env, station)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return f"cloned into {root}; {message}; run 'svcctl sync' to share it"


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
    raise SvcError(f"the cloned repository has no {CONFIG}: is it an svcctl records repository?")
