"""The HTTP API's changes (dashboard.api): /changes[.json|.csv]?since=… (one item per point
a commit changed, with both statements) and the Atom feeds (/feed.atom, every commit;
/series/{id}.atom, one series' commits), read from loaders.services.changes and written by
dashboard.feeds. A feed's ETag is its bytes' hash.
"""

from __future__ import annotations

import hashlib

import pandas as pd
from starlette.requests import Request
from starlette.responses import Response

from dashboard import digest_view, feeds
from dashboard.api_http import (
    FORMATS,
    cache_control,
    conditional,
    json_records,
    json_response,
    not_modified,
    only_parameters,
    shared_store,
)
from dashboard.openapi import API_PREFIX
from loaders.guards.csv_safety import csv_bytes
from loaders.services import changes
from loaders.services.series import check_indicators, indicators

# The query parameters /changes reads; anything else is refused (dashboard.api_http).
CHANGES_PARAMETERS = ("since", "indicators")
# Entries a feed carries: the latest commits (a reader polls often; older ones it has seen).
FEED_ENTRIES = 50


def _names() -> dict[str, str]:
    catalog = indicators(shared_store())
    return dict(zip(catalog["id"], catalog["name_zh"], strict=True))


def change_list(request: Request) -> Response:
    """GET /changes[.json|.csv]?since=…: one item per point a commit after `since` changed
    (loaders.services.changes), with both statements."""
    only_parameters(request, CHANGES_PARAMETERS)
    extension = request.url.path.rpartition("/")[2].partition(".")[2] or "json"
    store = shared_store()
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
        return json_response(
            {
                "since": {"label": since.label, "after_changeset": since.after},
                "through_changeset": result.through,
                "commits": json_records(result.commits),
                "count": len(rows),
                "changes": json_records(rows),
            }
        )

    return conditional(request, build)


def _feed_response(request: Request, body: bytes) -> Response:
    """A feed with its own validators: the ETag is its bytes' hash, so a reader polling an
    unchanged feed gets a 304 whatever else the store did."""
    tag = f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"ETag": tag, "Cache-Control": cache_control()}
    if not_modified(request, {"ETag": tag}):
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
    only_parameters(request, ())
    store = shared_store()
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
    only_parameters(request, ())
    store = shared_store()
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
