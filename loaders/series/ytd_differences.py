"""Months, quarters, halves and years of a flow from its totals so far (month_from_ytd,
quarter_from_ytd, half_from_ytd, year_from_ytd: the rules of loaders.series.derive)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.series.derived_rows import (
    INPUT_COLUMNS,
    decimals_of,
    derived_frame,
    half_unit,
    input_objects,
    is_approximate,
    midpoint,
    usable,
)

# Which period a year-to-date total is stated under, best first: a total written as such
# (1—3 月), then the same months under their own name (January, 一季度, 上半年, the year).
_YTD_PREFERENCE = {"ytd": 0, "month": 1, "quarter": 2, "half": 3, "year": 4}
# (target kind, index, months of the later total, months of the earlier total; 0: none).
_FROM_YTD = pd.DataFrame(
    [("month", m, m, m - 1) for m in range(2, 13)]
    + [("quarter", 1, 3, 0)]
    + [("quarter", q, 3 * q, 3 * q - 3) for q in range(2, 5)]
    + [("half", 1, 6, 0), ("half", 2, 12, 6), ("year", 1, 12, 0)],
    columns=["_target", "_index", "_n", "_n_lo"],
)
_RULE_OF_TARGET = {
    "month": "month_from_ytd",
    "quarter": "quarter_from_ytd",
    "half": "half_from_ytd",
    "year": "year_from_ytd",
}


def from_ytd(rows: pd.DataFrame, kinds: Mapping[str, str]) -> pd.DataFrame:
    """Months, quarters, halves and years of flows from their totals so far."""
    start = pd.to_datetime(rows["period_start"])
    end = pd.to_datetime(rows["period_end"])
    whole = (
        (start.dt.month == 1)
        & (start.dt.day == 1)
        & (start.dt.year == end.dt.year)
        & (end + pd.Timedelta(days=1)).dt.day.eq(1)
    )
    codes, names = pd.factorize(rows["indicator"])
    flows = np.isin(codes, [i for i, name in enumerate(names) if kinds.get(name) == "flow"])
    candidates = flows & usable(rows).to_numpy() & whole.to_numpy()
    if not candidates.any():
        return pd.DataFrame()
    # Only the columns a derived row takes from its inputs (the rest it sets or leaves
    # empty): every column taken costs at 1e6 observations.
    base = rows.loc[candidates, [c for c in INPUT_COLUMNS if c in rows.columns]]
    end = pd.to_datetime(base["period_end"])
    # One integer key per (indicator, year, months so far); numpy lookups rather than
    # merges, which cost most of a read of a two-century series.
    codes = pd.factorize(base["indicator"])[0].astype(np.int64)
    years = end.dt.year.to_numpy().astype(np.int64)
    months = end.dt.month.to_numpy().astype(np.int64)
    keys = (codes * 10_000 + years) * 16 + months
    preference = base["period_kind"].map(_YTD_PREFERENCE).fillna(9).to_numpy()
    # Per key the best statement (_YTD_PREFERENCE): sorted by key, then preference.
    order = np.lexsort((preference, keys))
    first = np.ones(len(order), dtype=bool)
    first[1:] = keys[order][1:] != keys[order][:-1]
    best = order[first]
    unique_keys = keys[best]
    hi_rows, lo_rows, targets, suffixes = [], [], [], []
    for target, index, n_hi, n_lo in _FROM_YTD.itertuples(index=False):
        later = best[months[best] == n_hi]
        if n_lo == 0:
            found = np.full(len(later), -1)
        else:
            wanted = keys[later] - n_hi + n_lo
            at = np.searchsorted(unique_keys, wanted).clip(0, max(len(unique_keys) - 1, 0))
            present = unique_keys[at] == wanted
            later, found = later[present], best[at[present]]
        hi_rows.append(later)
        lo_rows.append(found)
        targets.append(np.full(len(later), target, dtype=object))
        suffix = {"month": f"-{index:02d}", "quarter": f"-Q{index}", "half": f"-H{index}"}
        suffixes.append(np.full(len(later), suffix.get(target, ""), dtype=object))
    hi_at = np.concatenate(hi_rows)
    lo_at = np.concatenate(lo_rows)
    target = pd.Series(np.concatenate(targets), dtype=object)
    if not len(hi_at):
        return pd.DataFrame()
    period = years[hi_at].astype(str).astype(object) + np.concatenate(suffixes)
    # A first quarter stated as 2021-Q1 is its own total: nothing to derive.
    keep = (lo_at >= 0) | (base["period"].to_numpy()[hi_at] != period)
    hi_at, lo_at, target, period = hi_at[keep], lo_at[keep], target[keep], period[keep]
    if not len(hi_at):
        return pd.DataFrame()
    midpoints = midpoint(base).to_numpy()
    approximate = is_approximate(base).to_numpy()
    hi = base.iloc[hi_at].reset_index(drop=True)
    has_lo = lo_at >= 0
    lo = base.iloc[np.where(has_lo, lo_at, hi_at)].reset_index(drop=True)
    pairs = pd.DataFrame(
        {
            "_period": period,
            "_value": midpoints[hi_at],
            "_value_lo": np.where(has_lo, midpoints[lo_at], 0.0),
            "_approx": approximate[hi_at],
            "_approx_lo": np.where(has_lo, approximate[lo_at], False),
            "_n_lo": np.where(has_lo, 1, 0),
        }
    )
    target = target.reset_index(drop=True)
    lo_value = pairs["_value_lo"].to_numpy()
    value = pairs["_value"].to_numpy() - lo_value
    hi_written = hi["value"].to_numpy(dtype=float)
    lo_written = np.where(has_lo, lo["value"].to_numpy(dtype=float), 0.0)
    decimals = np.maximum(decimals_of(hi_written), np.where(has_lo, decimals_of(lo_written), 0))
    scale = 10.0**decimals
    value = np.round(value * scale) / scale
    spread = half_unit(hi_written) + np.where(has_lo, half_unit(lo_written), 0.0)
    approx = pairs["_approx"].to_numpy() | np.where(
        has_lo, pairs["_approx_lo"].fillna(False).to_numpy(dtype=bool), False
    )
    end = pd.to_datetime(hi["period_end"])
    lo_end = pd.to_datetime(lo["period_end"])
    first_day = pd.to_datetime(hi["period_start"])
    start = lo_end.where(pd.Series(has_lo), first_day - pd.Timedelta(days=1)) + pd.Timedelta(days=1)
    formula = np.where(
        has_lo,
        "(" + hi["period"].astype(str) + ") - (" + lo["period"].astype(str) + ")",
        "(" + hi["period"].astype(str) + ")",
    )
    later_objects, earlier_objects = input_objects(hi), input_objects(lo)
    inputs = pc.if_else(
        pa.array(has_lo),
        pc.binary_join_element_wise("[", later_objects, ", ", earlier_objects, "]", ""),
        pc.binary_join_element_wise("[", later_objects, "]", ""),
    )
    provenance = _later(base, hi_at, lo_at)
    frame = hi.drop(columns=list(provenance.columns))
    frame[list(provenance.columns)] = provenance
    return derived_frame(
        frame,
        period=pairs["_period"].to_numpy(),
        kind=target.to_numpy(),
        form=target.to_numpy(),
        start=start.to_numpy(),
        end=end.to_numpy(),
        value=value,
        approx=approx,
        derivation=target.map(_RULE_OF_TARGET).to_numpy(),
        formula=formula,
        inputs=inputs,
        quote=_joined_quotes(hi, lo, has_lo),
        low=value - spread,
        high=value + spread,
    )


# The provenance a derived value takes from the input published last.
_PROVENANCE = ("issue_key", "issue_label", "published", "article", "editor")


def _later(base: pd.DataFrame, hi_at: np.ndarray, lo_at: np.ndarray) -> pd.DataFrame:
    """The provenance columns of the input published last of each pair (positions into
    base; lo_at -1 where there is no earlier input): a derived value exists from that
    issue on, so it takes the issue (its date and article) as its own."""
    columns = [c for c in _PROVENANCE if c in base.columns]
    if "published" in base.columns:
        published = pd.to_datetime(base["published"]).to_numpy()
        later = (lo_at >= 0) & (published[lo_at.clip(0)] > published[hi_at])
        hi_at = np.where(later, lo_at, hi_at)
    return base.iloc[hi_at][columns].reset_index(drop=True)


def _joined_quotes(hi: pd.DataFrame, lo: pd.DataFrame, has_lo: np.ndarray) -> np.ndarray:
    if "quote" not in hi.columns:
        return np.full(len(hi), "", dtype=object)
    later = hi["quote"].fillna("").astype(str)
    earlier = lo["quote"].fillna("").astype(str)
    same = later.to_numpy() == earlier.to_numpy()
    joined = (later + " | " + earlier).to_numpy()
    return np.where(has_lo & ~same, joined, later.to_numpy())
