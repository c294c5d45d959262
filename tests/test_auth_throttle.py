"""Repeated failed sign-ins are slowed down per account and per client address, with exponential
back-off, a clear message that never says whether the email exists, and 429 + Retry-After."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.requests import Request

from navigator.app.factory import create_app
from navigator.auth import throttle
from navigator.auth.testing import DEFAULT_PASSWORD, auth_client, csrf_from, make_user
from navigator.auth.users import utcnow
from navigator.config import Settings
from navigator.store.db import Store
from navigator.store.models_accounts import SignInThrottle

HTML = {"accept": "text/html"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", signin_ip_max_failures=50)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with auth_client(create_app(settings)) as c:
        make_user(c, "navigator", "nina@example.org")
        yield c


def attempt(client: TestClient, email: str, password: str):  # type: ignore[no-untyped-def]
    data = {"email": email, "password": password, "csrf_token": csrf_from(client)}
    return client.post("/sign-in", data=data, headers=HTML, follow_redirects=False)


def alert_text(response) -> str:  # type: ignore[no-untyped-def]
    alert = BeautifulSoup(response.text, "html.parser").find(attrs={"role": "alert"})
    return alert.get_text(" ", strip=True) if alert else ""


def test_five_failures_lock_the_account_even_for_the_right_password(client: TestClient) -> None:
    for _ in range(5):
        assert attempt(client, "nina@example.org", "not the password!").status_code == 401
    locked = attempt(client, "nina@example.org", DEFAULT_PASSWORD)
    assert locked.status_code == 429
    assert 0 < int(locked.headers["retry-after"]) <= 30
    assert "Too many failed attempts to sign in" in alert_text(locked)
    assert "wait 1 minute" in alert_text(locked)
    assert "navigator_session" not in locked.headers.get("set-cookie", "")
    # A different account from the same address is not locked (the address limit is higher).
    make_user(client, "curator", "carl@example.org")
    assert attempt(client, "carl@example.org", DEFAULT_PASSWORD).status_code == 303


def test_unknown_email_is_locked_the_same_way(client: TestClient) -> None:
    real = [attempt(client, "nina@example.org", "wrong wrong wrong").status_code for _ in range(6)]
    ghost = [attempt(client, "ghost@example.org", "wrong wrong wrong").status_code for _ in range(6)]
    assert real == ghost == [401] * 5 + [429]
    a = attempt(client, "nina@example.org", "x" * 12)
    b = attempt(client, "ghost@example.org", "x" * 12)
    assert alert_text(a).replace("nina", "") == alert_text(b).replace(
        "ghost", ""
    )  # nothing reveals which exists


def test_waiting_out_the_lock_then_success_clears_the_account_counter(client: TestClient) -> None:
    for _ in range(5):
        attempt(client, "nina@example.org", "wrong wrong wrong")
    store = client.app.state.store  # type: ignore[attr-defined]
    key = throttle.account_key("nina@example.org")
    with store.write() as s:
        row = s.get(SignInThrottle, key)
        row.locked_until = utcnow() - timedelta(seconds=1)
    assert attempt(client, "NINA@example.org", DEFAULT_PASSWORD).status_code == 303
    with store.read() as s:
        assert s.get(SignInThrottle, key) is None
        assert s.get(SignInThrottle, throttle.address_key("testclient")).failures == 5  # address keeps count


def test_one_address_trying_many_accounts_is_slowed(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "ip", signin_ip_max_failures=8)
    with auth_client(create_app(settings)) as client:
        make_user(client, "navigator", "nina@example.org")
        statuses = [
            attempt(client, f"person{i}@example.org", "guess guess guess").status_code for i in range(8)
        ]
        assert statuses == [401] * 8
        locked = attempt(client, "nina@example.org", DEFAULT_PASSWORD)
        assert locked.status_code == 429 and "Too many failed attempts" in alert_text(locked)


def test_the_wait_doubles_and_is_capped(store: Store) -> None:
    settings = Settings(data_dir=Path("unused"), signin_backoff_seconds=30, signin_backoff_max_seconds=200)
    now = utcnow()
    waits = []
    for i in range(9):
        throttle.record_failure(store, settings, "p@example.org", "10.0.0.1", now + timedelta(milliseconds=i))
        waits.append(
            throttle.wait_seconds(store, "p@example.org", "10.9.9.9", now + timedelta(milliseconds=i))
        )
    assert waits == [0, 0, 0, 0, 30, 60, 120, 200, 200]
    assert throttle.wait_seconds(store, "other@example.org", "10.9.9.9", now) == 0


def test_old_failures_are_forgotten(store: Store) -> None:
    settings = Settings(data_dir=Path("unused"))
    then = utcnow() - timedelta(days=2)
    for _ in range(4):
        throttle.record_failure(store, settings, "p@example.org", "10.0.0.1", then)
    throttle.record_failure(store, settings, "p@example.org", "10.0.0.1")
    with store.read() as s:
        assert s.get(SignInThrottle, throttle.account_key("p@example.org")).failures == 1
    assert throttle.wait_seconds(store, "p@example.org", "10.0.0.1") == 0


def test_throttle_rows_hold_no_email_or_address(store: Store) -> None:
    throttle.record_failure(
        store, Settings(data_dir=Path("unused")), "secret.person@example.org", "203.0.113.9"
    )
    with store.read() as s:
        keys = [row.key for row in s.scalars(select(SignInThrottle))]
    assert len(keys) == 2 and all(len(k) == 64 and "@" not in k and "203" not in k for k in keys)


def _request(headers: dict[str, str], client: str = "10.1.1.1") -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "headers": raw, "client": (client, 1234), "method": "POST", "path": "/"})


def test_client_address_trusts_forwarded_for_only_when_told() -> None:
    forwarded = {"X-Forwarded-For": "6.6.6.6, 198.51.100.7"}
    assert throttle.client_address(_request(forwarded), Settings(data_dir=Path("u"))) == "10.1.1.1"
    trusting = Settings(data_dir=Path("u"), trust_forwarded_for=True)
    assert throttle.client_address(_request(forwarded), trusting) == "198.51.100.7"  # not the spoofable first
    assert throttle.client_address(_request({}), trusting) == "10.1.1.1"


def test_old_counters_and_sessions_are_purged(store: Store) -> None:
    from navigator.auth.sessions import purge_expired, start_session
    from navigator.auth.users import create_user
    from navigator.store.models_accounts import UserSession

    settings = Settings(data_dir=Path("unused"))
    throttle.record_failure(store, settings, "old@example.org", "10.0.0.1", utcnow() - timedelta(days=3))
    throttle.record_failure(store, settings, "new@example.org", "10.0.0.2")
    assert throttle.purge_old(store) == 2  # old account + old address; the recent pair stays
    user = create_user(store, "s@example.org", DEFAULT_PASSWORD, "navigator")
    start_session(store, user.id, settings)
    start_session(store, user.id, settings)
    with store.write() as s:
        s.scalars(select(UserSession)).first().last_seen_at = utcnow() - timedelta(days=1)
    assert purge_expired(store, settings) == 1
