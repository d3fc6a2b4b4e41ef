"""Kinds of event, one module each (core/events/): a new kind is its module and nothing else,
and every kind's own rules (what may precede it, who may do it, its step of the fold)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import svcctl
from svcctl.core.errors import Refusal
from svcctl.core.events import KINDS, Guard
from svcctl.core.ticket import Event, Ticket, folding, step
from svcctl.core.workflow import Actor

from conftest import bare_machine, git

# ---------------------------------------------------------------- a new kind in one module

INSPECT = '''
    """inspect: a supervisor's site inspection of work in progress; a failed one hands the
    ticket to the inspector."""
    from __future__ import annotations

    from dataclasses import dataclass

    from ..errors import Refusal
    from ..message import msg
    from .kind import FLAG, TEXT, Command, Kind, Option, typed


    @dataclass(frozen=True)
    class Fields:
        note: str = typed(TEXT, required=True)
        passed: bool | None = typed(FLAG)


    class Inspect(Kind):
        name, order, data, verb = "inspect", 65, Fields, "inspected"
        change = "inspected"
        command = Command("Record a supervisor's site inspection of the work.",
                          ("svcctl inspect 202611-A001 --note 'site checked' --passed",),
                          (Option("--note", required=True), Option("--passed", value="flag", help="The work passed.")))

        def allowed(self, ticket, state, event, guard):
            if guard.actor_role is not None and not guard.senior:
                raise Refusal(msg("an inspection is made by a supervisor or director"))
            if state.department is None:
                raise Refusal(msg("{id} has no work order to inspect", id=ticket.id))

        def apply(self, state, event):
            if not self.of(event).passed:
                state.owner = event.by


    KIND = Inspect()
'''


# The child below runs svcctl's commands as they come, as the tests' Office runs them here: one
# interpreter for every command of the module, instead of one (and its imports) per command.
COMMANDS = """
import json, sys
from click.testing import CliRunner
from svcctl.cli.main import cli
for line in sys.stdin:
    args, env = json.loads(line)
    result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    print(json.dumps([result.exit_code, result.stdout, result.stderr]), flush=True)
"""


@pytest.fixture(scope="module")
def svcctl_with_inspect(tmp_path_factory):
    """A child process running svcctl from a copy of the package that has one more file:
    core/events/inspection.py."""
    copy = tmp_path_factory.mktemp("copy")
    shutil.copytree(Path(svcctl.__file__).parent, copy / "svcctl", ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "svcctl" / "core" / "events" / "inspection.py").write_text(textwrap.dedent(INSPECT), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:  # the machine every test sees, made before any test's
        bare_machine(mp, tmp_path_factory.mktemp("home"))
        child = subprocess.Popen([sys.executable, "-c", COMMANDS], cwd=copy,
                                 env={**os.environ, "PYTHONPATH": str(copy)}, stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True, encoding="utf-8")
    yield child
    child.stdin.close()
    child.wait(timeout=30)


@pytest.fixture
def with_inspect(svcctl_with_inspect, office):
    """The office, and a way to run svcctl with the inspect kind in it."""
    child = svcctl_with_inspect

    def run(*args, user="li", now="2026-11-20 10:00"):
        env = {"SVCCTL_RECORDS": str(office.root), "SVCCTL_NOW": now, "SVCCTL_USER": user, "SVCCTL_LANG": "en"}
        child.stdin.write(json.dumps([args, env]) + "\n")
        child.stdin.flush()
        answer = child.stdout.readline()
        assert answer, f"svcctl {' '.join(args)} ended the child process"
        code, out, err = json.loads(answer)
        return subprocess.CompletedProcess(args, code, out, err)

    return office, run


def test_a_kind_added_as_one_module_is_a_command_with_its_help(with_inspect):
    _, run = with_inspect
    listed = run("--help")
    assert listed.returncode == 0 and "inspect" in listed.stdout
    help_text = run("inspect", "--help")
    assert help_text.returncode == 0, help_text.stderr
    assert "site inspection" in help_text.stdout and "--passed" in help_text.stdout
    assert "svcctl inspect 202611-A001" in help_text.stdout and "--at TIME" in help_text.stdout


def test_a_kind_added_as_one_module_is_recorded_checked_shown_and_in_the_history(with_inspect):
    office, run = with_inspect
    tid = office.intake("--type", "repair", "--category", "other", "--unit", "3-2-1502", "--summary", "门锁坏",
                        now="2026-11-20 09:00")
    office.run("dispatch", tid, "--to", "维修部", now="2026-11-20 09:10")
    before = office.commits()

    refused = run("inspect", tid, "--note", "现场检查", user="li")  # an agent
    assert refused.returncode == 3 and "supervisor or director" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and office.commits() == before

    done = run("inspect", tid, "--note", "现场检查", user="zhao")
    assert done.returncode == 0, done.stderr
    assert office.commits() == before + 1
    assert git(office.root, "log", "-1", "--format=%s").startswith(f"inspect {tid} ")

    shown = json.loads(run("show", tid, "--format", "json").stdout)
    assert shown["events"][-1]["event"] == "inspect" and shown["events"][-1]["note"] == "现场检查"
    assert shown["owner"] == "zhao"  # the kind's own step of the fold: a failed inspection
    assert "inspect" in run("show", tid).stdout  # the timeline
    assert f"inspect {tid}" in run("log", tid).stdout  # the ticket's history

    assert run("check").returncode == 0
    path = next((office.root / "tickets").rglob(f"{tid}.yaml"))
    text = path.read_text(encoding="utf-8")
    assert "passed: false" in text  # stored as its kind declares it
    path.write_text(text.replace("passed: false", "passed: 'yes'"), encoding="utf-8")
    bad_field = run("check")
    assert bad_field.returncode != 0 and "'passed' must be true or false" in bad_field.stdout + bad_field.stderr
    path.write_text(text.replace("by: zhao", "by: li"), encoding="utf-8")
    bad_history = run("check")
    out = bad_history.stdout + bad_history.stderr
    assert bad_history.returncode != 0 and "impossible history" in out and "supervisor or director" in out


def test_without_its_module_the_kind_is_unknown(office):
    assert "inspect" not in KINDS
    result = office.fails("inspect", "202611-A001", "--note", "x")
    assert result.exit_code == 2 and "No such command" in result.stderr


# ---------------------------------------------------------------- each kind's own rules

AT = datetime.fromisoformat("2026-11-20T09:00:00+08:00")
ROSTER = {"wang": Actor("wang", "王主任", "director"), "zhao": Actor("zhao", "赵强", "supervisor"),
          "li": Actor("li", "李娜", "agent"), "zhou": Actor("zhou", "周师傅", "agent", "维修部")}


def _ticket(history, ticket_type="repair", category="other") -> Ticket:
    header = {"id": "202611-A001", "type": ticket_type, "category": category if ticket_type == "repair" else None,
              "channel": "phone", "customer": "C-A001", "unit": "3-2-1502", "summary": "x", "received_at": AT,
              "first_responder": "li"}
    events = [Event("intake", AT, "li", {})]
    for i, (kind, data) in enumerate(history, 1):
        events.append(Event(kind, AT + timedelta(minutes=i), "wang", data))
    return Ticket(header, tuple(events))


DISPATCHED = [("dispatch", {"to": "维修部"})]
CLOSED = [*DISPATCHED, ("close", {"result": "好"})]

# kind, events before it, its fields, who, what must follow: a refusal's words, or a test of the fold
CASES = [
    ("intake", [], {}, "li", "taken in once"),
    ("dispatch", [], {"to": "维修部", "emergency": True}, "li",
     lambda s: s.status == "dispatched" and s.department == "维修部" and s.emergency_since is not None),
    ("arrive", [], {}, "li", "dispatch it first"),
    ("arrive", DISPATCHED, {}, "li", lambda s: s.status == "dispatched"),
    ("reply", [], {"note": "已联系"}, "li", lambda s: s.status == "open"),
    ("reply", CLOSED, {"note": "已联系"}, "li", "reopen it first"),
    ("escalate", [], {"to": "zhou", "note": "n"}, "li", "is an agent"),
    ("escalate", [], {"to": "zhao", "note": "n"}, "li", lambda s: s.escalated_to == s.owner == "zhao"),
    ("escalate", [("escalate", {"to": "zhao", "note": "n"})], {"to": "zhao", "note": "n"}, "zhao", "already escalated"),
    ("reply", [("escalate", {"to": "zhao", "note": "n"})], {"note": "n"}, "li", lambda s: s.escalated_to == "zhao"),
    ("pause", [("escalate", {"to": "zhao", "note": "n"})], {"reason": "r"}, "li", "only zhao or a supervisor"),
    ("pause", [], {"reason": "业主不在家"}, "li", lambda s: s.status == "paused" and s.paused_since is not None),
    ("pause", [("pause", {"reason": "r"})], {"reason": "r"}, "li", "already paused"),
    ("resume", [], {}, "li", "is not paused"),
    ("resume", [*DISPATCHED, ("pause", {"reason": "r"})], {}, "li",
     lambda s: s.status == "dispatched" and len(s.pauses) == 1 and s.paused_since is None),
    ("close", DISPATCHED, {"result": "好"}, "li", lambda s: s.status == "closed" and s.current_close is not None),
    ("close", [], {"result": "补胶"}, "li", "after the leak test"),
    ("close", [], {"result": "临时堵漏", "temporary": True}, "li", lambda s: s.temporary_measures == 1 and s.is_open),
    ("callback", [], {"method": "phone", "satisfaction": 5, "note": "满意"}, "li", "follows the close"),
    ("callback", CLOSED, {"method": "phone", "satisfaction": 5, "note": "满意"}, "li",
     lambda s: s.status == "done" and s.callback_done),
    ("reopen", [], {"note": "又漏"}, "li", "only a closed ticket"),
    ("reopen", CLOSED, {"note": "又漏"}, "li", lambda s: s.status == "dispatched" and s.reopen_count == 1),
    ("cancel", [], {"reason": "重复"}, "li", "needs a supervisor or director"),
    ("cancel", [], {"reason": "重复"}, "wang", lambda s: s.status == "cancelled"),
    ("cancel", CLOSED, {"reason": "重复"}, "wang", "not cancelled"),
    ("note", [("cancel", {"reason": "重复"})], {"note": "业主来电"}, "li", lambda s: s.status == "cancelled"),
    ("dispatch", [("cancel", {"reason": "重复"})], {"to": "维修部"}, "li", "is cancelled"),
]


def _category(history, fields) -> str:
    """A leak repair where the case is about the leak test, else any repair."""
    return "leak" if "temporary" in fields or fields.get("result") == "补胶" else "other"


@pytest.mark.parametrize("kind, history, fields, who, expect", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_kind_judges_and_folds_its_own_event(kind, history, fields, who, expect):
    ticket = _ticket(history, category=_category(history, fields))
    state = folding(ticket)
    for event in ticket.events:
        step(state, event)
    event = Event(kind, AT + timedelta(hours=1), who, fields)
    guard = Guard(who, ROSTER[who].role, ROSTER)
    if isinstance(expect, str):
        with pytest.raises(Refusal, match=expect):
            KINDS[kind].check(ticket, state, event, guard)
    else:
        KINDS[kind].check(ticket, state, event, guard)
        step(state, event)
        assert expect(state)


def test_every_kind_has_its_cases_and_fields_that_are_typed():
    assert {case[0] for case in CASES} == set(KINDS)
    for kind in KINDS.values():
        typed = kind.data(**{f.name: None for f in kind.fields})  # every field, by its declared name
        with pytest.raises(AttributeError):
            typed.note = "changed"  # frozen


def test_kinds_are_listed_in_the_order_of_a_tickets_life():
    assert list(KINDS) == ["intake", "dispatch", "arrive", "reply", "escalate", "pause", "resume", "close",
                           "callback", "reopen", "cancel", "note"]
