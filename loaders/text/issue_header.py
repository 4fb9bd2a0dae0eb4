"""The header of an issue: its title, year, number, total number and publication date,
found in the first lines (the masthead skipped), and where the body begins.

An issue line whose number, year or total cannot be read is a BriefStructureError naming
it; so is a missing issue line or publication date (loaders.text.structure splits what
follows into articles).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from loaders.errors import BriefStructureError
from loaders.models import IssueHeader
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


@dataclass(frozen=True)
class Line:
    start: int  # offset of the first non-blank character
    end: int  # offset after the last non-blank character
    text: str  # stripped text
    norm: str  # NFKC of text, for matching only


def text_lines(text: str) -> list[Line]:
    """Non-empty lines with the offsets of their stripped content."""
    out: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            start = pos + lead
            out.append(
                Line(
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


def _total_near(lines: list[Line], issue_at: int, issue_match: re.Match) -> int | None:
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
    lines: list[Line], source: str | None = None, *, check: bool = True
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


def _loose_issue_line(scan: list[Line]) -> tuple[int, re.Match] | None:
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


def header_end_index(lines: list[str]) -> int:
    """Index of the last header line among non-empty lines (-1 when no header is found)."""
    stripped = [line.strip() for line in lines]
    items = [Line(0, 0, t, unicodedata.normalize("NFKC", t)) for t in stripped if t]
    if len(items) != len(lines):
        raise ValueError("header_end_index expects non-empty lines")
    try:
        _, body_at = parse_header(items, check=False)
    except BriefStructureError:
        return -1
    return body_at - 1
