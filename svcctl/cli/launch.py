"""The ``svcctl`` program: before Click and the commands are loaded (a tenth of a second),
a listing named on the command line gets its index's file walk begun (``store.walk``)."""
from __future__ import annotations

import os
import sys

# The commands that read the ticket index first thing. A wrong guess costs only a walk
# nobody reads.
LISTINGS = frozenset({"list", "overdue", "callbacks", "handover", "report"})


_VALUED = ("--records", "--as", "--lang")  # the global options that take a value


def main() -> None:
    keep_working_folder_off_path()
    import gc

    # Loading svcctl makes tens of thousands of objects that live as long as the command and
    # hold no cycles; collecting the young ones every 700 allocations costs a short command
    # a few milliseconds for nothing. Cycles are still collected, later.
    gc.set_threshold(50_000, 20, 20)
    args = sys.argv[1:]
    if _command(args) in LISTINGS:
        from ..store import walk

        walk.begin(_option(args, "--records"))
    from .main import main as run

    run()


def keep_working_folder_off_path() -> None:
    """Nothing svcctl imports from here on, nor any worker it spawns (they are given this
    sys.path), comes from the folder it runs in: usually the records folder, which holds
    whatever another PC committed (a ``multiprocessing/`` folder, say). ``python -m svcctl``
    and ``python -c`` put that folder first ('' or its full name); a relative entry follows
    it too. svcctl's own folder stays, by its full name, when svcctl runs from its source tree."""
    try:
        here = os.path.realpath(os.getcwd())
    except OSError:  # the folder was removed: only '' and relative entries can point into it
        here = None
    first = sys.path[0] if sys.path else None
    kept = [entry for entry in sys.path if entry and os.path.isabs(entry)]
    if kept and kept[0] == first and os.path.realpath(first) == here:
        kept.pop(0)
    home = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if here is not None and os.path.realpath(home) == here and home not in kept:
        kept.insert(0, home)
    sys.path[:] = kept


def _command(args: list[str]) -> str | None:
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _VALUED:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def _option(args: list[str], name: str) -> str | None:
    """The option's value wherever it is typed (before or after the command's name)."""
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None
