"""The shift handover: a shift change at 16:00 after a handover recorded at 08:00."""
from __future__ import annotations

import json

import pytest

from conftest import copy_of, edit, git, made_once


def intake(office, when, *args):
    return office.run("intake", *args, now=when).stdout.splitlines()[0]


def day_shift(office) -> dict:
    o, ids = office, {}
    ids["query"] = intake(o, "2026-11-20 07:50", "--type", "query", "--customer", "C-A001", "--summary", "查询水费")
    ids["complaint"] = intake(o, "2026-11-19 10:00", "--type", "complaint", "--grade", "general",
                              "--customer", "C-A001", "--summary", "电梯噪音")
    o.run("reply", ids["complaint"], "--note", "已联系", now="2026-11-19 10:30")
    ids["leak"] = intake(o, "2026-11-18 09:00", "--type", "repair", "--customer", "C-A002", "--summary", "水管漏水")
    o.run("dispatch", ids["leak"], "--to", "维修部", now="2026-11-18 09:02")
    o.run("close", ids["leak"], "--result", "已修复", now="2026-11-18 15:00")
    o.run("handover", "--record", "--to", "li", "--note", "电梯投诉今天到期", now="2026-11-20 08:00", user="zhao")
    ids["visit"] = intake(o, "2026-11-20 09:00", "--type", "repair", "--customer", "C-A002", "--summary", "门锁坏")
    o.run("dispatch", ids["visit"], "--to", "维修部", "--appointment", "2026-11-21 10:00", now="2026-11-20 09:03")
    ids["paused"] = intake(o, "2026-11-20 09:30", "--type", "complaint", "--grade", "general",
                           "--customer", "C-A002", "--summary", "垃圾未清")
    o.run("reply", ids["paused"], "--note", "已致歉", now="2026-11-20 09:40")
    o.run("pause", ids["paused"], "--reason", "业主出差", now="2026-11-20 10:00")
    ids["booking"] = intake(o, "2026-11-20 10:30", "--type", "appointment", "--customer", "C-A001",
                            "--appointment", "2026-11-20 20:00", "--summary", "上门量房")
    ids["escalated"] = intake(o, "2026-11-20 11:00", "--type", "complaint", "--grade", "general",
                              "--customer", "C-A001", "--summary", "装修噪音")
    o.run("reply", ids["escalated"], "--note", "已记录", now="2026-11-20 11:10")
    o.run("escalate", ids["escalated"], "--to", "zhao", "--note", "请主管协调", now="2026-11-20 11:30")
    o.run("callback", ids["leak"], "--method", "phone", "--satisfaction", "2", "--note", "仍漏水", "--unresolved",
          now="2026-11-20 12:00")
    ids["fixed"] = intake(o, "2026-11-20 13:00", "--type", "repair", "--customer", "C-A002", "--summary", "灯不亮")
    o.run("dispatch", ids["fixed"], "--to", "维修部", now="2026-11-20 13:02")
    o.run("close", ids["fixed"], "--result", "换灯泡", now="2026-11-20 14:00")
    intake(o, "2026-11-20 15:00", "--type", "consultation", "--customer", "C-A001", "--summary", "物业费",
           "--answer", "已告知")
    return ids


@pytest.fixture(scope="module")
def day_template(tmp_path_factory):
    return made_once(tmp_path_factory, "day-shift", day_shift)


@pytest.fixture
def day(day_template, tmp_path):
    """The office at the end of the day shift (``day_shift``), and the ids of its tickets."""
    return copy_of(day_template, tmp_path)


def test_handover_at_a_shift_change_after_a_recorded_handover(day):
    office, ids = day
    name = {v: k for k, v in ids.items()}
    board = office.json("handover", now="2026-11-20 16:00")
    assert board["shift_end"] == "2026-11-21T00:00:00+08:00" and board["since"] == "2026-11-20T08:00:00+08:00"
    assert board["last_handover"] == {"at": "2026-11-20T08:00:00+08:00", "by": "zhao", "to": "li",
                                      "note": "电梯投诉今天到期", "path": "handovers/2026/11/20261120-080000-A.yaml"}
    urgent = [(name[r["ticket"]], r["why"], r["deadline"]) for r in board["urgent"]]
    assert urgent == [
        ("query", "missed", "reply"),  # due 08:05, never answered
        ("complaint", "warned", "resolve"),  # 1 working day: due 10:00 today
        ("booking", "due_in_shift", "appointment"),  # 20:00, before the shift ends at midnight
    ]
    assert board["urgent"][0]["action"] == "answer the customer now"
    assert [(name[r["ticket"]], r["why"]) for r in board["normal"]] == [
        ("fixed", "callback_owed"),  # callback due Sunday 11-22 14:00
        ("escalated", "pending"),  # resolve target: 1 working day from Friday 11:00, Monday 11:00
        ("leak", "pending"),  # reopened by the callback: rework due in 3 working days, Wednesday 12:00
    ]
    assert board["normal"][0]["action"] == "next: callback by 2026-11-22T14:00:00+08:00"
    assert [(name[r["ticket"]], r["why"]) for r in board["waiting"]] == [
        ("paused", "paused"), ("visit", "appointment_later")]
    # Since the 08:00 handover: the query taken in at 07:50 is not new; the consultation answered
    # on the spot is new and closed, and listed nowhere else.
    changes = [(c["change"], name.get(c["ticket"], "consultation")) for c in board["changes"]]
    assert changes == [
        ("new", "visit"), ("new", "paused"), ("new", "booking"), ("new", "escalated"), ("escalated", "escalated"),
        ("reopened", "leak"), ("new", "fixed"), ("closed", "fixed"), ("new", "consultation"),
        ("closed", "consultation")]

    table = office.run("handover", "--lang", "zh", now="2026-11-20 16:00").stdout
    assert "交接班 2026-11-20 16:00：下一班 8 小时，至 2026-11-21 00:00" in table
    assert "上次交接：2026-11-20 08:00，赵强 (zhao) → 李娜 (li)" in table
    for word in ("紧急 (3)", "一般 (3)", "等待 (2)", "自 2026-11-20 08:00 以来的变化", "立即答复客户", "已上报"):
        assert word in table


def test_recording_a_handover_commits_one_file_and_moves_the_next_start(day):
    office, ids = day
    commits = office.commits()
    result = office.run("handover", "--record", "--to", "zhou", "--note", "量房预约今晚20:00", "--format", "json",
                        now="2026-11-20 16:00")
    recorded = json.loads(result.stdout)["recorded"]
    assert recorded == "handovers/2026/11/20261120-160000-A.yaml"
    assert office.commits() == commits + 1
    assert git(office.root, "log", "-1", "--format=%an|%s").strip() == \
        "李娜|交接班 li → zhou 2026-11-20 16:00：紧急 3，一般 3，等待 2"
    assert git(office.root, "show", "--stat", "--format=", "HEAD").split()[0] == recorded
    text = (office.root / recorded).read_text(encoding="utf-8")
    assert "by: li" in text and "to: zhou" in text and f"  - {ids['query']}" in text
    assert office.run("check").stdout.strip() == "all records are valid"
    # The next shift's handover starts where this one ended.
    office.run("close", ids["query"], "--result", "已告知", now="2026-11-20 16:10")
    board = office.json("handover", now="2026-11-20 16:30")
    assert board["since"] == "2026-11-20T16:00:00+08:00" and board["last_handover"]["to"] == "zhou"
    assert [(c["change"], c["ticket"]) for c in board["changes"]] == [("closed", ids["query"])]
    assert ids["query"] not in [r["ticket"] for g in ("urgent", "normal", "waiting") for r in board[g]]


def test_without_a_recorded_handover_changes_cover_the_shift(office):
    tid = intake(office, "2026-11-20 09:00", "--type", "query", "--customer", "C-A001", "--summary", "水费")
    board = office.json("handover", "--shift-hours", "12", now="2026-11-20 20:00")
    assert board["last_handover"] is None and board["since"] == "2026-11-20T08:00:00+08:00"
    assert board["shift_end"] == "2026-11-21T08:00:00+08:00"
    assert [(c["change"], c["ticket"]) for c in board["changes"]] == [("new", tid)]


def test_handover_refusals(office):
    cases = [
        (("handover", "--record", "--to", "nobody"), 2, "unknown staff id 'nobody'"),
        (("handover", "--note", "x"), 2, "--to and --note go with --record"),
        (("handover", "--shift-hours", "30"), 2, "a shift is 1 to 24 hours"),
        (("handover", "--record", "--to", "li"), 2, "not to yourself"),
    ]
    for args, code, message in cases:
        result = office.fails(*args, now="2026-11-20 16:00")
        assert result.exit_code == code and message in result.stderr, result.stderr
        assert len(result.stderr.splitlines()) == 1
    office.run("handover", "--record", now="2026-11-20 16:00")
    again = office.fails("handover", "--record", now="2026-11-20 16:00")
    assert again.exit_code == 3 and "already recorded" in again.stderr


def test_check_reads_handover_records(office):
    office.run("handover", "--record", "--to", "zhao", now="2026-11-20 16:00")
    path = office.root / "handovers/2026/11/20261120-160000-A.yaml"
    edit(path, "to: zhao", "to: ghost")
    edit(path, "shift_hours: 8", "shift_hours: 99")
    result = office.fails("check")
    assert result.exit_code == 1
    assert "handovers/2026/11/20261120-160000-A.yaml:3: staff 'ghost' is not on the roster" in result.stdout
    assert "'shift_hours' must be a whole number of hours from 1 to 24" in result.stdout
    moved = office.root / "handovers/2026/11/20261120-170000-A.yaml"
    edit(path, "to: ghost", "to: zhao")
    edit(path, "shift_hours: 99", "shift_hours: 8")
    path.rename(moved)
    assert "file name does not match its time and station" in office.fails("check").stdout


def test_the_handover_reads_only_work_in_play_and_changes_since_the_last_one(office):
    """What the board shows is what every ticket would show, read from far fewer of them."""
    from svcctl.operations import handover as ops
    from svcctl.operations.env import Env
    from svcctl.reports import handover as sorting

    old = intake(office, "2026-11-02 09:00", "--type", "repair", "--customer", "C-A001", "--summary", "门锁损坏")
    office.run("dispatch", old, "--to", "维修部", now="2026-11-02 09:03")
    office.run("close", old, "--result", "更换锁芯", now="2026-11-02 15:00")
    office.run("callback", old, "--method", "phone", "--satisfaction", "5", "--note", "满意", now="2026-11-03 10:00")
    waiting = intake(office, "2026-11-05 09:00", "--type", "complaint", "--grade", "general", "--customer", "C-A002",
                     "--summary", "邻居噪音")
    office.run("reply", waiting, "--note", "已联系", now="2026-11-05 09:30")
    office.run("pause", waiting, "--reason", "等待业委会", now="2026-11-05 10:00")
    ids = day_shift(office)
    env = Env(str(office.root), now_text="2026-11-20 16:00")
    board = ops.board(env, 8)
    read = {t.id for t in env.records.tickets_since(board.since)}
    assert old not in read and waiting in read and ids["leak"] in read
    views = [env.view(t) for t in env.records.tickets()]
    assert [(i.group, i.view.id, i.why) for i in board.items] == [
        (i.group, i.view.id, i.why) for i in sorting.sort(views, env.now, board.shift_end)]
    assert [(c.change, c.view.id, c.at) for c in board.changes] == [
        (c.change, c.view.id, c.at) for c in sorting.changes(views, board.since, env.now)]
    assert waiting in board.ids("waiting") and old not in {i.view.id for i in board.items}


def test_a_kept_appointment_no_longer_keeps_a_reopened_repair_waiting(office):
    """The technician came (early, on the day of the order) to an appointment set for Sunday;
    the owner says on the callback it still leaks: the rework is work in hand, not a visit to wait for."""
    tid = intake(office, "2026-11-20 09:00", "--type", "repair", "--customer", "C-A002", "--summary", "水管漏水")
    office.run("dispatch", tid, "--to", "维修部", "--appointment", "2026-11-22 10:00", now="2026-11-20 09:02")
    office.run("arrive", tid, now="2026-11-20 10:00")
    office.run("close", tid, "--result", "已修复", now="2026-11-20 11:00")
    office.run("callback", tid, "--method", "phone", "--satisfaction", "2", "--note", "仍漏水", "--unresolved",
               now="2026-11-20 12:00")
    board = office.json("handover", now="2026-11-20 16:00")
    assert [r["ticket"] for r in board["waiting"]] == []
    assert [(r["ticket"], r["why"]) for r in board["normal"]] == [(tid, "pending")]
    table = office.run("handover", "--lang", "zh", now="2026-11-20 16:00").stdout
    assert "按约上门" not in table and "预约在下班之后" not in table
