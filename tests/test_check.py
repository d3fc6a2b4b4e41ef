"""`svcctl check` names the file and line of every hand-made defect; other commands refuse to guess."""
from __future__ import annotations

import json

import pytest

from conftest import edit, line_of


@pytest.fixture
def ticket(office):
    tid = office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502", "--summary", "电梯噪音",
                        "--at", "2026-11-20 09:00")
    office.run("reply", tid, "--note", "已联系", "--at", "2026-11-20 09:20")
    return office.root / "tickets/2026/11" / f"{tid}.yaml"


def test_clean_records_pass(office, ticket):
    result = office.run("check")
    assert result.exit_code == 0 and result.stdout.strip() == "all records are valid"


@pytest.mark.parametrize("old, new, needle, message", [
    ("type: complaint", "type: complain", "type: complain", "'type' is 'complain'"),
    ("grade: general", "grade: general\ngrade: simple", "grade: simple", "duplicate key 'grade'"),
    ("  - at: 2026-11-20T09:20:00+08:00", "  - at: 2026-11-20 9h20", "9h20", "not an ISO 8601 time"),
    ("  - at: 2026-11-20T09:20:00+08:00", "  - at: 2026-11-20T08:00:00+08:00", "T08:00", "earlier than the one before"),
    ("customer: C-A001", "customer: C-A077", "C-A077", "customer 'C-A077' has no file"),
    ("    by: li\n  - at", "    by: ghost\n  - at", "by: ghost", "staff 'ghost' is not on the roster"),
    ("unit: 3-2-1502", "unit: 3栋2单元", "unit: 3栋", "not written canonically"),
    ("first_responder: li\n", "first_responder: li\ncolour: red\n", "colour", "unknown field 'colour'"),
])
def test_broken_ticket_reported_with_path_and_line(office, ticket, old, new, needle, message):
    edit(ticket, old, new)
    result = office.fails("check")
    assert result.exit_code == 1
    problems = [line for line in result.stdout.splitlines() if message in line]
    assert problems, result.stdout
    path, line, _ = problems[0].split(":", 2)
    assert path.endswith("tickets/2026/11/202611-A001.yaml")
    assert int(line) == line_of(ticket, needle)
    data = json.loads(office.run("check", "--format", "json", ok=False).stdout)
    assert any(message in p["message"] and p["line"] == line_of(ticket, needle) and p["severity"] == "error" for p in data)


def test_yaml_syntax_error_names_the_line_and_the_opener(office, ticket):
    edit(ticket, "summary: 电梯噪音", "summary: [电梯噪音")
    out = office.fails("check").stdout.strip()
    opener = line_of(ticket, "summary: [")
    # YAML finds the missing ']' on the next line; the message names the line of the '['.
    assert out.endswith(f"202611-A001.yaml:{opener}: YAML syntax: did not find expected ',' or ']' "
                        "(while parsing a flow sequence)")


def test_conflict_markers_left_in_a_file_are_reported(office, ticket):
    edit(ticket, "summary: 电梯噪音\n", "<<<<<<< ours\nsummary: 电梯噪音\n=======\nsummary: 噪音\n>>>>>>> theirs\n")
    out = office.fails("check").stdout
    assert "202611-A001.yaml:" in out and "YAML syntax" in out


def test_id_must_match_the_path(office, ticket):
    moved = ticket.with_name("202611-A009.yaml")
    ticket.rename(moved)
    out = office.fails("check").stdout
    assert "202611-A009.yaml:1: id '202611-A001' does not match the file path" in out


def test_broken_config_and_customer(office, ticket):
    customer = office.root / "customers/C-A002.yaml"
    edit(customer, "units:\n  - 5-1-301", "units:\n  - 5/1/301")
    out = office.fails("check").stdout
    assert f"C-A002.yaml:{line_of(customer, '5/1/301')}: unit '5/1/301' is not written canonically" in out
    config = office.root / "svcctl.yaml"
    edit(config, "role: agent", "role: intern")
    out = office.fails("check").stdout
    assert f"svcctl.yaml:{line_of(config, 'intern')}: 'role' is 'intern'" in out


def test_other_commands_refuse_a_broken_record_and_point_to_check(office, ticket):
    edit(ticket, "type: complaint", "type: complain")
    commits = office.commits()
    for args in (("list",), ("overdue",), ("show", "202611-A001"), ("reply", "202611-A001", "--note", "x")):
        result = office.fails(*args)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and f"202611-A001.yaml:{line_of(ticket, 'type: complain')}: 'type' is 'complain'" in lines[0], (args, lines)
        assert "svcctl check" in lines[0] and "Traceback" not in result.stderr
    assert office.commits() == commits
    # a broken roster stops every command that acts
    edit(office.root / "svcctl.yaml", "role: agent", "role: intern")
    result = office.fails("intake", "--type", "query", "--unit", "5-1-301", "--summary", "x")
    assert "svcctl.yaml" in result.stderr and "run 'svcctl check'" in result.stderr


def test_a_hand_edit_after_a_listing_is_noticed(office, ticket):
    # the first listing fills the read cache; edits of the same length must still be seen
    assert [r["summary"] for r in office.json("list")] == ["电梯噪音"]
    edit(ticket, "summary: 电梯噪音", "summary: 电梯异响")
    assert [r["summary"] for r in office.json("list")] == ["电梯异响"]
    edit(ticket, "type: complaint", "type: complain")
    assert "'type' is 'complain'" in office.fails("list").stderr
