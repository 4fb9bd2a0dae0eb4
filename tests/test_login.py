"""Editor password guessing is throttled and audited (loaders/services/login.py).

The rule is driven with a clock the test moves (no sleeping); the audit rows are read back
from a real DuckDB file. The page test at the end drives the sidebar login through AppTest.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders.services import login
from loaders.services.login import LoginThrottle, attempt_password
from loaders.store import Store, open_store, queries

RIGHT = "s3cret-pw"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path):
    with open_store(tmp_path / "login.duckdb") as opened:
        yield opened


@pytest.fixture
def clock() -> Clock:
    return Clock()


def attempt(store: Store, throttle: LoginThrottle, given: str, session="s1", address="10.0.0.9"):
    checked: list[str] = []

    def is_right(password: str) -> bool:
        checked.append(password)
        return password == RIGHT

    outcome = attempt_password(
        store, throttle, given=given, is_right=is_right, session=session, address=address
    )
    return outcome, checked


def failures_logged(store: Store) -> list[str]:
    log = queries.audit_log(store)
    return log[log["action"].str.startswith("login")]["action"].tolist()[::-1]


def test_each_failure_makes_the_next_attempt_wait_longer(store, clock):
    throttle = LoginThrottle(clock)
    waits = []
    for _ in range(5):
        outcome, checked = attempt(store, throttle, "guess")
        assert outcome.status == "wrong" and checked == ["guess"]
        wait = throttle.check(login._keys("s1", "10.0.0.9")).wait_seconds
        waits.append(wait)
        # Too early: refused without looking at the password, and not counted or logged.
        outcome, checked = attempt(store, throttle, RIGHT)
        assert outcome.status == "wait" and checked == [] and "秒后再试" in outcome.message
        clock.now += wait
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert failures_logged(store) == ["login_failed"] * 5


def test_the_delay_stops_growing_at_its_cap(store, clock):
    throttle = LoginThrottle(clock)
    for _ in range(login.LOCKOUT_FAILURES - 1):
        attempt(store, throttle, "guess")
        clock.now += throttle.check(login._keys("s1", "10.0.0.9")).wait_seconds
    assert throttle.check(login._keys("s1", "10.0.0.9")).allowed
    throttle.failed(login._keys("s9", "10.9.9.9"))  # another key does not matter
    assert login.FIRST_DELAY_SECONDS * 2**8 > login.MAX_DELAY_SECONDS
    attempt(store, throttle, "guess")  # the tenth failure: locked
    verdict = throttle.check(login._keys("s1", "10.0.0.9"))
    assert verdict.locked and verdict.wait_seconds == login.LOCKOUT_SECONDS


def test_a_lockout_refuses_even_the_right_password_until_the_window_ends(store, clock):
    throttle = LoginThrottle(clock)
    for _ in range(login.LOCKOUT_FAILURES):
        outcome, _ = attempt(store, throttle, "guess")
        clock.now += throttle.check(login._keys("s1", "10.0.0.9")).wait_seconds * (
            outcome.status == "wrong"
        )
    assert outcome.status == "locked"
    assert failures_logged(store)[-2:] == ["login_failed", "login_locked"]

    outcome, checked = attempt(store, throttle, RIGHT)
    assert outcome.status == "locked" and checked == [] and "锁定" in outcome.message
    clock.now += login.LOCKOUT_SECONDS - 1
    assert attempt(store, throttle, RIGHT)[0].status == "locked"

    clock.now += 1
    outcome, checked = attempt(store, throttle, RIGHT)
    assert outcome.granted and checked == [RIGHT]
    assert failures_logged(store)[-1] == "login"


def test_new_sessions_from_one_address_share_its_count(store, clock):
    throttle = LoginThrottle(clock)
    attempt(store, throttle, "guess", session="first")
    assert attempt(store, throttle, RIGHT, session="second")[0].status == "wait"
    # Another address in another session is not held up by this guesser.
    assert attempt(store, throttle, RIGHT, session="third", address="10.0.0.10")[0].granted


def test_one_session_from_many_addresses_shares_its_count(store, clock):
    throttle = LoginThrottle(clock)
    attempt(store, throttle, "guess", address="10.0.0.1")
    assert attempt(store, throttle, "guess", address="10.0.0.2")[0].status == "wait"


def test_a_success_clears_the_count(store, clock):
    throttle = LoginThrottle(clock)
    for _ in range(3):
        attempt(store, throttle, "guess")
        clock.now += 60
    assert attempt(store, throttle, RIGHT)[0].granted
    attempt(store, throttle, "guess")
    assert throttle.check(login._keys("s1", "10.0.0.9")).wait_seconds == 1.0


def test_each_audit_row_is_a_write_of_records_not_of_data(store, clock):
    """The audit log shows the row at once (its cache is keyed on the write version), and no
    cache of the data is thrown away by a wrong password."""
    throttle = LoginThrottle(clock)
    before = queries.data_state(store)
    writes_before = queries.write_version(store)
    attempt(store, throttle, "guess")
    attempt(store, throttle, "guess")  # refused unchecked: no row
    assert queries.write_version(store) == writes_before + 1
    assert queries.data_state(store) == before
    row = queries.audit_log(store).iloc[0]
    assert row["action"] == "login_failed" and row["actor"] == "anonymous from 10.0.0.9"
    assert "1 failures in a row" in row["detail"]


# ------------------------------------------------------------------ the sidebar login


def test_the_sidebar_login_waits_after_a_wrong_password_and_logs_it(empty_app_db, clock):
    from dashboard.auth import login_throttle

    throttle = login_throttle()
    throttle.clear()
    throttle.clock = clock
    try:
        at = AppTest.from_file(str(Path(__file__).parent.parent / "dashboard/streamlit_app.py"))
        at.secrets["editor_password"] = RIGHT
        at.run(timeout=60)
        at.text_input(key="auth_password").input("guess")
        at.button[0].click()
        at.run(timeout=60)
        assert "密码不正确" in " ".join(e.value for e in at.error)
        at.text_input(key="auth_password").input(RIGHT)
        at.button[0].click()
        at.run(timeout=60)
        assert "秒后再试" in " ".join(e.value for e in at.error)
        assert at.text_input(key="auth_password")  # still logged out

        clock.now += login.FIRST_DELAY_SECONDS
        at.text_input(key="auth_password").input(RIGHT)
        at.button[0].click()
        at.run(timeout=60)
        assert not at.exception
        assert not [t for t in at.text_input if t.key == "auth_password"]  # logged in
    finally:
        throttle.clear()
        throttle.clock = login.time.monotonic
    with open_store(empty_app_db) as store:
        assert failures_logged(store) == ["login_failed", "login"]
