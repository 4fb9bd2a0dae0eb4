"""The second look from the series, applied where values join the store.

loaders.series.plausibility decides what is doubtful; this module reads what the store holds and
says what happens to a doubtful value: in a batch import (the CLI, the 导入 page) it waits in
the unassigned queue with its reason, unless the import is told the values are confirmed; in
the review before commit it is shown with its reason and the editor's commit confirms it.
"""

from __future__ import annotations

from loaders.catalog.indicators import Catalog
from loaders.models import Extraction, Observation, UnassignedFigure
from loaders.series.plausibility import Doubt, Point, doubts
from loaders.store import queries


def _point(obs: Observation) -> Point:
    return Point(obs.indicator, obs.period, obs.value, obs.qualifier, obs.forecast)


def doubts_in_store(cur, extraction: Extraction, catalog: Catalog) -> list[Doubt | None]:
    """For each observation of the extraction, the doubt the stored series cast on it."""
    if not extraction.observations:
        return []
    ids = sorted({o.indicator for o in extraction.observations})
    stored = [Point(*row) for row in queries.points_besides(cur, ids, extraction.issue.key)]
    return doubts([_point(o) for o in extraction.observations], stored, catalog)


def set_aside_subject(indicator: str, detail: str) -> str:
    """The subject a value set aside is stored with: the series it was read for and the
    doubt ("carbon_national_cum_volume: 累计总量不会减少：…")."""
    return f"{indicator}: {detail}"


def doubt_of(subject: object, suggested_indicator: object) -> str | None:
    """The doubt a stored unassigned figure was set aside for (its subject as
    set_aside_subject wrote it), or None for any other figure (the store keeps no reason)."""
    if not isinstance(subject, str) or not isinstance(suggested_indicator, str):
        return None
    prefix = set_aside_subject(suggested_indicator, "")
    detail = subject[len(prefix) :] if subject.startswith(prefix) else ""
    # Doubts are Chinese (loaders.series.plausibility); other hints after an id are English.
    return detail if detail and not detail[0].isascii() else None


def _set_aside(obs: Observation, doubt: Doubt) -> UnassignedFigure:
    return UnassignedFigure(
        **obs.model_dump(
            include={
                "article",
                "article_index",
                "editor",
                "quote",
                "span_start",
                "span_end",
                "figure_start",
                "value",
                "unit",
                "qualifier",
                "forecast",
                "period",
                "figure_text",
                "period_text",
                "value_high",
            }
        ),
        subject=set_aside_subject(obs.indicator, doubt.detail),
        suggested_indicator=obs.indicator,
        suggested_period=obs.period,
        reason="implausible",
    )


def set_aside_doubtful(cur, extraction: Extraction, catalog: Catalog) -> Extraction:
    """The extraction with every doubtful observation moved to its unassigned figures, the
    doubt as its subject and the series it was read for as the suggestion (so an editor
    assigns it in one step once they have looked)."""
    found = doubts_in_store(cur, extraction, catalog)
    if not any(found):
        return extraction
    kept = [o for o, d in zip(extraction.observations, found, strict=True) if d is None]
    aside = [
        _set_aside(o, d)
        for o, d in zip(extraction.observations, found, strict=True)
        if d is not None
    ]
    return extraction.model_copy(
        update={"observations": kept, "unassigned": [*extraction.unassigned, *aside]}
    )
