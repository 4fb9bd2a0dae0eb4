"""The HTTP API over real HTTP: `streamlit run` of the dashboard (as `make run` starts it) on a
DuckDB file built from the fixtures, read with urllib and pandas as a program would.

The store is shared by processes (published copies), so the expected rows are read from the
same file while the server serves it, and a commit from here reaches the server too.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard.api_changes import CHANGES_PARAMETERS
from dashboard.api_series import IMAGE_PARAMETERS, SERIES_PARAMETERS
from loaders.guards.csv_safety import csv_bytes
from loaders.series.comparable import forms
from loaders.series.derive import DERIVED_COLUMNS
from loaders.services.ingest import ingest
from loaders.services.series_export import EXPORT_COLUMNS, export_rows
from loaders.store import open_store, queries
from tests.support.browser import serve_dashboard
from tests.support.builders import CATALOG, Fig, build_extraction, issue_2021_15, issue_2021_29

# Ingest refuses quotes a spreadsheet would run (loaders.guards.csv_safety.formula_problem); a
# sentence opening with a negative number is stored, and a spreadsheet would still read it as
# a formula start, so the CSV must escape it.
FORMULA_QUOTE = "-5.7% 的降幅之后，一季度物流业总收入回到 2.8 万亿元。"
TOKEN = "api-token-for-the-tests"


def formula_issue():
    """2021-33 revises 2021-Q1 物流业总收入 (约 2.7 -> 2.8) in a sentence Excel would run."""
    return build_extraction(
        33,
        date(2021, 9, 13),
        [("物流业总收入修订", "王芳", FORMULA_QUOTE)],
        [Fig(0, FORMULA_QUOTE, "2.8 万亿元", 2.8, "万亿元", "logistics_revenue", "2021-Q1")],
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api") / "briefs.duckdb"
    with open_store(path) as store:
        for issue in (issue_2021_15(), issue_2021_29(), formula_issue()):
            ingest(store, issue, CATALOG, actor="test")
    return path


@pytest.fixture(scope="module")
def base(db: Path) -> Iterator[str]:
    with serve_dashboard(db) as url:
        yield f"{url}/api/v1"


@pytest.fixture
def store(db: Path, base: str):
    with open_store(db) as opened:
        yield opened


def get(url: str, headers: dict[str, str] | None = None, method: str = "GET"):
    """(status, headers, body) of a request; error statuses are answers too."""
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def get_json(url: str, **options) -> tuple[int, dict]:
    status, headers, body = get(url, **options)
    assert headers["Content-Type"].startswith("application/json")
    return status, json.loads(body)


KINDS = {indicator.id: indicator.kind for indicator in CATALOG.indicators}


def store_csv(
    rows: pd.DataFrame, as_of: str | None = None, *, derived: bool = True
) -> pd.DataFrame:
    """What the store's rows read back as through the CSV writer: the expected frame, with
    each row's form and (derived: as a read that derives values has them) the derivation
    columns, empty where nothing was derived."""
    rows = rows.assign(form=forms(rows, KINDS))
    if derived:
        rows = rows.assign(**{column: None for column in DERIVED_COLUMNS})
        rows["check_disagrees"] = False
    return pd.read_csv(io.BytesIO(csv_bytes(export_rows(rows, as_of))))


# ------------------------------------------------------------------ series


def test_pandas_reads_the_series_with_quotes_as_the_store_holds_it(base, store) -> None:
    read = pd.read_csv(f"{base}/series/logistics_total_yoy.csv")
    assert list(read.columns) == [*EXPORT_COLUMNS, *DERIVED_COLUMNS]
    expected = queries.series(store, ["logistics_total_yoy"])
    assert len(read) == len(expected) > 0
    assert read["period"].tolist() == expected["period"].tolist()
    assert read["value"].tolist() == expected["value"].tolist()
    assert read["quote"].tolist() == expected["quote"].tolist()
    assert read["issue_key"].tolist() == expected["issue_key"].tolist()
    pd.testing.assert_frame_equal(read, store_csv(expected))


def test_as_of_an_earlier_issue_returns_that_issues_view(base, store) -> None:
    then = pd.read_csv(f"{base}/series/logistics_total.csv?as_of=2021-15")
    expected = queries.series_as_of(store, ["logistics_total"], "2021-15")
    pd.testing.assert_frame_equal(then, store_csv(expected, "2021-15"))
    assert then[["period", "value", "revised_later", "current_value"]].values.tolist() == [
        ["2021-Q1", 75.0, True, 75.1]
    ]
    # A date means the latest issue published on or before it: 2021-15 on 2021-05-01.
    by_date = pd.read_csv(f"{base}/series/logistics_total.csv?as_of=2021-05-01")
    pd.testing.assert_frame_equal(by_date, then)


def test_every_vintage_as_the_store_lists_them(base, store) -> None:
    read = pd.read_csv(f"{base}/series/logistics_revenue.csv?vintages=all")
    expected = queries.statements(store, ["logistics_revenue"])
    # Every issue's statements: nothing is derived from them.
    pd.testing.assert_frame_equal(read, store_csv(expected, derived=False))
    assert read[["value", "issue_key"]].values.tolist() == [[2.7, "2021-15"], [2.8, "2021-33"]]
    assert read["superseded_by"].iloc[0] == "2021-33"
    assert pd.isna(read["superseded_by"].iloc[1])  # 2021-33's figure still stands


def test_json_carries_the_same_rows_and_the_indicator(base, store) -> None:
    status, payload = get_json(
        f"{base}/series/logistics_total.json?forecasts=exclude&derived=exclude"
    )
    assert status == 200
    assert payload["indicator"]["id"] == "logistics_total"
    assert payload["indicator"]["unit"] == "万亿元"
    assert payload["as_of"] is None and payload["transform"]["name"] == "level"
    expected = queries.series(store, ["logistics_total"])
    assert payload["count"] == len(expected)
    assert [(o["period"], o["value"], o["quote"]) for o in payload["observations"]] == list(
        zip(expected["period"], expected["value"], expected["quote"], strict=True)
    )
    assert payload["observations"][0]["period_start"] == "2020-01-01"
    assert payload["empty_reason"] is None


def test_derived_values_come_beside_the_stated_ones_with_their_inputs(base, store) -> None:
    status, payload = get_json(f"{base}/series/logistics_total.json")
    assert status == 200
    derived = {o["period"]: o for o in payload["observations"] if o["derived"]}
    # 1—6 月 150.9 less the first quarter 75.1 (its total for 1—3 月) is the second quarter.
    assert set(derived) == {"2021-Q2", "2021-H1"}
    second = derived["2021-Q2"]
    assert (second["value"], second["form"], second["derivation"]) == (
        75.8,
        "quarter",
        "quarter_from_ytd",
    )
    assert [(i["period"], i["value"], i["issue_key"]) for i in second["inputs"]] == [
        ("2021-01/2021-06", 150.9, "2021-29"),
        ("2021-Q1", 75.1, "2021-29"),
    ]
    assert all(i["quote"] for i in second["inputs"])
    stated = [o for o in payload["observations"] if not o["derived"]]
    assert len(stated) == len(queries.series(store, ["logistics_total"]))
    # The CSV has the same rows, its inputs as JSON text.
    read = pd.read_csv(f"{base}/series/logistics_total.csv", dtype={"period": str})
    assert read["period"].tolist() == [o["period"] for o in payload["observations"]]
    assert json.loads(read.set_index("period").loc["2021-Q2", "inputs"]) == second["inputs"]


def test_a_transform_and_filters_reach_the_csv(base) -> None:
    growth = pd.read_csv(
        f"{base}/series/telecom_ma_value.csv?transform=yoy&period_kind=year",
        dtype={"period": str, "base_period": str},
    )
    assert growth["period"].tolist() == ["2020"]
    assert growth["value"].iloc[0] == pytest.approx((1750 / 367 - 1) * 100, rel=1e-11)
    assert growth[["unit", "base_period", "base_value", "stated_value"]].values.tolist() == [
        ["%", "2019", 367, 1750]
    ]
    status, payload = get_json(f"{base}/series/telecom_ma_value.json?transform=yoy")
    assert payload["transform"]["rule_zh"].startswith("同比 %")
    assert payload["transform"]["points_without_comparison"] == 2


def test_an_empty_answer_says_why_in_json_and_in_a_header(base) -> None:
    # No stored period of logistics_total has its year-earlier period stated.
    status, headers, body = get(f"{base}/series/logistics_total.csv?transform=yoy")
    assert status == 200 and len(pd.read_csv(io.BytesIO(body))) == 0
    assert headers["X-Empty-Reason"].startswith("no_comparison: transform=yoy needs the same ")
    assert "2021-Q1 needs 2020-Q1" in headers["X-Empty-Reason"]
    status, payload = get_json(f"{base}/series/logistics_total.json?transform=yoy")
    assert payload["count"] == 0
    reason = payload["empty_reason"]
    assert reason["code"] == "no_comparison"
    assert "2021年一季度 需要 2020年一季度" in reason["message_zh"]
    # A table with rows has no such header.
    status, headers, _ = get(f"{base}/series/logistics_total.csv")
    assert "X-Empty-Reason" not in headers


def test_a_frequency_converts_by_kind_and_names_what_it_refuses(base) -> None:
    status, headers, body = get(f"{base}/series/logistics_total.csv?frequency=quarter")
    quarters = pd.read_csv(io.BytesIO(body), dtype={"period": str})
    # The first quarter as stated, the second from 1—6 月 less the first.
    assert quarters[["period", "value", "derived"]].values.tolist() == [
        ["2021-Q1", 75.1, False],
        ["2021-Q2", 75.8, True],
    ]
    assert set(quarters["form"]) == {"quarter"}
    # 2020 was stated only as a year: its fourth quarter cannot be given.
    assert headers["X-Refused-Periods"] == "1"
    status, payload = get_json(f"{base}/series/logistics_total.json?frequency=quarter")
    assert payload["frequency"]["refused"] == [
        {
            "indicator": "logistics_total",
            "period": "2020-Q4",
            "reason": "2020-Q4: no value for 2020-10, 2020-11, 2020-12 "
            "(a flow is summed only when every month is there)",
            "reason_zh": "2020年四季度：缺少2020年10—12月的数据（流量须各月俱全才能加总）",
        }
    ]
    assert payload["position"]["rule"].startswith("every point sits at the last day")
    status, payload = get_json(f"{base}/series/logistics_total.json?frequency=week")
    assert status == 400 and "quarter, half, year" in payload["error"]["message"]


def test_csv_is_utf8_with_bom_and_formula_safe(base) -> None:
    status, headers, body = get(f"{base}/series/logistics_revenue.csv")
    assert status == 200
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [row["quote"] for row in rows if row["issue_key"] == "2021-33"] == [
        "'" + FORMULA_QUOTE  # a leading quote: Excel shows the text, runs nothing
    ]
    assert [row["value"] for row in rows] == ["2.8"]  # numbers stay bare numbers
    assert 'filename="logistics_revenue.csv"' in headers["Content-Disposition"]


# ------------------------------------------------------------------ catalog and issues


def test_indicators_are_the_catalog(base, store) -> None:
    status, payload = get_json(f"{base}/indicators")
    assert status == 200
    catalog = queries.indicators(store)
    assert [entry["id"] for entry in payload["indicators"]] == catalog["id"].tolist()
    assert payload["indicators"][0]["name_zh"] == catalog["name_zh"].iloc[0]


def test_issues_and_one_issue_with_its_articles_and_figures(base, store) -> None:
    status, payload = get_json(f"{base}/issues")
    assert status == 200
    assert [i["issue_key"] for i in payload["issues"]] == queries.issues(store)[
        "issue_key"
    ].tolist()
    status, one = get_json(f"{base}/issues/2021-15")
    assert status == 200
    assert one["issue"]["issue_label"] == "2021 年第 15 期"
    assert one["issue"]["published"] == "2021-04-26"
    figures = queries.observations_for_issue(store, "2021-15")
    assert [f["quote"] for f in one["figures"]] == figures["quote"].tolist()
    assert len(one["articles"]) == 3
    assert one["unassigned"][0]["subject"] == "进口物流量增长"


def test_the_openapi_document_lists_every_endpoint_and_parameter(base) -> None:
    status, document = get_json(f"{base}/openapi.json")
    assert status == 200 and document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/indicators",
        "/series/{indicator}.{format}",
        "/series/{indicators}.png",
        "/series/{indicators}.svg",
        "/issues",
        "/issues/{key}",
        "/changes",
        "/changes.{format}",
        "/feed.atom",
        "/series/{indicator}.atom",
        "/openapi.json",
    }
    series = document["paths"]["/series/{indicator}.{format}"]["get"]
    documented = {p["name"] for p in series["parameters"] if p["in"] == "query"}
    assert documented == set(SERIES_PARAMETERS)
    image = document["paths"]["/series/{indicators}.png"]["get"]
    documented = {p["name"] for p in image["parameters"] if p["in"] == "query"}
    # An image takes what the CSV takes but vintages=all and updated_after (refused: 400).
    assert documented == set(SERIES_PARAMETERS + IMAGE_PARAMETERS) - {"vintages", "updated_after"}
    changes = document["paths"]["/changes.{format}"]["get"]
    documented = {p["name"] for p in changes["parameters"] if p["in"] == "query"}
    assert documented == set(CHANGES_PARAMETERS)
    # Every documented path answers (with an example for its placeholders).
    for path in document["paths"]:
        concrete = (
            path.replace("{indicator}.{format}", "logistics_total.json")
            .replace("{indicator}", "logistics_total")
            .replace("{indicators}", "logistics_total,logistics_total_yoy")
            .replace("{key}", "2021-15")
            .replace("changes.{format}", "changes.csv")
        )
        if concrete.startswith("/changes"):
            concrete += "?since=2021-15"
        assert get(f"{base}{concrete}")[0] == 200, concrete


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/series/logistics_totl.csv", 404, "did you mean logistics_total"),
        ("/series/logistics_total", 404, "series/logistics_total.csv"),
        ("/series/logistics_total.xls", 404, "series/logistics_total.xlsx"),
        ("/series/logistics_total.csv?as_of=2021-02-30", 400, "'2021-02-30' is not a date"),
        ("/series/logistics_total.csv?as_of=yesterday", 400, "neither a date"),
        ("/series/logistics_total.csv?as_of=2020-01-01", 404, "no issue was published"),
        ("/series/logistics_total.csv?as_of=2021-16", 404, "did you mean 2021-15"),
        ("/series/logistics_total.csv?start=2021-13", 400, "start: month out of range"),
        ("/series/logistics_total.csv?forecast=exclude", 400, "unknown parameter forecast"),
        ("/series/logistics_total.csv?forecasts=no", 400, "include, exclude, only"),
        ("/series/logistics_total.csv?period_kind=week", 400, "period_kind: unknown week"),
        ("/series/logistics_total.csv?vintages=2", 400, "latest, all"),
        ("/series/logistics_total.csv?transform=log", 400, "unknown transform 'log'"),
        ("/series/logistics_total.csv?transform=index", 400, "needs a base period"),
        ("/series/logistics_total.csv?transform=yoy&vintages=all", 400, "not both"),
        ("/series/logistics_total.csv?as_of=2021-15&as_of=2021-29", 400, "more than once"),
        ("/issues/2021-16", 404, "did you mean 2021-15"),
        ("/indicators?format=csv", 400, "unknown parameter format"),
        ("/nothing/here", 404, "openapi.json"),
    ],
)
def test_errors_are_json_with_a_message(base, path, status, message) -> None:
    got, payload = get_json(f"{base}{path}")
    assert got == status
    assert payload["error"]["status"] == status
    assert message in payload["error"]["message"]
    assert "Traceback" not in payload["error"]["message"]


def test_writes_are_refused_as_json(base) -> None:
    status, headers, body = get(f"{base}/series/logistics_total.csv", method="POST")
    assert status == 405 and headers["Allow"] == "GET"
    assert "read-only" in json.loads(body)["error"]["message"]


# ------------------------------------------------------------------ conditional requests


def test_a_refresh_that_finds_nothing_new_is_a_304_until_a_commit(base, db) -> None:
    url = f"{base}/series/logistics_total.csv"
    status, headers, body = get(url)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and body
    assert get(f"{base}/issues")[1]["ETag"] == etag  # one data version, one validator

    status, headers, body = get(url, {"If-None-Match": etag})
    assert (status, body) == (304, b"")
    assert headers["ETag"] == etag
    assert get(url, {"If-Modified-Since": modified})[0] == 304
    assert get(url, {"If-None-Match": '"something-else"'})[0] == 200

    later = build_extraction(
        40,
        date(2021, 11, 1),
        [("前三季度物流运行情况", "王芳", "2021 年 1—9 月，全国社会物流总额 231.7 万亿元。")],
        [
            Fig(
                0,
                "2021 年 1—9 月，全国社会物流总额 231.7 万亿元。",
                "231.7 万亿元",
                231.7,
                "万亿元",
                "logistics_total",
                "2021-01/2021-09",
            )
        ],
    )
    with open_store(db) as writer:
        ingest(writer, later, CATALOG, actor="test")
    status, headers, body = get(url, {"If-None-Match": etag})
    assert status == 200
    assert headers["ETag"] != etag
    assert "231.7" in body.decode("utf-8-sig")


# ------------------------------------------------------------------ access


@pytest.fixture(scope="module")
def closed_base(db: Path, base: str) -> Iterator[str]:
    """The same store served with an editor password and an API token."""
    env = {"BRIEFS_EDITOR_PASSWORD": "editor-pw", "BRIEFS_API_TOKEN": TOKEN}
    with serve_dashboard(db, env, log_name="streamlit-token.log") as url:
        yield f"{url}/api/v1"


def test_with_a_login_configured_the_api_needs_the_token(closed_base, db) -> None:
    url = f"{closed_base}/series/logistics_total.csv"
    status, headers, body = get(url)
    assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in json.loads(body)["error"]["message"]
    status, headers, _ = get(url, {"Authorization": "Bearer wrong"})
    # Throttled like a password: the next token is checked only after Retry-After (what a
    # request within that second gets, 429 unchecked, is pinned on a clock the test moves in
    # tests/test_auth.py; here a loaded machine may take longer than the wait).
    assert (status, headers["Retry-After"]) == (401, "1")
    time.sleep(int(headers["Retry-After"]))
    with open_store(db, read_only=True) as store:
        audit = queries.audit_log(store)
    assert "token_failed" in set(audit["action"])
    status, headers, body = get(url, {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200 and body.startswith(b"\xef\xbb\xbf")
    assert headers["Cache-Control"] == "private, no-cache"
    read = pd.read_csv(url, storage_options={"Authorization": f"Bearer {TOKEN}"})
    assert "quote" in read.columns and len(read) > 0


def test_with_a_login_but_no_token_configured_the_api_stays_closed(db, base) -> None:
    with serve_dashboard(
        db, {"BRIEFS_EDITOR_PASSWORD": "editor-pw"}, log_name="streamlit-closed.log"
    ) as url:
        status, payload = get_json(f"{url}/api/v1/indicators")
    assert status == 403
    assert "BRIEFS_API_TOKEN" in payload["error"]["message"]


def test_head_answers_with_the_validators_and_no_body(base) -> None:
    status, headers, body = get(f"{base}/series/logistics_total.csv", method="HEAD")
    assert (status, body) == (200, b"")
    assert headers["ETag"] and headers["Last-Modified"]


# ------------------------------------------------------------------ docs/api.md


DOCS = Path(__file__).resolve().parent.parent / "docs" / "api.md"
EXAMPLE_URL = re.compile(r"http://localhost:8501(/api/v1/[^\s\"'`)]+)")


def test_every_example_url_in_the_docs_answers_as_documented(base) -> None:
    text = DOCS.read_text(encoding="utf-8")
    errors = set(EXAMPLE_URL.findall(text[text.index("## Errors") : text.index("## Examples")]))
    examples = dict.fromkeys(EXAMPLE_URL.findall(text))
    assert len(examples) >= 8
    server = base.removesuffix("/api/v1")
    for path in examples:
        status, headers, body = get(f"{server}{path}")
        if path in errors:
            assert 400 <= status < 500 and json.loads(body)["error"]["message"], path
        else:
            assert status == 200, (path, body[:300])
            if path.split("?")[0].endswith(".csv"):
                assert len(pd.read_csv(io.BytesIO(body))) > 0, path
