"""What every endpoint of the HTTP API (dashboard.api) shares: the access check and the
error wrapper (every failure a JSON error with a message, never a traceback), conditional
requests answered from the data version (ETag and Last-Modified, so a refresh that finds
nothing new is a 304), rows as JSON, and the check that refuses unknown query parameters.

Access follows the dashboard's login setting (dashboard.auth.api_refusal). Endpoints are
plain functions, which Starlette runs in its thread pool: the store's reads block.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import numpy as np
import pandas as pd
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dashboard import auth
from loaders.services.reports import MEDIA_TYPE as WORKBOOK_MEDIA_TYPE
from loaders.services.series import (
    SeriesRequestError,
    UnknownIndicator,
    UnknownIssue,
    data_state,
)
from loaders.store import Store, StoreError

_LOGGER = logging.getLogger(__name__)
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": WORKBOOK_MEDIA_TYPE,
}


class ApiError(Exception):
    """A request the API answers with an error: HTTP status and message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"status": status, "message": message}}, status_code=status, headers=headers
    )


def api_endpoint(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """A handler with the API's rules around it: GET only, access checked, every failure a
    JSON error (a StoreError is the store's message; anything else is logged and named)."""

    def endpoint(request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return error_response(
                405, f"{request.method} is not allowed: the API is read-only", {"Allow": "GET"}
            )
        refusal = auth.api_refusal(
            request.headers.get("authorization"),
            address=request.client.host if request.client else None,
            store=shared_store,
        )
        if refusal is not None:
            headers = {"WWW-Authenticate": 'Bearer realm="briefs"'} if refusal.status == 401 else {}
            if refusal.retry_after is not None:
                headers["Retry-After"] = str(int(refusal.retry_after))
            return error_response(refusal.status, refusal.message, headers)
        try:
            return handler(request)
        except ApiError as exc:
            return error_response(exc.status, exc.message)
        except (UnknownIndicator, UnknownIssue) as exc:  # the message names close matches
            return error_response(404, str(exc))
        except SeriesRequestError as exc:
            return error_response(400, str(exc))
        except StoreError as exc:
            return error_response(503, f"the store cannot be read: {exc}")
        except Exception as exc:  # a client gets a message, the log the trace
            _LOGGER.exception("API request failed: %s", request.url.path)
            return error_response(500, f"internal error ({type(exc).__name__}); see the server log")

    endpoint.__name__ = handler.__name__
    return endpoint


def shared_store() -> Store:
    """The dashboard's shared Store. Imported on first use: the routes are built when
    `streamlit run` imports the app, before the runtime that dashboard.data's caches need."""
    from dashboard import data

    return data.get_store()


# ------------------------------------------------------------------ conditional requests


def data_validators() -> dict[str, str]:
    """ETag and Last-Modified of everything the API serves now: one data version means the
    same bytes for the same URL. The ETag is weak because the server may compress."""
    state = data_state(shared_store())
    stamp = state.changed_at.replace(tzinfo=UTC) if state.changed_at else None
    tag = f'W/"{state.version}-{int(stamp.timestamp() * 1e6) if stamp else 0}"'
    headers = {"ETag": tag, "Cache-Control": cache_control()}
    if stamp is not None:
        headers["Last-Modified"] = format_datetime(stamp, usegmt=True)
    return headers


def cache_control() -> str:
    # Revalidate every time (a 304 is cheap); with a token, no shared cache may keep a copy.
    return "private, no-cache" if auth.api_token() else "no-cache"


def not_modified(request: Request, validators: dict[str, str]) -> bool:
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


def conditional(request: Request, build: Callable[[], Response]) -> Response:
    validators = data_validators()
    if not_modified(request, validators):
        return Response(status_code=304, headers=validators)
    response = build()
    response.headers.update(validators)
    return response


# ------------------------------------------------------------------ encoding


def json_cell(value: Any) -> Any:
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


def json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON objects: dates ISO, missing values null, numbers as numbers."""
    columns = {}
    for name in frame.columns:
        column = frame[name]
        if column.dtype.kind == "M":
            days = column.to_numpy().astype("datetime64[D]")
            text = np.where(np.isnat(days), None, days.astype(str)).astype(object)
            columns[name] = [None if cell is None else str(cell) for cell in text.tolist()]
        else:
            columns[name] = [json_cell(cell) for cell in column.to_numpy(dtype=object).tolist()]
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def json_response(
    payload: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    body = json.dumps(payload, ensure_ascii=False, allow_nan=False, default=json_cell)
    return Response(
        body.encode("utf-8"), status_code=status, media_type=FORMATS["json"], headers=headers
    )


def only_parameters(request: Request, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(request.query_params) - set(allowed))
    if unknown:
        accepted = ", ".join(allowed) if allowed else "none"
        raise ApiError(400, f"unknown parameter {', '.join(unknown)}; accepted: {accepted}")
