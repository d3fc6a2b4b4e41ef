"""git, through its plumbing: one commit per change, touching only the changed paths.

Porcelain ``git commit`` re-stats the whole tree; the plumbing below (hash-object,
a private index, write-tree, commit-tree, update-ref) costs the same at 100k records
as at ten, and never sweeps up anything a person staged by hand. Files are hashed with
``--no-filters`` and blobs read without conversion: what svcctl wrote is what is committed,
whatever a .gitattributes in the repository (pushed by another PC) asks of git.
"""
from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

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


def objects(top: Path, names: list[str]) -> list[tuple[str, bytes] | None]:
    """(type, content) of each named object (an id, or ``commit:path``), read by one git
    process; None for a name that names nothing."""
    if not names:
        return []
    proc = run_bytes(top, "cat-file", "--batch", input="".join(f"{name}\n" for name in names).encode("utf-8"))
    if proc.returncode != 0:
        raise GitError(msg('git cat-file failed: {stderr}', stderr=proc.stderr.decode(errors='replace').strip()[-200:]))
    return _batch_answers(proc.stdout, len(names))


def _batch_answers(data: bytes, count: int) -> list[tuple[str, bytes] | None]:
    """``cat-file --batch``'s answers to ``count`` names: (type, content), None for a miss."""
    found, pos = [], 0
    for _ in range(count):
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        pos = end + 1
        if len(header) != 3:  # "<name> missing"
            found.append(None)
            continue
        size = int(header[2])
        found.append((header[1].decode(), data[pos:pos + size]))
        pos += size + 1
    return found


def blobs(top: Path, shas) -> dict[str, bytes]:
    """The contents of many blobs, read by one git process."""
    wanted = list(dict.fromkeys(shas))
    out = {}
    for sha, found in zip(wanted, objects(top, wanted)):
        if found is None:
            raise GitError(msg('git cat-file: no object {sha}', sha=sha))
        out[sha] = found[1]
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
        return git(top, "hash-object", "-w", "--no-filters", "--stdin-paths", input="\n".join(names) + "\n").split()


def sizes(top: Path, shas) -> dict[str, int]:
    """The size in bytes of each object named, read by one git process without reading the
    objects themselves (a blob from another PC may be of any size)."""
    wanted = list(dict.fromkeys(shas))
    if not wanted:
        return {}
    out = git(top, "cat-file", "--batch-check=%(objectname) %(objectsize)", input="".join(f"{s}\n" for s in wanted))
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            found[parts[0]] = int(parts[1])
    return found


def entries_of(top: Path, commits: list[str], path: str) -> dict[str, str | None]:
    """commit -> the blob id of ``path`` in it (None where it holds none), read by one git
    process without reading the blobs."""
    if not commits:
        return {}
    out = git(top, "cat-file", "--batch-check=%(objectname) %(objecttype)",
              input="".join(f"{commit}:{path}\n" for commit in commits))
    found = {}
    for commit, line in zip(commits, out.splitlines()):
        parts = line.split()
        found[commit] = parts[0] if len(parts) == 2 and parts[1] == "blob" else None
    return found


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
        raise _failed(args, proc.returncode, proc.stdout, proc.stderr)
    return proc.stdout


def _failed(args, code: int, stdout: str, stderr: str) -> GitError:
    detail = (stderr or stdout).strip().splitlines()
    return GitError(msg('git {args} failed: {detail}', args=args[0], detail=detail[-1] if detail else 'exit ' + str(code)))


class Started:
    """A git process that runs while this one goes on with other work."""

    def __init__(self, proc: subprocess.Popen, args: tuple):
        self.proc, self.args = proc, args

    def wait(self) -> subprocess.CompletedProcess:
        out, err = self.proc.communicate()
        decode = lambda data: data.decode("utf-8", "surrogateescape")  # noqa: E731
        return subprocess.CompletedProcess(self.proc.args, self.proc.returncode, decode(out), decode(err))

    def finish(self) -> str:
        """Its output once it has ended; a failure as ``git`` reports one."""
        done = self.wait()
        if done.returncode != 0:
            raise _failed(self.args, done.returncode, done.stdout, done.stderr)
        return done.stdout


def start(cwd, *args, input: str = "") -> Started:
    """git started with ``input`` on its stdin, not waited for: see ``Started``. The input is
    written before git starts, so git never waits for this process: into a pipe when it
    fits in one at once (a commit's few paths), else into a temporary file (an import's)."""
    data = input.encode("utf-8", "surrogateescape")
    if len(data) <= _PIPE_AT_ONCE:
        reading, writing = os.pipe()
        try:
            os.write(writing, data)
        finally:
            os.close(writing)
        with os.fdopen(reading, "rb") as stdin:
            return Started(_popen(cwd, args, stdin), args)
    import tempfile

    with tempfile.TemporaryFile() as stdin:
        stdin.write(data)
        stdin.seek(0)
        return Started(_popen(cwd, args, stdin), args)


_PIPE_AT_ONCE = 4096  # what any pipe takes without a reader (POSIX guarantees 512; Linux and Windows 4096 or more)


def _popen(cwd, args: tuple, stdin, bufsize: int = -1) -> subprocess.Popen:
    full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    try:
        return subprocess.Popen(["git", *args], cwd=str(cwd), stdin=stdin, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, bufsize=bufsize, env=full_env, **_spawn_options())
    except FileNotFoundError:
        raise GitError(msg('git is not installed or not on PATH: install git first')) from None


def toplevel(path: Path) -> Path | None:
    found = locate(path)
    return found[0] if found is not None else None


def git_dir(top: Path) -> Path:
    found = locate(top)
    if found is not None:
        return found[1]
    return (top / git(top, "rev-parse", "--git-dir").strip()).resolve()


# Where the repository of each folder is, asked of git once per process: every command asks
# it first, and one process (a test run, a long-lived caller of the CLI) runs many commands
# on the same few folders. An answer is reused only while everything git looked at to find
# it is as it was: the folder's real path, the ``.git`` of that folder and of each one above
# it (made, removed or replaced), the configuration of each repository there (which may move
# its work tree), and the variables that steer git's search. Not watched: the configuration
# of a git directory reached through a ``.git`` file (a worktree), nor this user's global one
# (safe.directory); svcctl's own clones use neither.
_LOCATED: dict[tuple, tuple[tuple, tuple[Path, Path] | None]] = {}
_SEARCH = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_CEILING_DIRECTORIES",
           "GIT_DISCOVERY_ACROSS_FILESYSTEM", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT")


def locate(path: Path) -> tuple[Path, Path] | None:
    """The top level and the git directory of the repository ``path`` is in (one git process
    the first time a process asks); None outside git."""
    key = (str(path), *(os.environ.get(name) for name in _SEARCH))
    # Looked at before git is asked: whatever changes meanwhile makes the next call ask again.
    marks = _landmarks(path)
    known = _LOCATED.get(key)
    if known is not None and marks is not None and known[0] == marks:
        return known[1]
    proc = run(path, "rev-parse", "--show-toplevel", "--absolute-git-dir")
    lines = proc.stdout.splitlines()
    found = None if proc.returncode != 0 or len(lines) != 2 else (Path(lines[0]), Path(lines[1]).resolve())
    if marks is not None:
        _LOCATED[key] = (marks, found)
    return found


def _landmarks(path: Path) -> tuple | None:
    """What git's search for the repository of ``path`` looks at, as it stands now; None
    when it cannot be told (the folder is gone), and git is asked every time."""
    try:
        real = os.path.realpath(path)
        if not os.path.isdir(real):
            return None
    except (OSError, ValueError):
        return None
    marks = [real]
    folder = real
    while True:
        dot_git = os.path.join(folder, ".git")
        marks.append(_stamp(dot_git))
        if marks[-1] is not None:
            marks.append(_stamp(os.path.join(dot_git, "config")))
        parent = os.path.dirname(folder)
        if parent == folder:
            return tuple(marks)
        folder = parent


def _stamp(path: str) -> tuple | None:
    """Which file or folder is at ``path``, and for a file its version (a folder's times
    change with every commit made inside it, and say nothing about where it leads)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    if stat.S_ISDIR(st.st_mode):
        return st.st_dev, st.st_ino, st.st_mode, st.st_uid
    return st.st_dev, st.st_ino, st.st_mode, st.st_uid, st.st_size, st.st_mtime_ns


def head(top: Path) -> str | None:
    proc = run(top, "rev-parse", "-q", "--verify", "HEAD^{commit}")
    return proc.stdout.strip() if proc.returncode == 0 else None


def resolve(top: Path, names: list[str]) -> list[str | None]:
    """The object id each revision names (``HEAD^{commit}``, ``@{upstream}``...), as
    ``rev-parse -q --verify`` gives it, for several with one git process; None for one that
    names nothing. git stops at a name it cannot even look for (``@{upstream}`` of a branch
    that has none): that one names nothing, and any after it are asked one by one."""
    proc = run(top, "cat-file", "--batch-check=%(objectname)", input="".join(f"{name}\n" for name in names))
    lines = proc.stdout.splitlines()
    found: list[str | None] = []
    for i, name in enumerate(names):
        if i < len(lines):
            line = lines[i]
            # One that names nothing comes back as itself followed by "missing" (or "ambiguous").
            found.append(None if " " in line or not line else line)
        elif i == len(lines) and proc.returncode != 0:
            found.append(None)
        else:
            asked = run(top, "rev-parse", "-q", "--verify", name)
            found.append(asked.stdout.strip() if asked.returncode == 0 else None)
    return found


def settings(top: Path, pattern: str) -> dict[str, list[str]]:
    """Every value of the git configuration variables whose names match ``pattern`` (an
    extended regular expression over names as git prints them: section and variable in
    lower case), by name, as ``git config --get-all`` would give each; one git process."""
    proc = run(top, "config", "--null", "--get-regexp", pattern)
    found: dict[str, list[str]] = {}
    for entry in proc.stdout.split("\0"):
        if entry:
            name, _, value = entry.partition("\n")
            found.setdefault(name, []).append(value)
    return found


def commit_paths(top: Path, paths: list[str], message: str, author: Author, expected_head: str | None,
                 before_landing=None, trees: dict | None = None) -> str:
    """Commit the working-tree state of ``paths`` (relative to ``top``) on top of HEAD.

    Only the trees along the changed paths are read and written (a ticket's commit touches
    the root, ``tickets``, its year and its month), so a commit costs the same at 100,000
    records as at ten. The update of HEAD is compare-and-swap against ``expected_head``, so
    a commit that raced in between is never overwritten. ``before_landing`` is called
    before anything can land, while git works on the commit in other processes: work
    that must succeed for the commit to be made (an exception from it stops the commit).
    ``trees``: the folders along ``paths`` as ``expected_head`` has them (``base``), when
    they were read with it.
    """
    if not expected_head:
        if before_landing is not None:
            before_landing()
        return _first_commit(top, paths, message, author)
    # The shared index takes the files while the commit is written: at 100,000 records it is
    # ten megabytes to rewrite, the slowest step, and it runs on another core meanwhile. Should
    # the commit not land, the change is rolled back and these entries reset to HEAD again.
    staging = _stage_as_committed(top, paths)
    try:
        if before_landing is not None:
            before_landing()
        present = [p for p in paths if (top / p).exists()]
        changes: dict[str, str | None] = dict.fromkeys(paths)
        if present:
            # Paths on stdin: an import commits tens of thousands, more than a command line holds.
            shas = git(top, "hash-object", "-w", "--no-filters", "--stdin-paths",
                       input="\n".join(present) + "\n").split()
            changes.update(zip(present, shas))
        tree = _tree_with(top, expected_head, changes, trees)
        commit = git(top, "commit-tree", tree, "-p", expected_head, input=message, env=author.env()).strip()
        git(top, "update-ref", "-m", f"svcctl: {message.splitlines()[0]}", "HEAD", commit, expected_head)
    except BaseException:
        staging.wait()  # nothing may still be writing the index when the change is rolled back
        raise
    staging.finish()
    return commit


def _first_commit(top: Path, paths: list[str], message: str, author: Author) -> str:
    """The first commit of a repository, through a private index (there is no tree to edit)."""
    index = git_dir(top) / "svcctl-index"
    env = {"GIT_INDEX_FILE": str(index), **author.env()}
    git(top, "read-tree", "--empty", env=env)
    present = [p for p in paths if (top / p).exists()]
    if present:
        # Paths on stdin: an import commits tens of thousands, more than a command line holds.
        shas = git(top, "hash-object", "-w", "--no-filters", "--stdin-paths",
                   input="\n".join(present) + "\n").split()
        lines = [f"100644 {sha}\t{p}" for sha, p in zip(shas, present)]
        git(top, "update-index", "--index-info", input="\n".join(lines) + "\n", env=env)
    tree = git(top, "write-tree", env=env).strip()
    commit = git(top, "commit-tree", tree, input=message, env=env).strip()
    git(top, "update-ref", "-m", f"svcctl: {message.splitlines()[0]}", "HEAD", commit, EMPTY)
    index.unlink(missing_ok=True)
    sync_index(top, paths)
    return commit


def _folders(paths) -> list[str]:
    """The folders on the way down to each path, the top ("") first, parents before children."""
    folders = {""}
    for path in paths:
        parts = path.split("/")[:-1]
        folders.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    return sorted(folders, key=lambda f: (f.count("/") + bool(f), f))


def _tree_names(commit: str, folders: list[str]) -> list[str]:
    return [f"{commit}:{f}" if f else f"{commit}^{{tree}}" for f in folders]


class Base(NamedTuple):
    """What a commit of some paths builds on: HEAD (None before the first commit) and, as
    HEAD has them, the folders on the way down to those paths (folder -> ``objects``' answer)."""

    head: str | None
    trees: dict


def base(top: Path, paths: list[str]) -> Base:
    """HEAD and the folders along ``paths`` in it (see ``Base``), read by one git process.

    HEAD is named once, and its folders read by its commit's id, so they are that very
    commit's whatever moves HEAD meanwhile (the commit would then not land: ``commit_paths``
    swaps HEAD only from the commit it read)."""
    folders = _folders(paths)
    # Unbuffered: a buffered read would wait for more than git's first answer.
    proc = _popen(top, ("cat-file", "--batch"), subprocess.PIPE, bufsize=0)
    with proc:
        data = b""
        with contextlib.suppress(BrokenPipeError):  # git stopped at once (no repository): said below
            proc.stdin.write(b"HEAD^{commit}\n")
        # git answers that line, then waits for the next: nothing more can be read ahead.
        while b"\n" not in data:
            chunk = proc.stdout.read(65536)
            if not chunk:
                break
            data += chunk
        header = data.split(b"\n", 1)[0].split()
        if len(header) != 3:  # "HEAD^{commit} missing": no commit yet (or no repository)
            proc.communicate()
            return Base(None, {})
        head = header[0].decode()
        wanted = len(data.split(b"\n", 1)[0]) + 1 + int(header[2]) + 1
        while len(data) < wanted:
            chunk = proc.stdout.read(wanted - len(data))
            if not chunk:
                break
            data += chunk
        names = "".join(f"{name}\n" for name in _tree_names(head, folders))
        out, err = proc.communicate(names.encode("utf-8", "surrogateescape"))
    if proc.returncode != 0 or len(data) < wanted:
        raise GitError(msg('git cat-file failed: {stderr}', stderr=err.decode(errors='replace').strip()[-200:]))
    return Base(head, dict(zip(folders, _batch_answers(out, len(folders)))))


def _tree_with(top: Path, commit: str, changes: dict[str, str | None], known: dict | None = None) -> str:
    """The id of ``commit``'s tree with each path set to a blob (or removed, for None).

    Reads the trees on the way down to each changed file with one ``cat-file`` (unless they
    are ``known``, read with ``commit`` by ``base``), builds the new ones here, and writes
    them with one ``hash-object``; nothing else of the tree is read.
    """
    import hashlib
    import tempfile

    digest = hashlib.sha256 if len(commit) == 64 else hashlib.sha1
    order = _folders(changes)
    folders = set(order)
    if known is None or any(folder not in known for folder in order):
        known = dict(zip(order, objects(top, _tree_names(commit, order))))
    trees = {}
    for folder in order:
        found = known[folder]
        if found is None:
            trees[folder] = {}  # a new folder
        elif found[0] != "tree":  # a file where a folder is wanted: git refuses such a change too
            raise GitError(msg('cannot commit below {folder}: it is a file in HEAD', folder=folder))
        else:
            trees[folder] = _parse_tree(found[1], digest().digest_size)
    for path, sha in changes.items():
        folder, _, name = path.rpartition("/")
        if sha is None:
            trees[folder].pop(name, None)
        else:
            mode = trees[folder].get(name, ("100644", ""))[0]
            trees[folder][name] = ("100755" if mode == "100755" else "100644", sha)
    written: list[bytes] = []
    for folder in sorted(folders - {""}, key=lambda f: -f.count("/")):
        parent, _, name = folder.rpartition("/")
        body = _tree_bytes(trees[folder])
        if trees[folder]:
            sha = digest(b"tree %d\0" % len(body) + body).hexdigest()
            trees[parent][name] = ("40000", sha)
            written.append(body)
        else:
            trees[parent].pop(name, None)  # git keeps no empty folders
    root = _tree_bytes(trees[""])
    written.append(root)
    expected = digest(b"tree %d\0" % len(root) + root).hexdigest()
    with tempfile.TemporaryDirectory(prefix="svcctl-trees-") as folder:
        names = []
        for i, body in enumerate(written):
            name = os.path.join(folder, str(i))
            with open(name, "wb") as handle:
                handle.write(body)
            names.append(name)
        ids = git(top, "hash-object", "-w", "-t", "tree", "--stdin-paths", input="\n".join(names) + "\n").split()
    if not ids or ids[-1] != expected:
        raise GitError(msg('git hash-object wrote a different tree than svcctl built: nothing was committed'))
    return expected


def _parse_tree(body: bytes, size: int) -> dict[str, tuple[str, str]]:
    entries, pos = {}, 0
    while pos < len(body):
        space = body.index(b" ", pos)
        nul = body.index(b"\0", space)
        mode = body[pos:space].decode()
        name = body[space + 1:nul].decode("utf-8", "surrogateescape")
        entries[name] = (mode, body[nul + 1:nul + 1 + size].hex())
        pos = nul + 1 + size
    return entries


def _tree_bytes(entries: dict[str, tuple[str, str]]) -> bytes:
    # git orders a folder's entries by name, a sub-folder's name read as if it ended in "/"
    key = lambda name: name.encode("utf-8", "surrogateescape") + (b"/" if entries[name][0] == "40000" else b"")  # noqa: E731
    return b"".join(f"{entries[n][0]} ".encode() + n.encode("utf-8", "surrogateescape") + b"\0"
                    + bytes.fromhex(entries[n][1]) for n in sorted(entries, key=key))


def _stage_as_committed(top: Path, paths: list[str]) -> Started:
    """The shared index takes the committed files as they now are in the working tree (the
    same bytes), with fresh stat data, so ``git status`` stays clean without re-reading
    anything else. Started, not waited for."""
    return start(top, "update-index", "--add", "--remove", "-z", "--stdin", input="\0".join(paths) + "\0")


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
    # One record per commit (ends with \x1e), its trailers last (separated by \x1d).
    fmt = "%H%x1f%an%x1f%aI%x1f%s%x1f%(trailers:only,unfold,separator=%x1d)%x1e"
    out = git(top, "log", "--follow", f"--format={fmt}", "--", path)
    rows = []
    for record in out.split("\x1e"):
        if not record.strip():
            continue
        sha, author, when, subject, trailers = record.lstrip("\n").split("\x1f", 4)
        pairs = (line.partition(": ") for line in trailers.split("\x1d") if ": " in line)
        rows.append({"commit": sha, "author": author, "date": when, "subject": subject,
                     "trailers": {key: value for key, _, value in pairs}})
    return rows
