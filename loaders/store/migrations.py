"""The ordered migrations that build the store's tables (applied by loaders.store.schema).

Each migration is one transaction; a store records the last one applied, so a schema change
never asks anyone to re-ingest: a file written by an older release opens with its data
intact.
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders.store.current_points import FIRST_POINTS_SELECT


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
            "CREATE TABLE current_points AS " + FIRST_POINTS_SELECT.format(where=""),
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
            # (loaders.catalog.canonical_yaml.dump_catalog), who, when, what and why. The latest version is
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
            "INSERT INTO current_points " + FIRST_POINTS_SELECT.format(where=""),
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
