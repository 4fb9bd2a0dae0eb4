"""From a figure and the words about it to a catalog indicator (or none).

A figure lands in a series only when three things agree:
- the unit converts into the series unit (a % only into a %-series, 亿元 only
  into a 元 series, 美元 never into 元, 家 only into 家);
- the measure the clause names (同比 -> yoy, 两年平均 -> yoy_2y, 复合增长率 ->
  cagr, 渗透率 -> share, 指数 -> index, 收盘价 -> price, an amount -> level);
- the subject: an alias of the series in the clause, no exclude word there,
  and one of its context words in the clause, paragraph or article.
When two series fit equally well the figure is ambiguous and stays
unassigned: precision first.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from loaders.catalog.indicators import Catalog, Indicator
from loaders.vocab.quantities import Quantity, convert

# Measure words, checked in this order (复合增长率 before 增长, 两年平均 before 平均).
MEASURE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cagr", re.compile(r"复合(?:年均)?增长率|年均复合增长率|复合增速|复合年增长率|CAGR", re.I)),
    ("yoy_2y", re.compile(r"两年(?:平均|年均|复合)")),
    # "业务总量指数月均值为 46.9%": an average over months is no month's index.
    ("avg", re.compile(r"年均|平均|均值|月均|季均")),
    ("mom", re.compile(r"环比|较上月|比上月|较前一月|较上一月")),
    # Growth against a named base year ("比 2019 年同期增长 15.2%") is no 同比.
    # "与 2021 年同期相比", "相比 2019 年", "比 2019 年同期": a named year, two years back.
    (
        "vs_base",
        re.compile(
            r"(?:比|较|相比|相较)(?:于)?\s*(?:19|20)\d{2}\s*年"
            r"|与\s*(?:19|20)\d{2}\s*年[^,，;；。]{0,6}(?:相比|相较|比较)"
        ),
    ),
    # "工业物流对社会物流总额增长的贡献率超过 90%": a share of a growth, no growth rate.
    ("contribution", re.compile(r"贡献率|贡献度")),
    ("yoy", re.compile(r"同比|比上年|较上年|比去年|较去年|比上一年")),
    # 搭载率 / 装配率: the share of new cars fitted with a feature, a penetration.
    # 与 GDP 的比率 / 占…的 x%: a part of a whole, like a share of the market.
    (
        "share",
        re.compile(
            r"渗透率|占比|比重|份额|占有率|占.{0,10}比例|搭载率|装配率|普及率|比率|占[^,，;；]{1,15}的\s*$"
        ),
    ),
    ("index", re.compile(r"指数")),
    ("price", re.compile(r"收盘价|开盘价|均价|成交价|价格")),
    (
        "growth",
        re.compile(
            r"(?:增长|增速|增幅|降幅|跌幅|减幅|下降|减少|回落|下滑|下跌|降低|上升|提高|回升|上涨)"
            r"(?!至|到)"
        ),
    ),
)
# Words right before a figure that make it a change, not a level or a rate.
CHANGE_BEFORE = re.compile(
    r"(?:增长|增加|减少|下降|提高|上升|回落|回升|下滑|下跌|上涨|净增|净减|多出|高出|超出|多|少)了?$"
)
# "新增重点排放单位 50 家", "净增 5G 用户 1.2 亿户": what was added is a change, no level.
NEWLY_ADDED_RE = re.compile(r"新增|净增|净减|新减少")
AVERAGE_RE = re.compile(r"日均|月均|年均|平均|单日")
GROWTH_BY_MULTIPLE_BEFORE = re.compile(r"(?:增长|增加|提高|上升|扩大|增长了|增加了|提高了)$")
# "降幅分别为 11.9% 和 4.7%": a list under one decline is all declines. "降幅收窄至 2.4%",
# "跌幅扩大到 8.4%": where the size of a decline moved to is a decline too.
NEGATIVE_BEFORE = re.compile(
    r"(?:(?:下降|减少|回落|下滑|下跌|降低|负增长|萎缩|降幅|跌幅|减幅)(?:分别|依次|均)?"
    r"(?:了|为|达|达到|幅度为|幅度达)?"
    r"|(?:降幅|跌幅|减幅)(?:继续|进一步|明显|有所|略有|逐步)?(?:收窄|缩小|扩大|加深|加大)(?:至|到))$"
)

# Phrases that say nothing about the subject.
# Who says it: a source and its reporting verb ("IDC 预计", "业内人士认为", "据中物联测算")
# name no subject. A source is Latin letters or a noun for people, bodies and reports;
# "社会物流总额预计" is no source.
SOURCE_SAYS = re.compile(
    r"(?:据|根据)?(?:[A-Za-z]{2,}|[\u4e00-\u9fff]{0,12}?"
    r"(?:业内|人士|专家|分析师|机构|报告|协会|汽协|联合会|中物联|研究院|研究所|公司|部|局|委|中心|永道))"
    r"(?:预计|预测|认为|指出|表示|测算|估计|称|料将|预估"
    # … or acts on a figure it publishes: "IDC 据此将…的预测值由 x 下修为 y", "报告同时将…".
    r"|(?:同时|据此|也|还|又)?(?:将|把))"
)
FILLERS = re.compile(
    r"按可比价格计算|按可比价计算|按不变价格计算|按现价计算|按可比口径计算|从构成看|从结构看|数据显示|报告显示|统计显示|"
    # "而 2022 年同期这一比例为 32.4%": a word that points back at the figure before.
    # "2021 年全年这一渗透率将超过 20%": a measure named back, not a subject.
    r"(?:这一|这个|该|此)(?:比例|比重|比率|数字|数据|指标|数值|水平|渗透率|市场占有率|占有率|市场份额"
    r"|份额|占比|搭载率|装配率|普及率|增速|增幅|增长率)|" + SOURCE_SAYS.pattern
)
MEASURE_WORDS = re.compile(
    r"市场渗透率|市场占有率|占有率|普及率|比率|市场份额|复合(?:年均)?增长率|年均复合增长率|增长率|增速|增幅|降幅|涨幅|跌幅|渗透率|搭载率|装配率|占比|比重|同比|环比|两年(?:平均|年均)"
    # "占移动电话用户的 27.3%": the whole a share is taken of is not its subject.
    r"|占[^,，;；]{1,15}的(?:比重|比例|份额|比率|占比)?(?:为|达到|达|是|约为|约)?$"
    # "与 GDP 的比率": the whole a ratio is taken to.
    r"|与[^,，;；]{1,10}的?(?:比率|之比|比值)"
)


@dataclass(frozen=True)
class Candidate:
    indicator: Indicator
    value: float
    alias: str
    context_level: int


PRICE_BASIS_RE = re.compile(r"按(?:可比价格|可比价|不变价格|现价|当年价格)计算")


def measure_of(text: str, quantity: Quantity) -> str | None:
    """The measure a figure reports, from the words of its clause before it."""
    if quantity.unit == "pp":
        return "pp"
    if quantity.unit == "元/吨" or quantity.unit == "美元/吨":
        return "price"
    if quantity.unit == "倍":
        # "同比增长 1.2 倍" is growth; "是上年的 1.2 倍" a ratio that no series keeps.
        if not GROWTH_BY_MULTIPLE_BEFORE.search(text.rstrip()):
            return None
    elif quantity.unit != "%":
        if AVERAGE_RE.search(text):
            return "avg"  # "日均业务量 1.2 亿件": a per-day figure is no period's total
        if CHANGE_BEFORE.search(text.rstrip()) or NEWLY_ADDED_RE.search(text):
            return "change"
        return "level"
    # "按可比价格计算增长 6.4%": how the growth is computed names no price.
    text = PRICE_BASIS_RE.sub("", text)
    for name, pattern in MEASURE_RULES:
        if pattern.search(text):
            return name
    return None


def is_negative(text: str) -> bool:
    return bool(NEGATIVE_BEFORE.search(text.rstrip()))


# "驾驶辅助系统（L2）", "（L2 级）": a code in brackets is the code ("L2", "L2级").
_BRACKETED_CODE_RE = re.compile(r"[(（]\s*([A-Za-z]\d\+?)\s*(级)?\s*[)）]")


@functools.lru_cache(maxsize=8192)
def squeeze(text: str) -> str:
    """The text without spaces, codes in brackets read as the code; cached, since every
    figure compares its words with every alias of the catalog."""
    return _BRACKETED_CODE_RE.sub(r"\1\2", re.sub(r"\s+", "", text))


# Words that say how or when, never what: a clause made only of these
# ("同比增长", "(上年一季度为下降", "今年 1—2 月进一步提升至") has no subject
# of its own and speaks about the subject before it.
FUNCTION_WORDS = re.compile(
    r"按可比价格计算|按可比价计算|按现价计算|两年平均|两年年均|复合增长率|增长率|"
    r"进一步|分季度看|分月看|从全年看|全年来看|总体来看|"
    r"上年|去年|今年|本年|明年|前年|同期|上个?月|当月|本月|当年|当季度?|单季度?|单月|首日|"
    r"[一二三四五六七八九两半]成|"
    r"第?[一二三四]?季度|上半年|下半年|前三季度|全年|年底|年末|月底|月末|月份|"
    # "一、二季度", "上、下半年": the bare first items of a list of periods.
    r"(?:第?[一二三四五六七八九十]|[上下])(?=、)|"
    r"同比|环比|年均|平均|"
    r"增长|增速|增幅|增加|下降|减少|回落|回升|上升|提升|提高|下滑|下跌|上涨|降低|跃升|加快|放缓|"
    # "降幅收窄至 2.4%": how the size of a change moved.
    r"收窄|缩小|扩大|加深|加大|"
    r"升至|增至|降至|达到|实现|完成|突破|超过|不足|不到|左右|以上|"
    # "带动二季度同比增长 6.1%": a verb of cause names no subject; the figure is about
    # what the words before it were about. "相应修正为": correspondingly.
    r"带动|推动|拉动|促使|使得|相应|随之|"
    r"分别|继续|仍然|仍|再次|再|已经|已|实际|首次|共计|合计|总计|累计|共|均|有望|预计|或将|将|"
    # "而上年同期仅为 14.6%", "去年同期只有 310 亿元": how little, not what.
    r"仅有|只有|仅|只|才|"
    r"由降转升|由升转降|由降转增|由增转降|由负转正|由正转负|转正|转负|年内|低点|高点|新高|新低|"
    # "一季度社会物流总额 56.0 万亿元，出现负增长，同比下降 7.5%": how it went, not what.
    r"出现|呈现|负增长|正增长|"
    # "二季度以来逐月回升": since when, not what.
    r"以来|此后|随后|其后|之后|逐季|逐月|逐年|逐步|截至|截止|各季度|各个季度|每个季度|四个季度|各月|每月|"
    r"高于|低于|多于|少于|好于|快于|慢于|此前|公布|发布|修订|修正|下修|上修|上调|下调|更正|"
    r"相比|相较|对比|比较|转为|转而|"
    # "此前初步测算约为", "最终核实为": how a figure was obtained, not what it is of.
    r"初步|测算|核算|估算|统计|核实|最终|根据|依据|按照|"
    r"其中|同时|此外|而且|并且|但是|有所|明显|大幅|小幅|略有|稳步|持续|保持|"
    r"十[一二三四五六七八九]?五|初期|末期|期间|时期|阶段|水平|"
    # "五年复合增长率", "未来五年", "近三年来": a number of years is how long, not what.
    r"(?:未来|今后|近|过去的?|最近|此后|这)?[两二三四五六七八九十]{1,2}(?:个)?年(?:间|来|内|中|里)?|"
    r"[年月日前后初中末底为是达约近超逾至到了的和与及并而且但也又则较比由从在于,.;:()、“”‘’\"\d\s%~\-—]"
)


def has_subject(text: str) -> bool:
    """Does the clause name a subject of its own, beyond how and when words?

    Precision first: anything left once fillers, measure and function words
    are gone (新能源汽车, 自主品牌, 首日开盘价) is taken for another subject.
    """
    residue = FUNCTION_WORDS.sub("", MEASURE_WORDS.sub("", FILLERS.sub("", squeeze(text))))
    return bool(re.search(r"[\u4e00-\u9fffA-Za-z]", residue))


@dataclass(frozen=True)
class CatalogNames:
    """The names of a catalog without spaces, as the text is compared with them."""

    aliases: tuple[str, ...]
    generic: tuple[str, ...]
    excludes: tuple[str, ...] = ()


# Names are squeezed once per catalog, not once per figure (a catalog is immutable; the
# entry keeps it alive so that its id is not reused while cached).
_NAMES: dict[int, tuple[Catalog, CatalogNames]] = {}
_NAMES_CACHED = 16


def catalog_names(catalog: Catalog) -> CatalogNames:
    cached = _NAMES.get(id(catalog))
    if cached is not None and cached[0] is catalog:
        return cached[1]
    if len(_NAMES) >= _NAMES_CACHED:
        _NAMES.clear()
    names = CatalogNames(
        aliases=tuple(squeeze(a) for ind in catalog.indicators for a in ind.aliases),
        generic=tuple(squeeze(a) for ind in catalog.indicators for a in ind.generic_aliases),
        excludes=tuple(
            dict.fromkeys(squeeze(w) for ind in catalog.indicators for w in ind.exclude)
        ),
    )
    _NAMES[id(catalog)] = (catalog, names)
    return names


def mentions_alias(text: str, catalog: Catalog) -> bool:
    text = squeeze(text)
    return any(alias in text for alias in catalog_names(catalog).aliases)


def mentions_generic(text: str, catalog: Catalog) -> bool:
    text = squeeze(text)
    return any(alias in text for alias in catalog_names(catalog).generic)


# What may stand before a generic alias ("全年市场规模", "2020 年完成 148 笔交易",
# "披露的交易金额"): time words, determiners and reporting verbs, never another
# noun ("芯片市场规模", "5G 相关交易").
# An opening bracket or quote ("（2018 年交易总金额由…修订为…）") only sets the words apart.
_GENERIC_PREFIX = re.compile(
    r"^(?:[\d\s.,，、~\-—至到年月日季度上下半全前后今去本明同期底末初共的(（“\"]|第?[一二三四]季度|当年|当期|同年|分别|其中|我国|中国|国内|整体|总体"
    r"|预计|预测|将|完成|达成|发生|实现|披露|累计|公开|但|而|则|并|且|同时|此外|另外|合计|总计|已经|已"
    r"|此前|公布|发布|初步|修订后"
    # "在上半年完成交易 47 笔…的基础上", "继…之后": the ground a projection builds on.
    r"|在|继)*$"
)
# Words for the domain of a series that may stand before its generic name along with its
# context words ("中国电信行业交易总金额": the industry the series is about).
_DOMAIN_WORDS = re.compile(r"行业|产业|领域|境内外")


def _bare_generic(alias: str, subject: str, indicator: Indicator) -> bool:
    """Is a generic alias used bare: preceded only by time words, determiners, reporting
    verbs, who says it ("IDC 预计") or the series' own domain ("中国电信行业")?"""
    alias = squeeze(alias)
    at = subject.rfind(alias)
    # "超过 10 亿元的交易仅 6 宗": a noun led by 的 right after another figure
    # is narrowed by that figure, not the whole.
    if at < 0 or subject.startswith("的"):
        return False
    prefix = SOURCE_SAYS.sub("", subject[:at])
    for word in indicator.context:
        prefix = prefix.replace(squeeze(word), "")
    return bool(_GENERIC_PREFIX.match(_DOMAIN_WORDS.sub("", prefix)))


# Words inside a name for who does the thing counted ("快递服务企业业务量", "电信行业
# 并购交易"), which a series name often leaves out; and 累计, which for a flow (and its
# growth) only says that the months named are summed.
DOERS_RE = re.compile(r"服务企业|全行业|行业|企业")
SUMMED_RE = re.compile(r"累计")
# A verb of doing inside a name: "物流业实现总收入", "快递服务企业共完成业务量".
DOING_RE = re.compile(r"(?:共|合计)?(?:实现|完成)")


# The verb right before a count names what the count is: "新能源汽车仅销售 1.3 万辆" is the
# 新能源汽车销量, "共生产 6.5 万辆" the 产量.
COUNTED_VERB_RE = re.compile(r"(?:仅|只|共|合计|累计|实现|完成)?(销售|生产)了?$")
COUNTED_NOUNS = {"销售": "销量", "生产": "产量"}


def plain_name(text: str, summed: bool = True) -> str:
    """A name without the words a series name often leaves out (see DOERS_RE, DOING_RE)."""
    text = COUNTED_VERB_RE.sub(lambda m: COUNTED_NOUNS[m.group(1)], squeeze(text))
    text = DOING_RE.sub("", DOERS_RE.sub("", text))
    return SUMMED_RE.sub("", text) if summed else text


# Measures a name may carry in its last words ("新能源汽车市场占有率", "快递业务量增速").
RATE_MEASURES = ("yoy", "yoy_2y", "cagr", "share")


def _stems_named(indicator: Indicator, subject: str) -> list[str]:
    """The names of a rate series that the subject names without their measure word:
    "新能源汽车市场占有率" in "新能源汽车销量 …，市场占有率达到 21.6%" (the figure's own
    words already said it is a share)."""
    stems = []
    for alias in map(squeeze, indicator.aliases):
        stem = MEASURE_WORDS.sub("", alias)
        if stem != alias and len(stem) >= 2 and stem in subject:
            stems.append(stem)
    return stems


# "国际及港澳台" and "国际/港澳台", "单位与居民" and "单位和居民": one name, joined either way.
JOINERS_RE = re.compile(r"[及和与、/／]")


def _joined(text: str) -> str:
    return JOINERS_RE.sub("/", squeeze(text))


def _named(alias: str, text: str) -> bool:
    """Does the text say the alias, also with 累计 after its noun ("成交额累计" for
    "累计成交额")?"""
    alias = squeeze(alias)
    if alias in text:
        return True
    return alias.startswith("累计") and len(alias) > 3 and alias[2:] + "累计" in text


def _context_level(indicator: Indicator, scopes: list[str]) -> int | None:
    if not indicator.context:
        return 0
    for level, scope in enumerate(scopes):
        if any(word in scope for word in indicator.context):
            return level
    return None


# "中国 TMT 行业并购交易金额", "互联网行业并购": the industry a subject names before its
# series name; a series is only about an industry its own words name.
INDUSTRY_RE = re.compile(r"([A-Za-z0-9\u4e00-\u9fff]{2,6}?)(?:行业|产业)")
WHERE_RE = re.compile(r"^(?:中国|我国|国内|全国|境内)")
LISTED_INDUSTRIES_RE = re.compile(
    r"[、和及与][^,，;；。]{0,8}(?:等)?(?:行业|产业)|(?:等|[两二三四五六七八九十\d]个)(?:行业|产业)"
)


def _another_industry(subject: str, alias: str, indicator: Indicator) -> bool:
    """Does the subject name, before the alias, an industry the indicator's name, context
    and description do not ("中国 TMT 行业并购交易金额" is no telecom series)?"""
    at = subject.find(squeeze(alias))
    named = INDUSTRY_RE.findall(subject[:at] if at >= 0 else "")
    if not named:
        return False
    own = squeeze(indicator.name_zh + indicator.description + "".join(indicator.context))
    industry = WHERE_RE.sub("", named[-1])
    if LISTED_INDUSTRIES_RE.search(subject[:at]):
        return False  # "覆盖电力、钢铁、水泥等行业重点排放企业": the industries covered
    return not any(industry[i : i + 2] in own for i in range(len(industry) - 1))


def choose_indicator(
    quantity: Quantity,
    measure: str | None,
    subject: str,
    scopes: list[str],
    catalog: Catalog,
    frame: str = "",
    allow_generic: bool = True,
) -> tuple[Candidate | None, str, Candidate | None]:
    """The one indicator the figure belongs to, or None with the reason why not, and a
    best guess when two series tie (for the reviewer, never committed).

    scopes: texts in which context words are looked up, nearest first
    (sentence before the figure, sentence, paragraph, article title, article
    text); a generic alias needs its context no further away than the title.
    frame: a leading "电商物流指数中," of the sentence, checked for exclude words.
    allow_generic: False when a generic alias (交易金额) only continues the
    subject of the clause before, which was not a series itself.
    """
    if quantity.is_range:
        return None, "range", None
    subject = squeeze(subject)
    frame = squeeze(frame)
    scopes = [squeeze(s) for s in scopes]
    candidates: list[Candidate] = []
    for indicator in catalog.indicators:
        if indicator.measure != measure:
            continue
        value = convert(quantity, indicator.unit)
        if value is None:
            continue
        aliases = [a for a in indicator.aliases if _named(a, subject)]
        if not aliases:
            # "快递服务企业业务量" is the 快递业务量, "1—10 月新能源汽车累计销量" the
            # flow 新能源汽车销量 over those months.
            summed = indicator.kind == "flow" or indicator.measure in ("yoy", "yoy_2y")
            plain = plain_name(subject, summed=summed)
            aliases = [a for a in indicator.aliases if _named(a, plain)]
        if not aliases and measure in RATE_MEASURES:
            aliases = _stems_named(indicator, subject)
        if not aliases:
            if not allow_generic:
                continue
            aliases = [a for a in indicator.generic_aliases if _bare_generic(a, subject, indicator)]
            if not aliases or _context_level(indicator, scopes[:4]) is None:
                continue
        if any(_joined(word) in _joined(subject + frame) for word in indicator.exclude):
            continue
        if _another_industry(subject, max(aliases, key=len), indicator):
            continue
        level = _context_level(indicator, scopes)
        if level is None:
            continue
        candidates.append(Candidate(indicator, value, max(aliases, key=len), level))
    if not candidates:
        return None, "no indicator", None
    candidates.sort(key=lambda c: (-len(c.alias), c.context_level))
    best = candidates[0]
    if len(candidates) > 1:
        second = candidates[1]
        if len(second.alias) == len(best.alias) and second.context_level == best.context_level:
            tied = ", ".join(c.indicator.id for c in candidates[:2])
            return None, f"ambiguous: {tied}", best
    return best, "ok", None
