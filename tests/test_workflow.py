"""Scenarios through the real CLI with pinned clocks across the 2026 holidays.

Every expected due time is worked out by hand from service-rules.md and the 2026 calendar
(see test_calendar.py for the calendar facts); the comments show the sums.
Staff: wang (director), zhao (supervisor), li and zhou (agents); li acts unless told.
"""
from __future__ import annotations

import json

import pytest
import yaml

from conftest import git


def iso(text: str) -> str:
    """'2026-10-08 10:00' -> the JSON form of that office time."""
    return text.replace(" ", "T") + ":00+08:00"


def new(office, when: str, *args) -> str:
    """Intake received at ``when`` (the pinned clock); returns the ticket id."""
    return office.intake(*args, now=when)


def complaint(office, when: str, grade: str, unit: str = "3-2-1502") -> str:
    return new(office, when, "--type", "complaint", "--grade", grade, "--unit", unit, "--summary", "电梯噪音")


def repair(office, when: str, *extra: str) -> str:
    return new(office, when, "--type", "repair", "--unit", "3-2-1502", "--summary", "卫生间漏水", *extra)


def deadlines(office, tid: str, now: str) -> dict:
    data = office.json("show", tid, "--now", now)
    return {d["name"]: d for d in data["deadlines"]}


def dues(office, tid: str, now: str) -> dict:
    return {name: d["due"] for name, d in deadlines(office, tid, now).items()}


def status(office, tid: str, now: str) -> str:
    return office.json("show", tid, "--now", now)["status"]


def ticket_file(office, tid: str):
    return office.root / "tickets" / tid[:4] / tid[4:6] / f"{tid}.yaml"


def snapshot(office) -> tuple:
    files = {p: p.read_bytes() for p in sorted((office.root / "tickets").rglob("*.yaml"))}
    return office.commits(), files, git(office.root, "status", "--porcelain")


def refused(office, *args, code: int | None = None, **kw):
    """The command fails with one line on stderr and changes nothing at all."""
    before = snapshot(office)
    result = office.fails(*args, **kw)
    if code is not None:
        assert result.exit_code == code, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("svcctl: "), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert snapshot(office) == before
    return result


def overdue(office, now: str, *extra: str):
    return office.run("overdue", "--now", now, *extra, ok=False)


def overdue_rows(office, now: str, *extra: str) -> list[dict]:
    result = overdue(office, now, *extra, "--format", "json")
    rows = json.loads(result.stdout)
    assert result.exit_code == (1 if any(r["state"] in ("missed", "warned") for r in rows) else 0)
    return rows


def table_body(stdout: str) -> list[str]:
    """Rows of a table printed by svcctl: a header line and a rule line, then one line per row."""
    lines = stdout.splitlines()
    assert set(lines[1].replace(" ", "")) == {"-"}, stdout
    return lines[2:]


def set_policy(office, **sections):
    """Edit svcctl.yaml the way an office would and commit it."""
    path = office.root / "svcctl.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in sections.items():
        config[key] = value
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    git(office.root, "commit", "-qam", "office policy")


# ============================================================ complaints around the holidays


# received, grade, expected due times; the sums are counted hours on working days.
HOLIDAY_CASES = [
    # Wed 09-30 10:00 before National Day.
    #   first_reply: 2 clock hours.
    #   resolve 1 workday: 14h on 09-30, 10-01..10-07 off, 10h on Thu 10-08.
    #   limit 3 workdays: 14 + 24 (10-08) + 24 (10-09) = 62h, 10h on Sat 10-10 (a 调休 working day).
    ("2026-09-30 10:00", "general", {"first_reply": "2026-09-30 12:00", "resolve": "2026-10-08 10:00",
                                     "resolve_limit": "2026-10-10 10:00"}),
    #   5 workdays: 14 + 24 (10-08) + 24 (10-09) + 24 (Sat 10-10) + 24 (Mon 10-12) = 110h, +10h Tue.
    #   7 workdays: + 24 (10-13) + 24 (10-14) = 158h, +10h Thu.
    ("2026-09-30 10:00", "complex", {"first_reply": "2026-09-30 12:00", "resolve": "2026-10-13 10:00",
                                     "resolve_limit": "2026-10-15 10:00"}),
    # Simple: answered on the spot, holiday or not.
    ("2026-10-01 10:00", "simple", {"first_reply": "2026-10-01 12:00", "resolve": "2026-10-01 10:05"}),
    # Fri 10-02 is a day off: the clock starts Thu 10-08 00:00; 1 workday is all of 10-08,
    # 3 workdays are 10-08, 10-09 and Sat 10-10. The first reply runs on clock hours.
    ("2026-10-02 11:00", "general", {"first_reply": "2026-10-02 13:00", "resolve": "2026-10-09 00:00",
                                     "resolve_limit": "2026-10-11 00:00"}),
    # Fri 02-13 15:00 before the Spring Festival: 9h on 02-13, Sat 02-14 is worked: 15h into it.
    #   limit: 9 + 24 (02-14) + [02-15..02-23 off] + 24 (Tue 02-24) = 57h, 15h on Wed 02-25.
    ("2026-02-13 15:00", "general", {"first_reply": "2026-02-13 17:00", "resolve": "2026-02-14 15:00",
                                     "resolve_limit": "2026-02-25 15:00"}),
    #   complex from Fri 02-13 10:00: 14 + 24 (02-14) + 24*3 (02-24..26) = 110h, +10h Fri 02-27;
    #   + 24 (02-27) + 24 (Sat 02-28, worked) = 158h; Sun 03-01 off; +10h Mon 03-02.
    ("2026-02-13 10:00", "complex", {"first_reply": "2026-02-13 12:00", "resolve": "2026-02-27 10:00",
                                     "resolve_limit": "2026-03-02 10:00"}),
    # Sun 09-20 is a working day: 14h there, 10h on Mon 09-21; limit 14 + 24 + 24 = 62, +10h Wed.
    ("2026-09-20 10:00", "general", {"first_reply": "2026-09-20 12:00", "resolve": "2026-09-21 10:00",
                                     "resolve_limit": "2026-09-23 10:00"}),
    # Sat 10-10 is a working day: 15h there; Sun off; 9h on Mon 10-12; limit 15 + 24 + 24 = 63, +9h Wed.
    ("2026-10-10 09:00", "general", {"first_reply": "2026-10-10 11:00", "resolve": "2026-10-12 09:00",
                                     "resolve_limit": "2026-10-14 09:00"}),
    # Thu 09-24 16:00: 8h; Fri 09-25 (中秋) and the weekend off; 16h on Mon 09-28;
    #   limit 8 + 24 + 24 = 56, +16h Wed 09-30.
    ("2026-09-24 16:00", "general", {"first_reply": "2026-09-24 18:00", "resolve": "2026-09-28 16:00",
                                     "resolve_limit": "2026-09-30 16:00"}),
    # An ordinary Friday: 1 workday -> Mon; 3 -> Wed.
    ("2026-11-20 09:30", "general", {"first_reply": "2026-11-20 11:30", "resolve": "2026-11-23 09:30",
                                     "resolve_limit": "2026-11-25 09:30"}),
]


def test_complaint_due_times_around_2026_holidays(office):
    wrong = []
    for received, grade, expected in HOLIDAY_CASES:
        tid = complaint(office, received, grade)
        d = deadlines(office, tid, received)
        got = {name: x["due"] for name, x in d.items()}
        want = {name: iso(due) for name, due in expected.items()}
        if got != want:
            wrong.append((received, grade, got, want))
        assert all(x["state"] == "pending" for x in d.values())
        if "resolve_limit" in d:
            assert d["resolve"]["level"] == "target" and d["resolve_limit"]["level"] == "limit"
    assert not wrong, "\n".join(f"{r} {g}: got {got}, want {want}" for r, g, got, want in wrong)


def test_general_complaint_confirmation_promises_the_target(office):
    out = office.run("intake", "--type", "complaint", "--grade", "general", "--unit", "3-2-1502",
                     "--summary", "电梯噪音", "--lang", "zh", now="2026-09-30 10:00").stdout.splitlines()
    assert out[0] == "202609-A001"
    assert out[1] == "您的投诉内容我已详细记录，我们会尽快处理，并在10月8日（星期四）10:00前将处理结果答复给您。"


def test_confirmation_for_friday_complaint(office):
    # 一般投诉 received Fri 11-20 09:30: 1 workday -> Mon 11-23 09:30
    out = office.run("intake", "--type", "complaint", "--grade", "一般", "--unit", "3-2-1502",
                     "--summary", "噪音", "--at", "2026-11-20 09:30", "--lang", "zh", now="2026-11-20 09:31").stdout
    assert "并在11月23日（星期一）09:30前将处理结果答复给您" in out


def test_confirmation_for_appointment_and_customer_date(office):
    out = office.run("intake", "--type", "appointment", "--unit", "5-1-301", "--appointment", "2026-11-25 14:00",
                     "--summary", "上门量房", "--lang", "zh", now="2026-11-20 09:30").stdout.splitlines()
    assert out[1] == "您的预约我已详细记录，我们会在11月25日（星期三）14:00按约定时间上门为您服务。"
    tid = out[0]
    assert dues(office, tid, "2026-11-20 09:30") == {"appointment": iso("2026-11-25 14:00")}
    # a complaint whose customer asked for a date is promised that date
    out = office.run("intake", "--type", "complaint", "--grade", "general", "--unit", "5-1-301",
                     "--summary", "绿化", "--due", "2026-11-21 12:00", "--lang", "zh", now="2026-11-20 09:30").stdout
    assert "在11月21日（星期六）12:00前" in out


def test_alternative_scheme_major_complaint(office):
    set_policy(office, policy={"complaint_scheme": "alternative", "deadlines": {}})
    refused(office, "intake", "--type", "complaint", "--grade", "general", "--unit", "3-2-1502",
            "--summary", "x", code=2, now="2026-09-30 15:00")
    tid = complaint(office, "2026-09-30 15:00", "major")
    d = dues(office, tid, "2026-09-30 15:00")
    assert d["escalate"] == iso("2026-10-01 00:00")  # to the director the same day
    assert d["answer"] == iso("2026-10-02 15:00")  # clear answer within 2 days
    assert d["resolve"] == iso("2026-10-10 15:00")  # resolved within 10 days
    office.run("escalate", tid, "--to", "wang", "--note", "重大投诉", now="2026-09-30 16:00")
    refused(office, "close", tid, "--result", "已整改", code=3, now="2026-10-02 10:00", user="li")
    office.run("close", tid, "--result", "已整改", now="2026-10-02 10:00", user="wang")
    d = deadlines(office, tid, "2026-10-02 10:00")
    assert d["escalate"]["state"] == "met" and d["answer"]["state"] == "met" and d["resolve"]["state"] == "met"
    assert d["callback"]["due"] == iso("2026-10-09 10:00")  # callback within 1 week


def test_office_policy_override_reaches_the_cli(office):
    set_policy(office, policy={"complaint_scheme": "standard",
                               "deadlines": {"complaint.general": {"resolve": "2 workdays"}}},
               calendar={"holidays": ["2026-10-09"], "workdays": []})
    tid = complaint(office, "2026-09-30 10:00", "general")
    d = dues(office, tid, "2026-09-30 10:00")
    # office closed on 10-09 too: 14h (09-30) + 24 (10-08) + 10h on Sat 10-10
    assert d["resolve"] == iso("2026-10-10 10:00")
    # limit: 14 + 24 (10-08) + 24 (10-10) = 62; Sun off; +10h Mon 10-12
    assert d["resolve_limit"] == iso("2026-10-12 10:00")
    rows = office.json("policy")["deadlines"]
    row = next(r for r in rows if r["applies_to"] == "complaint.general" and r["deadline"] == "resolve")
    assert row["within"] == "2 workdays" and row["source"] == "svcctl.yaml"


# ============================================================ closing complaints


def test_complex_complaint_closed_by_supervisor_then_called_back(office):
    tid = complaint(office, "2026-09-30 10:00", "complex")
    office.run("reply", tid, "--note", "已联系业主", now="2026-09-30 11:00")
    refused(office, "close", tid, "--result", "已协调", code=3, now="2026-10-12 09:00", user="li")
    office.run("close", tid, "--result", "已协调", now="2026-10-12 09:00", user="zhao")
    d = deadlines(office, tid, "2026-10-12 09:00")
    assert d["first_reply"]["state"] == "met" and d["first_reply"]["stopped_at"] == iso("2026-09-30 11:00")
    assert d["resolve"]["state"] == "met" and d["resolve_limit"]["state"] == "met"
    assert d["callback"]["due"] == iso("2026-10-15 09:00")  # complaint callback: 3 days
    assert status(office, tid, "2026-10-12 09:00") == "closed"
    office.run("callback", tid, "--method", "phone", "--satisfaction", "4", "--note", "基本满意", now="2026-10-13 10:00")
    assert status(office, tid, "2026-10-13 10:00") == "done"
    assert deadlines(office, tid, "2026-10-13 10:00")["callback"]["state"] == "met"


def test_general_complaint_closed_late(office):
    tid = complaint(office, "2026-09-30 10:00", "general")
    office.run("reply", tid, "--note", "已联系", now="2026-09-30 10:30")
    office.run("close", tid, "--result", "已处理", now="2026-10-09 10:00")
    d = deadlines(office, tid, "2026-10-09 10:00")
    # target Thu 10-08 10:00 passed by a day; the limit (Sat 10-10) was kept
    assert d["resolve"]["state"] == "late" and d["resolve"]["minutes_late"] == 24 * 60
    assert d["resolve_limit"]["state"] == "met" and d["resolve_limit"]["minutes_late"] is None


# ============================================================ repairs


def test_other_repair_dispatch_arrive_close_callback(office):
    tid = repair(office, "2026-11-20 09:30")
    d = dues(office, tid, "2026-11-20 09:30")
    assert d == {"dispatch": iso("2026-11-20 09:35")}  # work order within 5 minutes; no arrival clock
    office.run("dispatch", tid, "--to", "维修部", "--assignee", "zhou", "--appointment", "2026-11-20 10:30",
               now="2026-11-20 09:33")
    assert status(office, tid, "2026-11-20 09:33") == "dispatched"
    office.run("arrive", tid, now="2026-11-20 10:30", user="zhou")
    office.run("close", tid, "--result", "更换水管", "--signed", now="2026-11-20 11:00", user="zhou")
    d = deadlines(office, tid, "2026-11-20 11:00")
    assert d["dispatch"]["state"] == "met"
    assert d["callback"]["due"] == iso("2026-11-22 11:00")  # 2 days, the weekend counts
    office.run("callback", tid, "--method", "phone", "--satisfaction", "5", "--note", "满意", now="2026-11-21 10:00")
    assert status(office, tid, "2026-11-21 10:00") == "done"
    assert deadlines(office, tid, "2026-11-21 10:00")["callback"]["state"] == "met"


def test_emergency_safety_repair_on_a_holiday(office):
    tid = repair(office, "2026-10-02 22:00", "--category", "safety", "--emergency")
    d = dues(office, tid, "2026-10-02 22:00")
    assert d == {"dispatch": iso("2026-10-02 22:05"), "arrival": iso("2026-10-02 22:15")}
    # nobody on site yet at 22:16: one missed deadline
    rows = overdue_rows(office, "2026-10-02 22:16")
    assert [(r["ticket"], r["deadline"], r["state"]) for r in rows] == [(tid, "dispatch", "missed"), (tid, "arrival", "missed")]
    office.run("dispatch", tid, "--to", "安护部", "--emergency", now="2026-10-02 22:03")
    office.run("arrive", tid, now="2026-10-02 22:12")
    assert overdue(office, "2026-10-02 22:20").exit_code == 0
    office.run("close", tid, "--result", "更换消防栓阀门", now="2026-10-02 23:30")
    d = deadlines(office, tid, "2026-10-02 23:30")
    assert d["arrival"]["state"] == "met" and d["dispatch"]["state"] == "met"
    assert d["callback"]["due"] == iso("2026-10-04 23:30")  # safety facility: 2 days


def test_emergency_arrival_late(office):
    tid = repair(office, "2026-11-20 09:30", "--emergency")
    office.run("dispatch", tid, "--to", "维修部", now="2026-11-20 09:32")
    office.run("arrive", tid, now="2026-11-20 09:50")
    d = deadlines(office, tid, "2026-11-20 10:00")
    assert d["arrival"]["state"] == "late" and d["arrival"]["minutes_late"] == 5


def test_leak_repair_callback_counts_from_leak_test(office):
    tid = repair(office, "2026-11-16 09:00", "--category", "leak")
    office.run("dispatch", tid, "--to", "维修部", now="2026-11-16 09:02")
    # closing a leak repair needs the leak test (试漏)
    refused(office, "close", tid, "--result", "防水处理", code=3, now="2026-11-20 16:00")
    office.run("close", tid, "--result", "防水处理", "--leak-test-at", "2026-11-19 10:00", now="2026-11-20 16:00")
    d = deadlines(office, tid, "2026-11-20 16:00")
    assert d["callback"]["due"] == iso("2026-11-22 10:00")  # 3 days after the test, not the close
    assert overdue(office, "2026-11-22 10:00").exit_code == 0
    rows = overdue_rows(office, "2026-11-22 10:01")
    assert [(r["deadline"], r["state"], r["action"]) for r in rows] == [
        ("callback", "missed", "make the callback: svcctl callback")]
    office.run("callback", tid, "--method", "visit", "--satisfaction", "4", "--note", "已不漏水", now="2026-11-22 11:00")
    assert status(office, tid, "2026-11-22 11:00") == "done"
    d = deadlines(office, tid, "2026-11-22 11:00")
    assert d["callback"]["state"] == "late" and d["callback"]["minutes_late"] == 60
    assert overdue(office, "2026-11-30 09:00").stdout == ""


def test_leak_test_after_close_refused(office):
    tid = repair(office, "2026-11-16 09:00", "--category", "leak")
    office.run("dispatch", tid, "--to", "维修部", now="2026-11-16 09:02")
    refused(office, "close", tid, "--result", "防水处理", "--at", "2026-11-20 16:00",
            "--leak-test-at", "2026-11-20 17:00", code=2, now="2026-11-20 18:00")


def test_unresolved_callback_reopens_with_rework_deadline(office):
    tid = repair(office, "2026-09-28 09:00")
    office.run("dispatch", tid, "--to", "维修部", "--assignee", "zhou", now="2026-09-28 09:03")
    office.run("close", tid, "--result", "已修好", now="2026-09-29 15:00", user="zhou")
    office.run("callback", tid, "--method", "visit", "--satisfaction", "2", "--note", "仍漏水", "--unresolved",
               now="2026-09-30 16:00")
    assert status(office, tid, "2026-09-30 16:00") == "dispatched"  # back to the repair team
    d = deadlines(office, tid, "2026-09-30 16:00")
    # default rework 3 workdays: 8h (09-30) + 24 (10-08) + 24 (10-09) = 56h, 16h on Sat 10-10
    assert d["rework"]["due"] == iso("2026-10-10 16:00") and d["rework"]["state"] == "pending"
    assert "callback" not in d
    rows = overdue_rows(office, "2026-10-10 16:01")
    assert [(r["deadline"], r["state"]) for r in rows] == [("rework", "missed")]
    # fixed, closed again: the rework is late, and a new callback is due 2 days after the new close
    office.run("close", tid, "--result", "更换防水层", now="2026-10-12 10:00", user="zhou")
    d = deadlines(office, tid, "2026-10-12 10:00")
    assert d["rework"]["state"] == "late"
    assert d["callback"]["due"] == iso("2026-10-14 10:00") and d["callback"]["state"] == "pending"


def test_unresolved_callback_with_own_rework_length(office):
    tid = complaint(office, "2026-11-16 09:00", "general")
    office.run("close", tid, "--result", "已处理", now="2026-11-17 09:00")
    office.run("callback", tid, "--method", "phone", "--satisfaction", "1", "--note", "仍有噪音",
               "--unresolved", "--within", "2 workdays", now="2026-11-19 10:00")
    # 2 workdays from Thu 11-19 10:00: 14 + 24 (Fri) = 38h; weekend off; 10h on Mon 11-23
    assert dues(office, tid, "2026-11-19 10:00")["rework"] == iso("2026-11-23 10:00")
    assert status(office, tid, "2026-11-19 10:00") == "open"


def test_reopen_by_hand(office):
    tid = complaint(office, "2026-11-16 09:00", "general")
    office.run("close", tid, "--result", "已处理", now="2026-11-17 09:00")
    office.run("reopen", tid, "--note", "业主再次来电", "--within", "1 workday", now="2026-11-20 16:00", user="zhao")
    d = deadlines(office, tid, "2026-11-20 16:00")
    assert d["rework"]["due"] == iso("2026-11-23 16:00")  # Fri -> Mon
    assert d["resolve"]["state"] == "met"  # the first close kept the original target


# ============================================================ pause and resume


def test_pause_and_resume_move_the_resolve_due_time(office):
    tid = complaint(office, "2026-11-20 09:30", "general")
    office.run("pause", tid, "--reason", "等业主提供照片", now="2026-11-20 12:00")
    assert status(office, tid, "2026-11-20 12:00") == "paused"
    d = deadlines(office, tid, "2026-11-25 12:00")
    assert d["resolve"]["state"] == "paused" and d["resolve"]["due"] is None
    assert d["resolve_limit"]["state"] == "paused"
    assert d["first_reply"]["state"] == "missed"  # a pause does not hold the 2-hour first reply
    # while paused, overdue lists only the first reply
    rows = overdue_rows(office, "2026-11-25 12:00")
    assert [(r["deadline"], r["state"]) for r in rows] == [("first_reply", "missed")]
    office.run("resume", tid, now="2026-11-23 12:00")
    assert status(office, tid, "2026-11-23 12:00") == "open"
    d = dues(office, tid, "2026-11-23 12:00")
    # 2.5h counted on Fri before the pause; Mon 12:00-24:00 is 12h; 9.5h more on Tue
    assert d["resolve"] == iso("2026-11-24 09:30")
    # limit 72h: 2.5 + 12 + 24 (Tue) + 24 (Wed) = 62.5, 9.5h on Thu
    assert d["resolve_limit"] == iso("2026-11-26 09:30")


def test_pause_resume_pause_in_the_same_minute(office):
    tid = complaint(office, "2026-11-20 09:30", "general")
    office.run("pause", tid, "--reason", "等配件", now="2026-11-20 10:00")
    office.run("resume", tid, now="2026-11-20 10:00")
    office.run("pause", tid, "--reason", "等配件", now="2026-11-20 10:00")
    d = deadlines(office, tid, "2026-11-24 10:00")
    assert d["resolve"]["state"] == "paused"
    assert office.run("show", tid, "--now", "2026-11-24 10:00").exit_code == 0
    rows = overdue_rows(office, "2026-11-24 10:00")
    assert [(r["deadline"], r["state"]) for r in rows] == [("first_reply", "missed")]


def test_pause_refusals(office):
    tid = complaint(office, "2026-11-20 09:30", "general")
    refused(office, "resume", tid, code=3, now="2026-11-20 10:00")
    office.run("pause", tid, "--reason", "等业主", now="2026-11-20 10:00")
    refused(office, "pause", tid, "--reason", "again", code=3, now="2026-11-20 10:30")


# ============================================================ authority


def test_agent_cannot_cancel(office):
    tid = complaint(office, "2026-11-20 09:30", "general")
    r = refused(office, "cancel", tid, "--reason", "重复登记", code=3, user="li")
    assert "supervisor or director" in r.stderr
    office.run("cancel", tid, "--reason", "重复登记", user="zhao")
    assert status(office, tid, "2026-11-20 09:30") == "cancelled"


def test_escalated_ticket_belongs_to_the_holder(office):
    tid = complaint(office, "2026-11-20 09:30", "general")
    office.run("escalate", tid, "--to", "zhao", "--note", "业主要求主管处理", now="2026-11-20 09:40")
    assert office.json("show", tid)["owner"] == "zhao"
    for agent in ("li", "zhou"):
        r = refused(office, "pause", tid, "--reason", "业主出差", code=3, now="2026-11-20 10:00", user=agent)
        assert "escalated to zhao" in r.stderr
    refused(office, "close", tid, "--result", "x", code=3, now="2026-11-20 10:00", user="li")
    # the owner rings the first responder again: a contact anyone at the desk records
    office.run("reply", tid, "--note", "业主再次来电", now="2026-11-20 09:50", user="li")
    office.run("reply", tid, "--note", "已联系", now="2026-11-20 10:00", user="zhao")
    office.run("close", tid, "--result", "已处理", now="2026-11-20 11:00", user="wang")  # a director may


def test_escalate_to_an_agent_refused(office):
    tid = complaint(office, "2026-11-20 09:30", "general")
    r = refused(office, "escalate", tid, "--to", "zhou", "--note", "x", code=3)
    assert "zhou is an agent" in r.stderr


# ============================================================ impossible steps


def test_callback_before_close_refused(office):
    tid = repair(office, "2026-11-20 09:30")
    refused(office, "callback", tid, "--method", "phone", "--satisfaction", "5", "--note", "x", code=3)


def test_second_callback_refused(office):
    tid = repair(office, "2026-11-20 09:00")
    office.run("dispatch", tid, "--to", "维修部", now="2026-11-20 09:02")
    office.run("close", tid, "--result", "ok", now="2026-11-20 09:20")
    office.run("callback", tid, "--method", "phone", "--satisfaction", "5", "--note", "满意", now="2026-11-20 09:25")
    refused(office, "callback", tid, "--method", "phone", "--satisfaction", "5", "--note", "x", code=3)


def test_cancelled_ticket_cannot_be_closed(office):
    tid = complaint(office, "2026-11-20 09:00", "general")
    office.run("cancel", tid, "--reason", "重复", now="2026-11-20 09:10", user="wang")
    r = refused(office, "close", tid, "--result", "x", code=3, user="wang")
    assert "cancelled" in r.stderr
    assert overdue(office, "2026-12-20 09:00").exit_code == 0  # nothing of it is ever overdue


def test_consultation_cannot_be_dispatched(office):
    tid = new(office, "2026-11-20 09:30", "--type", "consultation", "--unit", "3-2-1502", "--summary", "物业费标准")
    refused(office, "dispatch", tid, "--to", "维修部", code=3)


@pytest.mark.parametrize("value", ["0", "6"])
def test_satisfaction_outside_1_to_5(office, value):
    tid = repair(office, "2026-11-20 09:00")
    office.run("dispatch", tid, "--to", "维修部", now="2026-11-20 09:02")
    office.run("close", tid, "--result", "ok", now="2026-11-20 09:20")
    refused(office, "callback", tid, "--method", "phone", "--satisfaction", value, "--note", "x", code=2)


def test_event_before_intake_refused(office):
    tid = complaint(office, "2026-11-20 09:30", "general")
    r = refused(office, "reply", tid, "--note", "x", "--at", "2026-11-20 09:00", code=3)
    assert "before" in r.stderr


def test_event_in_the_future_refused(office):
    tid = complaint(office, "2026-11-20 09:30", "general")
    refused(office, "reply", tid, "--note", "x", "--at", "2026-11-20 10:00", code=2, now="2026-11-20 09:40")
    refused(office, "intake", "--type", "query", "--unit", "3-2-1502", "--summary", "x",
            "--at", "2026-11-21 09:00", code=2, now="2026-11-20 09:40")


def test_unknown_ticket_department_and_staff(office):
    refused(office, "close", "202611-A099", "--result", "x", code=4)
    refused(office, "show", "not-a-ticket")
    tid = repair(office, "2026-11-20 09:30")
    refused(office, "dispatch", tid, "--to", "财务部", code=2)
    refused(office, "dispatch", tid, "--to", "维修部", "--assignee", "nobody", code=2)
    refused(office, "escalate", tid, "--to", "nobody", "--note", "x", code=2)
    refused(office, "reply", tid, "--note", "x", code=2, user="nobody")


# ============================================================ overdue, callbacks, policy


def test_overdue_silent_then_lines(office):
    a = complaint(office, "2026-09-30 10:00", "general")
    office.run("reply", a, "--note", "已联系", now="2026-09-30 10:30")
    b = complaint(office, "2026-09-30 11:00", "general", unit="5-1-301")
    office.run("reply", b, "--note", "已联系", now="2026-09-30 11:30")
    # during the holiday nothing is overdue: silent, exit 0
    result = overdue(office, "2026-10-05 12:00")
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""
    # a's target (10-08 10:00) passed, b's (10-08 11:00) not yet
    result = overdue(office, "2026-10-08 10:30")
    assert result.exit_code == 1
    body = table_body(result.stdout)
    assert len(body) == 1 and a in body[0] and "resolution" in body[0] and "target passed" in body[0]
    # after both hard limits (Sat 10-10 10:00 and 11:00): two missed and two warned lines, missed first
    result = overdue(office, "2026-10-10 12:00")
    assert result.exit_code == 1
    body = table_body(result.stdout)
    assert len(body) == 4
    assert [line.split()[0] for line in body] == [a, b, a, b]
    assert all("missed" in line for line in body[:2]) and all("target passed" in line for line in body[2:])


def test_overdue_within_lists_due_soon(office):
    a = complaint(office, "2026-09-30 10:00", "general")
    office.run("reply", a, "--note", "已联系", now="2026-09-30 10:30")
    assert overdue(office, "2026-10-08 09:00", "--within", "30m").stdout == ""
    result = overdue(office, "2026-10-08 09:00", "--within", "1h")
    assert result.exit_code == 0  # due soon is not overdue
    body = table_body(result.stdout)
    assert len(body) == 1 and "resolution" in body[0] and "pending" in body[0] and "due soon:" in body[0]
    rows = overdue_rows(office, "2026-10-08 09:00", "--within", "2d")
    # resolve at 10-08 10:00 (60 min left) and resolve_limit at 10-10 10:00 (49h left) is too far
    assert [(r["deadline"], r["minutes_left"]) for r in rows] == [("resolve", 60)]
    rows = overdue_rows(office, "2026-10-08 09:00", "--within", "3d")
    assert [(r["deadline"], r["minutes_left"]) for r in rows] == [("resolve", 60), ("resolve_limit", 49 * 60)]


def test_overdue_json_fields(office):
    tid = complaint(office, "2026-09-30 10:00", "general")
    rows = overdue_rows(office, "2026-10-08 10:30")
    assert [(r["deadline"], r["state"]) for r in rows] == [("first_reply", "missed"), ("resolve", "warned")]
    first, resolve = rows
    assert first == {
        **first, "ticket": tid, "type": "complaint", "type_zh": "投诉", "grade": "general", "unit": "3-2-1502",
        "level": "limit", "due": iso("2026-09-30 12:00"), "owner": "li", "department": "",
        "minutes_late": (7 * 24 + 22) * 60 + 30,  # 09-30 12:00 -> 10-08 10:30 "minutes_left": None, "left": "",
    }
    assert resolve["level"] == "target" and resolve["due"] == iso("2026-10-08 10:00")
    assert resolve["minutes_late"] == 30 and resolve["late_by"] == "30m"
    assert "002 第十二条" in resolve["action"]
    # json with nothing overdue: an empty list and exit 0
    result = overdue(office, "2026-09-30 10:30", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_callbacks_list_and_due(office):
    a = repair(office, "2026-11-20 09:00")
    office.run("dispatch", a, "--to", "维修部", now="2026-11-20 09:02")
    office.run("close", a, "--result", "已修好", now="2026-11-20 11:00")
    b = complaint(office, "2026-11-20 09:30", "general", unit="5-1-301")
    office.run("close", b, "--result", "已处理", now="2026-11-20 12:00")
    rows = office.json("callbacks", "--now", "2026-11-20 13:00")
    # repair: 2 days -> 11-22 11:00; complaint: 3 days -> 11-23 12:00
    assert [(r["ticket"], r["due"], r["state"]) for r in rows] == [
        (a, iso("2026-11-22 11:00"), "pending"), (b, iso("2026-11-23 12:00"), "pending")]
    assert rows[0]["closed_at"] == iso("2026-11-20 11:00") and rows[0]["result"] == "已修好"
    # --due on 11-20: nothing due by the end of today, and it says what is owed later
    result = office.run("callbacks", "--due", "--now", "2026-11-20 13:00")
    assert result.stdout.strip() == "no callbacks due today; 2 owed later, the first due Sun 22 Nov 11:00"
    # on 11-22 the repair callback is due today; on 11-23 the repair one is late and the complaint one due
    assert [r["ticket"] for r in office.json("callbacks", "--due", "--now", "2026-11-22 08:00")] == [a]
    rows = office.json("callbacks", "--due", "--now", "2026-11-23 08:00")
    assert [(r["ticket"], r["state"]) for r in rows] == [(a, "missed"), (b, "pending")]
    office.run("callback", a, "--method", "phone", "--satisfaction", "5", "--note", "满意", now="2026-11-23 09:00")
    assert [r["ticket"] for r in office.json("callbacks", "--now", "2026-11-23 09:00")] == [b]


def test_callbacks_due_includes_one_falling_due_at_midnight(office):
    # leak test entered as a bare date: 11-19 00:00; callback due 3 days later, 11-22 00:00,
    # which is the end of 11-21: on 11-21 it is due today.
    tid = repair(office, "2026-11-16 09:00", "--category", "leak")
    office.run("dispatch", tid, "--to", "维修部", now="2026-11-16 09:02")
    office.run("close", tid, "--result", "防水处理", "--leak-test-at", "2026-11-19", now="2026-11-20 10:00")
    assert dues(office, tid, "2026-11-20 10:00")["callback"] == iso("2026-11-22 00:00")
    assert office.json("callbacks", "--due", "--now", "2026-11-20 23:00") == []
    assert [r["ticket"] for r in office.json("callbacks", "--due", "--now", "2026-11-21 09:00")] == [tid]


def test_policy_output(office):
    result = office.run("policy", now="2026-11-20 09:30")
    assert "complaint scheme: standard" in result.stdout
    lines = result.stdout.splitlines()
    general = [line for line in lines if line.startswith("complaint: general")]
    assert any("resolution limit" in line and "3 workdays" in line for line in general)
    assert any(line.startswith("repair: leak") and "leak test" in line and "3 days" in line for line in lines)
    # 2027 has no published schedule: the office is warned
    notes = [line for line in lines if line.startswith("note:")]
    assert len(notes) == 1 and "2027" in notes[0]
    data = office.json("policy", now="2026-11-20 09:30")
    assert data["complaint_scheme"] == "standard" and data["timezone"] == "Asia/Shanghai"
    assert data["schedule_published"] == {"2026": True, "2027": False}
    assert {"applies_to", "deadline", "from", "within", "until", "level", "pausable", "source"} <= set(data["deadlines"][0])


def test_show_json_deadlines_array(office):
    tid = complaint(office, "2026-11-20 09:30", "general")
    office.run("reply", tid, "--note", "已联系", now="2026-11-20 10:00")
    data = office.json("show", tid, "--now", "2026-11-23 10:00")
    assert [d["name"] for d in data["deadlines"]] == ["first_reply", "resolve", "resolve_limit"]
    first, resolve, limit = data["deadlines"]
    assert first == {"name": "first_reply", "level": "limit", "due": iso("2026-11-20 11:30"), "state": "met",
                     "stopped_at": iso("2026-11-20 10:00"), "minutes_left": None, "minutes_late": None,
                     "source": "002 第十一条", "action": None}
    assert resolve["state"] == "warned" and resolve["minutes_late"] == 30 and resolve["action"]
    assert limit["state"] == "pending" and limit["due"] == iso("2026-11-25 09:30")
    assert limit["minutes_left"] == 2 * 24 * 60 - 30 and limit["action"] is None


# ============================================================ a real process


def test_real_subprocess_overdue_after_national_day(office):
    proc = office.subprocess("intake", "--type", "complaint", "--grade", "general", "--unit", "3-2-1502",
                             "--summary", "电梯噪音", "--lang", "zh", now="2026-09-30 10:00")
    assert proc.returncode == 0, proc.stderr
    tid, sentence = proc.stdout.splitlines()
    assert "10月8日（星期四）10:00" in sentence
    office.run("reply", tid, "--note", "已联系", now="2026-09-30 10:30")  # a step on the way: no process needed
    quiet = office.subprocess("overdue", now="2026-10-07 23:59")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    loud = office.subprocess("overdue", "--format", "csv", now="2026-10-10 10:01")
    assert loud.returncode == 1
    lines = loud.stdout.splitlines()
    assert len(lines) == 3  # header + resolve_limit missed + resolve warned
    assert lines[1].startswith(f"{tid},") and ",resolve_limit,limit,missed," in lines[1]
    assert ",resolve,target,warned," in lines[2]
    before = office.commits()
    bad = office.subprocess("cancel", tid, "--reason", "x", now="2026-10-10 10:02", user="li")
    assert bad.returncode == 3 and len(bad.stderr.splitlines()) == 1 and office.commits() == before


def test_due_date_given_as_a_bare_day_means_the_end_of_that_day(office):
    # the customer asks for it "by the 25th": the resolve deadline becomes 11-25 24:00 and
    # the confirmation promises the whole of 11月25日, neither its first minute nor "before" it
    out = office.run("intake", "--type", "complaint", "--grade", "general", "--unit", "3-2-1502",
                     "--summary", "绿化修剪", "--due", "2026-11-25", "--lang", "zh").stdout.splitlines()
    deadlines = {d["name"]: d["due"] for d in office.json("show", out[0])["deadlines"]}
    assert deadlines["resolve"] == "2026-11-26T00:00:00+08:00"
    assert "最迟在11月25日（星期三）将处理结果答复给您" in out[1]
    refused = office.fails("intake", "--type", "query", "--unit", "3-2-1502", "--summary", "水费", "--due", "2026-11-25")
    assert "a query has none" in refused.stderr


def test_an_appointment_is_kept_when_staff_arrive_on_time(office):
    tid = office.intake("--type", "appointment", "--unit", "3-2-1502", "--appointment", "2026-11-20 14:00",
                        "--summary", "上门量房")
    office.run("dispatch", tid, "--to", "工程部", now="2026-11-20 10:00")
    office.run("arrive", tid, now="2026-11-20 13:58")
    appointment = [d for d in office.json("show", tid, now="2026-11-20 15:00")["deadlines"] if d["name"] == "appointment"]
    assert appointment[0]["state"] == "met" and appointment[0]["stopped_at"] == "2026-11-20T13:58:00+08:00"
