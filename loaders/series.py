"""Which points may be compared or joined by a line, and the latest point of each indicator.

Two statements are comparable when they cover the same kind of period: a year with a year,
a quarter with a quarter. Year-to-date spans are only comparable when they end in the same
month (1—3月 with 1—3月), multi-year totals when they span as many years.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from loaders.periods import kind_label

# A card's sparkline is a glance at the recent run of its series: the last points only, so a
# series of thousands of points does not ship them all to every visitor of the overview.
SPARK_POINTS = 120
# When two points end on the same day the annual figure is the headline, then the longer
# period; a multi-year total (2016—2020) is context, not the latest value.
_KIND_ORDER = {"year": 0, "ytd": 1, "half": 2, "quarter": 3, "month": 4, "day": 5, "multi_year": 6}


def _as_date(value: object) -> date:
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


def comparable_group(kind: str, start: object, end: object) -> str:
    """A key shared by exactly the periods that may sit on one line: "year", "ytd-09"."""
    first, last = _as_date(start), _as_date(end)
    if kind == "ytd":
        return f"ytd-{last.month:02d}"
    if kind == "multi_year":
        return f"multi_year-{last.year - first.year + 1}"
    if kind == "span":
        return f"span-{(last - first).days + 1}"
    return kind


def group_label(group: str) -> str:
    """ "年度", "年初至今累计（1—9月）", "多年合计（5年）"."""
    kind, _, detail = group.partition("-")
    label = kind_label(kind)
    if kind == "ytd" and detail:
        return f"{label}（1—{int(detail)}月）"
    if kind == "multi_year" and detail:
        return f"{label}（{detail}年）"
    if kind == "span" and detail:
        return f"{label}（{detail}天）"
    return label


def period_midpoint(start: object, end: object) -> str:
    """Where a period sits on a time axis: its middle day (a year sits in July), ISO text."""
    first, last = _as_date(start), _as_date(end)
    return (first + (last - first) / 2).isoformat()


def with_plot_columns(series: pd.DataFrame) -> pd.DataFrame:
    """A copy of queries.series rows with x (period midpoint), group and group_label added.

    Vectorised (same results as period_midpoint and comparable_group row by row): the
    overview passes every indicator's rows, 500,000 of them in a store of a million.
    """
    frame = series.copy()
    if frame.empty:
        for column in ("x", "group", "group_label"):
            frame[column] = pd.Series(dtype="object")
        return frame
    start = pd.to_datetime(frame["period_start"])
    end = pd.to_datetime(frame["period_end"])
    days = (end - start).dt.days
    # date + timedelta(days=n / 2) keeps whole days only, so the midpoint rounds down.
    frame["x"] = (start + pd.to_timedelta(days // 2, unit="D")).dt.strftime("%Y-%m-%d")
    kind = frame["period_kind"].astype(str)
    group = kind.copy()
    ytd = kind == "ytd"
    group[ytd] = "ytd-" + end[ytd].dt.month.astype(str).str.zfill(2)
    multi = kind == "multi_year"
    group[multi] = "multi_year-" + (end[multi].dt.year - start[multi].dt.year + 1).astype(str)
    span = kind == "span"
    group[span] = "span-" + (days[span] + 1).astype(str)
    frame["group"] = group.astype(object)
    labels = {value: group_label(value) for value in frame["group"].unique()}
    frame["group_label"] = frame["group"].map(labels)
    return frame


def latest_cards(series: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator with data: its latest actual (non-forecast) point, the previous
    point of the same comparable group, and that group's values in time order (sparkline).

    Columns: every series column plus group, prev_value, prev_period, prev_qualifier, spark.
    """
    columns = [*series.columns, "group", "prev_value", "prev_period", "prev_qualifier", "spark"]
    actual = with_plot_columns(series)
    if actual.empty:
        return pd.DataFrame(columns=columns)
    actual = actual[~actual["forecast"].astype(bool)]
    actual = actual.assign(
        _end=pd.to_datetime(actual["period_end"]),
        _order=actual["period_kind"].map(_KIND_ORDER).fillna(9),
        _published=pd.to_datetime(actual["published"]),
    )
    cards = []
    for _, rows in actual.groupby("indicator", sort=False):
        ranked = rows.sort_values(
            ["_end", "_order", "_published"], ascending=[False, True, False], kind="stable"
        )
        latest = ranked.iloc[0]
        same_group = rows[rows["group"] == latest["group"]].sort_values("_end", kind="stable")
        earlier = same_group[same_group["_end"] < latest["_end"]]
        card = latest.drop(["_end", "_order", "_published"]).to_dict()
        previous = earlier.iloc[-1] if not earlier.empty else None
        card["prev_value"] = None if previous is None else float(previous["value"])
        card["prev_period"] = None if previous is None else previous["period"]
        card["prev_qualifier"] = None if previous is None else previous["qualifier"]
        card["spark"] = [float(value) for value in same_group["value"].iloc[-SPARK_POINTS:]]
        cards.append(card)
    return pd.DataFrame(cards, columns=columns)
