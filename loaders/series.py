"""Which points may be compared or joined by a line, and the latest point of each indicator.

Two statements are comparable when they cover the same kind of period: a year with a year,
a quarter with a quarter. Year-to-date spans are only comparable when they end in the same
month (1—3月 with 1—3月), multi-year totals when they span as many years.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from loaders.frames import records
from loaders.periods import HEADLINE_KINDS, kind_label

# A card's sparkline is a glance at the recent run of its series: the last points only, so a
# series of thousands of points does not ship them all to every visitor of the overview.
SPARK_POINTS = 120
# When two points end on the same day, loaders.periods.HEADLINE_KINDS decides the headline.
_KIND_ORDER = {kind: rank for rank, kind in enumerate(HEADLINE_KINDS)}


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
    frame["group"] = comparable_groups(frame)
    labels = {value: group_label(value) for value in frame["group"].unique()}
    frame["group_label"] = frame["group"].map(labels)
    return frame


def comparable_groups(series: pd.DataFrame) -> pd.Series:
    """comparable_group of every row of queries.series rows, vectorised (object strings)."""
    if series.empty:
        return pd.Series(dtype="object", index=series.index)
    start = pd.to_datetime(series["period_start"])
    end = pd.to_datetime(series["period_end"])
    kind = series["period_kind"].astype(str)
    group = kind.copy()
    ytd = kind == "ytd"
    if ytd.any():
        group[ytd] = "ytd-" + end[ytd].dt.month.astype(str).str.zfill(2)
    multi = kind == "multi_year"
    if multi.any():
        group[multi] = "multi_year-" + (end[multi].dt.year - start[multi].dt.year + 1).astype(str)
    span = kind == "span"
    if span.any():
        group[span] = "span-" + ((end[span] - start[span]).dt.days + 1).astype(str)
    return group.astype(object)


def latest_cards(series: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator with data: its latest actual (non-forecast) point, the previous
    point of the same comparable group, and that group's values in time order (sparkline).

    The latest point ends last; of those, the kind _KIND_ORDER puts first, then the one
    published last, then the first row. Columns: every series column plus group,
    prev_value, prev_period, prev_qualifier, spark.
    """
    columns = [*series.columns, "group", "prev_value", "prev_period", "prev_qualifier", "spark"]
    if series.empty:
        return pd.DataFrame(columns=columns)
    actual = series[~series["forecast"].astype(bool).to_numpy()]
    cards = []
    # Arrays, not sorted frames: a card of a 25,000-point series took 27 ms the pandas way,
    # paid again for each series a commit touched.
    for _, rows in actual.groupby("indicator", sort=False):
        end = pd.to_datetime(rows["period_end"]).to_numpy()
        kinds, kind_names = pd.factorize(rows["period_kind"])
        order = np.array([_KIND_ORDER.get(kind, 9) for kind in kind_names])[kinds]
        published = pd.to_datetime(rows["published"]).to_numpy()
        latest = end == end.max()
        latest &= order == order[latest].min()
        latest &= published == published[latest].max()
        position = int(np.flatnonzero(latest)[0])
        groups = comparable_groups(rows).to_numpy()
        same_group = np.flatnonzero(groups == groups[position])
        same_group = same_group[np.argsort(end[same_group], kind="stable")]
        earlier = same_group[end[same_group] < end[position]]
        card = records(rows.iloc[[position]])[0]
        card["group"] = groups[position]
        previous = records(rows.iloc[[earlier[-1]]])[0] if len(earlier) else None
        card["prev_value"] = None if previous is None else float(previous["value"])
        card["prev_period"] = None if previous is None else previous["period"]
        card["prev_qualifier"] = None if previous is None else previous["qualifier"]
        values = rows["value"].to_numpy(dtype=float)
        card["spark"] = [float(value) for value in values[same_group[-SPARK_POINTS:]]]
        cards.append(card)
    return pd.DataFrame(cards, columns=columns)
