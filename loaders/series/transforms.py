"""Series as analysts read them: the level, the change, year-on-year growth, an index.

Every transform compares a point only with a comparable one (loaders.series.comparable: the same
comparable group, so a year-to-date 1—9月 figure meets the 1—9月 figure a year before, never a
quarter). A point without its comparison in the series gets no value and is left out: a
missing base is not a zero. Nothing is computed from a bound (≥, ≤: the true change is
unknown), and a result from an approximation or a range is approximate. The rule of each
transform is written once here (RULES_ZH) and shown wherever a transformed value is (the
chart's hover, the API's description).

Derived rows (loaders.series.derive) take part like stated ones, but where a period is stated the
stated row is the point and the base; a result from a derived row is derived itself.

Pure functions on frames of series rows (loaders.store.queries.SERIES_COLUMNS): no store,
no Streamlit.
"""

from __future__ import annotations

import math
from typing import Literal, get_args

import numpy as np
import pandas as pd

from loaders.series.comparable import comparable_group, with_plot_columns
from loaders.vocab.periods import PeriodError, parse_period, shift_year, span_text
from loaders.vocab.units import RATIO_UNITS

Transform = Literal["level", "change", "yoy", "index"]
TRANSFORMS: tuple[Transform, ...] = get_args(Transform)
LABELS_ZH: dict[Transform, str] = {
    "level": "水平值",
    "change": "变化量",
    "yoy": "同比 %",
    "index": "指数化",
}
RULES_ZH: dict[Transform, str] = {
    "level": "水平值：各期公布的数值。",
    "change": (
        "变化量 = 本期 − 上一可比期：年对上年，半年、季度、月对上一个半年、季度、月，"
        "1—n月累计对上年同期累计，多年合计对此前同样长的合计，时点数对上一个公布的时点；"
        "比率（%）的变化以百分点计。上一可比期缺失或任一期为界值（≥、≤）时不显示。"
    ),
    "yoy": (
        "同比 % = (本期 ÷ 上年同期 − 1) × 100：只与上年的同类期间比较（1—9月累计对上年1—9月，"
        "季度对上年同季度），从不跨类型；比率（%）与多年合计不计算同比；"
        "上年同期缺失、不为正或任一期为界值（≥、≤）时不显示。"
    ),
    "index": (
        "指数化 = 本期 ÷ 基期 × 100：基期为所选期间，只在与基期同类的期间之间计算"
        "（以季度为基期则只显示季度）；基期值须为正，界值（≥、≤）不计算。"
    ),
}
# Columns a transformed frame adds: what was stated, and the point it was compared with.
TRANSFORM_COLUMNS = (
    "transform",
    "stated_value",
    "stated_unit",
    "base_period",
    "base_value",
    "base_issue_key",
    "base_issue_label",
    "base_quote",
)
# How a change of a rate reads (5% -> 7% is +2 个百分点, not +40%).
POINTS_UNIT = "个百分点"
INDEX_UNIT = "指数"
YOY_UNIT = "%"
# Briefs state a few significant digits; results keep 12, so 75.1 − 75.0 is 0.1, not
# 0.09999999999999432 (the same precision units.convert keeps).
SIGNIFICANT_DIGITS = 12
# Months back to the previous comparable period, by kind, for "change".
_CHANGE_MONTHS = {"year": 12, "half": 6, "quarter": 3, "month": 1, "ytd": 12}
# Bounds: the true value is at least or at most the stated one, so no change, growth or
# index is computed from one.
BOUNDS = ("more_than", "less_than")


class TransformError(ValueError):
    """A transform that cannot be computed as asked (unknown name, bad base period)."""


def is_ratio(unit: str | None) -> bool:
    """Units that are already ratios (%, ‰, 倍): growth of a growth rate means nothing."""
    return (unit or "") in RATIO_UNITS


def check_transform(transform: str, base_period: str | None) -> tuple[Transform, str | None]:
    """The transform and base period as given, validated; TransformError says what is wrong."""
    if transform not in TRANSFORMS:
        raise TransformError(
            f"unknown transform {transform!r}; choose one of {', '.join(TRANSFORMS)}"
        )
    if transform != "index":
        return transform, None
    if not base_period:
        raise TransformError("transform=index needs a base period (e.g. base=2020 or 2021-Q1)")
    try:
        parse_period(base_period)
    except PeriodError as exc:
        raise TransformError(f"base: {exc}") from exc
    return transform, base_period


def base_choices(rows: pd.DataFrame) -> tuple[list[str], str | None]:
    """The periods an index may be based on (those stated, in time order) and the one to
    offer first: the earliest year, as "2020 = 100" is how indices are usually read, else
    the earliest period."""
    if rows.empty:
        return [], None
    ordered = rows.sort_values(["period_end", "period"], kind="stable")
    choices = list(dict.fromkeys(ordered["period"]))
    years = set(ordered.loc[ordered["period_kind"] == "year", "period"])
    return choices, next((period for period in choices if period in years), choices[0])


def transform_series(
    rows: pd.DataFrame, transform: str, base_period: str | None = None
) -> pd.DataFrame:
    """rows (series rows, in any order) with `value` transformed, as plotted and exported.

    level returns rows unchanged. The others return the points that have a comparison, in
    rows' order, with value, unit, qualifier and forecast of the result (value_high empty)
    and TRANSFORM_COLUMNS naming the stated value and the point compared with, so each
    number can be traced to both sentences. A result is a forecast when either point is,
    derived when either is; it is exact when both are, approximate when either is an
    approximation or a range; there is none when either is a bound (≥, ≤).
    """
    transform, base_period = check_transform(transform, base_period)
    if transform == "level":
        return rows
    frame = with_plot_columns(prefer_stated(rows)).reset_index(drop=True)
    columns = [*rows.columns, *(c for c in TRANSFORM_COLUMNS if c not in rows.columns)]
    if frame.empty:
        return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})
    frame["_start"] = pd.to_datetime(frame["period_start"])
    frame["_end"] = pd.to_datetime(frame["period_end"])
    frame["_row"] = np.arange(len(frame))
    targets = _comparison_targets(frame, transform, base_period)
    paired = _pair_with_bases(frame, targets)
    paired = paired[~paired["qualifier"].isin(BOUNDS) & ~paired["_base_qualifier"].isin(BOUNDS)]
    if paired.empty:
        return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})
    return _apply(paired, transform).loc[:, columns].reset_index(drop=True)


def prefer_stated(rows: pd.DataFrame) -> pd.DataFrame:
    """rows without the derived rows of periods a stated row has (same indicator, period and
    forecast flag): where a brief states a value, that value is compared."""
    if "derived" not in rows.columns or rows.empty:
        return rows
    derived = rows["derived"].fillna(False).astype(bool)
    if not derived.any():
        return rows
    keys = ["indicator", "period", "forecast"]
    stated = rows.loc[~derived, keys].drop_duplicates()
    shadowed = rows.loc[derived, keys].merge(stated.assign(_stated=True), on=keys, how="left")
    drop = np.zeros(len(rows), dtype=bool)
    drop[np.flatnonzero(derived.to_numpy())] = shadowed["_stated"].fillna(False).to_numpy(bool)
    return rows[~drop]


def _comparison_targets(
    frame: pd.DataFrame, transform: Transform, base_period: str | None
) -> pd.DataFrame:
    """Per row (_row), the period it is compared with: _target_start, _target_end in the
    row's own comparable group. Rows without a comparison are absent."""
    ratio = frame["unit"].map(is_ratio)
    kind = frame["period_kind"].astype(str)
    if transform == "index":
        assert base_period is not None
        base = parse_period(base_period)
        group = comparable_group(base.kind, base.start, base.end)
        chosen = frame[(frame["group"] == group) & ~ratio]
        return pd.DataFrame(
            {
                "_row": chosen["_row"],
                "_target_start": pd.Timestamp(base.start),
                "_target_end": pd.Timestamp(base.end),
            }
        )
    parts = []
    if transform == "yoy":
        eligible = frame[~ratio & (kind != "multi_year")]
        parts.append(_months_back(eligible, pd.Series(12, index=eligible.index)))
    else:
        by_months = frame[kind.isin(list(_CHANGE_MONTHS))]
        parts.append(_months_back(by_months, kind[by_months.index].map(_CHANGE_MONTHS)))
        multi = frame[kind == "multi_year"]
        years = multi["_end"].dt.year - multi["_start"].dt.year + 1
        parts.append(_months_back(multi, years * 12))
        span = frame[kind == "span"]
        length = span["_end"] - span["_start"] + pd.Timedelta(days=1)
        parts.append(
            pd.DataFrame(
                {
                    "_row": span["_row"],
                    "_target_start": span["_start"] - length,
                    "_target_end": span["_end"] - length,
                }
            )
        )
        parts.append(_previous_stated_day(frame[kind == "day"]))
    return pd.concat([part for part in parts if not part.empty] or [parts[0]])


def _months_back(rows: pd.DataFrame, months: pd.Series) -> pd.DataFrame:
    """The same span `months` earlier. A span of whole months stays whole months (2021-02
    ends on the 28th, 2020-02 on the 29th); a day stays the same calendar day."""
    out = []
    for count, of_count in rows.groupby(months.astype(int), sort=False):
        offset = pd.DateOffset(months=int(count))
        start, end = of_count["_start"], of_count["_end"]
        whole_months = (start.dt.day == 1) & (end + pd.Timedelta(days=1)).dt.day.eq(1)
        month_end = (end + pd.Timedelta(days=1) - offset) - pd.Timedelta(days=1)
        out.append(
            pd.DataFrame(
                {
                    "_row": of_count["_row"],
                    "_target_start": start - offset,
                    "_target_end": month_end.where(whole_months, end - offset),
                }
            )
        )
    if not out:
        return pd.DataFrame(columns=["_row", "_target_start", "_target_end"])
    return pd.concat(out)


def _previous_stated_day(days: pd.DataFrame) -> pd.DataFrame:
    """Stocks stated on days have no regular predecessor: each is compared with the
    previous day the same indicator was stated on."""
    if days.empty:
        return pd.DataFrame(columns=["_row", "_target_start", "_target_end"])
    dates = days.loc[:, ["indicator", "_end"]].drop_duplicates().sort_values(["indicator", "_end"])
    dates["_previous"] = dates.groupby("indicator")["_end"].shift(1)
    merged = days.loc[:, ["_row", "indicator", "_end"]].merge(dates, on=["indicator", "_end"])
    merged = merged[merged["_previous"].notna()]
    return pd.DataFrame(
        {
            "_row": merged["_row"],
            "_target_start": merged["_previous"],
            "_target_end": merged["_previous"],
        }
    )


def _pair_with_bases(frame: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Each row with its target's point in the same indicator and comparable group; an
    actual figure is preferred to a forecast of the same period, a stated one to a derived."""
    order = ["forecast", "derived"] if "derived" in frame.columns else ["forecast"]
    bases = frame.sort_values(order, kind="stable").drop_duplicates(
        ["indicator", "group", "_start", "_end"]
    )
    bases = bases.loc[
        :,
        [
            "indicator",
            "group",
            "_start",
            "_end",
            "period",
            "value",
            "value_high",
            "qualifier",
            "forecast",
            *(["derived"] if "derived" in frame.columns else []),
            "issue_key",
            "issue_label",
            "quote",
        ],
    ].rename(
        columns={
            "_start": "_target_start",
            "_end": "_target_end",
            "period": "base_period",
            "value": "_base_low",
            "value_high": "_base_high",
            "qualifier": "_base_qualifier",
            "forecast": "_base_forecast",
            "derived": "_base_derived",
            "issue_key": "base_issue_key",
            "issue_label": "base_issue_label",
            "quote": "base_quote",
        }
    )
    targets = targets.astype({"_target_start": "datetime64[ns]", "_target_end": "datetime64[ns]"})
    bases = bases.astype({"_target_start": "datetime64[ns]", "_target_end": "datetime64[ns]"})
    with_target = frame.drop(columns=[c for c in TRANSFORM_COLUMNS if c in frame.columns]).merge(
        targets, on="_row"
    )
    paired = with_target.merge(bases, on=["indicator", "group", "_target_start", "_target_end"])
    return paired.sort_values("_row", kind="stable")


def _midpoint(low: pd.Series, high: pd.Series) -> pd.Series:
    return (low + high.fillna(low)) / 2


def _combined_qualifier(paired: pd.DataFrame) -> pd.Series:
    """The result's qualifier (see transform_series; bounds never get here): approximate
    when either point is an approximation or a range, else exact."""
    approximate = (
        paired["qualifier"].eq("approx")
        | paired["_base_qualifier"].eq("approx")
        | paired["value_high"].notna()
        | paired["_base_high"].notna()
    )
    return pd.Series(np.where(approximate, "approx", "exact"), index=paired.index, dtype=object)


def _round_significant(values: np.ndarray, scale: np.ndarray) -> list[float]:
    """values rounded to SIGNIFICANT_DIGITS of scale (the operands' size), dropping the
    binary noise of decimal figures."""
    out = []
    for value, size in zip(values.tolist(), scale.tolist(), strict=True):
        if not math.isfinite(value) or size == 0 or not math.isfinite(size):
            out.append(value)
            continue
        decimals = SIGNIFICANT_DIGITS - 1 - math.floor(math.log10(abs(size)))
        out.append(round(value, decimals))
    return out


def _apply(paired: pd.DataFrame, transform: Transform) -> pd.DataFrame:
    point = _midpoint(paired["value"], paired["value_high"])
    base = _midpoint(paired["_base_low"], paired["_base_high"])
    if transform == "change":
        result = point - base
        scale = np.maximum(point.abs(), base.abs())
        unit = paired["unit"].where(paired["unit"] != "%", POINTS_UNIT)
    else:
        keep = base > 0
        paired, point, base = paired[keep], point[keep], base[keep]
        ratio = point / base
        result = (ratio - 1) * 100 if transform == "yoy" else ratio * 100
        scale = result.abs()
        unit = pd.Series(YOY_UNIT if transform == "yoy" else INDEX_UNIT, index=paired.index)
    out = paired.copy()
    out["transform"] = transform
    out["stated_value"] = point
    out["stated_unit"] = paired["unit"]
    out["base_value"] = base
    out["value"] = _round_significant(result.to_numpy(float), scale.to_numpy(float))
    out["value_high"] = np.nan
    out["unit"] = unit
    out["qualifier"] = _combined_qualifier(paired)
    out["forecast"] = paired["forecast"].astype(bool) | paired["_base_forecast"].astype(bool)
    if "derived" in paired.columns:
        out["derived"] = paired["derived"].fillna(False).astype(bool) | paired[
            "_base_derived"
        ].fillna(False).astype(bool)
    return out


# Why a point got no transformed value (missing_comparisons' reason).
MISSING_REASONS_ZH = {
    "no_base": "缺少对比期",
    "bound": "为界值（≥、≤），不计算",
    "not_positive": "对比期的值不为正",
    "not_comparable": "此类期间或单位不计算",
}


def missing_comparisons(
    rows: pd.DataFrame, transform: str, base_period: str | None = None
) -> pd.DataFrame:
    """The points of rows a transform gives no value for, in time order, with why: columns
    indicator, period, derived, needs (the period its comparison needs, in the grammar; None
    where there is none to name) and reason (a key of MISSING_REASONS_ZH). Empty for level."""
    columns = ["indicator", "period", "derived", "needs", "reason"]
    transform, base_period = check_transform(transform, base_period)
    if transform == "level" or rows.empty:
        return pd.DataFrame(columns=columns)
    frame = with_plot_columns(prefer_stated(rows)).reset_index(drop=True)
    frame["_start"] = pd.to_datetime(frame["period_start"])
    frame["_end"] = pd.to_datetime(frame["period_end"])
    frame["_row"] = np.arange(len(frame))
    targets = _comparison_targets(frame, transform, base_period)
    paired = _pair_with_bases(frame, targets)
    reason = pd.Series("not_comparable", index=frame.index, dtype=object)
    needs = pd.Series(None, index=frame.index, dtype=object)
    if not targets.empty:
        target_rows = targets["_row"].to_numpy(dtype=int)
        reason.iloc[target_rows] = "no_base"
        kinds = frame["period_kind"].to_numpy()[target_rows]
        periods = frame["period"].to_numpy()[target_rows]
        needs.iloc[target_rows] = [
            # A year to date needs the same months: written as a span, not as 2020-H1.
            shift_year(period, pd.Timestamp(a).year)
            if kind == "ytd"
            else span_text(pd.Timestamp(a).date(), pd.Timestamp(b).date())
            for kind, period, a, b in zip(
                kinds, periods, targets["_target_start"], targets["_target_end"], strict=True
            )
        ]
    if not paired.empty:
        rows_paired = paired["_row"].to_numpy(dtype=int)
        bound = (
            paired["qualifier"].isin(BOUNDS) | paired["_base_qualifier"].isin(BOUNDS)
        ).to_numpy()
        base = _midpoint(paired["_base_low"], paired["_base_high"]).to_numpy(dtype=float)
        positive = base > 0 if transform != "change" else np.ones(len(paired), dtype=bool)
        reason.iloc[rows_paired] = np.where(
            bound, "bound", np.where(positive, "ok", "not_positive")
        )
    bound_points = frame["qualifier"].isin(BOUNDS).to_numpy() & reason.eq("no_base").to_numpy()
    reason[bound_points] = "bound"
    derived = frame["derived"].fillna(False).astype(bool) if "derived" in frame else False
    missing = frame.assign(needs=needs, reason=reason, derived=derived)
    missing = missing[missing["reason"] != "ok"].sort_values(["_end", "period"], kind="stable")
    return missing.loc[:, columns].reset_index(drop=True)
