"""Periods written as spans: plan periods ("十四五"期间), recent years (近五年, 过去三年)
and two period expressions joined by a dash, 至 or 到 into one (2021 年 1 月至 9 月).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from loaders.vocab.numerals import parse_small_int
from loaders.vocab.periods import PeriodError, parse_period
from loaders.vocab.time_expression import TimeExpr
from loaders.vocab.time_roles import role_of


def _cn_int(text: str) -> int:
    """9 or 九 -> 9, 十二 -> 12; 0 when malformed (callers keep only 1..12)."""
    return parse_small_int(text) or 0


# Plan periods: "十三五" is 2016/2020, "十四五" 2021/2025 (its part so far: "十四五"以来的
# 三年间 is 2021/2023); "十四五"规划 names a plan and "十三五"初期 a part of one, no period.
_PLAN_RE = re.compile(
    r"[“\"]?十(?P<plan>[一二三四五])五[”\"]?"
    r"(?:(?P<since>以来)的?(?P<n>[一二两三四五]|\d)\s*年(?:间|来|中|里)?"
    r"|(?P<plan_doc>规划|计划|纲要|初期|末期|中期|初|末)|期间|时期)?"
)
# "过去三年": the three full years before the issue's; "近五年": the five years up to the
# year talked about (the review's year).
_RECENT_YEARS_RE = re.compile(
    r"(?P<kind>过去的?|近|最近)(?P<n>[两二三四五六七八九十]|\d{1,2})\s*(?:个)?年(?:来|间|以来|中|里)?"
)


def plan_and_recent_years(
    text: str, shadow: str, published: date, found: list[TimeExpr], books: list
) -> list[TimeExpr]:
    out: list[TimeExpr] = []
    taken = [(e.start, e.end) for e in found]

    def free(start: int, end: int) -> bool:
        return not any(a < end and start < b for a, b in taken + books)

    for match in _PLAN_RE.finditer(shadow):
        start, end = match.span()
        if not free(start, end):
            continue
        first = 2006 + 5 * ("一二三四五".index(match["plan"]))
        if match["plan_doc"]:
            role, period = "reference", f"{first}/{first + 4}"
        elif match["since"] and match["n"]:
            years = _cn_int(match["n"])
            role, period = "set", f"{first}/{first + years - 1}" if years > 1 else str(first)
        elif match["since"]:
            continue  # "十四五以来": a starting point
        else:
            role, period = role_of(shadow, start, end), f"{first}/{first + 4}"
        out.append(
            TimeExpr(
                start, end, text[start:end], period, role, explicit_year=True, sentence_only=True
            )
        )
    for match in _RECENT_YEARS_RE.finditer(shadow):
        start, end = match.span()
        if not free(start, end):
            continue
        years = _cn_int(match["n"])
        if not 2 <= years <= 30:
            continue
        if match["kind"].startswith("过去"):
            last = published.year - 1
            relative = None
        else:
            last = published.year - 1  # without a year talked about: the last full one
            relative = "recent_years"
        out.append(
            TimeExpr(
                start,
                end,
                text[start:end],
                f"{last - years + 1}/{last}",
                role_of(shadow, start, end),
                explicit_year=True,
                relative=relative,
                span_years=years,
            )
        )
    return out


# Two periods joined by a dash, 至 or 到 are one span: "2021 年 1 月至 9 月", "1 月—9 月",
# "6 月 1 日—6 月 30 日", "从 2008 年到 2018 年"; the end names what the start leaves out
# and the other way round ("2021 年 1 月至 9 月" is 2021-01/2021-09). A day alone after a
# day ("6 月 1 日至 30 日") is in the same month.
_JOINED_RE = re.compile(r"\s*(?:-{1,2}|—{1,2}|–|~|至|到)\s*$")
_DAY_AFTER_RE = re.compile(r"\s*(?:-{1,2}|—{1,2}|–|~|至|到)\s*(?P<d>\d{1,2})\s*日")


def _point_parts(period: str, end: bool) -> str:
    parts = period.split("/")
    return parts[-1] if end else parts[0]


def _joined_period(first: TimeExpr, last: TimeExpr) -> str | None:
    """The span from first's start to last's end, years filled in from each other."""
    a, b = _point_parts(first.period, False), _point_parts(last.period, True)
    if len(a) != 4 and not first.explicit_year and (last.explicit_year or len(b) == 4):
        # "1 月至 2021 年 9 月": the start's year is the end's (the year before when its
        # month comes later).
        year = int(b[:4]) - (1 if a[5:] > b[5:] and len(b) > 4 else 0)
        a = f"{year}{a[4:]}"
    elif len(b) != 4 and not last.explicit_year:
        year = int(a[:4]) + (1 if b[5:] < a[5:] else 0)
        b = f"{year}{b[4:]}"
    try:
        span = parse_period(f"{a}/{b}")
    except PeriodError:
        return None
    return span.text if span.start < span.end else None


def spans_joined(found: list[TimeExpr], text: str, shadow: str, published: date) -> list[TimeExpr]:
    out: list[TimeExpr] = []
    i = 0
    while i < len(found):
        first = found[i]
        nxt = found[i + 1] if i + 1 < len(found) else None
        joinable = (
            nxt is not None
            and first.period
            and nxt.period
            and not first.year_to_date
            and not nxt.year_to_date
            and "/" not in first.period
            and "/" not in nxt.period
            and _JOINED_RE.match(shadow[first.end : nxt.start])
        )
        if joinable:
            period = _joined_period(first, nxt)
            if period is not None:
                out.append(
                    replace(
                        first,
                        end=nxt.end,
                        text=text[first.start : nxt.end],
                        period=period,
                        forward_period=None,
                        role=role_of(shadow, first.start, nxt.end),
                        explicit_year=first.explicit_year or nxt.explicit_year,
                        relative=None,
                    )
                )
                i += 2
                continue
        day = _DAY_AFTER_RE.match(shadow, first.end) if first.period else None
        if day and len(first.period) == 10:
            period = f"{first.period}/{first.period[:8]}{int(day['d']):02d}"
            try:
                valid = parse_period(period).end > parse_period(first.period).start
            except PeriodError:
                valid = False
            if valid:
                out.append(
                    replace(
                        first,
                        end=day.end(),
                        text=text[first.start : day.end()],
                        period=period,
                        role=role_of(shadow, first.start, day.end()),
                    )
                )
                i += 1
                continue
        out.append(first)
        i += 1
    return out
