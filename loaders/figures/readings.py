"""Which of several readings of one series and period an issue means: scored, not ruled.

When an issue gives one indicator and period more than one value (loaders.figures.conflicts), the
old rules decide the clear cases (an exact figure beside rounded ones that agree; one
figure named by its own clause where the others borrow a subject; the final figure beside
a preliminary one). What they leave is a choice between readings, and each reading has
features that say how likely it is the one the text means: its clause names the series,
it stands in parentheses (an aside, a comparison base), its clause names another measure
than the series' (a level read from words of a growth rate), a level is negative, another reading says the same value…

Each feature has a weight; a reading's score is the logistic of their weighted sum. The
weights are fitted on the labelled practice issues by `python -m loaders.evaluation.fit_readings`
(docs/eval.md, "Scored readings") and stored in data/reading_weights.json, with the
thresholds chosen by cross-checking one labelled set against the fit on the others.
A reading is kept only when its score clears KEEP and every other reading's stays under
REJECT: an uncertain choice goes to the reviewer, as before (precision first).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from loaders.catalog.indicators import Catalog
from loaders.figures.mapping import MEASURE_RULES
from loaders.models import Observation
from loaders.paths import READING_WEIGHTS_PATH
from loaders.text.cleaning import TABLE_CELL_SEPARATOR

WEIGHTS_PATH = READING_WEIGHTS_PATH

# The order of the features in a vector (and of the weights in WEIGHTS_PATH).
FEATURES = (
    "named",  # the figure's own clause (or table row) names a series
    "dated",  # its own sentence names its period
    "same_value",  # share of the other readings that say the same value
    "in_parentheses",  # the figure stands inside （…）: an aside or a comparison base
    "measure_mismatch",  # the clause names another measure (增速 for a level, 指数 for a yoy)
    "negative_level",  # a level (an amount, a count) below zero
    "final",  # 1 for a figure the text calls final or corrected, -1 for a preliminary one
    "bound",  # a bound or an approximation (超过, 约), not a value
    "table_cell",  # a cell of a table, not prose
)

CLAUSE_RE = re.compile(r"[,，;；。:：]")
RATE_MEASURES = frozenset({"yoy", "yoy_2y", "cagr", "share", "index", "mom"})
# What the measure words of a clause (loaders.figures.mapping.MEASURE_RULES) say about a series'
# measure: 增长 alone is a yoy growth; a level is named by none of them.
SAID_AS = {"growth": "yoy"}


def _measure_said(clause: str) -> str | None:
    for name, rule in MEASURE_RULES:
        if rule.search(clause):
            return SAID_AS.get(name, name)
    return None


def _mismatch(measure: str, clause: str) -> bool:
    """Does the clause name another measure than the series' ("社会物流总额同比增速 | -7.5"
    read as a level in 万亿元; "业务总量指数为 47.1%" read as a growth rate)?"""
    said = _measure_said(clause)
    if said is None or said in ("vs_base", "price"):
        return False
    return said != measure


def _before(obs: Observation) -> str:
    """The words of the figure's clause before it (its row name and cells for a table)."""
    at = obs.figure_start - obs.span_start if obs.figure_start is not None else len(obs.quote)
    before = obs.quote[: max(0, at)]
    if TABLE_CELL_SEPARATOR in obs.quote:
        return before.split(TABLE_CELL_SEPARATOR)[0]
    return CLAUSE_RE.split(before)[-1]


def _in_parentheses(obs: Observation) -> bool:
    at = obs.figure_start - obs.span_start if obs.figure_start is not None else len(obs.quote)
    before = obs.quote[: max(0, at)]
    return before.rfind("（") > before.rfind("）") or before.rfind("(") > before.rfind(")")


def features(
    obs: Observation,
    group: list[Observation],
    evidence: int,
    standing: int,
    catalog: Catalog | None,
) -> list[float]:
    """The feature vector of one reading among the readings of its group (FEATURES)."""
    indicator = catalog.get(obs.indicator) if catalog is not None else None
    is_level = indicator is not None and indicator.measure not in RATE_MEASURES
    others = [o for o in group if o is not obs]
    same = sum(1 for o in others if round(o.value, 6) == round(obs.value, 6))
    return [
        1.0 if evidence >= 2 else 0.0,
        1.0 if evidence % 2 else 0.0,
        same / len(others) if others else 0.0,
        1.0 if _in_parentheses(obs) else 0.0,
        1.0 if indicator is not None and _mismatch(indicator.measure, _before(obs)) else 0.0,
        1.0 if is_level and obs.value < 0 else 0.0,
        float(standing),
        0.0 if obs.qualifier == "exact" else 1.0,
        1.0 if TABLE_CELL_SEPARATOR in obs.quote else 0.0,
    ]


@functools.cache
def _model(path: Path = WEIGHTS_PATH) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    names = [w["feature"] for w in data["weights"]]
    if tuple(names) != FEATURES:
        raise ValueError(f"{path}: weights for {names}, the scorer reads {list(FEATURES)}")
    return data


def score(vector: list[float]) -> float:
    """The chance that the reading is the one meant, by the fitted weights."""
    model = _model()
    z = model["bias"] + sum(w["weight"] * x for w, x in zip(model["weights"], vector, strict=True))
    return 1.0 / (1.0 + math.exp(-z))


# What fitting listens to: every group of readings the scorer was asked about.
_LISTENERS: list[Callable[[list[Observation], list[list[float]]], None]] = []


@contextmanager
def listening(listener: Callable[[list[Observation], list[list[float]]], None]) -> Iterator[None]:
    """Call listener(group, vectors) for each group of readings met while inside
    (loaders.evaluation.fit_readings). Meanwhile no reading is chosen by score: what is fitted must not
    depend on the weights being replaced."""
    _LISTENERS.append(listener)
    try:
        yield
    finally:
        _LISTENERS.remove(listener)


def vectors_of(
    group: list[Observation],
    evidence: dict[int, int],
    standing: Callable[[Observation], int],
    catalog: Catalog | None,
) -> list[list[float]]:
    """The feature vectors of a group's readings; listeners hear of every group."""
    vectors = [features(o, group, evidence.get(id(o), 0), standing(o), catalog) for o in group]
    for listener in _LISTENERS:
        listener(group, vectors)
    return vectors


def choose(group: list[Observation], vectors: list[list[float]]) -> Observation | None:
    """The reading of the group the text means, or None when no reading is clear enough."""
    if _LISTENERS:
        return None
    scores = [score(v) for v in vectors]
    model = _model()
    best = max(range(len(group)), key=scores.__getitem__)
    if scores[best] < model["keep"]:
        return None
    if any(s > model["reject"] for k, s in enumerate(scores) if k != best):
        return None
    return group[best]
