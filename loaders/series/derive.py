"""Values the statements imply but do not state: derived, marked, with their inputs.

Briefs state a flow the way its publisher does, as the year so far (1—2 月, 1—3 月, …,
1—12 月) with its growth. The month, the quarter and the year are then differences of
consecutive totals. The rules (RULES_ZH holds their words, `derivation` names them):

- month_from_ytd: month m of a flow = its total for 1—m 月 − its total for 1—(m−1) 月;
- quarter_from_ytd: quarter q = 1—3q 月 − 1—3(q−1) 月 (the first quarter is 1—3 月);
- half_from_ytd: the second half = 1—12 月 − 1—6 月 (the first half is 1—6 月);
- year_from_ytd: the year = 1—12 月;
- yoy_from_levels: a growth series' value = (level ÷ the same period's level a year
  before − 1) × 100, read from the level series it is the growth of (yoy_links), for
  months, quarters, halves, years and totals so far (what briefs state growth for).

A flow's totals so far are its stated year-to-date points, and its stated January, first
quarter, first half and year (the same totals under their own names). Inputs are
statements only (never a derived value), actual (never a forecast) and never a bound:
nothing is computed from ≥ or ≤. A value computed from an approximation or a range is
approximate (a range counts at its midpoint).

A derived point is returned beside a stated point of the same period, never instead of it:
both carry check_value (the other's value) and check_disagrees, true when the two differ by
more than the rounding of the figures allows (each figure is taken as rounded to the
decimals it is written with; approximations are not checked).

Pure functions on frames of series rows and of the catalog (queries.indicators): no store.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.series.derived_rows import half_unit, is_approximate, midpoint, usable
from loaders.series.growth_from_levels import yoy_from_levels, yoy_links
from loaders.series.ytd_differences import from_ytd

DERIVATIONS = (
    "month_from_ytd",
    "quarter_from_ytd",
    "half_from_ytd",
    "year_from_ytd",
    "yoy_from_levels",
)
RULES_ZH = {
    "month_from_ytd": "月度值 = 1—m月累计 − 1—(m−1)月累计（同一年，均为公布值）。",
    "quarter_from_ytd": "季度值 = 本季末累计 − 上季末累计（一季度即 1—3月累计）。",
    "half_from_ytd": "半年值：上半年即 1—6月累计，下半年 = 1—12月累计 − 1—6月累计。",
    "year_from_ytd": "年度值 = 1—12月累计。",
    "yoy_from_levels": "同比 % = (本期水平 ÷ 上年同期水平 − 1) × 100，两年的水平值均为公布值。",
}
# Columns every row of with_derived carries (empty on stated rows, but for the checks).
DERIVED_COLUMNS = ("derivation", "formula", "inputs", "check_value", "check_disagrees")
_TEXT_COLUMNS = ("derivation", "formula", "inputs")
# Two figures agree when their rounding intervals overlap, give or take float noise.
_TOLERANCE = 1e-9


def sources(catalog: pd.DataFrame, indicators: Sequence[str]) -> list[str]:
    """The series whose statements derive values of these (the levels of growth series):
    a read of these must read those too."""
    links = yoy_links(catalog)
    return [links[i] for i in indicators if i in links and links[i] not in indicators]


def with_derived(
    rows: pd.DataFrame, catalog: pd.DataFrame, indicators: Sequence[str] | None = None
) -> pd.DataFrame:
    """rows (series rows with a `form` column, of one vintage) and the values they imply for
    `indicators` (all of rows' when None), in indicator and period order, derived after
    stated within a period. Derived rows have derived=True and DERIVED_COLUMNS filled; a
    stated row with a derived value of its period gets check_value and check_disagrees."""
    wanted = list(dict.fromkeys(rows["indicator"])) if indicators is None else list(indicators)
    columns = [*rows.columns, *(c for c in DERIVED_COLUMNS if c not in rows.columns)]
    # Text columns as strings (not objects): the CSV writer encodes each distinct text once.
    nothing = pd.Series(pd.NA, index=rows.index, dtype="str")
    stated = rows.assign(
        derivation=nothing,
        formula=nothing,
        inputs=nothing,
        check_value=np.nan,
        check_disagrees=False,
    )
    kinds = dict(zip(catalog["id"], catalog["kind"], strict=True)) if not catalog.empty else {}
    asked = rows["indicator"].isin(wanted).to_numpy()
    parts = [
        from_ytd(rows if asked.all() else rows[asked], kinds),
        yoy_from_levels(rows, catalog, wanted),
    ]
    parts = [part for part in parts if not part.empty]
    if not parts:
        return stated.loc[:, columns].reset_index(drop=True)
    derived = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if derived.empty:
        return stated.loc[:, columns].reset_index(drop=True)
    stated, derived = _check(stated, derived)
    for column in columns:
        if column not in derived.columns:
            derived[column] = pd.Series(dtype=stated[column].dtype, index=derived.index)
    derived = derived.loc[:, columns].astype(
        {
            c: stated[c].dtype
            for c in columns
            if c in ("period_start", "period_end", "published", *_TEXT_COLUMNS)
        }
    )
    both = pd.concat([stated.loc[:, columns], derived], ignore_index=True)
    return both.take(_series_order(both)).reset_index(drop=True)


def _series_order(frame: pd.DataFrame) -> np.ndarray:
    """Positions in indicator, period end, period, forecast order, derived rows after
    stated ones (a stable sort): numpy keys, as sorting the frame by its Arrow text columns
    cost more than the derivation."""
    indicators = pd.factorize(frame["indicator"], sort=True)[0]
    periods = pd.factorize(frame["period"], sort=True)[0]
    ends = pd.to_datetime(frame["period_end"]).to_numpy().astype("datetime64[D]").astype(np.int64)
    return np.lexsort(
        (
            frame["derived"].fillna(False).to_numpy(dtype=bool),
            frame["forecast"].to_numpy(dtype=bool),
            periods,
            ends,
            indicators,
        )
    )


def _period_keys(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """(indicator, period) of each row, as plain tuples for dict lookups (cheaper than
    joining or concatenating the Arrow text columns of a long series)."""
    indicators = frame["indicator"].to_numpy(dtype=object)
    return list(zip(indicators, frame["period"].to_numpy(dtype=object), strict=True))


def _check(stated: pd.DataFrame, derived: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """check_value and check_disagrees on both sides where a derived point meets a stated
    one of the same period (actual, no bound)."""
    derived = derived.reset_index(drop=True)
    # Only the stated rows of periods something was derived for (Arrow's isin, in C).
    periods = pa.array(stated["period"]).cast(pa.string())
    wanted = pa.array([str(period) for period in pd.unique(derived["period"])], pa.string())
    near = pc.is_in(periods, value_set=wanted).to_numpy(zero_copy_only=False)
    near = near & usable(stated).to_numpy()
    candidates = np.flatnonzero(near)
    positions: dict[tuple[str, str], int] = {}
    keys = _period_keys(stated[["indicator", "period"]].iloc[candidates])
    for position, key in zip(candidates, keys, strict=True):
        positions.setdefault(key, int(position))
    at = np.array([positions.get(key, -1) for key in _period_keys(derived)], dtype=int)
    found = at >= 0
    if not found.any():
        # Nothing stated to check against: filled here, as a bool column added empty later
        # would read as True (pandas casts the missing values to bool).
        unchecked = derived.drop(columns=["_low", "_high"])
        return stated, unchecked.assign(check_value=np.nan, check_disagrees=False)
    chosen = stated[["value", "value_high", "qualifier"]].iloc[np.where(found, at, 0)]
    stated_value = np.where(found, midpoint(chosen).to_numpy(), np.nan)
    error = half_unit(chosen["value"].to_numpy(dtype=float))
    checkable = found & ~is_approximate(chosen).to_numpy() & (derived["qualifier"] != "approx")
    tolerance = _TOLERANCE * np.maximum(1.0, np.abs(np.nan_to_num(stated_value)))
    low, high = derived["_low"].to_numpy(), derived["_high"].to_numpy()
    with np.errstate(invalid="ignore"):
        apart = (stated_value + error < low - tolerance) | (stated_value - error > high + tolerance)
    disagrees = np.asarray(checkable & apart, dtype=bool)
    derived = derived.drop(columns=["_low", "_high"])
    derived["check_value"] = stated_value
    derived["check_disagrees"] = disagrees
    # The stated side: the derived value of its period (the first, if several rules give one).
    check_value = stated["check_value"].to_numpy(dtype=float).copy()
    check_disagrees = stated["check_disagrees"].to_numpy(dtype=bool).copy()
    values = derived["value"].to_numpy()
    for row in reversed(np.flatnonzero(found)):
        check_value[at[row]] = values[row]
        check_disagrees[at[row]] = disagrees[row]
    back = stated.copy()
    back["check_value"] = check_value
    back["check_disagrees"] = check_disagrees
    return back, derived


def parse_inputs(text: object) -> list[dict]:
    """The `inputs` of a derived row as a list of {indicator, period, value, issue_key,
    issue, quote}; [] for a stated row."""
    if not isinstance(text, str) or not text:
        return []
    return json.loads(text)
