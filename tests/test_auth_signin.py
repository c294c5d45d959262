"""Signing in and out through HTTP: the form, cookies, CSRF, `next`, expiry, /account and /api/me."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from navigator.app.factory import create_app
from navigator.auth.testing import DEFAULT_PASSWORD, auth_client, csrf_from, make_user, sign_in
from navigator.auth.users import utcnow
from navigator.config import Settings
from navigator.store.models_accounts import User, UserSession

HTML = {"accept": "text/html"}


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with auth_client(create_app(settings)) as c:
        make_user(c, "curator", "Cara.Curator@Example.org")
        yield c


def store_of(client: TestClient):  # type: ignore[no-untyped-def]
    return client.app.state.store  # type: ignore[attr-defined]


def session_count(client: TestClient) -> int:
    with store_of(client).read() as s:
        return int(s.scalar(select(func.count()).select_from(UserSession)) or 0)


def post_sign_in(client: TestClient, email: str, password: str, next_url: str = "", **extra: str):  # type: ignore[no-untyped-def]
    data = {"email": email, "password": password, "next": next_url, "csrf_token": csrf_from(client), **extra}
    return client.post("/sign-in", data=data, headers=HTML, follow_redirects=False)


def test_sign_in_page_is_accessible_markup(client: TestClient) -> None:
    page = client.get("/sign-in?next=/account", headers=HTML)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.h1 is not None and soup.h1.get_text(strip=True) == "Sign in"
    form = soup.find("form", action="/sign-in")
    assert form is not None and form["method"] == "post"
    email = form.find("input", attrs={"name": "email"})
    password = form.find("input", attrs={"name": "password"})
    assert email["type"] == "email" and email["autocomplete"] == "username"
    assert password["type"] == "password" and password["autocomplete"] == "current-password"
    for control in (email, password):
        assert soup.find("label", attrs={"for": control["id"]}) is not None
    assert form.find("input", attrs={"name": "csrf_token", "type": "hidden"})["value"]
    assert form.find("input", attrs={"name": "next"})["value"] == "/account"
    assert not soup.select("[style]") and not soup.find("style")
    assert all(script.get("src") for script in soup.find_all("script"))
    assert not any(attr.startswith("on") for tag in soup.find_all(True) for attr in tag.attrs)
    assert "navigator_csrf=" in page.headers["set-cookie"]


def test_sign_in_sets_a_hardened_session_cookie_and_stores_only_its_hash(client: TestClient) -> None:
    response = post_sign_in(client, "cara.curator@example.org", DEFAULT_PASSWORD, "/api/me?x=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/api/me?x=1"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("navigator_session="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite=lax", "path=/"} <= flags
    assert not any(f.startswith(("max-age", "expires", "domain")) for f in flags)  # browser-session cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert len(token) >= 43  # 256 bits, url-safe base64
    with store_of(client).read() as s:
        row = s.scalars(select(UserSession)).one()
        user = s.scalars(select(User)).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert user.last_sign_in_at is not None
    me = client.get("/api/me").json()
    assert me == {
        "id": user.id,
        "email": "Cara.Curator@Example.org",
        "name": "Curator",
        "role": "curator",
        "via": "session",
    }


def test_account_page_and_api_me(client: TestClient) -> None:
    anonymous = client.get("/account", headers=HTML)
    assert anonymous.status_code == 401
    soup = BeautifulSoup(anonymous.text, "html.parser")
    link = soup.find("a", href="/sign-in?next=/account")
    assert link is not None and "Sign in" in link.get_text()
    api = client.get("/api/me", headers=HTML)  # API paths answer JSON even to browsers
    assert api.status_code == 401 and api.json() == {"detail": "You need to sign in to see this."}
    assert api.headers["www-authenticate"].startswith("Bearer")
    sign_in(client, "cara.curator@example.org")
    page = client.get("/account", headers=HTML)
    assert page.status_code == 200
    text = BeautifulSoup(page.text, "html.parser").get_text(" ", strip=True)
    assert "Cara.Curator@Example.org" in text and "Curator" in text
    assert BeautifulSoup(page.text, "html.parser").find("form", action="/sign-out") is not None


def test_email_is_case_insensitive_and_whitespace_tolerant(client: TestClient) -> None:
    assert post_sign_in(client, "  CARA.CURATOR@EXAMPLE.ORG ", DEFAULT_PASSWORD).status_code == 303


@pytest.mark.parametrize(
    ("email", "password"),
    [("cara.curator@example.org", "wrong password here"), ("nobody@example.org", DEFAULT_PASSWORD)],
)
def test_wrong_credentials_say_the_same_thing(client: TestClient, email: str, password: str) -> None:
    response = post_sign_in(client, email, password, "/account")
    assert response.status_code == 401
    assert "navigator_session" not in response.headers.get("set-cookie", "")
    soup = BeautifulSoup(response.text, "html.parser")
    summary = soup.find(class_="error-summary")
    assert summary is not None and summary["role"] == "alert"
    assert summary.get_text(" ", strip=True).endswith(
        "The email address or password is not right. Check them and try again."
    )
    assert soup.find("input", attrs={"name": "email"})["value"] == email
    assert soup.find("input", attrs={"name": "password"}).get("value") is None  # never echoed back
    assert soup.find("input", attrs={"name": "next"})["value"] == "/account"
    assert session_count(client) == 0


def test_empty_fields_are_named(client: TestClient) -> None:
    response = post_sign_in(client, "", "")
    assert response.status_code == 400
    text = BeautifulSoup(response.text, "html.parser").find(class_="error-summary").get_text(" ", strip=True)
    assert "Enter your email address." in text and "Enter your password." in text


def test_missing_or_forged_csrf_changes_nothing(client: TestClient, settings: Settings) -> None:
    form = {"email": "cara.curator@example.org", "password": DEFAULT_PASSWORD}
    missing = client.post("/sign-in", data=form, headers=HTML, follow_redirects=False)
    assert missing.status_code == 403
    assert "did not come from Navigator" in BeautifulSoup(missing.text, "html.parser").get_text()
    forged = client.post("/sign-in", data={**form, "csrf_token": "A" * 43}, follow_redirects=False)
    assert forged.status_code == 403 and "nothing was changed" in forged.json()["detail"]
    # A real token from someone else's browser (another anonymous cookie) is refused too.
    with TestClient(client.app, base_url="https://testserver") as other:
        stolen = csrf_from(other)
    cross = client.post("/sign-in", data={**form, "csrf_token": stolen}, follow_redirects=False)
    assert cross.status_code == 403
    assert session_count(client) == 0
    with store_of(client).read() as s:
        assert s.scalars(select(User)).one().last_sign_in_at is None


@pytest.mark.parametrize(
    "evil",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/ok\r\nSet-Cookie: x=1",
        "http:/evil.example",
        "/sign-out",
        "",
    ],
)
def test_next_cannot_leave_the_site(client: TestClient, evil: str) -> None:
    page = client.get("/sign-in", params={"next": evil}, headers=HTML)
    assert BeautifulSoup(page.text, "html.parser").find("input", attrs={"name": "next"})["value"] == ""
    response = post_sign_in(client, "cara.curator@example.org", DEFAULT_PASSWORD, evil)
    assert response.status_code == 303
    assert response.headers["location"] in {"/", "/account", "/curator"}


def test_sign_out_needs_csrf_then_ends_the_session(client: TestClient) -> None:
    sign_in(client, "cara.curator@example.org")
    assert session_count(client) == 1
    refused = client.post("/sign-out", follow_redirects=False)
    assert refused.status_code == 403 and client.get("/api/me").status_code == 200
    token = csrf_from(client, "/account")
    out = client.post("/sign-out", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/sign-in?signed_out=1"
    assert 'navigator_session=""' in out.headers["set-cookie"] and "Max-Age=0" in out.headers["set-cookie"]
    assert session_count(client) == 0
    assert client.get("/api/me").status_code == 401
    page = client.get("/sign-in?signed_out=1", headers=HTML)
    assert (
        "You have signed out."
        in BeautifulSoup(page.text, "html.parser").find(attrs={"aria-live": "polite"}).get_text()
    )


def test_signing_in_again_replaces_the_session(client: TestClient) -> None:
    sign_in(client, "cara.curator@example.org")
    first = client.cookies.get("navigator_session")
    sign_in(client, "cara.curator@example.org")
    assert client.cookies.get("navigator_session") != first
    assert session_count(client) == 1


@pytest.mark.parametrize("limit", ["idle", "absolute"])
def test_sessions_expire(client: TestClient, settings: Settings, limit: str) -> None:
    sign_in(client, "cara.curator@example.org")
    assert client.get("/api/me").status_code == 200
    with store_of(client).write() as s:
        row = s.scalars(select(UserSession)).one()
        if limit == "idle":
            row.last_seen_at = utcnow() - timedelta(minutes=settings.session_idle_minutes, seconds=1)
        else:
            row.expires_at = utcnow() - timedelta(seconds=1)
    assert client.get("/api/me").status_code == 401
    assert session_count(client) == 0  # expired rows are removed when seen


def test_activity_keeps_an_idle_session_alive(client: TestClient, settings: Settings) -> None:
    sign_in(client, "cara.curator@example.org")
    with store_of(client).write() as s:
        s.scalars(select(UserSession)).one().last_seen_at = utcnow() - timedelta(
            minutes=settings.session_idle_minutes - 1
        )
    assert client.get("/api/me").status_code == 200
    with store_of(client).read() as s:
        assert utcnow() - s.scalars(select(UserSession)).one().last_seen_at < timedelta(minutes=1)


def test_disabled_user_is_signed_out_at_once(client: TestClient) -> None:
    from navigator.auth.users import disable_user

    sign_in(client, "cara.curator@example.org")
    disable_user(store_of(client), "cara.curator@example.org")
    assert client.get("/api/me").status_code == 401
    assert post_sign_in(client, "cara.curator@example.org", DEFAULT_PASSWORD).status_code == 401


def test_create_app_installs_the_friendly_refusal_pages(settings: Settings) -> None:
    app = create_app(settings)
    assert app.state.auth_installed, "create_app must call navigator.auth.install.install_auth"
    with TestClient(app, base_url="https://testserver") as client:
        page = client.get("/account", headers=HTML)
    assert page.status_code == 401 and "Sign in to continue" in page.text
