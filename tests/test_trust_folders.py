"""A folder of the records that is a link (another PC can commit one pointing anywhere) is
never followed: nothing is read from outside the records through it and nothing is written
there; ``svcctl check`` names it."""
from __future__ import annotations

import os

from conftest import git

NOW = "2026-11-20 09:30"


def test_tickets_behind_a_linked_month_are_neither_listed_nor_shown(office, tmp_path):
    ticket = office.intake("--type", "query", "--unit", "3-2-1502", "--summary", "水费", now=NOW)
    outside = tmp_path / "outside"
    (outside / "11").mkdir(parents=True)
    stray = (office.root / "tickets" / "2026" / "11" / f"{ticket}.yaml").read_text(encoding="utf-8")
    (outside / "11" / "202711-A001.yaml").write_text(stray.replace(ticket, "202711-A001"), encoding="utf-8")
    os.symlink(outside, office.root / "tickets" / "2027")
    assert [row["id"] for row in office.json("list", now=NOW)] == [ticket]
    shown = office.fails("show", "202711-A001", now=NOW)
    assert shown.exit_code == 5
    assert "tickets/2027 is a symbolic link or not a folder" in shown.stderr and "水费" not in shown.stdout
    checked = office.run("check", ok=False)
    assert checked.exit_code == 1 and "tickets/2027" in checked.stdout and "symbolic link" in checked.stdout


def test_nothing_is_written_through_a_linked_folder(office, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, office.root / "handovers")
    head = git(office.root, "rev-parse", "HEAD")
    result = office.fails("handover", "--record", "--to", "zhao", now=NOW, user="li")
    assert result.exit_code == 5 and "handovers is a symbolic link or not a folder" in result.stderr
    assert list(outside.iterdir()) == []
    assert git(office.root, "rev-parse", "HEAD") == head
