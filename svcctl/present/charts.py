"""Geometry of the report's charts (a trend line, horizontal bars), for an SVG template.

Only coordinates and labels: the template draws them, so an office may restyle the page
without touching code. Bars, not pies: lengths compare at a glance, angles do not.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT = 680, 258
LEFT, RIGHT, TOP = 40, 12, 14
RATES_BOTTOM = 136  # the rates' panel: 0–100 % between TOP and here
COUNTS_TOP, COUNTS_BOTTOM = 170, 230  # the requests' panel, on an axis of its own counts
NICE = (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)


@dataclass(frozen=True)
class Line:
    name: str
    css: str
    points: tuple[tuple[float, float], ...]  # one segment per run of periods with a value
    segments: tuple[str, ...]  # SVG polyline "x,y x,y" strings


@dataclass(frozen=True)
class Trend:
    """Two panels over one row of periods: the rates against 0–100 %, and below them the
    requests received against a count axis of their own (a count drawn on the percent axis
    would read as a percentage)."""

    width: int
    height: int
    grid: tuple[tuple[float, str], ...]  # (y, label) for 0, 50, 100 %
    ticks: tuple[tuple[float, str], ...]  # (x, period key)
    lines: tuple[Line, ...]
    bars: tuple[tuple[float, float, float, float, str], ...]  # (x, y, w, h, count) received per period
    baseline: float  # the foot of the bars
    right: float
    counts: tuple[tuple[float, str], ...] = ()  # (y, label) of the requests' axis: 0, half, top


def _y(percent: Decimal) -> float:
    return TOP + (100 - float(percent)) / 100 * (RATES_BOTTOM - TOP)


def nice_top(most: int) -> int:
    """The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten) at or
    above ``most``: the top of a count axis, so its middle line is a round number too."""
    scale = 1
    while True:
        for step in NICE:
            top = step * scale
            if top >= most and float(top / 2).is_integer():
                return int(top)
        scale *= 10


def trend(points, names: tuple[str, str]) -> Trend:
    """``points``: (period key, on-time %, callback %, received) oldest first."""
    count = max(len(points), 1)
    step = (WIDTH - LEFT - RIGHT) / count
    xs = [LEFT + step * (i + 0.5) for i in range(count)]
    lines = []
    for index, (name, css) in enumerate(zip(names, ("line-a", "line-b"))):
        segments, run, dots = [], [], []
        for x, point in zip(xs, points):
            value = point[1 + index]
            if value is None:
                if run:
                    segments.append(run)
                run = []
                continue
            run.append((round(x, 1), round(_y(value), 1)))
            dots.append(run[-1])
        if run:
            segments.append(run)
        lines.append(Line(name, css, tuple(dots), tuple(" ".join(f"{x},{y}" for x, y in s) for s in segments)))
    top = nice_top(max((p[3] for p in points), default=0) or 2)
    room = COUNTS_BOTTOM - COUNTS_TOP
    bars = tuple((round(x - step * 0.3, 1), round(COUNTS_BOTTOM - p[3] / top * room, 1), round(step * 0.6, 1),
                  round(p[3] / top * room, 1), str(p[3])) for x, p in zip(xs, points))
    grid = tuple((round(_y(Decimal(v)), 1), f"{v}%") for v in (0, 50, 100))
    counts = tuple((round(COUNTS_BOTTOM - v / top * room, 1), str(v)) for v in (0, top // 2, top))
    ticks = tuple((round(x, 1), p[0]) for x, p in zip(xs, points))
    return Trend(WIDTH, HEIGHT, grid, ticks, tuple(lines), bars, COUNTS_BOTTOM, WIDTH - RIGHT, counts)


@dataclass(frozen=True)
class HBar:
    label: str
    text: str
    width: float  # 0..100, percent of the track


def hbars(bars, scale: float | None = None) -> list[HBar]:
    """Horizontal bars; ``scale`` is the value of a full track (default: the largest)."""
    top = scale or max((b.value for b in bars), default=0) or 1
    return [HBar(b.label, b.text, round(min(b.value / top, 1) * 100, 1)) for b in bars]
