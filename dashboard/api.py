"""The HTTP API (/api/v1/), served by the dashboard's own server: series for programs.

Read-only. Each value comes with the sentence and the issue it was read from; `as_of` gives
a series as an earlier issue left it, `vintages=all` every issue's statement (see
docs/api.md). This module is the table of routes, mounted by the dashboard's st.App; the
endpoints live by subject: series as CSV, JSON, workbook or image (dashboard.api_series),
indicators and issues (dashboard.api_issues), changes and feeds (dashboard.api_changes),
with what they share, the access check, errors, conditional requests and JSON
(dashboard.api_http).
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from dashboard.api_changes import change_list, feed
from dashboard.api_http import ApiError, api_endpoint, json_response, only_parameters
from dashboard.api_issues import indicator_list, issue, issues
from dashboard.api_series import series
from dashboard.openapi import API_PREFIX, openapi_document


def openapi(request: Request) -> Response:
    only_parameters(request, ())
    return json_response(openapi_document())


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
        *(Route(f"{API_PREFIX}{path}", api_endpoint(h), methods=_METHODS) for path, h in table),
        # The chart alone for an iframe: the Trends page's own embed mode (dashboard.embed),
        # whose access follows the dashboard's, not the API's.
        Route("/embed/trends", embed_trends, methods=["GET", "HEAD"]),
        # Anything else under /api is a JSON 404, not the dashboard's page.
        Route("/api/{rest:path}", api_endpoint(not_found), methods=_METHODS),
    ]
