"""Clean text in, clean text out: control characters and bidi controls are refused where
they would become a record field, reported by check where a record already holds them,
and never reach a commit message or a terminal as they are."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Office, edit, git, line_of, made_once

HIDE = "\x1b[8m"  # ESC[8m: what follows is invisible in a terminal
HOSTILE = {"ESC": f"陈{HIDE}先生", "BEL": "陈\x07先生", "NUL": "陈\x00先生", "RLO": "陈\u202e生先",
           "NEL": "陈\x85先生", "LRI": "陈\u2066先生", "DEL": "陈\x7f先生"}
INPUTS = {
    "customer name": (("customer", "add", "--phone", "13700000009", "--unit", "7-1-101", "--name"), "name"),
    "intake summary": (("intake", "--type", "query", "--unit", "3-2-1502", "--summary"), "summary"),
    "intake detail": (("intake", "--type", "query", "--unit", "3-2-1502", "--summary", "水费", "--detail"), "detail"),
    "new customer at intake": (("intake", "--type", "query", "--unit", "7-1-101", "--phone", "13700000009",
                                "--summary", "水费", "--name"), "name"),
}


def snapshot(office) -> str:
    """The commit checked out and every file changed or left over."""
    return git(office.root, "status", "--porcelain=v2", "--branch", "--untracked-files=all")


def one_line_refusal(result) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("svcctl: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return lines[0]


@pytest.fixture(scope="module")
def refusing(tmp_path_factory) -> Office:
    """The sample office, one for all the refusals below: each leaves it as it was, or fails."""
    return Office(made_once(tmp_path_factory, "refusing", lambda office: None)[0])


@pytest.mark.parametrize("what", sorted(HOSTILE))
@pytest.mark.parametrize("where", sorted(INPUTS))
def test_a_control_character_typed_into_a_field_is_refused_naming_the_field(refusing, where, what):
    office = refusing
    args, field = INPUTS[where]
    before = snapshot(office)
    result = office.fails(*args, HOSTILE[what])
    line = one_line_refusal(result)
    assert result.exit_code == 2, line
    assert (f"'{field}'" in line) or (what == "NUL" and f"--{field}" in line), line
    assert snapshot(office) == before  # nothing written, nothing committed
    for raw in ("\x1b", "\x07", "\x00", "\u202e", "\x85", "\u2066", "\x7f"):
        assert raw not in result.stderr


def test_a_line_break_is_refused_in_a_name_and_kept_in_notes_and_details(office):
    refused = office.fails("customer", "add", "--name", "陈\n先生", "--phone", "13700000009", "--unit", "7-1-101")
    assert refused.exit_code == 2 and "'name' is one line of text" in one_line_refusal(refused)
    refused = office.fails("customer", "add", "--name", "陈\u2028先生", "--phone", "13700000009", "--unit", "7-1-101")
    assert "U+2028" in one_line_refusal(refused)
    cid = office.run("customer", "add", "--name", "王\u3000先生", "--phone", "13700000009", "--unit", "7-1-101",
                     "--notes", "第一行\n第二行\t备注").stdout.split()[0]
    assert office.json("customer", "show", cid, "--reveal", user="wang")["notes"] == "第一行\n第二行\t备注"
    tid = office.intake("--type", "query", "--unit", "3-2-1502", "--summary", "水费", "--detail", "上月\n本月")
    office.run("reply", tid, "--note", "已回电\n明天再联系")
    office.run("check")


def test_a_reply_note_with_a_terminal_escape_is_refused(office):
    tid = office.intake("--type", "query", "--unit", "3-2-1502", "--summary", "水费")
    before = snapshot(office)
    result = office.fails("reply", tid, "--note", f"已回电{HIDE}OSC\x1b]52;c;ZWNobw==\x07")
    assert result.exit_code == 2 and "'note'" in one_line_refusal(result)
    assert snapshot(office) == before


def test_check_reports_a_hand_edited_record_holding_a_control_character(office):
    customer = office.root / "customers/C-A001.yaml"
    edit(customer, "name: 陈先生", 'name: "陈\\e[8m先生"')
    # a command reading that customer refuses it too, and points to check
    refused = office.fails("intake", "--type", "query", "--unit", "3-2-1502", "--summary", "水费")
    assert refused.exit_code == 5 and "C-A001.yaml" in one_line_refusal(refused) and "\x1b" not in refused.stderr
    result = office.fails("check")
    assert "\x1b" not in result.stdout + result.stderr
    problem = next(line for line in result.stdout.splitlines() if "C-A001.yaml" in line)
    path, line, message = problem.split(":", 2)
    assert path.endswith("customers/C-A001.yaml")
    assert int(line) == line_of(customer, "name:")
    assert "'name'" in message and "U+001B" in message


def test_check_reports_a_bidi_control_in_an_events_note_with_its_line(office):
    tid = office.intake("--type", "query", "--unit", "3-2-1502", "--summary", "水费")
    office.run("reply", tid, "--note", "已回电")
    ticket = office.root / "tickets/2026/11" / f"{tid}.yaml"
    edit(ticket, "note: 已回电", "note: 已回\u202e电")
    out = office.fails("check").stdout
    assert "\u202e" not in out
    problem = next(line for line in out.splitlines() if f"{tid}.yaml" in line)
    assert f":{line_of(ticket, 'note: 已回')}:" in problem and "'note'" in problem and "U+202E" in problem


def write_csv(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def trailers(root: Path) -> list[tuple[str, str]]:
    message = git(root, "log", "-1", "--format=%B")
    parsed = subprocess.run(["git", "interpret-trailers", "--parse"], input=message, capture_output=True,
                            text=True, check=True).stdout
    return [tuple(line.split(": ", 1)) for line in parsed.splitlines()]


def test_an_import_file_name_cannot_forge_a_trailer_nor_show_a_phone_number(office, tmp_path):
    name = "业主\nSvcctl-Op: forged 13912345678\x1b[8m.csv"
    path = write_csv(tmp_path / name, [["姓名", "电话", "房号"], ["王丽", "13300000001", "8-1-101"]])
    office.run("import", "customers", path)
    message = git(office.root, "log", "-1", "--format=%B")
    subject = message.splitlines()[0]
    assert subject.startswith("从 业主 Svcctl-Op: forged 139****5678\\u001b[8m.csv 导入客户")
    assert "13912345678" not in message and "\x1b" not in message
    found = trailers(office.root)
    assert [value for key, value in found if key == "Svcctl-Op"] == ["import-customers"]
    assert dict(found)["Svcctl-Import"] == "业主 Svcctl-Op: forged 139****5678\\u001b[8m.csv"
    assert not any(line.startswith("Svcctl-Op: forged") for line in message.splitlines())


def test_a_ledger_named_with_control_characters_imports_and_its_notes_stay_clean(office, tmp_path):
    name = "报修\u202e登记\x07.csv"
    path = write_csv(tmp_path / name, [["受理时间", "类型", "房号", "内容"],
                                       ["2026-11-18 09:00", "咨询", "3-2-1502", "水费"]])
    office.run("import", "tickets", path)
    message = git(office.root, "log", "-1", "--format=%B")
    assert "\u202e" not in message and "\x07" not in message and "\\u202e" in message.splitlines()[0]
    office.run("check")  # the intake note names the file with its controls escaped


def test_an_imported_cell_with_a_control_character_is_a_bad_row(office, tmp_path):
    path = write_csv(tmp_path / "r.csv", [["姓名", "电话", "房号"], [f"王{HIDE}丽", "13300000001", "8-1-101"],
                                          ["赵敏", "13300000002", "8-1-102"]])
    before = snapshot(office)
    refused = office.fails("import", "customers", path)
    assert "'name'" in refused.stdout + refused.stderr and "U+001B" in refused.stdout + refused.stderr
    assert "\x1b" not in refused.stdout + refused.stderr
    assert snapshot(office) == before
    done = office.run("import", "customers", path, "--skip-bad", "--format", "json")
    assert json.loads(done.stdout)["new_customers"] == ["C-A003"]
    office.run("check")


def test_a_commit_message_typed_by_a_person_is_one_line_with_its_controls_escaped(office):
    edit(office.root / "customers/C-A002.yaml", "units:", "notes: 楼上漏水\nunits:")
    office.run("commit", "-m", f"补备注{HIDE} 13800138000\nSvcctl-Op: forged", user="wang")
    message = git(office.root, "log", "-1", "--format=%B")
    assert message.splitlines()[0] == ("手工修改 customers/C-A002.yaml：补备注\\u001b[8m 138****8000 Svcctl-Op: forged")
    assert [value for key, value in trailers(office.root) if key == "Svcctl-Op"] == ["edit"]


def test_an_error_quoting_a_bidi_control_prints_it_escaped(office, tmp_path):
    # 'x<RLO>vsc.csv' reads as 'xcsv.csv' on a terminal that obeys the control
    empty = tmp_path / "x\u202evsc.csv"
    empty.write_text("\n\n", encoding="utf-8")
    line = one_line_refusal(office.fails("import", "customers", empty))
    assert "\u202e" not in line and "x\\u202evsc.csv" in line
    # the real program, writing to a real pipe
    proc = office.subprocess("import", "customers", empty)
    assert proc.returncode == 2 and "\u202e" not in proc.stderr and "x\\u202evsc.csv" in proc.stderr
    proc = office.subprocess("customer", "add", "--name", "陈\u2067先生", "--phone", "13700000009", "--unit", "7-1-101")
    assert proc.returncode == 2 and "\u2067" not in proc.stderr and "'name'" in proc.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is a POSIX thing")
def test_the_progress_bar_of_an_import_draws_on_a_terminal(office, tmp_path):
    """Its own cursor codes reach the terminal; nothing else svcctl prints there does."""
    import pty

    rows = [["姓名", "电话", "房号"]] + [[f"户主{i}", f"1330000{i:04d}", f"9-{i // 100 + 1}-{i % 100 + 101}"]
                                      for i in range(250)]
    path = write_csv(tmp_path / "big.csv", rows)
    env = {**os.environ, "SVCCTL_RECORDS": str(office.root), "SVCCTL_NOW": office.now, "SVCCTL_USER": "li",
           "SVCCTL_LANG": "en"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: svcctl with a terminal for its output
        os.execve(sys.executable, [sys.executable, "-m", "svcctl", "import", "customers", "--dry-run", str(path)], env)
    out = b""
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # the child has gone and closed its end
            break
        if not data:
            break
        out += data
    _, status = os.waitpid(pid, 0)
    text = out.decode("utf-8")
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "\\u001b" not in text and "\\u000d" not in text and "internal error" not in text
    assert "checking" in text and "250" in text
