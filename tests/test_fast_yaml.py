"""The fast reader of records in svcctl's own layout agrees with PyYAML, or steps aside; and
it is the reader that actually reads an office's records (a fast path that gave up on
everything would pass every comparison)."""
from __future__ import annotations

import shutil
import string
from collections import Counter
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from svcctl.cli.main import cli
from svcctl.store import yamlio

TRICKY = ["yes", "no", "on", "off", "null", "~", "true", "False", "0x1F", "0o17", "1_000", "1:20", "1e3", ".5",
          "007", "-1", "+1", "2026-11-20", "2026-11-20 09:30", "a: b", "a #b", "#c", "- x", "'q'", '"d"', "x'y",
          "{a}", "[1]", "*ref", "&a", "!tag", "%p", "@at", "`t", "|", ">", "? k", "a:", " lead", "trail ", "",
          "3-2-1502", "C-A001", "202611-A007", "电梯噪音 13800138000", "\u00a0nbsp", "tab\there", "x\u2028y",
          "50.00", "0", "12", "1" * 25]
# Values as svcctl writes them: times, ids, words, numbers, flags, text quoted because it
# would read as something else.
WRITTEN = ["[]", "2026-11-20T09:30:00+08:00", "2026-11-20T09:30:00Z", "202611-A007", "C-A001", "3-2-1502", "repair",
           "维修部", "更换密封圈 13800138000", "li", "true", "false", "5", "0", "'#1: ok'", "'yes'", "'007'", "x'y",
           "'it''s'", "'2026-11-20'", "a-b.c_d"]
scalars = st.one_of(st.sampled_from(TRICKY), st.text(alphabet=string.printable + "中文字符：，。、'\"#-", max_size=12),
                    st.integers(min_value=0, max_value=10**20), st.booleans(), st.none())
# Mostly the names records use; some that YAML reads as something else, or that repeat.
plain_keys = st.sampled_from(["id", "type", "summary", "note", "to", "by", "fee", "at", "event", "unit_2", "_x"])
keys = st.one_of(plain_keys, plain_keys, st.sampled_from(["on", "null", "yes", "n", "y", "Off", "~", "1", "a b"]))
records = st.dictionaries(keys, st.one_of(scalars, st.lists(scalars, max_size=3)), max_size=6).flatmap(
    lambda head: st.lists(st.dictionaries(keys, scalars, min_size=1, max_size=4), max_size=3).map(
        lambda events: {**head, **({"events": events} if events else {})}))


def test_what_svcctl_writes_reads_back_the_same_by_either_reader():
    read = Counter()

    @settings(max_examples=400, deadline=None)
    @given(records)
    def check(record):
        text = yamlio.dump(record)
        fast = yamlio.fast_parse(text)
        read[fast is not None] += 1
        assert fast is None or fast == yamlio.full_parse(text)

    check()
    assert read[True] >= 0.1 * sum(read.values()), read  # about one in five


values = st.one_of(st.sampled_from(WRITTEN), st.sampled_from(TRICKY), st.text(max_size=8))
separators = st.sampled_from([": ", ":", ":  ", " : "])
clean = st.tuples(plain_keys, st.just(": "), st.sampled_from(WRITTEN))
fields = st.one_of(clean, clean, clean, clean, clean, st.tuples(keys, separators, values))


@st.composite
def hand_written(draw) -> str:
    """Lines in the layout's shape (key: value, an events: list of mappings or of scalars),
    most as svcctl writes them, some as a hand edit may leave them: odd spacing and indents,
    values YAML reads otherwise, a repeated key, scalars and mappings in one list."""
    unique = {"unique_by": lambda field: field[0]}
    lines = [f"{k}{sep}{v}" for k, sep, v in draw(st.lists(fields, max_size=5, **unique))]
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["events:"] * 6 + ["events: ", "events :", "events: []", "events:  []", "events: [ ]"])))
        scalars_too = draw(st.sampled_from([False] * 4 + [True]))
        if scalars_too or draw(st.booleans()):
            lines += [f"  - {v}" for v in draw(st.lists(values, min_size=1, max_size=3))]
        if scalars_too or draw(st.booleans()):
            for event in draw(st.lists(st.lists(fields, min_size=1, max_size=3, **unique), max_size=3)):
                lead = draw(st.sampled_from(["  - "] * 6 + ["  -  ", "- ", "   - "]))
                lines += [f"{lead if n == 0 else '    '}{k}{sep}{v}" for n, (k, sep, v) in enumerate(event)]
    if lines and draw(st.sampled_from([False] * 5 + [True])):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(lines)))
    return "".join(line + "\n" for line in lines)


def test_hand_written_lines_read_the_same_or_go_to_pyyaml():
    read = Counter()

    @settings(max_examples=400, deadline=None)
    @given(hand_written())
    def check(text):
        fast = yamlio.fast_parse(text)
        read[fast is not None] += 1
        if fast is not None:
            assert fast == yamlio.full_parse(text)

    check()
    assert read[True] >= 0.05 * sum(read.values()), read  # about one in eight


def test_a_ticket_as_written_takes_the_fast_path():
    text = ("id: 202611-A001\ntype: repair\nsummary: 卫生间渗水\nreceived_at: 2026-11-20T09:30:00+08:00\n"
            "events:\n  - at: 2026-11-20T09:30:00+08:00\n    event: intake\n    by: li\n"
            "  - at: 2026-11-20T10:00:00+08:00\n    event: callback\n    by: li\n    satisfaction: 5\n"
            "    unresolved: true\n    note: '#1: ok'\n")
    fast = yamlio.fast_parse(text)
    assert fast is not None and fast == yamlio.full_parse(text)
    assert fast["events"][1]["satisfaction"] == 5


SHIPPED = Path(__file__).resolve().parent.parent / "records"


def read_fast(root: Path) -> tuple[int, list[Path]]:
    """How many of the records under ``root`` there are, and those the fast reader leaves to
    PyYAML; each one it reads is checked against PyYAML's reading. svcctl.yaml is left out:
    it is the office's settings, nested deeper than a record and often edited by hand."""
    paths = [p for p in sorted(root.rglob("*.yaml")) if ".git" not in p.parts and p.name != "svcctl.yaml"]
    slow = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        fast = yamlio.fast_parse(text)
        if fast is None:
            slow.append(path)
        else:
            assert fast == yamlio.full_parse(text), path
    return len(paths), slow


def test_the_sample_offices_records_take_the_fast_path():
    count, slow = read_fast(SHIPPED)
    assert count > 150 and len(slow) <= 0.05 * count, slow


def test_records_made_by_the_commands_take_the_fast_path(office):
    office.run("staff", "add", "sun", "--name", "孙丽", "--role", "agent", "--department", "保洁部", user="wang")
    office.run("customer", "add", "--name", "O'Brien 先生", "--phone", "13700000000", "--unit", "1-1-101")
    for n, (summary, result) in enumerate([("卫生间渗水: 楼上 #3", "yes"), ("灯不亮", "更换灯泡 2 个"),
                                           ("门锁 'A' 坏了", "007")]):
        repair = office.intake("--type", "repair", "--category", "leak", "--customer", "C-A002", "--summary", summary,
                               "--at", f"2026-11-20 08:{n}0")
        office.run("dispatch", repair, "--to", "维修部", "--assignee", "zhou", "--at", f"2026-11-20 08:{n}2")
        office.run("close", repair, "--result", result, "--leak-test-at", "2026-11-20 09:00", "--at", "2026-11-20 09:10")
        office.run("callback", repair, "--method", "phone", "--satisfaction", str(n + 2), "--note", "仍漏: 再查",
                   *(["--unresolved"] if n % 2 else []))
    for n in range(2):
        complaint = office.intake("--type", "complaint", "--grade", "general", "--customer", "C-A001",
                                  "--summary", f"电梯噪音 {n}", "--at", f"2026-11-20 07:0{n}")
        office.run("reply", complaint, "--note", "'已联系' 007 on")
    office.intake("--type", "query", "--customer", "C-A001", "--summary", "查询水费")
    office.run("handover", "--record", "--to", "zhao", "--note", "交班: 无")
    count, slow = read_fast(office.root)
    assert count >= 10 and len(slow) <= 0.05 * count, slow


def test_the_commands_read_records_by_the_fast_path(tmp_path, monkeypatch):
    """``check`` of the sample office (outside git: no index, every file read) calls PyYAML
    for svcctl.yaml and nothing else of the office's own layout."""
    copy = tmp_path / "records"
    shutil.copytree(SHIPPED, copy)
    calls = Counter()
    fast, full = yamlio.fast_parse, yamlio.full_parse

    def counted_fast(text):
        data = fast(text)
        calls["fast" if data is not None else "gave up"] += 1
        return data

    def counted_full(text):
        calls["full"] += 1
        return full(text)

    monkeypatch.setattr(yamlio, "fast_parse", counted_fast)
    monkeypatch.setattr(yamlio, "full_parse", counted_full)
    result = CliRunner().invoke(cli, ["--records", str(copy), "check"], env={"SVCCTL_NOW": "2026-11-23 16:00"})
    assert result.exit_code == 0, result.stderr
    assert calls["fast"] > 150 and calls["full"] <= 0.05 * calls["fast"], calls
