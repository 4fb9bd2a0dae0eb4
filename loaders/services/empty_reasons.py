"""Why a read of series has no rows (nothing stored, no period convertible to the frequency,
no comparison a transform needs, or the filters), in English for the API and in Chinese
for the pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from loaders.series.frequency import Refusal
from loaders.series.transforms import LABELS_ZH, MISSING_REASONS_ZH, missing_comparisons
from loaders.vocab.periods import PeriodError, period_label_zh

if TYPE_CHECKING:
    from loaders.services.series import SeriesRequest


@dataclass(frozen=True)
class EmptyReason:
    """Why a read has no rows, in English (the API's message) and Chinese (the pages')."""

    code: str  # no_data, frequency, no_comparison, filtered
    message: str
    message_zh: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "message_zh": self.message_zh}


# How many periods an empty reason names (the latest first).
_REASON_EXAMPLES = 3


def empty_reason(
    request: SeriesRequest,
    stated: int,
    before_transform: pd.DataFrame,
    transformed: pd.DataFrame,
    refusals: tuple[Refusal, ...],
) -> EmptyReason:
    """Why a read came back empty: nothing stored, no period convertible to the frequency,
    no comparison a transform needs (which periods it needs), or the filters."""
    names = ", ".join(request.indicators)
    if stated == 0:
        return EmptyReason(
            "no_data",
            f"no values are stored for {names}" + (" at this vintage" if request.as_of else ""),
            "所选指标暂无数据" + ("（截至所选期刊）" if request.as_of else ""),
        )
    if request.frequency and before_transform.empty:
        latest = refusals[-_REASON_EXAMPLES:] if refusals else ()
        return EmptyReason(
            "frequency",
            f"no period can be given at frequency={request.frequency}: "
            + "; ".join(r.reason for r in latest),
            "没有可换算的期间：" + "；".join(r.reason_zh for r in latest),
        )
    if request.transform != "level" and transformed.empty:
        return _no_comparison(request, before_transform)
    return EmptyReason(
        "filtered",
        "no values within the periods, kinds, forms, forecast and derived choices asked for",
        "所选期间、期间类型、预测或推算范围内没有数据",
    )


def _no_comparison(request: SeriesRequest, rows: pd.DataFrame) -> EmptyReason:
    """A transform found no comparison: which periods the latest points needed."""
    missing = missing_comparisons(rows, request.transform, request.base)
    label = LABELS_ZH[request.transform].removesuffix(" %")  # type: ignore[index]
    if not missing.empty and (missing["reason"] == "bound").all():
        return EmptyReason(
            "no_comparison",
            f"transform={request.transform}: every point is a bound (>=, <=), "
            "and nothing is computed from a bound",
            f"{label}：所有数据均为界值（≥、≤），界值不计算{label}",
        )
    needs = missing[missing["needs"].notna()]
    if "derived" in needs.columns and (~needs["derived"].fillna(False).astype(bool)).any():
        needs = needs[~needs["derived"].fillna(False).astype(bool)]  # what was stated first
    needs = needs.tail(_REASON_EXAMPLES)
    if needs.empty:
        reasons = sorted(set(missing["reason"])) or ["not_comparable"]
        return EmptyReason(
            "no_comparison",
            f"transform={request.transform}: no point can be compared (" + ", ".join(reasons) + ")",
            f"{label}：没有可计算的点（" + "、".join(MISSING_REASONS_ZH[r] for r in reasons) + "）",
        )
    english = "; ".join(f"{row.period} needs {row.needs}" for row in needs.itertuples())
    chinese = "；".join(
        f"{period_label_zh(row.period)} 需要 {_label(row.needs)}" for row in needs.itertuples()
    )
    what = {
        "yoy": ("the same period a year earlier", "上年同期的同类数据"),
        "change": ("the comparable period before", "上一可比期的数据"),
        "index": ("the base period", "基期的数据"),
    }[request.transform]
    return EmptyReason(
        "no_comparison",
        f"transform={request.transform} needs {what[0]}, and none is stated: {english}",
        f"{label}需要{what[1]}，但没有公布：{chinese}",
    )


def _label(period: str) -> str:
    try:
        return period_label_zh(period)
    except PeriodError:
        return period
