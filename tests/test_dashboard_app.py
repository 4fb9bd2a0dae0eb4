"""Every dashboard page run through streamlit.testing.v1.AppTest on a real DuckDB file.

The app is started from its entry script (the router) and pages are reached with
switch_page, as a user reaches them through st.navigation. Run times per page are written to
test-artifacts/apptest_timings.json (printed with -s); nothing asserts on time.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from loaders.models import Extraction
from loaders.series.derive import DERIVED_COLUMNS
from loaders.services.ingest import ingest, retract
from loaders.services.series_export import EXPORT_COLUMNS as CSV_COLUMNS
from loaders.store import open_store, queries
from tests.support.builders import CATALOG, Fig, build_extraction

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "streamlit_app.py"
ARTIFACTS = ROOT / "test-artifacts"
TIMEOUT_SECONDS = 60

_timings: dict[str, list[float]] = {}


@pytest.fixture(scope="module", autouse=True)
def _write_timings() -> Iterator[None]:
    yield
    if not _timings:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    summary = {
        page: {"runs": len(seconds), "mean_s": sum(seconds) / len(seconds), "max_s": max(seconds)}
        for page, seconds in sorted(_timings.items())
    }
    (ARTIFACTS / "apptest_timings.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    print("\nAppTest time per page:", json.dumps(summary, ensure_ascii=False))


def _run(at: AppTest, page: str) -> AppTest:
    started = time.perf_counter()
    at.run(timeout=TIMEOUT_SECONDS)
    _timings.setdefault(page, []).append(time.perf_counter() - started)
    assert not at.exception, [e.message for e in at.exception]
    return at


def _open(page: str | None = None, **query: str) -> AppTest:
    """The router, run once (default page), then switched to `page` with the query string."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_SECONDS)
    _run(at, "overview")
    if page is not None:
        at.switch_page(f"app_pages/{page}.py")
        at.query_params.clear()
        at.query_params.update(query)
        _run(at, page)
    return at


def _download_bytes(at: AppTest, media: list[MemoryMediaFileStorage]) -> bytes:
    """The file a click on the page's CSV download button gets (built on the click)."""
    (button,) = [b for b in at.get("download_button") if b.proto.label == "下载 CSV"]
    url = button.proto.url
    if not url and button.proto.deferred_file_id:
        # What the server does when the button is clicked: run the page's callable.
        url = media[-1].manager.execute_deferred(button.proto.deferred_file_id)
    assert url, "the download button carries no file"
    filename = url.rsplit("/", 1)[-1]
    return media[-1].get_file(filename).content


def _csv_rows(payload: bytes) -> list[dict[str, str]]:
    assert payload.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM for Excel"
    return list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"))))


def _texts(at: AppTest, kind: str) -> list[str]:
    return [str(element.value) for element in at.get(kind)]


# ------------------------------------------------------------------ overview


def test_overview_shows_a_card_per_indicator_grouped_by_category(app_db: Path) -> None:
    at = _open()
    assert at.title[0].value == "概览"
    with open_store(app_db) as store:
        catalog = queries.indicators(store)
    assert [h.value for h in at.subheader] == list(dict.fromkeys(catalog["category"]))
    metrics = {metric.label: metric for metric in at.metric}
    assert set(metrics) == set(catalog["name_zh"])

    telecom = metrics["电信行业并购交易金额"]
    assert telecom.value == "1,750 亿元"  # the annual 2020 figure, not the 2016—2020 total
    assert telecom.delta == "+1,383 亿元（+376.8%）"  # against 2019: 367 亿元
    assert metrics["物流业总收入"].value == "≈2.7 万亿元"
    assert metrics["全国社会物流总额"].value == "150.9 万亿元"  # latest period: 1—6月
    assert metrics["社会物流总额两年平均增速"].value == "—"

    captions = " ".join(_texts(at, "caption"))
    assert "2020年（年度）  \n较上年（2019年）：367 亿元  \n来源：2021 年第 15 期" in captions
    # 1—6 月 is compared only with 1—6 月 a year before, which no issue states.
    assert (
        "2021年1—6月（年初至今累计）  \n无可比的上年同期或上一期  \n来源：2021 年第 29 期"
        in captions
    )
    assert "各期说法不一" not in captions  # the revised 2021-Q1 figure is not the latest point
    links = [link for link in at.get("page_link") if link.proto.query_string]
    assert "indicators=telecom_ma_value" in {link.proto.query_string for link in links}


def test_overview_sparkline_holds_the_comparable_series(app_db: Path) -> None:
    at = _open()
    telecom = next(m for m in at.metric if m.label == "电信行业并购交易金额")
    assert list(telecom.proto.chart_data) == [367.0, 1750.0]


def test_overview_flags_a_latest_value_that_issues_disagree_on(
    app_db: Path, revising_issue: Extraction
) -> None:
    with open_store(app_db) as store:
        ingest(store, revising_issue, CATALOG, actor="test")
    at = _open()
    revenue = next(m for m in at.metric if m.label == "物流业总收入")
    assert revenue.value == "2.8 万亿元"
    captions = [c for c in _texts(at, "caption") if "来源：2021 年第 33 期" in c]
    assert len(captions) == 1 and "各期说法不一，采用最新一期" in captions[0]


def test_overview_computes_no_change_from_a_bound(app_db: Path) -> None:
    # "超过 2000 家" at the end of 2020, 2,162 家 a year later: not +162 (+8.1%).
    text = "2020 年底纳入重点排放单位超过 2000 家，2021 年底为 2162 家。"
    units = build_extraction(
        35,
        date(2022, 1, 20),
        [("全国碳市场", "王芳", text)],
        [
            Fig(
                0,
                text,
                "超过 2000 家",
                2000,
                "家",
                "carbon_national_units",
                "2020-12",
                qualifier="more_than",
            ),
            Fig(0, text, "2162 家", 2162, "家", "carbon_national_units", "2021-12"),
        ],
        year=2022,
    )
    with open_store(app_db) as store:
        ingest(store, units, CATALOG, actor="test")
    at = _open()
    card = next(m for m in at.metric if m.label == "全国碳市场纳入重点排放单位数")
    assert card.value == "2,162 家"
    assert not card.delta
    captions = [c for c in _texts(at, "caption") if "2021年12月" in c]
    assert "较上年同期（2020年12月）：≥2,000 家" in captions[0]
    assert "对比期为界值（不少于），不计算变化" in captions[0]


def test_overview_empty_database_says_how_to_add_data(empty_app_db: Path) -> None:
    at = _open()
    info = " ".join(_texts(at, "info"))
    assert "make run" in info and "python -m loaders ingest FILE" in info and "上传" in info
    assert not at.metric


# ------------------------------------------------------------------ trends


def test_trends_from_url_plots_the_store_rows_and_offers_them_as_csv(
    app_db: Path, media_files: list[MemoryMediaFileStorage]
) -> None:
    ids = ["logistics_total", "telecom_ma_value"]
    at = _open("trends", indicators=",".join(ids))
    assert at.multiselect(key="trends_indicators").value == ids
    assert at.selectbox(key="trends_category").value == "全部类别"

    (chart,) = at.get("plotly_chart")
    figure = json.loads(chart.proto.spec)
    with open_store(app_db) as store:
        expected = queries.series(store, ids)
    plotted = {
        derived: sorted(
            (trace["meta"]["indicator"], period, y)
            for trace in figure["data"]
            if trace["meta"]["derived"] is derived
            for period, y in zip(trace["meta"]["periods"], trace["y"], strict=True)
            if period is not None  # a year-to-date line's gap at January
        )
        for derived in (False, True)
    }
    assert plotted[False] == sorted(
        zip(expected["indicator"], expected["period"], expected["value"], strict=True)
    )
    # 1—6 月 150.9 less the first quarter 75.1 is the second quarter; 1—6 月 the first half.
    assert plotted[True] == [
        ("logistics_total", "2021-H1", 150.9),
        ("logistics_total", "2021-Q2", 75.8),
    ]

    (table,) = at.dataframe
    assert len(table.value) == len(expected) + 2

    rows = _csv_rows(_download_bytes(at, media_files))
    assert list(rows[0].keys()) == [*CSV_COLUMNS, *DERIVED_COLUMNS]
    stated = [r for r in rows if r["derived"] == "false"]
    assert [(r["indicator"], r["period"], float(r["value"])) for r in stated] == list(
        zip(expected["indicator"], expected["period"], expected["value"], strict=True)
    )
    assert {r["issue"] for r in stated} == set(expected["issue_label"])


def test_trends_never_joins_forms_and_gives_each_unit_a_panel(app_db: Path) -> None:
    at = _open("trends", indicators="logistics_total,telecom_ma_value")
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    groups = [
        (t["meta"]["indicator"], t["meta"]["form"], t["meta"]["derived"]) for t in figure["data"]
    ]
    assert len(groups) == len(set(groups))
    assert ("logistics_total", "quarter", False) in groups
    assert ("logistics_total", "ytd", False) in groups
    axes = {t["meta"]["unit"]: t.get("yaxis", "y") for t in figure["data"]}
    assert axes == {"万亿元": "y", "亿元": "y2"}
    assert figure["layout"]["yaxis"]["title"]["text"] == "数值（万亿元）"
    assert figure["layout"]["yaxis2"]["title"]["text"] == "数值（亿元）"
    assert figure["layout"]["yaxis2"].get("overlaying") is None  # panels, not a second axis
    bound = next(t for t in figure["data"] if t["meta"]["form"] == "multi_year")
    assert bound["marker"]["symbol"] == ["triangle-up"]
    assert "≥4,500 亿元" in bound["hovertext"][0]
    assert "2021 年第 15 期" in bound["hovertext"][0]


def test_trends_follows_the_order_indicators_were_picked_in(app_db: Path) -> None:
    at = _open("trends", indicators="telecom_ma_value,logistics_total")
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    axes = {t["meta"]["unit"]: t.get("yaxis", "y") for t in figure["data"]}
    assert axes == {"亿元": "y", "万亿元": "y2"}
    names = list(dict.fromkeys(at.dataframe[0].value["指标"]))
    assert names == [
        "电信行业并购交易金额 (Telecom M&A deal value)",
        "全国社会物流总额 (Total value of social logistics)",
    ]


def test_trends_table_lists_earlier_values_as_revisions(app_db: Path) -> None:
    at = _open("trends", indicators="logistics_total")
    table = at.dataframe[0].value
    q1 = table[table["期间"] == "2021年一季度"].iloc[0]
    assert q1["数值"] == "75.1 万亿元"
    assert q1["修订"] == "2021 年第 15 期: 75 万亿元"


def test_trends_warns_about_unknown_ids_and_shows_the_rest(app_db: Path) -> None:
    at = _open("trends", indicators="logistics_total_yoy,no_such_thing")
    # The id from the link is data: shown escaped (dashboard.markup), read as typed.
    warnings = [re.sub(r"\\(.)", r"\1", text) for text in _texts(at, "warning")]
    assert any("no_such_thing" in text for text in warnings)
    assert at.multiselect(key="trends_indicators").value == ["logistics_total_yoy"]
    assert at.query_params["indicators"] == "logistics_total_yoy"
    assert len(at.get("plotly_chart")) == 1


def test_trends_writes_widget_changes_back_to_the_url(app_db: Path) -> None:
    at = _open("trends", indicators="logistics_total")
    at.multiselect(key="trends_indicators").select("logistics_total_yoy")
    _run(at, "trends")
    assert at.query_params["indicators"] == "logistics_total,logistics_total_yoy"
    assert "forms" not in at.query_params

    at.multiselect(key="trends_kinds").set_value(["quarter"])
    _run(at, "trends")
    assert at.query_params["forms"] == "quarter"
    assert {row for row in at.dataframe[0].value["形式"]} == {"季度"}


def test_trends_url_with_forms_reproduces_the_view(app_db: Path) -> None:
    at = _open("trends", indicators="logistics_total", forms="year")
    assert at.multiselect(key="trends_kinds").value == ["year"]
    assert list(at.dataframe[0].value["期间"]) == ["2020年"]
    # A link from before forms, naming a comparable group, keeps its form.
    at = _open("trends", indicators="logistics_total", kinds="ytd-06")
    assert at.multiselect(key="trends_kinds").value == ["ytd"]
    assert at.query_params["forms"] == "ytd"


def test_trends_changing_category_keeps_the_selection_valid(app_db: Path) -> None:
    at = _open("trends", indicators="telecom_ma_value")
    assert at.selectbox(key="trends_category").value == "电信并购"
    at.selectbox(key="trends_category").set_value("物流")
    _run(at, "trends")
    assert at.multiselect(key="trends_indicators").value == ["logistics_total"]
    assert at.query_params["indicators"] == "logistics_total"


def test_trends_view_comes_back_after_visiting_another_page(app_db: Path) -> None:
    at = _open("trends", indicators="logistics_total", forms="year")
    at.switch_page("app_pages/catalog.py")
    at.query_params.clear()  # the sidebar drops the query string
    _run(at, "catalog")
    at.switch_page("app_pages/trends.py")
    at.query_params.clear()
    _run(at, "trends")
    assert at.multiselect(key="trends_indicators").value == ["logistics_total"]
    assert at.multiselect(key="trends_kinds").value == ["year"]
    assert at.query_params == {"indicators": "logistics_total", "forms": "year"}


def _plotted(at: AppTest) -> dict[tuple[str, str], float]:
    """(indicator, period) -> the y the chart draws, from the figure the page sent."""
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    return {
        (trace["meta"]["indicator"], period): y
        for trace in figure["data"]
        for period, y in zip(trace["meta"]["periods"], trace["y"], strict=True)
        if period is not None
    }


def test_trends_year_on_year_of_a_level_series_draws_the_growth_and_exports_it(
    app_db: Path, media_files: list[MemoryMediaFileStorage]
) -> None:
    at = _open("trends", indicators="telecom_ma_value")
    at.radio(key="trends_transform").set_value("yoy")
    _run(at, "trends")
    assert at.query_params["transform"] == "yoy"
    with open_store(app_db) as store:
        levels = queries.series(store, ["telecom_ma_value"]).set_index("period")["value"]
    growth = (levels["2020"] / levels["2019"] - 1) * 100
    # 2019 has no 2018 and the five-year total has no growth: only 2020 is drawn.
    assert _plotted(at) == {("telecom_ma_value", "2020"): pytest.approx(growth, rel=1e-11)}
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["yaxis"]["title"]["text"] == "数值（%）"
    hover = figure["data"][0]["hovertext"][0]
    assert "同比 %：本期 1,750 亿元，对比 2019年 367 亿元" in hover
    assert "规则：同比 % = (本期 ÷ 上年同期 − 1) × 100" in hover
    assert any("2 个点没有可比的对比期" in text for text in _texts(at, "caption"))
    table = at.dataframe[0].value
    assert list(table["原值"]) == ["1,750 亿元"]

    rows = _csv_rows(_download_bytes(at, media_files))
    assert [(r["period"], float(r["value"]), r["transform"]) for r in rows] == [
        ("2020", pytest.approx(growth, rel=1e-11), "yoy")
    ]
    assert (rows[0]["base_period"], rows[0]["stated_value"]) == ("2019", "1750")


def test_trends_index_is_100_at_the_chosen_base(app_db: Path) -> None:
    at = _open("trends", indicators="telecom_ma_value", transform="index", base="2020")
    assert at.selectbox(key="trends_base").value == "2020"
    assert _plotted(at) == {
        ("telecom_ma_value", "2019"): pytest.approx(367 / 1750 * 100, rel=1e-11),
        ("telecom_ma_value", "2020"): 100.0,
    }
    at.selectbox(key="trends_base").set_value("2019")
    _run(at, "trends")
    assert at.query_params["base"] == "2019"
    assert _plotted(at)[("telecom_ma_value", "2019")] == 100.0


def test_trends_as_of_an_issue_draws_what_it_said_and_rings_what_changed(
    app_db: Path, media_files: list[MemoryMediaFileStorage]
) -> None:
    at = _open("trends", indicators="logistics_total")
    assert not at.selectbox(key="trends_as_of_year").value  # latest: no issue selector
    assert "trends_as_of" not in [box.key for box in at.selectbox]
    at.selectbox(key="trends_as_of_year").set_value(2021)
    _run(at, "trends")
    issues_of_2021 = at.selectbox(key="trends_as_of")
    assert issues_of_2021.options == [
        "2021 年第 29 期（2021-08-30）",
        "2021 年第 15 期（2021-04-26）",
    ]
    assert at.query_params["as_of"] == "2021-29"  # the year's latest issue first
    issues_of_2021.set_value("2021-15")
    _run(at, "trends")
    assert at.query_params["as_of"] == "2021-15"
    assert _plotted(at) == {("logistics_total", "2021-Q1"): 75.0}
    (trace,) = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    assert trace["meta"]["revised"] == ["2021-Q1"]
    assert trace["marker"]["line"]["color"] == ["#d62728"]
    assert "其后修订</b>：现为 75.1 万亿元（2021-29）" in trace["hovertext"][0]
    table = at.dataframe[0].value
    assert list(table["其后修订"]) == ["现为 75.1 万亿元（2021-29）"]
    assert any("2021 年第 15 期（2021-04-26）" in text for text in _texts(at, "caption"))
    rows = _csv_rows(_download_bytes(at, media_files))
    assert [(r["value"], r["as_of"], r["revised_later"]) for r in rows] == [
        ("75", "2021-15", "true")
    ]


def test_trends_as_of_a_date_in_the_url_reads_the_issue_then_in_force(app_db: Path) -> None:
    at = _open("trends", indicators="logistics_total", as_of="2021-06-01")
    assert at.selectbox(key="trends_as_of_year").value == 2021
    assert at.selectbox(key="trends_as_of").value == "2021-15"
    assert at.query_params["as_of"] == "2021-15"


def test_trends_warns_about_a_bad_transform_or_vintage_and_shows_the_latest(
    app_db: Path,
) -> None:
    at = _open("trends", indicators="logistics_total", transform="log", as_of="2019-01-01")
    warnings = " ".join(_texts(at, "warning"))
    assert "log" in warnings and "no issue was published on or before" in warnings
    assert at.radio(key="trends_transform").value == "level"
    assert at.selectbox(key="trends_as_of_year").value == ""
    assert "trends_as_of" not in [box.key for box in at.selectbox]
    assert "transform" not in at.query_params and "as_of" not in at.query_params


def test_trends_says_why_a_view_is_empty(app_db: Path) -> None:
    # No stored period of the logistics total has its year-earlier period stated.
    at = _open("trends", indicators="logistics_total", transform="yoy")
    infos = " ".join(_texts(at, "info"))
    assert "同比需要上年同期的同类数据，但没有公布" in infos
    assert "2021年一季度 需要 2020年一季度" in infos
    assert not at.get("plotly_chart")


def test_trends_at_a_frequency_names_the_periods_it_refuses(app_db: Path) -> None:
    at = _open("trends", indicators="logistics_total", frequency="quarter")
    assert at.radio(key="trends_frequency").value == "quarter"
    assert _plotted(at) == {
        ("logistics_total", "2021-Q1"): 75.1,
        ("logistics_total", "2021-Q2"): 75.8,
    }
    captions = " ".join(_texts(at, "caption"))
    assert "按季度换算时无法给出的期间：2020年四季度：缺少2020年10—12月的数据" in captions
    # Without derived values the second quarter (1—6 月 less the first) is not there.
    at.checkbox(key="trends_derived").uncheck()
    _run(at, "trends")
    assert at.query_params["derived"] == "exclude"
    assert _plotted(at) == {("logistics_total", "2021-Q1"): 75.1}


def test_trends_empty_database_says_how_to_add_data(empty_app_db: Path) -> None:
    at = _open("trends", indicators="logistics_total")
    assert "python -m loaders ingest FILE" in " ".join(_texts(at, "info"))
    assert not at.get("plotly_chart")


# ------------------------------------------------------------------ issues


def test_issues_lists_every_issue_and_opens_one_from_the_url(app_db: Path) -> None:
    at = _open("issues", issue="2021-15")
    listing = at.dataframe[0].value
    assert list(listing["编号"]) == ["2021-29", "2021-15"]
    assert list(listing["识别数字"]) == [4, 9]
    assert list(listing["文章数"]) == [1, 3]
    assert at.selectbox(key="issues_selected").value == "2021-15"

    figures = at.dataframe[1].value
    assert len(figures) == 9
    assert "全国社会物流总额 (logistics_total)" in set(figures["指标"])
    assert "/trends?indicators=logistics_total" in set(figures["趋势"])
    unassigned = at.dataframe[2].value
    assert list(unassigned["数值"]) == ["12.5%"]

    labels = [expander.label for expander in at.expander]
    # Every number of an article counted by its state (loaders.figures.number_states).
    assert labels[:3] == [
        "1. 普华永道：2020 年中国电信并购回顾与展望（编辑：李明） · 数据 5 个 · 忽略 6 个",
        "2. 中国物流与采购联合会：2021 年一季度物流运行情况（编辑：王芳）"
        " · 数据 3 个 · 待归类 1 个 · 忽略 2 个",
        "3. 智能网联汽车发展展望 · 数据 1 个 · 忽略 2 个",  # no editor line, and no "nan"
    ]

    article_html = " ".join(_texts(at, "html"))
    assert (
        '<span class="num num-observation" title="数据：电信行业并购交易金额（2020年）· 归入指标">'
        "1,750 亿" in article_html
    )
    # Markup inside a brief is text, never rendered.
    assert "<script>" not in article_html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in article_html


def test_issues_selection_goes_into_the_url(app_db: Path) -> None:
    at = _open("issues")
    assert at.selectbox(key="issues_selected").value == "2021-29"  # newest first
    at.selectbox(key="issues_selected").set_value("2021-15")
    _run(at, "issues")
    assert at.query_params["issue"] == "2021-15"


def test_issues_page_survives_the_open_issue_being_retracted(app_db: Path) -> None:
    at = _open("issues", issue="2021-15")
    with open_store(app_db) as store:
        assert retract(store, "2021-15", actor="test", role="editor")
    at.query_params.clear()
    _run(at, "issues")
    assert at.selectbox(key="issues_selected").value == "2021-29"
    assert list(at.dataframe[0].value["编号"]) == ["2021-29"]


def test_issues_empty_database_says_how_to_add_data(empty_app_db: Path) -> None:
    at = _open("issues")
    assert "make run" in " ".join(_texts(at, "info"))


# ------------------------------------------------------------------ catalog


def test_catalog_shows_definitions_and_coverage(app_db: Path) -> None:
    at = _open("catalog")
    table = at.dataframe[0].value
    with open_store(app_db) as store:
        coverage = queries.coverage(store)
    assert list(table["编号"]) == list(coverage["id"])
    row = table[table["编号"] == "logistics_total"].iloc[0]
    assert (row["单位"], row["类型"], row["数据点"]) == ("万亿元", "流量", 3)
    assert (row["最早期间"], row["最新期间"]) == ("2020年", "2021年1—6月")
    assert row["最新期刊"] == "2021 年第 29 期"


def test_catalog_empty_database_lists_indicators_and_says_how_to_add_data(
    empty_app_db: Path,
) -> None:
    at = _open("catalog")
    assert "make run" in " ".join(_texts(at, "info"))
    assert set(at.dataframe[0].value["数据点"]) == {0}


def test_issues_unknown_issue_in_url_warns_and_opens_the_newest(app_db: Path) -> None:
    at = _open("issues", issue="1999-01")
    assert any("1999-01" in text for text in _texts(at, "warning"))
    assert at.selectbox(key="issues_selected").value == "2021-29"


# ------------------------------------------------------------------ caching


def test_a_newly_committed_issue_shows_on_the_next_run(
    app_db: Path, later_issue: Extraction
) -> None:
    at = _open("trends", indicators="logistics_total")
    assert "2021年1—9月" not in set(at.dataframe[0].value["期间"])
    with open_store(app_db) as store:
        ingest(store, later_issue, CATALOG, actor="test")
    _run(at, "trends")
    assert "2021年1—9月" in set(at.dataframe[0].value["期间"])


# ------------------------------------------------------------------ router


def test_upload_page_is_routed_only_for_editors(
    app_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _open()
    at.switch_page("app_pages/upload.py")  # local mode: everyone is an editor

    monkeypatch.setenv("BRIEFS_EDITOR_PASSWORD", "secret")
    at = _open()
    with pytest.raises(ValueError):
        at.switch_page("app_pages/upload.py")
    assert "编辑密码" in " ".join(w.label for w in at.sidebar.text_input)
