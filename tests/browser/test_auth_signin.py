"""Signing in with a real browser: the sign-in page passes axe (also with an error showing), a wrong
password is announced, the right one lands on the account page with a Secure HttpOnly SameSite=Lax
session cookie (Chromium accepts Secure cookies on http://127.0.0.1), and signing out ends it.

Signing in needs no listings or search index, so this runs its own app over an empty store (no
embedding model to load: quick to start even on a busy CI machine)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import (
    NARROW,
    LiveServer,
    assert_accessible,
    has_horizontal_scroll,
    screenshot,
    start_server,
)

PASSWORD = "browser test passphrase 9"


class NoSearch:
    """Stands in for the search service: sign-in pages never search."""

    problem = None

    def search(self, request: object) -> object:
        from navigator.search.service import IndexUnavailable

        raise IndexUnavailable("search is not part of the sign-in tests")


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from navigator.app.factory import create_app
    from navigator.config import Settings

    settings = Settings(data_dir=Path(tmp_path_factory.mktemp("auth-browser")))
    server = start_server(create_app(settings, search_service=NoSearch()))
    yield server
    server.stop()


def test_sign_in_and_out(page, auth_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    from navigator.auth.users import create_user

    live_server = auth_server
    email = f"curator-{uuid.uuid4().hex[:8]}@example.org"
    create_user(live_server.server.config.app.state.store, email, PASSWORD, "curator", "Casey Curator")

    page.goto(f"{live_server.url}/sign-in?next=/account")
    page.get_by_role("heading", name="Sign in", level=1).wait_for()
    assert_accessible(page, "sign-in page")
    screenshot(page, "auth-sign-in")

    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("not the right one")
    page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "email address or password is not right" in alert.inner_text()
    assert page.get_by_label("Email address").input_value() == email
    assert page.get_by_label("Password").input_value() == ""
    assert_accessible(page, "sign-in page with an error")
    screenshot(page, "auth-sign-in-error")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")  # keyboard submit
    page.wait_for_url(f"{live_server.url}/account")
    page.get_by_role("heading", name="Your account").wait_for()
    assert "Casey Curator" in page.inner_text("main") and "Curator" in page.inner_text("main")
    cookie = next(c for c in page.context.cookies() if c["name"] == "navigator_session")
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert_accessible(page, "account page")
    screenshot(page, "auth-account")

    page.set_viewport_size(NARROW)
    assert not has_horizontal_scroll(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/sign-in?signed_out=1")
    assert "You have signed out." in page.inner_text("main")
    assert not has_horizontal_scroll(page)
    screenshot(page, "auth-signed-out-narrow")
    assert not [c for c in page.context.cookies() if c["name"] == "navigator_session"]
    response = page.goto(f"{live_server.url}/account")
    assert response is not None and response.status == 401
    assert "Sign in to continue" in page.inner_text("main")
    page.get_by_role("link", name="Sign in").first.wait_for()
    assert_accessible(page, "401 page")
    screenshot(page, "auth-401")
