"""From chart to report over real HTTP: the series as XLSX (read back by openpyxl, pandas and
LibreOffice) and as PNG and SVG images, served by `streamlit run` of the dashboard on a store
built from the shared briefs (the issues as the loaders read them, sources and all)."""

from __future__ import annotations

import csv
import io
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from PIL import Image

from dashboard.render import chromium_path
from loaders.catalog.indicators import load_catalog
from loaders.intake.pipeline import extract_file
from loaders.services.ingest import ingest
from loaders.services.series_export import EXPORT_COLUMNS
from loaders.store import open_store
from tests.support.browser import serve_dashboard
from tests.test_spreadsheet import SOFFICE, libreoffice_csv

ROOT = Path(__file__).resolve().parent.parent
# The shared briefs (shared/eval/briefs) as the repository keeps them.
SHARED_BRIEFS = (
    ROOT / "data" / "briefs" / "2021-15.txt",
    ROOT / "tests" / "data" / "eval" / "2021-29.txt",
)
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
needs_chromium = pytest.mark.skipif(
    chromium_path() is None, reason="images need Chromium: apt-get install chromium"
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "briefs.duckdb"
    catalog = load_catalog()
    with open_store(path) as store:
        for brief in SHARED_BRIEFS:
            ingest(store, extract_file(brief, catalog), catalog, actor="test")
    return path


@pytest.fixture(scope="module")
def base(db: Path) -> Iterator[str]:
    with serve_dashboard(db, log_name="reports.log") as url:
        yield f"{url}/api/v1"


def get(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _workbook(body: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(body))


# ------------------------------------------------------------------ XLSX


def test_the_xlsx_holds_the_csvs_rows_typed_and_cited(base) -> None:
    status, headers, body = get(f"{base}/series/logistics_total.xlsx")
    assert status == 200 and headers["Content-Type"] == XLSX
    assert 'filename="logistics_total.xlsx"' in headers["Content-Disposition"]
    book = _workbook(body)
    assert book.sheetnames == ["数据", "说明"]
    data = book["数据"]
    header = [cell.value for cell in data[1]]
    expected = pd.read_csv(f"{base}/series/logistics_total.csv")
    # The CSV's columns: the export's, then what the request adds (derived values' rules).
    assert header == list(expected.columns)
    assert header[: len(EXPORT_COLUMNS)] == list(EXPORT_COLUMNS)
    rows = [dict(zip(header, row, strict=True)) for row in data.iter_rows(min_row=2)]
    assert len(rows) == len(expected) >= 2
    for row, (_, csv_row) in zip(rows, expected.iterrows(), strict=True):
        assert row["value"].data_type == "n" and row["value"].value == csv_row["value"]
        assert row["period_start"].is_date and row["published"].is_date
        assert row["period_start"].value.date().isoformat() == csv_row["period_start"]
        assert row["forecast"].data_type == "b"
        assert row["citation"].value == csv_row["citation"]
        assert row["citation"].value.startswith("《产业创新动态》")
        assert "原始来源：中物联" in row["citation"].value
    for sheet in book:
        for line in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in line), sheet.title


def test_the_description_sheet_says_what_each_series_is(base) -> None:
    status, _, body = get(f"{base}/series/telecom_ma_value.xlsx?transform=change&as_of=2021-29")
    assert status == 200
    sheet = _workbook(body)["说明"]
    header = [cell.value for cell in sheet[1]]
    assert header == ["项目", "telecom_ma_value"]
    about = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2)}
    assert about["单位"] == "亿元"
    assert about["类型"].startswith("流量")
    assert about["原始来源（原文所引）"] == "普华永道"
    assert "2021 年第 29 期" in about["截至"]
    assert about["变换"].startswith("变化量")
    assert about["派生值"].startswith("无")
    assert "最新一期" in about["期间规则"]
    assert int(about["行数"]) >= 1


def test_the_xlsx_takes_the_csvs_parameters_and_refuses_what_it_refuses(base) -> None:
    csv_rows = pd.read_csv(f"{base}/series/logistics_total.csv?period_kind=quarter")
    _, _, body = get(f"{base}/series/logistics_total.xlsx?period_kind=quarter")
    data = _workbook(body)["数据"]
    assert data.max_row - 1 == len(csv_rows) > 0
    status, _, body = get(f"{base}/series/logistics_total.xlsx?forcast=exclude")
    assert status == 400 and b"unknown parameter forcast" in body


def test_pandas_reads_the_xlsx_as_the_csv(base) -> None:
    """pandas.read_excel (as an analyst loads it) gives the CSV's table: the same columns,
    numbers as floats, dates as datetimes, the citations unchanged."""
    _, _, body = get(f"{base}/series/logistics_total.xlsx")
    sheets = pd.read_excel(io.BytesIO(body), sheet_name=None)
    assert list(sheets) == ["数据", "说明"]
    data = sheets["数据"]
    expected = pd.read_csv(f"{base}/series/logistics_total.csv")
    assert list(data.columns) == list(expected.columns)
    assert pd.api.types.is_float_dtype(data["value"])
    assert pd.api.types.is_datetime64_any_dtype(data["period_start"])
    assert data["value"].tolist() == expected["value"].tolist()
    assert (
        data["period_start"].dt.strftime("%Y-%m-%d").tolist() == expected["period_start"].tolist()
    )
    assert data["citation"].tolist() == expected["citation"].tolist()
    assert data["citation"].notna().all()


@pytest.mark.skipif(
    SOFFICE is None, reason="soffice not found; apt-get install libreoffice-calc-nogui"
)
def test_libreoffice_reads_the_xlsx_with_its_chinese_text(base, tmp_path: Path) -> None:
    _, _, body = get(f"{base}/series/telecom_ma_value.xlsx")
    workbook = tmp_path / "telecom_ma_value.xlsx"
    workbook.write_bytes(body)
    rows = list(csv.DictReader(io.StringIO(libreoffice_csv(workbook, tmp_path))))
    assert rows and all(row["name_zh"] == "电信行业并购交易金额" for row in rows)
    assert all(row["citation"].endswith("原始来源：普华永道") for row in rows)
    assert {row["value"] for row in rows} >= {"1750", "520"}


# ------------------------------------------------------------------ images


def _png(body: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(body))
    image.load()
    return image.convert("RGB")


def _ink(image: Image.Image) -> float:
    """The share of pixels that are not white."""
    pixels = image.get_flattened_data()
    return sum(1 for pixel in pixels if min(pixel) < 240) / (image.width * image.height)


@needs_chromium
@pytest.mark.parametrize(
    ("ids", "query"),
    [
        ("logistics_total", "width=900&height=500"),
        ("logistics_total,logistics_total_yoy", "width=1200&height=675&kinds=quarter,ytd-09"),
    ],
    ids=["one-unit", "two-units"],
)
def test_a_png_is_drawn_at_the_requested_size(base, ids: str, query: str) -> None:
    status, headers, body = get(f"{base}/series/{ids}.png?{query}")
    assert status == 200, body[:300]
    assert headers["Content-Type"] == "image/png"
    image = _png(body)
    wanted = dict(part.split("=") for part in query.split("&"))
    assert image.size == (int(wanted["width"]), int(wanted["height"]))
    assert 0.01 < _ink(image) < 0.6
    # Kept for a person to look at, beside the pages' screenshots.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"chart_{ids.replace(',', '+')}.png").write_bytes(body)


@needs_chromium
@pytest.mark.parametrize(
    ("ids", "names"),
    [
        ("telecom_ma_value", ["电信行业并购交易金额"]),
        ("telecom_ma_value,telecom_ma_deals", ["电信行业并购交易金额", "电信行业并购交易数量"]),
    ],
    ids=["one-unit", "two-units"],
)
def test_an_svg_carries_title_units_source_and_publisher_as_text(base, ids, names) -> None:
    status, headers, body = get(f"{base}/series/{ids}.svg")
    assert status == 200 and headers["Content-Type"].startswith("image/svg+xml")
    svg = body.decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    assert f">{'、'.join(names)}<" in svg  # the title, as text
    assert "单位：亿元" in svg
    assert (
        "来源：《产业创新动态》2021 年第 15 期（总第 460 期）、2021 年第 29 期（总第 474 期）"
        in svg
    )
    assert "原始来源：普华永道" in svg
    assert "数据截至 2021 年 10 月 25 日" in svg
    assert "产业创新动态 · 中国科学技术发展战略研究院" in svg
    assert "亿元<" in svg  # 万/亿 ticks: 1,000亿元, never 1k


@needs_chromium
def test_an_image_url_is_stable_and_kept_by_data_version(base) -> None:
    url = f"{base}/series/telecom_ma_deals.png?width=640&height=400"
    status, headers, first = get(url)
    assert status == 200 and headers["X-Cache"] == "miss"
    _, again_headers, second = get(url)
    assert second == first and again_headers["ETag"] == headers["ETag"]
    assert again_headers["X-Cache"] == "hit"  # kept, not drawn again
    # Another size is another image, drawn anew.
    _, other_headers, other = get(url.replace("width=640", "width=641"))
    assert other_headers["X-Cache"] == "miss" and Image.open(io.BytesIO(other)).size[0] == 641
    status, _, body = get(url, {"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""


def test_an_image_request_is_checked_before_anything_is_drawn(base) -> None:
    status, _, body = get(f"{base}/series/logistics_total.png?width=10")
    assert status == 400 and b"between 320 and 4000" in body
    status, _, body = get(f"{base}/series/logistics_total,no_such_series.png")
    assert status == 404 and b"no_such_series" in body
    status, _, body = get(f"{base}/series/logistics_total.svg?vintages=all")
    assert status == 400 and b"one vintage" in body
    status, _, body = get(f"{base}/series/logistics_total.png?updated_after=2021-15")
    assert status == 400 and b"updated_after is for csv and json" in body
