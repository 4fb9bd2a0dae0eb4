"""Reads from the store, by subject: one function per query, parameters bound, typed results.

- series.py: current values, a series as of an issue, every issue's statement, the values
  the current ones revised, the points a new issue is checked against, coverage;
- issues.py: the issue list, one issue's text and figures, unassigned figures, and what the
  ingest plan and a re-mapping read;
- catalog.py: the catalog's projection and versions;
- imports.py: archive imports and their files;
- state.py: data versions, the audit log, whole tables.

One calling convention: every query takes a Store (and opens its own cursor on what was last
committed) or the cursor of a transaction under way (and reads inside it: the ingest plan
reads what it is about to replace in the transaction that writes it). Tabular results are
DataFrames with the columns each docstring names; single facts are dataclasses. Callers use
the package (`queries.series(store, ids)`): everything is re-exported here.
"""

from loaders.store.queries.catalog import (
    CatalogVersion,
    catalog_history,
    catalog_version,
    catalog_versions,
    catalog_versions_by,
    indicator_ids,
    indicators,
)
from loaders.store.queries.imports import (
    ImportFile,
    ImportJob,
    import_files,
    import_job,
    import_jobs,
    stored_file_hashes,
)
from loaders.store.queries.issues import (
    IssuePlace,
    IssueRef,
    IssueText,
    StoredIssue,
    StoredStatement,
    articles,
    earlier_statements,
    editor_figures,
    figures_of,
    issue,
    issue_choices,
    issue_labels,
    issue_on_or_before,
    issue_ref,
    issue_statements,
    issue_texts,
    issue_years,
    issues,
    last_issue_action,
    next_observation_seq,
    observations_for_issue,
    stored_issue,
    unassigned_all,
    unassigned_for_issue,
    unassigned_row,
)
from loaders.store.queries.results import Source, result_frame
from loaders.store.queries.series import (
    AS_OF_COLUMNS,
    COVERAGE_COLUMNS,
    POINT_COLUMNS,
    SERIES_COLUMNS,
    STATEMENT_COLUMNS,
    coverage,
    coverage_of,
    points_besides,
    revised_statements,
    series,
    series_as_of,
    series_points,
    statements,
)
from loaders.store.queries.state import (
    DataState,
    audit_log,
    data_state,
    data_version,
    series_versions,
    table,
    table_rows,
    write_version,
)

__all__ = [
    "AS_OF_COLUMNS",
    "COVERAGE_COLUMNS",
    "POINT_COLUMNS",
    "SERIES_COLUMNS",
    "STATEMENT_COLUMNS",
    "CatalogVersion",
    "DataState",
    "ImportFile",
    "ImportJob",
    "IssuePlace",
    "IssueRef",
    "IssueText",
    "Source",
    "StoredIssue",
    "StoredStatement",
    "articles",
    "audit_log",
    "catalog_history",
    "catalog_version",
    "catalog_versions",
    "catalog_versions_by",
    "coverage",
    "coverage_of",
    "data_state",
    "data_version",
    "earlier_statements",
    "editor_figures",
    "figures_of",
    "import_files",
    "import_job",
    "import_jobs",
    "indicator_ids",
    "indicators",
    "issue",
    "issue_choices",
    "issue_labels",
    "issue_on_or_before",
    "issue_ref",
    "issue_statements",
    "issue_texts",
    "issue_years",
    "issues",
    "last_issue_action",
    "next_observation_seq",
    "observations_for_issue",
    "points_besides",
    "result_frame",
    "revised_statements",
    "series",
    "series_as_of",
    "series_points",
    "series_versions",
    "statements",
    "stored_file_hashes",
    "stored_issue",
    "table",
    "table_rows",
    "unassigned_all",
    "unassigned_for_issue",
    "unassigned_row",
    "write_version",
]
