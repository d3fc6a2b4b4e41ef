"""A report's figures as the documented JSON contract (README, "Reports").

Stable English keys, numbers as numbers, times as ISO 8601. No complainant and no
complaint's unit appears; free text (a pause reason) is masked like every listing, the
complainant's own name with it.
"""
from __future__ import annotations

from decimal import Decimal

from ..core.timeutil import iso
from ..reports.figures import Headline, Rate, Report
from . import privacy


def _num(value: Decimal | None):
    return None if value is None else float(value)


def rate(r: Rate) -> dict:
    return {"n": r.n, "total": r.total, "percent": _num(r.percent)}


def headline(h: Headline) -> dict:
    return {
        "received": h.received, "on_time": rate(h.on_time), "callbacks": rate(h.callbacks),
        "satisfaction": _num(h.satisfaction), "first_fix": rate(h.first_fix), "complaints": h.complaints,
        "complaints_per_100": _num(h.complaints_per_100), "backlog": h.backlog,
    }


def _rows(pairs, key: str) -> list[dict]:
    return [{key: k, **rate(r)} for k, r in pairs]


def _counts(pairs, key: str) -> list[dict]:
    return [{key: k, "count": n} for k, n in pairs]


def customers_of(report: Report) -> set:
    """The customers whose tickets' free text a report quotes (an open complaint's pause
    reason or reopen note): their names are hidden in it."""
    return {o.view.customer for o in report.complaints.open_at_end}


def data(report: Report, office_name: str, on_file: dict | None = None) -> dict:
    """``on_file``: customer id → their name and numbers (``privacy.known_of``)."""
    p = report.period
    t, c, s, f, v, k, b = (report.on_time, report.callbacks, report.satisfaction, report.first_fix, report.volume,
                           report.complaints, report.backlog)
    missing = lambda items: [{"ticket": m.view.id, "type": m.view.type, "due": iso(m.due),  # noqa: E731
                              "made_at": iso(m.made_at)} for m in items]
    return {
        "report": report.kind, "office": office_name,
        "period": {"kind": p.kind, "key": p.key, "start": iso(p.start), "end": iso(p.end)},
        # When the records were read: the period end, or the time of the report while it runs
        # (never the run time of an ended period, so its report reads the same every time).
        "read_at": iso(report.end), "running": report.running,
        "settings": {"first_fix_window_days": report.settings.first_fix_window.days,
                     "recurring_window_days": report.settings.recurring_window.days},
        "headline": headline(report.headline),
        "previous": {"period": report.previous_period.key, **headline(report.previous)},
        "trend": [{"period": period.key, **headline(h)} for period, h in report.trend],
        "on_time": {
            "overall": rate(t.overall), "by_deadline": _rows(t.by_kind, "deadline"),
            "by_department": _rows(t.by_department, "department"), "by_staff": _rows(t.by_staff, "staff"),
            "missed": [{"ticket": o.view.id, "type": o.view.type, "deadline": o.deadline.name,
                        "level": o.deadline.level, "due": iso(o.due), "stopped_at": iso(o.deadline.stopped_at),
                        "owner": o.owner, "department": o.department,
                        "cancelled": o.view.status == "cancelled"} for o in t.missed],
        },
        "callbacks": {"rate": rate(c.rate), "target_percent": 100, "missing": missing(c.missing),
                      "paid": rate(c.paid), "paid_missing": missing(c.paid_missing)},
        "satisfaction": {
            "scores": {str(score): n for score, n in s.scores}, "callbacks": s.callbacks, "scored": s.scored,
            "average": _num(s.average),
            "by_closer": [{"staff": who, "callbacks": n, "average": _num(avg)} for who, n, avg in s.by_closer],
            "unresolved": list(s.unresolved), "reopened": list(s.reopened),
        },
        "first_fix": {**rate(f.rate), "provisional_until": iso(f.provisional_until), "reopened": list(f.reopened)},
        "volume": {
            "received": v.received, "by_type": _counts(v.by_type, "type"), "by_grade": _counts(v.by_grade, "grade"),
            "by_category": _counts(v.by_category, "category"), "by_channel": _counts(v.by_channel, "channel"),
            "by_department": _counts(v.by_department, "department"), "by_staff": _counts(v.by_staff, "staff"),
            "cancelled": list(v.cancelled), "finished": v.finished,
        },
        "complaints": {
            "received": k.received, "valid": k.valid, "by_grade": _counts(k.by_grade, "grade"),
            "by_category": _counts(k.by_category, "category"), "households": k.households,
            "per_100_households": _num(k.per_100), "target_per_100_below": 1,
            "carried_over": k.carried_over, "new": k.new, "finished": k.finished, "cancelled": k.cancelled,
            "open_at_end": [{"ticket": o.view.id, "grade": o.view.grade, "received_at": iso(o.view.received_at),
                             "age_days": o.age_days, "reason": o.reason,
                             "detail": privacy.text(o.detail, privacy.known_in(on_file, o.view)),
                             "overdue": list(o.overdue)} for o in k.open_at_end],
        },
        "recurring": [{"kind": r.kind, "place": r.place, "category": r.category,
                       "tickets": [{"id": tid, "received_at": iso(at)} for tid, at in r.tickets]}
                      for r in report.recurring],
        "backlog": {
            "open": b.open, "by_age": [{"from_days": lo, "to_days": hi, "count": n} for (lo, hi), n in b.by_age],
            "received": b.received, "finished": b.finished, "net": b.net,
            "callbacks_owed": [{"ticket": view.id, "type": view.type, "due": iso(due), "state": state}
                               for view, due, state in b.callbacks_owed],
        },
    }
