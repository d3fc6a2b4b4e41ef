"""OfficeCalendar against the real 2026 State Council schedule (from the ``holidays`` package).

2026 facts used below (checked against holidays 0.109):
  Spring Festival: days off Sun 02-15 .. Mon 02-23; Sat 02-14 and Sat 02-28 are working days (调休).
  Mid-Autumn:      Fri 09-25 off.
  National Day:    days off Thu 10-01 .. Wed 10-07; Sun 09-20 and Sat 10-10 are working days.
  New Year:        Thu 01-01, Fri 01-02 off; Sun 01-04 is a working day.
  2027:            no published schedule in the installed package.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from svcctl.core.calendar import OfficeCalendar

TZ = ZoneInfo("Asia/Shanghai")
CAL = OfficeCalendar(TZ)
H = timedelta(hours=1)
WD = timedelta(days=1)  # one working day is 24 counted hours


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def workdays(start: str, n: int, cal: OfficeCalendar = CAL, pauses=()) -> datetime | None:
    return cal.advance(t(start), n * WD, working_only=True, pauses=pauses)


# ---------------------------------------------------------------- is_working_day


@pytest.mark.parametrize("day", [
    "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
    "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",  # Spring Festival break
    "2026-09-25",  # Mid-Autumn (a Friday)
    "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07",
    "2026-01-01", "2026-01-02",
    "2026-11-21", "2026-11-22",  # an ordinary weekend
])
def test_days_off_2026(day):
    assert not CAL.is_working_day(date.fromisoformat(day))


@pytest.mark.parametrize("day", [
    "2026-02-14", "2026-02-28",  # Saturdays worked for the Spring Festival
    "2026-09-20",  # Sunday worked for National Day
    "2026-10-10",  # Saturday worked for National Day
    "2026-01-04",  # Sunday worked for New Year
    "2026-02-13", "2026-02-24", "2026-09-24", "2026-09-30", "2026-10-08", "2026-10-09",
    "2026-11-20",  # an ordinary Friday
])
def test_working_days_2026(day):
    assert CAL.is_working_day(date.fromisoformat(day))


def test_holiday_package_agrees_with_the_facts_used_here():
    """Guard: if the installed ``holidays`` ever changes 2026, these tests must be revisited."""
    import holidays

    cn = holidays.China(years=2026)
    assert date(2026, 10, 1) in cn and date(2026, 9, 25) in cn and date(2026, 2, 23) in cn
    assert {date(2026, 2, 14), date(2026, 2, 28), date(2026, 9, 20), date(2026, 10, 10)} <= set(cn.weekend_workdays)


# ---------------------------------------------------------------- published schedule and overrides


def test_schedule_published_for_2026_not_2027():
    assert CAL.schedule_published(2026)
    assert not CAL.schedule_published(2027)


def test_office_days_alone_do_not_count_as_a_published_schedule():
    # one office day off in 2027 says nothing about the State Council's 调休 for 2027
    cal = OfficeCalendar(TZ, extra_holidays=frozenset({date(2027, 2, 8)}))
    assert not cal.schedule_published(2027)


def test_schedule_years_count_as_a_published_schedule():
    cal = OfficeCalendar(TZ, extra_holidays=frozenset({date(2027, 2, 8)}), schedule_years=frozenset({2027}))
    assert cal.schedule_published(2027)
    assert not cal.schedule_published(2028)


def test_2027_without_schedule_is_weekdays():
    assert CAL.is_working_day(date(2027, 3, 3))  # Wednesday
    assert not CAL.is_working_day(date(2027, 3, 6))  # Saturday


def test_office_extra_holiday_and_workday():
    cal = OfficeCalendar(TZ, extra_holidays=frozenset({date(2026, 11, 20)}),
                         extra_workdays=frozenset({date(2026, 11, 22), date(2026, 10, 3)}))
    assert not cal.is_working_day(date(2026, 11, 20))  # a Friday the office closes
    assert cal.is_working_day(date(2026, 11, 22))  # a Sunday the office opens
    assert cal.is_working_day(date(2026, 10, 3))  # even inside the National Day break
    assert CAL.is_working_day(date(2026, 11, 20))  # the plain calendar is unaffected


def test_office_corrects_a_day_and_deadlines_follow():
    # The office adds 10-08 as a day off: Wed 09-30 10:00 + 1 workday = 14h on 09-30,
    # 10-01..10-08 off, so the last 10h are on Fri 10-09.
    cal = OfficeCalendar(TZ, extra_holidays=frozenset({date(2026, 10, 8)}))
    assert workdays("2026-09-30 10:00", 1, cal) == t("2026-10-09 10:00")
    # The office works Sun 11-22: Fri 11-20 10:00 + 1 workday ends Sun 10:00, not Mon.
    cal = OfficeCalendar(TZ, extra_workdays=frozenset({date(2026, 11, 22)}))
    assert workdays("2026-11-20 10:00", 1, cal) == t("2026-11-22 10:00")


# ---------------------------------------------------------------- advance: working days


def test_one_workday_from_friday_is_monday():
    assert workdays("2026-11-20 10:00", 1) == t("2026-11-23 10:00")


def test_workday_within_a_week():
    assert workdays("2026-11-17 09:00", 1) == t("2026-11-18 09:00")
    assert workdays("2026-11-16 09:00", 3) == t("2026-11-19 09:00")


def test_national_day_break():
    # 14h on Wed 09-30, 10-01..10-07 off, 10h on Thu 10-08.
    assert workdays("2026-09-30 10:00", 1) == t("2026-10-08 10:00")
    # 14h (09-30) + 24h (10-08) + 24h (10-09) + 10h on Sat 10-10, a working day.
    assert workdays("2026-09-30 10:00", 3) == t("2026-10-10 10:00")
    # one more: Sun 10-11 is off, so Mon 10-12.
    assert workdays("2026-09-30 10:00", 4) == t("2026-10-12 10:00")


def test_spring_festival_break_and_substituted_saturdays():
    # 9h on Fri 02-13, then Sat 02-14 is a working day: due there at 15:00.
    assert workdays("2026-02-13 15:00", 1) == t("2026-02-14 15:00")
    # from the substituted Saturday itself: 14h on 02-14, 02-15..02-23 off, Tue 02-24 10:00.
    assert workdays("2026-02-14 10:00", 1) == t("2026-02-24 10:00")
    # 5 workdays from Fri 02-13 10:00: 14 + 24 (02-14) + 24*3 (02-24..26) = 110h, 10h on Fri 02-27.
    assert workdays("2026-02-13 10:00", 5) == t("2026-02-27 10:00")
    # 7: + 02-27 + Sat 02-28 (working) = 158h; Sun 03-01 off; 10h on Mon 03-02.
    assert workdays("2026-02-13 10:00", 7) == t("2026-03-02 10:00")


def test_substituted_sunday_before_national_day():
    # 8h on Fri 09-18, Sat 09-19 off, Sun 09-20 is worked: 16h into it.
    assert workdays("2026-09-18 16:00", 1) == t("2026-09-20 16:00")


def test_mid_autumn_friday():
    # 14h on Thu 09-24, Fri 09-25 (Mid-Autumn) and the weekend off: Mon 09-28 10:00.
    assert workdays("2026-09-24 10:00", 1) == t("2026-09-28 10:00")


def test_received_on_a_day_off_counts_from_next_working_day():
    # Sat 10-03 is inside the break: the clock starts Thu 10-08 00:00 and runs a full day.
    assert workdays("2026-10-03 10:00", 1) == t("2026-10-09 00:00")
    # an ordinary Saturday: due by the end of Monday
    assert workdays("2026-11-21 15:00", 1) == t("2026-11-24 00:00")


def test_workday_ending_at_midnight():
    assert workdays("2026-11-20 00:00", 1) == t("2026-11-21 00:00")


def test_start_in_another_offset_is_read_in_office_time():
    start = datetime.fromisoformat("2026-11-20T02:00:00+00:00")  # 10:00 in Shanghai
    due = CAL.advance(start, WD, working_only=True)
    assert due == t("2026-11-23 10:00")
    assert due.utcoffset() == timedelta(hours=8)


# ---------------------------------------------------------------- advance: clock time


def test_plain_hours_run_through_holidays():
    assert CAL.advance(t("2026-10-01 10:00"), 2 * H, working_only=False) == t("2026-10-01 12:00")
    assert CAL.advance(t("2026-09-30 20:00"), timedelta(days=3), working_only=False) == t("2026-10-03 20:00")


def test_zero_length_is_the_start():
    assert CAL.advance(t("2026-10-02 14:00"), timedelta(0), working_only=False) == t("2026-10-02 14:00")


# ---------------------------------------------------------------- pauses


def test_pause_stops_a_workday_clock():
    # Mon 11-16 10:00 + 1 workday, paused 12:00-15:00: 3h more, Tue 11-17 13:00.
    pauses = ((t("2026-11-16 12:00"), t("2026-11-16 15:00")),)
    assert workdays("2026-11-16 10:00", 1, pauses=pauses) == t("2026-11-17 13:00")


def test_pause_over_a_weekend_costs_only_working_time():
    # Fri 11-20 09:30 + 1 workday; paused Fri 12:00 -> Mon 12:00. Counted: 2.5h Fri, then
    # Mon 12:00-24:00 (12h), then 9.5h on Tue: Tue 11-24 09:30.
    pauses = ((t("2026-11-20 12:00"), t("2026-11-23 12:00")),)
    assert workdays("2026-11-20 09:30", 1, pauses=pauses) == t("2026-11-24 09:30")


def test_pause_in_plain_time():
    pauses = ((t("2026-11-20 10:30"), t("2026-11-20 11:00")),)
    assert CAL.advance(t("2026-11-20 10:00"), 2 * H, working_only=False, pauses=pauses) == t("2026-11-20 12:30")


def test_several_pauses_add_up():
    pauses = ((t("2026-11-20 10:30"), t("2026-11-20 11:00")), (t("2026-11-20 11:15"), t("2026-11-20 11:45")))
    assert CAL.advance(t("2026-11-20 10:00"), 2 * H, working_only=False, pauses=pauses) == t("2026-11-20 13:00")


def test_open_pause_holds_the_clock():
    pauses = ((t("2026-11-20 12:00"), None),)
    assert workdays("2026-11-20 09:30", 1, pauses=pauses) is None


def test_open_pause_after_the_due_time_does_not_hide_it():
    # due Mon 11-23 09:30; the pause starts later, so the due time stands.
    pauses = ((t("2026-11-23 12:00"), None),)
    assert workdays("2026-11-20 09:30", 1, pauses=pauses) == t("2026-11-23 09:30")


def test_pause_before_the_start_is_ignored():
    pauses = ((t("2026-11-19 09:00"), t("2026-11-19 17:00")),)
    assert workdays("2026-11-20 10:00", 1, pauses=pauses) == t("2026-11-23 10:00")


def test_pause_running_at_the_start_delays_it():
    # paused since Thu; resumed Fri 11:00: the clock starts at 11:00 instead of 10:00.
    pauses = ((t("2026-11-19 09:00"), t("2026-11-20 11:00")),)
    assert workdays("2026-11-20 10:00", 1, pauses=pauses) == t("2026-11-23 11:00")


def test_pause_during_a_holiday_costs_nothing():
    # the whole pause lies inside the National Day break: no working time is lost.
    pauses = ((t("2026-10-02 09:00"), t("2026-10-05 18:00")),)
    assert workdays("2026-09-30 10:00", 1, pauses=pauses) == t("2026-10-08 10:00")


# ---------------------------------------------------------------- end of day


def test_end_of_day():
    assert CAL.end_of_day(t("2026-10-01 15:00")) == t("2026-10-02 00:00")
    assert CAL.end_of_day(t("2026-12-31 23:59")) == t("2027-01-01 00:00")
    # 17:00 UTC is already 01:00 next day in Shanghai
    assert CAL.end_of_day(datetime.fromisoformat("2026-11-20T17:00:00+00:00")) == t("2026-11-22 00:00")


def test_zero_length_pause_next_to_an_open_one():
    # pause 10:00, resume 10:00 (a slip), pause again 10:00 and still paused: the clock is held.
    # Two pauses starting at the same instant must not break the sort (one has no end yet).
    pauses = ((t("2026-11-20 10:00"), t("2026-11-20 10:00")), (t("2026-11-20 10:00"), None))
    assert workdays("2026-11-20 09:30", 1, pauses=pauses) is None
    resumed = ((t("2026-11-20 10:00"), t("2026-11-20 10:00")), (t("2026-11-20 10:00"), t("2026-11-20 11:00")))
    assert workdays("2026-11-20 09:30", 1, pauses=resumed) == t("2026-11-23 10:30")
