"""Which URL paths must be guarded by a role, in one place.

Every route whose path starts with one of PROTECTED_PREFIXES MUST depend on a role dependency
from navigator.auth.deps (`AdminDep`, `CuratorDep`, `NavigatorDep`, `SignedInDep` or
`require_role(...)`), best declared on the router (`APIRouter(dependencies=[...])`) so it runs
before anything else. tests/test_route_security.py walks the app's route table and fails if one
does not, or if it answers an anonymous request with anything but 401 or a too-low role with
anything but 403. Adding a new protected area? Add its prefix here.
"""

from __future__ import annotations

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
