"""Who may write: local mode, editor password, OIDC editors list (dashboard/auth.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import LOCAL_MODE_BANNER

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "dashboard" / "app_pages" / "upload.py")
APP = str(ROOT / "dashboard" / "streamlit_app.py")


@pytest.fixture(autouse=True)
def login_counts():
    """Each test starts with no failed guesses counted (the counts live in the process), on a
    clock the test moves."""
    from dashboard.auth import login_throttle
    from loaders.services import login

    throttle = login_throttle()
    throttle.clear()
    clock = [1000.0]
    throttle.clock = lambda: clock[0]
    yield clock
    throttle.clear()
    throttle.clock = login.time.monotonic


def page(**secrets) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.secrets.update(secrets)
    return at


def texts(at: AppTest, kind: str) -> str:
    return " ".join(str(element.value) for element in at.get(kind))


def test_local_mode_is_open_and_says_so(empty_app_db):
    at = page()
    at.run()
    assert not at.exception
    assert LOCAL_MODE_BANNER in texts(at, "alert") or LOCAL_MODE_BANNER in texts(at, "info")
    assert len(at.file_uploader) == 1


def test_password_mode_needs_the_right_password(empty_app_db, login_counts):
    at = page(editor_password="s3cret-pw")
    at.run()
    assert not at.file_uploader
    assert "只有编辑" in texts(at, "warning")
    assert LOCAL_MODE_BANNER not in texts(at, "info")

    at.text_input(key="auth_password").input("wrong")
    at.button[0].click()
    at.run()
    assert "密码不正确" in texts(at, "error")
    assert not at.file_uploader

    login_counts[0] += 1  # the wait after one wrong guess (loaders.services.login)
    at.text_input(key="auth_password").input("s3cret-pw")
    at.button[0].click()
    at.run()
    assert not at.exception
    assert len(at.file_uploader) == 1


def test_password_from_environment(empty_app_db, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BRIEFS_EDITOR_PASSWORD", "env-pw")
    at = page()
    at.run()
    assert not at.file_uploader
    at.text_input(key="auth_password").input("env-pw")
    at.button[0].click()
    at.run()
    assert len(at.file_uploader) == 1


OIDC = {
    "auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"},
    "editors": {"emails": ["Editor@Example.org"]},
}


@pytest.mark.parametrize(
    ("user", "editor"),
    [
        ({"is_logged_in": True, "email": "editor@example.org"}, True),
        ({"is_logged_in": True, "email": "reader@example.org"}, False),
        ({"is_logged_in": False}, False),
    ],
)
def test_oidc_editors_are_listed_by_email(empty_app_db, user, editor):
    at = page(**OIDC)
    at.user = user
    at.run()
    assert not at.exception
    assert bool(at.file_uploader) is editor
    assert LOCAL_MODE_BANNER not in texts(at, "info")


def test_router_hides_upload_from_viewers(empty_app_db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["editor_password"] = "s3cret-pw"
    at.run()
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/upload.py")


def test_an_oidc_login_that_cannot_start_is_a_message_not_a_traceback(empty_app_db):
    """[auth] without client_id/secret/server_metadata_url: st.login refuses to start."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback"}
    at.run()
    at.button(key="auth_login").click()
    at.run()
    assert not at.exception
    assert "无法开始登录" in texts(at, "error")


# ------------------------------------------------------------------ the HTTP API's access


@pytest.fixture
def no_settings(monkeypatch: pytest.MonkeyPatch):
    for variable in ("BRIEFS_EDITOR_PASSWORD", "BRIEFS_API_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def test_api_is_open_in_local_mode(no_settings):
    from dashboard.auth import api_refusal

    assert api_refusal(None) is None


TOKEN = "t0ken-of-sixteen-chars"


@pytest.fixture
def api_store(tmp_path: Path):
    """The store wrong tokens are audited in, and the token throttle on a clock the test
    moves (its counts live in the process)."""
    from dashboard.auth import API_TOKEN_THROTTLE
    from loaders.services import login
    from loaders.store import open_store

    clock = [1000.0]
    API_TOKEN_THROTTLE.clear()
    API_TOKEN_THROTTLE.clock = lambda: clock[0]
    with open_store(tmp_path / "api.duckdb") as store:
        yield store, clock
    API_TOKEN_THROTTLE.clear()
    API_TOKEN_THROTTLE.clock = login.time.monotonic


def test_api_needs_a_configured_token_once_a_password_is_set(no_settings, api_store):
    from dashboard.auth import api_refusal

    store, clock = api_store

    def refusal(header, address="10.0.0.1"):
        return api_refusal(header, address=address, store=lambda: store)

    no_settings.setenv("BRIEFS_EDITOR_PASSWORD", "pw")
    closed = refusal("Bearer anything")
    assert closed is not None and closed.status == 403 and "BRIEFS_API_TOKEN" in closed.message
    no_settings.setenv("BRIEFS_API_TOKEN", TOKEN)
    assert refusal(None).status == 401
    assert refusal(f"Basic {TOKEN}").status == 401
    assert refusal(f"Bearer {TOKEN}x").status == 401
    clock[0] += 1
    assert refusal(f"Bearer {TOKEN}") is None
    assert refusal(f"bearer  {TOKEN} ") is None


def test_api_follows_oidc_like_a_password(no_settings, api_store):
    from dashboard import auth

    secrets = {"auth": OIDC["auth"], "api_token": "from-secrets-16-chars"}
    no_settings.setattr(auth, "_secret", secrets.get)
    assert auth.auth_mode() == "oidc"
    assert auth.api_refusal(None).status == 401
    assert auth.api_refusal("Bearer from-secrets-16-chars") is None


def test_a_token_set_in_local_mode_is_required_too(no_settings, api_store):
    from dashboard.auth import api_refusal

    no_settings.setenv("BRIEFS_API_TOKEN", TOKEN)
    assert api_refusal(None).status == 401
    assert api_refusal(f"Bearer {TOKEN}") is None


def test_wrong_api_tokens_are_throttled_and_audited_like_passwords(no_settings, api_store):
    """A wrong token is counted per address and audited; the next is checked only after a
    wait that doubles (a right one too: refused unchecked, so a guesser learns nothing), ten
    lock the address out; another address is not held up."""
    from dashboard.auth import api_refusal
    from loaders.services import login
    from loaders.store import queries

    store, clock = api_store
    no_settings.setenv("BRIEFS_EDITOR_PASSWORD", "pw")
    no_settings.setenv("BRIEFS_API_TOKEN", TOKEN)

    def refusal(header, address="10.0.0.9"):
        return api_refusal(header, address=address, store=lambda: store)

    before = queries.data_state(store)
    wrong = refusal("Bearer guess-one")
    assert (wrong.status, wrong.retry_after) == (401, 1)
    held = refusal(f"Bearer {TOKEN}")
    assert held.status == 429 and held.retry_after == 1 and "1 秒后再试" in held.message
    assert refusal(f"Bearer {TOKEN}", address="10.0.0.10") is None
    clock[0] += 1
    assert refusal("Bearer guess-two").retry_after == 2
    clock[0] += 2
    assert refusal(f"Bearer {TOKEN}") is None  # a right token clears the count
    for _ in range(login.LOCKOUT_FAILURES):
        clock[0] += login.MAX_DELAY_SECONDS
        last = refusal("Bearer guess")
    assert last.status == 429 and "locked" in last.message
    clock[0] += login.MAX_DELAY_SECONDS
    assert refusal(f"Bearer {TOKEN}").status == 429  # locked: the right token too
    clock[0] += login.LOCKOUT_SECONDS
    assert refusal(f"Bearer {TOKEN}") is None

    audit = queries.audit_log(store)
    actions = audit["action"].tolist()
    assert actions.count("token_failed") == 2 + login.LOCKOUT_FAILURES
    assert actions.count("token_locked") == 1
    assert set(audit["actor"]) == {"API client at 10.0.0.9"}
    assert queries.data_state(store) == before  # records, not data


def test_a_short_api_token_is_refused_at_start_up_and_by_the_api(no_settings, tmp_path):
    import os
    import subprocess
    import sys

    from dashboard.auth import api_refusal

    no_settings.setenv("BRIEFS_API_TOKEN", "short-token")
    refused = api_refusal("Bearer short-token")
    assert refused.status == 503 and "至少要 16 个" in refused.message
    started = subprocess.run(
        [sys.executable, "-m", "dashboard.serve", "--port", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "BRIEFS_DB": str(tmp_path / "s.duckdb")},
    )
    assert started.returncode == 2
    assert "只有 11 个字符，至少要 16 个" in started.stderr
