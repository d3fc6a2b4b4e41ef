"""A read cache of ticket files that passed validation, kept in the git directory.

Parsing YAML dominates every listing (about 0.4 ms a file with libyaml), so ``list`` and
``overdue`` at 10k tickets would spend seconds re-reading files that have not changed.
An entry is trusted only while the file's inode, size and modification time are the
same, and while ``svcctl.yaml`` is the one it was checked against (a ticket's validity
depends on the roster and the departments); a file that changed, or that failed
validation, is read and checked again. Entries are keyed by the path relative to the git
top level, so two records folders in one repository keep their own entries. The cache is
never shared (it lives in ``.git``), never committed, and losing it only costs time.
``svcctl check`` never uses it; a records folder outside git simply goes without one.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

VERSION = 2


def stamp(path: Path) -> list:
    st = path.stat()
    return [st.st_ino, st.st_size, st.st_mtime_ns]


class TicketCache:
    """Entries ``key -> [file stamp, config stamp, record]``."""

    def __init__(self, file: Path, config_stamp: list):
        self.file = file
        self.config_stamp = config_stamp
        self.entries: dict = {}
        self.dirty = False
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            if data.get("version") == VERSION and isinstance(data.get("entries"), dict):
                self.entries = data["entries"]
        except (OSError, ValueError, KeyError, AttributeError):
            self.entries = {}

    def get(self, key: str, file_stamp: list):
        """The record cached under ``key`` if the file and svcctl.yaml are unchanged."""
        entry = self.entries.get(key)
        if (isinstance(entry, list) and len(entry) == 3 and entry[0] == file_stamp
                and entry[1] == self.config_stamp):
            return entry[2]
        return None

    def put(self, key: str, file_stamp: list, record: dict) -> None:
        """``file_stamp`` is taken before the file was read, so a change made meanwhile
        leaves an entry that never matches again."""
        self.entries[key] = [file_stamp, self.config_stamp, record]
        self.dirty = True

    def prune(self, keep: set, prefix: str) -> None:
        """Drop entries under ``prefix`` (this records folder's tickets) not in ``keep``."""
        for key in [k for k in self.entries if k.startswith(prefix) and k not in keep]:
            del self.entries[key]
            self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        tmp = self.file.with_name(f"{self.file.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps({"version": VERSION, "entries": self.entries}, ensure_ascii=False),
                           encoding="utf-8")
            os.replace(tmp, self.file)
        except OSError:
            tmp.unlink(missing_ok=True)  # a read-only clone simply goes without a cache
