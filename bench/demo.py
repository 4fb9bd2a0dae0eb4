"""The demo store (`make demo`): generated issues in the brief's layout over six years.

A newcomer's first minute should show lines, revisions and vintages, and the shipped store
holds one issue. So `make demo` builds a separate store, data/demo.duckdb, from issues this
module writes (bench.synthetic's layout: masthead, issue line, date, articles closed by
`（产业所 某某 整理）`), read by the real loaders and stored by the real CLI, and serves the
dashboard on it with every page marked 示例数据 (BRIEFS_DEMO, dashboard.demo).

Every article title carries 合成 and every article says its figures are made up. Values
follow smooth series (a level grows each year, a growth rate is the levels' own), so the
second look from the series finds them clean; now and then a later issue restates an
earlier period a little differently, as real ones do, which makes revisions and vintages.

The demo store is never the real one: `build` refuses a store that holds any issue it did
not write, and the Makefile gives it its own file.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import shutil
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from bench.synthetic import (
    SYNTHETIC_MARK,
    ExpectedFigure,
    SyntheticIssue,
    _months,
    _num,
    _period_phrase,
    brief_text,
)
from loaders.paths import DEFAULT_DEMO_DB_PATH

# Six years of the brief at its real pace (about 24 issues a year), ending before today.
FIRST_YEAR = 2019
YEARS = 6
PER_YEAR = 24
PURPOSE = "演示（示例数据）"
# One statement in this many restates its period a little differently (a revision).
REVISION_ODDS = 6


def _wobble(key: str, spread: float) -> float:
    """A fixed factor in [1 - spread, 1 + spread] for one series and period."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return 1 + spread * (digest[0] / 127.5 - 1)


def _revised(rng: random.Random, value: float, step: float) -> float:
    """value, or (one time in REVISION_ODDS) value moved by a step or two: a revision."""
    if rng.randrange(REVISION_ODDS):
        return value
    return value + step * rng.choice((-2, -1, 1, 2))


def _amount(indicator: str, period: str, per_month: float, growth: float) -> float:
    """A flow over a period: per_month x months, growing by `growth` a year, with a wobble."""
    from loaders.vocab.periods import parse_period

    start = parse_period(period).start
    years = start.year - FIRST_YEAR + (start.month - 1) / 12
    return per_month * _months(period) * (1 + growth) ** years * _wobble(indicator + period, 0.02)


def _year_before(period: str) -> str:
    """The same period a year earlier (2021-H1 -> 2020-H1, 2021-01/2021-09 -> 2020-01/2020-09)."""
    return "/".join(
        str(int(part[:4]) - 1) + part[4:] if part[:4].isdigit() else part
        for part in period.split("/")
    )


def _logistics(rng: random.Random, published: date) -> tuple[str, list[str], list[ExpectedFigure]]:
    text, period = _period_phrase(rng, published, ("ytd", "half", "quarter", "year"))

    def level(p: str, per_month: float, growth: float) -> float:
        return _amount("logistics" + str(per_month), p, per_month, growth)

    def growth_of(per_month: float, growth: float) -> float:
        now, before = (
            level(period, per_month, growth),
            level(_year_before(period), per_month, growth),
        )
        return round((now / before - 1) * 100, 1)

    def two_year(per_month: float, growth: float) -> float:
        earlier = _year_before(_year_before(period))
        ratio = level(period, per_month, growth) / level(earlier, per_month, growth)
        return round((math.sqrt(ratio) - 1) * 100, 1)

    total = round(_revised(rng, level(period, 25, 0.06), 0.1), 1)
    revenue = round(_revised(rng, level(period, 0.9, 0.08), 0.1), 1)
    yoy, yoy2 = growth_of(25, 0.06), two_year(25, 0.06)
    revenue_yoy, revenue_yoy2 = growth_of(0.9, 0.08), two_year(0.9, 0.08)
    paragraphs = [
        f"中国物流与采购联合会日前发布数据显示，{text}，全国社会物流总额 {_num(total, 1)} 万亿元，"
        f"按可比价格计算，同比增长 {yoy:.1f}%，两年年均增长 {yoy2:.1f}%，物流需求规模保持稳定。",
        f"{text}物流业总收入 {_num(revenue, 1)} 万亿元，同比增长 {revenue_yoy:.1f}%，"
        f"两年年均增长 {revenue_yoy2:.1f}%。",
    ]
    figures = [
        ExpectedFigure("logistics_total", period, total),
        ExpectedFigure("logistics_total_yoy", period, yoy),
        ExpectedFigure("logistics_total_yoy_2y", period, yoy2),
        ExpectedFigure("logistics_revenue", period, revenue),
        ExpectedFigure("logistics_revenue_yoy", period, revenue_yoy),
        ExpectedFigure("logistics_revenue_yoy_2y", period, revenue_yoy2),
    ]
    if published.month >= 2:
        month = f"{published.year}-{published.month - 1:02d}"
        business = round(52 + 3 * math.sin(published.month) * _wobble("lpi" + month, 0.3), 1)
        orders = round(business - 1 + 2 * (_wobble("orders" + month, 0.5) - 1), 1)
        paragraphs.append(
            f"从景气指数看，{published.month - 1} 月份中国物流业景气指数为 {business:.1f}%，"
            f"其中业务量指数为 {business:.1f}%，新订单指数为 {orders:.1f}%。"
        )
        figures += [
            ExpectedFigure("logistics_business_index", month, business),
            ExpectedFigure("logistics_new_orders_index", month, orders),
        ]
    return "物流运行保持平稳", paragraphs, figures


def _days_since_start(day: date) -> int:
    return (day - date(FIRST_YEAR - 1, 7, 1)).days


def _carbon_national(
    rng: random.Random, published: date
) -> tuple[str, list[str], list[ExpectedFigure]]:
    day = published - timedelta(days=rng.randint(3, 12))
    days = _days_since_start(day)
    # Totals since launch rise with the date and never fall.
    volume_wan_t = 500 + 4 * days
    turnover = round(2 + 0.02 * days, 2)
    price = round(40 + 10 * days / 365 + 3 * (_wobble("price" + day.isoformat(), 1) - 1), 2)
    units = 2000 + 25 * (day.year - FIRST_YEAR)
    paragraphs = [
        f"全国碳排放权交易市场运行总体平稳。截至 {day.month} 月 {day.day} 日，全国碳市场碳排放配额"
        f"累计成交量 {_num(volume_wan_t, 0)} 万吨，累计成交额 {turnover:.2f} 亿元。"
        f"{day.month} 月 {day.day} 日收盘价为 {price:.2f} 元/吨。",
        f"全国碳市场第一个履约周期纳入发电行业重点排放单位 {units} 家，是覆盖温室气体排放量"
        f"规模较大的碳市场。",
    ]
    figures = [
        ExpectedFigure("carbon_national_cum_volume", day.isoformat(), volume_wan_t / 10000),
        ExpectedFigure("carbon_national_cum_turnover", day.isoformat(), turnover),
        ExpectedFigure("carbon_national_price", day.isoformat(), price),
        ExpectedFigure("carbon_national_units", f"{published.year}-{published.month:02d}", units),
    ]
    return "全国碳市场交易平稳运行", paragraphs, figures


def _carbon_pilots(
    rng: random.Random, published: date
) -> tuple[str, list[str], list[ExpectedFigure]]:
    year, month = (
        (published.year, published.month - 1)
        if published.month > 1
        else (
            published.year - 1,
            12,
        )
    )
    months = (year - FIRST_YEAR + 1) * 12 + month
    volume = round(3.0 + 0.02 * months, 2)
    turnover = round(80 + 0.8 * months, 1)
    enterprises = 2800 + 10 * (year - FIRST_YEAR)
    paragraphs = [
        f"地方碳排放权交易试点持续运行。截至 {year} 年 {month} 月，试点碳市场共覆盖重点排放企业 "
        f"{enterprises} 家，累计成交量 {volume:.2f} 亿吨，累计成交金额 {turnover:.1f} 亿元。",
    ]
    period = f"{year}-{month:02d}"
    figures = [
        ExpectedFigure("carbon_pilot_enterprises", period, enterprises),
        ExpectedFigure("carbon_pilot_cum_volume", period, volume),
        ExpectedFigure("carbon_pilot_cum_turnover", period, turnover),
    ]
    return "地方碳市场试点稳步推进", paragraphs, figures


def _telecom(rng: random.Random, published: date) -> tuple[str, list[str], list[ExpectedFigure]]:
    text, period = _period_phrase(rng, published, ("half", "year", "quarter"))
    deals = round(_amount("deals", period, 10, 0.03))
    value = round(_revised(rng, _amount("value", period, 100, 0.05), 3))
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
    market = round(_revised(rng, _amount("ai", period, 0.2, 0.35), 0.1), 1)
    cagr = round(30 + 10 * (_wobble("cagr" + period, 1) - 1), 1)
    share_year = int(period[:4])
    share = 5 + 4 * (share_year - FIRST_YEAR + 1)
    paragraphs = [
        f"国际数据公司（IDC）报告显示，{text}我国人工智能研发平台市场规模达 {market:.1f} 亿美元，"
        f"复合增长率超 {cagr:.1f}%。",
        f"与此同时，智能网联汽车加快普及。{text}，我国 L2 级智能网联乘用车市场渗透率达到 {share}%。",
    ]
    figures = [
        ExpectedFigure("ai_rd_platform_market", period, market),
        ExpectedFigure("ai_rd_platform_cagr", period, cagr),
        ExpectedFigure("l2_penetration", period, share),
    ]
    return "人工智能研发平台市场保持增长", paragraphs, figures


MAKERS = (_logistics, _carbon_national, _carbon_pilots, _telecom, _ai)


def demo_issue(i: int) -> SyntheticIssue:
    """Issue i (0-based) of the demo archive: 2019 年第 1 期 onwards, 24 a year."""
    return brief_text(i, first_year=FIRST_YEAR, per_year=PER_YEAR, makers=MAKERS, purpose=PURPOSE)


def demo_issues() -> list[SyntheticIssue]:
    return [demo_issue(i) for i in range(YEARS * PER_YEAR)]


def write_demo_briefs(outdir: Path, count: int | None = None) -> list[Path]:
    """The demo issues (the first `count` of them) as UTF-8 .txt files in outdir."""
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for issue in demo_issues()[:count]:
        path = outdir / f"demo-{issue.key}.txt"
        path.write_text(issue.text, encoding="utf-8")
        paths.append(path)
    return paths


def foreign_issues(db: Path) -> list[str]:
    """Keys of the issues in db that are not demo issues (a real store), [] for a new file."""
    from loaders.store import open_store, queries

    if not db.exists():
        return []
    demo_sources = {f"demo-{issue.key}.txt" for issue in demo_issues()}
    with open_store(str(db)) as store:
        stored = queries.issues(store)
    return [
        key
        for key, source in zip(stored["issue_key"], stored["source_name"], strict=True)
        if source not in demo_sources
    ]


def build(db: Path, count: int | None = None) -> int:
    """Write the demo briefs and store them into a new db with the real CLI; 0 on success,
    2 (and nothing touched) when db holds an issue that is not a demo issue."""
    from loaders.__main__ import main as cli

    foreign = foreign_issues(db)
    if foreign:
        print(
            f"error: {db} 中有非示例数据的期刊（{', '.join(foreign[:3])} …）："
            "示例数据只写入它自己的库（默认 data/demo.duckdb），不与真实数据混在一起",
            file=sys.stderr,
        )
        return 2
    # Built from scratch (the generator may have changed): a file of demo issues only.
    for stale in (db, *db.parent.glob(db.name + ".*")):
        if stale.is_dir():
            shutil.rmtree(stale)
        elif stale.exists():
            stale.unlink()
    with tempfile.TemporaryDirectory(prefix="demo-briefs-") as tmp:
        paths = write_demo_briefs(Path(tmp), count)
        return cli(["ingest", "--db", str(db), *map(str, paths)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.demo", description=__doc__)
    parser.add_argument("--db", type=Path, default=DEFAULT_DEMO_DB_PATH)
    args = parser.parse_args(argv)
    return build(args.db)


if __name__ == "__main__":
    sys.exit(main())

__all__ = ["SYNTHETIC_MARK", "build", "demo_issue", "demo_issues", "main"]
