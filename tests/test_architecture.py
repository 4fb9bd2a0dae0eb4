"""Architecture rules from STYLE.md, checked on the source tree."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORE_MODULE = ROOT / "loaders" / "store.py"
SQL_KEYWORDS = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|DELETE\s+FROM|CREATE\s+TABLE|UPDATE\s+\w+\s+SET)\b",
    re.I | re.S,
)


def _python_files(*folders: str) -> list[Path]:
    return [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_loaders_never_import_the_ui():
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            _imported_modules(path) & {"streamlit", "dashboard", "plotly"}
        )
        for path in _python_files("loaders")
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_only_the_store_module_holds_sql():
    holders = []
    for path in _python_files("loaders", "dashboard"):
        if path == STORE_MODULE:
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


def test_pages_live_in_app_pages_not_legacy_pages_folder():
    assert not (ROOT / "dashboard" / "pages").exists()
