"""The read model and the event declarations: callbacks owed only by the policy's word,
histories replayed through the command guards, exact money, one grammar for lengths, and a
new kind of event added in one place."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import yaml

from conftest import git, line_of
from svcctl.core import events as ev
from svcctl.core.errors import Refusal, UsageError
from svcctl.core.policy import build_policy, parse_within
from svcctl.core.ticket import Event, Ticket, fold
from svcctl.core.validate import ticket as validate_ticket

TZ = ZoneInfo("Asia/Shanghai")


def set_policy(office, deadlines: dict) -> None:
    path = office.root / "svcctl.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["policy"] = {"deadlines": deadlines}
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    git(office.root, "commit", "-qam", "office policy")


def closed_paid_service(office) -> str:
    tid = office.intake("--type", "paid", "--unit", "3-2-1502", "--summary", "疏通下水道", now="2026-11-16 09:00")
    office.run("dispatch", tid, "--to", "维修部", now="2026-11-16 09:05")
    office.run("close", tid, "--result", "已疏通", "--fee", "80.5", "--receipt", "R-0012", now="2026-11-16 11:00")
    return tid


# ---------------------------------------------------------------- callbacks from the policy


def test_without_a_paid_service_callback_in_the_policy_a_closed_paid_ticket_is_done(office):
    set_policy(office, {"paid": {"callback": None}})
    tid = closed_paid_service(office)
    shown = office.json("show", tid, now="2026-11-25 09:00")
    assert shown["status"] == "done" and shown["callback_required"] is False
    assert [d["name"] for d in shown["deadlines"]] == []
    assert office.json("list", "--status", "active", now="2026-11-25 09:00") == []
    assert office.json("callbacks", now="2026-11-25 09:00") == []
    assert office.run("overdue", now="2026-11-25 09:00").exit_code == 0


def test_with_the_default_policy_the_same_paid_ticket_waits_for_its_callback(office):
    tid = closed_paid_service(office)
    assert office.json("show", tid)["status"] == "closed"
    assert [r["ticket"] for r in office.json("callbacks", now="2026-11-25 09:00")] == [tid]


def test_a_callback_rule_for_queries_makes_a_query_wait_for_its_callback_everywhere(office):
    set_policy(office, {"query": {"callback": {"from": "close", "within": "2 days", "until": ["callback"]}}})
    tid = office.intake("--type", "query", "--unit", "3-2-1502", "--summary", "查询水费",
                        "--answer", "已告知本月水费", now="2026-11-16 09:00")
    assert office.json("show", tid, now="2026-11-16 10:00")["status"] == "closed"
    # due 2026-11-18 09:00: listed before, reported missed after, by both commands alike
    assert [r["state"] for r in office.json("callbacks", now="2026-11-17 09:00")] == ["pending"]
    late = office.run("overdue", "--format", "json", now="2026-11-19 09:00", ok=False)
    assert late.exit_code == 1
    assert [(r["ticket"], r["deadline"], r["state"]) for r in json.loads(late.stdout)] == [(tid, "callback", "missed")]
    assert [(r["ticket"], r["state"]) for r in office.json("callbacks", "--due", now="2026-11-19 09:00")] == [(tid, "missed")]
    office.run("callback", tid, "--method", "phone", "--satisfaction", "4", "--note", "满意", now="2026-11-19 10:00")
    assert office.json("show", tid, now="2026-11-19 10:00")["status"] == "done"
    assert office.run("overdue", now="2026-11-19 10:00").exit_code == 0


def test_owes_callback_is_read_from_the_rules_a_callback_stops():
    policy = build_policy(None)
    assert policy.owes_callback("repair", category="other") and policy.owes_callback("complaint", "general")
    assert not policy.owes_callback("query") and not policy.owes_callback("consultation")
    assert not build_policy({"deadlines": {"repair": {"callback": None}}}).owes_callback("repair", category="other")


# ---------------------------------------------------------------- check replays histories


IMPOSSIBLE = """\
id: 202611-A009
type: complaint
grade: general
channel: phone
customer: C-A001
unit: 3-2-1502
summary: 电梯噪音
received_at: 2026-11-17T10:00:00+08:00
first_responder: li
events:
  - at: 2026-11-17T10:00:00+08:00
    event: intake
    by: li
  - at: 2026-11-17T11:00:00+08:00
    event: cancel
    by: zhao
    reason: 业主撤回
  - at: 2026-11-17T12:00:00+08:00
    event: callback
    by: li
    method: phone
    satisfaction: 5
    note: 满意
  - at: 2026-11-17T13:00:00+08:00
    event: resume
    by: li
"""


def test_check_reports_an_impossible_history_at_its_line_and_commands_refuse_it(office):
    path = office.root / "tickets" / "2026" / "11" / "202611-A009.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(IMPOSSIBLE, encoding="utf-8")
    result = office.run("check", ok=False)
    assert result.exit_code == 1
    line = line_of(path, "event: callback")
    assert f"202611-A009.yaml:{line}: impossible history: 'callback' by li" in result.stdout
    assert "is cancelled: it cannot be called back" in result.stdout
    shown = office.run("show", "202611-A009", ok=False)
    assert shown.exit_code == 5 and f"202611-A009.yaml:{line}" in shown.stderr and "[done]" not in shown.stdout
    assert office.run("list", ok=False).exit_code == 5


@pytest.mark.parametrize("events, wrong", [
    ([("callback", "li", {"method": "phone", "satisfaction": 4, "note": "好"})], "a callback (回访) follows the close"),
    ([("resume", "li", {})], "is not paused"),
    ([("close", "li", {"result": "好"}), ("reopen", "li", {"note": "x"}), ("reopen", "li", {"note": "y"})],
     "only a closed ticket can be reopened"),
    ([("cancel", "li", {"reason": "x"})], "cancelling a ticket needs a supervisor or director"),
    ([("intake", "li", {})], "a ticket is taken in once"),
    ([("close", "li", {"result": "好"}), ("dispatch", "li", {"to": "维修部"})], "is already closed: it cannot be dispatched"),
])
def test_every_guard_a_command_runs_is_run_again_on_replay(office, events, wrong):
    at = datetime(2026, 11, 17, 10, 0, tzinfo=TZ)
    record = {"id": "202611-A001", "type": "complaint", "grade": "general", "channel": "phone",
              "customer": "C-A001", "unit": "3-2-1502", "summary": "噪音", "received_at": at.isoformat(),
              "first_responder": "li", "events": [{"at": at.isoformat(), "event": "intake", "by": "li"}]}
    for i, (kind, by, data) in enumerate(events, 1):
        record["events"].append({"at": (at + timedelta(minutes=i)).isoformat(), "event": kind, "by": by, **data})
    from svcctl.operations.env import Env

    roster = Env(str(office.root)).office.roster
    problems = validate_ticket(record, "202611-A001", roster, None, ("维修部",))
    assert len(problems) == 1 and wrong in problems[0][1] and problems[0][0] == ("events", len(events), "event")


# ---------------------------------------------------------------- money is exact


def test_a_fee_is_stored_and_shown_exactly_to_the_fen(office):
    tid = closed_paid_service(office)
    path = office.root / "tickets" / "2026" / "11" / f"{tid}.yaml"
    assert "fee: '80.50'" in path.read_text(encoding="utf-8")
    close = [e for e in office.json("show", tid)["events"] if e["event"] == "close"][0]
    assert close["fee"] == "80.50"
    assert Event.from_record({"at": "2026-11-16T11:00:00+08:00", "event": "close", "by": "li", "result": "好",
                              "fee": 0.1}).get("fee") + Decimal("0.2") == Decimal("0.30")


def test_a_fee_with_a_third_decimal_is_refused_before_anything_is_written(office):
    tid = office.intake("--type", "paid", "--unit", "3-2-1502", "--summary", "疏通", now="2026-11-16 09:00")
    before = office.commits()
    result = office.fails("close", tid, "--result", "好", "--fee", "80.505", "--receipt", "R1", now="2026-11-16 10:00")
    assert result.exit_code == 2 and "two decimals" in result.stderr and office.commits() == before
    from svcctl.core import workflow
    from svcctl.operations.env import Env

    env = Env(str(office.root), "li", "2026-11-16 10:00")
    with pytest.raises(UsageError, match="two decimals"):  # the operation refuses it too, CLI or not
        workflow.act("close", env.records.ticket(tid), env.context(), env.now, result="好", fee="80.505",
                     receipt="R1")


# ---------------------------------------------------------------- one grammar for lengths


@pytest.mark.parametrize("text, amount, working, end_of_day", [
    ("15 minutes", timedelta(minutes=15), False, False), ("15m", timedelta(minutes=15), False, False),
    ("2h", timedelta(hours=2), False, False), ("1 hour", timedelta(hours=1), False, False),
    ("3 days", timedelta(days=3), False, False), ("3d", timedelta(days=3), False, False),
    ("1 workday", timedelta(days=1), True, False), ("2 workdays", timedelta(days=2), True, False),
    ("2 working days", timedelta(days=2), True, False), ("1个工作日", timedelta(days=1), True, False),
    ("same day", timedelta(0), False, True), ("当天", timedelta(0), False, True),
    ("1 week", timedelta(days=7), False, False),
])
def test_every_length_form_reads_the_same_everywhere(text, amount, working, end_of_day):
    span = parse_within(text)
    assert (span.amount, span.working_only, span.end_of_day) == (amount, working, end_of_day)


@pytest.mark.parametrize("text", ["2 fortnights", "h2", "1.5h", "", "-3 days", "400 days"])
def test_a_length_that_cannot_be_read_is_refused_with_the_forms(text):
    with pytest.raises(UsageError, match="15 minutes"):
        parse_within(text)


def test_overdue_within_counts_working_days_across_the_national_day_break(office):
    # a general complaint taken in on 2026-09-29 09:00: resolve target 1 workday -> 09-30 09:00,
    # limit 3 workdays -> 10-09 09:00 (10-01..10-08 are the National Day break). Asked on the
    # holiday 10-08 at 09:00, the limit is a working day away but a whole day of clock time.
    tid = office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502",
                        "--summary", "噪音", now="2026-09-29 09:00")
    office.run("reply", tid, "--note", "已回复", now="2026-09-29 09:30")
    rows = lambda within: [(r["deadline"], r["state"]) for r in json.loads(office.run(  # noqa: E731
        "overdue", "--within", within, "--format", "json", now="2026-10-08 09:00", ok=False).stdout)]
    assert rows("1 workday") == [("resolve", "warned"), ("resolve_limit", "pending")]
    assert rows("1 day") == [("resolve", "warned"), ("resolve_limit", "pending")]
    assert rows("same day") == [("resolve", "warned")]
    assert rows("12h") == [("resolve", "warned")]


def test_the_same_lengths_are_accepted_in_svcctl_yaml_and_by_reopen(office):
    set_policy(office, {"complaint.general": {"resolve": "2 working days"}, "*": {"rework": "1个工作日"}})
    assert office.run("check").exit_code == 0
    tid = office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502",
                        "--summary", "噪音", now="2026-11-16 09:00")
    office.run("close", tid, "--result", "已处理", now="2026-11-16 10:00")
    office.run("reopen", tid, "--note", "又响了", "--within", "2h", now="2026-11-16 11:00", user="zhao")
    rework = [d for d in office.json("show", tid, now="2026-11-16 11:00")["deadlines"] if d["name"] == "rework"][0]
    assert rework["due"] == "2026-11-16T13:00:00+08:00"


# ---------------------------------------------------------------- one place per event kind


class Inspect(ev.Kind):
    """A supervisor's site inspection of work in progress: an example kind declared here only."""

    name, verb = "inspect", "inspected"
    fields = (ev.Field("note", ev.TEXT, True), ev.Field("passed", ev.FLAG))

    def allowed(self, ticket, state, event, guard):
        if not guard.senior:
            raise Refusal("an inspection is made by a supervisor or director")
        if state.department is None:
            raise Refusal(f"{ticket.id} has no work order to inspect")

    def apply(self, state, event):
        state.temporary_measures += 0 if event.get("passed") else 1


def test_a_new_kind_of_event_needs_only_its_declaration(monkeypatch, office):
    monkeypatch.setitem(ev.KINDS, "inspect", Inspect())
    at = "2026-11-17T1{}:00:00+08:00"
    record = {"id": "202611-A001", "type": "repair", "category": "other", "channel": "phone", "customer": "C-A001",
              "unit": "3-2-1502", "summary": "漏水", "received_at": at.format(0), "first_responder": "li",
              "events": [{"at": at.format(0), "event": "intake", "by": "li"},
                         {"at": at.format(1), "event": "dispatch", "by": "li", "to": "维修部"},
                         {"at": at.format(2), "event": "inspect", "by": "zhao", "note": "现场检查", "passed": False}]}
    from svcctl.operations.env import Env

    roster = Env(str(office.root)).office.roster
    assert validate_ticket(record, "202611-A001", roster, None, ("维修部",)) == []  # fields, types, guard
    ticket = Ticket.from_record(record)
    assert ticket.to_record() == record  # stored in its declared field order
    assert fold(ticket, build_policy(None)).temporary_measures == 1  # its effect on the fold
    record["events"][2]["by"] = "li"
    assert "an inspection is made by a supervisor" in validate_ticket(record, "202611-A001", roster, None, ("维修部",))[0][1]
    record["events"][2]["by"], record["events"][2]["passed"] = "zhao", "yes"
    assert "'passed' must be true or false" in validate_ticket(record, "202611-A001", roster, None, ("维修部",))[0][1]
