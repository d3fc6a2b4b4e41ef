"""The ticket index is never wrong: whatever happened to it or to the files behind its
back, every listing says exactly what reading every file says.

The oracle is the same records read with no index at all (a copy outside git, where
svcctl reads every file), and the index rebuilt from nothing after it was deleted. Real
git, real files, the real CLI.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys

import pytest

from conftest import Office, bare_machine, copy_of, edit, git, made_once, make_office, wait_for

NOW = "2026-11-24 10:00"
LISTINGS = [
    ("overdue", "--format", "json"),
    ("overdue", "--within", "3 days", "--format", "json"),
    ("list", "--format", "json"),
    ("list", "--status", "active", "--format", "json"),
    ("list", "--status", "closed", "--format", "json"),
    ("list", "--staff", "zhou", "--type", "repair", "--format", "json"),
    ("callbacks", "--format", "json"),
    ("callbacks", "--due", "--format", "json"),
    ("customer", "show", "C-A001", "--format", "json"),
    ("show", "202611-A003", "--format", "json"),
]


def index_files(office):
    return sorted((office.root / ".git").glob("svcctl-tickets*.sqlite"))


def outputs(office, now=NOW):
    return [(r.exit_code, r.stdout) for r in (office.run(*args, now=now, ok=False) for args in LISTINGS)]


def without_index(office, tmp_path, now=NOW):
    """The listings of a copy of the records outside git: no index, every file read."""
    plain = tmp_path / f"plain-{len(list(tmp_path.glob('plain-*')))}"
    shutil.copytree(office.root, plain, ignore=shutil.ignore_patterns(".git"))
    copy = type(office)(plain)
    return outputs(copy, now)


def assert_never_wrong(office, tmp_path, now=NOW, oracle=None):
    """``oracle``: the listings without an index when already known (``plain``)."""
    seen = outputs(office, now)
    assert index_files(office), "the listings should have used an index"
    assert seen == (oracle if oracle is not None else without_index(office, tmp_path, now))
    for file in index_files(office):
        file.unlink()
    assert outputs(office, now) == seen  # rebuilt from nothing
    return seen


def fill_busy(o) -> dict:
    """Tickets in every state: open, dispatched, paused, awaiting callback, done, a reopen."""
    ids = {}
    ids["query"] = o.intake("--type", "query", "--unit", "3-2-1502", "--summary", "水费", "--at", "2026-11-20 09:00")
    ids["complaint"] = o.intake("--type", "complaint", "--grade", "general", "--unit", "5-1-301",
                                "--summary", "电梯噪音", "--at", "2026-11-19 10:00")
    ids["repair"] = o.intake("--type", "repair", "--unit", "3-2-1502", "--summary", "漏水", "--at", "2026-11-18 08:00")
    o.run("dispatch", ids["repair"], "--to", "维修部", "--assignee", "zhou", "--at", "2026-11-18 08:03")
    ids["paused"] = o.intake("--type", "complaint", "--grade", "complex", "--unit", "5-1-301",
                             "--summary", "噪音扰民", "--at", "2026-11-17 09:00")
    o.run("pause", ids["paused"], "--reason", "等待业主", "--at", "2026-11-17 10:00")
    ids["closed"] = o.intake("--type", "repair", "--unit", "5-1-301", "--summary", "门禁", "--at", "2026-11-16 09:00")
    o.run("dispatch", ids["closed"], "--to", "维修部", "--at", "2026-11-16 09:02")
    o.run("close", ids["closed"], "--result", "已修好", "--at", "2026-11-16 15:00")
    ids["done"] = o.intake("--type", "repair", "--unit", "3-2-1502", "--summary", "灯", "--at", "2026-11-10 09:00")
    o.run("dispatch", ids["done"], "--to", "维修部", "--at", "2026-11-10 09:02")
    o.run("close", ids["done"], "--result", "换灯泡", "--at", "2026-11-10 11:00")
    o.run("callback", ids["done"], "--method", "phone", "--satisfaction", "5", "--note", "满意", "--at", "2026-11-11 09:00")
    ids["old"] = o.intake("--type", "consultation", "--unit", "3-2-1502", "--summary", "停车",
                          "--answer", "已告知", "--at", "2026-10-08 09:00")
    return ids


@pytest.fixture(scope="module")
def busy_template(tmp_path_factory):
    return made_once(tmp_path_factory, "busy", fill_busy)


@pytest.fixture
def office(busy_template, tmp_path):
    """The sample office with the tickets of ``fill_busy``, a copy of the one made for this module."""
    return copy_of(busy_template, tmp_path)[0]


@pytest.fixture
def busy(busy_template) -> dict:
    return busy_template[1]


@pytest.fixture(scope="module")
def plain(busy_template, tmp_path_factory) -> list:
    """The listings of ``fill_busy``'s office as it was made, read with no index at all
    (every file): the oracle of the tests that do not change the records."""
    root = tmp_path_factory.mktemp("plain") / "office"
    shutil.copytree(busy_template[0], root, ignore=shutil.ignore_patterns(".git"))
    with pytest.MonkeyPatch.context() as mp:
        bare_machine(mp, tmp_path_factory.mktemp("home"))
        return outputs(Office(root))


def ticket_file(office, ticket_id):
    return office.root / "tickets" / ticket_id[:4] / ticket_id[4:6] / f"{ticket_id}.yaml"


def test_the_index_agrees_with_the_files_and_is_used(busy, office, tmp_path, plain):
    seen = assert_never_wrong(office, tmp_path, oracle=plain)
    active = [r["id"] for r in json.loads(seen[3][1])]
    assert busy["done"] not in active and busy["paused"] in active and busy["closed"] in active
    assert seen[0][0] == 1  # something is overdue: cron mails


@pytest.mark.parametrize("damage", ["delete", "truncate", "corrupt", "older format", "empty file"])
def test_a_damaged_index_is_rebuilt_silently(busy, office, tmp_path, damage, plain):
    assert outputs(office) == plain
    (file,) = index_files(office)
    if damage == "delete":
        file.unlink()
    elif damage == "truncate":
        with open(file, "r+b") as handle:
            handle.truncate(300)
    elif damage == "corrupt":
        data = bytearray(file.read_bytes())
        data[100:4000] = b"\xff" * 3900
        file.write_bytes(bytes(data))
    elif damage == "older format":
        db = sqlite3.connect(file)
        db.execute("UPDATE meta SET value = '1' WHERE key = 'format'")
        db.commit()
        db.close()
    else:
        file.write_bytes(b"")
    results = [office.run(*args, now=NOW, ok=False) for args in LISTINGS]
    assert [(r.exit_code, r.stdout) for r in results] == plain
    assert all(r.stderr == "" for r in results), [r.stderr for r in results]
    assert len(index_files(office)) == 1, "the index should have been made again"
    assert outputs(office) == plain  # and is read once made (deleted and made from nothing: the first test)


def test_a_hand_edit_in_place_is_seen_at_once(busy, office, tmp_path):
    outputs(office)
    # The done repair loses its callback by hand, in the same second the index was swept:
    # same inode, same folder, only the file's content and ctime tell.
    path = ticket_file(office, busy["done"])
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("  - at: 2026-11-11T09:00")], encoding="utf-8")
    seen = assert_never_wrong(office, tmp_path)
    callbacks = [r["ticket"] for r in json.loads(seen[6][1])]
    assert busy["done"] in callbacks
    # and an open ticket moved back in time by hand, keeping the file's size
    edit(ticket_file(office, busy["query"]), "2026-11-20T09:00", "2026-11-20T08:00")
    assert_never_wrong(office, tmp_path)


def test_files_added_removed_and_broken_by_hand(busy, office, tmp_path):
    outputs(office)
    shutil.copy(ticket_file(office, busy["closed"]), ticket_file(office, busy["closed"]).with_name("202611-A099.yaml"))
    edit(ticket_file(office, busy["closed"]).with_name("202611-A099.yaml"), busy["closed"], "202611-A099")
    ticket_file(office, busy["query"]).unlink()
    assert_never_wrong(office, tmp_path)
    edit(ticket_file(office, busy["repair"]), "channel: phone", "channel: 'fax'")
    broken = office.run("overdue", now=NOW, ok=False)
    assert broken.exit_code == 5 and "'channel' is 'fax'" in broken.stderr
    assert [office.run(*a, now=NOW, ok=False).stderr for a in LISTINGS] == [broken.stderr] * len(LISTINGS)


def test_git_checkout_of_an_older_commit_and_back(busy, office, tmp_path):
    outputs(office)
    git(office.root, "checkout", "-q", "HEAD~4")
    assert_never_wrong(office, tmp_path)
    git(office.root, "checkout", "-q", "-")
    assert_never_wrong(office, tmp_path)
    git(office.root, "reset", "-q", "--hard", "HEAD~2")
    assert_never_wrong(office, tmp_path)


def test_git_pull_of_another_pcs_work(busy, office, tmp_path):
    outputs(office)
    other_root = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(office.root), str(other_root))
    other = type(office)(other_root, now=NOW)
    other.run("setup", "--station", "B", user="wang")  # a new station: a director's act
    other.run("close", busy["repair"], "--result", "已换水管", "--at", "2026-11-19 16:00")
    other.intake("--type", "complaint", "--grade", "simple", "--unit", "3-2-1502", "--summary", "绿化",
                 "--at", "2026-11-23 09:00")
    git(office.root, "pull", "-q", "--no-rebase", str(other_root), "HEAD")
    seen = assert_never_wrong(office, tmp_path)
    assert "202611-B001" in seen[2][1]


@pytest.mark.parametrize("old, new", [
    ("  deadlines: {}\n", "  deadlines:\n    repair: {callback: 5 days}\n    complaint.general: {resolve: 3 workdays}\n"),
    ("  holidays: []\n", "  holidays: [2026-11-19, 2026-11-20]\n"),
    ("  workdays: []\n", "  workdays: [2026-11-22]\n"),
], ids=["policy", "calendar holidays", "calendar workdays"])
def test_a_changed_policy_or_calendar_recomputes_every_deadline(busy, office, tmp_path, old, new):
    before = outputs(office)
    edit(office.root / "svcctl.yaml", old, new)
    after = assert_never_wrong(office, tmp_path)
    assert after != before


def test_a_roster_change_checks_every_ticket_again(busy, office):
    outputs(office)
    edit(office.root / "svcctl.yaml", "  - id: zhou\n    name: 周师傅\n    role: agent\n    department: 维修部\n", "")
    refused = office.run("list", now=NOW, ok=False)
    assert refused.exit_code == 5 and "staff 'zhou' is not on the roster" in refused.stderr


def test_two_records_folders_in_one_repository_keep_their_own_index(tmp_path):
    top = tmp_path / "repo"
    top.mkdir()
    git(top, "init", "-q")
    first, second = make_office(top / "first", "A", "--inside-repo"), make_office(top / "second", "A", "--inside-repo")
    first.intake("--type", "query", "--unit", "3-2-1502", "--summary", "水费", "--at", "2026-11-20 09:00")
    second.intake("--type", "query", "--unit", "3-2-1502", "--summary", "电费", "--at", "2026-11-20 09:00")
    for _ in range(2):
        assert [r["summary"] for r in first.json("list")] == ["水费"]
        assert [r["summary"] for r in second.json("list")] == ["电费"]
    assert len(list((top / ".git").glob("svcctl-tickets-*.sqlite"))) == 2


def test_a_commit_leaves_git_status_clean_and_writes_a_sound_tree(busy, office):
    assert git(office.root, "status", "--porcelain") == ""
    git(office.root, "fsck", "--strict", "--no-dangling")
    # the commit's tree is what a porcelain commit of the same files would make
    assert git(office.root, "write-tree").strip() == git(office.root, "rev-parse", "HEAD^{tree}").strip()
    changed = git(office.root, "show", "--name-only", "--format=", "HEAD").split()
    assert changed == [f"tickets/2026/10/{busy['old']}.yaml"]


def test_the_cli_in_a_child_process_builds_the_index_quietly(busy, office):
    for file in index_files(office):
        file.unlink()
    child = office.subprocess("overdue", "--format", "json", now=NOW)
    assert child.returncode == 1 and child.stderr == ""
    assert index_files(office)


def test_a_read_only_git_directory_reads_the_files(busy, office, tmp_path):
    if sys.platform == "win32" or subprocess.run(["id", "-u"], capture_output=True, text=True).stdout.strip() == "0":
        pytest.skip("root writes anywhere")
    expected = outputs(office)
    for file in index_files(office):
        file.unlink()
    gdir = office.root / ".git"
    gdir.chmod(0o555)
    try:
        assert outputs(office) == expected
    finally:
        gdir.chmod(0o755)


def test_a_killed_build_leaves_nothing_behind_after_the_next(busy, office):
    for file in index_files(office):
        file.unlink()
    leftover = office.root / ".git" / "svcctl-tickets.sqlite.99999999.new"
    leftover.write_bytes(b"half a database")
    outputs(office)
    assert not leftover.exists() and len(index_files(office)) == 1


def test_open_tickets_and_tickets_touching_a_period_agree_with_the_files(busy, office, tmp_path):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from svcctl.store.records import Records

    tz = ZoneInfo("Asia/Shanghai")
    start, end = datetime(2026, 11, 11, tzinfo=tz), datetime(2026, 11, 18, tzinfo=tz)
    indexed = Records(office.root)
    plain_root = tmp_path / "plain"
    shutil.copytree(office.root, plain_root, ignore=shutil.ignore_patterns(".git"))
    plain = Records(plain_root)
    assert indexed.index() is not None and plain.index() is None
    in_play = sorted(t.id for t in indexed.open_tickets())
    assert in_play == sorted(t.id for t in plain.open_tickets())
    assert busy["done"] not in in_play and busy["closed"] in in_play and busy["paused"] in in_play
    touching = sorted(t.id for t in indexed.tickets_touching(start, end))
    assert touching == sorted(t.id for t in plain.tickets_touching(start, end))
    # the done repair's callback (11 Nov) falls in the week; the October consultation does not
    assert busy["done"] in touching and busy["old"] not in touching and busy["query"] not in touching
    assert [t.to_record() for t in indexed.tickets()] == [t.to_record() for t in plain.tickets()]


def test_messages_cross_to_the_workers_that_check_on_every_core():
    import pickle

    from svcctl.core.message import msg, term

    message = msg("{path} is {status}", path="tickets/x.yaml", status=term("status", "closed"))
    copy = pickle.loads(pickle.dumps(message))
    assert copy == message and copy.template == message.template and copy.args["status"].key == "closed"


def test_a_listing_in_its_own_process_reads_ahead_and_sees_a_hand_edit(busy, office, tmp_path):
    """A listing begins the file walk before it is loaded and reads the index meanwhile;
    when the walk turns up a change, what it prints is read again, not what it read ahead.
    Only a listing's process reads ahead (cli.launch): the other commands run here."""
    from svcctl.cli.launch import LISTINGS as READ_AHEAD

    office.run("overdue", "--format", "json", now=NOW, ok=False)  # builds the index
    path = ticket_file(office, busy["done"])
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("  - at: 2026-11-11T09:00")], encoding="utf-8")  # its callback undone
    edit(ticket_file(office, busy["query"]), "2026-11-20T09:00", "2026-11-20T08:00")  # received earlier
    expected = without_index(office, tmp_path)
    assert all(code in (0, 1) for code, _ in expected)
    seen = []
    for args in LISTINGS:
        if args[0] in READ_AHEAD:
            child = office.subprocess(*args, now=NOW)
            seen.append((child.returncode, child.stdout))
        else:
            here = office.run(*args, now=NOW, ok=False)
            seen.append((here.exit_code, here.stdout))
    assert seen == expected
    callbacks = [r["ticket"] for r in json.loads(seen[LISTINGS.index(("callbacks", "--format", "json"))][1])]
    assert busy["done"] in callbacks


def test_the_walk_on_several_processes_finds_what_a_walk_of_every_file_finds(busy, office):
    from svcctl.store.walk import Walk

    since = max(p.stat().st_ctime_ns for p in (office.root / "tickets").rglob("*"))
    probe = office.root / ".git" / "probe"
    # File times come from a coarse clock: what is changed next must carry a later one.
    wait_for(lambda: probe.write_text("x") and probe.stat().st_ctime_ns > since, "the file clock to move on")
    before = Walk(office.root, since)
    assert before.result() == set() and len(before.procs) == 2
    edit(ticket_file(office, busy["query"]), "水费", "水费单")  # a file in place
    (office.root / "tickets" / "2027" / "01").mkdir(parents=True)  # a new year and month
    (office.root / "tickets" / "2027" / "01" / "202701-A001.yaml").write_text("x: 1\n", encoding="utf-8")
    ticket_file(office, busy["old"]).unlink()  # a file gone: its folder changed
    walk = Walk(office.root, since)
    found = walk.result()
    assert found == walk._python_walk(office.root / "tickets")
    assert {f"tickets/2026/11/{busy['query']}.yaml", "tickets", "tickets/2027", "tickets/2027/01",
            "tickets/2027/01/202701-A001.yaml", "tickets/2026/10"} <= found
    assert f"tickets/2026/11/{busy['done']}.yaml" not in found


def test_the_program_finds_the_listing_on_the_command_line_before_click_reads_it():
    from svcctl.cli.launch import LISTINGS, _command, _option
    from svcctl.cli.main import cli

    assert LISTINGS <= set(cli.list_commands(None))
    assert _command(["--records", "overdue", "list", "--status", "active"]) == "list"  # a folder named overdue
    assert _command(["--lang", "en", "--as", "li", "overdue", "--format", "json"]) == "overdue"
    assert _command(["--help"]) is None
    assert _option(["overdue", "--records=/srv/office"], "--records") == "/srv/office"
    assert _option(["overdue", "--records", "/srv/office"], "--records") == "/srv/office"


def test_an_intakes_repeat_check_brings_its_month_in_step_without_the_walk(busy, office, tmp_path):
    """The repeat check reads the month an intake falls in: those files are looked at by their
    stamps, a hand edit among them is seen, and the rest waits for the next listing's sweep."""
    outputs(office)
    edit(ticket_file(office, busy["query"]), "summary: 水费", "summary: 电费")  # by hand, same size
    again = office.run("intake", "--type", "query", "--unit", "3-2-1502", "--summary", "电费",
                       "--at", "2026-11-20 09:20", ok=False)
    assert again.exit_code != 0 and busy["query"] in again.stderr  # the hand-edited ticket is the repeat
    edit(ticket_file(office, busy["old"]), "summary: 停车", "summary: 车位")  # October's: seen by the next sweep
    assert_never_wrong(office, tmp_path)
