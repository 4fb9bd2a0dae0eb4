"""Score the loaders against labelled briefs (shared/eval/README.md).

Every brief (txt, md, pdf, docx) with a sibling `<stem>.expected.json` is
extracted and compared with its expected observations:
- a match needs the same indicator, agreeing periods (stock indicators compare
  period end dates only, so 2021-09-30 matches 2021-09; other periods compare
  their start and end dates), a value within 0.5 % and the same forecast flag;
- matching is greedy and one-to-one, closest values first;
- derived observations are not scored either way;
- precision = matches / extracted, recall = matches / expected, qualifier
  accuracy over the matches; the issue header must equal the expected one;
- `<stem>.new.expected.json` labels figures of indicators not in the curated catalog;
  its labels count for the indicators the active catalog has (`--catalog FILE`).

Every miss and extra is given a cause, so that a regression says where it is (see
`classify_errors`): period, forecast, mapping, unit, or unread (no figure of that
value was read at all); qualifier errors of matched pairs are counted as qualifier.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from loaders import units
from loaders.catalog import Catalog
from loaders.errors import BriefError
from loaders.models import UnassignedFigure
from loaders.periods import PeriodError, parse_period
from loaders.pipeline import extract_file

BRIEF_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
NOTES_SUFFIX = ".notes.md"
# Relative tolerance on values, as the eval README defines it.
VALUE_TOLERANCE = 0.005
HEADER_FIELDS = ("title", "year", "number", "total_number", "published")
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
    got_issue = extraction.issue.model_dump(mode="json")
    for key in HEADER_FIELDS:
        want = data.get("issue", {}).get(key)
        if got_issue.get(key) != want:
            score.header_ok = False
            score.header_diffs.append(f"{key}: {got_issue.get(key)!r} != {want!r}")
    return score


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
