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


def test_api_needs_a_configured_token_once_a_password_is_set(no_settings):
    from dashboard.auth import api_refusal

    no_settings.setenv("BRIEFS_EDITOR_PASSWORD", "pw")
    closed = api_refusal("Bearer anything")
    assert closed is not None and closed.status == 403 and "BRIEFS_API_TOKEN" in closed.message
    no_settings.setenv("BRIEFS_API_TOKEN", "t0ken")
    assert api_refusal(None).status == 401
    assert api_refusal("Basic t0ken").status == 401
    assert api_refusal("Bearer t0kex").status == 401
    assert api_refusal("Bearer t0ken") is None
    assert api_refusal("bearer  t0ken ") is None


def test_api_follows_oidc_like_a_password(no_settings):
    from dashboard import auth

    secrets = {"auth": OIDC["auth"], "api_token": "from-secrets"}
    no_settings.setattr(auth, "_secret", secrets.get)
    assert auth.auth_mode() == "oidc"
    assert auth.api_refusal(None).status == 401
    assert auth.api_refusal("Bearer from-secrets") is None


def test_a_token_set_in_local_mode_is_required_too(no_settings):
    from dashboard.auth import api_refusal

    no_settings.setenv("BRIEFS_API_TOKEN", "t0ken")
    assert api_refusal(None).status == 401
    assert api_refusal("Bearer t0ken") is None
