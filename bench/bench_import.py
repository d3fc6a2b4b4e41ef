#!/usr/bin/env python3
"""Speed of moving an office in: an owners' register and a year of ledgers, imported
through the real CLI.

Usage: python bench/bench_import.py [--customers 10000] [--rows 20000] [--format xlsx|csv] [--keep DIR]

Makes a fresh office, writes a register of N owners (some over two rows, some with two
units) and a ledger of M requests spread over the last year (repairs dispatched, closed and
called back, complaints, consultations answered on the spot), then times
``svcctl import customers`` and ``svcctl import tickets`` each in a fresh process, with
peak memory, and checks what landed. Exits 1 when an import misses its goal. Needs only
the project installed (pip install -e .) and git.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

GOAL_SECONDS = 60.0  # each import, on the 2-core development machine
NOW = datetime(2026, 11, 23, 16, 0)
SURNAMES = "陈林王赵孙周吴郑冯蒋沈韩杨朱秦许何吕张孔曹严华金魏陶姜"
GIVEN = "建国晓梅志强丽卫东敏海燕国平伟芳娜秀英静磊军洋勇艳杰涛明超霞"
TYPES = ["报修", "报修", "报修", "投诉", "咨询", "查询", "建议"]
DEPARTMENTS = ["维修部", "保洁部", "安护部", "绿化", "工程部"]


def unit_of(n: int) -> str:
    return f"{n // 400 + 1}-{n // 100 % 4 + 1}-{n % 100 // 4 + 1}0{n % 4 + 1}"


def register(customers: int, rng: random.Random) -> list[list]:
    rows = [["翠苑小区业主档案"], ["姓名", "联系电话", "房号", "备注"]]
    n = 0
    for i in range(customers):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        phone = f"13{i:09d}"
        owned = 2 if i % 10 == 0 else 1
        for _ in range(owned):  # an owner with two units is listed on two rows
            rows.append([name, phone, unit_of(n), "车位" if n % 7 == 0 else None])
            n += 1
    return rows


def ledger(count: int, units: int, rng: random.Random) -> list[list]:
    rows = [["编号", "受理时间", "类型", "等级", "房号", "内容", "受理人", "部门", "完成时间", "处理结果",
             "回访时间", "回访方式", "满意度"]]
    for i in range(count):
        received = NOW - timedelta(days=2) - timedelta(minutes=rng.randint(0, 360 * 24 * 60))
        kind = rng.choice(TYPES)
        row = [f"L{i:05d}", received.strftime("%Y-%m-%d %H:%M"), kind, "一般" if kind == "投诉" else None,
               unit_of(rng.randrange(units)), "基准登记", "li", None, None, None, None, None, None]
        if kind in ("报修", "投诉"):
            closed = received + timedelta(hours=rng.randint(1, 30))
            row[7] = rng.choice(DEPARTMENTS)
            row[8], row[9] = closed.strftime("%Y-%m-%d %H:%M"), "已处理"
            row[10], row[11], row[12] = (closed + timedelta(hours=20)).strftime("%Y-%m-%d %H:%M"), "电话", rng.randint(3, 5)
        elif kind in ("咨询", "查询"):
            row[9] = "已告知"
        rows.append(row)
    return rows


def save(path: Path, rows: list[list]) -> None:
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        for row in rows:
            sheet.append(row)
        book.save(path)
    else:
        import csv

        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(rows)


def svcctl(args: list[str], env: dict) -> tuple[float, float, str]:
    """Seconds, peak MiB and stdout of one svcctl process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "svcctl", *args], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        sys.exit(f"svcctl {' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return seconds, max(peak, before) / 1024, proc.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--keep", metavar="DIR", help="Build in DIR and keep it (default: a temp folder).")
    args = parser.parse_args()
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="svcctl-bench-import-"))
    base.mkdir(parents=True, exist_ok=True)
    root = base / "office"
    rng = random.Random(12)
    env = {**os.environ, "SVCCTL_NOW": NOW.strftime("%Y-%m-%d %H:%M"), "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run([sys.executable, "-m", "svcctl", "init", str(root), "--name", "基准物业", "--code", "BM",
                    "--director", "wang", "--station", "A"], check=True, capture_output=True, env=env)
    env.update(SVCCTL_RECORDS=str(root), SVCCTL_USER="wang")
    subprocess.run([sys.executable, "-m", "svcctl", "staff", "add", "li", "--name", "李娜", "--role", "agent"],
                   check=True, capture_output=True, env=env)
    reg_rows = register(args.customers, rng)
    units = len(reg_rows) - 2
    owners_file = base / f"owners.{args.format}"
    ledger_file = base / f"ledger.{args.format}"
    save(owners_file, reg_rows)
    save(ledger_file, ledger(args.rows, units, rng))

    results = {}
    seconds, mib, out = svcctl(["import", "customers", str(owners_file), "--format", "json"], env)
    made = len(json.loads(out)["new_customers"])
    results["import customers"] = {"seconds": round(seconds, 2), "peak_mib": round(mib), "records": made}
    seconds, mib, out = svcctl(["import", "tickets", str(ledger_file), "--format", "json"], env)
    made = len(json.loads(out)["tickets"])
    results["import tickets"] = {"seconds": round(seconds, 2), "peak_mib": round(mib), "records": made}
    commits = subprocess.run(["git", "-C", str(root), "rev-list", "--count", "HEAD"], capture_output=True,
                             text=True, check=True).stdout.strip()

    print(f"{args.customers} owners ({units} register rows), {args.rows} ledger rows, .{args.format}, {os.cpu_count()} cores")
    print(f"{'step':<18} {'seconds':>8} {'peak MiB':>9} {'records':>8}  goal {GOAL_SECONDS:.0f} s")
    failed = False
    for step, r in results.items():
        ok = r["seconds"] <= GOAL_SECONDS
        failed |= not ok
        print(f"{step:<18} {r['seconds']:>8.2f} {r['peak_mib']:>9} {r['records']:>8}  {'ok' if ok else 'MISSED'}")
    print(f"commits in the office: {commits} (init, staff, one per import)")
    out_dir = Path(__file__).resolve().parent / "out"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "import-results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    if not args.keep:
        import shutil

        shutil.rmtree(base, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
