"""Helpers for tests that need a signed-in user (used by every area's HTTP tests).

    from navigator.auth.testing import auth_client, sign_in

    with auth_client(create_app(settings)) as client:   # https://testserver: Secure cookies work
        user = make_user(client, "curator")              # or create_user(store, ...)
        sign_in(client, "curator@example.org")
        client.post("/curator/x", data={..., "csrf_token": csrf_from(client)})

The session cookie is Secure, so a TestClient on the default http://testserver would silently
drop it: use `auth_client` (or `TestClient(app, base_url="https://testserver")`).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from navigator.auth.users import CurrentUser, create_user

DEFAULT_PASSWORD = "correct horse battery staple 42"  # noqa: S105  (tests only; never an account default)
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def auth_client(app: FastAPI, **kwargs: Any) -> TestClient:
    """A TestClient over https://testserver with friendly 401/403 pages installed."""
    from navigator.auth.install import install_auth

    install_auth(app, app.state.settings)
    kwargs.setdefault("base_url", "https://testserver")
    return TestClient(app, **kwargs)


def make_user(
    client: TestClient, role: str, email: str | None = None, password: str = DEFAULT_PASSWORD
) -> CurrentUser:
    """Create a user in the running app's store (call inside `with client:`)."""
    app: Any = client.app
    return create_user(app.state.store, email or f"{role}@example.org", password, role, role.title())


def csrf_from(client: TestClient, path: str = "/sign-in") -> str:
    """A valid CSRF token for this client's cookies, read from a page's form."""
    page = client.get(path, headers={"accept": "text/html"})
    found = _TOKEN.search(page.text)
    if not found:
        raise AssertionError(f"no csrf_token input on {path} (status {page.status_code})")
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = DEFAULT_PASSWORD) -> None:
    """Sign in through POST /sign-in like a browser; raises if it does not succeed."""
    token = csrf_from(client)
    response = client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": token, "next": "/account"},
        follow_redirects=False,
    )
    if response.status_code != 303:
        raise AssertionError(f"sign-in as {email} failed: {response.status_code} {response.text[:200]}")
