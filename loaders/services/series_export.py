"""The columns of every series CSV and JSON the project hands out (the Trends download, the
API, the workbooks), and the rows of a read in them, with each value's provenance."""

from __future__ import annotations

import pandas as pd

from loaders.series.citations import citations
from loaders.series.derive import DERIVED_COLUMNS
from loaders.series.transforms import TRANSFORM_COLUMNS

# The columns of every series CSV and JSON (the Trends download and the API): the value, its
# period and unit, and where it was said (issue label and key, date, article, sentence).
EXPORT_COLUMNS = (
    "indicator",
    "name_zh",
    "name_en",
    "period",
    "period_kind",
    "form",
    "period_start",
    "period_end",
    "value",
    "value_high",
    "unit",
    "qualifier",
    "forecast",
    "derived",
    "issue",
    "issue_key",
    "published",
    "article",
    "editor",
    "quote",
    # The organisation the text cites (loaders.figures.sources) and the value's citation
    # (loaders.series.citations): issue, article, editor, sentence, source.
    "source_org",
    "citation",
)
# The store columns behind EXPORT_COLUMNS (issue is issue_label), which transforms also use.
EXPORT_SOURCE_COLUMNS = (
    *("issue_label" if column == "issue" else column for column in EXPORT_COLUMNS[:-1]),
    "issue_total_number",
)
# Added to EXPORT_COLUMNS when the request asks for them: the vintage read (and what became
# of each point since), every issue's statement, the transform and its comparison point.
AS_OF_EXPORT_COLUMNS = ("as_of", "revised_later", "current_value", "current_issue_key")
VINTAGE_EXPORT_COLUMNS = ("superseded_by", "superseded_on")
TRANSFORM_EXPORT_COLUMNS = TRANSFORM_COLUMNS
DERIVED_EXPORT_COLUMNS = DERIVED_COLUMNS


def export_rows(rows: pd.DataFrame, as_of: str | None = None) -> pd.DataFrame:
    """rows in EXPORT_COLUMNS (issue is the issue's label, issue_key its key), followed by
    the as-of (as_of: the vintage's issue key), statement and transform columns the rows
    carry."""
    frame = rows.assign(citation=citations(rows)).rename(columns={"issue_label": "issue"})
    columns = list(EXPORT_COLUMNS)
    if as_of is not None:
        frame = frame.assign(as_of=as_of)
    extras = (
        AS_OF_EXPORT_COLUMNS,
        VINTAGE_EXPORT_COLUMNS,
        DERIVED_EXPORT_COLUMNS,
        TRANSFORM_EXPORT_COLUMNS,
    )
    for extra in extras:
        columns += [column for column in extra if column in frame.columns]
    for column in columns:
        if column not in frame.columns:
            frame[column] = pd.Series(dtype="object")
    return frame.loc[:, columns].reset_index(drop=True)
