"""Reports read only the tickets that can count, and keep the trend's figures between runs:
neither may ever change a figure.

The office has a year of tickets (times are office time, 2025-2026):

    OLD  repair 3-2-1502   2025-03-05, settled 2025-03-07: counts in no report of 2026
    OPEN complaint general 2025-06-01, paused ever since: in every backlog
    EARLY repair 5-1-301   2026-02-10, closed that day, callback 02-11 (due 02-12): met early
    ASKED complaint complex 2026-03-02, resident asked for 2026-09-30; closed 03-03, callback 03-04:
                           its resolve deadline, met in March, falls due in September
    REDO repair 5-1-301    2026-04-01, closed, callback 04-02 unresolved (reopened), closed 04-05,
                           callback 04-06
    STUCK repair 3-2-1502  2026-05-20, dispatched, never closed
    GONE complaint general 2026-07-01, replied, cancelled 07-02
    SEPT repair 3-2-1502   2026-09-10, settled 09-12: recurs with NOV1 (same unit and category)
    BLD3 complaint general 2026-09-15 at 3-2-1502, settled: recurs with NOV2 (same building)
    OCT  repair 5-1-301    2026-10-30, closed 10-31, callback 11-01: across the month's end
    NOV1 repair 3-2-1502   2026-11-03, closed 11-03
    NOV2 complaint general 2026-11-04 at 3-2-1502, replied, still open
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import copy_of, edit, made_once
from test_reports import at, intake


@pytest.fixture(scope="module")
def year_template(tmp_path_factory):
    return made_once(tmp_path_factory, "year", _year)


@pytest.fixture
def year(year_template, tmp_path):
    return copy_of(year_template, tmp_path)


def _year(o) -> dict:
    ids = {}
    ids["OLD"] = intake(o, "2025-03-05 09:00", "--type", "repair", "--customer", "C-A001", "--summary", "门锁损坏")
    at(o, "2025-03-05 09:02", "dispatch", ids["OLD"], "--to", "维修部")
    at(o, "2025-03-05 15:00", "close", ids["OLD"], "--result", "更换锁芯")
    at(o, "2025-03-07 10:00", "callback", ids["OLD"], "--method", "phone", "--satisfaction", "4", "--note", "好")
    ids["OPEN"] = intake(o, "2025-06-01 09:00", "--type", "complaint", "--grade", "general", "--customer", "C-A002",
                         "--summary", "邻居装修噪音")
    at(o, "2025-06-01 09:30", "reply", ids["OPEN"], "--note", "已联系")
    at(o, "2025-06-01 10:00", "pause", ids["OPEN"], "--reason", "等待业委会")
    ids["EARLY"] = intake(o, "2026-02-10 09:00", "--type", "repair", "--customer", "C-A002", "--summary", "灯不亮")
    at(o, "2026-02-10 09:03", "dispatch", ids["EARLY"], "--to", "维修部")
    at(o, "2026-02-10 14:00", "close", ids["EARLY"], "--result", "更换灯泡")
    at(o, "2026-02-11 10:00", "callback", ids["EARLY"], "--method", "phone", "--satisfaction", "5", "--note", "满意")
    ids["ASKED"] = intake(o, "2026-03-02 09:00", "--type", "complaint", "--grade", "complex", "--customer", "C-A001",
                          "--summary", "绿化修剪", "--due", "2026-09-30 17:00")
    at(o, "2026-03-03 10:00", "close", ids["ASKED"], "--result", "已修剪", user="zhao")
    at(o, "2026-03-04 10:00", "callback", ids["ASKED"], "--method", "phone", "--satisfaction", "3", "--note", "一般",
       user="zhao")
    ids["REDO"] = intake(o, "2026-04-01 09:00", "--type", "repair", "--customer", "C-A002", "--summary", "水龙头漏水")
    at(o, "2026-04-01 09:02", "dispatch", ids["REDO"], "--to", "维修部")
    at(o, "2026-04-01 15:00", "close", ids["REDO"], "--result", "更换阀芯")
    at(o, "2026-04-02 10:00", "callback", ids["REDO"], "--method", "phone", "--satisfaction", "2", "--note", "仍漏",
       "--unresolved")
    at(o, "2026-04-05 16:00", "close", ids["REDO"], "--result", "更换水龙头")
    at(o, "2026-04-06 09:00", "callback", ids["REDO"], "--method", "phone", "--satisfaction", "4", "--note", "好了")
    ids["STUCK"] = intake(o, "2026-05-20 09:00", "--type", "repair", "--customer", "C-A001", "--summary", "外墙渗水")
    at(o, "2026-05-20 09:04", "dispatch", ids["STUCK"], "--to", "维修部")
    ids["GONE"] = intake(o, "2026-07-01 09:00", "--type", "complaint", "--grade", "general", "--customer", "C-A002",
                         "--summary", "电梯噪音")
    at(o, "2026-07-01 09:20", "reply", ids["GONE"], "--note", "已登记")
    at(o, "2026-07-02 09:00", "cancel", ids["GONE"], "--reason", "重复登记", user="zhao")
    ids["SEPT"] = intake(o, "2026-09-10 09:00", "--type", "repair", "--customer", "C-A001",
                         "--summary", "卫生间漏水")
    at(o, "2026-09-10 09:03", "dispatch", ids["SEPT"], "--to", "维修部")
    at(o, "2026-09-10 16:00", "close", ids["SEPT"], "--result", "已修复")
    at(o, "2026-09-12 10:00", "callback", ids["SEPT"], "--method", "phone", "--satisfaction", "5", "--note", "满意")
    ids["BLD3"] = intake(o, "2026-09-15 09:00", "--type", "complaint", "--grade", "general", "--customer", "C-A001",
                         "--summary", "楼道堆物")
    at(o, "2026-09-15 09:30", "reply", ids["BLD3"], "--note", "已安排")
    at(o, "2026-09-15 15:00", "close", ids["BLD3"], "--result", "已清理")
    at(o, "2026-09-16 10:00", "callback", ids["BLD3"], "--method", "phone", "--satisfaction", "4", "--note", "好")
    ids["OCT"] = intake(o, "2026-10-30 09:00", "--type", "repair", "--customer", "C-A002", "--summary", "门铃坏")
    at(o, "2026-10-30 09:02", "dispatch", ids["OCT"], "--to", "维修部")
    at(o, "2026-10-31 11:00", "close", ids["OCT"], "--result", "更换门铃")
    at(o, "2026-11-01 10:00", "callback", ids["OCT"], "--method", "phone", "--satisfaction", "5", "--note", "满意")
    ids["NOV1"] = intake(o, "2026-11-03 09:00", "--type", "repair", "--customer", "C-A001",
                         "--summary", "卫生间又漏水")
    at(o, "2026-11-03 09:03", "dispatch", ids["NOV1"], "--to", "维修部")
    at(o, "2026-11-03 15:00", "close", ids["NOV1"], "--result", "更换密封圈")
    ids["NOV2"] = intake(o, "2026-11-04 09:00", "--type", "complaint", "--grade", "general", "--customer", "C-A001",
                         "--summary", "楼道又堆物")
    at(o, "2026-11-04 09:30", "reply", ids["NOV2"], "--note", "已安排")
    return ids


NOW = "2026-11-20 09:30"
ASKS = [("monthly", {"month": "2026-11"}), ("monthly", {"month": "2026-09"}), ("monthly", {"month": "2026-03"}),
        ("weekly", {"week": "2026-W45"}), ("weekly", {"week": "2026-W47"}), ("complaints", {"month": "2026-10"}),
        ("monthly", {"first": "2026-09-01", "last": "2026-10-15"})]


def _reports(root: Path, now: str = NOW, as_of: str | None = None, asks=ASKS) -> tuple[list, list]:
    """Each report of ``ASKS`` as the command reads it, and as computed from every ticket."""
    from svcctl.operations import reports
    from svcctl.operations.env import Env
    from svcctl.present.report_data import data
    from svcctl.reports import figures

    read, full = [], []
    for kind, chosen in asks:
        env = Env(str(root), now_text=now)
        period = reports.period(env, kind, **chosen)
        when = env.time(as_of) if as_of else env.now
        read.append(data(reports.run(env, kind, period, when), "x"))
        env = Env(str(root), now_text=now)
        full.append(data(figures.report(kind, env.records.tickets(), reports.basis(env), period, when), "x"))
    return read, full


def _cache(root: Path) -> Path:
    return root / ".git" / "svcctl-reports.sqlite"


def _trend(report: dict, key: str) -> dict:
    return next(row for row in report["trend"] if row["period"] == key)


def test_reports_read_from_the_index_equal_reports_from_every_ticket(year):
    o, ids = year
    read, full = _reports(o.root)
    assert read == full
    assert _cache(o.root).exists()
    again, _ = _reports(o.root)  # now from the kept trend figures
    assert again == full
    # The cases that make it worth checking: the resident's date falls due in September...
    september = full[1]
    assert september["on_time"]["overall"]["total"] >= 1
    assert any(row["deadline"] == "resolve" and row["total"] for row in september["on_time"]["by_deadline"])
    # ...and November's recurring problems reach back to September's settled tickets.
    recurring = {tuple(t["id"] for t in r["tickets"]) for r in full[0]["recurring"]}
    assert recurring == {(ids["SEPT"], ids["NOV1"]), (ids["BLD3"], ids["NOV2"])}
    assert full[0]["backlog"]["open"] >= 2  # OPEN since 2025 and STUCK since May


def test_the_kept_figures_match_a_run_without_them(year):
    o, _ = year
    first = o.run("report", "monthly", "--format", "json").stdout
    kept = o.run("report", "monthly", "--format", "json").stdout
    _cache(o.root).unlink()
    assert o.run("report", "monthly", "--format", "json").stdout == first == kept
    # Figures kept by one process are read by the next.
    proc = o.subprocess("report", "weekly", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    kept = o.run("report", "weekly", "--format", "json").stdout
    _cache(o.root).unlink()
    assert o.run("report", "weekly", "--format", "json").stdout == proc.stdout == kept


def test_a_hand_edit_of_an_old_ticket_changes_the_kept_trend(year):
    o, ids = year
    before = o.json("report", "monthly")
    assert _trend(before, "2026-02")["satisfaction"] == 5.0
    edit(o.root / "tickets/2026/02" / f"{ids['EARLY']}.yaml", "satisfaction: 5", "satisfaction: 2")
    after = o.json("report", "monthly")
    assert _trend(after, "2026-02")["satisfaction"] == 2.0
    read, full = _reports(o.root)
    assert read == full


def test_a_changed_policy_reads_every_period_again(year):
    o, _ = year
    before = o.json("report", "monthly")
    assert _trend(before, "2026-02")["on_time"]["n"] == _trend(before, "2026-02")["on_time"]["total"]
    # A callback within a few hours: EARLY's next-day callback is now late, in February's trend.
    edit(o.root / "svcctl.yaml", "  deadlines: {}", "  deadlines:\n    repair: {callback: 2 hours}")
    after = o.json("report", "monthly")
    assert _trend(after, "2026-02")["on_time"]["n"] < _trend(after, "2026-02")["on_time"]["total"]
    read, full = _reports(o.root)
    assert read == full


def test_a_first_time_fix_rate_still_open_to_a_reopen_is_never_kept(year):
    o, ids = year
    early = o.json("report", "monthly", now="2026-11-05 09:00")
    assert _trend(early, "2026-10")["first_fix"] == {"n": 1, "total": 1, "percent": 100.0}
    at(o, "2026-11-10 09:00", "reopen", ids["OCT"], "--note", "门铃又坏了", user="zhao")
    later = o.json("report", "monthly", now="2026-11-12 09:00")
    assert _trend(later, "2026-10")["first_fix"] == {"n": 0, "total": 1, "percent": 0.0}
    # Read as it stood before the reopen, October's repairs were all fixed the first time.
    before = o.json("report", "monthly", "--as-of", "2026-11-09 12:00", now="2026-11-12 09:00")
    assert _trend(before, "2026-10")["first_fix"] == {"n": 1, "total": 1, "percent": 100.0}
    asks = [("monthly", {"month": "2026-11"}), ("weekly", {"week": "2026-W46"}), ("complaints", {"month": "2026-10"})]
    for as_of in (None, "2026-11-09 12:00", "2026-11-11 09:00"):
        read, full = _reports(o.root, now="2026-11-12 09:00", as_of=as_of, asks=asks)
        assert read == full
