"""A sync keeps a merge only if it passes, and a sync killed at any moment leaves nothing half done.

Two PCs share a bare remote. The other PC pushes broken records with plain git; this PC's
sync must refuse them and stay exactly as it was, in every file, sync after sync, until the
record is repaired where it came from. Syncs of many tickets changed on both PCs are killed
with SIGKILL at random moments; whatever the moment, the next command leaves a clean tree
whose later commits carry no event of the other PC's, and the next sync completes.

The killed syncs, the command after each kill and one refused merge are the real ``python
-m svcctl`` in child processes; the other commands run through Click in this process
(test_sync.run: the same exit code, stdout and stderr).
"""
from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from conftest import Office, bare_machine, git
from test_sync import MARKERS, T, Net, assert_event_list, assert_healthy, head, one_line, run, sync, sync_process

TICKET = f"tickets/2026/11/{T}.yaml"


def built(tmp_path_factory, name: str, more, start: Net | None = None) -> Net:
    """A net built once per module on a bare machine (or a copy of ``start``), then
    ``more(net)`` done to it."""
    with pytest.MonkeyPatch.context() as mp:
        bare_machine(mp, tmp_path_factory.mktemp(f"{name}-home"))
        folder = tmp_path_factory.mktemp(f"{name}-template")
        net = start.copy(folder) if start else Net.build(folder)
        more(net)
        return net.packed()


@pytest.fixture(scope="module")
def pair_template(tmp_path_factory) -> Net:
    return built(tmp_path_factory, "pair", lambda net: net.clone("B"))


@pytest.fixture
def pair(pair_template, tmp_path):
    net = pair_template.copy(tmp_path / "net")
    return net, net.a, net.clones["B"]


def both_synced(net: Net) -> None:
    sync(net.clones["B"])
    sync(net.a)


@pytest.fixture(scope="module")
def level_template(pair_template, tmp_path_factory) -> Net:
    return built(tmp_path_factory, "level", both_synced, start=pair_template)


@pytest.fixture
def level(level_template, tmp_path):
    """The pair after both PCs synced: each holds what the other has."""
    net = level_template.copy(tmp_path / "net")
    return net, net.a, net.clones["B"]


def snapshot(office: Office) -> dict:
    """Everything a person or svcctl could see of a clone: refs, index, files and their modes."""
    root = office.root
    files = {}
    for path in sorted(root.rglob("*")):
        if ".git" in path.relative_to(root).parts:
            continue
        rel = path.relative_to(root).as_posix()
        files[rel] = (path.stat().st_mode, path.read_bytes()) if path.is_file() else None
    refs = git(root, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", "refs/tags")
    return {"head": head(office), "refs": refs, "index": git(root, "ls-files", "-s"), "files": files,
            "merge": (root / ".git" / "MERGE_HEAD").exists(), "status": git(root, "status", "--porcelain")}


def push_by_hand(b: Office, rel: str, new_text: str | None = None, *, link_to: str | None = None) -> str:
    """What another PC does with a text editor and plain git: commit a record and push it."""
    path = b.root / rel
    if link_to is not None:
        path.unlink(missing_ok=True)
        os.symlink(link_to, path)
    else:
        path.write_bytes(new_text.encode("utf-8") if isinstance(new_text, str) else new_text)
    git(b.root, "add", rel)
    git(b.root, "commit", "-qm", f"hand edit of {rel}")
    git(b.root, "push", "-q", "origin", "HEAD:main")
    return git(b.root, "rev-parse", "--short", "HEAD").strip()


def text_of(office: Office, rel: str) -> str:
    return (office.root / rel).read_text(encoding="utf-8")


BROKEN = {
    "ticket YAML": (TICKET, lambda t: t.replace("type: complaint", "type complaint"), "YAML syntax"),
    "ticket value": (TICKET, lambda t: t.replace("type: complaint", "type: complain"), "'type' is 'complain'"),
    "customer": ("customers/C-A001.yaml", lambda t: t.replace("name: 陈先生", "name: [陈先生"), "YAML syntax"),
    "svcctl.yaml": ("svcctl.yaml", lambda t: t.replace("staff:", "staff:\n- id: [x\n"), "YAML syntax"),
    "alias bomb": (TICKET, lambda t: t + "x: &a [1,1,1,1,1,1,1,1,1,1]\n" + "".join(
        f"x{i}: &a{i} [{', '.join(['*a' if i == 0 else f'*a{i - 1}'] * 10)}]\n" for i in range(7)), "aliases"),
    "not UTF-8": (TICKET, lambda t: t.replace("电梯噪音", "电梯噪音").encode("utf-8").replace(
        "电梯噪音".encode(), "电梯噪音".encode("gbk")), "not UTF-8"),
}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_a_broken_record_from_the_other_pc_leaves_this_pc_exactly_as_it_was(pair, kind):
    net, a, b = pair
    rel, breaking, said = BROKEN[kind]
    a.run("reply", T, "--note", "甲回复", now="2026-11-20 10:00")  # local work waiting to be pushed
    bad = push_by_hand(b, rel, breaking(text_of(b, rel)))
    remote = net.remote_head()
    before = snapshot(a)
    for _ in range(2):  # refused again at the next sync: nothing of it was kept
        proc = run(a, "sync")
        line = one_line(proc)
        assert proc.returncode == 7, proc.stderr
        assert rel in line and said in line and bad in line and "by Test" in line and "changed differently" not in line
        assert "nothing here changed" in line and "Repairing a broken record" in line
        assert snapshot(a) == before
        assert net.remote_head() == remote
    assert run(a, "list").returncode == 0
    assert run(a, "overdue").returncode in (0, 1)
    assert a.run("check").exit_code == 0


def test_a_record_repaired_where_it_broke_is_then_pulled(pair):
    net, a, b = pair
    a.run("reply", T, "--note", "甲回复", now="2026-11-20 10:00")
    good = text_of(b, "svcctl.yaml")
    push_by_hand(b, "svcctl.yaml", good.replace("staff:", "staff: [\n"))
    assert run(a, "sync").returncode == 7
    # On B every command stops on its broken svcctl.yaml; the director repairs it by hand
    # and records the repair with svcctl (the last committed roster that can be read says
    # who may), then B's sync pushes it.
    assert b.fails("list").exit_code == 5
    (b.root / "svcctl.yaml").write_text(good, encoding="utf-8")
    refused = b.fails("commit", "-m", "修复配置", user="li")
    assert refused.exit_code == 3 and "supervisor or director" in refused.stderr
    b.run("commit", "-m", "修复配置", user="wang")
    sync(b)
    done = sync(a)
    assert "pulled 3 change(s)" in done.stdout and "pushed" in done.stdout
    assert head(a) == net.remote_head()
    assert_healthy(a)
    assert_event_list(a, ["甲回复"])


def test_a_repair_that_restores_the_record_exactly_is_joined_and_the_next_push_goes_through(level):
    """The other PC's side then changes nothing in the end (broken, then put back as it was):
    this PC still joins it with a merge commit, or its own push would be rejected forever."""
    net, a, b = level  # both PCs level: all that comes next from B undoes itself
    a.run("reply", T, "--note", "甲回复", now="2026-11-20 10:00")
    good = text_of(b, TICKET)
    push_by_hand(b, TICKET, good.replace("type: complaint", "type complaint"))
    assert run(a, "sync").returncode == 7
    (b.root / TICKET).write_text(good, encoding="utf-8")
    b.run("commit", "-m", "修复工单", user="zhao")
    sync(b)
    done = sync(a)
    assert "pushed" in done.stdout and head(a) == net.remote_head()
    assert "up to date" in sync(a).stdout
    assert_healthy(a)
    assert_event_list(a, ["甲回复"])


def test_a_reverted_change_from_the_other_pc_does_not_block_this_pcs_push(level):
    net, a, b = level
    a.run("reply", T, "--note", "甲回复", now="2026-11-20 10:00")
    b.run("reply", T, "--note", "乙回复", now="2026-11-20 10:05")
    git(b.root, "revert", "--no-edit", "HEAD")
    git(b.root, "push", "-q", "origin", "HEAD:main")
    done = sync(a)
    assert "pushed" in done.stdout and head(a) == net.remote_head()
    assert_healthy(a)
    assert_event_list(a, ["甲回复"])


def test_a_broken_ticket_already_in_history_is_repaired_by_a_supervisor(pair):
    """The documented way out when a broken ticket got into an office's history (plain git,
    an older svcctl): a supervisor fixes the file and records it with 'svcctl commit'."""
    _, a, _ = pair
    ticket = a.root / TICKET
    good = ticket.read_text(encoding="utf-8")
    ticket.write_text(good.replace("type: complaint", "type: complain"), encoding="utf-8")
    git(a.root, "commit", "-qam", "broken by hand")
    assert a.fails("show", T).exit_code == 5
    ticket.write_text(good.replace("电梯噪音", "电梯噪音（修复）"), encoding="utf-8")
    agent = a.fails("commit", "-m", "修复工单", user="li")
    assert agent.exit_code == 3 and "broken in the office's history" in agent.stderr
    a.run("commit", "-m", "修复工单", user="zhao")
    assert a.json("show", T)["summary"] == "电梯噪音（修复）"
    assert git(a.root, "log", "-1", "--format=%s%n%b").startswith(f"修复 {TICKET}：修复工单")
    # a ticket whose committed version is fine is still never edited by hand
    ticket.write_text(ticket.read_text(encoding="utf-8").replace("（修复）", "（再改）"), encoding="utf-8")
    assert "tickets change only through svcctl commands" in a.fails("commit", "-m", "x", user="zhao").stderr
    git(a.root, "checkout", "--", TICKET)
    assert_healthy(a)


def test_a_broken_ticket_both_pcs_changed_is_named_broken_not_a_conflict(level):
    net, a, b = level
    a.run("reply", T, "--note", "甲回复", now="2026-11-20 10:00")
    b.run("reply", T, "--note", "乙回复", now="2026-11-20 10:05")
    ticket = b.root / TICKET
    ticket.write_text(ticket.read_text(encoding="utf-8").replace("note: 乙回复", "note: \"乙回复"), encoding="utf-8")
    git(b.root, "commit", "-qam", "hand edit")
    git(b.root, "push", "-q", "origin", "HEAD:main")
    before = snapshot(a)
    proc = a.subprocess("sync")  # the real program, refusing a merge of both PCs' work
    line = one_line(proc)
    assert proc.returncode == 7, proc.stderr
    assert "cannot be read, so it cannot be merged" in line and TICKET in line and "line " in line
    assert "changed differently" not in line and "<<<<<<<" not in line
    assert snapshot(a) == before


def test_a_symlink_named_like_a_ticket_is_refused(pair, tmp_path):
    net, a, b = pair
    secret = tmp_path / "secret.yaml"
    secret.write_text("id: 202611-B009\n", encoding="utf-8")
    push_by_hand(b, "tickets/2026/11/202611-B009.yaml", link_to=str(secret))
    before = snapshot(a)
    line = one_line(run(a, "sync"))
    assert "202611-B009.yaml" in line and "symbolic link" in line
    assert snapshot(a) == before


def test_a_waiting_conflict_is_named_by_every_command_it_blocks(pair):
    net, a, b = pair
    a.run("customer", "edit", "C-A001", "--notes", "老人独居")
    b.run("customer", "edit", "C-A001", "--notes", "出租给租户")
    sync(a)
    stop = run(b, "sync")
    assert stop.returncode == 6 and "customers/C-A001.yaml (notes)" in one_line(stop)
    for args in (["intake", "--type", "repair", "--category", "leak", "--customer", "C-A001", "--summary", "漏水"],
                 ["customer", "edit", "C-A001", "--name", "陈建国"],
                 ["customer", "show", "C-A001"],
                 ["reply", T, "--note", "等待"]):
        proc = run(b, *args)
        line = one_line(proc)
        assert proc.returncode == 6, (args, proc.stderr)
        assert "a sync is waiting for a conflict to be settled in customers/C-A001.yaml" in line, args
        assert "git add" in line and "svcctl sync" in line and "YAML syntax" not in line
    assert run(b, "list").returncode == 0  # reading what the conflict does not touch goes on
    git(b.root, "merge", "--abort")
    assert git(b.root, "status", "--porcelain") == ""
    assert run(b, "reply", T, "--note", "继续").returncode == 0


# -- kill -9 at random moments of a large both-sides merge --------------------------------

TICKETS = 36


@pytest.fixture(scope="module")
def busy_template(tmp_path_factory) -> Net:
    """A and B each add a reply to the same 36 tickets while offline; B has pushed."""
    def busy(net):
        a = net.a
        # The other 35 tickets are the merge's common ground: one import makes them in one
        # commit. The replies, a commit each on each side, are what the merge joins.
        ledger = net.tmp / "ledger.csv"
        with ledger.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([["受理时间", "报修类别", "房号", "内容"],
                                          *([f"2026-11-20 08:{i:02d}", "leak", "3-2-1502", f"漏水{i}"]
                                            for i in range(TICKETS - 1))])
        a.run("import", "tickets", ledger, "--type", "repair")
        ledger.unlink()
        sync(a)
        b = net.clone("B")
        for i, path in enumerate(sorted(a.root.glob("tickets/*/*/*.yaml"))):
            a.run("reply", path.stem, "--note", f"甲{i}", now="2026-11-20 10:00")
            b.run("reply", path.stem, "--note", f"乙{i}", now="2026-11-20 10:01")
        sync(b)

    return built(tmp_path_factory, "busy", busy)


def _sync_process(office: Office) -> subprocess.Popen:
    env = {**os.environ, "SVCCTL_RECORDS": str(office.root), "SVCCTL_USER": "wang", "SVCCTL_NOW": "2026-11-20 11:00"}
    return subprocess.Popen([sys.executable, "-m", "svcctl", "sync"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def _events(text: str) -> list[str]:
    import yaml

    # Every ticket is read after each kill: libyaml's parser, where there is one, reads them
    # in a fraction of the time.
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return [json.dumps(e, sort_keys=True, ensure_ascii=False, default=str) for e in data["events"]]


@pytest.fixture(scope="module")
def merge_span(busy_template, tmp_path_factory) -> float:
    """How long an uncut sync of this merge runs, to spread the kills over all of it."""
    timing = busy_template.copy(tmp_path_factory.mktemp("timing"))
    started = time.monotonic()
    sync_process(timing.a, now="2026-11-20 11:00")
    return time.monotonic() - started


# Each kill is a test of its own (a few seconds each): round 0 lands exactly while the branch
# moves and the files are written, the others at a random moment of the whole sync.
@pytest.mark.slow
@pytest.mark.parametrize("round_", range(5))
def test_kill_9_of_sync_at_random_moments_of_a_large_merge(busy_template, merge_span, tmp_path, round_):
    rng = random.Random(8 + round_)
    net = busy_template.copy(tmp_path / f"round{round_}")
    a = net.a
    before, theirs = head(a), net.remote_head()
    proc = _sync_process(a)
    journal = a.root / ".git" / "svcctl-merge.json"
    if round_ == 0:
        while proc.poll() is None and not journal.exists():
            time.sleep(0.001)
    else:
        deadline = time.monotonic() + rng.uniform(0.2, 1.0) * merge_span
        while proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    if round_ == 0:
        assert journal.exists(), "the sync ended before it was killed inside its merge"
    # The next command, a process of its own as a person's next command is, repairs whatever
    # the kill left, the last step of a git the killed sync had started included.
    listed = a.subprocess("list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stderr.strip().splitlines()) <= 1
    assert git(a.root, "status", "--porcelain", "--untracked-files=all") == ""
    assert not journal.exists() and not (a.root / ".git" / "MERGE_HEAD").exists()
    now = head(a)
    assert now == before or git(a.root, "rev-list", "--parents", "-1", now).split()[1:] == \
        [before, theirs]
    # a desk command commits only its own event, whatever the sync had reached
    ticket = sorted(a.root.glob("tickets/*/*/*.yaml"))[rng.randrange(TICKETS)]
    rel = ticket.relative_to(a.root).as_posix()
    old = _events(git(a.root, "show", f"HEAD:{rel}"))
    a.run("reply", ticket.stem, "--note", "甲追加", now="2026-11-20 12:00")
    assert git(a.root, "show", "--name-only", "--format=", "HEAD").split() == [rel]
    new = _events(git(a.root, "show", f"HEAD:{rel}"))
    assert new[:-1] == old and "甲追加" in new[-1]
    done = sync(a)
    assert "pushed" in done.stdout
    for path in a.root.glob("tickets/*/*/*.yaml"):
        notes = [json.loads(e).get("note") for e in _events(path.read_text(encoding="utf-8"))]
        i = sorted(a.root.glob("tickets/*/*/*.yaml")).index(path)
        assert f"甲{i}" in notes and f"乙{i}" in notes, (path.name, notes)
        assert not MARKERS.search(path.read_text(encoding="utf-8"))
    assert_healthy(a)
