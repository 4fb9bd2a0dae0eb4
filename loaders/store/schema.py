"""The store's tables and views, and the ordered migrations that build them.

A store records its schema version in `meta`. Opening a store for writing applies every
migration above that version, each in one transaction, so a schema change never asks anyone
to re-ingest: a file written by an older release opens with its data intact. Views are not
data: they are recreated from the definitions below whenever a migration ran.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from loaders.store.connection import Store, StoreError
from loaders.vocab.revisions import VALUE_TOLERANCE

# Tables in the order an export writes them (and the order a reader should load them).
TABLES = (
    "meta",
    "indicators",
    "issues",
    "articles",
    "observations",
    "unassigned",
    "audit_log",
    "catalog_versions",
)
# The rest of a store's state: what a move between stores carries besides the exported
# tables (current_points is derived, and rebuilt instead).
STATE_TABLES = (
    "series_versions",
    "import_jobs",
    "import_files",
    "changesets",
    "point_changes",
    "watchlists",
    "watchers",
    "mail_outbox",
)
# Rows of each table in a stable order (exports, migrations between stores).
TABLE_ORDER = {
    "meta": "key",
    "indicators": "position",
    "issues": "published, year, number",
    "articles": "issue_key, article_index",
    "observations": "issue_key, seq",
    "unassigned": "issue_key, seq",
    "audit_log": "id",
    "catalog_versions": "version",
}

# Which issue is newer: the later published, then the higher year and number (issues `i`).
# As-of reads (what was known at an issue) cut the issues in this order.
ISSUE_ORDER = "i.published DESC, i.year DESC, i.number DESC"
# Which issue speaks last about a figure: ISSUE_ORDER, then within one issue its first
# statement. current_points, its as-of form (current_select) and the ingest plan
# (loaders.store.queries.earlier_statements) all rank by this, and nothing else does.
ISSUE_RECENCY = f"{ISSUE_ORDER}, o.seq"


def values_differ(value: str, high: str, other_value: str, other_high: str) -> str:
    """SQL true when two statements state another figure: loaders.vocab.revisions'
    different_statement (VALUE_TOLERANCE) over four SQL expressions, the values and the
    tops of their ranges (NULL: a single value)."""
    top, other_top = f"coalesce({high}, {value})", f"coalesce({other_high}, {other_value})"
    return (
        f"(abs({value} - {other_value}) > {VALUE_TOLERANCE} * "
        f"greatest(abs({value}), abs({other_value}), 1.0) OR abs({top} - {other_top}) > "
        f"{VALUE_TOLERANCE} * greatest(abs({top}), abs({other_top}), 1.0))"
    )


# Each (indicator, period, forecast) takes the statement of the latest issue (ISSUE_RECENCY).
# revision_count is how many issues' statements revised the point (loaders.vocab.revisions: each
# issue's first statement against the one of the issue before it), disagrees whether any
# did. The result is kept in the table current_points, refreshed by every write for the
# keys it touches (loaders.store.writes.refresh_current), so reading a series is a plain
# scan. {where} narrows the statements ranked (a write's indicators and periods).
# Inside, `i` is each issue's first statement of a key with its issue's columns under their
# own names (published, year, number), so ISSUE_ORDER ranks the statements newest first and
# lead() over that order is the statement of the issue before.
_REVISES = values_differ("i.value", "i.value_high", "i.earlier_value", "i.earlier_high")
# {columns} are the stored columns after origin: current_points gains a column by a
# migration (ALTER TABLE adds it at the end), and migrations 3 and 8 built the table without
# the later ones (POINT_COLUMNS_ADDED).
_CURRENT_POINTS_TEMPLATE = f"""
    SELECT indicator, period, forecast, unit, period_kind, period_start, period_end, value,
        value_high, qualifier, derived, issue_key, issue_label, published, article, editor,
        quote, period_text, figure_text,
        CAST(revision_count AS INTEGER) AS revision_count, revision_count > 0 AS disagrees,
        year AS issue_year, number AS issue_number, article_index, span_start, span_end, seq,
        origin{{columns}}
    FROM (
        SELECT i.*, sum(CASE WHEN i.earlier_value IS NOT NULL AND {_REVISES} THEN 1 ELSE 0 END)
            OVER (PARTITION BY i.indicator, i.period, i.forecast) AS revision_count
        FROM (
            SELECT i.*, row_number() OVER newest_first AS rank_in_key,
                lead(i.value) OVER newest_first AS earlier_value,
                lead(i.value_high) OVER newest_first AS earlier_high
            FROM (
                SELECT o.*, i.published, i.year, i.number, i.issue_label
                FROM observations o JOIN issues i ON i.issue_key = o.issue_key
                {{where}}
                QUALIFY row_number() OVER (
                    PARTITION BY o.indicator, o.period, o.forecast, o.issue_key
                    ORDER BY o.seq) = 1) i
            WINDOW newest_first AS (PARTITION BY i.indicator, i.period, i.forecast
                ORDER BY {ISSUE_ORDER})) i
        QUALIFY i.rank_in_key = 1)"""
# The columns migrations added to current_points after the table was made (schema 3), in
# the order they were added.
POINT_COLUMNS_ADDED = ("source_org",)
CURRENT_POINTS_SELECT = _CURRENT_POINTS_TEMPLATE.replace(
    "{columns}", "".join(f", {column}" for column in POINT_COLUMNS_ADDED)
)
# current_points as migrations 3 and 8 made it, before any column was added.
_FIRST_POINTS_SELECT = _CURRENT_POINTS_TEMPLATE.replace("{columns}", "")

# The current view's columns over a table of current points ({points}) with the catalog's
# names: the view reads current_points, an as-of read (current_select) the same rule
# computed over the issues known then.
_CURRENT_WITH_NAMES = """
    SELECT c.indicator, ind.name_zh, ind.name_en, ind.category, c.unit,
        c.period, c.period_kind, c.period_start, c.period_end,
        c.value, c.value_high, c.qualifier, c.forecast, c.derived,
        c.issue_key, c.issue_label, c.published, c.article, c.editor, c.quote,
        c.period_text, c.figure_text, c.revision_count, c.disagrees,
        c.issue_year, c.issue_number, c.article_index, c.span_start, c.span_end, c.seq,
        c.origin, ind.position AS indicator_position, c.source_org,
        iss.total_number AS issue_total_number
    FROM {points} c LEFT JOIN indicators ind ON ind.id = c.indicator
        LEFT JOIN issues iss ON iss.issue_key = c.issue_key"""

VIEWS = {
    "current": "CREATE OR REPLACE VIEW current AS"
    + _CURRENT_WITH_NAMES.format(points="current_points"),
}


def current_select(where: str) -> str:
    """The `current` view's rows computed afresh from the statements `where` keeps (SQL on
    `o` and `i` starting with WHERE, values as ? parameters): an as-of read passes the
    issues published up to a vintage, so what was known then is ranked by the same rule."""
    return _CURRENT_WITH_NAMES.format(points=f"({CURRENT_POINTS_SELECT.format(where=where)})")


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "tables of the first release",
        (
            """CREATE TABLE IF NOT EXISTS indicators (
                position INTEGER NOT NULL,
                id VARCHAR PRIMARY KEY,
                name_zh VARCHAR NOT NULL,
                name_en VARCHAR NOT NULL,
                category VARCHAR NOT NULL,
                unit VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                measure VARCHAR NOT NULL,
                description VARCHAR NOT NULL,
                aliases VARCHAR NOT NULL)""",
            """CREATE TABLE IF NOT EXISTS issues (
                issue_key VARCHAR PRIMARY KEY,
                title VARCHAR NOT NULL,
                year INTEGER NOT NULL,
                number INTEGER NOT NULL,
                total_number INTEGER,
                published DATE NOT NULL,
                issue_label VARCHAR NOT NULL,
                source_name VARCHAR NOT NULL,
                sha256 VARCHAR NOT NULL,
                ingested_at TIMESTAMP NOT NULL,
                clean_text VARCHAR NOT NULL)""",
            """CREATE TABLE IF NOT EXISTS articles (
                issue_key VARCHAR NOT NULL,
                article_index INTEGER NOT NULL,
                title VARCHAR NOT NULL,
                editor VARCHAR,
                text VARCHAR NOT NULL,
                start_offset INTEGER NOT NULL,
                end_offset INTEGER NOT NULL)""",
            """CREATE TABLE IF NOT EXISTS observations (
                issue_key VARCHAR NOT NULL,
                seq INTEGER NOT NULL,
                indicator VARCHAR NOT NULL,
                period VARCHAR NOT NULL,
                period_kind VARCHAR NOT NULL,
                period_start DATE NOT NULL,
                period_end DATE NOT NULL,
                value DOUBLE NOT NULL,
                value_high DOUBLE,
                unit VARCHAR NOT NULL,
                qualifier VARCHAR NOT NULL,
                forecast BOOLEAN NOT NULL,
                derived BOOLEAN NOT NULL,
                figure_text VARCHAR NOT NULL,
                period_text VARCHAR NOT NULL,
                quote VARCHAR NOT NULL,
                span_start INTEGER NOT NULL,
                span_end INTEGER NOT NULL,
                article_index INTEGER NOT NULL,
                article VARCHAR NOT NULL,
                editor VARCHAR)""",
            """CREATE TABLE IF NOT EXISTS unassigned (
                issue_key VARCHAR NOT NULL,
                seq INTEGER NOT NULL,
                value DOUBLE NOT NULL,
                value_high DOUBLE,
                unit VARCHAR NOT NULL,
                qualifier VARCHAR NOT NULL,
                forecast BOOLEAN NOT NULL,
                period VARCHAR,
                period_kind VARCHAR,
                period_start DATE,
                period_end DATE,
                figure_text VARCHAR NOT NULL,
                period_text VARCHAR NOT NULL,
                subject VARCHAR NOT NULL,
                quote VARCHAR NOT NULL,
                span_start INTEGER NOT NULL,
                span_end INTEGER NOT NULL,
                article_index INTEGER NOT NULL,
                article VARCHAR NOT NULL,
                editor VARCHAR)""",
            """CREATE TABLE IF NOT EXISTS audit_log (
                id BIGINT NOT NULL,
                "at" TIMESTAMP NOT NULL,
                action VARCHAR NOT NULL,
                actor VARCHAR NOT NULL,
                issue_key VARCHAR,
                sha256 VARCHAR,
                detail VARCHAR NOT NULL)""",
        ),
    ),
    Migration(
        2,
        "where each issue and each figure came from",
        (
            # How the stored version of an issue was committed: read from a file in a batch
            # (the CLI, `make db`) or committed by an editor after review in the app.
            "ALTER TABLE issues ADD COLUMN committed_via VARCHAR DEFAULT 'batch'",
            # Issues whose last write was an upload were committed through the review.
            """UPDATE issues SET committed_via = 'review' WHERE issue_key IN (
                SELECT issue_key FROM (
                    SELECT issue_key, action, row_number() OVER (
                        PARTITION BY issue_key ORDER BY id DESC) AS latest
                    FROM audit_log WHERE issue_key IS NOT NULL)
                WHERE latest = 1 AND action = 'upload')""",
            # extracted (as the loaders found it), reviewed (an editor changed or assigned
            # it), typed (a row of a figures table).
            "ALTER TABLE observations ADD COLUMN origin VARCHAR DEFAULT 'extracted'",
            """UPDATE observations SET origin = 'typed' WHERE issue_key IN (
                SELECT issue_key FROM issues WHERE committed_via = 'review')
                AND span_end = 0""",
        ),
    ),
    Migration(
        3,
        "current values kept as a table; a version per series",
        (
            "DROP VIEW IF EXISTS current",
            "CREATE TABLE current_points AS " + _FIRST_POINTS_SELECT.format(where=""),
            # The data version at which each series last changed: caches of one series
            # survive a commit that touched another. A series without a row is at 0.
            """CREATE TABLE series_versions (
                indicator VARCHAR PRIMARY KEY,
                version BIGINT NOT NULL)""",
        ),
    ),
    Migration(
        4,
        "archive imports and the files they hold",
        (
            # One import of many files (a folder, a zip, a drop of files in the app). state:
            # running, stopping, stopped, done; a running job whose runner stopped beating
            # was interrupted (loaders.services.imports decides).
            """CREATE TABLE import_jobs (
                job_id VARCHAR PRIMARY KEY,
                created_at TIMESTAMP NOT NULL,
                actor VARCHAR NOT NULL,
                label VARCHAR NOT NULL,
                staged_dir VARCHAR,
                state VARCHAR NOT NULL,
                runner VARCHAR,
                heartbeat_at TIMESTAMP,
                finished_at TIMESTAMP)""",
            # status: pending, then new, replaced, unchanged, kept or failed.
            """CREATE TABLE import_files (
                job_id VARCHAR NOT NULL,
                position INTEGER NOT NULL,
                name VARCHAR NOT NULL,
                size BIGINT NOT NULL,
                status VARCHAR NOT NULL,
                sha256 VARCHAR,
                issue_key VARCHAR,
                detail VARCHAR NOT NULL,
                done_at TIMESTAMP)""",
        ),
    ),
    Migration(
        5,
        "the catalog held by the store, versioned; suggestions for unassigned figures",
        (
            # Every change of the catalog is a version: the whole catalog as YAML
            # (loaders.catalog.indicators.dump_catalog), who, when, what and why. The latest version is
            # the catalog; `indicators` is its projection for queries.
            """CREATE TABLE catalog_versions (
                version BIGINT PRIMARY KEY,
                created_at TIMESTAMP NOT NULL,
                actor VARCHAR NOT NULL,
                action VARCHAR NOT NULL,
                indicator VARCHAR,
                reason VARCHAR NOT NULL,
                definition VARCHAR NOT NULL)""",
            # No default: DuckLake takes only literal defaults, and false is not one to it;
            # readers treat NULL as not retired.
            "ALTER TABLE indicators ADD COLUMN retired BOOLEAN",
            "ALTER TABLE unassigned ADD COLUMN suggested_indicator VARCHAR",
        ),
    ),
    # DuckDB refuses a second change to a table its transaction already altered: one new
    # column per table and migration.
    Migration(
        6,
        "where a series' figures come from; the period suggested for an unassigned figure",
        (
            "ALTER TABLE indicators ADD COLUMN source VARCHAR DEFAULT ''",
            "ALTER TABLE unassigned ADD COLUMN suggested_period VARCHAR",
        ),
    ),
    Migration(
        7,
        "where each figure starts in the text (a sentence may state the same figure twice)",
        (
            # NULL for figures stored before: loaders.services.remap places them by their
            # text in the quoted sentence when it needs to.
            "ALTER TABLE observations ADD COLUMN figure_start INTEGER",
            "ALTER TABLE unassigned ADD COLUMN figure_start INTEGER",
        ),
    ),
    Migration(
        8,
        "revision_count counts revisions (another value than the issue before), not restatements",
        (
            "DELETE FROM current_points",
            "INSERT INTO current_points " + _FIRST_POINTS_SELECT.format(where=""),
        ),
    ),
    Migration(
        9,
        "what each write changed in the current values; watchlists; digest mails",
        (
            # One row per write that recomputed current values (an issue stored, replaced
            # or retracted, a figure assigned, the catalog changed): changes are read by
            # it, in its order (loaders.store.changes).
            """CREATE TABLE IF NOT EXISTS changesets (
                changeset BIGINT PRIMARY KEY,
                "at" TIMESTAMP NOT NULL,
                action VARCHAR NOT NULL,
                actor VARCHAR NOT NULL,
                issue_key VARCHAR,
                issue_label VARCHAR)""",
            # One row per point whose current value a write changed (kind new, revised,
            # corrected, removed), or that an issue began to disagree with (disagreement).
            # The point's statement after the write, then `other_`: the statement it
            # replaced (for a disagreement, the one that disagrees). Sentences are copied:
            # a corrected or retracted issue takes its own away.
            """CREATE TABLE IF NOT EXISTS point_changes (
                changeset BIGINT NOT NULL,
                indicator VARCHAR NOT NULL,
                period VARCHAR NOT NULL,
                forecast BOOLEAN NOT NULL,
                kind VARCHAR NOT NULL,
                unit VARCHAR NOT NULL,
                period_kind VARCHAR NOT NULL,
                period_end DATE NOT NULL,
                value DOUBLE,
                value_high DOUBLE,
                qualifier VARCHAR,
                issue_key VARCHAR,
                issue_label VARCHAR,
                published DATE,
                quote VARCHAR,
                other_value DOUBLE,
                other_value_high DOUBLE,
                other_qualifier VARCHAR,
                other_issue_key VARCHAR,
                other_issue_label VARCHAR,
                other_published DATE,
                other_quote VARCHAR)""",
            # The indicators each login identity watches ('local' in local mode).
            """CREATE TABLE IF NOT EXISTS watchlists (
                identity VARCHAR NOT NULL,
                indicator VARCHAR NOT NULL,
                added_at TIMESTAMP NOT NULL)""",
            # Per identity: where to mail its digests (none: no mail) and the last changeset
            # its digest showed ("since your last visit").
            """CREATE TABLE IF NOT EXISTS watchers (
                identity VARCHAR PRIMARY KEY,
                email VARCHAR,
                seen_changeset BIGINT NOT NULL,
                seen_at TIMESTAMP)""",
            # Digest mails, one per watcher and committed issue, kept until sent: state
            # pending (next_attempt_at says when), sent, or failed (after the last attempt).
            """CREATE TABLE IF NOT EXISTS mail_outbox (
                mail_id BIGINT PRIMARY KEY,
                changeset BIGINT NOT NULL,
                identity VARCHAR NOT NULL,
                recipient VARCHAR NOT NULL,
                subject VARCHAR NOT NULL,
                body VARCHAR NOT NULL,
                state VARCHAR NOT NULL,
                attempts INTEGER NOT NULL,
                last_error VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL,
                next_attempt_at TIMESTAMP NOT NULL,
                sent_at TIMESTAMP)""",
        ),
    ),
    Migration(
        10,
        "a count of every write beside the data version",
        (
            # data_version moves when what the store holds changes (its readers' caches are
            # built on it); write_version on every write, records too (an import's progress,
            # a refused file, a login's audit row): published copies are named by it, and on
            # the team store every write updating its row is what makes two writes conflict.
            """INSERT INTO meta SELECT 'write_version', value FROM meta
                WHERE key = 'data_version'
                AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'write_version')""",
        ),
    ),
    Migration(
        11,
        "the organisation the text cites for each figure (中物联, 普华永道)",
        (
            # NULL where the text names none, and for figures stored before: re-reading an
            # issue (ingest --force) or re-mapping the archive fills it (loaders.figures.sources).
            "ALTER TABLE observations ADD COLUMN source_org VARCHAR",
            "ALTER TABLE unassigned ADD COLUMN source_org VARCHAR",
            "ALTER TABLE current_points ADD COLUMN source_org VARCHAR",
        ),
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1].version

META_TABLE = """CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL)"""


def _stored_version(cur) -> int | None:
    """The schema version written in meta; None for a store without the meta table."""
    found = cur.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() "
        "AND table_schema = 'main' AND table_name = 'meta'"
    ).fetchone()
    if not found or not found[0]:
        return None
    row = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    return int(row[0][0]) if row else None


def _too_new(store: Store, version: int) -> StoreError:
    return StoreError(
        f"{store.path} was written with store schema {version}, newer than this version "
        f"({SCHEMA_VERSION}); update the program (git pull, make) to open it"
    )


# A store whose engine refuses PRIMARY KEY and UNIQUE (Store.enforces_keys false: the team
# store, DuckLake) gets its tables without them: there, uniqueness is the write path's job
# (each write reads what it replaces, in a transaction that conflicts with any concurrent
# write, Store.write).
_KEY_CONSTRAINT = re.compile(r"\s+(?:PRIMARY KEY|UNIQUE)\b")


def statement_for(store: Store, statement: str) -> str:
    return statement if store.enforces_keys else _KEY_CONSTRAINT.sub("", statement)


def _bump(cur) -> None:
    # Before migration 8 a store has no write_version: that UPDATE then changes nothing.
    for key in ("data_version", "write_version"):
        cur.execute(
            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = ?",
            [key],
        )


def migrate(store: Store) -> list[int]:
    """Bring a writable store up to SCHEMA_VERSION; returns the migrations applied.

    Each migration is one write (Store.write) that also records
    its version and bumps the data version (readers' caches hold rows of the old shape), so
    a crash between two leaves the store at the last complete one and the next open resumes
    there; two processes opening a new store at once apply each migration once.
    """
    applied: list[int] = []

    def create_meta(cur) -> None:
        if _stored_version(cur) is not None:
            return
        cur.execute(statement_for(store, META_TABLE))
        for key in ("data_version", "schema_version", "write_version"):
            cur.execute("INSERT INTO meta VALUES (?, '0')", [key])

    def next_migration(cur) -> int | None:
        version = _stored_version(cur) or 0
        if version > SCHEMA_VERSION:
            raise _too_new(store, version)
        pending = [m for m in MIGRATIONS if m.version > version]
        if not pending:
            return None
        migration = pending[0]
        try:
            for statement in migration.statements:
                cur.execute(statement_for(store, statement))
            if migration is MIGRATIONS[-1]:
                for view in VIEWS.values():
                    cur.execute(view)
        except duckdb.Error as exc:
            raise StoreError(
                f"could not upgrade the store to schema {migration.version} "
                f"({migration.description}) in {store.path}; nothing was changed "
                f"({type(exc).__name__}: {exc})"
            ) from exc
        cur.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(migration.version)]
        )
        _bump(cur)
        return migration.version

    store.write("create the store's tables", create_meta)
    while True:
        version = store.write("upgrade the store's schema", next_migration)
        if version is None:
            break
        applied.append(version)
    store.after_open()
    return applied


def check(store: Store) -> None:
    """A read-only store must already be at SCHEMA_VERSION (it cannot be upgraded here)."""
    with store.read() as cur:
        version = _stored_version(cur)
        views = {
            row[0]
            for row in cur.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_catalog = current_database() AND table_schema = 'main'"
            ).fetchall()
        }
    if version is not None and version > SCHEMA_VERSION:
        raise _too_new(store, version)
    if version is not None and version < SCHEMA_VERSION:
        raise StoreError(
            f"{store.path} uses store schema {version}; open it once for writing "
            f"(e.g. make db or python -m loaders ingest) to upgrade it to {SCHEMA_VERSION}"
        )
    missing = [name for name in (*TABLES, *VIEWS) if name not in views]
    if version is None or missing:
        raise StoreError(
            f"{store.path} is not a briefs database (missing {', '.join(missing) or 'meta'}); "
            "open it once for writing to create the tables"
        )
