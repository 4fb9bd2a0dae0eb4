"""One period grammar for the text's forms (loaders.vocab.timeexpr), checked on a table of
phrasings written for the purpose (tests/data/periods/phrasings.tsv), and the forms named
relative to the period the text talks about (loaders.figures.dating)."""

from datetime import date
from pathlib import Path

import pytest

from loaders.figures.dating import figures_of_paragraph
from loaders.vocab.timeexpr import find_time_expressions

ISSUES = {"A": date(2021, 10, 20), "B": date(2022, 1, 14), "C": date(2022, 6, 20)}
TABLE = Path(__file__).resolve().parent / "data" / "periods" / "phrasings.tsv"


def _rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            issue, phrase, period = line.split("\t")
            rows.append((issue, phrase, period))
    return rows


def test_the_table_has_at_least_200_phrasings():
    assert len(_rows()) >= 200


@pytest.mark.parametrize(("issue", "phrase", "period"), _rows(), ids=lambda v: str(v))
def test_each_phrasing_names_its_period(issue, phrase, period):
    found = [
        e
        for e in find_time_expressions(phrase, ISSUES[issue])
        if e.role != "reference" and e.period is not None
    ]
    if period == "-":
        assert found == []  # a base or a starting point names no figure's period
        return
    assert len(found) == 1, [(e.text, e.period) for e in found]
    assert found[0].period == period
    # The whole phrase is the one expression (bar 从 before a span).
    assert found[0].text == phrase.removeprefix("从")


def _periods(paragraph: str, issue: str = "A") -> list[tuple[str, str | None]]:
    figures, _ = figures_of_paragraph(0, paragraph, ISSUES[issue], (None, ""))
    return [(f.quantity.text.strip(), f.period) for f in figures]


@pytest.mark.parametrize(
    ("paragraph", "issue", "figure", "period"),
    [
        # 当月 / 本月: the month talked about, or the month a span of months ends on.
        (
            "9 月份，社会物流总额同比增长 5.2%。当月，物流业总收入 1.2 万亿元。",
            "A",
            "1.2 万亿元",
            "2021-09",
        ),
        ("1—9 月，社会物流总额 232 万亿元；9 月当月增长 5.3%。", "A", "5.3%", "2021-09"),
        ("2021 年 1—9 月，社会物流总额 232 万亿元，当月同比增长 5.3%。", "A", "5.3%", "2021-09"),
        # 本季度 / 当季 / 上季度: the quarter talked about, or the issue's.
        ("三季度，物流业总收入 3.2 万亿元；本季度增速 5%。", "A", "5%", "2021-Q3"),
        ("三季度，物流业总收入 3.2 万亿元；上季度为 3.0 万亿元。", "A", "3.0 万亿元", "2021-Q2"),
        ("上季度，物流业总收入 3.2 万亿元。", "A", "3.2 万亿元", "2021-Q3"),
        ("本季度，物流业总收入 3.2 万亿元。", "A", "3.2 万亿元", "2021-Q4"),
        ("一季度，物流业总收入 2.6 万亿元；上季度为 3.0 万亿元。", "A", "3.0 万亿元", "2020-Q4"),
        # 年初 / 年末 / 年底: of the year talked about, else the latest not after the issue.
        ("2021 年，全国碳市场运行平稳。年末，累计成交量 1.79 亿吨。", "B", "1.79 亿吨", "2021-12"),
        ("2020 年，试点碳市场平稳运行。年初，覆盖企业 3000 家。", "A", "3000 家", "2020-01"),
        ("年末，全国碳市场累计成交量 1.79 亿吨。", "B", "1.79 亿吨", "2021-12"),
        ("年底，全国碳市场累计成交量 1.79 亿吨。", "A", "1.79 亿吨", "2020-12"),
        # 上月末 / 上月底: the end of the month before the one talked about, else before the
        # issue's month (a January issue: December of the year before).
        ("上月末，全国碳市场累计成交量 2.40 亿吨。", "A", "2.40 亿吨", "2021-09"),
        ("截至上月底，全国碳市场累计成交额 110.3 亿元。", "B", "110.3 亿元", "2021-12"),
        ("截至上个月末，全国碳市场累计成交量 2.40 亿吨。", "C", "2.40 亿吨", "2022-05"),
        ("9 月份，碳价小幅上涨；截至上月末，累计成交量 2.40 亿吨。", "A", "2.40 亿吨", "2021-08"),
        # 同年 / 当年: the year talked about.
        (
            "2020 年 12 月，生态环境部印发配额分配方案。同年，试点碳市场成交额 20 亿元。",
            "A",
            "20 亿元",
            "2020",
        ),
        # 近五年: the five years up to the year talked about.
        (
            "2021 年，社会物流总额 335 万亿元；近五年，物流业总收入累计 52 万亿元。",
            "B",
            "52 万亿元",
            "2017/2021",
        ),
        # 同期 opening a sentence: the period the sentence before opened with.
        (
            "2023 年 1—11 月，社会物流总额 320.4 万亿元，11 月份当月增长 5.7%。同期，物流业总收入 12.0 万亿元，同比增长 3.8%。",
            "B",
            "3.8%",
            "2023-01/2023-11",
        ),
    ],
)
def test_periods_named_relative_to_the_one_talked_about(paragraph, issue, figure, period):
    assert (figure, period) in _periods(paragraph, issue)
