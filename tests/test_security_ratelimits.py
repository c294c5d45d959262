"""Rate limits per client: searches (/api/search and the results page), chat messages, sign-in
attempts and import starts each answer 429 with Retry-After once a client has used its allowance;
other clients are unaffected; the client is the peer address, or X-Forwarded-For only when a
trusted proxy is configured. The buckets refill with time (a fake clock, no sleeping)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from navigator.app.factory import create_app
from navigator.app.ratelimits import action
from navigator.auth.testing import auth_client, csrf_from, make_user, sign_in
from navigator.config import Settings

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "security"))

from security_support import HTML, app_settings, sample_data_dir


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_data_dir(tmp_path_factory)


def limited_client(data_dir: Path, **overrides: Any) -> tuple[TestClient, Clock]:
    app = create_app(app_settings(data_dir, **overrides))
    clock = Clock()
    for limiter in app.state.rate_limits.limiters.values():
        limiter.clock = clock
    return TestClient(app, raise_server_exceptions=False), clock


def assert_429(response: Any) -> int:
    assert response.status_code == 429, response.text[:300]
    wait = int(response.headers["retry-after"])
    assert 1 <= wait <= 60
    return wait


@pytest.fixture
def search_client(data_dir: Path) -> Iterator[tuple[TestClient, Clock]]:
    client, clock = limited_client(data_dir, search_rate_per_minute=3)
    with client:
        yield client, clock


def test_searches_past_the_allowance_get_429_with_retry_after(
    search_client: tuple[TestClient, Clock],
) -> None:
    client, clock = search_client
    for _ in range(2):
        assert client.get("/api/search", params={"q": "food bank"}).status_code == 200
    assert client.get("/", params={"q": "food bank"}, headers=HTML).status_code == 200  # same bucket
    api = client.get("/api/search", params={"q": "food bank"})
    wait = assert_429(api)
    assert f"Wait {wait} seconds" in api.json()["detail"] and api.json()["retry_after"] == wait
    page = client.get("/", params={"q": "lunch club"}, headers=HTML)
    assert_429(page)
    assert page.headers["content-type"].startswith("text/html") and "Too many requests" in page.text
    assert "content-security-policy" in page.headers
    assert client.get("/", headers=HTML).status_code == 200  # the empty form is not a search
    assert client.get("/listing/NNS-001", headers=HTML).status_code == 200  # nor is reading a listing
    clock.now += 60  # a minute later the allowance is back
    assert client.get("/api/search", params={"q": "food bank"}).status_code == 200


def test_each_client_has_its_own_allowance_and_forwarded_for_counts_only_when_trusted(data_dir: Path) -> None:
    client, _ = limited_client(data_dir, search_rate_per_minute=1)
    with client:
        first = {"x-forwarded-for": "203.0.113.7"}
        assert client.get("/api/search", params={"q": "food"}, headers=first).status_code == 200
        other = {"x-forwarded-for": "198.51.100.9"}  # anyone can write this header: it is ignored
        assert_429(client.get("/api/search", params={"q": "food"}, headers=other))
    trusted, _ = limited_client(data_dir, search_rate_per_minute=1, trust_forwarded_for=True)
    with trusted:
        proxy = {"x-forwarded-for": "203.0.113.7"}
        assert trusted.get("/api/search", params={"q": "food"}, headers=proxy).status_code == 200
        assert_429(trusted.get("/api/search", params={"q": "food"}, headers=proxy))
        spoofed = {"x-forwarded-for": "10.9.9.9, 198.51.100.9"}  # the proxy appends the real address last
        assert trusted.get("/api/search", params={"q": "food"}, headers=spoofed).status_code == 200
        assert_429(
            trusted.get(
                "/api/search", params={"q": "x"}, headers={"x-forwarded-for": "1.1.1.1, 198.51.100.9"}
            )
        )


def test_chat_messages_are_limited_per_client(data_dir: Path) -> None:
    client, _ = limited_client(data_dir, chat_rate_per_minute=2)
    with client:
        for _ in range(2):
            assert client.post("/api/chat", json={"message": "food bank"}).status_code == 200
        refused = client.post("/api/chat", json={"message": "food bank"})
        assert_429(refused)
        assert refused.json()["messages"][-1]["kind"] == "error"
        handoff = client.post("/api/chat/handoff", json={"consent": True})
        assert_429(handoff)  # the hand-off shares the chat's allowance


def test_sign_in_failures_lead_to_429_with_retry_after(data_dir: Path) -> None:
    settings = app_settings(data_dir, signin_max_failures=2, signin_backoff_seconds=30)
    with auth_client(create_app(settings), raise_server_exceptions=False) as client:
        make_user(client, "navigator", "ratelimit-navigator@example.org")
        token = csrf_from(client)
        form = {
            "email": "ratelimit-navigator@example.org",
            "password": "wrong password 1",
            "csrf_token": token,
        }
        assert client.post("/sign-in", data=form, headers=HTML).status_code == 401
        assert client.post("/sign-in", data=form, headers=HTML).status_code == 401
        page = client.post("/sign-in", data=form, headers=HTML)
        wait = int(page.headers["retry-after"])
        assert page.status_code == 429 and 1 <= wait <= 30 and "Too many failed attempts" in page.text
        right = {**form, "password": "correct horse battery staple 42"}
        api = client.post("/sign-in", data=right, headers={"accept": "application/json"})
        assert (
            api.status_code == 429 and int(api.headers["retry-after"]) >= 1
        )  # even the right password waits


def test_import_starts_are_limited_per_client(data_dir: Path) -> None:
    settings = app_settings(data_dir, import_rate_per_minute=2)
    app = create_app(settings)
    with auth_client(app, raise_server_exceptions=False) as client:
        make_user(client, "curator", "ratelimit-curator@example.org")
        sign_in(client, "ratelimit-curator@example.org")
        token = csrf_from(client, "/curator/import")
        statuses = []
        for _ in range(3):
            answer = client.post(
                "/curator/import", data={"csrf_token": token, "source": "limits"}, headers=HTML
            )
            statuses.append(answer.status_code)
        assert statuses[:2] == [400, 400]  # not a file upload: refused by the route, but still counted
        assert statuses[2] == 429
        again = client.post("/curator/import/abc/apply", data={"csrf_token": token}, headers=HTML)
        assert_429(again)
        assert (
            client.get("/curator/import", headers=HTML).status_code == 200
        )  # the form itself is not limited


def test_which_requests_count() -> None:
    assert action("GET", "/api/search", b"q=x") == "search"
    assert action("GET", "/", b"q=food") == "search"
    assert action("GET", "/", b"") is None
    assert action("GET", "/listing/NNS-001", b"") is None
    assert action("POST", "/curator/import", b"") == "import"
    assert action("POST", "/curator/import/3f2a/apply", b"") == "import"
    assert action("POST", "/curator/feeds/7/sync", b"") == "import"
    assert action("POST", "/curator/import/3f2a/cancel", b"") is None
    assert action("GET", "/curator/import", b"") is None


def test_defaults_leave_room_for_a_busy_clinic(monkeypatch: pytest.MonkeyPatch) -> None:
    """A shared office address with several tablets: two searches a second, sustained, is allowed."""
    for name in ("NAVIGATOR_SEARCH_RATE_PER_MINUTE", "NAVIGATOR_CHAT_RATE_PER_MINUTE"):
        monkeypatch.delenv(name, raising=False)  # the suite lifts them (conftest); read the shipped ones
    defaults = Settings()
    assert defaults.search_rate_per_minute >= 120
    assert defaults.chat_rate_per_minute >= 30
    assert 5 <= defaults.import_rate_per_minute <= 60
