"""One way of loading the records: which files are records, how a record's times are read,
and the errors that used to hide. Real offices in git and outside it, through the CLI."""
from __future__ import annotations

import shutil

import pytest

from conftest import GIT_IDENTITY, edit, git

NOW = "2026-11-24 10:00"
STRAYS = (".202611-A003.yaml", "202611-A003.yaml.tmp")


def _ticket(office) -> str:
    return office.intake("--type", "repair", "--unit", "3-2-1502",
                         "--summary", "水管漏水", "--customer", "C-A001", now="2026-11-20 09:30")


def _answers(office):
    """What check, overdue and list say: exit codes and output."""
    runs = [office.run(*args, now=NOW, ok=False)
            for args in (("check",), ("overdue", "--format", "json"), ("list", "--format", "json"))]
    return [(r.exit_code, r.stdout) for r in runs]


@pytest.mark.parametrize("stray", STRAYS)
def test_a_stray_file_beside_the_tickets_gets_one_answer_everywhere(office, tmp_path, stray):
    tid = _ticket(office)
    folder = office.root / "tickets" / "2026" / "11"
    fresh = _answers(office)  # the index is built now, before the stray file appears
    assert fresh[0][0] == 0
    shutil.copy(folder / f"{tid}.yaml", folder / stray)
    edit(folder / stray, f"id: {tid}", "id: 202611-A003")
    old_index = _answers(office)
    for file in (office.root / ".git").glob("svcctl-tickets*.sqlite"):
        file.unlink()
    new_index = _answers(office)
    plain = tmp_path / "plain"
    shutil.copytree(office.root, plain, ignore=shutil.ignore_patterns(".git"))
    outside = _answers(type(office)(plain))
    assert old_index == new_index == [(code, out.replace(str(plain), str(office.root))) for code, out in outside]
    check, overdue, listing = new_index
    assert check[0] != 0 and stray in check[1] and "not part of svcctl's records layout" in check[1]
    assert overdue == fresh[1] and listing == fresh[2]  # the stray file is no ticket


def _closed_ticket(office) -> str:
    tid = _ticket(office)
    office.run("close", tid, "--result", "已更换", now="2026-11-20 10:00", user="zhou")
    return tid


@pytest.mark.parametrize("hand_edit, said", [
    ("2026-11-20T10:00:00.5+08:00", "a fraction of a second"),
    ("2026-11-20T02:00:00Z", "'Z' for the offset"),
])
def test_a_time_svcctl_would_write_otherwise_is_refused_never_rewritten(office, hand_edit, said):
    """A fraction was read, shown without it, and written back without it by the next
    event; 'Z' came back as +00:00. Either is named by check, and nothing is rewritten."""
    tid = _closed_ticket(office)
    path = office.root / "tickets" / "2026" / "11" / f"{tid}.yaml"
    edit(path, "at: 2026-11-20T10:00:00+08:00", f"at: {hand_edit}")
    git(office.root, "commit", "-qam", "a hand edit")
    before, commits = path.read_bytes(), office.commits()
    check = office.fails("check", now=NOW)
    assert check.exit_code == 1 and said in check.stdout and f"{tid}.yaml:" in check.stdout
    assert said in office.fails("show", tid, now=NOW).stderr
    reopen = office.fails("reopen", tid, "--note", "业主再次来电", now=NOW, user="zhao")
    assert reopen.exit_code == 5 and said in reopen.stderr and "Traceback" not in reopen.stderr
    assert path.read_bytes() == before and office.commits() == commits


def test_times_are_read_by_one_pattern_on_any_python():
    """``datetime.fromisoformat`` of Python 3.10 refused a fraction and 'Z' with its own
    words; the one pattern reads both, for their own message."""
    from svcctl.core.timeutil import NotRecordTime, from_iso, read_time

    assert read_time("2026-11-16T01:05:30.5Z").microsecond == 500_000
    assert from_iso("2026-11-16T09:05:30+08:00").utcoffset().total_seconds() == 8 * 3600
    for text in ("2026-11-16T09:05:30.5+08:00", "2026-11-16T09:05:30Z", "2026-11-16T09:05+08:00",
                 "2026-11-16 09:05:30+08:00", "2026-11-16T09:05:30+24:00"):
        with pytest.raises(NotRecordTime):
            from_iso(text)


def test_the_python_versions_claimed_are_the_ones_tested():
    from pathlib import Path

    setup = (Path(__file__).parent.parent / "setup.cfg").read_text(encoding="utf-8")
    assert "python_requires = >=3.11" in setup


def test_a_yaml_merge_key_is_named_as_what_records_do_not_use(office):
    path = office.root / "customers" / "C-A001.yaml"
    path.write_text("id: C-A001\nbase: &b\n  name: 陈先生\n<<: *b\n", encoding="utf-8")
    result = office.fails("check", now=NOW)
    assert "C-A001.yaml:4: a YAML merge key (<<)" in result.stdout
    assert "constructor" not in result.stdout
    shown = office.fails("customer", "show", "C-A001", now=NOW)
    assert shown.exit_code == 5 and "merge key" in shown.stderr


def test_a_plural_entry_in_the_catalog_does_not_stop_chinese_commands(office, monkeypatch):
    from svcctl.present import i18n

    text = i18n.catalog_text("zh") + '\nmsgid "one ticket"\nmsgid_plural "{n} tickets"\nmsgstr[0] "{n} 张工单"\n'
    monkeypatch.setattr(i18n, "catalog_text", lambda lang: text)
    i18n.translator.cache_clear()
    i18n.words.cache_clear()
    try:
        office.lang = "zh"
        result = office.run("list", now=NOW)
        assert result.exit_code == 0
        assert i18n.translator("zh").gettext("one ticket") == "{n} 张工单"
    finally:
        i18n.translator.cache_clear()
        i18n.words.cache_clear()


def test_a_month_folder_that_cannot_be_read_is_named_by_check(office, monkeypatch):
    """Tests run as root here, whom no folder's mode keeps out: the system's refusal is
    given for that one folder, as it is given to an office account."""
    import os

    _ticket(office)
    month = str(office.root / "tickets" / "2026" / "11")
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path).rstrip("/") == month:
            raise PermissionError(13, "Permission denied", month)
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = office.fails("check", now=NOW)
    assert "tickets/2026/11: cannot read the folder: Permission denied" in result.stdout
