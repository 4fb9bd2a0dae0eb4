"""Matching extracted observations with labelled ones, and saying why the others differ.

- a match needs the same indicator, agreeing periods (stock indicators compare
  period end dates only, so 2021-09-30 matches 2021-09; other periods compare
  their start and end dates), a value within 0.5 % and the same forecast flag;
- matching is greedy and one-to-one, closest values first;
- every miss and extra gets a cause (`classify_errors`): period, forecast,
  mapping, unit, or unread (no figure of that value was read at all); qualifier
  errors of matched pairs count as qualifier.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from loaders.catalog.indicators import Catalog
from loaders.models import UnassignedFigure
from loaders.vocab import units
from loaders.vocab.periods import PeriodError, parse_period

# Relative tolerance on values, as the eval README defines it.
VALUE_TOLERANCE = 0.005
# Why an expected figure was missed or an extracted one is extra, in the order the report
# lists them.
CAUSES = ("period", "forecast", "mapping", "unit", "qualifier", "unread")


@dataclass
class ScoredItem:
    indicator: str
    period: str
    value: float
    qualifier: str = "exact"
    forecast: bool = False
    quote: str = ""
    # Filled in by classify_errors for misses and extras; not part of an item's identity.
    cause: str = field(default="", compare=False)
    detail: str = field(default="", compare=False)
    # For a miss: what became of the number that states its value ("ignored: date «2021»"),
    # from loaders.figures.number_states; "" when no number of the text says that value.
    number_fate: str = field(default="", compare=False)


@dataclass
class FileScore:
    name: str
    expected: int = 0
    extracted: int = 0
    matched: int = 0
    qualifier_matches: int = 0
    misses: list[ScoredItem] = field(default_factory=list)
    extras: list[ScoredItem] = field(default_factory=list)
    qualifier_errors: list[str] = field(default_factory=list)
    header_ok: bool = True
    header_diffs: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def qualifier_accuracy(self) -> float:
        return self.qualifier_matches / self.matched if self.matched else 1.0

    def causes(self) -> dict[str, dict[str, int]]:
        """How many misses and extras each cause accounts for (qualifier errors with misses)."""
        misses = Counter(m.cause for m in self.misses)
        misses["qualifier"] += len(self.qualifier_errors)
        extras = Counter(e.cause for e in self.extras)
        return {
            "misses": {c: misses[c] for c in CAUSES if misses[c]},
            "extras": {c: extras[c] for c in CAUSES if extras[c]},
        }


def periods_agree(extracted: str, expected: str, stock: bool) -> bool:
    try:
        a, b = parse_period(extracted), parse_period(expected)
    except PeriodError:
        return False
    if stock:
        return a.end == b.end
    return (a.start, a.end) == (b.start, b.end)


def values_agree(extracted: float, expected: float) -> bool:
    if expected == 0:
        return abs(extracted) < 1e-9
    return abs(extracted - expected) <= VALUE_TOLERANCE * abs(expected)


def score_observations(
    extracted: list[ScoredItem], expected: list[ScoredItem], catalog: Catalog, name: str = ""
) -> FileScore:
    """Greedy one-to-one matching of extracted against expected observations."""
    score = FileScore(name=name, expected=len(expected), extracted=len(extracted))
    kinds = {ind.id: ind.kind for ind in catalog.indicators}
    pairs: list[tuple[float, int, int]] = []
    for i, got in enumerate(extracted):
        for j, want in enumerate(expected):
            if got.indicator != want.indicator or got.forecast != want.forecast:
                continue
            if not periods_agree(got.period, want.period, kinds.get(want.indicator) == "stock"):
                continue
            if not values_agree(got.value, want.value):
                continue
            error = abs(got.value - want.value) / (abs(want.value) or 1.0)
            pairs.append((error, i, j))
    pairs.sort()
    used_got: set[int] = set()
    used_want: set[int] = set()
    for _, i, j in pairs:
        if i in used_got or j in used_want:
            continue
        used_got.add(i)
        used_want.add(j)
        score.matched += 1
        if extracted[i].qualifier == expected[j].qualifier:
            score.qualifier_matches += 1
        else:
            score.qualifier_errors.append(
                f"{expected[j].indicator} {expected[j].period}: "
                f"{extracted[i].qualifier} != {expected[j].qualifier}"
            )
    score.misses = [want for j, want in enumerate(expected) if j not in used_want]
    score.extras = [got for i, got in enumerate(extracted) if i not in used_got]
    return score


@dataclass(frozen=True)
class _Sighting:
    """A figure the loaders read: an observation, or an unassigned figure (indicator None)."""

    indicator: str | None
    period: str | None
    value: float
    unit: str
    forecast: bool
    label: str


def _sightings(extracted: list[ScoredItem], unassigned: list[UnassignedFigure], catalog: Catalog):
    found = [
        _Sighting(
            item.indicator,
            item.period,
            item.value,
            catalog.get(item.indicator).unit if catalog.get(item.indicator) else "",
            item.forecast,
            f"{item.indicator} {item.period} = {item.value:g}{' (预测)' if item.forecast else ''}",
        )
        for item in extracted
    ]
    for figure in unassigned:
        found.append(
            _Sighting(
                None,
                figure.period,
                figure.value,
                figure.unit,
                figure.forecast,
                f"unassigned {figure.figure_text} ({figure.period or 'no period'}"
                f"{', 预测' if figure.forecast else ''}): {figure.subject[:40]}",
            )
        )
    return found


def _in_unit(sighting: _Sighting, unit: str) -> float:
    """The sighting's value in another unit where the two share a base, else as written."""
    converted = units.convert(sighting.value, sighting.unit, unit)
    return sighting.value if converted is None else converted


def _power_of_ten_apart(a: float, b: float) -> bool:
    if not a or not b or (a > 0) != (b > 0):
        return False
    ratio = math.log10(abs(a) / abs(b))
    return abs(ratio) >= 0.999 and abs(ratio - round(ratio)) < 0.002


def _classify(
    want: ScoredItem, seen: list[_Sighting], catalog: Catalog, this_side_unit: str
) -> tuple[str, str]:
    """The cause of one miss (want: the expected item) against what the loaders read.

    The nearest explanation wins, in this order: the series and value are there with
    another forecast flag (forecast: a projection's scope also moves its period) or
    another period (period); the series and period
    are there with the value off by a power of ten (unit); the value is there for that
    period in another series, unassigned, or with the other sign (mapping); nothing of
    that value was read (unread).
    """
    stock = (catalog.get(want.indicator) or _NO_INDICATOR).kind == "stock"

    def same_period(s: _Sighting) -> bool:
        return s.period is not None and periods_agree(s.period, want.period, stock)

    def same_value(s: _Sighting) -> bool:
        return values_agree(_in_unit(s, this_side_unit), want.value)

    own = [s for s in seen if s.indicator == want.indicator]
    for s in own:
        if same_value(s) and s.forecast != want.forecast:
            return "forecast", s.label
    for s in own:
        if same_value(s) and not same_period(s):
            return "period", s.label
    for s in own:
        if same_period(s) and _power_of_ten_apart(_in_unit(s, this_side_unit), want.value):
            return "unit", s.label
    others = [s for s in seen if s.indicator != want.indicator]
    for s in others:
        if same_value(s) and same_period(s):
            return "mapping", s.label
    for s in others:
        if same_period(s) and values_agree(-_in_unit(s, this_side_unit), want.value):
            return "mapping", f"sign differs: {s.label}"
    aliases = (catalog.get(want.indicator) or _NO_INDICATOR).aliases
    for s in others:
        # An unassigned figure of this value under another period counts only when its
        # words name the series: a lone 1.0 elsewhere in the issue explains nothing.
        if s.indicator is None and same_value(s) and any(a in s.label for a in aliases):
            return "period", s.label
    for s in others:
        if same_period(s) and _power_of_ten_apart(_in_unit(s, this_side_unit), want.value):
            return "unit", s.label
    for s in others:
        if same_value(s):
            return "mapping", f"only read as {s.label}"
    return "unread", "no figure of this value was read"


class _NoIndicator:
    kind = ""
    unit = ""
    aliases: tuple[str, ...] = ()


_NO_INDICATOR = _NoIndicator()


def classify_errors(
    score: FileScore,
    extracted: list[ScoredItem],
    unassigned: list[UnassignedFigure],
    expected: list[ScoredItem],
    catalog: Catalog,
) -> None:
    """Give every miss and extra of a scored file its cause and the figure that explains it.

    A miss is compared with everything the loaders read (observations, then unassigned
    figures); an extra with the labels, as if the label had been missed in its favour.
    """
    seen = _sightings(extracted, unassigned, catalog)
    for miss in score.misses:
        unit = (catalog.get(miss.indicator) or _NO_INDICATOR).unit
        miss.cause, miss.detail = _classify(miss, seen, catalog, unit)
    labels = [
        _Sighting(
            w.indicator,
            w.period,
            w.value,
            (catalog.get(w.indicator) or _NO_INDICATOR).unit,
            w.forecast,
            f"label {w.indicator} {w.period} = {w.value:g}{' (预测)' if w.forecast else ''}",
        )
        for w in expected
    ]
    for extra in score.extras:
        unit = (catalog.get(extra.indicator) or _NO_INDICATOR).unit
        cause, detail = _classify(extra, labels, catalog, unit)
        if cause == "unread":
            cause, detail = "mapping", "no label of this value: the figure belongs in no series"
        extra.cause, extra.detail = cause, detail
