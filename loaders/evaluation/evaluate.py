"""Score the loaders against labelled briefs (docs/eval.md).

Every brief (txt, md, pdf, docx) with a sibling `<stem>.expected.json` is
extracted and compared with its expected observations (loaders.evaluation.scoring matches
them and says why the others differ):
- derived observations are not scored either way;
- precision = matches / extracted, recall = matches / expected, qualifier
  accuracy over the matches; the issue header must equal the expected one;
- `<stem>.new.expected.json` labels figures of indicators not in the curated catalog;
  its labels count for the indicators the active catalog has (`--catalog FILE`).

The report groups misses and extras by cause, so that a regression says where it is.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from loaders.catalog.indicators import Catalog
from loaders.errors import BriefError
from loaders.evaluation.scoring import (
    CAUSES,
    FileScore,
    ScoredItem,
    classify_errors,
    periods_agree,
    score_observations,
    values_agree,
)
from loaders.figures.number_states import account_for_numbers, says_value
from loaders.intake.pipeline import extract_file
from loaders.text import BRIEF_SUFFIXES

# Scoring lives in loaders.evaluation.scoring; these names are part of this module's interface too.
__all__ = [
    "EvaluationReport",
    "FileScore",
    "ScoredItem",
    "brief_files",
    "classify_errors",
    "evaluate_dir",
    "evaluate_file",
    "format_report",
    "periods_agree",
    "score_observations",
    "values_agree",
]

NOTES_SUFFIX = ".notes.md"
HEADER_FIELDS = ("title", "year", "number", "total_number", "published")


@dataclass
class EvaluationReport:
    files: list[FileScore] = field(default_factory=list)

    def _total(self, attr: str) -> int:
        return sum(getattr(f, attr) for f in self.files)

    @property
    def precision(self) -> float:
        extracted = self._total("extracted")
        return self._total("matched") / extracted if extracted else 1.0

    @property
    def recall(self) -> float:
        expected = self._total("expected")
        return self._total("matched") / expected if expected else 1.0

    @property
    def qualifier_accuracy(self) -> float:
        matched = self._total("matched")
        return self._total("qualifier_matches") / matched if matched else 1.0

    @property
    def headers_ok(self) -> bool:
        return all(f.header_ok for f in self.files)

    def causes(self) -> dict[str, dict[str, int]]:
        total: dict[str, Counter] = {"misses": Counter(), "extras": Counter()}
        for f in self.files:
            for side, counts in f.causes().items():
                total[side].update(counts)
        return {side: {c: n[c] for c in CAUSES if n[c]} for side, n in total.items()}

    def miss_fates(self) -> dict[str, int]:
        """How many misses each number state and reason accounts for ("ignored: date" 3),
        most first: where the numbers of the labels the loaders missed went."""
        counts = Counter(
            m.number_fate.split(" as ")[0].split(" «")[0] for f in self.files for m in f.misses
        )
        return dict(counts.most_common())

    def to_json(self) -> dict:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "qualifier_accuracy": self.qualifier_accuracy,
            "headers_ok": self.headers_ok,
            "expected": self._total("expected"),
            "extracted": self._total("extracted"),
            "matched": self._total("matched"),
            "causes": self.causes(),
            "miss_fates": self.miss_fates(),
            "files": [
                {
                    **asdict(f),
                    "causes": f.causes(),
                    "precision": f.precision,
                    "recall": f.recall,
                    "qualifier_accuracy": f.qualifier_accuracy,
                }
                for f in self.files
            ],
        }


def _expected_items(data: dict, known: set[str] | None = None) -> list[ScoredItem]:
    return [
        ScoredItem(
            indicator=o["indicator"],
            period=str(o["period"]),
            value=float(o["value"]),
            qualifier=o.get("qualifier", "exact"),
            forecast=bool(o.get("forecast", False)),
        )
        for o in data.get("observations", [])
        if not o.get("derived", False) and (known is None or o["indicator"] in known)
    ]


def brief_files(directory: Path) -> list[tuple[Path, Path]]:
    """(brief, expected.json) pairs of a directory, sorted by name.

    NAME.notes.md beside a brief is what its labeller wrote about NAME, not a copy of it.
    """
    pairs = []
    for path in sorted(Path(directory).iterdir()):
        if path.suffix.lower() not in BRIEF_SUFFIXES or not path.is_file():
            continue
        if path.name.lower().endswith(NOTES_SUFFIX):
            continue
        expected = _expected_for(path)
        if expected is not None:
            pairs.append((path, expected))
    return pairs


def _expected_for(path: Path) -> Path | None:
    """NAME.expected.json for NAME.txt; copies such as NAME.gbk.txt share NAME's labels."""
    stem = path.stem
    while True:
        candidate = path.with_name(f"{stem}.expected.json")
        if candidate.exists():
            return candidate
        if "." not in stem:
            return None
        stem = stem.rsplit(".", 1)[0]


def evaluate_file(path: Path, expected_path: Path, catalog: Catalog) -> FileScore:
    try:
        data = json.loads(Path(expected_path).read_text(encoding="utf-8"))
        expected = _expected_items(data)
        extra_labels = Path(expected_path).with_name(
            Path(expected_path).name.replace(".expected.json", ".new.expected.json")
        )
        if extra_labels.exists():
            new = json.loads(extra_labels.read_text(encoding="utf-8"))
            expected += _expected_items(new, set(catalog.ids()))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        score = FileScore(name=path.name, header_ok=False)
        score.error = f"{Path(expected_path).name}: unusable expected file: {exc}"
        return score
    try:
        extraction = extract_file(path, catalog)
    except BriefError as exc:
        score = FileScore(name=path.name, expected=len(expected), misses=expected)
        score.error = str(exc)
        score.header_ok = False
        return score
    extracted = [
        ScoredItem(o.indicator, o.period, o.value, o.qualifier, o.forecast, o.quote)
        for o in extraction.observations
        if not o.derived
    ]
    score = score_observations(extracted, expected, catalog, name=path.name)
    classify_errors(score, extracted, extraction.unassigned, expected, catalog)
    _trace_misses(score, extraction, catalog)
    got_issue = extraction.issue.model_dump(mode="json")
    for key in HEADER_FIELDS:
        want = data.get("issue", {}).get(key)
        if got_issue.get(key) != want:
            score.header_ok = False
            score.header_diffs.append(f"{key}: {got_issue.get(key)!r} != {want!r}")
    return score


# Which number explains a miss best: one the loaders set aside before one they ignored,
# before one they gave another series.
_FATE_ORDER = {"unassigned": 0, "ignored": 1, "observation": 2}


def _trace_misses(score: FileScore, extraction, catalog: Catalog) -> None:
    """Say, for every missed label, what became of the number of the text that states its
    value: its state and reason (loaders.figures.number_states)."""
    if not score.misses:
        return
    numbers = account_for_numbers(extraction)
    for miss in score.misses:
        indicator = catalog.get(miss.indicator)
        unit = indicator.unit if indicator else ""
        found = [n for n in numbers if says_value(n.text, miss.value, unit)]
        if not found:
            miss.number_fate = "no number of the text says this value"
            continue
        best = min(found, key=lambda n: _FATE_ORDER[n.state])
        where = f" as {best.indicator} {best.period}" if best.indicator else ""
        miss.number_fate = f"{best.state}: {best.reason}{where} «{best.text}»"


def evaluate_dir(directory: Path, catalog: Catalog) -> EvaluationReport:
    """Score every labelled brief of a directory."""
    report = EvaluationReport()
    for path, expected in brief_files(Path(directory)):
        report.files.append(evaluate_file(path, expected, catalog))
    return report


def _item_line(item: ScoredItem) -> str:
    flag = " (预测)" if item.forecast else ""
    return f"    {item.indicator} {item.period} = {item.value:g} [{item.qualifier}]{flag}"


def _causes_line(causes: dict[str, int]) -> str:
    return ", ".join(f"{cause} {n}" for cause, n in causes.items()) or "none"


def _grouped(label: str, items: list[ScoredItem], quotes: bool) -> list[str]:
    """Items under one heading per cause ("missed (period):"), each with its explanation."""
    lines = []
    for cause in (*CAUSES, ""):
        group = [item for item in items if item.cause == cause]
        if not group:
            continue
        lines.append(f"  {label} ({cause}):" if cause else f"  {label}:")
        for item in group:
            lines.append(_item_line(item))
            if item.detail:
                lines.append(f"      ~ {item.detail}")
            if item.number_fate:
                lines.append(f"      # number: {item.number_fate}")
            if quotes and item.quote:
                lines.append(f"      « {item.quote[:80]} »")
    return lines


def format_report(report: EvaluationReport) -> str:
    """A readable summary: totals, then each file with its misses and extras."""
    lines = [
        f"files: {len(report.files)}  expected: {report._total('expected')}  "
        f"extracted: {report._total('extracted')}  matched: {report._total('matched')}",
        f"precision: {report.precision:.3f}  recall: {report.recall:.3f}  "
        f"qualifier accuracy: {report.qualifier_accuracy:.3f}  "
        f"headers: {'ok' if report.headers_ok else 'MISMATCH'}",
        f"misses by cause: {_causes_line(report.causes()['misses'])}; "
        f"extras by cause: {_causes_line(report.causes()['extras'])}",
    ]
    if report.miss_fates():
        lines.append(f"missed numbers by state: {_causes_line(report.miss_fates())}")
    for f in report.files:
        lines.append("")
        lines.append(
            f"{f.name}: precision {f.precision:.3f}  recall {f.recall:.3f}  "
            f"qualifiers {f.qualifier_accuracy:.3f}  header {'ok' if f.header_ok else 'MISMATCH'}"
        )
        if f.error:
            lines.append(f"  error: {f.error}")
        for diff in f.header_diffs:
            lines.append(f"  header {diff}")
        lines.extend(_grouped("missed", f.misses, quotes=False))
        lines.extend(_grouped("extra", f.extras, quotes=True))
        for err in f.qualifier_errors:
            lines.append(f"  qualifier {err}")
    return "\n".join(lines)
