"""The period a mapped figure has in its series, by the series' kind.

The text's period (loaders.figures.dating) is what the sentence talks about; a series
keeps it only as its kind allows: a stock is a level at the end of a period (dated by the
issue month when its own sentence names no date), a monthly index belongs to one month,
and a flow never takes a day or an as-of date. What cannot be placed is suggested, never
guessed.
"""

from __future__ import annotations

import re
from datetime import date

from loaders.figures.dating import DAY_ANAPHOR_RE
from loaders.figures.mapping import Candidate
from loaders.text.sentences import FoundFigure
from loaders.vocab.numerals import parse_small_int
from loaders.vocab.periods import end_month, index_month, month_before, month_of, parse_period

# "启动首日", "上线首日", "首日": the first day of what was named before.
FIRST_DAY_RE = re.compile(r"首日|当日|当天|同日|同一天")
# 今年以来 / 年初以来 / 年内累计: a clause that sums since January.
YEAR_SO_FAR_RE = re.compile(r"(?:今年|本年|年初)(?:以来|至今)|(?:年内|今年|本年|年初)累计")


def _index_period(period: str | None, default: str) -> str | None:
    """The month a monthly index belongs to, from the period its text names."""
    if period is None:
        return default
    kind = parse_period(period).kind
    if kind in ("year", "multi_year"):
        return None  # under a whole year it is an annual average, not a month
    if kind == "day":
        # "中物联 4 月 6 日发布": the release day; the data is the month before.
        return month_before(parse_period(period).start)
    return index_month(period)


def series_period(
    candidate: Candidate, figure: FoundFigure, forecast: bool, published: date
) -> tuple[str | None, str | None]:
    """The period a figure has in its series, and one to suggest when it has none.

    A stock with no date of its own sentence is dated by the issue month (unless it
    speaks again of a day named before: "首日收盘价"), an index by
    the month before the issue; only an index month runs on across paragraphs
    ("12 月份 … 。" / "业务总量指数 …"); a projection ("预计增长 6%") is about
    another period than the one of the paragraph before; a flow never takes a day
    (the day news broke) or an as-of date, and without a period it is not guessed.
    """
    kind = candidate.indicator.kind
    period = figure.period
    if kind == "stock":
        day = _day_spoken_of_again(figure)
        if day is not None:
            # "今年以来…，截至 4 月 15 日…；当日收盘价为 58.68 元/吨": the day the text named.
            return day, None
        if figure.year_to_date or _summed_over_span(figure):
            return None, period  # a sum over a span is no total since the start
        # "同日，该市场…" / "●同日收盘价为 57.05 元/吨": a stock speaking of the day named
        # before (in an earlier sentence, or the line before a bullet) is of that day.
        of_that_day = (
            figure.refers_back_to_day and period is not None and parse_period(period).kind == "day"
        )
        before = figure.sentence.text[: figure.quantity.start]
        own_clause = before[max(before.rfind(ch) for ch in ",，;；") + 1 :]
        if (
            not of_that_day
            and figure.role == ""
            and figure.refers_back_to_day
            and figure.day_named_before
            and FIRST_DAY_RE.search(own_clause)
        ):
            # "自 7 月 16 日启动上线交易以来…。启动首日，…当日收盘价为 51.23 元/吨": the day
            # named before, though only as a starting point.
            return figure.day_named_before, None
        undated = (figure.period_carried or figure.period_from_earlier_sentence) and not of_that_day
        if period is None or undated:
            return month_of(published), None
        end = parse_period(period).end
        if not forecast and (end.year, end.month) > (published.year, published.month):
            # "今年，全国碳市场累计成交量 0.5 亿吨": a level at the end of a period still
            # running is no level yet; the text means so far, which is not said.
            return None, period
        if parse_period(period).kind == "day":
            return period, None
        return end_month(period), None  # a level at the end: 2021 年 -> 2021-12
    if figure.period_carried and (
        kind == "index" and parse_period(period).kind != "month" or forecast
    ):
        period = None
    if kind == "index":
        return _index_period(period, month_before(published)), None
    if candidate.indicator.measure == "cagr" and (span := _span_of_years(figure, period)):
        # "2027 年…将达到 38 亿美元，五年复合增长率为 29.4%": a rate over five years, which
        # the one year named does not date (the span is suggested, never guessed).
        return None, span
    if period and parse_period(period).kind == "day":
        return None, None  # a day is when news broke, not a flow's period
    if period and len(period.rpartition("/")[2]) == len("2022-07-15"):
        # "截至 11 月 16 日，今年以来…": a sum up to a day is no series' period; suggested.
        return None, period
    if figure.period_text.startswith(("截至", "截止")):
        if candidate.indicator.measure == "share":
            # "截至 6 月末，5G 用户占移动电话用户的 27.3%": a share of two stocks.
            return end_month(period), None
        return None, None  # "截至 9 月底" dates a stock; a flow's span is unsaid
    return period, None


# Periods over which a 累计 figure is a sum, not a level at their end: "2020 年全年，各试点
# 碳市场累计成交 4,227 万吨" is the year's trading. A bare year ("2021 年累计成交量") or a
# point ("年底", "截至") still dates a level.
SPAN_KINDS = ("half", "quarter", "ytd", "span", "multi_year")
CUMULATIVE_RE = re.compile(r"累计")
POINT_WORDS_RE = re.compile(r"截至|截止|底|末")


def _summed_over_span(figure: FoundFigure) -> bool:
    if figure.period is None or not CUMULATIVE_RE.search(figure.subject):
        return False
    if POINT_WORDS_RE.search(figure.period_text):
        return False
    kind = parse_period(figure.period).kind
    return kind in SPAN_KINDS or kind == "year" and "全年" in figure.period_text


def _day_spoken_of_again(figure: FoundFigure) -> str | None:
    """The day a stock speaks of again (当日, 同日 in its own clause) when the text's period
    ends on a day: a span up to that day (今年以来 up to a 截至 date) has the day as its end.
    A sum since January in the clause ("；年初以来累计成交量…") is no level of that day."""
    if not figure.refers_back_to_day or not figure.period or "/" not in figure.period:
        return None
    text = figure.sentence.text[: figure.quantity.start]
    clause = text[max(text.rfind(";"), text.rfind("；")) + 1 :]
    if not DAY_ANAPHOR_RE.search(clause) or YEAR_SO_FAR_RE.search(clause):
        return None
    end = figure.period.rpartition("/")[2]
    return end if parse_period(end).kind == "day" else None


# "五年复合增长率", "未来 5 年": how many years a compound rate runs over.
YEARS_RE = re.compile(r"(?P<n>[两二三四五六七八九十]|\d{1,2})\s*(?:个)?年")


def _span_of_years(figure: FoundFigure, period: str | None) -> str | None:
    """The years a rate's own words say it runs over ("五年复合增长率") up to the single
    year its text names, if they say so."""
    clause = figure.pre[max(figure.pre.rfind(ch) for ch in ",，;；") + 1 :]
    found = YEARS_RE.search(clause)
    if found is None or period is None or parse_period(period).kind != "year":
        return None
    years = parse_small_int(found["n"]) or 0
    year = int(period[:4])
    return f"{year - years}/{year}" if 1 < years <= 20 else None
