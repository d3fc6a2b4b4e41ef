"""The rule a sync applies to every ticket another PC changed: history only grows."""
from __future__ import annotations

import copy

from svcctl.core.append_only import successor_problems
from svcctl.core.merge import merge_ticket

OLD = {
    "id": "202611-A001", "type": "complaint", "grade": "general", "channel": "phone", "customer": "C-A001",
    "unit": "3-2-1502", "summary": "电梯噪音", "received_at": "2026-11-20T09:30:00+08:00", "first_responder": "li",
    "events": [
        {"at": "2026-11-20T09:30:00+08:00", "event": "intake", "by": "li"},
        {"at": "2026-11-20T10:00:00+08:00", "event": "reply", "by": "li", "note": "已联系"},
        {"at": "2026-11-20T11:00:00+08:00", "event": "note", "by": "zhao", "note": "跟进"},
    ],
}


def changed(change) -> dict:
    new = copy.deepcopy(OLD)
    change(new)
    return new


def test_the_same_version_and_added_events_pass():
    assert successor_problems(OLD, OLD) == []
    later = changed(lambda t: t["events"].append({"at": "2026-11-20T12:00:00+08:00", "event": "note", "by": "li"}))
    assert successor_problems(OLD, later) == []


def test_events_merged_in_between_by_time_pass():
    """Another PC's event of an earlier time lands between the old ones (the merge sorts by time)."""
    theirs = changed(lambda t: t["events"].append({"at": "2026-11-20T10:30:00+08:00", "event": "note", "by": "zhou"}))
    merged = merge_ticket(OLD, OLD, theirs)
    assert [e["by"] for e in merged["events"]] == ["li", "li", "zhou", "zhao"]
    assert successor_problems(OLD, merged) == []


def test_a_removed_event_is_named():
    found = successor_problems(OLD, changed(lambda t: t["events"].pop(1)))
    assert len(found) == 1
    assert "reply event of 2026-11-20T10:00:00+08:00 by li was removed or edited" in found[0]


def test_an_edited_event_is_named():
    found = successor_problems(OLD, changed(lambda t: t["events"][1].update(note="已解决")))
    assert len(found) == 1 and "reply event" in found[0] and "removed or edited" in found[0]


def test_a_changed_author_is_named_with_the_new_one():
    found = successor_problems(OLD, changed(lambda t: t["events"][2].update(by="wang")))
    assert len(found) == 1
    assert "note event of 2026-11-20T11:00:00+08:00 by zhao was given another author (wang)" in found[0]


def test_a_changed_time_is_named_with_the_new_one():
    found = successor_problems(OLD, changed(lambda t: t["events"][1].update(at="2026-11-20T10:05:00+08:00")))
    assert len(found) == 1 and "was given another time (2026-11-20T10:05:00+08:00)" in found[0]


def test_reordered_events_are_refused():
    found = successor_problems(OLD, changed(lambda t: t["events"].reverse()))
    assert found and any("order" in problem for problem in found)


def test_each_rewritten_header_field_is_named():
    found = successor_problems(OLD, changed(lambda t: t.update(summary="别的事", grade="important")))
    assert sorted(p.args["field"] for p in found) == ["grade", "summary"]
    added = successor_problems(OLD, changed(lambda t: t.update(emergency=True)))
    assert [p.args["field"] for p in added] == ["emergency"]
    removed = successor_problems(OLD, changed(lambda t: t.pop("customer")))
    assert [p.args["field"] for p in removed] == ["customer"]


def test_identical_events_count_once_as_in_the_merge():
    twice = changed(lambda t: t["events"].append(dict(t["events"][-1])))
    assert successor_problems(twice, OLD) == []
