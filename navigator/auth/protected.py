"""Which URL paths must be guarded by a role, in one place.

Every route whose path starts with one of PROTECTED_PREFIXES MUST depend on a role dependency
from navigator.auth.deps (`AdminDep`, `CuratorDep`, `NavigatorDep`, `SignedInDep` or
`require_role(...)`), best declared on the router (`APIRouter(dependencies=[...])`) so it runs
before anything else. tests/test_route_security.py walks the app's route table and fails if one
does not, or if it answers an anonymous request with anything but 401 or a too-low role with
anything but 403. Adding a new protected area? Add its prefix here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

PROTECTED_PREFIXES: tuple[str, ...] = (
    "/curator",
    "/admin",
    "/api/curator",
    "/api/admin",
    "/navigator/records",
    "/api/records",
    "/inbox",
    "/api/inbox",
    "/exports",
    "/api/curator/exports",
)

ROLE_MARK = "navigator_roles"  # attribute on role-dependency callables: the roles they allow


def is_protected(path: str) -> bool:
    return path.startswith(PROTECTED_PREFIXES)


def roles_required(dependant: Any) -> frozenset[str] | None:
    """The narrowest set of roles a route's dependency tree demands, or None if it demands none."""
    found: frozenset[str] | None = None
    stack = [dependant]
    while stack:
        node = stack.pop()
        roles = getattr(getattr(node, "call", None), ROLE_MARK, None)
        if roles is not None:
            found = frozenset(roles) if found is None else found & frozenset(roles)
        stack.extend(getattr(node, "dependencies", []))
    return found


@dataclass(frozen=True)
class RouteInfo:
    """One route as the app serves it (prefixes and router-level dependencies applied)."""

    path: str
    path_format: str
    methods: frozenset[str]
    kind: str  # "api", "websocket", "mount" or "other"
    dependant: Any | None
    param_convertors: dict[str, Any]


def iter_routes(app: Any) -> Iterator[RouteInfo]:
    """Every route of a FastAPI app, including those of included routers.

    Newer FastAPI keeps included routers nested in `app.routes` and applies their prefix and
    dependencies lazily; `iter_route_contexts` gives the effective routes. Older versions have a
    flat `app.routes` already."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before nested routers
        contexts: Iterable[Any] = app.routes
    else:
        contexts = iter_route_contexts(app.routes)
    from fastapi.routing import APIRoute, APIWebSocketRoute
    from starlette.routing import Mount

    for context in contexts:
        original = getattr(context, "original_route", context)
        if isinstance(original, APIRoute):
            kind = "api"
        elif isinstance(original, APIWebSocketRoute):
            kind = "websocket"
        elif isinstance(original, Mount):
            kind = "mount"
        else:
            kind = "other"
        path = getattr(context, "path", None) or ""
        yield RouteInfo(
            path=path,
            path_format=getattr(context, "path_format", None) or path,
            methods=frozenset(getattr(context, "methods", None) or ()),
            kind=kind,
            dependant=getattr(context, "dependant", None),
            param_convertors=dict(getattr(context, "param_convertors", None) or {}),
        )
