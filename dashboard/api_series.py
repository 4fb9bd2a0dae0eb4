"""The HTTP API's series (dashboard.api): /series/{id}.csv, .json, .xlsx and, for one or
more ids, .png and .svg.

Each value comes with the sentence and the issue it was read from; `as_of` gives a series
as an earlier issue left it, `vintages=all` every issue's statement (see docs/api.md). The
rules are the read service's (loaders.services.series); this module turns query strings
into requests and rows into CSV (the one writer, loaders.guards.csv_safety), a workbook or
JSON. A .atom name is the series' feed (dashboard.api_changes).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from starlette.requests import Request
from starlette.responses import Response

from dashboard.api_changes import series_feed
from dashboard.api_http import (
    FORMATS,
    ApiError,
    conditional,
    json_cell,
    json_records,
    json_response,
    only_parameters,
    shared_store,
)
from dashboard.chart_images import DEFAULT_HEIGHT, DEFAULT_WIDTH, clamp_size
from dashboard.images import ImageRequest, series_image
from dashboard.render import RenderError
from loaders.guards.csv_safety import csv_bytes
from loaders.series.derive import RULES_ZH as DERIVATION_RULES_ZH
from loaders.series.derive import parse_inputs
from loaders.series.frequency import CONVERSION_RULES_ZH
from loaders.series.frequency import RULES_ZH as FREQUENCY_RULES_ZH
from loaders.series.transforms import LABELS_ZH, RULES_ZH
from loaders.services import changes
from loaders.services.reports import series_workbook
from loaders.services.series import (
    SeriesRequest,
    SeriesResult,
    download_name,
    indicators,
    prepare,
    read_prepared,
)
from loaders.vocab.periods import FREQUENCY_LABELS, POSITION_RULE, POSITION_RULE_ZH

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
# Headers that say what a table cannot: why it is empty, how many periods a frequency
# conversion refused (the JSON names them). ASCII, as HTTP headers are.
EMPTY_REASON_HEADER = "X-Empty-Reason"
REFUSED_HEADER = "X-Refused-Periods"
# What an image takes besides the series parameters: the page's period groups (kinds, as
# in the Trends URL) and its size in pixels.
IMAGE_PARAMETERS = ("kinds", "width", "height")
IMAGE_FORMATS = ("png", "svg")


def _series_request(
    indicator_ids: tuple[str, ...], request: Request, extra: tuple[str, ...] = ()
) -> SeriesRequest:
    only_parameters(request, SERIES_PARAMETERS + extra)
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
    store = shared_store()
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
        return json_response(
            {
                "indicator": {key: json_cell(value) for key, value in entry.items()},
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

    return conditional(request, build)


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
    records = json_records(rows)
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
    store = shared_store()
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

    return conditional(request, build)
