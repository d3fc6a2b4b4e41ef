"""Build the sample office shipped in ``records/``: twelve weeks of a small estate's service desk.

Every record is made by the real commands (``svcctl intake``, ``dispatch``, ``close``,
``callback`` …) run in a fresh office in a temporary git repository, each at its own
pinned time, so the sample is exactly what an office using svcctl would have on file. The
choices come from a seeded random generator: running the script twice gives the same files.

    python tools/sample_office.py            # rewrites records/ (svcctl.yaml, customers/, tickets/, handovers/)
    python tools/sample_office.py OUT        # writes the office into OUT instead

History from 2026-09-01 to 2026-11-15 is recorded on the service-desk PC (station B); the
last week (2026-11-16 to 2026-11-23, the tickets the README walks through) on the first PC
(station A), so those keep their short ids 202611-A001 … A013.
"""
from __future__ import annotations

import io
import os
import random
import shutil
import sys
import tempfile
from contextlib import redirect_stdout
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from svcctl.cli.main import cli  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
START, END = datetime(2026, 9, 1, tzinfo=TZ), datetime(2026, 11, 16, tzinfo=TZ)
HOUSEHOLDS = 1200
SEED = 20261123

CUSTOMERS = [  # the five the README names first, with their real-looking details
    ("陈建国", ["13800138000"], ["3-2-1502"], "老人独居，上门前先电话联系"),
    ("林晓梅", ["13900000001"], ["5-1-301"], None),
    ("王海", ["13700000002", "02088886666"], ["1-1-101", "1-1-102"], None),
    ("赵敏", ["13600000003"], ["8-3-2201"], None),
    ("刘洋", ["13500000004"], ["2-2-602"], None),
]
SURNAMES = "张李王刘陈杨黄吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"


class Office:
    def __init__(self, root: Path):
        self.root = root

    def svc(self, when: datetime, user: str, *args) -> str:
        os.environ.update(SVCCTL_RECORDS=str(self.root), SVCCTL_NOW=when.strftime("%Y-%m-%d %H:%M"),
                          SVCCTL_USER=user)
        out = io.StringIO()
        with redirect_stdout(out):
            code = cli.main(args=[str(a) for a in args], prog_name="svcctl", standalone_mode=False)
        if code:
            raise SystemExit(f"svcctl {' '.join(map(str, args))} at {when} exited {code}")
        return out.getvalue()

    def intake(self, when, user, *args) -> str:
        return self.svc(when, user, "intake", *args).splitlines()[0]


def setup(root: Path) -> Office:
    os.environ.pop("SVCCTL_RECORDS", None)
    os.environ.update(SVCCTL_NOW="2026-09-01 08:30")
    code = cli.main(args=["init", str(root), "--name", "翠苑物业管理处", "--code", "CY", "--director", "wang",
                          "--director-name", "王主任", "--station", "A"], prog_name="svcctl", standalone_mode=False)
    assert code in (0, None)
    office = Office(root)
    at = datetime(2026, 9, 1, 8, 30, tzinfo=TZ)
    for sid, name, role, dept in (("zhao", "赵强", "supervisor", None), ("li", "李娜", "agent", None),
                                  ("zhou", "周师傅", "agent", "维修部"), ("sun", "孙丽", "agent", "保洁部")):
        office.svc(at, "wang", "staff", "add", sid, "--name", name, "--role", role,
                   *(["--department", dept] if dept else []))
    for name, phones, units, notes in CUSTOMERS:
        args = ["customer", "add", "--name", name, *sum((["--phone", p] for p in phones), []),
                *sum((["--unit", f"翠苑/{u}"] for u in units), [])]
        office.svc(at, "li", *args, *(["--notes", notes] if notes else []))
    office.svc(at, "wang", "setup", "--station", "B", "--switch")
    config = root / "svcctl.yaml"
    text = config.read_text(encoding="utf-8").replace(
        "timezone:", f"households: {HOUSEHOLDS}        # 翠苑: 12 buildings\ntimezone:", 1)
    config.write_text(text.replace("  B: wang", "  B: service desk PC"), encoding="utf-8")
    office.svc(at, "wang", "commit", "-m", "户数 1200; 服务台 PC")
    return office


def more_customers(office: Office, rng: random.Random) -> list[str]:
    """Twenty-five more households on the desk PC's numbering (C-B001 …)."""
    units = []
    at = datetime(2026, 9, 1, 9, 0, tzinfo=TZ)
    taken = {u for _, _, us, _ in CUSTOMERS for u in us}
    while len(units) < 25:
        unit = f"{rng.randint(1, 12)}-{rng.randint(1, 3)}-{rng.randint(1, 26)}0{rng.randint(1, 4)}"
        if unit in taken:
            continue
        taken.add(unit)
        name = rng.choice(SURNAMES) + rng.choice(("先生", "女士"))
        phone = f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
        office.svc(at, "li", "customer", "add", "--name", name, "--phone", phone, "--unit", f"翠苑/{unit}")
        units.append(f"翠苑/{unit}")
    return units


def _day_time(rng, day: datetime, first=8, last=18) -> datetime:
    return day.replace(hour=rng.randint(first, last - 1), minute=rng.choice((0, 5, 10, 15, 20, 30, 40, 45, 50)))


REPAIRS = {
    "other": ["厨房水龙头漏水", "门锁损坏", "卫生间下水堵塞", "入户门闭门器失灵", "阳台灯不亮", "对讲门铃无声"],
    "leak": ["卫生间天花板渗水", "外墙渗水", "厨房顶棚渗水", "窗台渗水"],
    "safety": ["楼道应急灯不亮", "消防栓箱门损坏", "电梯按钮失灵", "楼道扶手松动"],
}
COMPLAINTS = ["垃圾清运不及时", "楼下夜间噪音", "电梯运行噪音大", "保安态度差", "绿化带杂草未清", "车位被占用",
              "楼道堆放杂物", "装修噪音扰民", "宠物粪便未清理"]
QUERIES = ["查询物业费", "查询水费", "查询停车位", "查询装修规定", "查询快递柜位置"]
CONSULTATIONS = ["物业费缴纳标准", "装修申请流程", "门禁卡办理", "停车收费标准"]
PAID = ["疏通厨房下水道", "更换灯具", "家电清洗", "安装晾衣架"]
SUGGESTIONS = ["建议增设电动车充电桩", "建议增加儿童游乐设施", "建议延长游泳池开放时间"]


def history(office: Office, rng: random.Random, units: list[str]) -> None:
    """One to three requests a day, every type, with the usual share of slips: late replies,
    late and missed callbacks, reopened repairs, a paused complaint, duplicates cancelled."""
    # A few flats that keep calling about the same thing: the recurring problems.
    leaky, noisy_building = "翠苑/5-1-301", "翠苑/8-3-2201"
    day = START
    while day < END:
        for _ in range(rng.choice((1, 1, 2, 2, 2, 3))):
            kind = rng.choices(["repair", "complaint", "query", "consultation", "paid", "appointment", "suggestion"],
                               [34, 16, 14, 14, 9, 8, 5])[0]
            at = _day_time(rng, day)
            unit = rng.choice(units + [leaky, noisy_building])
            globals()[f"_{kind}"](office, rng, at, unit)
        day += timedelta(days=1)


def _later(at, minutes_low, minutes_high, rng) -> datetime:
    return at + timedelta(minutes=rng.randint(minutes_low, minutes_high))


def _repair(office, rng, at, unit):
    category = rng.choices(["other", "leak", "safety"], [6, 2, 2])[0]
    if unit == "翠苑/5-1-301" and rng.random() < 0.6:
        category = "leak"
    emergency = category == "safety" and rng.random() < 0.4
    tid = office.intake(at, "li", "--type", "repair", "--category", category, "--unit", unit,
                        "--summary", rng.choice(REPAIRS[category]), *(["--emergency"] if emergency else []))
    if rng.random() < 0.05:  # the caller had already reported it
        office.svc(_later(at, 20, 90, rng), "zhao", "cancel", tid, "--reason", "重复登记")
        return
    t = _later(at, 1, 4 if rng.random() < 0.85 else 15, rng)
    office.svc(t, "li", "dispatch", tid, "--to", "维修部", "--assignee", "zhou")
    if emergency:
        office.svc(_later(t, 5, 14 if rng.random() < 0.8 else 40, rng), "zhou", "arrive", tid)
    _fix_and_call_back(office, rng, tid, t, category, rework=rng.random() < 0.12)


def _fix_and_call_back(office, rng, tid, t, category, rework=False):
    closed = _later(t, 60, 36 * 60, rng)
    extra = ["--leak-test-at", (closed - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")] if category == "leak" else []
    office.svc(closed, "zhou", "close", tid, "--result", "已修复", "--signed", *extra)
    late = rng.random() < 0.12
    call = _later(closed, 120, (3 * 24 + 12) * 60 if late else 40 * 60, rng)
    if rework:
        office.svc(call, "li", "callback", tid, "--method", "phone", "--satisfaction", str(rng.choice((1, 2))),
                   "--note", "问题未解决", "--unresolved")
        again = _later(call, 120, 48 * 60, rng)
        office.svc(again, "zhou", "close", tid, "--result", "返工后修复", "--signed", *(
            ["--leak-test-at", (again - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")] if category == "leak" else []))
        call = _later(again, 120, 40 * 60, rng)
    if call < END + timedelta(days=6) and rng.random() > 0.04:  # a few callbacks are never made
        office.svc(call, "li", "callback", tid, "--method", rng.choice(("phone", "phone", "visit")),
                   "--satisfaction", str(rng.choices((5, 4, 3, 2), (55, 30, 10, 5))[0]), "--note", "业主认可")


def _complaint(office, rng, at, unit):
    grade = rng.choices(["simple", "general", "complex"], [3, 5, 2])[0]
    if unit == "翠苑/8-3-2201":
        grade = "general"
    tid = office.intake(at, "li", "--type", "complaint", "--grade", grade, "--unit", unit,
                        "--summary", rng.choice(COMPLAINTS), "--channel", rng.choice(("phone", "phone", "visit", "online")))
    if grade == "simple":
        office.svc(_later(at, 2, 4, rng), "li", "close", tid, "--result", "当场解释，业主接受")
        t = _later(at, 60, 30 * 60, rng)
        office.svc(t, "li", "callback", tid, "--method", "phone", "--satisfaction", "4", "--note", "业主满意")
        return
    t = _later(at, 10, 100 if rng.random() < 0.85 else 200, rng)
    office.svc(t, "li", "reply", tid, "--note", "已致歉，安排处理")
    dept = rng.choice(("保洁部", "安护部", "工程部", "绿化"))
    t = _later(t, 5, 60, rng)
    office.svc(t, "li", "dispatch", tid, "--to", dept)
    if rng.random() < 0.15:
        t = _later(t, 60, 300, rng)
        office.svc(t, "li", "pause", tid, "--reason", "等待业主确认现场时间")
        t = _later(t, 24 * 60, 72 * 60, rng)
        office.svc(t, "li", "resume", tid)
    limit = 20 * 60 if grade == "general" else 5 * 24 * 60
    closed = _later(t, 120, limit if rng.random() < 0.8 else limit * 3, rng)
    office.svc(closed, "zhao" if grade == "complex" else "li", "close", tid, "--result", "已整改，结果已告知业主")
    call = _later(closed, 60, 60 * 60 if rng.random() < 0.85 else 5 * 24 * 60, rng)
    if call < END + timedelta(days=6):
        office.svc(call, "li", "callback", tid, "--method", "phone",
                   "--satisfaction", str(rng.choices((5, 4, 3, 2), (40, 35, 15, 10))[0]), "--note", "回访完成")


def _query(office, rng, at, unit):
    tid = office.intake(at, "li", "--type", "query", "--unit", unit, "--summary", rng.choice(QUERIES))
    office.svc(_later(at, 3, 14 if rng.random() < 0.85 else 40, rng), "li", "close", tid, "--result", "已告知")


def _consultation(office, rng, at, unit):
    office.intake(at, "li", "--type", "consultation", "--unit", unit, "--summary", rng.choice(CONSULTATIONS),
                  "--answer", "已告知")


def _paid(office, rng, at, unit):
    tid = office.intake(at, "li", "--type", "paid", "--unit", unit, "--summary", rng.choice(PAID))
    t = _later(at, 3, 30, rng)
    office.svc(t, "li", "dispatch", tid, "--to", "维修部", "--assignee", "zhou")
    closed = _later(t, 60, 26 * 60, rng)
    fee = rng.choice(("50", "80", "120"))
    office.svc(closed, "zhou", "close", tid, "--result", "已完成", "--fee", fee,
               "--receipt", f"R-{closed:%Y%m%d}-{rng.randint(1, 99):02d}", "--signed")
    office.svc(_later(closed, 120, 40 * 60 if rng.random() < 0.8 else 80 * 60, rng), "li", "callback", tid,
               "--method", "phone", "--satisfaction", "5", "--note", "业主满意")


def _appointment(office, rng, at, unit):
    agreed = (at + timedelta(days=rng.randint(1, 3))).replace(hour=rng.choice((9, 10, 14, 15)), minute=0)
    tid = office.intake(at, "li", "--type", "appointment", "--unit", unit, "--summary", "预约上门查看",
                        "--appointment", agreed.strftime("%Y-%m-%d %H:%M"))
    office.svc(at + timedelta(minutes=5), "li", "dispatch", tid, "--to", "工程部")
    arrived = agreed + timedelta(minutes=rng.choice((-10, -5, 0, 0, 0, 20)))
    office.svc(arrived, "zhou", "arrive", tid)
    office.svc(_later(arrived, 30, 90, rng), "zhou", "close", tid, "--result", "已上门查看并答复")


def _suggestion(office, rng, at, unit):
    tid = office.intake(at, "li", "--type", "suggestion", "--unit", unit, "--summary", rng.choice(SUGGESTIONS),
                        "--channel", "online")
    t = _later(at, 60, 20 * 60, rng)
    office.svc(t, "li", "escalate", tid, "--to", "wang", "--note", "转主任决定")
    office.svc(_later(t, 24 * 60, 5 * 24 * 60, rng), "wang", "close", tid, "--result", "已研究，纳入明年计划")


def last_week(office: Office) -> None:
    """The week the README walks through (station A): the tickets 202611-A001 … A013."""
    def at(text):
        return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)

    o = office
    a1 = o.intake(at("2026-11-16 09:05"), "li", "--type", "consultation", "--customer", "C-A001",
                  "--summary", "物业费缴纳标准", "--answer", "已告知：2.5元/平方米·月")
    a2 = o.intake(at("2026-11-16 09:40"), "li", "--type", "query", "--customer", "C-A002", "--summary", "查询10月水费")
    o.svc(at("2026-11-16 09:50"), "li", "close", a2, "--result", "已告知：10月水费86元")
    a3 = o.intake(at("2026-11-17 10:00"), "li", "--type", "complaint", "--grade", "general", "--customer", "C-A001",
                  "--summary", "电梯运行噪音大", "--detail", "3号楼2单元电梯夜间运行有异响")
    o.svc(at("2026-11-17 11:10"), "li", "reply", a3, "--note", "已联系业主，工程部明日检查")
    o.svc(at("2026-11-17 11:15"), "li", "dispatch", a3, "--to", "工程部")
    o.svc(at("2026-11-18 15:00"), "li", "close", a3, "--result", "更换电梯导靴，异响消除")
    a4 = o.intake(at("2026-11-18 08:50"), "li", "--type", "repair", "--category", "leak", "--customer", "C-A002",
                  "--summary", "卫生间天花板渗水")
    o.svc(at("2026-11-18 08:53"), "li", "dispatch", a4, "--to", "维修部", "--assignee", "zhou",
          "--appointment", "2026-11-18 14:00")
    o.svc(at("2026-11-19 11:00"), "li", "close", a4, "--result", "楼上防水层修补", "--signed",
          "--leak-test-at", "2026-11-19 10:00")
    o.svc(at("2026-11-20 10:00"), "li", "callback", a4, "--method", "phone", "--satisfaction", "5",
          "--note", "业主满意，未再渗水")
    a5 = o.intake(at("2026-11-19 09:00"), "li", "--type", "repair", "--category", "other", "--customer", "C-A003",
                  "--unit", "1-1-102", "--summary", "厨房水龙头漏水")
    o.svc(at("2026-11-19 09:04"), "li", "dispatch", a5, "--to", "维修部", "--assignee", "zhou")
    o.svc(at("2026-11-19 15:00"), "li", "close", a5, "--result", "更换水龙头阀芯", "--signed")
    a6 = o.intake(at("2026-11-19 16:30"), "li", "--type", "complaint", "--grade", "complex", "--customer", "C-A004",
                  "--channel", "visit", "--summary", "楼上装修噪音扰民", "--detail", "8栋3单元2301装修，周末早7点施工")
    o.svc(at("2026-11-19 17:30"), "li", "reply", a6, "--note", "已致电装修户，约定施工时间")
    o.svc(at("2026-11-20 09:00"), "li", "escalate", a6, "--to", "zhao", "--note", "双方争议较大，请主管协调")
    a7 = o.intake(at("2026-11-20 11:00"), "li", "--type", "suggestion", "--customer", "C-A003", "--unit", "1-1-101",
                  "--channel", "online", "--summary", "建议增设电动车充电桩")
    o.svc(at("2026-11-20 14:00"), "li", "escalate", a7, "--to", "wang", "--note", "转主任决定")
    a8 = o.intake(at("2026-11-20 20:10"), "li", "--type", "repair", "--category", "safety", "--emergency",
                  "--customer", "C-A005", "--summary", "楼道应急灯不亮")
    o.svc(at("2026-11-20 20:12"), "li", "dispatch", a8, "--to", "维修部", "--assignee", "zhou", "--emergency")
    a9 = o.intake(at("2026-11-21 09:30"), "li", "--type", "paid", "--customer", "C-A005", "--summary", "疏通厨房下水道")
    o.svc(at("2026-11-21 09:35"), "li", "dispatch", a9, "--to", "维修部", "--assignee", "zhou")
    o.svc(at("2026-11-21 11:00"), "li", "close", a9, "--result", "已疏通", "--fee", "80", "--receipt", "R-20261121-01",
          "--signed")
    o.intake(at("2026-11-21 10:00"), "li", "--type", "appointment", "--customer", "C-A004",
             "--summary", "预约上门查看外墙裂缝", "--appointment", "2026-11-24 14:00")
    a11 = o.intake(at("2026-11-22 10:00"), "li", "--type", "repair", "--category", "other", "--customer", "C-A004",
                   "--summary", "门禁卡失灵")
    o.svc(at("2026-11-22 10:30"), "wang", "cancel", a11, "--reason", "重复登记")
    o.svc(at("2026-11-23 08:00"), "zhao", "handover", "--record", "--to", "li", "--note", "A008 应急灯仍无人到场，请跟进")
    a12 = o.intake(at("2026-11-23 09:10"), "li", "--type", "complaint", "--grade", "general", "--customer", "C-A002",
                   "--summary", "垃圾清运不及时")
    o.svc(at("2026-11-23 09:15"), "li", "reply", a12, "--note", "已致歉，保洁部今日处理")
    o.svc(at("2026-11-23 09:20"), "li", "dispatch", a12, "--to", "保洁部", "--assignee", "sun")
    o.svc(at("2026-11-23 10:00"), "li", "pause", a12, "--reason", "业主外出，约定周三再看现场")
    o.intake(at("2026-11-23 15:40"), "li", "--type", "query", "--customer", "C-A001", "--summary", "查询停车位租赁")


def main(out: Path) -> None:
    rng = random.Random(SEED)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "office"
        office = setup(root)
        units = more_customers(office, rng)
        history(office, rng, units)
        office.svc(datetime(2026, 11, 16, 8, 0, tzinfo=TZ), "wang", "setup", "--station", "A", "--reuse", "--switch")
        last_week(office)
        for name in ("svcctl.yaml", "customers", "tickets", "handovers"):
            target = out / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            source = root / name
            if source.is_dir():
                shutil.copytree(source, target, ignore=shutil.ignore_patterns(".gitkeep"))
            else:
                shutil.copy2(source, target)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "records")
