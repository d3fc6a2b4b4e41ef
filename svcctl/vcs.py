"""git, through its plumbing: one commit per change, touching only the changed paths.

Porcelain ``git commit`` re-stats the whole tree; the plumbing below (hash-object,
a private index, write-tree, commit-tree, update-ref) costs the same at 100k records
as at ten, and never sweeps up anything a person staged by hand.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .core.errors import SvcError
from .core.message import msg

EMPTY = "0" * 40


class GitError(SvcError):
    """git refused or failed; the message carries git's own last line."""


@dataclass(frozen=True)
class Author:
    name: str
    email: str

    def env(self) -> dict:
        return {
            "GIT_AUTHOR_NAME": self.name, "GIT_AUTHOR_EMAIL": self.email,
            "GIT_COMMITTER_NAME": self.name, "GIT_COMMITTER_EMAIL": self.email,
        }


# File descriptors of the svcctl locks this process holds. Every git child inherits them, so a
# lock stays held for as long as any git process svcctl started is alive: a child that
# outlives a killed svcctl keeps the next command waiting until it has finished, and the
# next holder's repair never races it (nor removes a lock file it still holds).
HELD_LOCKS: set[int] = set()


def _spawn_options() -> dict:
    if sys.platform == "win32":
        return {}
    return {"pass_fds": tuple(sorted(HELD_LOCKS)), "close_fds": True}


def run(cwd, *args, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """git, never prompting (a cron job has nobody to answer), output as text."""
    full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})}
    try:
        return subprocess.run(["git", *args], cwd=str(cwd), input=input, capture_output=True, text=True,
                              encoding="utf-8", errors="surrogateescape", env=full_env, **_spawn_options())
    except FileNotFoundError:
        raise GitError(msg('git is not installed or not on PATH: install git first')) from None


def run_bytes(cwd, *args, input: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """git with bytes in and out (file contents that may not be text)."""
    full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})}
    try:
        return subprocess.run(["git", *args], cwd=str(cwd), input=input, capture_output=True, env=full_env,
                              **_spawn_options())
    except FileNotFoundError:
        raise GitError(msg('git is not installed or not on PATH: install git first')) from None


def blobs(top: Path, shas) -> dict[str, bytes]:
    """The contents of many blobs, read by one git process."""
    wanted = list(dict.fromkeys(shas))
    if not wanted:
        return {}
    proc = run_bytes(top, "cat-file", "--batch", input="".join(f"{sha}\n" for sha in wanted).encode())
    if proc.returncode != 0:
        raise GitError(msg('git cat-file failed: {stderr}', stderr=proc.stderr.decode(errors='replace').strip()[-200:]))
    out, data, pos = {}, proc.stdout, 0
    for sha in wanted:
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        if len(header) != 3:
            raise GitError(msg('git cat-file: no object {sha}', sha=sha))
        size = int(header[2])
        out[sha] = data[end + 1:end + 1 + size]
        pos = end + 1 + size + 1
    return out


def write_blobs(top: Path, contents: list[bytes]) -> list[str]:
    """Store contents as blobs (one git process for all of them); their ids, in order."""
    if not contents:
        return []
    import tempfile

    with tempfile.TemporaryDirectory(prefix="svcctl-blobs-") as folder:
        names = []
        for i, data in enumerate(contents):
            name = Path(folder) / str(i)
            name.write_bytes(data)
            names.append(str(name))
        return git(top, "hash-object", "-w", "--stdin-paths", input="\n".join(names) + "\n").split()


def entries(top: Path, treeish: str, paths: list[str]) -> dict[str, tuple[str, str]]:
    """path -> (mode, blob id) in ``treeish`` for those of ``paths`` it holds as files."""
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(paths), 500):
        chunk = paths[start:start + 500]
        out = git(top, "ls-tree", "-z", "--full-tree", treeish, "--", *chunk, env={"GIT_LITERAL_PATHSPECS": "1"})
        for line in out.split("\0"):
            if line:
                meta, path = line.split("\t", 1)
                mode, kind, sha = meta.split()
                if kind == "blob":
                    found[path] = (mode, sha)
    return found


def tree_changes(top: Path, old: str | None, new: str) -> dict[str, tuple[str, str] | None]:
    """Paths that differ between two commits: path -> (mode, blob) in ``new``, None if gone."""
    old = old or git(top, "hash-object", "-t", "tree", "/dev/null").strip()
    out = git(top, "diff-tree", "-r", "-z", "--no-renames", "--no-commit-id", old, new)
    fields = out.split("\0")
    changes: dict = {}
    i = 0
    while i + 1 < len(fields):
        meta, path = fields[i], fields[i + 1]
        i += 2
        if not meta.startswith(":"):
            continue
        _, new_mode, _, new_sha, status = meta[1:].split(" ")[:5]
        changes[path] = None if status.startswith("D") else (new_mode, new_sha)
    return changes


def git(cwd, *args, input: str | None = None, env: dict | None = None) -> str:
    """git's output; a failure becomes one line naming the git command."""
    proc = run(cwd, *args, input=input, env=env)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise GitError(msg('git {args} failed: {detail}', args=args[0], detail=detail[-1] if detail else 'exit ' + str(proc.returncode)))
    return proc.stdout


def toplevel(path: Path) -> Path | None:
    proc = run(path, "rev-parse", "--show-toplevel")
    return Path(proc.stdout.strip()) if proc.returncode == 0 else None


def git_dir(top: Path) -> Path:
    return (top / git(top, "rev-parse", "--git-dir").strip()).resolve()


def head(top: Path) -> str | None:
    proc = run(top, "rev-parse", "-q", "--verify", "HEAD^{commit}")
    return proc.stdout.strip() if proc.returncode == 0 else None


def commit_paths(top: Path, paths: list[str], message: str, author: Author, expected_head: str | None) -> str:
    """Commit the working-tree state of ``paths`` (relative to ``top``) on top of HEAD.

    The update of HEAD is compare-and-swap against ``expected_head``, so a commit that
    raced in between is never overwritten.
    """
    gdir = git_dir(top)
    index = gdir / "svcctl-index"
    env = {"GIT_INDEX_FILE": str(index), **author.env()}
    present = [p for p in paths if (top / p).exists()]
    removed = [p for p in paths if not (top / p).exists()]
    if expected_head:
        git(top, "read-tree", expected_head, env=env)
    else:
        git(top, "read-tree", "--empty", env=env)
    lines = []
    if present:
        # Paths on stdin: an import commits tens of thousands, more than a command line holds.
        shas = git(top, "hash-object", "-w", "--stdin-paths", input="\n".join(present) + "\n").split()
        lines += [f"100644 {sha}\t{p}" for sha, p in zip(shas, present)]
    lines += [f"0 {EMPTY}\t{p}" for p in removed]
    git(top, "update-index", "--index-info", input="\n".join(lines) + "\n", env=env)
    tree = git(top, "write-tree", env=env).strip()
    parents = ["-p", expected_head] if expected_head else []
    commit = git(top, "commit-tree", tree, *parents, input=message, env=env).strip()
    git(top, "update-ref", "-m", f"svcctl: {message.splitlines()[0]}", "HEAD", commit, expected_head or EMPTY)
    index.unlink(missing_ok=True)
    sync_index(top, paths)
    return commit


def sync_index(top: Path, paths: list[str]) -> None:
    """Bring the shared index in line with HEAD for ``paths`` so ``git status`` stays clean."""
    if not paths:
        return
    if head(top) is None:
        git(top, "rm", "-q", "--cached", "--ignore-unmatch", "--pathspec-from-file=-", "--pathspec-file-nul",
            input="\0".join(paths), env={"GIT_LITERAL_PATHSPECS": "1"})
        return
    git(top, "reset", "-q", "HEAD", "--pathspec-from-file=-", "--pathspec-file-nul",
        input="\0".join(paths), env={"GIT_LITERAL_PATHSPECS": "1"})


def file_log(top: Path, path: str) -> list[dict]:
    fmt = "%H%x1f%an%x1f%aI%x1f%s"
    out = git(top, "log", "--follow", f"--format={fmt}", "--", path)
    rows = []
    for line in out.splitlines():
        sha, author, when, subject = line.split("\x1f", 3)
        rows.append({"commit": sha, "author": author, "date": when, "subject": subject})
    return rows
