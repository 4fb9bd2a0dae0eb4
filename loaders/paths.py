"""Where the project's files live; every default path is decided here."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
CATALOG_PATH = DATA_DIR / "catalog.yaml"
SAMPLE_BRIEFS_DIR = DATA_DIR / "briefs"

# The store's path can be moved (tests, CI, a shared drive) without code changes.
DB_ENV_VAR = "BRIEFS_DB"
DEFAULT_DB_PATH = DATA_DIR / "briefs.duckdb"


def database_path() -> Path:
    """The DuckDB file to use: $BRIEFS_DB when set, else data/briefs.duckdb."""
    configured = os.environ.get(DB_ENV_VAR, "").strip()
    return Path(configured) if configured else DEFAULT_DB_PATH
