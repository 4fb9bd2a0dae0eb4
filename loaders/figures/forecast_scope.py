"""Which figures and periods of a sentence are projections: the scope of 预计, 有望, 将达到 …

A marker governs what comes after it in its sentence, up to a semicolon ("预计下半年…，
全年物流业总收入有望突破 12.5 万亿元"), and a period named earlier in the marker's own clause
("全年社会物流总额预计超过 330 万亿元"). Figures reported before the marker, in
clauses of their own ("上半年物流业总收入 5.9 万亿元，同比增长 5.1%，预计…"), stay
outcomes with their own periods: only the clause that forecasts is a forecast.
"""

from __future__ import annotations

import re

# Words that make the figures after them projections, not outcomes; "此前预计的 400 亿元"
# (a marker before 的) only says what the figure right after it was.
FORECAST_RE = re.compile(
    r"(?:预计|预测|有望|将达到|将达|将超过|将突破|将增长|将增至|目标(?:是|为|值|达到|:)|力争|可望|或将|将会"
    r"|料将|预期将|预估|估计将)"
    r"(?!的)"
)
# Words between a forecast marker and the figure that make it an outcome again.
ACTUAL_RE = re.compile(r"已经|已|实际|截至")
# Where a clause ends: a period named before a marker shares its clause up to here.
CLAUSE_END_RE = re.compile(r"[,，;；。！？!?]")


# "…，预计上半年业务量将超过 600 亿件；业务收入累计完成 4,637.5 亿元": a semicolon ends
# what a marker governs.
SCOPE_END_RE = re.compile(r"[;；]")


# A plan's quantified target: "《行动计划》提出，到 2020 年，…搭载率达到 30% 以上", "力争到
# 2025 年…": the figure is a projection of the series it names, whether or not the year
# has ended; and a figure named as the target ("…30% 以上的目标").
PLAN_WORDS_RE = re.compile(r"规划|计划|方案|意见|纲要|目标|提出|力争|要求|部署")
PLAN_YEAR_RE = re.compile(r"到\s*(?:19|20)\d{2}\s*年(?:底|末)?")
TARGET_AFTER_RE = re.compile(r"^\s*(?:以上|以下|左右)?\s*的(?:发展|阶段性|总体|预期)?目标")


def is_plan_target(before: str, after: str) -> bool:
    """Is the figure a plan's quantified target (see PLAN_YEAR_RE, TARGET_AFTER_RE)?"""
    if TARGET_AFTER_RE.match(after):
        return True
    ends = list(SCOPE_END_RE.finditer(before))
    clause = before[ends[-1].end() :] if ends else before
    year = list(PLAN_YEAR_RE.finditer(clause))
    if not year or ACTUAL_RE.search(clause[year[-1].end() :]):
        return False
    return bool(PLAN_WORDS_RE.search(before))


# "中物联预计，A；B。": a marker standing alone before a comma frames the whole sentence, its
# clauses after a semicolon too.
FRAMING_RE = re.compile(FORECAST_RE.pattern + r"\s*[,，:：]")


# "中物联预计，2023 年…将超过 360 万亿元；物流业总收入累计完成 12.7 万亿元": a clause saying
# what was done reports, whatever framed the sentence.
DONE_RE = re.compile(ACTUAL_RE.pattern + r"|完成|实现")


def frames_the_sentence(before: str) -> bool:
    """Is there a marker framing the sentence ("X 预计，") before the last semicolon, not
    undone in the clause since (已, 实际, 完成)?"""
    ends = list(SCOPE_END_RE.finditer(before))
    return (
        bool(ends)
        and bool(FRAMING_RE.search(before, 0, ends[-1].start()))
        and not DONE_RE.search(before[ends[-1].end() :])
    )


def is_forecast(before: str) -> bool:
    """A projection marker before the figure in its sentence (since the last semicolon, or
    one framing the sentence), not undone by 已/实际."""
    ends = list(SCOPE_END_RE.finditer(before))
    if ends:
        if frames_the_sentence(before):
            return True
        before = before[ends[-1].end() :]
    markers = list(FORECAST_RE.finditer(before))
    if not markers:
        return False
    return not ACTUAL_RE.search(before[markers[-1].end() :])


def is_prospective(sentence: str, start: int, end: int, figure_starts: list[int]) -> bool:
    """Does a period expression at sentence[start:end] name a coming period?

    It does under a marker before it, or with a marker later in its own clause, or
    later in the sentence with no figure reported in between ("下半年需求将进一步
    释放，预计全年…"); a period of reported figures before the marker is the past one.
    """
    clause_end = CLAUSE_END_RE.search(sentence, end)
    clause = sentence[end : clause_end.start() if clause_end else len(sentence)]
    if ACTUAL_RE.search(clause) and not FORECAST_RE.search(clause):
        # "预计全年…增长 5% 左右，而一季度已实现增长 4.3%": a clause saying what already
        # happened reports, whatever a marker before it projected.
        return False
    if is_forecast(sentence[:start]):
        return True
    if FORECAST_RE.search(clause):
        return True
    scope_end = SCOPE_END_RE.search(sentence, end)
    marker = FORECAST_RE.search(sentence, end, scope_end.start() if scope_end else len(sentence))
    return marker is not None and not any(end <= at < marker.start() for at in figure_starts)
