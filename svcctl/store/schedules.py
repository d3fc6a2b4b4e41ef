"""The holiday schedules the office calendar asked of the ``holidays`` package, kept in the
git directory per release of the package (``core.calendar.KNOWN``).

Importing ``holidays`` costs more than a whole ``show`` or ``intake``; the schedule of a
year never changes within one release, so it is asked once and read back from here. A
new release (or a copy changed in place) has another fingerprint and starts afresh.
"""
from __future__ import annotations

import atexit
import contextlib
import json
import os
from datetime import date
from pathlib import Path

from ..core import calendar

NAME = "svcctl-holidays.json"


def release() -> str:
    """The installed ``holidays`` release, found without importing it: its dist-info folder
    names the version, and the stamp of its China schedule catches a copy changed in place."""
    import importlib.util

    spec = importlib.util.find_spec("holidays")
    if spec is None or not spec.origin:
        return "none"
    package = Path(spec.origin).parent
    try:
        names = sorted(n for n in os.listdir(package.parent) if n.startswith("holidays-") and n.endswith("-info"))
        china = os.stat(package / "countries" / "china.py")
    except OSError:
        return "unknown"
    return f"{','.join(names)}:{china.st_size}:{china.st_mtime_ns}"


_LOADED: set[str] = set()


def load(gdir: Path) -> None:
    """Fill the calendar's known schedules from ``gdir``, and save new ones at exit."""
    file = gdir / NAME
    if str(file) in _LOADED:
        return
    _LOADED.add(str(file))
    fingerprint = release()
    _read(file, fingerprint)
    before = set(calendar.KNOWN)
    atexit.register(_save, file, fingerprint, before)


def keep(gdir: Path, year: int) -> None:
    """Write the schedules of the year before ``year``, ``year`` and the next into ``gdir``
    now (asking the package for those not known yet): a new clone's first commands, which
    work out deadlines around today, then read them from there instead of importing
    ``holidays``; and a copy of the folder has them too."""
    load(gdir)
    for each in (year - 1, year, year + 1):
        calendar.china_schedule(each)
    _save(gdir / NAME, release(), set())


def _read(file: Path, fingerprint: str) -> None:
    # A missing or damaged file only means the schedules are worked out again.
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError, AttributeError):
        data = json.loads(file.read_text(encoding="utf-8"))
        if data.get("release") == fingerprint:
            for year, (off, work, published) in data["years"].items():
                calendar.KNOWN.setdefault(int(year), (frozenset(map(date.fromisoformat, off)),
                                                      frozenset(map(date.fromisoformat, work)), bool(published)))


def _save(file: Path, fingerprint: str, before: set) -> None:
    if set(calendar.KNOWN) <= before:
        return
    years = {str(y): [sorted(d.isoformat() for d in off), sorted(d.isoformat() for d in work), published]
             for y, (off, work, published) in calendar.KNOWN.items()}
    tmp = file.with_name(f"{file.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps({"release": fingerprint, "years": years}), encoding="utf-8")
        os.replace(tmp, file)
    except OSError:
        tmp.unlink(missing_ok=True)  # a read-only clone asks the package each time
