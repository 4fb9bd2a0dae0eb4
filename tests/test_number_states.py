"""Every number of an issue ends in one state with a reason (loaders.figures.number_states), and
`extract --explain` and `evaluate` say so."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from loaders.evaluation.evaluate import evaluate_file
from loaders.figures.number_states import REASONS, account_for_numbers, says_value
from loaders.intake.pipeline import extract_bytes, extract_file
from tests.support.builders import CATALOG

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "data" / "eval"
SHARED = ROOT.parent / "shared" / "eval"
BRIEFS = sorted(
    p
    for p in [*EVAL.iterdir(), *(ROOT / "data" / "briefs").iterdir()]
    if p.suffix in (".txt", ".pdf", ".docx", ".md")
)
EVERY_KIND = ROOT / "tests" / "data" / "numbers" / "every-kind.txt"


@pytest.mark.parametrize("path", BRIEFS, ids=lambda p: p.name)
def test_every_number_of_a_labelled_issue_has_a_state_and_a_reason(path):
    extraction = extract_file(path, CATALOG)
    states = account_for_numbers(extraction)
    assert {n.state for n in states} <= {"observation", "unassigned", "ignored"}
    assert all(n.reason in REASONS for n in states), [n for n in states if n.reason not in REASONS]
    # Every run of digits of the text is inside a number that has a state.
    text = extraction.clean_text
    for digits in re.finditer(r"\d+", text):
        assert any(n.start <= digits.start() < n.end for n in states), (
            path.name,
            text[max(0, digits.start() - 20) : digits.end() + 10],
        )

    # Every figure the loaders read is a number of that state, observations with their series.
    def numbers_of(figure):
        end = figure.figure_start + len(figure.figure_text)
        return [n for n in states if figure.figure_start <= n.start < end]

    for obs in extraction.observations:
        assert any(
            n.state == "observation" and n.indicator == obs.indicator for n in numbers_of(obs)
        ), (path.name, obs.figure_text)
    for fig in extraction.unassigned:
        here = numbers_of(fig)
        assert here and all(n.state in ("unassigned", "observation") for n in here), fig.figure_text
    # Observations name their series; nothing else does.
    assert all((n.indicator is not None) == (n.state == "observation") for n in states)


def _reason_of(states, text: str) -> tuple[str, str]:
    found = [n for n in states if n.text == text]
    assert found, f"{text} not among {[n.text for n in states]}"
    return found[0].state, found[0].reason


@pytest.mark.parametrize(
    ("number", "state", "reason"),
    [
        ("460", "ignored", "masthead"),
        ("2020", "ignored", "book_title"),  # 《2020年中国电信白皮书》
        ("5", "ignored", "code"),  # 5G
        ("3", "ignored", "ordinal"),  # 第 3 条
        ("68598000", "ignored", "contact"),  # 联系电话
        ("1", "ignored", "list_marker"),  # "1. " opening a line
        ("十四五", "ignored", "date"),
        ("71.8万", "unassigned", "no_series"),  # 5G 基站 is no series of the catalog
        ("75.1万亿", "unassigned", "no_period"),  # a flow whose period the text leaves open
    ],
)
def test_each_kind_of_number_gets_its_reason(number, state, reason):
    extraction = extract_file(EVERY_KIND, CATALOG)
    assert _reason_of(account_for_numbers(extraction), number) == (state, reason)


def test_a_number_read_for_a_series_is_an_observation_and_its_repeat_too():
    text = (
        "产业创新动态\n2021年第15期\n2021年4月26日\n社会物流总额稳步增长\n"
        "一季度，全国社会物流总额为 75.1 万亿元。一季度社会物流总额 75.1 万亿元，创同期新高。\n"
        "（产业所 某某 整理）\n"
    )
    extraction = extract_bytes(text.encode(), "repeat.txt", CATALOG)
    states = [n for n in account_for_numbers(extraction) if n.text.startswith("75.1")]
    assert [(n.state, n.reason, n.indicator, n.period) for n in states] == [
        ("observation", "mapped", "logistics_total", "2021-Q1"),
        ("observation", "repeat", "logistics_total", "2021-Q1"),
    ]


def test_the_old_value_of_a_revision_is_unassigned_as_superseded():
    text = (
        "产业创新动态\n2021年第15期\n2021年4月26日\n电信并购\n"
        "2020 年中国电信行业并购交易总金额由此前公布的 1,700 亿元修订为 1,750 亿元。\n"
        "（产业所 某某 整理）\n"
    )
    states = account_for_numbers(extract_bytes(text.encode(), "rev.txt", CATALOG))
    assert _reason_of(states, "1,700亿") == ("unassigned", "superseded")
    assert _reason_of(states, "1,750亿")[0] == "observation"


def test_says_value_reads_magnitudes_and_catalog_units():
    assert says_value("1,765", 0.1765, "亿吨")  # 1,765 万吨 whose 万 was not read
    assert says_value("352.4万亿", 352.4, "万亿元")
    assert says_value("三千", 3000, "家")
    assert not says_value("7", 0.5, "%")


def test_extract_explain_prints_every_number_as_json():
    out = subprocess.run(
        [sys.executable, "-m", "loaders", "extract", str(EVERY_KIND), "--json", "--explain"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    numbers = json.loads(out.stdout)["numbers"]
    assert numbers and {"text", "start", "end", "state", "reason", "reason_zh", "indicator"} <= set(
        numbers[0]
    )
    extraction = extract_file(EVERY_KIND, CATALOG)
    for item in numbers:
        assert extraction.clean_text[item["start"] : item["end"]] == item["text"]
        assert item["reason_zh"] == REASONS[item["reason"]]


def test_evaluate_says_what_became_of_a_missed_number(tmp_path):
    brief = tmp_path / "2021-15.txt"
    brief.write_text(EVERY_KIND.read_text(encoding="utf-8"), encoding="utf-8")
    # A label the loaders cannot meet: 71.8 万个 5G 基站 named as a series of the catalog.
    (tmp_path / "2021-15.expected.json").write_text(
        json.dumps(
            {
                "issue": {"title": "产业创新动态", "year": 2021, "number": 15},
                "observations": [
                    {"indicator": "carbon_national_units", "period": "2021-04", "value": 718000}
                ],
            }
        ),
        encoding="utf-8",
    )
    score = evaluate_file(brief, tmp_path / "2021-15.expected.json", CATALOG)
    assert [m.number_fate for m in score.misses] == ["unassigned: no_series «71.8万»"]


@pytest.mark.parametrize(
    "sentence",
    [
        "2021 年，中国电信行业并购交易总金额达数十亿元。",
        "2021 年，中国电信行业完成并购交易上百笔。",
        "2021 年，中国电信行业完成并购交易几十笔。",
    ],
)
def test_a_vague_magnitude_goes_to_review_never_into_a_series(sentence):
    text = f"产业创新动态\n2022年第3期\n2022年2月10日\n电信并购\n{sentence}\n（产业所 某某 整理）\n"
    extraction = extract_bytes(text.encode(), "vague.txt", CATALOG)
    assert extraction.observations == []
    assert [(u.reason, u.suggested_indicator is not None) for u in extraction.unassigned] == [
        ("vague", True)
    ]


def test_a_range_with_magnitudes_on_both_ends_is_one_figure_to_review():
    text = (
        "产业创新动态\n2022年第3期\n2022年2月10日\n电信并购\n"
        "预计 2022 年中国电信行业并购交易总金额为 1.2 万亿—1.5 万亿元。\n（产业所 某某 整理）\n"
    )
    extraction = extract_bytes(text.encode(), "range.txt", CATALOG)
    assert extraction.observations == []
    assert [(u.value, u.value_high, u.reason) for u in extraction.unassigned] == [
        (1.2, 1.5, "range")
    ]
