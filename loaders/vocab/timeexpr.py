"""Period expressions in the text of a brief, resolved to the period grammar.

`find_time_expressions(text, published)` finds 2016 年至 2020 年, 2020 年上半年,
上年一季度, 前三季度, 1—9 月, 9 月份, 截至 9 月 30 日, 2020 年底 … and resolves
each against the issue's publication date (`loaders.vocab.periods` grammar):
a month or quarter written without a year is the latest such period that is
not after the issue (一季度 in an issue of 2021-04-26 -> 2021-Q1; 12 月 in an
issue of 2021-01-15 -> 2020-12).

Each expression also says how it relates to the figures around it:
- `role="set"`: the period of the figures that follow (carried forward);
- `role="local"`: "从 2019 年的 367 亿元", "去年同期为 …" name the period of
  the next figure only;
- `role="reference"`: a comparison base ("高于 2019 年水平", "较上年同期"),
  "2011 年以来", "6 月底前": it names no figure's period.

"今年以来", "年初至今", "年内累计" are year to date (`year_to_date=True`): the
figures after them add up the months since January, which is neither a
cumulative total since a market opened nor the period named before.

The record of one expression is `loaders.vocab.time_expression.TimeExpr`; its role is decided
in `loaders.vocab.time_roles`; spans (plan periods, 近五年, two periods joined by 至) are
read in `loaders.vocab.time_spans`.
"""

from __future__ import annotations

import functools
import re
from datetime import date

from loaders.vocab.numerals import parse_digit_string, parse_small_int
from loaders.vocab.periods import month_end, quarters_span
from loaders.vocab.quantities import ascii_shadow
from loaders.vocab.time_expression import TimeExpr
from loaders.vocab.time_roles import REFERENCE_BEFORE, role_of
from loaders.vocab.time_spans import plan_and_recent_years, spans_joined

# "1—9 月", "2016——2020 年", "6 月 1 日~30 日": a dash (one or two), a tilde, 至 or 到.
_RANGE = r"\s*(?:-{1,2}|—{1,2}|–|~|至|到)\s*"
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_RELATIVE_YEARS = {
    "今年": 0,
    "本年": 0,
    "去年": -1,
    "上年": -1,
    "上一年": -1,
    "前年": -2,
    "明年": 1,
}

_YEAR = r"(?:(?P<y>(?:19|20)\d{2})\s*年(?:度)?|(?P<rel>今年|本年|去年|上一年|上年|前年|明年))"
_SUFFIX = (
    r"(?:"
    r"(?P<m1>\d{1,2}|十[一二]?|[一二三四五六七八九])(?:" + _RANGE + r"|\s*、\s*)"
    r"(?P<m2>\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月(?:份)?"
    r"|(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月(?:份)?(?:\s*(?P<d>\d{1,2})\s*日|(?P<mend>底|末|初))?"
    r"|(?P<ytdq>前[三两二]个?季度)"
    # "一至三季度", "一季度至四季度": a run of quarters (one span unless a list splits it).
    r"|第?(?P<qa>[一二三四1-4])\s*(?:季度)?\s*(?:至|到|—|–|~)\s*第?(?P<qb>[一二三四1-4])\s*季度"
    r"|第?(?P<q>[一二三四1-4])\s*(?:季度(?P<qend>末|底)?|季(?P<qend2>末|底))"
    r"|(?P<qfirst>首季度?)"
    # 上季度, 本季度, 当季, 当月, 本月, 月末, 年初, 年末: named relative to the period the text
    # talks about (loaders.figures.dating resolves them against it).
    r"|(?P<rq>上个?季度|本季度|当季度?)"
    r"|(?P<rm>当月|本月|该月|上个?月(?:末|底)|月末|月底)"
    r"|(?P<ry>同年|当年|该年)"
    r"|(?P<half>上半年|下半年)"
    r"|前(?P<nm>[一二两三四五六七八九十]{1,2}|\d{1,2})个月"
    r"|(?P<yend>年底|年末|底|末)"
    r"|(?P<ystart>年初|(?<=年)初)"
    r"|(?P<full>全年)"
    r"|(?P<same>同期)"
    r")"
)
TIME_RE = re.compile(
    r"(?P<asof>截至|截止到|截止|截到)?\s*"
    r"(?:"
    r"(?P<y1>(?:19|20)\d{2})\s*年?" + _RANGE + r"(?P<y2>(?:19|20)\d{2})\s*年(?:间)?"
    r"|" + _YEAR + r"?\s*" + _SUFFIX + r"?"
    r")"
)

_BOOK_RE = re.compile(r"《[^《》\n]{0,120}》")
# The month before, named for one figure: "业务总量指数升至 47.4%，上月为 46.0%", "上月
# 新订单指数为 51.5%" (opening its clause, its subject between), "较上月（52.6%）回落" and
# "较上月的 51.5%" (a base with its figure; "较上月回落 0.8 个百分点" names none).
_LAST_MONTH_RE = re.compile(r"上个?月(?:份)?")
_NAMES_LAST_MONTHS_FIGURE_RE = re.compile(r"\s*(?:为|是|的)")
_OPENS_LAST_MONTHS_CLAUSE_RE = re.compile(r"[^,;。!?:\d()]{1,12}?(?:为|是|达到|录得)\s*\d")
_LAST_MONTHS_BASE_RE = re.compile(r"\s*(?:的|[(（])\s*(?:约|近)?\s*\d")
_CLAUSE_OPENING = ",;。!?:("
# Since the start of the year: "今年以来累计成交量", "年初至今", "年内累计".
_YEAR_TO_DATE_RE = re.compile(
    r"(?:今年|本年|年初)(?:以来|至今)|(?:年内|今年|本年|年初)累计|年内(?=[^,，;；。！？\d]{1,12}累计)"
)
# "有望在年内突破 100 元/吨", "预计年内将达到…": what a projection reaches within the year
# is the issue year's (for its next figure; a bare 年内 elsewhere ranks or sums, see above).
_WITHIN_THE_YEAR_RE = re.compile(r"(?<=有望|预计|可望|或将|力争|将在|望在)\s*(?:在\s*)?年内")
# "今年全国碳市场已累计成交 0.17 亿吨": 累计 later in the clause of a bare 今年.
_CUMULATIVE_LATER_RE = re.compile(r"[^,，;；。！？\d]{0,12}累计")


def _cn_int(text: str) -> int:
    """9 or 九 -> 9, 十二 -> 12; 0 when malformed (callers keep only 1..12)."""
    return parse_small_int(text) or 0


def _latest_year(published: date, first: date | None, last: date, by_start: bool) -> int:
    """The year for a period written without one: the latest not after the issue."""
    probe = first if by_start and first else last
    return published.year if probe <= published else published.year - 1


def _day(year: int | None, month: int, day: int, published: date) -> str | None:
    """A day, in the year named or else the latest such day not after the issue."""
    if year is None:
        try:
            probe = date(published.year, month, day)
        except ValueError:
            return None
        year = published.year if probe <= published else published.year - 1
    try:
        date(year, month, day)
    except ValueError:
        return None
    return f"{year}-{month:02d}-{day:02d}"


def _resolve(
    match: re.Match[str], published: date, forward: bool = False
) -> tuple[str | None, int | None]:
    """The period string of a match, and the year of a 'YYYY 年同期'."""
    g = match.groupdict()
    if g["y1"]:
        return f"{g['y1']}/{g['y2']}", None
    year: int | None = None
    if g["y"]:
        year = int(g["y"])
    elif g["rel"]:
        year = published.year + _RELATIVE_YEARS[g["rel"]]
    explicit = year is not None

    def pick(first_month: int, last_month: int, by_start: bool) -> int:
        if explicit:
            return year  # type: ignore[return-value]
        first = date(published.year, first_month, 1)
        last = month_end(published.year, last_month)
        if forward:
            # A projection names the next such period: 下半年 in April is this year's.
            return published.year if last >= published else published.year + 1
        return _latest_year(published, first, last, by_start)

    if g["m1"]:
        m1, m2 = _cn_int(g["m1"]), _cn_int(g["m2"])
        if not (1 <= m1 < m2 <= 12):
            return None, None
        if "、" in match.group(0) and m2 != m1 + 1:
            return None, None  # "1、3 月": two months, not a span
        y = pick(m1, m2, by_start=False)
        return f"{y}-{m1:02d}/{y}-{m2:02d}", None
    if g["m"]:
        month = _cn_int(g["m"])
        if not 1 <= month <= 12:
            return None, None
        if g["d"]:
            return _day(year, month, int(g["d"]), published), None
        y = pick(month, month, by_start=True)
        return f"{y}-{month:02d}", None
    if g["ytdq"]:
        three = "三" in g["ytdq"]  # 前三季度, 前三个季度; 前两（二）季度 is the first half
        y = pick(1, 9 if three else 6, by_start=False)
        return (f"{y}-01/{y}-09" if three else f"{y}-H1"), None
    if g["qa"]:
        first, last = _QUARTERS[g["qa"]], _QUARTERS[g["qb"]]
        if first >= last:
            return None, None
        return quarters_span(pick(3 * first - 2, 3 * last, by_start=False), first, last), None
    if g["q"]:
        quarter = _QUARTERS[g["q"]]
        y = pick(3 * quarter - 2, 3 * quarter, by_start=False)
        if g["qend"] or g["qend2"]:
            return f"{y}-{3 * quarter:02d}", None  # 一季度末: the quarter's last month
        return f"{y}-Q{quarter}", None
    if g["qfirst"]:
        return f"{pick(1, 3, by_start=False)}-Q1", None  # 首季度 is the first quarter
    if g["rq"] or g["rm"] or g["ry"]:
        return None, None  # named relative to the period talked about: see `relative`
    if g["ystart"]:
        return (f"{year}-01", None) if explicit else (None, None)
    if g["half"]:
        first = 1 if g["half"] == "上半年" else 7
        y = pick(first, first + 5, by_start=False)
        return f"{y}-H{1 if first == 1 else 2}", None
    if g["nm"]:
        months = _cn_int(g["nm"])
        if not 1 <= months <= 12:
            return None, None
        y = pick(1, months, by_start=False)
        return (f"{y}-01/{y}-{months:02d}" if months > 1 else f"{y}-01"), None
    if g["yend"]:
        if not explicit:
            return None, None  # a bare 年底 is the end of the year talked about: `relative`
        return f"{year}-12", None
    if g["full"]:
        y = year if explicit else published.year - (0 if forward else 1)
        return f"{y}", None
    if g["same"]:
        return None, year
    if explicit:
        return f"{year}", None
    return None, None


def _has_suffix(match: re.Match[str]) -> bool:
    keys = (
        "m1",
        "m",
        "ytdq",
        "qa",
        "q",
        "qfirst",
        "rq",
        "rm",
        "ry",
        "half",
        "nm",
        "yend",
        "ystart",
        "full",
        "same",
    )
    return any(match[key] for key in keys)


def _year_so_far(
    match: re.Match[str], period: str | None, published: date, shadow: str, end: int
) -> bool:
    """ "2022 年以来" in an issue of 2022, "(今年) 1 月以来", "今年…累计": the months since
    January, like 今年以来."""
    since = shadow[end:].lstrip().startswith(("以来", "至今"))
    if period == f"{published.year}-01" and match["m"] and since:
        return True
    if not (match["y"] or match["rel"]) or _has_suffix(match) or period != str(published.year):
        return False
    if since:
        return True
    return match["rel"] in ("今年", "本年") and bool(_CUMULATIVE_LATER_RE.match(shadow, end))


# A year written digit by digit in Chinese ("二〇二一年"): read as its digits, which take
# as many characters, so offsets stay those of the text.
_DIGIT_YEAR_RE = re.compile(r"(?:一九|二[〇○零])[〇○零一二三四五六七八九]{2}(?=\s*年)")


def _with_digit_years(shadow: str) -> str:
    return _DIGIT_YEAR_RE.sub(lambda m: str(parse_digit_string(m.group(0))), shadow)


def find_time_expressions(text: str, published: date) -> list[TimeExpr]:
    """Period expressions of a sentence (or any text), in order, with their role."""
    return list(_time_expressions(text, published))


# A sentence is read for its periods by several steps (its figures, their subjects, a 分别
# list, a table's caption); the expressions are immutable, so one reading serves them all.
@functools.lru_cache(maxsize=4096)
def _time_expressions(text: str, published: date) -> tuple[TimeExpr, ...]:
    shadow = _with_digit_years(ascii_shadow(text))
    books = [m.span() for m in _BOOK_RE.finditer(shadow)]
    found: list[TimeExpr] = [
        TimeExpr(m.start(), m.end(), text[m.start() : m.end()], None, "set", year_to_date=True)
        for m in _YEAR_TO_DATE_RE.finditer(shadow)
    ]
    taken = [(e.start, e.end) for e in found]
    found += [
        TimeExpr(m.start(), m.end(), text[m.start() : m.end()], str(published.year), "local")
        for m in _WITHIN_THE_YEAR_RE.finditer(shadow)
        if not any(a < m.end() and m.start() < b for a, b in taken)
    ]
    for match in TIME_RE.finditer(shadow):
        start, end = match.span()
        if any(e.year_to_date and e.start < end and start < e.end for e in found):
            continue
        if start == end or not (
            match["y1"]
            or match["y"]
            or match["rel"]
            or match.group(0).strip()
            and _has_suffix(match)
        ):
            continue
        if any(b0 <= start < b1 for b0, b1 in books):
            continue
        # Leading spaces of the optional 截至 group are not part of the expression.
        lead = len(match.group(0)) - len(match.group(0).lstrip())
        start += lead
        # A digit run glued to a figure is no date: "2021 年" yes, "12021" no ("表 1 2020 年"
        # is a table's number and a year).
        if start and shadow[start - 1].isdigit():
            continue
        period, same_year = _resolve(match, published)
        forward_period, _ = _resolve(match, published, forward=True)
        relative = _relative_of(match)
        if period is None and not match["same"] and relative is None:
            continue
        role = role_of(shadow, start, end, same=bool(match["same"]))
        if relative is not None and role == "reference" and period is None:
            continue  # "年底前", "较上季度": a point of reference, no figure's period
        if _year_so_far(match, period, published, shadow, end):
            found.append(TimeExpr(start, end, text[start:end], None, "set", year_to_date=True))
            continue
        found.append(
            TimeExpr(
                start=start,
                end=end,
                text=text[start:end],
                period=period,
                role=role,
                as_of=bool(match["asof"]),
                same_period_year=same_year,
                forward_period=forward_period,
                past_relative=match["rel"] in ("去年", "上年", "上一年", "前年"),
                relative_years=_RELATIVE_YEARS[match["rel"]] if match["rel"] else None,
                before_named_year=match["rel"] in ("上年", "上一年"),
                year_from_context=bool(match["full"]) and not (match["y"] or match["rel"]),
                explicit_year=bool(match["y1"] or match["y"] or match["rel"]),
                relative=relative,
            )
        )
    found += plan_and_recent_years(text, shadow, published, found, books)
    for match in _LAST_MONTH_RE.finditer(shadow):
        start, end = match.span()
        if any(e.start <= start < e.end for e in found):
            continue
        if shadow[max(0, start - 4) : start].rstrip().endswith(REFERENCE_BEFORE):
            if not _LAST_MONTHS_BASE_RE.match(shadow, end):
                continue  # "较上月回落": a comparison base, no figure of its own
        elif not _NAMES_LAST_MONTHS_FIGURE_RE.match(shadow, end):
            opening = not shadow[:start].rstrip() or shadow[:start].rstrip()[-1] in _CLAUSE_OPENING
            if not (opening and _OPENS_LAST_MONTHS_CLAUSE_RE.match(shadow, end)):
                continue
        found.append(
            TimeExpr(start, end, text[start:end], None, "local", past_relative=True, months_back=1)
        )
    found.sort(key=lambda e: e.start)
    return tuple(spans_joined(found, text, shadow, published))


def _relative_of(match: re.Match[str]) -> str | None:
    """What a period named relative to the one talked about is relative to, if it is."""
    if match["y"] or match["rel"] or match["y1"]:
        return None  # "2021 年底", "去年年末": the year is named
    if match["rq"]:
        return "last_quarter" if match["rq"].startswith("上") else "this_quarter"
    if match["rm"]:
        # "上月末累计成交量": the end of the month before the one talked about.
        return "last_month" if match["rm"].startswith("上") else "this_month"
    if match["ry"]:
        return "this_year"
    if match["ystart"] == "年初":
        return "year_start"
    if match["yend"] in ("年底", "年末"):
        return "year_end"
    return None
