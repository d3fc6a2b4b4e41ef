"""Creating an office's records, setting up a clone, and the staff roster."""
from __future__ import annotations

import os
from pathlib import Path

from .. import merge_driver, vcs
from ..core import roles, subjects, validate
from ..present import labels
from ..core.errors import Refusal, UsageError
from ..core.roles import Actor, senior_names
from ..store import txn, yamlio
from ..store.changes import configured_station
from ..store.names import CONFIG
from ..store.records import Records
from .env import Env, author_for
from ..core.message import msg

GITATTRIBUTES = """\
# svcctl merges records itself: ticket events are a union, other files field by field.
*.yaml merge=svcctl
"""


def register_driver(records: Records) -> None:
    """The merge driver lives in each clone's own git config: git never shares it. Written
    when the clone does not hold it as this svcctl writes it."""
    if not merge_driver.current(records.settings()):
        try:
            merge_driver.register(records.top)
        finally:
            records.settings_changed()


def register_clone(records: Records, station: str) -> None:
    """Per-clone settings that git never shares: the station code and the merge driver."""
    try:
        vcs.git(records.top, "config", "svcctl.station", station)
        merge_driver.register(records.top)
    finally:
        records.settings_changed()


def check_station(code: str) -> str:
    code = (code or "").strip().upper()
    if not validate.STATION.match(code):
        raise UsageError(msg('station code {code!r}: use 1 to 3 capital letters (A, B, HQ), one per PC', code=code))
    return code


def check_staff_id(staff_id: str) -> str:
    if not validate.STAFF_ID.match(staff_id or ""):
        raise UsageError(msg("staff id {staff_id!r}: use lower-case letters, digits, '.', '_' or '-' (e.g. wang)", staff_id=staff_id))
    return staff_id


def init(folder: str, *, office_name: str, office_code: str, director_id: str, director_name: str,
         station: str | None = None, timezone: str = "Asia/Shanghai", language: str = "zh",
         inside_repo: bool = False) -> Records:
    root = Path(folder).expanduser().resolve()
    check_staff_id(director_id)
    if (root / CONFIG).exists():
        raise Refusal(msg('{root} already exists: this folder is already a records folder (nothing changed)', root=root / CONFIG))
    top = vcs.toplevel(next(p for p in (root, *root.parents) if p.exists()))
    if top is not None and top.resolve() != root and not inside_repo:
        raise Refusal(msg('{root} would be inside the git repository {top}: an office keeps its records in a repository of its own; choose a folder outside it, or add --inside-repo to keep them there (nothing changed)', root=root, top=top.resolve()))
    existing = configured_station(top) if top else None
    if station is None:
        station = existing or "A"
    station = check_station(station)
    if existing and existing != station:
        raise Refusal(msg("this git repository's clone numbers records as station {existing}: init without --station, or in a repository of its own", existing=existing))
    if not office_name.strip() or not office_code.strip():
        raise UsageError(msg('give the office a --name and a --code'))
    config = {
        "office": {"name": office_name.strip(), "code": office_code.strip()},
        "timezone": timezone,
        "language": language,
        "departments": labels.default_departments(),
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
    register_clone(records, station)
    if records.top != root:
        allow_inside(records)
    with records.lock():
        facts = subjects.office_facts("init", Code=office_code, Name=office_name)
        change = txn.Change(labels.said(subjects.said(facts), language))
        change.write(CONFIG, yamlio.dump(config))
        change.write(".gitattributes", GITATTRIBUTES)
        change.write("customers/.gitkeep", "")
        change.write("tickets/.gitkeep", "")
        director = Actor(director_id, config["staff"][0]["name"], "director")
        records.commit(change, author_for(director, office_code), facts)
    keep_holidays(Env(str(root)))
    return records


def keep_holidays(env: Env) -> None:
    """Keep the holiday schedules of last year, this year and next in the clone (see
    store.schedules.keep): its first commands then do not import the package that has them."""
    from datetime import datetime

    from ..store import schedules

    records = env.records
    if not records.owns_repo():
        return
    try:
        year = env.now.year
    except UsageError:  # a SVCCTL_NOW that cannot be read: the commands that read it say so
        year = datetime.now(env.office.tz).year
    schedules.keep(records.gdir, year)


def allow_inside(records: Records) -> None:
    """Let this records folder live below another repository's top, as asked for."""
    rel = records.root.relative_to(records.top).as_posix()
    if rel not in records.allowed_inside():
        try:
            vcs.git(records.top, "config", "--add", "svcctl.records", rel)
        finally:
            records.settings_changed()


def setup(env: Env, station: str, reuse: bool = False, switch: bool = False, inside_repo: bool = False) -> str:
    """Make an existing clone ready: station code, merge driver, station on file."""
    station = check_station(station)
    records = env.records
    actor = env.actor()  # before anything changes: a refused setup leaves the clone as it was
    if not inside_repo:
        records.require_own_repo()
    current = records.configured_station()
    if current and current != station and not switch:
        raise Refusal(msg('this PC is already station {current}: the ids it numbers carry that code, so it keeps it (nothing changed); add --switch to number new records as {station} from now on', current=current, station=station))
    stations = records.office.stations
    if station in stations:
        if not reuse and records.configured_station() != station:
            raise Refusal(msg('station {station} is already on file ({stations}): two PCs with one code would number records alike; choose another, or add --reuse if this PC is that station', station=station, stations=stations[station]))
        register_clone(records, station)
        if inside_repo:
            allow_inside(records)
        return msg("station {station} registered for this clone (it was already on file)", station=station)
    # A station joins the office's shared svcctl.yaml: an act for the people the committed
    # roster trusts, as with any change to that file (an edited roster makes nobody senior).
    if not _senior_on_record(records, actor.id):
        raise Refusal(msg('station {station} is not on file yet: adding a station to {config} needs a supervisor or director: {roster} (nothing changed)', station=station, config=CONFIG, roster=senior_names(env.office.roster)))
    register_clone(records, station)
    if inside_repo:
        allow_inside(records)
    _update_config(env, actor, subjects.office_facts("station-add", Station=station), lambda c: c.setdefault("stations", {}).update({station: actor.id}))
    return msg("station {station} registered for this clone and recorded in {config}", station=station, config=CONFIG)


def _update_config(env: Env, actor, facts: dict, mutate) -> dict:
    records = env.records
    with records.lock():
        config = records.raw_config()
        mutate(config)
        change = txn.Change(labels.said(subjects.said(facts), env.office.language))
        change.write(CONFIG, records.config_text(config))
        records.commit(change, env.author(actor), facts)
    return config


def staff_add(env: Env, staff_id: str, name: str, role: str, department: str | None = None,
              email: str | None = None) -> dict:
    check_staff_id(staff_id)
    role = labels.parse("role", role)
    actor = env.actor()
    office = env.office
    # The committed roster decides, as for a new station: a role typed into svcctl.yaml by
    # hand makes nobody senior.
    if not roles.permits(actor, "staff add") or not _senior_on_record(env.records, actor.id):
        raise Refusal(msg('adding staff needs a supervisor or director: {roster}', roster=senior_names(office.roster)))
    if staff_id in office.roster:
        raise Refusal(msg('staff id {staff_id!r} is already on the roster ({name})', staff_id=staff_id, name=office.roster[staff_id].name))
    service_centre = labels.label("department", labels.NONE, "zh")
    joins_service_centre = department is not None and department.strip() in (
        service_centre, labels.label("department", labels.NONE, "en")) and service_centre not in office.departments
    if joins_service_centre:
        # The service centre is a department like the others: an office set up without it
        # in its list gains it with its first member.
        department = service_centre
    elif department is not None:
        department = labels.office_department(department, office.departments)
    problem = roles.roster_problems({"role": role, "department": department})
    if problem:
        raise UsageError(problem)
    if not (name or "").strip():
        raise UsageError(msg("give the staff member's --name"))
    problem = validate.author_problem(name.strip(), email)
    if problem:
        raise UsageError(f"{problem}: choose another --name" if problem.startswith("staff") else problem)
    member = {"id": staff_id, "name": name.strip(), "role": role}
    if department:
        member["department"] = department
    if email:
        member["email"] = email
    def add(config):
        if joins_service_centre:
            config.setdefault("departments", []).append(service_centre)
        config.setdefault("staff", []).append(member)

    _update_config(env, actor, subjects.office_facts("staff-add", Staff=staff_id, Role=role), add)
    return member


def staff_rows(env: Env) -> list[dict]:
    return [
        {"id": s["id"], "name": s["name"], "role": s["role"], "role_zh": labels.label("role", s["role"], "zh"),
         "department": s.get("department") or ""}
        for s in env.office.config.get("staff") or ()
    ]



def commit_edits(env: Env, message: str) -> list[str]:
    """Record hand edits of svcctl.yaml, templates/ or customer files as one commit.

    Ticket files change only through new events, with one exception: a ticket whose
    committed version fails ``svcctl check`` (broken by hand or by another program, and
    already in the office's history) may be repaired by hand and recorded by a supervisor
    or director. Nothing is committed while ``svcctl check`` finds an error.
    """
    from . import check as check_ops

    if not (message or "").strip():
        raise UsageError(msg('say what was changed: --message TEXT'))
    records = env.records
    records.require_no_pending_merge()
    actor = env.actor()
    # Filling in the office's templates may take each its whole time limit: done before
    # the lock is taken, so that no other command on this PC waits for it.
    template_errors = [p for p in check_ops.template_problems(env) if p.severity == "error"]
    with records.lock():
        out = vcs.git(records.top, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", str(records.root))
        entries = [e for e in out.split("\0") if e]
        if not entries:
            raise UsageError(msg('nothing to record: no file in the records folder differs from the last commit'))
        inner, repairs = [], []
        for entry in entries:
            status, path = entry[:2], entry[3:]
            rel = Path(os.path.normpath(records.top / path)).relative_to(records.root).as_posix()
            if (records.root / rel).is_symlink() or (records.root / rel).is_dir():
                raise Refusal(msg("{rel} is no longer a plain file: records are plain files (restore it with 'git checkout -- <file>')", rel=rel))
            if "D" in status or not (records.root / rel).is_file():
                raise Refusal(msg("{rel} was deleted: records are never deleted (restore it with 'git checkout -- <file>')", rel=rel))
            if rel.startswith("tickets/"):
                if not _committed_broken(records, rel):
                    raise Refusal(msg("{rel} was edited by hand: tickets change only through svcctl commands (restore it with 'git checkout -- <file>' and record a new event instead)", rel=rel))
                repairs.append(rel)
            inner.append(rel)
        senior = _senior_on_record(records, actor.id)
        if repairs and not senior:
            raise Refusal(msg("{repairs} is broken in the office's history: repairing it needs a supervisor or director: {roster}", repairs=repairs[0], roster=senior_names(env.office.roster)))
        if CONFIG in inner and not senior:
            raise Refusal(msg('svcctl.yaml holds the roster and the policy: recording its changes needs a supervisor or director: {roster}', roster=senior_names(env.office.roster)))
        errors = [p for p in check_ops.run(env, templates=False) if p.severity == "error"] + template_errors
        if errors:
            raise Refusal(msg("not recorded: {errors} (run 'svcctl check')", errors=errors[0].said()))
        verb = "repair" if repairs else "edit"
        facts = subjects.office_facts(verb, Files=", ".join(inner), Text=message.strip())
        change = txn.Change(labels.said(subjects.said(facts), env.office.language))
        for rel in inner:
            change.write(rel, (records.root / rel).read_bytes().decode("utf-8"))  # as edited, line ends too
        records.commit(change, env.author(actor), facts)
    return inner


def _committed(records: Records, rel: str, commit: str = "HEAD") -> bytes | None:
    proc = vcs.run_bytes(records.top, "cat-file", "blob", f"{commit}:{records.rel(rel)}")
    return proc.stdout if proc.returncode == 0 else None


def _committed_broken(records: Records, rel: str) -> bool:
    """Whether the last committed version of a ticket fails ``svcctl check``."""
    raw = _committed(records, rel)
    if raw is None:
        return False
    _, _, problems = records.check_bytes("ticket", rel, raw, office=records.office, customers=set(records.customer_ids()))
    return bool(problems)


def _senior_on_record(records: Records, staff_id: str) -> bool:
    """Whether the committed roster (not the edited file) makes ``staff_id`` senior: the
    roster of the last commit whose svcctl.yaml can be read, so a broken one in the last
    commit can still be repaired by the people the office had trusted."""
    log = vcs.run(records.top, "log", "-n", "50", "--format=%H", "--", records.rel(CONFIG)).stdout.split()
    for commit in log:
        raw = _committed(records, CONFIG, commit)
        if raw is None:
            continue
        data, _, problems = records.check_bytes("config", CONFIG, raw)
        if data is None or problems:
            continue
        staff = data.get("staff") or []
        return any(s.get("id") == staff_id and s.get("role") in roles.SENIOR_ROLES for s in staff)
    return False
