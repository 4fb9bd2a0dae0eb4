"""One value per indicator and period in an issue: agreeing repeats merge, conflicts go
to the reviewer."""

from __future__ import annotations

from loaders.models import Observation, UnassignedFigure


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


def one_per_series(
    observations: list[Observation],
    unassigned: list[UnassignedFigure],
    evidence: dict[int, int] | None = None,
) -> tuple[list[Observation], list[UnassignedFigure], list[Observation]]:
    """At most one value per indicator, period and forecast flag; conflicts go to review.

    evidence (by id of an observation): how firmly the text ties a figure to its series and
    period (loaders.figures). Of values that disagree, one the text ties more firmly than
    every other is kept ("社会物流总额同比增长 6.4%" beside a 贡献率 read through an inherited
    subject); the others, and every value of a tie, go to the reviewer.

    Returns the observations kept, the unassigned figures (with the conflicting ones), and
    the repeats: figures that say the kept value again (a headline, a table cell)."""
    evidence = evidence or {}
    groups: dict[tuple[str, str, bool], list[Observation]] = {}
    for obs in observations:
        groups.setdefault((obs.indicator, obs.period, obs.forecast), []).append(obs)
    kept: list[Observation] = []
    repeats: list[Observation] = []
    for group in groups.values():
        values = {round(o.value, 6) for o in group}
        if len(values) == 1:
            kept.append(group[0])
            repeats += group[1:]
            continue
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
        else:
            chosen, rejected = None, group
        for obs in rejected:
            unassigned.append(
                UnassignedFigure(
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
                    subject=(
                        f"{obs.indicator}: less precise than {chosen.figure_text}"
                        if chosen
                        else f"{obs.indicator}: conflicting values in this issue"
                    ),
                    # A conflicting repeat is this series' figure, but which one holds
                    # is the reviewer's call.
                    suggested_indicator=None if chosen else obs.indicator,
                    suggested_period=None if chosen else obs.period,
                    reason="less_precise" if chosen else "conflict",
                )
            )
    kept.sort(key=lambda o: (o.span_start, o.figure_text))
    return kept, unassigned, repeats
