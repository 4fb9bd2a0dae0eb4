"""Retracting an issue from the 期刊 page: editors only, after a confirmation, audited."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from loaders.store import open_store, queries

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py")


def issues_page(issue: str, **secrets) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets.update(secrets)
    at.run()
    at.switch_page("app_pages/issues.py")
    at.query_params["issue"] = issue
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_retract_needs_confirmation_and_is_audited(app_db):
    at = issues_page("2021-15")
    retract = at.button(key="retract_2021-15")
    assert retract.disabled
    assert any("审计日志" in e.label for e in at.expander)

    at.checkbox(key="retract_confirm_2021-15").check()
    at.run()
    at.button(key="retract_2021-15").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "已撤回 2021-15" in [s.value for s in at.success]
    assert at.selectbox(key="issues_selected").options == ["2021 年第 29 期（2021-08-30）"]
    with open_store(app_db) as store:
        assert queries.issues(store)["issue_key"].tolist() == ["2021-29"]
        assert queries.series(store, ["telecom_ma_value"]).empty
        last = queries.audit_log(store).iloc[0]
    assert (last["action"], last["actor"], last["issue_key"]) == ("retract", "local", "2021-15")
    log = [f.value for f in at.dataframe if "操作" in f.value.columns]
    assert log and log[0]["操作"].iloc[0] == "retract"


def test_viewers_see_no_admin_tools(app_db):
    at = issues_page("2021-15", editor_password="s3cret-pw")
    assert not [b for b in at.button if (b.key or "").startswith("retract_")]
    assert not any("审计日志" in e.label for e in at.expander)
