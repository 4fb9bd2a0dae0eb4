"""Year-on-year growth derived from the levels of both years (yoy_from_levels, a rule of
loaders.series.derive), and which level series each growth series is the growth of."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from loaders.series.derived_rows import (
    derived_frame,
    half_unit,
    input_objects,
    json_objects,
    usable,
)
from loaders.series.transforms import is_ratio, transform_series

# The kinds of period a growth is derived for (yoy_from_levels).
_GROWTH_KINDS = ("month", "quarter", "half", "year", "ytd")


def aliases_of(value: object) -> set[str]:
    """An indicator's aliases as a set, from the catalog frame (joined by 、) or a list."""
    if isinstance(value, str):
        return {alias for alias in value.split("、") if alias}
    return {alias for alias in value or () if alias}


def yoy_links(catalog: pd.DataFrame) -> dict[str, str]:
    """Each year-on-year growth series with the level series it is the growth of: the one
    level (not a ratio) of its category that shares an alias with it (社会物流总额同比增速 and
    全国社会物流总额 both answer to 社会物流总额). A growth series with no such level, or with
    two, has none."""
    if catalog.empty:
        return {}
    levels = catalog[(catalog["measure"] == "level") & ~catalog["unit"].map(is_ratio)]
    links = {}
    for row in catalog[catalog["measure"] == "yoy"].itertuples(index=False):
        names = aliases_of(row.aliases)
        matches = [
            level.id
            for level in levels.itertuples(index=False)
            if level.category == row.category and names & aliases_of(level.aliases)
        ]
        if len(matches) == 1:
            links[row.id] = matches[0]
    return links


def yoy_from_levels(
    rows: pd.DataFrame, catalog: pd.DataFrame, wanted: Sequence[str]
) -> pd.DataFrame:
    """Values of the wanted growth series from the levels of both years (yoy_links)."""
    if catalog.empty:
        return pd.DataFrame()
    parts = []
    by_id = catalog.set_index("id")
    for growth, level in yoy_links(catalog).items():
        if growth not in wanted:
            continue
        # Growth is stated for months, quarters, halves, years and totals so far; a level of
        # a day or of a span of years has no growth series to meet.
        levels = rows[
            (rows["indicator"] == level) & usable(rows) & rows["period_kind"].isin(_GROWTH_KINDS)
        ]
        if levels.empty:
            continue
        computed = transform_series(levels, "yoy")
        if computed.empty:
            continue
        computed = computed[~computed["forecast"].astype(bool)].reset_index(drop=True)
        if computed.empty:
            continue
        point = computed["stated_value"].to_numpy(dtype=float)
        base = computed["base_value"].to_numpy(dtype=float)
        point_error, base_error = half_unit(point), half_unit(base)
        with np.errstate(divide="ignore", invalid="ignore"):
            low = ((point - point_error) / (base + base_error) - 1) * 100
            high = np.where(
                base - base_error > 0,
                ((point + point_error) / (base - base_error) - 1) * 100,
                np.inf,
            )
        entry = by_id.loc[growth]
        frame = computed.drop(
            columns=[c for c in computed.columns if c.startswith("base_") or c == "transform"]
        )
        frame["indicator"] = growth
        for column in ("name_zh", "name_en", "category"):
            if column in frame.columns:
                frame[column] = entry[column]
        frame["unit"] = entry["unit"]
        # The levels stated (not the growth computed from them), this year's and the base.
        points = input_objects(
            computed,
            indicator=level,
            value=computed["stated_value"],
            unit=computed["stated_unit"],
        )
        bases = json_objects(
            {
                "indicator": level,
                "period": computed["base_period"],
                "value": computed["base_value"],
                "unit": computed["stated_unit"],
                "issue_key": computed["base_issue_key"],
                "issue": computed["base_issue_label"],
                "quote": computed["base_quote"],
            },
            len(computed),
        )
        parts.append(
            derived_frame(
                frame,
                period=computed["period"].to_numpy(),
                kind=computed["period_kind"].to_numpy(),
                # A growth keeps the form of the levels it is computed from (1—9 月 growth
                # is a year-to-date point).
                form=computed["form"].to_numpy()
                if "form" in computed.columns
                else computed["period_kind"].to_numpy(),
                start=pd.to_datetime(computed["period_start"]).to_numpy(),
                end=pd.to_datetime(computed["period_end"]).to_numpy(),
                value=computed["value"].to_numpy(dtype=float),
                approx=computed["qualifier"].eq("approx").to_numpy(),
                derivation=np.full(len(computed), "yoy_from_levels", dtype=object),
                formula=(
                    "(("
                    + computed["period"].astype(str)
                    + ") / ("
                    + computed["base_period"].astype(str)
                    + ") - 1) * 100"
                ).to_numpy(),
                inputs=pc.binary_join_element_wise("[", points, ", ", bases, "]", ""),
                quote=(
                    computed["quote"].fillna("").astype(str)
                    + " | "
                    + computed["base_quote"].fillna("").astype(str)
                ).to_numpy()
                if "quote" in computed.columns
                else computed["base_quote"].to_numpy(),
                low=low,
                high=high,
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
