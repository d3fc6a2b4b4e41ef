"""One validation path: what `svcctl check` reports is exactly what every other command
refuses, with the same file and line, and a hand-edited record never crashes a command."""
from __future__ import annotations

import json
import shutil

import pytest

from conftest import Office, copy_of, edit, line_of, made_once


def where(path, needle=None):
    """``path:line`` as svcctl prints it (absolute: the tests run outside the records folder)."""
    label = path.resolve().as_posix()
    return f"{label}:{line_of(path, needle)}" if needle else label


def reported(office, expected):
    """`check` exits 1 and prints ``expected`` as one of its problem lines."""
    result = office.fails("check")
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    assert expected in result.stdout.splitlines(), (expected, result.stdout)
    assert "Traceback" not in result.output and "internal error" not in result.stderr
    return result


def refused(office, args, expected):
    """Any other command stops with exit 5 and one stderr line naming the same place."""
    result = office.fails(*args)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 5, (args, result.exit_code, result.stderr)
    assert len(lines) == 1 and lines[0] == f"svcctl: {expected} (run 'svcctl check' for every problem)", (args, lines)
    return result


def _repair(office):
    """A leak repair with every event field the workflow writes: dispatch (department,
    technician, visit time, urgent), a temporary measure, the real close (leak test, fee,
    receipt, signed), an unresolved callback with its reopen, and an escalation."""
    at = {"now": "2026-11-16 09:00"}
    tid = office.intake("--type", "repair", "--category", "leak", "--unit", "3-2-1502", "--summary", "漏水",
                        "--at", "2026-11-16 09:00", **at)
    office.run("dispatch", tid, "--to", "维修部", "--assignee", "zhou", "--appointment", "2026-11-16 14:00",
               "--emergency", "--at", "2026-11-16 09:02", now="2026-11-16 09:05")
    office.run("close", tid, "--result", "先堵漏", "--temporary", "--signed", "--at", "2026-11-16 15:00",
               now="2026-11-16 15:00")
    office.run("close", tid, "--result", "已修复", "--leak-test-at", "2026-11-17 10:00", "--fee", "50",
               "--receipt", "R1", "--signed", "--at", "2026-11-17 11:00", now="2026-11-17 11:00")
    office.run("callback", tid, "--method", "phone", "--satisfaction", "2", "--note", "仍漏", "--unresolved",
               "--within", "2 workdays", "--at", "2026-11-18 10:00", now="2026-11-18 10:00")
    office.run("escalate", tid, "--to", "zhao", "--note", "返工", "--at", "2026-11-18 10:05", now="2026-11-18 10:05")
    assert office.run("check").stdout.strip() == "all records are valid"
    return tid


def _complaint(office):
    return office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502", "--summary", "电梯噪音",
                         "--at", "2026-11-20 09:00")


# The same starting office serves dozens of cases: each is made once and copied per test.
@pytest.fixture(scope="module")
def repair_template(tmp_path_factory):
    return made_once(tmp_path_factory, "repair", _repair)


@pytest.fixture(scope="module")
def complaint_template(tmp_path_factory):
    return made_once(tmp_path_factory, "complaint", _complaint)


@pytest.fixture
def repaired(repair_template, tmp_path):
    """The office and the file of its repair (see ``_repair``)."""
    office, tid = copy_of(repair_template, tmp_path)
    return office, office.root / "tickets/2026/11" / f"{tid}.yaml"


@pytest.fixture
def complained(complaint_template, tmp_path):
    """The office and the file of its one open complaint."""
    office, tid = copy_of(complaint_template, tmp_path)
    return office, office.root / "tickets/2026/11" / f"{tid}.yaml"


# ---------------------------------------------------------------- 1. one validation path


@pytest.mark.parametrize("record, what, others", [
    ("ticket", "a ticket file", [("list",), ("show", "202611-A001"), ("overdue",)]),
    ("customer", "a customer file", [("customer", "list"), ("customer", "show", "C-A001")]),
    ("svcctl.yaml", "svcctl.yaml", [("list",), ("staff", "list")]),
])
def test_an_empty_record_is_reported_by_check_and_refused_by_every_command(complained, record, what, others):
    office, complaint = complained
    path = {"ticket": complaint, "customer": office.root / "customers/C-A001.yaml",
            "svcctl.yaml": office.root / "svcctl.yaml"}[record]
    path.write_text("", encoding="utf-8")
    expected = f"{where(path)}: {what} must be a mapping of fields, found nothing (the file is empty)"
    reported(office, expected)
    for args in others:
        refused(office, args, expected)


def test_a_ticket_filed_in_the_wrong_folder_is_refused_like_check_reports_it(complained):
    office, complaint = complained
    moved = office.root / "tickets/2026/12" / complaint.name
    moved.parent.mkdir()
    complaint.rename(moved)
    expected = f"{where(moved, 'id:')}: file is in the wrong folder: expected tickets/2026/11/{moved.name}"
    reported(office, expected)
    refused(office, ("list",), expected)


# ---------------------------------------------------------------- 2. what fold, deadlines and workflow read


@pytest.mark.parametrize("old, new, needle, message", [
    ("within: 2 workdays", "within: forever", "within: forever",
     "cannot read the length 'forever': write e.g. '15 minutes', '2h', '3 days', '1 workday', '2 workdays' or 'same day'"),
    ("within: 2 workdays", "within: 9999 days", "within: 9999",
     "the length '9999 days' is longer than a year: write e.g. '15 minutes', '2h', '3 days', "
     "'1 workday', '2 workdays' or 'same day'"),
    ("category: leak\n", "category: leak\nemergency: 'yes'\n", "emergency: 'yes'",
     "'emergency' must be true or false, found 'yes'"),
    ("    emergency: true", "    emergency: 1", "emergency: 1", "'emergency' must be true or false, found 1"),
    ("    signed: true\n    temporary: true", "    signed: signed\n    temporary: true", "signed: signed",
     "'signed' must be true or false, found 'signed'"),
    ("temporary: true", "temporary: 'true'", "temporary: 'true'", "'temporary' must be true or false, found 'true'"),
    ("unresolved: true", "unresolved: 0", "unresolved: 0", "'unresolved' must be true or false, found 0"),
    ("fee: '50.00'", "fee: -5", "fee: -5", "'fee' must be an amount of 0 or more with at most two decimals (e.g. '80.50'), found -5"),
    ("fee: '50.00'", "fee: 五十", "fee: 五十", "'fee' must be an amount of 0 or more with at most two decimals (e.g. '80.50'), found '五十'"),
    ("fee: '50.00'", "fee: 50.005", "fee: 50.005", "'fee' must be an amount of 0 or more with at most two decimals (e.g. '80.50'), found 50.005"),
    ("method: phone", "method: email", "method: email", "'method' is 'email'; allowed: phone, visit"),
    ("satisfaction: 2", "satisfaction: 6", "satisfaction: 6", "satisfaction must be a whole number 1-5"),
    ("to: 维修部", "to: 财务部", "to: 财务部",
     "department '财务部' is not one of the office departments (维修部, 保洁部, 安护部, 绿化部, 工程部)"),
    ("assignee: zhou", "assignee: ghost", "assignee: ghost", "staff 'ghost' is not on the roster"),
    ("to: zhao", "to: ghost", "to: ghost", "staff 'ghost' is not on the roster"),
    ("appointment_at: 2026-11-16T14:00:00+08:00", "appointment_at: 下午两点", "下午两点",
     "'appointment_at' is not an ISO 8601 time with offset: '下午两点'"),
    ("leak_test_at: 2026-11-17T10:00:00+08:00", "leak_test_at: 2026-11-17 10h", "10h",
     "'leak_test_at' is not an ISO 8601 time with offset: '2026-11-17 10h'"),
    ("summary: 漏水\n", "summary: 漏水\nappointment_at: soon\n", "appointment_at: soon",
     "'appointment_at' is not an ISO 8601 time with offset: 'soon'"),
    ("category: leak\n", "category: leak\ngrade: major\n", "grade: major", "'grade' is for complaints only"),
])
def test_a_field_commands_rely_on_is_checked_and_refused_at_its_line(repaired, old, new, needle, message):
    office, repair = repaired
    edit(repair, old, new)
    expected = f"{where(repair, needle)}: {message}"
    reported(office, expected)
    for args in (("overdue",), ("list",), ("show", repair.stem), ("reply", repair.stem, "--note", "x")):
        refused(office, args, expected)


def test_a_category_on_a_complaint_cannot_pick_other_deadlines(complained):
    office, complaint = complained
    # complaint.major rules would apply through 'category: major' if it were read
    edit(complaint, "grade: general\n", "grade: general\ncategory: major\n")
    expected = f"{where(complaint, 'category: major')}: 'category' is for repairs only"
    reported(office, expected)
    refused(office, ("overdue",), expected)


# ---------------------------------------------------------------- 3. svcctl.yaml shapes

CALENDAR = "calendar:\n  holidays: []\n  workdays: []\n"
POLICY = "policy:\n  complaint_scheme: standard\n  deadlines: {}\n"


@pytest.mark.parametrize("old, new, needle, message", [
    (CALENDAR, "calendar: [2026-10-10]\n", "calendar:",
     "'calendar' must be a mapping (holidays, workdays, schedule_years)"),
    (CALENDAR, "calendar:\n  holidays: 2026-10-10\n", "holidays:",
     "'holidays' must be a list of dates like 2026-10-10"),
    (CALENDAR, "calendar:\n  holidays: [2026-10-32]\n", "holidays:", "'2026-10-32' is not a date like 2026-10-10"),
    (CALENDAR, "calendar:\n  holiday: [2026-10-10]\n", "holiday:", "unknown field 'holiday' in 'calendar' (did you mean 'holidays'?)"),
    (CALENDAR, "calendar:\n  schedule_years: [next]\n", "schedule_years", "'next' is not a year like 2027"),
    (POLICY, "policy:\n  deadlines: [1]\n", "deadlines:",
     "'deadlines' must map kinds of ticket (e.g. complaint.general) to deadlines"),
    (POLICY, "policy: [1]\n", "policy:", "'policy' must be a mapping (complaint_scheme, deadlines)"),
    (POLICY, "policy:\n  deadlines:\n    complaint.general:\n      resolve: forever\n", "resolve: forever",
     "cannot read the length 'forever': write e.g. '15 minutes', '2h', '3 days', '1 workday', '2 workdays' or 'same day'"),
    (POLICY, "policy:\n  deadlines:\n    complaint.general: {resolve: {within: 1 day, until: close}}\n",
     "complaint.general", "'until' must list the events that stop the clock (intake, dispatch, arrive, reply, "
     "escalate, pause, resume, close, callback, reopen, cancel, note)"),
    (POLICY, "policy:\n  deadlines:\n    complaint.general:\n      resolve: {within: 1 day, pausable: 'no'}\n",
     "resolve:", "'pausable' must be true or false, found 'no'"),
    (POLICY, "policy:\n  deadlines:\n    complaint.genral:\n      resolve: 1 day\n", "complaint.genral",
     "no ticket is of kind 'complaint.genral' (did you mean 'complaint.general'?): use *, a type (complaint), "
     "complaint.GRADE, repair.CATEGORY or repair.emergency"),
    ("stations:\n  A: first PC\n", "stations: [A]\n", "stations:",
     "'stations' must map station codes to the PC that uses each (A: first PC)"),
    ("departments:\n  - 维修部\n  - 保洁部\n  - 安护部\n  - 绿化部\n  - 工程部\n", "departments: 5\n", "departments: 5",
     "'departments' must be a list of names"),
    ("  - id: wang\n    name: 王主任\n    role: director\n", "  - x\n", "  - x", "a staff entry must be a mapping (id, name, role)"),
    ("office:\n  name: 翠苑物业管理处\n  code: CY\n", "office: 3\n", "office: 3",
     "'office' must be a mapping with the office's name and code"),
    ("code: CY", "code: C Y!", "code:", "office code 'C Y!' must be 1-10 letters or digits"),
    ("code: CY", "code: CUIYUANWUYE1", "code:", "office code 'CUIYUANWUYE1' must be 1-10 letters or digits"),
    ("    department: 维修部\n", "    department: 维修部\n    email: 5\n", "email: 5", "'email' must be text, found 5"),
    ("    department: 维修部\n", "    department: 财务部\n", "财务部", "department '财务部' is not in 'departments'"),
    ("timezone: Asia/Shanghai", "timezone: [8]", "timezone:", "unknown time zone [8]"),
    # a key svcctl does not know, at any depth, is named with the key probably meant
    ("calendar:\n", "calender:\n", "calender:", "unknown field 'calender' in svcctl.yaml (did you mean 'calendar'?)"),
    ("  code: CY\n", "  code: CY\n  nmae: 翠苑\n", "nmae:", "unknown field 'nmae' in 'office' (did you mean 'name'?)"),
    ("    department: 维修部\n", "    departmnet: 维修部\n", "departmnet:",
     "unknown field 'departmnet' in a staff entry (did you mean 'department'?)"),
    ("    role: director\n", "    role: director\n    phone: '13800138000'\n", "phone:",
     "unknown field 'phone' in a staff entry"),
    (POLICY, "policy:\n  deadline: {}\n", "deadline:", "unknown field 'deadline' in 'policy' (did you mean 'deadlines'?)"),
    (POLICY, "policy:\n  deadlines:\n    complaint.general:\n      resolve: {withn: 2 workdays}\n", "resolve:",
     "unknown field 'withn' in deadline 'resolve' (did you mean 'within'?)"),
    ("language: zh\n", "language: fr\n", "language:", "'language' is 'fr'; allowed: zh, en, zh-CN, zh_CN, zh-Hans, en-US, en_US, en-GB"),
])
def test_a_malformed_svcctl_yaml_is_a_problem_with_a_line_never_a_crash(office, old, new, needle, message):
    config = office.root / "svcctl.yaml"
    edit(config, old, new)
    expected = f"{where(config, needle)}: {message}"
    reported(office, expected)
    refused(office, ("list",), expected)
    refused(office, ("intake", "--type", "query", "--unit", "3-2-1502", "--summary", "x"), expected)


def test_a_valid_config_with_every_optional_section_is_accepted(office):
    config = office.root / "svcctl.yaml"
    edit(config, POLICY, "policy:\n  complaint_scheme: alternative\n  deadlines:\n    complaint.major:\n"
                         "      resolve: {within: 7 days, until: [close], pausable: true, source: 办公室规定}\n"
                         "    repair:\n      callback: ~\n")
    edit(config, CALENDAR, "calendar:\n  holidays: [2027-02-08]\n  workdays: []\n  schedule_years: [2027]\n")
    edit(config, "    department: 维修部\n", "    department: 维修部\n    email: zhou@example.com\n")
    assert office.run("check").stdout.strip() == "all records are valid"
    rows = office.json("policy")["deadlines"]
    assert any(r["applies_to"] == "complaint.major" and r["within"] == "7 days" for r in rows)


# ---------------------------------------------------------------- 4. grades of either scheme


def test_switching_the_complaint_scheme_keeps_old_complaints_valid(complained):
    office, complaint = complained
    edit(office.root / "svcctl.yaml", "complaint_scheme: standard", "complaint_scheme: alternative")
    result = office.run("check")
    assert result.stdout.strip() == "all records are valid"
    assert [r["grade"] for r in office.json("list")] == ["general"]
    office.run("reply", complaint.stem, "--note", "已联系")
    # a new complaint follows the new scheme; a grade of neither scheme is still wrong
    edit(complaint, "grade: general", "grade: huge")
    reported(office, f"{where(complaint, 'grade: huge')}: 'grade' is 'huge'; allowed: simple, general, complex, "
                     "minor, important, major")


# ---------------------------------------------------------------- 5. customer files


def test_an_unknown_field_in_a_customer_file_is_reported(office):
    customer = office.root / "customers/C-A001.yaml"
    edit(customer, "name: 陈先生\n", "name: 陈先生\ncolour: red\n")
    expected = f"{where(customer, 'colour')}: unknown field 'colour'"
    reported(office, expected)
    refused(office, ("customer", "show", "C-A001"), expected)


def test_an_unquoted_phone_is_reported_instead_of_crashing_a_search(office):
    customer = office.root / "customers/C-A001.yaml"
    edit(customer, "  - '13800138000'", "  - 13800138000")
    expected = f"{where(customer, '- 13800138000')}: phone 13800138000 is not written as plain digits in quotes ('13800138000')"
    reported(office, expected)
    refused(office, ("customer", "find", "--phone", "8000"), expected)


# ---------------------------------------------------------------- 6. ids typed by people


def test_ids_are_read_in_any_case_and_a_malformed_one_is_a_usage_error(complained):
    office, complaint = complained
    shown = office.json("show", "202611-a001")
    assert shown["id"] == "202611-A001"
    office.run("reply", " 202611-a001 ", "--note", "已联系")
    assert [p.name for p in complaint.parent.iterdir()] == ["202611-A001.yaml"]
    assert [e["event"] for e in office.json("show", "202611-A001")["events"]] == ["intake", "reply"]
    assert office.json("customer", "show", "c-a001")["id"] == "C-A001"
    for args, message in [(("show", "202611-x"), "'202611-x' is not a ticket id: ids look like 202611-A007"),
                          (("customer", "show", "chen"),
                           "'chen' is not a customer id: ids look like C-A001 (see 'svcctl customer find')")]:
        result = office.fails(*args)
        assert (result.exit_code, result.stderr) == (2, f"svcctl: {message}\n")
    result = office.fails("show", "202611-a099")
    assert (result.exit_code, result.stderr) == (4, "svcctl: no ticket 202611-A099: see 'svcctl list'\n")


# ---------------------------------------------------------------- 7. the read cache


def test_reading_commands_work_on_a_records_folder_outside_git(complained, tmp_path):
    office = complained[0]
    copy = tmp_path / "copy"
    shutil.copytree(office.root, copy, ignore=shutil.ignore_patterns(".git"))
    other = Office(copy)
    assert [r["id"] for r in other.json("list")] == ["202611-A001"]
    assert other.json("show", "202611-A001")["status"] == "open"
    assert other.run("check").stdout.strip() == "all records are valid"
    late = other.run("overdue", "--format", "json", now="2026-11-20 12:00", ok=False)
    assert late.exit_code == 1 and [r["deadline"] for r in json.loads(late.stdout)] == ["first_reply"]
    result = other.fails("reply", "202611-A001", "--note", "x")
    assert result.exit_code == 7 and len(result.stderr.splitlines()) == 1
    assert "is not inside a git repository" in result.stderr and "svcctl init" not in result.stderr
    assert not (copy / ".git").exists()


def test_an_indexed_ticket_is_checked_again_when_svcctl_yaml_changes(repaired):
    office, repair = repaired
    assert len(office.json("list")) == 1  # fills the index
    edit(office.root / "svcctl.yaml", "  - id: zhou\n    name: 周师傅\n    role: agent\n    department: 维修部\n", "")
    refused(office, ("list",), f"{where(repair, 'assignee: zhou')}: staff 'zhou' is not on the roster")


def test_a_broken_ticket_is_never_served_from_the_index(complained):
    office, complaint = complained
    assert len(office.json("list")) == 1
    edit(complaint, "channel: phone", "channel: 'fax'")  # the same length: only the stamp tells
    refused(office, ("list",), f"{where(complaint, 'channel:')}: 'channel' is 'fax'; allowed: phone, visit, letter, online")
    refused(office, ("list",), f"{where(complaint, 'channel:')}: 'channel' is 'fax'; allowed: phone, visit, letter, online")


# ---------------------------------------------------------------- 8. the published 调休 schedule


def test_one_office_day_off_does_not_make_a_year_published_but_schedule_years_does(office):
    config = office.root / "svcctl.yaml"
    edit(config, CALENDAR, "calendar:\n  holidays: [2027-02-08]\n  workdays: []\n")
    assert office.json("policy")["schedule_published"] == {"2026": True, "2027": False}
    warned = office.run("check", now="2027-01-05 09:00").stdout
    assert f"{where(config)}: warning: no published holiday schedule (调休) for 2027" in warned
    edit(config, "  workdays: []\n", "  workdays: []\n  schedule_years: [2027]\n")
    assert office.json("policy")["schedule_published"] == {"2026": True, "2027": True}
    assert office.run("check", now="2027-01-05 09:00").stdout.strip() == "all records are valid"
