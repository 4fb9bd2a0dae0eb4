"""The period grammar shared by loaders, store and dashboard.

A period is written `2020`, `2020-H1`, `2021-Q1`, `2021-03`, `2021-09-30`, or a
span `A/B` of two of those (`2016/2020`, `2021-01/2021-09`). See
docs/eval.md for the grammar this mirrors.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_POINT = re.compile(
    r"^(?P<year>\d{4})(?:-(?:(?P<half>H[12])|(?P<quarter>Q[1-4])|(?P<month>\d{2})(?:-(?P<day>\d{2}))?))?$"
)

# Chinese labels for the kinds of period, used by the dashboard's selectors.
KIND_LABELS = {
    "year": "年度",
    "half": "半年",
    "quarter": "季度",
    "month": "月度",
    "day": "日",
    "ytd": "年初至今累计",
    "multi_year": "多年合计",
    "span": "其他区间",
}

# Which of the periods ending on one day is an indicator's latest (the overview's card, the
# catalog's 最新期间): the annual figure, then the longer period; a multi-year total
# (2016—2020) is context, not the latest value.
HEADLINE_KINDS = ("year", "ytd", "half", "quarter", "month", "day", "multi_year")


def kind_label(kind: str | None) -> str:
    """The Chinese label of a kind of period ("季度"); the kind itself when unknown."""
    return KIND_LABELS.get(kind or "", kind or "—")


class PeriodError(ValueError):
    """A period string outside the grammar."""


@dataclass(frozen=True)
class Period:
    text: str
    kind: str
    start: date
    end: date

    @property
    def label_zh(self) -> str:
        return period_label_zh(self.text)


def _point(text: str) -> tuple[str, date, date]:
    match = _POINT.match(text)
    if not match:
        raise PeriodError(
            f"not a period: {text!r} (expected e.g. 2021, 2021-H1, 2021-Q1, 2021-03, 2021-09-30)"
        )
    year = int(match["year"])
    if not 1900 <= year <= 2100:
        raise PeriodError(f"year out of range in period {text!r}")
    if match["half"]:
        first = 1 if match["half"] == "H1" else 7
        return "half", date(year, first, 1), month_end(year, first + 5)
    if match["quarter"]:
        first = 3 * (int(match["quarter"][1]) - 1) + 1
        return "quarter", date(year, first, 1), month_end(year, first + 2)
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise PeriodError(f"month out of range in period {text!r}")
        if match["day"]:
            try:
                day = date(year, month, int(match["day"]))
            except ValueError as exc:
                raise PeriodError(f"no such day in period {text!r}") from exc
            return "day", day, day
        return "month", date(year, month, 1), month_end(year, month)
    return "year", date(year, 1, 1), date(year, 12, 31)


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


# ---------------------------------------------------------------- month arithmetic
# Every step back or forward in months happens here, so a January never becomes month 0.


def month_text(year: int, month: int) -> str:
    """(2021, 3) -> "2021-03"."""
    return f"{year}-{month:02d}"


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """(2021, 1) + -1 -> (2020, 12)."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def month_of(day: date) -> str:
    """The month a day falls in: 2021-04-26 -> "2021-04" (the issue month of a stock)."""
    return month_text(day.year, day.month)


def month_before(day: date) -> str:
    """The month before the one a day falls in: 2021-01-15 -> "2020-12"."""
    return month_text(*add_months(day.year, day.month, -1))


def months_earlier(period: str, months: int) -> str | None:
    """A month period moved back: ("2021-03", 1) -> "2021-02"; None unless period is a month."""
    try:
        parsed = parse_period(period)
    except PeriodError:
        return None
    if parsed.kind != "month":
        return None
    return month_text(*add_months(parsed.start.year, parsed.start.month, -months))


def parse_period(text: str) -> Period:
    """Parse a period string of the grammar; raises PeriodError with the text quoted."""
    text = (text or "").strip()
    if "/" in text:
        first, _, last = text.partition("/")
        _, start, _ = _point(first)
        _, _, end = _point(last)
        if end < start:
            raise PeriodError(f"span ends before it starts: {text!r}")
        if start.year == end.year and start.month == 1 and start.day == 1:
            kind = "ytd"
        elif (
            start.year != end.year
            and start == date(start.year, 1, 1)
            and end == date(end.year, 12, 31)
        ):
            kind = "multi_year"
        else:
            kind = "span"
        return Period(text, kind, start, end)
    kind, start, end = _point(text)
    return Period(text, kind, start, end)


def _point_label(text: str) -> str:
    kind, start, _ = _point(text)
    if kind == "year":
        return f"{start.year}年"
    if kind == "half":
        return f"{start.year}年{'上' if start.month == 1 else '下'}半年"
    if kind == "quarter":
        return f"{start.year}年{'一二三四'[(start.month - 1) // 3]}季度"
    if kind == "month":
        return f"{start.year}年{start.month}月"
    return f"{start.year}年{start.month}月{start.day}日"


def period_label_zh(text: str) -> str:
    """A Chinese label for a period: 2021-Q1 -> 2021年一季度, 2021-01/2021-09 -> 2021年1—9月."""
    period = parse_period(text)
    if "/" not in period.text:
        return _point_label(period.text)
    first, _, last = period.text.partition("/")
    if period.kind == "ytd" and len(last) == 7:
        return f"{period.start.year}年1—{period.end.month}月"
    return f"{_point_label(first)}至{_point_label(last)}"


def end_month(period: str) -> str:
    """The last month of a period: 2021-Q1 -> 2021-03, 2021 -> 2021-12, 2021-04-06 -> 2021-04."""
    return month_of(parse_period(period).end)


def index_month(period: str) -> str:
    """The month a monthly index belongs to when the text names a longer period: the
    period's last month (2021-Q1 -> 2021-03, 2021 -> 2021-12, 2021-04-06 -> 2021-04)."""
    return end_month(period)


def year_to_date(period: str) -> str:
    """From January to the end of a period (今年以来 up to a date being talked about):
    2022-Q2 -> 2022-01/2022-06, 2022-01 -> 2022-01, 2022-06-30 -> 2022-01/2022-06; up to a
    day inside its month the span ends on that day (2022-07-15 -> 2022-01-01/2022-07-15),
    since it is no sum over whole months."""
    parsed = parse_period(period)
    end = parsed.end
    if parsed.kind == "day" and end != month_end(end.year, end.month):
        return f"{end.year}-01-01/{period}"
    if end.month == 1:
        return month_text(end.year, 1)
    return f"{month_text(end.year, 1)}/{month_text(end.year, end.month)}"


def shift_year(period: str, year: int) -> str:
    """The same period in another year: 2021-Q1 -> 2019-Q1 for "2019 年同期"."""
    parts = period.split("/")
    first_year = int(parts[0][:4])
    delta = year - first_year
    return "/".join(f"{int(p[:4]) + delta}{p[4:]}" for p in parts)


def quarters_span(year: int, first: int, last: int) -> str:
    """Quarters first..last of a year as one period: (2021, 1, 3) -> 2021-01/2021-09, whole
    halves and the whole year as such (1, 2 -> 2021-H1; 1, 4 -> 2021)."""
    if (first, last) == (1, 4):
        return str(year)
    if (first, last) in ((1, 2), (3, 4)):
        return f"{year}-H{1 if first == 1 else 2}"
    return f"{month_text(year, 3 * first - 2)}/{month_text(year, 3 * last)}"


def months_of(period: str) -> list[str]:
    """The months a span of months is made of: 2022-07/2022-09 -> 2022-07, 2022-08, 2022-09;
    [] unless it runs from a month's start to a month's end inside one year."""
    parsed = parse_period(period)
    start, end = parsed.start, parsed.end
    if start.year != end.year or start.day != 1 or end != month_end(end.year, end.month):
        return []
    return [month_text(start.year, m) for m in range(start.month, end.month + 1)]


def quarters_of(period: str) -> list[str]:
    """The quarters a period is made of: 2021 -> 2021-Q1 … 2021-Q4, 2021-04/2021-09 ->
    2021-Q2, 2021-Q3; [] when it does not run from a quarter's start to a quarter's end."""
    parsed = parse_period(period)
    start, end = parsed.start, parsed.end
    if start.year != end.year or start.day != 1 or start.month % 3 != 1 or end.month % 3:
        return []
    return [f"{start.year}-Q{q}" for q in range(start.month // 3 + 1, end.month // 3 + 1)]


# ---------------------------------------------------------------- forms of a series
# The form of a statement is how the period relates to the series it belongs to: a single
# period (a month, a quarter, a half, a year), the months of a year so far (year to date,
# 1—n 月, one line that starts again each January), a stock's level since the market opened
# or at a moment, a day. Pages, the HTTP API and the derivation rules read it from here
# (period_form, and loaders.series.comparable.forms for frames), so they agree on every point.

FORM_LABELS = {
    "year": "年度",
    "half": "半年",
    "quarter": "季度",
    "month": "月度",
    "ytd": "年初至今累计",
    "since_launch": "自启动以来累计",
    "point": "时点",
    "day": "日",
    "multi_year": "多年合计",
    "span": "其他区间",
}
FORMS = tuple(FORM_LABELS)
# The forms (and kinds) of a single period, whose periods tile a year: frequency
# conversion produces these and adds them up.
SINGLE_FORMS = ("month", "quarter", "half", "year")
# Words of the period as written that make a first quarter or a first half the cumulative
# total of the year so far (上半年累计, 一季度以来, 前两季度) rather than the single period.
CUMULATIVE_TEXT = re.compile(r"累计|以来|至今|前[两二三]个?季度|年初")
# A stock whose catalog name says 累计 is a total since the market opened (试点碳市场累计成交量);
# other stocks are levels at a moment (a count of firms, a price).
CUMULATIVE_STOCK_MARK = "累计"
# Where a point sits on a time axis, everywhere (charts, the API's rows, docs/api.md).
POSITION_RULE_ZH = "每个点位于其期间的最后一天（年份在 12 月 31 日，1—9 月累计在 9 月 30 日）。"
POSITION_RULE = (
    "every point sits at the last day of its period (a year at 31 December, "
    "January to September at 30 September)"
)


def form_label(form: str | None) -> str:
    """The Chinese label of a form ("年初至今累计"); the form itself when unknown."""
    return FORM_LABELS.get(form or "", form or "—")


def is_cumulative_stock(indicator_kind: str | None, name_zh: str | None) -> bool:
    """A stock counted since its market opened (its name says 累计)."""
    return indicator_kind == "stock" and CUMULATIVE_STOCK_MARK in (name_zh or "")


def cumulative_text(period_text: str | None) -> bool:
    """Does the period as written speak of a total so far (上半年累计, 前两季度)?"""
    return bool(CUMULATIVE_TEXT.search(period_text or ""))


def period_form(
    period: str,
    indicator_kind: str | None = None,
    *,
    name_zh: str | None = None,
    period_text: str | None = None,
) -> str:
    """The form of a statement: its period's kind, read with the indicator's kind and the
    words the period was written in.

    - a stock's level at the end of any period but a year-to-date one is `since_launch`
      when the indicator is cumulative (is_cumulative_stock), else `point`;
    - a first quarter or half written as a total so far (上半年累计) is `ytd`;
    - otherwise the kind of the period (month, quarter, half, year, ytd, day, multi_year,
      span).
    """
    parsed = parse_period(period)
    if indicator_kind == "stock" and parsed.kind not in ("ytd", "multi_year", "span"):
        return "since_launch" if is_cumulative_stock(indicator_kind, name_zh) else "point"
    if parsed.kind in ("quarter", "half") and parsed.start.month == 1:
        if cumulative_text(period_text):
            return "ytd"
    return parsed.kind


def position(period: str) -> date:
    """Where a period's point sits on a time axis: its last day (POSITION_RULE)."""
    return parse_period(period).end


def ytd_months(period: str) -> int | None:
    """How many months a year-to-date total covers: 2021-01/2021-09 -> 9, 2021-01 -> 1,
    2021-Q1 -> 3, 2021-H1 -> 6, 2021 -> 12; None for any other period (a span ending on a
    day inside a month is no sum over whole months)."""
    parsed = parse_period(period)
    start, end = parsed.start, parsed.end
    if start.month != 1 or start.day != 1 or start.year != end.year:
        return None
    if end != month_end(end.year, end.month):
        return None
    return end.month


def ytd_period(year: int, months: int) -> str:
    """The year-to-date period of a length: (2021, 9) -> 2021-01/2021-09, (2021, 1) -> 2021-01."""
    if not 1 <= months <= 12:
        raise PeriodError(f"a year to date covers 1 to 12 months, not {months}")
    if months == 1:
        return month_text(year, 1)
    return f"{month_text(year, 1)}/{month_text(year, months)}"


def quarter_text(year: int, quarter: int) -> str:
    """(2021, 3) -> "2021-Q3"."""
    return f"{year}-Q{quarter}"


def half_text(year: int, half: int) -> str:
    """(2021, 2) -> "2021-H2"."""
    return f"{year}-H{half}"


# Frequency conversion: the single periods of a year at each frequency, and what each is
# made of one step finer (a year of halves, a half of quarters, a quarter of months).
FREQUENCIES = ("quarter", "half", "year")
FREQUENCY_LABELS = {"quarter": "季度", "half": "半年", "year": "年度"}
_FINER = {"year": "half", "half": "quarter", "quarter": "month"}


def periods_of_year(year: int, frequency: str) -> list[str]:
    """The single periods of one frequency in a year: 2021, quarter -> 2021-Q1 … 2021-Q4."""
    if frequency == "year":
        return [str(year)]
    if frequency == "half":
        return [half_text(year, 1), half_text(year, 2)]
    if frequency == "quarter":
        return [quarter_text(year, q) for q in range(1, 5)]
    if frequency == "month":
        return [month_text(year, m) for m in range(1, 13)]
    raise PeriodError(f"unknown frequency {frequency!r}; choose one of {', '.join(FREQUENCIES)}")


def parts_of(period: str) -> list[str]:
    """What a single period is made of one step finer: 2021 -> 2021-H1, 2021-H2; 2021-H1 ->
    2021-Q1, 2021-Q2; 2021-Q3 -> 2021-07 … 2021-09; [] for a month or any other period."""
    parsed = parse_period(period)
    finer = _FINER.get(parsed.kind)
    if finer is None or "/" in period:
        return []
    return [
        part
        for part in periods_of_year(parsed.start.year, finer)
        if parsed.start <= parse_period(part).start and parse_period(part).end <= parsed.end
    ]


def period_containing(day: date, frequency: str) -> str:
    """The single period of a frequency a day falls in: (2021-05-03, quarter) -> 2021-Q2."""
    if frequency == "year":
        return str(day.year)
    if frequency == "half":
        return half_text(day.year, 1 if day.month <= 6 else 2)
    if frequency == "quarter":
        return quarter_text(day.year, (day.month - 1) // 3 + 1)
    if frequency == "month":
        return month_of(day)
    raise PeriodError(f"unknown frequency {frequency!r}; choose one of {', '.join(FREQUENCIES)}")


def span_text(start: date, end: date) -> str:
    """The period string of a span of days, as the grammar writes it: the year, half,
    quarter, month or day it is when it is one (2020-01-01..2020-12-31 -> 2020,
    2020-04-01..2020-06-30 -> 2020-Q2), else a span of months (2020-01/2020-09) or days."""
    whole_months = start.day == 1 and end == month_end(end.year, end.month)
    if start == end:
        return start.isoformat()
    if not whole_months:
        return f"{start.isoformat()}/{end.isoformat()}"
    if start.year == end.year:
        months = (start.month, end.month)
        if months == (1, 12):
            return str(start.year)
        if months in ((1, 6), (7, 12)):
            return half_text(start.year, 1 if start.month == 1 else 2)
        if start.month % 3 == 1 and end.month == start.month + 2:
            return quarter_text(start.year, (start.month - 1) // 3 + 1)
        if start.month == end.month:
            return month_text(start.year, start.month)
    if start.month == 1 and end.month == 12:
        return f"{start.year}/{end.year}"
    return f"{month_text(start.year, start.month)}/{month_text(end.year, end.month)}"
