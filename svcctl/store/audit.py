"""The audit log of personal data shown in full: one JSON line per showing, in ``.git``
(kept on this PC, never committed: it says who looked at whom, itself personal data)."""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Callable

from .walk import index_file


def audit_file(gdir: Path, records_rel: str) -> Path:
    index = index_file(gdir, records_rel)
    return index.with_name(index.name.replace("svcctl-tickets", "svcctl-audit", 1).replace(".sqlite", ".jsonl"))


def append(file: Path, rows: list[dict]) -> None:
    """Add ``rows`` in one write to a file opened for appending, so two commands writing at
    once interleave whole lines and a crash loses at most its own line."""
    if not rows:
        return
    data = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows).encode("utf-8")
    fd = os.open(file, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if stat.S_IMODE(os.fstat(fd).st_mode) & 0o077:  # a log left readable by others (copied, restored)
            os.fchmod(fd, 0o600)
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":  # a line a crash cut short ends here
            data = b"\n" + data
        os.write(fd, data)
    finally:
        os.close(fd)


def read(file: Path, keep: Callable[[dict], bool] = lambda row: True) -> list[dict]:
    """The whole lines of the log that ``keep`` keeps; a line cut short by a crash is skipped.
    Read a line at a time: the log only grows, and a reader asks for a few of its lines."""
    rows = []
    try:
        with file.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:
                try:
                    row = json.loads(line)
                except ValueError:
                    continue
                if isinstance(row, dict) and keep(row):
                    rows.append(row)
    except FileNotFoundError:
        return []
    return rows
