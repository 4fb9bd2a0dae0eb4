"""Clean-up: NFKC, rejoined PDF line breaks, spaces, page furniture."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from loaders.text.cleaning import clean_text
from loaders.text.punctuation import chinese_punctuation
from loaders.text.spacing import tidy_spaces
from loaders.text.structure import parse_structure

ROOT = Path(__file__).resolve().parent.parent
BRIEF_15 = ROOT / "data" / "briefs" / "2021-15.txt"
PDF_DUMP = ROOT / "tests" / "data" / "read" / "pdf-dump.txt"


@pytest.fixture(scope="module")
def clean_15() -> str:
    return clean_text(BRIEF_15.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "joined",
    [
        "物流业总收入达到2.6万亿元，同比增长36.8%",
        "印发了《全国碳排放权交易市场建设方案（发电行业）》",
        "所收集的个人图像、个人身份特征信息",
        "阵列的技术，这种金属纳米结构",
    ],
)
def test_pdf_breaks_in_2021_15_are_rejoined(clean_15, joined):
    assert joined in clean_15


def test_2021_15_paragraphs_and_spaces(clean_15):
    lines = clean_15.split("\n")
    assert lines[:5] == [
        "产业创新动态",
        "2021年第15期（总第460期）",
        "中国科学技术发展战略研究院",
        "产业科技发展研究所主办",
        "2021年4月26日",
    ]
    assert "" not in lines
    assert "交易总金额超过4,500亿元" in clean_15
    assert "我国L2级智能网联乘用车" in clean_15
    # Spaces between Latin words survive; editor lines keep theirs.
    assert "“Three - dimensional nanoprinting" in clean_15
    assert "（产业所 刘如 整理）" in lines
    # Seven articles: seven editor lines, each on its own line.
    assert sum(1 for line in lines if line.endswith("整理）")) == 7


def test_cleaning_is_idempotent(clean_15):
    assert clean_text(clean_15) == clean_15


def test_structure_on_cleaned_text_maps_offsets(clean_15):
    header, articles = parse_structure(clean_15)
    assert (header.number, header.total_number) == (15, 460)
    assert len(articles) == 7
    logistics = articles[4]
    assert logistics.title == "国内物流各行业景气度逐步恢复，市场预期看好"
    i = logistics.text.index("2.6万亿元")
    assert clean_15[logistics.start + i : logistics.start + i + 6] == "2.6万亿元"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("2021 年 4 月 26 日", "2021年4月26日"),
        ("累计成交量 1,765 万吨", "累计成交量1,765万吨"),
        ("我国 L2 级智能网联汽车", "我国L2级智能网联汽车"),
        ("同比增长 36.8 %，", "同比增长36.8%，"),
        ("２０２２年增长１２．５％", "2022年增长12.5%"),
        ("产 业 创 新 动 态", "产业创新动态"),
        ("Three - dimensional nanoprinting", "Three - dimensional nanoprinting"),
        ("3D - 纳米打印", "3D-纳米打印"),
        ("达到 2. 6 万亿元", "达到2.6万亿元"),
        # pypdf moved the quotes of “十三五” next to the figure before them.
        ("总额335.2 “ ” 万亿元，是 十三五 初期", "总额335.2万亿元，是十三五初期"),
        ("是“十三五”初期", "是“十三五”初期"),
        ("称为‘’孪生‘’", "称为孪生"),
        ("4 月 22“ 日，习近平", "4月22日，习近平"),
        ("2021 ” 年，“3060”目标", "2021年，“3060”目标"),
    ],
)
def test_spaces_and_width(raw, clean):
    assert clean_text(raw) == clean
    assert tidy_spaces(clean) == clean


@pytest.fixture(scope="module")
def clean_dump() -> str:
    return clean_text(PDF_DUMP.read_text(encoding="utf-8"))


def test_pdf_dump_loses_page_furniture(clean_dump):
    lines = clean_dump.split("\n")
    assert lines.count("产业创新动态") == 1
    assert lines[0] == "产业创新动态"
    assert not any(line in {"-1-", "- 1 -", "-2-", "第3页"} for line in lines)
    assert not any(line.startswith("第") and line.endswith("页") for line in lines)


def test_pdf_dump_rejoins_fixed_width_lines(clean_dump):
    assert "全国社会物流总额达到335.2万亿元，按可比价格计算" in clean_dump
    assert "两年年均增长6.2%。" in clean_dump
    assert "较上月回落0.5个百分点。" in clean_dump
    assert "截至11月26日，碳排放配额累计成交量2,128万吨，累计成交额9.08亿元。" in clean_dump
    assert "Three - dimensional nano printing与碳市场无关" in clean_dump
    # An in-article heading stays its own paragraph.
    assert "\n一、景气指数\n10月份" in clean_dump
    # A page break (footer, page number, running header) inside a figure does not split it.
    assert "较上月回落0.5个百分点。物流业总收入9.9万亿元" in clean_dump


def test_pdf_dump_structure(clean_dump):
    header, articles = parse_structure(clean_dump, source=PDF_DUMP.name)
    assert (header.year, header.number, header.total_number, header.published.isoformat()) == (
        2021,
        33,
        478,
        "2021-11-29",
    )
    assert [(a.title, a.editor) for a in articles] == [
        ("前十个月全国社会物流总额稳步增长", "王罗汉"),
        ("全国碳市场累计成交量突破2,000万吨", "陈健"),
    ]
    # The editor mark glued to the paragraph's end was split off.
    assert articles[0].text.endswith("同比增长15.8%。")


def test_empty_and_blank_text():
    assert clean_text("") == ""
    assert clean_text("\n \n\u3000\n") == ""


def test_letter_spaced_lines_and_decoration():
    text = clean_text(
        "2 0 2 1 年 第 1 5 期\n中 国 物 流 总 额 达 到 2 3 2 . 0 万 亿 元 。\n————\n* * *\nW o r l d  B a n k 报告。"
    )
    assert text.split("\n") == ["2021年第15期", "中国物流总额达到232.0万亿元。", "World Bank报告。"]


HEADER = "产业创新动态\n2021年第15期\n2021年4月26日\n"
BODY = "普华永道：并购回顾与展望\n正文一。\n（产业所 刘如 整理）\n人工智能产业发展趋势\n正文二。\n（产业所 苏楠 整理）\n"


@pytest.mark.parametrize(
    "contents",
    [
        "本期要目\n普华永道：并购回顾与展望\n人工智能产业发展趋势\n",
        "本期要目\n普华永道：并购回顾与展望……1\n人工智能产业发展趋势……2\n",
        "普华永道：并购回顾与展望……………1\n人工智能产业发展趋势……………2\n",
        "目 录\n普华永道：并购回顾与展望 1\n人工智能产业发展趋势 2\n",
    ],
    ids=["titles-only", "with-pages", "no-heading", "spaced-heading"],
)
def test_contents_list_is_dropped(contents):
    clean = clean_text(HEADER + contents + BODY)
    _, articles = parse_structure(clean)
    assert [(a.title, a.editor, a.text) for a in articles] == [
        ("普华永道：并购回顾与展望", "刘如", "正文一。"),
        ("人工智能产业发展趋势", "苏楠", "正文二。"),
    ]
    assert "要目" not in clean and "目录" not in clean


def test_page_one_footer_in_mid_text_does_not_end_the_issue():
    # PDF extraction may put page 1's contact footer between two articles.
    text = HEADER + BODY.replace("人工智能", "地址：北京市海淀区\n人工智能") + "报：科技部\n"
    assert "地址" not in clean_text(text)
    _, articles = parse_structure(clean_text(text))
    assert [(a.title, a.editor) for a in articles] == [
        ("普华永道：并购回顾与展望", "刘如"),
        ("人工智能产业发展趋势", "苏楠"),
    ]
    # The structure parser copes on its own too (text that was not cleaned).
    _, articles = parse_structure(text)
    assert [(a.title, a.editor) for a in articles] == [
        ("普华永道：并购回顾与展望", "刘如"),
        ("人工智能产业发展趋势", "苏楠"),
    ]


def test_running_header_right_after_the_masthead_is_not_a_title():
    numbered = (
        HEADER + "产业创新动态 第1页\n" + BODY.replace("人工智能", "产业创新动态 第2页\n人工智能")
    )
    plain = HEADER + "产业创新动态\n" + BODY
    for text in (numbered, plain):
        _, articles = parse_structure(clean_text(text))
        assert [(a.title, a.editor) for a in articles] == [
            ("普华永道：并购回顾与展望", "刘如"),
            ("人工智能产业发展趋势", "苏楠"),
        ]


def test_titles_broken_after_their_colon_are_rejoined():
    text = BRIEF_15.read_text(encoding="utf-8")
    broken = text.replace("征求意见：不得", "征求意见：\n\n不得").replace(
        "普华永道：2020", "普华永道：\n2020"
    )
    _, articles = parse_structure(clean_text(broken))
    assert articles[0].title == "普华永道：2020年中国电信并购回顾与展望"
    assert articles[5].title == "人脸识别国家标准征求意见：不得强制刷脸、预测偏好"
    assert articles[5].text.startswith("人脸识别是近年来的热议话题")


def test_running_issue_line_before_the_masthead():
    text = (
        "产业创新动态 2021年第15期\n- 1 -\n产业创新动态\n2021年第15期（总第460期）\n2021年4月26日\n"
        "标题\n正文。\n（产业所 刘如 整理）\n产业创新动态 2021年第15期\n- 2 -\n标题二\n正文二。\n（产业所 陈健 整理）\n"
    )
    header, articles = parse_structure(clean_text(text))
    assert (header.number, header.total_number) == (15, 460)
    assert [(a.title, a.text) for a in articles] == [("标题", "正文。"), ("标题二", "正文二。")]


def test_masthead_repeated_on_every_page_is_kept_once():
    page_head = "产业创新动态\n2021年第15期（总第460期）\n"
    text = (
        page_head
        + "2021年4月26日\n标题\n正文一，\n"
        + page_head
        + "续。\n（产业所 刘如 整理）\n"
        + page_head
        + "标题二\n正文二。\n（产业所 陈健 整理）\n"
    )
    clean = clean_text(text)
    assert clean.count("2021年第15期（总第460期）") == 1
    header, articles = parse_structure(clean)
    assert (header.number, header.total_number, header.published.isoformat()) == (
        15,
        460,
        "2021-04-26",
    )
    assert [(a.title, a.text) for a in articles] == [
        ("标题", "正文一，续。"),
        ("标题二", "正文二。"),
    ]


BRIEF_29 = ROOT / "tests" / "data" / "eval" / "2021-29.txt"


def _break_at_random(text: str, seed: int) -> str:
    """Stray breaks like 2021-15.txt has: 1-2 per long line, with or without a blank line."""
    rng = random.Random(seed)
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) > 60 and rng.random() < 0.7:
            for _ in range(rng.randint(1, 2)):
                cut = rng.randint(5, len(line) - 5)
                out += [line[:cut]] + ([""] if rng.random() < 0.5 else [])
                line = line[cut:]
                if len(line) < 12:
                    break
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("brief", [BRIEF_15, BRIEF_29], ids=["2021-15", "2021-29"])
def test_random_stray_breaks_are_rejoined(brief, seed):
    text = brief.read_text(encoding="utf-8")
    broken = _break_at_random(text, seed)
    assert broken != text
    header, articles = parse_structure(clean_text(text))
    broken_header, broken_articles = parse_structure(clean_text(broken))
    assert broken_header == header
    assert [(a.title, a.editor) for a in broken_articles] == [(a.title, a.editor) for a in articles]
    assert re.sub(r"\s", "", clean_text(broken)) == re.sub(r"\s", "", clean_text(text))


def test_a_short_line_ending_on_a_qualifier_is_no_heading():
    # A wrapped line that happens to start after a ";" and end on 约: not a heading.
    raw = (
        "产业创新动态\n2023年第7期（总第556期）\n中国科学技术发展战略研究院\n2023年2月27日\n"
        "电信业并购交易规模下降\n"
        "2022年中国电信行业并购交易121笔，较上年下降27.5%；\n交易总金额约\n860亿元。\n"
        "（产业所 刘如 整理）"
    )
    assert "较上年下降27.5%；\n交易总金额约860亿元。" in clean_text(raw)
    raw = raw.replace("交易总金额约\n860亿元。", "交易总金额860亿\n元，同比下降10%。")
    assert "交易总金额860亿元，同比下降10%。" in clean_text(raw)


@pytest.mark.parametrize(
    ("ascii_form", "as_written"),
    [
        ("普华永道:2020年中国电信,但5G", "普华永道：2020年中国电信，但5G"),
        (
            "同比增长24.2%(上年一季度为下降7.5%),两年平均",
            "同比增长24.2%（上年一季度为下降7.5%），两年平均",
        ),
        ("复合增长率超30%;头部", "复合增长率超30%；头部"),
        ("“十四五”,5G", "“十四五”，5G"),
        ("首选网络(preferred networks)Chainer", "首选网络（preferred networks）Chainer"),
        ("交易总金额超过4,500亿元。", "交易总金额超过4,500亿元。"),
        ("Three - dimensional (3D) printing, ok", "Three - dimensional (3D) printing, ok"),
        ("碳排放配额(CEA)累计成交量", "碳排放配额（CEA）累计成交量"),
    ],
)
def test_punctuation_beside_chinese_text_is_full_width_again(ascii_form, as_written):
    restored = chinese_punctuation(ascii_form)
    assert restored == as_written
    assert len(restored) == len(ascii_form)  # offsets into the cleaned text do not move


def test_rows_written_as_text_stay_one_per_line():
    raw = (
        "产业创新动态\n2022年第18期（总第487期）\n中国科学技术发展战略研究院\n2022年7月25日\n"
        "物流运行稳中有进\n"
        "上半年物流需求逐步恢复，主要指标如下：\n"
        "社会物流总额（万亿元）：159.6\n"
        "物流业总收入（万亿元）：5.9，同比增长5.1%\n"
        "业务总量指数：52.1%\n"
        "快递方面，上半年业务量稳步\n增长。\n"
        "（产业所 王罗汉 整理）"
    )
    lines = clean_text(raw).split("\n")
    assert "社会物流总额（万亿元）：159.6" in lines
    assert "物流业总收入（万亿元）：5.9，同比增长5.1%" in lines
    assert "业务总量指数：52.1%" in lines
    # Prose around the rows is still rejoined where the PDF broke it.
    assert "快递方面，上半年业务量稳步增长。" in lines


def test_a_long_line_shaped_like_a_row_is_prose():
    raw = (
        "产业创新动态\n2022年第18期（总第487期）\n中国科学技术发展战略研究院\n2022年7月25日\n"
        "物流运行稳中有进\n"
        "数据显示：2022年上半年全国社会物流总额实现稳定增长，物流需求规模继续扩大，增\n"
        "速比一季度有所回落。\n"
        "（产业所 王罗汉 整理）"
    )
    assert "规模继续扩大，增速比一季度有所回落。" in clean_text(raw)


def test_rows_that_differ_only_in_their_numbers_are_no_running_lines():
    text = "2023年6—8月物流业新订单指数\n6 月：51.4%\n7 月：50.6%\n8 月：53.4%\n"
    cleaned = clean_text(HEADER + "物流运行\n" + text + "（产业所 王罗汉 整理）\n")
    assert "6月：51.4%\n7月：50.6%\n8月：53.4%" in cleaned


def test_table_cells_that_differ_only_in_their_numbers_are_no_running_lines():
    text = "2023年6—8月物流业新订单指数\n6 月\t51.4%\n7 月\t50.6%\n8 月\t53.4%\n"
    cleaned = clean_text(HEADER + "物流运行\n" + text + "（产业所 王罗汉 整理）\n")
    assert "51.4%" in cleaned and "50.6%" in cleaned and "53.4%" in cleaned
