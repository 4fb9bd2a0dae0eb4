"""Split the cleaned text of one issue into its header and its articles.

An issue of 产业创新动态 looks like this (after `loaders.text.cleaning.clean_text`)::

    产业创新动态
    2021年第15期(总第460期)
    中国科学技术发展战略研究院          <- masthead, skipped
    产业科技发展研究所主办
    2021年4月26日
    普华永道:2020年中国电信并购回顾与展望   <- first article title
    “数据流量”……                      <- article body, one or more paragraphs
    (产业所 刘如 整理)                 <- editor line closes the article
    人工智能产业发展趋势                 <- next title
    ...

Contract with the rest of the pipeline:

- `Article.start`/`Article.end` are character offsets into the text passed in,
  and `Article.text == text[start:end]`. The span covers the article BODY only:
  from the first body line after the title to the end of the last body line
  before the editor line (title and editor line are kept in their own fields),
  so figures found in `Article.text` at offset i sit at `start + i` in the issue.
- The parser also accepts text that was not cleaned (full-width brackets and
  digits, spaces around numbers): every pattern tolerates both forms.
- A text without an issue line or without a publication date raises
  BriefStructureError naming what is missing. A body without editor lines is
  one article titled by its first line rather than an error.
"""

from __future__ import annotations

import re

from loaders.errors import BriefStructureError
from loaders.models import Article, IssueHeader
from loaders.text.editor_lines import editor_mark
from loaders.text.issue_header import Line, parse_header, text_lines

# A title is one line without sentence-final punctuation; up to this many
# sentences (an editor's note) may come before it.
TITLE_MAX_CHARS = 60
TITLE_NOTE_MAX_LINES = 2
NOTE_RE = re.compile(r"^[【\[(（]?(?:编者按|编者的话|编者注|按语|本期导读|导读|提要|摘要)")
SENTENCE_END_RE = re.compile(r"[。!?！？;；][”’\"」』)）]?$")
# Distribution lines at the foot of an issue (报：… 送：… 发：…) are not an article.
FOOTER_RE = re.compile(
    r"^(?:报送|抄送|发送|报|送|发|责任编辑|本期责编|主\s*编|编\s*辑|联系电话|电\s*话|传\s*真|地\s*址|邮\s*编|网\s*址|E-?mail)\s*[:：]",
    re.IGNORECASE,
)


def _editor_match(line: Line) -> tuple[int, str] | None:
    """(offset in the text where the editor mark starts, editor) for a closing line."""
    mark = editor_mark(line.norm)
    if mark is None:
        return None
    at, editor = mark
    if at == 0:
        return line.start, editor
    # The editor mark was glued to the end of a paragraph. It only counts when
    # the paragraph part ends a sentence; NFKC may have changed the line's
    # length, so locate the mark in the original text.
    if line.norm[:at].rstrip()[-1:] not in tuple("。!?;”)"):
        return None
    raw = editor_mark(line.text)
    cut = line.start + (raw[0] if raw else len(line.text))
    return cut, editor


def _title_at(block: list[Line]) -> int:
    """Index of the title in an article block: the first line, unless that is a
    whole sentence (an editor's note) followed by a line that is not."""
    for i, line in enumerate(block[: 1 + TITLE_NOTE_MAX_LINES]):
        if not is_note(line.norm):
            return i if i < len(block) - 1 else 0
    return 0


def is_note(line: str) -> bool:
    """An editor's note before an article title ("编者按:……。"), not a title itself.

    A title may end with ? or !, so only a labelled note or a sentence longer
    than any title counts.
    """
    return bool(NOTE_RE.match(line)) or (
        bool(SENTENCE_END_RE.search(line)) and len(line) > TITLE_MAX_CHARS
    )


def _article(index: int, block: list[Line], editor: str | None, body_end: int | None) -> Article:
    at = _title_at(block)
    title_line = block[at]
    body = block[at + 1 :]
    if body:
        start = body[0].start
        end = body_end if body_end is not None else body[-1].end
    else:
        start = end = title_line.end
    end = max(start, end)
    return Article(index=index, title=title_line.text, editor=editor, text="", start=start, end=end)


def parse_structure(text: str, source: str | None = None) -> tuple[IssueHeader, list[Article]]:
    """Header fields and articles of one issue; offsets index into `text`."""
    lines = text_lines(text)
    if not lines:
        raise BriefStructureError(
            "the text is empty: no issue header and no articles", source=source
        )
    header, body_at = parse_header(lines, source)
    body = lines[body_at:]
    # Distribution lines (报:… 送:…) close the issue after its last article; one
    # met earlier is a page-1 footer that PDF extraction put mid-text.
    closing = [i for i, line in enumerate(body) if _editor_match(line)]
    last_editor = closing[-1] if closing else -1
    body = [
        line for i, line in enumerate(body) if i > last_editor or not FOOTER_RE.match(line.norm)
    ]
    for i in range(max(0, last_editor), len(body)):
        if FOOTER_RE.match(body[i].norm):
            body = body[:i]
            break
    if not body:
        raise BriefStructureError(
            "the issue header is there but no article text follows it", source=source
        )

    articles: list[Article] = []
    block: list[Line] = []
    for line in body:
        found = _editor_match(line)
        if found is None:
            block.append(line)
            continue
        cut, editor = found
        if cut > line.start:
            # Paragraph text before a glued editor mark belongs to the body.
            block.append(line)
        if block:
            articles.append(
                _article(len(articles), block, editor, cut if cut > line.start else None)
            )
        elif articles and articles[-1].editor is None:
            articles[-1] = articles[-1].model_copy(update={"editor": editor})
        block = []
    # Text after the last editor line: an article without an editor when it has
    # a title and a body (or the whole body when no editor line exists at all).
    if block and (len(block) >= 2 or not articles):
        articles.append(_article(len(articles), block, None, None))

    for i, art in enumerate(articles):
        articles[i] = art.model_copy(update={"text": text[art.start : art.end].rstrip()})
        articles[i] = articles[i].model_copy(update={"end": art.start + len(articles[i].text)})
    return header, articles
