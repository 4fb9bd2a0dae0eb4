"""What changed since a moment: the digest, the changes endpoint and the feeds, decided once.

Every write that recomputes current values records a changeset and, per point whose current
value it changed, the statement before and after (loaders.store.changes). Since a moment
(an issue key: after that issue was first stored; a date or time: from then on; a watcher's
last visit), each point is compared as it stood before the first changeset of the window
with how it stands after the last one:

- new: no value before, one now;
- revised: another value now (loaders.vocab.revisions.different_statement: the one rule of what
  another value is), stated by another issue;
- corrected: another value from the same issue (a corrected version of it was stored);
- removed: a value before, none now (its issue retracted, the catalog changed);
- a point whose value came back to where it was is no change, and is not listed.

Besides, a disagreement: an issue stored in the window states a point with another value
than the one that stays current (a backfilled older issue, a correction of one), listed once
per issue that began to disagree. And, for a watchlist, the unassigned figures of the
window's issues whose suggested indicator shares a category with a watched one.

The digest on the overview, GET /api/v1/changes and the mails are this module's output;
they cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Literal

import pandas as pd

from loaders.series.derive import parse_inputs
from loaders.services.series import SeriesRequestError, UnknownIssue, did_you_mean
from loaders.store import Store, queries
from loaders.store import changes as log
from loaders.vocab.missing import is_missing
from loaders.vocab.revisions import different_statement

Kind = Literal["new", "revised", "corrected", "removed", "disagreement"]
KINDS: tuple[Kind, ...] = ("new", "revised", "corrected", "removed", "disagreement")
KIND_LABELS = {
    "new": "新增",
    "revised": "修订",
    "corrected": "更正",
    "removed": "删除",
    "disagreement": "新的分歧",
}
_ISSUE_KEY = re.compile(r"^\d{4}-\d{1,3}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Since:
    """A window's start: the changes after changeset `after`, and how it was named."""

    after: int
    label: str


@dataclass(frozen=True)
class Statement:
    """What one issue said about a point: value, the issue, its sentence."""

    value: float
    value_high: float | None
    qualifier: str
    issue_key: str
    issue_label: str
    published: date | None
    quote: str


@dataclass(frozen=True)
class PointChange:
    """One line of a digest: a point, what happened to it, the statement it has now (new)
    and the one it is compared with (old: the value before; for a disagreement, the issue
    that disagrees)."""

    kind: Kind
    indicator: str
    period: str
    forecast: bool
    unit: str
    period_kind: str
    period_end: date
    new: Statement | None
    old: Statement | None
    changeset: int
    at: datetime


@dataclass
class Digest:
    """What changed after `since` through changeset `through`: point lines, the issues the
    window stored or removed (changesets with their counts), unassigned figures on watched
    topics."""

    since: Since
    through: int
    points: list[PointChange] = field(default_factory=list)
    commits: pd.DataFrame = field(default_factory=pd.DataFrame)
    unassigned: pd.DataFrame = field(default_factory=pd.DataFrame)

    def of_kind(self, *kinds: Kind) -> list[PointChange]:
        return [change for change in self.points if change.kind in kinds]

    @property
    def empty(self) -> bool:
        return not self.points and self.unassigned.empty


# ------------------------------------------------------------------ the window


def resolve_since(store: Store, text: str) -> Since:
    """The window a `since` names: an issue key (what came after that issue was first
    stored), a date YYYY-MM-DD (from that day on, UTC) or an ISO time (after it).
    SeriesRequestError (UnknownIssue) says what to send instead."""
    text = (text or "").strip()
    if not text:
        raise SeriesRequestError(
            "since is required: an issue key (2021-15), a date (2024-05-01) or a time "
            "(2024-05-01T08:00:00, UTC)"
        )
    if _ISSUE_KEY.match(text):
        ref = queries.issue_ref(store, text)
        first = log.first_changeset_of(store, text)
        if first is not None:
            return Since(first, f"{ref.issue_label if ref else text}之后")
        if ref is None:
            keys = list(queries.issues(store)["issue_key"])
            raise UnknownIssue(
                f"since: no issue {text!r} is stored{did_you_mean(text, keys)} "
                "(GET /api/v1/issues lists them)"
            )
        # Stored before changes were recorded: from the moment it was stored.
        stored_at = queries.issue(store, text)["ingested_at"]
        return Since(
            log.changeset_before(store, stored_at, inclusive=True), f"{ref.issue_label}之后"
        )
    try:
        if _DATE.match(text):
            moment = datetime.combine(date.fromisoformat(text), time())
            return Since(log.changeset_before(store, moment, inclusive=False), f"{text} 以来")
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SeriesRequestError(
            f"since: {text!r} is neither an issue key (2021-15), a date (YYYY-MM-DD) nor a "
            "time (YYYY-MM-DDTHH:MM:SS)"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)  # the log is naive UTC
    return Since(log.changeset_before(store, moment, inclusive=True), f"{text} 以来")


def latest_changeset(store: Store) -> int:
    return log.latest_changeset(store)


def since_previous_issue(store: Store) -> Since:
    """For a first visit: the window of the latest stored or removed issue."""
    commits = log.changesets(store, with_issue=True, limit=1)
    if commits.empty:
        return Since(0, "全部")
    latest = commits.iloc[0]
    return Since(int(latest["changeset"]) - 1, f"最近一期（{latest['issue_label']}）")


# ------------------------------------------------------------------ the digest


def _statement(row: dict, prefix: str) -> Statement | None:
    value = row[f"{prefix}value"]
    if is_missing(value):
        return None
    high = row[f"{prefix}value_high"]
    published = row[f"{prefix}published"]
    return Statement(
        value=float(value),
        value_high=None if is_missing(high) else float(high),
        qualifier=row[f"{prefix}qualifier"],
        issue_key=row[f"{prefix}issue_key"],
        issue_label=row[f"{prefix}issue_label"],
        published=None if is_missing(published) else pd.Timestamp(published).date(),
        quote=row[f"{prefix}quote"],
    )


def _net_kind(old: Statement | None, new: Statement | None) -> Kind | None:
    if old is None:
        return "new" if new is not None else None
    if new is None:
        return "removed"
    if not different_statement(new.value, new.value_high, old.value, old.value_high):
        return None
    return "corrected" if new.issue_key == old.issue_key else "revised"


def _change(row: dict, kind: Kind, new: Statement | None, old: Statement | None) -> PointChange:
    return PointChange(
        kind=kind,
        indicator=row["indicator"],
        period=row["period"],
        forecast=bool(row["forecast"]),
        unit=row["unit"],
        period_kind=row["period_kind"],
        period_end=pd.Timestamp(row["period_end"]).date(),
        new=new,
        old=old,
        changeset=int(row["changeset"]),
        at=pd.Timestamp(row["at"]).to_pydatetime(),
    )


def digest(
    store: Store,
    since: Since,
    indicators: Sequence[str] | None = None,
    *,
    through: int | None = None,
    watched: Sequence[str] | None = None,
) -> Digest:
    """The changes after since (through the given changeset, or the latest), of these
    indicators only when given; watched (a watchlist) adds the unassigned figures on its
    topics."""
    last = log.latest_changeset(store) if through is None else through
    result = Digest(since=since, through=last)
    if last <= since.after:
        return result
    for row in log.net_changes(store, since.after, last, indicators).to_dict("records"):
        old, new = _statement(row, "old_"), _statement(row, "new_")
        kind = _net_kind(old, new)
        if kind is not None:
            result.points.append(_change(row, kind, new, old))
    disagreements = log.point_changes(store, since.after, last, indicators, ["disagreement"])
    for row in disagreements.to_dict("records"):
        result.points.append(
            _change(row, "disagreement", _statement(row, ""), _statement(row, "other_"))
        )
    result.points.sort(
        key=lambda c: (c.indicator, c.period_end, c.period, c.forecast, KINDS.index(c.kind))
    )
    result.commits = log.changesets(store, since.after, with_issue=True)
    result.commits = result.commits[result.commits["changeset"] <= last].reset_index(drop=True)
    if watched:
        result.unassigned = log.unassigned_of_changesets(
            store, since.after, last, topic_indicators(store, watched)
        )
    return result


def topic_indicators(store: Store, watched: Sequence[str]) -> list[str]:
    """The indicators sharing a category with a watched one (the watched ones included)."""
    catalog = queries.indicators(store)
    categories = set(catalog.loc[catalog["id"].isin(list(watched)), "category"])
    return list(catalog.loc[catalog["category"].isin(categories), "id"])


# ------------------------------------------------------------------ as rows

# The columns of GET /api/v1/changes (JSON objects and CSV rows): one per point line.
CHANGE_COLUMNS = (
    "indicator",
    "name_zh",
    "period",
    "period_kind",
    "forecast",
    "unit",
    "kind",
    "old_value",
    "old_value_high",
    "old_qualifier",
    "old_issue_key",
    "old_issue",
    "old_quote",
    "new_value",
    "new_value_high",
    "new_qualifier",
    "new_issue_key",
    "new_issue",
    "new_quote",
    "changed_at",
    "changeset",
)


def change_rows(store: Store, result: Digest) -> pd.DataFrame:
    """The digest's point lines in CHANGE_COLUMNS."""
    names = dict(
        zip(
            *[queries.indicators(store, with_retired=True)[c] for c in ("id", "name_zh")],
            strict=True,
        )
    )
    records = []
    for change in result.points:
        record = {
            "indicator": change.indicator,
            "name_zh": names.get(change.indicator, change.indicator),
            "period": change.period,
            "period_kind": change.period_kind,
            "forecast": change.forecast,
            "unit": change.unit,
            "kind": change.kind,
            "changed_at": change.at,
            "changeset": change.changeset,
        }
        for side, statement in (("old", change.old), ("new", change.new)):
            record[f"{side}_value"] = statement.value if statement else None
            record[f"{side}_value_high"] = statement.value_high if statement else None
            record[f"{side}_qualifier"] = statement.qualifier if statement else None
            record[f"{side}_issue_key"] = statement.issue_key if statement else None
            record[f"{side}_issue"] = statement.issue_label if statement else None
            record[f"{side}_quote"] = statement.quote if statement else None
        records.append(record)
    frame = pd.DataFrame(records, columns=list(CHANGE_COLUMNS))
    for column in ("old_value", "old_value_high", "new_value", "new_value_high"):
        frame[column] = frame[column].astype("float64")
    return frame


def updated_keys(
    store: Store, since: Since, indicators: Sequence[str]
) -> set[tuple[str, str, bool]]:
    """The points of these indicators whose value changed after since (new, revised,
    corrected): what `updated_after=` keeps of a series."""
    return {
        (change.indicator, change.period, change.forecast)
        for change in digest(store, since, indicators).of_kind("new", "revised", "corrected")
    }


# ------------------------------------------------------------------ commits, for the feeds


def commits(store: Store, *, limit: int, indicator: str | None = None) -> pd.DataFrame:
    """The latest changesets, newest first, with their counts by kind: those that stored,
    replaced or retracted an issue, or (indicator) every one that changed that series."""
    if indicator is None:
        return log.changesets(store, with_issue=True, limit=limit)
    return log.changesets(store, indicator=indicator, limit=limit)


def lines_by_changeset(
    store: Store, commits: pd.DataFrame, indicators: Sequence[str] | None = None
) -> dict[int, list[PointChange]]:
    """The point lines of each of these changesets (of these indicators, when given): within
    one changeset each logged row is its own net change."""
    if commits.empty:
        return {}
    numbers = [int(n) for n in commits["changeset"]]
    rows = log.point_changes(store, min(numbers) - 1, max(numbers), indicators)
    wanted = set(numbers)
    out: dict[int, list[PointChange]] = {}
    for row in rows.to_dict("records"):
        number = int(row["changeset"])
        if number in wanted:
            out.setdefault(number, []).append(
                _change(row, row["kind"], _statement(row, ""), _statement(row, "other_"))
            )
    return out


def log_started(store: Store) -> datetime:
    """When the store began to record changes (its first changeset; else its last write):
    what an empty feed says it was updated."""
    first = log.changesets(store).tail(1)
    if not first.empty:
        return pd.Timestamp(first.iloc[0]["at"]).to_pydatetime()
    changed = queries.data_state(store).changed_at
    return changed or datetime(2000, 1, 1)


def updated_only(
    store: Store, rows: pd.DataFrame, since: Since, indicators: Sequence[str]
) -> pd.DataFrame:
    """Of a series' rows, those of points whose value changed after since (new, revised,
    corrected): SDMX's updatedAfter. A derived or converted point (one with inputs,
    loaders.series.derive) changed when one of its inputs did, of whichever indicator."""
    used = [parse_inputs(text) for text in rows["inputs"]] if "inputs" in rows else []
    wanted = set(indicators) | {part["indicator"] for inputs in used for part in inputs}
    keys = updated_keys(store, since, sorted(wanted))
    if rows.empty:
        return rows
    keep = [
        (indicator, period, bool(forecast)) in keys
        for indicator, period, forecast in zip(
            rows["indicator"], rows["period"], rows["forecast"], strict=True
        )
    ]
    for at, inputs in enumerate(used):
        if inputs:
            # Inputs are actual statements, never forecasts (loaders.series.derive).
            keep[at] = any((part["indicator"], part["period"], False) in keys for part in inputs)
    return rows[keep].reset_index(drop=True)
