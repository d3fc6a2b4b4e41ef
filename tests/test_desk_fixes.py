"""Desk behaviour a Chinese office met and was surprised by, read as the desk reads it: a work
order per kind of work, a temporary measure that reads as one, a first responder's follow-up
on an escalated complaint, and a free rework of a paid service."""
from __future__ import annotations

import re

OFFICE_LANG = None  # what a new office reads: Chinese


def dispatched(office, kind: str, *extra) -> str:
    tid = office.intake("--type", kind, "--customer", "C-A001", "--summary", "楼上噪音" if kind == "complaint" else "更换水龙头",
                        *extra)
    office.run("dispatch", tid, "--to", "维修部", "--assignee", "zhou")
    return tid


def html_rows(html: str) -> list[str]:
    return re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)


def test_a_complaint_prints_as_a_complaint_handling_form(office):
    tid = dispatched(office, "complaint", "--grade", "general")
    text = office.run("print", "workorder", tid).stdout
    assert "投诉处理单" in text and "维修工作单" not in text
    for absent in ("维修人员", "维修地点", "见问题描述", "使用材料", "客户签字"):
        assert absent not in text, absent
    for part in ("处理人：周师傅 (zhou)", "客户：匿名业主", "投诉内容：楼上噪音", "调查情况", "处理结果"):
        assert part in text, part
    html = office.run("print", "workorder", tid, "--format", "html").stdout
    assert "<title>投诉处理单" in html and "使用材料" not in html and "维修地点" not in html
    assert "陈先生" not in html and "3-2-1502" not in html  # the complainant stays anonymous


def test_each_kind_of_work_has_its_own_form(office):
    titles = {"repair": "维修工作单", "paid": "有偿服务单", "appointment": "预约上门单"}
    english = {"repair": "WORK ORDER", "paid": "PAID SERVICE ORDER", "appointment": "APPOINTMENT VISIT ORDER"}
    for kind, title in titles.items():
        extra = ("--appointment", "2026-11-21 10:00") if kind == "appointment" else ()
        tid = dispatched(office, kind, *extra)
        text = office.run("print", "workorder", tid).stdout
        assert text.splitlines()[0].endswith(title), text
        others = set(titles.values()) - {title}
        assert not [t for t in others if t in text]
        assert "维修地点：3-2-1502" in text and "使用材料" in text
        assert ("实收费用" in text) == (kind == "paid")
        assert english[kind] in office.run("print", "workorder", tid, "--lang", "en").stdout.splitlines()[0]


def test_the_html_form_has_room_to_write_and_a_date_by_each_signature(office):
    for kind, boxes in (("repair", ("使用材料", "处理结果")), ("complaint", ("调查情况", "处理结果"))):
        tid = dispatched(office, kind, *(("--grade", "general") if kind == "complaint" else ()))
        html = office.run("print", "workorder", tid, "--format", "html").stdout
        rows = html_rows(html)
        for box in boxes:
            row = next(r for r in rows if f"<th>{box}</th>" in r)
            assert 'class="write"' in row, row
        assert re.search(r"td\.write\s*\{\s*height:\s*[4-9]em", html)  # several handwritten lines
        signatures = [r for r in rows if "签字</th>" in r]
        assert len(signatures) == 2 and all("<th>日期</th>" in r for r in signatures), signatures
        text = office.run("print", "workorder", tid).stdout
        assert [line for line in text.splitlines() if "签字" in line] and all(
            "日期" in line for line in text.splitlines() if "签字" in line)


def test_the_shipped_work_orders_pass_check_as_an_office_copy(office):
    from importlib import resources

    shipped = resources.files("svcctl.templates")
    for lang in ("zh", "en"):
        folder = office.root / "templates" / lang
        folder.mkdir(parents=True)
        for name in ("workorder.txt", "workorder.html"):
            (folder / name).write_text(shipped.joinpath(lang, name).read_text(encoding="utf-8"), encoding="utf-8")
    checked = office.run("check", ok=False)
    assert checked.exit_code == 0, checked.stderr
    tid = dispatched(office, "complaint", "--grade", "general")
    assert "投诉处理单" in office.run("print", "workorder", tid).stdout


def test_a_temporary_measure_reads_as_one_not_as_a_close(office):
    tid = office.intake("--type", "repair", "--category", "leak", "--customer", "C-A001", "--summary", "卫生间渗水")
    office.run("dispatch", tid, "--to", "维修部", "--assignee", "zhou")
    answer = office.run("close", tid, "--result", "先关阀门", "--temporary").stdout.strip()
    assert answer == f"{tid} 已登记临时措施，尚未办结：当前状态 已派单"
    timeline = office.run("show", tid).stdout.split("处理记录：")[1]
    measure = next(line for line in timeline.splitlines() if "先关阀门" in line)
    assert "临时措施" in measure and "办结" not in measure and "临时措施=是" not in measure
    english = office.run("show", tid, "--lang", "en").stdout.split("timeline:")[1]
    assert "temporary measure" in english and " close " not in english
    subject = office.run("log", tid).stdout
    assert "临时措施" in subject and "办结" not in subject, subject
    # the real close still reads as the close
    closed = office.run("close", tid, "--result", "更换水管", "--leak-test-at", "2026-11-20 09:30").stdout
    assert "办结" in closed and "临时措施" not in closed


def test_the_first_responder_records_the_owner_ringing_again_on_an_escalated_complaint(office):
    tid = office.intake("--type", "complaint", "--grade", "general", "--customer", "C-A001", "--summary", "楼上噪音")
    office.run("escalate", tid, "--to", "zhao", "--note", "业主要求主管处理", now="2026-11-20 09:40")
    answer = office.run("reply", tid, "--note", "业主再次来电催问", now="2026-11-20 10:00", user="li").stdout
    assert answer.startswith(f"{tid} 答复")
    history = office.run("show", tid).stdout.split("处理记录：")[1]
    assert "业主再次来电催问" in history and "li" in history.splitlines()[-1]
    assert office.json("show", tid)["owner"] == "zhao"  # the complaint stays with the supervisor
    # what the escalation took over stays the holder's: the first responder cannot close or pause it
    for step in (("close", tid, "--result", "已处理"), ("pause", tid, "--reason", "业主出差")):
        refused = office.fails(*step, now="2026-11-20 10:05", user="li")
        assert refused.exit_code == 3 and "zhao" in refused.stderr and refused.stderr.count("\n") == 1
    # a technician still records no contact at the desk
    office.run("staff", "add", "shifu", "--name", "钱师傅", "--role", "technician", "--department", "维修部", user="wang")
    assert office.fails("reply", tid, "--note", "x", now="2026-11-20 10:10", user="shifu").exit_code == 3


def test_the_rework_of_a_paid_service_is_free(office):
    tid = office.intake("--type", "paid", "--customer", "C-A001", "--summary", "更换水龙头")
    office.run("dispatch", tid, "--to", "维修部", "--assignee", "zhou")
    unpaid = office.fails("close", tid, "--result", "已更换")
    assert unpaid.exit_code == 3 and "--fee" in unpaid.stderr  # the first close collects the agreed fee
    office.run("close", tid, "--result", "已更换", "--fee", "80", "--receipt", "R-0012", "--signed")
    office.run("callback", tid, "--method", "phone", "--satisfaction", "2", "--note", "仍滴水", "--unresolved",
               now="2026-11-21 10:00")
    answer = office.run("close", tid, "--result", "重新安装密封圈", "--signed", now="2026-11-21 15:00").stdout
    assert answer.strip() == f"{tid} 办结：当前状态 待回访"
    shown = office.json("show", tid)
    closes = [e for e in shown["events"] if e["event"] == "close"]
    assert [c.get("fee") for c in closes] == ["80.00", None] and closes[-1].get("receipt") is None
    assert office.run("check").exit_code == 0  # the history replays as allowed


def test_the_technician_records_the_materials_used(office):
    tid = office.intake("--type", "repair", "--customer", "C-A001", "--summary", "龙头漏水")
    office.run("dispatch", tid, "--to", "维修部", "--assignee", "zhou")
    office.run("close", tid, "--result", "更换龙头", "--materials", "水龙头1个，生料带1卷", "--signed", user="zhou")
    closed = [e for e in office.json("show", tid)["events"] if e["event"] == "close"]
    assert closed[-1]["materials"] == "水龙头1个，生料带1卷"
    assert "使用材料=水龙头1个，生料带1卷" in office.run("show", tid).stdout
    assert office.run("check").exit_code == 0


def test_a_complaint_names_the_place_of_the_problem_never_the_complainants_unit(office):
    tid = dispatched(office, "complaint", "--grade", "general", "--place", "5栋地下车库")
    for fmt in ("text", "html"):
        order = office.run("print", "workorder", tid, "--format", fmt, user="zhou").stdout
        assert "5栋地下车库" in order and "3-2-1502" not in order and "陈先生" not in order, fmt
    assert office.json("show", tid)["place"] == "5栋地下车库"
    assert office.run("check").exit_code == 0
    refused = office.fails("intake", "--type", "complaint", "--grade", "general", "--customer", "C-A001",
                           "--summary", "噪音", "--place", "5栋\n地下车库")
    assert refused.exit_code == 2 and "place" in refused.stderr
