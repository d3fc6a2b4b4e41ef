"""deadlines.evaluate and the policy tables, at core level, with hand-computed due times.

Tickets are built directly from header + events, exactly as they are stored.
The calendar is the real one (holidays package, 2026 schedule); see test_calendar.py.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from svcctl.core import deadlines as dl
from svcctl.core.calendar import OfficeCalendar
from svcctl.core.errors import UsageError
from svcctl.core.policy import build_policy
from svcctl.core.ticket import Event, Ticket, fold

TZ = ZoneInfo("Asia/Shanghai")
CAL = OfficeCalendar(TZ)
STANDARD = build_policy(None)
ALTERNATIVE = build_policy({"complaint_scheme": "alternative"})


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def ev(kind: str, at: str, by: str = "li", **data) -> Event:
    return Event(kind, t(at), by, {k: (t(v) if k in ("leak_test_at", "appointment_at") else v) for k, v in data.items()})


def make(ticket_type: str, received: str, *events: Event, **header) -> Ticket:
    for key in ("appointment_at", "requested_by"):
        if key in header:
            header[key] = t(header[key])
    head = {"id": "202611-A001", "type": ticket_type, "received_at": t(received), "first_responder": "li",
            "unit": "3-2-1502", "customer": "C-A001", "summary": "x", **header}
    return Ticket(head, (ev("intake", received), *events))


def deadlines(ticket: Ticket, now: str, policy=STANDARD, cal=CAL) -> dict[str, dl.Deadline]:
    out = dl.evaluate(ticket, policy, cal, t(now))
    names = [d.name for d in out]
    assert len(names) == len(set(names)), names
    return {d.name: d for d in out}


# ---------------------------------------------------------------- states


def test_general_complaint_all_pending_at_intake():
    tk = make("complaint", "2026-11-20 09:30", grade="general")
    d = deadlines(tk, "2026-11-20 09:30")
    assert list(d) == ["first_reply", "resolve", "resolve_limit"]
    assert d["first_reply"].due == t("2026-11-20 11:30")  # 2 clock hours
    assert d["resolve"].due == t("2026-11-23 09:30")  # 1 workday: Fri -> Mon
    assert d["resolve"].level == "target"
    # 3 workdays: 14.5h Fri + Mon 24 + Tue 24 = 62.5h, 9.5h on Wed
    assert d["resolve_limit"].due == t("2026-11-25 09:30")
    assert d["resolve_limit"].level == "limit"
    assert all(x.state == "pending" for x in d.values())
    assert d["first_reply"].delta == timedelta(hours=2)


def test_met_and_late():
    tk = make("complaint", "2026-11-20 09:30",
              ev("reply", "2026-11-20 10:00", note="已联系"),
              ev("close", "2026-11-24 09:00", result="已处理"), grade="general")
    d = deadlines(tk, "2026-11-24 10:00")
    assert d["first_reply"].state == "met" and d["first_reply"].stopped_at == t("2026-11-20 10:00")
    # resolve target was Mon 09:30: closed Tue 09:00 is late by 23.5h; the hard limit (Wed) is met.
    assert d["resolve"].state == "late"
    assert d["resolve"].delta == timedelta(hours=23, minutes=30)
    assert d["resolve_limit"].state == "met"
    # the complaint callback (3 days from close) now runs
    assert d["callback"].due == t("2026-11-27 09:00") and d["callback"].state == "pending"


def test_warned_then_missed():
    tk = make("complaint", "2026-11-20 09:30", grade="general")
    d = deadlines(tk, "2026-11-23 09:31")
    assert d["first_reply"].state == "missed"
    assert d["resolve"].state == "warned" and d["resolve"].delta == timedelta(minutes=1)
    assert d["resolve_limit"].state == "pending"
    d = deadlines(tk, "2026-11-25 09:31")
    assert d["resolve_limit"].state == "missed"
    assert d["resolve"].state == "warned"  # a target stays a warning, never becomes "missed"


def test_exactly_at_due_time_is_still_pending():
    tk = make("complaint", "2026-11-20 09:30", grade="general")
    assert deadlines(tk, "2026-11-20 11:30")["first_reply"].state == "pending"
    assert deadlines(tk, "2026-11-20 11:31")["first_reply"].state == "missed"


def test_open_pause_holds_pausable_deadlines_only():
    tk = make("complaint", "2026-11-20 09:30", ev("pause", "2026-11-20 10:00", reason="等业主"), grade="general")
    d = deadlines(tk, "2026-12-20 10:00")
    assert d["resolve"].state == "paused" and d["resolve"].due is None
    assert d["resolve_limit"].state == "paused"
    assert d["first_reply"].state == "missed"  # the 2-hour first reply does not honour pauses


def test_resumed_pause_extends_resolve():
    # paused Fri 12:00 -> Mon 12:00: 2.5h counted Fri, 12h Mon afternoon, 9.5h Tue: Tue 09:30.
    tk = make("complaint", "2026-11-20 09:30",
              ev("pause", "2026-11-20 12:00", reason="等配件"),
              ev("resume", "2026-11-23 12:00"), grade="general")
    d = deadlines(tk, "2026-11-23 13:00")
    assert d["resolve"].due == t("2026-11-24 09:30") and d["resolve"].state == "pending"
    # limit: 72h needed; 2.5 + 12 (Mon) + 24 (Tue) + 24 (Wed) = 62.5, 9.5h on Thu
    assert d["resolve_limit"].due == t("2026-11-26 09:30")


def test_close_during_pause_ends_the_pause():
    tk = make("complaint", "2026-11-20 09:30",
              ev("pause", "2026-11-20 12:00", reason="等配件"),
              ev("close", "2026-11-23 12:00", result="已处理"), grade="general")
    d = deadlines(tk, "2026-11-23 13:00")
    assert d["resolve"].state == "met" and d["resolve"].due == t("2026-11-24 09:30")


def test_cancelled_ticket_has_no_open_deadlines():
    tk = make("complaint", "2026-11-20 09:30",
              ev("reply", "2026-11-20 10:00", note="已联系"),
              ev("cancel", "2026-11-20 11:00", by="wang", reason="重复登记"), grade="general")
    d = deadlines(tk, "2026-12-01 09:00")
    assert list(d) == ["first_reply"]
    assert d["first_reply"].state == "met"


# ---------------------------------------------------------------- grades and types


def test_simple_complaint_is_immediate():
    tk = make("complaint", "2026-10-01 10:00", grade="simple")
    d = deadlines(tk, "2026-10-01 10:00")
    assert d["resolve"].due == t("2026-10-01 10:05")  # on the spot, even on a holiday
    assert d["resolve"].level == "limit"


def test_complex_complaint_over_national_day():
    tk = make("complaint", "2026-09-30 10:00", grade="complex")
    d = deadlines(tk, "2026-09-30 10:00")
    # 5 workdays: 14h (09-30) 24 (10-08) 24 (10-09) 24 (Sat 10-10 worked) 24 (Mon 10-12) = 110h, +10h Tue
    assert d["resolve"].due == t("2026-10-13 10:00")
    # 7 workdays: + 10-13 + 10-14 = 158h, +10h Thu
    assert d["resolve_limit"].due == t("2026-10-15 10:00")


def test_consultation_answered_on_the_spot():
    tk = make("consultation", "2026-11-20 09:30", ev("close", "2026-11-20 09:30", result="已告知"))
    d = deadlines(tk, "2026-11-20 10:00")
    assert list(d) == ["reply"]
    assert d["reply"].state == "met" and d["reply"].due == t("2026-11-20 09:35")


def test_query_fifteen_minutes():
    tk = make("query", "2026-11-20 09:30")
    d = deadlines(tk, "2026-11-20 09:46")
    assert d["reply"].due == t("2026-11-20 09:45") and d["reply"].state == "missed"


def test_suggestion_forwarded_within_a_workday():
    tk = make("suggestion", "2026-09-30 16:00", ev("escalate", "2026-10-08 09:00", to="wang", note="转主任"))
    d = deadlines(tk, "2026-10-09 09:00")
    assert d["forward"].due == t("2026-10-08 16:00") and d["forward"].state == "met"


def test_repair_dispatch_and_callback():
    tk = make("repair", "2026-11-20 09:30",
              ev("dispatch", "2026-11-20 09:33", to="维修部"),
              ev("close", "2026-11-20 15:00", result="已修好"), category="other")
    d = deadlines(tk, "2026-11-21 09:00")
    assert d["dispatch"].due == t("2026-11-20 09:35") and d["dispatch"].state == "met"
    assert d["callback"].due == t("2026-11-22 15:00")  # 2 clock days, weekend or not
    assert "arrival" not in d


def test_emergency_repair_arrival():
    tk = make("repair", "2026-10-02 22:00",
              ev("dispatch", "2026-10-02 22:03", to="维修部"),
              ev("arrive", "2026-10-02 22:20"), category="safety", emergency=True)
    d = deadlines(tk, "2026-10-02 23:00")
    assert d["arrival"].due == t("2026-10-02 22:15")
    assert d["arrival"].state == "late" and d["arrival"].delta == timedelta(minutes=5)


def test_leak_callback_counts_from_the_leak_test():
    tk = make("repair", "2026-11-16 09:00",
              ev("dispatch", "2026-11-16 09:02", to="维修部"),
              ev("close", "2026-11-20 16:00", result="防水处理", leak_test_at="2026-11-19 10:00"),
              category="leak")
    d = deadlines(tk, "2026-11-20 16:00")
    assert d["callback"].due == t("2026-11-22 10:00")  # 3 days after the test, not after the close
    assert deadlines(tk, "2026-11-22 10:01")["callback"].state == "missed"


def test_a_temporary_measure_settles_nothing_until_the_real_close():
    # 000 3.3.6: work that cannot be finished at once gets a temporary measure and a note;
    # the ticket stays open and the callback clock waits for the real close.
    temporary = ev("close", "2026-11-20 16:00", result="临时封堵", temporary=True)
    tk = make("repair", "2026-11-16 09:00", ev("dispatch", "2026-11-16 09:02", to="维修部"), temporary,
              category="leak")
    assert fold(tk, STANDARD).status == "dispatched" and fold(tk, STANDARD).temporary_measures == 1
    assert "callback" not in deadlines(tk, "2026-11-20 16:00")
    done = tk.with_events(ev("close", "2026-11-25 11:00", result="防水层重做",
                             leak_test_at="2026-11-25 10:00"))
    assert fold(done, STANDARD).status == "closed"
    assert deadlines(done, "2026-11-25 11:00")["callback"].due == t("2026-11-28 10:00")


def test_safety_repair_callback_two_days():
    tk = make("repair", "2026-09-30 09:00",
              ev("dispatch", "2026-09-30 09:01", to="维修部"),
              ev("close", "2026-09-30 18:00", result="更换灭火器"), category="safety")
    assert deadlines(tk, "2026-10-01 09:00")["callback"].due == t("2026-10-02 18:00")


def test_callback_met():
    tk = make("complaint", "2026-11-20 09:30",
              ev("close", "2026-11-20 11:00", by="li", result="已处理"),
              ev("callback", "2026-11-21 10:00", method="phone", satisfaction=5, note="满意"), grade="general")
    d = deadlines(tk, "2026-11-30 10:00")
    assert d["callback"].state == "met" and d["callback"].stopped_at == t("2026-11-21 10:00")
    assert not [x for x in d.values() if x.state in dl.OPEN_STATES]


def test_appointment_deadline():
    tk = make("appointment", "2026-11-20 09:30", appointment_at="2026-11-25 14:00")
    d = deadlines(tk, "2026-11-25 14:00")
    assert d["appointment"].due == t("2026-11-25 14:00") and d["appointment"].state == "pending"
    assert deadlines(tk, "2026-11-25 14:01")["appointment"].state == "missed"
    done = make("appointment", "2026-11-20 09:30", ev("close", "2026-11-25 13:55", result="已量房"),
                appointment_at="2026-11-25 14:00")
    assert deadlines(done, "2026-11-26 09:00")["appointment"].state == "met"


# ---------------------------------------------------------------- rework after reopen


def test_unresolved_callback_reopens_with_default_rework():
    tk = make("repair", "2026-11-16 09:00",
              ev("dispatch", "2026-11-16 09:02", to="维修部"),
              ev("close", "2026-11-17 15:00", result="已修好"),
              ev("callback", "2026-11-18 10:00", method="phone", satisfaction=2, note="仍漏水", unresolved=True),
              ev("reopen", "2026-11-18 10:00", note="callback found it unresolved"),
              category="other")
    d = deadlines(tk, "2026-11-18 10:00")
    # default rework: 3 workdays from Wed 11-18 10:00 -> Mon 11-23 10:00 (weekend skipped)
    assert d["rework"].due == t("2026-11-23 10:00") and d["rework"].state == "pending"
    assert "callback" not in d  # no callback is due while the work is reopened
    assert deadlines(tk, "2026-11-23 10:01")["rework"].state == "missed"


def test_rework_with_its_own_length_then_closed_again():
    tk = make("repair", "2026-11-16 09:00",
              ev("dispatch", "2026-11-16 09:02", to="维修部"),
              ev("close", "2026-11-17 15:00", result="已修好"),
              ev("reopen", "2026-11-20 10:00", by="zhao", note="业主反映再次漏水", within="1 workday"),
              ev("close", "2026-11-23 09:00", result="更换阀门"),
              category="other")
    d = deadlines(tk, "2026-11-23 09:00")
    assert d["rework"].due == t("2026-11-23 10:00") and d["rework"].state == "met"
    # the callback clock restarts at the second close: 2 days
    assert d["callback"].due == t("2026-11-25 09:00") and d["callback"].state == "pending"


def test_rework_over_spring_festival():
    tk = make("complaint", "2026-02-10 09:00",
              ev("close", "2026-02-11 09:00", result="已处理"),
              ev("reopen", "2026-02-13 16:00", by="zhao", note="仍有噪音"), grade="general")
    # 3 workdays from Fri 02-13 16:00: 8h + Sat 02-14 (24) = 32h; 02-15..23 off; Tue 02-24 (56); 16h on Wed.
    assert deadlines(tk, "2026-02-13 16:00")["rework"].due == t("2026-02-25 16:00")


def test_pause_extends_rework():
    # rework 3 workdays from Mon 11-16 10:00 would end Thu 10:00; a pause Tue 10:00 -> Wed 10:00
    # (one working day) moves it to Fri 10:00.
    tk = make("repair", "2026-11-10 09:00",
              ev("dispatch", "2026-11-10 09:02", to="维修部"),
              ev("close", "2026-11-11 15:00", result="已修好"),
              ev("reopen", "2026-11-16 10:00", by="zhao", note="再次漏水"),
              ev("pause", "2026-11-17 10:00", reason="等配件"),
              ev("resume", "2026-11-18 10:00"), category="other")
    assert deadlines(tk, "2026-11-18 10:00")["rework"].due == t("2026-11-20 10:00")


# ---------------------------------------------------------------- requested_by


def test_requested_date_replaces_resolve():
    tk = make("complaint", "2026-11-20 09:30", grade="minor", requested_by="2026-11-25 18:00")
    d = deadlines(tk, "2026-11-24 09:30", policy=ALTERNATIVE)
    assert d["resolve"].due == t("2026-11-25 18:00") and d["resolve"].state == "pending"
    plain = make("complaint", "2026-11-20 09:30", grade="minor")
    assert deadlines(plain, "2026-11-24 09:30", policy=ALTERNATIVE)["resolve"].state == "missed"


def test_requested_date_is_what_the_customer_is_promised():
    tk = make("complaint", "2026-11-20 09:30", grade="general", requested_by="2026-11-21 12:00")
    d = dl.evaluate(tk, STANDARD, CAL, t("2026-11-20 09:30"))
    assert dl.promised(d).name == "resolve" and dl.promised(d).due == t("2026-11-21 12:00")


# ---------------------------------------------------------------- alternative scheme


def test_major_complaint_alternative():
    tk = make("complaint", "2026-09-30 15:00", grade="major")
    d = deadlines(tk, "2026-09-30 15:00", policy=ALTERNATIVE)
    assert d["escalate"].due == t("2026-10-01 00:00")  # same (calendar) day
    assert d["answer"].due == t("2026-10-02 15:00")  # 2 clock days
    assert d["resolve"].due == t("2026-10-10 15:00")  # 10 clock days
    assert "resolve_limit" not in d
    assert d["first_reply"].due == t("2026-09-30 17:00")  # shared by every complaint


def test_major_complaint_escalated_in_time_then_closed_and_called_back():
    tk = make("complaint", "2026-11-20 09:30",
              ev("escalate", "2026-11-20 17:00", to="wang", note="重大"),
              ev("close", "2026-11-25 10:00", by="wang", result="已整改"), grade="major")
    d = deadlines(tk, "2026-11-25 10:00", policy=ALTERNATIVE)
    assert d["escalate"].state == "met"
    assert d["answer"].state == "late"  # the close came after 2 days with no reply in between
    assert d["callback"].due == t("2026-12-02 10:00")  # within 1 week of rectification


def test_important_complaint_alternative():
    tk = make("complaint", "2026-11-20 09:30", grade="important")
    d = deadlines(tk, "2026-11-20 10:31", policy=ALTERNATIVE)
    assert d["escalate"].due == t("2026-11-20 10:30") and d["escalate"].state == "missed"
    assert d["resolve"].due == t("2026-11-23 09:30")


def test_minor_complaint_alternative_callback_two_weeks():
    tk = make("complaint", "2026-11-20 09:30", ev("close", "2026-11-21 09:30", result="已处理"), grade="minor")
    d = deadlines(tk, "2026-11-21 09:30", policy=ALTERNATIVE)
    assert d["resolve"].due == t("2026-11-22 09:30") and d["resolve"].state == "met"
    assert d["callback"].due == t("2026-12-05 09:30")


def test_escalation_clock_stops_when_the_complaint_is_closed():
    # an important complaint settled within half an hour never needed the supervisor:
    # once closed and called back nothing about it may stay overdue.
    tk = make("complaint", "2026-11-20 09:30",
              ev("close", "2026-11-20 10:00", by="zhao", result="当场解决"),
              ev("callback", "2026-11-21 10:00", method="phone", satisfaction=5, note="满意"), grade="important")
    d = deadlines(tk, "2026-12-20 10:00", policy=ALTERNATIVE)
    assert d["escalate"].state == "met"
    assert not [x.name for x in d.values() if x.state in dl.OPEN_STATES]
    # a major complaint closed the next day without an escalation is recorded late, not missed forever
    tk = make("complaint", "2026-11-20 09:30",
              ev("reply", "2026-11-20 10:00", note="已联系"),
              ev("close", "2026-11-21 10:00", by="wang", result="已整改"), grade="major")
    d = deadlines(tk, "2026-12-20 10:00", policy=ALTERNATIVE)
    assert d["escalate"].state == "late" and d["escalate"].delta == timedelta(hours=10)


# ---------------------------------------------------------------- policy overrides


def test_override_a_length_keeps_level_and_pause():
    policy = build_policy({"deadlines": {"complaint.general": {"resolve": "2 workdays"}}})
    rule = {r.name: r for r in policy.rules_for("complaint", "general")}["resolve"]
    assert rule.level == "target" and rule.pausable and rule.source == "svcctl.yaml"
    tk = make("complaint", "2026-09-30 10:00", grade="general")
    d = deadlines(tk, "2026-09-30 10:00", policy=policy)
    assert d["resolve"].due == t("2026-10-09 10:00")  # 14h + 10-08 + 10h on 10-09
    assert d["resolve_limit"].due == t("2026-10-10 10:00")  # untouched
    # the default table is not changed by an office's override
    assert deadlines(tk, "2026-09-30 10:00")["resolve"].due == t("2026-10-08 10:00")


def test_override_with_a_mapping_and_a_removal():
    policy = build_policy({"deadlines": {
        "repair": {"dispatch": {"within": "10 minutes", "source": "管理处规定"}, "callback": None},
        "repair.safety": {"callback": "1 days"},
    }})
    tk = make("repair", "2026-11-20 09:30", ev("dispatch", "2026-11-20 09:38", to="维修部"),
              ev("close", "2026-11-20 12:00", result="ok"), category="safety")
    d = deadlines(tk, "2026-11-20 12:00", policy=policy)
    assert d["dispatch"].state == "met" and d["dispatch"].source == "管理处规定"
    assert d["callback"].due == t("2026-11-21 12:00")  # the safety rule
    other = make("repair", "2026-11-20 09:30", ev("dispatch", "2026-11-20 09:38", to="维修部"),
                 ev("close", "2026-11-20 12:00", result="ok"), category="other")
    assert "callback" not in deadlines(other, "2026-11-20 12:00", policy=policy)


def test_override_rework_default():
    policy = build_policy({"deadlines": {"*": {"rework": "1 workday"}}})
    tk = make("complaint", "2026-11-16 09:00", ev("close", "2026-11-17 09:00", result="ok"),
              ev("reopen", "2026-11-20 10:00", by="zhao", note="again"), grade="general")
    assert deadlines(tk, "2026-11-20 10:00", policy=policy)["rework"].due == t("2026-11-23 10:00")


@pytest.mark.parametrize("config", [
    {"complaint_scheme": "other"},
    {"deadlines": {"complaint.general": {"resolve": "soon"}}},
    {"deadlines": {"complaint.general": {"resolve": "2 fortnights"}}},
    {"deadlines": {"complaint.general": {"resolve": {"within": "1 day", "from": "breakfast"}}}},
    {"deadlines": {"complaint.general": {"resolve": {"within": "1 day", "level": "severe"}}}},
    {"deadlines": {"complaint.general": "2 workdays"}},
    {"deadlines": {"repair": {"brand_new": {"level": "target"}}}},
])
def test_bad_policy_is_refused_when_loaded(config):
    with pytest.raises(UsageError):
        build_policy(config)


def test_policy_rows_list_every_rule():
    rows = STANDARD.rows()
    keys = {(r["applies_to"], r["deadline"]) for r in rows}
    assert ("complaint.general", "resolve_limit") in keys and ("repair.leak", "callback") in keys
    leak = next(r for r in rows if (r["applies_to"], r["deadline"]) == ("repair.leak", "callback"))
    assert leak["from"] == "leak_test" and leak["within"] == "3 days" and leak["until"] == "callback"


def test_office_calendar_changes_deadlines():
    cal = OfficeCalendar(TZ, extra_workdays=frozenset({date(2026, 10, 7)}))
    tk = make("complaint", "2026-09-30 10:00", grade="general")
    # the office works Wed 10-07: 14h on 09-30, 10h on 10-07
    assert deadlines(tk, "2026-09-30 10:00", cal=cal)["resolve"].due == t("2026-10-07 10:00")
