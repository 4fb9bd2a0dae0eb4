"""Reading issues for programs: the list, and one issue with its articles and figures."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from loaders.services.series import UnknownIssue, did_you_mean
from loaders.store import Store, queries


@dataclass(frozen=True)
class IssueDetail:
    """One stored issue: its header (queries.issue, without the cleaned text, which the
    articles hold), its articles, the figures mapped onto indicators and the unassigned."""

    header: dict
    articles: pd.DataFrame
    figures: pd.DataFrame
    unassigned: pd.DataFrame


def issue_list(store: Store) -> pd.DataFrame:
    """Every stored issue, newest first, with its counts (queries.issues)."""
    return queries.issues(store)


def issue_detail(store: Store, issue_key: str) -> IssueDetail:
    """The issue with this key; UnknownIssue (naming the closest keys) when none is stored."""
    header = queries.issue(store, issue_key)
    if header is None:
        keys = list(queries.issues(store)["issue_key"])
        raise UnknownIssue(
            f"no issue {issue_key!r} is stored{did_you_mean(issue_key, keys)} "
            "(GET /api/v1/issues lists them)"
        )
    header = {key: value for key, value in header.items() if key != "clean_text"}
    return IssueDetail(
        header=header,
        articles=queries.articles(store, issue_key),
        figures=queries.observations_for_issue(store, issue_key),
        unassigned=queries.unassigned_for_issue(store, issue_key),
    )
