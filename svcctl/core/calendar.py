"""The office calendar: which days are working days, and deadline arithmetic on it.

A working day is Monday to Friday, minus the Chinese statutory days off, plus the
weekend days the State Council declares working days (调休); the schedule comes from the
``holidays`` package and the office can add or correct days in ``svcctl.yaml``.

Counting rules (the README repeats them for the office):

* ``N minutes|hours|days``: plain clock time; holidays do not stop the clock.
* ``N workdays``: only time that falls on working days counts, so "within 1 working day"
  from Friday 10:00 ends Monday 10:00 (or later, when Monday is a holiday). A request
  received on a day off starts counting at 00:00 of the next working day, so it is due
  by the end of that day.
* ``same day``: the end of the calendar day the clock started on.
* A pause stops the clock of the deadlines that honour pauses for as long as it lasts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache

DAY = timedelta(days=1)


# Schedules already known, by year: (days off, weekend working days, published). Importing
# ``holidays`` takes longer than a whole command, so the store keeps what it gave in a small
# file per release of the package and puts it here (store.schedules); years not found are
# asked of the package and added.
KNOWN: dict[int, tuple] = {}


def china_schedule(year: int):
    """The State Council schedule of ``year``: (days off, weekend working days, published)."""
    found = KNOWN.get(year)
    if found is None:
        found = KNOWN[year] = _ask_holidays(year)
    return found



@lru_cache(maxsize=None)
def _ask_holidays(year: int):
    import holidays

    cn = holidays.China(years=year)
    published = year in getattr(cn, "special_public_holidays", {})
    return frozenset(cn.keys()), frozenset(d for d in cn.weekend_workdays if d.year == year), published


@dataclass(frozen=True)
class OfficeCalendar:
    tz: tzinfo
    extra_holidays: frozenset = field(default_factory=frozenset)
    extra_workdays: frozenset = field(default_factory=frozenset)
    # Years whose full State Council schedule the office entered itself (calendar.schedule_years).
    schedule_years: frozenset = frozenset()

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        days_off, weekend_workdays, _ = china_schedule(day.year)
        if day in weekend_workdays:
            return True
        return day.weekday() < 5 and day not in days_off

    def schedule_published(self, year: int) -> bool:
        """False when the ``holidays`` package has no State Council schedule for ``year`` and
        the office has not declared it entered one (``calendar.schedule_years``): the days off
        then follow the fixed-date rules only and 调休 is unknown. A single office day off
        does not make a year's schedule known."""
        if year in self.schedule_years:
            return True
        return china_schedule(year)[2]

    def _day_start(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self.tz)

    def advance(
        self,
        start: datetime,
        amount: timedelta,
        *,
        working_only: bool,
        pauses: tuple[tuple[datetime, datetime | None], ...] = (),
    ) -> datetime | None:
        """The instant at which ``amount`` of counted time has passed since ``start``.

        Time counts unless it lies in a pause or, with ``working_only``, on a day that is
        not a working day. Returns None when an open pause holds the clock forever.
        """
        remaining = amount
        cursor = start.astimezone(self.tz)
        pauses = tuple(sorted(((p, r) for p, r in pauses if r is None or r > cursor), key=lambda pause: pause[0]))
        for _ in range(3660):  # ten years of days is far past any office deadline
            local_day = cursor.date()
            day_end = self._day_start(local_day + DAY)
            segment_end = day_end
            counting = not working_only or self.is_working_day(local_day)
            for p_start, p_end in pauses:
                if p_start <= cursor and (p_end is None or p_end > cursor):
                    counting = False
                    if p_end is None:
                        return None
                    segment_end = min(segment_end, p_end)
                    break
                if cursor < p_start < segment_end:
                    segment_end = p_start
            if counting:
                span = segment_end - cursor
                if span >= remaining:
                    return cursor + remaining
                remaining -= span
            cursor = segment_end
        raise ValueError("deadline lies more than ten years ahead")

    def end_of_day(self, start: datetime) -> datetime:
        local = start.astimezone(self.tz)
        return self._day_start(local.date() + DAY)
