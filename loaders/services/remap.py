"""Re-mapping stored issues under a changed catalog, and what a change would do.

An issue keeps its cleaned text and articles in the store, so a new or edited indicator is
filled from the whole archive by running the figure finder again (loaders.figures.find, from the
articles on: no file is read again). What an editor decided stays: an observation they
reviewed or typed in keeps its indicator and value, and the same figure found again by the
finder is dropped in its favour. A figures table has no text and is left as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from loaders.catalog.indicators import Catalog
from loaders.figures.find import extract_figures
from loaders.figures.sources import with_sources
from loaders.models import Article, IssueHeader, Observation
from loaders.store import Store, queries, writes
from loaders.store.changes import Cause
from loaders.vocab.missing import is_missing


@dataclass
class Remapped:
    """The figures of the re-mapped issues as they would be stored."""

    issue_keys: list[str]
    observations: pd.DataFrame  # rows of the observations table
    unassigned: pd.DataFrame  # rows of the unassigned table
    before: pd.DataFrame  # the observations stored now (queries.figures_of)


def _figure_id(issue_key: str, row: Any) -> tuple:
    """A figure's identity across re-mappings: where it starts in its issue's text, and its
    text. A figure stored before schema 7 has no start of its own and is placed at the
    first place its text appears in its sentence (the best the stored row can say)."""
    start = getattr(row, "figure_start", None)
    if is_missing(start):
        offset = str(row.quote).find(str(row.figure_text))
        start = int(row.span_start) + max(offset, 0)
    return (issue_key, int(start), str(row.figure_text))


def remap(cur, catalog: Catalog) -> Remapped:
    """The figures every stored issue with text would have under catalog (nothing written)."""
    texts = queries.issue_texts(cur)
    keys = [text.issue_key for text in texts]
    kept = queries.editor_figures(cur, keys)
    kept_keys = {
        (row.issue_key, row.indicator, row.period, bool(row.forecast)) for row in kept.itertuples()
    }
    kept_figures = {_figure_id(r.issue_key, r) for r in kept.itertuples()}
    observation_frames, unassigned_frames = [kept], []
    for text in texts:
        header = IssueHeader(**text.header)
        articles = [Article(**article) for article in text.articles]
        found, unassigned, _repeats = extract_figures(header, articles, catalog)
        found, unassigned = with_sources(articles, found), with_sources(articles, unassigned)
        fresh = [
            o
            for o in found
            if (text.issue_key, o.indicator, o.period, o.forecast) not in kept_keys
            and _figure_id(text.issue_key, o) not in kept_figures
        ]
        left = [u for u in unassigned if _figure_id(text.issue_key, u) not in kept_figures]
        observation_frames.append(_numbered(text.issue_key, fresh, kept))
        unassigned_frames.append(writes.unassigned_rows(text.issue_key, left))
    observations = _renumber(pd.concat([f for f in observation_frames if not f.empty] or [kept]))
    unassigned = pd.concat(unassigned_frames) if unassigned_frames else pd.DataFrame()
    return Remapped(keys, observations, unassigned, queries.figures_of(cur, keys))


def _numbered(issue_key: str, found: Sequence[Observation], kept: pd.DataFrame) -> pd.DataFrame:
    mine = kept[kept["issue_key"] == issue_key]
    first = int(mine["seq"].max()) + 1 if not mine.empty else 0
    return writes.observation_rows(issue_key, found, first_seq=first)


def _renumber(frame: pd.DataFrame) -> pd.DataFrame:
    """An issue's observations in text order, numbered from 0: its first statement of a key
    speaks for it (loaders.store.current_points.ISSUE_RECENCY)."""
    if frame.empty:
        return frame
    ordered = frame.sort_values(["issue_key", "span_start", "seq"], kind="stable")
    ordered["seq"] = ordered.groupby("issue_key").cumcount().astype("Int64")
    return ordered.reset_index(drop=True)


def remap_all(cur, catalog: Catalog, *, actor: str) -> tuple[int, int, int]:
    """Re-map every stored issue under catalog in the caller's transaction (a changeset by
    actor); returns (issues, observations before, observations after)."""
    remapped = remap(cur, catalog)
    if not remapped.issue_keys:
        return 0, 0, 0
    writes.replace_figures(cur, remapped.issue_keys, remapped.observations, remapped.unassigned)
    writes.refresh_current(cur, cause=Cause("catalog", actor))
    return len(remapped.issue_keys), len(remapped.before), len(remapped.observations)


@dataclass
class Preview:
    """What saving a catalog would do to one indicator's figures across the archive."""

    indicator: str
    joins: pd.DataFrame = field(default_factory=pd.DataFrame)  # figures it would gain
    taken: pd.DataFrame = field(default_factory=pd.DataFrame)  # gained from another series
    leaves: pd.DataFrame = field(default_factory=pd.DataFrame)  # figures it would lose
    conflicts: pd.DataFrame = field(default_factory=pd.DataFrame)  # left to review
    # Figures of other series that no series would keep (a new alias makes them ambiguous).
    unsettled: pd.DataFrame = field(default_factory=pd.DataFrame)
    issues: int = 0


def preview(store: Store, catalog: Catalog, indicator_id: str) -> Preview:
    """The figures indicator_id would gain, take from another series and lose, those left
    for review, and the figures of other series no series would keep any more, if catalog
    became the store's catalog (nothing written)."""
    with store.read() as cur:
        remapped = remap(cur, catalog)
        labels = queries.issue_labels(cur)
    after = remapped.observations
    before = remapped.before
    columns = ["issue_key", "period", "forecast", "value", "unit", "figure_text", "quote"]
    mine_after = after[after["indicator"] == indicator_id] if not after.empty else after
    mine_before = before[before["indicator"] == indicator_id] if not before.empty else before
    before_ids = {_figure_id(r.issue_key, r): r.indicator for r in before.itertuples()}
    after_ids = {_figure_id(r.issue_key, r) for r in mine_after.itertuples()}
    kept_anywhere = {_figure_id(r.issue_key, r) for r in after.itertuples()}
    taken_rows, join_rows = [], []
    for row in mine_after.itertuples():
        owner = before_ids.get(_figure_id(row.issue_key, row))
        if owner == indicator_id:
            continue
        target = taken_rows if owner is not None else join_rows
        target.append({**{c: getattr(row, c) for c in columns}, "from": owner})
    leave_rows = [
        {c: getattr(row, c) for c in columns}
        for row in mine_before.itertuples()
        if _figure_id(row.issue_key, row) not in after_ids
    ]
    unsettled_rows = [
        {**{c: getattr(row, c) for c in columns}, "from": row.indicator}
        for row in before.itertuples()
        if row.indicator != indicator_id and _figure_id(row.issue_key, row) not in kept_anywhere
    ]
    unassigned = remapped.unassigned
    conflicts = (
        unassigned[
            (unassigned["suggested_indicator"] == indicator_id)
            | unassigned["subject"].astype(str).str.startswith(f"{indicator_id}:")
        ]
        if not unassigned.empty
        else unassigned
    )

    def framed(rows: list[dict], with_owner: bool) -> pd.DataFrame:
        frame = pd.DataFrame(rows, columns=[*columns, *(["from"] if with_owner else [])])
        frame.insert(1, "issue_label", frame["issue_key"].map(labels))
        return frame

    return Preview(
        indicator=indicator_id,
        joins=framed(join_rows, True),
        taken=framed(taken_rows, True),
        leaves=framed(leave_rows, False),
        conflicts=conflicts.assign(issue_label=conflicts["issue_key"].map(labels))[
            ["issue_key", "issue_label", "period", "value", "unit", "figure_text", "subject"]
            + ["quote"]
        ]
        if not conflicts.empty
        else pd.DataFrame(),
        unsettled=framed(unsettled_rows, True),
        issues=len(remapped.issue_keys),
    )
