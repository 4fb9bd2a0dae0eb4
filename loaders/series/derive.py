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
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.series.transforms import is_ratio, transform_series

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
_TEXT_COLUMNS = ("derivation", "formula", "inputs")
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
# The kinds of period a growth is derived for (yoy_from_levels).
_GROWTH_KINDS = ("month", "quarter", "half", "year", "ytd")
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
        _from_ytd(rows if asked.all() else rows[asked], kinds),
        _yoy_from_levels(rows, catalog, wanted),
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
    base = rows.loc[candidates, [c for c in _INPUT_COLUMNS if c in rows.columns]]
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
    midpoints = _midpoint(base).to_numpy()
    approximate = _approximate(base).to_numpy()
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
    later_objects, earlier_objects = _input_objects(hi), _input_objects(lo)
    inputs = pc.if_else(
        pa.array(has_lo),
        pc.binary_join_element_wise("[", later_objects, ", ", earlier_objects, "]", ""),
        pc.binary_join_element_wise("[", later_objects, "]", ""),
    )
    provenance = _later(base, hi_at, lo_at)
    frame = hi.drop(columns=list(provenance.columns))
    frame[list(provenance.columns)] = provenance
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


def _yoy_from_levels(
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
        points = _input_objects(
            computed,
            indicator=level,
            value=computed["stated_value"],
            unit=computed["stated_unit"],
        )
        bases = _json_objects(
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


# What JSON must escape in a string: quotes, backslashes, control characters (and the two
# line separators JavaScript reads as line ends, for safety). RE2 syntax (pyarrow).
_NEEDS_ESCAPE = r'["\\\x00-\x1f\x{2028}\x{2029}]'


def _json_values(values: object, length: int) -> pa.Array:
    """Each value as JSON text, as an Arrow string array: numbers as numbers, text quoted
    and escaped, missing as null; a scalar for every row. Built a column at a time in
    Arrow (each distinct text encoded once): json.dumps per derived row was most of a read
    at 1e6 observations."""
    if not isinstance(values, np.ndarray | pd.Series | list):
        return pa.array([json.dumps(values, ensure_ascii=False)] * length, type=pa.string())
    column = pd.Series(values).reset_index(drop=True)
    if pd.api.types.is_float_dtype(column) or pd.api.types.is_integer_dtype(column):
        numbers = column.to_numpy(dtype=float)
        return pa.array(numbers.astype(str), mask=~np.isfinite(numbers)).fill_null("null")
    dictionary = pc.dictionary_encode(pa.Array.from_pandas(column.astype("string")))
    texts = dictionary.dictionary.cast(pa.string())
    # Text with nothing to escape is itself in quotes; the rest goes through json. Arrow's
    # regex runs in C (pandas ran Python's re on each distinct text: 70 ms at 1e6).
    needs = pc.match_substring_regex(texts, _NEEDS_ESCAPE).to_numpy(zero_copy_only=False)
    encoded = pc.binary_join_element_wise('"', texts, '"', "")
    if needs.any():
        escaped = encoded.to_pylist()
        for position in np.flatnonzero(needs):
            escaped[position] = json.dumps(texts[position].as_py(), ensure_ascii=False)
        encoded = pa.array(escaped, type=pa.string())
    return pc.take(encoded, dictionary.indices).fill_null("null")


def _json_objects(fields: dict[str, object], length: int) -> pa.Array:
    """One JSON object per row from fields (name -> a column or a scalar), joined in
    Arrow."""
    parts: list[object] = []
    for position, (name, values) in enumerate(fields.items()):
        parts.append(("{" if position == 0 else ", ") + json.dumps(name) + ": ")
        parts.append(_json_values(values, length))
    return pc.binary_join_element_wise(*parts, "}", "")


def _input_objects(frame: pd.DataFrame, **overrides: object) -> np.ndarray:
    """Each row of frame as an input object (_INPUT_FIELDS), overrides replacing fields."""
    fields = {
        field: overrides.get(field, frame[column] if column in frame.columns else None)
        for field, column in _INPUT_FIELDS.items()
    }
    return _json_objects(fields, len(frame))


# The columns a derived row takes from its inputs.
_INPUT_COLUMNS = (
    "indicator",
    "name_zh",
    "name_en",
    "category",
    "unit",
    "period",
    "period_kind",
    "period_start",
    "period_end",
    "value",
    "value_high",
    "qualifier",
    "forecast",
    "issue_key",
    "issue_label",
    "published",
    "article",
    "editor",
    "quote",
    "form",
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
    out["inputs"] = pd.Series(
        pd.arrays.ArrowStringArray(pa.chunked_array([columns["inputs"]]))
        if isinstance(columns["inputs"], pa.Array)
        else columns["inputs"],
        index=out.index,
        dtype="str",
    )
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
    stated_value = np.where(found, _midpoint(chosen).to_numpy(), np.nan)
    error = half_unit(chosen["value"].to_numpy(dtype=float))
    checkable = found & ~_approximate(chosen).to_numpy() & (derived["qualifier"] != "approx")
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
