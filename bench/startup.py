#!/usr/bin/env python3
"""What one short svcctl command costs: CPU time of the process, and git processes spawned.

Usage: python bench/startup.py [--repeat 9] [--lang en] [--calls] [--keep NEW_DIR]

Builds a small office in a temporary folder through the real CLI (init, three staff, two
customers, a few tickets, a bare remote it has synced with), then runs each command below
as a fresh process (``python -m svcctl ...``), as the desk and cron run them, reading the
office's own language (Chinese) unless --lang says otherwise:

  intake, show, list, overdue, sync (nothing to do), check
  the first intake in a fresh office (``svcctl init``, then ``intake``)
  the first overdue in a fresh clone (``svcctl clone``, then ``overdue``)

and prints, for each, the median CPU seconds (user + system) of the child process and of
the processes it waited for (git, find), and how many git processes it started. The git
processes are counted in separate runs, through a ``git`` shim placed first on PATH that
logs each call and hands it to the real git, so the shim's own cost never enters the CPU
times. --calls lists them.
"""
from __future__ import annotations

import argparse
import collections
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

NOW = "2026-11-20 09:30"
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}


def base_env(home: Path, lang: str | None) -> dict:
    """A machine with no git identity or user configuration, as cron on a fresh PC has."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SVCCTL_", "GIT_"))}
    env.update({"HOME": str(home), "GIT_CONFIG_GLOBAL": str(home / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1",
                "SVCCTL_NOW": NOW, "SVCCTL_USER": "li", **({"SVCCTL_LANG": lang} if lang else {})})
    return env


def spawn(args: list[str], env: dict, cwd: Path | None = None) -> tuple[float, subprocess.CompletedProcess]:
    """One ``python -m svcctl`` child, reaped here with wait4: its CPU seconds (user + system,
    its own and those of the git processes it waited for) and what it printed."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, "-m", "svcctl", *args], env=env, cwd=cwd,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return usage.ru_utime + usage.ru_stime, subprocess.CompletedProcess(proc.args, proc.returncode,
                                                                             out.read(), err.read())


def svcctl(args: list[str], env: dict, cwd: Path | None = None, ok=(0,)) -> tuple[float, str]:
    seconds, done = spawn(args, env, cwd)
    if done.returncode not in ok:
        raise SystemExit(f"svcctl {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
    return seconds, done.stdout


def git(cwd: Path, *args: str, env: dict) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**env, **GIT_ENV})


def build(tmp: Path, env: dict) -> tuple[Path, list[str]]:
    """The office (station A) with a bare remote it has shared everything with."""
    root, remote = tmp / "office", tmp / "remote.git"
    init_env = {**env, "SVCCTL_NOW": "2026-11-01 09:00"}
    svcctl(["init", str(root), "--name", "翠苑物业管理处", "--code", "CY", "--director", "wang",
            "--director-name", "王主任"], init_env)
    office = {**env, "SVCCTL_RECORDS": str(root)}
    for staff, name, role in (("zhao", "赵强", "supervisor"), ("li", "李娜", "agent"), ("zhou", "周师傅", "agent")):
        svcctl(["staff", "add", staff, "--name", name, "--role", role], {**office, "SVCCTL_USER": "wang"})
    svcctl(["customer", "add", "--name", "陈先生", "--phone", "13800138000", "--unit", "3-2-1502"], office)
    svcctl(["customer", "add", "--name", "林女士", "--phone", "13900000001", "--unit", "5-1-301"], office)
    ids = []
    for i, (kind, extra) in enumerate((("repair", ["--category", "leak"]), ("complaint", ["--grade", "general"]),
                                       ("consultation", []), ("repair", ["--category", "safety"]))):
        _, out = svcctl(["intake", "--type", kind, *extra, "--unit", "3-2-1502", "--summary", f"样例{i}"],
                        {**office, "SVCCTL_NOW": f"2026-11-1{i} 10:00"})
        ids.append(out.split()[0])
    git(tmp, "clone", "-q", "--bare", str(root), str(remote), env=env)
    git(root, "remote", "add", "origin", str(remote), env=env)
    svcctl(["sync"], office)
    return root, ids


def shim(folder: Path, log: Path) -> dict:
    """A ``git`` first on PATH that writes a line per call to ``log`` and runs the real git."""
    real = shutil.which("git")
    if real is None:
        raise SystemExit("git is not on PATH")
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "git"
    script.write_text(f'#!/bin/sh\nprintf "%s %s\\n" "$1" "$2" >> "{log}"\nexec "{real}" "$@"\n')
    script.chmod(0o755)
    return {"PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=9, help="runs per command (median taken)")
    parser.add_argument("--lang", choices=("zh", "en"), help="the language read (default: the office's, Chinese)")
    parser.add_argument("--keep", type=Path, help="build in this new folder and leave it there")
    parser.add_argument("--calls", action="store_true", help="also print each command's git calls")
    args = parser.parse_args()

    # As an installed package has them: an editable install with PYTHONDONTWRITEBYTECODE set
    # would otherwise compile every module on every run.
    import importlib.util

    compileall.compile_dir(importlib.util.find_spec("svcctl").submodule_search_locations[0], quiet=1)
    tmp = Path(tempfile.mkdtemp(prefix="svcctl-startup-")) if args.keep is None else args.keep
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        home = tmp / "home"
        home.mkdir(exist_ok=True)
        env = base_env(home, args.lang)
        root, ids = build(tmp, env)
        office = {**env, "SVCCTL_RECORDS": str(root)}
        serial = iter(range(10**6))

        def intake():
            n = next(serial)
            return ["intake", "--type", "repair", "--category", "leak", "--unit", "5-1-301",
                    "--summary", f"漏水{n}"], {**office, "SVCCTL_NOW": f"2026-11-20 {8 + n // 60 % 10:02d}:{n % 60:02d}"}

        def fresh_office():
            folder = tmp / f"init{next(serial)}"
            svcctl(["init", str(folder), "--name", "新物业", "--code", "XW", "--director", "wang"], env)
            return ["intake", "--type", "repair", "--unit", "1-1-101", "--name", "王先生", "--phone", "13700000000",
                    "--summary", "漏水"], {**env, "SVCCTL_RECORDS": str(folder), "SVCCTL_USER": "wang"}

        def fresh_clone():
            folder = tmp / f"clone{next(serial)}"
            svcctl(["--as", "wang", "clone", str(tmp / "remote.git"), str(folder), "--station", "B"], env)
            return ["overdue"], {**env, "SVCCTL_RECORDS": str(folder)}

        commands = {
            "intake": intake,
            "show": lambda: (["show", ids[0]], office),
            "list": lambda: (["list"], office),
            "overdue": lambda: (["overdue"], office),
            "sync (nothing to do)": lambda: (["sync"], office),
            "check": lambda: (["check"], office),
            "intake, first after init": fresh_office,
            "overdue, first after clone": fresh_clone,
        }
        ok = {"overdue": (0, 1), "overdue, first after clone": (0, 1)}
        for make in commands.values():  # once each first: what a first run writes is not timed
            argv, run_env = make()
            svcctl(argv, run_env, ok=(0, 1))

        log = tmp / "git-calls.log"
        counted = {**office, **shim(tmp / "shim", log)}
        results = {}
        for name, make in commands.items():
            if name.startswith("sync"):  # what the commands before it committed is shared first
                svcctl(["sync"], office)
            times = []
            for _ in range(args.repeat):
                argv, run_env = make()
                times.append(svcctl(argv, run_env, ok=ok.get(name, (0,)))[0])
            argv, run_env = make()
            log.write_text("")
            svcctl(argv, {**run_env, "PATH": counted["PATH"]}, ok=ok.get(name, (0,)))
            calls = log.read_text().splitlines()
            results[name] = (statistics.median(times), min(times), calls)

        print(f"svcctl, one fresh process per command, median of {args.repeat} (Python {sys.version.split()[0]})")
        print(f"{'command':<28} {'CPU s':>7} {'min s':>7} {'git':>4}")
        for name, (median, fastest, calls) in results.items():
            print(f"{name:<28} {median:7.3f} {fastest:7.3f} {len(calls):4d}")
            if args.calls:
                for call, count in collections.Counter(calls).most_common():
                    print(f"{'':<6}{count:3d}  git {call}")
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
