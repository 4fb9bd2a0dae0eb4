"""The read service behind the API and the Trends page: requests checked, vintages resolved,
transforms before filters, and the export columns."""

from __future__ import annotations

import pandas as pd
import pytest

from loaders.series.comparable import forms
from loaders.services.ingest import ingest
from loaders.services.issues import issue_detail
from loaders.services.series import (
    SeriesRequest,
    SeriesRequestError,
    UnknownIndicator,
    UnknownIssue,
    read_prepared,
    read_series,
)
from loaders.services.series_export import (
    AS_OF_EXPORT_COLUMNS,
    DERIVED_EXPORT_COLUMNS,
    EXPORT_COLUMNS,
    TRANSFORM_EXPORT_COLUMNS,
    VINTAGE_EXPORT_COLUMNS,
)
from loaders.store import open_store, queries
from tests.support.builders import CATALOG, issue_2021_15, issue_2021_29


# The two dashboard issues (conftest); the tests only read, so one store serves them all.
@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    with open_store(tmp_path_factory.mktemp("series") / "series.duckdb") as opened:
        for issue in (issue_2021_15(), issue_2021_29()):
            ingest(opened, issue, CATALOG, actor="test")
        yield opened


def _read(store, *indicators: str, **options):
    return read_series(store, SeriesRequest(indicators=indicators, **options))


KINDS = {indicator.id: indicator.kind for indicator in CATALOG.indicators}


def test_current_rows_are_the_store_series_in_the_export_columns(store) -> None:
    result = _read(store, "logistics_total", derived="exclude")
    stored = queries.series(store, ["logistics_total"])
    pd.testing.assert_frame_equal(result.rows, stored.assign(form=forms(stored, KINDS)))
    exported = result.export()
    assert list(exported.columns) == list(EXPORT_COLUMNS)
    assert exported["issue"].tolist() == ["2021 年第 29 期"] * 3
    assert exported["issue_key"].tolist() == ["2021-29"] * 3
    assert exported["form"].tolist() == ["year", "quarter", "ytd"]


def test_derived_rows_come_after_the_stated_ones_of_their_period(store) -> None:
    exported = _read(store, "logistics_total").export()
    assert list(exported.columns) == [*EXPORT_COLUMNS, *DERIVED_EXPORT_COLUMNS]
    exported["derivation"] = exported["derivation"].fillna("")
    assert exported[["period", "derived", "derivation"]].values.tolist() == [
        ["2020", False, ""],
        ["2021-Q1", False, ""],
        ["2021-01/2021-06", False, ""],
        ["2021-H1", True, "half_from_ytd"],
        ["2021-Q2", True, "quarter_from_ytd"],
    ]
    only = _read(store, "logistics_total", derived="only").rows
    assert only["period"].tolist() == ["2021-H1", "2021-Q2"]


def test_as_of_a_date_reads_the_issue_then_in_force(store) -> None:
    by_date = _read(store, "logistics_total", as_of="2021-05-01")
    by_key = _read(store, "logistics_total", as_of="2021-15")
    assert by_date.vintage == by_key.vintage
    assert by_date.vintage.issue_key == "2021-15"
    pd.testing.assert_frame_equal(by_date.rows, by_key.rows)
    exported = by_date.export()
    assert list(exported.columns) == [
        *EXPORT_COLUMNS,
        *AS_OF_EXPORT_COLUMNS,
        *DERIVED_EXPORT_COLUMNS,
    ]
    assert exported[["period", "value", "as_of", "revised_later", "current_value"]].to_dict(
        "records"
    ) == [
        {
            "period": "2021-Q1",
            "value": 75.0,
            "as_of": "2021-15",
            "revised_later": True,
            "current_value": 75.1,
        }
    ]


def test_every_vintage_with_what_superseded_it(store) -> None:
    exported = _read(store, "logistics_total", vintages="all").export()
    assert list(exported.columns) == [*EXPORT_COLUMNS, *VINTAGE_EXPORT_COLUMNS]
    q1 = exported[exported["period"] == "2021-Q1"]
    assert q1[["value", "issue_key"]].values.tolist() == [[75.0, "2021-15"], [75.1, "2021-29"]]
    assert q1["superseded_by"].iloc[0] == "2021-29"
    assert pd.isna(q1["superseded_by"].iloc[1])  # 2021-29's figure still stands


def test_a_transform_may_reach_outside_the_window_it_returns(store) -> None:
    # 2020 vs 2019: the base lies before start, the result inside it.
    result = _read(store, "telecom_ma_value", transform="yoy", start="2020")
    exported = result.export()
    assert list(exported.columns) == [
        *EXPORT_COLUMNS,
        *DERIVED_EXPORT_COLUMNS,
        *TRANSFORM_EXPORT_COLUMNS,
    ]
    assert exported["period"].tolist() == ["2020"]
    assert exported["value"].iloc[0] == pytest.approx((1750 / 367 - 1) * 100, rel=1e-11)
    assert exported["base_period"].tolist() == ["2019"]
    # 2019 has no 2018 and the five-year total has no growth: two points left out.
    assert result.untransformed == 2


def test_filters_on_periods_kinds_and_forecasts(store) -> None:
    def periods(**options) -> list[str]:
        options.setdefault("derived", "exclude")
        return _read(store, "logistics_total", "l2_penetration", **options).rows["period"].tolist()

    # In store order: by indicator (l2_penetration first), then period end.
    assert periods() == ["2025", "2020", "2021-Q1", "2021-01/2021-06"]
    assert periods(start="2021", end="2021-H1") == ["2021-Q1", "2021-01/2021-06"]
    assert periods(end="2021-03-31") == ["2020", "2021-Q1"]
    assert periods(period_kinds=("ytd", "year")) == ["2025", "2020", "2021-01/2021-06"]
    assert periods(forecasts="only") == ["2025"]
    assert periods(forecasts="exclude") == ["2020", "2021-Q1", "2021-01/2021-06"]
    assert periods(forms=("ytd", "quarter")) == ["2021-Q1", "2021-01/2021-06"]
    assert periods(derived="include", forms=("quarter",)) == ["2021-Q1", "2021-Q2"]


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"as_of": "2021-02-30"}, SeriesRequestError, "'2021-02-30' is not a date"),
        ({"as_of": "last week"}, SeriesRequestError, "neither a date"),
        ({"as_of": "2020-12-31"}, UnknownIssue, "no issue was published on or before"),
        ({"as_of": "2021-16"}, UnknownIssue, "did you mean 2021-15"),
        ({"start": "2021-Q5"}, SeriesRequestError, "start: not a period"),
        ({"period_kinds": ("weekly",)}, SeriesRequestError, "period_kind: unknown weekly"),
        ({"forecasts": "maybe"}, SeriesRequestError, "include, exclude, only"),
        ({"vintages": "some"}, SeriesRequestError, "latest, all"),
        ({"transform": "growth"}, SeriesRequestError, "unknown transform 'growth'"),
        ({"transform": "index"}, SeriesRequestError, "needs a base period"),
        ({"transform": "yoy", "vintages": "all"}, SeriesRequestError, "not both"),
        ({"frequency": "week"}, SeriesRequestError, "quarter, half, year"),
        ({"frequency": "year", "vintages": "all"}, SeriesRequestError, "not both"),
        ({"derived": "some"}, SeriesRequestError, "include, exclude, only"),
        ({"forms": ("weekly",)}, SeriesRequestError, "form: unknown weekly"),
    ],
)
def test_a_bad_request_says_what_to_send(store, options, error, message) -> None:
    with pytest.raises(error, match=message):
        _read(store, "logistics_total", **options)


def test_an_unknown_indicator_names_the_closest_ids(store) -> None:
    with pytest.raises(UnknownIndicator, match="did you mean logistics_total") as raised:
        _read(store, "logistics_totl")
    assert isinstance(raised.value, LookupError)
    # The API names the ids the review and the CLI name: one rule (loaders.catalog.indicators).
    with pytest.raises(UnknownIndicator) as raised:
        _read(store, "carbon_national_close_price")
    assert (
        "did you mean carbon_national_price, carbon_national_cum_turnover, "
        "carbon_national_cum_volume?" in str(raised.value)
    )


def test_an_issue_with_its_articles_and_figures(store) -> None:
    detail = issue_detail(store, "2021-29")
    assert detail.header["issue_label"] == "2021 年第 29 期"
    assert "clean_text" not in detail.header
    assert detail.articles["title"].tolist() == ["2021 年上半年物流运行情况"]
    assert len(detail.figures) == 4
    with pytest.raises(UnknownIssue, match="did you mean 2021-29"):
        issue_detail(store, "2021-28")


@pytest.mark.parametrize("transform", ["level", "yoy"])
def test_a_read_for_export_exports_what_a_full_read_does(store, transform: str) -> None:
    request = SeriesRequest(indicators=("logistics_total", "telecom_ma_value"), transform=transform)
    full = read_series(store, request).export()
    lean = read_prepared(store, request, None, for_export=True).export()
    pd.testing.assert_frame_equal(lean, full)
