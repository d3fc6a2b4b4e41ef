"""Reading one record file: only a plain file of a record's size, decoded, parsed and
checked the one way every command and ``svcctl check`` read it."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from ..core import validate
from ..core.message import msg
from ..core.office import Office
from . import yamlio
from .ids import file_stem, ticket_inner
from .names import RECORDS


def read_file(root: Path, inner: str) -> bytes | str:
    """The bytes of a record file, or what is wrong with it instead. Only a regular file is
    read: a FIFO would hang every listing, a link out of the records folder would show
    another file as a record, and a file larger than any record is not one."""
    return read_stat(root, inner)[0]


def read_stat(root: Path, inner: str) -> tuple[bytes | str, os.stat_result | None]:
    """``read_file``, with the file's stat taken once it is open and before it is read (None
    when it could not be read): a stamp never newer than the bytes it goes with."""
    path = os.path.join(root, inner)  # plain strings: this runs once per file of a whole office
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            try:
                target = Path(path).resolve(strict=True)
            except FileNotFoundError:
                return msg("a symbolic link to a missing file ({target}): records are plain files", target=os.readlink(path)), None
            except (RuntimeError, OSError):
                return msg("a symbolic link that loops back on itself: records are plain files"), None
            if not target.is_relative_to(Path(root).resolve()):
                return msg("a symbolic link out of the records folder ({target}): records are plain files", target=str(target)), None
            info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            return msg("a folder, not a record file"), None
        if not stat.S_ISREG(info.st_mode):
            return msg("not a regular file (a pipe, socket or device): records are plain files"), None
        if info.st_size > yamlio.MAX_BYTES:
            return msg("{size} bytes is more than a record can be ({limit} MB)", size=info.st_size, limit=yamlio.MAX_BYTES // 1024 // 1024), None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return msg("not a regular file (a pipe, socket or device): records are plain files"), None
            # Sized by the stat, not by the limit: a buffer of the largest record for every
            # file is a large allocation per read. One byte more says the file grew meanwhile.
            data = handle.read(min(info.st_size, yamlio.MAX_BYTES) + 1)
            if len(data) > info.st_size:
                data += handle.read(yamlio.MAX_BYTES + 1 - len(data))
            return data, info
    except OSError as exc:
        return msg("cannot read the file: {error}", error=exc.strerror or str(exc)), None


def check_bytes(kind: str, inner: str, raw: bytes, *, office: Office | None = None, customers=None,
                replayed: list | None = None, parse=yamlio.parse):
    """A record of ``kind`` (config, customer, ticket or handover) read from its bytes, from
    anywhere (a file, or a commit not yet checked out), and checked: ``(data, text, problems)``,
    ``problems`` a list of ``(line, message)`` (line None when no line fits), empty when the
    record is valid; ``data`` None when the bytes cannot be parsed. A ticket is checked
    against ``office`` (roster, departments) and ``customers`` (ids on file) when they are
    given; ``replayed`` receives a valid ticket's replay (see ``validate.ticket``). This is
    the one validation path: ``svcctl check`` reports every problem, loading refuses on the
    first. ``parse``: how the text is read (``yamlio.parse``, or a kept reading of it)."""
    if kind not in RECORDS:
        raise ValueError(f"unknown kind of record {kind!r}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, None, [(line, msg("not UTF-8 text (byte 0x{byte:02x} at line {line}): save the file as UTF-8",
                                       byte=raw[exc.start], line=line))]
    try:
        data = parse(text)
    except yamlio.YamlProblem as problem:
        return None, text, [(problem.line, problem.message)]
    stem = file_stem(inner)
    if kind == "config":
        found = validate.config(data)
    elif kind == "customer":
        found = validate.customer(data, stem)
    elif kind == "handover":
        found = validate.handover(data, inner, office.roster if office is not None else None,
                                  office.tz if office is not None else None)
    else:
        roster = office.roster if office is not None else None
        departments = office.departments if office is not None else None
        found = validate.ticket(data, stem, roster, customers, departments, replayed)
        found += _ticket_file_problems(inner)
    if not found:
        return data, text, []
    index = yamlio.line_index(text)
    return data, text, [(_locate(index, where), message) for where, message in found]


def _ticket_file_problems(inner: str) -> list:
    name = inner.rpartition("/")[2]
    expected = ticket_inner(file_stem(name))
    if expected is None:
        return [(("id",), msg("file name {name} is not a ticket id (like 202611-A007.yaml)", name=name))]
    if expected != inner:
        return [(("id",), msg("file is in the wrong folder: expected {expected}", expected=expected))]
    return []


def _locate(index: dict, path: tuple) -> int | None:
    while path not in index and path:
        path = path[:-1]
    return index.get(path)
