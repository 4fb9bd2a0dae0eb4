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
import unicodedata
from dataclasses import dataclass
from datetime import date

from loaders.errors import BriefStructureError
from loaders.models import Article, IssueHeader
from loaders.vocab.numerals import parse_digit_string, parse_small_int

DEFAULT_TITLE = "产业创新动态"

# The masthead sits within the first lines; looking further would let a body
# sentence such as "2021 年第 3 期《求是》" pose as the issue line.
HEADER_SCAN_LINES = 25
# An issue or date line is short; a longer line is body text that merely
# mentions an issue or a date.
HEADER_LINE_MAX_CHARS = 80

ISSUE_RE = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*年\s*第\s*(?P<number>\d{1,3})\s*期"
    r"(?:\s*[(（\[【]?\s*总\s*第?\s*(?P<total>\d{1,5})\s*期\s*[)）\]】]?)?"
)
ISSUE_NO_YEAR_RE = re.compile(
    # Not the 第 of 总第 460 期: "2021 年第 -3 期(总第 460 期)" is no issue 460.
    r"(?<!总)(?<!总\s)第\s*(?P<number>\d{1,3})\s*期"
    r"(?:\s*[(（\[【]?\s*总\s*第?\s*(?P<total>\d{1,5})\s*期\s*[)）\]】]?)?"
)
CN_DATE_RE = re.compile(
    r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日"
)
# An issue line whatever its number says ("第 -3 期", "第十五期", "第 1O 期"): to name what is
# wrong with it rather than take another line's number.
LOOSE_ISSUE_RE = re.compile(
    r"(?<!总)(?<!总\s)第\s*(?P<number>[^\s期()\[\]【】]{1,8}?)\s*期"
    r"(?:\s*[(（\[【]?\s*总\s*第?\s*(?P<total>\d{1,5})\s*期\s*[)）\]】]?)?"
)
# The year written before 年第 on the issue line, whatever it is ("0", "二〇二一", "21").
YEAR_TEXT_RE = re.compile(r"(?P<year>[^\s年]{1,8})\s*年\s*$")
TOTAL_MENTION_RE = re.compile(r"总\s*第?[^期]{0,12}期?")
TOTAL_RE = re.compile(r"^[(（\[【]?\s*总\s*第?\s*(?P<total>\d{1,5})\s*期\s*[)）\]】]?$")
DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*"
    r"(?:年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日?"
    r"|(?P<sep>[-./])\s*(?P<m2>\d{1,2})\s*(?P=sep)\s*(?P<d2>\d{1,2}))"
)
MASTHEAD_RE = re.compile(
    r"中国科学技术发展战略研究院|产业科技发展研究所|主办$|^主编|^编辑部|内部资料|注意保存|^第\s*\d+\s*页"
)
MASTHEAD_WORDS_RE = re.compile(
    r"中国科学技术发展战略研究院|产业科技发展研究所|主办|产业创新动态|内部资料|注意保存|\s+"
)
# What an editor line says besides the names: the verb and the institute.
EDITOR_VERBS = "整理|编译|编辑|供稿|撰稿|撰写|摘编|编写|执笔"
EDITOR_LINE_RE = re.compile(
    r"[(（\[【]\s*(?P<inner>[^()（）\[\]【】]{0,40}?(?:" + EDITOR_VERBS + r")"
    r"[^()（）\[\]【】]{0,30}?)\s*[)）\]】]\s*$"
)
# Unbracketed: "产业所 刘如 整理" or "——产业所 刘如 整理" alone on a line.
EDITOR_BARE_RE = re.compile(
    r"[—\-–~～\s]*(?P<inner>(?:产业所|产业科技发展研究所)\s*[^()（）]{1,20}?\s*(?:"
    + EDITOR_VERBS
    + r"))"
)
SOURCE_RE = re.compile(r"来源|转自|转载|摘自|原文|据|[:：]")
NAME_RE = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,6}[·・•][\u4e00-\u9fff]{1,6}")
MAX_EDITORS = 4
# The first word of "(产业所 刘如 整理)" when it names an institute, not a person.
ORG_TOKEN_RE = re.compile(r"[\u4e00-\u9fff]{1,16}(?:所|院|中心|部|室|处|局|组|会)")
ORG_PREFIX_RE = re.compile(
    r"^(?:中国科学技术发展战略研究院)?\s*(?:产业科技发展研究所|产业所|[\u4e00-\u9fff]{1,10}?(?:研究所|研究院|中心))\s*"
)
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


@dataclass(frozen=True)
class _Line:
    start: int  # offset of the first non-blank character
    end: int  # offset after the last non-blank character
    text: str  # stripped text
    norm: str  # NFKC of text, for matching only


def _lines(text: str) -> list[_Line]:
    """Non-empty lines with the offsets of their stripped content."""
    out: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            start = pos + lead
            out.append(
                _Line(
                    start, start + len(stripped), stripped, unicodedata.normalize("NFKC", stripped)
                )
            )
        pos += len(raw) + 1
    return out


def _err(message: str, source: str | None) -> BriefStructureError:
    return BriefStructureError(message, source=source)


def _chinese_number(text: str) -> int:
    """二〇二一 → 2021 (digit by digit), 二十六 → 26, 十 → 10; KeyError when malformed."""
    value = parse_digit_string(text) if "十" not in text else None
    value = value if value is not None else parse_small_int(text)
    if value is None:
        raise KeyError(text)
    return value


def _date_in(line: str) -> date | None:
    match = DATE_RE.search(line)
    if not match:
        cn = CN_DATE_RE.search(line)
        if cn is None or len(line) - len(cn.group(0)) > 8:
            return None
        try:
            return date(*(_chinese_number(g) for g in cn.groups()))
        except (KeyError, ValueError):
            return None
    # The date must be most of the line: "2021年4月26日" or "出版日期:2021-04-26",
    # not a sentence that mentions a day. Masthead words printed on the same
    # line ("产业科技发展研究所主办 2021年4月26日") do not count.
    rest = MASTHEAD_WORDS_RE.sub("", line)
    if len(rest) - len(match.group(0)) > 8:
        return None
    month = match["m1"] or match["m2"]
    day = match["d1"] or match["d2"]
    try:
        return date(int(match["y"]), int(month), int(day))
    except ValueError:
        return None


def _total_near(lines: list[_Line], issue_at: int, issue_match: re.Match) -> int | None:
    """The total issue number on the issue line, or on the line just after or before it."""
    if issue_match["total"]:
        return int(issue_match["total"])
    if issue_at + 1 < len(lines):
        # A PDF may put "(总第 460 期)" on the line after "2021 年第 15 期".
        nxt = lines[issue_at + 1].norm
        match = TOTAL_RE.match(nxt)
        if match is None and len(nxt) <= 20:
            # Or wrap inside it: "2021 年第 15 期(总第" / "460 期)".
            joined = ISSUE_RE.search(lines[issue_at].norm + nxt, issue_match.start())
            match = joined if joined and joined.start() == issue_match.start() else None
        if match and match["total"]:
            return int(match["total"])
    if issue_at > 0:
        # Or on the line before it.
        match = TOTAL_RE.match(lines[issue_at - 1].norm)
        if match:
            return int(match["total"])
    return None


def parse_header(
    lines: list[_Line], source: str | None = None, *, check: bool = True
) -> tuple[IssueHeader, int]:
    """The issue header and the index of the first line after the header block. An issue
    line whose number, year or total cannot be read is an error naming it (check=False: the
    header block is still found, for cleaning, with 0 for what cannot be read).

    One pass over the first lines for each header field (issue, total number, date, editor),
    each with its own fallback; kept together because the fields are found relative to one
    another (the date near the issue line), which is why it runs past 80 lines."""
    scan = lines[:HEADER_SCAN_LINES]
    issue_at = None
    issue_match = None
    for pattern, max_chars in ((ISSUE_RE, HEADER_LINE_MAX_CHARS), (ISSUE_NO_YEAR_RE, 30)):
        # Without the year ("第 15 期(总第 460 期)") only a short line counts, and
        # the year comes from the publication date.
        found = [
            (i, m)
            for i, line in enumerate(scan)
            if len(line.norm) <= max_chars and (m := pattern.search(line.norm))
        ]
        if found:
            # A running header "2021年第15期" may come before the masthead's
            # "2021年第15期(总第460期)"; the line with the total number wins.
            # The total may also sit on a line next to the masthead's issue line.
            issue_at, issue_match = next(
                ((i, m) for i, m in found if _total_near(lines, i, m) is not None), found[0]
            )
            break
    if issue_at is None or issue_match is None:
        loose = _loose_issue_line(scan)
        if loose is None:
            raise _err(
                "no issue line like 2021 年第 15 期 found in the first lines; "
                "is this an issue of 产业创新动态?",
                source,
            )
        issue_at, issue_match = loose

    line = lines[issue_at].norm
    problems: list[BriefStructureError] = []
    number = _issue_number(issue_match["number"], line, source, problems)
    year = _issue_year(issue_match, line, source, problems)
    total = _total_near(lines, issue_at, issue_match)
    if total is None and (mention := TOTAL_MENTION_RE.search(line, issue_match.end())):
        problems.append(
            _err(
                f"期号行 {line!r} 的总期号无法读取（{mention.group(0)!r}，应如 总第 460 期）"
                "(the total issue number cannot be read)",
                source,
            )
        )
    if problems and check:
        raise problems[0]

    title = None
    before = lines[issue_at].norm[: issue_match.start()].strip(" ·|-—")
    if before and not MASTHEAD_RE.search(before):
        title = before
    if title is None:
        candidates = [ln.norm for ln in scan[:issue_at] if not MASTHEAD_RE.search(ln.norm)]
        named = [c for c in candidates if DEFAULT_TITLE in c.replace(" ", "")]
        if named:
            title = DEFAULT_TITLE
        elif candidates:
            title = candidates[-1]
        else:
            title = DEFAULT_TITLE

    # The date follows the issue line (possibly on the same line, possibly
    # after the masthead); some layouts print it just before.
    published = None
    date_at = issue_at
    rest = lines[issue_at].norm[issue_match.end() :]
    published = _date_in(rest) if rest.strip() else None
    if published is None:
        order = list(range(issue_at + 1, min(len(lines), issue_at + 8))) + list(
            range(issue_at - 1, max(-1, issue_at - 4), -1)
        )
        for i in order:
            if len(lines[i].norm) > HEADER_LINE_MAX_CHARS:
                continue
            published = _date_in(lines[i].norm)
            if published is not None:
                date_at = i
                break
    if published is None:
        raise _err("no publication date like 2021 年 4 月 26 日 found near the issue line", source)

    body_at = max(issue_at, date_at) + 1
    # Masthead lines, and the brief's name repeated as a running header, are
    # not the first article's title.
    while body_at < len(lines) and (
        MASTHEAD_RE.search(lines[body_at].norm)
        or lines[body_at].norm.replace(" ", "") in (DEFAULT_TITLE, title.replace(" ", ""))
    ):
        body_at += 1
    header = IssueHeader(
        title=title,
        year=year if year is not None else published.year,
        number=number,
        total_number=total,
        published=published,
    )
    return header, body_at


def _loose_issue_line(scan: list[_Line]) -> tuple[int, re.Match] | None:
    """The first short line that reads like an issue line whatever its number says."""
    for i, line in enumerate(scan):
        if len(line.norm) <= HEADER_LINE_MAX_CHARS and (match := LOOSE_ISSUE_RE.search(line.norm)):
            return i, match
    return None


def _issue_number(
    text: str, line: str, source: str | None, problems: list[BriefStructureError]
) -> int:
    """The issue number as written (digits, or 十五); 0 and a problem naming the line
    otherwise."""
    try:
        return int(text) if text.isdigit() else _chinese_number(text)
    except KeyError:
        problems.append(
            _err(
                f"期号行 {line!r} 的期号 {text!r} 不是期号（1—99 的数，应如 2021 年第 15 期）"
                "(the issue number is not a number)",
                source,
            )
        )
        return 0


def _issue_year(
    match: re.Match, line: str, source: str | None, problems: list[BriefStructureError]
) -> int | None:
    """The year the issue line writes before 年第 (None when it writes none: the date's
    year is used); an error naming the line when what it writes is not a year ("0 年第 15
    期" once became issue 15 of the date's year, replacing it)."""
    if match.groupdict().get("year"):
        return int(match["year"])
    written = YEAR_TEXT_RE.search(line[: match.start()])
    if written is None:
        return None
    text = written["year"]
    try:
        year = int(text) if text.isdigit() else _chinese_number(text)
    except KeyError:
        year = None
    if year is None or not 1900 <= year <= 2099:
        problems.append(
            _err(
                f"期号行 {line!r} 的年份 {text!r} 不是年份（应如 2021 年第 15 期）"
                "(the issue line's year is not a year)",
                source,
            )
        )
        return None
    return year


def _name_list(words: str) -> str | None:
    """ "产业所 刘如、王罗汉" → "刘如、王罗汉"; None when the words are not names."""
    words = re.sub(r"[:：]", " ", words).strip()
    tokens = words.split()
    if len(tokens) > 1 and ORG_TOKEN_RE.fullmatch(tokens[0]):
        tokens = tokens[1:]
    if len(tokens) == 1:
        tokens = [ORG_PREFIX_RE.sub("", tokens[0], count=1) or tokens[0]]
    names = [n for n in re.split(r"[、,，;；/]+|\s+", " ".join(tokens)) if n]
    # A person's name is 2-4 characters (a few more with "·"); anything else in
    # brackets at the end of a line ("(征求意见稿,由工信部整理)") is not an editor.
    if not names or len(names) > MAX_EDITORS or not all(NAME_RE.fullmatch(n) for n in names):
        return None
    return "、".join(names)


def _names(inner: str) -> str | None:
    """Editor names from the words of an editor mark, or None when they do not look like names.

    The names stand before the verb ("产业所 刘如 整理", "刘如编译自《自然》")
    or after it ("整理:刘如"); a source after a comma ("整理,来源:新华网") is dropped.
    """
    verb = re.search(EDITOR_VERBS, inner)
    if verb is None:
        return None
    # "来源:新华网,产业所 刘如 整理": a source named before the editor is not a name.
    before = "、".join(
        part for part in re.split(r"[,，;；]", inner[: verb.start()]) if not SOURCE_RE.search(part)
    )
    after = re.split(r"[,，;；(（]|来源|自|于|据", inner[verb.end() :], maxsplit=1)[0]
    return (_name_list(before) if before.strip() else None) or (
        _name_list(after) if after.strip(" :：") else None
    )


def _editor_mark(line: str) -> tuple[int, str] | None:
    """(index in `line` where the editor mark starts, editor names) or None."""
    match = EDITOR_LINE_RE.search(line)
    if match:
        names = _names(match["inner"])
        return (match.start(), names) if names else None
    match = EDITOR_BARE_RE.fullmatch(line.strip())
    if match:
        names = _names(match["inner"])
        return (0, names) if names else None
    return None


def header_end_index(lines: list[str]) -> int:
    """Index of the last header line among non-empty lines (-1 when no header is found)."""
    stripped = [line.strip() for line in lines]
    items = [_Line(0, 0, t, unicodedata.normalize("NFKC", t)) for t in stripped if t]
    if len(items) != len(lines):
        raise ValueError("header_end_index expects non-empty lines")
    try:
        _, body_at = parse_header(items, check=False)
    except BriefStructureError:
        return -1
    return body_at - 1


def editor_from_line(line: str) -> str | None:
    """The editor names in a closing line such as (产业所 刘如、王罗汉 整理), else None."""
    mark = _editor_mark(unicodedata.normalize("NFKC", line))
    return mark[1] if mark else None


def _editor_match(line: _Line) -> tuple[int, str] | None:
    """(offset in the text where the editor mark starts, editor) for a closing line."""
    mark = _editor_mark(line.norm)
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
    raw = _editor_mark(line.text)
    cut = line.start + (raw[0] if raw else len(line.text))
    return cut, editor


def _title_at(block: list[_Line]) -> int:
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


def _article(index: int, block: list[_Line], editor: str | None, body_end: int | None) -> Article:
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
    lines = _lines(text)
    if not lines:
        raise _err("the text is empty: no issue header and no articles", source)
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
        raise _err("the issue header is there but no article text follows it", source)

    articles: list[Article] = []
    block: list[_Line] = []
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
