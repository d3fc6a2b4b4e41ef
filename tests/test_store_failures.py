"""When the surroundings fail, svcctl says so in one line and changes nothing: a full disk,
records this account may not change, an index another command is writing, an index that
cannot be used. Every command closes the index files it opened.

Real files and real failures: the disk is a small tmpfs (skipped where mounting is not
allowed), and read-only records are made with chmod and read by a process that honours
file modes (tests run as root here, and root ignores them: the child drops the capability
to, with setpriv).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Office, copy_of, edit, git, made_once

NOW = "2026-11-24 10:00"
LISTINGS = [
    ("list", "--format", "json"),
    ("overdue", "--format", "json"),
    ("callbacks", "--format", "json"),
    ("report", "weekly", "--format", "json"),
]


def fill_desk(office) -> None:
    office.intake("--type", "query", "--unit", "3-2-1502", "--summary", "水费", "--at", "2026-11-20 09:00")
    repair = office.intake("--type", "repair", "--unit", "5-1-301", "--summary", "漏水", "--at", "2026-11-18 08:00")
    office.run("dispatch", repair, "--to", "维修部", "--assignee", "zhou", "--at", "2026-11-18 08:03")
    office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502", "--summary", "电梯噪音",
                  "--at", "2026-11-19 10:00")
    answers(office)


@pytest.fixture(scope="module")
def desk_template(tmp_path_factory):
    return made_once(tmp_path_factory, "desk", fill_desk)


@pytest.fixture
def desk(desk_template, tmp_path):
    """The sample office with three tickets and its index and report cache made (a copy of
    the one made for this module)."""
    office = copy_of(desk_template, tmp_path)[0]
    assert index_file(office).exists() and reports_file(office).exists()
    return office


def index_file(office) -> Path:
    return office.root / ".git" / "svcctl-tickets.sqlite"


def reports_file(office) -> Path:
    return office.root / ".git" / "svcctl-reports.sqlite"


def a_ticket(office) -> Path:
    return sorted(office.root.glob("tickets/*/*/*.yaml"))[0]


def answers(office, **kw) -> list:
    return [(r.exit_code, r.stdout) for r in (office.run(*args, now=NOW, ok=False, **kw) for args in LISTINGS)]


def from_the_files(office, tmp_path) -> list:
    """The same listings of a copy outside git: no index, no cache, every file read."""
    plain = tmp_path / "plain"
    shutil.copytree(office.root, plain, ignore=shutil.ignore_patterns(".git"))
    return answers(Office(plain))


def one_line(result) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("svcctl: "), result.stderr
    assert "internal error" not in lines[0] and "Traceback" not in result.stderr
    return lines[0]


def state(office) -> tuple:
    """What a failed command must leave as it found: the commits, every file changed or left
    over (untracked), and no journal of work half done."""
    return (office.commits(), git(office.root, "status", "--porcelain", "--untracked-files=all"),
            sorted(p.name for p in (office.root / ".git").glob("svcctl-journal*")))


# -- every command closes what it opened ---------------------------------------------------------

def held_index_files(root) -> list[str]:
    """The index and report-cache files of the office at ``root`` this process holds open
    (other tests' offices may still be held by the objects they left behind)."""
    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("no /proc/self/fd to see which files this process holds open")
    held = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(root)) and ("svcctl-tickets" in target or "svcctl-reports" in target):
            held.append(target)
    return held


def test_every_command_closes_the_index_and_report_cache_it_opened(desk):
    """A connection left open kept SQLite's locks, and the next command in the same process
    (a test, sync's check after a merge) waited out the busy timeout."""
    for args in [*LISTINGS, ("show", sorted(p.stem for p in desk.root.glob("tickets/*/*/*.yaml"))[0]),
                 ("intake", "--type", "query", "--unit", "3-2-1502", "--summary", "电费")]:
        desk.run(*args, now=NOW, ok=False)
        assert held_index_files(desk.root) == [], args


def test_records_used_with_with_close_their_files(desk):
    from svcctl.reports.figures import reach
    from svcctl.store.records import Records

    with Records(desk.root) as records:
        assert records.index() is not None and records.report_store(reach) is not None
        assert len(held_index_files(desk.root)) >= 2
    assert held_index_files(desk.root) == []


def test_an_index_file_that_cannot_be_opened_is_said_once_and_the_files_answer(desk, tmp_path):
    expected = from_the_files(desk, tmp_path)
    for file in (desk.root / ".git").glob("svcctl-*.sqlite*"):
        file.unlink()
    index_file(desk).mkdir()  # in the way of the index: not a database, and not one svcctl may remove
    results = [desk.run(*args, now=NOW, ok=False) for args in LISTINGS]
    assert [(r.exit_code, r.stdout) for r in results] == expected
    for result in results:
        assert "the ticket index" in one_line(result) and "every ticket file is read instead" in result.stderr
    desk.lang = None  # the office's own language
    chinese = desk.run("list", now=NOW)
    assert "工单索引" in one_line(chinese) and "逐个读取全部工单文件" in chinese.stderr


# -- another command writing the index ------------------------------------------------------------

HOLD = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.read()
"""


def holding(file: Path) -> subprocess.Popen:
    """Another process in the middle of a write to ``file``, until its stdin is closed."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(file)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    return holder


def release(holder: subprocess.Popen) -> None:
    holder.stdin.close()
    holder.wait(timeout=30)


@pytest.mark.parametrize("held", ["index", "report cache"])
def test_an_index_another_command_is_writing_is_busy_like_the_office_lock(desk, tmp_path, held):
    edit(a_ticket(desk), "summary: 水费", "summary: 电费")  # the next reading must write the index
    expected = from_the_files(desk, tmp_path)
    file = index_file(desk) if held == "index" else reports_file(desk)
    identity = file.stat().st_ino
    args = ("list", "--format", "json") if held == "index" else ("report", "weekly", "--format", "json")
    holder = holding(file)
    try:
        started = time.monotonic()
        refused = desk.run(*args, now=NOW, ok=False, extra_env={"SVCCTL_LOCK_TIMEOUT": "0.2"})
        waited = time.monotonic() - started
    finally:
        release(holder)
    assert refused.exit_code == 7 and refused.stdout == ""
    assert "records are busy" in one_line(refused)
    assert waited < 15  # the wait asked for, not SQLite's minute
    assert file.stat().st_ino == identity  # waited for, never rebuilt from under the other command
    assert answers(desk) == expected


def test_the_wait_for_the_index_is_never_longer_than_half_a_minute(monkeypatch):
    from svcctl.store import database

    monkeypatch.setenv("SVCCTL_LOCK_TIMEOUT", "3")
    assert database.busy_wait() == 3
    monkeypatch.delenv("SVCCTL_LOCK_TIMEOUT")
    assert database.busy_wait() == 30  # the office lock's two minutes are too long for a derived file


# -- records this account may not change ----------------------------------------------------------

def ordinary_account() -> list[str]:
    """A command prefix under which file modes hold: none for an ordinary account; for root,
    setpriv dropping the capabilities that let root ignore them."""
    if os.geteuid() != 0:
        return []
    prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
    if shutil.which("setpriv") is None or subprocess.run([*prefix, "true"]).returncode != 0:
        pytest.skip("running as root, and setpriv cannot drop root's right to ignore file modes")
    return prefix


def svcctl(office, *args, lang="en"):
    env = {**os.environ, "SVCCTL_RECORDS": str(office.root), "SVCCTL_NOW": NOW, "SVCCTL_USER": "li",
           "SVCCTL_LANG": lang}
    return subprocess.run([*ordinary_account(), sys.executable, "-m", "svcctl", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def chmod_tree(root: Path, writable: bool) -> None:
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder, name)
            if not path.is_symlink():
                mode = path.stat().st_mode
                path.chmod(mode | 0o200 if writable else mode & ~0o222)
    mode = root.stat().st_mode
    root.chmod(mode | 0o200 if writable else mode & ~0o222)


@pytest.fixture
def read_only(desk):
    """The records and their git folder made read-only (undone afterwards, so they can be removed)."""
    ordinary_account()
    yield desk
    chmod_tree(desk.root, writable=True)


def test_read_only_records_with_a_changed_file_are_read_from_the_files(read_only, tmp_path):
    office = read_only
    edit(a_ticket(office), "summary: 水费", "summary: 电费")  # changed since the index was swept
    expected = from_the_files(office, tmp_path)
    before = state(office)
    chmod_tree(office.root, writable=False)
    for number, args in enumerate(LISTINGS):
        child = svcctl(office, *args)
        assert (child.returncode, child.stdout) == expected[number], child.stderr
        assert child.stderr == ""  # reading every file is how a read-only copy works: nothing to say
    intake = svcctl(office, "intake", "--type", "query", "--unit", "3-2-1502", "--summary", "燃气")
    assert intake.returncode == 7 and "may not change" in one_line(intake)
    assert str(office.root) in intake.stderr
    chmod_tree(office.root, writable=True)
    assert state(office) == before


def test_a_git_folder_this_account_may_not_change_is_named_in_one_line(read_only):
    office = read_only
    gdir = office.root / ".git"
    before = state(office)
    gdir.chmod(0o555)
    try:
        refused = svcctl(office, "intake", "--type", "query", "--unit", "3-2-1502", "--summary", "燃气")
        chinese = svcctl(office, "customer", "edit", "C-A001", "--notes", "两套房", lang="zh")
    finally:
        gdir.chmod(0o755)
    assert refused.returncode == 7 and f"this account may not change {gdir}:" in one_line(refused)
    assert chinese.returncode == 7 and f"当前账户无权更改 {gdir}" in one_line(chinese)
    assert state(office) == before


# -- a full disk ----------------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 8 MB tmpfs: a disk that really fills (ENOSPC from the kernel, for Python, SQLite
    and git alike). A file-size limit (RLIMIT_FSIZE) would give EFBIG instead, in Python only."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("no permission to mount a small tmpfs here")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=True)


def fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` until ``leave`` bytes are free."""
    info = os.statvfs(disk)
    with open(disk / "filler", "wb") as handle:
        handle.write(b"\0" * max(info.f_bavail * info.f_frsize - leave, 0))


def on_the_disk(office, disk: Path) -> Office:
    shutil.rmtree(disk / "office", ignore_errors=True)
    (disk / "filler").unlink(missing_ok=True)
    shutil.copytree(office.root, disk / "office", symlinks=True)
    return Office(disk / "office")


def test_a_change_on_a_full_disk_is_made_whole_or_not_at_all_and_says_why(desk, small_disk):
    """From no space at all to enough, a page at a time: every failure point of an intake
    (the lock, the journal, the ticket file, git's objects, its branch, its index) is met on
    the way. A failure is one line, exit 7, and leaves the records as they were; when even the
    rollback's own bookkeeping found no room, the next command finishes it."""
    said, landed = [], 0
    for pages in range(0, 24):
        office = on_the_disk(desk, small_disk)
        before = state(office)
        fill(small_disk, pages * 4096)
        result = office.run("intake", "--type", "repair", "--unit", "3-2-1502", "--summary", "漏水",
                            now=NOW, ok=False)
        (small_disk / "filler").unlink()  # files are what they are with the space back
        if result.exit_code == 0:
            landed += 1
            assert state(office)[:2] == (before[0] + 1, before[1])
            continue
        assert result.exit_code == 7, result.stderr
        said.append(one_line(result))
        assert state(office)[:2] == before[:2], pages  # no commit, no file changed or left over
        office.run("list", now=NOW)
        assert state(office) == before, pages
    assert landed  # enough space in the end
    ours = [line for line in said if "no space left on the disk holding" in line]
    assert ours and all(str(small_disk / "office") in line for line in ours), said


def test_a_listing_on_a_full_disk_reads_the_files_and_says_so_once(desk, small_disk, tmp_path):
    edit(a_ticket(desk), "summary: 水费", "summary: 电费")
    expected = from_the_files(desk, tmp_path)
    office = on_the_disk(desk, small_disk)
    fill(small_disk, 0)
    result = office.run("list", "--format", "json", now=NOW, ok=False)
    assert (result.exit_code, result.stdout) == expected[0]
    assert "cannot be used" in one_line(result)


def test_a_full_disk_in_chinese(desk, small_disk):
    office = on_the_disk(desk, small_disk)
    office.lang = None
    before = state(office)
    fill(small_disk, 0)
    result = office.run("customer", "edit", "C-A001", "--notes", "两套房", ok=False)
    assert result.exit_code == 7 and "所在的磁盘已满" in one_line(result)
    (small_disk / "filler").unlink()
    assert state(office) == before
