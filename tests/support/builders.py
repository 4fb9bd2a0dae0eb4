"""Issues built as Extraction objects, so the tests that use them do not depend on the
figure finder, and the curated catalog, read once for the whole suite and passed explicitly.

The dashboard tests use two realistic issues: 2021-15 states telecom M&A values (2019 367
亿元, 2020 1,750 亿元, 2016—2020 more than 4,500 亿元), logistics 2021-Q1 75.0 万亿元, an
approximate revenue and a forecast; 2021-29 revises logistics 2021-Q1 to 75.1 万亿元 and adds
year-to-date and annual figures.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from loaders.catalog.indicators import load_catalog
from loaders.models import Article, Extraction, IssueHeader, Observation, UnassignedFigure

CATALOG = load_catalog()


@dataclass
class Fig:
    """A figure to place in an article: the quote must appear in that article's text."""

    article: int
    quote: str
    figure_text: str
    value: float
    unit: str
    indicator: str | None = None  # None: an unassigned figure
    period: str | None = None
    qualifier: str = "exact"
    forecast: bool = False
    subject: str = ""
    extra: dict = field(default_factory=dict)


def build_extraction(
    number: int,
    published: date,
    articles: list[tuple[str, str | None, str]],
    figures: list[Fig],
    *,
    year: int = 2021,
    total_number: int | None = None,
) -> Extraction:
    """An Extraction whose offsets are real: articles laid out in clean_text, spans found."""
    header = IssueHeader(
        title="产业创新动态",
        year=year,
        number=number,
        total_number=total_number,
        published=published,
    )
    clean = f"产业创新动态\n\n{header.label_zh}\n\n"
    built: list[Article] = []
    for index, (title, editor, text) in enumerate(articles):
        clean += f"{title}\n\n"
        start = len(clean)
        clean += text
        built.append(
            Article(
                index=index,
                title=title,
                editor=editor,
                text=text,
                start=start,
                end=start + len(text),
            )
        )
        clean += f"\n（编辑：{editor}）\n\n" if editor else "\n\n"
    observations: list[Observation] = []
    unassigned: list[UnassignedFigure] = []
    for fig in figures:
        article = built[fig.article]
        at = article.text.index(fig.quote)
        provenance = {
            "article": article.title,
            "article_index": article.index,
            "editor": article.editor,
            "quote": fig.quote,
            "span_start": article.start + at,
            "span_end": article.start + at + len(fig.quote),
        }
        if fig.indicator is None:
            unassigned.append(
                UnassignedFigure(
                    **provenance,
                    value=fig.value,
                    unit=fig.unit,
                    qualifier=fig.qualifier,
                    forecast=fig.forecast,
                    period=fig.period,
                    figure_text=fig.figure_text,
                    subject=fig.subject,
                )
            )
        else:
            observations.append(
                Observation(
                    **provenance,
                    indicator=fig.indicator,
                    period=fig.period,
                    value=fig.value,
                    unit=fig.unit,
                    qualifier=fig.qualifier,
                    forecast=fig.forecast,
                    figure_text=fig.figure_text,
                    **fig.extra,
                )
            )
    return Extraction(
        source_name=f"{header.key}.txt",
        sha256=hashlib.sha256(clean.encode("utf-8")).hexdigest(),
        issue=header,
        articles=built,
        observations=observations,
        unassigned=unassigned,
        clean_text=clean,
    )


TELECOM_TEXT = (
    "“数据流量”“新基础设施”和“中美摩擦”是 2020 年中国电信并购的三个关键词。"
    "2016 年至 2020 年，中国电信行业境内外并购交易 723 笔，交易总金额超过 4,500 亿元。"
    "其中，2020 年完成 148 笔交易，交易总金额从 2019 年的 367 亿元跃升至 1,750 亿元，创近五年来新高。"
)
LOGISTICS_Q1_TEXT = (
    "2021 年一季度，全国社会物流总额为 75.0 万亿元，按可比价格计算，同比增长 24.2%。"
    "物流业总收入约 2.7 万亿元。进口物流量增长 12.5%。"
    "<script>alert('x')</script>这一行是测试用的标记，必须原样显示。"
)
CARS_TEXT = "预计到 2025 年，L2 级自动驾驶的渗透率将达到 50%。"
LOGISTICS_H1_TEXT = (
    "2021 年一季度全国社会物流总额修订为 75.1 万亿元。"
    "2021 年 1—6 月，全国社会物流总额 150.9 万亿元，同比增长 15.7%。"
    "2020 年全国社会物流总额 300.1 万亿元。"
)


def issue_carrying(payload: str) -> Extraction:
    """A one-figure issue (2021 年第 15 期) whose title, file name, article title, editor and
    quoted text carry payload: what the hostile-input tests feed every page."""
    sentence = "2021 年一季度，全国社会物流总额为 75.0 万亿元。"
    extraction = build_extraction(
        15,
        date(2021, 4, 26),
        [(payload, payload, sentence + payload)],
        [Fig(0, sentence, "75.0 万亿元", 75.0, "万亿元", "logistics_total", "2021-Q1")],
    )
    return extraction.model_copy(
        update={
            "source_name": f"{payload}.txt",
            "issue": extraction.issue.model_copy(update={"title": payload}),
        }
    )


def issue_2021_15() -> Extraction:
    return build_extraction(
        15,
        date(2021, 4, 26),
        [
            ("普华永道：2020 年中国电信并购回顾与展望", "李明", TELECOM_TEXT),
            ("中国物流与采购联合会：2021 年一季度物流运行情况", "王芳", LOGISTICS_Q1_TEXT),
            ("智能网联汽车发展展望", None, CARS_TEXT),
        ],
        [
            Fig(
                0,
                "2016 年至 2020 年，中国电信行业境内外并购交易 723 笔，交易总金额超过 4,500 亿元。",
                "超过 4,500 亿元",
                4500,
                "亿元",
                "telecom_ma_value",
                "2016/2020",
                qualifier="more_than",
            ),
            Fig(
                0,
                "2016 年至 2020 年，中国电信行业境内外并购交易 723 笔，交易总金额超过 4,500 亿元。",
                "723 笔",
                723,
                "笔",
                "telecom_ma_deals",
                "2016/2020",
            ),
            Fig(
                0,
                "其中，2020 年完成 148 笔交易，交易总金额从 2019 年的 367 亿元跃升至 1,750 亿元，创近五年来新高。",
                "148 笔",
                148,
                "笔",
                "telecom_ma_deals",
                "2020",
            ),
            Fig(
                0,
                "其中，2020 年完成 148 笔交易，交易总金额从 2019 年的 367 亿元跃升至 1,750 亿元，创近五年来新高。",
                "367 亿元",
                367,
                "亿元",
                "telecom_ma_value",
                "2019",
            ),
            Fig(
                0,
                "其中，2020 年完成 148 笔交易，交易总金额从 2019 年的 367 亿元跃升至 1,750 亿元，创近五年来新高。",
                "1,750 亿元",
                1750,
                "亿元",
                "telecom_ma_value",
                "2020",
            ),
            Fig(
                1,
                "2021 年一季度，全国社会物流总额为 75.0 万亿元，按可比价格计算，同比增长 24.2%。",
                "75.0 万亿元",
                75.0,
                "万亿元",
                "logistics_total",
                "2021-Q1",
            ),
            Fig(
                1,
                "2021 年一季度，全国社会物流总额为 75.0 万亿元，按可比价格计算，同比增长 24.2%。",
                "24.2%",
                24.2,
                "%",
                "logistics_total_yoy",
                "2021-Q1",
            ),
            Fig(
                1,
                "物流业总收入约 2.7 万亿元。",
                "约 2.7 万亿元",
                2.7,
                "万亿元",
                "logistics_revenue",
                "2021-Q1",
                qualifier="approx",
            ),
            Fig(
                1,
                "进口物流量增长 12.5%。",
                "12.5%",
                12.5,
                "%",
                None,
                "2021-Q1",
                subject="进口物流量增长",
            ),
            Fig(
                2,
                "预计到 2025 年，L2 级自动驾驶的渗透率将达到 50%。",
                "50%",
                50,
                "%",
                "l2_penetration",
                "2025",
                forecast=True,
            ),
        ],
        total_number=460,
    )


def issue_2021_29() -> Extraction:
    quote_h1 = "2021 年 1—6 月，全国社会物流总额 150.9 万亿元，同比增长 15.7%。"
    return build_extraction(
        29,
        date(2021, 8, 30),
        [("2021 年上半年物流运行情况", "王芳", LOGISTICS_H1_TEXT)],
        [
            Fig(
                0,
                "2021 年一季度全国社会物流总额修订为 75.1 万亿元。",
                "75.1 万亿元",
                75.1,
                "万亿元",
                "logistics_total",
                "2021-Q1",
            ),
            Fig(
                0,
                quote_h1,
                "150.9 万亿元",
                150.9,
                "万亿元",
                "logistics_total",
                "2021-01/2021-06",
            ),
            Fig(0, quote_h1, "15.7%", 15.7, "%", "logistics_total_yoy", "2021-01/2021-06"),
            Fig(
                0,
                "2020 年全国社会物流总额 300.1 万亿元。",
                "300.1 万亿元",
                300.1,
                "万亿元",
                "logistics_total",
                "2020",
            ),
        ],
        total_number=474,
    )
