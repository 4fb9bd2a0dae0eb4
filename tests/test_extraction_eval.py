"""The loaders against every labelled brief in tests/data/eval: nothing wrong, nothing missed."""

from pathlib import Path

import pytest

from loaders.catalog.indicators import load_catalog
from loaders.evaluation.evaluate import brief_files, evaluate_file
from loaders.intake.pipeline import extract_file
from tests.support.builders import CATALOG

EVAL_DIR = Path(__file__).parent / "data" / "eval"
BRIEFS = brief_files(EVAL_DIR)


def test_the_real_issue_and_the_practice_issues_are_present():
    names = {brief.name for brief, _ in BRIEFS}
    assert {"2021-15.txt", "2021-29.txt"} <= names
    assert len(BRIEFS) >= 4


@pytest.mark.parametrize(("brief", "expected"), BRIEFS, ids=[b.name for b, _ in BRIEFS])
def test_precision_recall_and_qualifiers_are_perfect(brief, expected):
    score = evaluate_file(brief, expected, CATALOG)
    assert score.error is None
    assert score.header_ok, score.header_diffs
    assert score.extras == [], score.extras
    assert score.misses == [], score.misses
    assert score.precision == 1.0 and score.recall == 1.0
    assert score.qualifier_accuracy == 1.0, score.qualifier_errors


NEW_INDICATORS = Path(__file__).parent / "data" / "new_indicators.yaml"
WITH_NEW_LABELS = [
    (b, e) for b, e in BRIEFS if e.with_name(e.name.replace(".expected", ".new.expected")).exists()
]


@pytest.mark.parametrize(
    ("brief", "expected"), WITH_NEW_LABELS, ids=[b.name for b, _ in WITH_NEW_LABELS]
)
def test_plainly_written_new_indicators_find_their_labelled_figures(brief, expected):
    """Issue 10: an editor adds indicators with a name or two each (tests/data/
    new_indicators.yaml); the briefs that label them (NAME.new.expected.json) score 1.000
    with those entries laid over the catalog, and nothing else moves."""
    catalog = CATALOG.with_overlay(load_catalog(NEW_INDICATORS))
    score = evaluate_file(brief, expected, catalog)
    assert score.extras == [] and score.misses == [], (score.extras, score.misses)
    assert score.qualifier_accuracy == 1.0, score.qualifier_errors


def test_the_sample_brief_in_data_scores_the_same():
    sample = Path(__file__).parents[1] / "data" / "briefs" / "2021-15.txt"
    score = evaluate_file(sample, EVAL_DIR / "2021-15.expected.json", CATALOG)
    assert (score.precision, score.recall, score.qualifier_accuracy) == (1.0, 1.0, 1.0)


@pytest.mark.parametrize(("brief", "expected"), BRIEFS, ids=[b.name for b, _ in BRIEFS])
def test_every_observation_quotes_its_sentence_in_the_cleaned_text(brief, expected):
    extraction = extract_file(brief, CATALOG)
    catalog = CATALOG
    for obs in extraction.observations + extraction.unassigned:
        assert extraction.clean_text[obs.span_start : obs.span_end] == obs.quote
        assert obs.figure_text and obs.figure_text in obs.quote
        # A whole sentence: it ends at 。！？ (or a closing quote) or at the end of its paragraph.
        after = extraction.clean_text[obs.span_end : obs.span_end + 1]
        assert obs.quote.rstrip("”’」)）")[-1] in "。！？!?" or after in ("", "\n")
        before = extraction.clean_text[obs.span_start - 1 : obs.span_start]
        assert before in ("", "\n", "。", "！", "？", "!", "?", "”", ")", "）") or before.isspace()
    for obs in extraction.observations:
        assert obs.unit == catalog.get(obs.indicator).unit
        assert obs.article and obs.editor


def test_one_value_per_series_and_period():
    for brief, _ in BRIEFS:
        observations = extract_file(brief, CATALOG).observations
        keys = [(o.indicator, o.period, o.forecast) for o in observations]
        assert len(keys) == len(set(keys)), brief.name


def _docx_copy(source: Path, target: Path) -> None:
    import docx

    document = docx.Document()
    for line in source.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            document.add_paragraph(line)
    document.save(target)


def _full_width_copy(source: Path, target: Path) -> None:
    text = source.read_text(encoding="utf-8")
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c in "%,." else c for c in text)
    target.write_text(wide, encoding="utf-8")


@pytest.mark.parametrize(
    ("stem", "suffix", "make"),
    [
        (
            "2022-08",
            ".txt",
            lambda s, t: t.write_bytes(s.read_text(encoding="utf-8").encode("gbk")),
        ),
        ("2022-23", ".docx", _docx_copy),
        ("2021-29", ".txt", _full_width_copy),
    ],
    ids=["gbk", "docx", "full-width"],
)
def test_other_encodings_and_formats_score_the_same(tmp_path, stem, suffix, make):
    brief = tmp_path / f"copy{suffix}"
    make(EVAL_DIR / f"{stem}.txt", brief)
    score = evaluate_file(brief, EVAL_DIR / f"{stem}.expected.json", CATALOG)
    assert (score.precision, score.recall, score.qualifier_accuracy) == (1.0, 1.0, 1.0)
    assert score.header_ok


def test_libreoffice_pdfs_carry_the_artifacts_they_are_kept_for():
    """PDFs typeset by LibreOffice from a DOCX (宋体 falling back to a CJK font,
    2 columns), read by pypdf: they must keep exercising what they were made for."""
    from loaders.text.cleaning import clean_text
    from loaders.text.reading import read_brief_text

    raw = read_brief_text((EVAL_DIR / "2022-05-libreoffice.pdf").read_bytes(), "x.pdf")
    # The quotes of 是“十三五”初期 land between the figure and its unit.
    assert "335.2\n“ ”万亿元" in raw
    assert "335.2万亿元" in clean_text(raw)
    raw = read_brief_text((EVAL_DIR / "2021-05-libreoffice.pdf").read_bytes(), "x.pdf")
    # A line ending on 。 at the column edge: the paragraph reads as two.
    assert "全年增长3.5%。\n分季度看，" in clean_text(raw)
