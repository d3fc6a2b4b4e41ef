"""Times, lengths, scores, staff and tickets typed the way a Chinese desk types them, through
the real CLI with the clock pinned on the eve of the National Day holiday (Wednesday
2026-09-30; 10-01 to 10-07 off, Saturday 10-10 worked), and the refusals that name the
readings of what could be meant two ways."""
from __future__ import annotations

import json

import pytest

from conftest import copy_of, made_once

NOW = "2026-09-30 16:00"


def _fill(office):
    office.now = NOW
    return office.intake("--type", "repair", "--unit", "3-2-1502", "--summary", "厨房水管漏水", "--at", "下午2点",
                         "--format", "id")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return made_once(tmp_path_factory, "chinese-input", _fill)


@pytest.fixture
def desk(template, tmp_path):
    office, ticket = copy_of(template, tmp_path)
    office.now = NOW
    return office, ticket


def _show(office, ticket, **kw) -> dict:
    return json.loads(office.run("show", ticket, "--format", "json", **kw).stdout)


def _last(office, ticket) -> dict:
    return _show(office, ticket)["events"][-1]


def _due(office, ticket, name) -> str:
    return next(d["due"] for d in _show(office, ticket)["deadlines"] if d["name"] == name)


# Typed at 2026-09-30 16:00 (office time) for a time that has passed.
PAST = [
    ("今天 15:00", "2026-09-30T15:00:00+08:00"),
    ("今天15:00", "2026-09-30T15:00:00+08:00"),
    ("上午9:10", "2026-09-30T09:10:00+08:00"),
    ("9点", "2026-09-30T09:00:00+08:00"),
    ("9点半", "2026-09-30T09:30:00+08:00"),
    ("9时10分", "2026-09-30T09:10:00+08:00"),
    ("15时10分", "2026-09-30T15:10:00+08:00"),
    ("今天上午十点", "2026-09-30T10:00:00+08:00"),
    ("下午两点半", "2026-09-30T14:30:00+08:00"),
    ("昨天下午3点半", "2026-09-29T15:30:00+08:00"),
    ("昨天晚上8点", "2026-09-29T20:00:00+08:00"),
    ("9月29日 9:10", "2026-09-29T09:10:00+08:00"),
    ("9月29号上午9点", "2026-09-29T09:00:00+08:00"),
    ("2026.9.28 9:10", "2026-09-28T09:10:00+08:00"),
    ("２０２６年９月２８日　９：１０", "2026-09-28T09:10:00+08:00"),
    ("９点半", "2026-09-30T09:30:00+08:00"),
    ("2026-09-28 09:10", "2026-09-28T09:10:00+08:00"),  # the forms read before stay as they were
    ("2026-09-28T09:10+08:00", "2026-09-28T09:10:00+08:00"),
]


def test_every_chinese_form_of_a_past_time_is_read_as_the_desk_means_it(desk):
    office, _ = desk
    for typed, expected in PAST:
        ticket = office.intake("--type", "query", "--unit", "3-2-1502", "--summary", "询问停水时间",
                               "--at", typed, "--force", "--format", "id")
        assert _show(office, ticket)["received_at"] == expected, typed


def test_an_appointment_typed_for_tomorrow_morning_falls_on_the_holiday(desk):
    office, ticket = desk
    office.run("dispatch", ticket, "--to", "维修部", "--appointment", "明天上午9点", "--at", "今天下午3点")
    shown = _show(office, ticket)
    assert shown["appointment_at"] or _last(office, ticket)["appointment_at"] == "2026-10-01T09:00:00+08:00"
    assert _last(office, ticket)["at"] == "2026-09-30T15:00:00+08:00"


def _closed(office, ticket):
    office.run("dispatch", ticket, "--to", "维修部", "--at", "15:00")
    office.run("close", ticket, "--result", "已更换水管", "--at", "15:30")


@pytest.mark.parametrize("within, due", [
    ("3个工作日", "2026-10-10T16:00:00+08:00"),  # over the holiday to the Saturday worked
    ("两小时", "2026-09-30T18:00:00+08:00"),
    ("半天", "2026-10-01T04:00:00+08:00"),
    ("一个半小时", "2026-09-30T17:30:00+08:00"),
])
def test_a_rework_deadline_typed_in_chinese_runs_over_the_holiday(desk, within, due):
    office, ticket = desk
    _closed(office, ticket)
    office.run("callback", ticket, "--method", "电话", "--satisfaction", "不满意", "--note", "仍漏水",
               "--unresolved", "--within", within)
    assert _due(office, ticket, "rework") == due
    reopen = _last(office, ticket)
    assert reopen["event"] == "reopen"
    assert reopen["within"] in ("3 workdays", "2 hours", "12 hours", "90 minutes")  # the record holds one spelling


@pytest.mark.parametrize("word, score", [("非常满意", 5), ("满意", 4), ("一般", 3), ("不满意", 2), ("非常不满意", 1),
                                         ("５", 5)])
def test_satisfaction_words_are_the_five_points(desk, word, score):
    office, ticket = desk
    _closed(office, ticket)
    office.run("callback", ticket, "--method", "phone", "--satisfaction", word, "--note", "业主认可")
    assert _last(office, ticket)["satisfaction"] == score


def test_a_satisfaction_that_is_no_score_is_refused_in_one_line(desk):
    office, ticket = desk
    _closed(office, ticket)
    before = office.commits()
    result = office.fails("callback", ticket, "--method", "phone", "--satisfaction", "还行", "--note", "x")
    assert "还行" in result.stderr and "Traceback" not in result.stderr
    assert office.commits() == before


def test_staff_are_taken_by_their_chinese_names(desk):
    office, ticket = desk
    office.run("dispatch", ticket, "--to", "维修部", "--assignee", "周师傅", "--at", "15:00", user="李娜")
    dispatch = _last(office, ticket)
    assert (dispatch["by"], dispatch["assignee"]) == ("li", "zhou")
    office.run("escalate", ticket, "--to", "赵强", "--note", "业主要求主管处理", user="李娜")
    assert _show(office, ticket)["escalated_to"] == "zhao"
    office.run("--as", "赵强", "reply", ticket, "--note", "已联系业主", user="nobody")
    assert _last(office, ticket)["by"] == "zhao"


def test_a_name_two_staff_share_is_refused_with_both_ids(desk):
    office, ticket = desk
    office.run("staff", "add", "zhaoq", "--name", "赵强", "--role", "director", user="wang")
    before = office.commits()
    result = office.fails("escalate", ticket, "--to", "赵强", "--note", "业主要求主管处理")
    assert "zhao (赵强)" in result.stderr and "zhaoq (赵强)" in result.stderr
    assert office.commits() == before
    result = office.fails("reply", ticket, "--note", "x", user="赵强")
    assert "zhao (赵强)" in result.stderr and "zhaoq (赵强)" in result.stderr
    office.run("escalate", ticket, "--to", "zhaoq", "--note", "业主要求主任处理")


def test_a_handover_goes_to_a_person_named_in_chinese(desk):
    office, _ = desk
    office.run("handover", "--record", "--to", "赵强", "--note", "交接")
    handovers = list((office.root / "handovers").rglob("*.yaml"))
    assert "to: zhao" in handovers[0].read_text(encoding="utf-8")


def test_a_ticket_is_found_by_its_serial_in_this_month(desk):
    office, ticket = desk
    assert ticket.startswith("202609-A")
    serial = ticket.split("-")[1]
    assert _show(office, serial.lower())["id"] == ticket
    office.run("reply", serial, "--note", "业主来电催促")
    assert _last(office, ticket)["note"] == "业主来电催促"
    # In October the same serial is October's ticket, which does not exist.
    result = office.fails("show", serial, now="2026-10-08 09:00")
    assert f"202610-{serial}" in result.stderr


@pytest.mark.parametrize("typed, readings", [
    ("3点", ("03:00", "15:00")),
    ("今天3点半", ("03:30", "15:30")),
])
def test_an_hour_that_could_be_night_or_afternoon_is_refused_with_both(desk, typed, readings):
    office, ticket = desk
    before = office.commits()
    result = office.fails("reply", ticket, "--note", "回电", "--at", typed)
    assert all(r in result.stderr for r in readings) and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert office.commits() == before


@pytest.mark.parametrize("typed", ["上午15点", "明天上午", "25点", "9点70分", "2026.13.4 9:10", "0930"])
def test_a_time_that_does_not_exist_is_refused(desk, typed):
    office, ticket = desk
    result = office.fails("reply", ticket, "--note", "回电", "--at", typed)
    assert typed in result.stderr and "Traceback" not in result.stderr


def test_overdue_reads_its_look_ahead_in_chinese(desk):
    office, _ = desk
    query = office.intake("--type", "query", "--unit", "5-1-301", "--summary", "询问物业费", "--at", "15时55分",
                          "--format", "id")  # its answer is due 16:10
    soon = office.run("overdue", "--within", "半小时", "--format", "json", ok=False).stdout
    assert query in soon
    later = office.run("overdue", "--within", "五分钟", "--format", "json", ok=False).stdout
    assert query not in later


def test_the_messages_are_chinese_on_a_chinese_desk(desk):
    office, ticket = desk
    office.lang = "zh"
    result = office.fails("reply", ticket, "--note", "回电", "--at", "3点")
    assert "凌晨3点" in result.stderr and "could be" not in result.stderr
