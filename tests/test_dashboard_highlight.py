"""Article text with every number marked by its state, always escaped (dashboard.highlight)."""

from __future__ import annotations

from dashboard.highlight import (
    CITED_ID,
    NumberMark,
    article_numbers,
    choice_order,
    legend_html,
    numbers_html,
    written_with_unit,
)
from loaders.models import NumberState


def test_each_number_is_marked_with_its_state_and_note() -> None:
    text = "前言。2020 年交易总金额 1,750 亿元。"
    at = text.index("1,750")
    out = numbers_html(text, 100, [NumberMark(100 + at, 100 + at + 7, "observation", "交易金额")])
    assert out == (
        '<div class="brief-text brief-numbers">前言。2020 年交易总金额 '
        '<span class="num num-observation" title="交易金额">1,750 亿'
        '<span class="num-sr">（数据）</span></span>元。</div>'
    )


def test_markup_in_the_brief_and_the_note_is_escaped() -> None:
    text = '<script>alert(1)</script> 数字 <img src=x onerror="y"> 5%。'
    at = text.index("5%")
    out = numbers_html(text, 0, [NumberMark(at, at + 1, "unassigned", '"><b>note')])
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=&quot;y&quot;&gt;" in out
    assert 'title="&quot;&gt;&lt;b&gt;note"' in out


def test_marks_outside_the_text_or_over_another_are_left_out() -> None:
    out = numbers_html(
        "甲乙丙丁戊",
        10,
        [
            NumberMark(11, 13, "ignored", "一"),
            NumberMark(12, 14, "ignored", "二"),  # overlaps the one before
            NumberMark(0, 5, "ignored", "外"),  # before the text
            NumberMark(14, 16, "ignored", "尾"),  # runs past its end
        ],
    )
    assert out == (
        '<div class="brief-text brief-numbers">甲<span class="num num-ignored" title="一">乙丙'
        '<span class="num-sr">（忽略）</span></span>丁戊</div>'
    )


def test_the_cited_sentence_is_one_mark_around_its_numbers() -> None:
    text = "标题\n前文 3 项。全国社会物流总额 75.4 万亿元，增长 9%。后文 12 个。"
    start = text.index("前文")
    sentence = (text.index("全国"), text.index("后文"))

    def number(word: str, state: str) -> NumberState:
        at = text.index(word)
        return NumberState(start=at, end=at + len(word), text=word, state=state, reason="x")

    numbers = [number("3", "ignored"), number("75.4", "observation"), number("9", "observation")]
    marked = article_numbers(text, "标题", start, len(text), numbers, {}, cited=sentence).html
    assert marked.count(f'<mark id="{CITED_ID}"') == 1 and marked.count("</mark>") == 1
    inside = marked[marked.index("<mark") : marked.index("</mark>")]
    assert "全国社会物流总额" in inside and ">75.4<" in inside and ">9<" in inside
    assert ">3<" not in inside and "后文" not in inside
    # A sentence edge that cuts a number keeps the number whole inside the mark.
    cut = (text.index("75.4") + 2, sentence[1])
    marked = article_numbers(text, "标题", start, len(text), numbers, {}, cited=cut).html
    assert '<mark id="cited-sentence"' in marked.split(">75.4<")[0]
    assert "<mark" not in article_numbers(text, "标题", start, len(text), numbers, {}).html


def test_line_breaks_become_br() -> None:
    assert numbers_html("一\n\n\n\n二", 0, []) == (
        '<div class="brief-text brief-numbers">一<br><br>二</div>'
    )


def test_the_legend_shows_each_state_and_says_where_the_reasons_are() -> None:
    legend = legend_html("悬停 <可见> 原因")
    for state in ("observation", "unassigned", "ignored"):
        assert f'class="num num-{state}"' in legend
    assert "悬停 &lt;可见&gt; 原因" in legend and legend.startswith("<style>")


def _numbers(text: str, *found: tuple[str, str, str]) -> list[NumberState]:
    out = []
    for written, state, reason in found:
        at = text.index(written)
        out.append(
            NumberState(text=written, start=at, end=at + len(written), state=state, reason=reason)
        )
    return out


def test_a_number_is_named_with_its_unit_a_date_word_or_its_code_letters() -> None:
    text = "2020年中国电信 5G 建设，增长 1.8 个百分点，达 75.4 万亿元，共 3 个方面，有30多个。"
    numbers = _numbers(
        text,
        ("2020", "ignored", "date"),
        ("5", "ignored", "code"),
        ("1.8", "unassigned", "no_series"),
        ("75.4 万亿", "observation", "mapped"),
        ("3", "ignored", "not_a_figure"),
        ("30", "unassigned", "no_series"),
    )
    assert [written_with_unit(n, text) for n in numbers] == [
        "2020年",
        "5G",
        "1.8个百分点",
        "75.4 万亿元",
        "3个",
        "30多个",
    ]
    (code,) = _numbers("L2 级车型", ("2", "ignored", "code"))
    assert written_with_unit(code, "L2 级车型") == "L2"


def test_choices_put_likely_missed_figures_first_and_leave_out_observations() -> None:
    text = "2020 年，75.4 万亿元，指数 51.2，增长 1.8 个百分点。"
    numbers = _numbers(
        text,
        ("2020", "ignored", "date"),
        ("75.4 万亿", "observation", "mapped"),
        ("51.2", "ignored", "no_unit"),
        ("1.8", "unassigned", "no_series"),
    )
    assert [n.text for n in choice_order(numbers)] == ["1.8", "51.2", "2020"]
