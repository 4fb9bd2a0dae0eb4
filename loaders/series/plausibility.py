"""A second look from the series: is a value plausible beside what the series already holds?

Before a value joins a series it is checked against the store's points of that series (and
the other new values of the same issue), with the thresholds of the catalog
(`Indicator.checks_in_force`):
- a total since launch (cumulative) that falls: lower than a total at an earlier date, or
  higher than one at a later date, beyond rounding;
- a value more than `max_ratio` times, or less than 1/`max_ratio`, of its neighbours of the
  same form (the nearest earlier and later periods of the same kind and length, at most
  three lengths away: a month beside months, 1—9 月 beside other 1—9 月);
- a value outside the series' range (a share above 100%, an index below 0);
- a stated growth that disagrees with the growth its stated levels give, beyond the
  tolerance (only where the catalog names the level series: `growth_of`).
A doubt never drops a value: in review it is shown with its reason; in a batch import the
value waits in the unassigned queue with it, unless an editor confirms it.
Bounds (≥, ≤) are no neighbours and get no ratio check: a bound is no value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from loaders.catalog.indicators import Catalog
from loaders.vocab.periods import PeriodError, parse_period, shift_year

# Rounding a brief's figures carry: a total stated as 1.79 may stand for 1.785–1.795.
ROUNDING = 0.005


@dataclass(frozen=True)
class Point:
    """A value of a series: a stored point or a new one."""

    indicator: str
    period: str
    value: float
    qualifier: str = "exact"
    forecast: bool = False


@dataclass(frozen=True)
class Doubt:
    reason: str  # cumulative_falls | ratio | out_of_range | growth_disagrees
    detail: str  # in Chinese, for the reviewer


def _form(period: str) -> tuple[str, int] | None:
    """The form of a period: its kind and its length in months (days for a day)."""
    try:
        parsed = parse_period(period)
    except PeriodError:
        return None
    if parsed.kind == "day":
        return ("day", 0)
    months = (parsed.end.year - parsed.start.year) * 12 + parsed.end.month - parsed.start.month + 1
    return (parsed.kind, months)


def _end(period: str) -> date:
    return parse_period(period).end


def _fmt(value: float) -> str:
    return f"{value:,.6g}"


def _cumulative_falls(point: Point, others: Sequence[Point], unit: str) -> Doubt | None:
    end = _end(point.period)
    for other in others:
        if other.qualifier in ("more_than", "less_than") or other.period == point.period:
            continue
        other_end = _end(other.period)
        if other_end < end and other.value > point.value * (1 + ROUNDING):
            return Doubt(
                "cumulative_falls",
                f"累计总量不会减少：低于 {other.period} 的 {_fmt(other.value)} {unit}",
            )
        if other_end > end and other.value < point.value * (1 - ROUNDING):
            return Doubt(
                "cumulative_falls",
                f"累计总量不会减少：高于其后 {other.period} 的 {_fmt(other.value)} {unit}",
            )
    return None


# A neighbour lies within this many lengths of the period: a year within three years, a
# month within three months. A series that grows fast (a market at 40 % a year) may well
# be five times bigger five years on.
NEIGHBOUR_SPAN = 3


def _steps_apart(a: str, b: str) -> float:
    """How many lengths of a's period lie between the ends of a and b."""
    parsed = parse_period(a)
    length = max(1, (parsed.end - parsed.start).days + 1)
    return abs((_end(b) - parsed.end).days) / length


def _neighbours(point: Point, others: Sequence[Point]) -> list[Point]:
    """The nearest earlier and later points of the same form (values, not bounds), no more
    than NEIGHBOUR_SPAN lengths of the period away."""
    form = _form(point.period)
    end = _end(point.period)
    same = [
        o
        for o in others
        if o.period != point.period
        and o.qualifier in ("exact", "approx")
        and not o.forecast
        and _form(o.period) == form
        and o.value > 0
        and _steps_apart(point.period, o.period) <= NEIGHBOUR_SPAN
    ]
    before = [o for o in same if _end(o.period) < end]
    after = [o for o in same if _end(o.period) > end]
    found = []
    if before:
        found.append(max(before, key=lambda o: _end(o.period)))
    if after:
        found.append(min(after, key=lambda o: _end(o.period)))
    return found


def _ratio(point: Point, others: Sequence[Point], max_ratio: float, unit: str) -> Doubt | None:
    if point.qualifier in ("more_than", "less_than") or point.value <= 0:
        return None
    near = _neighbours(point, others)
    if not near:
        return None
    far = [o for o in near if not 1 / max_ratio <= point.value / o.value <= max_ratio]
    if len(far) < len(near):
        return None  # in line with one neighbour at least
    other = far[0]
    times = point.value / other.value
    said = f"{times:.1f} 倍" if times >= 1 else f"1/{1 / times:.1f}"
    return Doubt(
        "ratio",
        f"是相邻同类期间 {other.period}（{_fmt(other.value)} {unit}）的 {said}",
    )


def _growth(point: Point, levels: Sequence[Point], tolerance: float) -> Doubt | None:
    try:
        year_before = shift_year(point.period, parse_period(point.period).start.year - 1)
    except PeriodError:
        return None
    now = [p for p in levels if p.period == point.period and p.qualifier == "exact"]
    then = [p for p in levels if p.period == year_before and p.qualifier == "exact"]
    if not now or not then or then[0].value <= 0:
        return None
    computed = (now[0].value / then[0].value - 1) * 100
    if abs(computed - point.value) <= tolerance:
        return None
    return Doubt(
        "growth_disagrees",
        f"所报增速 {_fmt(point.value)}% 与两期数值算出的 {computed:.1f}% 相差超过 {tolerance:g} 个百分点",
    )


def doubts(new: Sequence[Point], stored: Iterable[Point], catalog: Catalog) -> list[Doubt | None]:
    """For each new point, the doubt the series casts on it, or None."""
    pool = list(stored) + list(new)
    by_indicator: dict[str, list[Point]] = {}
    for point in pool:
        by_indicator.setdefault(point.indicator, []).append(point)
    out: list[Doubt | None] = []
    for point in new:
        indicator = catalog.get(point.indicator)
        if indicator is None or _form(point.period) is None:
            out.append(None)
            continue
        checks = indicator.checks_in_force()
        others = [o for o in by_indicator.get(point.indicator, []) if o is not point]
        doubt = None
        if checks.minimum is not None and point.value < checks.minimum:
            doubt = Doubt("out_of_range", f"低于该指标的下限 {checks.minimum:g} {indicator.unit}")
        elif checks.maximum is not None and point.value > checks.maximum:
            doubt = Doubt("out_of_range", f"高于该指标的上限 {checks.maximum:g} {indicator.unit}")
        if doubt is None and checks.cumulative:
            doubt = _cumulative_falls(point, others, indicator.unit)
        if doubt is None and checks.max_ratio and not checks.cumulative:
            # A total since launch grows from nothing (tenfold in a new market's first
            # months); it is checked for falling instead.
            doubt = _ratio(point, others, checks.max_ratio, indicator.unit)
        if doubt is None and checks.growth_of and checks.growth_tolerance is not None:
            doubt = _growth(point, by_indicator.get(checks.growth_of, []), checks.growth_tolerance)
        out.append(doubt)
    return out
