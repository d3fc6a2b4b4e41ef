#!/usr/bin/env python3
"""Time of one ``svcctl sync`` that merges N tickets changed on both PCs.

Usage: python bench/sync_merge.py [N] [--repeat 3]

Builds a bare remote and two clones (stations A and B) through the real CLI: A files N
tickets and shares them, then each PC adds a reply to every one of them offline, and B
pushes. The time measured is A's ``svcctl sync`` (fetch, merge of N both-sides tickets,
check, push), as a fresh process, median of --repeat runs on fresh copies.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}


def svcctl(root: Path, *args, now="2026-11-20 09:30", user="wang") -> str:
    env = {**os.environ, "SVCCTL_RECORDS": str(root), "SVCCTL_NOW": now, "SVCCTL_USER": user}
    proc = subprocess.run([sys.executable, "-m", "svcctl", *args], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"svcctl {' '.join(args)}: {proc.stderr.strip()}")
    return proc.stdout


def git(cwd: Path, *args) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def build(tmp: Path, n: int) -> None:
    a, remote = tmp / "A", tmp / "remote.git"
    env = {**os.environ, "SVCCTL_NOW": "2026-11-01 09:00"}
    subprocess.run([sys.executable, "-m", "svcctl", "init", str(a), "--name", "基准物业", "--code", "BM",
                    "--director", "wang"], check=True, capture_output=True, env=env)
    svcctl(a, "customer", "add", "--name", "陈先生", "--phone", "13800138000", "--unit", "3-2-1502")
    ids = [svcctl(a, "intake", "--type", "repair", "--category", "leak", "--unit", "3-2-1502",
                  "--summary", f"漏水{i}", now=f"2026-11-20 08:{i % 60:02d}").split()[0] for i in range(n)]
    git(tmp, "clone", "-q", "--bare", str(a), str(remote))
    git(a, "remote", "add", "origin", str(remote))
    svcctl(a, "sync")
    subprocess.run([sys.executable, "-m", "svcctl", "--as", "wang", "clone", str(remote), str(tmp / "B"),
                    "--station", "B"], check=True, capture_output=True, env={**os.environ, "SVCCTL_NOW": "2026-11-20 09:00"})
    for tid in ids:
        svcctl(a, "reply", tid, "--note", "甲回复", now="2026-11-20 10:00")
        svcctl(tmp / "B", "reply", tid, "--note", "乙回复", now="2026-11-20 10:01")
    svcctl(tmp / "B", "sync")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tickets", type=int, nargs="?", default=50)
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="svcctl-bench-sync-") as folder:
        template = Path(folder) / "template"
        template.mkdir()
        os.environ.update(GIT_CONFIG_GLOBAL=str(template / "gitconfig"), GIT_CONFIG_NOSYSTEM="1")
        build(template, opts.tickets)
        times = []
        for i in range(opts.repeat):
            run = Path(folder) / f"run{i}"
            shutil.copytree(template, run, symlinks=True)
            git(run / "A", "remote", "set-url", "origin", str(run / "remote.git"))
            started = time.perf_counter()
            out = svcctl(run / "A", "sync", now="2026-11-20 11:00")
            times.append(time.perf_counter() - started)
            assert "pushed" in out, out
        print(f"sync merging {opts.tickets} both-sides tickets: median {statistics.median(times):.2f} s "
              f"(runs: {', '.join(f'{t:.2f}' for t in times)})")


if __name__ == "__main__":
    main()
