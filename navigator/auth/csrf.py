"""CSRF protection for every form and every cookie-authenticated write.

Tokens are HMAC-SHA256 (key: navigator.auth.secret) of the cookie the browser holds:
- signed in: bound to the `navigator_session` cookie (a synchronizer token tied to the session);
- anonymous (sign-in, "report a problem"): signed double-submit, bound to a random
  `navigator_csrf` cookie set the first time a form is rendered.
An attacker's page can neither read our cookies nor compute the HMAC, so it cannot forge a token.
Requests authenticated with `Authorization: Bearer` are exempt: browsers never add that header
to cross-site requests on their own.

Use: `{{ csrf_input(request) }}` inside every POST form (a Jinja global), `csrf_token(request)`
for a `<meta>` that scripts send back as the `X-CSRF-Token` header, and `CsrfDep` on handlers that
anonymous people may post to. Role dependencies (navigator.auth.deps) check it by themselves.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from markupsafe import Markup, escape
from starlette.datastructures import MutableHeaders
from starlette.responses import Response

from navigator.auth.secret import load_secret_key
from navigator.auth.sessions import SESSION_COOKIE, hash_token

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
ANON_COOKIE = "navigator_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_PENDING = "navigator_csrf_cookie"  # request.state key: an anonymous cookie still to be set
_VERIFIED = "navigator_csrf_ok"

CSRF_MESSAGE = (
    "This form has expired or did not come from Navigator, so nothing was changed. "
    "Go back, reload the page and try again."
)


class CsrfError(HTTPException):
    """403: a write without a valid CSRF token. Nothing was changed."""

    def __init__(self, detail: str = CSRF_MESSAGE) -> None:
        super().__init__(status_code=403, detail=detail)


def _key(request: Request) -> bytes:
    # Kept on app.state (not module state), read once per app.
    key: bytes | None = getattr(request.app.state, "csrf_key", None)
    if key is None:
        key = load_secret_key(request.app.state.settings)
        request.app.state.csrf_key = key
    return key


def _sign(key: bytes, purpose: str, value: str) -> str:
    mac = hmac.new(key, f"{purpose}|{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def uses_bearer(request: Request) -> bool:
    return request.headers.get("authorization", "").lower().startswith("bearer ")


def _binding(request: Request, create: bool) -> tuple[str, str] | None:
    """(purpose, value) the token is bound to: the session cookie, else the anonymous cookie."""
    session_cookie = request.cookies.get(SESSION_COOKIE)
    if session_cookie:
        return "session", hash_token(session_cookie)
    anon = request.cookies.get(ANON_COOKIE)
    if not anon and create:
        anon = getattr(request.state, _PENDING, None)
    if not anon and create:
        anon = secrets.token_urlsafe(32)
        setattr(request.state, _PENDING, anon)  # set on the response by CsrfCookieMiddleware
    return ("anon", anon) if anon else None


def csrf_token(request: Request) -> str:
    """The token for forms and scripts on this page (stable for the session)."""
    binding = _binding(request, create=True)
    assert binding is not None
    return _sign(_key(request), *binding)


def csrf_input(request: Request) -> Markup:
    """A hidden `csrf_token` input for a POST form."""
    token = escape(csrf_token(request))
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{token}">')  # noqa: S704


async def _sent_token(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        try:
            form = await request.form()  # cached by Starlette: the handler still gets its fields
        except Exception:  # a malformed body is simply "no token"; the handler reports the rest
            return None
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def token_matches(request: Request, sent: str | None) -> bool:
    """Whether `sent` is the right CSRF token for this request (always True for bearer requests).
    For handlers that read the body themselves (streaming uploads)."""
    if uses_bearer(request):
        return True
    binding = _binding(request, create=False)
    if not sent or binding is None:
        return False
    return hmac.compare_digest(sent.encode(), _sign(_key(request), *binding).encode())


async def check_csrf(request: Request) -> None:
    """Raise CsrfError unless this request is safe, token-authenticated or carries a valid token."""
    if request.method in SAFE_METHODS or uses_bearer(request) or getattr(request.state, _VERIFIED, False):
        return
    if not token_matches(request, await _sent_token(request)):
        raise CsrfError()
    request.state.navigator_csrf_ok = True


async def verify_csrf(request: Request) -> None:
    await check_csrf(request)


CsrfDep = Annotated[None, Depends(verify_csrf)]


def anon_cookie_header(value: str, secure: bool) -> str:
    parts = [f"{ANON_COOKIE}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def apply_pending_cookie(request: Request, response: Response) -> None:
    """Set the anonymous CSRF cookie on this response if rendering created one (idempotent)."""
    value = getattr(request.state, _PENDING, None)
    if value:
        response.headers.append(
            "set-cookie", anon_cookie_header(value, request.app.state.settings.cookie_secure)
        )
        setattr(request.state, _PENDING, None)


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]


class CsrfCookieMiddleware:
    """Sets the anonymous CSRF cookie that `csrf_input` created while a page was rendered.
    Pure ASGI (no body buffering), so streaming responses and uploads pass straight through."""

    def __init__(self, app: ASGIApp, secure: bool = True) -> None:
        self.app = app
        self.secure = secure

    async def __call__(
        self,
        scope: Scope,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                value = scope.get("state", {}).get(_PENDING)
                if value:
                    MutableHeaders(scope=message).append("set-cookie", anon_cookie_header(value, self.secure))
            await send(message)

        await self.app(scope, receive, send_with_cookie)
