"""An upload's review: from a file to the frames an editor checks, and back to an issue to
commit. The 上传 page holds only the widgets; every decision is in these modules.

    read_upload(bytes, name, catalog)  -> Extraction (a brief, or a figures table)
    figures_frame / unassigned_frame   -> DataFrames the editor reviews (review_frames)
    review_numbers(...)                -> every number of the text as the review would store it
    add_number(...)                    -> a number of the text made a figure row to include
                                          (both review_numbers)
    rebuild_extraction(...)            -> Review: an Extraction, or every problem by row
    second_look(store, review, ...)    -> the values the stored series doubt, with the reason
    drop_held(...)                     -> those values unticked (not written) (both held_values)
    ingest.preview(store, ...)         -> new / unchanged / replaced (+ diff), nothing written
    commit_upload(..., role=...)       -> one transaction: figures and audit rows (upload_commit)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pydantic import ValidationError

from loaders.catalog.indicators import Catalog
from loaders.errors import BriefReadError
from loaders.guards.text_safety import strip_unsafe
from loaders.intake.figures_table import parse_figures_table
from loaders.intake.reviewed_rows import RowError, header_problems, validate_rows
from loaders.intake.table_format import TABLE_SUFFIXES
from loaders.models import Extraction, IssueHeader, Observation
from loaders.services.storable import extraction_problems
from loaders.text import BRIEF_SUFFIXES
from loaders.vocab.missing import is_missing, plain, text_or_empty

UPLOAD_TYPES = [suffix.lstrip(".") for suffix in BRIEF_SUFFIXES + TABLE_SUFFIXES]

# The fields of a figure an editor may change; any change makes the figure "reviewed".
_EDITABLE = ("indicator", "period", "value", "value_high", "unit", "qualifier", "forecast")


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
