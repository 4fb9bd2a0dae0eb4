"""Committing a reviewed upload: one transaction through the ingest (an editor only, a
stored version replaced only when confirmed), and what the commit did, in words and frames."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from loaders.catalog.indicators import Catalog
from loaders.models import Extraction
from loaders.services.ingest import (
    IngestResult,
    Overwrite,
    Seen,
    UploadRecord,
    ingest,
)
from loaders.services.permissions import require_editor
from loaders.services.review_frames import name_for, unit_of
from loaders.store import Store, StoreError


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
