"""The fast reader of records in svcctl's own layout agrees with PyYAML, or steps aside."""
from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from svcctl.store import yamlio

TRICKY = ["yes", "no", "on", "off", "null", "~", "true", "False", "0x1F", "0o17", "1_000", "1:20", "1e3", ".5",
          "007", "-1", "+1", "2026-11-20", "2026-11-20 09:30", "a: b", "a #b", "#c", "- x", "'q'", '"d"', "x'y",
          "{a}", "[1]", "*ref", "&a", "!tag", "%p", "@at", "`t", "|", ">", "? k", "a:", " lead", "trail ", "",
          "3-2-1502", "C-A001", "202611-A007", "电梯噪音 13800138000", "\u00a0nbsp", "tab\there", "x\u2028y",
          "50.00", "0", "12", "1" * 25]
scalars = st.one_of(st.sampled_from(TRICKY), st.text(alphabet=string.printable + "中文字符：，。、'\"#-", max_size=12),
                    st.integers(min_value=0, max_value=10**20), st.booleans(), st.none())
keys = st.sampled_from(["id", "type", "summary", "note", "on", "null", "yes", "to", "by", "fee", "n", "y", "at"])
records = st.dictionaries(keys, st.one_of(scalars, st.lists(scalars, max_size=3)), max_size=6).flatmap(
    lambda head: st.lists(st.dictionaries(keys, scalars, min_size=1, max_size=4), max_size=3).map(
        lambda events: {**head, **({"events": events} if events else {})}))


@settings(max_examples=400, deadline=None)
@given(records)
def test_what_svcctl_writes_reads_back_the_same_by_either_reader(record):
    text = yamlio.dump(record)
    fast = yamlio.fast_parse(text)
    assert fast is None or fast == yamlio.full_parse(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "  - ", "    "]), keys, st.sampled_from([": ", ":", ":  "]),
                          st.one_of(st.sampled_from(TRICKY), st.text(max_size=8))), max_size=6),
       st.booleans())
def test_hand_written_lines_read_the_same_or_go_to_pyyaml(lines, events_header):
    text = ("events:\n" if events_header else "") + "".join(f"{a}{k}{sep}{v}\n" for a, k, sep, v in lines)
    fast = yamlio.fast_parse(text)
    if fast is not None:
        assert fast == yamlio.full_parse(text)


def test_a_ticket_as_written_takes_the_fast_path():
    text = ("id: 202611-A001\ntype: repair\nsummary: 卫生间渗水\nreceived_at: 2026-11-20T09:30:00+08:00\n"
            "events:\n  - at: 2026-11-20T09:30:00+08:00\n    event: intake\n    by: li\n"
            "  - at: 2026-11-20T10:00:00+08:00\n    event: callback\n    by: li\n    satisfaction: 5\n"
            "    unresolved: true\n    note: '#1: ok'\n")
    assert yamlio.fast_parse(text) == yamlio.full_parse(text)
    assert yamlio.fast_parse(text)["events"][1]["satisfaction"] == 5
