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

from loaders import units
from loaders.sentences import FoundFigure

# "由此前公布的", "从初步核算的", "由": what stands before the old value of a revision.
REVISED_FROM_RE = re.compile(r"(?:由|从|原)(?:[^,，;；。由从]{0,10}的)?\s*$")
# … and between the old value and the new one.
REVISED_TO_RE = re.compile(
    r"^\s*(?:修订|修正|下修|上修|调整|上调|下调|更正|修改)(?:后)?\s*(?:为|至|到)\s*$"
)
# "超过 10 亿元的", "10 亿元以上的": a figure right before 的 qualifies the noun after it.
ATTRIBUTE_AFTER_RE = re.compile(r"\s*的")
CLAUSE_END_RE = re.compile(r"[,，;；。！？!?]")
MILESTONE_RE = re.compile(r"^(?:大关|关口|整数关口|门槛|大台阶|台阶|关卡|荣枯线|枯荣线)")
# "546 亿元（原为 520 亿元）": the old value named after the new one.
FORMERLY_RE = re.compile(r"(?:原为|原公布为|此前公布为|修订前为)\s*$")
# "较去年同期的", "高于上半年的", "比 2021 年全年的": a base named with its own period.
BASE_BEFORE_RE = re.compile(
    r"(?:较|比|相比于?|相较于?|高于|低于|多于|少于|超过|超出|远超|不及|接近|相当于)"
    r"\s*(?P<when>[^,，;；。]{1,14}?)(?:的|[(（])\s*$"
)


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
    if ATTRIBUTE_AFTER_RE.match(text, figure.quantity.end):
        # 超过 10 亿元的, 不足 1 亿元的: a bound that selects; "…10 亿元的大额交易共
        # 9 笔": another figure in the clause states the subset.
        return bound or _in_its_clause(figure, following)
    # "10 亿元以上交易 9 笔": an amount bound right before the noun it selects (a count
    # before its noun, "20 多个行业近 3000 家企业", counts that noun instead).
    amount = figure.quantity.unit not in units.COUNT_BASES
    return bound and amount and bool(figure.post) and _in_its_clause(figure, following)


def mark_roles(figures: list[FoundFigure]) -> None:
    """Set FoundFigure.role for the figures of one article, in text order."""
    for k, figure in enumerate(figures):
        if figure.role:
            continue  # the new value of a revision marked with the old one
        following = figures[k + 1] if k + 1 < len(figures) else None
        same_sentence = following is not None and following.sentence is figure.sentence
        if (
            same_sentence
            and REVISED_FROM_RE.search(figure.pre)
            and REVISED_TO_RE.match(following.gap or "")
        ):
            figure.role = "superseded"
            following.role = "revised"
        elif FORMERLY_RE.search(figure.pre):
            figure.role = "superseded"
        elif _is_threshold(figure, following):
            figure.role = "threshold"
            if _in_its_clause(figure, following):
                following.role = "subset"  # counts what the threshold selects
        elif MILESTONE_RE.match(figure.post):
            figure.role = "milestone"
        elif (
            k > 0
            and figures[k - 1].sentence is figure.sentence
            and figure.period_text
            and (base := BASE_BEFORE_RE.search(figure.pre))
            and figure.period_text in base["when"]
        ):
            figure.role = "base"
