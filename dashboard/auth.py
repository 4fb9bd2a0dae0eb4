"""Who may write: the editor role, decided once per session from settings and login.

Three modes, chosen by what is configured:
- "oidc": secrets have an [auth] section; editors log in with st.login and must be listed
  by email in secrets ([editors] emails = [...]).
- "password": an editor password is set (st.secrets["editor_password"] or env
  BRIEFS_EDITOR_PASSWORD); the role is remembered in st.session_state after a correct entry.
- "local": nothing configured; everyone may edit (a laptop, a test run).

Pages call current_role(); the use cases in loaders/services check the role again
before touching the store, so a hidden page is not the only guard.

The HTTP API (dashboard.api) has no session to log in with, so it follows the mode with a
token: in local mode it is open; once a password or OIDC is configured, a program must send
`Authorization: Bearer <token>` with the configured API token (secrets `api_token` or env
BRIEFS_API_TOKEN), and without a configured token the API stays closed. A configured token
is required in local mode too. A token is at least 16 characters (the dashboard does not
start with a shorter one, and the API refuses every request under it), and wrong tokens are
throttled and audited as wrong passwords are (loaders.services.login.attempt_token).
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard.markup import plain_markdown
from loaders.services.login import (
    LoginThrottle,
    api_token_problem,
    attempt_password,
    attempt_token,
)
from loaders.store import Store

Role = Literal["editor", "viewer"]
AuthMode = Literal["local", "oidc", "password"]

PASSWORD_ENV_VAR = "BRIEFS_EDITOR_PASSWORD"
API_TOKEN_ENV_VAR = "BRIEFS_API_TOKEN"
# Session key holding the role granted by a correct password entry.
SESSION_ROLE_KEY = "auth_editor_granted"
LOCAL_MODE_BANNER = "本地模式：未配置登录，所有人可编辑"
# A message that outlives the rerun after 登录 could not start an OIDC login.
_LOGIN_PROBLEM_KEY = "auth_login_problem"
logger = logging.getLogger(__name__)


def _secret(key: str) -> Any:
    """One top-level secret, or None; a missing or unreadable secrets.toml means "not set"."""
    # st.secrets is looked up on the module each time: AppTest swaps it per run.
    try:
        if not st.secrets.load_if_toml_exists():
            return None
        return st.secrets.get(key)
    except Exception:  # any secrets problem reads as "not configured"
        return None


def editor_password() -> str | None:
    """The configured editor password (secrets first, then the environment), or None."""
    configured = _secret("editor_password")
    if configured:
        return str(configured)
    from_env = os.environ.get(PASSWORD_ENV_VAR, "")
    return from_env or None


def api_token() -> str | None:
    """The token programs send to read the API (secrets first, then the environment)."""
    configured = _secret("api_token")
    if configured:
        return str(configured)
    return os.environ.get(API_TOKEN_ENV_VAR, "").strip() or None


@dataclass(frozen=True)
class ApiRefusal:
    """Why an API request may not read: the HTTP status and the message to send back, and
    how long a throttled client must wait (Retry-After)."""

    status: int
    message: str
    retry_after: float | None = None


# Wrong API tokens of this process, by client address (the API has no session).
API_TOKEN_THROTTLE = LoginThrottle()


def api_refusal(
    authorization: str | None,
    *,
    address: str | None = None,
    store: Callable[[], Store] | None = None,
) -> ApiRefusal | None:
    """None when a request with this Authorization header, from this client address, may
    read the API; else why not. store: where a wrong token is audited."""
    token = api_token()
    problem = api_token_problem(token)
    if problem is not None:
        return ApiRefusal(503, problem)
    if token is None:
        if auth_mode() == "local":
            return None
        return ApiRefusal(
            403,
            "this dashboard requires a login and no API token is configured; set "
            f"{API_TOKEN_ENV_VAR} (or api_token in .streamlit/secrets.toml) to open the API",
        )
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return ApiRefusal(401, "send the API token as the header Authorization: Bearer <token>")
    outcome = attempt_token(
        store or _app_store,
        API_TOKEN_THROTTLE,
        given=given.strip(),
        is_right=lambda sent: hmac.compare_digest(sent.encode("utf-8"), token.encode("utf-8")),
        address=address,
    )
    if outcome.granted:
        return None
    wait = max(1, round(outcome.wait_seconds))
    if outcome.status == "wrong":
        return ApiRefusal(401, "the API token is not valid", retry_after=wait)
    what = "locked out" if outcome.status == "locked" else "wait"
    return ApiRefusal(
        429,
        f"错误的 API 令牌过多，请 {wait} 秒后再试 (too many wrong API tokens from this "
        f"address: {what} {wait} s)",
        retry_after=wait,
    )


def _app_store() -> Store:
    # Imported here: this module is imported when `streamlit run` loads the app, before
    # the runtime dashboard.data's caches need.
    from dashboard import data

    return data.get_store()


def editor_emails() -> set[str]:
    """Lower-cased emails allowed to edit when logging in with OIDC."""
    section = _secret("editors")
    emails: Any = None
    if isinstance(section, dict) or hasattr(section, "get"):
        emails = section.get("emails")
    if isinstance(emails, str):
        emails = [emails]
    return {str(email).strip().lower() for email in (emails or []) if str(email).strip()}


def auth_mode() -> AuthMode:
    if _secret("auth"):
        return "oidc"
    if editor_password():
        return "password"
    return "local"


def check_password(given: str) -> bool:
    """Constant-time comparison with the configured password; False when none is set."""
    expected = editor_password()
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _user_email() -> str | None:
    try:
        if not st.user.is_logged_in:
            return None
        email = st.user.get("email")
    except Exception:  # no user info (no auth configured) means no email
        return None
    return str(email).strip().lower() if email else None


def current_role() -> Role:
    """ "editor" when this session may write, else "viewer"."""
    mode = auth_mode()
    if mode == "local":
        return "editor"
    if mode == "oidc":
        email = _user_email()
        return "editor" if email and email in editor_emails() else "viewer"
    return "editor" if st.session_state.get(SESSION_ROLE_KEY) is True else "viewer"


def current_actor() -> str:
    """Who is acting, for the audit log."""
    mode = auth_mode()
    if mode == "oidc":
        return _user_email() or "anonymous"
    if mode == "password":
        return "editor (password)" if current_role() == "editor" else "anonymous"
    return "local"


def watcher_identity() -> str | None:
    """Whose watchlist this session keeps (loaders.services.watch): the login's email with
    OIDC, "local" in local mode (one list for the machine), "editor" for the editor
    password (the editors share it); None for a viewer who is not logged in."""
    mode = auth_mode()
    if mode == "local":
        return "local"
    if mode == "oidc":
        return _user_email()
    return "editor" if current_role() == "editor" else None


def _start_oidc_login() -> None:
    """st.login, or a message when the [auth] settings cannot start a login (the reason goes
    to the server log, not to the page)."""
    try:
        st.login()
    except StreamlitAPIException:
        logger.exception("OIDC login could not start")
        st.session_state[_LOGIN_PROBLEM_KEY] = (
            "无法开始登录：服务器的登录设置（[auth]）不完整，请联系管理员。"
        )


def render_login() -> None:
    """Login / logout controls for the current mode; shows the local-mode banner when open."""
    mode = auth_mode()
    if mode == "local":
        st.info(LOCAL_MODE_BANNER, icon=":material/lock_open:")
        return
    if mode == "oidc":
        email = _user_email()
        if email is None:
            st.button("登录", on_click=_start_oidc_login, key="auth_login")
            problem = st.session_state.pop(_LOGIN_PROBLEM_KEY, None)
            if problem:
                st.error(problem)
            return
        if email not in editor_emails():
            st.warning(f"{plain_markdown(email)} 不在编辑名单中，只能查看。")
        st.button("退出", on_click=st.logout, key="auth_logout")
        return
    if current_role() == "editor":
        if st.button("退出编辑", key="auth_logout"):
            st.session_state[SESSION_ROLE_KEY] = False
            st.rerun()
        return
    with st.form("auth_password_form"):
        given = st.text_input("编辑密码", type="password", key="auth_password")
        submitted = st.form_submit_button("登录")
    if submitted:
        # Imported here: the HTTP API imports this module when `streamlit run` loads the app,
        # before Streamlit's runtime exists, and dashboard.data's caches would warn then.
        from dashboard import data

        # How many guesses, how long to wait, the audit rows: loaders.services.login.
        outcome = attempt_password(
            data.get_store(),
            login_throttle(),
            given=given,
            is_right=check_password,
            session=_session_id(),
            address=st.context.ip_address,
        )
        if outcome.granted:
            st.session_state[SESSION_ROLE_KEY] = True
            st.rerun()
        st.error(outcome.message)


@st.cache_resource(show_spinner=False)
def login_throttle() -> LoginThrottle:
    """The password failures of this process, shared by every session."""
    return LoginThrottle()


def _session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "unknown"
