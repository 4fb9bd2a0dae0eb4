"""Review and commit logic behind the 上传 page and the Issues page's admin box.

Every function that writes takes the caller's role and raises PermissionError for anyone
but an editor before it touches the store: hiding a page is not a permission check. The
flow for one upload:

    read_upload(bytes, name)          -> Extraction (brief or figures table)
    figures_frame / unassigned_frame  -> DataFrames the editor reviews in st.data_editor
    rebuild_extraction(...)           -> Review (Extraction or per-row errors; nothing written)
    store.preview_ingest(extraction)  -> new / unchanged / replaced (+ diff), nothing written
    commit_upload(..., role=...)      -> Store.ingest: figures and audit rows, one transaction
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from loaders import units
from loaders.catalog import Catalog, default_catalog
from loaders.errors import BriefReadError
from loaders.figures_table import TABLE_SUFFIXES, parse_figures_table
from loaders.models import Extraction, IssueHeader, Observation
from loaders.review import RowError, validate_rows
from loaders.store import IngestResult, Store

BRIEF_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
UPLOAD_TYPES = [suffix.lstrip(".") for suffix in BRIEF_SUFFIXES + TABLE_SUFFIXES]

# Columns the editor sees, in order; the rest of each frame carries provenance untouched.
FIGURE_COLUMNS = [
    "include",
    "indicator",
    "name_zh",
    "figure_text",
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
    "indicator",
    "name_zh",
    "subject",
    "figure_text",
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
]
UNKNOWN_NAME = "（未知指标）"


def plain_markdown(text: str) -> str:
    """Text safe to pass to st.markdown/st.error: ASCII punctuation backslash-escaped, so links,
    images, :directives: and HTML in user text show as the characters they are.

    A "-" inside a line is markup only at the line's start (list, rule, heading underline), so
    elsewhere it stays as typed: 2021-15 reads and searches as 2021-15.
    """
    out: list[str] = []
    line_start = True
    for ch in text:
        if ch == "\n":
            out.append("  \n")
            line_start = True
            continue
        escape = ch in _MARKDOWN_PUNCTUATION and (ch != "-" or line_start)
        out.append("\\" + ch if escape else ch)
        line_start = line_start and ch.isspace()
    return "".join(out)


_MARKDOWN_PUNCTUATION = set("\\`*_{}[]()#+-.!|<>~$:&\"'=%@^/;?,")


def require_editor(role: str) -> None:
    """Raise PermissionError unless role is "editor"; called before every write."""
    if role != "editor":
        raise PermissionError(f"只有编辑可以写入数据库（当前角色：{role}） Only editors may write")


def read_upload(data: bytes, filename: str, catalog: Catalog | None = None) -> Extraction:
    """Read an uploaded file: a brief runs through the loaders, a table is parsed as figures."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix in TABLE_SUFFIXES:
        return parse_figures_table(data, filename)
    if suffix in BRIEF_SUFFIXES:
        # Imported here: the pipeline pulls in PDF/DOCX readers the table path never needs.
        from loaders.pipeline import extract_bytes

        return extract_bytes(data, filename, catalog or default_catalog())
    raise BriefReadError(
        f"不支持的文件类型 {suffix or '(无扩展名)'}；可上传 {', '.join(UPLOAD_TYPES)}",
        source=filename,
    )


def name_for(indicator: Any, catalog: Catalog) -> str:
    if (
        indicator is None
        or (isinstance(indicator, float) and math.isnan(indicator))
        or indicator == ""
    ):
        return ""
    found = catalog.get(str(indicator))
    return found.name_zh if found else UNKNOWN_NAME


def _numbered(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    # Rows are numbered from 1 as in the error messages.
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


def figures_frame(extraction: Extraction, catalog: Catalog | None = None) -> pd.DataFrame:
    """One row per figure mapped onto an indicator, all included by default."""
    catalog = catalog or default_catalog()
    rows = []
    first_value: dict[tuple[str, str, bool], float] = {}
    for o in extraction.observations:
        unit = o.unit or (catalog.get(o.indicator).unit if catalog.get(o.indicator) else "")
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
                "unit": unit,
                "qualifier": o.qualifier,
                "forecast": o.forecast,
                "quote": o.quote,
                **{name: getattr(o, name) for name in PROVENANCE_COLUMNS},
            }
        )
    return _numbered(
        rows, FIGURE_COLUMNS + [c for c in PROVENANCE_COLUMNS if c not in FIGURE_COLUMNS]
    )


def unassigned_frame(extraction: Extraction) -> pd.DataFrame:
    """One row per figure the loaders could not map; none included until the editor assigns it."""
    rows = []
    for u in extraction.unassigned:
        rows.append(
            {
                "include": False,
                "indicator": None,
                "name_zh": "",
                # Prefilled when the loaders resolved the period; the editor may correct it.
                "period": u.period or "",
                **dict(zip(("value", "unit"), units.readable(u.value, u.unit), strict=True)),
                "qualifier": u.qualifier,
                "forecast": u.forecast,
                "subject": u.subject,
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
    return _numbered(rows, columns)


def refresh_names(frame: pd.DataFrame, catalog: Catalog | None = None) -> pd.DataFrame:
    """A copy with name_zh matching each row's indicator (after the editor changed one)."""
    catalog = catalog or default_catalog()
    fresh = frame.copy()
    fresh["name_zh"] = [name_for(indicator, catalog) for indicator in fresh["indicator"]]
    return fresh


def names_stale(frame: pd.DataFrame, catalog: Catalog | None = None) -> bool:
    catalog = catalog or default_catalog()
    return any(
        _text(name) != name_for(indicator, catalog)
        for indicator, name in zip(frame["indicator"], frame["name_zh"], strict=True)
    )


def header_fields(extraction: Extraction) -> dict[str, Any]:
    return extraction.issue.model_dump()


@dataclass
class Review:
    """The outcome of checking the edited tables: an Extraction to store, or what is wrong."""

    extraction: Extraction | None
    errors: list[str] = field(default_factory=list)
    row_errors: list[RowError] = field(default_factory=list)
    edited: bool = False

    @property
    def ok(self) -> bool:
        return self.extraction is not None and not self.errors


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):  # numpy scalars -> Python
        return value.item()
    return value


def _int(value: Any, default: int = 0) -> int:
    value = _clean(value)
    return default if value is None else int(value)


def _text(value: Any) -> str:
    value = _clean(value)
    return "" if value is None else str(value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    # value keeps NaN so the review can say "not a finite number" instead of "missing".
    return [
        {k: (_clean(v) if k != "value" or v is None else float(v)) for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]


def _content_digest(extraction: Extraction) -> str:
    payload = {
        "issue": extraction.issue.model_dump(mode="json"),
        "observations": [o.model_dump(mode="json") for o in extraction.observations],
        "unassigned": [u.model_dump(mode="json") for u in extraction.unassigned],
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)


def rebuild_extraction(
    original: Extraction,
    header: dict[str, Any],
    figures: pd.DataFrame,
    unassigned: pd.DataFrame,
    catalog: Catalog | None = None,
) -> Review:
    """Validate the reviewed header and rows; on success an Extraction ready for the store.

    Figures not included are left out. Unassigned figures that were included (assigned an
    indicator) become observations; the rest stay unassigned, as the loaders found them.
    """
    catalog = catalog or default_catalog()
    errors: list[str] = []
    try:
        issue = IssueHeader.model_validate({k: _clean(v) for k, v in header.items()})
    except ValidationError as exc:
        issue = None
        for error in exc.errors():
            field_name = ".".join(str(p) for p in error["loc"])
            errors.append(f"期刊信息，字段 {field_name}：{error['msg']}")

    figure_rows = _records(figures)
    unassigned_rows = _records(unassigned)
    candidates = [
        ("figures", number, row)
        for number, row in enumerate(figure_rows, start=1)
        if row.get("include")
    ] + [
        ("unassigned", number, row)
        for number, row in enumerate(unassigned_rows, start=1)
        if row.get("include")
    ]
    valid, row_errors = validate_rows(candidates, catalog)
    errors.extend(str(error) for error in row_errors)
    if errors or issue is None:
        return Review(None, errors, row_errors)

    observations = []
    for item in valid:
        row, source = item.fields, item.source
        observations.append(
            Observation(
                indicator=row.indicator,
                period=row.period,
                value=row.value,
                value_high=row.value_high,
                unit=row.unit,
                qualifier=row.qualifier,
                forecast=row.forecast,
                derived=bool(_clean(source.get("derived")) or False),
                figure_text=_text(source.get("figure_text")),
                period_text=_text(source.get("period_text")),
                quote=_text(source.get("quote")),
                article=_text(source.get("article")),
                article_index=_int(source.get("article_index")),
                editor=_clean(source.get("editor")),
                span_start=_int(source.get("span_start")),
                span_end=_int(source.get("span_end")),
            )
        )
    still_unassigned = [
        figure
        for figure, row in zip(original.unassigned, unassigned_rows, strict=False)
        if not row.get("include")
    ]
    rebuilt = original.model_copy(
        update={"issue": issue, "observations": observations, "unassigned": still_unassigned}
    )
    edited = _content_digest(rebuilt) != _content_digest(original)
    if edited:
        # Edited content gets its own fingerprint, so the store sees a new version; the
        # same file committed unedited keeps the file's hash and reads as "already stored".
        digest = hashlib.sha256((original.sha256 + _content_digest(rebuilt)).encode("utf-8"))
        rebuilt = rebuilt.model_copy(update={"sha256": digest.hexdigest()})
    return Review(rebuilt, [], [], edited=edited)


def commit_upload(
    store: Store,
    extraction: Extraction,
    *,
    role: str,
    actor: str,
    replace: bool = False,
    file_sha256: str | None = None,
) -> IngestResult:
    """Write a reviewed issue in one transaction; a stored issue is replaced only if replace=True.

    Raises PermissionError for a non-editor before anything else, StoreError when the issue
    is already stored with other content and replace is False.
    """
    require_editor(role)
    # The "upload" audit row (file name, file hash) is written inside ingest's transaction.
    return store.ingest(
        extraction,
        actor=actor,
        replace=replace,
        upload_name=extraction.source_name,
        upload_sha256=file_sha256 or extraction.sha256,
    )


def retract(store: Store, issue_key: str, *, role: str, actor: str) -> bool:
    """Delete an issue and its figures (audit row "retract"); editors only."""
    require_editor(role)
    return store.retract_issue(issue_key, actor=actor)


def revisions_frame(result: IngestResult, catalog: Catalog | None = None) -> pd.DataFrame:
    """Points that revise an earlier issue: old and new value side by side."""
    catalog = catalog or default_catalog()
    return pd.DataFrame(
        [
            {
                "指标 indicator": r.indicator,
                "名称": name_for(r.indicator, catalog),
                "期间 period": r.period,
                "预测": r.forecast,
                "原值 old": r.old_value,
                "新值 new": r.new_value,
                "单位": catalog.get(r.indicator).unit if catalog.get(r.indicator) else "",
                "原期 earlier issue": r.old_issue,
            }
            for r in result.revised
        ]
    )


def diff_frame(result: IngestResult, catalog: Catalog | None = None) -> pd.DataFrame:
    """What replacing a stored issue changes: added, removed and changed figures."""
    catalog = catalog or default_catalog()
    labels = {"added": "新增", "removed": "删除", "changed": "修改"}
    return pd.DataFrame(
        [
            {
                "变化 change": labels.get(row["change"], row["change"]),
                "指标 indicator": row["indicator"],
                "名称": name_for(row["indicator"], catalog),
                "期间 period": row["period"],
                "原值 old": row["old_value"],
                "新值 new": row["new_value"],
                "单位": catalog.get(row["indicator"]).unit if catalog.get(row["indicator"]) else "",
            }
            for row in result.replaced_diff
        ]
    )


_FLASH_KEY = "issue_admin_flash"


def render_issue_admin(store: Store, issue_key: str | None) -> None:
    """Editors only: retract this issue (after a confirmation) and read the audit log."""
    from dashboard.auth import current_actor, current_role

    if current_role() != "editor":
        return
    flash = st.session_state.pop(_FLASH_KEY, None)
    if flash:
        st.success(flash)
    with st.expander("管理 Admin：撤回本期 / 审计日志", expanded=False):
        if issue_key:
            confirm = st.checkbox(
                f"我确认撤回 {issue_key}：删除本期及其全部数据（不可恢复）",
                key=f"retract_confirm_{issue_key}",
            )
            if st.button(
                "撤回本期 Retract", disabled=not confirm, key=f"retract_{issue_key}", type="primary"
            ):
                # The role is read again at the moment of writing, not trusted from render time.
                if retract(store, issue_key, role=current_role(), actor=current_actor()):
                    # Rerun so the page no longer lists the issue; the message survives it.
                    st.session_state[_FLASH_KEY] = f"已撤回 {issue_key}"
                    st.rerun()
                st.warning(f"{issue_key} 不存在（可能已被撤回）")
        st.markdown("**审计日志 Audit log**")
        log = store.audit_log()
        st.dataframe(
            log.rename(
                columns={
                    "at": "时间 (UTC)",
                    "action": "操作",
                    "actor": "操作人",
                    "issue_key": "期号",
                    "sha256": "文件哈希",
                    "detail": "详情",
                }
            ),
            hide_index=True,
        )
