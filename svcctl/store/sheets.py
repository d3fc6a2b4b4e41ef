"""Spreadsheets in and out: ``.xlsx`` through openpyxl, ``.csv`` as Chinese Excel saves it.

Excel on a Chinese Windows saves "CSV" in GBK unless told "CSV UTF-8", and opens a UTF-8
file correctly only when it starts with a byte-order mark; so reading tries UTF-8 (with or
without the mark), then GB18030 (a superset of GBK), and writing puts the mark in.
openpyxl is imported only here, and only when a workbook is read or written.

Files read are untrusted: ``sheet_limits`` bounds what is read. Text written is made inert
(``sheet_text``): a string cell in a workbook, a quoted cell in CSV, never a formula.
"""
from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..core.errors import SvcError, UsageError
from ..core.message import msg
from . import sheet_limits
from .sheet_limits import Limits
from ..core.sheet_text import inert, restored, starts_formula, writable

SUFFIXES = (".xlsx", ".csv")


@dataclass
class Table:
    """Every row of the sheet, numbered as a person sees it in Excel (from 1)."""

    name: str
    rows: list  # [(row number, [cell values])]
    encoding: str | None = None


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise UsageError(msg('{name} is an old .xls workbook: open it in Excel and save it as .xlsx or .csv', name=path.name))
    if suffix not in SUFFIXES:
        raise UsageError(msg('{name}: give an .xlsx or .csv file', name=path.name))
    return suffix


def read(path: Path, encoding: str | None = None, sheet: str | None = None, limits: Limits = Limits()) -> Table:
    suffix = _kind(path)
    if not path.is_file():
        raise UsageError(msg('no file {path}', path=path))
    if suffix == ".xlsx":
        if encoding:
            raise UsageError(msg('--encoding is for .csv files: a workbook says its own encoding'))
        return _read_xlsx(path, sheet, limits)
    if sheet:
        raise UsageError(msg('--sheet is for .xlsx workbooks'))
    return _read_csv(path, encoding, limits)


def _read_xlsx(path: Path, sheet: str | None, limits: Limits) -> Table:
    sheet_limits.check_workbook(path, limits)
    from openpyxl import load_workbook

    name = path.name
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a malformed part fails inside openpyxl in many ways, each this file's fault
        raise _unreadable(name, exc) from None
    try:
        if sheet is not None:
            if sheet not in book.sheetnames:
                raise UsageError(msg('{name} has no sheet {sheet!r}: its sheets are {sheetnames}', name=path.name, sheet=sheet, sheetnames=', '.join(book.sheetnames)))
            ws = book[sheet]
        else:
            ws = book.worksheets[0]
        sheet_limits.check_dimension(name, ws.title, (ws.min_column, ws.min_row, ws.max_column, ws.max_row), limits)
        # Rows as the sheet holds them, not padded out to the size it declares.
        ws.reset_dimensions()
        rows = [(number, sheet_limits.check_row(name, number, values, limits))
                for number, values in enumerate(ws.iter_rows(values_only=True), 1)]
    except SvcError:
        raise
    except Exception as exc:
        raise _unreadable(name, exc) from None
    finally:
        book.close()
    return Table(path.name, rows)


def _unreadable(name: str, exc: Exception) -> UsageError:
    return UsageError(msg('cannot read {name} as an Excel workbook ({exc}): save it again as .xlsx or .csv', name=name, exc=exc))


def decode(data: bytes, encoding: str | None, name: str) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise UsageError(msg('--encoding {encoding!r} is not an encoding Python knows (try utf-8 or gbk)', encoding=encoding)) from None
        except UnicodeDecodeError as exc:
            raise UsageError(msg('{name} is not {encoding} text (byte {start}): try another --encoding', name=name, encoding=encoding, start=exc.start)) from None
    if data.startswith(b"\xef\xbb\xbf"):
        with contextlib.suppress(UnicodeDecodeError):  # a BOM before bytes that are not UTF-8: try the others
            return data[3:].decode("utf-8"), "utf-8-sig"
    for candidate in ("utf-8", "gb18030"):
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise UsageError(msg('cannot tell the encoding of {name} (neither UTF-8 nor GBK): give --encoding', name=name))


def _read_csv(path: Path, encoding: str | None, limits: Limits) -> Table:
    sheet_limits.check_csv_size(path, limits)
    text, used = decode(path.read_bytes(), encoding, path.name)
    try:
        rows = [(number, [restored(v) for v in sheet_limits.check_row(path.name, number, row, limits)])
                for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), 1)]
    except csv.Error as exc:
        raise UsageError(msg('{name} is not a readable CSV file: {exc}', name=path.name, exc=exc)) from None
    return Table(path.name, rows, used)


def write(path: Path, headers: list[str], rows: list[list], encoding: str | None = None) -> None:
    """Write a sheet whole or not at all: a temp file renamed into place."""
    suffix = _kind(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=str(path.parent))
    os.close(fd)
    try:
        if suffix == ".xlsx":
            if encoding:
                raise UsageError(msg('--encoding is for .csv files'))
            _write_xlsx(Path(tmp), headers, rows)
        else:
            _write_csv(Path(tmp), headers, rows, encoding or "utf-8-sig")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_csv(path: Path, headers, rows, encoding: str) -> None:
    try:
        with path.open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow([inert(h) for h in headers])
            for row in rows:
                writer.writerow(["" if v is None else (v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else inert(v))
                                 for v in row])
    except LookupError:
        raise UsageError(msg('--encoding {encoding!r} is not an encoding Python knows (try utf-8-sig or gbk)', encoding=encoding)) from None
    except UnicodeEncodeError as exc:
        raise UsageError(msg('{object!r} cannot be written in {encoding}: use utf-8-sig', object=exc.object[exc.start:exc.end], encoding=encoding)) from None


def _write_xlsx(path: Path, headers, rows) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES

    book = Workbook(write_only=True)
    ws = book.create_sheet()

    def text_cell(value: str):
        value = writable(value)
        if not (starts_formula(value) or value in ERROR_CODES):
            return value
        # openpyxl makes "=..." a formula and "#N/A" an error; this cell is the text itself,
        # marked so that Excel keeps it text when someone edits it.
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell

    ws.append([text_cell(h) for h in headers])
    for row in rows:
        out = []
        for value in row:
            if isinstance(value, datetime):
                # Excel has no time zones: office time, shown to the minute.
                c = WriteOnlyCell(ws, value=value.replace(tzinfo=None))
                c.number_format = "yyyy-mm-dd hh:mm"
                out.append(c)
            elif isinstance(value, str):
                out.append(text_cell(value))
            else:
                out.append(value)
        ws.append(out)
    book.save(path)
