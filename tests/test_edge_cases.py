"""What a clerk meets at the edges: odd input, hand edits, estates, templates, authority."""
from __future__ import annotations

import pytest
import yaml

from conftest import git, make_office


def one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_click_usage_errors_are_one_line(office):
    cases = [
        (("intake", "--type", "query", "--unit", "3-2-1502"), "Missing option '--summary'"),
        (("list", "--format", "xml"), "Invalid value for '--format'"),
        (("close", "202611-A001", "--result", "x", "--fee", "-5"), "Invalid value for '--fee'"),
        (("callback", "202611-A001", "--method", "phone", "--satisfaction", "x", "--note", "n"), "satisfaction 'x': give 1 to 5"),
        (("frobnicate",), "No such command 'frobnicate'"),
    ]
    for args, expected in cases:
        result = office.fails(*args)
        assert result.exit_code == 2
        line = one_line(result)
        assert line.startswith("svcctl: ") and expected in line, line


def test_times_are_read_only_in_explicit_forms(office):
    commits = office.commits()
    for text in ("0930", "1", "monday", "2026-13-01", "11/31", "20/11"):
        result = office.fails("intake", "--type", "query", "--unit", "3-2-1502", "--summary", "x", "--at", text)
        assert result.exit_code == 2 and "cannot read time" in one_line(result), text
    assert office.commits() == commits
    tid = office.intake("--type", "query", "--unit", "3-2-1502", "--summary", "x", "--at", "2026年11月19日 10:00")
    assert office.json("show", tid)["received_at"] == "2026-11-19T10:00:00+08:00"
    tid = office.intake("--type", "query", "--unit", "3-2-1502", "--summary", "y", "--at", "09:05")
    assert office.json("show", tid)["received_at"] == "2026-11-20T09:05:00+08:00"


def test_a_unit_without_its_estate_is_the_same_flat(office):
    cid = office.run("customer", "add", "--name", "王海", "--phone", "13700000002", "--unit", "翠苑/1-1-101").stdout.strip()
    tid = office.intake("--type", "query", "--unit", "1-1-101", "--summary", "水费")
    assert office.json("show", tid)["unit"] == "翠苑/1-1-101"
    assert [r["id"] for r in office.json("list", "--unit", "1-1-101")] == [tid]
    clash = office.fails("customer", "add", "--name", "租客", "--phone", "13300000000", "--unit", "1-1-101")
    assert "unit 翠苑/1-1-101 is already on file for " + cid in one_line(clash)
    office.run("customer", "edit", cid, "--add-unit", "翠苑/1-1-102", "--remove-unit", "1-1-101")
    assert yaml.safe_load((office.root / f"customers/{cid}.yaml").read_text())["units"] == ["翠苑/1-1-102"]


def test_a_broken_office_template_does_not_lose_the_intake(office):
    """The ticket is recorded first; a confirmation the office's template cannot give is
    svcctl's own, with one line saying why, so the clerk never enters the call twice."""
    (office.root / "templates/zh").mkdir(parents=True)
    (office.root / "templates/zh/confirmation.txt").write_text("您的{{ kind }}已记录，\n{{ datum }}前答复。\n", encoding="utf-8")
    commits = office.commits()
    result = office.run("intake", "--type", "query", "--unit", "3-2-1502", "--summary", "水费", "--lang", "zh")
    line = one_line(result)
    assert "templates/zh/confirmation.txt:2" in line and "datum" in line and "202611-A001" in line
    assert result.stdout.splitlines() == ["202611-A001", "您的查询内容我已详细记录，我们会尽快处理，并在11月20日（星期五）09:45前将处理结果答复给您。"]
    assert office.commits() == commits + 1
    assert git(office.root, "status", "--porcelain", "--untracked-files=all") == "?? templates/zh/confirmation.txt\n"
    assert not (office.root / ".git" / "svcctl-journal.json").exists()
    (office.root / "templates/zh/confirmation.txt").write_text("您的{{ kind }}已记录，{{ date }}前答复。\n", encoding="utf-8")
    out = office.run("intake", "--type", "query", "--unit", "3-2-1502", "--summary", "电费", "--lang", "zh").stdout.splitlines()
    assert out == ["202611-A002", "您的查询已记录，11月20日（星期五）09:45前答复。"]


def test_a_refused_setup_leaves_the_clone_as_it_was(office):
    result = office.fails("setup", "--station", "D", user="nobody")
    assert "unknown staff id 'nobody'" in one_line(result)
    assert git(office.root, "config", "--get", "svcctl.station").strip() == "A"


def test_init_inside_a_clone_keeps_its_station(office):
    refused = office.fails("init", office.root / "branch", "--name", "分部", "--code", "FB", "--director", "wang",
                           "--station", "B", "--inside-repo")
    assert "station A" in one_line(refused) and git(office.root, "config", "--get", "svcctl.station").strip() == "A"
    office.run("init", office.root / "branch", "--name", "分部", "--code", "FB", "--director", "wang", "--inside-repo")
    assert git(office.root, "config", "--get", "svcctl.station").strip() == "A"


def test_unsigned_is_recorded_and_differs_from_not_stated(office):
    tid = office.intake("--type", "repair", "--unit", "3-2-1502", "--summary", "灯坏了", "--at", "2026-11-20 09:00")
    office.run("dispatch", tid, "--to", "维修部", "--at", "2026-11-20 09:02")
    office.run("close", tid, "--result", "换灯泡", "--unsigned", "--at", "2026-11-20 09:20")
    close = office.json("show", tid)["events"][-1]
    assert close["event"] == "close" and close["signed"] is False


def test_until_a_bare_date_takes_in_that_whole_day(office):
    tid = office.intake("--type", "query", "--unit", "3-2-1502", "--summary", "水费", "--at", "2026-11-19 15:00")
    assert [r["id"] for r in office.json("list", "--until", "2026-11-19")] == [tid]
    assert office.json("list", "--until", "2026-11-18") == []


def test_find_by_phone_needs_digits(office):
    assert "has no digits" in one_line(office.fails("customer", "find", "--phone", "abc"))


def test_staff_refusal_names_who_can(office):
    line = one_line(office.fails("staff", "add", "sun", "--name", "孙丽", "--role", "agent"))
    assert "wang (王主任)" in line and "zhao (赵强)" in line


def test_commit_subjects_are_one_line_with_phones_masked(office):
    bad = office.fails("intake", "--type", "query", "--unit", "3-2-1502", "--summary", "第一行\n第二行")
    assert bad.exit_code == 2 and "--detail" in one_line(bad)
    tid = office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502",
                        "--summary", "邻居13912345678噪音")
    office.run("reply", tid, "--note", "已回电 13800138000，明天上门")
    subjects = git(office.root, "log", "-2", "--format=%s").splitlines()
    assert subjects == [f"答复 {tid} 投诉 3-2-1502：已回电 138****8000，明天上门",
                        f"受理 {tid} 投诉 3-2-1502：邻居139****5678噪音"]


def test_a_temporary_measure_keeps_the_ticket_open(office):
    tid = office.intake("--type", "repair", "--category", "leak", "--unit", "3-2-1502", "--summary", "渗水",
                        "--at", "2026-11-20 08:00")
    office.run("dispatch", tid, "--to", "维修部", "--at", "2026-11-20 08:03")
    office.run("close", tid, "--result", "临时封堵", "--temporary", "--at", "2026-11-20 09:00")
    assert office.json("show", tid)["status"] == "dispatched"
    assert "follows the close" in one_line(office.fails("callback", tid, "--method", "phone", "--satisfaction", "5",
                                                        "--note", "n"))
    office.run("close", tid, "--result", "防水层重做", "--leak-test-at", "2026-11-20 09:20", "--at", "2026-11-20 09:25")
    office.run("callback", tid, "--method", "电话", "--satisfaction", "5", "--note", "满意", "--at", "2026-11-20 09:29")
    ticket = office.json("show", tid)
    assert ticket["status"] == "done" and ticket["events"][-1]["method"] == "phone"


def test_dispatch_marked_emergency_starts_the_arrival_clock(office):
    tid = office.intake("--type", "repair", "--category", "safety", "--unit", "3-2-1502", "--summary", "消防栓漏水",
                        "--at", "2026-11-20 08:00")
    assert "arrival" not in {d["name"] for d in office.json("show", tid)["deadlines"]}
    office.run("dispatch", tid, "--to", "维修部", "--emergency", "--at", "2026-11-20 09:00")
    arrival = [d for d in office.json("show", tid)["deadlines"] if d["name"] == "arrival"][0]
    assert (arrival["due"], arrival["state"]) == ("2026-11-20T09:15:00+08:00", "missed")


def test_commit_records_hand_edits_of_the_office_file(office):
    config = office.root / "svcctl.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - 工程部\n", "  - 工程部\n  - 绿化养护部\n"),
                      encoding="utf-8")
    out = office.run("commit", "-m", "增加绿化养护部", user="wang").stdout
    assert out.strip() == "recorded svcctl.yaml"
    assert git(office.root, "log", "-1", "--format=%an|%s").strip() == "王主任|手工修改 svcctl.yaml：增加绿化养护部"
    assert git(office.root, "status", "--porcelain") == ""
    assert "nothing to record" in one_line(office.fails("commit", "-m", "again", user="wang"))


def test_commit_refuses_ticket_edits_and_broken_records(office):
    tid = office.intake("--type", "query", "--unit", "3-2-1502", "--summary", "水费")
    ticket = office.root / f"tickets/2026/11/{tid}.yaml"
    ticket.write_text(ticket.read_text(encoding="utf-8").replace("水费", "电费"), encoding="utf-8")
    assert "tickets change only through svcctl commands" in one_line(office.fails("commit", "-m", "x", user="wang"))
    git(office.root, "checkout", "--", ".")
    config = office.root / "svcctl.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("role: agent", "role: intern", 1), encoding="utf-8")
    commits = office.commits()
    assert "svcctl.yaml:21: 'role' is 'intern'" in one_line(office.fails("commit", "-m", "x", user="wang"))
    assert office.commits() == commits


def test_a_new_office_code_must_be_short_letters_and_digits(tmp_path):
    from click.testing import CliRunner

    from svcctl.cli.main import cli

    result = CliRunner().invoke(cli, ["init", str(tmp_path / "o"), "--name", "X", "--code", "C Y!", "--director", "wang"])
    assert result.exit_code == 2 and "管理处代码 'C Y!'" in result.stderr
    assert not (tmp_path / "o" / "svcctl.yaml").exists()
    assert make_office(tmp_path / "ok").root.is_dir()


def test_global_options_may_follow_the_command(office, tmp_path):
    from click.testing import CliRunner

    from svcctl.cli.main import cli

    result = CliRunner().invoke(cli, ["intake", "--type", "query", "--unit", "3-2-1502", "--summary", "水费",
                                      "--as", "zhou", "--records", str(office.root)],
                                env={"SVCCTL_NOW": office.now})
    assert result.exit_code == 0, result.stderr
    assert git(office.root, "log", "-1", "--format=%an").strip() == "周师傅"
    listed = CliRunner().invoke(cli, ["customer", "list", "--records", str(office.root), "--format", "json"])
    assert listed.exit_code == 0 and "C-A002" in listed.stdout


def test_a_fee_that_is_not_a_number_is_refused_before_anything_is_written(office):
    tid = office.intake("--type", "paid", "--unit", "3-2-1502", "--summary", "疏通下水道", "--at", "2026-11-20 08:00")
    commits = office.commits()
    for fee in ("nan", "inf", "1e309"):
        result = office.fails("close", tid, "--result", "已疏通", "--fee", fee, "--receipt", "R1")
        assert result.exit_code == 2 and "--fee" in one_line(result), fee
    assert office.commits() == commits
    assert office.run("list").exit_code == 0


def test_setup_refuses_a_station_another_pc_uses_unless_told_it_is_this_pc(office):
    git(office.root, "config", "--unset", "svcctl.station")  # as after a plain 'git clone'
    refused = office.fails("setup", "--station", "A", user="wang")
    assert refused.exit_code == 3 and "--reuse" in one_line(refused)
    assert git(office.root, "config", "--get", "svcctl.station", check=False).strip() == ""
    assert "already on file" in office.run("setup", "--station", "A", "--reuse", user="wang").stdout


def test_only_a_supervisor_or_director_records_roster_and_policy_edits(office):
    config = office.root / "svcctl.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - id: li\n    name: 李娜\n    role: agent", "  - id: li\n    name: 李娜\n    role: director"), encoding="utf-8")
    commits = office.commits()
    refused = office.fails("commit", "-m", "升职", user="li")
    assert refused.exit_code == 3 and "wang (王主任)" in one_line(refused)
    assert office.commits() == commits


def test_impossible_offsets_and_endless_lengths_are_usage_errors(office):
    for args in (("list", "--since", "2026-11-20T09:30+25:00"), ("overdue", "--within", "99999999999d"), ("overdue", "--within", ""),
                 ("list", "--since", "2026-11-20T09:30+08:99")):
        result = office.fails(*args)
        assert result.exit_code == 2 and "internal error" not in one_line(result), args
    tid = office.intake("--type", "query", "--unit", "3-2-1502", "--summary", "水费", "--answer", "86元")
    result = office.fails("reopen", tid, "--note", "再问", "--within", "9999999999999 minutes")
    assert result.exit_code == 2 and "longer than a year" in one_line(result)


def test_check_names_a_time_from_a_far_year(office):
    tid = office.intake("--type", "query", "--unit", "3-2-1502", "--summary", "水费")
    ticket = office.root / f"tickets/2026/11/{tid}.yaml"
    ticket.write_text(ticket.read_text(encoding="utf-8").replace("received_at: 2026-11-20T09:30:00+08:00",
                                                                 "received_at: 0001-01-01T00:00:00+08:00"), encoding="utf-8")
    out = office.fails("check").stdout
    assert f"{tid}.yaml:7: 'received_at' '0001-01-01T00:00:00+08:00' is outside the years 2000-2100" in out
    assert office.fails("list").exit_code == 5


def test_check_warns_late_in_december_when_next_year_has_no_schedule(office):
    result = office.run("check", now="2026-12-28 10:00")
    assert "no published holiday schedule (调休) for 2027" in result.stdout and result.exit_code == 0
    assert "2027" not in office.run("check", now="2026-11-20 10:00").stdout


def test_phone_numbers_typed_into_text_are_masked_in_listings_unless_revealed(office):
    tid = office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502",
                        "--summary", "邻居回电138-0013-8000", "--at", "2026-11-20 08:00")
    office.run("reply", tid, "--note", "已联系 +86 139 1234 5678")
    shown = office.run("show", tid, user="zhou").stdout  # not zhou's to call: masked
    assert "138****8000" in shown and "139****5678" in shown and "0013" not in shown and "1234 5678" not in shown
    for args in (("list", "--format", "json"), ("list", "--format", "csv"), ("overdue", "--now", "2026-11-25 10:00", "--format", "json")):
        out = office.run(*args, ok=False).stdout
        assert "138****8000" in out and "0013" not in out, args
    revealed = office.json("show", tid, "--reveal", user="zhao")
    assert revealed["summary"] == "邻居回电138-0013-8000"
    assert "+86 139 1234 5678" in revealed["events"][-1]["note"]


@pytest.mark.parametrize("value", ["abc", "-1", "nan", "86401"])
def test_a_lock_timeout_that_is_no_number_of_seconds_is_refused_in_one_line(office, value):
    result = office.fails("customer", "add", "--name", "林", "--phone", "13900000009", "--unit", "1-1-101",
                          extra_env={"SVCCTL_LOCK_TIMEOUT": value})
    assert result.exit_code == 7
    assert one_line(result) == f"svcctl: SVCCTL_LOCK_TIMEOUT={value!r} is not a number of seconds from 0 to 86400: " \
                               "fix or unset the variable"
