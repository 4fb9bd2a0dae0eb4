"""The HTTP API (/api/v1/), served by the dashboard's own server: series for programs.

Read-only. Each value comes with the sentence and the issue it was read from; `as_of` gives
a series as an earlier issue left it, `vintages=all` every issue's statement (see
docs/api.md). The rules are the read service's (loaders.services.series, issues); this
module turns query strings into requests and rows into CSV (the one writer,
loaders.guards.csv_safety) or JSON, answers conditional requests from the data version (ETag and
Last-Modified, so a refresh that finds nothing new is a 304), and turns every failure into
a JSON error with a message, never a traceback.

Access follows the dashboard's login setting (dashboard.auth.api_refusal). Endpoints are
plain functions, which Starlette runs in its thread pool: the store's reads block.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import UTC
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from dashboard import auth, digest_view, feeds
from dashboard.chart_images import DEFAULT_HEIGHT, DEFAULT_WIDTH, clamp_size
from dashboard.images import ImageRequest, series_image
from dashboard.openapi import API_PREFIX, openapi_document
from dashboard.render import RenderError
from loaders.guards.csv_safety import csv_bytes
from loaders.series.derive import RULES_ZH as DERIVATION_RULES_ZH
from loaders.series.derive import parse_inputs
from loaders.series.frequency import CONVERSION_RULES_ZH
from loaders.series.frequency import RULES_ZH as FREQUENCY_RULES_ZH
from loaders.series.transforms import LABELS_ZH, RULES_ZH
from loaders.services import changes
from loaders.services.issues import issue_detail, issue_list
from loaders.services.reports import MEDIA_TYPE as WORKBOOK_MEDIA_TYPE
from loaders.services.reports import series_workbook
from loaders.services.series import (
    SeriesRequest,
    SeriesRequestError,
    SeriesResult,
    UnknownIndicator,
    UnknownIssue,
    check_indicators,
    data_state,
    download_name,
    indicators,
    prepare,
    read_prepared,
)
from loaders.store import Store, StoreError
from loaders.vocab.periods import FREQUENCY_LABELS, POSITION_RULE, POSITION_RULE_ZH

_LOGGER = logging.getLogger(__name__)
# The query parameters each endpoint reads; anything else is refused, so a typo
# (?forcast=exclude) is an error rather than a silently ignored filter.
SERIES_PARAMETERS = (
    "start",
    "end",
    "period_kind",
    "forecasts",
    "as_of",
    "vintages",
    "transform",
    "base",
    "updated_after",
    "frequency",
    "derived",
    "form",
)
CHANGES_PARAMETERS = ("since", "indicators")
# Headers that say what a table cannot: why it is empty, how many periods a frequency
# conversion refused (the JSON names them). ASCII, as HTTP headers are.
EMPTY_REASON_HEADER = "X-Empty-Reason"
REFUSED_HEADER = "X-Refused-Periods"
# What an image takes besides the series parameters: the page's period groups (kinds, as
# in the Trends URL) and its size in pixels.
IMAGE_PARAMETERS = ("kinds", "width", "height")
IMAGE_FORMATS = ("png", "svg")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": WORKBOOK_MEDIA_TYPE,
}
# Entries a feed carries: the latest commits (a reader polls often; older ones it has seen).
FEED_ENTRIES = 50


class ApiError(Exception):
    """A request the API answers with an error: HTTP status and message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        {"error": {"status": status, "message": message}}, status_code=status, headers=headers
    )


def _endpoint(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """A handler with the API's rules around it: GET only, access checked, every failure a
    JSON error (a StoreError is the store's message; anything else is logged and named)."""

    def endpoint(request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return _error(
                405, f"{request.method} is not allowed: the API is read-only", {"Allow": "GET"}
            )
        refusal = auth.api_refusal(
            request.headers.get("authorization"),
            address=request.client.host if request.client else None,
            store=_store,
        )
        if refusal is not None:
            headers = {"WWW-Authenticate": 'Bearer realm="briefs"'} if refusal.status == 401 else {}
            if refusal.retry_after is not None:
                headers["Retry-After"] = str(int(refusal.retry_after))
            return _error(refusal.status, refusal.message, headers)
        try:
            return handler(request)
        except ApiError as exc:
            return _error(exc.status, exc.message)
        except (UnknownIndicator, UnknownIssue) as exc:  # the message names close matches
            return _error(404, str(exc))
        except SeriesRequestError as exc:
            return _error(400, str(exc))
        except StoreError as exc:
            return _error(503, f"the store cannot be read: {exc}")
        except Exception as exc:  # a client gets a message, the log the trace
            _LOGGER.exception("API request failed: %s", request.url.path)
            return _error(500, f"internal error ({type(exc).__name__}); see the server log")

    endpoint.__name__ = handler.__name__
    return endpoint


def _store() -> Store:
    """The dashboard's shared Store. Imported on first use: the routes are built when
    `streamlit run` imports the app, before the runtime that dashboard.data's caches need."""
    from dashboard import data

    return data.get_store()


# ------------------------------------------------------------------ conditional requests


def _validators() -> dict[str, str]:
    """ETag and Last-Modified of everything the API serves now: one data version means the
    same bytes for the same URL. The ETag is weak because the server may compress."""
    state = data_state(_store())
    stamp = state.changed_at.replace(tzinfo=UTC) if state.changed_at else None
    tag = f'W/"{state.version}-{int(stamp.timestamp() * 1e6) if stamp else 0}"'
    headers = {"ETag": tag, "Cache-Control": _cache_control()}
    if stamp is not None:
        headers["Last-Modified"] = format_datetime(stamp, usegmt=True)
    return headers


def _cache_control() -> str:
    # Revalidate every time (a 304 is cheap); with a token, no shared cache may keep a copy.
    return "private, no-cache" if auth.api_token() else "no-cache"


def _not_modified(request: Request, validators: dict[str, str]) -> bool:
    """RFC 9110: If-None-Match decides when present, else If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        wanted = validators["ETag"].removeprefix("W/")
        given = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in given or wanted in given
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since and "Last-Modified" in validators:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False  # an unreadable date is ignored, as the RFC says
        modified = parsedate_to_datetime(validators["Last-Modified"])
        return since.tzinfo is not None and modified <= since
    return False


def _conditional(request: Request, build: Callable[[], Response]) -> Response:
    validators = _validators()
    if _not_modified(request, validators):
        return Response(status_code=304, headers=validators)
    response = build()
    response.headers.update(validators)
    return response


# ------------------------------------------------------------------ encoding


def _json_cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp | np.datetime64):
        stamp = pd.Timestamp(value)
        if pd.isna(stamp):
            return None
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON objects: dates ISO, missing values null, numbers as numbers."""
    columns = {}
    for name in frame.columns:
        column = frame[name]
        if column.dtype.kind == "M":
            days = column.to_numpy().astype("datetime64[D]")
            text = np.where(np.isnat(days), None, days.astype(str)).astype(object)
            columns[name] = [None if cell is None else str(cell) for cell in text.tolist()]
        else:
            columns[name] = [_json_cell(cell) for cell in column.to_numpy(dtype=object).tolist()]
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False, allow_nan=False, default=_json_cell)
    return Response(
        body.encode("utf-8"), status_code=status, media_type=FORMATS["json"], headers=headers
    )


# ------------------------------------------------------------------ endpoints


def _only(request: Request, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(request.query_params) - set(allowed))
    if unknown:
        accepted = ", ".join(allowed) if allowed else "none"
        raise ApiError(400, f"unknown parameter {', '.join(unknown)}; accepted: {accepted}")


def _series_request(
    indicator_ids: tuple[str, ...], request: Request, extra: tuple[str, ...] = ()
) -> SeriesRequest:
    _only(request, SERIES_PARAMETERS + extra)
    for name in SERIES_PARAMETERS + extra:
        if len(request.query_params.getlist(name)) > 1:
            raise ApiError(400, f"{name} is given more than once")
    params = request.query_params
    kinds = tuple(k.strip() for k in params.get("period_kind", "").split(",") if k.strip())
    forms = tuple(f.strip() for f in params.get("form", "").split(",") if f.strip())
    return SeriesRequest(
        indicators=indicator_ids,
        start=params.get("start") or None,
        end=params.get("end") or None,
        period_kinds=kinds,
        forecasts=params.get("forecasts", "include"),
        as_of=params.get("as_of") or None,
        vintages=params.get("vintages", "latest"),
        transform=params.get("transform", "level"),
        base=params.get("base") or None,
        frequency=params.get("frequency") or None,
        derived=params.get("derived", "include"),
        forms=forms,
    )


def series(request: Request) -> Response:
    name = request.path_params["name"]
    indicator, dot, extension = name.rpartition(".")
    if dot and extension == "atom":
        return series_feed(request, indicator)
    if dot and extension in IMAGE_FORMATS:
        return _image(indicator, extension, request)
    if not dot or extension not in FORMATS:
        wanted_id = indicator or name
        raise ApiError(
            404,
            f"no such resource: series/{name}; ask for series/{wanted_id}.csv, "
            f"series/{wanted_id}.json, series/{wanted_id}.xlsx, series/{wanted_id}.png "
            f"(or .svg) or series/{wanted_id}.atom",
        )
    wanted = _series_request((indicator,), request)
    store = _store()
    vintage = prepare(store, wanted)
    updated_after = request.query_params.get("updated_after") or None
    since = changes.resolve_since(store, updated_after) if updated_after else None

    def build() -> Response:
        result = read_prepared(store, wanted, vintage, for_export=True)
        rows = result.export()
        if since is not None:
            rows = changes.updated_only(store, rows, since, [indicator])
        headers = _explanations(result)
        if extension in ("csv", "xlsx"):
            filename = download_name(wanted, extension)
            body = csv_bytes(rows) if extension == "csv" else series_workbook(store, result, rows)
            return Response(
                body,
                media_type=FORMATS[extension],
                headers={"Content-Disposition": f'attachment; filename="{filename}"', **headers},
            )
        catalog = indicators(store)
        entry = catalog[catalog["id"] == indicator].iloc[0]
        return _json(
            {
                "indicator": {key: _json_cell(value) for key, value in entry.items()},
                "as_of": None
                if vintage is None
                else {
                    "issue_key": vintage.issue_key,
                    "issue_label": vintage.issue_label,
                    "published": vintage.published.isoformat(),
                },
                "vintages": wanted.vintages,
                "transform": {
                    "name": wanted.transform,
                    "label_zh": LABELS_ZH[wanted.transform],
                    "rule_zh": RULES_ZH[wanted.transform],
                    "base": wanted.base,
                    "points_without_comparison": result.untransformed,
                },
                "frequency": None
                if wanted.frequency is None
                else {
                    "name": wanted.frequency,
                    "label_zh": FREQUENCY_LABELS[wanted.frequency],
                    "rules_zh": FREQUENCY_RULES_ZH,
                    "refused": [refusal.as_dict() for refusal in result.refusals],
                },
                "derived": {"choice": wanted.derived, "rules_zh": _derivation_rules()},
                "position": {"rule": POSITION_RULE, "rule_zh": POSITION_RULE_ZH},
                "empty_reason": None
                if result.empty_reason is None
                else result.empty_reason.as_dict(),
                "count": len(rows),
                "observations": _observations(rows),
            },
            headers=headers,
        )

    return _conditional(request, build)


def _explanations(result: SeriesResult) -> dict[str, str]:
    """The headers that explain a table: why it is empty, how many periods were refused."""
    headers = {}
    if result.empty_reason is not None:
        reason = result.empty_reason
        headers[EMPTY_REASON_HEADER] = f"{reason.code}: {reason.message}".encode(
            "ascii", "replace"
        ).decode("ascii")
    if result.refusals:
        headers[REFUSED_HEADER] = str(len(result.refusals))
    return headers


def _derivation_rules() -> dict[str, str]:
    return {**DERIVATION_RULES_ZH, **CONVERSION_RULES_ZH}


def _observations(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON objects, a derived row's inputs as a list rather than JSON text."""
    records = _records(rows)
    if "inputs" in rows.columns:
        for record in records:
            record["inputs"] = parse_inputs(record.get("inputs"))
    return records


def _image(indicator_ids: str, extension: str, request: Request) -> Response:
    """A chart of one or more series (ids joined by commas) as PNG or SVG: the Trends view
    with its title, units, source line, date and publisher (dashboard.images). The same URL
    gives the same image until the data changes (kept by data version; ETag as for data)."""
    ids = tuple(dict.fromkeys(part.strip() for part in indicator_ids.split(",") if part.strip()))
    if not ids:
        raise ApiError(404, f"no such resource: series/{indicator_ids}.{extension}")
    wanted = _series_request(ids, request, IMAGE_PARAMETERS)
    if wanted.vintages != "latest":
        raise ApiError(400, "an image draws one vintage: vintages=all is for csv and json")
    params = request.query_params
    if params.get("updated_after"):
        raise ApiError(400, "an image draws the whole series: updated_after is for csv and json")
    try:
        width = clamp_size(params.get("width"), DEFAULT_WIDTH)
        height = clamp_size(params.get("height"), DEFAULT_HEIGHT)
    except ValueError as exc:
        raise ApiError(400, f"width and height {exc}") from None
    kinds = tuple(k.strip() for k in params.get("kinds", "").split(",") if k.strip())
    image_request = ImageRequest(wanted, kinds, extension, width, height)
    store = _store()
    prepare(store, wanted)  # an unknown id or vintage is a 404 before anything is drawn

    def build() -> Response:
        try:
            image, media_type, kept = series_image(store, image_request)
        except RenderError as exc:
            raise ApiError(503, str(exc)) from exc
        filename = download_name(wanted, extension)
        return Response(
            image,
            media_type=media_type,
            # X-Cache says whether this image was kept from before (hit) or drawn now (miss).
            headers={
                "Content-Disposition": f'inline; filename="{filename}"',
                "X-Cache": "hit" if kept else "miss",
            },
        )

    return _conditional(request, build)


def indicator_list(request: Request) -> Response:
    _only(request, ())
    return _conditional(
        request,
        lambda: _json({"indicators": _records(indicators(_store()))}),
    )


def issues(request: Request) -> Response:
    _only(request, ())
    return _conditional(request, lambda: _json({"issues": _records(issue_list(_store()))}))


def issue(request: Request) -> Response:
    _only(request, ())
    detail = issue_detail(_store(), request.path_params["key"])

    def build() -> Response:
        return _json(
            {
                "issue": {key: _json_cell(value) for key, value in detail.header.items()},
                "articles": _records(detail.articles),
                "figures": _records(detail.figures),
                "unassigned": _records(detail.unassigned),
            }
        )

    return _conditional(request, build)


def _names() -> dict[str, str]:
    catalog = indicators(_store())
    return dict(zip(catalog["id"], catalog["name_zh"], strict=True))


def change_list(request: Request) -> Response:
    """GET /changes[.json|.csv]?since=…: one item per point a commit after `since` changed
    (loaders.services.changes), with both statements."""
    _only(request, CHANGES_PARAMETERS)
    extension = request.url.path.rpartition("/")[2].partition(".")[2] or "json"
    store = _store()
    since = changes.resolve_since(store, request.query_params.get("since", ""))
    wanted = [i.strip() for i in request.query_params.get("indicators", "").split(",") if i.strip()]
    if wanted:
        check_indicators(store, wanted)

    def build() -> Response:
        result = changes.digest(store, since, wanted or None)
        rows = changes.change_rows(store, result)
        if extension == "csv":
            return Response(
                csv_bytes(rows),
                media_type=FORMATS["csv"],
                headers={"Content-Disposition": 'attachment; filename="changes.csv"'},
            )
        return _json(
            {
                "since": {"label": since.label, "after_changeset": since.after},
                "through_changeset": result.through,
                "commits": _records(result.commits),
                "count": len(rows),
                "changes": _records(rows),
            }
        )

    return _conditional(request, build)


def _feed_response(request: Request, body: bytes) -> Response:
    """A feed with its own validators: the ETag is its bytes' hash, so a reader polling an
    unchanged feed gets a 304 whatever else the store did."""
    tag = f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"ETag": tag, "Cache-Control": _cache_control()}
    if _not_modified(request, {"ETag": tag}):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=feeds.MEDIA_TYPE, headers=headers)


def _site(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _entries(
    commits: pd.DataFrame, lines_of: dict[int, list[changes.PointChange]], site: str
) -> list[feeds.Entry]:
    names = _names()
    entries = []
    for commit in commits.to_dict("records"):
        number = int(commit["changeset"])
        at = pd.Timestamp(commit["at"]).to_pydatetime()
        label = commit["issue_label"] or commit["issue_key"] or ""
        version = {"retract": " 撤回", "replace": " 更正版"}.get(commit["action"], "")
        lines = [digest_view.line(change, names) for change in lines_of.get(number, [])]
        link = (
            site + digest_view.issue_path(commit["issue_key"])
            if commit["issue_key"] and commit["action"] != "retract"
            else site + "/overview"
        )
        entries.append(
            feeds.Entry(
                key=f"{number}@{at.isoformat()}",
                title=f"{label}{version}：{digest_view.counts_text(commit)}",
                updated=at,
                link=link,
                lines=[(line.text, line.quotes, site + line.trend_path) for line in lines],
            )
        )
    return entries


def feed(request: Request) -> Response:
    """GET /feed.atom: every issue committed (stored, replaced, retracted), newest first,
    with its counts of new and revised points and a line per point."""
    _only(request, ())
    store = _store()
    commits = changes.commits(store, limit=FEED_ENTRIES)
    site = _site(request)
    body = feeds.atom(
        feed_key="issues",
        title="产业创新动态：每期的新增与修订",
        subtitle="每次提交的期刊，及其新增、修订、更正的数值（附原文）",
        self_url=f"{site}{API_PREFIX}/feed.atom",
        alternate_url=f"{site}/overview",
        entries=_entries(commits, changes.lines_by_changeset(store, commits), site),
        empty_updated=changes.log_started(store),
    )
    return _feed_response(request, body)


def series_feed(request: Request, indicator: str) -> Response:
    """GET /series/{id}.atom: every change of one series, a commit an entry."""
    _only(request, ())
    store = _store()
    check_indicators(store, [indicator])
    commits = changes.commits(store, limit=FEED_ENTRIES, indicator=indicator)
    site = _site(request)
    name = _names().get(indicator, indicator)
    body = feeds.atom(
        feed_key=f"series:{indicator}",
        title=f"{name}：数值的变化",
        subtitle=f"{name}（{indicator}）每次提交新增、修订、更正的数值（附原文）",
        self_url=f"{site}{API_PREFIX}/series/{indicator}.atom",
        alternate_url=site + digest_view.trend_path(indicator),
        entries=_entries(commits, changes.lines_by_changeset(store, commits, [indicator]), site),
        empty_updated=changes.log_started(store),
    )
    return _feed_response(request, body)


def openapi(request: Request) -> Response:
    _only(request, ())
    return _json(openapi_document())


def embed_trends(request: Request) -> Response:
    """/embed/trends?… -> /trends?…&chart=only&embed=true (Streamlit's embed mode)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("chart", "embed")]
    query = urlencode([*params, ("chart", "only"), ("embed", "true")])
    return RedirectResponse(f"/trends?{query}", status_code=307)


def not_found(request: Request) -> Response:
    raise ApiError(
        404,
        f"no such resource: {request.url.path}; see {API_PREFIX}/openapi.json for the endpoints",
    )


# Every method reaches the endpoint, which answers anything but GET with a JSON 405.
_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def routes() -> list[Route]:
    """The API's routes, mounted by the dashboard's st.App (dashboard/streamlit_app.py)."""
    table = [
        ("/indicators", indicator_list),
        ("/series/{name}", series),
        ("/issues", issues),
        ("/issues/{key}", issue),
        ("/changes", change_list),
        ("/changes.json", change_list),
        ("/changes.csv", change_list),
        ("/feed.atom", feed),
        ("/openapi.json", openapi),
    ]
    return [
        *(Route(f"{API_PREFIX}{path}", _endpoint(h), methods=_METHODS) for path, h in table),
        # The chart alone for an iframe: the Trends page's own embed mode (dashboard.embed),
        # whose access follows the dashboard's, not the API's.
        Route("/embed/trends", embed_trends, methods=["GET", "HEAD"]),
        # Anything else under /api is a JSON 404, not the dashboard's page.
        Route("/api/{rest:path}", _endpoint(not_found), methods=_METHODS),
    ]
