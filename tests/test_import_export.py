"""Moving in: the owners' register and old ledgers imported from CSV and Excel, and exported
back. Real offices in temporary git repositories, driven through the CLI."""
from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import datetime, time
from pathlib import Path

import pytest
from click.testing import CliRunner

from svcctl.cli.main import cli
from conftest import Office, git

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "owners-register.csv"


def write_csv(path: Path, rows, encoding="utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path: Path, rows, number_formats=None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for (r, c), fmt in (number_formats or {}).items():
        sheet.cell(row=r, column=c).number_format = fmt
    book.save(path)
    return path


def read_xlsx(path: Path) -> list[list]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return rows


def fresh_office(root: Path) -> Office:
    """An office with staff and no customers."""
    result = CliRunner().invoke(cli, ["init", str(root), "--name", "翠苑物业管理处", "--code", "CY", "--director",
                                      "wang", "--director-name", "王主任", "--station", "A"],
                                env={"SVCCTL_NOW": "2026-11-01 09:00"}, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    office = Office(root, user="wang")
    office.run("staff", "add", "zhao", "--name", "赵强", "--role", "supervisor")
    office.run("staff", "add", "li", "--name", "李娜", "--role", "agent")
    return office


def customers(office: Office, reveal=True) -> list[dict]:
    return office.json("customer", "list", *(["--reveal"] if reveal else []), user="wang")


def status_clean(office: Office) -> str:
    return git(office.root, "status", "--porcelain", "--untracked-files=all")


# ------------------------------------------------------------------------------ register

REGISTER = [
    ["翠苑小区业主档案"],
    ["姓名", "手机", "房号", "备注"],
    ["王志强", "13700000002", "5-1-302", "车位 B-12"],
    ["王志强", "137 0000 0002", "5栋1单元303室", ""],          # the same owner again: one file, two units
    ["陈建国", "13800138000", "3-2-1503", ""],                  # that phone is C-A001's already
    [],                                                         # blank row
    ["赵丽", "13600000003", "6-3", ""],                         # malformed unit
    ["孙卫东", "13500000004、02088886666", "6-3-702", "独居老人"],
    ["林女士", "13900000009", "5-1-301", ""],                   # a unit on file, same name: that customer
]


def test_register_in_gbk_is_refused_whole_then_imported_with_skip_bad(office, tmp_path):
    path = write_csv(tmp_path / "业主档案.csv", REGISTER, encoding="gbk")
    commits = office.commits()

    refused = office.fails("import", "customers", path)
    assert refused.exit_code == 3
    assert "row 7: malformed unit '6-3'" in refused.stdout
    assert refused.stderr.count("\n") == 1 and "refused, nothing written: 1 of 6 rows" in refused.stderr
    assert office.commits() == commits and status_clean(office) == ""
    assert len(customers(office)) == 2

    dry = office.run("import", "customers", path, "--skip-bad", "--dry-run", "--format", "json")
    plan = json.loads(dry.stdout)
    assert plan["encoding"] == "gb18030" and plan["dry_run"] and plan["commit"] is None
    assert plan["new_customers"] == ["C-A003", "C-A004"] and plan["blank"] == 1
    assert office.commits() == commits and status_clean(office) == ""

    done = json.loads(office.run("import", "customers", path, "--skip-bad", "--format", "json").stdout)
    assert done["bad"] == [{"row": 7, "reason": done["bad"][0]["reason"]}] and "malformed unit" in done["bad"][0]["reason"]
    assert office.commits() == commits + 1 and status_clean(office) == ""
    subject = git(office.root, "log", "-1", "--format=%s").strip()
    assert subject == "从 业主档案.csv 导入客户：新增 2，更新 2，跳过有误的 1 行"
    by_id = {c["id"]: c for c in customers(office)}
    assert len(by_id) == 4
    assert by_id["C-A001"]["name"] == "陈先生"  # the name on file is kept
    assert by_id["C-A001"]["units"] == ["3-2-1502", "3-2-1503"] and by_id["C-A001"]["phones"] == ["13800138000"]
    assert by_id["C-A002"]["phones"] == ["13900000001", "13900000009"]
    assert by_id["C-A003"] == {"id": "C-A003", "name": "王志强", "phones": ["13700000002"],
                               "units": ["5-1-302", "5-1-303"], "notes": "车位 B-12"}
    assert by_id["C-A004"]["phones"] == ["13500000004", "02088886666"]

    again = office.run("import", "customers", path, "--skip-bad")
    assert "on file     4 (nothing new)" in again.stdout and office.commits() == commits + 1


def test_a_unit_on_file_under_another_name_is_a_question_not_a_guess(office, tmp_path):
    path = write_csv(tmp_path / "r.csv", [["name", "phone", "unit"], ["王丽", "13300000001", "3-2-1502"]])
    refused = office.fails("import", "customers", path)
    assert "row 2: unit 3-2-1502 is already on file for C-A001 under the name 陈先生, not 王丽" in refused.stdout


def test_building_entrance_room_columns_estate_and_header_map(office, tmp_path):
    path = write_csv(tmp_path / "r.csv", [
        ["业主", "联系方式", "小区", "楼栋", "单元", "房屋编号", "说明"],
        ["钱多多", "13100000001", "翠苑", "9", "1", "101", ""],
    ])
    refused = office.fails("import", "customers", path)
    assert refused.exit_code == 2 and "no column for unit" in refused.stderr
    office.run("import", "customers", path, "--map", "room=房屋编号")
    assert customers(office)[-1]["units"] == ["翠苑/9-1-101"]
    bad_map = office.fails("import", "customers", path, "--map", "unit=门牌")
    assert "the file has no column '门牌'" in bad_map.stderr and bad_map.stderr.count("\n") == 1


def test_masked_export_round_trip_and_reveal_needs_a_supervisor(office, tmp_path):
    office.run("import", "customers", SAMPLE)
    masked = tmp_path / "masked.csv"
    office.run("export", "customers", "-o", masked)
    text = masked.read_text(encoding="utf-8-sig")
    assert "138****8000" in text and "13800138000" not in text

    refused = office.fails("export", "customers", "-o", tmp_path / "full.xlsx", "--reveal", user="li")
    assert refused.exit_code == 3 and "needs a supervisor or director" in refused.stderr
    assert not (tmp_path / "full.xlsx").exists()

    # edited in Excel and read back: masked phones stand for the numbers on file
    before = customers(office)
    commits = office.commits()
    assert "nothing new" in office.run("import", "customers", masked).stdout
    assert office.commits() == commits and customers(office) == before


def test_export_then_import_gives_the_same_customers(office, tmp_path):
    office.run("import", "customers", SAMPLE)
    sheet = tmp_path / "owners.xlsx"
    office.run("export", "customers", "-o", sheet, "--reveal", user="zhao")
    assert read_xlsx(sheet)[0] == ["编号", "姓名", "电话", "房号", "备注"]

    other = fresh_office(tmp_path / "other")
    other.run("import", "customers", sheet)
    assert customers(other) == customers(office)
    commits = office.commits()
    assert "nothing new" in office.run("import", "customers", sheet).stdout and office.commits() == commits


def test_sample_register_imports_as_the_readme_shows(tmp_path):
    office = fresh_office(tmp_path / "o")
    out = office.subprocess("import", "customers", SAMPLE)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""  # no progress bar off a terminal
    assert "new customers 8  (C-A001 … C-A008)" in out.stdout and "1 blank" in out.stdout
    listed = {c["name"]: c for c in customers(office)}
    assert listed["陈建国"]["units"] == ["3-2-1502", "3-2-1503"]
    assert listed["王志强"]["phones"] == ["13700000002", "02088886666"]


def test_unreadable_files_get_one_line(office, tmp_path):
    for name, content, message in [
        ("old.xls", b"x", "save it as .xlsx or .csv"),
        ("broken.xlsx", b"not a zip", "cannot read broken.xlsx as an Excel workbook"),
        ("latin.csv", "姓名,房号\n".encode("utf-8") + b"\xff\xfe\xfa\n", "neither UTF-8 nor GBK"),
    ]:
        (tmp_path / name).write_bytes(content)
        result = office.fails("import", "customers", tmp_path / name)
        assert message in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "no file" in office.fails("import", "customers", tmp_path / "missing.csv").stderr


@pytest.mark.slow
def test_an_import_killed_half_way_leaves_nothing(office, tmp_path):
    rows = [["姓名", "电话", "房号"]] + [[f"业主{n}", f"1310000{n:04d}", f"8-1-{n + 100}"] for n in range(60)]
    path = write_csv(tmp_path / "big.csv", rows)
    commits = office.commits()
    killed = office.subprocess("import", "customers", path, extra_env={"SVCCTL_CRASH_AT": "between-files"})
    assert killed.returncode == 137
    after = office.run("customer", "list", "--format", "json")
    assert "rolled back an interrupted change" in after.stderr
    assert len(json.loads(after.stdout)) == 2 and office.commits() == commits and status_clean(office) == ""


# ------------------------------------------------------------------------------ ledgers

LEDGER_HEAD = ["编号", "受理时间", "类型", "等级", "房号", "内容", "受理人", "部门", "完成时间", "处理结果",
               "回访时间", "回访方式", "满意度"]


def ledger_rows():
    """Two months of a made-up ledger: (row, expected type, expected status)."""
    units = ["3-2-1502", "5-1-301"]
    rows, expected = [], []
    for n in range(24):
        month = 9 + n % 2
        day = 1 + n
        received = f"2026-{month:02d}-{day:02d} 09:{n:02d}"
        closed = f"2026-{month:02d}-{day:02d} 15:00"
        callback = f"2026-{month:02d}-{day + 1:02d} 10:00"
        kind = ["报修", "投诉", "咨询", "建议"][n % 4]
        if kind == "报修":
            row = [received, kind, "", "维修部", closed, "已修复", callback if n % 8 == 0 else "", "电话" if n % 8 == 0 else "", 5 if n % 8 == 0 else ""]
            status = "done" if n % 8 == 0 else "closed"
        elif kind == "投诉":
            row = [received, kind, "一般", "工程部", "", "", "", "", ""]
            status = "dispatched"
        elif kind == "咨询":
            row = [received, kind, "", "", "", "已告知", "", "", ""]
            status = "done"
        else:
            row = [received, kind, "", "", "", "", "", "", ""]
            status = "open"
        rows.append([f"L{n:03d}", row[0], row[1], row[2], units[n % 2], f"登记 {n}", "li", *row[3:]])
        expected.append((received[:7].replace("-", ""), kind, status))
    return rows, expected


def test_ledger_import_matches_the_ledgers_own_counts(office, tmp_path):
    rows, expected = ledger_rows()
    path = write_csv(tmp_path / "ledger.csv", [LEDGER_HEAD, *rows])
    commits = office.commits()
    result = json.loads(office.run("import", "tickets", path, "--format", "json", user="zhao").stdout)
    assert len(result["tickets"]) == 24 and result["bad"] == []
    assert office.commits() == commits + 1 and status_clean(office) == ""
    assert git(office.root, "log", "-1", "--format=%s").strip() == "从 ledger.csv 导入工单 24 张"

    listed = office.json("list")
    labels = {"报修": "repair", "投诉": "complaint", "咨询": "consultation", "建议": "suggestion"}
    assert Counter(t["type"] for t in listed) == Counter(labels[k] for _, k, _ in expected)
    assert Counter(t["status"] for t in listed) == Counter(s for _, _, s in expected)
    # ids take the month the request was received, serials in the order requests came in
    assert Counter(t["id"][:6] for t in listed) == Counter(m for m, _, _ in expected)
    for t in listed:
        assert t["id"][:6] == t["received_at"][:7].replace("-", "")
    september = sorted((t for t in listed if t["id"].startswith("202609")), key=lambda t: t["id"])
    assert [t["received_at"] for t in september] == sorted(t["received_at"] for t in september)
    assert september[0]["id"] == "202609-A001"


def test_ledger_events_keep_their_own_times_and_deadlines_judge_them(office, tmp_path):
    path = write_csv(tmp_path / "报修登记表.csv", [
        ["报修登记表"],
        ["单号", "日期", "时间", "房号", "报修内容", "受理人", "派工部门", "完成时间", "处理结果", "回访时间", "回访方式", "满意度", "回访意见"],
        ["B-1", "2026-10-09", "09:15", "3-2-1502", "厨房水管漏水", "li", "维修部", "2026-10-09 11:00", "更换接头", "2026-10-14", "电话", "满意", ""],
        ["B-2", "2026/10/12 14:00", "", "5-1-301", "门禁卡失灵", "小李", "水电组", "", "", "", "", "", ""],
        ["B-3", "2026.10.13", "", "9-9-909", "路灯不亮", "li", "维修部", "", "", "", "", "", ""],
        ["B-4", "2026-12-01 10:00", "", "5-1-301", "未来的报修", "li", "", "", "", "", "", "", ""],
    ])
    refused = office.fails("import", "tickets", path, "--type", "repair")
    out = refused.stdout
    assert "row 4: unknown staff '小李'" in out and "--map 'staff:小李=" in out
    assert "row 5: no customer on file for unit 9-9-909" in out
    assert "row 6: intake time 2026-12-01 10:00 lies in the future" in out

    office.run("import", "tickets", path, "--type", "repair", "--skip-bad", "--map", "staff:小李=li",
               "--map", "department:水电组=维修部")
    first = office.json("show", "202610-A001")
    assert first["received_at"] == "2026-10-09T09:15:00+08:00" and first["first_responder"] == "li"
    assert [(e["event"], e["at"]) for e in first["events"]] == [
        ("intake", "2026-10-09T09:15:00+08:00"), ("dispatch", "2026-10-09T09:15:00+08:00"),
        ("close", "2026-10-09T11:00:00+08:00"), ("callback", "2026-10-14T00:00:00+08:00")]
    assert first["events"][0]["note"] == "imported from 报修登记表.csv row 3, ledger no. B-1"
    assert first["events"][3]["satisfaction"] == 4
    callback = next(d for d in first["deadlines"] if d["name"] == "callback")
    assert callback["state"] == "late"  # two days after the close, not when it was typed in
    second = office.json("show", "202610-A002")
    assert second["department"] == "维修部" and second["status"] == "dispatched"


def test_excel_dates_as_cells_serial_numbers_and_text(office, tmp_path):
    serial = (datetime(2026, 10, 20, 9, 30) - datetime(1899, 12, 30)).total_seconds() / 86400
    path = write_xlsx(tmp_path / "ledger.xlsx", [
        ["受理日期", "时间", "类型", "房号", "摘要", "完成时间", "处理结果"],
        [datetime(2026, 10, 19, 8, 5), None, "咨询", "3-2-1502", "a date cell", None, "已答复"],
        [serial, None, "咨询", "3-2-1502", "a serial number", None, "已答复"],
        [46316, 0.5, "咨询", "5-1-301", "serial date, serial time", None, "已答复"],
        ["2026年10月22日", "14:45", "query", "5-1-301", "text date, text time", "2026-10-22 15:00", "已答复"],
        [datetime(2026, 10, 23), time(16, 20), "查询", "5-1-301", "date cell, time cell", 46318.75, "已答复"],
    ], number_formats={(2, 1): "yyyy-mm-dd hh:mm"})
    office.run("import", "tickets", path)
    got = {t["summary"]: t["received_at"] for t in office.json("list")}
    assert got == {
        "a date cell": "2026-10-19T08:05:00+08:00", "a serial number": "2026-10-20T09:30:00+08:00",
        "serial date, serial time": "2026-10-21T12:00:00+08:00", "text date, text time": "2026-10-22T14:45:00+08:00",
        "date cell, time cell": "2026-10-23T16:20:00+08:00",
    }
    closed = {t["summary"]: t for t in office.json("list")}
    assert office.json("show", closed["date cell, time cell"]["id"])["events"][-1]["at"] == "2026-10-23T18:00:00+08:00"


def test_ledger_serials_continue_after_tickets_on_file(office, tmp_path):
    office.intake("--type", "query", "--unit", "3-2-1502", "--summary", "水费", "--at", "2026-11-02 10:00")
    path = write_csv(tmp_path / "l.csv", [["date", "type", "unit", "summary"],
                                           ["2026-11-01 08:00", "query", "5-1-301", "早一天的登记"]])
    result = json.loads(office.run("import", "tickets", path, "--format", "json").stdout)
    assert [t["id"] for t in result["tickets"]] == ["202611-A002"]


def test_ticket_export_reads_back_into_another_office(office, tmp_path):
    rows, _ = ledger_rows()
    office.run("import", "tickets", write_csv(tmp_path / "ledger.csv", [LEDGER_HEAD, *rows]), user="zhao")
    owners, tickets = tmp_path / "owners.xlsx", tmp_path / "tickets.xlsx"
    office.run("export", "customers", "-o", owners, "--reveal", user="zhao")
    office.run("export", "tickets", "-o", tickets)
    sheet = read_xlsx(tickets)
    assert "姓名" not in sheet[0] and "电话" not in sheet[0] and len(sheet) == 25

    other = fresh_office(tmp_path / "other")
    other.run("import", "customers", owners)
    other.run("import", "tickets", tickets)
    strip = lambda t: {k: t[k] for k in ("id", "type", "status", "unit", "customer", "received_at", "department")}  # noqa: E731
    assert [strip(t) for t in other.json("list")] == [strip(t) for t in office.json("list")]


def test_help_of_the_new_commands_has_examples(office):
    for args in (["import", "customers"], ["import", "tickets"], ["export", "customers"], ["export", "tickets"]):
        assert "Examples:" in office.run(*args, "--help").stdout


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings_are_detected(office, tmp_path, encoding):
    path = write_csv(tmp_path / "r.csv", [["姓名", "电话", "房号"], ["冯宝宝", "13100000002", "7-1-101"]], encoding)
    office.run("import", "customers", path)
    assert customers(office)[-1]["name"] == "冯宝宝"
