"""Normalise the text read from a brief so that every later step sees one form.

The contract (what `clean_text` returns; `loaders.figures.find` matches on it):

- Unicode NFKC everywhere. Full-width digits and letters become ASCII
  (２０２２ → 2022), and so do full-width punctuation marks: （）→ (), ，→ ,,
  ：→ :, ；→ ;, ！→ !, ？→ ?, ％→ %, the ideographic space → a space, … → ...
  Marks that have no ASCII twin stay as they are: 。、“”‘’《》【】—.
  As a last step, , ; : ( ) ! ? that touch a Chinese character, a Chinese mark
  or follow a % go back to full width (，；：（）！？), one character for one, so
  quotes read as the brief wrote them; a bracket pair takes one style. So
  figure rules must accept both forms; a comma between two digits stays ASCII
  (4,500), as does punctuation inside English text.
- One paragraph per line, lines separated by a single "\\n", no blank lines, no
  leading or trailing spaces. Line breaks that PDF extraction put inside a
  sentence, a word or a figure are removed (2.6万亿 / 元 → 2.6万亿元).
- No spaces next to a Chinese character or Chinese punctuation mark:
  "2021 年 4 月 26 日" → "2021年4月26日", "1,765 万吨" → "1,765万吨",
  "L2 级" → "L2级", "36.8 %" → "36.8%". Spaces between Latin words and
  numbers stay ("Three - dimensional nanoprinting", "Pytorch 1.8").
  Editor lines keep their spaces so that names stay apart:
  "(产业所 刘如、王罗汉 整理)".
- Running page headers and footers (a line repeated on several pages such as
  "产业创新动态"), page numbers ("- 3 -", "第 3 页", "3/8", a lone number),
  rules ("————"), contact lines ("地址:…", "电话:…") and a contents list
  after the masthead ("本期要目" and its entries) are dropped. The masthead's
  own lines are kept once even when every page repeats them.
- Text spaced glyph by glyph ("2 0 2 1 年") is closed up.
- An empty pair of quotation marks (“ ”, ‘’) is dropped: a PDF extractor
  leaves one where it moved the marks away from their words; so is a lone
  mark between a number and 年/月/日/号 ("4月22“日"), where none belongs.
- A table row (read from a DOCX, cells apart by tabs) is one line with its
  cells joined by " | " and is never joined to the lines around it; nor is a
  short line written as a row, "名称：数值" ("业务总量指数：52.1%").
- An article title that the PDF wrapped onto a second short line is one line
  again ("…征求意见:" / "不得强制刷脸、预测偏好").

Rules that decide whether a line break is a real paragraph break:
a break is real when the line before ends a sentence (。!?;: or a closing
quote/bracket right after one), when either line belongs to the issue header
(title, issue line, masthead, date), when either line is an editor line
"(产业所 X 整理)", when the line before is an article title (the first line
after the header block or after an editor line, past an "编者按" note), or
when the line before is a short heading that began its own paragraph (a few
characters without clause punctuation, "一、景气指数"). Every other break was
made by the PDF's fixed line width and is joined: the pieces meet without a
space (digits split by a break are one number again: "1,7" / "65" → "1,765"),
except two Latin words, which keep one ("nano printing").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from loaders.guards.text_safety import strip_unsafe
from loaders.text.editor_lines import editor_from_line
from loaders.text.issue_header import DATE_RE, ISSUE_RE, header_end_index
from loaders.text.punctuation import chinese_punctuation
from loaders.text.spacing import tidy_spaces
from loaders.text.structure import TITLE_NOTE_MAX_LINES, is_note
from loaders.text.text_tables import rebuild_tables

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)

# A line that is only a page number: "3", "- 3 -", "— 3 —", "第3页", "第3页/共8页", "3/8", "Page 3".
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—_·•\s]*\d{1,3}[-–—_·•\s]*"
    r"|第\s*\d{1,3}\s*页(?:\s*[/,，]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3}"
    r"|(?i:page)\s*\d{1,3}(?:\s*(?i:of)\s*\d{1,3})?)$"
)
# The second line of a wrapped article title is at most this long.
WRAPPED_TITLE_TAIL_MAX_CHARS = 20
# Cells of a table row (a DOCX table) stay apart, one row per line.
TABLE_CELL_SEPARATOR = " | "
# A row written as a text line: a short name without clause punctuation, a colon, and a
# figure right after it ("业务总量指数：52.1%", "社会物流总额（万亿元）：159.6").
# A date after the colon ("数据显示：2022 年上半年…") is prose, not a row.
TEXT_ROW_RE = re.compile(
    r"^(?P<name>[^,，。;；:：!?！？]{1,30})[:：]\s*"
    r"(?P<value>(?:约|近|超过|超|逾|不足)?\s*[-−]?\d(?![\d.,]*\s*(?:年|月|日|[-—–~至]\s*\d)).*)$"
)
# Rows are short; a longer line of that shape is prose that a PDF wrapped.
TEXT_ROW_MAX_CHARS = 40
# A contents list after the masthead: "本期要目", then "标题……3" entries.
_TOC_HEAD = re.compile(r"^(?:本期要目|本期目录|目\s*录|要\s*目|本期导读|本期内容|内容提要)$")
_TOC_LEADER = re.compile(r"(?:\.{3,}|·{3,}|-{3,}|—{2,})\s*\d{1,3}$")
_TOC_TAIL = re.compile(r"(?:\.{2,}|·{2,}|-{2,}|—{2,}|\s)\s*\d{1,3}$")
_TOC_PAGE = re.compile(r"(?:\.{2,}|·{2,}|-{2,}|—{2,}|\s)?\s*\d{1,3}$")
MAX_TOC_ENTRIES = 30
# Contact lines of the masthead or page footer (地址:…, 电话:…), never article text.
_CONTACT = re.compile(
    r"^(?:地\s*址|联系电话|电\s*话|传\s*真|邮\s*编|网\s*址|E-?mail|邮\s*箱)\s*[:：]", re.IGNORECASE
)
# A rule drawn with characters ("————", "* * *", "═════") carries no text.
_DECORATION = re.compile(r"^[-—–_=*·•~～═━─\s]{3,}$")
# What remains of a running header once its name and issue line are gone.
_RUNNING_RESIDUE = re.compile(r"第\s*\d+\s*页|共\s*\d+\s*页|[\d\s\-—–·|/()（）]")
# Running headers are short; a longer repeated line is real text.
RUNNING_HEADER_MAX_CHARS = 40
# A heading inside an article is at most this long and has no clause punctuation.
HEADING_MAX_CHARS = 16

_SENTENCE_END = "。!?;:"
_CLOSERS = '”’")]】》」』'
_CLAUSE_PUNCT = re.compile(r"[,，、;；。]")
_ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.])"
)
# A line that starts with these continues the line before it.
_CONTINUATION_START = re.compile(r"^[,，、。;；:：!?)\]】》」』”’%.]")


def _normalise_chars(raw: str) -> str:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.translate(_INVISIBLE)
    return unicodedata.normalize("NFKC", text)


def _drop_controls(text: str) -> str:
    # NUL, vertical tab and other controls carry no text; bidi overrides reorder what is
    # shown (loaders.guards.text_safety: the one rule of what never reaches the store).
    return strip_unsafe(text)


def _is_editor(line: str) -> bool:
    return editor_from_line(line) is not None and len(line) <= 50


def _split_glued_editor(line: str) -> list[str]:
    """ "……进程。(产业所 刘如 整理)" → the paragraph and the editor line apart."""
    match = re.search(r"[(\[【][^()\[\]【】]{0,70}[)\]】]\s*$", line)
    if match and match.start() > 0 and _is_editor(match.group(0)):
        head = line[: match.start()].rstrip()
        if head and head[-1] in _SENTENCE_END + _CLOSERS:
            return [head, match.group(0).strip()]
    return [line]


def _page_furniture(lines: list[str]) -> set[int]:
    """Indexes of page numbers and running headers/footers."""
    drop = {
        i
        for i, line in enumerate(lines)
        if _PAGE_NUMBER.match(line)
        or _DECORATION.match(line)
        or (_CONTACT.match(line) and len(line) <= 60)
    }

    def key(line: str) -> str:
        # Rows of a table look alike by design ("6 月：51.4%", "6 月 | 51.4%"): only the
        # same row twice may be a running line, not rows differing in their numbers.
        if is_text_row_line(line) or TABLE_CELL_SEPARATOR in line:
            return line.replace(" ", "")
        return re.sub(r"\d+", "#", line.replace(" ", ""))

    counts = Counter(
        key(line)
        for line in lines
        if len(line) <= RUNNING_HEADER_MAX_CHARS
        and not _is_editor(line)
        and line[-1] not in _SENTENCE_END
    )
    header_end = header_end_index(lines)
    # After the masthead, a line made only of the brief's name, issue number
    # and page number is a running header even when it occurs once (a
    # two-page issue shows it on page 2 only).
    for i in range(header_end + 1 if header_end >= 0 else len(lines), len(lines)):
        line = lines[i]
        if len(line) <= RUNNING_HEADER_MAX_CHARS and not _RUNNING_RESIDUE.sub(
            "", ISSUE_RE.sub("", line.replace("产业创新动态", ""))
        ):
            drop.add(i)
    seen: set[str] = set()
    for i, line in enumerate(lines):
        k = key(line)
        if i in drop or counts.get(k, 0) < 2 or len(k) < 2:
            continue
        # The masthead's own lines are kept once even when every page repeats
        # them; a numbered running line ("产业创新动态 第1页") is not one of them.
        if (
            k not in seen
            and i <= header_end
            and ("#" not in k or ISSUE_RE.search(line) or DATE_RE.search(line))
        ):
            seen.add(k)
            continue
        seen.add(k)
        drop.add(i)
    return drop


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip(_CLOSERS)
    if stripped != line:
        # A closing mark ends a paragraph only right after a sentence end: 。” or 。)
        return bool(stripped) and stripped[-1] in _SENTENCE_END
    return line[-1] in _SENTENCE_END


def _is_heading(line: str) -> bool:
    # "一、景气指数" and "(二)市场规模" are headings despite the 、 or brackets.
    bare = _ENUMERATOR.sub("", line)
    return (
        len(line) <= HEADING_MAX_CHARS
        and not _CLAUSE_PUNCT.search(bare)
        and not re.search(r"[\d.,(\[《“‘\-–—]$", line)
        # A heading never ends on a word that needs what follows ("交易总金额约").
        and not re.search(r"(?:约|近|超|逾|达|为|的|和|与|及|在|是|将|至|到|比|较|从|了)$", line)
        # ... nor on a number waiting for its unit ("物流业总收入 5.6 万亿" / "元,…").
        and not re.search(r"\d\s*(?:万亿|千亿|百亿|亿|千万|百万|万|千)$", line)
    )


def _joiner(prev: str, cur: str) -> str:
    """What goes between two pieces of one paragraph: a space only between Latin words."""
    a, b = prev[-1], cur[0]
    if a in ")]},;:!?" and b.isascii() and b.isalpha():
        return " "
    if (
        a.isascii()
        and b.isascii()
        and a.isalnum()
        and b.isalnum()
        and not (a.isdigit() and b.isdigit())
    ):
        return " "
    return ""


def _table_row(line: str) -> str:
    """A table row read from a DOCX (cells apart by tabs) as "cell | cell"."""
    return TABLE_CELL_SEPARATOR.join(
        tidy_spaces(cell) for cell in re.split(r"\t+", line) if cell.strip()
    )


def is_text_row_line(line: str) -> bool:
    """ "业务总量指数：52.1%": a row of a table written as text, a paragraph of its own."""
    return len(line) <= TEXT_ROW_MAX_CHARS and bool(TEXT_ROW_RE.match(line))


def _toc_entry(line: str) -> str:
    """A contents entry without its leader dots and page number."""
    return _TOC_PAGE.sub("", line).strip(" .·")


def _table_of_contents(lines: list[str], header_end: int) -> range:
    """Indexes of a contents list (本期要目 and its entries) right after the header, if any.

    Its entries would otherwise be read as the first article's title and text.
    """
    first = header_end + 1
    if first >= len(lines):
        return range(0)
    if _TOC_HEAD.match(lines[first]):
        if first + 1 >= len(lines):
            return range(first, first + 1)
        entry = _toc_entry(lines[first + 1])
        # The list ends where its first entry comes back as the first article's title.
        for j in range(first + 2, min(len(lines), first + 2 + MAX_TOC_ENTRIES)):
            if entry and _toc_entry(lines[j]) == entry and not _TOC_TAIL.search(lines[j]):
                return range(first, j)
        end = first + 1
        while end < len(lines) and _TOC_TAIL.search(lines[end]) and not _ends_sentence(lines[end]):
            end += 1
        return range(first, end)
    # No heading: a run of entries with leader dots and page numbers.
    end = first
    while end < len(lines) and _TOC_LEADER.search(lines[end]):
        end += 1
    return range(first, end) if end - first >= 2 else range(0)


def _title_flags(lines: list[str], header_end: int) -> list[bool]:
    """Article titles: the first line after the header block and after each editor line.

    A whole sentence there ("编者按:……。") is a note before the title, not the
    title; the title is the next line that does not end a sentence.
    """
    flags = [False] * len(lines)
    pending = 0
    for i, line in enumerate(lines):
        if _is_editor(line):
            pending = 1 + TITLE_NOTE_MAX_LINES
            continue
        if i == header_end + 1 and header_end >= 0:
            pending = 1 + TITLE_NOTE_MAX_LINES
        if pending:
            if is_note(line) and pending > 1:
                pending -= 1
                continue
            flags[i] = True
            pending = 0
    return flags


def _merge_wrapped_titles(lines: list[str], header_end: int, rows: set[str]) -> list[str]:
    """Join a title that the PDF wrapped onto a second, short line ("…预测偏" / "好")."""
    widths = sorted(len(line) for line in lines[header_end + 1 :] if not _is_editor(line))
    # The width of a full line of body text: most lines of a PDF dump are full,
    # and titles and paragraph ends are the short minority.
    full = widths[int(len(widths) * 0.8)] if widths else 0
    title = _title_flags(lines, header_end)
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        # "普华永道:" / "2020年中国电信并购回顾与展望": a title may break after its colon.
        colon = line.endswith(":")
        if (
            title[i]
            and i + 2 < len(lines)
            and line not in rows
            and (colon or not _ends_sentence(line))
        ):
            nxt = lines[i + 1]
            if (
                len(nxt) <= WRAPPED_TITLE_TAIL_MAX_CHARS + (20 if colon else 0)
                # Only a title as long as a good part of a full line can have
                # been wrapped; a short title is followed by a short body piece.
                and (colon or (len(nxt) < len(line) and len(line) >= 0.5 * full))
                and len(nxt) < 0.7 * full
                and not _ends_sentence(nxt)
                and not _is_editor(nxt)
                and nxt not in rows
                and not _is_editor(lines[i + 2])
            ):
                out.append(line + _joiner(line, nxt) + nxt)
                i += 2
                continue
        out.append(line)
        i += 1
    return out


def clean_text(raw: str) -> str:
    """The normalised text of a brief (see the module docstring for the contract)."""
    text = _normalise_chars(raw)
    lines: list[str] = []
    rows: set[str] = set()
    for raw_line in rebuild_tables(text.split("\n")):
        line = _drop_controls(raw_line).strip(" \t\u00a0")
        if not line:
            continue
        if "\t" in line:
            row = _table_row(line)
            rows.add(row)
            lines.append(row)
            continue
        for piece in _split_glued_editor(line):
            lines.append(re.sub(r" {2,}", " ", piece) if _is_editor(piece) else tidy_spaces(piece))
    lines = [line for line in lines if line]
    # A contents list repeats the article titles: it must go before repeated
    # lines are taken for running headers.
    toc = _table_of_contents(lines, header_end_index(lines))
    lines = [line for i, line in enumerate(lines) if i not in toc]
    drop = _page_furniture(lines)
    lines = [line for i, line in enumerate(lines) if i not in drop]
    if not lines:
        return ""

    header_end = header_end_index(lines)
    lines = _merge_wrapped_titles(lines, header_end, rows)
    verbatim = [_is_editor(line) or line in rows for line in lines]
    text_rows = [is_text_row_line(line) for line in lines]
    title = _title_flags(lines, header_end)

    # Pieces of each paragraph, joined once at the end (a paragraph grown by
    # repeated string concatenation would be quadratic on a hostile file).
    paragraphs: list[list[str]] = [[lines[0]]]
    # Whether line i began a paragraph: a short line that merely ends a
    # paragraph ("亿" after "…达到2.6万") is not a heading.
    starts = [True] + [False] * (len(lines) - 1)
    for i in range(1, len(lines)):
        prev, cur = lines[i - 1], lines[i]
        if (
            _CONTINUATION_START.match(cur)
            and not verbatim[i]
            and i - 1 > header_end
            and not verbatim[i - 1]
            and not title[i - 1]
        ):
            keep = False
        else:
            keep = (
                i - 1 <= header_end
                or verbatim[i - 1]
                or verbatim[i]
                or text_rows[i - 1]
                or text_rows[i]
                or title[i - 1]
                or _ends_sentence(prev)
                or (starts[i - 1] and _is_heading(prev))
            )
        starts[i] = keep
        if keep:
            paragraphs.append([cur])
        else:
            paragraphs[-1] += [_joiner(paragraphs[-1][-1], cur), cur]
    joined = ["".join(pieces) for pieces in paragraphs]
    text = "\n".join(p if _is_editor(p) or p in rows else tidy_spaces(p) for p in joined)
    return chinese_punctuation(text)
