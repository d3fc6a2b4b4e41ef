"""Many hands, one record: real svcctl processes racing on one records folder.

Every command that races, holds the lock or is killed runs the real entry point
(``python -m svcctl``) in its own process, against a real git repository; nothing is
mocked. A command that only meets what those processes hold or left (a lock another
process holds, a change a dead one cut off) and the reading afterwards (show, check) run
through the CLI in the test's own process: an OS file lock held elsewhere is held against
it all the same. What is asserted is what a person at the desk would notice: an id handed
out twice, a reply that vanished, a commit missing or doubled, a dirty ``git status``, a
command that hangs behind a dead one.
"""
from __future__ import annotations

import contextlib

import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from conftest import git, wait_for

pytestmark = pytest.mark.slow

TICKET = "202611-A001"


def spawn(office, *args, user="li", extra_env=None, **kw) -> subprocess.Popen:
    env = {**os.environ, "SVCCTL_RECORDS": str(office.root), "SVCCTL_NOW": office.now,
           "SVCCTL_USER": user, **(extra_env or {})}
    return subprocess.Popen([sys.executable, "-m", "svcctl", *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


# svcctl itself, with one observer added: when the office lock is taken, it touches a file
# before queueing for it, so a test knows the command is waiting rather than guessing a time.
QUEUED = textwrap.dedent("""
    import sys
    from pathlib import Path
    from svcctl.store.txn import HeldLock

    marker, sys.argv = Path(sys.argv[1]), ["svcctl", *sys.argv[2:]]
    real = HeldLock.acquire

    def acquire(self, timeout):
        if self.path.name == "svcctl.lock":
            if real(self, 0):
                return True
            marker.touch()
        return real(self, timeout)

    HeldLock.acquire = acquire
    from svcctl.cli.main import main
    main()
""")


def spawn_queued(office, marker: Path, *args, user="li") -> subprocess.Popen:
    """``svcctl ARGS`` in a process of its own, once it is queued behind the lock's holder."""
    env = {**os.environ, "SVCCTL_RECORDS": str(office.root), "SVCCTL_NOW": office.now, "SVCCTL_USER": user}
    proc = subprocess.Popen([sys.executable, "-c", QUEUED, str(marker), *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: marker.exists() or proc.poll() is not None, "the command to queue for the lock")
    assert proc.poll() is None, f"svcctl {args} did not wait for the lock: {proc.communicate()}"
    return proc


def finish(proc: subprocess.Popen, timeout: float = 60):
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"svcctl {proc.args[3:]} still running after {timeout}s: {err}")
    return proc.returncode, out, err


def assert_clean_repo(office) -> None:
    assert git(office.root, "status", "--porcelain", "--untracked-files=all") == ""
    check = office.run("check", ok=False)
    assert check.exit_code == 0, check.stdout + check.stderr


def subjects(office) -> list[str]:
    return git(office.root, "log", "--format=%s").splitlines()


def ticket_notes(office, ticket_id: str) -> list[str]:
    return [e.get("note") for e in office.json("show", ticket_id)["events"] if e["event"] == "reply"]


def test_twenty_processes_on_one_ticket_lose_nothing(office):
    office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502", "--summary", "电梯噪音")
    before = office.commits()
    jobs = []  # (kind, key, Popen)
    for i in range(20):
        if i % 5 == 0:  # a new customer and a ticket: two files in one commit
            unit = f"9-1-{1001 + i}"
            proc = spawn(office, "intake", "--type", "repair", "--name", f"新住户{i}", "--phone",
                         f"1370000{i:04d}", "--unit", unit, "--summary", f"报修{i}")
            jobs.append(("new-customer", unit, proc))
        elif i % 5 == 1:
            proc = spawn(office, "intake", "--type", "query", "--unit", "5-1-301", "--summary", f"查询{i}")
            jobs.append(("intake", f"查询{i}", proc))
        else:
            note = f"第{i}次回复"
            proc = spawn(office, "reply", TICKET, "--note", note, user="zhou" if i % 2 else "li")
            jobs.append(("reply", note, proc))
    results = [(kind, key, *finish(proc)) for kind, key, proc in jobs]

    ok = []
    for kind, key, code, out, err in results:
        if code == 0:
            ok.append((kind, key, out))
        else:  # allowed, but only as a clean one-line refusal
            lines = err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("svcctl: "), f"{kind} {key}: {err}"
            assert "Traceback" not in err
    # Nothing here is refused by the rules and the lock waits 120 s: every command must land.
    assert len(ok) == 20, [(k, key, code, err) for k, key, code, out, err in results if code]

    ids = [out.splitlines()[0] for kind, key, out in ok if kind != "reply"]
    assert len(ids) == len(set(ids)) == 8, ids
    on_disk = sorted(p.stem for p in (office.root / "tickets" / "2026" / "11").glob("*.yaml"))
    assert sorted(ids + [TICKET]) == on_disk
    customers = sorted(p.stem for p in (office.root / "customers").glob("*.yaml"))
    assert len(customers) == len(set(customers)) == 2 + 4

    notes = ticket_notes(office, TICKET)
    wanted = [key for kind, key, _ in ok if kind == "reply"]
    assert Counter(notes) == Counter(wanted), notes

    # Exactly one commit per successful command, each naming what it did.
    assert office.commits() == before + 20
    log = subjects(office)
    for kind, key, out in ok:
        if kind == "reply":
            assert sum(s.endswith("：" + key) for s in log) == 1, key
        else:
            tid = out.splitlines()[0]
            assert sum(s.startswith(f"受理 {tid} ") for s in log) == 1, tid
    # Each intake that created a customer committed both files together.
    for kind, key, out in ok:
        if kind == "new-customer":
            tid = out.splitlines()[0]
            sha = git(office.root, "log", "--format=%H", "--grep", f"Svcctl-Ticket: {tid}").split()[0]
            touched = git(office.root, "show", "--name-only", "--format=", sha).split()
            assert len(touched) == 2 and any(t.startswith("customers/") for t in touched), touched
    assert_clean_repo(office)


SLEEPER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from svcctl.store.records import Records

    with Records(Path(sys.argv[1])).lock():   # the office lock, exactly as a command takes it
        print("locked", flush=True)
        sys.stdin.readline()                  # held until the test kills us
""")


def test_a_killed_lock_holder_does_not_block_the_next_command(office, tmp_path):
    """A process holding the office lock is killed with SIGKILL; the command waiting behind
    it goes on, and so does the next one: a dead holder leaves no lock behind."""
    office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502", "--summary", "电梯噪音")
    holder = subprocess.Popen([sys.executable, "-c", SLEEPER, str(office.root)], text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == "locked"
        busy = office.run("reply", TICKET, "--note", "不等了", ok=False, extra_env={"SVCCTL_LOCK_TIMEOUT": "0.5"})
        assert busy.exit_code != 0, "the holder really holds the lock"
        assert busy.stderr.startswith("svcctl: records are busy") and len(busy.stderr.splitlines()) == 1
        waiter = spawn_queued(office, tmp_path / "queued", "reply", TICKET, "--note", "排队等锁")
        os.kill(holder.pid, signal.SIGKILL)
        code, out, err = finish(waiter, timeout=30)
    finally:
        holder.kill()
        holder.communicate()
    assert code == 0, err
    # with a lock timeout far shorter than the test's patience: nothing of the holder is left
    office.run("reply", TICKET, "--note", "继续处理", extra_env={"SVCCTL_LOCK_TIMEOUT": "2"})
    assert ticket_notes(office, TICKET) == ["排队等锁", "继续处理"]
    assert_clean_repo(office)


# A holder whose git child outlives it: the child (a shell git starts for an alias) writes
# its process id and then waits, as a git cut off mid-write would still be running.
GIT_CHILD_HOLDER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from svcctl import vcs
    from svcctl.store.records import Records

    records = Records(Path(sys.argv[1]))
    with records.lock():
        vcs.run(records.top, "-c", f"alias.hold=!echo $$ > {sys.argv[2]}; exec sleep 600", "hold")
""")


def test_a_git_child_of_a_killed_holder_keeps_the_lock_until_it_ends(office, tmp_path):
    """The office lock passes to the git processes svcctl starts: while one of them is still
    running after svcctl itself was killed, the next command waits (its repair must not race
    a git that is still writing); once the child ends, the next command goes on."""
    office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502", "--summary", "电梯噪音")
    pid_file = tmp_path / "git-child.pid"
    holder = subprocess.Popen([sys.executable, "-c", GIT_CHILD_HOLDER, str(office.root), str(pid_file)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    child = int(wait_for(lambda: pid_file.exists() and pid_file.read_text().strip(), "the git child to start"))
    try:
        os.kill(holder.pid, signal.SIGKILL)
        holder.communicate()
        busy = office.run("reply", TICKET, "--note", "不等了", ok=False, extra_env={"SVCCTL_LOCK_TIMEOUT": "0.5"})
        assert busy.exit_code != 0 and busy.stderr.startswith("svcctl: records are busy"), busy.stderr
    finally:
        os.kill(child, signal.SIGKILL)
    office.run("reply", TICKET, "--note", "继续处理", extra_env={"SVCCTL_LOCK_TIMEOUT": "30"})
    assert ticket_notes(office, TICKET) == ["继续处理"]
    assert_clean_repo(office)


def test_desk_work_goes_on_while_a_sync_hangs_on_the_network(office, tmp_path):
    """``svcctl sync`` stuck on a dead line must not hold up intakes; killing it frees everything."""
    office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502", "--summary", "电梯噪音")
    hang, dialling = tmp_path / "hang.sh", tmp_path / "dialling"
    hang.write_text(f"#!/bin/sh\ntouch '{dialling}'\nexec sleep 60\n")
    hang.chmod(0o755)
    git(office.root, "remote", "add", "origin", "ssh://unreachable.invalid/srv/records.git")
    holder = spawn(office, "sync", extra_env={"GIT_SSH_COMMAND": str(hang)}, start_new_session=True)
    try:
        wait_for(lambda: dialling.exists() or holder.poll() is not None, "the sync to reach the network")
        assert holder.poll() is None, "the sync should be hanging on the network"
        # A lock timeout of 5s: were the sync holding the office lock, these would be refused.
        office.run("reply", TICKET, "--note", "同步时照常受理", extra_env={"SVCCTL_LOCK_TIMEOUT": "5"})
        office.run("intake", "--type", "query", "--unit", "5-1-301", "--summary", "查询",
                   extra_env={"SVCCTL_LOCK_TIMEOUT": "5"})
        second = office.run("sync", ok=False, extra_env={"GIT_SSH_COMMAND": "false"})
        assert second.exit_code != 0
        assert "another 'svcctl sync' is running" in second.stderr and len(second.stderr.splitlines()) == 1
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(holder.pid, signal.SIGKILL)  # the orphaned git/sleep children of the holder
        holder.communicate()
    # SIGKILL takes a moment to end the git and the ssh the sync started, which hold its lock.
    wait_for(lambda: not living_in_group(holder.pid), "the killed sync's git and ssh to end")
    # the dead sync leaves nothing held: the next sync gets as far as the (still dead) network
    again = office.run("sync", ok=False, extra_env={"GIT_SSH_COMMAND": "false"})
    assert again.exit_code != 0 and "cannot reach remote 'origin'" in again.stderr
    assert ticket_notes(office, TICKET) == ["同步时照常受理"]
    assert_clean_repo(office)


def living_in_group(group: int) -> bool:
    """Whether a process of the group still runs (a zombie holds nothing, and where nobody
    reaps orphans it stays one)."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[2]) == group:
            return True
    return False


HOLDER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from svcctl import vcs
    from svcctl.store import txn
    from svcctl.store.records import Records

    records = Records(Path(sys.argv[1]))
    lock = records.lock()
    lock.__enter__()
    print("locked", flush=True)
    sys.stdin.readline()                      # wait until the test has queued another command
    change = txn.Change("intake 202611-A099 报修 7-7-707: 半途而废")
    change.write("customers/C-A099.yaml", "id: C-A099\\nname: 半途\\nunits:\\n  - 7-7-707\\n")
    change.write("tickets/2026/11/202611-A099.yaml", "id: 202611-A099\\n")
    records.commit(change, vcs.Author("李娜", "li@cy.svcctl"))   # SVCCTL_CRASH_AT kills us in between
    print("not reached", flush=True)
""")


def test_a_command_queued_behind_a_crashing_one_repairs_before_it_writes(office, tmp_path):
    """The lock holder dies half-way through writing; the command that was already waiting
    for the lock must roll that change back before reading or writing anything itself."""
    office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502", "--summary", "电梯噪音")
    before = office.commits()
    env = {**os.environ, "SVCCTL_CRASH_AT": "between-files"}
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(office.root)], env=env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == "locked"
        # the waiter has started, found no journal, and is queued for the lock
        waiter = spawn_queued(office, tmp_path / "queued", "reply", TICKET, "--note", "排队等锁")
        holder.stdin.write("go\n")
        holder.stdin.flush()
        code, out, err = finish(waiter)
    finally:
        holder.kill()
        holder.communicate()
    assert holder.returncode == 137
    assert code == 0, err
    assert "rolled back an interrupted change" in err and "半途而废" in err
    assert not (office.root / "customers" / "C-A099.yaml").exists()
    assert not (office.root / "tickets" / "2026" / "11" / "202611-A099.yaml").exists()
    assert office.commits() == before + 1
    touched = git(office.root, "show", "--name-only", "--format=", "HEAD").split()
    assert touched == [f"tickets/2026/11/{TICKET}.yaml"]
    assert ticket_notes(office, TICKET) == ["排队等锁"]
    assert_clean_repo(office)


def test_processes_dying_mid_change_in_a_crowd_are_repaired_by_the_next_in_line(office):
    """Twelve commands at once, three of them killed inside their change (SVCCTL_CRASH_AT):
    the survivors all land, and each dead change is wholly committed or wholly gone."""
    office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502", "--summary", "电梯噪音")
    before = office.commits()
    crash = {2: "between-files", 5: "before-commit", 8: "after-commit"}
    jobs = []
    for i in range(12):
        extra = {"SVCCTL_CRASH_AT": crash[i]} if i in crash else None
        if i % 3 == 2:  # new customer + ticket: two files
            args = ("intake", "--type", "repair", "--name", f"住户{i}", "--phone", f"1350000{i:04d}",
                    "--unit", f"4-4-{401 + i}", "--summary", f"报修{i}")
        else:
            args = ("reply", TICKET, "--note", f"回复{i}")
        jobs.append((i, args, spawn(office, *args, extra_env=extra)))
    results = {i: (args, *finish(proc)) for i, args, proc in jobs}
    for i, (args, code, out, err) in results.items():
        if i in crash:
            assert code == 137, err
        else:
            assert code == 0, f"{args}: {err}"
    office.run("list")  # in case the last process in line was one that died
    assert git(office.root, "status", "--porcelain", "--untracked-files=all") == ""
    log = subjects(office)
    landed = {i for i in crash if any(s.endswith(f"报修{i}") for s in log)}
    assert landed == {8}, log
    assert office.commits() == before + 9 + len(landed)
    notes = ticket_notes(office, TICKET)
    assert Counter(notes) == Counter(f"回复{i}" for i in range(12) if i % 3 != 2)
    units = {u for c in office.json("customer", "list") for u in c["units"]}
    tickets = {t["summary"] for t in office.json("list")}
    for i in range(2, 12, 3):
        there = i not in crash or i in landed
        assert (f"4-4-{401 + i}" in units) == there and (f"报修{i}" in tickets) == there, i
    assert_clean_repo(office)
