"""Three ways the records could say more than they should: phone searches that spell out a
masked number, Markdown reports that carry markup from svcctl.yaml, and an agent adding a
station to the office's shared svcctl.yaml."""
from __future__ import annotations

import re

import pytest

from conftest import Office, copy_of, edit, git, made_once


def one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def found(office, *args) -> list[str]:
    return [c["id"] for c in office.json("customer", "find", *args)]


# ---------------------------------------------------------------- phone search

@pytest.fixture(scope="module")
def searched(tmp_path_factory) -> Office:
    """The sample office, one for every search below: a search changes nothing in it."""
    return Office(made_once(tmp_path_factory, "searched", lambda office: None)[0])


@pytest.mark.parametrize("fragment", ["3800", "00138", "0013800", "138001380"])
def test_a_middle_fragment_of_a_phone_finds_nobody(searched, fragment):
    # C-A001's number is 13800138000: every fragment above sits inside it
    assert found(searched, "--phone", fragment) == []
    assert found(searched, fragment) == []


@pytest.mark.parametrize("fragment", ["0", "13", "380", "138-x", "80 0"])
def test_a_phone_search_that_is_neither_a_whole_number_nor_its_last_four_digits_is_refused(searched, fragment):
    result = searched.fails("customer", "find", "--phone", fragment)
    assert result.exit_code == 2
    line = one_line(result)
    assert "neither a full number nor its last four digits" in line and "e.g. 13800138000 or 8000" in line


def test_the_hidden_digits_cannot_be_read_off_one_question_at_a_time(searched):
    """What the review did: grow a fragment digit by digit, keeping the one that matched."""
    known = "138"  # a masked number shows 138****8000
    for _ in range(4):
        grown = [known + d for d in "0123456789" if _found_or_refused(searched, known + d)]
        assert grown == []
        known += "0"  # the attacker cannot tell which digit was right; take any
    assert found(searched, "--phone", "8000") == ["C-A001"]


def _found_or_refused(office, fragment) -> bool:
    result = office.run("customer", "find", "--phone", fragment, "--format", "json", ok=False)
    return result.exit_code == 0 and "C-A001" in result.stdout


def test_the_last_four_digits_or_the_full_number_find_the_customer(searched):
    assert found(searched, "--phone", "8000") == ["C-A001"]
    assert found(searched, "--phone", "0001") == ["C-A002"]
    for full in ("13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000"):
        assert found(searched, "--phone", full) == ["C-A001"], full
    assert found(searched, "13800138000") == ["C-A001"]  # the free-text search too
    assert found(searched, "--phone", "13800138001") == []


def test_a_search_without_digits_says_what_it_takes(searched):
    line = one_line(searched.fails("customer", "find", "--phone", "abc"))
    assert "has no digits" in line and "last four digits" in line


# ---------------------------------------------------------------- Markdown reports

SCRIPT = "<script>alert(1)</script>"
DEPARTMENT = "<iframe src=//evil>|维修|部"


def _hostile(office) -> None:
    config = office.root / "svcctl.yaml"
    edit(config, "name: 翠苑物业管理处", f"name: '{SCRIPT}'")
    edit(config, "  - 维修部\n", f"  - 维修部\n  - '{DEPARTMENT}'\n")
    office.run("commit", "-m", "hostile names", user="wang", now="2026-10-01 08:00")
    tid = office.intake("--type", "repair", "--unit", "3-2-1502", "--summary", "漏水 | <b>急</b>",
                        "--at", "2026-11-03 09:00", now="2026-11-03 09:00")
    office.run("dispatch", tid, "--to", DEPARTMENT, "--at", "2026-11-03 09:05", now="2026-11-03 09:05")
    office.run("close", tid, "--result", "已修", "--at", "2026-11-03 12:00", now="2026-11-03 12:00")


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory):
    return made_once(tmp_path_factory, "hostile", _hostile)


@pytest.fixture
def hostile_office(hostile_template, tmp_path):
    """svcctl.yaml as a hostile PC could push it: markup in the office and a department name."""
    return copy_of(hostile_template, tmp_path)[0]


@pytest.mark.parametrize("report", [("monthly", "--month", "2026-11"), ("weekly", "--week", "2026-W45"),
                                    ("complaints", "--month", "2026-11")])
def test_a_markdown_report_carries_no_markup_from_the_records(hostile_office, report):
    md = hostile_office.run("report", *report, "--format", "markdown", now="2026-12-05 10:00").stdout
    assert "<script" not in md.lower() and "<iframe" not in md.lower() and "<b>" not in md
    assert md.startswith("# &lt;script&gt;alert(1)&lt;/script&gt;")
    # every row of every table has as many cells as its header: no | in a name split one
    for table in re.findall(r"(?:^\|.*\n)+", md, re.M):
        rows = table.splitlines()
        cells = [len(re.split(r"(?<!\\)\|", row)) for row in rows]
        assert len(set(cells)) == 1, table


def test_a_department_with_a_bar_stays_one_cell(hostile_office):
    md = hostile_office.run("report", "monthly", "--month", "2026-11", "--format", "markdown",
                            now="2026-12-05 10:00").stdout
    assert "&lt;iframe src=//evil&gt;\\|维修\\|部" in md


def test_markdown_text_keeps_a_cell_on_one_line():
    from svcctl.present.report_text import markdown_text

    assert markdown_text("a\nb\r\nc") == "a b  c"
    assert markdown_text("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))"
    assert markdown_text("A&B \\") == "A&amp;B \\\\"


# ---------------------------------------------------------------- stations

def test_an_agent_cannot_add_a_station(office):
    config = office.root / "svcctl.yaml"
    before = (git(office.root, "rev-parse", "HEAD"), config.read_bytes(),
              git(office.root, "config", "--get", "svcctl.station"))
    result = office.fails("setup", "--station", "C", "--switch", user="li")
    line = one_line(result)
    assert "station C is not on file yet" in line and "supervisor or director" in line and "wang (王主任)" in line
    after = (git(office.root, "rev-parse", "HEAD"), config.read_bytes(),
             git(office.root, "config", "--get", "svcctl.station"))
    assert after == before
    assert git(office.root, "status", "--porcelain", "--untracked-files=all") == ""


def test_a_supervisor_adds_a_station(office):
    out = office.run("setup", "--station", "C", "--switch", user="zhao").stdout
    assert "station C registered" in out
    assert "C:" in (office.root / "svcctl.yaml").read_text(encoding="utf-8")
    assert git(office.root, "log", "-1", "--format=%an %s").strip() == "赵强 登记站点 C"
    assert git(office.root, "config", "--get", "svcctl.station").strip() == "C"


def test_an_agent_sets_up_a_pc_whose_station_is_on_file(office, tmp_path):
    other_root = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(office.root), str(other_root))
    other = type(office)(other_root)
    assert "already on file" in other.run("setup", "--station", "A", "--reuse", user="li").stdout
    assert git(other_root, "config", "--get", "svcctl.station").strip() == "A"


def test_an_agent_who_promotes_themself_by_hand_is_still_refused(office):
    """Seniority is read from the committed roster, not from an edited svcctl.yaml."""
    config = office.root / "svcctl.yaml"
    edit(config, "    name: 李娜\n    role: agent\n", "    name: 李娜\n    role: director\n")
    assert office.json("staff", "list")[2] == {"id": "li", "name": "李娜", "role": "director", "role_zh": "主任",
                                               "department": ""}
    head = git(office.root, "rev-parse", "HEAD")
    assert "station C is not on file yet" in one_line(office.fails("setup", "--station", "C", "--switch", user="li"))
    assert git(office.root, "rev-parse", "HEAD") == head


def test_an_agent_cannot_clone_as_a_new_station(office, tmp_path):
    bare = tmp_path / "records.git"
    git(tmp_path, "clone", "-q", "--bare", str(office.root), str(bare))
    result = office.fails("clone", bare, tmp_path / "pc-c", "--station", "C", user="li")
    assert "station C is not on file yet" in one_line(result)
    assert not (tmp_path / "pc-c").exists()
    assert git(bare, "rev-parse", "HEAD") == git(office.root, "rev-parse", "HEAD")
    assert "station C registered" in office.run("clone", bare, tmp_path / "pc-c", "--station", "C", user="wang").stdout


def test_an_agent_who_promotes_themself_by_hand_cannot_add_staff(office):
    edit(office.root / "svcctl.yaml", "    name: 李娜\n    role: agent\n", "    name: 李娜\n    role: director\n")
    head = git(office.root, "rev-parse", "HEAD")
    result = office.fails("staff", "add", "qian", "--name", "钱", "--role", "director", user="li")
    assert "adding staff needs a supervisor or director" in one_line(result)
    assert git(office.root, "rev-parse", "HEAD") == head
