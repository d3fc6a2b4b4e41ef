"""A customer's own name, typed into a ticket's free text, is hidden (***) on every output
that masks the customer: listings, reports, handover, the digest and group alerts; the
owner's own ``show`` still reads it. The names are those on file when the output is made,
so a renamed customer is hidden under the new name at once."""
from __future__ import annotations

import pytest

from conftest import copy_of, made_once

NAME, RENAMED = "王志强", "王志刚"
PHONE = "13700000002"


def fill(office):
    office.run("customer", "add", "--name", NAME, "--phone", PHONE, "--unit", "6-1-801")
    cid = "C-A003"
    ids = {
        # open, dispatched: listed, overdue, handed over
        "repair": office.intake("--type", "repair", "--customer", cid, "--summary", f"{NAME}家卫生间渗水"),
        # closed: a callback owed, its summary and result naming the owner
        "closed": office.intake("--type", "repair", "--customer", cid, "--summary", f"{NAME}反映门锁坏了"),
        # open at the month end, paused for a reason naming the complainant
        "complaint": office.intake("--type", "complaint", "--grade", "general", "--customer", cid,
                                   "--summary", "楼上噪音", "--detail", f"业主{NAME}说晚上十点后仍在装修"),
    }
    office.run("dispatch", ids["repair"], "--to", "维修部", "--assignee", "zhou")
    office.run("dispatch", ids["closed"], "--to", "维修部", "--assignee", "zhou")
    office.run("close", ids["closed"], "--result", f"已修好，{NAME}满意")
    office.run("pause", ids["complaint"], "--reason", f"等{NAME}出差回来再协调")
    office.run("notify", "add", "desk", "--kind", "wecom", "--url",
               "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdef123", user="zhao")
    return ids


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return made_once(tmp_path_factory, "names", fill)


@pytest.fixture
def office(sample, tmp_path):
    return copy_of(sample, tmp_path)


LATER = "2026-11-30 16:00"  # every clock has run out: the tickets are overdue, the digest has them


def outputs(office) -> dict[str, str]:
    """Every output that masks the customer, as the agent who took the calls reads it."""
    run = lambda *args: office.run(*args, ok=False, now=LATER)  # noqa: E731 (overdue exits 1)
    out = {}
    for fmt in ("table", "json", "csv"):
        out[f"list {fmt}"] = run("list", "--format", fmt)
        out[f"overdue {fmt}"] = run("overdue", "--format", fmt)
        out[f"callbacks {fmt}"] = run("callbacks", "--format", fmt)
    out["handover"] = run("handover")
    out["handover json"] = run("handover", "--format", "json")
    for fmt in ("table", "markdown", "csv", "json", "html"):
        out[f"report {fmt}"] = run("report", "monthly", "--month", "2026-11", "--format", fmt)
    out["print digest"] = run("print", "digest")
    out["overdue --digest"] = run("overdue", "--digest")
    out["notify run --dry-run"] = run("notify", "run", "--dry-run")
    for what, result in out.items():
        assert "Traceback" not in result.stderr and result.exit_code in (0, 1), (what, result.stderr)
    return {what: result.stdout for what, result in out.items()}


def test_the_customers_name_is_hidden_wherever_the_customer_is_masked(office):
    office, ids = office
    out = outputs(office)
    for what, text in out.items():
        assert NAME not in text, (what, text)
    # the text is still there, the name hidden in it
    for what in ("list json", "overdue json", "callbacks json", "handover", "handover json"):
        assert "***家卫生间渗水" in out[what] or "***反映门锁坏了" in out[what], (what, out[what])
    assert "***满意" in out["callbacks json"]
    for what in ("report table", "report markdown", "report json", "report html"):
        assert "等***出差回来再协调" in out[what], (what, out[what])
    for what in ("print digest", "overdue --digest", "notify run --dry-run"):
        assert ids["complaint"] in out[what], (what, out[what])


def test_the_owner_still_reads_the_name_in_show(office):
    office, ids = office
    shown = office.run("show", ids["repair"], now=LATER).stdout  # li took the call: it is hers to call back
    assert f"{NAME}家卫生间渗水" in shown
    masked = office.run("show", ids["repair"], user="wang", now=LATER).stdout
    assert NAME not in masked and "***家卫生间渗水" in masked


def test_a_renamed_customer_is_hidden_under_the_new_name(office):
    office, ids = office
    office.run("customer", "edit", "C-A003", "--name", RENAMED, user="wang")
    later = office.intake("--type", "repair", "--customer", "C-A003", "--summary", f"{RENAMED}反映水压低",
                          now="2026-11-21 09:00")
    office.run("dispatch", later, "--to", "维修部", "--assignee", "zhou", now="2026-11-21 09:05")
    office.run("close", later, "--result", f"已调好，{RENAMED}满意", now="2026-11-21 10:00")  # its callback is late
    listed = office.run("list", "--format", "json", now=LATER).stdout
    overdue = office.run("overdue", "--format", "json", now=LATER, ok=False).stdout
    calls = office.run("callbacks", "--format", "json", now=LATER).stdout
    handed = office.run("handover", now=LATER).stdout
    for text in (listed, overdue, calls, handed):
        assert RENAMED not in text and "***反映水压低" in text, text
    assert "已调好，***满意" in calls
    assert f"{RENAMED}反映水压低" in office.run("show", later, now=LATER).stdout


def test_a_customer_file_that_cannot_be_read_withholds_their_text_and_stops_no_listing(office):
    """A broken customer file (or one in a conflict a sync left waiting) cannot say what name
    to look for: its tickets' free text is withheld whole, and overdue, which cron runs, goes on."""
    office, _ = office
    path = office.root / "customers" / "C-A003.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name:", "name: [", 1), encoding="utf-8")
    for args in (("list", "--format", "json"), ("overdue", "--format", "json")):
        result = office.run(*args, ok=False, now=LATER)
        assert result.exit_code in (0, 1), result.stderr
        assert NAME not in result.stdout and "渗水" not in result.stdout
        assert '"***"' in result.stdout
