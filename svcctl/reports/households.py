"""How many households an office served at a moment, the base of complaints per 100 households.

A period that has ended is read as the records stood at its end, its household count too:
svcctl.yaml's ``households:`` as it was committed then, else the units in the customer files
that were on file then. A customer file counts from its ``created`` time; one written before
svcctl recorded that time counts from the start.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Households:
    # svcctl.yaml's households: in the working file now, and as each commit left it (oldest first)
    current: int | None = None
    committed: tuple[tuple[datetime, int | None], ...] = ()
    always: int = 0  # units on files with no creation time
    since: tuple[datetime, ...] = ()  # when each other unit first came on file, in order

    def setting(self, when: datetime) -> int | None:
        """``households:`` as it stood at ``when``. The working file unless the setting was
        committed again after ``when``; then the last value committed before it. Where git
        history begins after ``when`` (records kept in git only since, or read at a pinned
        clock), nothing older is known and the working file stands."""
        if not any(at >= when for at, _ in self.committed):
            return self.current
        before = [value for at, value in self.committed if at < when]
        return before[-1] if before else self.current

    def units(self, when: datetime) -> int:
        """The units on customer files written before ``when``."""
        return self.always + bisect.bisect_left(self.since, when)

    def at(self, when: datetime) -> int:
        return self.setting(when) or self.units(when)


def from_customers(customers, read_time) -> tuple[int, tuple[datetime, ...]]:
    """(units with no creation time, the time each other unit first came on file), from the
    customer records; a unit on two files counts once, from the earlier."""
    first: dict[str, datetime | None] = {}
    for customer in customers:
        created = customer.get("created")
        when = read_time(created) if created else None
        for unit in customer.get("units") or ():
            if unit not in first or (first[unit] is not None and (when is None or when < first[unit])):
                first[unit] = when
    dated = sorted(when for when in first.values() if when is not None)
    return len(first) - len(dated), tuple(dated)
