"""Office templates arrive from other PCs by sync: they are names, filled in within a time,
memory and output limit, and never while the office lock is held.

Each hostile template below is one a synced office could push: it must be refused with
exit 5 naming the template, within a few seconds, showing nothing it tried to reach.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import copy_of, git, made_once, wait_for

from svcctl.present import bounded

SECRET = "TOP-SECRET-7391"
# The most one refusal may take: the render's own limit, the child's grace, a command's start.
PROMPT = bounded.RENDER_SECONDS + bounded.GRACE + 4
# The limit these tests run under: an endless template is stopped the same way after a
# fraction of a second as after the default two, and there are a dozen of them (each
# costs its limit). Not less: a template that includes itself takes some 10 ms to be
# refused (bounded.NESTING), many times that on a busy machine, and must be refused for
# what it does.
SHORT_LIMIT = "0.5"
# The limit when SVCCTL_RENDER_SECONDS is not set, as the README's table of variables gives it.
README_LIMIT = float(re.search(r"^\| `SVCCTL_RENDER_SECONDS` \|[^|]*\(default ([0-9.]+);",
                               (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8"),
                               re.M).group(1))


@pytest.fixture(autouse=True)
def short_render_limit(monkeypatch):
    monkeypatch.setenv("SVCCTL_RENDER_SECONDS", SHORT_LIMIT)


def _dispatched_repair(office) -> str:
    tid = office.intake("--type", "repair", "--category", "leak", "--customer", "C-A001", "--summary", "卫生间渗水")
    office.run("dispatch", tid, "--to", "维修部", "--assignee", "zhou", "--appointment", "2026-11-21 10:00")
    return tid


@pytest.fixture(scope="module")
def with_order(tmp_path_factory):
    return made_once(tmp_path_factory, "trust-templates", _dispatched_repair)


@pytest.fixture
def desk(with_order, tmp_path):
    """The sample office (Chinese, as a new office reads) with a dispatched repair, and a
    file of this PC's that no template may show."""
    office, tid = copy_of(with_order, tmp_path, lang=None)
    secret = tmp_path / "secret.txt"
    secret.write_text(f"{SECRET}\n", encoding="utf-8")
    (office.root / "templates" / "zh").mkdir(parents=True)
    return office, tid, secret


HOSTILE = {
    "include-environ": "{% include '/proc/self/environ' %}",
    "include-secret": "{% include '@SECRET@' %}",
    "include-secret-ignore-missing": "{% include '@SECRET@' ignore missing %}",
    "include-customer": "{% include '../customers/C-A001.yaml' %}",
    "import-customer": "{% import '../customers/C-A001.yaml' as c %}",
    "extends-secret": "{% extends '@SECRET@' %}",
    "include-dev-zero": "{% include '/dev/zero' %}",
    "include-itself": "{% include 'zh/workorder.txt' %}",
    "nested-ranges": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "ljust": "{{ 'a'.ljust(10**9) }}",
    "center": "{{ 'a'.center(1500000000) }}",
    "center-filter": "{{ 'a' | center(1500000000) }}",
    "percent-width": "{{ '%*s' % (1000000000, 'a') }}",
    "doubling": "{% set ns = namespace(s='a') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
                "{{ ns.s }}",
    "long-output": "{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}",
}


def _hostile(name: str, secret) -> str:
    return "维修工作单 {{ order.id }}\n" + HOSTILE[name].replace("@SECRET@", secret.as_posix()) + "\n"


def _refused_quickly(office, *args, **kw):
    started = time.monotonic()
    result = office.fails(*args, **kw)
    took = time.monotonic() - started
    assert took < PROMPT, f"took {took:.1f}s"
    return result


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_work_order_template_is_refused_at_once_showing_nothing(desk, name):
    office, tid, secret = desk
    (office.root / "templates/zh/workorder.txt").write_text(_hostile(name, secret), encoding="utf-8")
    refused = _refused_quickly(office, "print", "workorder", tid)
    assert refused.exit_code == 5, refused.stderr
    assert refused.stderr.count("\n") == 1 and "templates/zh/workorder.txt:2" in refused.stderr
    said = refused.stdout + refused.stderr
    assert SECRET not in said and "13800138000" not in said and "陈先生" not in said and "Traceback" not in said
    assert refused.stdout == ""


def test_the_environment_of_the_process_is_not_shown_in_the_digest(desk):
    """The digest cron mails: ``/proc/self/environ`` of the real program, a variable set."""
    office, _, _ = desk
    office.intake("--type", "complaint", "--grade", "general", "--customer", "C-A002", "--summary", "噪音")
    (office.root / "templates/zh/digest.txt").write_text(
        "逾期提醒\n{% include '/proc/self/environ' %}\n", encoding="utf-8")
    started = time.monotonic()
    result = office.subprocess("overdue", "--digest", now="2026-11-25 09:00", extra_env={"MAIL_PASSWORD": SECRET})
    assert time.monotonic() - started < PROMPT + 2
    assert result.returncode == 5, result.stderr
    assert "templates/zh/digest.txt:2" in result.stderr and result.stderr.count("\n") == 1
    assert SECRET not in result.stdout + result.stderr and "Traceback" not in result.stderr


def test_a_linked_template_is_refused_not_followed(desk):
    office, tid, secret = desk
    os.symlink(secret, office.root / "templates/zh/workorder.txt")
    refused = _refused_quickly(office, "print", "workorder", tid)
    assert refused.exit_code == 5 and "templates/zh/workorder.txt" in refused.stderr
    assert SECRET not in refused.stdout + refused.stderr


def test_a_template_in_a_linked_folder_is_refused(desk, tmp_path):
    office, tid, secret = desk
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "workorder.txt").write_text(f"{SECRET} {{{{ order.id }}}}\n", encoding="utf-8")
    (office.root / "templates/zh").rmdir()
    os.symlink(elsewhere, office.root / "templates/zh")
    refused = _refused_quickly(office, "print", "workorder", tid)
    assert refused.exit_code == 5 and "templates/zh" in refused.stderr
    assert SECRET not in refused.stdout + refused.stderr


def test_templates_include_one_another_by_name(desk):
    office, tid, _ = desk
    (office.root / "templates/document.css").write_text("/* 翠苑 office style */\n", encoding="utf-8")
    (office.root / "templates/zh/workorder.txt").write_text(
        "{% include 'en/workorder.txt' %}\n{% include 'document.css' %}\n", encoding="utf-8")
    text = office.run("print", "workorder", tid).stdout
    assert tid in text and "翠苑 office style" in text
    html = office.run("print", "workorder", tid, "--format", "html").stdout  # the shipped page, the office's css
    assert "翠苑 office style" in html


def test_intake_with_a_hostile_confirmation_records_the_ticket_and_reads_svcctls_own(desk):
    office, _, _ = desk
    (office.root / "templates/zh/confirmation.txt").write_text(
        "您的{{ kind }}已记录。\n" + HOSTILE["nested-ranges"] + "\n", encoding="utf-8")
    commits = office.commits()
    started = time.monotonic()
    result = office.run("intake", "--type", "query", "--unit", "3-2-1502", "--summary", "水费")
    assert time.monotonic() - started < PROMPT
    tid, sentence = result.stdout.splitlines()
    assert sentence == "您的查询内容我已详细记录，我们会尽快处理，并在11月20日（星期五）09:45前将处理结果答复给您。"
    assert result.stderr.count("\n") == 1 and "templates/zh/confirmation.txt:2" in result.stderr
    assert tid in result.stderr
    assert office.commits() == commits + 1 and office.json("show", tid)["summary"] == "水费"
    assert git(office.root, "status", "--porcelain") == "?? templates/\n"


def test_intake_with_a_broken_confirmation_still_records_the_ticket(desk):
    office, _, _ = desk
    (office.root / "templates/zh/confirmation.txt").write_text("您的{{ kind }}已记录，\n{{ datum }}前答复。\n",
                                                               encoding="utf-8")
    result = office.run("intake", "--type", "query", "--unit", "3-2-1502", "--summary", "水费", "--format", "json")
    assert json.loads(result.stdout)["confirmation"].startswith("您的查询内容我已详细记录")
    assert "templates/zh/confirmation.txt:2" in result.stderr and "datum" in result.stderr


def test_the_lock_is_free_while_a_slow_confirmation_is_filled_in(desk, monkeypatch):
    """Another command on the same records goes through while an intake's office template
    spends its whole time limit: the default one, which is what the README says it is."""
    from svcctl.present.i18n import localise

    office, tid, _ = desk
    (office.root / "templates/zh/confirmation.txt").write_text(HOSTILE["nested-ranges"] + "\n", encoding="utf-8")
    commits = office.commits()
    monkeypatch.delenv("SVCCTL_RENDER_SECONDS")  # the default: time enough for the other command
    assert bounded.render_seconds() == README_LIMIT
    env = {**os.environ, "SVCCTL_RECORDS": str(office.root), "SVCCTL_NOW": office.now, "SVCCTL_USER": "li"}
    started = time.monotonic()
    slow = subprocess.Popen([sys.executable, "-m", "svcctl", "intake", "--type", "query", "--unit", "5-1-301",
                             "--summary", "停车费"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: office.commits() == commits + 1, "the slow intake's ticket to be recorded")
        assert slow.poll() is None, "the intake ended before the other command could run"
        other = office.run("customer", "add", "--name", "王海", "--phone", "13700000002", "--unit", "1-1-101",
                           extra_env={"SVCCTL_LOCK_TIMEOUT": "0"})
        assert other.exit_code == 0 and other.stdout.strip() == "C-A003"
        assert slow.poll() is None, "the intake ended while the other command ran"
    finally:
        out, err = slow.communicate(timeout=30)
    took = time.monotonic() - started
    assert slow.returncode == 0 and "templates/zh/confirmation.txt" in err
    assert office.commits() == commits + 2
    assert localise(bounded.too_slow(), "zh") in err and took >= README_LIMIT, (took, err)


def test_check_reports_every_hostile_template_with_its_line_and_finishes(desk, tmp_path):
    office, _, secret = desk
    root = office.root / "templates"
    (root / "en").mkdir()
    placed = {
        "zh/workorder.txt": _hostile("include-secret", secret),
        "zh/workorder.html": _hostile("include-customer", secret),
        "zh/callbacks.txt": "回访\n{% include 'zh/callbacks.txt' %}\n",
        "zh/digest.txt": "逾期\n" + HOSTILE["nested-ranges"] + "\n",
        "en/digest.txt": "Overdue\n" + HOSTILE["doubling"] + "\n",
        "en/workorder.txt": _hostile("include-dev-zero", secret),
        "en/callbacks.txt": "Calls\n" + HOSTILE["ljust"] + "\n",
        "document.css": "body {}\n" + HOSTILE["nested-ranges"] + "\n",  # checked inside the pages with it
    }
    for name, text in placed.items():
        (root / name).write_text(text, encoding="utf-8")
    os.symlink(secret, root / "zh/confirmation.txt")
    started = time.monotonic()
    result = office.run("check", "--format", "json", ok=False)
    # An endless template costs its limit; the others are refused at once.
    assert time.monotonic() - started < 2 * PROMPT
    assert result.exit_code == 1 and SECRET not in result.stdout
    errors = {p["path"]: p for p in json.loads(result.stdout) if p["severity"] == "error"}
    for name in placed:
        assert errors[f"templates/{name}"]["line"] == 2, errors.get(f"templates/{name}")
    assert any(path.endswith("templates/zh/confirmation.txt") for path in errors)  # the link, not followed


def test_commit_refuses_a_hostile_template_with_its_line(desk):
    office, _, secret = desk
    (office.root / "templates/zh/digest.txt").write_text("逾期\n" + HOSTILE["nested-ranges"] + "\n", encoding="utf-8")
    commits = office.commits()
    started = time.monotonic()
    refused = office.fails("commit", "--message", "新模板", user="wang")
    assert time.monotonic() - started < PROMPT + 2
    assert refused.exit_code == 3 and "templates/zh/digest.txt:2" in refused.stderr
    assert office.commits() == commits


def test_svcctls_own_templates_include_only_what_documents_knows_they_do():
    """A document the office overrides nothing of is filled in without limits: that holds
    only while svcctl's own templates include nothing but ``SHIPPED_INCLUDES``."""
    from jinja2 import Environment, meta

    from svcctl.present import documents

    reached = set()
    for name in documents.KNOWN:
        source = documents.shipped(name)
        reached |= set(meta.find_referenced_templates(Environment().parse(source)))
    assert reached == set(documents.SHIPPED_INCLUDES)


def test_an_endless_style_sheet_is_stopped_inside_svcctls_own_page(desk):
    office, tid, _ = desk
    (office.root / "templates/document.css").write_text("body {}\n" + HOSTILE["nested-ranges"] + "\n",
                                                        encoding="utf-8")
    assert tid in office.run("print", "workorder", tid).stdout  # the text order includes no style sheet
    refused = _refused_quickly(office, "print", "workorder", tid, "--format", "html")
    assert refused.exit_code == 5 and "templates/document.css:2" in refused.stderr


def test_where_there_is_no_fork_a_thread_stops_an_endless_template_at_its_line(desk):
    """The fallback for systems without fork (Windows), run here as it runs there."""
    from svcctl.present import documents

    office, _, _ = desk
    (office.root / "templates/zh/digest.txt").write_text("逾期\n" + HOSTILE["nested-ranges"] + "\n", encoding="utf-8")
    started = time.monotonic()
    text, (where, line, problem) = bounded._in_thread(lambda: documents._fill_here(
        "zh/digest.txt", documents.SAMPLES["digest"], "zh", office.root, most=bounded.MAX_OUTPUT))
    assert time.monotonic() - started < bounded.RENDER_SECONDS + bounded.GRACE
    assert text is None and where.endswith("templates/zh/digest.txt") and line == 2 and problem == bounded.too_slow()


@pytest.mark.parametrize("value", ["0", "soon", "nan", "601"])
def test_a_render_limit_that_is_no_number_of_seconds_is_refused_in_one_line(desk, monkeypatch, value):
    office, tid, _ = desk
    (office.root / "templates/zh/workorder.txt").write_text("维修工作单 {{ order.id }}\n", encoding="utf-8")
    monkeypatch.setenv("SVCCTL_RENDER_SECONDS", value)
    refused = office.fails("print", "workorder", tid)
    assert refused.exit_code == 7 and refused.stderr.count("\n") == 1, refused.stderr
    assert "SVCCTL_RENDER_SECONDS" in refused.stderr and refused.stdout == ""


def test_a_slow_pc_may_allow_a_template_more_time(desk, monkeypatch):
    office, tid, _ = desk
    (office.root / "templates/zh/workorder.txt").write_text("逾期\n" + HOSTILE["nested-ranges"] + "\n", encoding="utf-8")
    monkeypatch.setenv("SVCCTL_RENDER_SECONDS", "0.8")  # more than this module's SHORT_LIMIT
    started = time.monotonic()
    refused = office.fails("print", "workorder", tid)
    assert time.monotonic() - started >= 0.8 and refused.exit_code == 5
    assert "0.8" in refused.stderr and "templates/zh/workorder.txt:2" in refused.stderr
