"""Creating an office's records, setting up a clone, and the staff roster."""
from __future__ import annotations

import shlex
import sys
from pathlib import Path

from .. import vcs
from ..core import model, validate
from ..core.errors import Refusal, UsageError
from ..store import txn, yamlio
from ..store.records import CONFIG, Records
from .env import Env

GITATTRIBUTES = """\
# svcctl merges records itself: ticket events are a union, other files field by field.
*.yaml merge=svcctl
"""


def driver_command() -> str:
    """How git calls the merge driver on this machine (this Python, this svcctl)."""
    return f"{shlex.quote(sys.executable)} -m svcctl merge-driver %O %A %B %P"


def register_clone(top: Path, station: str) -> None:
    """Per-clone settings that git never shares: the station code and the merge driver."""
    vcs.git(top, "config", "svcctl.station", station)
    vcs.git(top, "config", "merge.svcctl.name", "svcctl record merge (events are a union)")
    vcs.git(top, "config", "merge.svcctl.driver", driver_command())


def check_station(code: str) -> str:
    code = (code or "").strip().upper()
    if not validate.STATION.match(code):
        raise UsageError(f"station code {code!r}: use 1 to 3 capital letters (A, B, HQ), one per PC")
    return code


def check_staff_id(staff_id: str) -> str:
    if not validate.STAFF_ID.match(staff_id or ""):
        raise UsageError(f"staff id {staff_id!r}: use lower-case letters, digits, '.', '_' or '-' (e.g. wang)")
    return staff_id


def init(folder: str, *, office_name: str, office_code: str, director_id: str, director_name: str,
         station: str = "A", timezone: str = "Asia/Shanghai", language: str = "zh-CN") -> Records:
    root = Path(folder).expanduser().resolve()
    station = check_station(station)
    check_staff_id(director_id)
    if (root / CONFIG).exists():
        raise Refusal(f"{root / CONFIG} already exists: this folder is already a records folder (nothing changed)")
    if not office_name.strip() or not office_code.strip():
        raise UsageError("give the office a --name and a --code")
    config = {
        "office": {"name": office_name.strip(), "code": office_code.strip()},
        "timezone": timezone,
        "language": language,
        "departments": list(model.DEFAULT_DEPARTMENTS),
        "staff": [{"id": director_id, "name": director_name.strip() or director_id, "role": "director"}],
        "stations": {station: "first PC"},
        "policy": {"complaint_scheme": "standard", "deadlines": {}},
        "calendar": {"holidays": [], "workdays": []},
    }
    problems = validate.config(config)
    if problems:
        raise UsageError(problems[0][1])
    root.mkdir(parents=True, exist_ok=True)
    if vcs.toplevel(root) is None:
        vcs.git(root, "init", "-q")
        vcs.git(root, "symbolic-ref", "HEAD", "refs/heads/main")
    records = Records(root)
    register_clone(records.top, station)
    with records.lock():
        change = txn.Change(f"init {office_code}: {office_name}")
        change.write(CONFIG, yamlio.dump(config))
        change.write(".gitattributes", GITATTRIBUTES)
        change.write("customers/.gitkeep", "")
        change.write("tickets/.gitkeep", "")
        director = config["staff"][0]
        records.commit(change, vcs.Author(director["name"], f"{director_id}@{office_code.lower()}.svcctl"),
                       {"Svcctl-Op": "init"})
    return records


def setup(env: Env, station: str) -> str:
    """Make an existing clone ready: station code, merge driver, station on file."""
    station = check_station(station)
    records = env.records
    register_clone(records.top, station)
    stations = records.office.stations
    if station in stations:
        return f"station {station} registered for this clone (it was already on file: make sure no other PC uses it)"
    actor = env.actor()
    _update_config(env, actor, f"station add {station}", lambda c: c.setdefault("stations", {}).update({station: actor.id}))
    return f"station {station} registered for this clone and recorded in {CONFIG}"


def _update_config(env: Env, actor, message: str, mutate) -> dict:
    records = env.records
    with records.lock():
        config = records.raw_config()
        mutate(config)
        problems = validate.config(config)
        if problems:
            raise UsageError(problems[0][1])
        change = txn.Change(message)
        change.write(CONFIG, yamlio.dump(config))
        records.commit(change, env.author(actor), {"Svcctl-Op": message.split()[0]})
    return config


def staff_add(env: Env, staff_id: str, name: str, role: str, department: str | None = None,
              email: str | None = None) -> dict:
    check_staff_id(staff_id)
    role = model.normalise("role", role)
    actor = env.actor()
    office = env.office
    if not actor.senior:
        raise Refusal("adding staff needs a supervisor or director")
    if staff_id in office.roster:
        raise Refusal(f"staff id {staff_id!r} is already on the roster ({office.roster[staff_id].name})")
    if department is not None and department not in office.departments:
        raise UsageError(f"unknown department {department!r}: use one of {', '.join(office.departments)}")
    if not (name or "").strip():
        raise UsageError("give the staff member's --name")
    member = {"id": staff_id, "name": name.strip(), "role": role}
    if department:
        member["department"] = department
    if email:
        member["email"] = email
    _update_config(env, actor, f"staff add {staff_id} ({model.label('role', role)})",
                   lambda c: c.setdefault("staff", []).append(member))
    return member


def staff_rows(env: Env) -> list[dict]:
    return [
        {"id": s["id"], "name": s["name"], "role": s["role"], "role_zh": model.label("role", s["role"]),
         "department": s.get("department") or ""}
        for s in env.office.config.get("staff") or ()
    ]

