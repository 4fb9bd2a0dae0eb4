"""An article's text as safe HTML with every number marked by its state: an observation, a
figure left to review, or ignored (loaders.figures.number_states), what became of it as the tooltip.

All brief text is escaped with html.escape before any tag is added, so markup or script in
a brief is shown as text, never rendered.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dashboard.formatting import format_number, period_label, with_unit
from dashboard.markup import plain_markdown
from loaders.figures.number_states import REASONS
from loaders.models import NumberState
from loaders.services.held_values import HeldValue
from loaders.vocab.units import UNIT_WORDS

# What a reader calls each state (loaders.figures.number_states): on the marks, the legend, the
# choices of the review and the counts of every article.
STATE_LABELS = {"observation": "数据", "unassigned": "待归类", "ignored": "忽略"}
# Each state differs in more than colour: weight, and a solid underline, a dashed box or a
# dotted underline; a hidden word says the state to a screen reader. Colours are light
# tints that read on a light and a dark theme alike.
NUMBERS_CSS = """<style>
.brief-numbers { line-height: 1.9; }
.brief-numbers .num { padding: 0 .12em; border-radius: .2em; cursor: help; }
.num-observation { font-weight: 700; background: rgba(46, 160, 67, .18);
  border-bottom: 2px solid rgba(46, 160, 67, .95); }
.num-unassigned { font-weight: 700; background: rgba(230, 145, 0, .22);
  outline: 1.5px dashed rgba(200, 120, 0, .95); outline-offset: 1px; }
.num-ignored { opacity: .75; border-bottom: 1.5px dotted currentColor; }
.num-picked { outline: 2.5px solid currentColor; outline-offset: 2px; opacity: 1; }
.num-held { background: rgba(220, 50, 47, .2); border-bottom: 3px double rgba(200, 30, 30, .95); }
.num-sr { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
.numbers-legend { display: flex; flex-wrap: wrap; gap: .4em 1.4em; font-size: .9em; }
</style>"""
# The sentence a citation's link names (?quote=, loaders.series.citations.quote_link) stands out
# from the rest of the text: orange, outlined; the page scrolls to its id.
CITED_ID = "cited-sentence"
CITED_STYLE = "background:#ffcc80;outline:2px solid #e65100;border-radius:2px"
_CITED_OPEN = f'<mark id="{CITED_ID}" class="cited" style="{CITED_STYLE}">'
_CITED_CLOSE = "</mark>"


@dataclass(frozen=True)
class NumberMark:
    """One number of the text (offsets into the issue's clean text), its state and what
    became of it, in words (the mark's tooltip)."""

    start: int
    end: int
    state: str
    note: str
    picked: bool = False  # the number the reviewer has chosen (outlined)
    held: str | None = None  # the doubt the stored series cast on it (the second look)


def number_note(number: NumberState, names: Mapping[str, str]) -> str:
    """What became of a number, in words: its state, reason, series (or the suggested one)
    and period."""
    reason = REASONS.get(number.reason, number.reason)
    label = STATE_LABELS.get(number.state, number.state)
    if number.state == "observation":
        name = names.get(number.indicator or "", number.indicator or "")
        return f"{label}：{name}（{period_label(number.period)}）· {reason}"
    note = f"{label}：{reason}"
    if number.suggested_indicator:
        suggested = names.get(number.suggested_indicator, number.suggested_indicator)
        note += f" · 建议指标：{suggested}"
    if number.state == "unassigned" and number.period:
        note += f" · 期间：{period_label(number.period)}"
    return note


# What the text says of a value the second look holds back (loaders.series.plausibility).
HELD_LABEL = "存疑"


def held_number(number: NumberState) -> NumberState:
    """A number the second look holds: a figure left to review says so as its reason (the
    store keeps no reason of its own for it)."""
    if number.state != "unassigned":
        return number
    return number.model_copy(update={"reason": "implausible"})


def number_marks(
    numbers: Iterable[NumberState],
    names: Mapping[str, str],
    picked: int | None = None,
    held: Mapping[int, str] | None = None,
) -> list[NumberMark]:
    """The marks of these numbers; the one starting at `picked` outlined, those `held`
    (number start -> the doubt, loaders.services.held_values.held_at) marked with the doubt."""
    held = held or {}
    marks = []
    for n in numbers:
        doubt = held.get(n.start)
        note = number_note(held_number(n) if doubt else n, names)
        if doubt:
            note += f" · {HELD_LABEL}：{doubt}"
        marks.append(NumberMark(n.start, n.end, n.state, note, n.start == picked, doubt))
    return marks


def _marked(
    text: str,
    text_start: int,
    marks: Sequence[NumberMark],
    cited: tuple[int, int] | None = None,
) -> str:
    """The text escaped, each mark's number in its span; `cited` (clean-text offsets of a
    sentence) wrapped in one <mark id=CITED_ID> around the numbers inside it."""
    pieces, cursor = [], 0
    # Where the cited sentence opens and closes in `text`; None once its tag is written.
    cited_open, cited_close = None, None
    if cited is not None and cited[1] - text_start > 0 and cited[0] - text_start < len(text):
        cited_open = max(cited[0] - text_start, 0)
        cited_close = min(cited[1] - text_start, len(text))

    def plain(upto: int) -> None:
        """text[cursor:upto] escaped, with the cited sentence's tags where they fall."""
        nonlocal cursor, cited_open, cited_close
        if cited_open is not None and cited_open <= upto:
            at = max(cursor, cited_open)
            pieces.append(html.escape(text[cursor:at]) + _CITED_OPEN)
            cursor, cited_open = at, None
        if cited_open is None and cited_close is not None and cited_close <= upto:
            at = max(cursor, cited_close)
            pieces.append(html.escape(text[cursor:at]) + _CITED_CLOSE)
            cursor, cited_close = at, None
        pieces.append(html.escape(text[cursor:upto]))
        cursor = upto

    for mark in sorted(marks, key=lambda m: m.start):
        start, end = mark.start - text_start, mark.end - text_start
        if start < cursor or start < 0 or end > len(text):
            continue  # outside this text, or overlapping the mark before
        label = STATE_LABELS.get(mark.state, mark.state)
        if mark.held:
            label += f"，{HELD_LABEL}"
        # A number the sentence's edge cuts is kept whole inside the mark.
        if cited_open is not None and cited_open < end:
            cited_open = min(cited_open, start)
        plain(start)
        pieces.append(
            f'<span class="num num-{html.escape(mark.state, quote=True)}'
            f'{" num-picked" if mark.picked else ""}{" num-held" if mark.held else ""}" '
            f'title="{html.escape(mark.note, quote=True)}">{html.escape(text[start:end])}'
            f'<span class="num-sr">（{html.escape(label)}）</span></span>'
        )
        cursor = end
        if cited_open is None and cited_close is not None and start < cited_close < end:
            cited_close = end
    plain(len(text))
    body = re.sub(r"\n\s*\n+", "\n\n", "".join(pieces).strip())
    return body.replace("\n", "<br>")


def numbers_html(text: str, text_start: int, marks: Sequence[NumberMark]) -> str:
    """`text` (starting at offset `text_start` of the clean text) escaped, each number in a
    <span> of its state with what became of it as the tooltip (NUMBERS_CSS styles them)."""
    return f'<div class="brief-text brief-numbers">{_marked(text, text_start, marks)}</div>'


@dataclass(frozen=True)
class ArticleNumbers:
    """One article's numbers (its headline's and its text's) and the article marked."""

    numbers: list[NumberState]
    html: str
    counts: str  # state_counts of the numbers


def article_numbers(
    clean_text: str,
    title: str,
    start: int,
    end: int,
    numbers: Iterable[NumberState],
    names: Mapping[str, str],
    picked: int | None = None,
    held: Mapping[int, str] | None = None,
    cited: tuple[int, int] | None = None,
) -> ArticleNumbers:
    """The article of the clean text at [start, end) whose title is `title`: its numbers
    and its text with each marked (the one at `picked` outlined, those `held` with the
    second look's doubt, the sentence at `cited` (clean-text offsets) marked CITED_ID);
    the headline is shown above the text when it holds one."""
    title_start = clean_text.rfind(title, 0, start) if title else -1
    title_end = title_start + len(title) if title_start >= 0 else -1
    body = [n for n in numbers if start <= n.start < end]
    headline = [n for n in numbers if title_start <= n.start < title_end and n.start < start]
    marked = ""
    if headline:
        marked = (
            '<div class="brief-headline"><strong>'
            f"{_marked(title, title_start, number_marks(headline, names, picked, held))}</strong></div>"
        )
    marked += _marked(clean_text[start:end], start, number_marks(body, names, picked, held), cited)
    return ArticleNumbers(
        headline + body,
        f'<div class="brief-text brief-numbers">{marked}</div>',
        state_counts(headline + body),
    )


def legend_html(hint: str, held: bool = False) -> str:
    """The three states as the text marks them, with the styles (once per page), and where
    the page says why (`hint`, text); with `held`, the mark of a value the second look
    holds back too."""
    samples = [
        ("observation", "数据：已归入指标（实下划线）"),
        ("unassigned", "待归类：留给编辑（虚线框）"),
        ("ignored", "忽略：日期、序号、代号等（点状下划线）"),
    ]
    if held:
        samples.append(
            ("observation num-held", f"{HELD_LABEL}：与库中该序列不合，待确认（双下划线）")
        )
    items = "".join(
        f'<span><span class="num num-{state}">12.3</span>亿元　{html.escape(text)}</span>'
        for state, text in samples
    )
    return (
        f'{NUMBERS_CSS}<div class="brief-numbers numbers-legend" role="note">{items}'
        f"<span>{html.escape(hint)}</span></div>"
    )


def state_counts(numbers: Iterable[NumberState]) -> str:
    """ "数据 3 个 · 待归类 2 个 · 忽略 10 个" (states with none left out); "没有数字" for none."""
    counts = {state: 0 for state in STATE_LABELS}
    for number in numbers:
        counts[number.state] = counts.get(number.state, 0) + 1
    parts = [f"{STATE_LABELS[s]} {n} 个" for s, n in counts.items() if n]
    return " · ".join(parts) if parts else "没有数字"


# The words that say what a number counts, right after it: a unit the quantity parser knows
# (loaders.vocab.units: 元, %, 个百分点, 辆 …), a date's 年/月/日 or a code's letters (5G).
_DATE_WORDS = ("月份", "季度", "年", "月", "日", "号", "期")
_UNIT_AFTER = re.compile(
    r"\s*(?:多|余)?(?:"
    + "|".join(re.escape(w) for w in sorted([*UNIT_WORDS, *_DATE_WORDS], key=len, reverse=True))
    + r"|[A-Za-z]+)"
)


# The letters a number is glued to in a code (L2, COVID-19).
_CODE_BEFORE = re.compile(r"[A-Za-z]+-?$")


def written_with_unit(number: NumberState, text: str) -> str:
    """A number as written with the unit after it ("75.4万亿元", "20多个", "2020年") or the
    letters of its code ("5G", "L2"); `text` is the issue's clean text."""
    unit = _UNIT_AFTER.match(text, number.end)
    code = _CODE_BEFORE.search(text, max(0, number.start - 8), number.start)
    return (code.group(0) if code else "") + number.text + (unit.group(0).strip() if unit else "")


# The reasons for which the loaders most often pass over a figure a reader would take: shown
# first among the choices, after the figures left to review.
LIKELY_MISSED = ("no_unit", "not_a_figure", "headline")


def choice_order(numbers: Iterable[NumberState]) -> list[NumberState]:
    """The numbers a reviewer may add, likeliest first: those left to review, then those
    ignored for want of a unit or in a headline, then dates, codes and the rest (each group
    in text order); observations are no choice."""

    def rank(number: NumberState) -> int:
        if number.state == "unassigned":
            return 0
        return 1 if number.reason in LIKELY_MISSED else 2

    return sorted((n for n in numbers if n.state != "observation"), key=rank)


def number_choice(number: NumberState, text: str) -> str:
    """A number as the review's choices show it: with its unit, and its state
    ("75.4万亿元 · 待归类")."""
    return f"{written_with_unit(number, text)} · {STATE_LABELS.get(number.state, number.state)}"


def article_label(index: int, title: str, editor: str | None, counts: str) -> str:
    """An article's expander label, markdown-safe: "1. 标题（编辑：某某） · 数据 3 个 · …"."""
    label = f"{index + 1}. {plain_markdown(title)}"
    if editor:
        label += f"（编辑：{plain_markdown(editor)}）"
    return f"{label} · {counts}"


# The review tables as the upload page titles them.
REVIEW_TABLES = {"figures": "识别的数据", "unassigned": "未归类的数字"}


def held_title(value: HeldValue, names: Mapping[str, str]) -> str:
    """A held value as the second look lists it, markdown-safe: "全国碳市场累计成交量 ·
    2021年12月31日 · 0.179 亿吨（识别的数据第 2 行）"; the value in full, as it would be
    written."""
    name = plain_markdown(names.get(value.indicator, value.indicator))
    forecast = " · 预测" if value.forecast else ""
    return (
        f"{name} · {period_label(value.period)}{forecast} · "
        f"{plain_markdown(with_unit(format_number(value.value, 6), value.unit))}"
        f"（{REVIEW_TABLES.get(value.table, value.table)}第 {value.row} 行）"
    )
