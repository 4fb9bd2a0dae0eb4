"""An upload's review: from a file to the frames an editor checks, and back to an issue to
commit. The 上传 page holds only the widgets; every decision is here.

    read_upload(bytes, name, catalog)  -> Extraction (a brief, or a figures table)
    figures_frame / unassigned_frame   -> DataFrames the editor reviews
    review_numbers(...)                -> every number of the text as the review would store it
    add_number(...)                    -> a number of the text made a figure row to include
    rebuild_extraction(...)            -> Review: an Extraction, or every problem by row
    second_look(store, review, ...)    -> the values the stored series doubt, with the reason
    drop_held(...)                     -> those values unticked (not written)
    ingest.preview(store, ...)         -> new / unchanged / replaced (+ diff), nothing written
    commit_upload(..., role=...)       -> one transaction: figures and audit rows
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
from pydantic import ValidationError

from loaders.catalog.indicators import Catalog
from loaders.errors import BriefReadError
from loaders.figures.number_states import (
    REASONS,
    FigureSpan,
    account_for_text,
    figure_spans,
    number_value,
    place_of,
)
from loaders.guards.text_safety import strip_unsafe
from loaders.intake.figures_table import TABLE_SUFFIXES, parse_figures_table
from loaders.intake.reviewed_rows import RowError, header_problems, validate_rows
from loaders.models import (
    Article,
    Extraction,
    IssueHeader,
    NumberState,
    Observation,
    UnassignedFigure,
)
from loaders.services.ingest import (
    IngestResult,
    Overwrite,
    Seen,
    UploadRecord,
    ingest,
)
from loaders.services.permissions import require_editor
from loaders.services.second_look import doubt_of, doubts_in_store
from loaders.services.storable import extraction_problems
from loaders.store import Store, StoreError
from loaders.text.sentences import Sentence, sentences
from loaders.vocab import units
from loaders.vocab.frames import records
from loaders.vocab.missing import is_blank, is_missing, plain, text_or_empty
from loaders.vocab.quantities import Quantity, find_quantities
from loaders.vocab.timeexpr import find_time_expressions

BRIEF_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
UPLOAD_TYPES = [suffix.lstrip(".") for suffix in BRIEF_SUFFIXES + TABLE_SUFFIXES]

# Columns the editor sees, in order; the rest of each frame carries provenance untouched.
# The number as the text writes it comes right after 写入: on a phone's 390 px the grid
# shows three columns before it scrolls, and the number is what the editor checks first.
FIGURE_COLUMNS = [
    "include",
    "figure_text",
    "indicator",
    "name_zh",
    "period",
    "value",
    "value_high",
    "unit",
    "qualifier",
    "forecast",
    "quote",
]
UNASSIGNED_COLUMNS = [
    "include",
    "figure_text",
    "indicator",
    "name_zh",
    "subject",
    "reason",
    "period",
    "value",
    "unit",
    "qualifier",
    "forecast",
    "quote",
]
PROVENANCE_COLUMNS = [
    "value_high",
    "derived",
    "figure_text",
    "period_text",
    "article",
    "article_index",
    "editor",
    "span_start",
    "span_end",
    "figure_start",
    "source_row",
    "source_org",
]
# The fields of a figure an editor may change; any change makes the figure "reviewed".
_EDITABLE = ("indicator", "period", "value", "value_high", "unit", "qualifier", "forecast")
UNKNOWN_NAME = "（未知指标）"


def read_upload(data: bytes, filename: str, catalog: Catalog) -> Extraction:
    """Read an uploaded file: a brief runs through the loaders, a table is parsed as figures.
    The name becomes the issue's source: controls and bidi overrides are dropped from it."""
    filename = strip_unsafe(filename)
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix in TABLE_SUFFIXES:
        return parse_figures_table(data, filename)
    if suffix in BRIEF_SUFFIXES:
        # Imported here: the pipeline pulls in PDF/DOCX readers the table path never needs.
        from loaders.intake.pipeline import extract_bytes

        return extract_bytes(data, filename, catalog)
    raise BriefReadError(
        f"不支持的文件类型 {suffix or '(无扩展名)'}；可上传 {', '.join(UPLOAD_TYPES)}",
        source=filename,
    )


def name_for(indicator: Any, catalog: Catalog) -> str:
    """The Chinese name of an indicator id; "" for none, UNKNOWN_NAME for an unknown id."""
    if is_blank(indicator):
        return ""
    found = catalog.get(str(indicator))
    return found.name_zh if found else UNKNOWN_NAME


def unit_of(indicator: Any, catalog: Catalog) -> str:
    found = None if is_blank(indicator) else catalog.get(str(indicator))
    return found.unit if found else ""


def _numbered(rows: list[dict], columns: list[str], items: Sequence[Any]) -> pd.DataFrame:
    """The review table, its rows numbered as the error messages number them: the row of the
    figures table each came from (blank rows counted), or 1, 2, … for a brief's figures."""
    frame = pd.DataFrame(rows, columns=columns)
    sources = [item.source_row for item in items]
    numbers = sources if all(sources) and len(set(sources)) == len(sources) else None
    frame.index = pd.Index(numbers) if numbers else pd.RangeIndex(1, len(frame) + 1)
    return frame


def figures_frame(extraction: Extraction, catalog: Catalog) -> pd.DataFrame:
    """One row per figure mapped onto an indicator, all included by default."""
    rows = []
    first_value: dict[tuple[str, str, bool], float] = {}
    for o in extraction.observations:
        key = (o.indicator, o.period, o.forecast)
        # The same figure quoted twice in one issue is one statement: pre-untick the repeat.
        # A repeat with another value stays ticked, so the review makes the editor choose.
        repeat = key in first_value and first_value[key] == o.value
        first_value.setdefault(key, o.value)
        rows.append(
            {
                "include": not repeat,
                "indicator": o.indicator,
                "name_zh": name_for(o.indicator, catalog),
                "period": o.period,
                "value": o.value,
                "unit": o.unit or unit_of(o.indicator, catalog),
                "qualifier": o.qualifier,
                "forecast": o.forecast,
                "quote": o.quote,
                **{name: getattr(o, name) for name in PROVENANCE_COLUMNS},
            }
        )
    return _numbered(
        rows,
        FIGURE_COLUMNS + [c for c in PROVENANCE_COLUMNS if c not in FIGURE_COLUMNS],
        extraction.observations,
    )


def unassigned_reason(figure: UnassignedFigure, catalog: Catalog | None = None) -> str:
    """Why the loaders left a figure to review, in words, with the series they would guess."""
    reason = REASONS.get(figure.reason, figure.reason) if figure.reason else ""
    if figure.suggested_indicator:
        found = catalog.get(figure.suggested_indicator) if catalog else None
        suggested = found.name_zh if found else figure.suggested_indicator
        reason = f"{reason}（建议：{suggested}）" if reason else f"建议：{suggested}"
    return reason


def unassigned_frame(extraction: Extraction, catalog: Catalog | None = None) -> pd.DataFrame:
    """One row per figure the loaders could not map; none included until the editor assigns it.
    With the catalog, the reason names the suggested series by its name."""
    rows = []
    for u in extraction.unassigned:
        value, unit = units.readable(u.value, u.unit)
        rows.append(
            {
                "include": False,
                "indicator": None,
                "name_zh": "",
                # Prefilled when the loaders resolved the period; the editor may correct it.
                "period": u.period or "",
                "value": value,
                "unit": unit,
                "qualifier": u.qualifier,
                "forecast": u.forecast,
                "subject": u.subject,
                "reason": unassigned_reason(u, catalog),
                "figure_text": u.figure_text,
                "quote": u.quote,
                **{
                    name: getattr(u, name)
                    for name in PROVENANCE_COLUMNS
                    if name not in ("derived", "figure_text")
                },
                "derived": False,
            }
        )
    columns = UNASSIGNED_COLUMNS + [c for c in PROVENANCE_COLUMNS if c != "figure_text"]
    return _numbered(rows, columns, extraction.unassigned)


def refresh_names(frame: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """A copy with name_zh matching each row's indicator (after the editor changed one)."""
    fresh = frame.copy()
    fresh["name_zh"] = [name_for(indicator, catalog) for indicator in fresh["indicator"]]
    return fresh


def names_stale(frame: pd.DataFrame, catalog: Catalog) -> bool:
    return any(
        text_or_empty(name) != name_for(indicator, catalog)
        for indicator, name in zip(frame["indicator"], frame["name_zh"], strict=True)
    )


@dataclass
class Review:
    """The outcome of checking the edited tables: an Extraction to store, or what is wrong."""

    extraction: Extraction | None
    errors: list[str] = field(default_factory=list)
    row_errors: list[RowError] = field(default_factory=list)
    edited: bool = False
    # (table, row as the editor sees it) of each observation of the extraction, in order.
    places: list[tuple[str, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.extraction is not None and not self.errors


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    # value keeps NaN so the review can say "not a finite number" instead of "missing".
    return [
        {k: (plain(v) if k != "value" or v is None else float(v)) for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]


def _content_digest(extraction: Extraction) -> str:
    payload = {
        "issue": extraction.issue.model_dump(mode="json"),
        "observations": [
            o.model_dump(mode="json", exclude={"origin"}) for o in extraction.observations
        ],
        "unassigned": [u.model_dump(mode="json") for u in extraction.unassigned],
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)


def _origin(before: Observation | None, after: Observation) -> str:
    """extracted stays extracted only untouched; a typed row stays typed; else reviewed."""
    if before is None:
        return "reviewed"  # an unassigned figure the editor assigned
    untouched = all(getattr(before, name) == getattr(after, name) for name in _EDITABLE)
    if untouched or before.origin == "typed":
        return before.origin
    return "reviewed"


def rebuild_extraction(
    original: Extraction,
    header: dict[str, Any],
    figures: pd.DataFrame,
    unassigned: pd.DataFrame,
    catalog: Catalog,
) -> Review:
    """Validate the reviewed header and rows; on success an Extraction ready for the store.

    Figures not included are left out. Unassigned figures that were included (assigned an
    indicator) become observations; the rest stay unassigned, as the loaders found them.
    Each observation records whether an editor changed it (origin "reviewed").
    Long because it checks every field of the header, the figures and the unassigned rows
    and names each problem by table and row in one list; the checks themselves live in
    loaders.intake.reviewed_rows.
    """
    errors: list[str] = []
    try:
        issue = IssueHeader.model_validate({k: plain(v) for k, v in header.items()})
    except ValidationError as exc:
        issue = None
        for error in exc.errors():
            field_name = ".".join(str(p) for p in error["loc"])
            errors.append(f"期刊信息，字段 {field_name}：{error['msg']}")
    else:
        errors.extend(
            f"期刊信息，字段 {field_name}：{problem}"
            for field_name, problem in header_problems(issue)
        )

    figure_rows = _records(figures)
    unassigned_rows = _records(unassigned)
    candidates = [
        ("figures", number, row)
        for number, row in zip(figures.index, figure_rows, strict=True)
        if row.get("include")
    ] + [
        ("unassigned", number, row)
        for number, row in zip(unassigned.index, unassigned_rows, strict=True)
        if row.get("include")
    ]
    valid, row_errors = validate_rows(candidates, catalog)
    errors.extend(str(error) for error in row_errors)
    if errors or issue is None:
        return Review(None, errors, row_errors)

    # Rows are numbered as the editor sees them; the figures they came from, by position.
    figure_position = {number: i for i, number in enumerate(figures.index)}
    observations, places = [], []
    for item in valid:
        row, source = item.fields, item.source
        observation = Observation(
            indicator=row.indicator,
            period=row.period,
            value=row.value,
            value_high=row.value_high,
            unit=row.unit,
            qualifier=row.qualifier,
            forecast=row.forecast,
            derived=bool(plain(source.get("derived")) or False),
            figure_text=text_or_empty(source.get("figure_text")),
            period_text=text_or_empty(source.get("period_text")),
            quote=text_or_empty(source.get("quote")),
            article=text_or_empty(source.get("article")),
            article_index=_int(source.get("article_index")),
            editor=plain(source.get("editor")),
            span_start=_int(source.get("span_start")),
            span_end=_int(source.get("span_end")),
            figure_start=_optional_int(source.get("figure_start")),
            source_row=_optional_int(source.get("source_row")),
            source_org=plain(source.get("source_org")),
        )
        position = figure_position.get(item.row) if item.table == "figures" else None
        # A row past the loaders' own is a number the editor added (add_number).
        known = position is not None and position < len(original.observations)
        before = original.observations[position] if known else None
        observations.append(observation.model_copy(update={"origin": _origin(before, observation)}))
        places.append((item.table, int(item.row)))
    still_unassigned = [
        figure
        for figure, row in zip(original.unassigned, unassigned_rows, strict=False)
        if not row.get("include")
    ]
    rebuilt = original.model_copy(
        update={"issue": issue, "observations": observations, "unassigned": still_unassigned}
    )
    # Titles, quotes, file name …: the gate's refusals (loaders.services.storable), including
    # text the editor cannot change here (a brief's own titles and quotes), named by row.
    formulas = extraction_problems(rebuilt)
    if formulas:
        return Review(None, formulas)
    edited = _content_digest(rebuilt) != _content_digest(original)
    if edited:
        # Edited content gets its own fingerprint, so the store sees a new version; the
        # same file committed unedited keeps the file's hash and reads as "already stored".
        digest = hashlib.sha256((original.sha256 + _content_digest(rebuilt)).encode("utf-8"))
        rebuilt = rebuilt.model_copy(update={"sha256": digest.hexdigest()})
    return Review(rebuilt, [], [], edited=edited, places=places)


def _int(value: Any, default: int = 0) -> int:
    return default if is_missing(value) else int(plain(value))


def _optional_int(value: Any) -> int | None:
    return None if is_missing(value) else int(plain(value))


# ------------------------------------------------------------------ numbers of the text


def _included_span(
    at: tuple[int, int], row: dict[str, Any], before: Observation | None
) -> FigureSpan:
    """A row the editor ticked: an observation of its indicator (as the loaders read it, or
    reviewed), or a figure still waiting for one."""
    indicator = text_or_empty(row.get("indicator")) or None
    period = text_or_empty(row.get("period")) or None
    if indicator is None:
        return FigureSpan(*at, "unassigned", "pending", None, period)
    untouched = before is not None and (before.indicator, before.period) == (indicator, period)
    return FigureSpan(*at, "observation", "mapped" if untouched else "reviewed", indicator, period)


# What review_numbers and add_number read of a review row: whether it is ticked, its series
# and period, and its place in the text.
_PLACE_COLUMNS = (
    "include",
    "indicator",
    "period",
    "figure_start",
    "figure_text",
    "span_start",
    "span_end",
)


def _placed(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return records(frame, _PLACE_COLUMNS)


def review_numbers(
    extraction: Extraction, figures: pd.DataFrame, unassigned: pd.DataFrame
) -> list[NumberState]:
    """Every number of the text as committing the review tables now would store it
    (loaders.figures.number_states, the rule the issue page uses for a stored issue): a ticked row
    is an observation of its indicator, a figure the editor unticked is left out, an
    unassigned figure left as it is keeps the loaders' reason and suggestion."""
    text = extraction.clean_text
    spans = figure_spans([], extraction.repeats, [])
    known = extraction.observations
    for position, row in enumerate(_placed(figures)):
        at = place_of(text, row)
        if at is None:
            continue
        before = known[position] if position < len(known) else None
        if row.get("include"):
            spans.append(_included_span(at, row, before))
        elif before is not None:
            spans.append(FigureSpan(*at, "ignored", "left_out"))
    for position, row in enumerate(_placed(unassigned)):
        at = place_of(text, row)
        if at is None:
            continue
        if row.get("include"):
            spans.append(_included_span(at, row, None))
        elif position < len(extraction.unassigned):
            spans += figure_spans([], [], [extraction.unassigned[position]])
    return account_for_text(text, extraction.issue.published, extraction.articles, spans)


@dataclass(frozen=True)
class AddedNumber:
    """The review tables after a number was made a figure to include, and where it went."""

    figures: pd.DataFrame
    unassigned: pd.DataFrame
    table: str  # "figures" or "unassigned"
    row: int  # as the table numbers it
    message: str


class NotANumber(ValueError):
    """No number of the text starts there, or it is already an observation."""


def add_number(
    extraction: Extraction,
    figures: pd.DataFrame,
    unassigned: pd.DataFrame,
    start: int,
    catalog: Catalog,
) -> AddedNumber:
    """The number of the text at start, as a figure the review will include (ticked), with
    its quote, place, suggested indicator and period filled in; the editor checks it in the
    tables and commits it through rebuild_extraction like any other row.

    An unassigned figure (or one the editor had unticked) is ticked where it stands; a
    number the loaders ignored becomes a new row of the figures table.
    """
    numbers = review_numbers(extraction, figures, unassigned)
    number = next((n for n in numbers if n.start == start), None)
    if number is None:
        raise NotANumber(f"原文第 {start} 个字符处没有数字")
    if number.state == "observation":
        raise NotANumber(f"{number.text} 已是数据（{number.indicator}）")
    text = extraction.clean_text
    for table, frame in (("unassigned", unassigned), ("figures", figures)):
        for position, row in enumerate(_placed(frame)):
            at = place_of(text, row)
            if at is None or not at[0] <= start < at[1]:
                continue
            updated = frame.copy()
            label = frame.index[position]
            updated.at[label, "include"] = True
            if table == "unassigned" and position < len(extraction.unassigned):
                figure = extraction.unassigned[position]
                indicator = text_or_empty(row.get("indicator")) or figure.suggested_indicator
                period = text_or_empty(row.get("period")) or figure.suggested_period or ""
                updated.at[label, "indicator"] = indicator
                updated.at[label, "name_zh"] = name_for(indicator, catalog)
                updated.at[label, "period"] = period
            added = (figures, updated) if table == "unassigned" else (updated, unassigned)
            return AddedNumber(*added, table, int(label), _added_message(table, int(label)))
    row = _number_row(extraction, number, numbers, catalog)
    label = int(figures.index.max()) + 1 if len(figures) else 1
    added_row = pd.DataFrame([row], columns=figures.columns, index=[label])
    grown = pd.concat([figures, added_row]) if len(figures) else added_row
    return AddedNumber(grown, unassigned, "figures", label, _added_message("figures", label))


def _added_message(table: str, row: int) -> str:
    where = "识别的数据" if table == "figures" else "未归类的数字"
    return f"已加入「{where}」第 {row} 行并勾选写入：请核对指标、期间、数值和单位，然后提交。"


def _article_of(articles: Sequence[Article], at: int) -> Article | None:
    """The article a number belongs to: the one it stands in, or the one whose title it is
    in (the next one); the last for a number after every article."""
    for article in articles:
        if at < article.end:
            return article
    return articles[-1] if articles else None


def _sentence_at(text: str, at: int) -> Sentence:
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    for sentence in sentences(line_start, line):
        if sentence.start <= at < sentence.end:
            return sentence
    return Sentence(line_start, line_start + len(line), line)


def _quantity_at(sentence: Sentence, at: int) -> Quantity | None:
    offset = at - sentence.start
    return next(
        (q for q in find_quantities(sentence.text) if q.start <= offset < q.end),
        None,
    )


def _period_near(
    number: NumberState, numbers: Sequence[NumberState], sentence: Sentence, extraction: Extraction
) -> str | None:
    """A guess at the period of a number the loaders ignored: that of the nearest figure of
    its sentence, else the nearest period its sentence names (before it, then after)."""
    inside = [n for n in numbers if sentence.start <= n.start < sentence.end and n.period]
    before = [n for n in inside if n.start < number.start]
    after = [n for n in inside if n.start > number.start]
    if before or after:
        return (before[-1] if before else after[0]).period
    offset = number.start - sentence.start
    named = [
        expr
        for expr in find_time_expressions(sentence.text, extraction.issue.published)
        if expr.period and expr.role != "reference" and not expr.start <= offset < expr.end
    ]
    earlier = [expr for expr in named if expr.end <= offset]
    later = [expr for expr in named if expr.start > offset]
    found = earlier[-1] if earlier else (later[0] if later else None)
    return found.period if found else None


def _number_row(
    extraction: Extraction, number: NumberState, numbers: Sequence[NumberState], catalog: Catalog
) -> dict[str, Any]:
    """A figures-table row for a number the loaders ignored, read from its sentence: the
    quantity there (value, unit, qualifier as written), the quote, its place, a period."""
    sentence = _sentence_at(extraction.clean_text, number.start)
    quantity = _quantity_at(sentence, number.start)
    article = _article_of(extraction.articles, number.start)
    if quantity is not None:
        value, unit = units.readable(quantity.value, quantity.unit)
        high = (
            None
            if quantity.value_high is None
            else units.convert(quantity.value_high, quantity.unit, unit)
        )
        figure_text, figure_start = quantity.text, sentence.start + quantity.start
        qualifier = quantity.qualifier
    else:
        value, unit, high = number_value(number.text), "", None
        figure_text, figure_start, qualifier = number.text, number.start, "exact"
    indicator = number.indicator or number.suggested_indicator
    return {
        "include": True,
        "indicator": indicator,
        "name_zh": name_for(indicator, catalog),
        "figure_text": figure_text,
        "period": number.period or _period_near(number, numbers, sentence, extraction) or "",
        "value": value,
        "value_high": high,
        "unit": unit,
        "qualifier": qualifier,
        "forecast": False,
        "quote": sentence.text,
        "derived": False,
        "period_text": "",
        "article": article.title if article else "",
        "article_index": article.index if article else 0,
        "editor": article.editor if article else None,
        "span_start": sentence.start,
        "span_end": sentence.end,
        "figure_start": figure_start,
        "source_row": None,
    }


# ------------------------------------------------------------------ the second look


@dataclass(frozen=True)
class HeldValue:
    """A value of the review that the stored series doubt (loaders.series.plausibility: a total
    since launch that falls, a value 5x its neighbours …), with the reason in words. The
    review writes it only once the editor confirmed it, or leaves it out (drop_held)."""

    table: str  # "figures" or "unassigned": the review table of its row
    row: int  # as the table numbers it
    indicator: str
    period: str
    value: float  # in the catalog unit
    unit: str
    forecast: bool
    at: tuple[int, int] | None  # where the figure stands in the clean text
    reason: str  # cumulative_falls | ratio | out_of_range | growth_disagrees
    detail: str  # in Chinese, for the reviewer

    @property
    def key(self) -> str:
        """What a confirmation is of: this row with this series, period and value, so an
        edit of any of them asks again."""
        return "|".join(
            [self.table, str(self.row), self.indicator, self.period, repr(self.value)]
            + ["forecast" if self.forecast else ""]
        )


def second_look(store: Store, review: Review, catalog: Catalog) -> list[HeldValue]:
    """The values of a review ready to commit that the series in the store doubt (the check
    a batch import makes before a value joins its series; loaders.services.second_look),
    each with the row it came from. None for a review with problems: rows are checked
    once they are valid."""
    extraction = review.extraction
    if not review.ok or extraction is None or not extraction.observations:
        return []
    with store.read() as cur:
        found = doubts_in_store(cur, extraction, catalog)
    held = []
    for obs, (table, row), doubt in zip(extraction.observations, review.places, found, strict=True):
        if doubt is None:
            continue
        held.append(
            HeldValue(
                table,
                row,
                obs.indicator,
                obs.period,
                obs.value,
                obs.unit or unit_of(obs.indicator, catalog),
                obs.forecast,
                place_of(extraction.clean_text, obs.model_dump()),
                doubt.reason,
                doubt.detail,
            )
        )
    return held


def unconfirmed(held: Sequence[HeldValue], confirmed: Collection[str]) -> list[HeldValue]:
    """The held values the editor has not confirmed yet: the commit waits for these."""
    return [value for value in held if value.key not in confirmed]


def drop_held(
    figures: pd.DataFrame, unassigned: pd.DataFrame, held: Sequence[HeldValue]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The review tables with the rows of these held values unticked: not written."""
    frames = {"figures": figures.copy(), "unassigned": unassigned.copy()}
    for value in held:
        frame = frames[value.table]
        if value.row in frame.index:
            frame.at[value.row, "include"] = False
    return frames["figures"], frames["unassigned"]


def held_at(numbers: Sequence[NumberState], held: Sequence[HeldValue]) -> dict[int, str]:
    """number start -> the doubt about the figure it is part of, for the marks in the text."""
    flags: dict[int, str] = {}
    for value in held:
        if value.at is None:
            continue
        for number in numbers:
            if value.at[0] <= number.start < value.at[1]:
                flags.setdefault(number.start, value.detail)
    return flags


def held_in_store(
    numbers: Sequence[NumberState], text: str, unassigned: pd.DataFrame
) -> dict[int, str]:
    """number start -> the doubt, for the numbers of a stored issue's figures that a batch
    import set aside in the unassigned queue (loaders.services.second_look); `unassigned`
    as queries.unassigned_for_issue gives it."""
    flags: dict[int, str] = {}
    if unassigned.empty:
        return flags
    for row in records(unassigned):
        doubt = doubt_of(row.get("subject"), row.get("suggested_indicator"))
        at = place_of(text, row) if doubt else None
        if at is None:
            continue
        for number in numbers:
            if at[0] <= number.start < at[1]:
                flags.setdefault(number.start, doubt)
    return flags


class KeptStoredVersion(StoreError):
    """A commit that wrote nothing because another version is stored (replace not confirmed,
    or another editor committed after the preview); .result says which."""

    def __init__(self, result: IngestResult):
        super().__init__(result.reason)
        self.result = result


def commit_upload(
    store: Store,
    extraction: Extraction,
    catalog: Catalog,
    *,
    role: str,
    actor: str,
    replace: bool = False,
    file_sha256: str | None = None,
    seen: Seen | None = None,
) -> IngestResult:
    """Write a reviewed issue in one transaction; a stored issue is replaced only if replace=True.

    seen is the stored version the editor's preview showed: if another commit changed it
    since, nothing is written (result.race). Raises NotAllowed for a non-editor before
    anything else, KeptStoredVersion (a StoreError) when another version is kept.
    """
    require_editor(role)
    result = ingest(
        store,
        extraction,
        catalog,
        actor=actor,
        overwrite=Overwrite.ALWAYS if replace else Overwrite.NEVER,
        committed_via="review",
        upload=UploadRecord(extraction.source_name, file_sha256 or extraction.sha256),
        seen=seen,
    )
    if result.status == "kept":
        raise KeptStoredVersion(result)
    return result


@dataclass(frozen=True)
class CommitReport:
    """What a commit did, in words: kind is how the page shows it (success, info, warning)."""

    kind: Literal["success", "info", "warning"]
    message: str
    written: bool


def commit_report(result: IngestResult) -> CommitReport:
    """The message for a commit's real outcome: written, unchanged, or a race lost (named as
    such). Composed from the issue key and counts only: no user text in it."""
    key = result.issue_key
    counts = (
        f"新增 {result.new_points} 个数据点，修订 {len(result.revised)} 个，"
        f"未变 {result.unchanged_points} 个；"
        f"共 {result.observations} 个指标数字，{result.unassigned} 个未归类数字。"
    )
    if result.status == "new":
        return CommitReport("success", f"已写入 {key}：{counts}", True)
    if result.status == "replaced":
        return CommitReport("success", f"已替换 {key}：{counts}", True)
    if result.status == "unchanged" and result.race:
        return CommitReport(
            "warning",
            f"未写入：另一位编辑在你预览之后提交了与此相同的 {key}，数据库中已是这一版本。",
            False,
        )
    if result.status == "unchanged":
        return CommitReport("info", f"未写入：{key} 与数据库中的版本相同，无需再次提交。", False)
    if result.race:
        return CommitReport(
            "warning", f"未写入：{result.reason}。请查看下面的差异，确认后再决定是否替换。", False
        )
    return CommitReport("warning", f"未写入：{result.reason}", False)


def revisions_frame(result: IngestResult, catalog: Catalog) -> pd.DataFrame:
    """Points that revise an earlier issue: old and new value side by side."""
    return pd.DataFrame(
        [
            {
                "指标 indicator": r.indicator,
                "名称": name_for(r.indicator, catalog),
                "期间 period": r.period,
                "预测": r.forecast,
                "原值 old": r.old_value,
                "新值 new": r.new_value,
                "单位": unit_of(r.indicator, catalog),
                "原期 earlier issue": r.old_issue,
            }
            for r in result.revised
        ]
    )


def diff_frame(result: IngestResult, catalog: Catalog) -> pd.DataFrame:
    """What replacing a stored issue changes: added, removed and changed figures."""
    labels = {"added": "新增", "removed": "删除", "changed": "修改"}
    return pd.DataFrame(
        [
            {
                "变化 change": labels.get(change.change, change.change),
                "指标 indicator": change.indicator,
                "名称": name_for(change.indicator, catalog),
                "期间 period": change.period,
                "原值 old": change.old_value,
                "新值 new": change.new_value,
                "单位": unit_of(change.indicator, catalog),
            }
            for change in result.replaced_diff
        ]
    )
