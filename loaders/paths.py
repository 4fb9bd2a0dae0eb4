"""Where the project's files live; every default location is decided here."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
CATALOG_PATH = DATA_DIR / "catalog.yaml"
# The fitted weights of loaders.figures.readings (written by python -m loaders.evaluation.fit_readings).
READING_WEIGHTS_PATH = DATA_DIR / "reading_weights.json"
# The organisations briefs cite as sources (loaders/figures/sources.py).
SOURCES_PATH = DATA_DIR / "sources.yaml"

# The store can be moved (tests, CI, a shared drive, a team store) without code changes:
# a file path is the embedded store; DuckLake's attach string (ducklake:postgres:…) is the
# team store, whose data files live at BRIEFS_DATA_PATH.
DB_ENV_VAR = "BRIEFS_DB"
DATA_PATH_ENV_VAR = "BRIEFS_DATA_PATH"
DEFAULT_DB_PATH = DATA_DIR / "briefs.duckdb"
# `make demo` serves its own store of generated issues (bench/demo.py) with this set, so every
# page says 示例数据; the demo store is another file, never the real one.
DEMO_ENV_VAR = "BRIEFS_DEMO"
DEFAULT_DEMO_DB_PATH = DATA_DIR / "demo.duckdb"


def database_location() -> str:
    """The store to use: $BRIEFS_DB when set, else data/briefs.duckdb."""
    configured = os.environ.get(DB_ENV_VAR, "").strip()
    return configured if configured else str(DEFAULT_DB_PATH)


def display_name(location: str) -> str:
    """What a page may show of a store's location: a file's name, a team store's database
    and host, never a password or the server's folders."""
    if location.startswith("ducklake:"):
        fields = dict(
            part.split("=", 1) for part in location.split(":", 2)[-1].split() if "=" in part
        )
        return f"团队库 {fields.get('dbname', '?')}@{fields.get('host', '?')}"
    return Path(location).name


def demo_mode() -> bool:
    """True when the store served is the demo's (generated issues): $BRIEFS_DEMO=1."""
    return os.environ.get(DEMO_ENV_VAR, "").strip() == "1"
