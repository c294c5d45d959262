"""Who is asking, and may they? FastAPI dependencies for every guarded route.

    from navigator.auth.deps import CuratorDep

    @router.get("/curator/queue")
    def queue(user: CuratorDep) -> ...: ...

or, for a whole router: `APIRouter(prefix="/curator", dependencies=[Depends(require_curator)])`.

- `CurrentUser`: id, email, name, role ("admin" | "curator" | "navigator"), via ("session"|"token").
- `AdminDep` (admin), `CuratorDep` (curator or admin), `NavigatorDep` (navigator, curator or
  admin), `SignedInDep` (any role), `OptionalUserDep` (CurrentUser | None, never refuses).
- `require_role(*roles)` builds a dependency for any other combination.

Anonymous → 401, wrong role → 403 (AuthError). HTML requests get a friendly page with a sign-in
link carrying `next` (navigator.auth.install), JSON requests `{"detail": ...}`. A bearer token
(`Authorization: Bearer nav_...`) authenticates as its user; otherwise the session cookie does.
Role dependencies also check the CSRF token on cookie-authenticated writes (POST/PUT/PATCH/
DELETE), so a guarded form can't be posted from another site even if the handler forgets CsrfDep.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from navigator.auth.csrf import check_csrf, uses_bearer
from navigator.auth.protected import ROLE_MARK
from navigator.auth.sessions import SESSION_COOKIE, resolve_session
from navigator.auth.tokens import resolve_token
from navigator.auth.users import CurrentUser
from navigator.store.models_accounts import ROLES

__all__ = [
    "AdminDep",
    "AuthError",
    "CuratorDep",
    "CurrentUser",
    "NavigatorDep",
    "OptionalUserDep",
    "SignedInDep",
    "get_optional_user",
    "require_admin",
    "require_curator",
    "require_navigator",
    "require_role",
    "require_signed_in",
]

ROLE_NAMES = {"admin": "an admin", "curator": "a curator", "navigator": "a navigator"}


class AuthError(HTTPException):
    """401 (not signed in) or 403 (signed in, but the role does not allow this)."""

    def __init__(self, status_code: int, detail: str, roles: tuple[str, ...] = ()) -> None:
        headers = {"WWW-Authenticate": 'Bearer realm="navigator"'} if status_code == 401 else None
        super().__init__(status_code=status_code, detail=detail, headers=headers)
        self.roles = roles


def _lookup(request: Request) -> CurrentUser | None:
    store = request.app.state.store
    if uses_bearer(request):
        # A bearer header decides alone: a bad token is refused, never rescued by a cookie.
        raw = request.headers["authorization"][7:].strip()
        user = resolve_token(store, raw)
        if user is None:
            raise AuthError(401, "The API token is not valid: it is unknown, revoked or expired.")
        return user
    cookie = request.cookies.get(SESSION_COOKIE)
    return resolve_session(store, cookie, request.app.state.settings) if cookie else None


async def get_optional_user(request: Request) -> CurrentUser | None:
    """The signed-in user, or None. Looked up once per request."""
    if hasattr(request.state, "current_user"):
        cached: CurrentUser | None = request.state.current_user
        return cached
    user = await run_in_threadpool(_lookup, request)  # store access: keep the event loop free
    request.state.current_user = user
    return user


def _describe(roles: tuple[str, ...]) -> str:
    names = [ROLE_NAMES.get(r, r) for r in roles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def require_role(*roles: str, csrf: bool = True) -> Callable[..., Awaitable[CurrentUser]]:
    """A dependency that lets in only these roles and checks CSRF on cookie-authenticated writes.

    `csrf=False` is only for a handler that checks the token itself before acting — a streaming
    upload, where reading the form here would consume the body (use `csrf.token_matches`)."""
    unknown = [r for r in roles if r not in ROLES]
    if not roles or unknown:
        raise ValueError(f"require_role needs roles from {ROLES}, got {roles}")
    allowed = tuple(roles)

    async def dependency(
        request: Request, user: Annotated[CurrentUser | None, Depends(get_optional_user)]
    ) -> CurrentUser:
        if user is None:
            raise AuthError(401, "You need to sign in to see this.", allowed)
        if user.role not in allowed:
            raise AuthError(
                403,
                f"You are signed in as {ROLE_NAMES.get(user.role, user.role)}; "
                f"this needs {_describe(allowed)}.",
                allowed,
            )
        if csrf and user.via == "session":
            await check_csrf(request)
        return user

    setattr(dependency, ROLE_MARK, frozenset(allowed))
    dependency.__name__ = "require_" + "_or_".join(allowed)
    return dependency


require_admin = require_role("admin")
require_curator = require_role("curator", "admin")
require_navigator = require_role("navigator", "curator", "admin")
require_signed_in = require_role(*ROLES)

AdminDep = Annotated[CurrentUser, Depends(require_admin)]
CuratorDep = Annotated[CurrentUser, Depends(require_curator)]
NavigatorDep = Annotated[CurrentUser, Depends(require_navigator)]
SignedInDep = Annotated[CurrentUser, Depends(require_signed_in)]
OptionalUserDep = Annotated[CurrentUser | None, Depends(get_optional_user)]
