"""One value per indicator and period in an issue: agreeing repeats merge, conflicts go
to the reviewer."""

from __future__ import annotations

import re

from loaders.catalog.indicators import Catalog
from loaders.figures import readings
from loaders.models import Observation, UnassignedFigure
from loaders.vocab.periods import PeriodError, parse_period


def consistent(obs: Observation, exact: float) -> bool:
    """Does a qualified figure agree with the exact one (突破 300 vs 300.1)?"""
    if obs.qualifier == "more_than":
        return exact >= obs.value
    if obs.qualifier == "less_than":
        return exact <= obs.value
    if obs.qualifier == "approx":
        return abs(exact - obs.value) <= 0.05 * abs(exact)
    return round(obs.value, 6) == round(exact, 6)


# How much more firmly one value must be tied to its series than the others to win a
# conflict: its own clause names the series (2) where the others' words do not.
FIRMER_BY = 2
# "初步核算为 14.3 万亿元" in one article, "最终核实数据显示…为 14.4 万亿元，特此更正" in
# another: the published value replaces the preliminary one (shared/eval/README.md).
PRELIMINARY_RE = re.compile(r"初步(?:核算|测算|统计|估算|数据|结果)|初值|快报|预估值")
FINAL_RE = re.compile(
    r"最终(?:核实|核算|数据|结果|统计)|核实数据|修订后|更正|正式(?:数据|公布)|修订为|调整为"
)


def _span(period: str) -> object:
    """A period as the days it covers: "2020-H1" and "2020-01/2020-06" are one period
    (the scoring compares them alike), so their values are one statement or a conflict."""
    try:
        parsed = parse_period(period)
    except PeriodError:
        return period
    return (parsed.start, parsed.end)


def _standing(obs: Observation) -> int:
    """1 for a value the text calls final or corrected, -1 for a preliminary one, else 0."""
    at = obs.figure_start - obs.span_start if obs.figure_start is not None else len(obs.quote)
    before = obs.quote[: max(0, at)]
    if PRELIMINARY_RE.search(before):
        return -1
    return 1 if FINAL_RE.search(obs.quote) else 0


# How close a preliminary level and the published one are when they are one figure: a
# first count revised, not another level ("初步统计…约 1.76 亿吨" and "经核定…1.79 亿吨").
PRELIMINARY_CLOSE = 0.05


def _without_preliminary_levels(
    observations: list[Observation], unassigned: list[UnassignedFigure], catalog: Catalog | None
) -> list[Observation]:
    """A stock the text calls preliminary (初步统计) gives way to a published value of the
    same series elsewhere in the issue, whatever date each was read with: a stock stated
    without a date of its own takes the issue month, so the two need not share a period.
    The preliminary one goes to the reviewer (shared/eval: only the published one counts)."""
    if catalog is None:
        return observations
    out: list[Observation] = []
    for obs in observations:
        indicator = catalog.get(obs.indicator)
        published = (
            indicator is not None
            and indicator.kind == "stock"
            and _standing(obs) < 0
            and next(
                (
                    o
                    for o in observations
                    if o is not obs
                    and o.indicator == obs.indicator
                    and o.forecast == obs.forecast
                    and _standing(o) >= 0
                    and abs(o.value - obs.value) <= PRELIMINARY_CLOSE * abs(o.value)
                ),
                None,
            )
        )
        if published:
            unassigned.append(_set_aside(obs, published, "preliminary"))
        else:
            out.append(obs)
    return out


def one_per_series(
    observations: list[Observation],
    unassigned: list[UnassignedFigure],
    evidence: dict[int, int] | None = None,
    catalog: Catalog | None = None,
) -> tuple[list[Observation], list[UnassignedFigure], list[Observation]]:
    """At most one value per indicator, period and forecast flag; conflicts go to review.

    evidence (by id of an observation): how firmly the text ties a figure to its series and
    period (loaders.figures.find). Of values that disagree, one the text ties more firmly than
    every other is kept ("社会物流总额同比增长 6.4%" beside a 贡献率 read through an inherited
    subject). What these rules leave undecided is scored reading by reading
    (loaders.figures.readings): a clear winner is kept, otherwise every value goes to the reviewer.

    Returns the observations kept, the unassigned figures (with the conflicting ones), and
    the repeats: figures that say the kept value again (a headline, a table cell)."""
    evidence = evidence or {}
    observations = _without_preliminary_levels(observations, unassigned, catalog)
    groups: dict[tuple[str, str, bool], list[Observation]] = {}
    for obs in observations:
        groups.setdefault((obs.indicator, _span(obs.period), obs.forecast), []).append(obs)
    kept: list[Observation] = []
    repeats: list[Observation] = []
    for group in groups.values():
        values = {round(o.value, 6) for o in group}
        if len(values) == 1:
            kept.append(group[0])
            repeats += group[1:]
            continue
        vectors = readings.vectors_of(group, evidence, _standing, catalog)
        scored = False
        exact = [o for o in group if o.qualifier == "exact"]
        chosen = exact[0] if len({round(o.value, 6) for o in exact}) == 1 else None
        firmest = max(group, key=lambda o: evidence.get(id(o), 0))
        margin = evidence.get(id(firmest), 0) - max(
            (evidence.get(id(o), 0) for o in group if o is not firmest), default=0
        )
        if chosen is not None and all(consistent(o, chosen.value) for o in group):
            # "300.1 万亿元 … 首次突破 300 万亿元": the exact figure says more.
            kept.append(chosen)
            rejected = [o for o in group if o is not chosen]
        elif margin >= FIRMER_BY:
            chosen = firmest
            kept.append(chosen)
            rejected = [o for o in group if o is not chosen]
        elif len(final := [o for o in group if _standing(o) > 0]) == 1 and any(
            _standing(o) < 0 for o in group
        ):
            chosen = final[0]
            kept.append(chosen)
            rejected = [o for o in group if o is not chosen]
        elif (chosen := readings.choose(group, vectors)) is not None:
            kept.append(chosen)
            rejected = [o for o in group if o is not chosen]
            scored = True
        else:
            chosen, rejected = None, group
        for obs in rejected:
            if scored:
                unassigned.append(_set_aside(obs, chosen, "other_reading"))
                continue
            unassigned.append(
                _unassigned(
                    obs,
                    subject=(
                        f"{obs.indicator}: less precise than {chosen.figure_text}"
                        if chosen
                        else f"{obs.indicator}: conflicting values in this issue"
                    ),
                    # A conflicting repeat is this series' figure, but which one holds
                    # is the reviewer's call.
                    suggest=chosen is None,
                    reason="less_precise" if chosen else "conflict",
                )
            )
    kept.sort(key=lambda o: (o.span_start, o.figure_text))
    return kept, unassigned, repeats


def _set_aside(obs: Observation, chosen: Observation, reason: str) -> UnassignedFigure:
    """A reading set aside for another (the scorer's choice, loaders.figures.readings; a published
    value over a preliminary one), for the reviewer: its series and period are suggested,
    since the text may still mean it."""
    subject = (
        f"{obs.indicator}: published as {chosen.figure_text}"
        if reason == "preliminary"
        else f"{obs.indicator}: another reading ({chosen.figure_text}) scored higher"
    )
    return _unassigned(obs, subject=subject, suggest=True, reason=reason)


def _unassigned(obs: Observation, *, subject: str, suggest: bool, reason: str) -> UnassignedFigure:
    """obs as a figure for the reviewer, its series and period suggested when suggest."""
    return UnassignedFigure(
        article=obs.article,
        article_index=obs.article_index,
        editor=obs.editor,
        quote=obs.quote,
        span_start=obs.span_start,
        span_end=obs.span_end,
        figure_start=obs.figure_start,
        value=obs.value,
        unit=obs.unit,
        qualifier=obs.qualifier,
        forecast=obs.forecast,
        period=obs.period,
        figure_text=obs.figure_text,
        period_text=obs.period_text,
        subject=subject,
        suggested_indicator=obs.indicator if suggest else None,
        suggested_period=obs.period if suggest else None,
        reason=reason,
    )
