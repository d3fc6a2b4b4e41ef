"""The sample office shipped in records/ is valid and shows the main job at work.

Each test reads a copy of records/ outside any git repository: reading the folder in place
would leave svcctl's read cache in the project's own git directory."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from svcctl.cli.main import cli

SHIPPED = Path(__file__).resolve().parent.parent / "records"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("sample") / "records"
    shutil.copytree(SHIPPED, copy)
    return copy


def run(sample, *args, now="2026-11-23 16:00"):
    return CliRunner().invoke(cli, ["--records", str(sample), *args], env={"SVCCTL_NOW": now})


def test_sample_records_are_valid(sample):
    result = run(sample, "check")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "所有记录均有效"  # the sample office speaks Chinese


def test_overdue_on_the_sample_office_matches_the_rules(sample):
    result = run(sample, "overdue", "--format", "json")
    assert result.exit_code == 1
    got = [(r["ticket"], r["deadline"], r["state"], r["due"]) for r in json.loads(result.stdout)]
    assert got == [
        # repairs of September to November whose callback was never made (2 days after the close)
        ("202609-B017", "callback", "missed", "2026-09-14T00:17:00+08:00"),
        ("202609-B020", "callback", "missed", "2026-09-19T14:09:00+08:00"),
        ("202610-B006", "callback", "missed", "2026-10-07T09:41:00+08:00"),
        ("202611-B016", "callback", "missed", "2026-11-11T17:04:00+08:00"),
        # emergency repair received Fri 20:10, technician due on site within 15 minutes, no arrival yet
        ("202611-A008", "arrival", "missed", "2026-11-20T20:25:00+08:00"),
        # general complaint closed Wed 11-18 15:00: callback within 3 days
        ("202611-A003", "callback", "missed", "2026-11-21T15:00:00+08:00"),
        # repair closed Thu 11-19 15:00: callback within 2 days
        ("202611-A005", "callback", "missed", "2026-11-21T15:00:00+08:00"),
        # paid service closed Sat 11-21 11:00: callback within 2 days (office default)
        ("202611-A009", "callback", "missed", "2026-11-23T11:00:00+08:00"),
        # query received 15:40: answered within 15 minutes
        ("202611-A013", "reply", "missed", "2026-11-23T15:55:00+08:00"),
    ]


def test_nothing_overdue_is_silent_with_exit_0(sample):
    # Saturday 09-05 07:00: the first days' requests were all handled, callbacks made or not yet due.
    result = run(sample, "overdue", now="2026-09-05 07:00")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_console_script_runs_the_readme_quick_start(sample):
    proc = subprocess.run(
        [sys.executable, "-m", "svcctl", "--records", str(sample), "overdue", "--now", "2026-11-23 16:00"],
        capture_output=True, text=True)
    assert proc.returncode == 1 and proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:4] == ["工单", "类型", "房号", "时限"]  # the sample office speaks Chinese
    assert len(lines) == 2 + 9
    assert all("已超时" in line or "超过目标" in line for line in lines[2:])
    assert "13800138000" not in proc.stdout and "陈建国" not in proc.stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("listing, columns", [(("overdue",), "OVERDUE"), (("list",), "LIST"),
                                              (("callbacks",), "CALLBACKS")])
def test_listings_are_laid_out_as_tabulate_lays_out_a_simple_table(sample, lang, listing, columns):
    """Listings are aligned by svcctl itself (tabulate infers a type for every cell first,
    too slow for a busy office's overdue), the reports by tabulate: both look the same."""
    import tabulate

    from svcctl.present import tables

    rows = json.loads(run(sample, "--lang", lang, *listing, "--format", "json").stdout)
    titles, cells = tables.body(rows, getattr(tables, columns), lang)
    tabulate.WIDE_CHARS_MODE = True
    expected = tabulate.tabulate(cells, headers=titles, tablefmt="simple", disable_numparse=True)
    shown = run(sample, "--lang", lang, *listing).stdout
    assert len(rows) > 3 and shown == expected + "\n"


def test_a_control_character_in_a_cell_keeps_the_table_aligned():
    from svcctl.present.tables import aligned

    table = aligned(["ID", "摘要"], [["1", "漏水\n楼上"], ["2", "铃\x07"], ["3", "电梯噪音"]]).split("\n")
    assert table[2] == "1     漏水\\n楼上" and table[3] == "2     铃\\u0007"
    from wcwidth import wcswidth

    assert len({wcswidth(line[:6]) for line in table}) == 1  # the second column starts in the same place
