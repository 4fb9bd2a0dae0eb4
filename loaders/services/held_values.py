"""The second look in a review: the values of a review ready to commit that the stored
series doubt, held until the editor confirms them or leaves them out, and the doubts marked
on the numbers of the text (of an upload, or of a stored issue)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import pandas as pd

from loaders.catalog.indicators import Catalog
from loaders.figures.number_states import place_of
from loaders.models import NumberState
from loaders.services.review import Review
from loaders.services.review_frames import unit_of
from loaders.services.second_look import doubt_of, doubts_in_store
from loaders.store import Store
from loaders.vocab.frames import records


@dataclass(frozen=True)
class HeldValue:
    """A value of the review that the stored series doubt (loaders.series.plausibility: a total
    since launch that falls, a value 5x its neighbours …), with the reason in words. The
    review writes it only once the editor confirmed it, or leaves it out (drop_held)."""

    table: str  # "figures" or "unassigned": the review table of its row
    row: int  # as the table numbers it
    indicator: str
    period: str
    value: float  # in the catalog unit
    unit: str
    forecast: bool
    at: tuple[int, int] | None  # where the figure stands in the clean text
    reason: str  # cumulative_falls | ratio | out_of_range | growth_disagrees
    detail: str  # in Chinese, for the reviewer

    @property
    def key(self) -> str:
        """What a confirmation is of: this row with this series, period and value, so an
        edit of any of them asks again."""
        return "|".join(
            [self.table, str(self.row), self.indicator, self.period, repr(self.value)]
            + ["forecast" if self.forecast else ""]
        )


def second_look(store: Store, review: Review, catalog: Catalog) -> list[HeldValue]:
    """The values of a review ready to commit that the series in the store doubt (the check
    a batch import makes before a value joins its series; loaders.services.second_look),
    each with the row it came from. None for a review with problems: rows are checked
    once they are valid."""
    extraction = review.extraction
    if not review.ok or extraction is None or not extraction.observations:
        return []
    with store.read() as cur:
        found = doubts_in_store(cur, extraction, catalog)
    held = []
    for obs, (table, row), doubt in zip(extraction.observations, review.places, found, strict=True):
        if doubt is None:
            continue
        held.append(
            HeldValue(
                table,
                row,
                obs.indicator,
                obs.period,
                obs.value,
                obs.unit or unit_of(obs.indicator, catalog),
                obs.forecast,
                place_of(extraction.clean_text, obs.model_dump()),
                doubt.reason,
                doubt.detail,
            )
        )
    return held


def unconfirmed(held: Sequence[HeldValue], confirmed: Collection[str]) -> list[HeldValue]:
    """The held values the editor has not confirmed yet: the commit waits for these."""
    return [value for value in held if value.key not in confirmed]


def drop_held(
    figures: pd.DataFrame, unassigned: pd.DataFrame, held: Sequence[HeldValue]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The review tables with the rows of these held values unticked: not written."""
    frames = {"figures": figures.copy(), "unassigned": unassigned.copy()}
    for value in held:
        frame = frames[value.table]
        if value.row in frame.index:
            frame.at[value.row, "include"] = False
    return frames["figures"], frames["unassigned"]


def held_at(numbers: Sequence[NumberState], held: Sequence[HeldValue]) -> dict[int, str]:
    """number start -> the doubt about the figure it is part of, for the marks in the text."""
    flags: dict[int, str] = {}
    for value in held:
        if value.at is None:
            continue
        for number in numbers:
            if value.at[0] <= number.start < value.at[1]:
                flags.setdefault(number.start, value.detail)
    return flags


def held_in_store(
    numbers: Sequence[NumberState], text: str, unassigned: pd.DataFrame
) -> dict[int, str]:
    """number start -> the doubt, for the numbers of a stored issue's figures that a batch
    import set aside in the unassigned queue (loaders.services.second_look); `unassigned`
    as queries.unassigned_for_issue gives it."""
    flags: dict[int, str] = {}
    if unassigned.empty:
        return flags
    for row in records(unassigned):
        doubt = doubt_of(row.get("subject"), row.get("suggested_indicator"))
        at = place_of(text, row) if doubt else None
        if at is None:
            continue
        for number in numbers:
            if at[0] <= number.start < at[1]:
                flags.setdefault(number.start, doubt)
    return flags
