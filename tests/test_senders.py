"""svcctl.send against local servers that speak each platform's protocol (tests/platforms.py):
what was posted, what the platform answered, and whether trying again can help."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import wait_for
from platforms import SECRET, MailServer, RobotServer, mail_server, test_cert, trust  # noqa: F401
from svcctl.core.errors import UsageError
from svcctl.send import LIMITS, RATE, Outgoing, check_url, cut, masked, send

ROBOTS = ("wecom", "dingtalk", "feishu")
ALERT = Outgoing("逾期提醒：202611-0007", "- **紧急维修** 3-2-1502 水管爆裂\n- 到场时限 22:00，已超时 35 分钟")


def robot(kind: str, **kwargs) -> RobotServer:
    return RobotServer(kind, secret=None if kind == "wecom" else SECRET, **kwargs)


def secret_of(kind: str) -> str | None:
    return None if kind == "wecom" else SECRET


@pytest.mark.parametrize("kind", ROBOTS)
def test_each_robot_posts_the_message_signed_and_says_what_the_platform_answered(kind):
    with robot(kind) as server:
        answer = send(kind, server.url, secret_of(kind), (), ALERT)
        assert answer.sent and not answer.permanent and answer.retry_after is None
        assert answer.said == {"wecom": "errcode 0: ok", "dingtalk": "errcode 0: ok", "feishu": "code 0: success"}[kind]
        [posted] = server.posted
        assert "202611-0007" in posted.text and "水管爆裂" in posted.text


@pytest.mark.parametrize("kind, code", [("dingtalk", 310000), ("feishu", 19021)])
def test_a_wrong_secret_or_an_old_timestamp_is_refused_for_good(kind, code):
    with robot(kind) as server:
        wrong = send(kind, server.url, "SECwrong", (), ALERT)
        late = send(kind, server.url, SECRET, (), ALERT, now=time.time() - 2 * 3600)
        assert server.posted == []
    for answer in (wrong, late):
        # The platform said no in an HTTP 200: only its body tells.
        assert not answer.sent and answer.permanent and answer.said.startswith(f"{'code' if kind == 'feishu' else 'errcode'} {code}:")


@pytest.mark.parametrize("kind, code, permanent, retry_after", [
    ("wecom", 93000, True, None), ("wecom", 40058, True, None), ("wecom", 45009, False, 60.0),
    ("wecom", -1, False, 10.0),
    ("dingtalk", 300001, True, None), ("dingtalk", 460101, True, None), ("dingtalk", 130101, False, 600.0),
    ("feishu", 19001, True, None), ("feishu", 9499, True, None), ("feishu", 11232, False, 60.0),
])
def test_platform_error_codes_are_read_from_the_body(kind, code, permanent, retry_after):
    with robot(kind) as server:
        server.answer_next(code)
        answer = send(kind, server.url, secret_of(kind), (), ALERT)
        assert server.arrivals[0].status == 200
    assert not answer.sent
    assert (answer.permanent, answer.retry_after) == (permanent, retry_after)
    assert f" {code}: " in answer.said


@pytest.mark.parametrize("kind", ROBOTS)
def test_a_cut_connection_a_gateway_page_and_a_slow_platform_are_tried_again(kind):
    with robot(kind) as server:
        server.answer_next("close", ("http", 502, "<html>\n<h1>502 Bad Gateway</h1>\n</html>"), ("slow", 2.0),
                           ("http", 429, "busy"))
        cut_off = send(kind, server.url, secret_of(kind), (), ALERT)
        gateway = send(kind, server.url, secret_of(kind), (), ALERT)
        slow = send(kind, server.url, secret_of(kind), (), ALERT, timeout=0.5)
        busy = send(kind, server.url, secret_of(kind), (), ALERT)
        url = server.url
    gone = send(kind, url, secret_of(kind), (), ALERT, timeout=2.0)
    for answer in (cut_off, gateway, slow, busy, gone):
        assert not answer.sent and not answer.permanent, answer
        assert "\n" not in answer.said
    assert gateway.said == "HTTP 502: <html> <h1>502 Bad Gateway</h1> </html>"
    assert slow.said == "no answer in time"
    assert busy.retry_after == 60.0


@pytest.mark.parametrize("kind", ROBOTS)
def test_sending_at_the_pace_of_rate_is_never_refused_and_one_more_is(kind):
    clock = [1_900_000_000.0]
    count, per = RATE[kind]
    with robot(kind, clock=lambda: clock[0]) as server:
        for burst in range(max(1, 120 // count)):
            for _ in range(count):
                answer = send(kind, server.url, secret_of(kind), (), ALERT, now=clock[0])
                assert answer.sent, (burst, answer)
            clock[0] += per
        clock[0] -= per
        too_many = send(kind, server.url, secret_of(kind), (), ALERT, now=clock[0])
    assert not too_many.sent and not too_many.permanent and too_many.retry_after >= 60


def test_a_dingtalk_robot_that_went_too_fast_stays_blocked_for_ten_minutes():
    clock = [1_900_000_000.0]
    with robot("dingtalk", clock=lambda: clock[0]) as server:
        for _ in range(21):
            last = send("dingtalk", server.url, SECRET, (), ALERT, now=clock[0])
        clock[0] += 61
        still = send("dingtalk", server.url, SECRET, (), ALERT, now=clock[0])
        clock[0] += 600
        again = send("dingtalk", server.url, SECRET, (), ALERT, now=clock[0])
    assert last.retry_after == 600.0 and not still.sent and again.sent


def digest(lines: int) -> Outgoing:
    body = "\n".join(f"- 202611-{i:04d} 投诉 3-2-1502 电梯噪音，回访期限已过 {i} 分钟" for i in range(lines))
    return Outgoing("今日待办 (共 %d 件)" % lines, body, ("13800138000", "ou_7d8a6e6df7621556ce0d21922b676706"))


@pytest.mark.parametrize("kind", ROBOTS)
def test_a_long_digest_is_cut_by_bytes_to_the_platforms_limit_with_how_many_more(kind):
    whole = digest(600)
    with robot(kind) as server:
        refused = send(kind, server.url, secret_of(kind), (), whole)
        short = cut(kind, whole, lambda n: f"……还有 {n} 件")
        answer = send(kind, server.url, secret_of(kind), (), short)
        [posted] = server.posted
    assert not refused.sent and refused.permanent  # the server holds the platform's limit
    assert answer.sent, answer
    shown = [line for line in posted.text.splitlines() if line.startswith("- 202611-")]
    assert len(shown) > 10
    assert f"……还有 {600 - len(shown)} 件" in posted.text


def test_cut_leaves_a_message_that_fits_alone_and_shortens_one_endless_line():
    assert cut("wecom", ALERT, lambda n: f"and {n} more") is ALERT
    one_line = Outgoing("t", "长" * 8000)
    for kind in ROBOTS:
        short = cut(kind, one_line, lambda n: f"and {n} more")
        assert short.markdown.endswith("…") and len(short.markdown) > 1000
    with robot("wecom") as server:
        assert send("wecom", server.url, None, (), cut("wecom", one_line, lambda n: "")).sent


def test_mentions_reach_each_platform_as_it_ats_people():
    mobile, user = "13800138000", "zhangsan"
    with robot("wecom") as wecom, robot("dingtalk") as dingtalk, robot("feishu") as feishu:
        send("wecom", wecom.url, None, (), Outgoing("t", "x", (user,)))
        send("wecom", wecom.url, None, (), Outgoing("t", "**x**", (mobile, user)))
        send("dingtalk", dingtalk.url, SECRET, (), Outgoing("t", "x", (mobile, user)))
        send("feishu", feishu.url, SECRET, (), Outgoing("t", "x", ("ou_abc", "li@office.cn")))
        by_id, by_mobile = (a.body for a in wecom.posted)
        [ding] = (a.body for a in dingtalk.posted)
        [card] = feishu.posted
    assert by_id["msgtype"] == "markdown" and f"<@{user}>" in by_id["markdown"]["content"]
    # WeCom @s a mobile only in a text message, whose words carry no markdown marks.
    assert by_mobile["msgtype"] == "text" and by_mobile["text"]["mentioned_mobile_list"] == [mobile]
    assert by_mobile["text"]["mentioned_list"] == [user] and "**" not in by_mobile["text"]["content"]
    assert ding["at"] == {"atMobiles": [mobile], "atUserIds": [user], "isAtAll": False}
    assert f"@{mobile}" in ding["markdown"]["text"]
    assert "<at id=ou_abc></at>" in card.text and "<at email=li@office.cn></at>" in card.text


@pytest.mark.parametrize("kind, url", [
    ("wecom", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"),
    ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"),
    ("dingtalk", "https://oapi.dingtalk.com/robot/send"),
    ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/"),
    ("feishu", "ftp://open.feishu.cn/open-apis/bot/v2/hook/abc"),
    ("mail", "smtp://alerts@smtp.exmail.qq.com"),
    ("mail", "https://smtp.exmail.qq.com"),
    ("pager", "https://example.com"),
])
def test_an_address_that_would_leak_or_cannot_work_is_refused(kind, url):
    with pytest.raises(UsageError) as refused:
        check_url(kind, url)
    assert "\n" not in refused.value.message and "key=abc" not in refused.value.message


def test_plain_http_and_smtp_are_for_this_pc_only_and_secrets_are_masked():
    for kind, url in [("wecom", "http://127.0.0.1:8080/cgi-bin/webhook/send?key=k"),
                      ("dingtalk", "http://localhost:1/robot/send?access_token=t"), ("mail", "smtp://localhost:2525"),
                      ("mail", "smtps://alerts@office.cn@smtp.exmail.qq.com:465"),
                      ("mail", "smtp://alerts@163.com@smtp.163.com:587")]:
        check_url(kind, url)
    key = "693a91f6-7fe0-4bc4-9b31-2d4c1e0b8f10"
    shown = masked(f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={key}")
    assert key not in shown and shown.startswith("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a")
    assert key not in masked(f"https://open.feishu.cn/open-apis/bot/v2/hook/{key}")
    assert key not in masked(f"https://oapi.dingtalk.com/robot/send?access_token={key}&timestamp=1&sign=abc")
    assert "hunter2" not in masked("smtps://alerts:hunter2@smtp.exmail.qq.com:465")


def test_a_robot_over_https_is_trusted_only_with_its_certificate(test_cert, monkeypatch):
    with RobotServer("wecom", tls=test_cert) as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(test_cert[0].parent / "none.pem"))
        stranger = send("wecom", server.url, None, (), ALERT)
        trust(monkeypatch, test_cert[0])
        trusted = send("wecom", server.url, None, (), ALERT)
        assert len(server.posted) == 1
    assert not stranger.sent and stranger.permanent and stranger.said.startswith("certificate not trusted")
    assert trusted.sent


def test_mail_is_delivered_with_subject_body_and_addresses(mail_server):  # noqa: F811
    answer = send("mail", mail_server.url(), None, ("director@office.cn", "desk@office.cn"), ALERT)
    assert answer.sent and answer.said.startswith("250 ")
    [letter] = mail_server.messages
    assert letter["Subject"] == ALERT.title and "水管爆裂" in letter.get_content()
    assert mail_server.envelopes[0].rcpt_tos == ["director@office.cn", "desk@office.cn"]
    assert not send("mail", mail_server.url(), None, (), ALERT).sent


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_mail_logs_in_over_tls_and_says_what_the_server_refused(mode, test_cert, monkeypatch):
    trust(monkeypatch, test_cert[0])
    with MailServer(mode, tls=test_cert, user="alerts@office.cn", password="authcode") as server:
        sent = send("mail", server.url(), "authcode", ("desk@office.cn",), ALERT)
        wrong = send("mail", server.url(), "guess", ("desk@office.cn",), ALERT)
        server.replies.append("451 4.3.0 Mailbox busy, try again later")
        later = send("mail", server.url(), "authcode", ("desk@office.cn",), ALERT)
        assert len(server.messages) == 1 and server.messages[0]["From"] == "alerts@office.cn"
        monkeypatch.setenv("SSL_CERT_FILE", str(test_cert[0].parent / "none.pem"))
        stranger = send("mail", server.url(), "authcode", ("desk@office.cn",), ALERT)
    assert sent.sent
    assert not wrong.sent and wrong.permanent and wrong.said.startswith("535 ")
    assert not later.sent and not later.permanent and later.said == "451 4.3.0 Mailbox busy, try again later"
    assert not stranger.sent and stranger.permanent


def test_a_mail_server_that_is_not_there_is_tried_again():
    with MailServer() as server:
        url = server.url()
    answer = send("mail", url, None, ("desk@office.cn",), ALERT, timeout=2.0)
    assert not answer.sent and not answer.permanent and answer.said.startswith("not reached")


def test_limits_and_rates_are_the_platforms_documented_ones():
    assert LIMITS["wecom"] == 4096 and LIMITS["dingtalk"] == 20000 and LIMITS["feishu"] <= 20 * 1024
    assert RATE["wecom"] == (20, 60.0) and RATE["dingtalk"] == (20, 60.0)
    count, per = RATE["feishu"]
    assert count <= 5 and count * 60 / per <= 100  # 5 a second and 100 a minute


@pytest.mark.slow
def test_a_sender_killed_while_the_platform_holds_its_request_leaves_the_message_posted(tmp_path):
    """What a kill -9 mid-send leaves: the group shows the message, the sender never heard so."""
    with robot("wecom") as server:
        server.hold()
        script = ("import sys; from svcctl.send import send, Outgoing; "
                  "send('wecom', sys.argv[1], None, (), Outgoing('t', '水管爆裂'))")
        child = subprocess.Popen([sys.executable, "-c", script, server.url], cwd=str(tmp_path),
                                 env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
        wait_for(server.arrived.is_set, "the request to arrive")
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        server.release()
        wait_for(lambda: server.posted, "the held message to be posted")
        assert [a.text for a in server.posted] == ["**t**\n水管爆裂"]


def test_a_title_or_address_with_a_line_break_never_stops_the_sender(mail_server):  # noqa: F811
    ok = send("mail", mail_server.url(), None, ("desk@office.cn",), Outgoing("逾期\n提醒", "x"))
    bad = send("mail", mail_server.url(), None, ("desk@office.cn\nBcc: all@office.cn",), ALERT)
    assert ok.sent and mail_server.messages[0]["Subject"] == "逾期 提醒"
    assert not bad.sent and bad.permanent and len(mail_server.messages) == 1
