"""The HTTP API's records (dashboard.api): the catalog's indicators (/indicators), the
issues (/issues) and one issue with its articles, figures and unassigned figures
(/issues/{key}), as the read service (loaders.services.issues) gives them.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from dashboard.api_http import (
    conditional,
    json_cell,
    json_records,
    json_response,
    only_parameters,
    shared_store,
)
from loaders.services.issues import issue_detail, issue_list
from loaders.services.series import indicators


def indicator_list(request: Request) -> Response:
    only_parameters(request, ())
    return conditional(
        request,
        lambda: json_response({"indicators": json_records(indicators(shared_store()))}),
    )


def issues(request: Request) -> Response:
    only_parameters(request, ())
    return conditional(
        request, lambda: json_response({"issues": json_records(issue_list(shared_store()))})
    )


def issue(request: Request) -> Response:
    only_parameters(request, ())
    detail = issue_detail(shared_store(), request.path_params["key"])

    def build() -> Response:
        return json_response(
            {
                "issue": {key: json_cell(value) for key, value in detail.header.items()},
                "articles": json_records(detail.articles),
                "figures": json_records(detail.figures),
                "unassigned": json_records(detail.unassigned),
            }
        )

    return conditional(request, build)
