"""Work on every core: the same answers as in one process, and no worker outlives or
stalls the command (a killed worker, a killed command, Ctrl-C).

An office big enough to start workers by itself takes minutes to make, so the tests lower
the size from which workers start; the workers are real processes all the same.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import edit, wait_for
from svcctl.store import parallel

pytestmark = pytest.mark.skipif(sys.platform == "win32" or (os.cpu_count() or 1) < 2,
                                reason="workers are started on a machine with two cores or more, by fork")

NOW = "2026-11-24 10:00"


def on_every_core(monkeypatch):
    """Workers from the third file on, two files to a chunk: a small office keeps them busy."""
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 3)
    monkeypatch.setattr(parallel, "CHUNK", 2)


def tickets(office, count: int) -> list[str]:
    ids = []
    for n in range(count):
        ids.append(office.intake("--type", "repair", "--unit", "3-2-1502", "--summary", f"漏水 {n}",
                                 "--at", f"2026-11-{10 + n % 10} 09:00"))
        if n % 3 == 0:
            office.run("dispatch", ids[-1], "--to", "维修部", "--assignee", "zhou", "--at", f"2026-11-{10 + n % 10} 09:05")
        if n % 3 == 1:
            office.run("cancel", ids[-1], "--reason", "重复报修", "--at", f"2026-11-{10 + n % 10} 09:10", user="zhao")
    return ids


def index_rows(office) -> list[tuple]:
    (file,) = (office.root / ".git").glob("svcctl-tickets*.sqlite")
    with sqlite3.connect(file) as db:
        return db.execute("SELECT * FROM tickets ORDER BY path").fetchall()


def test_the_index_built_on_every_core_is_the_one_built_here(office, monkeypatch):
    ids = tickets(office, 9)
    edit(office.root / "tickets" / "2026" / "11" / f"{ids[4]}.yaml", "type: repair", "type: repairs")
    here = office.run("overdue", "--format", "json", now=NOW, ok=False)
    rows_here = index_rows(office)
    for file in (office.root / ".git").glob("svcctl-tickets*.sqlite"):
        file.unlink()
    on_every_core(monkeypatch)
    assert office.run("overdue", "--format", "json", now=NOW, ok=False).stdout == here.stdout
    assert index_rows(office) == rows_here
    assert len(rows_here) == 9 and sum(row[-3] is not None for row in rows_here) == 1  # the broken file's problem


def test_check_on_every_core_reports_what_one_process_reports(office, monkeypatch):
    ids = tickets(office, 7)
    folder = office.root / "tickets" / "2026" / "11"
    edit(folder / f"{ids[2]}.yaml", "by: li", "by: nobody")
    edit(folder / f"{ids[5]}.yaml", "unit: 3-2-1502", "unit: 3-2-1502 房")
    here = office.run("check", ok=False)
    assert here.exit_code != 0 and ids[2] in here.stdout + here.stderr
    on_every_core(monkeypatch)
    workers = office.run("check", ok=False)
    assert (workers.exit_code, workers.stdout, workers.stderr) == (here.exit_code, here.stdout, here.stderr)


SCRIPT = textwrap.dedent("""
    import json, os, signal, sys, threading
    from svcctl.store import parallel

    signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal, whoever started this
    parallel.PARALLEL_FROM, parallel.CHUNK = 2, 1
    folder, how = sys.argv[1], sys.argv[2]
    parent = os.getpid()

    def first_to_make(path):  # only one worker ever dies: the first to make the file
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    def work(part):
        if os.getpid() != parent:
            open(os.path.join(folder, str(os.getpid())), "w").close()
            if how == "block":
                threading.Event().wait()
            if how == "die once" and first_to_make(os.path.join(folder, "died")):
                os.kill(os.getpid(), signal.SIGKILL)
        return [n * n for n in part]

    print(json.dumps([n for chunk in parallel.chunks(work, list(range(40))) for n in chunk]))
""")


@pytest.fixture
def start(tmp_path):
    """Start the script doing ``how``; whatever the test finds, nothing it started is left running."""
    started = []

    def start(how: str) -> tuple[subprocess.Popen, Path]:
        folder = tmp_path / "pids"
        folder.mkdir()
        script = tmp_path / "script.py"
        script.write_text(SCRIPT, encoding="utf-8")
        child = subprocess.Popen([sys.executable, str(script), str(folder), how], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, start_new_session=True)
        started.append((child, folder))
        return child, folder

    yield start
    for child, _ in started:
        # The script and its workers are a process group of their own: emptied by now unless the test failed.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.communicate()


def workers_seen(folder, count: int = 2) -> list[int]:
    return wait_for(lambda: [int(p.name) for p in folder.iterdir() if p.name.isdigit()][:count] if
                    sum(p.name.isdigit() for p in folder.iterdir()) >= count else None, "both workers to start")


def gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return any(line.split()[1:2] == ["Z"] for line in status if line.startswith("State:"))  # a zombie
    except FileNotFoundError:
        return True


@pytest.mark.slow
def test_a_killed_worker_costs_time_not_the_answer(start):
    child, folder = start("die once")
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    assert (folder / "died").exists()
    assert json.loads(out) == [n * n for n in range(40)]


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads process states from /proc")
def test_workers_end_with_a_command_killed_outright(start):
    child, folder = start("block")
    workers = workers_seen(folder)
    child.kill()
    child.wait()  # not its output: a worker left running would hold the pipe open for ever
    wait_for(lambda: all(gone(pid) for pid in workers), "the workers to end with the command")


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads process states from /proc")
def test_ctrl_c_ends_the_command_and_its_workers_at_once(start):
    child, folder = start("block")
    workers = workers_seen(folder)
    os.killpg(child.pid, signal.SIGINT)  # what a terminal sends to the whole process group
    _, err = child.communicate(timeout=60)
    assert child.returncode != 0 and "KeyboardInterrupt" in err
    wait_for(lambda: all(gone(pid) for pid in workers), "the workers to end with the command")
