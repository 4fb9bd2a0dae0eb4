"""The 上传 page's session state and what the page decides from it, without Streamlit: when a
file is a new upload, the review it starts (the file read with its review tables, or the
message to show), the units a review table offers, when the second look runs again, and what
a preview and a commit say. The page (dashboard/app_pages/upload.py) holds the widgets; the
rules of reading, reviewing and committing are loaders.services.review's.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from loaders.catalog.indicators import Catalog
from loaders.errors import BriefError
from loaders.models import Extraction
from loaders.services import review as review_service
from loaders.services.ingest import IngestResult
from loaders.services.review import Review
from loaders.services.review_frames import figures_frame, unassigned_frame
from loaders.services.upload_commit import commit_report, revisions_frame

# After a commit, 趋势 is linked with the issue's first few series: a chart of more is unreadable.
TREND_LINKS = 4
logger = logging.getLogger(__name__)


def is_new_upload(state: dict[str, Any] | None, sha: str, name: str) -> bool:
    """Whether the file is not the one under review: other bytes, or another name."""
    return state is None or state["sha"] != sha or state["name"] != name


def start_review(payload: bytes, name: str, sha: str, catalog: Catalog) -> dict[str, Any]:
    """The session state of a new upload: the file read (loaders.services.review.read_upload)
    with its two review tables, or the error to show: a BriefError's own message; a failure
    nobody foresaw is logged and never shown raw."""
    # versions: of the two review tables' and of the number choices' widget keys.
    # confirmed: HeldValue.key of each value the second look doubted that the editor confirmed.
    state: dict[str, Any] = {
        "sha": sha,
        "name": name,
        "error": None,
        "versions": [0, 0, 0],
        "confirmed": set(),
    }
    try:
        extraction = review_service.read_upload(payload, name, catalog)
    except BriefError as exc:
        state["error"] = str(exc)
    except Exception:  # a failure nobody foresaw: logged, never shown raw
        logger.exception("reading upload %r failed", name)
        state["error"] = f"{name}: 无法读取（内部错误，已记入服务器日志）"
    else:
        state["extraction"] = extraction
        state["figures"] = figures_frame(extraction, catalog)
        state["unassigned"] = unassigned_frame(extraction, catalog)
    return state


def read_status(state: dict[str, Any]) -> tuple[str, str]:
    """The reading status once start_review is done: its label and its state."""
    if state["error"]:
        return "读取失败", "error"
    extraction = state["extraction"]
    return (
        f"已读取：{len(extraction.observations)} 个指标数字，"
        f"{len(extraction.unassigned)} 个未归类数字",
        "complete",
    )


def unit_options(catalog: Catalog, figures: pd.DataFrame, unassigned: pd.DataFrame) -> list[str]:
    """The catalog's units and whatever units the loaders found (e.g. 万吨, pp), each once; any
    unit of the same base converts (loaders.vocab.units)."""
    found_units = [*figures["unit"], *unassigned["unit"]]
    return list(
        dict.fromkeys(
            [
                *(indicator.unit for indicator in catalog.indicators),
                *(u for u in found_units if isinstance(u, str) and u),
            ]
        )
    )


def second_look_key(review: Review, version: int) -> tuple[str | None, int]:
    """What the second look's answer depends on: the reviewed content (none while the review
    has problems) and the store's data version. The page checks again only when it changes:
    a table of thousands of rows takes seconds, and every click reruns the page."""
    return (review.extraction.sha256 if review.ok else None, version)


def preview_text(preview: IngestResult, label: str) -> str:
    """What committing a new issue would write, in counts."""
    return (
        f"将写入 {label}：新增 {preview.new_points} 个数据点，"
        f"修订之前各期 {len(preview.revised)} 个，与之前相同 {preview.unchanged_points} 个；"
        f"未归类 {preview.unassigned} 个。"
    )


def commit_outcome(result: IngestResult, to_store: Extraction, catalog: Catalog) -> dict:
    """What a commit leaves for the next run to show: its report (commit_report: composed from
    counts and the issue key only), the revisions it made when written, and the first few
    series the issue holds, for a link to 趋势."""
    report = commit_report(result)
    return {
        "content_sha": to_store.sha256,
        "issue_key": result.issue_key,
        "kind": report.kind,
        "message": report.message,
        "written": report.written,
        "revised": revisions_frame(result, catalog) if report.written else None,
        # Trends draws at most a handful of series well: the first few the issue holds.
        "indicators": list(dict.fromkeys(o.indicator for o in to_store.observations))[:TREND_LINKS],
    }
