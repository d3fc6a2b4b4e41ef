"""How git calls svcctl's merge driver in a clone (``merge.svcctl.driver`` in .git/config).

git runs the driver in the records folder, which holds whatever another PC committed, so the
line it runs imports nothing from there. ``python -m svcctl`` (the line svcctl registered
before) looks in the working folder first: a ``svcctl.py`` or ``svcctl/`` committed at the
top of the records would run as whoever merged, on the next plain ``git pull``.

The line starts Python isolated (``-I``: neither the working folder nor PYTHON* variables
reach its import path; ``-P`` would do the first alone, but only from Python 3.11) and loads
svcctl from the folder this svcctl was loaded from, named in the line itself. ``-I`` alone
would lose an svcctl found through PYTHONPATH or the user's site-packages; naming the folder
finds it wherever it is installed (a venv, an editable install, a source tree).
"""
from __future__ import annotations

import contextlib
import os
import shlex
import sys
from pathlib import Path

from . import vcs

NAME = "svcctl record merge (events are a union)"

# The folder comes as the first argument, not inside the code: the code stays the same on
# every PC and needs no quoting of its own.
_START = ("import sys; home = sys.argv.pop(1); home in sys.path or sys.path.insert(0, home); "
          "from svcctl.cli.launch import main; main()")


def command() -> str:
    """The driver line for this Python and this svcctl."""
    home = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    words = (sys.executable, "-I", "-c", _START, home, "merge-driver")
    return " ".join(shlex.quote(word) for word in words) + " %O %A %B %P"


def register(top: Path) -> None:
    """The driver lives in each clone's own git config: git never shares it."""
    vcs.git(top, "config", "merge.svcctl.name", NAME)
    vcs.git(top, "config", "merge.svcctl.driver", command())


def current(settings: dict[str, list[str]]) -> bool:
    """Whether a clone's git settings (``merge.svcctl.*`` by name, each with all its values)
    hold this svcctl's driver, once, as ``register`` writes it."""
    return settings.get("merge.svcctl.name") == [NAME] and settings.get("merge.svcctl.driver") == [command()]


def registered(top: Path) -> str | None:
    """The driver line this clone's git config holds, if any."""
    return vcs.run(top, "config", "--get", "merge.svcctl.driver").stdout.rstrip("\n") or None


def isolated(line: str | None) -> bool:
    """Whether a driver line starts an isolated Python that exists on this PC: one that a
    svcctl installed elsewhere on this PC registered is as safe as this one's."""
    try:
        words = shlex.split(line or "")
    except ValueError:
        return False
    return len(words) >= 6 and words[1:4] == ["-I", "-c", _START] and os.path.isfile(words[0])


_ASK = object()  # the line is not known yet: asked of git


def out_of_date(top: Path, line: str | None | object = _ASK) -> bool:
    """Whether the clone holds a driver line that lets the records folder shadow svcctl (one
    an older svcctl registered), or one whose Python is gone. Two installs of svcctl on one
    PC (a venv for people, another for cron) leave each other's isolated line alone.
    ``line``: the clone's line (``registered``) when the caller has it already."""
    line = registered(top) if line is _ASK else (line or None)
    return line is not None and line != command() and not isolated(line)


def keep_current(top: Path, line: str | None | object = _ASK) -> bool:
    """Replace a driver line an older svcctl registered (``line``: the clone's line, when
    the caller has read it; else one git call, about 2 ms); whether it tried to write it. A
    clone never set up (no line) is left as it is. Failing to write .git/config stops
    nothing: the next change tries again, and ``svcctl check`` reports the old line."""
    if not out_of_date(top, line):
        return False
    # A .git/config this account may not write: the next change tries again.
    with contextlib.suppress(vcs.GitError):
        register(top)
    return True
