"""The README is the user's manual: every command, target and setting must be in it."""

import re
from pathlib import Path

from dashboard import auth
from dashboard.upload_guard import UPLOAD_BUDGET_ENV_VAR
from loaders import paths
from loaders.__main__ import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _make_targets() -> list[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.M)
    assert phony, "Makefile declares its targets as .PHONY"
    return phony.group(1).split()


def test_readme_names_every_make_target():
    missing = [target for target in _make_targets() if f"make {target}" not in README]
    assert missing == []


def test_readme_shows_every_cli_command():
    subcommands = build_parser()._subparsers._group_actions[0].choices
    missing = [name for name in subcommands if f"python -m loaders {name}" not in README]
    assert missing == []


def test_readme_shows_every_catalog_action():
    catalog = build_parser()._subparsers._group_actions[0].choices["catalog"]  # noqa: SLF001
    actions = next(action for action in catalog._actions if action.dest == "action")  # noqa: SLF001
    missing = [
        name for name in actions.choices if f"python -m loaders catalog {name}" not in README
    ]
    assert missing == []


def test_readme_documents_every_environment_setting():
    from dashboard import mailer, warm
    from loaders.services import mail
    from loaders.store import convert

    for variable in (
        paths.DB_ENV_VAR,
        paths.DATA_PATH_ENV_VAR,
        auth.PASSWORD_ENV_VAR,
        warm.WARM_ENV_VAR,
        UPLOAD_BUDGET_ENV_VAR,
        auth.API_TOKEN_ENV_VAR,
        convert.LEGACY_ENV_VAR,
        mailer.MAILS_ENV_VAR,
        *mail.ENV_VARS.values(),
    ):
        assert f"`{variable}`" in README


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in README and re.search(r"^make test$", ci, re.M)
