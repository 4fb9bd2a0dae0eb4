"""The demo store (`make demo`, bench/demo.py): generated issues the real loaders read, over
at least five years for every indicator, in a store of their own, and every page says so."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bench.demo import PER_YEAR, YEARS, build, demo_issue, demo_issues
from bench.synthetic import SYNTHETIC_MARK
from loaders.intake.pipeline import extract_bytes
from loaders.store import open_store, queries
from tests.support.browser import ingest_with_cli
from tests.support.builders import CATALOG

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "streamlit_app.py"
SAMPLE = ROOT / "data" / "briefs" / "2021-15.txt"
# Spread over the months (periods in words differ by month) and the six years.
SAMPLE_ISSUES = [0, 1, 2, 5, 11, 23, 24, 40, 61, 87, 100, 118, 131, YEARS * PER_YEAR - 1]


@pytest.mark.parametrize("index", SAMPLE_ISSUES)
def test_a_demo_issue_reads_as_the_figures_it_states(index: int) -> None:
    issue = demo_issue(index)
    extraction = extract_bytes(issue.text.encode("utf-8"), f"demo-{issue.key}.txt", CATALOG)
    assert extraction.issue.key == issue.key
    assert all(SYNTHETIC_MARK in article.title for article in extraction.articles)
    found = {(o.indicator, o.period, o.forecast): o.value for o in extraction.observations}
    expected = {(f.indicator, f.period, f.forecast): f.value for f in issue.expected}
    assert found.keys() == expected.keys()
    for key, value in expected.items():
        assert found[key] == pytest.approx(value, rel=1e-9), key


def test_every_indicator_has_points_over_at_least_five_years_and_some_are_revised() -> None:
    years: dict[str, set[int]] = defaultdict(set)
    statements: dict[tuple[str, str], set[float]] = defaultdict(set)
    for issue in demo_issues():
        assert "数据虚构，仅供演示（示例数据）" in issue.text
        for figure in issue.expected:
            years[figure.indicator].add(int(figure.period[:4]))
            statements[(figure.indicator, figure.period)].add(figure.value)
    assert set(years) == set(CATALOG.ids())
    assert {ind: len(seen) for ind, seen in years.items() if len(seen) < 5} == {}
    revised = {key for key, values in statements.items() if len(values) > 1}
    assert len(revised) >= 20  # a later issue restating a period differently: vintages to see
    assert max(issue.published for issue in demo_issues()).year == 2024


def test_the_demo_is_built_into_its_own_store_and_never_over_a_real_one(tmp_path: Path) -> None:
    demo = tmp_path / "demo.duckdb"
    assert build(demo, count=4) == 0
    assert build(demo, count=5) == 0  # built again from scratch: a demo store is its own
    with open_store(str(demo)) as store:
        stored = queries.issues(store)
    assert list(stored["issue_key"]) == ["2019-05", "2019-04", "2019-03", "2019-02", "2019-01"]

    real = ingest_with_cli(SAMPLE, tmp_path / "briefs.duckdb")
    before = real.read_bytes()
    assert build(real, count=2) == 2
    assert real.read_bytes() == before
    with open_store(str(real)) as store:
        assert list(queries.issues(store)["issue_key"]) == ["2021-15"]


@pytest.mark.parametrize("page", [None, "trends", "issues", "catalog", "upload", "imports"])
def test_every_page_of_the_demo_says_its_data_are_made_up(
    app_db: Path, monkeypatch: pytest.MonkeyPatch, page: str | None
) -> None:
    monkeypatch.setenv("BRIEFS_DEMO", "1")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    if page is not None:
        at.switch_page(f"app_pages/{page}.py")
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.warning and at.warning[0].value.startswith("示例数据：")
    assert "示例数据" in at.sidebar.markdown[0].value


def test_the_real_store_is_not_marked_and_says_how_to_get_more(
    app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BRIEFS_DEMO", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    assert not [w for w in at.warning if "示例数据" in w.value]
    hints = [c.value for c in at.sidebar.caption if "make demo" in c.value]
    assert hints == [
        "库中只有 2 期，趋势只有几个点：在 **导入** 页面导入往期简报（文件夹或 zip），或用 `make demo` 看示例数据。"
    ]


PAGES = [
    (None, {}),
    ("trends", {"indicators": "logistics_total,telecom_ma_value"}),
    ("issues", {}),
    ("catalog", {}),
    ("imports", {}),
]


@pytest.mark.parametrize("store", ["real", "demo"])
def test_no_grid_of_the_pages_has_an_empty_cell_shown_as_none(
    app_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: str
) -> None:
    """The grids draw a missing value as None: every cell the pages show holds a value or ""."""
    if store == "demo":
        demo = tmp_path / "demo.duckdb"
        assert build(demo, count=8) == 0
        monkeypatch.setenv("BRIEFS_DB", str(demo))
        monkeypatch.setenv("BRIEFS_DEMO", "1")
    at = AppTest.from_file(str(APP), default_timeout=60)
    grids = 0
    for page, query in PAGES:
        if page is not None:
            at.switch_page(f"app_pages/{page}.py")
            at.query_params.clear()
            at.query_params.update(query)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        for grid in at.dataframe:
            frame = grid.value
            grids += 1
            assert [c for c in frame.columns if frame[c].isna().any()] == [], (page, frame)
    assert grids >= 4
