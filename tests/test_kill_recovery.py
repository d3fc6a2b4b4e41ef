"""A command killed while one of its git processes is still at work: the next command repairs.

The office lock passes to every git process svcctl starts (vcs.HELD_LOCKS), so killing
svcctl can leave a git running that still holds the lock and is still to move HEAD. The
next command, whichever it is (a ``list`` too, started the very moment after the kill),
waits for that git to end and then finishes or rolls back what the dead command left: when
it returns, the tree is clean and it read what was committed. A command that only reads does
not wait for a holder that is alive: that holder repairs its own work.

Git here is the real one, behind a wrapper placed first on PATH for the killed command only:
before it moves a branch, the wrapper says so and waits for the test's word, so the kill
lands while that git is still to do its work, and the next command starts while it still is,
every time. The killed commands are real child processes; the next command runs through
Click in this process, which starts within milliseconds.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from conftest import git, wait_for
from test_sync import T, assert_event_list, assert_healthy, head, level, level_template, sync, template  # noqa: F401

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform == "win32", reason="git children inherit the lock on POSIX only")]


SLOW_GIT = """#!/bin/sh
if [ "$1" = update-ref ]; then
    echo $$ > '{marker}'
    n=0
    while [ ! -e '{go}' ] && [ $n -lt 600 ]; do sleep 0.05; n=$((n + 1)); done
fi
exec '{git}' "$@"
"""


def lock_is_free(root) -> bool:
    import fcntl

    fd = os.open(root / ".git" / "svcctl.lock", os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def killed_while_git_moves_head(office, tmp_path, *args):
    """``svcctl ARGS`` in a child process, killed with SIGKILL once it has started the git
    that moves HEAD, which lives on without it (holding the lock), still to move HEAD until
    ``let_go``. Its process group and the file that lets it go."""
    folder = tmp_path / "slow-git"
    folder.mkdir()
    marker, go = tmp_path / "update-ref.pid", tmp_path / "go"
    wrapper = folder / "git"
    wrapper.write_text(SLOW_GIT.format(marker=marker, go=go, git=shutil.which("git")), encoding="utf-8")
    wrapper.chmod(0o755)
    env = {**os.environ, "SVCCTL_RECORDS": str(office.root), "SVCCTL_USER": office.user,
           "SVCCTL_NOW": "2026-11-20 11:00", "SVCCTL_LANG": "en", "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.Popen([sys.executable, "-m", "svcctl", *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        wait_for(lambda: (marker.exists() and marker.read_text().strip()) or proc.poll() is not None,
                 "the git that moves HEAD to start")
        assert proc.poll() is None, f"svcctl {args} ended before it was killed: {proc.communicate()[1]}"
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        assert not lock_is_free(office.root), "the killed command's git holds the lock"
    except BaseException:
        os.killpg(proc.pid, signal.SIGKILL)  # the wrapper and its git, which share the group
        raise
    return proc.pid, go


@contextlib.contextmanager
def let_go(office, group: int, go, after: float = 0.5):
    """The killed command's git goes on ``after`` seconds from now, while the block runs the
    next command; when the block is left, that git has ended, whatever the command did."""
    timer = threading.Timer(after, go.touch)
    timer.start()
    try:
        yield
    finally:
        timer.join()
        try:
            wait_for(lambda: lock_is_free(office.root), "the killed command's git to end", timeout=60)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)


def test_a_list_right_after_a_sync_killed_while_its_git_moves_head_finishes_the_sync(level, tmp_path):
    net, a, b = level
    b.intake("--type", "query", "--unit", "5-1-301", "--summary", "乙站登记", now="2026-11-20 10:00")
    b.run("reply", T, "--note", "乙回复", now="2026-11-20 10:05")
    sync(b)
    a.run("reply", T, "--note", "甲回复", now="2026-11-20 10:10")
    before, theirs = head(a), net.remote_head()
    group, go = killed_while_git_moves_head(a, tmp_path, "sync")
    journal = a.root / ".git" / "svcctl-merge.json"
    assert journal.exists() and head(a) == before
    with let_go(a, group, go):
        listed = a.run("list", "--format", "json")
    assert git(a.root, "status", "--porcelain", "--untracked-files=all") == ""
    assert not journal.exists() and not (a.root / ".git" / "MERGE_HEAD").exists()
    assert listed.stderr == "svcctl: finished a sync that was cut off after its merge was recorded\n"
    assert sorted(r["id"] for r in json.loads(listed.stdout)) == [T, "202611-B001"]  # the merge, whole
    assert git(a.root, "rev-list", "--parents", "-1", "HEAD").split()[1:] == [before, theirs]
    assert "pushed" in sync(a).stdout
    assert_event_list(a, ["乙回复", "甲回复"])
    assert_healthy(a)


def test_a_list_right_after_a_reply_killed_while_its_git_moves_head_finishes_the_reply(office, tmp_path):
    office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502", "--summary", "电梯噪音")
    before = head(office)
    group, go = killed_while_git_moves_head(office, tmp_path, "reply", T, "--note", "杀掉时的回复")
    journal = office.root / ".git" / "svcctl-journal.json"
    assert journal.exists() and head(office) == before
    with let_go(office, group, go):
        listed = office.run("list", "--format", "json")
    assert git(office.root, "status", "--porcelain", "--untracked-files=all") == ""
    assert not journal.exists()
    assert listed.stderr.startswith("svcctl: finished an interrupted change that had been committed: ")
    assert len(listed.stderr.splitlines()) == 1
    assert git(office.root, "rev-parse", "HEAD~1").strip() == before
    assert [e.get("note") for e in office.json("show", T)["events"] if e["event"] == "reply"] == ["杀掉时的回复"]


# A live command in the middle of a change: the office lock held, its journal written.
LIVE_HOLDER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from svcctl import vcs
    from svcctl.store import txn
    from svcctl.store.records import Records

    records = Records(Path(sys.argv[1]))
    with records.lock():
        txn.Journal(records.top, records.gdir).begin("0" * 12, [sys.argv[2]], vcs.head(records.top), "reply: 进行中")
        print("writing", flush=True)
        sys.stdin.readline()
""")


# The same, as an svcctl from before the holder lock does it: the office lock alone, and a
# journal that does not say its writer holds the holder lock (two installs on one PC, one
# not yet upgraded).
OLDER_HOLDER = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from svcctl import vcs
    from svcctl.store import txn
    from svcctl.store.records import Records

    records = Records(Path(sys.argv[1]))
    lock = txn.HeldLock(records.gdir / "svcctl.lock")
    assert lock.acquire(5)
    journal = txn.Journal(records.top, records.gdir)
    journal.begin("0" * 12, [sys.argv[2]], vcs.head(records.top), "reply: 进行中")
    data = json.loads(journal.path.read_text(encoding="utf-8"))
    del data[journal.BY_HOLDER]
    journal.path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    print("writing", flush=True)
    sys.stdin.readline()
""")


@pytest.mark.parametrize("script", [LIVE_HOLDER, OLDER_HOLDER], ids=["this svcctl", "an older svcctl"])
def test_a_reader_does_not_wait_for_a_live_command_in_the_middle_of_a_change(office, script):
    office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502", "--summary", "电梯噪音")
    journal = office.root / ".git" / "svcctl-journal.json"
    holder = subprocess.Popen([sys.executable, "-c", script, str(office.root), f"tickets/2026/11/{T}.yaml"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "writing"
        started = time.monotonic()
        listed = office.run("list", "--format", "json", extra_env={"SVCCTL_LOCK_TIMEOUT": "60"})
        assert time.monotonic() - started < 20, "the reader waited for the live holder"
        assert listed.stderr == "" and [r["id"] for r in json.loads(listed.stdout)] == [T]
        assert journal.exists() and holder.poll() is None  # the holder's work is the holder's
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.communicate()
    listed = office.run("list", extra_env={"SVCCTL_LOCK_TIMEOUT": "60"})
    assert listed.stderr.startswith("svcctl: rolled back an interrupted change that was never committed: reply")
    assert not journal.exists()
    assert git(office.root, "status", "--porcelain", "--untracked-files=all") == ""
