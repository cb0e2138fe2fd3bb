"""Inline SVG charts of the dashboard: salary range bars, the salary histogram, weekly quartile lines.

Pure functions from numbers to `Markup` (every text inside is escaped here); no queries, no templates.
The SVGs scale with their container (viewBox, no fixed width) and carry a <title> per mark for tooltips.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from api.money import format_usd
from models.schemas import HistogramBucketOut, HistoryPointOut

# One palette for every page (the CSS repeats these): ranges and bars blue, the median dark navy.
RANGE = "#5b8def"
MEDIAN = "#14213d"
QUARTILE = "#93b4f5"
GRID = "#e3e7ef"
AXIS_TEXT = "#5a6478"


def nice_ticks(low: float, high: float, count: int = 5, *, integer: bool = False) -> list[float]:
    """Round tick values covering [low, high], about `count` of them, steps of 1, 2, 2.5 or 5 x 10^n
    (whole steps only when `integer`: counts of postings).

    >>> nice_ticks(83_000, 212_000)
    [50000.0, 100000.0, 150000.0, 200000.0, 250000.0]
    >>> nice_ticks(0, 7, 4), nice_ticks(0, 7, 4, integer=True), nice_ticks(0, 1, integer=True)
    ([0.0, 2.5, 5.0, 7.5], [0.0, 5.0, 10.0], [0.0, 1.0])
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw_step = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    steps = [m * magnitude for m in (1, 2, 2.5, 5, 10)]
    if integer:
        steps = [max(round(step), 1) for step in steps if step >= 1 and step == round(step)] or [1]
    step = next((step for step in steps if step >= raw_step), steps[-1])
    first = math.floor(low / step) * step
    ticks = [first]
    while ticks[-1] < high - 1e-9 * step:
        ticks.append(first + len(ticks) * step)
    return [float(round(t, 10)) for t in ticks]


@dataclass(frozen=True, slots=True)
class Scale:
    """A linear map from values in [low, high] to pixels in [start, end]."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = self.high - self.low or 1.0
        clamped = min(max(value, self.low), self.high)
        return round(self.start + (clamped - self.low) / span * (self.end - self.start), 2)


def range_domain(ranges: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """A shared, round domain for range bars covering every (p25, p75), so rows compare at a glance."""
    if not ranges:
        return 0.0, 1.0
    ticks = nice_ticks(min(lo for lo, _ in ranges), max(hi for _, hi in ranges))
    return ticks[0], ticks[-1]


# Range bars and their axis are laid out in percent of the row's width (no viewBox), so they stretch to any
# screen without distorting the median mark or the labels.
RANGE_START, RANGE_END = 1.5, 98.5


def range_bar(p25: float, p50: float, p75: float, domain: tuple[float, float]) -> Markup:
    """One category's p25-p75 salary range as a bar with the median marked, on a domain shared by all rows."""
    x = Scale(domain[0], domain[1], RANGE_START, RANGE_END)
    label = f"25th percentile {format_usd(p25)}, median {format_usd(p50)}, 75th percentile {format_usd(p75)}"
    left, right, middle = x(p25), x(p75), x(p50)
    # the p25-p75 figures beside the bar, on the side with more room
    text = f"{format_usd(p25)} – {format_usd(p75)}"
    after = 100 - right >= left
    beside = (
        f'<text class="range-label" x="{right + 1.2 if after else left - 1.2:.2f}%" y="16" font-size="11" '
        f'fill="{AXIS_TEXT}" text-anchor="{"start" if after else "end"}">{escape(text)}</text>'
    )
    return Markup(
        f'<svg class="chart range-bar" width="100%" height="24" role="img" aria-label="{escape(label)}">'
        f'<line class="track" x1="{RANGE_START}%" x2="{RANGE_END}%" y1="12" y2="12" stroke="{GRID}" '
        'stroke-width="2"/>'
        f'<rect class="range" x="{left}%" y="5" width="{max(right - left, 0.5):.2f}%" height="14" rx="3" '
        f'fill="{RANGE}"><title>{escape(label)}</title></rect>'
        f'<line class="median" x1="{middle}%" x2="{middle}%" y1="1" y2="23" stroke="{MEDIAN}" stroke-width="3">'
        f"<title>median {escape(format_usd(p50))}</title></line>"
        f"{beside}</svg>"
    )


def range_axis(domain: tuple[float, float]) -> Markup:
    """The tick labels under a column of range bars (same horizontal layout as `range_bar`)."""
    x = Scale(domain[0], domain[1], RANGE_START, RANGE_END)
    ticks = [t for t in nice_ticks(*domain) if domain[0] <= t <= domain[1]]
    parts = [
        '<svg class="chart range-axis" width="100%" height="20" role="img" '
        'aria-label="axis: annual salary in US dollars">'
    ]
    for i, tick in enumerate(ticks):
        anchor = "start" if i == 0 else "end" if i == len(ticks) - 1 else "middle"
        parts.append(
            f'<line x1="{x(tick)}%" x2="{x(tick)}%" y1="0" y2="4" stroke="{AXIS_TEXT}"/>'
            f'<text x="{x(tick)}%" y="17" text-anchor="{anchor}" fill="{AXIS_TEXT}" font-size="{FONT}">'
            f"{escape(format_usd(tick))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


# The larger charts: a fixed coordinate system, scaled as a whole by the browser.
# About the size they are shown at on a laptop, so 12-13 px text stays 12-13 px.
WIDTH, HEIGHT = 560, 300
LEFT, RIGHT, TOP, BOTTOM = 72, 18, 14, 54
FONT = 12


def _frame(kind: str, label: str) -> list[str]:
    return [
        f'<svg class="chart {kind}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}" '
        'font-family="system-ui, sans-serif">',
        f"<title>{escape(label)}</title>",
    ]


def _y_axis(y: Scale, ticks: Sequence[float], text: str, *, money: bool) -> list[str]:
    parts = []
    for tick in ticks:
        shown = format_usd(tick) if money else f"{tick:g}"
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick)}" y2="{y(tick)}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4}" text-anchor="end" fill="{AXIS_TEXT}" font-size="{FONT}">'
            f"{escape(shown)}</text>"
        )
    middle = (TOP + HEIGHT - BOTTOM) / 2
    parts.append(
        f'<text class="axis-title" x="14" y="{middle}" transform="rotate(-90 14 {middle})" text-anchor="middle" '
        f'fill="{AXIS_TEXT}" font-size="{FONT + 1}">{escape(text)}</text>'
    )
    return parts


def _x_title(text: str) -> str:
    return (
        f'<text class="axis-title" x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 8}" text-anchor="middle" '
        f'fill="{AXIS_TEXT}" font-size="{FONT + 1}">{escape(text)}</text>'
    )


def salary_histogram(buckets: Sequence[HistogramBucketOut]) -> Markup:
    """Postings per annual USD salary bucket: one bar per bucket (empty ones too), axes labelled."""
    if not buckets:
        return Markup("")
    counts = [b.count for b in buckets]
    y_ticks = nice_ticks(0, max(max(counts), 1), 5, integer=True)
    y = Scale(0, y_ticks[-1], HEIGHT - BOTTOM, TOP)
    slot = (WIDTH - LEFT - RIGHT) / len(buckets)
    parts = _frame("histogram", "Histogram of annual salaries in US dollars")
    parts += _y_axis(y, y_ticks, "Postings", money=False)
    every = math.ceil(len(buckets) / 8)  # at most ~8 edge labels: they never overlap
    for i, bucket in enumerate(buckets):
        left = round(LEFT + i * slot + 1, 2)
        top = y(bucket.count)
        postings = "posting" if bucket.count == 1 else "postings"
        tip = f"{format_usd(bucket.lo)} to {format_usd(bucket.hi)}: {bucket.count} {postings}"
        parts.append(
            f'<rect class="bar" x="{left}" y="{top}" width="{round(slot - 2, 2)}" '
            f'height="{round(HEIGHT - BOTTOM - top, 2)}" fill="{RANGE}" data-count="{bucket.count}">'
            f"<title>{escape(tip)}</title></rect>"
        )
        if i % every == 0:
            parts.append(
                f'<text x="{round(LEFT + i * slot, 2)}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                f'fill="{AXIS_TEXT}" font-size="{FONT}">{escape(format_usd(bucket.lo))}</text>'
            )
    last_label = (len(buckets) - 1) // every * every
    if (len(buckets) - last_label) * slot >= 40:  # room for the right edge's label beside the last one
        parts.append(
            f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" fill="{AXIS_TEXT}" '
            f'font-size="{FONT}">{escape(format_usd(buckets[-1].hi))}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM}" stroke="{AXIS_TEXT}"/>'
    )
    parts.append(_x_title("Annual salary, USD (midpoint of each posting's range)"))
    parts.append("</svg>")
    return Markup("".join(parts))


SERIES = (("p75", "75th percentile", QUARTILE), ("p50", "median", MEDIAN), ("p25", "25th percentile", QUARTILE))


def trim_history(points: Sequence[HistoryPointOut]) -> list[HistoryPointOut]:
    """The points from the first bucket with quartiles on: empty weeks before any data say nothing."""
    for i, point in enumerate(points):
        if point.p50 is not None:
            return list(points[i:])
    return []


def _month_label(day: date) -> str:
    return day.strftime("%b %Y") if day.month == 1 else day.strftime("%b %-d")


def salary_history_chart(points: Sequence[HistoryPointOut]) -> Markup:
    """Weekly p25 / median / p75 lines (annual USD); a gap where a week had too few salaries.

    One <circle class="point"> per series per bucket with quartiles, so the marks are countable.
    """
    known = [p for p in points if p.p25 is not None and p.p50 is not None and p.p75 is not None]
    if not known:
        return Markup("")
    values = [v for p in known for v in (p.p25, p.p75) if v is not None]
    y_ticks = nice_ticks(min(values), max(values), 5)
    y = Scale(y_ticks[0], y_ticks[-1], HEIGHT - BOTTOM, TOP)
    inner = WIDTH - LEFT - RIGHT
    slot = inner / max(len(points) - 1, 1)

    def x(i: int) -> float:
        return round(LEFT + (i * slot if len(points) > 1 else inner / 2), 2)

    parts = _frame("history", "Weekly salary quartiles over time, annual US dollars")
    parts += _y_axis(y, y_ticks, "Annual salary, USD", money=True)
    every = math.ceil(len(points) / 7)
    for i, point in enumerate(points):
        if i % every == 0:
            anchor = "start" if i == 0 and len(points) > 1 else "middle"
            parts.append(
                f'<text x="{x(i)}" y="{HEIGHT - BOTTOM + 16}" text-anchor="{anchor}" fill="{AXIS_TEXT}" '
                f'font-size="{FONT}">{escape(_month_label(point.start))}</text>'
            )
    # the middle half as a shaded band, one polygon per run of consecutive weeks with quartiles
    runs: list[list[int]] = [[]]
    for i, point in enumerate(points):
        if point.p25 is not None and point.p75 is not None:
            runs[-1].append(i)
        elif runs[-1]:
            runs.append([])
    for run in runs:
        if len(run) > 1:
            upper = [f"{x(i)},{y(points[i].p75 or 0.0)}" for i in run]
            lower = [f"{x(i)},{y(points[i].p25 or 0.0)}" for i in reversed(run)]
            parts.append(f'<polygon class="band" points="{" ".join(upper + lower)}" fill="{QUARTILE}" opacity="0.25"/>')
    for key, name, color in SERIES:
        segments: list[list[str]] = [[]]
        marks = []
        for i, point in enumerate(points):
            value = getattr(point, key)
            if value is None:
                segments.append([])
                continue
            segments[-1].append(f"{x(i)},{y(value)}")
            tip = f"week of {point.start.isoformat()}: {name} {format_usd(value)} ({point.count} postings)"
            marks.append(
                f'<circle class="point {key}" cx="{x(i)}" cy="{y(value)}" r="{3.5 if key == "p50" else 2.5}" '
                f'fill="{color}"><title>{escape(tip)}</title></circle>'
            )
        width = 2.5 if key == "p50" else 1.5
        for segment in segments:
            if len(segment) > 1:
                parts.append(
                    f'<polyline class="line {key}" points="{" ".join(segment)}" fill="none" stroke="{color}" '
                    f'stroke-width="{width}" stroke-linejoin="round"/>'
                )
        parts += marks
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM}" stroke="{AXIS_TEXT}"/>'
    )
    parts.append(_x_title("Week (postings open during it)"))
    parts.append("</svg>")
    return Markup("".join(parts))
