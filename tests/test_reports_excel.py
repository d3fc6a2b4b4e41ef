"""Reports for a person and for Excel: an ended period's household count as the records stood
then, a hint where svcctl.yaml leaves it unset, the CSV a spreadsheet opens (a byte order
mark, the reader's headers, staff by name, one row per figure), and chart axes that fit their
figures.

The office (conftest) has two customers, C-A001 at 3-2-1502 and C-A002 at 5-1-301, added on
2026-11-20 09:30, and no ``households:`` in svcctl.yaml.
"""
from __future__ import annotations

import csv
import io
import re

import pytest

from conftest import copy_of, edit, git, made_once
from svcctl.present import charts
from test_reports import _november

OFFICE_LANG = None  # the office's own language: Chinese


def complaint(office, when, customer="C-A001"):
    return office.intake("--type", "complaint", "--grade", "general", "--customer", customer,
                         "--summary", "电梯噪音", now=when)


def per_100(office, month, now):
    c = office.json("report", "monthly", "--month", month, now=now)["complaints"]
    return c["households"], c["per_100_households"]


def test_an_ended_month_keeps_its_households_when_customers_are_added_later(office):
    office.run("customer", "add", "--name", "王先生", "--phone", "13700000001", "--unit", "6-1-101", now="2026-11-25 10:00")
    office.run("customer", "add", "--name", "赵女士", "--phone", "13700000002", "--unit", "6-1-102", now="2026-11-25 10:05")
    complaint(office, "2026-12-03 09:00")
    complaint(office, "2026-12-10 09:00", "C-A002")
    assert per_100(office, "2026-12", "2027-01-02 09:00") == (4, 50.0)  # 2 complaints, 4 units
    for n in range(5):  # five new owners in January
        office.run("customer", "add", "--name", f"新业主{n}", "--phone", f"1360000000{n}", "--unit", f"7-1-10{n}",
                   now=f"2027-01-05 10:0{n}")
    assert per_100(office, "2026-12", "2027-01-06 09:00") == (4, 50.0)
    # ...read at an old --as-of too, and in the page a person reads
    old = office.json("report", "monthly", "--month", "2026-12", "--as-of", "2027-01-02 09:00", now="2027-01-06 09:00")
    assert (old["complaints"]["households"], old["complaints"]["per_100_households"]) == (4, 50.0)
    page = office.run("report", "monthly", "--month", "2026-12", now="2027-01-06 09:00").stdout
    assert re.search(r"每百户投诉\s+50\.00 \[目标 < 1\]", page)
    # January, running, counts them; November counts the two customers on file before its end
    assert per_100(office, "2027-01", "2027-01-06 09:00")[0] == 9
    assert office.json("report", "monthly", "--month", "2026-11", now="2027-01-06 09:00")["complaints"]["households"] == 4
    assert office.json("report", "monthly", "--month", "2026-10", now="2027-01-06 09:00")["complaints"]["households"] == 0


def test_the_households_setting_of_an_ended_month_is_the_one_committed_then(office):
    def commit_households(value, at):
        text = (office.root / "svcctl.yaml").read_text(encoding="utf-8")
        text = re.sub(r"households: \d+\n", "", text).replace("timezone:", f"households: {value}\ntimezone:", 1)
        (office.root / "svcctl.yaml").write_text(text, encoding="utf-8")
        office.run("commit", "-m", "户数", user="wang", now=at, extra_env={"GIT_COMMITTER_DATE": at + " +0800"})

    commit_households(400, "2026-11-21 08:00")
    complaint(office, "2026-12-03 09:00")
    assert per_100(office, "2026-12", "2027-01-02 09:00") == (400, 0.25)
    commit_households(500, "2027-01-03 08:00")  # the estate's second phase is handed over in January
    assert per_100(office, "2026-12", "2027-01-04 09:00") == (400, 0.25)
    assert per_100(office, "2027-01", "2027-01-04 09:00")[0] == 500


def test_a_version_of_svcctl_yaml_too_large_to_be_a_record_says_nothing_about_households(office, monkeypatch):
    """Another PC may push versions of svcctl.yaml of any size; the report sizes each before
    reading it, and one over the record limit says nothing about the households then."""
    config = office.root / "svcctl.yaml"
    good = config.read_text(encoding="utf-8")
    config.write_text(good.replace("timezone:", "households: 900\ntimezone:", 1) + "#" * (5 * 1024 * 1024) + "\n",
                      encoding="utf-8")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-11-21 08:00 +0800")
    git(office.root, "commit", "-qam", "a very large svcctl.yaml")
    monkeypatch.delenv("GIT_COMMITTER_DATE")
    config.write_text(good, encoding="utf-8")
    git(office.root, "commit", "-qam", "svcctl.yaml as it was")
    complaint(office, "2026-12-03 09:00")
    assert per_100(office, "2026-12", "2027-01-02 09:00")[0] != 900


def test_a_report_counting_the_units_on_file_says_how_to_set_households(office):
    complaint(office, "2026-12-03 09:00")
    hint = "每百户投诉按客户档案中的 2 户计算：请在 svcctl.yaml 中设置 households:（管理处服务的总户数）。"
    page = office.run("report", "monthly", "--month", "2026-12", now="2027-01-02 09:00").stdout
    assert hint in page.splitlines()[2:4]  # under the title, with the period
    assert hint in office.run("report", "monthly", "--month", "2026-12", "--format", "html",
                              now="2027-01-02 09:00").stdout
    edit(office.root / "svcctl.yaml", "timezone:", "households: 400\ntimezone:")
    office.run("commit", "-m", "户数", user="wang", now="2027-01-02 09:10")
    assert hint not in office.run("report", "monthly", "--month", "2027-01", now="2027-01-02 09:20").stdout


# ------------------------------------------------------------------------------- CSV


@pytest.fixture(scope="module")
def month_template(tmp_path_factory):
    return made_once(tmp_path_factory, "excel", _november)


@pytest.fixture
def month(month_template, tmp_path):
    return copy_of(month_template, tmp_path, lang=None)


def csv_of(office, *args, now="2026-12-05 10:00"):
    text = office.run("report", "monthly", "--month", "2026-11", "--format", "csv", *args, now=now).stdout
    return text, list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_csv_opens_in_excel_in_the_readers_language_one_row_per_figure(month, tmp_path):
    o, ids = month
    text, rows = csv_of(o)
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only after a byte order mark
    assert rows[0] == ["部分", "代码", "指标", "数量", "总数", "百分比", "数值"]
    codes = {row[1]: row for row in rows[1:]}
    assert len(codes) == len(rows) - 1  # each figure once
    assert codes["headline.callbacks"] == ["概要", "headline.callbacks", "回访率", "2", "4", "50.0", ""]
    assert codes["headline.complaints_per_100"][2:] == ["每百户投诉", "", "", "", "0.75"]
    assert codes["complaints.households"][6] == "400"
    assert codes["on_time.staff.zhao"][2:] == ["赵强 (zhao)", "3", "4", "75.0", ""]  # staff by name, as on the page
    assert codes["volume.staff.li"][2:] == ["李娜 (li)", "", "", "", "9"]
    assert codes["backlog.age.8-30"][2:] == ["8–30 天", "", "", "", "1"]
    assert codes["backlog.age.31+"][2] == "30 天以上"
    assert codes["volume.type.repair"][2:] == ["报修", "", "", "", "3"]
    assert codes["volume.department.desk"][2] == "客服中心"
    # every figure of the page's tables is a row of its own
    for code in ("on_time.deadline.dispatch", "volume.grade.general", "volume.channel.phone",
                 "complaints.grade.simple", "complaints.carried_over", "satisfaction.score.5", "first_fix.rate",
                 "previous.received", "trend.2026-10.on_time", "backlog.callbacks_owed"):
        assert code in codes, code
    # no English word outside the codes and the staff ids
    words = " ".join(cell for row in rows for i, cell in enumerate(row) if i != 1)
    assert not re.findall(r"[A-Za-z]{2,}", re.sub(r"\((?:li|zhou|zhao|wang)\)", "", words))
    english = o.run("--lang", "en", "report", "monthly", "--month", "2026-11", "--format", "csv",
                    now="2026-12-05 10:00").stdout
    assert english.startswith("\ufeffSection,Code,Figure,Count,Out of,Percent,Value\n")
    office_words = r"[\u4e00-\u9fff]+ \(\w+\)|[\u4e00-\u9fff]+部"  # staff and departments as svcctl.yaml names them
    assert not re.search(r"[\u4e00-\u9fff]", re.sub(office_words, "", english))
    # written with -o, the file is the same text
    o.run("report", "monthly", "--month", "2026-11", "-o", tmp_path / "11月.csv", now="2026-12-05 10:00")
    assert (tmp_path / "11月.csv").read_text(encoding="utf-8") == text


def test_volume_tables_head_their_count_column_in_words(month):
    o, _ = month
    page = o.run("report", "monthly", "--month", "2026-11", now="2026-12-05 10:00").stdout
    assert not re.search(r"\s n\s*$", page, re.M) and not re.search(r"^\S+\s+n$", page, re.M)
    assert re.search(r"^类型\s+数量$", page, re.M)


# ----------------------------------------------------------------------------- charts


def test_requests_received_are_drawn_against_a_count_axis_of_their_own():
    trend = charts.trend([("2026-09", 90, 88, 51), ("2026-10", 90, 96, 60)], ("及时率", "回访率"))
    (zero_y, zero), (_, half), (top_y, top) = trend.counts
    assert (zero, half, top) == ("0", "30", "60")
    sixty = trend.bars[1]
    assert sixty[1] == top_y and sixty[1] + sixty[3] == zero_y  # 60 requests reach the 60 line, not 45%
    percent_floor = max(y for y, _ in trend.grid)
    assert all(y > percent_floor for y, _ in trend.counts)  # below the rates, never on their axis
    assert [charts.nice_top(n) for n in (1, 7, 45, 61, 130)] == [2, 8, 50, 80, 150]


def test_the_html_draws_the_count_axis_and_keeps_card_figures_on_one_line(month):
    o, _ = month
    page = o.run("report", "monthly", "--month", "2026-11", "--format", "html", now="2026-12-05 10:00").stdout
    labels = re.findall(r'<text x="34" y="[\d.]+" text-anchor="end">([^<]+)</text>', page)
    assert labels[:3] == ["0%", "50%", "100%"] and all(label.isdigit() for label in labels[3:]) and len(labels) == 6
    assert re.search(r'<span class="v">\d+/\d+ [\d.]+%</span>', page)
    assert "white-space: nowrap" in page


# ------------------------------------------------------------------------- the desk


def test_callbacks_due_says_how_many_are_owed_later_and_when(office):
    repair = office.intake("--type", "repair", "--customer", "C-A001", "--summary", "门锁损坏", now="2026-11-20 09:00")
    office.run("dispatch", repair, "--to", "维修部", now="2026-11-20 09:02")
    office.run("close", repair, "--result", "已修好", now="2026-11-20 11:00")
    said = office.run("callbacks", "--due", "--now", "2026-11-20 13:00").stdout.strip()
    assert said == "今天没有到期的回访；之后还有 1 个待回访，最早于 11月22日（星期日）11:00 到期"
    assert office.json("callbacks", "--due", "--now", "2026-11-20 13:00") == []  # the contract stays a list
    office.run("callback", repair, "--method", "phone", "--satisfaction", "5", "--note", "满意", now="2026-11-21 09:00")
    assert office.run("callbacks", "--due", "--now", "2026-11-21 10:00").stdout.strip() == "目前没有需要回访的工单"


def test_pause_or_resume_of_a_finished_query_names_it_closed_not_awaiting_a_callback(office):
    query = office.intake("--type", "query", "--customer", "C-A001", "--summary", "查询水费", now="2026-11-20 09:00")
    office.run("close", query, "--result", "已告知", now="2026-11-20 09:05")
    assert office.json("show", query, now="2026-11-20 09:10")["status"] == "done"
    for verb in ("pause", "resume"):
        args = (verb, query, "--reason", "业主外出") if verb == "pause" else (verb, query)
        refused = office.fails(*args, now="2026-11-20 09:10")
        assert "已办结" in refused.stderr and "待回访" not in refused.stderr, refused.stderr
