"""Synthetic briefs and stores for benchmarks and reliability tests.

Everything here is made up and says so: every article title carries 合成 and every
article opens with a sentence stating the figures are synthetic. Nothing is written
into the repository; callers pass a (temporary) directory.

Four shapes, from slow-and-real to fast-and-bulk:
- `brief_text(i)`: the text of issue number i in the brief's style (masthead, issue line
  `2021 年第 15 期（总第 460 期）`, date, articles closed by `（产业所 某某 整理）`), with
  the catalog figures it states (`expected`) so a test can check the real loaders.
- `ytd_briefs(first_year, years)`: a run of monthly releases as 中物联 publishes them, the
  national social logistics total and its growth for 1—2 月 … 1—12 月 of each year, in
  the same style: an archive in which a series is stated only as the year so far.
- `synthetic_extraction(seq, n_obs)`: an Extraction built directly (no parsing) with exactly
  n_obs observations on distinct (indicator, period) keys: for store tests that count rows.
- `observation_frames(n)`: issues and observations as DataFrames in the store's column
  layout, for `loaders.services.ingest.bulk_load` (1e6 rows in seconds).
"""

from __future__ import annotations

import functools
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.catalog.indicators import Catalog, load_catalog
from loaders.models import Article, Extraction, IssueHeader, Observation

CATALOG = load_catalog()


SYNTHETIC_MARK = "合成"
TITLE = "产业创新动态"
# An issue header must be sane to be stored (loaders.intake.reviewed_rows.header_problems: year not after
# next year, number at most 99, published in or near its year and not in the future), and
# the reliability test stores 4,000 synthetic issues: 96 a year from 1981 ends in 2022.
ISSUES_PER_YEAR = 96
FIRST_YEAR = 1981
# The real issue 2021-15 is 总第 460 期: keep total numbers in that range.
FIRST_TOTAL_NUMBER = 1
EDITORS = ("刘如", "苏楠", "陈健", "王罗汉", "张明", "李华")
QUARTERS_ZH = "一二三四"


@dataclass(frozen=True)
class ExpectedFigure:
    """A catalog figure the generator wrote into an issue (value in the catalog unit)."""

    indicator: str
    period: str
    value: float
    forecast: bool = False


@dataclass(frozen=True)
class SyntheticIssue:
    index: int
    year: int
    number: int
    total_number: int
    published: date
    text: str
    expected: tuple[ExpectedFigure, ...]
    editors: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.year}-{self.number:02d}"

    @property
    def filename(self) -> str:
        return f"synthetic-{self.key}.txt"


def issue_identity(
    i: int, first_year: int = FIRST_YEAR, per_year: int = ISSUES_PER_YEAR
) -> tuple[int, int, int, date]:
    """(year, number, total_number, published) of the i-th synthetic issue (0-based)."""
    year = first_year + i // per_year
    number = i % per_year + 1
    # Spread over the year (every 3 to 4 days at 96 a year).
    published = date(year, 1, 1) + timedelta(days=(number - 1) * 365 // per_year)
    return year, number, FIRST_TOTAL_NUMBER + i, published


# ---------------------------------------------------------------- periods in words


def _period_phrase(rng: random.Random, published: date, kinds: tuple[str, ...]) -> tuple[str, str]:
    """A period that ended before `published`, as (text in the brief, period grammar)."""
    y, m = published.year, published.month
    kind = rng.choice(kinds)
    if kind == "ytd" and m >= 3:
        last = m - 1
        if last == 9 and rng.random() < 0.5:
            return f"{y} 年前三季度", f"{y}-01/{y}-09"
        return f"{y} 年 1—{last} 月", f"{y}-01/{y}-{last:02d}"
    if kind == "half" and m >= 8:
        return f"{y} 年上半年", f"{y}-H1"
    if kind == "quarter" and m >= 5:
        q = (m - 2) // 3  # last complete quarter, 1-based
        return f"{y} 年{QUARTERS_ZH[q - 1]}季度", f"{y}-Q{q}"
    if kind == "month" and m >= 2:
        return f"{y} 年 {m - 1} 月", f"{y}-{m - 1:02d}"
    return f"{y - 1} 年", f"{y - 1}"


def _months(period: str) -> int:
    """How many months a period of the grammar spans (a year 12, 1—9 月 9, a quarter 3)."""
    from loaders.vocab.periods import parse_period

    parsed = parse_period(period)
    return (parsed.end.year - parsed.start.year) * 12 + parsed.end.month - parsed.start.month + 1


# The synthetic series are made as real ones are: an amount over a period grows with the
# period's length, a total since launch grows with the date, so that the second look from
# the series (loaders.series.plausibility) finds them as clean as a real archive.
EPOCH = date(FIRST_YEAR - 1, 1, 1)


def _num(value: float, decimals: int) -> str:
    """A figure as the brief prints it: thousands separators on big numbers."""
    return f"{value:,.{decimals}f}" if value >= 1000 else f"{value:.{decimals}f}"


# ---------------------------------------------------------------- articles


def _logistics(rng: random.Random, published: date) -> tuple[str, list[str], list[ExpectedFigure]]:
    text, period = _period_phrase(rng, published, ("ytd", "half", "quarter", "year"))
    months = _months(period)
    total = round(months * rng.uniform(22, 28), 1)
    yoy = round(rng.uniform(1, 15), 1)
    yoy2 = round(rng.uniform(1, 9), 1)
    revenue = round(months * rng.uniform(0.8, 1.0), 1)
    revenue_yoy = round(rng.uniform(1, 20), 1)
    paragraphs = [
        f"中国物流与采购联合会日前发布数据显示，{text}，全国社会物流总额 {_num(total, 1)} 万亿元，"
        f"按可比价格计算，同比增长 {yoy:.1f}%，两年年均增长 {yoy2:.1f}%，物流需求规模保持稳定。",
        f"{text}物流业总收入 {_num(revenue, 1)} 万亿元，同比增长 {revenue_yoy:.1f}%。",
    ]
    figures = [
        ExpectedFigure("logistics_total", period, total),
        ExpectedFigure("logistics_total_yoy", period, yoy),
        ExpectedFigure("logistics_total_yoy_2y", period, yoy2),
        ExpectedFigure("logistics_revenue", period, revenue),
        ExpectedFigure("logistics_revenue_yoy", period, revenue_yoy),
    ]
    if published.month >= 2:
        month = published.month - 1
        business = round(rng.uniform(45, 60), 1)
        orders = round(rng.uniform(45, 60), 1)
        paragraphs.append(
            f"从景气指数看，{month} 月份中国物流业景气指数为 {business:.1f}%，其中业务量指数为 "
            f"{business:.1f}%，新订单指数为 {orders:.1f}%。"
        )
        monthly = f"{published.year}-{month:02d}"
        figures += [
            ExpectedFigure("logistics_business_index", monthly, business),
            ExpectedFigure("logistics_new_orders_index", monthly, orders),
        ]
    return "物流运行保持平稳", paragraphs, figures


def _carbon(rng: random.Random, published: date) -> tuple[str, list[str], list[ExpectedFigure]]:
    day = published - timedelta(days=rng.randint(3, 20))
    # Totals since launch rise with the date: 3 万吨 and 0.01 亿元 a day, never falling.
    days = (day - EPOCH).days
    volume_wan_t = 200 + 3 * days + rng.randint(0, 1)
    turnover = round(1 + 0.01 * days + rng.uniform(0, 0.004), 2)
    price = round(rng.uniform(30, 90), 2)
    units = rng.randint(1500, 2500)
    paragraphs = [
        f"全国碳排放权交易市场运行总体平稳。截至 {day.month} 月 {day.day} 日，全国碳市场碳排放配额"
        f"累计成交量 {_num(volume_wan_t, 0)} 万吨，累计成交额 {turnover:.2f} 亿元。"
        f"{day.month} 月 {day.day} 日收盘价为 {price:.2f} 元/吨。",
        f"全国碳市场第一个履约周期纳入发电行业重点排放单位 {units} 家，是覆盖温室气体排放量"
        f"规模较大的碳市场。",
    ]
    iso = day.isoformat()
    figures = [
        ExpectedFigure("carbon_national_cum_volume", iso, volume_wan_t / 10000),
        ExpectedFigure("carbon_national_cum_turnover", iso, turnover),
        ExpectedFigure("carbon_national_price", iso, price),
        ExpectedFigure("carbon_national_units", f"{published.year}-{published.month:02d}", units),
    ]
    return "全国碳市场交易平稳运行", paragraphs, figures


def _telecom(rng: random.Random, published: date) -> tuple[str, list[str], list[ExpectedFigure]]:
    text, period = _period_phrase(rng, published, ("half", "year", "quarter"))
    months = _months(period)
    deals = round(months * rng.uniform(8, 12))
    value = round(months * rng.uniform(80, 120))
    paragraphs = [
        f"普华永道最新报告显示，{text}，中国电信行业共完成并购交易 {deals} 笔，披露交易金额 "
        f"{_num(value, 0)} 亿元。报告认为，IDC、云计算领域的交易数量占比有所提升。",
    ]
    figures = [
        ExpectedFigure("telecom_ma_deals", period, deals),
        ExpectedFigure("telecom_ma_value", period, value),
    ]
    return "电信并购交易保持活跃", paragraphs, figures


def _ai(rng: random.Random, published: date) -> tuple[str, list[str], list[ExpectedFigure]]:
    text, period = _period_phrase(rng, published, ("half", "year"))
    market = round(_months(period) / 12 * rng.uniform(4, 6), 1)
    growth = round(rng.uniform(10, 60), 1)
    target_year = published.year + 4
    forecast = round(market * rng.uniform(3, 8), 1)
    share = rng.randint(5, 40)
    paragraphs = [
        f"国际数据公司（IDC）报告显示，{text}中国人工智能研发平台市场规模达到 {market:.1f} 亿美元，"
        f"同比增长 {growth:.1f}%。报告预计，到 {target_year} 年该市场规模将达到 {forecast:.1f} 亿美元。",
        f"与此同时，智能网联汽车加快普及。{text}，我国 L2 级智能网联乘用车市场渗透率达到 {share}%。",
    ]
    figures = [
        ExpectedFigure("ai_rd_platform_market", period, market),
        ExpectedFigure("ai_rd_platform_market", str(target_year), forecast, forecast=True),
        ExpectedFigure("l2_penetration", period, share),
    ]
    return "人工智能研发平台市场保持增长", paragraphs, figures


# An article: (title, paragraphs, the catalog figures they state) from the issue's rng and date.
ArticleMaker = Callable[[random.Random, date], tuple[str, list[str], list[ExpectedFigure]]]
ARTICLE_MAKERS: tuple[ArticleMaker, ...] = (_logistics, _carbon, _telecom, _ai)

# Sentences without catalog figures: real issues are mostly prose.
FILLER = (
    "业内人士认为，相关领域的技术创新和应用推广仍需持续投入。",
    "各地正结合自身产业基础，积极探索差异化的发展路径。",
    "专家建议，应进一步完善标准体系，推动产业链上下游协同发展。",
    "与此同时，数据安全和隐私保护问题日益受到关注。",
    "多家企业表示将加大研发投入，提升核心竞争力。",
    "政策层面，有关部门将继续优化营商环境，支持中小企业创新发展。",
)


def brief_text(
    i: int,
    seed: int = 0,
    *,
    first_year: int = FIRST_YEAR,
    per_year: int = ISSUES_PER_YEAR,
    makers: tuple[ArticleMaker, ...] = (),
    purpose: str = "性能测试",
) -> SyntheticIssue:
    """Issue i (0-based) of the synthetic series: the text and the figures it states.
    first_year, per_year and makers (default ARTICLE_MAKERS) shape another series, as the
    demo store (bench.demo) does; purpose is said in every article's opening sentence."""
    rng = random.Random(seed * 1_000_003 + i)
    year, number, total, published = issue_identity(i, first_year, per_year)
    lines = [
        "",
        TITLE,
        "",
        f"{year} 年第 {number} 期（总第 {total} 期）",
        "",
        "中国科学技术发展战略研究院",
        "产业科技发展研究所主办",
        "",
        f"{year} 年 {published.month} 月 {published.day} 日",
        "",
    ]
    makers = list(makers or ARTICLE_MAKERS)
    rng.shuffle(makers)
    expected: list[ExpectedFigure] = []
    editors: list[str] = []
    for maker in makers[: rng.randint(3, 4)]:
        title, paragraphs, figures = maker(rng, published)
        editor = rng.choice(EDITORS)
        filler = "".join(rng.sample(FILLER, 3))
        lines += [f"{title}（{SYNTHETIC_MARK}）", ""]
        lines += [f"本文为{SYNTHETIC_MARK}样本（synthetic），数据虚构，仅供{purpose}。{filler}", ""]
        for paragraph in paragraphs:
            lines += [paragraph, ""]
        lines += [f"（产业所 {editor} 整理）", ""]
        expected += figures
        editors.append(editor)
    return SyntheticIssue(
        index=i,
        year=year,
        number=number,
        total_number=total,
        published=published,
        text="\n".join(lines),
        expected=tuple(expected),
        editors=tuple(editors),
    )


# ---------------------------------------------------------------- year-to-date releases

# The monthly releases' total for month k of the first year, in 万亿元 (a national flow of
# ~130 万亿元 a year); later years grow: GROWTH_BY_YEAR flat in the second year, rising
# month by month in the third, so that both the total and its growth peak at the last
# 1—12 月 (two units whose peaks coincide, for the chart tests).
YTD_FIRST_MONTH_TOTAL = 10.0
YTD_MONTHLY_STEP = 0.1


def ytd_month_levels(years: int) -> list[list[float]]:
    """The (unrounded) monthly levels behind ytd_briefs, one list of 12 per year."""
    levels = [[YTD_FIRST_MONTH_TOTAL + YTD_MONTHLY_STEP * k for k in range(12)]]
    for year in range(1, years):
        previous = levels[-1]
        if year % 2 == 1:
            levels.append([value * 1.05 for value in previous])
        else:
            levels.append([value * (1.03 + 0.004 * (k + 1)) for k, value in enumerate(previous)])
    return levels


def ytd_briefs(first_year: int = 2019, years: int = 3) -> list[SyntheticIssue]:
    """One issue per monthly release, 1—2 月 … 1—12 月 of each year, each stating the
    national social logistics total so far (rounded to 0.1 万亿元) and, from the second
    year on, its growth on the same months a year before (rounded to 0.1%), as issue k of
    the year it is published in (1—12 月 comes out in January of the next year)."""
    levels = ytd_month_levels(years)
    issues = []
    numbers: dict[int, int] = {}
    for offset in range(years):
        year = first_year + offset
        for months in range(2, 13):
            total = sum(levels[offset][:months])
            published = date(year + (months == 12), months % 12 + 1, 20)
            number = numbers[published.year] = numbers.get(published.year, 0) + 1
            period = f"{year}-01/{year}-{months:02d}"
            phrase = f"{year} 年 1—{months} 月"
            sentence = (
                f"中国物流与采购联合会日前发布数据显示，{phrase}，全国社会物流总额 "
                f"{total:.1f} 万亿元"
            )
            expected = [ExpectedFigure("logistics_total", period, round(total, 1))]
            if offset:
                growth = (total / sum(levels[offset - 1][:months]) - 1) * 100
                sentence += f"，按可比价格计算，同比增长 {growth:.1f}%"
                expected.append(ExpectedFigure("logistics_total_yoy", period, round(growth, 1)))
            text = _issue_text(
                published.year,
                number,
                published,
                [("物流运行月度数据", [sentence + "。"], EDITORS[months % len(EDITORS)])],
            )
            issues.append(
                SyntheticIssue(
                    index=len(issues),
                    year=published.year,
                    number=number,
                    total_number=FIRST_TOTAL_NUMBER + len(issues),
                    published=published,
                    text=text,
                    expected=tuple(expected),
                    editors=(EDITORS[months % len(EDITORS)],),
                )
            )
    return issues


def write_ytd_briefs(outdir: str | Path, first_year: int = 2019, years: int = 3) -> list[Path]:
    """ytd_briefs as UTF-8 .txt files in outdir (a temp dir)."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for issue in ytd_briefs(first_year, years):
        path = outdir / issue.filename
        path.write_text(issue.text, encoding="utf-8")
        paths.append(path)
    return paths


def _issue_text(
    year: int, number: int, published: date, articles: list[tuple[str, list[str], str]]
) -> str:
    """An issue in the brief's layout: masthead, issue line, date, then each article (title,
    the synthetic notice, its paragraphs, its editor's line)."""
    lines = [
        "",
        TITLE,
        "",
        f"{year} 年第 {number} 期",
        "",
        "中国科学技术发展战略研究院",
        "产业科技发展研究所主办",
        "",
        f"{year} 年 {published.month} 月 {published.day} 日",
        "",
    ]
    for title, paragraphs, editor in articles:
        lines += [f"{title}（{SYNTHETIC_MARK}）", ""]
        lines += [f"本文为{SYNTHETIC_MARK}样本（synthetic），数据虚构，仅供测试。", ""]
        for paragraph in paragraphs:
            lines += [paragraph, ""]
        lines += [f"（产业所 {editor} 整理）", ""]
    return "\n".join(lines)


def write_briefs(outdir: str | Path, count: int = 1000, seed: int = 0) -> list[Path]:
    """Write `count` synthetic issues as UTF-8 .txt files into outdir (a temp dir)."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        issue = brief_text(i, seed)
        path = outdir / issue.filename
        path.write_text(issue.text, encoding="utf-8")
        paths.append(path)
    return paths


def sentence_count(text: str) -> int:
    """Sentences as the benchmark counts them: pieces ending in 。！？ or a line end."""
    count = 0
    for line in text.splitlines():
        pieces = [p for p in line.replace("！", "。").replace("？", "。").split("。") if p.strip()]
        count += len(pieces)
    return count


# ---------------------------------------------------------------- direct extractions


def synthetic_extraction(
    seq: int, n_obs: int, *, catalog: Catalog | None = None, variant: int = 0
) -> Extraction:
    """Issue `seq` with exactly n_obs observations on keys no other seq uses.

    Observation j is row g = seq * n_obs + j of one long sequence (indicator g % 20, day
    g // 20 after 1900-01-01), so no two issues of the same n_obs state the same key and `series()` shows every row: a
    reader can count an issue's rows there. `variant` changes the values (and the
    sha256) for re-commit and replace tests.
    """
    catalog = catalog or CATALOG
    indicators = catalog.indicators
    year, number, total, published = issue_identity(seq)
    header = IssueHeader(
        title=f"{TITLE}（{SYNTHETIC_MARK}）",
        year=year,
        number=number,
        total_number=total,
        published=published,
    )
    quote = f"{SYNTHETIC_MARK}样本第 {seq} 期的虚构数字。"
    text = f"{header.label_zh}\n{quote}"
    article = Article(
        index=0, title=f"{SYNTHETIC_MARK}文章", editor="某某", text=quote, start=0, end=len(quote)
    )
    observations = []
    base = date(1900, 1, 1)
    for j in range(n_obs):
        # Row g of the whole sequence: indicator g % n, day g // n, so issues of one n_obs
        # never share a key and 73,000 days (to 2100) fit 1.4 million rows.
        g = seq * n_obs + j
        ind = indicators[g % len(indicators)]
        day = base + timedelta(days=g // len(indicators))
        observations.append(
            Observation(
                article=article.title,
                article_index=0,
                editor="某某",
                quote=quote,
                span_start=0,
                span_end=len(quote),
                indicator=ind.id,
                period=day.isoformat(),
                value=float(seq * 1000 + j + variant),
                unit=ind.unit,
                figure_text=f"{seq * 1000 + j + variant}",
                period_text=day.isoformat(),
            )
        )
    digest = hashlib.sha256(f"synthetic {seq} {n_obs} {variant}".encode()).hexdigest()
    return Extraction(
        source_name=f"synthetic-{header.key}.txt",
        sha256=digest,
        issue=header,
        articles=[article],
        observations=observations,
        clean_text=text,
    )


# ---------------------------------------------------------------- bulk stores

# Each indicator+period is stated by about this many issues: restatements are what makes
# the `current` view (latest issue per key) work, so the bulk store has them.
STATEMENTS_PER_KEY = 2
OBSERVATIONS_PER_ISSUE = 50
# observation_frames' issues fill the years from FRAMES_FIRST_YEAR on, short of the period
# grammar's end (2100), all but FRAMES_FREE_YEAR: an issue of that year is new to any store
# built from them and one ingest accepts (1980 to next year, numbers up to 99). Small stores
# stay before 1981, where the generated briefs (issue_identity) begin.
FRAMES_FIRST_YEAR = 1950
FRAMES_FREE_YEAR = 1980
FRAMES_END_YEAR = 2100


# The keys of a year of a flow or a rate, as briefs state them: 1—2 月 … 1—12 月 (11), the
# months (12), the quarters (4), the halves (2), the year (1).
_YEAR_SLOTS = 30
_BULK_FIRST_YEAR = 1900
_BULK_YEARS = 200  # 1900 … 2099, inside the period grammar
_DAYS = 73_000  # from 1900-01-01, to 2099


def _year_slots() -> list[tuple[str, int, int, int]]:
    """(kind, first month, last month, index) of each of a year's _YEAR_SLOTS keys."""
    slots = [("ytd", 1, n, n) for n in range(2, 13)]
    slots += [("month", m, m, m) for m in range(1, 13)]
    slots += [("quarter", 3 * q - 2, 3 * q, q) for q in range(1, 5)]
    slots += [("half", 1, 6, 1), ("half", 7, 12, 2), ("year", 1, 12, 1)]
    return slots


@functools.lru_cache(maxsize=2)
def _period_table(monthly: bool) -> tuple[np.ndarray, ...]:
    """Every key of the form-rich years (monthly: months only): period, kind, start, end
    and a value (flows: the sum of smooth monthly values over the period's months)."""
    periods, kinds, starts, ends, values = [], [], [], [], []
    slots = [s for s in _year_slots() if s[0] == "month"] if monthly else _year_slots()
    for offset in range(_BULK_YEARS):
        year = _BULK_FIRST_YEAR + offset
        month_values = [100 + 10 * np.sin((offset * 12 + m) / 30) for m in range(12)]
        for kind, first, last, index in slots:
            if kind == "ytd":
                periods.append(f"{year}-01/{year}-{last:02d}")
            elif kind == "month":
                periods.append(f"{year}-{first:02d}")
            elif kind == "quarter":
                periods.append(f"{year}-Q{index}")
            elif kind == "half":
                periods.append(f"{year}-H{index}")
            else:
                periods.append(str(year))
            kinds.append(kind)
            starts.append(pd.Timestamp(year, first, 1))
            ends.append(pd.Timestamp(year, last, 1) + pd.offsets.MonthEnd(0))
            values.append(sum(month_values[first - 1 : last]))
    return (
        np.array(periods, dtype=object),
        np.array(kinds, dtype=object),
        pd.DatetimeIndex(starts).date,
        pd.DatetimeIndex(ends).date,
        np.array(values),
    )


def _bulk_periods(keys: np.ndarray, kinds: np.ndarray) -> tuple[np.ndarray, ...]:
    """(period, period_kind, start, end, value) of each row's key: the first keys of a flow
    or rate are the form-rich years, of an index its months; the rest are days (a stock's
    keys are all days)."""
    n = len(keys)
    period = np.empty(n, dtype=object)
    kind = np.full(n, "day", dtype=object)
    start = np.empty(n, dtype=object)
    end = np.empty(n, dtype=object)
    value = np.empty(n)
    remaining = np.ones(n, dtype=bool)
    for monthly, wanted in ((False, ("flow", "rate")), (True, ("index",))):
        table = _period_table(monthly)
        size = len(table[0])
        chosen = np.isin(kinds, wanted) & (keys < size)
        at = keys[chosen]
        period[chosen], kind[chosen], start[chosen], end[chosen] = (
            table[0][at],
            table[1][at],
            table[2][at],
            table[3][at],
        )
        # A rate or an index moves around its level; a flow is the sum of its months.
        value[chosen] = np.where(
            kinds[chosen] == "flow", table[4][at], table[4][at] / 1000 * 5 + 50
        )
        remaining &= ~chosen
        # Past the form-rich years, their keys continue as days.
        keys = np.where(np.isin(kinds, wanted) & (keys >= size), keys - size, keys)
    days = pd.Timestamp("1900-01-01") + pd.to_timedelta(keys[remaining] % _DAYS, unit="D")
    period[remaining] = np.asarray(days.strftime("%Y-%m-%d"), dtype=object)
    start[remaining] = end[remaining] = days.date
    value[remaining] = 100 + 10 * np.sin(keys[remaining] / 30)
    return period, kind, start, end, value


def observation_frames(
    n_obs: int, *, catalog: Catalog | None = None, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(issues, observations) frames with n_obs observations, in the store's columns.

    Vectorised (numpy), so 1e6 rows take about a second. Observations are spread evenly
    over the catalog's indicators, each key (indicator and period) stated by
    STATEMENTS_PER_KEY issues, every other key with slightly different values (revisions),
    the others with the same value (unchanged restatements). Flows and rates
    are stated the way briefs state them (_bulk_periods): each year's 1—2 月 … 1—12 月
    totals, months, quarters, halves and the year, from 1900 on; indices monthly; stocks on
    days; keys beyond what the period grammar's years hold are days. Issues hold
    OBSERVATIONS_PER_ISSUE observations each.
    """
    catalog = catalog or CATALOG
    rng = np.random.default_rng(seed)
    ids = np.array(catalog.ids(), dtype=object)
    units = np.array([ind.unit for ind in catalog.indicators], dtype=object)
    n_issues = max(1, -(-n_obs // OBSERVATIONS_PER_ISSUE))

    issue_idx = np.arange(n_issues)
    # Keep every year inside the period grammar's range (..2100): the 1e6 store has 20,000
    # issues, so it numbers up to a few hundred issues a year.
    years_available = FRAMES_END_YEAR - FRAMES_FIRST_YEAR - 1  # all but the free year
    per_year = max(ISSUES_PER_YEAR, -(-n_issues // years_available))
    years = FRAMES_FIRST_YEAR + issue_idx // per_year
    years = years + (years >= FRAMES_FREE_YEAR)
    numbers = issue_idx % per_year + 1
    published = pd.to_datetime(
        pd.DataFrame({"year": years, "month": 1, "day": 1})
    ) + pd.to_timedelta((numbers - 1) * 364 // per_year, unit="D")
    keys = np.char.add(np.char.add(years.astype(str), "-"), np.char.zfill(numbers.astype(str), 2))
    issues = pd.DataFrame(
        {
            "issue_key": keys.astype(object),
            "title": f"{TITLE}（{SYNTHETIC_MARK}）",
            "year": years.astype("int32"),
            "number": numbers.astype("int32"),
            "total_number": (issue_idx + 1).astype("int32"),
            "published": published.dt.date,
            "issue_label": np.char.add(
                np.char.add(years.astype(str), " 年第 "), np.char.add(numbers.astype(str), " 期")
            ).astype(object),
            "source_name": np.char.add(keys, ".synthetic.txt").astype(object),
            "sha256": np.char.add("synthetic-", keys).astype(object),
            "ingested_at": pd.Timestamp("2026-01-01"),
            "clean_text": f"{SYNTHETIC_MARK}样本（synthetic）",
        }
    )

    row = np.arange(n_obs)
    n_ind = len(ids)
    ind_pos = row % n_ind
    # Row r states key k = r // (n_ind * STATEMENTS_PER_KEY) of its indicator, so each key is
    # stated STATEMENTS_PER_KEY times by issues far apart (a restatement in a later issue).
    key_in_ind = row // n_ind // STATEMENTS_PER_KEY
    statement = row // n_ind % STATEMENTS_PER_KEY
    n_keys_per_ind = max(1, -(-n_obs // (n_ind * STATEMENTS_PER_KEY)))
    # The first statement comes from an early issue, the restatement from a later one.
    spread = max(1, n_keys_per_ind)
    issue_of_row = (key_in_ind * (n_issues - 1) // (2 * spread) + statement * (n_issues // 2)).clip(
        0, n_issues - 1
    )
    kinds = np.array([ind.kind for ind in catalog.indicators], dtype=object)[ind_pos]
    period, period_kind, start, end, values = _bulk_periods(key_in_ind, kinds)
    values = np.round(values + rng.normal(0, 0.01, n_obs) * np.abs(values), 3)
    # Every other key's restatements repeat its first value (an unchanged restatement), the
    # rest differ (a revision): a store holds both, on purpose rather than by chance.
    repeated = (statement > 0) & (key_in_ind % 2 == 1)
    values[repeated] = values[row[repeated] - statement[repeated] * n_ind]
    quote = f"{SYNTHETIC_MARK}样本中的虚构数字。"
    observations = pd.DataFrame(
        {
            "issue_key": keys[issue_of_row].astype(object),
            "seq": (row // OBSERVATIONS_PER_ISSUE % 100000).astype("int32"),
            "indicator": ids[ind_pos],
            "period": period,
            "period_kind": period_kind,
            "period_start": start,
            "period_end": end,
            "value": values,
            "value_high": np.nan,
            "unit": units[ind_pos],
            "qualifier": "exact",
            "forecast": False,
            "derived": False,
            "figure_text": values.astype(str).astype(object),
            "period_text": period,
            "quote": quote,
            "span_start": 0,
            "span_end": len(quote),
            "article_index": 0,
            "article": f"{SYNTHETIC_MARK}文章",
            "editor": "某某",
        }
    )
    # Within one issue a seq must be unique: number rows per issue in order.
    observations["seq"] = observations.groupby("issue_key").cumcount().astype("int32")
    return issues, observations
