"""What a records folder may hold: svcctl's own layout, and nothing else.

Every PC of an office takes in what any other pushed, so a records folder holds only what
svcctl itself writes there: the records, the ``.gitattributes`` exactly as svcctl writes
it, the empty placeholders of a new office, and the office's templates by their known
names. Code, links, submodules, git's control files and anything oversized have no place
in it. A sync judges the paths of a commit (``problem``); ``svcctl check`` judges the files
on disk the same way (``scan``).
"""
from __future__ import annotations

import os
from pathlib import Path

from ..core.message import Message, msg
from ..core.model import LANGUAGES
from ..core.template_names import KNOWN
from ..store import names
from ..store.names import RECORDS, TEMPLATE_FOLDER, temporary
from ..store.yamlio import MAX_BYTES
from .office import GITATTRIBUTES

PLAIN = ("100644", "100755")
LINK, SUBMODULE = "120000", "160000"


def kind(inner: str) -> str | None:
    """What the file at ``inner`` (relative to the records folder) is in svcctl's layout
    (``store.names.kind``, the office's templates by their known names); None when the
    layout has no such file."""
    return names.kind(inner, KNOWN)


def problem(inner: str, mode: str, size: int | None = None, content: bytes | None = None) -> Message | None:
    """What is wrong with a file of ``mode`` (git's: 100644, 120000, ...) at ``inner``, when
    anything is; ``size`` and ``content`` (of a few small files: .gitattributes) when known."""
    if mode == LINK:
        return msg("a symbolic link: the records folder holds plain files in plain folders, never links")
    if mode == SUBMODULE:
        return msg("a submodule (another git repository): the records folder holds no submodules")
    if mode not in PLAIN:
        return msg("not a plain file: the records folder holds plain files only")
    found = kind(inner)
    if found is None:
        return not_in_layout(inner)
    if size is not None and size > MAX_BYTES:
        return msg("{size} bytes is more than any file of the records can be ({limit} MB)", size=size,
                   limit=MAX_BYTES // 1024 // 1024)
    if found == "attributes" and content is not None and content != GITATTRIBUTES.encode("utf-8"):
        return msg("not the .gitattributes svcctl writes: it could change how git reads and writes the records; "
                   "put back svcctl's (see README: Trust)")
    if found == "placeholder" and size:
        return msg("a placeholder svcctl writes empty, holding {size} bytes", size=size)
    return None


def not_in_layout(inner: str) -> Message:
    return msg("not part of svcctl's records layout (svcctl.yaml, customers/, tickets/YYYY/MM/, handovers/, "
               "templates/ by their known names): remove it from the records folder")


def removal_problem(inner: str) -> Message | None:
    """What is wrong with a commit removing the file at ``inner``: records are never
    deleted, nor the attributes svcctl merges them by."""
    found = kind(inner)
    if found in RECORDS:
        return msg("the record was removed: records are never deleted (restore it from git)")
    if found == "attributes":
        return msg("svcctl's .gitattributes was removed: git would then merge records line by line; restore it")
    return None


# -- the files on disk ------------------------------------------------------------------

def scan(root: Path) -> list[tuple[str, Message]]:
    """``(inner, problem)`` for everything in the records folder ``root`` that svcctl's
    layout does not hold, found without following any link: a link (to a file or a folder)
    is reported where it is, a folder the layout has no use for once, as a whole. What a
    record file itself holds is the record check's; this looks at names, kinds and the few
    other files' sizes and contents."""
    found: list[tuple[str, Message]] = []
    _scan_folder(str(root), "", found)
    return found


def _scan_folder(folder: str, inner: str, found: list) -> None:
    try:
        with os.scandir(folder) as entries:
            listed = sorted(entries, key=lambda e: e.name)
    except OSError as exc:
        found.append((inner or ".", msg("cannot read the folder: {error}", error=exc.strerror or str(exc))))
        return
    for entry in listed:
        name = entry.name
        path = f"{inner}/{name}" if inner else name
        if not inner and name == ".git":
            continue  # git's own, when the records folder is the repository's top
        if temporary(name):
            continue  # an atomic write of a command running meanwhile (store.txn)
        try:
            if entry.is_symlink():
                found.append((path, problem(path, LINK)))
            elif entry.is_dir(follow_symlinks=False):
                if _may_hold(path):
                    _scan_folder(entry.path, path, found)
                else:
                    found.append((path, not_in_layout(path)))
            elif not entry.is_file(follow_symlinks=False):
                found.append((path, problem(path, "0")))
            else:
                _scan_file(entry, path, found)
        except OSError as exc:
            found.append((path, msg("cannot read the file: {error}", error=exc.strerror or str(exc))))


def _scan_file(entry: os.DirEntry, path: str, found: list) -> None:
    what = kind(path)
    if what in RECORDS:
        return  # read and judged by the record check, size included
    if what is None:
        found.append((path, not_in_layout(path)))
        return
    size = entry.stat(follow_symlinks=False).st_size
    content = None
    if what == "attributes" and size <= MAX_BYTES:
        with open(entry.path, "rb") as handle:
            content = handle.read()
    bad = problem(path, "100644", size, content)
    if bad is not None:
        found.append((path, bad))


def _may_hold(inner: str) -> bool:
    parts = inner.split("/")
    if names.record_folder(inner):
        return True
    return parts[0] == TEMPLATE_FOLDER and (len(parts) == 1 or (len(parts) == 2 and parts[1] in LANGUAGES))
