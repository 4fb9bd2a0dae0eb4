"""The figures-table format: its columns, its caps, the template to download and the guide
the format page shows (the readers are loaders.intake.figures_table, xlsx_table and
json_table)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from loaders.guards.csv_safety import csv_bytes
from loaders.intake.reviewed_rows import TEMPLATE_NUMBER, TEMPLATE_TOTAL_NUMBER, TEMPLATE_YEAR

# Tables are small (one issue's figures); 5 MB is thousands of rows, far beyond any issue.
MAX_TABLE_BYTES = 5 * 1024 * 1024
MAX_TABLE_ROWS = 5000
# A figures table has a dozen columns. A sheet that declares more rows or columns than a table
# can have is refused from its <dimension ref> before openpyxl reads it (one cell at
# XFD1048576 had openpyxl fill in 17 billion empty cells: minutes of CPU per upload), and
# reading never fills in more than these rows and columns, whatever the sheet declares.
MAX_TABLE_COLUMNS = 64
TABLE_SUFFIXES = (".csv", ".xlsx", ".json")
HEADER_FIELDS = ("title", "year", "number", "total_number", "published")
FIGURE_FIELDS = ("indicator", "period", "value", "qualifier", "forecast", "note")
OPTIONAL_FIELDS = ("unit", "quote", "article")
TEMPLATE_EXAMPLE = {
    "indicator": "logistics_total",
    "period": "2021-01/2021-06",
    "value": "150.9",
    "qualifier": "exact",
    "forecast": "false",
    "note": "上半年全国社会物流总额 150.9 万亿元",
    "title": "产业创新动态",
    # An issue that cannot collide with a stored one; refused on commit until changed.
    "year": str(TEMPLATE_YEAR),
    "number": str(TEMPLATE_NUMBER),
    "total_number": str(TEMPLATE_TOTAL_NUMBER),
    "published": f"{TEMPLATE_YEAR}-12-31",
}
TABLE_ARTICLE = "数据表"


def template_csv() -> bytes:
    """The download template: UTF-8 with BOM (Excel shows the Chinese), one example row."""
    return csv_bytes(pd.DataFrame([TEMPLATE_EXAMPLE]))


# What each column of a figures table holds (the format page and the upload page show this).
COLUMN_HELP = {
    "indicator": "指标编号（见下表；「指标」页也列出编号），必填",
    "period": "期间，按期间写法（见下），必填",
    "value": "数值，按 unit 列的单位（留空则为指标单位），必填",
    "qualifier": "限定：留空或 exact 为确数；approx/约、more_than/超过、less_than/不足",
    "forecast": "预测：true/是 表示预测值，留空或 false/否 为实际值",
    "derived": "推算（可选）：true 表示由别的数字算出，而非原文所述",
    "note": "备注或原文句子，写入出处",
    "unit": "单位（可选），如 万亿元、亿吨；同一基本单位可自动换算",
    "title": "刊名（每行相同），如 产业创新动态",
    "year": "本期年份（每行相同）",
    "number": "本期期号（每行相同）",
    "total_number": "总期号（可选，每行相同）",
    "published": "出版日期 YYYY-MM-DD（每行相同）",
}
PERIOD_EXAMPLES = (
    ("2020", "2020 年全年"),
    ("2020-H1", "2020 年上半年（H2 下半年）"),
    ("2021-Q1", "2021 年一季度"),
    ("2021-03", "2021 年 3 月"),
    ("2021-09-30", "截至 2021 年 9 月 30 日（某一天）"),
    ("2021-01/2021-09", "2021 年 1—9 月（年初至今累计）"),
    ("2016/2020", "2016—2020 年（多年合计或年均）"),
)


def format_guide(indicators: Sequence[tuple[str, str, str]]) -> str:
    """The figures-table format as Markdown: columns, qualifier words, the period grammar with
    examples, forecast and derived flags, the example issue to change, and every indicator
    id as (id, name_zh, unit)."""
    columns = "\n".join(f"| `{name}` | {text} |" for name, text in COLUMN_HELP.items())
    periods = "\n".join(f"| `{text}` | {meaning} |" for text, meaning in PERIOD_EXAMPLES)
    ids = "\n".join(f"| `{id_}` | {name} | {unit or '—'} |" for id_, name, unit in indicators)
    example = TEMPLATE_EXAMPLE
    return f"""数据表（.csv UTF-8 或 GBK、.xlsx、.json）每行一个数字，本期信息在每行重复。
JSON 与 `python -m loaders extract --json` 的输出格式相同；数据表上限 {MAX_TABLE_BYTES // 2**20} MB。

| 列 | 内容 |
|---|---|
{columns}

**期间写法**

| 写法 | 含义 |
|---|---|
{periods}

**模板的示例行**属于虚构的 {example["year"]} 年第 {example["number"]} 期：上传前请把
year、number、total_number、published 改为要上传的那一期，否则提交时会被拒绝。

**指标编号**（indicator 列）

| 编号 | 名称 | 单位 |
|---|---|---|
{ids}
"""
