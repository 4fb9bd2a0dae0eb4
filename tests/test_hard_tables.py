"""Table-like rows: text rows and DOCX cells are statements dated by their caption, with the
unit and measure their header names.

Hard cases of docs/eval.md, each in several phrasings of our own, with the near misses
that must stay out. Every sentence here is written for this file; none is taken from a
labelled brief.
"""

from datetime import date

import pytest

from tests.support.hard_cases import mapped

LPI_TABLE = (
    "从景气指数看，物流需求继续恢复。\n"
    "6月物流业景气指数分项：\n"
    "业务总量指数：52.1%\n"
    "新订单指数：53.3%，较上月回升3.1个百分点\n"
    "设备利用率指数：50.4%\n"
    "快递方面，上半年快递业务量同比增长3.7%。"
)


def test_text_rows_are_statements_dated_by_their_caption():
    assert mapped(LPI_TABLE, title="物流运行") == {
        ("logistics_business_index", "2022-06", 52.1, "exact", False),
        ("logistics_new_orders_index", "2022-06", 53.3, "exact", False),
    }


def test_a_caption_of_another_index_frames_its_rows_out_of_the_lpi():
    text = LPI_TABLE.replace("6月物流业景气指数分项", "6月电商物流指数分项")
    assert mapped(text, title="物流运行") == set()


def test_rows_after_prose_with_figures_take_no_period_from_it():
    # The line before the rows states a figure: it is prose, not a caption.
    text = (
        "上半年社会物流总额159.6万亿元。\n"
        "物流业总收入：5.9万亿元\n"
        "社会物流总额：159.6万亿元，同比增长3.1%"
    )
    got = mapped(text)
    assert got == {("logistics_total", "2022-H1", 159.6, "exact", False)}


def test_every_measure_of_a_text_row_counts():
    text = "2022年上半年物流运行主要指标：\n社会物流总额：159.6万亿元，同比增长3.1%\n物流业总收入：5.9万亿元，同比增长5.1%"
    assert mapped(text) == {
        ("logistics_total", "2022-H1", 159.6, "exact", False),
        ("logistics_total_yoy", "2022-H1", 3.1, "exact", False),
        ("logistics_revenue", "2022-H1", 5.9, "exact", False),
        ("logistics_revenue_yoy", "2022-H1", 5.1, "exact", False),
    }


def test_a_stock_in_a_row_takes_the_caption_s_as_of_date():
    text = "截至2022年6月底全国碳市场运行情况：\n累计成交量：1.94亿吨\n累计成交额：84.92亿元"
    assert mapped(text, title="全国碳市场") == {
        ("carbon_national_cum_volume", "2022-06", 1.94, "exact", False),
        ("carbon_national_cum_turnover", "2022-06", 84.92, "exact", False),
    }


def test_docx_cells_take_their_column_and_the_unit_of_their_header():
    text = (
        "表1 物流运行主要指标\n"
        "指标（万亿元） | 2021年 | 2022年上半年\n"
        "社会物流总额 | 335.2 | 159.6\n"
        "物流业总收入 | 11.9 | 5.9"
    )
    assert mapped(text) == {
        ("logistics_total", "2021", 335.2, "exact", False),
        ("logistics_total", "2022-H1", 159.6, "exact", False),
        ("logistics_revenue", "2021", 11.9, "exact", False),
        ("logistics_revenue", "2022-H1", 5.9, "exact", False),
    }


def test_docx_cells_under_a_measure_column_are_that_measure_for_the_caption_period():
    text = (
        "2022年上半年物流运行情况\n"
        "指标 | 数值 | 同比增长\n"
        "社会物流总额 | 159.6万亿元 | 3.1%\n"
        "物流业总收入 | 5.9万亿元 | 5.1%"
    )
    assert mapped(text) == {
        ("logistics_total", "2022-H1", 159.6, "exact", False),
        ("logistics_total_yoy", "2022-H1", 3.1, "exact", False),
        ("logistics_revenue", "2022-H1", 5.9, "exact", False),
        ("logistics_revenue_yoy", "2022-H1", 5.1, "exact", False),
    }


def test_a_two_cell_docx_row_reads_like_a_text_row():
    text = "6月物流业景气指数分项\n业务总量指数 | 52.1%\n新订单指数 | 53.3%"
    assert mapped(text, title="物流") == {
        ("logistics_business_index", "2022-06", 52.1, "exact", False),
        ("logistics_new_orders_index", "2022-06", 53.3, "exact", False),
    }


def test_a_bare_number_without_a_unit_anywhere_is_not_read():
    text = "2022年上半年物流运行情况\n指标 | 数值\n社会物流总额 | 159.6"
    assert mapped(text) == set()


def test_a_table_whose_rows_are_months_and_columns_are_series():
    text = "月份 | 业务总量指数 | 新订单指数\n5月 | 49.3% | 48.7%\n6月 | 52.1% | 53.3%"
    assert mapped(text, title="物流景气") == {
        ("logistics_business_index", "2022-05", 49.3, "exact", False),
        ("logistics_new_orders_index", "2022-05", 48.7, "exact", False),
        ("logistics_business_index", "2022-06", 52.1, "exact", False),
        ("logistics_new_orders_index", "2022-06", 53.3, "exact", False),
    }


def test_a_line_introducing_rows_with_a_colon_dates_them_even_with_a_figure():
    text = (
        "从景气指数看，5月份物流业景气指数为48.7%，主要分项如下：\n"
        "业务总量指数：48.7%\n"
        "新订单指数：47.2%"
    )
    assert mapped(text, title="物流") == {
        ("logistics_business_index", "2022-05", 48.7, "exact", False),
        ("logistics_new_orders_index", "2022-05", 47.2, "exact", False),
    }


def test_bare_numbers_under_a_caption_naming_their_unit():
    text = (
        "6月份物流业景气指数主要分项（%）：\n"
        "业务总量指数：52.1\n"
        "新订单指数：53.3\n"
        "从业人员指数：49.2"
    )
    assert mapped(text, title="物流") == {
        ("logistics_business_index", "2022-06", 52.1, "exact", False),
        ("logistics_new_orders_index", "2022-06", 53.3, "exact", False),
    }


def test_bare_numbers_without_a_unit_are_no_figures():
    text = "6月份物流业景气指数主要分项：\n业务总量指数：52.1\n新订单指数：53.3"
    assert mapped(text, title="物流") == set()


@pytest.mark.parametrize(
    "caption",
    ["2022年4—6月物流业新订单指数", "近三个月物流业新订单指数：", "物流业新订单指数（%）"],
)
def test_rows_named_by_periods_are_about_what_the_caption_names(caption):
    text = f"{caption}\n4月：47.2%\n5月：48.9%\n6月：53.3%"
    assert mapped(text, title="物流") == {
        ("logistics_new_orders_index", "2022-04", 47.2, "exact", False),
        ("logistics_new_orders_index", "2022-05", 48.9, "exact", False),
        ("logistics_new_orders_index", "2022-06", 53.3, "exact", False),
    }


def test_rows_named_by_periods_under_a_caption_of_another_index_stay_out():
    text = "2022年4—6月中国仓储指数\n4月：47.2%\n5月：48.9%\n6月：53.3%"
    assert mapped(text, title="物流") == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2月份物流业景气指数主要分项（单位：%）\n业务总量指数：26.2\n新订单指数：24.9",
            {
                ("logistics_business_index", "2020-02", 26.2),
                ("logistics_new_orders_index", "2020-02", 24.9),
            },
        ),
        (
            "表1  2020年一季度物流运行主要指标（单位：万亿元）\n社会物流总额：59.1",
            {("logistics_total", "2020-Q1", 59.1)},
        ),
        (
            "表 2 2020 年一季度物流运行主要指标（万亿元）\n社会物流总额：59.1",
            {("logistics_total", "2020-Q1", 59.1)},
        ),
    ],
)
def test_a_caption_naming_its_unit_as_a_label(text, expected):
    assert {o[:3] for o in mapped(text, published=date(2020, 5, 23), title="物流")} == expected


def test_bare_rows_under_prose_that_names_a_unit_are_no_table():
    # Prose is no caption: its unit gives the rows none (and reading them must end).
    text = (
        "2月份，中国物流业景气指数降至26.2%，较1月份的50.1%骤降23.9个百分点，"
        "为该指数发布以来的最低水平，各分项指数全面回落，具体如下（单位：%）。\n"
        "业务总量指数：26.2\n新订单指数：24.9"
    )
    got = mapped(text, published=date(2020, 3, 23), title="物流")
    assert not any(o[0] in ("logistics_business_index", "logistics_new_orders_index") for o in got)


@pytest.mark.parametrize("text", ["社会物流总额首次突破万亿元（按现价计算）。", "全年突破千亿元，"])
def test_a_round_magnitude_before_other_brackets_is_still_a_figure(text):
    from loaders.vocab.quantities import find_quantities

    assert len(find_quantities(text)) == 1


@pytest.mark.parametrize("text", ["（单位：万亿元）", "主要指标（万亿元）", "单位：千亿元"])
def test_a_round_magnitude_named_as_a_unit_label_is_no_figure(text):
    from loaders.vocab.quantities import find_quantities

    assert find_quantities(text) == []


def test_a_column_named_by_the_tail_of_what_the_caption_names():
    text = (
        "表2 2022年上半年社会物流总额\n"
        "时期 | 总额（万亿元） | 同比增长（%）\n"
        "一季度 | 75.4 | 4.9\n"
        "上半年 | 156.5 | 3.1"
    )
    assert {o[:3] for o in mapped(text, published=date(2022, 8, 10))} == {
        ("logistics_total", "2022-Q1", 75.4),
        ("logistics_total_yoy", "2022-Q1", 4.9),
        ("logistics_total", "2022-H1", 156.5),
        ("logistics_total_yoy", "2022-H1", 3.1),
    }


def test_a_column_tail_under_a_caption_naming_another_total_stays_out():
    text = "2022年上半年工业品物流总额\n时期 | 总额（万亿元） | 同比增长（%）\n一季度 | 75.4 | 4.9"
    assert mapped(text, published=date(2022, 8, 10)) == set()


@pytest.mark.parametrize(
    "units_line",
    [
        "单位：万亿元；增速为%",
        "单位：万亿元，增速：%",
        "单位：万亿元；同比为%",
    ],
)
def test_a_units_line_with_a_unit_per_kind_of_row_gives_rate_rows_the_rate_unit(units_line):
    # Written for this test: the rows under "增速" are rates, never amounts in 万亿元.
    text = (
        f"表2 2023年物流运行情况（累计）{units_line}\n"
        "指标 | 1—3月 | 1—6月\n"
        "社会物流总额 | 80.6 | 160.1\n"
        "社会物流总额同比增速 | 4.2 | 4.6"
    )
    assert mapped(text, published=date(2023, 8, 10), title="物流运行") == {
        ("logistics_total", "2023-01/2023-03", 80.6, "exact", False),
        ("logistics_total", "2023-01/2023-06", 160.1, "exact", False),
        ("logistics_total_yoy", "2023-01/2023-03", 4.2, "exact", False),
        ("logistics_total_yoy", "2023-01/2023-06", 4.6, "exact", False),
    }


def test_a_units_line_with_one_unit_leaves_rate_rows_unread_as_amounts():
    # Near miss: only 万亿元 is named, so a 增速 row's bare numbers are no amounts of the total
    # (they would clash with its levels) and no rates either (no % was said).
    text = (
        "表2 2023年物流运行情况（累计）单位：万亿元\n"
        "指标 | 1—3月 | 1—6月\n"
        "社会物流总额 | 80.6 | 160.1\n"
        "社会物流总额同比增速 | 4.2 | 4.6"
    )
    got = mapped(text, published=date(2023, 8, 10), title="物流运行")
    assert ("logistics_total_yoy", "2023-01/2023-03", 4.2, "exact", False) not in got
    assert all(value not in (4.2, 4.6) for _, _, value, _, _ in got)
