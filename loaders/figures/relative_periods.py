"""A period expression resolved against the period the text is talking about.

loaders.figures.dating keeps the period a paragraph talks about (its chain); the words here
say what an expression means next to it: 当月, 本季度, 上季度, 年初, 年末, 近五年 relative to
it (or to the issue's date when the text talks about none), 上月 the month before it, 上年同期
the same period a year back, a period without a year in the year its sentence named, and
"同期，" opening a sentence as the period the sentence before opened with.
"""

from __future__ import annotations

import re
from datetime import date

from loaders.vocab.periods import months_earlier, parse_period, shift_year
from loaders.vocab.time_expression import TimeExpr

# The period of a figure named relative to a month that the text did not name.
UNRESOLVED = "?"

# Kinds of period that lie inside one year, and so may take a year named before them.
WITHIN_A_YEAR = ("half", "quarter", "month", "ytd")


def before_the_chain(period: str | None, chain: str | None) -> bool:
    """Does the period end before the one talked about begins (a month before, …)?"""
    if not period or not chain:
        return False
    return parse_period(period).end < parse_period(chain).start


def _quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _quarter_before(year: int, quarter: int) -> str:
    return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"


def _relative_to(chain: str | None, expr: TimeExpr, published: date) -> str | None:
    """A period named relative to the one talked about (当月, 本季度, 上季度, 年初, 年末,
    近五年), or to the issue's date when the text talks about none."""
    kind = expr.relative
    talked = parse_period(chain) if chain else None
    if kind == "recent_years":
        if talked is None or talked.kind == "multi_year":
            return expr.period
        last = talked.end.year
        return f"{last - expr.span_years + 1}/{last}"
    if kind in ("year_start", "year_end"):
        if talked is not None:
            year = talked.end.year
        else:
            year = (
                published.year
                if kind == "year_start" or published.month == 12
                else published.year - 1
            )
        return f"{year}-{1 if kind == 'year_start' else 12:02d}"
    if kind == "this_year":
        # "2023 年…。同年，…": the year of the period talked about.
        return str(talked.end.year) if talked is not None and talked.kind != "multi_year" else None
    if kind == "this_month":
        # "1—9 月…，其中 9 月当月": the month a span of months ends on.
        if talked is None or talked.kind not in ("month", "day", "ytd", "span"):
            return None
        return f"{talked.end.year}-{talked.end.month:02d}"
    if kind == "last_month":
        # "9 月…，上月末…": the month before the one talked about, else before the issue's.
        if talked is None:
            year, month = published.year, published.month
        elif talked.kind in ("month", "day", "ytd", "span"):
            year, month = talked.end.year, talked.end.month
        else:
            return None
        return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    if kind in ("this_quarter", "last_quarter"):
        if talked is not None and talked.kind in ("quarter", "month"):
            year, quarter = _quarter_of(talked.end)
        elif talked is None:
            year, quarter = _quarter_of(published)
        else:
            return None
        return f"{year}-Q{quarter}" if kind == "this_quarter" else _quarter_before(year, quarter)
    return expr.period


def resolve(chain: str | None, expr: TimeExpr, prospective: bool, published: date) -> str | None:
    if expr.relative is not None:
        return _relative_to(chain, expr, published)
    if expr.months_back is not None:
        # 上月 only means something next to a month named before it.
        return months_earlier(chain, expr.months_back) if chain else None
    if expr.year_from_context and chain:
        return chain[:4]
    if prospective and expr.forward_period is not None:
        return expr.forward_period
    if expr.period is not None:
        return expr.period
    if expr.same_period_year is not None and chain:
        if expr.relative_years is not None:
            # "上年同期", "去年同期": the period talked about, a year earlier.
            return shift_year(chain, parse_period(chain).start.year + expr.relative_years)
        return shift_year(chain, expr.same_period_year)
    return chain


def in_named_year(period: str | None, expr: TimeExpr, year: int | None) -> str | None:
    """A period written without a year, in the year its sentence named before it; one
    written with 上年, in the year before that one."""
    if period is None or year is None or expr.same_period_year:
        return period
    if expr.before_named_year:
        return shift_year(period, year - 1)
    if expr.explicit_year:
        return period
    if expr.months_back is not None or expr.year_from_context:
        return period
    if parse_period(period).kind not in WITHIN_A_YEAR:
        return period
    return shift_year(period, year)


# "同期，…", "去年同期，…" opening a sentence: the period the sentence before talked about
# (a year back).
SAME_PERIOD_OPENING_RE = re.compile(
    r"^\s*(?:(?:19|20)\d{2}\s*年|去年|上年|上一年|前年)?\s*同期\s*(?:内)?\s*[,，]?"
)


def opens_with_same_period(text: str, expr: TimeExpr) -> bool:
    return bool(SAME_PERIOD_OPENING_RE.match(text)) and expr.start <= text.find("同期")


def same_period(named: list[str], expr: TimeExpr) -> str:
    """What "同期" opening a sentence means after one that named these periods: the period
    it opened with when the others lie inside it ("上半年…；6 月份…。同期，…" is 上半年);
    with periods side by side ("1—9 月…；10 月份…") which one is not said."""
    first = parse_period(named[0])
    for period in named[1:]:
        inner = parse_period(period)
        if inner.start < first.start or inner.end > first.end:
            return UNRESOLVED
    if expr.relative_years is not None:
        return shift_year(named[0], first.start.year + expr.relative_years)
    if expr.same_period_year is not None:
        return shift_year(named[0], expr.same_period_year)
    return named[0]
