"""A read cache of ticket files that passed validation, kept in the git directory.

Parsing YAML dominates every listing (about 0.4 ms a file with libyaml), so ``list`` and
``overdue`` at 10k tickets would spend seconds re-reading files that have not changed.
An entry is trusted only while the file's inode, size and modification time are the
same; a file that changed, or that failed validation, is read and checked again. The
cache is never shared (it lives in ``.git``), never committed, and losing it only costs
time. ``svcctl check`` never uses it.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

VERSION = 1


def _stamp(path: Path) -> list:
    st = path.stat()
    return [st.st_ino, st.st_size, st.st_mtime_ns]


class TicketCache:
    def __init__(self, file: Path):
        self.file = file
        self.entries: dict = {}
        self.dirty = False
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            if data.get("version") == VERSION:
                self.entries = data["entries"]
        except (OSError, ValueError, KeyError, AttributeError):
            self.entries = {}

    def get(self, key: str, path: Path):
        entry = self.entries.get(key)
        if entry is not None and entry[0] == _stamp(path):
            return entry[1]
        return None

    def put(self, key: str, path: Path, record: dict) -> None:
        self.entries[key] = [_stamp(path), record]
        self.dirty = True

    def prune(self, keep: set) -> None:
        for key in [k for k in self.entries if k not in keep]:
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
