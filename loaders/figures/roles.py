"""What a figure is to its sentence when it is not a plain statement of a series value.

- superseded: "由此前公布的 520 亿元修订为 546 亿元", "546 亿元（原为 520 亿元）": the
  old value of a revision;
  only the new one is this issue's statement, and it speaks about what the old one
  did (role "revised");
- threshold: "交易金额超过 10 亿元的大额交易", "10 亿元以上交易 9 笔": a bound that
  picks out a subset, never a total; the figure of its clause counts that subset
  (role "subset");
- milestone: "首次突破 5 亿美元大关，达到 5.3 亿美元": a round mark passed; the value
  after it, about the same subject, is the statement;
- base: "较去年同期的 66 笔", "较 2021 年全年的 23.5%": the comparison base, stated
  with its own period, is an observation of the series the figure before it
  measures, for that period.
"""

from __future__ import annotations

import re

from loaders.figures.forecast_scope import TARGET_AFTER_RE
from loaders.text.sentences import FoundFigure
from loaders.vocab import units
from loaders.vocab.time_roles import names_a_base

# "由此前公布的", "从初步核算的", "由": what stands before the old value of a revision.
REVISED_FROM_RE = re.compile(r"(?:由|从|原)(?:[^,，;；。由从]{0,16}的)?\s*$")
# … and between the old value and the new one.
# The verbs of a revision, one list for every pattern below: 修订为, 下修为, 核减为, 更正为 …
REVISION_VERBS = (
    "修订|修正|下修|上修|调整|上调|下调|调增|调减|调高|调低|更正|修改|订正|核减|核增|核定|核实|核准"
)
REVISED_TO_RE = re.compile(rf"^\s*(?:{REVISION_VERBS})(?:后)?\s*(?:为|至|到)\s*$")
# "超过 10 亿元的", "10 亿元以上的": a figure right before 的 qualifies the noun after it.
ATTRIBUTE_AFTER_RE = re.compile(r"\s*的")
CLAUSE_END_RE = re.compile(r"[,，;；。！？!?]")
LISTED_AFTER_RE = re.compile(r"^\s*(?:和|、|与|及|以及)\s*$")
# "5 亿美元大关", "300 万亿元新台阶", "1000 亿件的历史性关口": a round mark passed.
MILESTONE_RE = re.compile(
    r"^的?(?:整数|新的|新|历史性的?)?(?:大关|关口|门槛|大台阶|台阶|关卡|里程碑|荣枯线|枯荣线)"
)
# "此前公布为 520 亿元，现修正为 546 亿元": the new value in the clause after the old one,
# also after who or what revised it ("经补充统计修正为", "后经普华永道核实上调至").
REVISED_NEXT_RE = re.compile(
    r"^\s*[,，]?\s*(?:(?:现|后|随后|最终|再)?经[^,，;；。！？\d]{0,12}?|现|后|随后|最终)?"
    rf"(?:{REVISION_VERBS})(?:后)?"
    r"\s*(?:为|至|到)\s*$"
)
OPEN_BRACKET_RE = re.compile(r"^\s*[(（]")
# "546 亿元（原为 520 亿元）": the old value named after the new one.
# "较此前公布的 520 亿元有所上调": the old value named as what the new one moved from.
FORMERLY_RE = re.compile(
    r"(?:原为|原公布为|此前公布为|修订前为|修正前为|调整前为|此前公布的|此前发布的|原公布的)\s*$"
)
# "1,036 亿元（此前为 1,020 亿元）", "初步核算为 11.9 万亿元，最终核实为 12.0 万亿元": a first
# estimate is an old value only next to the value that replaced it.
PRELIMINARY_RE = re.compile(
    r"(?:此前为|初值为|初步(?:统计|核算|测算|估算)(?:约|结果)?为|最初公布为|首次公布为|初次公布为)\s*$"
)
# "较去年同期的", "高于上半年的", "比 2021 年全年的": a base named with its own period,
# also by what happened then with the date in brackets ("较上线一周年时（2022 年 7 月 15 日）的").
BASE_BEFORE_RE = re.compile(
    r"(?:较|比|相比于?|相较于?|高于|低于|多于|少于|超过|超出|远超|不及|接近|相当于)"
    r"\s*(?P<when>[^,，;；。]{1,14}?|[^,，;；。()（）]{0,10}[(（][^,，;；。()（）]{1,20}[)）])"
    r"\s*(?:的|[(（])\s*$"
)
# "较 2021 年 7 月 16 日首日收盘价": the base named by its period and its noun.
COMPARED_AT_END_RE = re.compile(r"(?:较|比|相比|相较|对比|高于|低于|超过|多于|少于)\s*$")


def _is_base(figure: FoundFigure) -> bool:
    """Does the figure's own period stand in a comparison right before it? Sets the noun
    a base names after its period ("首日开盘价"), which may be another series than the
    figure it is compared with."""
    when = figure.period_text
    if not when:
        return False
    base = BASE_BEFORE_RE.search(figure.pre)
    if base and when in base["when"]:
        return True
    at = figure.pre.rfind(when)
    if at < 0 or not COMPARED_AT_END_RE.search(figure.pre[:at]):
        return False
    noun = figure.pre[at + len(when) :].strip()
    if not noun:
        # "低于上年同期 6.9% 的增长水平": the period right before its figure; a difference
        # ("高于 2019 年 1.2 个百分点") is no base.
        return figure.quantity.unit not in ("pp", "倍")
    if not names_a_base(noun):
        return False
    figure.base_noun = noun
    return True


def _in_its_clause(figure: FoundFigure, following: FoundFigure | None) -> bool:
    """Is the next figure in the clause that figure opens ("…10 亿元以上交易 9 笔")?"""
    if following is None or following.sentence is not figure.sentence:
        return False
    text = figure.sentence.text
    clause_end = CLAUSE_END_RE.search(text, figure.quantity.end)
    return following.quantity.start < (clause_end.start() if clause_end else len(text))


def _is_threshold(figure: FoundFigure, following: FoundFigure | None) -> bool:
    text = figure.sentence.text
    bound = figure.quantity.qualifier in ("more_than", "less_than")
    if TARGET_AFTER_RE.match(text[figure.quantity.end :]):
        return False  # "30% 以上的目标": the figure is the target, no bound picking a subset
    if ATTRIBUTE_AFTER_RE.match(text, figure.quantity.end):
        # 超过 10 亿元的, 不足 1 亿元的: a bound that selects; "…10 亿元的大额交易共
        # 9 笔": another figure in the clause states the subset.
        return bound or _in_its_clause(figure, following)
    # "10 亿元以上交易 9 笔": an amount bound right before the noun it selects (a count
    # before its noun, "20 多个行业近 3000 家企业", counts that noun instead).
    amount = figure.quantity.unit not in units.COUNT_BASES
    return bound and amount and bool(figure.post) and _in_its_clause(figure, following)


# "从 2008 年到 2018 年，…由 89.9 万亿元增至 283.1 万亿元": from the value at a span's start
# to the value at its end.
FROM_BEFORE_RE = re.compile(r"(?:由|从)\s*$")
TO_BETWEEN_RE = re.compile(
    r"^\s*(?:增长|增加|提高|提升|上升|扩大|跃升|攀升|增|升|下降|减少|降低|回落|缩小|降|减)?(?:至|到)\s*$"
)


def _ends_of_a_span(figure: FoundFigure, following: FoundFigure | None) -> None:
    """A value from a span's start to its end: each end its own year."""
    if following is None or following.sentence is not figure.sentence or not figure.period:
        return
    if not FROM_BEFORE_RE.search(figure.pre) or not TO_BETWEEN_RE.match(following.gap or ""):
        return
    if following.period != figure.period or "/" not in figure.period:
        return
    first, _, last = figure.period.partition("/")
    if len(first) == 4 and len(last) == 4:  # years: 2008/2018
        figure.period, following.period = first, last


def mark_roles(figures: list[FoundFigure]) -> None:
    """Set FoundFigure.role for the figures of one article, in text order."""
    for k in range(len(figures) - 1):
        _ends_of_a_span(figures[k], figures[k + 1])
    for k, figure in enumerate(figures):
        if figure.role:
            continue  # the new value of a revision marked with the old one
        following = figures[k + 1] if k + 1 < len(figures) else None
        same_sentence = following is not None and following.sentence is figure.sentence
        revised_next = same_sentence and bool(REVISED_NEXT_RE.match(following.gap or ""))
        aside_after_new = (
            k > 0
            and figures[k - 1].sentence is figure.sentence
            and (OPEN_BRACKET_RE.search(figure.gap or ""))
        )
        if (
            same_sentence
            and REVISED_FROM_RE.search(figure.pre)
            and REVISED_TO_RE.match(following.gap or "")
        ):
            figure.role = "superseded"
            following.role = "revised"
            old_words = REVISED_FROM_RE.search(figure.pre).group(0)
            if figure.period_text and figure.period_text in old_words:
                # "由 2020 年底公布名单时的 2225 家核减为 2162 家": the date belongs to the old
                # value; the new one has no date of its own.
                following.period, following.period_text = None, ""
        elif FORMERLY_RE.search(figure.pre) or (
            PRELIMINARY_RE.search(figure.pre) and (revised_next or aside_after_new)
        ):
            figure.role = "superseded"
            if revised_next:
                following.role = "revised"  # "此前公布为 520 亿元，现修正为 546 亿元"
        elif MILESTONE_RE.match(figure.post):
            figure.role = "milestone"  # "突破 1000 亿件的历史性关口" selects nothing
        elif _is_threshold(figure, following):
            figure.role = "threshold"
            if _in_its_clause(figure, following):
                following.role = "subset"  # counts what the threshold selects
        elif k > 0 and figures[k - 1].sentence is figure.sentence and _is_base(figure):
            figure.role = "base"
        elif (
            k > 0
            and figures[k - 1].role == "base"
            and figures[k - 1].sentence is figure.sentence
            and LISTED_AFTER_RE.match(figure.gap or "")
        ):
            # "较去年同期的 3.90 亿吨和 88.6 亿元": the next item of a list of bases is one
            # too, of the same period.
            figure.role = "base"
            figure.period, figure.period_text = figures[k - 1].period, figures[k - 1].period_text
