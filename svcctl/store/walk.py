"""The ticket index's file walk: which paths below ``tickets/`` changed since the last sweep.

Every file is looked at by its status-change time (ctime, which no program can set back),
so the walk costs one ``stat`` per ticket file: at 100,000 tickets a quarter of a second of
the kernel's time, more than the rest of a listing. It is therefore run by ``find`` (in C),
split over two processes on the other cores, and begun as early as possible: ``begin``
starts it from the records folder alone, before the rest of svcctl is loaded, and the
index adopts it when it finds the same last sweep (``adopt``).
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

from .names import CONFIG, month_folders

PARTS = 2  # find processes: the walk is the kernel's stat work, which spreads over cores


def index_file(gdir: Path, records_rel: str) -> Path:
    """The index of the records folder at ``records_rel`` below the top of the repository
    whose git directory is ``gdir`` (a repository may hold several records folders)."""
    if not records_rel:
        return gdir / "svcctl-tickets.sqlite"
    import hashlib

    return gdir / f"svcctl-tickets-{hashlib.sha1(records_rel.encode()).hexdigest()[:10]}.sqlite"


class Walk:
    """Paths below ``tickets/`` (relative to the records folder, the folder itself included)
    whose ctime is after ``since_ns``, found by ``find`` in other processes while this one
    goes on; ``result`` is None for "look at everything" (no sweep yet)."""

    def __init__(self, root: Path, since_ns: int):
        self.root, self.since_ns, self.procs = root, since_ns, []
        self.started_ns = time.time_ns()
        base = root / "tickets"
        if not (since_ns and sys.platform != "win32" and base.is_dir()):
            return
        import shutil

        find = shutil.which("find")
        if not find:
            return
        seconds, fraction = divmod(since_ns, 1_000_000_000)
        newer = ["-newerct", f"@{seconds}.{fraction:09d}"]
        months = month_folders(root)
        # The folders above the months are stat'ed here; each process walks a share of the months.
        self.tops = ["tickets", *{m.rsplit("/", 1)[0] for m in months}]
        try:
            for share in (months[i::PARTS] for i in range(PARTS)):
                if share:
                    self.procs.append(subprocess.Popen([find, *share, *newer], cwd=str(root),
                                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL))
        except OSError:
            self.cancel()

    def result(self) -> set[str] | None:
        base = self.root / "tickets"
        if not self.since_ns or not base.is_dir():
            return None
        if self.procs:
            found: set[str] = set()
            for proc in self.procs:
                out, _ = proc.communicate()
                found.update(out.decode("utf-8", "surrogateescape").splitlines())
            if all(proc.returncode == 0 for proc in self.procs):
                for top in self.tops:
                    with contextlib.suppress(OSError):
                        if os.stat(self.root / top).st_ctime_ns > self.since_ns:
                            found.add(top)
                return found
        return self._python_walk(base)

    def _python_walk(self, base: Path) -> set[str]:
        """The same walk without ``find`` (or when it failed)."""
        found = set()
        for folder, subfolders, files in os.walk(base):
            for name in (*subfolders, *files):
                full = os.path.join(folder, name)
                with contextlib.suppress(OSError):
                    if os.stat(full).st_ctime_ns > self.since_ns:
                        found.add(Path(full).relative_to(self.root).as_posix())
        if os.stat(base).st_ctime_ns > self.since_ns:
            found.add("tickets")
        return found

    def cancel(self) -> None:
        for proc in self.procs:
            with contextlib.suppress(OSError):
                proc.kill()
            proc.wait()  # reaped: nothing is left running
        self.procs = []


# -- starting before the rest is loaded ------------------------------------------------
_EARLY: dict[tuple[str, int], Walk] = {}


def begin(records_dir: str | None) -> None:
    """Start the walk for the records folder a listing is about to read (``--records``, else
    ``SVCCTL_RECORDS``, else the folder above here holding svcctl.yaml), when it has an index
    that was swept before. Reads only; whatever goes wrong is left for the command itself
    to find and say."""
    try:
        root = _root(records_dir)
        if root is None:
            return
        from .. import vcs

        try:
            found = vcs.locate(root)  # the command asks the same, and is given this answer
        except vcs.GitError:  # no git: the command says so
            return
        if found is None:
            return
        rel = root.relative_to(found[0].resolve()).as_posix()
        file = index_file(found[1], "" if rel == "." else rel)
        since = swept(file)
        if since and (str(file), since) not in _EARLY:
            _EARLY[(str(file), since)] = Walk(root, since)
    except (OSError, ValueError, RuntimeError):
        return


def adopt(file: Path, since_ns: int) -> Walk | None:
    """The walk ``begin`` started for this index and last sweep, if any; others are stopped."""
    walk = _EARLY.pop((str(file), since_ns), None)
    stop_early()
    return walk


def stop_early() -> None:
    """Stop the walks begun for a command that did not come to read the index (it failed
    first): a later command in the same process begins its own."""
    for walk in _EARLY.values():
        walk.cancel()
    _EARLY.clear()


def swept(file: Path) -> int:
    """When the index's last sweep began (0 when there is no readable index)."""
    import sqlite3

    if not file.is_file():
        return 0
    try:
        db = sqlite3.connect(f"{file.as_uri()}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'swept'").fetchone()
        finally:
            db.close()
        return int(row[0]) if row else 0
    except (sqlite3.Error, ValueError):
        return 0


def _root(records_dir: str | None) -> Path | None:
    chosen = records_dir or os.environ.get("SVCCTL_RECORDS")
    if chosen:
        root = Path(chosen).expanduser().resolve()
        return root if (root / CONFIG).is_file() else None
    return upward(Path.cwd())


def upward(start: Path) -> Path | None:
    """The nearest folder from ``start`` up that holds svcctl.yaml, as git finds its top."""
    here = start.resolve()
    return next((folder for folder in (here, *here.parents) if (folder / CONFIG).is_file()), None)
