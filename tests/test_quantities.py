"""Numbers, units, magnitudes and qualifiers as the brief writes them."""

import pytest

from loaders.vocab.quantities import Quantity, convert, find_quantities, parse_chinese_number


def only(text: str) -> Quantity:
    found = find_quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("累计成交金额 12,350 亿元", 12350e8, "元"),
        ("营业收入 3.25万亿元", 3.25e12, "元"),
        ("交易量 2,480万吨", 2480e4, "吨"),
        ("平台规模 6.7 亿美元", 6.7e8, "美元"),
        ("平台规模 1.4 亿美金", 1.4e8, "美元"),
        ("共完成 87 笔", 87, "笔"),
        ("入驻 三千家 企业", 3000, "家"),
        ("开通 二十个 站点", 20, "个"),
        ("融资两亿元", 2e8, "元"),
        ("成交均价 51.2 元/吨", 51.2, "元/吨"),
        ("渗透率为 23.5%", 23.5, "%"),
        ("全角数字 ３６．５％", 36.5, "%"),
        ("上升 2.4 个百分点", 2.4, "pp"),
        ("发放 300 张证书", 300, "张"),
        ("销量 85 万辆", 85e4, "辆"),
    ],
)
def test_values_and_units(text, value, unit):
    q = only(text)
    assert q.value == pytest.approx(value)
    assert q.unit == unit


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("约 62.3 亿元", "approx"),
        ("大约 15 家", "approx"),
        ("近 4000 家", "approx"),
        ("80 亿元左右", "approx"),
        ("超过 1,200 亿元", "more_than"),
        ("超 45%", "more_than"),
        ("逾 300 笔", "more_than"),
        ("突破 10 万亿元", "more_than"),
        ("3000 多家", "more_than"),
        ("30多个", "more_than"),
        ("500 家以上", "more_than"),
        ("不足 20 笔", "less_than"),
        ("不到 8%", "less_than"),
        ("低于 5%", "less_than"),
        ("共 56 笔", "exact"),
    ],
)
def test_qualifiers(text, qualifier):
    assert only(text).qualifier == qualifier


def test_comparison_is_not_a_qualifier():
    # "低于上月" compares with last month; the figure itself is exact.
    q = only("新订单指数低于上月 1.8 个百分点")
    assert q.qualifier == "exact"
    assert q.unit == "pp"


def test_range_keeps_both_bounds():
    q = only("各分项指数处于 48-52%的区间")
    assert (q.value, q.value_high, q.unit) == (48, 52, "%")
    assert q.is_range


def test_bare_number_shares_the_unit_of_the_next():
    found = find_quantities("分别回落 2.2 和 0.6 个百分点")
    assert [(q.value, q.unit) for q in found] == [(2.2, "pp"), (0.6, "pp")]


@pytest.mark.parametrize(
    "text",
    [
        "加快 5G 网络建设",
        "推进“十四五”规划",
        "L2 级和 L3 级自动驾驶",
        "该法第 31 条规定",
        "采用 3D 打印工艺",
        "减少二氧化碳排放",
        "2022 年 6 月 30 日发布",
        "1-5 月累计",
        "总第 480 期",
        "一是加强监管，首先，第三",
        "研究机构 IDC 发布",
        "间距为 $4.5\\ \\mu\\text{m}$ 的阵列",
        "受 COVID-19 影响",
        "第一个履约周期",
        "《2025 年发展规划》提出",
        "营收 12.5",
    ],
)
def test_not_figures(text):
    assert find_quantities(text) == []


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("交易数量占比提升至三成以上", 30, "more_than"),
        ("渗透率已接近四成", 40, "approx"),
        ("占比超过 2 成", 20, "more_than"),
        ("两成多的企业", 20, "more_than"),
        ("一成", 10, "exact"),
    ],
)
def test_tenths_are_percent(text, value, qualifier):
    q = only(text)
    assert (q.value, q.unit, q.qualifier) == (value, "%", qualifier)


@pytest.mark.parametrize("text", ["成交额 3 成交", "一成不变", "三成员国", "形成 5 成本优势"])
def test_cheng_starting_a_word_is_no_tenth(text):
    assert [q for q in find_quantities(text) if q.unit == "%"] == []


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("近千家企业", 1000, "approx"),
        ("逾百亿元", 1e10, "more_than"),
        ("超万亿元", 1e12, "more_than"),
    ],
)
def test_a_magnitude_reached_in_words_is_a_bound(text, value, qualifier):
    q = only(text)
    assert (q.value, q.qualifier, q.vague) == (value, qualifier, False)


@pytest.mark.parametrize(
    ("text", "low"),
    [
        ("数十亿元", 1e9),
        ("几十家企业", 10),
        ("数千家", 1000),
        ("数百万吨", 1e6),
        ("十几笔", 10),
        ("二十几家", 20),
        ("若干亿元", 1e8),
    ],
)
def test_vague_magnitudes_are_never_exact(text, low):
    q = only(text)
    assert q.vague and q.qualifier != "exact" and q.value == low


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("1.2万亿-1.5万亿元", 1.2e12, 1.5e12, "元"),
        ("3 亿至 5 亿元", 3e8, 5e8, "元"),
        ("3—5 亿元", 3e8, 5e8, "元"),
        ("三至五亿元", 3e8, 5e8, "元"),
        ("五到八千亿元", 5e11, 8e11, "元"),
        ("三到五个百分点", 3, 5, "pp"),
        ("40 元/吨至 62 元/吨", 40, 62, "元/吨"),
    ],
)
def test_a_range_is_one_figure_never_a_negative_one(text, low, high, unit):
    q = only(text)
    assert (q.value, q.value_high, q.unit) == (low, high, unit)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("提高两个百分点", 2, "pp"),
        ("回落零点五个百分点", 0.5, "pp"),
        ("三万亿元", 3e12, "元"),
        ("十二万亿元", 1.2e13, "元"),
        ("一点二万亿元", 1.2e12, "元"),
        ("两万亿元", 2e12, "元"),
    ],
)
def test_chinese_numerals_with_wan_yi_and_percentage_points(text, value, unit):
    q = only(text)
    assert (q.value, q.unit) == (value, unit)


def test_offsets_point_into_the_text():
    text = "截至年底,共有 1,024 家企业,累计成交约 7.3 亿元。"
    for q in find_quantities(text):
        assert text[q.start : q.end] == q.text
    assert [q.text for q in find_quantities(text)] == ["1,024 家", "约 7.3 亿元"]


@pytest.mark.parametrize(
    ("text", "value"),
    [("三千", 3000), ("二十", 20), ("两", 2), ("一万二千", 12000), ("三亿", 3e8), ("十四五", None)],
)
def test_chinese_numerals(text, value):
    assert parse_chinese_number(text) == value


def test_conversion_into_catalog_units():
    assert convert(only("1,765 万吨"), "亿吨") == pytest.approx(0.1765)
    assert convert(only("3.2 万亿元"), "亿元") == pytest.approx(32000)
    assert convert(only("4,800 亿元"), "万亿元") == pytest.approx(0.48)
    assert convert(only("2162 家"), "家") == 2162
    assert convert(only("1.4 亿美元"), "亿美元") == pytest.approx(1.4)


def test_currency_is_never_converted():
    assert convert(only("1.4 亿美元"), "亿元") is None
    assert convert(only("520 亿元"), "亿美元") is None


def test_percent_points_are_not_percent():
    assert convert(only("回升 1.5 个百分点"), "%") is None


def test_minus_signs_but_not_dashes():
    assert [q.value for q in find_quantities("分别为-3.1%、-0.4%和1.5%")] == [-3.1, -0.4, 1.5]
    assert [q.value for q in find_quantities("区间为45-50%")] == [45]
    assert find_quantities("型号 A-3%") == []


def test_thousands_separator_with_a_stray_space():
    assert only("累计成交量1, 765万吨").value == 17650000
    # Four digits after the comma are no thousands group.
    assert [q.value for q in find_quantities("覆盖1,2000家企业")] == [1, 2000]


def test_qualifier_before_a_linking_verb():
    assert only("覆盖排放量约为 45 亿吨").qualifier == "approx"
    assert only("交易数量超过了 300 笔").qualifier == "more_than"
    assert only("增速为 5%").qualifier == "exact"


def test_renminbi_written_out_is_yuan():
    assert (only("交易金额520亿人民币").value, only("交易金额520亿人民币").unit) == (520e8, "元")
    assert only("交易金额520亿元人民币").text == "520亿元"


@pytest.mark.parametrize(
    "text",
    ["总额335.2 “ ” 万亿元", "总额335.2“”万亿元", "总额335.2 ” 万亿元", "总额 335.2 ‘ 万亿元"],
)
def test_stray_quotation_marks_between_number_and_unit(text):
    # pypdf moves the quotes of "是“十三五”初期" next to the figure before them.
    q = only(text)
    assert (q.value, q.unit) == (335.2e12, "元")
    assert q.text.startswith("335.2") and q.text.endswith("万亿元")


def test_quoted_words_without_a_unit_are_still_no_figures():
    assert find_quantities("是“十三五”初期") == []
    assert [q.value for q in find_quantities("高于上月 5.1 ” 和 3.7 个百分点")] == [5.1, 3.7]


def test_cases_counted_with_qi_but_not_words_starting_with_it():
    assert [(q.value, q.unit) for q in find_quantities("并购交易66起,增加6起")] == [
        (66, "笔"),
        (6, "笔"),
    ]
    assert find_quantities("7月16日起施行,3起步") == []
    assert only("售价20万元起").text == "20万元"


def test_a_stray_quotation_mark_between_qualifier_and_number():
    q = only("交易总金额约 “ 860 亿元")
    assert (q.value, q.qualifier) == (860e8, "approx")
    assert q.text.startswith("约")


def test_a_range_with_the_unit_written_twice():
    assert [(q.value, q.value_high) for q in find_quantities("增速将在5%—6%之间")] == [(5, 6)]
    q = only("碳价在 40 元/吨至 62 元/吨之间波动")
    assert (q.value, q.value_high, q.unit) == (40, 62, "元/吨")
    # A list is no range.
    assert [q.value for q in find_quantities("分别为-7.4%、-0.5%")] == [-7.4, -0.5]


def test_growth_written_as_a_multiple_converts_to_percent():
    # "同比增长 1.2 倍" is +120%; only a growth ever meets a %-series (loaders.figures.mapping).
    assert convert(only("同比增长1.2倍"), "%") == 120.0
    assert convert(only("增长0.5倍"), "%") == 50.0
    # A percentage is no multiple, and a multiple is no amount.
    assert convert(only("增长50%"), "倍") is None
    assert convert(only("1.2倍"), "亿元") is None


def test_a_multiple_is_growth_only_after_a_growth_verb():
    from loaders.figures.mapping import measure_of

    assert measure_of("同比均增长", only("1.2倍")) == "yoy"
    assert measure_of("销量是上年的", only("1.2倍")) is None


def test_a_net_addition_is_a_change_not_a_level():
    from loaders.figures.mapping import measure_of

    assert measure_of("比上年末净增", only("2627万户")) == "change"
    assert measure_of("移动电话用户总数达", only("16.68亿户")) == "level"


@pytest.mark.parametrize(
    "text", ["迈过2亿美元关口", "站上50%荣枯线", "跨越300万亿元", "迈上5万亿元台阶"]
)
def test_a_mark_passed_is_more_than(text):
    assert only(text).qualifier == "more_than"


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("不超过10亿元", "less_than"),
        ("不高于3%", "less_than"),
        ("不低于1亿元", "more_than"),
        ("不少于30笔", "more_than"),
        ("10亿元及以上", "more_than"),
        ("1亿元及以下", "less_than"),
    ],
)
def test_negated_and_inclusive_bounds(text, qualifier):
    assert only(text).qualifier == qualifier


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier", "written"),
    [
        ("交易总金额将重回千亿元以上", 1000e8, "元", "more_than", (1000.0, "亿元")),
        ("业务收入首次跨过万亿元门槛", 1e12, "元", "more_than", (1.0, "万亿元")),
        ("业务量突破千亿件", 1000e8, "件", "more_than", (1000.0, "亿件")),
        ("缺少百亿元级别的交易", 100e8, "元", "exact", (100.0, "亿元")),
    ],
)
def test_a_round_magnitude_without_a_number_is_one_of_it(text, value, unit, qualifier, written):
    q = only(text)
    assert (q.value, q.unit, q.qualifier, (q.number, q.written_unit)) == (
        value,
        unit,
        qualifier,
        written,
    )


@pytest.mark.parametrize("text", ["数千亿元的投资", "几百亿元", "上千亿元", "上百笔交易"])
def test_a_magnitude_of_an_unsaid_number_is_vague(text):
    # Accounted for (a reviewer sees it), never a value: no number was said.
    assert [q.vague for q in find_quantities(text)] == [True]


@pytest.mark.parametrize("text", ["千家万户", "成千上万", "百家争鸣"])
def test_a_magnitude_in_an_idiom_is_no_figure(text):
    assert find_quantities(text) == []


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("累计成交量四点四亿吨", 4.4e8, "吨"),
        ("社会物流总额达七十五点一万亿元", 75.1e12, "元"),
        ("累计成交额一百零一点六亿元", 101.6e8, "元"),
        ("纳入一千零五十家企业", 1050, "家"),
        ("同比增长百分之二十四点六", 24.6, "%"),
        ("两年平均增长百分之7.2", 7.2, "%"),
    ],
)
def test_chinese_decimals_zeros_and_percents_in_words(text, value, unit):
    (quantity,) = find_quantities(text)
    assert quantity.unit == unit
    assert quantity.value == pytest.approx(value)


@pytest.mark.parametrize("text", ["“十四五”规划", "二〇二一年", "一点儿"])
def test_words_with_numerals_are_still_no_figures(text):
    assert find_quantities(text) == []


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("交易百余笔", 100, "笔"),
        ("覆盖千余家企业", 1000, "家"),
        ("万余家", 10000, "家"),
        ("百多笔", 100, "笔"),
    ],
)
def test_a_bare_hundred_or_thousand_and_more_is_a_lower_bound(text, value, unit):
    (q,) = find_quantities(text)
    assert (q.number, q.unit, q.qualifier, q.vague) == (value, unit, "more_than", False)


@pytest.mark.parametrize("text", ["数百余家", "上百笔"])
def test_a_vague_hundred_stays_vague(text):
    (q,) = find_quantities(text)
    assert q.vague
