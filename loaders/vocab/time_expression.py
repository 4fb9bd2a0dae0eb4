"""One period expression found in a text and what it says (loaders.vocab.timeexpr finds them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TimeExpr:
    start: int
    end: int
    text: str
    period: str | None  # None: a 同期 that needs the period named before it
    role: str  # set | local | reference
    as_of: bool = False
    same_period_year: int | None = None  # "2019 年同期": the chain's period moved to 2019
    # The same words read as a projection ("预计下半年…"): the next such period.
    forward_period: str | None = None
    # 上年一季度 / 去年: a period named relative to an earlier one.
    past_relative: bool = False
    # A bare 全年 is the year being talked about, when the text named one.
    year_from_context: bool = False
    # 去年 / 上年 / 今年 …: how many years from the one talked about (同期 moves the
    # period being talked about by as many years).
    relative_years: int | None = None
    # 上年 / 上一年 name the year before the one the sentence named ("2023 年…，比上年的
    # 34.5%" is 2022 in an issue of 2024); 去年 is the year before the issue's.
    before_named_year: bool = False
    # 上月 / 上个月: the month before the one being talked about (period None).
    months_back: int | None = None
    # The text names the year (2021 年, 去年, 2016—2020 年), not only a part of one.
    explicit_year: bool = False
    # Named relative to the period the text talks about (loaders.figures.dating resolves
    # it; period is None or the reading without that context): "this_month" (当月, 本月,
    # 月末), "last_month" (上月末, 上月底), "this_year" (同年, 当年), "this_quarter" (本季度, 当季), "last_quarter" (上季度),
    # "year_start" (年初),
    # "year_end" (年末, 年底), "recent_years" (近五年: span_years up to the year talked about).
    relative: str | None = None
    span_years: int | None = None
    # A plan period ("十四五"期间): it dates the figures of its own sentence only; the text
    # goes on about the period it talked about before.
    sentence_only: bool = False
    # 今年以来 / 年初至今 / 年内累计: from January to the date being talked about.
    year_to_date: bool = False
