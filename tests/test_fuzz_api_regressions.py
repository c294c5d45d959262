"""Bugs the API fuzz (test_fuzz_api_schema.py) found, pinned one by one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from navigator.app.factory import create_app
from navigator.auth.testing import auth_client, make_user
from navigator.auth.tokens import create_token
from navigator.config import Settings


@pytest.fixture
def admin(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with auth_client(create_app(settings), raise_server_exceptions=False) as client:
        make_user(client, "admin", "admin@example.org")
        token, _ = create_token(client.app.state.store, "admin@example.org", "regressions")  # type: ignore[attr-defined]
        yield client, {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/inbox/{n}"),
        ("POST", "/api/inbox/{n}/done"),
        ("GET", "/inbox/{n}"),
        ("GET", "/api/curator/imports/{n}"),
        ("GET", "/curator/imports/{n}/rollback"),
        ("POST", "/curator/imports/{n}/rollback"),
        ("POST", "/curator/feeds/{n}/sync"),
        ("POST", "/curator/feeds/{n}/remove"),
    ],
)
def test_an_id_too_big_for_the_store_is_a_422_not_a_500(
    admin: tuple[TestClient, dict[str, str]], method: str, path: str
) -> None:
    """2**63 and up overflowed SQLite's integer inside the query (OverflowError → 500)."""
    client, bearer = admin
    for n in (2**63, 10**30):
        response = client.request(method, path.format(n=n), headers=bearer)
        assert response.status_code == 422, (path, n, response.text[:200])
        assert "less than or equal to" in response.json()["detail"]
    largest = client.request(method, path.format(n=2**63 - 1), headers=bearer)
    assert largest.status_code == 404  # the largest id the store can hold is simply not there
