"""A realistic records repository for the benchmark, built fast.

Tickets are spread over five years up to ``now`` with the event lists an office really
writes (dispatch, arrival, replies, pauses, escalations, closes, callbacks, reopens,
notes); about 3% are still active or awaiting their callback, the rest done or
cancelled. Customers number a tenth of the tickets. The history is one commit per day,
each carrying the tickets last touched that day, written with ``git fast-import`` (one
process for the whole history instead of 100,000 commits). The same workload is given
to taskwarrior by bench.py.
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
from datetime import datetime, timedelta
from multiprocessing import Pool
from pathlib import Path

from svcctl.core.ticket import Event, Ticket
from svcctl.store import yamlio

STAFF = [("li", "李娜", "agent", None), ("wu", "吴敏", "agent", None), ("zhou", "周师傅", "agent", "维修部"),
         ("sun", "孙工", "agent", "工程部"), ("zhao", "赵强", "supervisor", None)]
DEPARTMENTS = ["维修部", "工程部", "保洁部", "秩序维护部", "绿化部"]
KINDS = ["consultation", "query", "complaint", "repair", "repair", "repair", "suggestion", "paid", "appointment"]
SUMMARIES = ["电梯噪音", "卫生间渗水", "楼道灯不亮", "物业费标准", "停车位咨询", "门禁卡失灵", "垃圾清运不及时",
             "空调外机噪音", "水压不足", "窗户漏风", "邻居装修扰民 电话13800138000", "下水道堵塞"]
IDENT = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
         "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}


def unit_of(n: int) -> str:
    return f"{n % 30 + 1}-{n % 4 + 1}-{n % 28 + 1}0{n % 4 + 1}"


def _ticket(tid: str, kind: str, received: datetime, customer: int, rng: random.Random, active: bool,
            now: datetime) -> Ticket:
    header = {"id": tid, "type": kind, "channel": rng.choice(["phone", "phone", "visit", "online"]),
              "customer": f"C-A{customer:03d}", "unit": unit_of(customer), "summary": rng.choice(SUMMARIES),
              "received_at": received, "first_responder": rng.choice(["li", "wu"])}
    if kind == "complaint":
        header["grade"] = rng.choice(["simple", "general", "general", "complex"])
    if kind == "repair":
        header["category"] = rng.choice(["safety", "other", "other", "leak"])
    if kind == "appointment":
        header["appointment_at"] = received + timedelta(days=rng.randint(1, 5))
    if rng.random() < 0.3:
        header["detail"] = "客户来电反映：" + header["summary"] + "，希望尽快处理。"
    events = [Event("intake", received, header["first_responder"])]
    at = received

    escalated = False

    def by(default: str) -> str:  # once escalated, only the supervisor acts on it
        return "zhao" if escalated else default

    def later(lo: int, hi: int) -> datetime:
        nonlocal at
        at = min(at + timedelta(minutes=rng.randint(lo, hi)), now - timedelta(minutes=1))
        return at

    # How far an active ticket got: 0 just taken in, 1 dispatched/replied, 2 paused, 3 awaiting callback.
    stage = rng.choice([0, 1, 1, 2, 3, 3]) if active else 9
    dispatchable = kind in ("repair", "complaint", "paid")
    if kind in ("consultation", "query") and stage >= 1:
        events.append(Event("reply", later(1, 20), "li", {"note": "已答复"}))
    if dispatchable and stage >= 1:
        events.append(Event("dispatch", later(2, 60), "li", {"to": rng.choice(DEPARTMENTS[:2]), "assignee": "zhou"}))
        if rng.random() < 0.6:
            events.append(Event("arrive", later(10, 240), "zhou"))
    if kind == "complaint" and stage >= 1:
        events.append(Event("reply", later(5, 100), "li", {"note": "已联系客户说明处理进度"}))
        if header.get("grade") == "complex" and rng.random() < 0.3:
            events.append(Event("escalate", later(10, 300), "li", {"to": "zhao", "note": "需主管协调"}))
            escalated = True
    if stage == 2 or (stage == 9 and dispatchable and rng.random() < 0.05):
        events.append(Event("pause", later(30, 600), by("zhou"), {"reason": "等待配件"}))
        if stage == 9:
            events.append(Event("resume", later(600, 4000), by("zhou")))
    if rng.random() < 0.1:
        events.append(Event("note", later(5, 500), by("li"), {"note": "客户再次来电询问"}))
    if stage == 9 and kind in ("complaint", "suggestion") and rng.random() < 0.01:
        events.append(Event("cancel", later(10, 600), "zhao", {"reason": "客户撤回"}))
        return Ticket(header, tuple(events))
    if stage >= 3:
        data = {"result": "已处理完毕"}
        if kind == "paid":
            data.update(fee="50.00", receipt=f"R-{rng.randint(1000, 9999)}")
        close_at = later(30, 3000)
        closer = "zhao" if header.get("grade") == "complex" else by("zhou")
        if header.get("category") == "leak":
            data["leak_test_at"] = close_at
        events.append(Event("close", close_at, closer, data))
        if stage == 9 and kind in ("complaint", "repair", "paid"):
            events.append(Event("callback", later(60, 2000), by("li"),
                                {"method": "phone", "satisfaction": rng.choice([4, 5, 5, 3]), "note": "满意"}))
            if rng.random() < 0.02:
                events.append(Event("reopen", later(60, 2000), by("li"), {"note": "问题复发"}))
                events.append(Event("close", later(60, 2000), closer, {"result": "再次处理完毕", **(
                    {"fee": "0.00", "receipt": "R-0"} if kind == "paid" else {}), **(
                    {"leak_test_at": at} if header.get("category") == "leak" else {})}))
                events.append(Event("callback", later(60, 2000), by("li"),
                                    {"method": "phone", "satisfaction": 4, "note": "已解决"}))
    return Ticket(header, tuple(events))


def plan(tickets: int, now: datetime, seed: int = 7) -> list[tuple]:
    """(id, kind, received, customer, active, seed) per ticket, oldest first."""
    rng = random.Random(seed)
    start = now - timedelta(days=5 * 365)
    span = int((now - start).total_seconds() // 60) - 60
    receiveds = sorted(start + timedelta(minutes=rng.randint(0, span)) for _ in range(tickets))
    customers = max(50, tickets // 10)
    serial: dict[str, int] = {}
    out = []
    for received in receiveds:
        month = received.strftime("%Y%m")
        serial[month] = serial.get(month, 0) + 1
        age = (now - received).days
        active = rng.random() < (0.5 if age < 14 else 0.027)
        out.append((f"{month}-A{serial[month]:03d}", rng.choice(KINDS), received, rng.randint(1, customers),
                    active, rng.getrandbits(32)))
    return out


def _render(item: tuple) -> tuple:
    tid, kind, received, customer, active, seed, now = item
    ticket = _ticket(tid, kind, received, customer, random.Random(seed), active, now)
    path = f"tickets/{tid[:4]}/{tid[4:6]}/{tid}.yaml"
    last = ticket.events[-1].at
    return path, yamlio.dump(ticket.to_record()).encode("utf-8"), last.date().isoformat()


def build(root: Path, tickets: int, now: datetime, svcctl: list[str], jobs: int = 2) -> None:
    """Make the records repository at ``root``."""
    env = {**os.environ, "SVCCTL_NOW": (now - timedelta(days=5 * 365 + 2)).isoformat()}
    env.pop("SVCCTL_RECORDS", None)
    subprocess.run([*svcctl, "init", str(root), "--name", "基准物业", "--code", "BM", "--director", "wang",
                    "--station", "A"], env=env, check=True, capture_output=True)
    env.update(SVCCTL_RECORDS=str(root), SVCCTL_USER="wang")
    for sid, name, role, dept in STAFF:
        extra = ["--department", dept] if dept else []
        subprocess.run([*svcctl, "staff", "add", sid, "--name", name, "--role", role, *extra], env=env,
                       check=True, capture_output=True)
    _departments(root, svcctl, env)
    days: dict[str, list] = {}
    customers = max(50, tickets // 10)
    first_day = (now - timedelta(days=5 * 365)).date().isoformat()
    for n in range(1, customers + 1):
        record = {"id": f"C-A{n:03d}", "name": f"业主{n}", "phones": [f"138{n:08d}"], "units": [unit_of(n)]}
        days.setdefault(first_day, []).append((f"customers/C-A{n:03d}.yaml", yamlio.dump(record).encode("utf-8")))
    work = [(*item, now) for item in plan(tickets, now)]
    with Pool(jobs) as pool:
        for path, data, day in pool.imap(_render, work, chunksize=500):
            days.setdefault(day, []).append((path, data))
    _fast_import(root, days)


def _departments(root: Path, svcctl: list[str], env: dict) -> None:
    config = yamlio.parse((root / "svcctl.yaml").read_text(encoding="utf-8"))
    missing = [d for d in DEPARTMENTS if d not in (config.get("departments") or [])]
    if missing:
        config["departments"] = list(config.get("departments") or []) + missing
        (root / "svcctl.yaml").write_text(yamlio.dump(config), encoding="utf-8")
        subprocess.run(["git", "commit", "-qam", "departments"], cwd=root, check=True, env={**os.environ, **IDENT})


def _fast_import(root: Path, days: dict[str, list]) -> None:
    """One commit per day on top of the office's setup commits, then the files checked out."""
    branch = subprocess.run(["git", "symbolic-ref", "HEAD"], cwd=root, capture_output=True, text=True,
                            check=True).stdout.strip()
    parent = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                            check=True).stdout.strip()
    proc = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=root, stdin=subprocess.PIPE)
    out = proc.stdin
    mark = 0
    for day in sorted(days):
        mark += 1
        when = int(datetime.fromisoformat(day + "T18:00:00+08:00").timestamp())
        message = f"records of {day}: {len(days[day])} changed\n".encode()
        out.write(f"commit {branch}\nmark :{mark}\n".encode())
        out.write(f"author 李娜 <li@bm.svcctl> {when} +0800\ncommitter 李娜 <li@bm.svcctl> {when} +0800\n".encode())
        out.write(b"data %d\n" % len(message) + message)
        if mark == 1:
            out.write(f"from {parent}\n".encode())
        for path, data in days[day]:
            out.write(f"M 100644 inline {path}\n".encode())
            out.write(b"data %d\n" % len(data) + data + b"\n")
    out.write(b"done\n")
    out.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "reset", "-q", "--hard"], cwd=root, check=True)


if __name__ == "__main__":  # python bench/office.py DIR N: just build a repository
    from zoneinfo import ZoneInfo

    target, count = Path(sys.argv[1]), int(sys.argv[2])
    moment = datetime.now(ZoneInfo("Asia/Shanghai")).replace(second=0, microsecond=0)
    build(target, count, moment, [sys.executable, "-m", "svcctl"])
    print(f"built {count} tickets at {target}")
