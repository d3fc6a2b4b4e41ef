#!/usr/bin/env python3
"""Speed and memory of svcctl on a large office, measured through the real CLI.

Usage: python bench/bench.py [--tickets 10000] [--repeat 3] [--keep DIR]

Builds a records repository with N tickets (a realistic mix of types and states, spread
over the last months) and one commit, then times the commands a busy office and its cron
jobs run, each as a fresh process (median of --repeat runs), and reports the peak memory
(max RSS) of each. Results go to stdout and to bench/out/results.json. Needs only the
project installed (pip install -e .) and git; nothing else is downloaded.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from svcctl.core.ticket import Event, Ticket
from svcctl.store import yamlio

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 16, 0, tzinfo=TZ)
GOALS = {  # seconds, at 10,000 tickets on a 2-core machine
    "help": 0.15, "show": 0.5, "intake": 1.0, "reply": 1.0,
    "overdue-cold": 8.0, "list": 3.0, "overdue": 3.0, "check": 8.0,
    # every ticket read as of 14 instants (12 trend periods, the previous and this one); the
    # index (SQLite) is to feed it only the tickets that can matter
    "report-monthly": 10.0, "handover": 3.5,
}


def build(root: Path, tickets: int, seed: int = 7) -> None:
    env = {**os.environ, "SVCCTL_NOW": "2026-06-01 08:00"}
    run(["init", str(root), "--name", "基准物业", "--code", "BM", "--director", "wang"], env)
    env.update(SVCCTL_RECORDS=str(root), SVCCTL_USER="wang")
    run(["staff", "add", "li", "--name", "李娜", "--role", "agent"], env)
    customers = max(50, tickets // 20)
    folder = root / "customers"
    for n in range(1, customers + 1):
        record = {"id": f"C-A{n:03d}", "name": f"业主{n}", "phones": [f"138{n:08d}"],
                  "units": [f"{n % 30 + 1}-{n % 4 + 1}-{n % 28 + 1}0{n % 4 + 1}"]}
        (folder / f"C-A{n:03d}.yaml").write_text(yamlio.dump(record), encoding="utf-8")
    rng = random.Random(seed)
    serial: dict[str, int] = {}
    kinds = ["consultation", "query", "complaint", "repair", "repair", "suggestion", "paid"]
    for _ in range(tickets):
        received = NOW - timedelta(minutes=rng.randint(60, 180 * 24 * 60))
        month = received.strftime("%Y%m")
        serial[month] = serial.get(month, 0) + 1
        tid = f"{month}-A{serial[month]:03d}"
        kind = rng.choice(kinds)
        n = rng.randint(1, customers)
        header = {"id": tid, "type": kind, "channel": "phone", "customer": f"C-A{n:03d}",
                  "unit": f"{n % 30 + 1}-{n % 4 + 1}-{n % 28 + 1}0{n % 4 + 1}", "summary": "基准工单",
                  "received_at": received, "first_responder": "li"}
        if kind == "complaint":
            header["grade"] = rng.choice(["simple", "general", "complex"])
        if kind == "repair":
            header["category"] = rng.choice(["safety", "other"])
        events = [Event("intake", received, "li")]
        at = received
        for step in ("dispatch", "close", "callback")[: rng.randint(0, 3)]:
            at += timedelta(minutes=rng.randint(3, 3000))
            if step == "dispatch" and kind in ("repair", "complaint", "paid"):
                events.append(Event("dispatch", at, "li", {"to": "维修部"}))
            elif step == "close":
                data = {"result": "已处理"}
                if kind == "paid":
                    data.update(fee=50.0, receipt="R-1")
                # closing a complex complaint needs a director: an agent's close is an impossible history
                events.append(Event("close", at, "wang" if header.get("grade") == "complex" else "li", data))
            elif step == "callback" and events[-1].kind == "close":
                events.append(Event("callback", at, "li", {"method": "phone", "satisfaction": 5, "note": "满意"}))
        path = root / "tickets" / month[:4] / month[4:] / f"{tid}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yamlio.dump(Ticket(header, tuple(events)).to_record()), encoding="utf-8")
    ident = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
             "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", f"bench data: {tickets} tickets"], cwd=root, check=True,
                   env={**os.environ, **ident})


def run(args, env, check=True):
    proc = subprocess.run([sys.executable, "-m", "svcctl", *args], env=env, capture_output=True, text=True)
    if check and proc.returncode not in (0, 1):
        raise SystemExit(f"svcctl {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc


def timed(args: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and peak memory (MiB) of one svcctl process, measured for that process alone."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "svcctl", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"svcctl {' '.join(args)} failed ({code}): {proc.stderr.read().decode().strip()}")
    return elapsed, usage.ru_maxrss / 1024


def measure(label: str, args: list[str], env: dict, repeat: int, prepare=None) -> dict:
    times, peaks = [], []
    for _ in range(repeat):
        if prepare:
            prepare()
        elapsed, peak = timed(args, env)
        times.append(elapsed)
        peaks.append(peak)
    median = statistics.median(times)
    goal = GOALS.get(label)
    return {"command": label, "args": " ".join(args), "median_s": round(median, 3), "min_s": round(min(times), 3),
            "max_rss_mib": round(max(peaks), 1), "goal_s": goal, "ok": goal is None or median <= goal}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", help="build the office in this folder and keep it")
    opts = parser.parse_args()
    base = Path(opts.keep) if opts.keep else Path(tempfile.mkdtemp(prefix="svcctl-bench-"))
    root = base / "office"
    started = time.perf_counter()
    build(root, opts.tickets)
    print(f"built {opts.tickets} tickets in {time.perf_counter() - started:.1f}s at {root}")
    env = {**os.environ, "SVCCTL_RECORDS": str(root), "SVCCTL_USER": "li", "SVCCTL_NOW": NOW.isoformat()}
    some = run(["intake", "--type", "complaint", "--grade", "general", "--customer", "C-A001",
                "--summary", "基准"], env).stdout.splitlines()[0]
    results = [
        measure("help", ["--help"], env, opts.repeat),
        measure("show", ["show", some], env, opts.repeat),
        measure("intake", ["intake", "--type", "query", "--customer", "C-A001", "--summary", "基准"], env, opts.repeat),
        measure("reply", ["reply", some, "--note", "基准"], env, opts.repeat),
        # the first listing after a clone, or after the read cache was deleted
        measure("overdue-cold", ["overdue", "--format", "json"], env, opts.repeat,
                prepare=lambda: (root / ".git" / "svcctl-cache.json").unlink(missing_ok=True)),
        measure("list", ["list", "--format", "json"], env, opts.repeat),
        measure("overdue", ["overdue", "--format", "json"], env, opts.repeat),
        measure("check", ["check"], env, opts.repeat),
        measure("report-monthly", ["report", "monthly", "--month", "2026-10", "--format", "json"], env, opts.repeat),
        measure("handover", ["handover", "--format", "json"], env, opts.repeat),
    ]
    width = max(len(r["command"]) for r in results)
    print(f"{'command':<{width}}  median_s  max_rss_MiB  goal_s  ok")
    for r in results:
        print(f"{r['command']:<{width}}  {r['median_s']:>8}  {r['max_rss_mib']:>11}  {r['goal_s']!s:>6}  {'yes' if r['ok'] else 'NO'}")
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps({"tickets": opts.tickets, "results": results}, indent=2))
    if not opts.keep:
        import shutil

        shutil.rmtree(base, ignore_errors=True)
    sys.exit(0 if all(r["ok"] for r in results) else 1)


if __name__ == "__main__":
    main()
