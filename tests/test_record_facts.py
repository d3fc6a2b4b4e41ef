"""Records and commits store facts, words live at the edge: a ticket file holds codes and the
words people typed, never svcctl's own sentences; a commit's trailers hold the facts its
subject says, the subject is written in the office's language and ``svcctl log`` says it in
the reader's; history written before keeps reading as it was written."""
from __future__ import annotations

import yaml

from conftest import git

OFFICE_LANG = "zh"


def trailers(office) -> dict:
    body = git(office.root, "log", "-1", "--format=%(trailers:only,unfold)")
    return dict(line.split(": ", 1) for line in body.splitlines() if ": " in line)


def subject(office) -> str:
    return git(office.root, "log", "-1", "--format=%s").strip()


def closed_repair(office) -> str:
    tid = office.intake("--type", "repair", "--customer", "C-A001", "--summary", "卫生间漏水")
    office.run("dispatch", tid, "--to", "维修部", "--assignee", "zhou")
    office.run("close", tid, "--result", "更换密封圈", now="2026-11-20 15:00")
    return tid


def record(office, tid: str) -> dict:
    path = office.root / "tickets" / tid[:4] / tid[4:6] / f"{tid}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_an_unresolved_callback_stores_the_customers_words_and_its_facts(office):
    tid = closed_repair(office)
    office.run("callback", tid, "--method", "phone", "--satisfaction", "2", "--note", "仍漏水", "--unresolved",
               now="2026-11-21 10:00")
    reopen = [e for e in record(office, tid)["events"] if e["event"] == "reopen"][-1]
    assert reopen["note"] == "仍漏水"
    assert subject(office) == f"回访 {tid} 报修 3-2-1502：满意度 2/5，未解决，已重开"
    facts = trailers(office)
    assert facts["Svcctl-Op"] == "callback" and facts["Svcctl-Ticket"] == tid and facts["Svcctl-Type"] == "repair"
    assert facts["Svcctl-Satisfaction"] == "2" and facts["Svcctl-Unresolved"] == "yes"


def test_log_says_the_facts_in_the_readers_language(office):
    tid = closed_repair(office)
    office.run("callback", tid, "--method", "phone", "--satisfaction", "2", "--note", "仍漏水", "--unresolved",
               now="2026-11-21 10:00")
    zh = office.run("log", tid).stdout
    assert f"派单 {tid} 报修 3-2-1502：→ 维修部（zhou）" in zh and "满意度 2/5，未解决，已重开" in zh
    en = office.run("log", tid, "--lang", "en").stdout
    assert f"callback {tid} repair 3-2-1502: satisfaction 2/5, unresolved, reopened" in en
    assert f"dispatch {tid} repair 3-2-1502: → 维修部 (zhou)" in en
    assert f"close {tid} repair 3-2-1502: 更换密封圈" in en  # the words typed stay as typed
    assert "报修" not in en and "unresolved" not in zh


def test_a_handover_commit_is_said_in_the_offices_language_with_its_counts_as_trailers(office):
    office.intake("--type", "query", "--customer", "C-A001", "--summary", "水费")
    office.run("handover", "--record", "--to", "zhou", now="2026-11-20 16:00")
    said = subject(office)
    assert said.startswith("交接班 li → zhou 2026-11-20 16:00：紧急 ") and "urgent" not in said
    facts = trailers(office)
    assert facts["Svcctl-Op"] == "handover" and facts["Svcctl-By"] == "li" and facts["Svcctl-To"] == "zhou"
    assert {"Svcctl-Urgent", "Svcctl-Normal", "Svcctl-Waiting"} <= set(facts)


def test_history_written_before_keeps_reading_as_written(office):
    """A reopen note in the old words and a commit without facts in its trailers, as svcctl
    wrote them before: check accepts the record, show reads the note, log shows the subject."""
    tid = closed_repair(office)
    office.run("callback", tid, "--method", "phone", "--satisfaction", "2", "--note", "仍漏水", "--unresolved",
               now="2026-11-21 10:00")
    path = office.root / "tickets" / tid[:4] / tid[4:6] / f"{tid}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.endswith("    event: reopen\n    by: li\n    note: 仍漏水\n")
    path.write_text(text[: -len("仍漏水\n")] + "'callback found it unresolved: 仍漏水'\n", encoding="utf-8")
    git(office.root, "add", "-A")
    old = f"callback {tid} 报修 3-2-1502: 2/5 unresolved, reopened"
    git(office.root, "commit", "-q", "--amend", "-m", old)
    assert office.run("check").exit_code == 0
    assert office.run("log", tid).stdout.count(old) == 1
    notes = [e.get("note") for e in office.json("show", tid)["events"] if e["event"] == "reopen"]
    assert notes == ["callback found it unresolved: 仍漏水"]


def office_day(office, tmp_path) -> list[str]:
    """A customer added and edited, a member of staff added and an owners' register
    imported: the subjects those four commits were written with, newest first."""
    office.run("customer", "add", "--name", "赵丽", "--phone", "13600000003", "--unit", "6-3-701")
    office.run("customer", "edit", "C-A003", "--add-unit", "6-3-702")
    office.run("staff", "add", "sun", "--name", "孙丽", "--role", "agent", user="wang")
    register = tmp_path / "业主档案.csv"
    register.write_text("姓名,手机,房号\n孙卫东,13500000004,7-1-101\n赵丽,13600000003,6-3-701\n,,8-8\n",
                        encoding="utf-8")
    office.run("import", "customers", register, "--skip-bad")
    return git(office.root, "log", "-4", "--format=%s").splitlines()


def test_a_chinese_office_writes_its_customer_staff_and_import_subjects_in_chinese(office, tmp_path):
    assert office_day(office, tmp_path) == [
        "从 业主档案.csv 导入客户：新增 1，更新 0，跳过有误的 1 行",
        "新增员工 sun（客服专员）",
        "修改客户 C-A003",
        "新增客户 C-A003 6-3-701",
    ]
    facts = trailers(office)
    assert facts["Svcctl-Op"] == "import-customers" and facts["Svcctl-Import"] == "业主档案.csv"
    assert (facts["Svcctl-New"], facts["Svcctl-Updated"], facts["Svcctl-Skipped"]) == ("1", "0", "1")
    # the facts the trailers keep say the same in English to a reader of that language
    from svcctl.core.subjects import said
    from svcctl.present.i18n import localise

    assert localise(said(facts), "en") == "import customers from 业主档案.csv: 1 new, 0 updated, 1 bad rows skipped"


def test_an_english_office_writes_them_in_english(tmp_path, monkeypatch):
    from conftest import bare_machine, build_office

    bare_machine(monkeypatch, tmp_path / "home")
    office = build_office(tmp_path / "office", "A", "--language", "en")
    office.lang = "en"
    assert office_day(office, tmp_path) == [
        "import customers from 业主档案.csv: 1 new, 0 updated, 1 bad rows skipped",
        "staff add sun (agent)",
        "customer edit C-A003",
        "customer add C-A003 6-3-701",
    ]
    assert git(office.root, "log", "--format=%s").splitlines()[-1] == "init CY: 翠苑物业管理处"


def test_a_hand_edit_keeps_its_words_and_says_the_rest_in_the_offices_language(office):
    path = office.root / "customers" / "C-A001.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "notes: 两套房 13800138000\n", encoding="utf-8")
    office.run("commit", "-m", "补备注 13800138000", user="wang")
    assert subject(office) == "手工修改 customers/C-A001.yaml：补备注 138****8000"
    assert trailers(office)["Svcctl-Text"] == "补备注 138****8000"
