"""Folders of the records are real folders: a link among them would make svcctl read or
write a file outside the records (another PC can commit a link to any folder)."""
from __future__ import annotations

import os
import stat

from ..core.message import msg


def linked_folder(base: str | os.PathLike, rel: str, seen: dict | None = None) -> str | None:
    """The first folder on the way from ``base`` to the file ``rel`` (a path below it) that is
    a symbolic link or not a folder at all, as a path below ``base``; None when every one is a
    plain folder or does not exist yet. ``seen`` keeps answers for folders already looked at
    (one change writes many files into few folders)."""
    parts = rel.replace("\\", "/").split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        folder = "/".join(parts[:depth])
        if seen is not None and folder in seen:
            if seen[folder] is not None:
                return seen[folder]
            continue
        try:
            mode = os.lstat(os.path.join(base, folder)).st_mode
        except FileNotFoundError:
            return None  # made by the write; nothing below it exists either
        bad = None if stat.S_ISDIR(mode) else folder
        if seen is not None:
            seen[folder] = bad
        if bad is not None:
            return bad
    return None


def not_a_folder(folder: str) -> str:
    return msg("{folder} is a symbolic link or not a folder: the records' folders are plain folders "
               "(run 'svcctl check')", folder=folder)
