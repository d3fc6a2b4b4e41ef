#!/usr/bin/env python3
"""svcctl beside taskwarrior on a large office, through the real CLI, alternating runs.

Usage: python bench/bench.py [--tickets 10000 100000] [--repeat 5] [--keep DIR] [--no-sync]

For each size it builds a records repository (bench/office.py: five years of tickets with
realistic event lists, about 3% still active or awaiting their callback, a tenth as many
customers, one commit per day written with git fast-import) and the same workload for
taskwarrior (one task per ticket, pending with the due time of the ticket's next open
deadline, or completed; loaded with ``task import``). It then times, each as a fresh
process and alternating svcctl and its peer in one run (median of --repeat):

  overdue                      vs  task overdue
  list --status active (JSON)  vs  task list
  callbacks --due              vs  task overdue
  intake (one commit; --force, since the same intake repeats) vs a bare git plumbing commit of
                               one file in the same repository
  show, --help, report monthly, handover, check
  notify run with nothing new to send  vs  overdue (a local robot takes what was due first)
  the first command after the index is deleted (cold start)
  sync merging 1,000 tickets changed on both PCs

and prints each median, the ratio to the peer, the peak memory (max RSS from wait4) and
whether the target of issue 11 is met. Exits 1 when a target is missed, 2 when
taskwarrior is missing and cannot be installed (it says how). Results also go to
bench/out/results.json. The clock is the real one: taskwarrior cannot be given another.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import office as builder  # noqa: E402

SVCCTL = [sys.executable, "-m", "svcctl"]
TZ = ZoneInfo("Asia/Shanghai")
# name -> (limit, what the limit is on): "ratio" to the peer, or seconds
TARGETS = {
    "overdue": (0.5, "ratio"), "list --status active": (0.5, "ratio"), "callbacks --due": (0.5, "ratio"),
    "intake": (1.5, "ratio"), "show": (0.15, "s"), "--help": (0.15, "s"), "report monthly": (1.0, "s"),
    "cold start": (30.0, "s"), "check": (30.0, "s"), "sync 1,000 both sides": (10.0, "s"),
    "notify run": (1.0, "ratio"),  # to overdue: a run with nothing new to send reads no more than overdue
}
MEMORY_MIB = 150


def ensure_taskwarrior() -> str:
    task = shutil.which("task")
    if task:
        return task
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing taskwarrior (apt-get install -y taskwarrior)", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "taskwarrior"], check=False, capture_output=True)
        task = shutil.which("task")
        if task:
            return task
    raise SystemExit("taskwarrior is needed as the peer: install it with 'sudo apt-get install -y taskwarrior' "
                     "(Debian/Ubuntu) and run again")


TIME = shutil.which("time", path="/usr/bin:/bin")


def timed(argv: list[str], env: dict, cwd: Path | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak memory (MiB) and exit code of one process.

    The peak comes from GNU time when installed: a process forked from this (large) one
    would count this one's memory as its own until it execs. Without it, wait4's figure."""
    with tempfile.NamedTemporaryFile(prefix="svcctl-bench-rss-") as rss:
        wrapped = [TIME, "-f", "%M", "-o", rss.name, *argv] if TIME else argv
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            raise SystemExit(f"{' '.join(argv)} failed ({code}): {err.strip()[-400:]}")
        peak_kib = usage.ru_maxrss
        if TIME:
            text = Path(rss.name).read_text().strip().splitlines()
            peak_kib = int(text[-1]) if text and text[-1].isdigit() else peak_kib
    return elapsed, peak_kib / 1024, code


class Bench:
    def __init__(self, base: Path, tickets: int, repeat: int, task: str):
        self.base, self.tickets, self.repeat, self.task = base, tickets, repeat, task
        self.root = base / "office"
        self.env = {**os.environ, "SVCCTL_RECORDS": str(self.root), "SVCCTL_USER": "li"}
        for name in ("SVCCTL_NOW", "SVCCTL_LANG"):
            self.env.pop(name, None)
        self.task_env = {**os.environ, "TASKRC": str(base / "taskrc"), "TASKDATA": str(base / "task")}
        self.results: list[dict] = []

    # -- building ----------------------------------------------------------------------
    def build(self) -> None:
        now = datetime.now(TZ).replace(second=0, microsecond=0)
        started = time.perf_counter()
        builder.build(self.root, self.tickets, now, SVCCTL)
        print(f"  built {self.tickets} tickets in {time.perf_counter() - started:.0f}s", flush=True)
        started = time.perf_counter()
        rows = json.loads(self.svcctl("list", "--format", "json").stdout)
        (self.base / "task").mkdir()
        (self.base / "taskrc").write_text(f"data.location={self.base / 'task'}\nconfirmation=off\nverbose=nothing\n"
                                          "gc=on\n", encoding="utf-8")
        tasks = self.base / "tasks.json"
        with tasks.open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(_task(row), ensure_ascii=False) + "\n")
        subprocess.run([self.task, "import", str(tasks)], env=self.task_env, check=True, capture_output=True)
        subprocess.run([self.task, "overdue"], env=self.task_env, capture_output=True)  # first gc
        pending = sum(1 for r in rows if r["status"] not in ("done", "cancelled"))
        print(f"  taskwarrior: {len(rows)} tasks, {pending} pending, imported in "
              f"{time.perf_counter() - started:.0f}s", flush=True)

    def svcctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run([*SVCCTL, *args], env=self.env, capture_output=True, text=True)
        if check and proc.returncode not in (0, 1):
            raise SystemExit(f"svcctl {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}")
        return proc

    # -- measuring -----------------------------------------------------------------------
    def pair(self, name: str, ours: list[str], peer: list[str] | None, peer_env: dict | None = None,
             peer_cwd: Path | None = None, before=None) -> None:
        """Median of ``repeat`` runs of svcctl and its peer, alternating."""
        times, peaks, peer_times, peer_peaks = [], [], [], []
        for _ in range(self.repeat):
            if before:
                before()
            t, m, _ = timed([*SVCCTL, *ours], self.env)
            times.append(t)
            peaks.append(m)
            if peer:
                t, m, _ = timed(peer, peer_env or self.task_env, peer_cwd)
                peer_times.append(t)
                peer_peaks.append(m)
        self.record(name, times, peaks, peer_times, peer_peaks, " ".join(ours), " ".join(peer or []))

    def once(self, name: str, ours: list[str], before=None) -> None:
        if before:
            before()
        t, m, _ = timed([*SVCCTL, *ours], self.env)
        self.record(name, [t], [m], [], [], " ".join(ours), "")

    def record(self, name, times, peaks, peer_times, peer_peaks, ours, peer) -> None:
        median = statistics.median(times)
        peer_median = statistics.median(peer_times) if peer_times else None
        ratio = median / peer_median if peer_median else None
        limit, kind = TARGETS.get(name, (None, None))
        value = ratio if kind == "ratio" else median
        ok = (limit is None or (value is not None and value <= limit)) and max(peaks) <= MEMORY_MIB
        row = {"tickets": self.tickets, "command": name, "svcctl": ours, "peer": peer,
               "median_s": round(median, 3), "peer_s": round(peer_median, 3) if peer_median else None,
               "ratio": round(ratio, 2) if ratio else None, "peak_mib": round(max(peaks), 1),
               "peer_peak_mib": round(max(peer_peaks), 1) if peer_peaks else None,
               "target": f"{'<=' if kind == 'ratio' else '<'} {limit}{'x' if kind == 'ratio' else ' s'}" if limit else "",
               "ok": ok}
        self.results.append(row)
        print(f"  {name:<24} {row['median_s']:>7.3f}s  peer {row['peer_s'] or '':>6}  ratio {row['ratio'] or '':>5}  "
              f"{row['peak_mib']:>6} MiB  {row['target']:<10} {'ok' if ok else 'MISSED'}", flush=True)

    def run(self, sync: bool) -> None:
        task, gdir = self.task, self.root / ".git"
        drop_index = lambda: [p.unlink() for p in gdir.glob("svcctl-tickets*")]  # noqa: E731
        self.once("cold start", ["overdue"], before=drop_index)
        self.pair("overdue", ["overdue"], [task, "overdue"])
        self.pair("list --status active", ["list", "--status", "active", "--format", "json"], [task, "list"])
        self.pair("callbacks --due", ["callbacks", "--due"], [task, "overdue"])
        bare = self.base / "bare-commit.sh"
        bare.write_text(BARE_COMMIT, encoding="utf-8")
        self.pair("intake", ["intake", "--type", "complaint", "--grade", "general", "--customer", "C-A001",
                             "--summary", "基准测试", "--force"], ["sh", str(bare)], peer_env=os.environ.copy(),
                  peer_cwd=self.root)
        some = json.loads(self.svcctl("list", "--status", "active", "--format", "json").stdout)[0]["id"]
        self.pair("show", ["show", some], None)
        self.pair("--help", ["--help"], None)
        self.pair("report monthly", ["report", "monthly"], None)
        self.pair("handover", ["handover"], None)
        self.once("check", ["check"])
        with robot_sink() as url:
            # Everything due is sent (as one burst) before the timing: what is timed is the
            # run cron makes every few minutes, with nothing new to send.
            self.svcctl("--as", "wang", "notify", "add", "desk", "--kind", "wecom", "--url", url)
            for _ in range(3):
                self.svcctl("notify", "run", check=False)
            self.pair("notify run", ["notify", "run"], [*SVCCTL, "overdue"], peer_env=self.env)
        if sync:
            self.prepare_sync(1000)
            self.once("sync 1,000 both sides", ["sync"])

    def prepare_sync(self, count: int) -> None:
        """A remote, another PC that changed ``count`` tickets and pushed, and this PC that
        changed the same tickets another way."""
        remote, other = self.base / "remote.git", self.base / "other"
        git = lambda cwd, *a: subprocess.run(["git", *a], cwd=cwd, check=True, capture_output=True,  # noqa: E731
                                             env={**os.environ, **builder.IDENT})
        for left in (remote, other):  # from an earlier run over kept offices
            shutil.rmtree(left, ignore_errors=True)
        subprocess.run(["git", "remote", "remove", "origin"], cwd=self.root, capture_output=True)
        git(self.base, "clone", "-q", "--bare", str(self.root), str(remote))
        git(self.root, "remote", "add", "origin", str(remote))
        git(self.root, "fetch", "-q", "origin")
        git(self.root, "branch", "-q", "--set-upstream-to", f"origin/{_branch(self.root)}")
        git(self.base, "clone", "-q", str(remote), str(other))
        # settled tickets of past months, every third one: none of them written by this run
        this_month = datetime.now(TZ).strftime("%Y/%m")
        older = [p for p in sorted((self.root / "tickets").glob("*/*/*.yaml")) if this_month not in p.as_posix()]
        done = older[-count * 3::3][:count]
        when = datetime.now(TZ).replace(microsecond=0) - timedelta(minutes=5)
        for folder, note in ((other, "另一台电脑补记"), (self.root, "本机补记")):
            for path in done:
                target = folder / path.relative_to(self.root)
                with target.open("a", encoding="utf-8") as out:
                    out.write(f"  - at: {when.isoformat()}\n    event: note\n    by: zhao\n    note: {note}\n")
            git(folder, "commit", "-qam", f"{count} notes")
        git(other, "push", "-q", "origin", "HEAD")


BARE_COMMIT = r"""set -e
f="notes/bare-$$.txt"
mkdir -p notes
echo "bare commit $$" > "$f"
blob=$(git hash-object -w "$f")
git update-index --add --cacheinfo 100644,"$blob","$f"
tree=$(git write-tree)
commit=$(echo "bare commit" | git commit-tree "$tree" -p HEAD)
git update-ref HEAD "$commit"
"""


@contextlib.contextmanager
def robot_sink():
    """A group robot on this PC that takes every message (WeCom's answer), for notify run."""
    import http.server
    import threading

    class Robot(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = b'{"errcode": 0, "errmsg": "ok"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            """Quiet: the server's requests are the test's to look at, not stderr's."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{server.server_address[1]}/cgi-bin/webhook/send?key=bench"
    finally:
        server.shutdown()


def _branch(root: Path) -> str:
    return subprocess.run(["git", "symbolic-ref", "--short", "HEAD"], cwd=root, capture_output=True,
                          text=True).stdout.strip()


def _tw(iso_time: str) -> str:
    return datetime.fromisoformat(iso_time).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _task(row: dict) -> dict:
    """One ticket as a taskwarrior task: pending with its next due time while active."""
    import uuid

    task = {"uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, "svcctl-bench/" + row["id"])),
            "description": f"{row['id']} {row['unit']} {row['summary']}", "project": row["type"],
            "entry": _tw(row["received_at"])}
    if row["status"] in ("done", "cancelled"):
        task.update(status="completed", end=_tw(row["received_at"]))
    else:
        task["status"] = "pending"
        if row["next_due"]:
            task["due"] = _tw(row["next_due"])
    return task


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", help="build the offices below this folder and keep them (a later run with "
                        "the same folder reuses them)")
    parser.add_argument("--no-sync", action="store_true", help="skip the sync of 1,000 tickets")
    opts = parser.parse_args()
    task = ensure_taskwarrior()
    compile_svcctl()
    top = Path(opts.keep) if opts.keep else Path(tempfile.mkdtemp(prefix="svcctl-bench-"))
    machine = f"{os.cpu_count()} cores, {_memory()}, {sys.platform}, Python {sys.version.split()[0]}, " \
              f"{subprocess.run([task, '--version'], capture_output=True, text=True).stdout.strip()} taskwarrior"
    print(f"svcctl bench, {datetime.now():%Y-%m-%d %H:%M}, {machine}", flush=True)
    results = []
    try:
        for size in opts.tickets:
            print(f"{size} tickets:", flush=True)
            bench = Bench(top / str(size), size, opts.repeat, task)
            bench.base.mkdir(parents=True, exist_ok=True)
            if opts.keep and (bench.root / ".git").is_dir() and (bench.base / "task").is_dir():
                print("  reusing the office and taskwarrior data kept there", flush=True)
            else:
                bench.build()
            bench.run(sync=not opts.no_sync)
            results += bench.results
    finally:
        if not opts.keep:
            shutil.rmtree(top, ignore_errors=True)
    print_growth(results, opts.tickets)
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps({"machine": machine, "date": f"{datetime.now():%Y-%m-%d}",
                                                  "results": results}, indent=2, ensure_ascii=False))
    largest = [r for r in results if r["tickets"] == max(opts.tickets)]
    missed = [r["command"] for r in largest if not r["ok"]]
    if missed:
        print(f"targets missed at {max(opts.tickets)} tickets: {', '.join(missed)}")
    sys.exit(1 if missed else 0)


def compile_svcctl() -> None:
    """svcctl's modules as an installed package has them: compiled once. An editable install
    under PYTHONDONTWRITEBYTECODE would compile every module on every run instead, which
    measures the machine's settings rather than svcctl."""
    import compileall

    import svcctl

    compileall.compile_dir(str(Path(svcctl.__file__).parent), quiet=1)


def print_growth(results: list[dict], sizes: list[int]) -> None:
    if len(sizes) < 2:
        return
    print(f"growth {sizes[0]} -> {sizes[-1]} tickets (svcctl median s; peer s):")
    names = list(dict.fromkeys(r["command"] for r in results))
    for name in names:
        cells = []
        for size in sizes:
            row = next((r for r in results if r["tickets"] == size and r["command"] == name), None)
            cells.append(f"{row['median_s']:.3f}" + (f" ({row['peer_s']:.3f})" if row and row["peer_s"] else "")
                         if row else "-")
        print(f"  {name:<24} " + "  ->  ".join(cells))


def _memory() -> str:
    try:
        kib = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        return f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        return "memory unknown"


if __name__ == "__main__":
    main()
