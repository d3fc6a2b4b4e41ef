"""Alerts to the office's work groups and mail: notify add, remove, list, test, run, status."""
from __future__ import annotations

import sys

import click

from .common import emit, examples, format_option, pass_obj


def register(cli: click.Group) -> None:
    cli.add_command(notify)


@click.group(help="Alerts where the office reads them: a WeCom, DingTalk or Feishu group robot, or mail. "
             "Channels are kept on this PC only (never in the records); svcctl.yaml's alerts: says who is "
             "told on which. 'notify run' is for cron." + examples(
                 "svcctl --as zhao notify add desk --kind wecom --url 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY'",
                 "svcctl --as zhao notify add boss --kind mail --url smtps://desk@corp.cn@smtp.exmail.qq.com:465 "
                 "--secret PASSWORD --to wang@corp.cn",
                 "svcctl notify test desk",
                 "*/5 * * * *  SVCCTL_RECORDS=/srv/office svcctl notify run"))
def notify():
    """The notify commands."""


@notify.command("add", help="Keep a channel on this PC (supervisors and directors). The URL is the robot's "
                "webhook address (https only) or smtps://USER@HOST:465 / smtp://USER@HOST:587 (STARTTLS); "
                "--secret is the robot's signing secret or the mail password. Adding a name again replaces it." + examples(
                    "svcctl --as zhao notify add desk --kind dingtalk --url 'https://oapi.dingtalk.com/robot/send?"
                    "access_token=TOKEN' --secret SEC...",
                    "svcctl --as zhao notify add boss --kind mail --url smtp://desk@corp.cn@smtp.163.com:587 "
                    "--secret PASSWORD --to wang@corp.cn"))
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice(("wecom", "dingtalk", "feishu", "mail")))
@click.option("--url", required=True, metavar="URL")
@click.option("--secret", metavar="SECRET", help="DingTalk/Feishu signing secret (加签), or the mail password.")
@click.option("--to", "to", multiple=True, metavar="ADDRESS", help="Repeatable: who a mail channel writes to.")
@pass_obj
def add(obj, name, kind, url, secret, to):
    from ..operations import notify as ops

    click.echo(obj.localise(ops.add(obj.env(), name, kind, url, secret, tuple(to))))


@notify.command("remove", help="Forget a channel on this PC (supervisors and directors)." + examples(
                    "svcctl --as zhao notify remove desk"))
@click.argument("name")
@pass_obj
def remove(obj, name):
    from ..operations import notify as ops

    click.echo(obj.localise(ops.remove(obj.env(), name)))


@notify.command("list", help="The channels of this PC: names, kinds, masked addresses, and who is told on each." + examples(
                    "svcctl notify list", "svcctl notify list --format json"))
@format_option()
@pass_obj
def list_(obj, fmt):
    from ..operations import notify as ops
    from ..present.alert_text import CHANNELS

    emit(ops.listing(obj.env()), fmt, CHANNELS, obj.reader_language(),
         empty=obj.say("no alert channels on this PC: a supervisor adds one with 'svcctl notify add'"))


@notify.command("test", help="Send one test message on a channel and say exactly what the platform answered; "
                "exit 1 when it was not taken." + examples("svcctl notify test desk"))
@click.argument("name")
@pass_obj
def test(obj, name):
    from ..operations import notify as ops
    from ..present import alert_text

    answer = ops.test(obj.env(), name, alert_text)
    if answer.sent:
        click.echo(obj.say("sent: the platform answered {said}", said=answer.said))
        return
    click.echo(obj.say("not sent: the platform answered {said}", said=answer.said), err=True)
    sys.exit(1)


@notify.command("run", help="Send every alert due at this moment, each once (for cron every few minutes). "
                "Silent with exit 0 when all went; a message a platform did not take is said on stderr, "
                "retried on later runs, and the exit is 1. In quiet hours only emergencies and missed limits "
                "go; the rest wait for the morning. Only the station svcctl.yaml names (alerts: station) sends." +
                examples("svcctl notify run", "svcctl notify run --dry-run"))
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send and remember nothing.")
@pass_obj
def run(obj, dry_run):
    from ..operations import notify as ops
    from ..present import alert_text

    env = obj.env()
    env.records.start_index()  # its file walk runs while the rest is loaded
    report = ops.run(env, alert_text, dry_run)
    if report.note:
        click.echo(obj.localise(report.note), err=True)
    for channel, title, body in report.planned:
        click.echo(f"[{channel}] {title}\n{body}\n")
    for channel, title, said in report.failed:
        click.echo(obj.say("{channel}: not sent ({title}): {said}; tried again on the next run", channel=channel,
                           title=title, said=said), err=True)
    sys.exit(0 if report.ok else 1)


@notify.command("status", help="What the outbox holds per channel: sent, waiting to be tried again (with the "
                "platform's last answer), refused for good." + examples(
                    "svcctl notify status", "svcctl notify status --format json"))
@format_option()
@pass_obj
def status(obj, fmt):
    from ..operations import notify as ops
    from ..present.alert_text import OUTBOX

    env = obj.env()
    emit(ops.status(env), fmt, OUTBOX, obj.reader_language(), empty=obj.say("nothing sent or waiting"))
