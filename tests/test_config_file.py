"""svcctl.yaml is the office's own file: commands change it in place, keeping comments,
order and layout; a key svcctl does not know is reported, never ignored."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import edit, git, line_of
from svcctl.operations.sync import merge_files
from svcctl.store.records import Records

# The sample office's settings as an office would keep them by hand: notes in Chinese,
# blank lines between groups, its own order of sections, flow lists, quoted and bare dates.
HAND = """\
# 翠苑物业管理处 — 办公室设置（手工维护，改完运行 svcctl check）
office:
  name: 翠苑物业管理处
  code: CY

calendar:
  # 春节调休
  holidays:
    - 2027-02-05   # 春节调休
  workdays: ['2027-02-07']

staff:
  # 管理人员
  - id: wang
    name: 王主任
    role: director
  - id: zhao
    name: 赵强
    role: supervisor

  # 前台与师傅
  - id: li
    name: 李娜
    role: agent      # 前台
  - id: zhou
    name: 周师傅
    role: agent
    department: 维修部

departments: [维修部, 保洁部, 安护部, 绿化, 工程部]
timezone: Asia/Shanghai
language: zh
stations:
  A: first PC
policy:
  complaint_scheme: standard
  deadlines:
    complaint.general: {resolve: 2 workdays}   # 办公室自定
"""

SUN = """\
  - id: sun
    name: 孙丽
    role: agent
    department: 保洁部
"""


def hand_edited(office, text: str = HAND) -> Path:
    config = office.root / "svcctl.yaml"
    config.write_bytes(text.encode("utf-8"))
    office.run("commit", "-m", "办公室设置加注释", user="wang")
    return config


def test_staff_add_keeps_the_offices_comments_order_and_layout(office):
    config = hand_edited(office)
    office.run("staff", "add", "sun", "--name", "孙丽", "--role", "agent", "--department", "保洁部", user="wang")
    # The new entry joins the end of the staff list, above the blank line that closed it.
    anchor = "    department: 维修部\n"
    assert config.read_text(encoding="utf-8") == HAND.replace(anchor, anchor + SUN)
    assert git(office.root, "diff", "--numstat", "HEAD~1", "HEAD").split() == ["4", "0", "svcctl.yaml"]
    assert [s["id"] for s in office.json("staff", "list")] == ["wang", "zhao", "li", "zhou", "sun"]
    assert office.run("check").stdout.strip() == "all records are valid"  # not canonical, and fine


def test_setup_of_a_new_station_keeps_the_layout(office):
    config = hand_edited(office)
    assert "station B registered" in office.run("setup", "--station", "B", "--switch", user="wang").stdout
    assert config.read_text(encoding="utf-8") == HAND.replace("  A: first PC\n", "  A: first PC\n  B: wang\n")


def test_a_file_saved_with_windows_line_ends_keeps_them(office):
    config = hand_edited(office, HAND.replace("\n", "\r\n"))
    office.run("staff", "add", "sun", "--name", "孙丽", "--role", "agent", "--department", "保洁部", user="wang")
    anchor = "    department: 维修部\n"
    assert config.read_bytes().decode("utf-8") == HAND.replace(anchor, anchor + SUN).replace("\n", "\r\n")


def test_tickets_and_customers_are_still_written_canonically(office):
    hand_edited(office)
    tid = office.intake("--type", "query", "--unit", "3-2-1502", "--summary", "水费")
    text = (office.root / "tickets" / "2026" / "11" / f"{tid}.yaml").read_text(encoding="utf-8")
    assert "#" not in text and text.startswith(f"id: {tid}\ntype: query\n")


def test_a_misspelt_top_level_key_is_reported_and_other_commands_refuse(office):
    config = office.root / "svcctl.yaml"
    edit(config, "calendar:\n", "calender:\n")
    line = line_of(config, "calender:")
    result = office.fails("check")
    assert result.exit_code == 1
    assert f"{config}:{line}: unknown field 'calender' in svcctl.yaml (did you mean 'calendar'?)" \
        in result.stdout.splitlines()
    refused = office.fails("overdue")
    assert refused.exit_code == 5 and refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    assert f"svcctl.yaml:{line}" in refused.stderr and "'calender'" in refused.stderr
    # a command that rewrites svcctl.yaml refuses too, and leaves the file as it was
    before = config.read_bytes()
    office.fails("staff", "add", "sun", "--name", "孙丽", "--role", "agent", user="wang")
    assert config.read_bytes() == before


def test_the_office_language_is_read_and_checked(office):
    config = office.root / "svcctl.yaml"
    assert "language: zh\n" in config.read_text(encoding="utf-8")  # what a new office gets
    assert Records(office.root).office.language == "zh"
    edit(config, "language: zh\n", "language: en\n")
    assert Records(office.root).office.language == "en"
    edit(config, "language: en\n", "language: zh-CN\n")  # as offices set up by earlier versions say it
    assert Records(office.root).office.language == "zh" and office.run("check").exit_code == 0
    edit(config, "language: zh-CN\n", "language: fr\n")
    out = office.fails("check").stdout.splitlines()
    assert any(line.startswith(f"{config}:{line_of(config, 'language:')}: 'language' is 'fr'; allowed: zh, en")
               for line in out), out
    assert "'language'" in office.fails("list").stderr


def test_a_merge_of_svcctl_yaml_keeps_this_pcs_comments(tmp_path):
    """Two PCs each set up a station: git calls the merge driver on svcctl.yaml."""
    base, ours, theirs = tmp_path / "base", tmp_path / "ours", tmp_path / "theirs"
    base.write_text(HAND, encoding="utf-8")
    ours.write_text(HAND.replace("  A: first PC\n", "  A: first PC\n  B: li\n"), encoding="utf-8")
    theirs.write_text(HAND.replace("  A: first PC\n", "  A: first PC\n  C: zhao\n").replace(
        "# 春节调休\n  holidays", "# 春节\n  holidays"), encoding="utf-8")
    assert merge_files(str(base), str(ours), str(theirs), "records/svcctl.yaml") == 0
    assert ours.read_text(encoding="utf-8") == HAND.replace("  A: first PC\n", "  A: first PC\n  B: li\n  C: zhao\n")


def test_help_and_reading_commands_do_not_load_the_round_trip_library(office):
    tid = office.intake("--type", "query", "--customer", "C-A001", "--summary", "查询水费")
    probe = ("import sys\nfrom svcctl.cli.main import main\nsys.argv = ['svcctl', *sys.argv[1:]]\ncode = 0\n"
             "try:\n    main()\nexcept SystemExit as exit:\n    code = exit.code or 0\n"
             "print(code, any(m.startswith('ruamel') for m in sys.modules), file=sys.stderr)")
    env = {**os.environ, "SVCCTL_LANG": "en", "SVCCTL_NOW": office.now}
    shown = {}
    for args in (["--help"], ["--records", str(office.root), "list"]):
        proc = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=60, env=env)
        assert proc.stderr.strip().splitlines()[-1] == "0 False", (args, proc.stderr)
        shown[args[-1]] = proc.stdout
    assert "Usage: svcctl" in shown["--help"]
    listed = shown["list"].splitlines()
    assert listed[0].split()[:3] == ["ID", "Type", "Grade"] and len(listed) == 3
    assert listed[2].split()[:2] == [tid, "query"] and "查询水费" in listed[2]


def test_a_misspelt_deadline_name_is_reported_not_added_as_a_deadline(office):
    config = office.root / "svcctl.yaml"
    text = config.read_text(encoding="utf-8")
    assert "  deadlines: {}\n" in text
    config.write_text(text.replace("  deadlines: {}\n", "  deadlines:\n    repair:\n      dispach: 10 minutes\n"),
                      encoding="utf-8")
    out = office.fails("check", "--lang", "en").stdout
    assert f"{config}:{line_of(config, 'dispach')}: unknown deadline 'dispach' (did you mean 'dispatch'?)" in out
    assert office.fails("overdue").exit_code == 5
    # a deadline of the office's own, stated whole, is accepted
    config.write_text(text.replace("  deadlines: {}\n", "  deadlines:\n    repair:\n"
                                   "      survey: {within: 1 workday, until: [arrive]}\n"), encoding="utf-8")
    assert office.run("check").exit_code == 0
