"""Crash safety: a command killed at any step leaves records a person can keep working on.

``SVCCTL_CRASH_AT=<step>`` makes the real process exit on the spot at that step, like
``kill -9`` (no cleanup, no ``finally``). The next command must say on stderr that it
rolled the change back or finished it, and the records must be valid, committed and
whole: a change is all there or not there at all, also when it spans two files.

Only what is killed runs in a process of its own; the commands after it, which find
what it left, run in this one through the CLI (a process each would cost a tenth of a
second of start-up and show nothing more).
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys

import pytest

from conftest import copy_of, git, made_once, wait_for

pytestmark = pytest.mark.slow

TICKET = "202611-A001"
NEW_TICKET = "202611-A002"
NEW_CUSTOMER = "C-A003"
STEPS = ("after-journal", "between-files", "before-commit", "after-commit")

OPERATIONS = {
    # one file changes
    "reply": ("reply", TICKET, "--note", "中断的回复"),
    # two files: a new customer file and the ticket, in one commit
    "intake-new-customer": ("intake", "--type", "repair", "--name", "新住户", "--phone", "13700001111",
                            "--unit", "8-8-808", "--summary", "中断的报修"),
}


def status(office) -> str:
    return git(office.root, "status", "--porcelain", "--untracked-files=all")


def subjects(office) -> list[str]:
    return git(office.root, "log", "--format=%s").splitlines()


def replies(office) -> list[str]:
    return [e["note"] for e in office.json("show", TICKET)["events"] if e["event"] == "reply"]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """One office with ticket 202611-A001, built once; each test works on its own copy."""
    return made_once(tmp_path_factory, "template", lambda office: office.intake(
        "--type", "complaint", "--grade", "general", "--unit", "3-2-1502", "--summary", "电梯噪音"))


@pytest.fixture
def desk(template, tmp_path):
    return copy_of(template, tmp_path)[0]


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("step", STEPS)
def test_crash_at_each_step_is_finished_or_rolled_back(desk, step, operation):
    office = desk
    before = office.commits()
    ticket_file = office.root / "tickets" / "2026" / "11" / f"{TICKET}.yaml"
    new_files = [office.root / "customers" / f"{NEW_CUSTOMER}.yaml",
                 office.root / "tickets" / "2026" / "11" / f"{NEW_TICKET}.yaml"]

    crashed = office.subprocess(*OPERATIONS[operation], extra_env={"SVCCTL_CRASH_AT": step})
    assert crashed.returncode == 137, crashed.stderr
    if operation == "intake-new-customer" and step == "between-files":
        # The crash really cut the change in half: one of its two files is on disk.
        assert [f.exists() for f in new_files] == [True, False]
    if step == "before-commit":
        assert status(office) != "", "files written but not committed: the crash left a mess to clean"

    nxt = office.run("reply", TICKET, "--note", "下一位接手", user="zhou")
    if step == "after-commit":
        assert "svcctl: finished an interrupted change that had been committed" in nxt.stderr
    else:
        assert "svcctl: rolled back an interrupted change that was never committed" in nxt.stderr
    subject = "中断的回复" if operation == "reply" else "中断的报修"
    assert subject in nxt.stderr, "the user is told which change it was"

    check = office.run("check", ok=False)
    assert check.exit_code == 0, check.stdout + check.stderr
    assert status(office) == ""
    landed = [s for s in subjects(office) if s.endswith(subject)]
    notes = replies(office)
    assert notes[-1] == "下一位接手"
    if step == "after-commit":
        assert len(landed) == 1 and office.commits() == before + 2
        if operation == "reply":
            assert notes == ["中断的回复", "下一位接手"]
        else:
            assert all(f.exists() for f in new_files)
            assert office.json("show", NEW_TICKET)["customer"] == NEW_CUSTOMER
    else:
        assert landed == [] and office.commits() == before + 1
        assert notes == ["下一位接手"]
        assert not any(f.exists() for f in new_files)
        assert "中断的回复" not in ticket_file.read_text(encoding="utf-8")


def test_a_read_only_command_also_repairs_and_says_so(desk):
    office = desk
    crashed = office.subprocess(*OPERATIONS["intake-new-customer"], extra_env={"SVCCTL_CRASH_AT": "between-files"})
    assert crashed.returncode == 137
    listing = office.run("list")
    assert "rolled back an interrupted change that was never committed: 受理" in listing.stderr
    assert NEW_TICKET not in listing.stdout
    assert status(office) == ""


def test_kill_9_at_random_moments_leaves_a_consistent_repo(desk):
    """A loop of real commands, each killed with SIGKILL somewhere in its run."""
    office = desk
    seed = int(os.environ.get("SVCCTL_TEST_SEED") or random.SystemRandom().randrange(100000))
    rng = random.Random(seed)
    env = {**os.environ, "SVCCTL_RECORDS": str(office.root), "SVCCTL_NOW": office.now, "SVCCTL_USER": "li"}

    def command(i):
        if i % 2:
            return ["reply", TICKET, "--note", f"回复{i}"]
        return ["intake", "--type", "repair", "--name", f"住户{i}", "--phone", f"1360000{i:04d}",
                "--unit", f"6-6-{601 + i}", "--summary", f"报修{i}"]

    journal = office.root / ".git" / "svcctl-journal.json"
    branch = office.root / ".git" / "refs" / "heads" / "main"
    ticket_file = office.root / "tickets" / "2026" / "11" / f"{TICKET}.yaml"
    customers = office.root / "customers"

    def written(i):
        """The command has written its first file (not yet committed, maybe)."""
        if i % 2:
            before = ticket_file.read_bytes()
            return lambda: ticket_file.read_bytes() != before
        count = len(list(customers.iterdir()))
        return lambda: len(list(customers.iterdir())) != count

    def committed():
        before = branch.read_text()
        return lambda: branch.read_text() != before

    # The moments a kill lands on, each one observed in the records rather than timed:
    # while starting up, as the change begins (journal written), once a file is written,
    # once the commit has landed (the journal not yet cleared, or just cleared).
    moments = {
        "starting": lambda i: lambda: True,
        "journalled": lambda i: journal.exists,
        "written": written,
        "committed": lambda i: committed(),
    }
    iterations = 10
    repaired = 0
    for i in range(1, iterations + 1):
        moment = rng.choice(sorted(moments))
        reached = moments[moment](i)
        proc = subprocess.Popen([sys.executable, "-m", "svcctl", *command(i)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: proc.poll() is not None or reached(), f"the command to be {moment}", interval=0.001)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        check = office.run("check", ok=False)
        assert check.exit_code == 0, f"seed {seed}, iteration {i} ({moment}): {check.stdout}{check.stderr}"
        assert status(office) == "", f"seed {seed}, iteration {i} ({moment}): {status(office)}"
        repaired += "interrupted change" in check.stderr
        assert not journal.exists()

    log = subjects(office)
    notes = replies(office)
    assert len(notes) == len(set(notes))
    for i in range(1, iterations + 1):
        if i % 2:
            note = f"回复{i}"
            assert (note in notes) == (sum(s.endswith("：" + note) for s in log) == 1), (seed, note)
        else:
            unit = f"6-6-{601 + i}"
            tickets = [t for t in office.json("list") if t["unit"] == unit]
            customers = [c for c in office.json("customer", "list") if unit in c["units"]]
            committed = [s for s in log if s.startswith("受理 ") and s.endswith(f"报修{i}")]
            # the two files of one intake are both there with one commit, or neither is
            assert len(tickets) == len(customers) == len(committed) <= 1, (seed, unit, tickets, customers)
    print(f"seed {seed}: {repaired} of {iterations} kills left a change to repair")


TORN_WRITE = """
import os, sys
from pathlib import Path
from svcctl import vcs
from svcctl.store import txn
from svcctl.store.records import Records

records = Records(Path(sys.argv[1]))
rel = "tickets/2026/11/202611-A001.yaml"
real_fsync, calls = os.fsync, []

def fsync(fd):                      # 1st: the journal; 2nd: the ticket's temp file
    calls.append(fd)
    if len(calls) == 2:
        os._exit(137)               # die with the temp file written but not yet renamed
    real_fsync(fd)

with records.lock():
    change = txn.Change("reply 202611-A001 投诉 3-2-1502: 写了一半")
    change.write(rel, (records.root / rel).read_text(encoding="utf-8") + "  - garbage\\n")
    os.fsync = fsync
    records.commit(change, vcs.Author("李娜", "li@cy.svcctl"))
"""


def test_a_write_torn_inside_the_temp_file_leaves_no_litter(desk):
    office = desk
    ticket_file = office.root / "tickets" / "2026" / "11" / f"{TICKET}.yaml"
    before = ticket_file.read_text(encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", TORN_WRITE, str(office.root)], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 137, proc.stderr
    assert list(ticket_file.parent.glob(f".{ticket_file.name}.*.tmp")), "the crash left a temp file behind"
    nxt = office.run("reply", TICKET, "--note", "下一位接手")
    assert "rolled back an interrupted change that was never committed: reply" in nxt.stderr
    assert status(office) == ""
    assert ticket_file.read_text(encoding="utf-8").startswith(before) and "garbage" not in ticket_file.read_text()
    assert replies(office) == ["下一位接手"]
