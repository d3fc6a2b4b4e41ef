"""Office-level commands: init, setup, clone, sync, staff, policy, check, merge-driver."""
from __future__ import annotations

import os
import sys

import click

from ..core.message import msg, term
from . import complete
from .common import emit, examples, format_option, pass_obj
from ..present.output import to_json


def register(cli: click.Group) -> None:
    for command in (init, setup, clone, sync, staff, policy, check, commit, merge_driver):
        cli.add_command(command)


@click.command(help="Create a records folder: svcctl.yaml, customers/, tickets/, a git repository "
               "(or a folder inside an existing one) and its first commit. The director given here "
               "is the first staff member, so the office can work at once." + examples(
                   "svcctl init office --name 翠苑物业管理处 --code CY --director wang --director-name 王主任",
                   "svcctl init /srv/records --name 'East Office' --code EO --director li --station HQ"))
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--name", "office_name", required=True, help="Office name (管理处名称).")
@click.option("--code", "office_code", required=True, help="Short office code, e.g. CY.")
@click.option("--director", "director_id", required=True, help="Staff id of the office director (管理处主任).")
@click.option("--director-name", default="", help="Director's name (default: the id).")
@click.option("--station", help="This PC's station code, part of every id it allocates (default A).")
@click.option("--timezone", default="Asia/Shanghai", show_default=True)
@click.option("--inside-repo", is_flag=True, help="Keep the records in a folder of an existing git repository "
              "(refused otherwise: an office has a repository of its own).")
@click.option("--language", type=click.Choice(("zh", "en")), default="zh", show_default=True,
              help="The office's language (svcctl.yaml language:): zh (Chinese) or en (English).")
@click.pass_obj
def init(obj, folder, office_name, office_code, director_id, director_name, station, timezone, inside_repo, language):
    from ..operations import office

    records = office.init(folder, office_name=office_name, office_code=office_code, director_id=director_id,
                          director_name=director_name, station=station, timezone=timezone, inside_repo=inside_repo,
                          language=language)
    if not obj.lang and not os.environ.get("SVCCTL_LANG"):  # the reader's own choice comes first
        obj.lang = language
    click.echo(obj.say("created records for {office} in {root}", office=office_name, root=records.root))
    click.echo(obj.say("next: {command}", command=f"export SVCCTL_RECORDS={records.root} SVCCTL_USER={director_id}"))


@click.command(help="Prepare this clone of a shared records repository: its station code "
               "(one per PC, never shared) and the merge driver that unions ticket events." + examples(
                   "svcctl --as li setup --station B"))
@click.option("--station", required=True, help="Station code for this PC: 1-3 capital letters no other PC uses.")
@click.option("--reuse", is_flag=True, help="The code is on file because this PC used it before (a re-clone).")
@click.option("--switch", is_flag=True, help="This PC already has another station code: number new records with this one.")
@click.option("--inside-repo", is_flag=True, help="The records folder sits inside another git repository on purpose.")
@pass_obj
def setup(obj, station, reuse, switch, inside_repo):
    from ..operations import office

    click.echo(obj.localise(office.setup(obj.env(), station, reuse, switch, inside_repo)))


@click.command(help="Set up a new PC in one command: clone the shared records, register the "
               "station code and the merge driver." + examples(
                   "svcctl --as li clone ssh://server/srv/records.git office --station B"))
@click.argument("url")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--station", required=True, help="Station code for this PC (1-3 capital letters, unused so far).")
@pass_obj
def clone(obj, url, folder, station):
    from ..operations import sync as sync_ops

    click.echo(obj.localise(sync_ops.clone(obj.user, url, folder, station)))


@click.command(help="Share records with the other PCs: pull (events merged as a union), check, "
               "push; retried when another office pushed first. Never drops a local commit." + examples(
                   "svcctl sync", "svcctl sync --remote origin"))
@click.option("--remote", default="origin", show_default=True)
@click.option("--attempts", default=5, show_default=True, help="Push attempts before giving up.")
@pass_obj
def sync(obj, remote, attempts):
    from ..operations import sync as sync_ops

    for line in sync_ops.sync(obj.env(), remote=remote, attempts=attempts):
        click.echo(obj.localise(line))


@click.group(help="The staff roster: agents, technicians, supervisors and the director.")
def staff():
    """The roster commands."""


@staff.command("add", help="Add a member of staff (needs a supervisor or director)." + examples(
    "svcctl --as wang staff add li --name 李娜 --role agent",
    "svcctl --as wang staff add zhou --name 周师傅 --role technician --department 维修部",
    "svcctl --as wang staff add zhao --name 赵强 --role supervisor --department 维修部"))
@click.argument("staff_id")
@click.option("--name", required=True)
@click.option("--role", required=True, shell_complete=complete.vocabulary("role"),
              help="agent, technician, supervisor or director (or 客服专员, 维修人员/维修工, 主管, 主任). A "
              "technician works their department's work orders only.")
@click.option("--department", shell_complete=complete.departments,
              help="One of the office departments (维修部 or maintenance, …, or 客服中心); a technician's is required.")
@click.option("--email", help="Email for git history (default: ID@OFFICE.svcctl).")
@pass_obj
def staff_add(obj, staff_id, name, role, department, email):
    from ..operations import office

    member = office.staff_add(obj.env(), staff_id, name, role, department, email)
    click.echo(obj.say("added {id} ({name}, {role})", id=member["id"], name=member["name"], role=term("role", member["role"])))


@staff.command("list", help="List the roster." + examples("svcctl staff list --format json"))
@format_option()
@pass_obj
def staff_list(obj, fmt):
    from ..operations import office
    from ..present import tables

    env = obj.env()
    emit(office.staff_rows(env), fmt, tables.STAFF, obj.reader_language())


@click.command(help="Print the deadline policy in force: every deadline, its length as people say it, what "
               "starts and stops it, and its source in the rulebooks (named beside their codes)." + examples(
                   "svcctl policy", "svcctl policy --format json"))
@format_option()
@pass_obj
def policy(obj, fmt):
    from ..present import tables

    env = obj.env()
    office = env.office
    rows = office.policy.rows()
    if fmt == "json":
        years = {y: office.calendar.schedule_published(y) for y in (env.now.year, env.now.year + 1)}
        click.echo(to_json({"complaint_scheme": office.policy.scheme, "timezone": str(office.tz),
                            "schedule_published": years, "deadlines": rows}))
        return
    if fmt == "table":
        click.echo(obj.say("complaint scheme: {scheme}    time zone: {tz}", scheme=term("scheme", office.policy.scheme),
                           tz=office.tz))
    emit(rows, fmt, tables.POLICY, obj.reader_language())
    if fmt == "table":
        for year in (env.now.year, env.now.year + 1):
            if not office.calendar.schedule_published(year):
                click.echo(obj.say("note: no published holiday schedule (调休) for {year}: working days of {year} are "
                                   "weekdays minus fixed holidays until you upgrade holidays, or enter the schedule "
                                   "under calendar: in svcctl.yaml with schedule_years: [{year}]", year=year))


@click.command(help="Validate every record: YAML syntax, duplicate keys, required fields, allowed "
               "values, times, references, ids against paths, event order. Prints path:line: message "
               "per problem and exits 1 when anything is wrong." + examples("svcctl check", "svcctl check --format json"))
@format_option(choices=("text", "json"), default="text")
@pass_obj
def check(obj, fmt):
    from ..operations import check as check_ops

    env = obj.env()
    problems = check_ops.run(env)
    # Advice goes to stderr: stdout stays the records' verdict, which scripts compare.
    for advice in check_ops.suggestions(env):
        click.echo(obj.localise(msg("warning: ")) + obj.localise(advice), err=True)
    if fmt == "json":
        click.echo(to_json([p.to_dict() for p in problems]))
    else:
        for p in problems:
            click.echo(p.text(obj.localise))
    errors = [p for p in problems if p.severity == "error"]
    if fmt == "text":
        click.echo(obj.say("{count} problem(s)", count=len(errors)) if errors else obj.say("all records are valid"),
                   err=bool(errors))
    sys.exit(1 if errors else 0)


@click.command(help="Record hand edits of svcctl.yaml (policy, calendar, departments), templates/ or "
               "customer files as one commit by the acting staff member, once 'svcctl check' is clean. "
               "Ticket files are never edited by hand." + examples(
                   "svcctl --as wang commit --message '2027年放假安排'"))
@click.option("--message", "-m", required=True, help="What was changed and why.")
@pass_obj
def commit(obj, message):
    from ..operations import office

    paths = office.commit_edits(obj.env(), message)
    click.echo(obj.say("recorded {paths}", paths=", ".join(paths)))


@click.command("merge-driver", hidden=True, help="Called by git to merge two versions of a record.")
@click.argument("base", type=click.Path())
@click.argument("ours", type=click.Path())
@click.argument("theirs", type=click.Path())
@click.argument("path", required=False)
def merge_driver(base, ours, theirs, path):
    from pathlib import Path

    from .. import merge_driver as driver_line
    from ..operations import sync as sync_ops

    # git runs the driver at the clone's top: a clone that merges only with plain git still
    # trades a line an older svcctl registered for this one, before its next merge.
    driver_line.keep_current(Path.cwd())
    sys.exit(sync_ops.merge_files(base, ours, theirs, path or ours))
