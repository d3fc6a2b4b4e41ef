"""Several PCs, one office: clones of a bare remote, offline work, ``svcctl sync``.

Real git repositories throughout. Commands run through Click in this process (``run``:
the exit code, stdout and stderr a child process would give), except where the process is
the subject: the real ``python -m svcctl`` in child processes answers with no remote, clones
a repository, runs two syncs at the same moment, a cron sync, a sync from git's pre-push
hook, and syncs cut off half way. Git has no identity configured (see conftest): svcctl must
supply one for every commit it makes, merge commits included.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Office, bare_machine, git, make_office

T = "202611-A001"
MARKERS = re.compile(r"^(<<<<<<<|=======|>>>>>>>)", re.M)


def one_line(proc) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("svcctl: "), proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def ok(proc):
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr}"
    return proc


def run(office, *args, **kw) -> subprocess.CompletedProcess:
    """svcctl through Click in this process, answered as ``office.subprocess`` answers (exit
    code, stdout, stderr apart): for a test whose subject is what the command does."""
    result = office.run(*args, ok=False, **kw)
    return subprocess.CompletedProcess(["svcctl", *map(str, args)], result.exit_code, result.stdout, result.stderr)


class Net:
    """A bare remote, clone A (made by ``svcctl init``) and clones made by ``svcctl clone``,
    each in the folder named by its station."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.a = Office(tmp / "A", user="wang")
        self.url = str(tmp / "remote.git")
        self.clones = {"A": self.a}

    @classmethod
    def build(cls, tmp: Path) -> "Net":
        net = cls(tmp)
        make_office(net.a.root)
        net.a.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502", "--summary", "电梯噪音")
        git(tmp, "clone", "-q", "--bare", str(net.a.root), net.url)
        git(net.a.root, "remote", "add", "origin", net.url)
        sync(net.a)
        return net

    def copy(self, tmp: Path) -> "Net":
        """The net copied to ``tmp``, every clone's origin pointing at the copied remote."""
        shutil.copytree(self.tmp, tmp, symlinks=True, dirs_exist_ok=True)
        net = Net(tmp)
        for station in self.clones:
            office = net.clones.setdefault(station, Office(tmp / station, user="wang"))
            git(office.root, "remote", "set-url", "origin", net.url)
        return net

    def packed(self) -> "Net":
        """The net with each repository's objects in one pack. A template is copied for
        every test, and each loose object is a file (and often a folder) of its own to copy."""
        for repo in (self.url, *(office.root for office in self.clones.values())):
            git(repo, "repack", "-a", "-d", "-q")
        return self

    def clone(self, station: str, **kw) -> Office:
        target = self.tmp / station
        proc = self.clone_run(station, target, **kw)
        ok(proc)
        assert f"station {station} registered" in proc.stdout
        office = Office(target, user="wang")
        self.clones[station] = office
        return office

    def clone_run(self, station: str, target: Path, user="wang"):
        # SVCCTL_RECORDS still points at the first folder, as 'svcctl init' told the user to export.
        first = Office(self.a.root, now="2026-11-20 09:00", user=user)
        return run(first, "--as", user, "clone", self.url, target, "--station", station)

    def remote_head(self) -> str:
        return git(self.url, "rev-parse", "refs/heads/main").strip()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Net:
    """Built once per module (on the same bare machine as conftest's fresh_machine); tests get copies."""
    home = tmp_path_factory.mktemp("template-home")
    with pytest.MonkeyPatch.context() as mp:
        bare_machine(mp, home)
        return Net.build(tmp_path_factory.mktemp("net-template")).packed()


@pytest.fixture
def net(template, tmp_path) -> Net:
    return template.copy(tmp_path / "net")


@pytest.fixture(scope="module")
def level_template(template, tmp_path_factory) -> Net:
    """The net with clone B, both PCs synced: each holds what the other has."""
    with pytest.MonkeyPatch.context() as mp:
        bare_machine(mp, tmp_path_factory.mktemp("level-home"))
        net = template.copy(tmp_path_factory.mktemp("level-template"))
        b = net.clone("B")
        sync(b)
        sync(net.a)
        assert head(b) == head(net.a) == net.remote_head()
        return net.packed()


@pytest.fixture
def level(level_template, tmp_path) -> tuple[Net, Office, Office]:
    net = level_template.copy(tmp_path / "net")
    return net, net.a, net.clones["B"]


def head(office) -> str:
    return git(office.root, "rev-parse", "HEAD").strip()


def show(office, ticket_id=T) -> dict:
    return office.json("show", ticket_id)


def sync(office):
    """A sync that succeeds, through Click in this process."""
    return ok(run(office, "sync"))


def sync_process(office, **kw):
    """A sync that succeeds, by the real entry point in a child process."""
    return ok(office.subprocess("sync", **kw))


def customer(office, cid="C-A001") -> dict:
    return json.loads(office.run("customer", "show", cid, "--reveal", "--format", "json", user="wang").stdout)


def assert_healthy(office) -> None:
    assert git(office.root, "status", "--porcelain", "--untracked-files=all") == ""
    check = office.run("check", ok=False)
    assert check.exit_code == 0, check.stdout + check.stderr
    for path in [*office.root.glob("tickets/*/*/*.yaml"), *office.root.glob("customers/*.yaml"),
                 office.root / "svcctl.yaml"]:
        assert not MARKERS.search(path.read_text(encoding="utf-8")), path


def assert_event_list(office, notes_expected: list[str]) -> list[dict]:
    events = show(office)["events"]
    times = [e["at"] for e in events]
    assert times == sorted(times), times
    keys = [json.dumps(e, sort_keys=True, ensure_ascii=False) for e in events]
    assert len(keys) == len(set(keys)), "an event appears twice"
    notes = [e.get("note") for e in events if e["event"] == "reply"]
    assert notes == notes_expected
    return events


# -- remotes that are missing or unreachable -------------------------------------------

def test_sync_without_a_remote_says_so_in_one_line(office):
    proc = office.subprocess("sync")
    assert proc.returncode != 0
    assert "no remote 'origin'" in one_line(proc) and "git remote add" in proc.stderr


def test_unreachable_remote_fails_cleanly_and_keeps_local_commits(office, tmp_path):
    git(office.root, "remote", "add", "origin", str(tmp_path / "no-such-server" / "records.git"))
    tid = office.intake("--type", "query", "--unit", "5-1-301", "--summary", "查询水费")
    before = head(office)
    proc = run(office, "sync")
    assert proc.returncode != 0
    assert "cannot reach remote 'origin'" in one_line(proc)
    assert head(office) == before
    assert office.json("show", tid)["summary"] == "查询水费"
    assert git(office.root, "status", "--porcelain") == ""


# -- ids and stations ------------------------------------------------------------------

def test_two_stations_number_offline_intakes_apart_and_never_collide(net):
    a = net.a
    b = net.clone("B")
    # the clone was set up, not the folder $SVCCTL_RECORDS pointed at
    assert git(a.root, "config", "svcctl.station").strip() == "A"
    assert git(b.root, "config", "svcctl.station").strip() == "B"
    ids_a = [a.intake("--type", "query", "--unit", "5-1-301", "--summary", f"甲{i}").split()[0] for i in range(2)]
    ids_b = [b.intake("--type", "query", "--unit", "5-1-301", "--summary", f"乙{i}").split()[0] for i in range(2)]
    new_a = a.run("intake", "--type", "repair", "--name", "甲户", "--phone", "13600000001",
                  "--unit", "1-1-101", "--summary", "甲报修")
    new_b = b.run("intake", "--type", "repair", "--name", "乙户", "--phone", "13600000002",
                  "--unit", "2-2-202", "--summary", "乙报修")
    assert ids_a == ["202611-A002", "202611-A003"]
    assert ids_b == ["202611-B001", "202611-B002"]
    for office in (a, b, a):
        sync(office)
    assert head(a) == head(b) == net.remote_head()
    for office in (a, b):
        listed = sorted(row["id"] for row in office.json("list"))
        assert listed == sorted({T, *ids_a, *ids_b, new_a.stdout.split()[0], new_b.stdout.split()[0]})
        customers = sorted(c["id"] for c in office.json("customer", "list"))
        assert customers == ["C-A001", "C-A002", "C-A003", "C-B001"]
        assert_healthy(office)
    # numbering goes on from each station's own highest number after the sync
    assert b.intake("--type", "query", "--unit", "5-1-301", "--summary", "乙3").split()[0] == "202611-B004"


def test_clone_refuses_a_station_already_on_file(net):
    proc = net.clone_run("A", net.tmp / "second-a")
    assert proc.returncode != 0
    assert "station A is already used" in one_line(proc)
    assert not (net.tmp / "second-a").exists()
    b = net.clone("B")
    sync(b)  # station B is now in the shared svcctl.yaml
    proc = net.clone_run("B", net.tmp / "second-b")
    assert proc.returncode != 0
    assert "station B is already used" in one_line(proc)
    assert not (net.tmp / "second-b").exists()


def test_a_clone_without_a_station_refuses_to_number_records(net):
    plain = net.tmp / "plain"
    git(net.tmp, "clone", "-q", net.url, str(plain))
    office = Office(plain, user="wang")
    before = head(office)
    proc = run(office, "intake", "--type", "query", "--unit", "5-1-301", "--summary", "查询")
    assert proc.returncode != 0
    line = one_line(proc)
    assert "no station code" in line and "svcctl setup --station" in line
    assert head(office) == before and git(plain, "status", "--porcelain", "--untracked-files=all") == ""
    office.run("setup", "--station", "D")
    assert office.intake("--type", "query", "--unit", "5-1-301", "--summary", "查询").split()[0] == "202611-D001"


# -- the merge driver ------------------------------------------------------------------

@pytest.mark.parametrize("first", ["A", "B"])
def test_one_ticket_edited_on_two_clones_keeps_every_event(level, first):
    net, a, b = level
    a.run("reply", T, "--note", "甲第一次回复", now="2026-11-20 10:00")
    b.run("dispatch", T, "--to", "维修部", "--assignee", "zhou", now="2026-11-20 10:20")
    b.run("reply", T, "--note", "乙回复", now="2026-11-20 10:30", user="li")
    a.run("reply", T, "--note", "甲第二次回复", now="2026-11-20 10:40")
    assert show(a, T)["status"] == "open"          # before the sync A knows nothing of the dispatch
    order = [a, b] if first == "A" else [b, a]
    for office in (*order, order[0]):
        sync(office)
    assert head(a) == head(b) == net.remote_head()
    expected = ["甲第一次回复", "乙回复", "甲第二次回复"]
    events = [assert_event_list(office, expected) for office in (a, b)]
    assert events[0] == events[1]
    assert [e["event"] for e in events[0]] == ["intake", "reply", "dispatch", "reply", "reply"]
    for office in (a, b):
        state = show(office)
        assert state["status"] == "dispatched" and state["assignee"] == "zhou"
        assert_healthy(office)
    merges = git(a.root, "log", "--merges", "--format=%an <%ae>|%cn").splitlines()
    assert merges and all(m.startswith("王主任 <wang@") for m in merges), merges


def test_three_clones_with_offline_work_end_identical(net):
    clones = {"A": net.a, "B": net.clone("B"), "C": net.clone("C")}
    edits = {  # round -> station -> customer edit (a different field on each PC)
        1: {"A": ("--notes", "老人独居"), "B": ("--add-phone", "13700000002"), "C": ("--add-unit", "3-2-1503")},
        2: {"A": ("--add-unit", "3-2-1504"), "B": ("--name", "陈建国"), "C": ("--remove-phone", "13800138000")},
    }
    new_ids, notes = [], []
    for rnd, order in ((1, "ABC"), (2, "CBA")):
        for minute, name in enumerate("ABC"):
            office, at = clones[name], f"2026-11-2{rnd} 10:{minute}5"
            office.run("reply", T, "--note", f"{name}站第{rnd}轮回复", now=at)
            notes.append(f"{name}站第{rnd}轮回复")
            new_ids.append(office.intake("--type", "query", "--unit", "5-1-301", "--summary", f"{name}{rnd}", now=at))
            office.run("customer", "edit", "C-A001", *edits[rnd][name], now=at)
        if rnd == 1:
            clones["C"].run("staff", "add", "sun", "--name", "孙丽", "--role", "agent", user="wang")
        for name in [*order, *order[:2]]:  # one round, then the first two catch up
            sync(clones[name])
        heads = {name: head(office) for name, office in clones.items()}
        assert len(set(heads.values())) == 1 and heads["A"] == net.remote_head(), (rnd, heads)
        for office in clones.values():
            assert_event_list(office, notes)
            assert sorted(r["id"] for r in office.json("list")) == sorted([T, *new_ids])
            assert_healthy(office)
    assert len(set(new_ids)) == 6
    for office in clones.values():
        cust = customer(office)
        assert cust["notes"] == "老人独居" and cust["name"] == "陈建国"
        assert cust["phones"] == ["13700000002"]
        assert cust["units"] == ["3-2-1502", "3-2-1503", "3-2-1504"]
        config = (office.root / "svcctl.yaml").read_text(encoding="utf-8")
        assert "sun" in config and re.search(r"^  B:", config, re.M) and re.search(r"^  C:", config, re.M)
        state = show(office)
        assert state["events"][-1]["note"] == "C站第2轮回复"


def resolve(path: Path, keep: str) -> None:
    """What a person does in an editor: keep one side, delete the markers."""
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(r"<<<<<<<[^\n]*\n(.*?)=======\n(.*?)>>>>>>>[^\n]*\n", re.S)
    path.write_text(pattern.sub(lambda m: m.group(1 if keep == "ours" else 2), text), encoding="utf-8")


def test_customer_file_merges_field_by_field_and_a_real_conflict_is_resolvable(level):
    net, a, b = level
    # different fields: merged without asking
    a.run("customer", "edit", "C-A001", "--name", "陈建国")
    b.run("customer", "edit", "C-A001", "--add-phone", "13700000009")
    for office in (a, b, a):
        sync(office)
    for office in (a, b):
        cust = customer(office)
        assert cust["name"] == "陈建国" and cust["phones"] == ["13800138000", "13700000009"]

    # the same field changed differently: sync stops, says where and how to go on
    a.run("customer", "edit", "C-A001", "--notes", "老人独居")
    b.run("customer", "edit", "C-A001", "--notes", "出租给租户")
    b.run("reply", T, "--note", "乙的回复", now="2026-11-20 11:00")
    sync(a)
    pushed = net.remote_head()
    stop = run(b, "sync")
    assert stop.returncode != 0
    line = one_line(stop)
    assert "customers/C-A001.yaml (notes)" in line and "git add" in line and "svcctl sync" in line
    cfile = b.root / "customers" / "C-A001.yaml"
    assert MARKERS.search(cfile.read_text(encoding="utf-8"))
    assert net.remote_head() == pushed, "nothing is pushed while the conflict stands"
    again = run(b, "sync")
    assert again.returncode != 0 and "customers/C-A001.yaml" in one_line(again)

    resolve(cfile, keep="theirs")
    git(b.root, "add", "customers/C-A001.yaml")
    done = sync(b)
    assert "finished the merge you resolved" in done.stdout and "pushed" in done.stdout
    sync(a)
    assert head(a) == head(b) == net.remote_head()
    for office in (a, b):
        cust = customer(office)
        assert cust["notes"] == "老人独居" and cust["name"] == "陈建国"
        assert_event_list(office, ["乙的回复"])
        assert_healthy(office)


# -- push races ------------------------------------------------------------------------

def test_push_rejected_because_another_pc_pushed_first_is_retried(level):
    """B's ``svcctl sync`` runs between A's fetch and A's push (from A's pre-push hook)."""
    net, a, b = level
    a.run("reply", T, "--note", "甲的回复", now="2026-11-20 10:00")
    b_id = b.run("intake", "--type", "query", "--unit", "5-1-301", "--summary", "乙查询").stdout.split()[0]
    b.run("reply", T, "--note", "乙的回复", now="2026-11-20 10:05")
    mark, log = net.tmp / "hook-ran", net.tmp / "hook.log"
    hook = a.root / ".git" / "hooks" / "pre-push"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text(
        "#!/bin/sh\n"
        f"[ -e '{mark}' ] && exit 0\n"
        f"touch '{mark}'\n"
        "unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX\n"
        f"'{sys.executable}' -m svcctl --records '{b.root}' sync >'{log}' 2>&1\n"
        "exit 0\n")
    hook.chmod(0o755)
    proc = sync(a)
    assert mark.exists() and "pushed" in log.read_text(encoding="utf-8"), log.read_text(encoding="utf-8")
    assert "push rejected (another PC pushed first); retrying" in proc.stdout
    assert proc.stdout.rstrip().endswith("to origin") and "pushed" in proc.stdout.splitlines()[-1]
    sync(b)
    assert head(a) == head(b) == net.remote_head()
    for office in (a, b):
        assert_event_list(office, ["甲的回复", "乙的回复"])
        assert b_id in [r["id"] for r in office.json("list")]
        assert_healthy(office)


@pytest.mark.slow
def test_two_clones_syncing_at_the_same_moment_both_land(level):
    net, a, b = level
    a.run("reply", T, "--note", "甲同时", now="2026-11-20 10:00")
    b.run("reply", T, "--note", "乙同时", now="2026-11-20 10:01")
    procs = []
    for office in (a, b):
        env = {**os.environ, "SVCCTL_RECORDS": str(office.root), "SVCCTL_USER": "wang",
               "SVCCTL_NOW": "2026-11-20 10:02"}
        procs.append(subprocess.Popen([sys.executable, "-m", "svcctl", "sync"], env=env, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    for office in (a, b):
        sync(office)
    sync(a)
    assert head(a) == head(b) == net.remote_head()
    for office in (a, b):
        assert_event_list(office, ["甲同时", "乙同时"])
        assert_healthy(office)


def test_a_cron_sync_without_a_named_person_signs_merges_as_the_station(level):
    net, a, b = level
    a.run("reply", T, "--note", "甲回复", now="2026-11-20 10:00")
    b.run("reply", T, "--note", "乙回复", now="2026-11-20 10:10")
    sync(a)
    env = {k: v for k, v in os.environ.items() if k != "SVCCTL_USER"}
    proc = subprocess.run([sys.executable, "-m", "svcctl", "--records", str(b.root), "sync"], capture_output=True,
                          text=True, env={**env, "SVCCTL_NOW": "2026-11-20 10:20"}, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert git(b.root, "log", "-1", "--merges", "--format=%an <%ae>").strip() == "svcctl sync (station B) <sync-b@cy.svcctl>"


@pytest.mark.slow
@pytest.mark.parametrize("step,said", [
    ("sync-journal", "rolled back a sync that was cut off while merging"),
    ("sync-moved", "finished a sync that was cut off after its merge was recorded"),
])
def test_a_sync_cut_off_while_applying_its_merge_is_finished_or_rolled_back(level, step, said):
    """The merge is made and checked in a private index; a sync killed while it moves the
    branch and writes the files is finished (the branch had moved) or undone (it had not)."""
    net, a, b = level
    b.intake("--type", "query", "--unit", "5-1-301", "--summary", "乙站登记", now="2026-11-20 10:00")
    b.run("reply", T, "--note", "乙回复", now="2026-11-20 10:05")
    sync(b)
    a.run("reply", T, "--note", "甲回复", now="2026-11-20 10:10")
    before = head(a)
    cut = a.subprocess("sync", extra_env={"SVCCTL_CRASH_AT": step})
    assert cut.returncode == 137
    listed = run(a, "list", "--format", "json")  # the next command, whatever it is, repairs
    assert listed.returncode == 0, listed.stderr
    assert said in listed.stderr
    assert git(a.root, "status", "--porcelain", "--untracked-files=all") == ""
    assert not (a.root / ".git" / "MERGE_HEAD").exists()
    ids = [r["id"] for r in json.loads(listed.stdout)]
    if step == "sync-journal":
        assert head(a) == before and ids == [T]  # B's intake is not half-present
    else:
        assert head(a) != before and sorted(ids) == [T, "202611-B001"]
    sync(a)
    assert {r["id"] for r in json.loads(a.run("list", "--format", "json").stdout)} == {T, "202611-B001"}
    assert_event_list(a, ["乙回复", "甲回复"])
    assert_healthy(a)


def test_clone_of_a_bare_repository_whose_head_names_another_branch(tmp_path):
    a = make_office(tmp_path / "A")
    bare = tmp_path / "plain.git"
    git(tmp_path, "init", "-q", "--bare", "--initial-branch=master", str(bare))  # HEAD → master, nobody pushes it
    git(a.root, "remote", "add", "origin", str(bare))
    sync(a)
    env = {**os.environ, "SVCCTL_NOW": "2026-11-20 09:00"}
    proc = subprocess.run([sys.executable, "-m", "svcctl", "--as", "wang", "clone", str(bare), str(tmp_path / "B"),
                           "--station", "B"], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "B" / "svcctl.yaml").is_file()
    assert git(tmp_path / "B", "symbolic-ref", "--short", "HEAD").strip() == "main"


def test_a_broken_record_pulled_in_stops_the_push_and_names_the_file(level):
    net, a, b = level
    ticket = b.root / "tickets/2026/11" / f"{T}.yaml"  # broken by hand and pushed with plain git
    ticket.write_text(ticket.read_text(encoding="utf-8").replace("type: complaint", "type: complain"),
                      encoding="utf-8")
    git(b.root, "commit", "-qam", "hand edit")
    git(b.root, "push", "-q", "origin", "HEAD:main")
    remote_before = net.remote_head()
    a.run("reply", T, "--note", "甲回复", now="2026-11-20 10:00")
    proc = run(a, "sync")
    line = one_line(proc)
    assert proc.returncode == 7 and f"{T}.yaml" in line and "'type' is 'complain'" in line and "nothing was pushed" in line
    assert net.remote_head() == remote_before


def test_handovers_recorded_on_two_pcs_both_arrive_and_a_broken_one_is_not_pushed(level):
    net, a, b = level
    a.run("handover", "--record", "--to", "zhao", now="2026-11-20 16:00")
    b.run("handover", "--record", "--to", "li", now="2026-11-20 16:00", user="zhao")
    sync(a)
    sync(b)
    sync(a)
    for office in (a, b):
        names = sorted(p.name for p in (office.root / "handovers/2026/11").iterdir())
        assert names == ["20261120-160000-A.yaml", "20261120-160000-B.yaml"]
        assert office.run("check").stdout.strip() == "all records are valid"
    # The next handover on B starts from the latest record on file, whichever PC made it.
    board = b.json("handover", now="2026-11-20 17:00")
    assert board["since"] == "2026-11-20T16:00:00+08:00"
    # A handover file broken by hand is caught by the check before the push.
    b.run("handover", "--record", now="2026-11-20 18:00", user="zhao")
    broken = b.root / "handovers/2026/11/20261120-180000-B.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("by: zhao", "by: ghost"), encoding="utf-8")
    git(b.root, "commit", "-qam", "hand edit")
    before = net.remote_head()
    proc = run(b, "sync")
    assert proc.returncode != 0 and "ghost" in one_line(proc)
    assert net.remote_head() == before
