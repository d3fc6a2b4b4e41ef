"""Need to know, cell by cell: every output that names a customer, read by every role, on an
office with a repair, a complaint whose text gives the complainant's name, number and ID card,
a paid service and an appointment; the audit log of what was shown in full; the warning when a
complaint's text names the complainant; the README's table made from the policy."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import copy_of, git, made_once

# C-A001 and C-A002: the customers on file (the sample office names the second 林女士; this one
# has a full name, as an office that records one would).
CHEN = ("陈先生", "13800138000", "3-2-1502", "138****8000")
LIN = ("林志强", "13900000001", "5-1-301", "139****0001")
ID_CARD = "110101199003071234"
TYPED = "139-0000-0001"  # the complainant's number as the agent typed it into the complaint


def fill(office):
    office.run("staff", "add", "sun", "--name", "孙丽", "--role", "agent", user="wang")
    office.run("customer", "edit", "C-A002", "--name", "林志强", user="wang")
    ids = {
        "repair": office.intake("--type", "repair", "--customer", "C-A001", "--summary", "卫生间渗水"),
        "complaint": office.intake("--type", "complaint", "--grade", "general", "--customer", "C-A002",
                                   "--summary", f"楼上噪音 回电{TYPED}",
                                   "--detail", f"业主林志强说晚上十点后仍在装修，身份证{ID_CARD}"),
        "paid": office.intake("--type", "paid", "--customer", "C-A001", "--summary", "更换水龙头"),
        "appointment": office.intake("--type", "appointment", "--customer", "C-A002",
                                     "--appointment", "2026-11-21 14:00", "--summary", "上门量房"),
    }
    for tid in ids.values():
        office.run("dispatch", tid, "--to", "维修部", "--assignee", "zhou")
    office.run("close", ids["repair"], "--result", "已修好，陈先生满意")
    office.run("close", ids["complaint"], "--result", "已与楼上协调，林志强认可")
    return ids


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return made_once(tmp_path_factory, "disclosure", fill)


@pytest.fixture
def office(sample, tmp_path):
    return copy_of(sample, tmp_path)


@pytest.fixture(scope="module")
def shared(sample, tmp_path_factory):
    """One copy for the tests that only read: what a reading prints does not depend on the
    readings before it (each adds to the audit log, which none of these tests reads)."""
    return copy_of(sample, tmp_path_factory.mktemp("readers"))


def full(out: str, who) -> None:
    name, phone, unit, _ = who
    assert name in out and phone in out and unit in out, out


def masked(out: str, who) -> None:
    name, phone, _, masked_phone = who
    assert name not in out and phone not in out and TYPED not in out, out


def anonymous(out: str, who) -> None:
    name, phone, unit, _ = who
    for hidden in (name, phone, phone[-4:], unit, "C-A002", ID_CARD, TYPED):
        assert hidden not in out, (hidden, out)


READERS = {  # who reads: the agent who took the calls, another agent, the technician sent, seniors
    "li": ("li",), "sun": ("sun",), "zhou": ("zhou",), "zhao": ("zhao",), "wang": ("wang",),
    "zhao --reveal": ("zhao", "--reveal"),
}


def run(office, reader: str, *args) -> str:
    user, *reveal = READERS[reader]
    return office.run(*args, *reveal, user=user).stdout


# ------------------------------------------------------------------ work orders

WORK_ORDER = [  # (ticket, reader, expected)
    *[("repair", r, e) for r, e in (("zhou", full), ("li", masked), ("sun", masked), ("zhao", masked),
                                     ("wang", masked), ("zhao --reveal", full))],
    *[("paid", r, e) for r, e in (("zhou", full), ("li", masked), ("sun", masked), ("zhao --reveal", full))],
    *[("appointment", r, e) for r, e in (("zhou", full), ("sun", masked), ("zhao", masked))],
    *[("complaint", r, anonymous) for r in READERS],
]


@pytest.mark.parametrize("kind,reader,expected", WORK_ORDER, ids=[f"{k}-{r}" for k, r, _ in WORK_ORDER])
def test_work_order(shared, kind, reader, expected):
    office, ids = shared
    who = LIN if kind in ("complaint", "appointment") else CHEN
    for fmt in ("text", "html"):
        out = run(office, reader, "print", "workorder", ids[kind], "--format", fmt)
        expected(out, who)
    if expected is masked:
        assert who[3] in out and who[2] in out  # the place of the work, and a number to recognise
    if kind == "complaint":
        assert "anonymous owner" in out and "身份证110101********1234" in out and "装修" in out


# ------------------------------------------------------------------ the callback list

CALLBACK_LIST = [("li", full), ("zhao", full), ("wang", full), ("sun", masked), ("zhou", masked)]


@pytest.mark.parametrize("reader,expected", CALLBACK_LIST, ids=[r for r, _ in CALLBACK_LIST])
def test_callback_list(shared, reader, expected):
    office, ids = shared
    out = run(office, reader, "print", "callbacks")
    assert ids["repair"] in out and ids["complaint"] in out
    expected(out, CHEN)
    expected(out, LIN)  # whoever calls a complainant back needs their number
    if expected is masked:
        assert CHEN[3] in out and "***满意" in out and "***认可" in out  # nor the name in the result


def test_a_callback_greets_by_surname_where_only_one_is_on_file(office):
    office, ids = office
    office.run("customer", "edit", "C-A001", "--name", "陈", user="wang")
    assert "陈先生/女士" in office.run("print", "callbacks").stdout


# ------------------------------------------------------------------ show, customer show

SHOW = [  # (ticket, reader, expected): theirs to call (li) or visit (zhou, not for a complaint)
    *[("repair", r, e) for r, e in (("li", full), ("zhou", full), ("sun", masked), ("zhao", masked),
                                     ("zhao --reveal", full))],
    *[("complaint", r, e) for r, e in (("li", full), ("zhou", anonymous), ("sun", masked), ("zhao", masked),
                                        ("wang", masked), ("zhao --reveal", full))],
]


@pytest.mark.parametrize("kind,reader,expected", SHOW, ids=[f"{k}-{r}" for k, r, _ in SHOW])
@pytest.mark.parametrize("fmt", ["text", "json", "yaml"])
def test_show(shared, kind, reader, expected, fmt):
    office, ids = shared
    out = run(office, reader, "show", ids[kind], "--format", fmt)
    data = json.loads(out) if fmt == "json" else yaml.safe_load(out) if fmt == "yaml" else None
    who = LIN if kind == "complaint" else CHEN
    if expected is full:  # show names the customer by id: the name and number are those in the text
        assert who[0] in out and (kind == "repair" or (TYPED in out and ID_CARD in out)), out
    else:
        expected(out, LIN if kind == "complaint" else CHEN) if expected is anonymous else masked(out, who)
        assert ID_CARD not in out and "110101********1234" in out if kind == "complaint" else True
    if data is not None and expected is anonymous:
        assert data["customer"] is None and data["unit"] is None


CUSTOMER_SHOW = [("li", full), ("zhou", full), ("sun", masked), ("zhao", masked), ("zhao --reveal", full)]


@pytest.mark.parametrize("reader,expected", CUSTOMER_SHOW, ids=[r for r, _ in CUSTOMER_SHOW])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_customer_show(shared, reader, expected, fmt):
    office, ids = shared
    out = run(office, reader, "customer", "show", "C-A001", "--format", fmt)
    name, phone, unit, masked_phone = CHEN
    assert name in out and unit in out  # a customer file is named to the desk
    assert (phone in out) is (expected is full) and (masked_phone in out) is (expected is masked)


# ------------------------------------------------------------------ masked always

@pytest.mark.parametrize("reader", ["li", "zhou", "zhao", "wang"])
def test_listings_reports_and_documents_for_many_mask_always(shared, reader):
    office, ids = shared
    user = READERS[reader][0]
    outputs = [
        office.run("list", "--format", "json", user=user).stdout,
        office.run("overdue", "--within", "30 days", "--format", "json", user=user, ok=False).stdout,
        office.run("callbacks", "--format", "json", user=user).stdout,
        office.run("handover", "--format", "json", user=user).stdout,
        office.run("print", "digest", "--within", "30 days", user=user, ok=False).stdout,
        office.run("report", "--format", "json", user=user, ok=False).stdout,
    ]
    for out in outputs:
        assert LIN[1] not in out and CHEN[1] not in out and ID_CARD not in out, out
    assert "林志强" not in outputs[2]  # the callbacks listing: the result names no one


def test_commit_subjects_mask_numbers(shared):
    office, ids = shared
    log = git(office.root, "log", "--format=%s")
    assert LIN[1] not in log and "139****0001" in log


# ------------------------------------------------------------------ the audit log

def test_every_full_showing_is_logged_for_seniors_only(office):
    office, ids = office
    run(office, "zhou", "print", "workorder", ids["repair"])     # theirs: full, logged
    run(office, "sun", "print", "workorder", ids["repair"])      # masked: not logged
    run(office, "zhao --reveal", "show", ids["complaint"])       # a reveal
    run(office, "li", "customer", "show", "C-A001")              # theirs: full
    run(office, "zhao --reveal", "customer", "list")
    rows = office.json("audit", user="wang")
    seen = [(r["by"], r["output"], r["ticket"], r["customer"], r["reveal"]) for r in rows]
    assert seen == [
        ("zhou", "print workorder", ids["repair"], "C-A001", False),
        ("zhao", "show", ids["complaint"], "C-A002", True),
        ("li", "customer show", None, "C-A001", False),
        ("zhao", "customer list", None, "*", True),
    ]
    assert all(r["at"] == "2026-11-20T09:30:00+08:00" for r in rows)
    assert [r["by"] for r in office.json("audit", "--customer", "C-A002", user="zhao")] == ["zhao"]
    refused = office.fails("audit", user="li")
    assert refused.exit_code == 3 and len(refused.stderr.strip().splitlines()) == 1
    # kept in .git, never in the records
    assert list(Path(office.root, ".git").glob("svcctl-audit*.jsonl"))
    assert "audit" not in git(office.root, "status", "--porcelain", "--ignored")


def test_the_audit_log_survives_a_line_cut_short(office):
    office, ids = office
    run(office, "li", "print", "callbacks")
    log = next(Path(office.root, ".git").glob("svcctl-audit*.jsonl"))
    with log.open("a", encoding="utf-8") as f:
        f.write('{"at": "2026-11-20T09:3')
    run(office, "zhou", "print", "workorder", ids["paid"])
    assert [r["output"] for r in office.json("audit", user="zhao")] == ["print callbacks"] * 2 + ["print workorder"]


# ------------------------------------------------------------------ intake of a complaint that names its complainant

def test_a_complaint_naming_its_complainant_warns_and_is_filed(office):
    office, ids = office
    before = office.commits()
    result = office.run("intake", "--type", "complaint", "--grade", "general", "--customer", "C-A001",
                        "--summary", "邻居漏水", "--detail", "陈先生说电话138 0013 8000随时打")
    warning = [line for line in result.stderr.splitlines() if line]
    assert len(warning) == 1 and "complainant" in warning[0]
    assert office.commits() == before + 1 and re.match(r"^\d{6}-A\d+$", result.stdout.splitlines()[0])
    quiet = office.run("intake", "--type", "repair", "--customer", "C-A001", "--summary", "陈先生家水管")
    assert quiet.stderr == ""


# ------------------------------------------------------------------ the README table

def test_readme_carries_the_table_made_from_the_policy():
    from svcctl.present import disclosure

    table = disclosure.readme_table()
    assert table.count("\n") == len(disclosure.POLICY) + 2
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert table in readme, "paste present/disclosure.readme_table() into the README's 'Personal data'"
