"""Architecture rules from STYLE.md and the layout in README.md, checked on the source tree.

- loaders/ never imports the UI; only loaders/store/ holds SQL;
- loaders/ is folders by layer (LAYERS): each imports itself and the folders below it, so the
  vocabulary imports nothing else, the extraction never reaches into the store or the use cases
  (loaders/services/), the store never into the extraction; no two modules share a name;
- pages never import the store (they read through dashboard.data, write through services);
- the pure view modules import no streamlit;
- tests share helpers through tests/support/, never by importing conftest.py;
- no module of loaders/ or dashboard/ is over 500 lines.
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

# The folders of loaders/, each named after what flows through it, and the folders each may
# import besides itself. The records (models, errors, paths) directly in loaders/ are shared by
# all and import only the vocabulary.
LAYERS: dict[str, set[str]] = {
    "vocab": set(),
    "guards": {"vocab"},
    "catalog": {"vocab", "guards"},
    "text": {"vocab", "guards"},
    "figures": {"vocab", "guards", "catalog", "text"},
    "intake": {"vocab", "guards", "catalog", "text", "figures"},
    "series": {"vocab", "guards", "catalog"},
    "evaluation": {"vocab", "guards", "catalog", "text", "figures", "intake"},
    "store": {"vocab", "guards", "catalog", "series"},
    "services": {"vocab", "guards", "catalog", "text", "figures", "intake", "series", "store"},
}
# The command line's command groups (loaders/cli/, called by loaders/__main__.py) sit on top of
# everything, and nothing imports them.
LAYERS["cli"] = set(LAYERS)
RECORDS = {"loaders.models", "loaders.errors", "loaders.paths"}
MOST_MODULES_DIRECTLY_IN_LOADERS = 12
PURE_VIEWS = (
    "charts",
    "chart_hover",
    "chart_layout",
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


def _layer(module: str) -> str:
    """The folder of loaders/ a module belongs to ("" for the records and the CLI)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else ""


def _layer_violations() -> dict[str, list[str]]:
    out = {}
    for path in _python_files("loaders"):
        name = _module_name(path)
        if name == "loaders.__main__":
            continue  # the command line sits on top of everything
        layer = _layer(name)
        allowed = LAYERS[layer] if layer else {"vocab"}
        bad = sorted(
            {
                module
                for module in _imports(path)
                if module.startswith("loaders.")
                and ".".join(module.split(".")[:2]) not in RECORDS | {"loaders.__main__"}
                and _layer(module) != layer
                and _layer(module) not in allowed
            }
        )
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


def test_each_folder_imports_only_the_folders_below_it():
    assert _layer_violations() == {}


def test_every_loaders_module_is_in_a_folder_or_a_shared_record():
    loose = sorted(
        _module_name(path)
        for path in (ROOT / "loaders").glob("*.py")
        if _module_name(path) not in RECORDS | {"loaders", "loaders.__main__"}
    )
    assert loose == []
    assert len(list((ROOT / "loaders").glob("*.py"))) <= MOST_MODULES_DIRECTLY_IN_LOADERS
    folders = {
        path.name for path in (ROOT / "loaders").iterdir() if (path / "__init__.py").exists()
    }
    assert folders == set(LAYERS)


def test_no_two_modules_of_the_pipeline_share_a_name():
    # The store and the use cases hold one module per subject each (queries.series beside
    # services.series is one subject in two layers); the folders of the pipeline and the
    # records name each module once, and no such name recurs in the store or the use cases.
    by_name: dict[str, list[str]] = {}
    subjects: set[str] = set()
    for path in _python_files("loaders"):
        if path.name == "__init__.py":
            continue
        if _layer(_module_name(path)) in ("store", "services"):
            subjects.add(path.stem)
        else:
            by_name.setdefault(path.stem, []).append(str(path.relative_to(ROOT)))
    shared = {name: paths for name, paths in by_name.items() if len(paths) > 1 or name in subjects}
    assert shared == {}


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


# A module longer than this is doing more than one job (issue 21): split it by job, not by
# moving lines into a helper named after the file.
MOST_LINES_PER_MODULE = 500


def test_no_module_of_loaders_or_dashboard_is_over_the_line_limit():
    too_long = {
        str(path.relative_to(ROOT)): count
        for path in _python_files("loaders", "dashboard")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MOST_LINES_PER_MODULE
    }
    assert not too_long, f"over {MOST_LINES_PER_MODULE} lines: {too_long}"
