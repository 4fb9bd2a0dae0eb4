"""Fit the weights of loaders.figures.readings on labelled briefs and write data/reading_weights.json.

    .venv/bin/python -m loaders.evaluation.fit_readings SET [SET ...] [--write]

Each SET is a folder of labelled briefs (docs/eval.md). Every group of readings the
extraction meets (one indicator and period given more than one value) is a training
example: a reading is right when a label of its file has its indicator, period, value
and forecast flag. The weights are a logistic regression (fitted by Newton's method, each
weight drawn towards its prior: PRIORS); the thresholds KEEP and REJECT are cross-checked by leaving one set out
at a time: the pair chosen is the one under which no held-out choice is wrong and the most
are right (ties: the higher KEEP). Without --write the fit and the cross-check are printed
only.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from loaders.catalog.indicators import load_catalog
from loaders.evaluation.evaluate import _expected_items, brief_files
from loaders.evaluation.scoring import periods_agree, values_agree
from loaders.figures import readings
from loaders.intake.pipeline import extract_file

# Regularisation: with a few dozen groups, weights stay near their prior unless the data
# insist. The prior is 0 (no effect) except for features that say a reading is hardly
# possible, whose sign is known before any data: a level below zero, a clause that names
# another measure, an aside in brackets. The labelled sets seldom hold such a group once the
# rules before the scorer have done their work, so without a prior these weights would stay
# at 0 and the scorer would be blind to them.
L2 = 1.0
PRIORS = {"negative_level": -4.0, "measure_mismatch": -3.0, "in_parentheses": -1.5}
THRESHOLDS = [round(0.5 + 0.05 * k, 2) for k in range(10)]  # 0.50 … 0.95


def harvest(folder: Path, catalog) -> list[tuple[list[list[float]], list[int]]]:
    """(vectors, labels) of every group of readings in a folder's labelled briefs."""
    kinds = {i.id: i.kind for i in catalog.indicators}
    groups: list[tuple[list[list[float]], list[int]]] = []
    for path, expected_path in brief_files(folder):
        expected = _expected_items(json.loads(expected_path.read_text(encoding="utf-8")))
        seen: list[tuple[list, list[list[float]]]] = []

        def listen(group, vectors, seen=seen) -> None:
            seen.append((list(group), vectors))

        with readings.listening(listen):
            extract_file(path, catalog)
        for group, vectors in seen:
            labels = [
                int(
                    any(
                        e.indicator == o.indicator
                        and e.forecast == o.forecast
                        and periods_agree(o.period, e.period, kinds.get(o.indicator) == "stock")
                        and values_agree(o.value, e.value)
                        for e in expected
                    )
                )
                for o in group
            ]
            groups.append((vectors, labels))
    return groups


def fit(groups) -> tuple[float, list[float]]:
    rows = [v for vectors, _ in groups for v in vectors]
    ys = [y for _, labels in groups for y in labels]
    x = np.hstack([np.ones((len(rows), 1)), np.array(rows, dtype=float)])
    y = np.array(ys, dtype=float)
    prior = np.array([0.0] + [PRIORS.get(f, 0.0) for f in readings.FEATURES])
    w = prior.copy()
    penalty = np.eye(x.shape[1]) * L2
    penalty[0, 0] = 0.0  # the bias is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        gradient = x.T @ (p - y) + penalty @ (w - prior)
        hessian = x.T @ (x * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return float(w[0]), [float(v) for v in w[1:]]


def _score(bias: float, weights: list[float], vector: list[float]) -> float:
    return 1.0 / (
        1.0 + math.exp(-(bias + sum(a * b for a, b in zip(weights, vector, strict=True))))
    )


def decisions(groups, bias, weights, keep, reject) -> tuple[int, int, int]:
    """(right, wrong, left to review) choices over groups."""
    right = wrong = left = 0
    for vectors, labels in groups:
        scores = [_score(bias, weights, v) for v in vectors]
        best = max(range(len(scores)), key=scores.__getitem__)
        if scores[best] < keep or any(s > reject for k, s in enumerate(scores) if k != best):
            left += 1
        elif labels[best]:
            right += 1
        else:
            wrong += 1
    return right, wrong, left


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--write", action="store_true", help=f"write {readings.WEIGHTS_PATH}")
    args = parser.parse_args(argv)
    catalog = load_catalog()
    by_set = {str(s): harvest(s, catalog) for s in args.sets}
    for name, groups in by_set.items():
        readings_n = sum(len(v) for v, _ in groups)
        right_n = sum(sum(labels) for _, labels in groups)
        print(f"{name}: {len(groups)} groups, {readings_n} readings, {right_n} right")
    # Leave one set out: fit on the others, decide the held-out set's groups.
    folds = {}
    for held in by_set:
        train = [g for name, gs in by_set.items() if name != held for g in gs]
        if train and by_set[held]:
            folds[held] = fit(train)
    best = None
    for keep in THRESHOLDS:
        for reject in [t - 0.5 for t in THRESHOLDS if t - 0.5 < keep]:
            right = wrong = left = 0
            for held, (bias, weights) in folds.items():
                r, w, n = decisions(by_set[held], bias, weights, keep, reject)
                right, wrong, left = right + r, wrong + w, left + n
            candidate = (wrong == 0, right, keep, -reject)
            if best is None or candidate > best[0]:
                best = (candidate, keep, reject, right, wrong, left)
    assert best is not None
    _, keep, reject, right, wrong, left = best
    print(
        f"cross-checked (one set left out): keep {keep}, reject {reject:.2f}: "
        f"{right} right, {wrong} wrong, {left} left to review"
    )
    bias, weights = fit([g for gs in by_set.values() for g in gs])
    r, w, n = decisions([g for gs in by_set.values() for g in gs], bias, weights, keep, reject)
    print(f"fit on all: {r} right, {w} wrong, {n} left to review")
    for name, weight in zip(readings.FEATURES, weights, strict=True):
        print(f"  {name:22} {weight:+.3f}")
    print(f"  {'(bias)':22} {bias:+.3f}")
    if args.write:
        data = {
            "fitted_by": "python -m loaders.evaluation.fit_readings "
            + " ".join(p.name for p in args.sets),
            "cross_check": {"right": right, "wrong": wrong, "left_to_review": left},
            "bias": round(bias, 4),
            "keep": keep,
            "reject": round(reject, 2),
            "weights": [
                {"feature": f, "weight": round(w, 4)}
                for f, w in zip(readings.FEATURES, weights, strict=True)
            ],
        }
        readings.WEIGHTS_PATH.write_text(
            json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        print(f"wrote {readings.WEIGHTS_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
