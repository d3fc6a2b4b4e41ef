"""What a pushed svcctl.yaml or a careless paste cannot do through this round's new parts:
ring everyone in a work group, plant a link or a mention in an alert, stop a command with
a traceback through a number too long to read, leak a robot's key, or leave the audit log
readable by others."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest

from conftest import Office, edit, git
from platforms import SECRET, feishu_robot, wecom_robot  # noqa: F401 (fixtures)
from svcctl.core.chinese_input import satisfaction
from svcctl.core.errors import UsageError

HOSTILE_NAME = "翠苑<at id=all></at>[点此登录](https://evil.example)<@all>"


def with_mention(office: Office, mention: str) -> None:
    config = office.root / "svcctl.yaml"
    edit(config, "    name: 李娜\n", f"    name: 李娜\n    mention: '{mention}'\n")
    config.write_text(config.read_text(encoding="utf-8") + "alerts:\n  digest_at: '18:00'\n", encoding="utf-8")
    git(office.root, "commit", "-qam", "mention")


def warn_li(office: Office) -> str:
    """A complaint of li's whose first reply (due 10:00) is warned of at 09:10, with li @ed."""
    complaint = office.intake("--type", "complaint", "--grade", "general", "--customer", "C-A001",
                              "--summary", "电梯噪音", "--at", "2026-11-20 08:00")
    office.run("notify", "run", now="2026-11-20 09:10")
    return complaint


@pytest.mark.parametrize("mention", ["all", "@all", "ALL", "ou_1></at><at"])
def test_a_staff_mention_of_everyone_or_markup_rings_no_one_on_feishu(office, feishu_robot, mention):
    with_mention(office, mention)
    office.run("notify", "add", "desk", "--kind", "feishu", "--url", feishu_robot.url, "--secret", SECRET,
               user="zhao")
    complaint = warn_li(office)
    (warning,) = feishu_robot.posted
    assert complaint in warning.text
    assert "<at" not in warning.text  # no <at id=all>, nor a tag the mention would open


@pytest.mark.parametrize("mention", ["@all", "all"])
def test_a_staff_mention_of_everyone_rings_no_one_on_wecom(office, wecom_robot, mention):
    with_mention(office, mention)
    office.run("notify", "add", "desk", "--kind", "wecom", "--url", wecom_robot.url, user="zhao")
    warn_li(office)
    (warning,) = wecom_robot.posted
    body = warning.body[warning.body["msgtype"]]
    assert "all" not in str(body.get("mentioned_list", [])) + str(body.get("mentioned_mobile_list", []))
    assert "<@" not in body["content"]


def test_an_office_name_in_markup_arrives_as_words_not_a_mention_or_a_link(office, wecom_robot):
    edit(office.root / "svcctl.yaml", "翠苑物业管理处", HOSTILE_NAME)
    git(office.root, "commit", "-qam", "renamed")
    office.run("notify", "add", "desk", "--kind", "wecom", "--url", wecom_robot.url, user="zhao")
    office.intake("--type", "query", "--customer", "C-A001", "--summary", "查询水费", "--at", "2026-11-20 09:00")
    office.run("notify", "run", now="2026-11-20 09:02")  # the morning's digest names the office
    texts = [a.text for a in wecom_robot.posted]
    assert any("翠苑" in text for text in texts), texts
    for text in texts:
        assert "<at" not in text and "<@" not in text and "](" not in text, text


@pytest.mark.parametrize("length", ["一" * 5000 + "天", "9" * 5000 + " days"])
def test_a_length_of_thousands_of_digits_in_svcctl_yaml_is_one_line_not_a_traceback(office, length):
    config = office.root / "svcctl.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"alerts:\n  warn_before: '{length}'\n", encoding="utf-8")
    git(office.root, "commit", "-qam", "alerts")
    refused = office.fails("notify", "run")
    assert refused.exit_code != 0 and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and "svcctl.yaml" in refused.stderr


@pytest.mark.parametrize("typed", ["9" * 5000, "\U00010a40"])  # too long for int(); a digit int() cannot read
def test_a_satisfaction_python_cannot_read_as_a_number_is_refused_as_bad_input(typed):
    with pytest.raises(UsageError):
        satisfaction(typed)


@pytest.mark.parametrize("tail", [" ", "\t", "%20x y"])
def test_a_robot_address_with_a_space_is_refused_without_showing_its_key(office, wecom_robot, tail):
    # http.client would refuse it only when sending, quoting the whole address (key and all)
    # into the outbox, notify status and notify test's output.
    refused = office.fails("notify", "add", "desk", "--kind", "wecom", "--url", wecom_robot.url + tail, user="zhao")
    assert refused.exit_code == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert wecom_robot.token not in refused.stderr + refused.stdout
    assert not (office.root / ".git" / "svcctl-channels.yaml").exists()


def test_the_audit_log_found_readable_by_others_is_made_private_again(office):
    office.run("customer", "list", "--reveal", user="zhao")
    (log,) = Path(office.root, ".git").glob("svcctl-audit*.jsonl")
    log.chmod(0o644)  # copied back from a backup, say
    office.run("customer", "list", "--reveal", user="zhao")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert [r["output"] for r in office.json("audit", user="zhao")] == ["customer list"] * 2
