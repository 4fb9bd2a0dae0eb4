"""The context find.py maps a figure in: the words that frame it (a leading "…中，", the
scope of the figure before it, a table's caption), a topic named before its clause
("新能源汽车方面，"), a breakdown by who or where ("从企业看，"), the two names of one
thing ("…（即业务总量指数）"), where context words are looked up, and whether a bare generic
noun may name a series.
"""

from __future__ import annotations

import re

from loaders.catalog.indicators import Catalog
from loaders.figures.mapping import has_subject, mentions_alias, mentions_generic
from loaders.figures.subjects import WHOLE_OF_SHARE_RE, listed_after, subject_before_alias
from loaders.models import Article
from loaders.text.sentences import FoundFigure

SEMICOLON_RE = re.compile(r"[;；]")
CLAUSE_END_RE = re.compile(r"[,，;；。！？!?]")
# Clauses that frame the rest of the sentence: "电商物流指数中,", "快递行业方面,".
FRAME_RE = re.compile(r"(?:^|[,，;；:：])([^,，;；:：]{1,20}?(?:中|方面|来看|看|而言))(?=[,，:：])")

# "中国物流业景气指数（即业务总量指数）": one thing by two names, each naming a series.
SAME_THING_RE = re.compile(r"[(（]\s*(?:即|也即|亦即|又称|也称|简称)\s*([^()（）]{2,20}?)\s*[)）]")


# "从企业看，", "分地区看，", "按车型来看，": what follows is broken down by who or where,
# its figures are parts of a series, never the series.
BREAKDOWN_RE = re.compile(
    r"(?:从|分|按)(?:企业规模|企业类型|企业性质|企业|公司|品牌|厂商|地区|区域|地域|省份|省市|城市"
    r"|车型|市场主体|规模|细分行业|行业|细分领域|所有制|经济类型|板块|国家)(?:来)?看"
)
# "新能源汽车方面，", "从新能源汽车来看，", "就快递业务而言，": the topic of what follows.
TOPIC_RE = re.compile(
    r"(?:^|[,，;；。])\s*(?:从|就|在)?([^,，;；:：从就在]{2,12}?)(?:方面|来看|而言|领域)\s*[,，:：]"
)


def topic_of(before: str) -> str:
    """The topic the sentence named before the figure's clause, if any."""
    found = TOPIC_RE.findall(before)
    return found[-1] if found else ""


def names_of_one_thing(subject: str) -> list[str]:
    """The subject, or its two names when it says the one is the other."""
    same = SAME_THING_RE.search(subject)
    if same is None:
        return [subject]
    after = subject[same.end() :]
    return [subject[: same.start()] + after, same.group(1) + after]


def said_before(figures: list[FoundFigure], k: int, article: Article) -> str:
    """The paragraph before figure k, with the subjects its lists gave earlier figures."""
    start = figures[k].sentence.start + figures[k].quantity.start
    paragraph_start = article.text.rfind("\n", 0, start) + 1
    given = [f.subject for f in figures[:k] if f.sentence.start >= paragraph_start]
    return article.text[paragraph_start:start] + "".join(given)


def scopes_of(figure: FoundFigure, before: str, paragraph: str, article: Article) -> list[str]:
    """Where context words are looked up, nearest first: context before the figure in
    its sentence outranks context after it; a table's caption frames its rows."""
    sentence = figure.sentence.text
    return [figure.context + before, sentence, paragraph, article.title, article.text]


def frame_of(figures: list[FoundFigure], k: int, before: str, catalog: Catalog) -> str:
    """Words that frame figure k for exclude words: a leading "电商物流指数中,", the
    scope of the figure before it, a table caption, the index before an index, and what
    the noun counted after the figure does ("1,833 家重点排放单位按时完成配额清缴")."""
    figure = figures[k]
    sentence = figure.sentence
    frame = "".join(FRAME_RE.findall(before)) + figure.context
    # "占全球新能源汽车销量的份额": the whole a share is taken of is no subject, but its
    # words still exclude.
    whole = WHOLE_OF_SHARE_RE.search(figure.pre)
    if whole:
        frame += whole.group(0)
    if figure.post and mentions_alias(figure.post, catalog):
        clause_end = CLAUSE_END_RE.search(sentence.text, figure.quantity.end)
        frame += sentence.text[figure.quantity.end : clause_end.start() if clause_end else None]
    # A 分别 list gave the figure its owner ("全国碳市场的累计成交额"): that is its scope.
    own_subject = subject_before_alias(figure.given_subject or figure.pre, catalog)
    if own_subject is not None and has_subject(own_subject):
        figure.scope = own_subject
    elif (
        k > 0 and figures[k - 1].sentence is sentence and not SEMICOLON_RE.search(figure.gap or "")
    ):
        # The figure before in its clause lends its scope; past a semicolon the sentence
        # speaks of something else ("…均位于 52% 以上；…该指数曾达到 54.9%").
        figure.scope = figures[k - 1].scope
        frame += figure.scope
    if k > 0 and listed_after(figures, k) and not mentions_alias(figure.pre, catalog):
        # "中国企业海外电信资产收购 3 笔，金额合计 27 亿元": a list item naming no series of
        # its own is about what the item before it was about, exclude words included.
        frame += figures[k - 1].pre
    if figure.measure == "index":
        # "制造业采购经理指数(PMI)为 49.6%,新订单指数为 49.3%": an index
        # after another in its sentence is one of its components.
        frame += "".join(
            f.subject
            for f in figures[max(0, k - 4) : k]
            if f.sentence is sentence
            and not SEMICOLON_RE.search(sentence.text[f.quantity.end : figure.quantity.start])
        )
    return frame


def generic_allowed(
    figures: list[FoundFigure], k: int, catalog: Catalog, mapped_before: bool | None
) -> bool:
    """ "数据中心相关交易 34 笔，交易金额 310 亿元": a bare generic noun listed after a
    figure that fit no series is about that segment too; not after one that named a series
    in a measure the catalog does not keep ("并购交易金额…下降 38.7%；交易数量 119 笔")."""
    return not (
        k > 0
        and listed_after(figures, k)
        and not mentions_alias(figures[k].subject, catalog)
        and mapped_before is False
        and mentions_generic(figures[k - 1].subject + figures[k - 1].post, catalog)
        and not mentions_alias(figures[k - 1].subject, catalog)
    )
