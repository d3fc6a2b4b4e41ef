"""How much of a spreadsheet ``svcctl import`` will read, and the checks made before reading.

A file handed in for import is untrusted: a few kilobytes of workbook can declare a cell at
XFD1048576 (which a reader pads out to 17 billion cells), unpack to gigabytes (a zip bomb),
or define entities that expand a billion times. Each is refused with one line before any
of it is read into memory: the zip's directory gives every part's unpacked size without
unpacking it (and Python's zip reader never unpacks a part beyond the size given there),
and each XML part is read through once, streamed, for a document type declaration, which
no workbook needs and every entity bomb does.
"""
from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import UsageError
from ..core.message import msg

MAX_ROWS = 100_000  # rows of a sheet or CSV file; a supervisor or director may allow more
MAX_COLUMNS = 256  # columns holding a value; a register or ledger has a few dozen
MAX_CSV_BYTES = 128 << 20  # a CSV file of MAX_ROWS rows may be this large, more rows in proportion
MAX_UNPACKED_BYTES = 256 << 20  # a workbook's parts together, unpacked, likewise
MAX_PARTS = 1_000  # files inside a workbook: Excel writes about ten, a few more per picture
MAX_RATIO = 100  # how many times its packed size one part may unpack to: Excel's own reach 10 to 20 ...
RATIO_FROM = 1 << 20  # ... counted for parts over a megabyte, small ones pack as they will
_DIRECTORY_BYTES = 512  # room for one part's entry in the zip's directory, its name included

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    rows: int = MAX_ROWS

    @property
    def _scale(self) -> float:
        return max(1.0, self.rows / MAX_ROWS)

    @property
    def csv_bytes(self) -> int:
        return int(MAX_CSV_BYTES * self._scale)

    @property
    def unpacked_bytes(self) -> int:
        return int(MAX_UNPACKED_BYTES * self._scale)


def _more() -> str:
    return msg("split the file, or a supervisor or director may allow more rows with --max-rows")


def check_csv_size(path: Path, limits: Limits) -> None:
    size = path.stat().st_size
    if size > limits.csv_bytes:
        raise UsageError(msg("{name} is {size} MB, more than the {limit} MB a CSV file of {rows} rows may be; {more}",
                             name=path.name, size=size // MB, limit=limits.csv_bytes // MB, rows=limits.rows,
                             more=_more()))


def check_row(name: str, number: int, values: list, limits: Limits) -> list:
    """One row as read, without the empty cells at its end; refused past the row or column limit."""
    if number > limits.rows:
        raise UsageError(msg("{name} has more than {limit} rows; {more}", name=name, limit=limits.rows,
                             more=_more()))
    width = len(values)
    while width and (values[width - 1] is None or values[width - 1] == ""):
        width -= 1
    if width > MAX_COLUMNS:
        raise UsageError(msg("{name} row {row} has a value in column {column}, beyond the {limit} columns a sheet "
                             "may use: delete what is out there and save it again", name=name, row=number,
                             column=width, limit=MAX_COLUMNS))
    return values[:width] if width < len(values) else list(values)


def check_dimension(name: str, sheet: str, declared: tuple, limits: Limits) -> None:
    """A sheet's own word on its size (``<dimension ref="A1:XFD1048576"/>``), before reading it.
    The rows themselves are counted as they are read: the word can be false."""
    min_col, min_row, max_col, max_row = declared
    if (max_row or 0) > limits.rows or (max_col or 0) > MAX_COLUMNS:
        from openpyxl.utils import get_column_letter

        raise UsageError(msg("{name}: sheet {sheet} says it spans {ref}, more than {rows} rows or {columns} columns; "
                             "{more}", name=name, sheet=sheet, rows=limits.rows, columns=MAX_COLUMNS,
                             ref=f"{get_column_letter(min_col or 1)}{min_row or 1}:"
                                 f"{get_column_letter(max_col or 1)}{max_row or 1}", more=_more()))


def check_workbook(path: Path, limits: Limits) -> None:
    """Refuse a workbook too many parts, too large unpacked, packed too tightly, or with a
    document type declaration in any XML part."""
    import zipfile

    name = path.name
    _check_directory_size(path)
    try:
        with zipfile.ZipFile(path) as book:
            parts = book.infolist()
            if len(parts) > MAX_PARTS:
                raise _too_many(name, len(parts))
            total = 0
            for part in parts:
                total += part.file_size
                if total > limits.unpacked_bytes:
                    raise UsageError(msg("{name} unpacks to more than {limit} MB; {more}", name=name,
                                         limit=limits.unpacked_bytes // MB, more=_more()))
                if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * max(part.compress_size, 1):
                    raise UsageError(msg("{name}: {part} unpacks to {ratio} times its packed size, which no saved "
                                         "workbook does (at most {limit}): refused", name=name,
                                         part=part.filename, ratio=part.file_size // max(part.compress_size, 1),
                                         limit=MAX_RATIO))
            for part in parts:
                if not part.is_dir():
                    with book.open(part) as stream:
                        _check_xml(name, part.filename, stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        # RuntimeError: an encrypted part; NotImplementedError: a compression Excel never uses.
        raise UsageError(msg('cannot read {name} as an Excel workbook ({exc}): save it again as .xlsx or .csv',
                             name=name, exc=exc)) from None


def _too_many(name: str, count) -> UsageError:
    return UsageError(msg("{name} holds {count} files, more than the {limit} a workbook may: save it again in Excel",
                          name=name, count=count, limit=MAX_PARTS))


def _check_directory_size(path: Path) -> None:
    """Count the parts from the zip's end record, before Python's zip reader builds an entry
    for every one of them."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - (1 << 16) - 22))
        tail = handle.read()
    # Where Python's zip reader looks too: the last 22 bytes, else the last signature before a comment.
    at = len(tail) - 22 if tail[-22:-18] == b"PK\x05\x06" else tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return  # not a zip: the zip reader says so in its own words
    _, _, _, count, directory_bytes, _, _ = struct.unpack("<4HIIH", tail[at + 4:at + 22])
    if (count == 0xFFFF or directory_bytes == 0xFFFFFFFF) and at >= 20 \
            and tail[at - 20:at - 16] == b"PK\x06\x07":
        # "See the zip64 record", which a few writers always use: its counts are the true ones.
        (record,) = struct.unpack("<Q", tail[at - 12:at - 4])
        with path.open("rb") as handle:
            handle.seek(record)
            zip64 = handle.read(56)
        if zip64[:4] == b"PK\x06\x06" and len(zip64) == 56:
            count, directory_bytes = struct.unpack("<QQ", zip64[32:48])
    if count > MAX_PARTS or directory_bytes > MAX_PARTS * _DIRECTORY_BYTES:
        raise _too_many(path.name, count)


_CHUNK = 1 << 20
_ALLOWED_DECLARATIONS = (b"<!--", b"<![CDATA[")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]*)["']""")


def _check_xml(name: str, part: str, stream) -> None:
    """Every ``<!`` in a part must open a comment or CDATA: a ``<!DOCTYPE`` (with its
    ``<!ENTITY``s) is refused. Text not in UTF-8 is refused too, since a scan for ASCII bytes
    cannot see into it. Parts that are not XML (pictures) pass: no XML reader opens them."""
    chunk = stream.read(_CHUNK)
    head = chunk[3:] if chunk.startswith(b"\xef\xbb\xbf") else chunk
    wide = b"\x00" in head[:4] and head[:8].replace(b"\x00", b"").lstrip().startswith(b"<")  # UTF-16 or -32
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or wide:
        raise _not_plain(name, part)
    if not head.lstrip().startswith(b"<"):
        return  # not XML: a picture
    if head.startswith(b"<?xml"):
        close = head.find(b"?>", 0, 200)
        declared = _ENCODING.search(head, 0, close if close >= 0 else 200)
        if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
            raise _not_plain(name, part)
    pending = b""
    while chunk:
        text = pending + chunk
        chunk = stream.read(_CHUNK)
        # A "<!" in the last bytes is looked at with the next chunk, whole.
        end = len(text) - len(_ALLOWED_DECLARATIONS[1]) if chunk else len(text)
        at = text.find(b"<!", 0, end + 2)
        while 0 <= at < end:
            if not text.startswith(_ALLOWED_DECLARATIONS, at):
                raise UsageError(msg("{name}: {part} declares a document type or entities, which no workbook "
                                     "needs (an entity bomb): refused", name=name, part=part))
            at = text.find(b"<!", at + 2, end + 2)
        pending = text[end:]


def _not_plain(name: str, part: str) -> UsageError:
    return UsageError(msg("{name}: {part} is not written in UTF-8, as workbooks are: save it again in Excel",
                          name=name, part=part))
