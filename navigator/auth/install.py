"""Wire accounts into an app: friendly 401/403 pages, the anonymous CSRF cookie, Jinja globals.

`create_app` calls `install_auth(app, settings)` once (idempotent). Without it the role
dependencies still refuse with the right status, but as JSON only.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response

from navigator.auth.csrf import CsrfCookieMiddleware, CsrfError, apply_pending_cookie, csrf_input, csrf_token
from navigator.auth.deps import AuthError
from navigator.config import Settings


def wants_html(request: Request) -> bool:
    """Browsers asking for a page get HTML; API paths and scripts get JSON."""
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        return False
    return "text/html" in request.headers.get("accept", "")


def sign_in_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/sign-in?next=" + quote(target, safe="/")


def register_template_globals() -> None:
    from navigator.app.templating import templates

    env = templates().env
    env.globals.setdefault("csrf_input", csrf_input)
    env.globals.setdefault("csrf_token", csrf_token)


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    if not wants_html(request):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)
    from navigator.app.templating import templates
    from navigator.auth.deps import get_optional_user

    if isinstance(exc, CsrfError):
        name = "auth/csrf.html"
    else:
        name = "auth/401.html" if exc.status_code == 401 else "auth/403.html"
    user = getattr(request.state, "current_user", None)
    if user is None and exc.status_code == 403 and not isinstance(exc, CsrfError):
        user = await get_optional_user(request)
    response = templates().TemplateResponse(
        request,
        name,
        {
            "page_title": "Sign in needed" if exc.status_code == 401 else "Not allowed",
            "message": exc.detail,
            "sign_in_url": sign_in_url(request),
            "current_user": user,
        },
        status_code=exc.status_code,
        headers=headers,
    )
    apply_pending_cookie(request, response)
    return response


def install_auth(app: FastAPI, settings: Settings) -> None:
    if getattr(app.state, "auth_installed", False):
        return
    app.state.auth_installed = True
    app.add_exception_handler(AuthError, _refused)
    app.add_exception_handler(CsrfError, _refused)
    app.add_middleware(CsrfCookieMiddleware, secure=settings.cookie_secure)
    register_template_globals()
