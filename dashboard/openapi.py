"""The API's OpenAPI 3.1 document, built from the same constants the API and the read
service check against (parameters' choices, columns), so it cannot drift from them."""

from __future__ import annotations

from typing import Any

from dashboard.chart_images import DEFAULT_HEIGHT, DEFAULT_WIDTH, MAX_SIZE, MIN_SIZE
from loaders.series.derive import RULES_ZH as DERIVATION_RULES_ZH
from loaders.series.frequency import RULES_ZH as FREQUENCY_RULES_ZH
from loaders.series.transforms import RULES_ZH, TRANSFORMS
from loaders.services.changes import CHANGE_COLUMNS, KINDS
from loaders.services.reports import MEDIA_TYPE as WORKBOOK_MEDIA_TYPE
from loaders.services.series import DERIVED_CHOICES, FORECAST_CHOICES, VINTAGE_CHOICES
from loaders.services.series_export import (
    AS_OF_EXPORT_COLUMNS,
    DERIVED_EXPORT_COLUMNS,
    EXPORT_COLUMNS,
    TRANSFORM_EXPORT_COLUMNS,
    VINTAGE_EXPORT_COLUMNS,
)
from loaders.vocab.periods import FORMS, FREQUENCIES, KIND_LABELS, POSITION_RULE

API_VERSION = "v1"
API_PREFIX = f"/api/{API_VERSION}"
TITLE = "产业创新动态 indicator series API"


def _parameter(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


SERIES_PARAMETERS = [
    _parameter(
        "start",
        "Keep periods that start on or after the start of this period (2021, 2021-Q1, "
        "2021-03, 2021-09-30).",
        {"type": "string", "examples": ["2020"]},
    ),
    _parameter(
        "end",
        "Keep periods that end on or before the end of this period.",
        {"type": "string", "examples": ["2021-H1"]},
    ),
    _parameter(
        "period_kind",
        f"Comma-separated kinds of period to keep: {', '.join(KIND_LABELS)}.",
        {"type": "string", "examples": ["quarter,ytd"]},
    ),
    _parameter(
        "form",
        "Comma-separated forms to keep (how a period belongs to its series: a single month, "
        "quarter, half or year; ytd, the year so far; since_launch or point, a stock's level; "
        f"day, multi_year, span): {', '.join(FORMS)}.",
        {"type": "string", "examples": ["ytd,month"]},
    ),
    _parameter(
        "frequency",
        "Convert to quarters, halves or years, by the indicator's kind: "
        + " ".join(f"{kind}: {rule}" for kind, rule in FREQUENCY_RULES_ZH.items())
        + " A period that cannot be given is refused: the JSON lists it under "
        "frequency.refused with the reason, the CSV counts them in X-Refused-Periods.",
        {"type": "string", "enum": list(FREQUENCIES)},
    ),
    _parameter(
        "derived",
        "Values the statements imply (a month from two year-to-date totals, a growth from "
        "two years' levels), marked derived=true with their inputs: beside the stated ones "
        "(include), left out (exclude) or alone (only). "
        + " ".join(f"{name}: {rule}" for name, rule in DERIVATION_RULES_ZH.items()),
        {"type": "string", "enum": list(DERIVED_CHOICES), "default": "include"},
    ),
    _parameter(
        "forecasts",
        "Forecasts too (include), none (exclude) or forecasts only (only).",
        {"type": "string", "enum": list(FORECAST_CHOICES), "default": "include"},
    ),
    _parameter(
        "as_of",
        "The series as it was known then: a date (YYYY-MM-DD: the latest issue published on "
        "or before it) or an issue key (2021-15). Adds as_of, revised_later, current_value "
        "and current_issue_key.",
        {"type": "string", "examples": ["2021-05-01", "2021-15"]},
    ),
    _parameter(
        "vintages",
        "latest: one value per period (the latest issue's); all: every issue's statement, "
        "with superseded_by and superseded_on.",
        {"type": "string", "enum": list(VINTAGE_CHOICES), "default": "latest"},
    ),
    _parameter(
        "transform",
        "level, change, yoy (%) or index (= 100 at base), computed only between comparable "
        "periods. " + " ".join(f"{name}: {RULES_ZH[name]}" for name in TRANSFORMS),
        {"type": "string", "enum": list(TRANSFORMS), "default": "level"},
    ),
    _parameter(
        "base",
        "The base period of transform=index (2020, 2021-Q1).",
        {"type": "string", "examples": ["2020"]},
    ),
    _parameter(
        "updated_after",
        "Only the points whose value a commit changed (new, revised, corrected) after this: "
        "an issue key (after it was first stored), a date (from that day on, UTC) or a time "
        "(ISO 8601; UTC unless it names a zone), as SDMX's updatedAfter. A derived or "
        "converted point is kept when one of its inputs changed.",
        {"type": "string", "examples": ["2021-15", "2024-05-01", "2024-05-01T08:00:00Z"]},
    ),
]
# What an image takes besides the series parameters (not vintages=all, not updated_after).
IMAGE_PARAMETERS = [
    _parameter(
        "kinds",
        "Comma-separated forms to draw, as the Trends URL's forms (default: every form); a "
        "comparable group of an older link (ytd-09) counts as its form.",
        {"type": "string", "examples": ["quarter,ytd"]},
    ),
    *(
        _parameter(
            name,
            f"The image's {name} in pixels, {MIN_SIZE}-{MAX_SIZE}.",
            {"type": "integer", "minimum": MIN_SIZE, "maximum": MAX_SIZE, "default": default},
        )
        for name, default in (("width", DEFAULT_WIDTH), ("height", DEFAULT_HEIGHT))
    ),
]
SINCE_PARAMETER = {
    **_parameter(
        "since",
        "Required. The changes after this: an issue key (after it was first stored), a date "
        "(from that day on, UTC) or a time (ISO 8601).",
        {"type": "string", "examples": ["2021-15", "2024-05-01"]},
    ),
    "required": True,
}
CHANGES_PARAMETERS = [
    SINCE_PARAMETER,
    _parameter(
        "indicators",
        "Comma-separated indicator ids to keep (default: all).",
        {"type": "string", "examples": ["logistics_total,logistics_revenue"]},
    ),
]

_ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
        }
    },
}
_ERRORS = {
    "400": {"description": "A bad parameter; the message says what to send."},
    "401": {"description": "A token is required (Authorization: Bearer <token>)."},
    "403": {"description": "The dashboard requires a login and no API token is configured."},
    "404": {"description": "Unknown indicator or issue; the message names close matches."},
}
_CONDITIONAL = {
    "304": {"description": "Not modified: the ETag (If-None-Match) or date still holds."}
}


def _errors() -> dict[str, Any]:
    return {
        code: {**value, "content": {"application/json": {"schema": _ERROR}}}
        for code, value in _ERRORS.items()
    }


def _json_object(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {
            "ETag": {"schema": {"type": "string"}},
            "Last-Modified": {"schema": {"type": "string"}},
        },
        "content": {"application/json": {"schema": {"type": "object"}}},
    }


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of /api/v1: one literal description of every endpoint, parameter
    and column, long because the API is; the columns come from loaders.services.series."""
    columns = [
        *EXPORT_COLUMNS,
        *AS_OF_EXPORT_COLUMNS,
        *VINTAGE_EXPORT_COLUMNS,
        *DERIVED_EXPORT_COLUMNS,
        *TRANSFORM_EXPORT_COLUMNS,
    ]
    series_ok = {
        "description": (
            "The series: CSV (UTF-8 with BOM, one row per value, formula-safe text), JSON "
            "(observations) or XLSX (sheet 数据: the CSV's rows, numbers as numbers and dates "
            "as dates; sheet 说明: each series' unit, kind, sources, period rule, vintage, "
            f"transform and derived values). Columns: {', '.join(EXPORT_COLUMNS)}; as asked, "
            f"also {', '.join(columns[len(EXPORT_COLUMNS) :])}. Position: {POSITION_RULE}."
        ),
        "headers": {
            "ETag": {"schema": {"type": "string"}},
            "Last-Modified": {"schema": {"type": "string"}},
            "X-Empty-Reason": {
                "description": "Only on an answer with no rows: why (code: message), as the "
                "JSON's empty_reason says.",
                "schema": {"type": "string"},
            },
            "X-Refused-Periods": {
                "description": "Only with frequency: how many periods could not be given.",
                "schema": {"type": "string"},
            },
        },
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
            WORKBOOK_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    }
    changes_get = {
        "summary": "What changed since an issue or a date: one item per point a commit changed.",
        "description": (
            "Kinds: " + ", ".join(KINDS) + ". A point is compared as it stood before the "
            "window with how it stands now (a value that came back is no change); both "
            "statements come with their issue and sentence. Columns: "
            + ", ".join(CHANGE_COLUMNS)
            + ". JSON adds since, through_changeset and the commits of the window."
        ),
        "parameters": CHANGES_PARAMETERS,
        "responses": {
            "200": _json_object("The changes (CSV for .csv)."),
            **_CONDITIONAL,
            **_errors(),
        },
    }
    indicator_parameter = {
        "name": "indicator",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "examples": {"logistics": {"value": "logistics_total"}},
    }

    def image_get(fmt: str, media_type: str) -> dict[str, Any]:
        return {
            "get": {
                "summary": (
                    f"The Trends chart of one or more series as {fmt.upper()}, for a report: "
                    "title, units, the issues cited, the data's date and the publisher."
                ),
                "description": (
                    "The same URL gives the same image until the data changes (ETag as for "
                    "data); X-Cache says whether it was kept (hit) or drawn now (miss). 503 "
                    "without a browser to draw with."
                ),
                "parameters": [
                    {
                        "name": "indicators",
                        "in": "path",
                        "required": True,
                        "description": "One id, or several joined by commas.",
                        "schema": {"type": "string"},
                        "examples": {"two": {"value": "logistics_total,logistics_total_yoy"}},
                    },
                    *(
                        p
                        for p in SERIES_PARAMETERS
                        if p["name"] not in ("vintages", "updated_after")
                    ),
                    *IMAGE_PARAMETERS,
                ],
                "responses": {
                    "200": {
                        "description": f"The chart ({fmt.upper()}).",
                        "headers": {
                            "ETag": {"schema": {"type": "string"}},
                            "X-Cache": {"schema": {"type": "string", "enum": ["hit", "miss"]}},
                        },
                        "content": {media_type: {"schema": {"type": "string"}}},
                    },
                    **_CONDITIONAL,
                    **_errors(),
                    "503": {"description": "No browser to draw the image with."},
                },
            }
        }

    _atom = {
        "description": "Atom 1.0 (RFC 4287); ETag from its bytes, so an unchanged feed is a 304.",
        "headers": {"ETag": {"schema": {"type": "string"}}},
        "content": {"application/atom+xml": {"schema": {"type": "string"}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": API_VERSION,
            "description": (
                "Read-only series of the brief 产业创新动态 with the issue, article and sentence "
                "behind every value, and the series as earlier issues stated it. See docs/api.md."
            ),
        },
        "servers": [{"url": API_PREFIX}],
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{}, {"token": []}],
        "paths": {
            "/indicators": {
                "get": {
                    "summary": "The catalog: every indicator with its unit and kind.",
                    "responses": {"200": _json_object("The indicators."), **_CONDITIONAL},
                }
            },
            "/series/{indicator}.{format}": {
                "get": {
                    "summary": "One indicator's series, with provenance.",
                    "parameters": [
                        {
                            "name": "indicator",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                            "examples": {"logistics": {"value": "logistics_total_yoy"}},
                        },
                        {
                            "name": "format",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "enum": ["csv", "json", "xlsx"]},
                        },
                        *SERIES_PARAMETERS,
                    ],
                    "responses": {"200": series_ok, **_CONDITIONAL, **_errors()},
                }
            },
            "/series/{indicators}.png": image_get("png", "image/png"),
            "/series/{indicators}.svg": image_get("svg", "image/svg+xml"),
            "/issues": {
                "get": {
                    "summary": "Every stored issue, newest first, with its counts.",
                    "responses": {"200": _json_object("The issues."), **_CONDITIONAL},
                }
            },
            "/issues/{key}": {
                "get": {
                    "summary": "One issue: header, articles, figures and unassigned figures.",
                    "parameters": [
                        {
                            "name": "key",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "examples": ["2021-15"]},
                        }
                    ],
                    "responses": {
                        "200": _json_object("The issue."),
                        **_CONDITIONAL,
                        **_errors(),
                    },
                }
            },
            "/changes": {"get": changes_get},
            "/changes.{format}": {
                "get": {
                    **changes_get,
                    "parameters": [
                        {
                            "name": "format",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "enum": ["json", "csv"]},
                        },
                        *CHANGES_PARAMETERS,
                    ],
                }
            },
            "/feed.atom": {
                "get": {
                    "summary": "Atom feed: every issue committed (stored, replaced, retracted), "
                    "newest 50, with its counts of new and revised points and a line per point.",
                    "responses": {"200": _atom, "304": _CONDITIONAL["304"]},
                }
            },
            "/series/{indicator}.atom": {
                "get": {
                    "summary": "Atom feed of one series: every commit that changed it, newest 50.",
                    "parameters": [indicator_parameter],
                    "responses": {"200": _atom, "304": _CONDITIONAL["304"], **_errors()},
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document.",
                    "responses": {"200": _json_object("OpenAPI 3.1.")},
                }
            },
        },
    }
