"""How numbers, qualifiers and periods read on screen: units always, Chinese labels."""

from __future__ import annotations

import html
import re

from loaders.vocab import qualifiers
from loaders.vocab.missing import is_missing
from loaders.vocab.periods import PeriodError, period_label_zh

# How a qualifier reads on a page: the vocabulary's sign before a number, its label in words.
QUALIFIER_SIGNS = qualifiers.SIGN
QUALIFIER_LABELS = qualifiers.LABEL_ZH

# Units written straight after the number (12.5%); the others take a thin space (367 亿元).
_UNITS_WITHOUT_SPACE = {"%"}


def format_number(value: float | int | None, decimals: int = 2) -> str:
    """1750.0 -> "1,750"; 75.1 -> "75.1"; -3.25 -> "-3.25"; missing -> "—"."""
    if is_missing(value):
        return "—"
    number = float(value)  # type: ignore[arg-type]
    text = f"{number:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


# A stored figure is the stated one in the catalog's unit (1,765 万吨 is 0.1765 亿吨): it is
# shown with as many decimals as it takes to read exactly (up to STATED_DECIMALS), never
# rounder than stated. A value with no short exact form (a computed growth rate) is shown
# with the default two.
STATED_DECIMALS = 6


def stated_decimals(value: float, default: int = 2) -> int:
    """The decimals that show value as stated: 0.1765 -> 4, 284.7 -> 2 (the default is the
    least), 5.263157894 -> 2 (no exact form of at most STATED_DECIMALS: computed)."""
    for decimals in range(STATED_DECIMALS + 1):
        if abs(round(value, decimals) - value) <= 1e-9 * max(1.0, abs(value)):
            return max(decimals, default)
    return default


def with_unit(number_text: str, unit: str | None) -> str:
    if not unit:
        return number_text
    separator = "" if unit in _UNITS_WITHOUT_SPACE else " "
    return f"{number_text}{separator}{unit}"


def format_value(
    value: float | None,
    unit: str | None,
    qualifier: str | None = "exact",
    value_high: float | None = None,
) -> str:
    """A stored figure as it should read: "≥4,500 亿元", "≈3.5%", "55–60%", "0.1765 亿吨"
    (never rounder than stated, see stated_decimals)."""
    if is_missing(value):
        return "—"
    number = format_number(value, stated_decimals(float(value)))  # type: ignore[arg-type]
    if not is_missing(value_high):
        high = float(value_high)  # type: ignore[arg-type]
        number = f"{number}–{format_number(high, stated_decimals(high))}"
    sign = QUALIFIER_SIGNS.get(qualifier or "exact", "")
    return with_unit(f"{sign}{number}", unit)


def period_label(period: str | None) -> str:
    """The Chinese label of a period string; the raw text when it is outside the grammar."""
    if not period:
        return "—"
    try:
        return period_label_zh(period)
    except PeriodError:
        return period


def indicator_label(name_zh: str, name_en: str | None) -> str:
    """ "全国社会物流总额 (Total value of social logistics)"."""
    return f"{name_zh} ({name_en})" if name_en else name_zh


def format_change(
    value: float | None,
    previous: float | None,
    unit: str | None,
    *,
    approximate: bool = False,
) -> str | None:
    """The change from a previous comparable value, signed, with its unit; ≈ after the sign
    when either value is an approximation (what is computed from one is approximate too;
    the sign stays first, as st.metric colours a delta by it).

    Rates change in percentage points (a rise from 5% to 7% is +2 个百分点, not +40%);
    amounts show the absolute change and the relative one.
    """
    if is_missing(value) or is_missing(previous):
        return None
    change = float(value) - float(previous)  # type: ignore[arg-type]
    approx = "≈" if approximate else ""
    if unit == "%":
        return f"{_signed(change, approx)} 个百分点"
    text = with_unit(_signed(change, approx), unit)
    if float(previous) != 0:  # type: ignore[arg-type]
        ratio = change / abs(float(previous)) * 100  # type: ignore[arg-type]
        text += f"（{_signed(ratio, approx, 1)}%）"
    return text


def _signed(number: float, approx: str, decimals: int = 2) -> str:
    """+2, -3.5, 0; with approx ("≈") after the sign: +≈2, -≈3.5."""
    text = format_number(abs(number), decimals)
    if text == "0":
        return f"{approx}0"
    return f"{'+' if number > 0 else '-'}{approx}{text}"


def wrap_for_hover(text: str | None, width: int = 32) -> str:
    """Escape a quote for plotly's hover (which reads <br>, <b> as markup) and wrap it.

    Chinese has no spaces to break on, so lines are cut about every `width` characters,
    never inside a figure or a Latin word ("7.2%" stays on one line).
    """
    if not text:
        return ""
    if len(text) <= width:  # one line: no need to find where it could break
        return html.escape(text, quote=False)
    lines: list[str] = []
    current = ""
    for token in _HOVER_TOKEN.findall(text):
        if current and len(current) + len(token) > width:
            lines.append(current)
            current = ""
        current += token
    lines.append(current)
    return "<br>".join(html.escape(line, quote=False) for line in lines)


# A figure or a Latin word is one token for wrapping; any other character is its own.
_HOVER_TOKEN = re.compile(r"[0-9A-Za-z.,%/\-]+|.", re.S)


def empty_state_message(editor: bool) -> str:
    """What to do when the store holds no issue yet (every page shows it)."""
    lines = [
        "还没有数据。添加期刊的方法：",
        "- `make run`：从 data/briefs 下的期刊建库并启动看板；",
        "- `python -m loaders ingest FILE`：导入一期期刊文件（.txt / .md / .pdf / .docx）；",
    ]
    if editor:
        lines.append(
            "- 在侧栏的 **上传** 页面上传一期期刊，或在 **导入** 页面一次导入多期（编辑可用）；"
        )
    else:
        lines.append("- 编辑登录后可在 **上传** 或 **导入** 页面添加期刊；")
    lines.append(DEMO_HINT)
    return "\n".join(lines)


# Where a newcomer with one issue sees lines at once: a separate store, never the real one.
DEMO_HINT = (
    "- `make demo`：在单独的示例库（生成的 6 年期刊）上打开看板，先看看趋势、修订与各期版本。"
)
# Below this many issues a trend is one to three points: the sidebar says how to get more.
FEW_ISSUES = 3


def few_issues_hint(issue_count: int, editor: bool) -> str | None:
    """What the sidebar says while the store holds only a few issues (None once it holds more)."""
    if not 0 < issue_count < FEW_ISSUES:
        return None
    where = "在 **导入** 页面导入往期简报（文件夹或 zip）" if editor else "请编辑导入往期简报"
    return f"库中只有 {issue_count} 期，趋势只有几个点：{where}，或用 `make demo` 看示例数据。"


def issue_label_from_key(issue_key: str | None) -> str:
    """ "2021-15" -> "2021 年第 15 期" (the store's key is year-number)."""
    if not issue_key:
        return ""
    year, _, number = issue_key.partition("-")
    if not (year.isdigit() and number.isdigit()):
        return issue_key
    return f"{int(year)} 年第 {int(number)} 期"


IMPORT_STATE_LABELS = {
    "running": "进行中",
    "stopping": "正在停止",
    "stopped": "已停止（可继续）",
    "done": "已完成",
    "interrupted": "已中断（可继续）",
}


def import_state_label(state: str) -> str:
    """How an archive import's state reads (loaders.services.imports.job_state)."""
    return IMPORT_STATE_LABELS.get(state, state)
