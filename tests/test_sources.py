"""The organisation a figure's text cites (loaders.figures.sources): where a name is a source, where
it is not, and which citation speaks for a figure."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from loaders.catalog.indicators import load_catalog
from loaders.figures.sources import citations, with_sources
from loaders.intake.pipeline import extract_file
from loaders.models import Article, IssueHeader, Observation
from loaders.services.ingest import ingest
from loaders.store import open_store, queries

# The shared briefs (shared/eval/briefs), as the repository keeps them.
BRIEFS = Path(__file__).resolve().parent / "data" / "eval"
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "briefs" / "2021-15.txt"


def _names(text: str) -> list[str]:
    return [citation.name for citation in citations(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("据中国物流与采购联合会（下称“中物联”）消息，一季度物流市场加快复苏。", ["中物联"]),
        ("中国物流与采购联合会日前发布数据显示，前三季度全国社会物流总额 232 万亿元。", ["中物联"]),
        ("普华永道最新报告显示，2021 年上半年共完成并购交易 66 笔。", ["普华永道"]),
        ("国际数据公司（IDC）报告显示，市场规模达到 2.1 亿美元。", ["IDC"]),
        ("2020 年底，生态环境部公布了《碳排放权交易管理办法》。", ["生态环境部"]),
        (
            "工业和信息化部新闻发言人、运行监测协调局局长黄利斌介绍，渗透率达到 15%。",
            ["工信部"],
        ),
        ("据中国汽车工业协会统计，销量 120.6 万辆。", ["中汽协"]),
        # Not listed in data/sources.yaml, but cited and named like an organisation.
        ("据中国物流信息中心统计，指数为 51.2%。", ["中国物流信息中心"]),
    ],
)
def test_a_cited_name_is_a_source(text: str, expected: list[str]) -> None:
    assert _names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # A field of business, not the research firm.
        "在“数据流量+基础设施”的影响下，IDC、云计算和物联网领域也持续升温。",
        # A venue: 发布会 is where something is announced.
        "近日，国新办就 2021 年一季度工业通信业发展情况举行新闻发布会。",
        # Named, but as the one who acts, not the one who reports.
        "国家在 7 个省市开展了碳排放权交易试点，生态环境部门加强了监管。",
    ],
)
def test_a_name_that_is_not_cited_is_no_source(text: str) -> None:
    assert _names(text) == []


def _article(title: str, text: str) -> Article:
    return Article(index=0, title=title, editor="刘如", text=text, start=100, end=100 + len(text))


def _figure_in(article: Article, sentence: str) -> Observation:
    at = article.text.index(sentence)
    return Observation(
        indicator="x",
        period="2021",
        value=1.0,
        unit="%",
        article=article.title,
        article_index=article.index,
        quote=sentence,
        span_start=article.start + at,
        span_end=article.start + at + len(sentence),
    )


def _source(article: Article, sentence: str) -> str | None:
    return with_sources([article], [_figure_in(article, sentence)])[0].source_org


def test_the_nearest_citation_speaks_for_a_figure() -> None:
    article = _article(
        "国内物流各行业景气度逐步恢复",
        "据中物联消息，一季度物流市场加快复苏。数据显示，一季度全国社会物流总额75.1万亿元。\n"
        "一季度物流业总收入达到2.6万亿元。\n"
        "普华永道认为：一是并购继续上升。并购交易额为1,750亿元。\n"
        "与此同时，新能源汽车销量120.6万辆。\n"
        "业内预计，全年渗透率有望超过35%。",
    )
    # Its paragraph: the sentence before it cites 中物联.
    assert _source(article, "数据显示，一季度全国社会物流总额75.1万亿元。") == "中物联"
    # A paragraph that names none: the article's lead.
    assert _source(article, "一季度物流业总收入达到2.6万亿元。") == "中物联"
    # A later citation in its own paragraph wins over the lead.
    assert _source(article, "并购交易额为1,750亿元。") == "普华永道"
    # A paragraph turning to other news is not the lead's.
    assert _source(article, "与此同时，新能源汽车销量120.6万辆。") is None
    # Someone unnamed is credited: nothing earlier speaks for it.
    assert _source(article, "业内预计，全年渗透率有望超过35%。") is None


def test_a_title_naming_an_organisation_is_the_articles_source() -> None:
    article = _article(
        "普华永道：2020 年中国电信并购回顾与展望",
        "2016年至2020年，中国电信行业境内外并购交易723笔。",
    )
    assert _source(article, "2016年至2020年，中国电信行业境内外并购交易723笔。") == "普华永道"
    journal = _article("《Nature》：研究人员 3D 打印出金属纳米结构阵列", "阵列间隔为9.2微米。")
    assert _source(journal, "阵列间隔为9.2微米。") is None


def test_joint_publishers_are_both_named() -> None:
    article = _article(
        "人工智能产业发展趋势",
        "近日，中国信息通信研究院与中国人工智能产业发展联盟联合发布《白皮书》。\n"
        "2020年上半年我国人工智能研发平台市场规模达1.4亿美元。",
    )
    assert (
        _source(article, "2020年上半年我国人工智能研发平台市场规模达1.4亿美元。")
        == "中国信通院、中国人工智能产业发展联盟"
    )


# The source of each series' figure in the shared briefs, as an analyst reads the articles
# (None: the text names none).
EXPECTED_SOURCES = {
    "2021-15": {
        "telecom_ma_value": "普华永道",
        "telecom_ma_deals": "普华永道",
        "ai_rd_platform_market": "中国信通院、中国人工智能产业发展联盟",
        "carbon_pilot_cum_turnover": None,
        "carbon_national_units": "生态环境部",
        "l2_penetration": "工信部",
        "logistics_total": "中物联",
        "logistics_revenue": "中物联",
        "logistics_business_index": "中物联",
    },
    "2021-29": {
        "logistics_total": "中物联",
        "carbon_national_price": None,
        "telecom_ma_value": "普华永道",
        "ai_rd_platform_market": "IDC",
        "l2_penetration": None,
    },
}


@pytest.mark.parametrize("issue_key", sorted(EXPECTED_SOURCES))
def test_the_shared_briefs_name_their_sources(issue_key: str) -> None:
    extraction = extract_file(BRIEFS / f"{issue_key}.txt", load_catalog())
    found = {o.indicator: o.source_org for o in extraction.observations}
    for indicator, source in EXPECTED_SOURCES[issue_key].items():
        assert found[indicator] == source, indicator


def test_the_store_keeps_each_figures_source(tmp_path: Path) -> None:
    store = open_store(tmp_path / "briefs.duckdb")
    catalog = load_catalog()
    ingest(store, extract_file(SAMPLE, catalog), catalog, actor="test")
    rows = queries.series(store, ["logistics_total", "telecom_ma_value"])
    assert set(rows["source_org"]) == {"中物联", "普华永道"}
    assert set(rows["issue_total_number"]) == {460}
    figures = queries.observations_for_issue(store, "2021-15")
    assert figures.loc[figures["indicator"] == "l2_penetration", "source_org"].tolist() == [
        "工信部"
    ]


def test_a_headline_figure_takes_the_articles_source() -> None:
    header = IssueHeader(title="产业创新动态", year=2021, number=15, published=date(2021, 4, 26))
    assert header.key == "2021-15"
    article = _article("普华永道：并购交易额 1,750 亿元", "报告认为并购将继续上升。")
    headline = Observation(
        indicator="x",
        period="2020",
        value=1750,
        unit="亿元",
        article=article.title,
        article_index=0,
        quote=article.title,
        span_start=article.start - 1 - len(article.title),
        span_end=article.start - 1,
    )
    assert with_sources([article], [headline])[0].source_org == "普华永道"
