"""Inline SVG line charts: geometry computed here, markup written by the (escaping) template.

No chart library and no script: a series is drawn as one line per period kind (quarters
are not joined to years), every point a link to the sentence it came from, and for a
revised point the value its latest revision replaced as a hollow marker at the same x
(the page's table lists every vintage).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from projections import queries

WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 96, 20, 20, 40
KIND_ORDER = ("year", "half", "quarter", "months", "as_of")


@dataclass(frozen=True, slots=True)
class Point:
    """One plotted value; `cx` and `cy` are its coordinates as written into the SVG."""

    x: float
    y: float
    label: str
    event_id: str
    revised: bool = False
    cx: str = field(init=False)
    cy: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cx", f"{self.x:.1f}")
        object.__setattr__(self, "cy", f"{self.y:.1f}")


@dataclass
class Line:
    """The points of one period kind, joined in time order."""

    kind: str
    css: str
    points: list[Point] = field(default_factory=list)

    @property
    def path(self) -> str:
        """The `points` attribute of an SVG polyline."""
        return " ".join(f"{p.cx},{p.cy}" for p in self.points)


@dataclass
class Chart:
    """Everything the template needs to draw a chart."""

    width: int
    height: int
    lines: list[Line]
    vintages: list[Point]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    baseline: float

    @property
    def empty(self) -> bool:
        """True when there is nothing to draw."""
        return not any(line.points for line in self.lines)


def _t(year: int, month_last: int) -> float:
    return year + month_last / 12.0


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten) covering [lo, hi]."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / n
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step) * step
    count = math.ceil((hi - first) / step) + 1
    return [first + i * step for i in range(count)]


def build_chart(
    points: Sequence[queries.CurrentValue], observations: Sequence[queries.Vintage] | None = None,
    fmt: object = None,
) -> Chart:
    """The chart of one series' current values with earlier vintages as hollow markers: the
    given `observations` that are not a period's current value or, without them, the value
    each revised point replaced."""
    label = fmt if callable(fmt) else (lambda v, u: f"{v} {u}")
    valued = [p for p in points if p.value is not None]
    # (period end, value, hover text, event id) of each earlier vintage drawn
    old: list[tuple[float, Decimal, str, str]] = []
    if observations is None:
        old = [
            (_t(p.year, _last(p)), p.previous_value,
             f"{p.period_key} before its latest revision: {label(p.previous_value, p.unit)}",
             p.previous_event_id)
            for p in valued
            if p.revised and p.previous_value is not None and p.previous_event_id is not None
        ]
    else:
        current = {p.period_key: p.event_id for p in valued}
        old = [
            (_t(o.year, _month_last(o)), o.value,
             f"{o.period_key} as published {o.published_at}: {label(o.value, o.unit)}",
             o.event_id)
            for o in observations
            if o.value is not None and o.period_key in current
            and current[o.period_key] != o.event_id
        ]
    values = [float(p.value) for p in valued if p.value is not None]
    values += [float(v) for _, v, _, _ in old]
    times = [_t(p.year, _last(p)) for p in valued]
    if not values:
        return Chart(WIDTH, HEIGHT, [], [], [], [], float(HEIGHT - BOTTOM))
    lo, hi = min([*values, 0.0]), max(values)
    ticks = _nice_ticks(lo, hi)
    lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])
    t0, t1 = min(times), max(times)
    if t1 - t0 < 1:
        t0, t1 = t0 - 0.5, t1 + 0.5

    def x(t: float) -> float:
        return LEFT + (t - t0) / (t1 - t0) * (WIDTH - LEFT - RIGHT)

    def y(v: float) -> float:
        return TOP + (hi - v) / (hi - lo or 1.0) * (HEIGHT - TOP - BOTTOM)

    lines: dict[str, Line] = {}
    for p in sorted(valued, key=lambda p: (p.year, _last(p))):
        line = lines.setdefault(p.period_kind, Line(p.period_kind, f"k-{p.period_kind}"))
        line.points.append(Point(
            x(_t(p.year, _last(p))), y(float(p.value or 0)),
            f"{p.period_key}: {label(p.value, p.unit)}", p.event_id, revised=p.revised,
        ))
    vintages = [Point(x(t), y(float(v)), text, event_id) for t, v, text, event_id in old]
    years = range(int(t0), int(t1) + 1)
    step = max(1, len(years) // 10)
    return Chart(
        WIDTH, HEIGHT,
        sorted(lines.values(), key=lambda ln: KIND_ORDER.index(ln.kind)
               if ln.kind in KIND_ORDER else 99),
        vintages,
        [(y(v), label(Decimal(str(round(v, 6))), valued[0].unit)) for v in ticks if lo <= v <= hi],
        [(x(float(yr)), str(yr)) for yr in years[::step] if t0 <= yr <= t1],
        y(0.0) if lo <= 0 <= hi else float(HEIGHT - BOTTOM),
    )


def _last(p: queries.CurrentValue) -> int:
    return _month_from_key(p.period_key, p.period_kind)


def _month_last(o: queries.Vintage) -> int:
    return _month_from_key(o.period_key, o.period_kind)


def _month_from_key(key: str, kind: str) -> int:
    """The last month a period covers, from its key (`2020-Q1` -> 3)."""
    if kind == "quarter":
        return 3 * int(key[-1])
    if kind == "half":
        return 6 * int(key[-1])
    if kind in ("months", "as_of"):
        return int(key[-2:])
    return 12
