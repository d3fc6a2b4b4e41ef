"""Reports: a month of tickets with pinned times, every figure worked out by hand.

The office (conftest) has wang (director), zhao (supervisor), li and zhou (agents), and two
customers: C-A001 at 3-2-1502 (building 3) and C-A002 at 5-1-301 (building 5); svcctl.yaml
says 400 households. November 2026 starts on a Sunday; no holiday falls in it.

    T1 repair 3-2-1502   10-29 09:00, dispatched 09:03, closed 10-29 12:00; callback due 10-31 12:00,
                         made 11-02 09:00 (score 3): due in October, made in November
    T2 query             10-31 23:45, answered 11-01 00:00: due exactly at the month boundary, met
                         at the very second it is due
    T3 consultation      11-02 09:00, answered on the spot
    T4 repair 5-1-301    11-03 09:00, dispatched 09:02, closed 15:00; callback 11-04 10:00 finds it
                         unresolved (score 2) and reopens it (rework due 11-09 10:00); closed again
                         11-05 16:00; callback 11-06 09:00 (score 4)
    T5 repair 5-1-301    11-17 10:00, dispatched 10:10 (5 minutes late), closed 14:00; no callback
                         (due 11-19 14:00)
    T6 complaint general 11-09 09:00, no reply by 11:00 (missed), cancelled 12:00 as a duplicate
    T7 complaint general 11-18 10:00, replied 10:30, dispatched 10:40 to 保洁部, paused 14:00 for good
    T8 complaint simple  11-20 15:00, closed 15:03, callback 11-21 10:00 (score 5)
    T9 complaint general 11-25 09:00, replied 09:30, escalated to zhao 10:00, closed by zhao 16:00;
                         callback due 11-28 16:00 made by zhao 11-30 10:00 (late, score 4)
    T10 repair 5-1-301   11-30 10:00, dispatched 10:01, closed 17:00; callback 12-01 09:00 (score 5)
    T11 query            11-30 23:45, not answered (reply due 12-01 00:00: December's)
"""
from __future__ import annotations

import json
import re

import pytest

from conftest import Office, copy_of, edit, git, made_once



def at(office, when, *args, user="li"):
    return office.run(*args, now=when, user=user)


def intake(office, when, *args, user="li"):
    return office.run("intake", *args, now=when, user=user).stdout.splitlines()[0]


@pytest.fixture(scope="module")
def month_template(tmp_path_factory):
    """The office with the eleven tickets above, made once; each test gets its own copy."""
    return made_once(tmp_path_factory, "month", _november)


@pytest.fixture
def month(month_template, tmp_path):
    return copy_of(month_template, tmp_path, lang=None)


def _november(office) -> dict:
    edit(office.root / "svcctl.yaml", "timezone:", "households: 400\ntimezone:")
    office.run("commit", "-m", "户数", user="wang", now="2026-10-01 08:00")
    o, ids = office, {}
    ids["T1"] = intake(o, "2026-10-29 09:00", "--type", "repair", "--customer", "C-A001", "--summary", "门锁损坏")
    at(o, "2026-10-29 09:03", "dispatch", ids["T1"], "--to", "维修部", "--assignee", "zhou")
    at(o, "2026-10-29 12:00", "close", ids["T1"], "--result", "更换锁芯")
    ids["T2"] = intake(o, "2026-10-31 23:45", "--type", "query", "--customer", "C-A002", "--summary", "查询水费")
    at(o, "2026-11-01 00:00", "close", ids["T2"], "--result", "已告知")
    at(o, "2026-11-02 09:00", "callback", ids["T1"], "--method", "phone", "--satisfaction", "3", "--note", "一般")
    ids["T3"] = intake(o, "2026-11-02 09:00", "--type", "consultation", "--customer", "C-A002",
                       "--summary", "物业费标准", "--answer", "已告知")
    ids["T4"] = intake(o, "2026-11-03 09:00", "--type", "repair", "--customer", "C-A002", "--summary", "水龙头漏水")
    at(o, "2026-11-03 09:02", "dispatch", ids["T4"], "--to", "维修部", "--assignee", "zhou")
    at(o, "2026-11-03 15:00", "close", ids["T4"], "--result", "更换阀芯")
    at(o, "2026-11-04 10:00", "callback", ids["T4"], "--method", "phone", "--satisfaction", "2",
       "--note", "仍漏水", "--unresolved")
    at(o, "2026-11-05 16:00", "close", ids["T4"], "--result", "更换水龙头")
    at(o, "2026-11-06 09:00", "callback", ids["T4"], "--method", "phone", "--satisfaction", "4", "--note", "已修好")
    ids["T6"] = intake(o, "2026-11-09 09:00", "--type", "complaint", "--grade", "general", "--customer", "C-A001",
                       "--summary", "电梯噪音")
    at(o, "2026-11-09 12:00", "cancel", ids["T6"], "--reason", "重复登记", user="zhao")
    ids["T5"] = intake(o, "2026-11-17 10:00", "--type", "repair", "--customer", "C-A002", "--summary", "水管漏水")
    at(o, "2026-11-17 10:10", "dispatch", ids["T5"], "--to", "维修部")
    at(o, "2026-11-17 14:00", "close", ids["T5"], "--result", "已修复")
    ids["T7"] = intake(o, "2026-11-18 10:00", "--type", "complaint", "--grade", "general", "--customer", "C-A002",
                       "--summary", "垃圾清运不及时")
    at(o, "2026-11-18 10:30", "reply", ids["T7"], "--note", "已致歉")
    at(o, "2026-11-18 10:40", "dispatch", ids["T7"], "--to", "保洁部")
    at(o, "2026-11-18 14:00", "pause", ids["T7"], "--reason", "业主外出，电话13800138000")
    ids["T8"] = intake(o, "2026-11-20 15:00", "--type", "complaint", "--grade", "simple", "--customer", "C-A001",
                       "--summary", "保安态度差")
    at(o, "2026-11-20 15:03", "close", ids["T8"], "--result", "当场道歉")
    at(o, "2026-11-21 10:00", "callback", ids["T8"], "--method", "phone", "--satisfaction", "5", "--note", "满意")
    ids["T9"] = intake(o, "2026-11-25 09:00", "--type", "complaint", "--grade", "general", "--customer", "C-A001",
                       "--summary", "楼道灯不亮")
    at(o, "2026-11-25 09:30", "reply", ids["T9"], "--note", "已安排")
    at(o, "2026-11-25 10:00", "escalate", ids["T9"], "--to", "zhao", "--note", "请主管处理")
    at(o, "2026-11-25 16:00", "close", ids["T9"], "--result", "已更换灯具", user="zhao")
    at(o, "2026-11-30 10:00", "callback", ids["T9"], "--method", "phone", "--satisfaction", "4", "--note", "满意",
       user="zhao")
    ids["T10"] = intake(o, "2026-11-30 10:00", "--type", "repair", "--customer", "C-A002", "--summary", "水管又漏")
    at(o, "2026-11-30 10:01", "dispatch", ids["T10"], "--to", "维修部")
    at(o, "2026-11-30 17:00", "close", ids["T10"], "--result", "更换水管")
    ids["T11"] = intake(o, "2026-11-30 23:45", "--type", "query", "--customer", "C-A001", "--summary", "查询车位")
    at(o, "2026-12-01 09:00", "callback", ids["T10"], "--method", "phone", "--satisfaction", "5", "--note", "满意")
    return ids


def rate(n, total, percent):
    return {"n": n, "total": total, "percent": percent}


def by(rows, key):
    return {r[key]: (r["n"], r["total"]) for r in rows if r["total"]}


def test_monthly_report_figures_worked_out_by_hand(month):
    o, ids = month
    t = {v: k for k, v in ids.items()}
    r = o.json("report", "monthly", "--month", "2026-11", now="2026-12-05 10:00")
    assert r["period"] == {"kind": "month", "key": "2026-11", "start": "2026-11-01T00:00:00+08:00",
                           "end": "2026-12-01T00:00:00+08:00"}
    assert r["running"] is False and r["read_at"] == "2026-12-01T00:00:00+08:00"

    # On time: 18 deadlines fell due in November, 4 missed (T5 dispatch and callback, T6's first
    # reply before its cancel, T9's callback). T2's reply is due at 11-01 00:00 and met at that second;
    # T11's, due 12-01 00:00, is December's; T6's resolve deadlines fell after the cancel: left out.
    on = r["on_time"]
    assert on["overall"] == rate(14, 18, 77.8)
    assert by(on["by_deadline"], "deadline") == {
        "reply": (2, 2), "first_reply": (3, 4), "dispatch": (2, 3), "resolve": (2, 2), "resolve_limit": (1, 1),
        "rework": (1, 1), "callback": (3, 5)}
    assert [row["deadline"] for row in on["by_deadline"]] == [
        "reply", "first_reply", "dispatch", "arrival", "escalate", "forward", "answer", "appointment",
        "resolve", "resolve_limit", "rework", "callback"]
    # T5 was dispatched after its dispatch deadline: at the due time it had no department yet.
    assert by(on["by_department"], "department") == {None: (8, 11), "维修部": (5, 6), "保洁部": (1, 1)}
    # T9 was escalated to zhao at 10:00, before its first reply fell due at 11:00.
    assert by(on["by_staff"], "staff") == {"li": (11, 14), "zhao": (3, 4)}
    assert [(t[m["ticket"]], m["deadline"], m["due"], m["stopped_at"], m["owner"], m["cancelled"])
            for m in on["missed"]] == [
        ("T6", "first_reply", "2026-11-09T11:00:00+08:00", None, "li", True),
        ("T5", "dispatch", "2026-11-17T10:05:00+08:00", "2026-11-17T10:10:00+08:00", "li", False),
        ("T5", "callback", "2026-11-19T14:00:00+08:00", None, "li", False),
        ("T9", "callback", "2026-11-28T16:00:00+08:00", "2026-11-30T10:00:00+08:00", "zhao", False),
    ]

    # Callbacks per ticket: T4 (two callbacks due, both made in time) counts once; T1's was due in
    # October, T10's in December.
    cb = r["callbacks"]
    assert cb["rate"] == rate(2, 4, 50.0) and cb["paid"] == rate(0, 0, None)
    assert [(t[m["ticket"]], m["due"], m["made_at"]) for m in cb["missing"]] == [
        ("T5", "2026-11-19T14:00:00+08:00", None),
        ("T9", "2026-11-28T16:00:00+08:00", "2026-11-30T10:00:00+08:00")]

    # Satisfaction: the five callbacks made in November (T1's late one included): 3, 2, 4, 5, 4.
    s = r["satisfaction"]
    assert s["scores"] == {"1": 0, "2": 1, "3": 1, "4": 2, "5": 1}
    assert (s["callbacks"], s["scored"], s["average"]) == (5, 5, 3.6)
    assert s["by_closer"] == [{"staff": "li", "callbacks": 4, "average": 3.5},
                              {"staff": "zhao", "callbacks": 1, "average": 4.0}]
    assert [t[i] for i in s["unresolved"]] == ["T4"] and [t[i] for i in s["reopened"]] == ["T4"]

    # First-time fix: T4 (reopened the next day), T5, T10 first closed in November; T10's 14 days
    # run to 12-14 17:00, so the figure is provisional on 12-05.
    ff = r["first_fix"]
    assert (ff["n"], ff["total"], ff["percent"]) == (2, 3, 66.7)
    assert ff["provisional_until"] == "2026-12-14T17:00:00+08:00" and [t[i] for i in ff["reopened"]] == ["T4"]

    v = r["volume"]
    assert v["received"] == 9 and v["finished"] == 8 and [t[i] for i in v["cancelled"]] == ["T6"]
    assert {x["type"]: x["count"] for x in v["by_type"]} == {"consultation": 1, "query": 1, "complaint": 4, "repair": 3}
    assert {x["grade"]: x["count"] for x in v["by_grade"]} == {"general": 3, "simple": 1}
    assert {x["department"]: x["count"] for x in v["by_department"]} == {None: 5, "维修部": 3, "保洁部": 1}
    assert v["by_staff"] == [{"staff": "li", "count": 9}] and v["by_channel"] == [{"channel": "phone", "count": 9}]

    c = r["complaints"]
    assert (c["received"], c["valid"], c["households"], c["per_100_households"]) == (4, 3, 400, 0.75)
    assert (c["carried_over"], c["new"], c["finished"], c["cancelled"]) == (0, 4, 2, 1)
    assert [(t[x["ticket"]], x["age_days"], x["reason"], x["detail"]) for x in c["open_at_end"]] == [
        ("T7", 12, "paused", "业主外出，电话138****8000")]

    # Recurring: three repairs at 5-1-301 (T4, T5, T10); complaints in building 3 (T8, T9; the
    # cancelled duplicate T6 does not count). A complaint names its building, never its unit.
    assert [(x["kind"], x["place"], [t[i["id"]] for i in x["tickets"]]) for x in r["recurring"]] == [
        ("repair", "5-1-301", ["T4", "T5", "T10"]), ("complaint", "3", ["T8", "T9"])]

    b = r["backlog"]
    assert b["open"] == 2 and [x["count"] for x in b["by_age"]] == [1, 0, 0, 1, 0]  # T11 (0 days), T7 (12)
    assert (b["received"], b["finished"], b["net"]) == (9, 8, 1)
    assert [(t[x["ticket"]], x["state"]) for x in b["callbacks_owed"]] == [("T5", "missed"), ("T10", "pending")]

    # Against October, read as of its own end: T1 dispatched in time, its callback not made by
    # 10-31 12:00; T2 still open at midnight.
    assert r["previous"] == {"period": "2026-10", "received": 2, "on_time": rate(1, 2, 50.0),
                             "callbacks": rate(0, 1, 0.0), "satisfaction": None, "first_fix": rate(1, 1, 100.0),
                             "complaints": 0, "complaints_per_100": 0.0, "backlog": 1}
    assert r["headline"]["on_time"] == rate(14, 18, 77.8) and r["headline"]["backlog"] == 2
    assert [p["period"] for p in r["trend"]] == ["2026-10", "2026-11"]  # nothing on file before October


def test_weekly_report_figures_worked_out_by_hand(month):
    o, ids = month
    t = {v: k for k, v in ids.items()}
    r = o.json("report", "weekly", "--week", "2026-W47", now="2026-12-05 10:00")
    assert (r["period"]["start"], r["period"]["end"]) == ("2026-11-16T00:00:00+08:00", "2026-11-23T00:00:00+08:00")
    # Due in the week: T5 dispatch (missed) and callback (missed), T7 first reply, T8 first reply
    # and resolve. T8's callback falls due on Monday 11-23 15:03: next week's.
    assert r["on_time"]["overall"] == rate(3, 5, 60.0)
    assert by(r["on_time"]["by_deadline"], "deadline") == {
        "first_reply": (2, 2), "dispatch": (0, 1), "resolve": (1, 1), "callback": (0, 1)}
    assert r["callbacks"]["rate"] == rate(0, 1, 0.0)
    assert [t[m["ticket"]] for m in r["callbacks"]["missing"]] == ["T5"]
    s = r["satisfaction"]
    assert (s["callbacks"], s["average"], s["scores"]["5"]) == (1, 5.0, 1)
    assert (r["first_fix"]["n"], r["first_fix"]["total"], r["first_fix"]["provisional_until"]) == (1, 1, None)
    v = r["volume"]
    assert (v["received"], v["finished"], v["cancelled"]) == (3, 2, [])
    assert {x["type"]: x["count"] for x in v["by_type"]} == {"complaint": 2, "repair": 1}
    c = r["complaints"]
    assert (c["received"], c["valid"], c["per_100_households"], c["carried_over"], c["finished"]) == (2, 2, 0.5, 0, 1)
    assert [(t[x["ticket"]], x["age_days"]) for x in c["open_at_end"]] == [("T7", 4)]
    assert [(x["kind"], [t[i["id"]] for i in x["tickets"]]) for x in r["recurring"]] == [("repair", ["T4", "T5"])]
    b = r["backlog"]
    assert (b["open"], [x["count"] for x in b["by_age"]], b["net"]) == (1, [0, 0, 1, 0, 0], 1)
    assert [(t[x["ticket"]], x["state"]) for x in b["callbacks_owed"]] == [("T5", "missed")]  # T8's made 11-21
    assert r["previous"]["period"] == "2026-W46" and r["previous"]["received"] == 1  # T6


def test_an_ended_month_gives_the_same_report_after_later_events(month):
    o, ids = month
    args = ("report", "monthly", "--month", "2026-11")
    before = {fmt: o.run(*args, "--format", fmt, now="2026-12-20 09:00").stdout
              for fmt in ("table", "json", "csv", "markdown", "html")}
    assert json.loads(before["json"])["first_fix"]["provisional_until"] is None  # every window has passed
    # December: T7 resumed and closed, T5 called back at last, T11 answered, T10 reopened (after
    # its 14-day window), a new complaint in building 3.
    at(o, "2026-12-21 09:00", "resume", ids["T7"])
    at(o, "2026-12-21 09:30", "close", ids["T7"], "--result", "已清运")
    at(o, "2026-12-21 10:00", "callback", ids["T5"], "--method", "phone", "--satisfaction", "1", "--note", "太晚")
    at(o, "2026-12-21 10:30", "close", ids["T11"], "--result", "已告知")
    at(o, "2026-12-21 11:00", "reopen", ids["T10"], "--note", "又漏了")
    intake(o, "2026-12-21 11:30", "--type", "complaint", "--grade", "simple", "--customer", "C-A001", "--summary", "噪音")
    o.run("staff", "add", "qian", "--name", "钱新", "--role", "agent", user="wang", now="2026-12-21 12:00")  # a new hire
    after = {fmt: o.run(*args, "--format", fmt, now="2026-12-22 09:00").stdout for fmt in before}
    assert after == before
    # ...while December's own report sees them.
    dec = o.json("report", "monthly", "--month", "2026-12", now="2026-12-22 09:00")
    assert dec["running"] is True and dec["headline"]["received"] == 1


def test_report_text_is_chinese_with_rates_targets_and_definitions(month):
    o, ids = month
    out = o.run("report", "monthly", "--month", "2026-11", now="2026-12-05 10:00").stdout
    assert "月报" in out and "2026-11 (2026-11-01 至 2026-11-30)" in out
    assert re.search(r"回访率\s+2/4 50\.0% \[目标 100%\]\s+0/1 0\.0%\s+▲ 50\.0 个百分点", out)
    assert re.search(r"满意度（5分制均分）\s+3\.60\s+—\s+—", out)
    assert "一次修复率为暂定数，至 2026-12-14 17:00 确定。" in out
    assert re.search(r"到场\s+0/0 —", out)  # a kind with nothing due: n/N and a dash
    assert "名词解释" in out and "匿名业主" in out and "18" in out
    assert "13800138000" not in out and "138****8000" in out
    assert "陈先生" not in out and "林女士" not in out and "3-2-1502" not in out  # complaints stay anonymous
    english = o.run("--lang", "en", "report", "monthly", "--month", "2026-11", now="2026-12-05 10:00").stdout
    assert "Monthly report" in english and "Callback rate" in english and "[target 100%]" in english
    assert "Definitions" in english and "月报" not in english


def test_html_report_is_one_self_contained_printable_file(month, tmp_path):
    o, _ = month
    target = tmp_path / "月报.html"
    result = o.run("report", "monthly", "--month", "2026-11", "--format", "html", "-o", target, now="2026-12-05 10:00")
    assert result.stdout == ""
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "</html>" in page
    assert "<script" not in page.lower() and not re.search(r"https?://", page)
    assert "<link" not in page.lower() and "@import" not in page and "url(" not in page
    assert "<svg" in page and "<polyline" in page and "@page" in page and "A4" in page
    assert "Noto Sans CJK SC" in page and "名词解释" in page
    # The summary comes first, then the exception lists, then the tables.
    order = [page.index(word) for word in ("概要", "异常清单", "未按时回访", "超时事项", "重复发生的问题",
                                           "期末未办结投诉", "按时限类别", "名词解释")]
    assert order == sorted(order)
    assert "13800138000" not in page and "3-2-1502" not in page


def test_the_format_follows_the_file_ending_and_takes_chinese_names(month, tmp_path):
    o, _ = month
    for name, start in (("r.html", "<!DOCTYPE html>"), ("r.csv", "\ufeff部分,代码,指标,"), ("r.json", "{")):
        o.run("report", "monthly", "--month", "2026-11", "-o", tmp_path / name, now="2026-12-05 10:00")
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(start), name
    table = o.run("report", "monthly", "--month", "2026-11", "--format", "表格", now="2026-12-05 10:00").stdout
    assert table == o.run("report", "monthly", "--month", "2026-11", now="2026-12-05 10:00").stdout
    missing = o.fails("report", "monthly", "--month", "2026-11", "-o", tmp_path / "no" / "r.html")
    assert missing.exit_code == 2 and "不存在" in missing.stderr and not (tmp_path / "no").exists()


def test_record_text_cannot_inject_markup_into_the_html(office, tmp_path):
    tid = office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502",
                        "--summary", "噪音", now="2026-11-02 09:00")
    office.run("pause", tid, "--reason", "<script>alert(1)</script>", now="2026-11-02 09:10")
    page = office.run("report", "monthly", "--month", "2026-11", "--format", "html", now="2026-11-03 09:00").stdout
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_csv_and_markdown(month):
    o, _ = month
    csv_text = o.run("report", "monthly", "--month", "2026-11", "--format", "csv", now="2026-12-05 10:00").stdout
    lines = csv_text.splitlines()
    assert lines[0] == "\ufeff部分,代码,指标,数量,总数,百分比,数值"
    assert "概要,headline.on_time,及时率,14,18,77.8," in lines
    assert "及时率,on_time.deadline.arrival,到场,0,0,," in lines
    md = o.run("report", "weekly", "--week", "2026-W47", "--format", "markdown", now="2026-12-05 10:00").stdout
    assert md.startswith("# ") and "| 指标" in md and "## 名词解释" in md


def test_running_periods_and_period_words(month):
    o, _ = month
    r = o.json("report", "monthly", now="2026-11-20 12:00")
    assert r["period"]["key"] == "2026-11" and r["running"] is True and r["read_at"] == "2026-11-20T12:00:00+08:00"
    out = o.run("report", "monthly", now="2026-11-20 12:00").stdout
    assert "统计期尚未结束：截至 2026-11-20 12:00 的数字。" in out
    assert o.json("report", "monthly", "--month", "上月", now="2026-12-05 10:00")["period"]["key"] == "2026-11"
    assert o.json("report", "complaints", "--month", "last", now="2026-12-05 10:00")["period"]["key"] == "2026-11"
    assert o.json("report", "monthly", "--month", "2026年11月", now="2026-12-05 10:00")["period"]["key"] == "2026-11"
    assert o.json("report", "weekly", "--week", "上周", now="2026-11-25 10:00")["period"]["key"] == "2026-W47"
    span = o.json("report", "weekly", "--from", "2026-11-16", "--to", "2026-11-22", now="2026-12-05 10:00")
    assert (span["period"]["key"], span["on_time"]["overall"]) == ("2026-11-16..2026-11-22", rate(3, 5, 60.0))
    # An as-of in the past reads the records as they stood then.
    then = o.json("report", "monthly", "--month", "2026-11", "--as-of", "2026-11-18 00:00", now="2026-12-05 10:00")
    assert then["running"] is True and then["volume"]["received"] == 4


@pytest.fixture(scope="module")
def refusing(tmp_path_factory) -> Office:
    """The sample office, one for every refused period: a refusal changes nothing in it."""
    return Office(made_once(tmp_path_factory, "refusing", lambda office: None)[0])


@pytest.mark.parametrize("args, message", [
    (("monthly", "--month", "2026-13"), "cannot read the month '2026-13'"),
    (("weekly", "--week", "2026-W54"), "cannot read the week '2026-W54'"),
    (("monthly", "--from", "2026-11-01"), "give both --from and --to"),
    (("monthly", "--from", "2026-11-10", "--to", "2026-11-01"), "is before --from"),
    (("monthly", "--month", "2027-01"), "has not begun"),
    (("monthly", "--as-of", "2026-12-01 00:00"), "is in the future"),
])
def test_bad_periods_get_one_line_and_exit_2(refusing, args, message):
    result = refusing.fails("report", *args, now="2026-11-20 09:30")
    assert result.exit_code == 2 and message in result.stderr and len(result.stderr.splitlines()) == 1


def test_complaints_report_keeps_to_complaints(month):
    o, ids = month
    t = {v: k for k, v in ids.items()}
    r = o.json("report", "complaints", "--month", "2026-11", now="2026-12-05 10:00")
    # Complaint deadlines only: T6 first reply (missed), T7, T8 (first reply, resolve, callback), T9 (4).
    assert r["on_time"]["overall"] == rate(7, 9, 77.8)
    assert r["callbacks"]["rate"] == rate(1, 2, 50.0) and r["headline"]["received"] == 4
    assert [x["kind"] for x in r["recurring"]] == ["complaint"]
    assert [t[x["ticket"]] for x in r["complaints"]["open_at_end"]] == ["T7"]
    out = o.run("report", "complaints", "--month", "2026-11", now="2026-12-05 10:00").stdout
    assert "投诉统计" in out and "一次修复率" not in out and "每百户投诉" in out


def test_report_from_a_subprocess_writes_the_file(month, tmp_path):
    o, _ = month
    target = tmp_path / "w.json"
    proc = o.subprocess("report", "weekly", "--week", "2026-W47", "--format", "json", "-o", target,
                        now="2026-12-05 10:00")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["period"]["key"] == "2026-W47"
    assert git(o.root, "status", "--porcelain") == ""  # a report writes no record
