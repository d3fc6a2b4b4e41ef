"""The foundation: init, staff, customers, intake of every type, reading back, history."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner

from svcctl.cli.main import cli

from conftest import Office, git, make_office


def test_init_creates_a_working_office_with_one_commit(tmp_path):
    office = make_office(tmp_path / "o")
    root = office.root
    assert (root / "svcctl.yaml").is_file() and (root / "customers").is_dir() and (root / "tickets").is_dir()
    assert "merge=svcctl" in (root / ".gitattributes").read_text()
    first = git(root, "log", "--reverse", "--format=%an|%s").splitlines()[0]
    assert first == "王主任|建立办公室 CY：翠苑物业管理处"
    config = yaml.safe_load((root / "svcctl.yaml").read_text())
    assert config["timezone"] == "Asia/Shanghai"
    assert config["departments"] == ["维修部", "保洁部", "安护部", "绿化部", "工程部"]
    assert config["staff"][0] == {"id": "wang", "name": "王主任", "role": "director"}
    assert git(root, "config", "--get", "svcctl.station").strip() == "A"
    assert "merge-driver" in git(root, "config", "--get", "merge.svcctl.driver")


def test_init_twice_refuses_and_changes_nothing(office):
    before = (office.root / "svcctl.yaml").read_bytes()
    commits = office.commits()
    result = office.fails("init", office.root, "--name", "x", "--code", "X", "--director", "boss")
    assert "already" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert (office.root / "svcctl.yaml").read_bytes() == before and office.commits() == commits


def test_init_inside_an_existing_repository(tmp_path):
    top = tmp_path / "project"
    top.mkdir()
    git(top, "init", "-q")
    (top / "other.txt").write_text("staged by hand\n")
    git(top, "add", "other.txt")
    refused = CliRunner().invoke(cli, ["--lang", "en", "init", str(top / "records"), "--name", "X", "--code", "X", "--director", "wang"])
    assert refused.exit_code == 3 and "repository of its own" in refused.stderr and "--inside-repo" in refused.stderr
    assert not (top / "records").exists() and git(top, "rev-list", "--all") == ""
    office = make_office(top / "records", "A", "--inside-repo")
    # svcctl's commits touch only its own paths: the hand-staged file stays staged, uncommitted.
    assert "other.txt" not in git(top, "log", "--name-only", "--format=")
    assert git(top, "diff", "--cached", "--name-only").split() == ["other.txt"]
    assert office.intake("--type", "query", "--unit", "3-2-1502", "--summary", "水费") == "202611-A001"


def test_records_folder_found_by_walking_up(office, monkeypatch):
    from click.testing import CliRunner

    from svcctl.cli.main import cli

    monkeypatch.chdir(office.root / "tickets")
    result = CliRunner().invoke(cli, ["staff", "list", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert [s["id"] for s in json.loads(result.stdout)] == ["wang", "zhao", "li", "zhou"]


def test_no_records_folder_is_one_clear_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from svcctl.cli.main import cli

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["list", "--lang", "en"])
    assert result.exit_code != 0
    assert result.stderr.strip().splitlines() == [
        "svcctl: no records folder here or above: pass --records DIR, set SVCCTL_RECORDS, or create one with 'svcctl init DIR'"]
    # in Chinese (no office to say otherwise) as one line too
    assert CliRunner().invoke(cli, ["list"]).stderr.splitlines() == [
        "svcctl: 当前目录及上级目录中没有记录文件夹：请加上 --records 目录、设置 SVCCTL_RECORDS，或用 'svcctl init 目录' 新建"]


def test_staff_roles_and_authority(office):
    office.run("staff", "add", "sun", "--name", "孙丽", "--role", "客服专员", "--department", "保洁部", user="zhao")
    roster = office.json("staff", "list")
    assert {"id": "sun", "name": "孙丽", "role": "agent", "role_zh": "客服专员", "department": "保洁部"} in roster
    assert "supervisor or director" in office.fails("staff", "add", "x", "--name", "X", "--role", "agent").stderr
    assert "already on the roster" in office.fails("staff", "add", "li", "--name", "X", "--role", "agent", user="wang").stderr
    assert "unknown role" in office.fails("staff", "add", "x", "--name", "X", "--role", "boss", user="wang").stderr


def test_unknown_or_missing_actor_is_refused_without_writing(office):
    commits = office.commits()
    result = office.fails("customer", "add", "--name", "A", "--unit", "1-1-101", user="nobody")
    assert "unknown staff id 'nobody'" in result.stderr
    assert office.commits() == commits and len(list((office.root / "customers").glob("*.yaml"))) == 2


def test_git_user_name_is_used_when_it_is_a_roster_id(office):
    from click.testing import CliRunner

    from svcctl.cli.main import cli

    git(office.root, "config", "user.name", "zhou")
    result = CliRunner().invoke(cli, ["intake", "--type", "query", "--unit", "5-1-301", "--summary", "电费"],
                                env={"SVCCTL_RECORDS": str(office.root), "SVCCTL_NOW": office.now})
    assert result.exit_code == 0, result.stderr
    assert git(office.root, "log", "-1", "--format=%an").strip() == "周师傅"


def test_customer_add_show_find_edit(office):
    cid = office.run("customer", "add", "--name", "王海", "--phone", "137 0000 0002", "--unit", "翠苑 1栋1单元101室",
                     "--unit", "翠苑/1-1-102").stdout.strip()
    assert cid == "C-A003"
    record = yaml.safe_load((office.root / "customers" / "C-A003.yaml").read_text())
    assert str(record.pop("created")) == "2026-11-20 09:30:00+08:00"  # when it came on file, for the reports
    assert record == {"id": "C-A003", "name": "王海", "phones": ["13700000002"], "units": ["翠苑/1-1-101", "翠苑/1-1-102"]}
    shown = office.json("customer", "show", cid)
    assert shown["phones"] == ["137****0002"]
    assert office.json("customer", "show", cid, "--reveal", user="wang")["phones"] == ["13700000002"]
    assert [c["id"] for c in office.json("customer", "find", "1-1-102")] == ["C-A003"]
    assert [c["id"] for c in office.json("customer", "find", "--phone", "0002")] == ["C-A003"]
    assert [c["id"] for c in office.json("customer", "find", "陈")] == ["C-A001"]
    office.run("customer", "edit", cid, "--add-phone", "02088886666", "--remove-unit", "翠苑/1-1-102")
    record = yaml.safe_load((office.root / "customers" / "C-A003.yaml").read_text())
    assert record["phones"] == ["13700000002", "02088886666"] and record["units"] == ["翠苑/1-1-101"]
    assert git(office.root, "log", "-1", "--format=%s").strip() == "修改客户 C-A003"


def test_duplicate_customer_warns_and_refuses_unless_forced(office):
    commits = office.commits()
    same_phone = office.fails("customer", "add", "--name", "陈太太", "--phone", "13800138000", "--unit", "3-2-1503")
    assert "already belongs to C-A001" in same_phone.stderr and "13800138000" not in same_phone.stderr
    same_unit = office.fails("customer", "add", "--name", "房客", "--unit", "3-2-1502")
    assert "3-2-1502 is already on file for C-A001" in same_unit.stderr
    assert office.commits() == commits
    assert office.run("customer", "add", "--name", "房客", "--unit", "3-2-1502", "--force").stdout.strip() == "C-A003"


def test_listings_mask_phones(office):
    table = office.run("customer", "list").stdout
    assert "138****8000" in table and "13800138000" not in table
    assert "13800138000" in office.run("customer", "list", "--reveal", user="zhao").stdout
    csv_out = office.run("customer", "list", "--format", "csv").stdout
    assert csv_out.splitlines()[0] == "id,name,phones,units,notes" and "13800138000" not in csv_out


def test_intake_of_every_type_reads_back(office):
    ids = [
        office.intake("--type", "consultation", "--unit", "3-2-1502", "--summary", "物业费标准", "--answer", "已告知"),
        office.intake("--type", "查询", "--unit", "3-2-1502", "--summary", "水费"),
        office.intake("--type", "complaint", "--grade", "一般", "--unit", "3-2-1502", "--summary", "电梯噪音"),
        office.intake("--type", "repair", "--category", "leak", "--customer", "C-A002", "--summary", "渗水", "--emergency"),
        office.intake("--type", "suggestion", "--customer", "C-A002", "--summary", "增加绿化", "--channel", "online"),
        office.intake("--type", "appointment", "--customer", "C-A002", "--appointment", "2026-11-23 14:00", "--summary", "量房"),
        office.intake("--type", "paid", "--customer", "C-A002", "--summary", "疏通下水道", "--channel", "visit"),
        office.intake("--type", "query", "--name", "赵敏", "--phone", "13600000003", "--unit", "8-3-2201", "--summary", "停车"),
    ]
    assert ids == [f"202611-A{n:03d}" for n in range(1, 9)]
    rows = office.json("list")
    assert {r["id"]: r["type"] for r in rows} == dict(zip(ids, [
        "consultation", "query", "complaint", "repair", "suggestion", "appointment", "paid", "query"]))
    assert {r["id"]: r["status"] for r in rows}[ids[0]] == "done"
    ticket = office.json("show", ids[2])
    assert (ticket["grade"], ticket["channel"], ticket["customer"], ticket["unit"]) == ("general", "phone", "C-A001", "3-2-1502")
    assert ticket["received_at"] == "2026-11-20T09:30:00+08:00" and ticket["first_responder"] == "li"
    assert [e["event"] for e in ticket["events"]] == ["intake"]
    repair = office.json("show", ids[3])
    assert repair["category"] == "leak" and repair["emergency"] is True
    assert office.json("show", ids[5])["appointment_at"] == "2026-11-23T14:00:00+08:00"
    assert office.json("show", ids[7])["customer"] == "C-A003"
    # one commit per command, touching only the files of that change
    subjects = git(office.root, "log", "--format=%s", f"-{len(ids)}").splitlines()
    assert subjects[-3] == "受理 202611-A003 投诉 3-2-1502：电梯噪音"  # the office's language
    assert git(office.root, "show", "--name-only", "--format=", "HEAD").split() == [
        "customers/C-A003.yaml", "tickets/2026/11/202611-A008.yaml"]
    assert git(office.root, "status", "--porcelain") == ""


def test_ticket_file_is_canonical_readable_yaml(office):
    tid = office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502", "--summary", "电梯噪音",
                        "--detail", "夜间异响", "--at", "2026-11-20 09:00")
    text = (office.root / "tickets/2026/11" / f"{tid}.yaml").read_text(encoding="utf-8")
    assert text == (
        f"id: {tid}\ntype: complaint\ngrade: general\nchannel: phone\ncustomer: C-A001\nunit: 3-2-1502\n"
        "summary: 电梯噪音\ndetail: 夜间异响\nreceived_at: 2026-11-20T09:00:00+08:00\nfirst_responder: li\n"
        "events:\n  - at: 2026-11-20T09:00:00+08:00\n    event: intake\n    by: li\n")


def test_ids_restart_each_month_and_follow_received_time(office):
    first = office.intake("--type", "query", "--unit", "3-2-1502", "--summary", "十月的单", "--at", "2026-10-31 17:00")
    second = office.intake("--type", "query", "--unit", "3-2-1502", "--summary", "十一月")
    assert (first, second) == ("202610-A001", "202611-A001")
    assert (office.root / "tickets/2026/10/202610-A001.yaml").is_file()


def test_intake_bad_input_is_one_line_and_writes_nothing(office):
    commits = office.commits()
    cases = [
        (("--type", "complain", "--unit", "3-2-1502", "--summary", "x"), "unknown type 'complain'"),
        (("--type", "complaint", "--grade", "huge", "--unit", "3-2-1502", "--summary", "x"), "unknown grade 'huge'"),
        (("--type", "complaint", "--unit", "3-2-1502", "--summary", "x"), "a complaint needs --grade"),
        (("--type", "complaint", "--grade", "major", "--unit", "3-2-1502", "--summary", "x"), "not used by this office"),
        (("--type", "query", "--unit", "3/2/1502", "--summary", "x"), "malformed unit '3/2/1502'"),
        (("--type", "query", "--customer", "C-A099", "--summary", "x"), "no customer 'C-A099'"),
        (("--type", "query", "--unit", "9-9-909", "--summary", "x"), "no customer on file for unit 9-9-909"),
        (("--type", "query", "--unit", "3-2-1502", "--summary", "x", "--at", "32/13 25:00"), "cannot read time"),
        (("--type", "query", "--unit", "3-2-1502", "--summary", "x", "--at", "2026-11-21 09:30"), "lies in the future"),
        (("--type", "appointment", "--unit", "3-2-1502", "--summary", "x"), "needs --appointment"),
        (("--type", "repair", "--unit", "3-2-1502", "--summary", "x", "--category", "roof"), "unknown category 'roof'"),
        (("--type", "repair", "--unit", "3-2-1502", "--summary", "x", "--answer", "done"), "--answer closes"),
        (("--type", "complaint", "--grade", "complex", "--unit", "3-2-1502", "--summary", "x", "--answer", "done"),
         "this complaint goes through its workflow"),
        (("--type", "query", "--name", "新业主", "--phone", "12ab", "--unit", "7-1-101", "--summary", "x"), "malformed phone"),
    ]
    for args, expected in cases:
        result = office.fails("intake", *args)
        assert expected in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr + result.stdout
    missing = office.fails("intake", "--type", "query", "--unit", "3-2-1502")
    assert missing.exit_code == 2 and "--summary" in missing.stderr
    assert office.commits() == commits
    assert not list((office.root / "tickets").glob("*/*/*.yaml"))
    assert len(list((office.root / "customers").glob("*.yaml"))) == 2


def test_list_filters_and_formats(office):
    a = office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502", "--summary", "噪音", "--at", "2026-11-18 10:00")
    b = office.intake("--type", "repair", "--customer", "C-A002", "--summary", "灯坏了", "--at", "2026-11-19 10:00")
    c = office.intake("--type", "query", "--customer", "C-A002", "--summary", "水费", "--answer", "86元", user="zhou")
    office.run("dispatch", b, "--to", "维修部", "--assignee", "zhou", "--at", "2026-11-19 10:03")
    ids = lambda *args: [r["id"] for r in office.json("list", *args)]  # noqa: E731
    assert ids() == [c, b, a]
    assert ids("--type", "complaint") == [a]
    assert ids("--status", "dispatched") == [b]
    assert ids("--status", "active") == [b, a]
    assert ids("--unit", "5-1-301") == [c, b]
    assert ids("--customer", "C-A001") == [a]
    assert ids("--staff", "zhou") == [c, b]
    assert ids("--since", "2026-11-19", "--until", "2026-11-19 23:59") == [b]
    csv_lines = office.run("list", "--format", "csv").stdout.splitlines()
    assert csv_lines[0].startswith("id,type,type_zh,grade,status,unit,customer,summary")
    assert len(csv_lines) == 4
    table = office.run("list").stdout
    # CJK columns line up: every row puts the unit column at the same display width.
    from wcwidth import wcswidth
    lines = table.splitlines()
    unit_cols = {wcswidth(line[: line.index(unit)]) for line in lines[2:] for unit in ("3-2-1502", "5-1-301") if unit in line}
    assert len(unit_cols) == 1
    assert "陈先生" not in table and "138" not in table
    assert office.run("list", "--type", "suggestion").stdout.strip() == "no tickets match"


def test_show_formats(office):
    tid = office.intake("--type", "repair", "--customer", "C-A002", "--summary", "灯坏了")
    text = office.run("show", tid).stdout
    assert text.splitlines()[0] == f"{tid}  repair other  [open]"
    assert "dispatch  due" in text and "timeline:" in text
    chinese = office.run("show", tid, "--lang", "zh").stdout
    assert chinese.splitlines()[0] == f"{tid}  报修 其他  [待处理]"
    assert "派单" in chinese and "派工" not in chinese and "处理记录：" in chinese
    assert yaml.safe_load(office.run("show", tid, "--format", "yaml").stdout)["id"] == tid
    assert office.fails("show", "202611-A099").stderr.strip() == "svcctl: no ticket 202611-A099: see 'svcctl list'"
    assert "not a ticket id" in office.fails("show", "nonsense").stderr


def test_log_shows_the_ticket_history_from_git(office):
    tid = office.intake("--type", "repair", "--customer", "C-A002", "--summary", "灯坏了", "--at", "2026-11-20 09:00")
    office.run("dispatch", tid, "--to", "维修部", "--at", "2026-11-20 09:03", user="zhou")
    rows = office.json("log", tid)
    assert [r["subject"] for r in rows] == [f"派单 {tid} 报修 5-1-301：→ 维修部", f"受理 {tid} 报修 5-1-301：灯坏了"]
    assert [r["author"] for r in rows] == ["周师傅", "李娜"]
    body = git(office.root, "log", "-1", "--format=%B")
    assert f"Svcctl-Ticket: {tid}" in body and "Svcctl-Op: dispatch" in body


def test_console_entry_point_in_a_subprocess(office):
    proc = office.subprocess("intake", "--type", "query", "--unit", "3-2-1502", "--summary", "水费", "--lang", "zh")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "202611-A001"
    assert "11月20日（星期五）09:45" in proc.stdout.splitlines()[1]
    bad = office.subprocess("intake", "--type", "nope", "--unit", "3-2-1502", "--summary", "x")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    console_script = Path(sys.executable).parent / "svcctl"  # installed by pip from setup.cfg
    help_out = subprocess.run([str(console_script), "--help"], capture_output=True, text=True)
    assert help_out.returncode == 0 and "示例：" in help_out.stdout  # a new office's language, Chinese
    help_out = subprocess.run([str(console_script), "--lang", "en", "--help"], capture_output=True, text=True)
    assert help_out.returncode == 0 and "Examples:" in help_out.stdout


def test_every_command_has_help_with_an_example():
    from click.testing import CliRunner

    from svcctl.cli.main import cli

    runner = CliRunner()

    def walk(group, prefix):
        for name in group.list_commands(None):  # the program loads a command's module when asked
            command = group.get_command(None, name)
            if command.hidden:
                continue
            if hasattr(command, "commands"):
                yield from walk(command, prefix + [name])
            else:
                yield prefix + [name]

    paths = list(walk(cli, []))
    assert len(paths) > 30 and ["customer", "add"] in paths
    for path in paths:
        result = runner.invoke(cli, ["--lang", "en", *path, "--help"])
        assert result.exit_code == 0, path
        assert "Examples:" in result.stdout and "svcctl " in result.stdout, path


def test_a_simple_complaint_answered_on_the_spot_is_closed_and_owes_a_callback(office):
    tid = office.intake("--type", "complaint", "--grade", "simple", "--unit", "3-2-1502", "--summary", "保安态度",
                        "--answer", "已致歉并说明")
    ticket = office.json("show", tid)
    assert ticket["status"] == "closed" and [e["event"] for e in ticket["events"]] == ["intake", "close"]
    # answered immediately, and a handled complaint is called back within 3 days (rules §5)
    assert {d["name"]: (d["state"], d["due"]) for d in ticket["deadlines"]} == {
        "first_reply": ("met", "2026-11-20T11:30:00+08:00"),
        "resolve": ("met", "2026-11-20T09:35:00+08:00"),
        "callback": ("pending", "2026-11-23T09:30:00+08:00"),
    }


def test_a_records_folder_inside_a_project_repository_refuses_writes_but_reads(tmp_path):
    """Like the sample records/ shipped inside svcctl's own repository: reading works,
    writing is refused with the reason (not a question about station codes), and the
    project's branch is untouched."""
    import shutil

    top = tmp_path / "project"
    shutil.copytree(Path(__file__).resolve().parent.parent / "records", top / "records")
    git(top, "init", "-q")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "project")
    head = git(top, "rev-parse", "HEAD")
    office = Office(top / "records", now="2026-11-23 16:00")
    assert office.run("list", "--status", "active").exit_code == 0
    refused = office.fails("intake", "--type", "query", "--unit", "3-2-1502", "--summary", "水费")
    assert refused.exit_code == 3 and "repository of its own" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert git(top, "rev-parse", "HEAD") == head and git(top, "status", "--porcelain") == ""
    assert not [p.name for p in (top / ".git").iterdir() if p.name.startswith("svcctl")]  # not even a cache


def test_every_command_is_found_in_the_module_the_program_loads_for_it():
    """``svcctl NAME`` loads only NAME's module: the table of which module declares which
    command must name every command each module declares, and nothing else."""
    import importlib

    import click

    from svcctl.cli.main import command_modules

    table = command_modules()
    declared = {}
    for module in set(table.values()):
        group = click.Group()
        importlib.import_module(f"svcctl.cli.{module}").register(group)
        declared.update(dict.fromkeys(group.commands, module))
    assert declared == table and table["close"] == "workflow_cmds"


def test_a_command_loaded_on_its_own_takes_the_global_options_after_its_name(tmp_path):
    child = subprocess.run([sys.executable, "-m", "svcctl", "overdue", "--records", str(tmp_path / "nowhere"),
                            "--lang", "en"], capture_output=True, text=True)
    assert child.returncode != 0 and "nowhere" in child.stderr and "no such option" not in child.stderr
