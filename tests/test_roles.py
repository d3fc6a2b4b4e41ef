"""Roles that match the office: a technician (维修人员) works their own department's work orders
and nothing at the desk, each role's rights are one table (core.roles), and the README's table
is written from it."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import edit
from svcctl.core import roles
from svcctl.core.events import commands
from svcctl.present.role_table import markdown

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture
def shop(office):
    """The sample office with 周师傅 re-added as a technician of 维修部 (zhou2) and a repair
    dispatched to him, a cleaning job dispatched to 保洁部, and a complaint closed at the desk."""
    office.run("staff", "add", "shifu", "--name", "周师傅", "--role", "technician", "--department", "维修部",
               user="wang")
    repair = office.intake("--type", "repair", "--category", "other", "--customer", "C-A001", "--summary", "水龙头漏",
                           "--at", "2026-11-20 08:00")
    office.run("dispatch", repair, "--to", "维修部", "--assignee", "shifu", "--at", "2026-11-20 08:05")
    cleaning = office.intake("--type", "repair", "--category", "other", "--customer", "C-A002", "--summary", "楼道脏",
                             "--at", "2026-11-20 08:10")
    office.run("dispatch", cleaning, "--to", "保洁部", "--at", "2026-11-20 08:12")
    return office, repair, cleaning


def one_refusal(result, *words):
    assert result.exit_code == 3, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def test_a_technician_works_their_departments_work_order(shop):
    office, repair, _ = shop
    office.run("arrive", repair, "--at", "2026-11-20 08:40", user="shifu")
    office.run("pause", repair, "--reason", "等配件", "--at", "2026-11-20 08:50", user="shifu")
    office.run("resume", repair, "--at", "2026-11-20 09:00", user="shifu")
    office.run("close", repair, "--result", "更换阀芯", "--at", "2026-11-20 09:20", user="shifu")
    printed = office.run("print", "workorder", repair, user="shifu")
    assert repair in printed.stdout
    history = office.json("show", repair)
    assert [e["by"] for e in history["events"] if e["event"] in ("arrive", "pause", "resume", "close")] == ["shifu"] * 4


def test_a_technician_is_refused_the_desk_and_other_departments(shop):
    office, repair, cleaning = shop
    commits = office.commits()
    line = one_refusal(office.run("intake", "--type", "consultation", "--customer", "C-A001", "--summary", "物业费",
                                  user="shifu", ok=False), "svcctl intake", "li (李娜)", "zhao (赵强)")
    assert "shifu" not in line  # names who can, not the one refused
    one_refusal(office.run("arrive", cleaning, "--at", "2026-11-20 08:40", user="shifu", ok=False),
                cleaning, "维修部", "li (李娜)")
    one_refusal(office.run("print", "workorder", cleaning, user="shifu", ok=False), cleaning)
    one_refusal(office.run("escalate", repair, "--to", "zhao", "--note", "x", "--at", "2026-11-20 08:40",
                           user="shifu", ok=False), "svcctl escalate")
    one_refusal(office.run("print", "callbacks", user="shifu", ok=False), "svcctl print callbacks")
    one_refusal(office.run("customer", "add", "--name", "王先生", "--phone", "13700000009", "--unit", "1-1-101",
                           user="shifu", ok=False), "svcctl customer add")
    office.run("close", repair, "--result", "更换阀芯", "--at", "2026-11-20 09:20", user="shifu")
    one_refusal(office.run("callback", repair, "--method", "phone", "--satisfaction", "5", "--note", "满意",
                           "--at", "2026-11-20 09:25", user="shifu", ok=False), "svcctl callback", "li (李娜)")
    assert office.commits() == commits + 1  # only the close was recorded
    # the desk does what the technician may not
    office.run("callback", repair, "--method", "phone", "--satisfaction", "5", "--note", "满意",
               "--at", "2026-11-20 09:25", user="li")


def test_the_refusal_reads_in_chinese(shop):
    office, _, cleaning = shop
    office.lang = None
    line = one_refusal(office.run("arrive", cleaning, "--at", "2026-11-20 08:40", user="shifu", ok=False))
    assert line.startswith("错误") or "不是维修部的工单" in line, line
    assert "维修人员只办理本部门的工单" in line


@pytest.mark.parametrize("word", ["technician", "维修人员", "维修工", "技术员"])
def test_staff_add_takes_the_technician_by_any_of_its_names(office, word):
    office.run("staff", "add", "zhou2", "--name", "周二", "--role", word, "--department", "维修部", user="wang")
    rows = {r["id"]: r for r in office.json("staff", "list")}
    assert rows["zhou2"]["role"] == "technician" and rows["zhou2"]["department"] == "维修部"
    assert rows["zhou2"]["role_zh"] == "维修人员"


def test_a_technician_belongs_to_a_department(office):
    commits = office.commits()
    result = office.run("staff", "add", "zhou2", "--name", "周二", "--role", "technician", user="wang", ok=False)
    assert result.exit_code == 2 and "--department" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert office.commits() == commits
    # nor can a hand edit make one without it: check names the entry
    config = office.root / "svcctl.yaml"
    edit(config, "    role: agent\n    department: 维修部\n", "    role: technician\n")
    checked = office.run("check", ok=False)
    assert checked.exit_code == 1 and "a technician belongs to a department" in checked.stdout


def test_the_service_centre_is_a_department(office):
    office.run("staff", "add", "wu", "--name", "吴敏", "--role", "agent", "--department", "客服中心", user="wang")
    rows = {r["id"]: r for r in office.json("staff", "list")}
    assert rows["wu"]["department"] == "客服中心"
    assert office.run("check").exit_code == 0
    office.run("staff", "add", "he", "--name", "何静", "--role", "agent", "--department", "客服中心", user="wang")
    assert "客服中心" in (office.root / "svcctl.yaml").read_text(encoding="utf-8")


def test_an_agent_with_a_department_stays_an_agent_and_check_suggests_the_technician(office):
    # zhou is an agent of 维修部 in the sample office, as an older svcctl had to make him
    tid = office.intake("--type", "consultation", "--customer", "C-A001", "--summary", "物业费", "--answer", "已告知",
                        user="zhou")
    assert tid
    checked = office.run("check")
    warnings = [line for line in checked.stderr.splitlines() if "zhou is an agent in 维修部" in line]
    assert len(warnings) == 1 and "technician" in warnings[0] and warnings[0].startswith("warning: ")
    # once made a technician, the intake he took as an agent is still a possible history
    config = office.root / "svcctl.yaml"
    edit(config, "    role: agent\n    department: 维修部\n", "    role: technician\n    department: 维修部\n")
    checked = office.run("check")
    assert "zhou is an agent" not in checked.stderr
    office.run("commit", "-m", "周师傅为维修人员", user="wang")


def test_every_command_of_an_event_kind_is_in_the_table():
    assert set(commands()) <= set(roles.ACTIONS)
    for role in roles.ROLES.values():
        assert set(role.may) <= set(roles.ACTIONS)
        assert set(role.may.values()) <= {roles.ANY, roles.DEPARTMENT}


def test_the_readme_table_is_the_roles_data():
    table = markdown()
    assert table in README.read_text(encoding="utf-8"), "paste present/role_table.markdown() into the README"
    technician = next(line for line in table.splitlines() if line.startswith("| `svcctl arrive`"))
    assert technician.split(" | ")[2] == "own department's work orders"


def test_the_callback_listing_needs_no_one_acting_as_cron_runs_it(office):
    """cron runs 'callbacks --due' with nobody at the keyboard: the listing is masked for
    everyone, so it asks for no one; the printed list with the numbers to ring does."""
    nobody = {"SVCCTL_USER": None}
    listed = office.run("callbacks", "--due", extra_env=nobody)
    assert listed.exit_code == 0, listed.stderr
    printed = office.fails("print", "callbacks", extra_env=nobody)
    assert printed.exit_code != 0 and "--as" in printed.stderr
