"""What may be stored: the one gate every write that stores text passes before it writes.

The rules are the vocabulary's, applied here and nowhere else: loaders.guards.csv_safety's
formula rule (a text a spreadsheet would open as a formula, =HYPERLINK(...)) and
loaders.guards.text_safety's characters (controls, bidi overrides such as U+202E). Text that comes
in from files is cleaned of those characters where it is read (loaders.text.cleaning,
loaders.intake.figures_table); the gate refuses whatever got past, whoever the caller:

- an issue (an ingest, a reviewed upload, a figures table, an archive import):
  `check_extraction`, with the header's bounds, known indicators, periods in the grammar
  and values the series can hold; `extraction_problems` lists its text problems for the
  review;
- a catalog (the 指标 form, `catalog import`, `--catalog` overlays, the seed file):
  `check_catalog` over every name, category, unit, description, source and word, and
  `indicator_problems` per form field;
- an editor's note (the reason of a catalog change): `check_note`.

A refusal is a StoreError that names the place and says nothing was stored (the form's is
an IndicatorFormError naming the field), raised before the write begins.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from loaders.catalog.form import FIELD_LABELS
from loaders.catalog.indicators import LIST_FIELDS, Catalog, Indicator, unknown_indicator_message
from loaders.guards.csv_safety import formula_problem
from loaders.guards.text_safety import unsafe_problem
from loaders.intake.reviewed_rows import header_problems
from loaders.models import Extraction
from loaders.store import StoreError
from loaders.vocab.periods import PeriodError, parse_period

NOTHING_STORED = "未写入 (nothing was stored)"


def text_problem(text: str | None) -> str | None:
    """Why a text cannot be stored as a cell (a formula sign first, or unsafe characters),
    or None: the rule for every short text (names, titles, quotes, units, words, notes)."""
    if not text:
        return None
    return formula_problem(text) or unsafe_problem(text)


def body_problem(text: str | None) -> str | None:
    """Why a long text (a brief, an article) cannot be stored: unsafe characters. It is no
    cell of its own (exports escape it like any cell), so a leading sign is fine."""
    return unsafe_problem(text) if text else None


# ------------------------------------------------------------------ issues

# Text fields a spreadsheet later shows as cells (exports, page downloads), as (attribute,
# label in messages).
_ARTICLE_TEXT = (("title", "标题"), ("editor", "编辑"))
_FIGURE_TEXT = (
    ("quote", "原文"),
    ("article", "文章"),
    ("unit", "单位"),
    ("figure_text", "数字原文"),
    ("period_text", "期间原文"),
    ("editor", "编辑"),
    # The organisation the text cites (loaders.figures.sources): a piece of the text, a cell too.
    ("source_org", "原始来源"),
)
_UNASSIGNED_TEXT = (*_FIGURE_TEXT, ("subject", "所指"), ("period", "期间"))


def _extraction_texts(extraction: Extraction) -> Iterator[tuple[str, str | None]]:
    """(where, text) for every text of the extraction that becomes a cell somewhere."""
    yield "文件名", extraction.source_name
    yield "期刊标题", extraction.issue.title
    for article in extraction.articles:
        for name, label in _ARTICLE_TEXT:
            yield f"文章 {article.index + 1} 的{label}", getattr(article, name)
    for number, observation in enumerate(extraction.observations, start=1):
        for name, label in _FIGURE_TEXT:
            yield f"第 {number} 个数字的{label}", getattr(observation, name)
    for number, figure in enumerate(extraction.unassigned, start=1):
        for name, label in _UNASSIGNED_TEXT:
            yield f"第 {number} 个未归类数字的{label}", getattr(figure, name)


def extraction_problems(extraction: Extraction) -> list[str]:
    """Every text of the extraction the gate refuses, named where it first occurs (an
    article title repeated in each of its figures is named once)."""
    problems: dict[str, str] = {}
    for where, text in _extraction_texts(extraction):
        problem = text_problem(text)
        if problem and text not in problems:
            problems[text] = f"{where} {problem}"
    bodies = [("原文", extraction.clean_text)] + [
        (f"文章 {a.index + 1} 的正文", a.text) for a in extraction.articles
    ]
    for where, text in bodies:
        problem = body_problem(text)
        if problem and text not in problems:
            problems[text] = f"{where} {problem}"
    return list(problems.values())


def check_extraction(extraction: Extraction, catalog: Catalog) -> None:
    """StoreError naming the file and issue when the issue cannot be stored as it is: a
    header out of bounds, a text the gate refuses, an indicator the catalog does not list,
    a period outside the grammar, a value the series cannot hold."""
    where = f"{extraction.source_name} (issue {extraction.issue.key})"
    for field_name, problem in header_problems(extraction.issue)[:1]:
        raise StoreError(f"{where}: 期刊信息，字段 {field_name}：{problem}；{NOTHING_STORED}")
    for problem in extraction_problems(extraction)[:1]:
        raise StoreError(f"{where}: {problem}；{NOTHING_STORED}")
    by_id = catalog.by_id()
    unknown = sorted({o.indicator for o in extraction.observations} - set(by_id))
    if unknown:
        problems = "；".join(unknown_indicator_message(u, catalog.ids()) for u in unknown)
        raise StoreError(f"{where}: {problems}；未写入 (nothing was stored)")
    for number, obs in enumerate(extraction.observations, start=1):
        try:
            parse_period(obs.period)
        except PeriodError as exc:
            raise StoreError(
                f"{where}: indicator {obs.indicator!r}: {exc}; nothing was stored"
            ) from exc
        for label, value in (("数值", obs.value), ("上限", obs.value_high)):
            problem = by_id[obs.indicator].value_problem(value)
            if problem:
                raise StoreError(
                    f"{where}: 第 {number} 个数字的{label}：{problem}；{NOTHING_STORED}"
                )


# ------------------------------------------------------------------ the catalog

# The text fields of an indicator (kind and measure are fixed words, checked by the model).
_INDICATOR_TEXT = ("id", "name_zh", "name_en", "category", "unit", "description", "source")


@dataclass(frozen=True)
class FieldProblem:
    """A text of the catalog the gate refuses: the indicator (None for a shared word list),
    the field (a loaders.catalog.form.FIELD_LABELS key, or the word list's name) and why."""

    indicator: str | None
    field: str
    problem: str

    def __str__(self) -> str:
        if self.indicator is None:
            return f"共享词表 {self.field}：{self.problem}"
        return f"指标 {self.indicator} 的{FIELD_LABELS.get(self.field, self.field)}：{self.problem}"


def indicator_problems(indicator: Indicator) -> list[FieldProblem]:
    """Every text of one indicator the gate refuses, one per field (its first)."""
    found = []
    for field in _INDICATOR_TEXT:
        problem = text_problem(getattr(indicator, field))
        if problem:
            found.append(FieldProblem(indicator.id, field, problem))
    for field in LIST_FIELDS:
        # The words themselves: "@name" as written refers to a word list, checked as such.
        problem = next((p for p in map(text_problem, getattr(indicator, field)) if p), None)
        if problem:
            found.append(FieldProblem(indicator.id, field, problem))
    return found


def catalog_problems(catalog: Catalog) -> list[FieldProblem]:
    """Every text of the catalog the gate refuses: each indicator's, then the word lists'."""
    found = [problem for ind in catalog.indicators for problem in indicator_problems(ind)]
    for name, words in catalog.word_lists.items():
        problem = next((p for p in map(text_problem, (name, *words)) if p), None)
        if problem:
            found.append(FieldProblem(None, name, problem))
    return found


def check_catalog(catalog: Catalog, source: str = "目录") -> None:
    """StoreError naming the source (a file, the form) and the first indicator and field
    whose text the gate refuses."""
    for problem in catalog_problems(catalog)[:1]:
        raise StoreError(f"{source}: {problem}；{NOTHING_STORED}")


# ------------------------------------------------------------------ notes


def check_note(text: str | None, label: str = "原因") -> None:
    """StoreError when an editor's note (the reason written into the history) is refused."""
    problem = text_problem(text)
    if problem:
        raise StoreError(f"{label} {problem}；{NOTHING_STORED}")
