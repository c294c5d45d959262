"""No guarded route can be left open by accident.

Walks the route table of the real app (`create_app`) and, for EVERY route whose path starts with
one of navigator.auth.protected.PROTECTED_PREFIXES, checks that
  1. its dependency tree contains a role dependency (navigator.auth.deps), and
  2. for every HTTP method: an anonymous request gets 401, and a user (session cookie and API
     token) of each role the route does not allow gets 403 — with path parameters filled in.
Routes other areas add later are picked up automatically. The auth routes' own guards are checked
too, and the checker itself is tested against deliberately broken routes.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient

from navigator.app.factory import create_app
from navigator.auth.deps import CuratorDep, OptionalUserDep, require_admin
from navigator.auth.protected import PROTECTED_PREFIXES, RouteInfo, is_protected, iter_routes, roles_required
from navigator.auth.testing import auth_client, csrf_from, make_user, sign_in
from navigator.auth.tokens import create_token
from navigator.config import Settings
from navigator.store.models_accounts import ROLES

DUMMY = {
    "IntegerConvertor": "1",
    "FloatConvertor": "1.5",
    "UUIDConvertor": "00000000-0000-4000-8000-000000000001",
    "PathConvertor": "dummy/path",
    "StringConvertor": "dummy",
}


def dummy_path(route: RouteInfo) -> str:
    """The route's path with every parameter filled by a value of the right type."""
    annotations = {
        field.name: getattr(field, "field_info", None) and field.field_info.annotation
        for field in getattr(route.dependant, "path_params", [])
    }
    by_type = {int: "1", float: "1.5", uuid.UUID: DUMMY["UUIDConvertor"]}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        convertor = type(route.param_convertors.get(name)).__name__
        if convertor == "StringConvertor" and annotations.get(name) in by_type:
            return by_type[annotations[name]]
        return DUMMY.get(convertor, "dummy")

    return re.sub(r"{([^}:]+)(?::[^}]*)?}", fill, route.path_format)


def unguarded(app: FastAPI) -> list[str]:
    """Protected paths with no role dependency (or that cannot be inspected at all)."""
    problems = []
    for route in iter_routes(app):
        if not is_protected(route.path):
            continue
        if route.kind in ("api", "websocket"):
            if roles_required(route.dependant) is None:
                problems.append(f"{route.path}: no role dependency (use AdminDep/CuratorDep/NavigatorDep)")
        elif route.kind == "mount":
            problems.append(
                f"{route.path}: a mounted app under a protected prefix cannot be checked; use a router"
            )
        else:
            problems.append(
                f"{route.path}: a plain Starlette route under a protected prefix; use an APIRouter"
            )
    return problems


def guarded_routes(app: FastAPI) -> list[tuple[RouteInfo, frozenset[str]]]:
    found = []
    for route in iter_routes(app):
        if route.kind == "api" and is_protected(route.path):
            roles = roles_required(route.dependant)
            if roles is not None:
                found.append((route, roles))
    return found


class Clients:
    """One TestClient per identity: anonymous, and each role by session cookie or API token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        store = client.app.state.store  # type: ignore[attr-defined]
        self.tokens = {}
        for role in ROLES:
            make_user(client, role, f"{role}@example.org")
            self.tokens[role], _ = create_token(store, f"{role}@example.org", "route security")
        self.cookies: dict[str, tuple[dict[str, str], str]] = {}
        client.cookies.clear()
        self.cookies["anonymous"] = (dict(client.cookies), csrf_from(client))
        for role in ROLES:
            client.cookies.clear()
            sign_in(client, f"{role}@example.org")
            self.cookies[role] = (dict(client.cookies), csrf_from(client, "/account"))
        client.cookies.clear()

    def request(self, method: str, url: str, who: str, by_token: bool = False) -> Any:
        headers = {"accept": "application/json"}
        self.client.cookies.clear()
        if by_token:
            headers["authorization"] = f"Bearer {self.tokens[who]}"
        else:
            cookies, csrf = self.cookies[who]
            self.client.cookies.update(cookies)
            headers["x-csrf-token"] = csrf  # a valid token: a refusal must come from the role check
        return self.client.request(method, url, headers=headers, follow_redirects=False)


def refusals(app: FastAPI, clients: Clients) -> list[str]:
    """Every (method, path, identity) that is not refused as it should be."""
    wrong = []
    for route, roles in guarded_routes(app):
        url = dummy_path(route)
        for method in sorted(route.methods):
            r = clients.request(method, url, "anonymous")
            if r.status_code != 401:
                wrong.append(f"{method} {route.path} anonymous: {r.status_code}, expected 401")
            for role in ROLES:
                if role in roles:
                    continue
                for by_token in (False, True):
                    r = clients.request(method, url, role, by_token)
                    how = "token" if by_token else "session"
                    if r.status_code != 403 or "this needs" not in r.json().get("detail", ""):
                        wrong.append(f"{method} {route.path} {role} ({how}): {r.status_code}, expected 403")
    return wrong


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def clients(app: FastAPI) -> Iterator[Clients]:
    with auth_client(app) as client:
        yield Clients(client)


def test_every_protected_route_depends_on_a_role(app: FastAPI) -> None:
    assert unguarded(app) == []


def test_protected_routes_refuse_anonymous_and_too_low_roles(app: FastAPI, clients: Clients) -> None:
    routes = guarded_routes(app)
    print(f"checked {len(routes)} protected route(s): {sorted(r.path for r, _ in routes)}")
    assert refusals(app, clients) == []


def test_auth_routes_themselves_are_guarded(clients: Clients) -> None:
    for path in ("/account", "/api/me"):
        assert clients.request("GET", path, "anonymous").status_code == 401
        for role in ROLES:
            assert clients.request("GET", path, role).status_code == 200
            assert clients.request("GET", path, role, by_token=True).status_code == 200


def test_prefixes_are_kept_in_one_place() -> None:
    assert "/curator" in PROTECTED_PREFIXES and "/api/admin" in PROTECTED_PREFIXES
    assert is_protected("/curator/import/3") and is_protected("/api/records") and not is_protected("/sign-in")


# The checker itself: it must notice routes left open.


def _broken_router() -> APIRouter:
    router = APIRouter()

    @router.get("/curator/forgot-the-guard")
    def open_route() -> dict[str, bool]:
        return {"oops": True}

    @router.post("/api/admin/optional-only/{item_id}")
    def optional(item_id: int, user: OptionalUserDep) -> dict[str, bool]:  # looks at the user, refuses no one
        return {"oops": True}

    @router.post("/api/curator/fine/{item_id}")
    def fine(item_id: int, user: CuratorDep) -> dict[str, int]:
        return {"ok": item_id}

    return router


def test_checker_reports_a_route_without_a_role(settings: Settings) -> None:
    app = create_app(settings)
    app.include_router(_broken_router())
    app.include_router(APIRouter(prefix="/admin", dependencies=[Depends(require_admin)]))
    app.mount("/inbox/files", FastAPI())
    problems = unguarded(app)
    assert any(p.startswith("/curator/forgot-the-guard: no role dependency") for p in problems)
    assert any(p.startswith("/api/admin/optional-only/{item_id}: no role dependency") for p in problems)
    assert any(p.startswith("/inbox/files: a mounted app") for p in problems)
    assert not any(p.startswith("/api/curator/fine") for p in problems)


def test_checker_reports_a_role_dependency_that_does_not_refuse(settings: Settings) -> None:
    router = APIRouter(prefix="/admin")

    # A hand-rolled "guard" that carries the role mark but lets everyone in must be caught by status.
    def fake_guard() -> None:
        return None

    fake_guard.navigator_roles = frozenset({"admin"})  # type: ignore[attr-defined]

    @router.get("/leaky/{n}", dependencies=[Depends(fake_guard)])
    def leaky(n: int) -> dict[str, int]:
        return {"n": n}

    app = create_app(settings)
    app.include_router(router)
    app.include_router(_broken_router())
    with auth_client(app) as client:
        wrong = refusals(app, Clients(client))
    assert "GET /admin/leaky/{n} anonymous: 200, expected 401" in wrong
    assert "GET /admin/leaky/{n} curator (session): 200, expected 403" in wrong
    assert "GET /admin/leaky/{n} navigator (token): 200, expected 403" in wrong
    assert not any("/api/curator/fine" in w for w in wrong)  # the properly guarded route passes
