"""The organisation a figure's text cites as its source (中物联, 普华永道, IDC, 生态环境部 …).

A brief passes on what others published: 据中物联消息, 普华永道最新报告显示, 生态环境部公布了….
A name counts as a source only in such a frame, a citing word before it (据, 根据) or a
reporting word after it in the same clause (发布, 公布, 显示, 认为, 介绍 …); "IDC、云计算领域也
持续升温" names a field of business, not a source, and "国新办举行新闻发布会" a venue.

Which citation speaks for a figure, nearest first:
1. one in the figure's own sentence;
2. the last one before it in its paragraph (中物联认为：一是… 54.9%);
3. the article's title when it opens with an organisation (普华永道：2020 年中国电信并购…);
4. the article's lead: a citation in its first paragraph speaks for the whole article
   (据中物联消息，…), except for a paragraph that turns to other news (与此同时, 此外, 另据).
A figure none of these reach has no source: nothing is guessed.

Names come from data/sources.yaml (how each organisation is cited, and how briefs write
it; a brief's own abbreviation, 中国物流与采购联合会（下称"中物联"）, is its alias); a name not
listed there is still taken after 据 when it ends like an organisation (…协会, …研究院).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import yaml

from loaders.models import Article, Provenance
from loaders.paths import SOURCES_PATH
from loaders.text.sentences import paragraphs

# Words after a name that make it the source of what follows, within its clause. 发布会 is
# where something is announced, not who announces it.
REPORTING_WORDS = (
    r"发布(?!会)|公布|印发|披露|宣布|显示|表明|消息|统计|数据|报告|调查|监测|测算|预计|预测"
    r"|认为|表示|介绍|指出|称(?![为号])"
)
# Words before a name that cite it: 据中物联消息, 根据 IDC 数据.
CITING_WORDS = r"(?:据|根据|来自|援引)"
# How far (characters, within one clause) a reporting word may follow the name: 工业和信息化部
# 新闻发言人、运行监测协调局局长黄利斌介绍 is 20.
MAX_GAP = 24
CLAUSE_END = "，,。；;！？!?：:"
# A paragraph opening with these turns to other news: the article's lead no longer speaks.
TURN_RE = re.compile(r"^\s*(?:与此同时|同时|此外|另外|另据|另一方面|而在)")
# A sentence that credits someone unnamed (业内预计, 有专家认为): no earlier source speaks for it.
UNNAMED_RE = re.compile(
    r"据悉|据了解|(?:业内|业界|行业内|市场人士|分析人士|有关专家|专家|分析师|有机构|多家机构)"
    r"(?:人士)?(?:普遍|一致)?(?:预计|认为|预测|估计|指出|表示)"
)
# A name not in data/sources.yaml, taken after a citing word when it ends like one.
ORGANISATION_ENDINGS = (
    "协会|联合会|学会|研究院|研究所|研究中心|信息中心|中心|委员会|联盟|交易所|集团|公司|银行"
    "|总署|部|局|署|厅"
)
_UNLISTED_RE = re.compile(
    CITING_WORDS
    + r"(?P<name>[\u4e00-\u9fff]{2,18}?(?:"
    + ORGANISATION_ENDINGS
    + r"))(?=[^"
    + CLAUSE_END
    + r"]{0,12}?(?:"
    + REPORTING_WORDS
    + "))"
)
# A brief's own abbreviation after a name: （下称"中物联"）, （以下简称中汽协）, （IDC）.
_ABBREVIATION_RE = re.compile(
    r"^\s*[（(]\s*(?:(?:以下|下文)?(?:简称|下称)\s*)?[“\"「『]?(?P<short>[^（）()“”\"」』,，]{1,20}?)"
    r"[”\"」』]?\s*[）)]"
)
# The title opens with its source: "普华永道：2020 年中国电信并购回顾与展望".
_TITLE_SOURCE_RE = re.compile(r"^\s*(?P<name>[^:：]{2,20})[:：]")


@dataclass(frozen=True)
class Citation:
    """A name the text cites as a source: where it stands and how a citation names it."""

    start: int  # offset in the article's text
    end: int
    name: str


@dataclass(frozen=True)
class SourceNames:
    """data/sources.yaml: how each organisation is cited, by every way a brief writes it."""

    by_alias: dict[str, str]
    pattern: re.Pattern[str]

    def canonical(self, written: str) -> str | None:
        return self.by_alias.get(written)


def _alias_pattern(alias: str) -> str:
    # Latin names (IDC, PwC) are whole words: IDCs, EYE are not them.
    escaped = re.escape(alias)
    if re.fullmatch(r"[A-Za-z][A-Za-z .&-]*", alias):
        return rf"(?<![A-Za-z]){escaped}(?![A-Za-z])"
    return escaped


@functools.lru_cache(maxsize=1)
def source_names() -> SourceNames:
    """The names of data/sources.yaml (read once)."""
    entries = yaml.safe_load(SOURCES_PATH.read_text(encoding="utf-8"))["sources"]
    by_alias: dict[str, str] = {}
    for entry in entries:
        for written in [entry["name"], *(entry.get("aliases") or [])]:
            by_alias[str(written)] = str(entry["name"])
    # Longest first: 中国汽车工业协会 before 汽车工业协会, 国家统计局 before 统计局.
    ordered = sorted(by_alias, key=len, reverse=True)
    return SourceNames(by_alias, re.compile("|".join(_alias_pattern(a) for a in ordered)))


def _reported_after(text: str, end: int) -> bool:
    """A reporting word follows `end` within its clause (after a bracketed abbreviation)."""
    rest = text[end:]
    bracket = _ABBREVIATION_RE.match(rest)
    if bracket:
        rest = rest[bracket.end() :]
    clause = re.split(f"[{CLAUSE_END}]", rest, maxsplit=1)[0][: MAX_GAP + 6]
    found = re.search(REPORTING_WORDS, clause)
    return found is not None and found.start() <= MAX_GAP


def _cited_before(text: str, start: int) -> bool:
    return re.search(CITING_WORDS + r"\s*$", text[max(0, start - 3) : start]) is not None


def citations(text: str, names: SourceNames | None = None) -> list[Citation]:
    """Every name `text` cites as a source, in text order (see the module docstring)."""
    names = names or source_names()
    found: list[Citation] = []
    taken: list[tuple[int, int]] = []
    for match in names.pattern.finditer(text):
        start, end = match.span()
        if any(s <= start < e for s, e in taken):
            continue  # the abbreviation in brackets after a name: the same citation
        if not (_cited_before(text, start) or _reported_after(text, end)):
            continue
        found.append(Citation(start, end, names.canonical(match.group()) or match.group()))
        bracket = _ABBREVIATION_RE.match(text[end:])
        taken.append((start, end + (bracket.end() if bracket else 0)))
    for match in _UNLISTED_RE.finditer(text):
        start, end = match.span("name")
        if any(s < end and start < e for s, e in taken):
            continue
        name = match["name"]
        # A brief's abbreviation of an unlisted name may be a listed one.
        bracket = _ABBREVIATION_RE.match(text[end:])
        short = bracket["short"].strip() if bracket else ""
        found.append(Citation(start, end, names.canonical(short) or name))
    return sorted(found, key=lambda citation: citation.start)


def _joined(found: Sequence[Citation]) -> str:
    return "、".join(dict.fromkeys(citation.name for citation in found))


@dataclass(frozen=True)
class ArticleSources:
    """The citations of one article, read once, and the sources of places in it."""

    article: Article
    found: tuple[Citation, ...]
    paragraphs: tuple[tuple[int, str], ...]
    title_source: str | None
    lead: str | None

    def source_at(self, start: int, end: int) -> str | None:
        """The source of a sentence at [start, end) of the article's text, or None."""
        in_sentence = [c for c in self.found if start <= c.start < end]
        if in_sentence:
            return _joined(in_sentence)
        if UNNAMED_RE.search(self.article.text, start, end):
            return None
        paragraph_start, paragraph = next(
            ((at, text) for at, text in reversed(self.paragraphs) if at <= start),
            (0, ""),
        )
        sentence_starts = [
            c for c in self.found if paragraph_start <= c.start < start and c.end <= start
        ]
        if sentence_starts:
            # The last citing sentence before it: the citations of that sentence.
            last = sentence_starts[-1]
            sentence_start = _sentence_start(self.article.text, last.start, paragraph_start)
            return _joined([c for c in sentence_starts if c.start >= sentence_start])
        if self.title_source:
            return self.title_source
        first_paragraph = self.paragraphs[0][0] if self.paragraphs else 0
        if self.lead and (paragraph_start == first_paragraph or not TURN_RE.match(paragraph)):
            return self.lead
        return None


def _sentence_start(text: str, at: int, floor: int) -> int:
    ends = [text.rfind(mark, floor, at) for mark in "。！？!?；;"]
    return max(max(ends) + 1, floor)


def article_sources(article: Article, names: SourceNames | None = None) -> ArticleSources:
    names = names or source_names()
    found = tuple(citations(article.text, names))
    title = _TITLE_SOURCE_RE.match(article.title)
    title_source = None
    if title:
        written = title["name"].strip()
        title_source = names.canonical(written)
    parts = tuple(paragraphs(article.text))
    lead = None
    if parts:
        first_at, first = parts[0]
        lead = _joined([c for c in found if first_at <= c.start < first_at + len(first)]) or None
    return ArticleSources(article, found, parts, title_source, lead)


Figure = TypeVar("Figure", bound=Provenance)


def with_sources(articles: Sequence[Article], figures: Sequence[Figure]) -> list[Figure]:
    """The figures with source_org set from the text of their article (each article read
    once); a figure whose sentence is not in an article (a typed figure) is unchanged."""
    by_index: dict[int, ArticleSources] = {}
    out = []
    for figure in figures:
        article = next((a for a in articles if a.index == figure.article_index), None)
        if article is None or figure.span_end <= figure.span_start:
            out.append(figure)
            continue
        sources = by_index.get(article.index)
        if sources is None:
            sources = by_index[article.index] = article_sources(article)
        start, end = figure.span_start - article.start, figure.span_end - article.start
        if not 0 <= start < len(article.text):
            # A headline's figure: its sentence is the title.
            source = sources.title_source or sources.lead
        else:
            source = sources.source_at(start, end)
        out.append(figure.model_copy(update={"source_org": source}) if source else figure)
    return out
