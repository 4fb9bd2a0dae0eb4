"""Values the statements imply but do not state: derived, marked, with their inputs.

Briefs state a flow the way its publisher does, as the year so far (1—2 月, 1—3 月, …,
1—12 月) with its growth. The month, the quarter and the year are then differences of
consecutive totals. The rules (RULES_ZH holds their words, `derivation` names them):

- month_from_ytd: month m of a flow = its total for 1—m 月 − its total for 1—(m−1) 月;
- quarter_from_ytd: quarter q = 1—3q 月 − 1—3(q−1) 月 (the first quarter is 1—3 月);
- half_from_ytd: the second half = 1—12 月 − 1—6 月 (the first half is 1—6 月);
- year_from_ytd: the year = 1—12 月;
- yoy_from_levels: a growth series' value = (level ÷ the same period's level a year
  before − 1) × 100, read from the level series it is the growth of (yoy_links).

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
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from loaders.transforms import is_ratio, transform_series

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
BOUNDS = ("more_than", "less_than")
# Decimals a figure may be written with; beyond this a value is taken as exact.
MAX_DECIMALS = 8
# Two figures agree when their rounding intervals overlap, give or take float noise.
_TOLERANCE = 1e-9
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
    stated = rows.assign(
        derivation=None, formula=None, inputs=None, check_value=np.nan, check_disagrees=False
    )
    kinds = dict(zip(catalog["id"], catalog["kind"], strict=True)) if not catalog.empty else {}
    parts = [_from_ytd(rows, kinds), _yoy_from_levels(rows, catalog)]
    parts = [part for part in parts if not part.empty]
    if not parts:
        return stated.loc[:, columns].reset_index(drop=True)
    derived = pd.concat(parts, ignore_index=True)
    derived = derived[derived["indicator"].isin(wanted)]
    if derived.empty:
        return stated.loc[:, columns].reset_index(drop=True)
    stated, derived = _check(stated, derived)
    for column in columns:
        if column not in derived.columns:
            derived[column] = pd.Series(dtype=stated[column].dtype, index=derived.index)
    derived = derived.loc[:, columns].astype(
        {c: stated[c].dtype for c in columns if c in ("period_start", "period_end", "published")}
    )
    both = pd.concat([stated.loc[:, columns], derived], ignore_index=True)
    order = both.sort_values(
        ["indicator", "period_end", "period", "forecast", "derived"], kind="stable"
    )
    return order.reset_index(drop=True)


def usable(rows: pd.DataFrame) -> pd.Series:
    """Which rows may be an input: stated (not derived), actual, with a value, no bound."""
    derived = rows["derived"].fillna(False).astype(bool) if "derived" in rows else False
    return (
        ~derived
        & ~rows["forecast"].astype(bool)
        & rows["value"].notna()
        & ~rows["qualifier"].isin(BOUNDS)
    )


def half_unit(values: np.ndarray) -> np.ndarray:
    """Half a unit of the last decimal each value is written with: 75.1 -> 0.05, 2000 -> 0.5,
    0.1765 -> 0.00005: how far the true figure may lie from a rounded one."""
    values = np.asarray(values, dtype=float)
    out = np.full(values.shape, 0.5 * 10.0**-MAX_DECIMALS)
    remaining = np.isfinite(values)
    for decimals in range(MAX_DECIMALS + 1):
        scaled = values * 10.0**decimals
        written = remaining & (
            np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled))
        )
        out[written] = 0.5 * 10.0**-decimals
        remaining &= ~written
    return out


def decimals_of(values: np.ndarray) -> np.ndarray:
    """The decimals each value is written with (half_unit's count)."""
    return np.round(-np.log10(2 * half_unit(values))).astype(int)


def _midpoint(rows: pd.DataFrame) -> pd.Series:
    return (rows["value"] + rows["value_high"].fillna(rows["value"])) / 2


def _approximate(rows: pd.DataFrame) -> pd.Series:
    return rows["qualifier"].eq("approx") | rows["value_high"].notna()


def _from_ytd(rows: pd.DataFrame, kinds: Mapping[str, str]) -> pd.DataFrame:
    """Months, quarters, halves and years of flows from their totals so far."""
    flows = rows["indicator"].map(kinds).eq("flow") & usable(rows)
    base = rows[flows]
    if base.empty:
        return pd.DataFrame()
    start = pd.to_datetime(base["period_start"])
    end = pd.to_datetime(base["period_end"])
    whole = (
        (start.dt.month == 1)
        & (start.dt.day == 1)
        & (start.dt.year == end.dt.year)
        & (end + pd.Timedelta(days=1)).dt.day.eq(1)
    )
    base = base[whole]
    if base.empty:
        return pd.DataFrame()
    end = pd.to_datetime(base["period_end"])
    totals = pd.DataFrame(
        {
            "indicator": base["indicator"].to_numpy(),
            "_year": end.dt.year.to_numpy(),
            "_n": end.dt.month.to_numpy(),
            "_preference": base["period_kind"].map(_YTD_PREFERENCE).fillna(9).to_numpy(),
            "_value": _midpoint(base).to_numpy(),
            "_approx": _approximate(base).to_numpy(),
            "_row": np.arange(len(base)),
        }
    )
    totals = totals.sort_values(["_preference"], kind="stable").drop_duplicates(
        ["indicator", "_year", "_n"]
    )
    later = totals.merge(_FROM_YTD, on="_n")
    earlier = totals.rename(
        columns={c: f"{c}_lo" for c in ("_value", "_approx", "_row", "_preference")}
    ).rename(columns={"_n": "_n_lo"})
    pairs = later.merge(earlier, on=["indicator", "_year", "_n_lo"], how="left")
    pairs = pairs[(pairs["_n_lo"] == 0) | pairs["_row_lo"].notna()].reset_index(drop=True)
    if pairs.empty:
        return pd.DataFrame()
    hi = base.iloc[pairs["_row"].to_numpy()].reset_index(drop=True)
    year = pairs["_year"].astype(int).astype(str)
    index = pairs["_index"].astype(int).astype(str)
    target = pairs["_target"]
    period = np.select(
        [target == "month", target == "quarter", target == "half"],
        [year + "-" + index.str.zfill(2), year + "-Q" + index, year + "-H" + index],
        default=year,
    )
    pairs["_period"] = period
    # A first quarter stated as 2021-Q1 is its own total: nothing to derive.
    keep = (pairs["_n_lo"] > 0) | (hi["period"].to_numpy() != period)
    pairs, hi = pairs[keep].reset_index(drop=True), hi[keep.to_numpy()].reset_index(drop=True)
    if pairs.empty:
        return pd.DataFrame()
    target = pairs["_target"]
    has_lo = pairs["_n_lo"].to_numpy() > 0
    lo_rows = np.where(has_lo, pairs["_row_lo"].fillna(0).to_numpy(), 0).astype(int)
    lo = base.iloc[lo_rows].reset_index(drop=True)
    lo_value = np.where(has_lo, pairs["_value_lo"].fillna(0).to_numpy(), 0.0)
    value = pairs["_value"].to_numpy() - lo_value
    hi_written = hi["value"].to_numpy(dtype=float)
    lo_written = np.where(has_lo, lo["value"].to_numpy(dtype=float), 0.0)
    decimals = np.maximum(decimals_of(hi_written), np.where(has_lo, decimals_of(lo_written), 0))
    value = np.array([round(v, int(d)) for v, d in zip(value, decimals, strict=True)])
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
    inputs = [
        _inputs(hi_row, lo_row if has else None)
        for hi_row, lo_row, has in zip(_input_records(hi), _input_records(lo), has_lo, strict=True)
    ]
    later_input = _later(hi, lo, has_lo)
    frame = later_input.copy()
    frame["indicator"] = hi["indicator"].to_numpy()
    for column in ("name_zh", "name_en", "category", "unit"):
        if column in hi.columns:
            frame[column] = hi[column].to_numpy()
    return _finish(
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


def _yoy_from_levels(rows: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """Growth series' values from the levels of both years (yoy_links)."""
    if catalog.empty:
        return pd.DataFrame()
    parts = []
    by_id = catalog.set_index("id")
    for growth, level in yoy_links(catalog).items():
        levels = rows[(rows["indicator"] == level) & usable(rows)]
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
        points = _input_records(computed)
        bases = [
            {
                "indicator": level,
                "period": row["base_period"],
                "value": row["base_value"],
                "unit": row["stated_unit"],
                "issue_key": row["base_issue_key"],
                "issue": row["base_issue_label"],
                "quote": row["base_quote"],
            }
            for row in _rows_of(
                computed,
                (
                    "base_period",
                    "base_value",
                    "stated_unit",
                    "base_issue_key",
                    "base_issue_label",
                    "base_quote",
                ),
            )
        ]
        for record, stated, unit in zip(
            points, computed["stated_value"], computed["stated_unit"], strict=True
        ):
            # The level stated, not the growth computed from it.
            record.update(indicator=level, value=stated, unit=unit)
        parts.append(
            _finish(
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
                inputs=[
                    json.dumps([p, b], ensure_ascii=False, default=_json_default)
                    for p, b in zip(points, bases, strict=True)
                ],
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


# The fields of an input in `inputs`, from the series columns that hold them.
_INPUT_FIELDS = {
    "indicator": "indicator",
    "period": "period",
    "value": "value",
    "unit": "unit",
    "issue_key": "issue_key",
    "issue": "issue_label",
    "quote": "quote",
}


def _rows_of(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict]:
    values = [frame[c].tolist() if c in frame.columns else [None] * len(frame) for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _input_records(frame: pd.DataFrame) -> list[dict]:
    rows = _rows_of(frame, list(_INPUT_FIELDS.values()))
    return [{field: row[column] for field, column in _INPUT_FIELDS.items()} for row in rows]


def _json_default(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _inputs(later: dict, earlier: dict | None) -> str:
    chosen = [later] if earlier is None else [later, earlier]
    return json.dumps(chosen, ensure_ascii=False, default=_json_default)


# The provenance a derived value takes from the input published last.
_PROVENANCE = ("issue_key", "issue_label", "published", "article", "editor")


def _later(hi: pd.DataFrame, lo: pd.DataFrame, has_lo: np.ndarray) -> pd.DataFrame:
    """Per pair, hi's row with the provenance of the input published last: a derived value
    exists from that issue on, so it takes the issue (its date and article) as its own."""
    chosen = hi.copy()
    if "published" not in hi.columns:
        return chosen
    lo_later = has_lo & (
        pd.to_datetime(lo["published"]).to_numpy() > pd.to_datetime(hi["published"]).to_numpy()
    )
    if lo_later.any():
        for column in _PROVENANCE:
            if column in chosen.columns:
                values = chosen[column].to_numpy(dtype=object).copy()
                values[lo_later] = lo[column].to_numpy(dtype=object)[lo_later]
                chosen[column] = pd.Series(values, index=chosen.index).astype(hi[column].dtype)
    return chosen


def _joined_quotes(hi: pd.DataFrame, lo: pd.DataFrame, has_lo: np.ndarray) -> np.ndarray:
    if "quote" not in hi.columns:
        return np.full(len(hi), "", dtype=object)
    later = hi["quote"].fillna("").astype(str)
    earlier = lo["quote"].fillna("").astype(str)
    same = later.to_numpy() == earlier.to_numpy()
    joined = (later + " | " + earlier).to_numpy()
    return np.where(has_lo & ~same, joined, later.to_numpy())


def _finish(frame: pd.DataFrame, **columns: object) -> pd.DataFrame:
    """A frame of derived rows: `frame`'s columns (the provenance of the input published
    last) with the period, value, form and marks given; _low and _high bound the value as
    the rounding of its inputs allows."""
    out = frame.reset_index(drop=True).copy()
    out["period"] = columns["period"]
    out["period_kind"] = columns["kind"]
    out["period_start"] = columns["start"]
    out["period_end"] = columns["end"]
    out["value"] = columns["value"]
    out["value_high"] = np.nan
    out["qualifier"] = np.where(columns["approx"], "approx", "exact")
    out["forecast"] = False
    out["derived"] = True
    out["form"] = columns["form"]
    out["derivation"] = columns["derivation"]
    out["formula"] = columns["formula"]
    out["inputs"] = columns["inputs"]
    out["quote"] = columns["quote"]
    for column, value in (
        ("period_text", ""),
        ("revision_count", 0),
        ("disagrees", False),
        ("revised_later", False),
    ):
        if column in out.columns:
            out[column] = value
    if "figure_text" in out.columns:
        out["figure_text"] = columns["formula"]
    for column in ("current_value", "current_value_high", "current_issue_key"):
        if column in out.columns:
            out[column] = None
    out["_low"] = columns["low"]
    out["_high"] = columns["high"]
    return out


def _check(stated: pd.DataFrame, derived: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """check_value and check_disagrees on both sides where a derived point meets a stated
    one of the same period (actual, no bound)."""
    keys = ["indicator", "period"]
    candidates = stated[usable(stated)]
    if candidates.empty:
        return stated, derived.drop(columns=["_low", "_high"])
    candidates = candidates.assign(
        _stated=_midpoint(candidates),
        _error=half_unit(candidates["value"].to_numpy(dtype=float)),
        _checkable=~_approximate(candidates),
    ).drop_duplicates(keys)
    met = derived.loc[:, [*keys, "value", "qualifier", "_low", "_high"]].merge(
        candidates.loc[:, [*keys, "_stated", "_error", "_checkable"]],
        on=keys,
        how="left",
    )
    found = met["_stated"].notna().to_numpy()
    checkable = found & met["_checkable"].fillna(False).to_numpy(dtype=bool)
    checkable &= (met["qualifier"] != "approx").to_numpy()
    tolerance = _TOLERANCE * np.maximum(1.0, np.abs(met["_stated"].fillna(0).to_numpy()))
    apart = (met["_stated"] + met["_error"]).to_numpy() < met["_low"].to_numpy() - tolerance
    apart |= (met["_stated"] - met["_error"]).to_numpy() > met["_high"].to_numpy() + tolerance
    disagrees = checkable & apart
    derived = derived.drop(columns=["_low", "_high"]).reset_index(drop=True)
    derived["check_value"] = np.where(found, met["_stated"].to_numpy(), np.nan)
    derived["check_disagrees"] = disagrees
    # The stated side: the derived value of its period (the first, if several rules give one).
    back = pd.DataFrame(
        {
            "indicator": derived["indicator"].to_numpy()[found],
            "period": derived["period"].to_numpy()[found],
            "_derived_value": derived["value"].to_numpy()[found],
            "_disagrees": disagrees[found],
        }
    ).drop_duplicates(keys)
    if back.empty:
        return stated, derived
    marked = stated.merge(back, on=keys, how="left")
    hit = marked["_derived_value"].notna().to_numpy() & usable(stated).to_numpy()
    stated = stated.copy()
    stated["check_value"] = np.where(hit, marked["_derived_value"].to_numpy(), np.nan)
    stated["check_disagrees"] = hit & marked["_disagrees"].fillna(False).to_numpy(dtype=bool)
    return stated, derived


def parse_inputs(text: object) -> list[dict]:
    """The `inputs` of a derived row as a list of {indicator, period, value, issue_key,
    issue, quote}; [] for a stated row."""
    if not isinstance(text, str) or not text:
        return []
    return json.loads(text)
