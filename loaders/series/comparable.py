"""Which points may be compared or joined by a line, and the latest point of each indicator.

A line is an indicator in one form (loaders.vocab.periods.period_form, here for frames: forms): a
run of 1—n 月 totals is one year-to-date line whatever the length. Every point sits at its
period's last day (period_position). Two statements are comparable when they cover the same
kind of period: a year with a year, a quarter with a quarter. Year-to-date spans are only
comparable when they end in the same month (1—3月 with 1—3月), multi-year totals when they
span as many years. The overview's cards compare only so, and never from a bound.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from loaders.vocab.frames import records
from loaders.vocab.missing import is_missing
from loaders.vocab.periods import (
    CUMULATIVE_STOCK_MARK,
    CUMULATIVE_TEXT,
    HEADLINE_KINDS,
    PeriodError,
    form_label,
    kind_label,
    period_label_zh,
)
from loaders.vocab.qualifiers import LABEL_ZH

# A card's sparkline is a glance at the recent run of its series: the last points only, so a
# series of thousands of points does not ship them all to every visitor of the overview.
SPARK_POINTS = 120
# The columns with_plot_columns adds.
PLOT_COLUMNS = ("x", "form", "form_label", "group", "group_label")
_CUMULATIVE_PATTERN = CUMULATIVE_TEXT.pattern
# When two points end on the same day, loaders.vocab.periods.HEADLINE_KINDS decides the headline.
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


def period_position(end: object) -> str:
    """Where a period ending on `end` sits on a time axis: its last day
    (loaders.vocab.periods.POSITION_RULE), ISO text. A year sits on 31 December, 1—9 月 on 30
    September, a day on itself."""
    return _as_date(end).isoformat()


def forms(series: pd.DataFrame, kinds: Mapping[str, str] | None = None) -> pd.Series:
    """loaders.vocab.periods.period_form of every row of series rows, vectorised: kinds maps an
    indicator to its catalog kind (flow, stock, rate, index); without it (or for an id it
    does not list) no row is a stock. Reads period_kind, period_start, and where present
    name_zh and period_text."""
    if series.empty:
        return pd.Series(dtype="object", index=series.index)
    kind = series["period_kind"].astype(str)
    form = kind.copy()
    start = pd.to_datetime(series["period_start"])
    first_of_year = (start.dt.month == 1) & (start.dt.day == 1)
    if "period_text" in series.columns:
        written = series["period_text"].fillna("").astype(str)
        cumulative = written.str.contains(_CUMULATIVE_PATTERN, regex=True)
        form[kind.isin(["quarter", "half"]) & first_of_year & cumulative] = "ytd"
    if kinds:
        stock = series["indicator"].map(dict(kinds)).eq("stock") & ~kind.isin(
            ["ytd", "multi_year", "span"]
        )
        if stock.any():
            names = (
                series["name_zh"].fillna("").astype(str)
                if "name_zh" in series.columns
                else pd.Series("", index=series.index)
            )
            cumulative_stock = names.str.contains(CUMULATIVE_STOCK_MARK, regex=False)
            form[stock] = np.where(cumulative_stock[stock], "since_launch", "point")
    return form.astype("str")


def with_plot_columns(series: pd.DataFrame, kinds: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A copy of series rows with x (the period's last day), form, form_label, group and
    group_label added. A `form` column the rows carry (the read service sets it) is kept;
    otherwise it is computed (forms, with kinds).

    Vectorised (same results as period_position and comparable_group row by row): the
    overview passes every indicator's rows, 500,000 of them in a store of a million.
    """
    frame = series.copy()
    if frame.empty:
        for column in PLOT_COLUMNS:
            frame[column] = pd.Series(dtype="object")
        return frame
    end = pd.to_datetime(frame["period_end"])
    frame["x"] = end.dt.strftime("%Y-%m-%d")
    if "form" not in frame.columns:
        frame["form"] = forms(frame, kinds)
    form_labels = {value: form_label(value) for value in frame["form"].unique()}
    frame["form_label"] = frame["form"].map(form_labels)
    frame["group"] = comparable_groups(frame)
    labels = {value: group_label(value) for value in frame["group"].unique()}
    frame["group_label"] = frame["group"].map(labels)
    return frame


def forms_named(names: Sequence[str]) -> tuple[str, ...]:
    """The forms a list of view names keeps: a form as it is; a comparable group, as links
    and API calls from before forms named them (ytd-09, the 1—9 月 totals), is its form."""
    return tuple(dict.fromkeys(name.partition("-")[0] for name in names if name))


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


# What a card's previous point is to its latest one: the same period a year earlier, the
# period just before of the same length, or (a stock) the moment stated before.
RELATION_LABELS = {
    "year_ago": "较上年同期",
    "previous": "较上一期",
    "previous_moment": "较上一公布时点",
}
# The period just before, of the same length, by comparable group kind (months back).
_PREVIOUS_MONTHS = {"year": 12, "half": 6, "quarter": 3, "month": 1}
BOUNDS = ("more_than", "less_than")
CARD_COLUMNS = (
    "group",
    "form",
    "prev_value",
    "prev_period",
    "prev_qualifier",
    "prev_relation",
    "prev_label",
    "change_note",
    "approximate",
    "spark",
)


def months_back(start: pd.Timestamp, end: pd.Timestamp, months: int) -> tuple:
    """The same span `months` earlier (the rule of loaders.series.transforms' comparisons): a span of
    whole months stays whole months (2021-02 ends on the 28th, 2020-02 on the 29th); a day
    stays the same calendar day."""
    offset = pd.DateOffset(months=months)
    one_day = pd.Timedelta(days=1)
    if start.day == 1 and (end + one_day).day == 1:
        return start - offset, end + one_day - offset - one_day
    return start - offset, end - offset


def _previous_span(group: str, start: pd.Timestamp, end: pd.Timestamp) -> tuple | None:
    """The period just before a period of the same length, or None where there is none of
    the same kind (a year to date: 1—8 月 is shorter than 1—9 月, not the one before)."""
    kind, _, detail = group.partition("-")
    if kind in _PREVIOUS_MONTHS:
        return months_back(start, end, _PREVIOUS_MONTHS[kind])
    if kind == "multi_year":
        return months_back(start, end, 12 * int(detail))
    if kind in ("span", "day"):
        length = end - start + pd.Timedelta(days=1)
        return start - length, end - length
    return None


def previous_label(relation: str | None, group: str, period: str | None) -> str:
    """ "较上年同期（2020年1—9月）", "较上一期（2021年8月）": what a card compares with."""
    if relation is None or period is None:
        return ""
    try:
        label = period_label_zh(period)
    except PeriodError:
        label = period
    if relation == "year_ago" and group == "year":
        return f"较上年（{label}）"
    return f"{RELATION_LABELS[relation]}（{label}）"


def latest_cards(series: pd.DataFrame, kinds: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per indicator with data: its latest actual (non-forecast) point, the point it
    is compared with, and that comparable group's values in time order (sparkline).

    The latest point ends last; of those, the kind _KIND_ORDER puts first, then the one
    published last, then the first row. It is compared like with like only: with the same
    period a year earlier (the same months of a year to date), else the period just before
    of the same length (the month, quarter, half or year before), and a stock (kinds) with
    the moment stated before it; never with whatever earlier point happens to be stored.
    No change is computed where either point is a bound (≥, ≤): change_note says why; an
    approximation or a range makes the change approximate. Columns: every series column
    plus CARD_COLUMNS.
    """
    columns = [*series.columns, *CARD_COLUMNS]
    if series.empty:
        return pd.DataFrame(columns=columns)
    kinds = dict(kinds or {})
    actual = series[~series["forecast"].astype(bool).to_numpy()]
    cards = []
    # Arrays, not sorted frames: a card of a 25,000-point series took 27 ms the pandas way,
    # paid again for each series a commit touched.
    for indicator, rows in actual.groupby("indicator", sort=False):
        starts = pd.to_datetime(rows["period_start"]).to_numpy()
        end = pd.to_datetime(rows["period_end"]).to_numpy()
        kinds_of_rows, kind_names = pd.factorize(rows["period_kind"])
        order = np.array([_KIND_ORDER.get(kind, 9) for kind in kind_names])[kinds_of_rows]
        published = pd.to_datetime(rows["published"]).to_numpy()
        latest = end == end.max()
        latest &= order == order[latest].min()
        latest &= published == published[latest].max()
        position = int(np.flatnonzero(latest)[0])
        groups = comparable_groups(rows).to_numpy()
        group = str(groups[position])
        same_group = np.flatnonzero(groups == groups[position])
        same_group = same_group[np.argsort(end[same_group], kind="stable")]
        row_forms = forms(rows, kinds).to_numpy()
        card = records(rows.iloc[[position]])[0]
        card["group"] = group
        card["form"] = row_forms[position]
        relation, previous_at = _compared_with(
            group,
            kinds.get(str(indicator)) == "stock" and row_forms[position] in STOCK_FORMS,
            position,
            starts,
            end,
            groups,
            row_forms,
        )
        previous = records(rows.iloc[[previous_at]])[0] if previous_at is not None else None
        card["prev_value"] = None if previous is None else float(previous["value"])
        card["prev_period"] = None if previous is None else previous["period"]
        card["prev_qualifier"] = None if previous is None else previous["qualifier"]
        card["prev_relation"] = relation
        card["prev_label"] = previous_label(relation, group, card["prev_period"])
        card["change_note"] = _change_note(card, previous)
        card["approximate"] = previous is not None and _approximate(card, previous)
        values = rows["value"].to_numpy(dtype=float)
        card["spark"] = [float(value) for value in values[same_group[-SPARK_POINTS:]]]
        cards.append(card)
    return pd.DataFrame(cards, columns=columns)


# The forms of a stock's level at a moment: compared with the moment stated before.
STOCK_FORMS = ("since_launch", "point")


def _compared_with(
    group: str,
    stock: bool,
    position: int,
    starts: np.ndarray,
    ends: np.ndarray,
    groups: np.ndarray,
    row_forms: np.ndarray,
) -> tuple[str | None, int | None]:
    """(relation, row) of the point the latest one is compared with; (None, None) if none."""
    start, end = pd.Timestamp(starts[position]), pd.Timestamp(ends[position])
    same_group = groups == groups[position]

    def stated(span: tuple | None) -> int | None:
        if span is None:
            return None
        found = np.flatnonzero(
            same_group & (starts == np.datetime64(span[0])) & (ends == np.datetime64(span[1]))
        )
        return int(found[0]) if len(found) else None

    if group.partition("-")[0] != "multi_year":
        year_ago = stated(months_back(start, end, 12))
        if year_ago is not None:
            return "year_ago", year_ago
    if stock:
        earlier = np.flatnonzero(np.isin(row_forms, STOCK_FORMS) & (ends < ends[position]))
        if len(earlier):
            return "previous_moment", int(earlier[np.argmax(ends[earlier])])
        return None, None
    previous = stated(_previous_span(group, start, end))
    return ("previous", previous) if previous is not None else (None, None)


def _change_note(card: dict, previous: dict | None) -> str:
    """Why a card shows no change: a bound on either side (no change is computed from one)."""
    if card["qualifier"] in BOUNDS:
        return f"本期为界值（{LABEL_ZH[card['qualifier']]}），不计算变化"
    if previous is not None and previous["qualifier"] in BOUNDS:
        return f"对比期为界值（{LABEL_ZH[previous['qualifier']]}），不计算变化"
    return ""


def _approximate(card: dict, previous: dict) -> bool:
    """A change computed from an approximation or a range is itself approximate."""
    return (
        "approx" in (card["qualifier"], previous["qualifier"])
        or not is_missing(card.get("value_high"))
        or not is_missing(previous.get("value_high"))
    )
