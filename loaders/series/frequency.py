"""A series at a lower frequency (quarter, half, year), by one rule per kind of indicator.

- flow: a period is its stated value, else the value derived from the totals so far
  (loaders.series.derive: 1—6 月 − 1—3 月 is the second quarter), else the sum of its parts one step
  finer (the halves of a year, the quarters of a half, the months of a quarter), each found
  the same way, and only when every part is there;
- stock: the level at the end of the period, i.e. the latest point stated in its last
  month;
- rate, index: only as stated for that period (a growth stated for 1—6 月 is the first
  half's: the same months); never averaged, as the catalog says of no series that it may be.

A period that cannot be given is refused, with the reason (Refusal): the months missing
from a sum, a bound among its parts (nothing is added to a bound), no level stated in a
stock's last month, a rate not stated for that period. Only actual figures are converted;
forecasts are kept where they are stated for the period itself.

Pure functions on frames of series rows (loaders.series.derive.with_derived's, with `form`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from loaders.series.derived_rows import BOUNDS, decimals_of
from loaders.vocab.periods import (
    FREQUENCIES,
    FREQUENCY_LABELS,
    SINGLE_FORMS,
    PeriodError,
    month_of,
    parse_period,
    parts_of,
    period_label_zh,
    ytd_months,
)

RULES_ZH = {
    "flow": "流量：公布值；否则由累计值推算；否则为各组成期之和，须各期俱全。",
    "stock": "存量：期末值，即该期最后一个月内最后公布的时点值。",
    "rate": "比率：只用该期公布的值，不由其他期间换算或平均。",
    "index": "指数：只用该期公布的值，不由其他期间换算或平均。",
}
# Derivations this module adds (loaders.series.derive names the others).
CONVERSIONS = ("sum_of_parts", "end_of_period", "same_period")
CONVERSION_RULES_ZH = {
    "sum_of_parts": "各组成期之和（须各期俱全）。",
    "end_of_period": "期末值：该期最后一个月内最后公布的时点值。",
    "same_period": "同一期间的另一种写法（1—6月即上半年）。",
}
# Growth rates whose value for 1—6 月 is the first half's, for 1—12 月 the year's.
_CUMULATIVE_MEASURES = ("yoy", "yoy_2y")


class FrequencyError(ValueError):
    """A frequency that is not one of FREQUENCIES."""


@dataclass(frozen=True)
class Refusal:
    """A period of a series that cannot be given at the frequency asked, and why."""

    indicator: str
    period: str
    reason_zh: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {
            "indicator": self.indicator,
            "period": self.period,
            "reason": self.reason,
            "reason_zh": self.reason_zh,
        }


def check_frequency(frequency: str | None) -> str | None:
    """The frequency as given (None: as stated); FrequencyError names the choices."""
    if frequency in (None, ""):
        return None
    if frequency not in FREQUENCIES:
        raise FrequencyError(
            f"unknown frequency {frequency!r}; choose one of {', '.join(FREQUENCIES)}"
        )
    return frequency


def convert(
    rows: pd.DataFrame,
    frequency: str,
    kinds: Mapping[str, str],
    measures: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, list[Refusal]]:
    """rows at `frequency` (see the module docstring): per indicator, one row for every
    period the rows reach that can be given, and a Refusal for every one that cannot. Rows
    keep rows' columns; converted ones are derived (derivation: CONVERSIONS) with inputs."""
    frequency = check_frequency(frequency) or ""
    if not frequency:
        raise FrequencyError("convert needs a frequency")
    measures = dict(measures or {})
    columns = list(rows.columns)
    out: list[pd.DataFrame] = []
    refusals: list[Refusal] = []
    for indicator, of_indicator in rows.groupby("indicator", sort=False):
        kind = kinds.get(str(indicator), "flow")
        converter = _Converter(of_indicator.reset_index(drop=True), frequency)
        if kind == "flow":
            converted, refused = converter.flow()
        elif kind == "stock":
            converted, refused = converter.stock()
        else:
            cumulative = measures.get(str(indicator)) in _CUMULATIVE_MEASURES
            converted, refused = converter.as_stated(kind, cumulative)
        if not converted.empty:
            out.append(converted)
        refusals += refused
    if not out:
        return rows.iloc[0:0].loc[:, columns].assign(form=pd.Series(dtype=object)), refusals
    frame = pd.concat(out, ignore_index=True)
    frame = frame.sort_values(["indicator", "period_end", "period", "forecast"], kind="stable")
    return frame.loc[:, columns].reset_index(drop=True), refusals


class _Converter:
    """One indicator's rows and the lookups the rules share. Rows are handled as positions
    into `records` (dicts): a frame per period cost half a millisecond each, and a flow of
    two centuries has 800 quarters."""

    def __init__(self, rows: pd.DataFrame, frequency: str):
        self.rows = rows
        # Columns as arrays; a row becomes a dict only when a rule uses it (record).
        self._columns = {name: rows[name].to_numpy() for name in rows.columns}
        self.frequency = frequency
        self.label = FREQUENCY_LABELS[frequency]
        forecast = rows["forecast"].astype(bool).to_numpy()
        actual = ~forecast & rows["value"].notna().to_numpy()
        derived = (
            rows["derived"].fillna(False).astype(bool).to_numpy()
            if "derived" in rows.columns
            else np.zeros(len(rows), dtype=bool)
        )
        self.actual = np.flatnonzero(actual)
        self.stated = np.flatnonzero(actual & ~derived)
        self.forecast = np.flatnonzero(forecast & (rows["period_kind"] == frequency).to_numpy())
        self.end = pd.to_datetime(rows["period_end"]).reset_index(drop=True)
        # Every period the actual rows reach: the one of this frequency each ends in
        # (written the grammar's way, whose text sorts in time order).
        reached = _containing(self.end[actual], frequency)
        self.candidates = sorted(set(reached))
        # Periods a value may be taken from as they are, stated first, then derived: only
        # single periods (a month, quarter, half, year) are one or a part of one.
        single = rows["period_kind"].isin(SINGLE_FORMS).to_numpy()
        periods = self._columns["period"]
        self.by_period: dict[str, int] = {}
        for i in [
            *np.flatnonzero(actual & single & ~derived),
            *np.flatnonzero(actual & single & derived),
        ]:
            self.by_period.setdefault(periods[i], int(i))
        # What a sum may add up: any actual value but a bound.
        bound = rows["qualifier"].isin(BOUNDS).to_numpy()
        self.summable = set(np.flatnonzero(actual & ~bound).tolist())
        self.as_is: list[int] = []
        self.converted: list[dict] = []
        self.refused: list[Refusal] = []

    def record(self, i: int) -> dict:
        """Row i as a dict of its columns."""
        return {name: values[i] for name, values in self._columns.items()}

    def result(self) -> tuple[pd.DataFrame, list[Refusal]]:
        """The rows found (as stated, converted, forecasts) and the refusals."""
        kept = self.rows.iloc[[*self.as_is, *self.forecast]].assign(form=self.frequency)
        if self.converted:
            made = pd.DataFrame(self.converted, columns=self.rows.columns)
            made = made.astype({c: kept[c].dtype for c in _DATE_COLUMNS if c in kept.columns})
            kept = pd.concat([kept, made], ignore_index=True) if len(kept) else made
        return kept, self.refused

    def _refuse(self, period: str, reason_zh: str, reason: str) -> None:
        indicator = str(self._columns["indicator"][0]) if len(self.rows) else ""
        self.refused.append(Refusal(indicator, period, reason_zh, reason))

    # ---------------------------------------------------------------- flows

    def flow(self) -> tuple[pd.DataFrame, list[Refusal]]:
        for period in self.candidates:
            if period in self.by_period:
                self.as_is.append(self.by_period[period])
                continue
            leaves = self._parts(period)
            if leaves is not None:
                self._sum(period, leaves)
                continue
            missing, bounds = self._gaps(period)
            label = period_label_zh(period)
            if bounds:
                names = "、".join(period_label_zh(p) for p in bounds)
                self._refuse(
                    period,
                    f"{label}：{names}为界值（≥、≤），不能加总",
                    f"{period}: {', '.join(bounds)} is a bound (>=, <=) and cannot be summed",
                )
            else:
                names = months_label_zh(missing)
                self._refuse(
                    period,
                    f"{label}：缺少{names}的数据（流量须各月俱全才能加总）",
                    f"{period}: no value for {', '.join(missing)} "
                    "(a flow is summed only when every month is there)",
                )
        return self.result()

    def _parts(self, period: str) -> list[int] | None:
        """The rows whose sum is `period` (itself if it is there), or None."""
        if period in self.by_period:
            index = self.by_period[period]
            return [index] if index in self.summable else None
        parts = parts_of(period)
        if not parts:
            return None
        leaves: list[int] = []
        for part in parts:
            found = self._parts(part)
            if found is None:
                return None
            leaves += found
        return leaves

    def _gaps(self, period: str) -> tuple[list[str], list[str]]:
        """(months no part covers, parts that are bounds) of a period that cannot be summed."""
        if period in self.by_period:
            if self.by_period[period] in self.summable:
                return [], []
            return [], [period]
        parts = parts_of(period)
        if not parts:
            return [period], []
        missing: list[str] = []
        bounds: list[str] = []
        for part in parts:
            part_missing, part_bounds = self._gaps(part)
            missing += part_missing
            bounds += part_bounds
        return missing, bounds

    def _sum(self, period: str, leaves: list[int]) -> None:
        parts = [self.record(i) for i in leaves]
        values = np.array([row["value"] for row in parts], dtype=float)
        highs = np.array([row["value_high"] for row in parts], dtype=float)
        midpoints = (values + np.where(np.isnan(highs), values, highs)) / 2
        decimals = int(decimals_of(values).max())
        approx = any(row["qualifier"] == "approx" for row in parts) or bool(
            (~np.isnan(highs)).any()
        )
        value = round(float(midpoints.sum()), decimals)
        formula = " + ".join(f"({row['period']})" for row in parts)
        self._convert(
            parts, period, value, "approx" if approx else "exact", "sum_of_parts", formula
        )

    # ---------------------------------------------------------------- stocks

    def stock(self) -> tuple[pd.DataFrame, list[Refusal]]:
        months = self.end.dt.strftime("%Y-%m").to_numpy()
        days = self.end.dt.date.to_numpy()
        published = (
            pd.to_datetime(self.rows["published"]).to_numpy()
            if "published" in self.rows.columns
            else self.end.to_numpy()
        )
        by_month: dict[str, list[int]] = {}
        for i in self.actual:
            by_month.setdefault(months[i], []).append(int(i))
        for period in self.candidates:
            end = parse_period(period).end
            last_month = month_of(end)
            at_end = by_month.get(last_month, [])
            if not at_end:
                before = [days[i] for i in self.actual if days[i] <= end]
                latest = f"；最近的是{max(before).isoformat()}" if before else ""
                self._refuse(
                    period,
                    f"{period_label_zh(period)}：期末（{period_label_zh(last_month)}）"
                    f"无时点值{latest}",
                    f"{period}: no level stated in its last month ({last_month})",
                )
                continue
            chosen = max(at_end, key=lambda i: (days[i], published[i]))
            row = self.record(chosen)
            if row["period"] == period:
                self.as_is.append(chosen)
                continue
            self._convert(
                [row],
                period,
                float(row["value"]),
                str(row["qualifier"]),
                "end_of_period",
                f"({row['period']})",
                value_high=row["value_high"],
            )
        return self.result()

    # ---------------------------------------------------------------- rates and indices

    def as_stated(self, kind: str, cumulative: bool) -> tuple[pd.DataFrame, list[Refusal]]:
        same_months: dict[str, int] = {}
        if cumulative:
            # A growth of 1—6 月 is the first half's: the same months under another name.
            for i in self.stated:
                target = _same_months_as(self._columns["period"][i], self.frequency)
                if target is not None:
                    same_months.setdefault(target, int(i))
        what = "比率" if kind == "rate" else "指数"
        for period in self.candidates:
            if period in self.by_period:
                self.as_is.append(self.by_period[period])
            elif period in same_months:
                row = self.record(same_months[period])
                self._convert(
                    [row],
                    period,
                    float(row["value"]),
                    str(row["qualifier"]),
                    "same_period",
                    f"({row['period']})",
                    value_high=row["value_high"],
                )
            else:
                self._refuse(
                    period,
                    f"{period_label_zh(period)}：{what}只用公布的{self.label}值，"
                    "不由其他期间换算或平均",
                    f"{period}: a {kind} is used only as stated for the period, "
                    "never converted or averaged",
                )
        return self.result()

    # ---------------------------------------------------------------- rows

    def _convert(
        self,
        parts: list[dict],
        period: str,
        value: float,
        qualifier: str,
        derivation: str,
        formula: str,
        *,
        value_high: float | None = None,
    ) -> None:
        """One derived row for `period` from `parts`, with the provenance of the part
        published last."""
        parsed = parse_period(period)
        latest = dict(max(parts, key=lambda row: pd.Timestamp(row.get("published") or 0)))
        latest.update(
            period=period,
            period_kind=parsed.kind,
            period_start=pd.Timestamp(parsed.start),
            period_end=pd.Timestamp(parsed.end),
            value=value,
            value_high=np.nan if value_high is None else value_high,
            qualifier=qualifier,
            derived=True,
            form=self.frequency,
            derivation=derivation,
            formula=formula,
            inputs=json.dumps(
                [_input_record(row) for row in parts], ensure_ascii=False, default=str
            ),
        )
        if "quote" in latest:
            latest["quote"] = " | ".join(dict.fromkeys(r["quote"] for r in parts if r["quote"]))
        for column, empty in (("period_text", ""), ("revision_count", 0), ("disagrees", False)):
            if column in latest:
                latest[column] = empty
        if "figure_text" in latest:
            latest["figure_text"] = formula
        if "check_value" in latest:
            latest["check_value"] = np.nan
            latest["check_disagrees"] = False
        self.converted.append(latest)


_DATE_COLUMNS = ("period_start", "period_end", "published")


def months_label_zh(months: list[str]) -> str:
    """Months as a reader lists them, runs joined: 2021-04 … 2021-12, 2022-02 ->
    "2021年4—12月、2022年2月"; other periods by their own labels."""
    runs: list[list[str]] = []
    for period in months:
        parsed = parse_period(period)
        if parsed.kind == "month" and runs and parse_period(runs[-1][-1]).kind == "month":
            last = parse_period(runs[-1][-1]).start
            if last.year == parsed.start.year and last.month + 1 == parsed.start.month:
                runs[-1].append(period)
                continue
        runs.append([period])
    labels = []
    for run in runs:
        first, last = parse_period(run[0]).start, parse_period(run[-1]).start
        if len(run) == 1:
            labels.append(period_label_zh(run[0]))
        else:
            labels.append(f"{first.year}年{first.month}—{last.month}月")
    return "、".join(labels)


def _containing(ends: pd.Series, frequency: str) -> np.ndarray:
    """loaders.vocab.periods.period_containing of each day, vectorised (the same text; a test
    compares them): the year, half or quarter it falls in."""
    year = ends.dt.year.astype(str)
    if frequency == "year":
        return year.to_numpy()
    if frequency == "half":
        return (year + "-H" + np.where(ends.dt.month <= 6, "1", "2")).to_numpy()
    return (year + "-Q" + ((ends.dt.month - 1) // 3 + 1).astype(str)).to_numpy()


def _same_months_as(period: str, frequency: str) -> str | None:
    """The period of `frequency` a year-to-date period covers the same months as:
    (2021-01/2021-06, half) -> 2021-H1; None when there is none."""
    try:
        months = ytd_months(period)
        parsed = parse_period(period)
    except PeriodError:
        return None
    if months is None or parsed.kind != "ytd":
        return None
    year = parsed.start.year
    target = {("quarter", 3): f"{year}-Q1", ("half", 6): f"{year}-H1", ("year", 12): str(year)}
    return target.get((frequency, months))


def _input_record(row: dict) -> dict:
    record = {
        "indicator": row.get("indicator"),
        "period": row.get("period"),
        "value": row.get("value"),
        "unit": row.get("unit"),
        "issue_key": row.get("issue_key"),
        "issue": row.get("issue_label"),
        "quote": row.get("quote"),
    }
    if row.get("derived") and row.get("derivation"):
        record["derivation"] = row.get("derivation")
        record["formula"] = row.get("formula")
    return {key: (None if _missing(value) else value) for key, value in record.items()}


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))
