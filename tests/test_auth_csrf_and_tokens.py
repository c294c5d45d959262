"""CSRF on forms and cookie writes, and API tokens (Bearer) through HTTP, over a few test routes
that use the public dependencies the way other areas do."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated

import pytest
from bs4 import BeautifulSoup
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient

from navigator.app.factory import create_app
from navigator.auth.csrf import CsrfDep, csrf_input, csrf_token, token_matches
from navigator.auth.deps import AdminDep, CuratorDep, CurrentUser, OptionalUserDep, require_role
from navigator.auth.testing import auth_client, csrf_from, make_user, sign_in
from navigator.auth.tokens import create_token
from navigator.auth.users import utcnow
from navigator.config import Settings
from navigator.store.models_accounts import ApiToken

HTML = {"accept": "text/html"}
# As a streaming upload route would declare it: the handler checks the CSRF token itself.
CuratorUploadDep = Annotated[CurrentUser, Depends(require_role("curator", "admin", csrf=False))]


def _router() -> APIRouter:
    router = APIRouter()

    @router.get("/test/report")
    def report_form(request: Request) -> HTMLResponse:
        return HTMLResponse(
            f'<form method="post">{csrf_input(request)}</form><meta content="{csrf_token(request)}">'
        )

    @router.post("/test/report")
    def report(_csrf: CsrfDep, user: OptionalUserDep, reason: str = Form("")) -> dict[str, object]:
        return {"ok": True, "reason": reason, "who": user.role if user else None}

    @router.post("/api/curator/test-write")
    def curator_write(user: CuratorDep) -> dict[str, str]:
        return {"by": user.email, "via": user.via}

    @router.delete("/api/admin/test-thing/{thing_id}")
    def admin_delete(thing_id: int, user: AdminDep) -> dict[str, int]:
        return {"deleted": thing_id}

    return router


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    app.include_router(_router())
    with auth_client(app) as c:
        make_user(c, "curator", "cat@example.org")
        make_user(c, "navigator", "ned@example.org")
        yield c


def test_anonymous_form_uses_a_signed_double_submit_cookie(client: TestClient) -> None:
    page = client.get("/test/report")
    assert "navigator_csrf=" in page.headers["set-cookie"] and "HttpOnly" in page.headers["set-cookie"]
    token = BeautifulSoup(page.text, "html.parser").find("input", attrs={"name": "csrf_token"})["value"]
    ok = client.post("/test/report", data={"reason": "closed", "csrf_token": token})
    assert ok.json() == {"ok": True, "reason": "closed", "who": None}
    assert client.get("/test/report").headers.get("set-cookie") is None  # cookie already held: stable token
    assert client.post("/test/report", data={"reason": "closed"}).status_code == 403
    assert client.post("/test/report", data={"csrf_token": token + "x"}).status_code == 403
    client.cookies.delete("navigator_csrf")
    assert (
        client.post("/test/report", data={"csrf_token": token}).status_code == 403
    )  # cookie and token travel together


def test_header_token_works_for_scripts(client: TestClient) -> None:
    token = csrf_from(client, "/test/report")
    assert client.post("/test/report", headers={"X-CSRF-Token": token}, json={}).status_code == 200
    assert client.post("/test/report", json={}).status_code == 403


def test_csrf_error_page_is_friendly_for_browsers(client: TestClient) -> None:
    page = client.post("/test/report", data={"reason": "x"}, headers=HTML)
    assert page.status_code == 403
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.h1 is not None and "nothing was changed" in soup.get_text()
    assert "Traceback" not in page.text


def test_signed_in_writes_need_the_session_token(client: TestClient) -> None:
    anonymous_token = csrf_from(client, "/test/report")
    sign_in(client, "cat@example.org")
    assert client.post("/api/curator/test-write").status_code == 403  # role ok, CSRF missing
    stale = client.post("/api/curator/test-write", headers={"X-CSRF-Token": anonymous_token})
    assert stale.status_code == 403  # the anonymous token no longer applies once signed in
    token = csrf_from(client, "/test/report")
    assert token != anonymous_token and token == csrf_from(client, "/account")  # one token per session
    ok = client.post("/api/curator/test-write", headers={"X-CSRF-Token": token})
    assert ok.json() == {"by": "cat@example.org", "via": "session"}
    assert client.post("/test/report", data={"csrf_token": token}).json()["who"] == "curator"


def test_a_session_token_does_not_fit_another_session(client: TestClient) -> None:
    sign_in(client, "cat@example.org")
    mine = csrf_from(client, "/account")
    with TestClient(client.app, base_url="https://testserver") as other:
        sign_in(other, "cat@example.org")
        assert other.post("/api/curator/test-write", headers={"X-CSRF-Token": mine}).status_code == 403


def test_bearer_tokens_authenticate_with_role_checks_and_no_csrf(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    curator_token, _ = create_token(store, "cat@example.org", "script")
    navigator_token, _ = create_token(store, "ned@example.org", "script")
    bearer = {"Authorization": f"Bearer {curator_token}"}
    me = client.get("/api/me", headers=bearer).json()
    assert me["email"] == "cat@example.org" and me["via"] == "token"
    assert client.post("/api/curator/test-write", headers=bearer).json()["via"] == "token"  # no CSRF needed
    assert client.delete("/api/admin/test-thing/3", headers=bearer).status_code == 403
    low = client.post("/api/curator/test-write", headers={"Authorization": f"Bearer {navigator_token}"})
    assert low.status_code == 403 and "needs a curator or an admin" in low.json()["detail"]


def test_bad_bearer_tokens_are_refused_even_with_a_good_cookie(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    sign_in(client, "cat@example.org")
    for bad in ("nav_00000000_nope", "garbage", ""):
        response = client.get("/api/me", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401 and "API token is not valid" in response.json()["detail"]
    raw, info = create_token(store, "cat@example.org", "short-lived", expires_days=1)
    bearer = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/me", headers=bearer).status_code == 200
    with store.write() as s:
        s.get(ApiToken, info.id).expires_at = utcnow() - timedelta(seconds=1)
    assert client.get("/api/me", headers=bearer).status_code == 401


def test_token_use_is_recorded_but_the_token_is_not(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    raw, info = create_token(store, "cat@example.org", "script")
    client.get("/api/me", headers={"Authorization": f"Bearer {raw}"})
    with store.read() as s:
        row = s.get(ApiToken, info.id)
        assert row.last_used_at is not None and row.prefix == raw[:12]
        assert raw not in (row.token_hash, row.prefix, row.name)


def test_streaming_handlers_can_check_the_token_themselves(settings: Settings) -> None:
    router = APIRouter()

    @router.post("/api/curator/test-stream")
    async def stream(request: Request, user: CuratorUploadDep) -> dict[str, object]:
        size = 0
        async for chunk in request.stream():  # the body is still unread: the dependency left it alone
            size += len(chunk)
        return {"size": size, "token_ok": token_matches(request, request.headers.get("x-csrf-token"))}

    app = create_app(settings)
    app.include_router(router)
    with auth_client(app) as client:
        make_user(client, "curator", "cat@example.org")
        sign_in(client, "cat@example.org")
        body = b"x" * 5000
        files = {"upload": ("a.csv", body, "text/csv")}
        unchecked = client.post("/api/curator/test-stream", files=files).json()
        assert unchecked["token_ok"] is False and unchecked["size"] > 5000
        token = csrf_from(client, "/account")
        checked = client.post("/api/curator/test-stream", files=files, headers={"X-CSRF-Token": token}).json()
        assert checked["token_ok"] is True
        assert roles_required_of(app, "/api/curator/test-stream") == frozenset({"curator", "admin"})


def roles_required_of(app, path: str):  # type: ignore[no-untyped-def]
    from navigator.auth.protected import iter_routes, roles_required

    return next(roles_required(r.dependant) for r in iter_routes(app) if r.path == path)
