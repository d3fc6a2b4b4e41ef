"""git, through its plumbing: one commit per change, touching only the changed paths.

Porcelain ``git commit`` re-stats the whole tree; the plumbing below (hash-object,
a private index, write-tree, commit-tree, update-ref) costs the same at 100k records
as at ten, and never sweeps up anything a person staged by hand.
"""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .core.errors import SvcError

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


def run(cwd, *args, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """git, never prompting (a cron job has nobody to answer), output as text."""
    full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})}
    try:
        return subprocess.run(["git", *args], cwd=str(cwd), input=input, capture_output=True, text=True,
                              encoding="utf-8", env=full_env)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH: install git first") from None


def git(cwd, *args, input: str | None = None, env: dict | None = None) -> str:
    """git's output; a failure becomes one line naming the git command."""
    proc = run(cwd, *args, input=input, env=env)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise GitError(f"git {args[0]} failed: {detail[-1] if detail else 'exit ' + str(proc.returncode)}")
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
    git(top, "reset", "-q", "--pathspec-from-file=-", "--pathspec-file-nul", "HEAD", input="\0".join(paths))


def file_log(top: Path, path: str) -> list[dict]:
    fmt = "%H%x1f%an%x1f%aI%x1f%s"
    out = git(top, "log", "--follow", f"--format={fmt}", "--", path)
    rows = []
    for line in out.splitlines():
        sha, author, when, subject = line.split("\x1f", 3)
        rows.append({"commit": sha, "author": author, "date": when, "subject": subject})
    return rows
