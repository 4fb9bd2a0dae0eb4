"""OIDC login starts the flow: 登录 takes the browser to the provider's authorize URL.

The provider is a fake served by the test on loopback: its discovery document
(/.well-known/openid-configuration) names an authorize endpoint on itself, which records
the request and answers with a plain page. The dashboard runs with `streamlit run` and a
secrets file holding an [auth] section; headless Chromium clicks 登录 in the sidebar.
"""

from __future__ import annotations

import json
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from bench.serve import free_port
from loaders.store import open_store
from tests.support.browser import require_chromium, serve_dashboard

ROOT = Path(__file__).resolve().parent.parent
RENDER_TIMEOUT_MS = 60_000
CLIENT_ID = "briefs-dashboard-test"


def test_the_oidc_login_dependencies_are_installed_by_make_run():
    """st.login needs Authlib (and httpx); `make run` installs the project's dependencies."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert any(
        dependency.replace(" ", "").lower().startswith(("streamlit[auth]", "authlib"))
        for dependency in project["dependencies"]
    )
    import authlib.integrations.starlette_client  # noqa: F401 - what st.login imports


@pytest.fixture
def provider() -> Iterator[dict]:
    """A fake OIDC provider on loopback; yields its base URL and the authorize requests."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the http.server interface
            base = f"http://127.0.0.1:{self.server.server_port}"
            if self.path.startswith("/.well-known/openid-configuration"):
                body = json.dumps(
                    {
                        "issuer": base,
                        "authorization_endpoint": f"{base}/authorize",
                        "token_endpoint": f"{base}/token",
                        "jwks_uri": f"{base}/jwks",
                        "response_types_supported": ["code"],
                        "subject_types_supported": ["public"],
                        "id_token_signing_alg_values_supported": ["RS256"],
                    }
                ).encode()
                content_type = "application/json"
            elif self.path.startswith("/authorize"):
                requests.append(self.path)
                body, content_type = b"<html><body>fake provider</body></html>", "text/html"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"base": f"http://127.0.0.1:{server.server_port}", "authorize": requests}
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_login_takes_the_browser_to_the_providers_authorize_url(tmp_path, provider):
    require_chromium()
    from playwright.sync_api import sync_playwright

    from bench.serve import CHROMIUM, CHROMIUM_ARGS

    db = tmp_path / "briefs.duckdb"
    open_store(db).close()
    port = free_port()
    app = f"http://127.0.0.1:{port}"
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{app}/oauth2callback"\n'
        'cookie_secret = "a long random string for the test only"\n'
        f'client_id = "{CLIENT_ID}"\n'
        'client_secret = "not-a-secret"\n'
        f'server_metadata_url = "{provider["base"]}/.well-known/openid-configuration"\n'
        "[editors]\n"
        'emails = ["editor@example.org"]\n',
        encoding="utf-8",
    )
    with (
        serve_dashboard(db, port=port, options=["--secrets.files", str(secrets)]) as base,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(RENDER_TIMEOUT_MS)
            page.goto(base + "/")
            page.get_by_role("button", name="登录", exact=True).click()
            page.wait_for_url(f"{provider['base']}/authorize*")
            assert page.locator("body").inner_text() == "fake provider"
        finally:
            browser.close()
    (request,) = provider["authorize"]
    query = parse_qs(urlparse(request).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [f"{app}/oauth2callback"]
    assert query["response_type"] == ["code"]
    assert "openid" in query["scope"][0].split()
