"""Article text with its figures highlighted, always escaped."""

from __future__ import annotations

from dashboard.highlight import Mark, highlight_html


def test_sentence_is_marked_and_figure_bolded() -> None:
    text = "前言。2020 年交易总金额 1,750 亿元。后记。"
    start = 100
    at = text.index("2020")
    end = text.index("后记")
    out = highlight_html(text, start, [Mark(start + at, start + end, "交易金额", ("1,750 亿元",))])
    assert out == (
        '<div class="brief-text">前言。<mark title="交易金额">2020 年交易总金额 '
        "<strong>1,750 亿元</strong>。</mark>后记。</div>"
    )


def test_markup_in_the_brief_is_escaped_everywhere() -> None:
    text = '<script>alert(1)</script> 数字 <img src=x onerror="y"> 5%。'
    at = text.index("数字")
    out = highlight_html(text, 0, [Mark(at, len(text), '"><b>note', ("5%",))])
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;" in out and "&lt;img src=x onerror=&quot;y&quot;&gt;" in out
    assert 'title="&quot;&gt;&lt;b&gt;note"' in out


def test_overlapping_marks_merge_and_out_of_range_marks_are_clipped() -> None:
    text = "甲乙丙丁戊"
    out = highlight_html(
        text,
        10,
        [Mark(11, 13, "一", ("乙",)), Mark(12, 14, "二", ("丁",)), Mark(0, 5, "外", ())],
    )
    assert (
        out
        == '<div class="brief-text">甲<mark title="一；二"><strong>乙</strong>丙<strong>丁</strong></mark>戊</div>'
    )


def test_line_breaks_become_br() -> None:
    assert highlight_html("一\n\n\n\n二", 0, []) == '<div class="brief-text">一<br><br>二</div>'
