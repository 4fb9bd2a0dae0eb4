"""The subject of a figure: the words naming what it is about.

A figure's own clause words name it ("社会物流总额 …"); a clause without a
subject of its own ("同比增长 24.2%") takes the nearest earlier clause that has
one; the words of a 分别 list were paired beforehand (loaders.figures.respectively).
"""

from __future__ import annotations

import re
from datetime import date

from loaders.catalog.indicators import Catalog
from loaders.figures.mapping import (
    FUNCTION_WORDS,
    catalog_names,
    has_subject,
    mentions_alias,
    mentions_generic,
    plain_name,
    squeeze,
)
from loaders.text.sentences import FoundFigure
from loaders.vocab.timeexpr import find_time_expressions

LIST_START_RE = re.compile(r"^\s*(?:、|和|及|与)")
# "累计成交量 1.79 亿吨,成交额 76.61 亿元": a bare noun after a comma shares 累计 too.
COMMA_START_RE = re.compile(r"^\s*[,，]")
# How a list item links its noun to its figure ("成交额约为", "成交额达到"): no words of a noun.
LINKING_RE = re.compile(r"(?:约为|约|近|超过|逾|达到|达|为|是|了|共)+$")
# Modifiers that a list of nouns shares: 累计成交量 x、成交额 y.
DISTRIBUTIVE_RE = re.compile(r"累计")
# Every period expression has a digit or one of these (cheap test before the full one).
MAY_NAME_A_PERIOD_RE = re.compile(r"[\d０-９年月季半期]")
# "占汽车总销量的 2.7%", "占汽车总销量的比重为 2.7%": the whole a share is taken of.
WHOLE_OF_SHARE_RE = re.compile(
    r"(?:占[^,，;；]{1,15}的\s*(?:比重|比例|份额|比率|占比)?"
    # "比亚迪在 L2 级车型销量中的占比约为 27%": the whole is what the share is taken in.
    r"|在[^,，;；]{1,20}中的?\s*(?:比重|比例|份额|比率|占比|占有率))"
    r"\s*(?:为|达到|达|是|约为|约)?\s*$"
)
# Clauses that say under what circumstances, never what: "随着稳增长政策陆续显效，",
# "受疫情影响，". Between two figures they do not change the subject.
CIRCUMSTANCE_RE = re.compile(
    r"(?:^|(?<=[,，;；。！？]))\s*(?:主要|多|均|也|还|则|一方面|另一方面|这主要)?(?:是)?"
    r"(?:随着|伴随|受|由于|得益于|因为)[^,，;；。！？]*"
)
# Clauses that comment on the rate just given ("增速处于高位", "累计增速自 1—8 月由负转正后
# 继续回升", "降幅呈快速收窄态势") or say from where the text looks ("从季度走势看"): between
# two figures they name no other subject.
COMMENT_RE = re.compile(
    r"(?:^|(?<=[,，;；。！？]))\s*(?:累计|当月|当季|全年)?(?:增速|增幅|降幅|涨幅|跌幅|增长率)[^,，;；。！？]*"
)
VIEWPOINT_RE = re.compile(
    r"(?:^|(?<=[,，;；。！？]))\s*(?:从|分|按|就)[^,，;；。！？\d]{1,8}(?:看|来看|而言)\s*(?=[,，])"
)


def gap_after_previous(figures: list[FoundFigure], k: int) -> str:
    """Text since the figure before in the sentence, past the noun completing its unit."""
    gap = figures[k].gap or ""
    if k > 0 and figures[k - 1].post and gap.startswith(figures[k - 1].post):
        # "4.8 亿吨二氧化碳当量，成交额 …": the noun completing the unit of
        # the figure before is not a word between the two list items.
        gap = gap[len(figures[k - 1].post) :]
    return gap


def listed_after(figures: list[FoundFigure], k: int) -> bool:
    """Is figure k the next item of a list begun by figure k-1 ("x 亿吨、成交额 y")?"""
    gap = gap_after_previous(figures, k)
    own = LINKING_RE.sub("", squeeze(figures[k].pre + figures[k].post))
    return bool(LIST_START_RE.match(gap) or (COMMA_START_RE.match(gap) and len(own) <= 4))


def subject_of(figures: list[FoundFigure], k: int, article_text: str, catalog: Catalog) -> str:
    """The words naming what figure k is about."""
    figure = figures[k]
    if figure.given_subject is not None:
        return figure.given_subject
    if k > 0 and figure.role == "revised":
        # "由此前公布的 520 亿元修订为 546 亿元": about what the old value is about.
        figure.subject_from = k - 1
        return figures[k - 1].subject
    if k > 0 and figure.role == "base":
        # "较去年同期的 66 笔", "较 2020 年同期的 123.9 万亿元": about what the figure it
        # is compared with is about, the nearest before it in the same unit.
        same_unit = [
            j
            for j in range(k - 1, -1, -1)
            if figures[j].sentence is figure.sentence
            and figures[j].quantity.unit == figure.quantity.unit
        ]
        figure.subject_from = same_unit[0] if same_unit else k - 1
        return figures[figure.subject_from].subject + figure.base_noun
    # "占新能源汽车销量的 94.6%": the whole a share is taken of is not what it is about.
    own = WHOLE_OF_SHARE_RE.sub("", figure.pre) + figure.post
    if mentions_alias(own, catalog):
        return own
    listed = listed_after(figures, k)
    if k > 0 and listed and has_subject(own):
        # "累计成交量约 4.8 亿吨、成交额约 114 亿元": 累计 qualifies both nouns.
        shared = DISTRIBUTIVE_RE.search(figures[k - 1].subject)
        if shared and shared.group(0) not in own and mentions_alias(shared.group(0) + own, catalog):
            return shared.group(0) + own
        # "新能源汽车产量 266.1 万辆，销量 260 万辆": the next noun of a list shares the
        # words before the noun of the first.
        shared_stem = _stem_completing(figures[k - 1].subject, own, catalog)
        if shared_stem is not None:
            return shared_stem
    if has_subject(own):
        return own
    pre_start = figure.sentence.start + figure.quantity.start - len(figure.pre)
    if k > 0:
        # No subject of its own: the subject of the figure before it in the
        # paragraph, unless the words in between name another subject.
        earlier = figures[k - 1]
        gap = article_text[earlier.sentence.start + earlier.quantity.end : pre_start]
        if earlier.role == "milestone" and gap.startswith(earlier.post):
            gap = gap[len(earlier.post) :]  # "突破 5 亿美元大关，达到 5.3 亿美元"
        gap = CIRCUMSTANCE_RE.sub("", gap)
        if not mentions_alias(gap, catalog):
            gap = VIEWPOINT_RE.sub("", COMMENT_RE.sub("", gap))
        if has_subject(gap) or mentions_alias(gap, catalog):
            return nearest_subject_clause(gap, catalog) or own
        figure.subject_from = k - 1
        return earlier.subject
    # First figure of its article: the nearest clause before it that names one, in its
    # sentence or, like the figures after it (the gap above), in the sentences before it
    # ("社会物流总额实现平稳增长。6 月份当月同比增长 5.1%").
    return nearest_subject_clause(article_text[:pre_start], catalog) or own


def _stem_completing(before: str, own: str, catalog: Catalog) -> str | None:
    """The longest start of the subject before that completes own into a catalog name
    (one that begins in that start and ends in own), if any."""
    before, own = squeeze(before), squeeze(own)
    if mentions_alias(own, catalog) or mentions_generic(own, catalog):
        return None  # a name of its own; a generic one has rules of its own
    aliases = catalog_names(catalog).aliases
    for cut in range(len(before), 0, -1):
        combined = before[:cut] + own
        for alias in aliases:
            at = combined.find(alias)
            if 0 <= at < cut < at + len(alias):
                return combined
    return None


def subject_before_alias(pre: str, catalog: Catalog) -> str | None:
    """The words before the series noun of a clause ("广东碳市场" of
    "广东碳市场累计成交额"), or None when it names no series noun."""
    text = squeeze(pre)
    # The series noun is the alias ending last, the longest of those (累计成交量,
    # not the 市场 inside 湖北碳市场).
    names = catalog_names(catalog)
    spans = [
        (at + len(alias), -at)
        for alias in names.aliases + names.generic
        if (at := text.rfind(alias)) >= 0
    ]
    return text[: -max(spans)[1]] if spans else None


def nearest_subject_clause(text: str, catalog: Catalog) -> str | None:
    clauses = [c for c in re.split(r"[,，;；:：()（）。！？!?\n]", text) if c.strip()]
    for clause in reversed(clauses):
        if mentions_alias(clause, catalog) or has_subject(clause):
            return clause
    return None


def without_periods(subject: str, published: date) -> str:
    """The subject with its period expressions taken out ("这一市场 2023 年全年规模" ->
    "这一市场规模"), for matching names that a period splits."""
    if not MAY_NAME_A_PERIOD_RE.search(subject):
        return subject
    exprs = find_time_expressions(subject, published)
    for expr in reversed(exprs):
        subject = subject[: expr.start] + subject[expr.end :]
    return subject


def expand_short_name(subject: str, said_before: str, catalog: Catalog) -> str | None:
    """ "业务量同比下降" after "快递业务量…" -> "快递业务量同比下降": a subject that names a
    series by the tail of its name, once the full name was said before.

    The tail must stand alone in the subject, with nothing but how and when words
    around it ("同城业务量", "业务收入", "日均成交额", "交易金额" are other things), and
    be at least two characters long; of several names, the one said last wins, then
    the longer tail. A noun led by 的 ("超过 10 亿元的交易") is narrowed, never expanded.
    """
    text = squeeze(subject)
    said = plain_name(said_before)
    if text.startswith("的"):
        return None
    best: tuple[int, int, str, str] | None = None
    for alias in catalog_names(catalog).aliases:
        where = said.rfind(alias)
        if where < 0 or alias in text:
            continue
        for cut in range(1, len(alias) - 1):
            tail = alias[cut:]
            at = text.find(tail)
            rest = text[at + len(tail) :]
            if at >= 0 and not has_subject(text[:at]) and not has_subject(rest):
                if best is None or (where, len(tail)) > best[:2]:
                    best = (where, len(tail), alias, tail)
                break
    if best is None:
        return None
    _, _, alias, tail = best
    return text.replace(tail, alias, 1)


# "全国快递业务量" and "快递业务量" are one subject to an editor sorting figures.
_NATIONWIDE_RE = re.compile(r"^(?:全国|我国|全省|全市)")
_LEADING_FILLER_RE = re.compile(r"^(?:[\s,，;；:：、的和与及并而]|其中|同时|此外|另外|如)+")
_TRAILING_FUNCTION_WORDS_RE = re.compile(f"(?:{FUNCTION_WORDS.pattern})+$")


def subject_group(subject: str, published: date) -> str:
    """The words of a subject that say what it is, for grouping figures no series claimed:
    periods, doers, how-and-when words and "全国" taken out ("10月份快递业务量为" and
    "全国快递服务企业业务量累计完成" are both 快递业务量). "" when nothing is left."""
    text = (subject or "").strip()
    if ":" in text and text.split(":", 1)[0].isascii():  # "carbon_volume: 成交量" (a hint)
        text = text.split(":", 1)[1]
    core = plain_name(without_periods(text, published))
    # How-and-when words only at the ends: inside a name they are its own (中国, 年度).
    core = _NATIONWIDE_RE.sub("", _LEADING_FILLER_RE.sub("", core))
    return _TRAILING_FUNCTION_WORDS_RE.sub("", core)


# "该市场", "这一市场", "上述交易所", "该指数": a name taken up again. It names what the article
# named last with that head noun: "广东碳市场…。该市场累计成交额" is the 广东碳市场's, never the
# pilots' total. The context is the article's text before the figure; an article ends it.
ANAPHOR_RE = re.compile(
    r"(?:该|这一|此|上述|前述)(市场|交易所|试点|指数|平台|行业|领域|渗透率|搭载率|装配率|占比|比重|份额)"
)
# What may stand in a name before its head noun: Chinese and Latin letters, not the words
# that end a name's start (的, a count, a date, a joiner).
_NAME_STOP_RE = re.compile(
    r"[^\u4e00-\u9fffA-Za-z0-9]|[的个家项在和与及并或年月日底末至截从由为是了]"
)
_REFERENCE_BEFORE_RE = re.compile(r"(?:该|这一|此|上述|前述)$")
NAME_MAX_CHARS = 16


# Words that make what stands before a head noun a clause, not a name ("位居市场前列").
_NOT_IN_A_NAME_RE = re.compile(r"[位居为是达占有在对将等被向于把让使]")


def _named_with(head: str, before: str, skip: re.Pattern[str] | None = None) -> str | None:
    """The name with this head noun said last in the text before ("广东碳市场"), if any: its
    words before the head start at a clause, a date or a count and hold no verb; a name
    `skip` matches is passed over."""
    at = len(before)
    while (at := before.rfind(head, 0, at)) >= 0:
        if _REFERENCE_BEFORE_RE.search(before[:at]):
            continue  # another reference, not the name
        start = at
        while (
            start > 0
            and at - start <= NAME_MAX_CHARS
            and not _NAME_STOP_RE.match(before[start - 1])
        ):
            start -= 1
        modifier = before[start:at]
        if modifier and at - start <= NAME_MAX_CHARS and not _NOT_IN_A_NAME_RE.search(modifier):
            if skip is not None and skip.search(modifier):
                continue
            return modifier + head
    return None


# "我国该市场规模": the referent is the home market, never a foreign or world one named last.
HOME_RE = re.compile(r"(?:我国|中国|国内|全国)$")
ABROAD_RE = re.compile(r"全球|世界|海外|国外|境外|美国|欧洲|欧盟|北美|亚太")


def resolve_references(subject: str, before: str, catalog: Catalog) -> str:
    """The subject with "该市场"-like references replaced by the name they take up, where
    that name is one the catalog knows: a series' alias ("全国碳市场") or a word that marks
    another subject ("广东碳市场"); a reference to anything else ("前五家厂商合计市场份额")
    stays as written."""
    known = catalog_names(catalog)

    def named(match: re.Match[str]) -> str:
        home = bool(HOME_RE.search(subject[: match.start()]))
        name = _named_with(match.group(1), before, skip=ABROAD_RE if home else None)
        if name is None:
            return match.group(0)
        plain = squeeze(name)
        if any(alias in plain for alias in known.aliases) or any(
            squeeze(word) in plain for word in known.excludes
        ):
            return name
        return match.group(0)

    subject = ANAPHOR_RE.sub(named, subject)
    if PAIR_ANAPHOR_RE.search(subject):
        pair = _pair_named(before, known.aliases)
        if pair is not None:
            subject = PAIR_ANAPHOR_RE.sub(
                lambda m: pair[0] if m.group(0) == "前者" else pair[1], subject
            )
    return subject


# "业务总量指数和新订单指数双双回升，前者为 57.4%，后者为 55.9%": the first and the second of
# the two series the sentence named last.
PAIR_ANAPHOR_RE = re.compile(r"前者|后者")


def _pair_named(before: str, aliases: tuple[str, ...]) -> tuple[str, str] | None:
    """The last two series names (catalog aliases) said in the sentence before, in order."""
    sentence = squeeze(before[max(before.rfind("。"), before.rfind("\n")) + 1 :])
    found: list[tuple[int, str]] = []
    for alias in sorted(aliases, key=len, reverse=True):
        at = sentence.find(alias)
        while at >= 0:
            if not any(a <= at < a + len(n) or at <= a < at + len(alias) for a, n in found):
                found.append((at, alias))
            at = sentence.find(alias, at + 1)
    names = [name for _, name in sorted(found)]
    distinct = list(dict.fromkeys(names))
    if len(distinct) < 2:
        return None
    return distinct[-2], distinct[-1]
