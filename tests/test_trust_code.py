"""Nothing in the records folder is ever run: not by git's merge driver, not by a worker.

Another PC commits Python files at the top of the records with plain git (no svcctl check
in the way): a ``svcctl.py`` or a ``svcctl/`` package that would shadow svcctl, and a
``multiprocessing/`` package that would shadow the standard library's. Each writes a marker
file outside every repository when it is imported. This PC then merges a ticket both PCs
changed, with plain git (git runs the merge driver in the records folder) and with svcctl;
no marker may ever appear, and the merge must still union the events.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import Office, bare_machine, copy_of, git, made_once, make_office
from svcctl import merge_driver

T = "202611-A001"
LAYOUTS = {  # what B commits at the top of the records, by what it shadows
    "module": ("svcctl.py", "multiprocessing/__init__.py"),
    "package": ("svcctl/__init__.py", "svcctl/__main__.py", "multiprocessing/__init__.py"),
}
# The line every svcctl before this one registered: Python looks in git's working folder first.
OLD_DRIVER = f"{shlex.quote(sys.executable)} -m svcctl merge-driver %O %A %B %P"


class Pair:
    """A bare remote, PC A (made by ``svcctl init``) and PC B (made by ``svcctl clone``)."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.url = tmp / "remote.git"
        self.a = Office(tmp / "A", user="wang")
        self.b = Office(tmp / "B", user="wang")
        self.markers = tmp / "markers"

    @classmethod
    def build(cls, tmp: Path) -> "Pair":
        pair = cls(tmp)
        make_office(pair.a.root)
        assert pair.a.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502",
                             "--summary", "电梯噪音") == T
        git(tmp, "clone", "-q", "--bare", str(pair.a.root), str(pair.url))
        git(pair.a.root, "remote", "add", "origin", str(pair.url))
        git(pair.a.root, "fetch", "-q", "origin")
        git(pair.a.root, "branch", "-q", "--set-upstream-to", "origin/main")
        pair.a.run("clone", pair.url, pair.b.root, "--station", "B")
        # Each test copies this pair: with each repository's objects in one pack, a copy
        # writes a few files instead of hundreds.
        for repo in (pair.url, pair.a.root, pair.b.root):
            git(repo, "repack", "-a", "-d", "-q")
        return pair

    def copy(self, tmp: Path) -> "Pair":
        shutil.copytree(self.tmp, tmp, symlinks=True)
        pair = Pair(tmp)
        for office in (pair.a, pair.b):
            git(office.root, "remote", "set-url", "origin", str(pair.url))
        pair.markers.mkdir()
        return pair

    def plant(self, layout: str) -> list[str]:
        """B commits and pushes code with plain git, on top of a reply of its own to T."""
        self.b.run("reply", T, "--note", "乙回复", now="2026-11-20 10:30")
        for name in LAYOUTS[layout]:
            marker = self.markers / name.replace("/", "-")
            file = self.b.root / name
            file.parent.mkdir(exist_ok=True)
            file.write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
        git(self.b.root, "add", *LAYOUTS[layout])
        git(self.b.root, "commit", "-q", "-m", "tools")
        git(self.b.root, "push", "-q", "origin", "main")
        return list(LAYOUTS[layout])

    def both_reply_again(self) -> None:
        """T changed on both PCs once more; B pushes."""
        self.a.run("reply", T, "--note", "甲再回复", now="2026-11-20 11:00")
        self.b.run("reply", T, "--note", "乙再回复", now="2026-11-20 11:30")
        git(self.b.root, "push", "-q", "origin", "main")

    def ran(self) -> list[str]:
        return sorted(p.name for p in self.markers.iterdir())


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Pair:
    with pytest.MonkeyPatch.context() as mp:
        bare_machine(mp, tmp_path_factory.mktemp("template-home"))
        return Pair.build(tmp_path_factory.mktemp("pair-template"))


@pytest.fixture
def pair(template, tmp_path) -> Pair:
    return template.copy(tmp_path / "pair")


def replies(office) -> list[str]:
    return [e.get("note") for e in office.json("show", T)["events"] if e["event"] == "reply"]


def merge_with_plain_git(office, how: str) -> subprocess.CompletedProcess:
    args = {"pull": ["pull", "--no-rebase", "-q", "origin", "main"], "merge": ["merge", "-q", "origin/main"]}[how]
    if how == "merge":
        git(office.root, "fetch", "-q", "origin")
    return subprocess.run(["git", *args], cwd=office.root, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.invalid",
                               "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.invalid"})


# -- the merge driver ------------------------------------------------------------------

REPLIES = ["甲回复", "乙回复", "甲再回复", "乙再回复"]


def merge_twice(pair, layout: str, how: str, driver: str | None = None) -> None:
    """A and B each reply to T; B commits code and pushes; A merges with plain git: git
    merges in memory, so B's files reach A's records only after the driver ran. Both reply
    again, and A's second merge runs the driver where B's files now lie. ``driver``: the
    driver line A's git config holds at each merge (as svcctl left it, when None)."""
    pair.a.run("reply", T, "--note", "甲回复", now="2026-11-20 10:00")
    planted = pair.plant(layout)
    for merge in range(2):
        if merge:
            pair.both_reply_again()
        if driver:
            git(pair.a.root, "config", "merge.svcctl.driver", driver)
        proc = merge_with_plain_git(pair.a, how)
        assert proc.returncode == 0, proc.stderr
        assert all((pair.a.root / name).is_file() for name in planted)  # B's files are here now


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("how", ["pull", "merge"])
def test_a_plain_git_merge_runs_nothing_another_pc_committed(pair, layout, how):
    merge_twice(pair, layout, how)
    assert pair.ran() == []
    assert replies(pair.a) == REPLIES  # the driver ran, and unioned the events
    assert "<<<<<<<" not in (pair.a.root / "tickets" / "2026" / "11" / f"{T}.yaml").read_text(encoding="utf-8")


def test_the_driver_line_older_svcctl_registered_runs_what_another_pc_committed(pair):
    """What the test above guards against: its planted files do run under the old line."""
    merge_twice(pair, "package", "pull", driver=OLD_DRIVER)
    assert pair.ran() == ["svcctl-__init__.py", "svcctl-__main__.py"]


def test_any_change_made_with_svcctl_replaces_an_old_driver_line(pair):
    git(pair.a.root, "config", "merge.svcctl.driver", OLD_DRIVER)
    pair.a.run("reply", T, "--note", "甲的第一条", now="2026-11-20 09:50")
    assert merge_driver.isolated(git(pair.a.root, "config", "--get", "merge.svcctl.driver").strip())
    merge_twice(pair, "package", "merge")
    assert pair.ran() == []


def test_a_plain_git_merge_replaces_an_old_driver_line_before_the_next_merge(pair):
    """A clone that merges with plain git before svcctl makes a change there: the old line's
    first merge starts this svcctl (B's files are not here yet), which leaves its own line."""
    pair.a.run("reply", T, "--note", "甲回复", now="2026-11-20 10:00")
    git(pair.a.root, "config", "merge.svcctl.driver", OLD_DRIVER)
    pair.plant("package")
    assert merge_with_plain_git(pair.a, "pull").returncode == 0
    assert merge_driver.isolated(git(pair.a.root, "config", "--get", "merge.svcctl.driver").strip())
    pair.both_reply_again()
    assert merge_with_plain_git(pair.a, "pull").returncode == 0
    assert pair.ran() == []
    assert replies(pair.a) == REPLIES


def test_check_warns_of_an_old_driver_line(pair):
    git(pair.a.root, "config", "merge.svcctl.driver", OLD_DRIVER)
    check = pair.a.run("check")
    assert "merge.svcctl.driver" in check.stdout and "svcctl sync" in check.stdout
    pair.a.run("sync")
    assert "merge.svcctl.driver" not in pair.a.run("check").stdout


def sync_at_top(office) -> subprocess.CompletedProcess:
    """The svcctl program as typed at the records' top."""
    return subprocess.run([str(Path(sys.executable).parent / "svcctl"), "sync"], cwd=office.root,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "SVCCTL_RECORDS": str(office.root), "SVCCTL_USER": "wang",
                               "SVCCTL_NOW": "2026-11-20 12:00", "SVCCTL_LANG": "en"})


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_sync_runs_nothing_another_pc_committed_and_replaces_an_old_driver_line(pair, layout):
    pair.a.run("reply", T, "--note", "甲回复", now="2026-11-20 10:00")
    git(pair.a.root, "config", "merge.svcctl.driver", OLD_DRIVER)
    pair.plant(layout)
    # Whatever sync answers (it may refuse B's files), nothing it merges or checks runs.
    first = sync_at_top(pair.a)
    assert "Traceback" not in first.stderr
    assert merge_driver.isolated(git(pair.a.root, "config", "--get", "merge.svcctl.driver").strip())
    if first.returncode != 0:  # refused: B's files come by plain git, and the next sync meets them here
        assert merge_with_plain_git(pair.a, "pull").returncode == 0
    pair.both_reply_again()
    second = sync_at_top(pair.a)
    assert "Traceback" not in second.stderr
    assert pair.ran() == []


# -- workers started by spawn ----------------------------------------------------------

# The svcctl program, started the way Windows starts its workers (spawn), from the records'
# top, with workers from the third file on. It first does what the program does first, then
# lets nothing but its own arguments differ from 'svcctl COMMAND'.
SPAWNING = textwrap.dedent("""
    import sys
    from svcctl.cli import launch

    launch.keep_working_folder_off_path()
    import multiprocessing
    from multiprocessing import context
    from svcctl.store import parallel

    multiprocessing.set_start_method("spawn")
    parallel.PARALLEL_FROM, parallel.CHUNK = 3, 2
    started = []
    start = context.SpawnProcess.start

    def counted(process):
        started.append(process)
        start(process)

    context.SpawnProcess.start = counted
    try:
        launch.main()
    finally:
        print(f"workers started: {len(started)}", file=sys.stderr)
""")


def six_leaks(office) -> None:
    for n in range(6):
        office.intake("--type", "repair", "--unit", "3-2-1502", "--summary", f"漏水 {n}", "--at", f"2026-11-1{n} 09:00")


@pytest.fixture(scope="module")
def leaks_template(tmp_path_factory):
    return made_once(tmp_path_factory, "leaks", six_leaks)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="workers are started on a machine with two cores or more")
@pytest.mark.parametrize("command", ["check", "list"])
def test_spawned_workers_import_nothing_from_the_records(leaks_template, tmp_path, command):
    office, _ = copy_of(leaks_template, tmp_path)
    markers = tmp_path / "markers"
    markers.mkdir()
    (office.root / "multiprocessing").mkdir()
    (office.root / "multiprocessing" / "__init__.py").write_text(
        f"open({str(markers / 'multiprocessing')!r}, 'w').close()\n", encoding="utf-8")
    env = {**os.environ, "SVCCTL_RECORDS": str(office.root), "SVCCTL_USER": "li", "SVCCTL_NOW": office.now,
           "SVCCTL_LANG": "en"}
    shadowed = subprocess.run([sys.executable, "-c", "import multiprocessing"], cwd=office.root, env=env)
    assert shadowed.returncode == 0 and [p.name for p in markers.iterdir()] == ["multiprocessing"]
    (markers / "multiprocessing").unlink()

    proc = subprocess.run([sys.executable, "-c", SPAWNING, command], cwd=office.root, capture_output=True,
                          text=True, env=env, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert int(re.search(r"workers started: (\d+)", proc.stderr).group(1)) >= 1, proc.stderr
    assert list(markers.iterdir()) == []
    if command == "list":
        assert proc.returncode == 0 and proc.stdout.count("漏水") == 6


def test_an_isolated_line_of_another_install_is_left_alone_and_a_gone_one_replaced(pair):
    """Two installs of svcctl on one PC do not take turns rewriting .git/config, and a line
    whose Python was removed (a deleted venv) is replaced by the next change."""
    other = merge_driver.command().replace(shlex.quote(sys.executable), shlex.quote(str(Path(sys.executable).resolve())), 1)
    if other == merge_driver.command():
        pytest.skip("this Python is not reached through a link, so no second name for it is at hand")
    git(pair.a.root, "config", "merge.svcctl.driver", other)
    pair.a.run("reply", T, "--note", "甲回复", now="2026-11-20 10:00")
    assert git(pair.a.root, "config", "--get", "merge.svcctl.driver").strip() == other
    assert "merge.svcctl.driver" not in pair.a.run("check").stdout
    gone = merge_driver.command().replace(shlex.quote(sys.executable), "/nonexistent/venv/bin/python", 1)
    git(pair.a.root, "config", "merge.svcctl.driver", gone)
    assert "merge.svcctl.driver" in pair.a.run("check").stdout
    pair.a.run("reply", T, "--note", "甲再回复", now="2026-11-20 10:05")
    assert git(pair.a.root, "config", "--get", "merge.svcctl.driver").strip() == merge_driver.command()
