"""Alerts where the office lives: svcctl notify against local servers that speak each
platform's protocol (tests/platforms.py), with pinned clocks, killed runs and two PCs."""
from __future__ import annotations

import shutil
import stat
from collections import Counter

import pytest

from conftest import Office, edit, git
from platforms import SECRET, MailServer, RobotServer  # noqa: F401 (fixtures below)
from platforms import dingtalk_robot, feishu_robot, wecom_robot  # noqa: F401

CUSTOMER_DATA = ("陈先生", "林女士", "13800138000", "13900000001", "C-A001", "C-A002")


def with_alerts(office: Office, alerts: str = "", mention: str | None = None) -> None:
    """svcctl.yaml's alerts: section (and li's mention), committed as an office would."""
    config = office.root / "svcctl.yaml"
    if mention:
        edit(config, "    name: 李娜\n", f"    name: 李娜\n    mention: '{mention}'\n")
    if alerts:
        config.write_text(config.read_text(encoding="utf-8") + "alerts:\n" + alerts, encoding="utf-8")
    git(office.root, "commit", "-qam", "alerts")


def add_channel(office: Office, name: str, robot, *extra) -> None:
    office.run("notify", "add", name, "--kind", robot.kind, "--url", robot.url, *extra, user="zhao")


def notify_run(office: Office, now: str, ok_codes=(0,), **kw):
    result = office.run("notify", "run", now=now, ok=False, **kw)
    assert result.exit_code in ok_codes, (result.exit_code, result.stderr)
    return result


def arrivals_of(robot, *tickets) -> Counter:
    """How many times the alert of each of ``tickets`` arrived in the group (named in its title)."""
    return Counter(t for a in robot.posted for t in tickets if t in a.text.splitlines()[0])


def no_personal_data(text: str) -> None:
    for data in CUSTOMER_DATA:
        assert data not in text, (data, text)


# --------------------------------------------------------------------------- channels

def test_channels_are_kept_on_this_pc_by_a_supervisor_and_never_shown_whole(office, wecom_robot):
    refused = office.fails("notify", "add", "desk", "--kind", "wecom", "--url", wecom_robot.url, user="li")
    assert refused.exit_code == 3 and "supervisor" in refused.stderr and refused.stderr.count("\n") == 1
    plain = office.fails("notify", "add", "desk", "--kind", "wecom", "--url",
                         "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdef123", user="zhao")
    assert plain.exit_code == 2 and "https" in plain.stderr and "abcdef123" not in plain.stderr
    add_channel(office, "desk", wecom_robot)
    kept = office.root / ".git" / "svcctl-channels.yaml"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert git(office.root, "status", "--porcelain") == ""  # nothing in the records changed
    listed = office.run("notify", "list").stdout
    assert "desk" in listed and "wecom" in listed and wecom_robot.token not in listed
    assert wecom_robot.token not in str(office.json("notify", "list"))
    tested = office.run("notify", "test", "desk")
    assert "errcode 0" in tested.stdout and len(wecom_robot.posted) == 1


def test_a_test_message_says_what_the_platform_answered(office, wecom_robot):
    add_channel(office, "desk", wecom_robot)
    wecom_robot.answer_next(93000)
    failed = office.fails("notify", "test", "desk")
    assert failed.exit_code == 1 and "93000" in failed.stderr and "invalid webhook url" in failed.stderr


def test_the_alerts_section_is_checked_like_the_rest_of_svcctl_yaml(office):
    with_alerts(office, "  quiet: all night\n  to:\n    boss: [desk]\n")
    refused = office.fails("notify", "run")
    assert "quiet" in refused.stderr and refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr


# --------------------------------------------------------------------------- a day

def test_one_group_channel_gets_the_desks_alerts_each_once_in_the_offices_language(office, wecom_robot):
    office.lang = None  # the office's own: Chinese
    add_channel(office, "desk", wecom_robot)
    leak = office.intake("--type", "repair", "--category", "leak", "--customer", "C-A002", "--summary", "卫生间渗水",
                         "--at", "2026-11-20 09:00")
    notify_run(office, "2026-11-20 09:02")  # the work order is due at 09:05; the morning's digest is due
    assert len(wecom_robot.posted) == 2
    notify_run(office, "2026-11-20 09:30")
    notify_run(office, "2026-11-20 09:35")
    notify_run(office, "2026-11-20 09:40")
    texts = [a.text for a in wecom_robot.posted]
    assert len(texts) == 3, texts  # the warning, the day's open work, the missed work order
    limit = texts[2]
    assert "超过时限" in limit and "即将到期" in texts[0] + texts[1]
    assert leak in limit and "5-1-301" in limit and "李娜" in limit
    for text in texts:
        no_personal_data(text)
        assert len(text.encode("utf-8")) <= 4096


def test_quiet_hours_send_only_limits_and_emergencies_and_the_rest_in_the_morning(office, wecom_robot):
    add_channel(office, "desk", wecom_robot)
    complaint = office.intake("--type", "complaint", "--grade", "general", "--customer", "C-A001",
                              "--summary", "电梯噪音", "--at", "2026-11-20 08:00")
    office.run("reply", complaint, "--note", "已联系", "--at", "2026-11-20 08:30")
    query = office.intake("--type", "query", "--customer", "C-A001", "--summary", "查询水费",
                          "--at", "2026-11-23 22:50", now="2026-11-23 22:50")
    notify_run(office, "2026-11-23 23:30")
    night = [a.text for a in wecom_robot.posted]
    assert len(night) == 1 and query in night[0] and "超过时限" in night[0]
    notify_run(office, "2026-11-24 07:55")
    assert len(wecom_robot.posted) == 1  # still night: the complaint's passed target waits
    notify_run(office, "2026-11-24 08:05")
    morning = [a.text for a in wecom_robot.posted[1:]]
    assert len(morning) == 1 and complaint in morning[0] and "已超时" in morning[0]
    notify_run(office, "2026-11-24 08:40")  # the digest of the day's open work
    assert len(wecom_robot.posted) == 3 and "今日待办" in wecom_robot.posted[2].text
    notify_run(office, "2026-11-24 09:40")
    assert len(wecom_robot.posted) == 3


def test_a_warning_before_the_deadline_mentions_the_owner(office, wecom_robot):
    with_alerts(office, "  digest_at: '18:00'\n", mention="13700001111")
    add_channel(office, "desk", wecom_robot)
    complaint = office.intake("--type", "complaint", "--grade", "general", "--customer", "C-A001",
                              "--summary", "电梯噪音", "--at", "2026-11-20 08:00")
    notify_run(office, "2026-11-20 09:10")  # first reply due 10:00, warned an hour before
    (warning,) = wecom_robot.posted
    assert complaint in warning.text and "即将到期" in warning.text
    assert "13700001111" in str(warning.body)  # @ by mobile, which WeCom takes in a text message
    no_personal_data(warning.text)


def test_routes_send_the_directors_alerts_to_the_directors_channel(office, wecom_robot, feishu_robot):
    with_alerts(office, "  digest_at: '18:00'\n  to:\n    desk: [desk]\n    director: [boss]\n")
    add_channel(office, "desk", wecom_robot)
    add_channel(office, "boss", feishu_robot, "--secret", SECRET)
    office.intake("--type", "query", "--customer", "C-A001", "--summary", "查询水费", "--at", "2026-11-20 09:00")
    notify_run(office, "2026-11-20 09:30")
    assert len(wecom_robot.posted) == 1 and len(feishu_robot.posted) == 1  # signed correctly, or refused (19021)
    assert "超过时限" in feishu_robot.posted[0].text


# --------------------------------------------------------------------------- failures

def test_a_rate_limit_or_error_is_retried_on_a_later_run_and_reported(office, dingtalk_robot):
    add_channel(office, "desk", dingtalk_robot, "--secret", SECRET)
    with_alerts(office, "  digest_at: '18:00'\n")
    office.intake("--type", "query", "--customer", "C-A001", "--summary", "查询水费", "--at", "2026-11-20 09:00")
    dingtalk_robot.answer_next(130101)
    failed = notify_run(office, "2026-11-20 09:30", ok_codes=(1,))
    assert "130101" in failed.stderr and dingtalk_robot.posted == []
    status = office.json("notify", "status", now="2026-11-20 09:30")
    assert [(r["state"], r["count"]) for r in status] == [("retry", 1)] and "130101" in status[0]["said"]
    notify_run(office, "2026-11-20 09:35")  # too soon: DingTalk blocks a robot for ten minutes
    assert dingtalk_robot.posted == [] and len(dingtalk_robot.arrivals) == 1
    notify_run(office, "2026-11-20 09:41")
    notify_run(office, "2026-11-20 09:50")
    assert len(dingtalk_robot.posted) == 1
    assert [(r["state"], r["count"]) for r in office.json("notify", "status")] == [("sent", 1)]


def test_a_refusal_that_cannot_pass_is_kept_and_not_retried(office, wecom_robot):
    add_channel(office, "desk", wecom_robot)
    with_alerts(office, "  digest_at: '18:00'\n")
    office.intake("--type", "query", "--customer", "C-A001", "--summary", "查询水费", "--at", "2026-11-20 09:00")
    wecom_robot.answer_next(93000)
    notify_run(office, "2026-11-20 09:30", ok_codes=(1,))
    notify_run(office, "2026-11-20 11:30")
    assert len(wecom_robot.arrivals) == 1
    assert [r["state"] for r in office.json("notify", "status")] == ["refused"]


def test_a_burst_becomes_one_message_cut_to_the_platforms_limit(office, wecom_robot, tmp_path):
    with_alerts(office, "  digest_at: '18:00'\n")
    add_channel(office, "desk", wecom_robot)
    # Forty queries taken at 09:00, filed from the desk's ledger in one import.
    ledger = tmp_path / "ledger.csv"
    ledger.write_text("received,type,customer,summary,staff\n"
                      + "".join(f"2026-11-20 09:00,query,C-A001,查询{i},li\n" for i in range(40)), encoding="utf-8")
    imported = office.json("import", "tickets", ledger, now="2026-11-20 09:05")
    ids = [t["id"] for t in imported["tickets"]]
    assert len(ids) == 40 and all(t["status"] == "open" for t in imported["tickets"])
    notify_run(office, "2026-11-20 09:30")
    (burst,) = wecom_robot.posted
    body = burst.body["markdown"]["content"]
    assert len(body.encode("utf-8")) <= 4096 and "另有" in body and ids[0] in body
    notify_run(office, "2026-11-20 09:40")
    assert len(wecom_robot.posted) == 1


@pytest.mark.slow
@pytest.mark.parametrize("step", ["notify-sending", "notify-sent"])
def test_a_run_killed_mid_send_loses_nothing_and_repeats_at_most_that_message(office, wecom_robot, step):
    with_alerts(office, "  digest_at: '18:00'\n")
    add_channel(office, "desk", wecom_robot)
    first = office.intake("--type", "query", "--customer", "C-A001", "--summary", "查询水费", "--at", "2026-11-20 09:00")
    second = office.intake("--type", "repair", "--category", "leak", "--customer", "C-A002", "--summary", "渗水",
                           "--at", "2026-11-20 09:00")
    killed = office.subprocess("notify", "run", now="2026-11-20 09:30", extra_env={"SVCCTL_CRASH_AT": step})
    assert killed.returncode == 137, killed.stderr
    assert len(wecom_robot.posted) == (1 if step == "notify-sent" else 0)
    # The runs after the kill read what the killed process left on disk.
    notify_run(office, "2026-11-20 09:31")
    notify_run(office, "2026-11-20 09:45")
    counts = arrivals_of(wecom_robot, first, second)
    assert sorted(counts) == [first, second]  # nothing lost
    assert sum(counts.values()) == (3 if step == "notify-sent" else 2)  # only the one in flight repeated


def test_only_the_station_named_sends_when_two_pcs_hold_the_channel(office, wecom_robot, tmp_path):
    with_alerts(office, "  station: A\n  digest_at: '18:00'\n")
    office.intake("--type", "query", "--customer", "C-A001", "--summary", "查询水费", "--at", "2026-11-20 09:00")
    other = Office(tmp_path / "second-pc")
    shutil.copytree(office.root, other.root, symlinks=True)
    git(other.root, "config", "svcctl.station", "B")
    for pc in (office, other):
        add_channel(pc, "desk", wecom_robot)
    for now in ("2026-11-20 09:30", "2026-11-20 09:35"):
        quiet = notify_run(other, now)
        assert "station A" in quiet.stderr
        notify_run(office, now)
    assert len(wecom_robot.posted) == 1


def test_mail_goes_through_smtp_without_personal_data(office):
    with_alerts(office, "  digest_at: '18:00'\n")
    with MailServer() as server:
        office.run("notify", "add", "boss", "--kind", "mail", "--url", server.url("desk@corp.cn"),
                   "--to", "wang@corp.cn", user="wang")
        office.intake("--type", "query", "--customer", "C-A001", "--summary", "查询水费", "--at", "2026-11-20 09:00")
        notify_run(office, "2026-11-20 09:30")
        (letter,) = server.messages
    assert "超过时限" in letter["Subject"] and server.envelopes[0].rcpt_tos == ["wang@corp.cn"]
    no_personal_data(letter.get_body(("plain",)).get_content())


def test_dry_run_prints_and_remembers_nothing(office, wecom_robot):
    add_channel(office, "desk", wecom_robot)
    ticket = office.intake("--type", "query", "--customer", "C-A001", "--summary", "查询水费", "--at", "2026-11-20 09:00")
    for _ in range(2):
        shown = office.run("notify", "run", "--dry-run", now="2026-11-20 09:30").stdout
        assert ticket in shown and "[desk]" in shown
    assert wecom_robot.arrivals == []
    assert office.json("notify", "status") == []
