"""Architecture rules from STYLE.md and the layout in README.md, checked on the source tree.

- loaders/ never imports the UI; only loaders/store/ holds SQL;
- the shared vocabulary (units, numerals, qualifiers, periods …) imports only itself;
- the extraction modules and the store depend only on the vocabulary, the catalog and their
  own kind: neither reaches into the use cases (loaders/services/), nor into each other;
- pages never import the store (they read through dashboard.data, write through services);
- the pure view modules import no streamlit;
- tests share helpers through tests/support/, never by importing conftest.py.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORE_PACKAGE = ROOT / "loaders" / "store"
SQL_KEYWORDS = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|DELETE\s+FROM|CREATE\s+TABLE|UPDATE\s+\w+\s+SET)\b",
    re.I | re.S,
)

VOCABULARY = {
    "loaders.archive",
    "loaders.citations",
    "loaders.csv_safety",
    "loaders.errors",
    "loaders.frames",
    "loaders.missing",
    "loaders.models",
    "loaders.numerals",
    "loaders.paths",
    "loaders.periods",
    "loaders.qualifiers",
    "loaders.revisions",
    "loaders.spreadsheet",
    "loaders.text_safety",
    "loaders.units",
}
CATALOG = {"loaders.catalog", "loaders.catalog_form"}
EXTRACTION = {
    "loaders.cleaning",
    "loaders.conflicts",
    "loaders.derive",
    "loaders.readings",
    "loaders.evaluate",
    "loaders.figure_measures",
    "loaders.figure_periods",
    "loaders.figure_roles",
    "loaders.figure_series_period",
    "loaders.figures",
    "loaders.figures_table",
    "loaders.fit_readings",
    "loaders.forecast_scope",
    "loaders.frequency",
    "loaders.headlines",
    "loaders.mapping",
    "loaders.number_states",
    "loaders.pipeline",
    "loaders.plausibility",
    "loaders.quantities",
    "loaders.reading",
    "loaders.respectively",
    "loaders.review",
    "loaders.scoring",
    "loaders.sentences",
    "loaders.series",
    "loaders.sources",
    "loaders.structure",
    "loaders.subjects",
    "loaders.table_rows",
    "loaders.text_tables",
    "loaders.timeexpr",
    "loaders.transforms",
}
PURE_VIEWS = (
    "chart_images",
    "charts",
    "formatting",
    "highlight",
    "markup",
    "openapi",
    "tables",
    "url_state",
)


def _python_files(*folders: str) -> list[Path]:
    return [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports (full dotted names, including function-level imports)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _loaders_imports(path: Path) -> set[str]:
    """The loaders modules a file imports, as module names (loaders.store.queries -> loaders.store)."""
    found = set()
    for name in _imports(path):
        if not name.startswith("loaders."):
            continue
        parts = name.split(".")
        if parts[1] in ("store", "services"):
            found.add(".".join(parts[:2]))
        elif f"loaders.{parts[1]}" in VOCABULARY | CATALOG | EXTRACTION:
            found.add(f"loaders.{parts[1]}")
    return found


def _violations(modules: set[str], allowed: set[str]) -> dict[str, list[str]]:
    out = {}
    for path in _python_files("loaders"):
        name = _module_name(path)
        top = ".".join(name.split(".")[:2])
        if name not in modules and top not in modules:
            continue
        bad = sorted(m for m in _loaders_imports(path) if m not in allowed and m != top)
        if bad:
            out[str(path.relative_to(ROOT))] = bad
    return out


def test_loaders_never_import_the_ui():
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            {name.split(".")[0] for name in _imports(path)} & {"streamlit", "dashboard", "plotly"}
        )
        for path in _python_files("loaders")
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_only_the_store_package_holds_sql():
    holders = []
    for path in _python_files("loaders", "dashboard"):
        if STORE_PACKAGE in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and SQL_KEYWORDS.search(node.value)
            ):
                holders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert holders == []


def test_the_vocabulary_imports_only_itself():
    assert _violations(VOCABULARY, VOCABULARY) == {}


def test_extraction_depends_only_on_the_vocabulary_and_the_catalog():
    assert _violations(EXTRACTION | CATALOG, VOCABULARY | CATALOG | EXTRACTION) == {}


def test_the_store_depends_only_on_the_vocabulary_and_the_catalog():
    assert _violations({"loaders.store"}, VOCABULARY | CATALOG) == {}


def test_every_loaders_module_is_in_one_layer():
    layered = VOCABULARY | CATALOG | EXTRACTION | {"loaders", "loaders.__main__"}
    unplaced = [
        _module_name(path)
        for path in _python_files("loaders")
        if _module_name(path) not in layered
        and not _module_name(path).startswith(("loaders.store", "loaders.services"))
    ]
    assert unplaced == []


def test_pages_never_import_the_store():
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name for name in _imports(path) if name.startswith("loaders.store")
        )
        for path in _python_files("dashboard/app_pages")
    }
    offenders["dashboard/streamlit_app.py"] = sorted(
        name
        for name in _imports(ROOT / "dashboard" / "streamlit_app.py")
        if name.startswith("loaders.store")
    )
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_pure_view_modules_import_no_streamlit():
    offenders = {
        name: sorted(
            module
            for module in _imports(ROOT / "dashboard" / f"{name}.py")
            if module.split(".")[0] == "streamlit"
        )
        for name in PURE_VIEWS
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_pages_live_in_app_pages_not_legacy_pages_folder():
    assert not (ROOT / "dashboard" / "pages").exists()


def test_tests_share_helpers_through_tests_support_not_conftest():
    importers = sorted(
        str(path.relative_to(ROOT))
        for path in _python_files("tests")
        if any("conftest" in name.split(".") for name in _imports(path))
    )
    assert importers == []
