"""The work queue: figures no indicator claimed, across every issue, for an editor to
assign to a series (or to make a new series from). An assignment is checked like a review
row (loaders.intake.reviewed_rows: indicator known, period in the grammar, unit convertible, value
finite) and stored as an observation an editor reviewed, which a re-mapping keeps."""

from __future__ import annotations

from typing import Any

from loaders.catalog.indicators import Catalog
from loaders.intake.reviewed_rows import validate_rows
from loaders.models import Observation
from loaders.services.permissions import require_editor
from loaders.store import Store, StoreError, queries, writes
from loaders.store.changes import Cause
from loaders.vocab.missing import is_missing


def assign(
    store: Store,
    catalog: Catalog,
    issue_key: str,
    seq: int,
    *,
    indicator: str,
    period: str,
    role: str,
    actor: str,
) -> Observation:
    """Make unassigned figure (issue_key, seq) an observation of indicator for period."""
    require_editor(role)

    def move(cur) -> Observation:
        row = queries.unassigned_row(cur, issue_key, seq)
        if row is None:
            raise StoreError(f"{issue_key} 的第 {seq} 个未归类数字已不在（可能已被归类）")
        fields: dict[str, Any] = {
            "indicator": indicator,
            "period": period,
            "value": row["value"],
            "value_high": row["value_high"],
            "unit": row["unit"],
            "qualifier": row["qualifier"],
            "forecast": row["forecast"],
        }
        valid, errors = validate_rows([("unassigned", 1, fields)], catalog)
        if errors:
            raise StoreError("；".join(error.message for error in errors))
        checked = valid[0].fields
        observation = Observation(
            indicator=checked.indicator,
            period=checked.period,
            value=checked.value,
            value_high=checked.value_high,
            unit=checked.unit,
            qualifier=checked.qualifier,
            forecast=checked.forecast,
            figure_text=row["figure_text"],
            period_text=row["period_text"],
            quote=row["quote"],
            span_start=int(row["span_start"]),
            span_end=int(row["span_end"]),
            figure_start=None if is_missing(row.get("figure_start")) else int(row["figure_start"]),
            article_index=int(row["article_index"]),
            article=row["article"],
            editor=row["editor"],
            source_org=None if is_missing(row.get("source_org")) else row["source_org"],
            origin="reviewed",
        )
        next_seq = queries.next_observation_seq(cur, issue_key)
        writes.move_unassigned(cur, issue_key, seq, observation, next_seq)
        writes.refresh_current(
            cur,
            [observation.indicator],
            [observation.period],
            cause=Cause("assign", actor, issue_key),
        )
        writes.insert_audit(
            cur,
            "assign",
            actor,
            issue_key,
            None,
            f"{row['figure_text']} -> {observation.indicator} {observation.period}",
        )
        writes.bump_version(cur, [observation.indicator])
        return observation

    return store.write(f"assign a figure of {issue_key}", move)
