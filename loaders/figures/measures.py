"""What a found figure measures (level, 同比, 两年平均, share, a change …), in its sentence.

`loaders.figures.mapping.measure_of` reads the words of one clause; this module settles what those
words leave open from the figures around it: a comparison base measures what the figure it
is compared with measures, the level reached after a change (回升 2.8 个百分点至 53.5%)
what the change was of, a clause with no measure word of its own the measure of the
subject it continues, and a bare 增长 the growth measure named before it in its sentence.
"""

from __future__ import annotations

import re

from loaders.figures.mapping import has_subject, measure_of
from loaders.text.sentences import FoundFigure

LAST_YEAR_RE = re.compile(r"去年|上年|上一年")
# "回升 2.8 个百分点至 53.5%", "回落 0.5 个百分点，为 5.9%": the figure after 至 (or a
# comma and 为) is where the change ended.
REACHED_RE = re.compile(
    r"^\s*[,，]?\s*(?:(?:回升|回落|上升|下降|提高|提升|增长|减少|升|降|增|减)?(?:至|到)|达到"
    r"|(?<=[,，])\s*(?:为|是))\s*$"
)
SEMICOLON_RE = re.compile(r"[;；]")
COMPARED_TAIL_RE = re.compile(r"(?:较|比|同比|环比|相比)[^,，;；]*$")
BASE_IN_BRACKETS_RE = re.compile(r"(?:较|比|相比|相较)[^,，;；()（）]{1,14}[(（]\s*$")
# "与 2023 年同期相比，一季度社会物流总额增长 11.9%": a clause naming a year as the base
# frames the growth of the clause after it, which is then no 同比.
BASE_FRAME_RE = re.compile(
    r"(?:(?:与|和|同)\s*(?:19|20)\d{2}\s*年[^,，;；。]{0,8}(?:相比|相较|比较)"
    r"|(?:相比|相较|对比)(?:于)?\s*(?:19|20)\d{2}\s*年[^,，;；。]{0,8})\s*[,，]\s*$"
)


def resolve_measure(figures: list[FoundFigure], k: int) -> str | None:
    figure = figures[k]
    if figure.role in ("base", "revised") and figure.subject_from is not None:
        # "较 2021 年全年的 23.5%": the base measures what the figure before measures,
        # unless it names a measure of its own ("较 7 月 16 日首日开盘价 48 元/吨").
        own = measure_of(figure.base_noun, figure.quantity) if figure.base_noun else None
        before = figures[k - 1] if k > 0 else None
        if (
            own is None
            and before is not None
            and before.sentence is figure.sentence
            and before.quantity.unit == "pp"
        ):
            # "累计增速比前三季度回落 0.8 个百分点，但仍高于上年同期 2.5% 的水平": the base of
            # the rate whose change was just given.
            changed = measure_of(COMPARED_TAIL_RE.sub("", before.pre), figure.quantity)
            own = "yoy" if changed == "growth" else changed
        return own or figures[figure.subject_from].measure
    if k > 0 and figures[k - 1].measure in ("pp", "change") and REACHED_RE.match(figure.gap or ""):
        # "较上月回升 2.8 个百分点至 53.5%": the level reached, measured by the noun the
        # change was of, not by the comparison.
        noun = COMPARED_TAIL_RE.sub("", figures[k - 1].given_subject or figures[k - 1].pre)
        reached = measure_of(noun, figure.quantity)
        return "yoy" if reached == "growth" else reached  # "增速…回落 0.5 个百分点，为 5.9%"
    measure_text = figure.given_subject if figure.given_subject else figure.pre
    if BASE_IN_BRACKETS_RE.search(measure_text):
        # "渗透率较上年同期（42.4%）提高…": the bracket holds the base's value; what it
        # measures is said before the comparison.
        measure_text = COMPARED_TAIL_RE.sub("", measure_text)
    measure = measure_of(measure_text, figure.quantity)
    clause_start = figure.quantity.start - len(figure.pre)
    if measure in ("yoy", "growth") and BASE_FRAME_RE.search(figure.sentence.text[:clause_start]):
        return "vs_base"
    if measure is None and figure.subject_from is not None:
        # "渗透率达 23.5%,一季度进一步提升至 28%": same subject, same measure; past a
        # difference ("较上年提高 2 个百分点，预计全年有望突破 20%") to what it differs from.
        j = figure.subject_from
        while figures[j].measure in ("pp", "change") and figures[j].subject_from is not None:
            j = figures[j].subject_from
        return figures[j].measure
    if measure == "growth" and k > 0 and figures[k - 1].role == "base":
        # "较 2020 年同期的 123.9 万亿元增长 28.8%": growth over the base just named,
        # year on year only when the base is last year's.
        return "yoy" if LAST_YEAR_RE.search(figures[k - 1].period_text) else "vs_base"
    if measure == "growth":
        # A bare 增长/下降 repeats the measure of the growth figure before it in its clause
        # (同比增长 24.2%(上年一季度为下降 7.5%)), else 同比; a clause that names its own
        # subject, or one past a semicolon, starts afresh ("两年年均增长 6.2%；一季度、上半年
        # 社会物流总额分别增长 24.2% 和 15.7%").
        if has_subject(measure_text):
            return "yoy"
        for j in range(k - 1, -1, -1):
            between = figure.sentence.text[figures[j].quantity.end : figure.quantity.start]
            if figures[j].sentence is not figure.sentence or SEMICOLON_RE.search(between):
                break
            if figures[j].measure in ("yoy", "yoy_2y"):
                return figures[j].measure
        return "yoy"
    return measure
