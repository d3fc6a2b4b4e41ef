"""The operations called as plain functions, the way the CLI calls them: one ``Env`` per
command, records and commits checked on disk. No Click here, so a failure points at the
operation, not at option parsing or rendering."""
from __future__ import annotations

import pytest
import yaml

from conftest import git
from svcctl.core.errors import Refusal
from svcctl.operations import customers, tickets
from svcctl.operations.env import Env

TICKET = "202611-A001"


def env(office, user="li", now="2026-11-20 09:30") -> Env:
    """What one command starts with: a fresh Env (nothing cached from the last command)."""
    return Env(records_dir=str(office.root), user=user, now_text=now)


def state(office, ticket):
    """The ticket as the read model sees it (status, assignee, ...)."""
    return env(office).view(ticket).state


def on_disk(office, rel: str) -> dict:
    return yaml.safe_load((office.root / rel).read_text(encoding="utf-8"))


def last_commit(office) -> dict:
    author, subject, *rest = git(office.root, "log", "-1", "--format=%an%n%s%n%b").splitlines()
    trailers = dict(line.split(": ", 1) for line in rest if ": " in line)
    assert trailers.pop("Svcctl-Txn")  # the journal's mark, different every time
    return {"author": author, "subject": subject, **trailers,
            "files": git(office.root, "show", "--name-only", "--format=", "HEAD").split()}


def clean(office) -> bool:
    return git(office.root, "status", "--porcelain", "--untracked-files=all") == ""


def test_a_repair_from_intake_to_callback(office):
    rel = f"tickets/2026/11/{TICKET}.yaml"
    start = office.commits()

    ticket = tickets.record_intake(env(office), ticket_type="repair", channel="phone", summary="厨房水管漏水",
                                   unit="3-2-1502", category="other")
    assert ticket.id == TICKET and state(office, ticket).status == "open"
    record = on_disk(office, rel)
    assert (record["type"], record["customer"], record["unit"], record["first_responder"]) == \
        ("repair", "C-A001", "3-2-1502", "li")
    assert last_commit(office) == {"author": "李娜", "subject": "受理 202611-A001 报修 3-2-1502：厨房水管漏水",
                                   "Svcctl-Ticket": TICKET, "Svcctl-Op": "intake", "Svcctl-Type": "repair",
                                   "Svcctl-Unit": "3-2-1502", "Svcctl-Text": "厨房水管漏水", "files": [rel]}

    ticket = tickets.act(env(office, now="2026-11-20 09:33"), "dispatch", TICKET, department="维修部", assignee="zhou")
    assert (state(office, ticket).status, state(office, ticket).assignee) == ("dispatched", "zhou")
    assert last_commit(office)["subject"] == "派单 202611-A001 报修 3-2-1502：→ 维修部（zhou）"

    ticket = tickets.act(env(office, user="zhou", now="2026-11-20 11:00"), "close", TICKET, result="更换三通，不漏了")
    assert state(office, ticket).status == "closed"  # a repair is called back
    assert last_commit(office)["author"] == "周师傅"

    ticket = tickets.act(env(office, now="2026-11-21 10:00"), "callback", TICKET, method="phone", satisfaction=5,
                         note="业主满意")
    assert state(office, ticket).status == "done"
    events = on_disk(office, rel)["events"]
    assert [(e["event"], e["by"], e["at"].isoformat()) for e in events] == [
        ("intake", "li", "2026-11-20T09:30:00+08:00"),
        ("dispatch", "li", "2026-11-20T09:33:00+08:00"),
        ("close", "zhou", "2026-11-20T11:00:00+08:00"),
        ("callback", "li", "2026-11-21T10:00:00+08:00"),
    ]
    assert events[3]["satisfaction"] == 5 and events[2]["result"] == "更换三通，不漏了"
    assert last_commit(office)["Svcctl-Op"] == "callback"
    assert office.commits() == start + 4 and clean(office)
    # and what was written reads back the same through the records
    assert [e.kind for e in env(office).records.ticket(TICKET).events] == ["intake", "dispatch", "close", "callback"]


def test_a_refused_step_is_an_exception_and_writes_nothing(office):
    tickets.record_intake(env(office), ticket_type="repair", channel="phone", summary="灯不亮", unit="5-1-301",
                          category="other")
    before = (office.root / f"tickets/2026/11/{TICKET}.yaml").read_bytes()
    commits = office.commits()
    with pytest.raises(Refusal, match="callback .* follows the close"):
        tickets.act(env(office), "callback", TICKET, method="phone", satisfaction=4, note="太早了")
    assert (office.root / f"tickets/2026/11/{TICKET}.yaml").read_bytes() == before
    assert office.commits() == commits and clean(office)


def test_customer_add_and_edit(office):
    added = customers.add(env(office), name="黄先生", phones=["137-0000-1111"], units=["7栋1单元101室"],
                          notes="新入住", force=False)
    assert added["id"] == "C-A003"
    rel = "customers/C-A003.yaml"
    written = on_disk(office, rel)
    assert str(written.pop("created")) == "2026-11-20 09:30:00+08:00"  # when it came on file, for the reports
    assert written == {"id": "C-A003", "name": "黄先生", "phones": ["13700001111"], "units": ["7-1-101"], "notes": "新入住"}
    assert last_commit(office) == {"author": "李娜", "subject": "新增客户 C-A003 7-1-101",
                                   "Svcctl-Customer": "C-A003", "Svcctl-Units": "7-1-101", "Svcctl-Op": "customer-add",
                                   "files": [rel]}

    edited = customers.edit(env(office), "c-a003", add_phones=["13700002222"], add_units=["7-1-102"],
                            remove_phones=["13700001111"])
    assert (edited["phones"], edited["units"]) == (["13700002222"], ["7-1-101", "7-1-102"])
    assert on_disk(office, rel)["phones"] == ["13700002222"]
    assert last_commit(office)["subject"] == "修改客户 C-A003"

    # a unit already on file for 陈先生 is refused unless forced, and nothing is written
    commits = office.commits()
    with pytest.raises(Refusal, match="3-2-1502"):
        customers.edit(env(office), "C-A003", add_units=["3-2-1502"])
    assert office.commits() == commits and on_disk(office, rel)["units"] == ["7-1-101", "7-1-102"]
    assert clean(office)
