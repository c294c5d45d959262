"""Sign-in, sign-out and "who am I": GET/POST /sign-in, POST /sign-out, GET /account, GET /api/me."""

from __future__ import annotations

import logging
import math
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.responses import Response

from navigator.app.deps import SettingsDep, StoreDep
from navigator.app.responses import redirect, refusals
from navigator.app.templating import templates
from navigator.auth import sessions, throttle
from navigator.auth.csrf import CsrfDep, apply_pending_cookie
from navigator.auth.deps import OptionalUserDep, SignedInDep
from navigator.auth.install import register_template_globals, wants_html
from navigator.auth.protected import iter_routes
from navigator.auth.users import CurrentUser, authenticate

log = logging.getLogger(__name__)
router = APIRouter(tags=["accounts"])
register_template_globals()

WRONG = "The email address or password is not right. Check them and try again."
ROLE_LABELS = {"admin": "Admin", "curator": "Curator", "navigator": "Navigator"}
ROLE_HELP = {
    "admin": "You can manage users and do everything a curator can.",
    "curator": "You can import, review and edit the directory's listings.",
    "navigator": "You can keep records of what you offered the people you support.",
}
NO_STORE = {"Cache-Control": "no-store"}


def safe_next(value: str | None) -> str | None:
    """`value` if it is a path on this site (no scheme, host or `//`), else None: no open redirect."""
    if not value or len(value) > 2000 or not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if any(ord(ch) < 0x20 or ch in "\\\x7f" for ch in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith(("/sign-in", "/sign-out")):
        return None
    return value


def _home(request: Request, user: CurrentUser) -> str:
    paths = {route.path for route in iter_routes(request.app)}
    if user.role in ("curator", "admin") and "/curator" in paths:
        return "/curator"
    return "/" if "/" in paths else "/account"


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    headers = dict(NO_STORE)
    if status_code == 429 and "retry_after" in context:
        headers["Retry-After"] = str(context["retry_after"])
    response = templates().TemplateResponse(request, name, context, status_code=status_code, headers=headers)
    apply_pending_cookie(request, response)
    return response


def _sign_in_page(
    request: Request,
    user: CurrentUser | None,
    *,
    next_url: str = "",
    email: str = "",
    errors: list[dict[str, str]] | None = None,
    flash: str | None = None,
    status_code: int = 200,
    retry_after: int | None = None,
) -> Response:
    if not wants_html(request) and errors:
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        return JSONResponse({"detail": errors[0]["message"]}, status_code=status_code, headers=headers)
    context: dict[str, Any] = {
        "page_title": "Sign in",
        "next": next_url,
        "email": email,
        "errors": errors or [],
        "flash": flash,
        "current_user": user,
    }
    if retry_after:
        context["retry_after"] = retry_after
    return _page(request, "auth/sign_in.html", context, status_code)


@router.get("/sign-in", summary="The sign-in form", response_class=HTMLResponse, responses=refusals(422))
async def sign_in_form(
    request: Request, user: OptionalUserDep, next: str | None = None, signed_out: bool = False
) -> Response:
    flash = "You have signed out." if signed_out else None
    return _sign_in_page(request, user, next_url=safe_next(next) or "", flash=flash)


@router.post(
    "/sign-in",
    summary="Sign in with email and password (form)",
    status_code=303,
    response_class=RedirectResponse,
    responses=redirect(description="Signed in: on to `next`, or the home page for this role.")
    | refusals(400, 401, 403, 422, 429, html=True),
)
def sign_in(
    request: Request,
    _csrf: CsrfDep,
    store: StoreDep,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    email = email.strip()[:400]
    next_url = safe_next(next) or ""
    if not email or not password:
        missing = []
        if not email:
            missing.append({"field": "email", "message": "Enter your email address."})
        if not password:
            missing.append({"field": "password", "message": "Enter your password."})
        return _sign_in_page(request, None, next_url=next_url, email=email, errors=missing, status_code=400)

    address = throttle.client_address(request, settings)
    wait = throttle.wait_seconds(store, email, address)
    if wait:
        minutes = max(1, math.ceil(wait / 60))
        message = (
            "Too many failed attempts to sign in. For your security, wait "
            f"{minutes} minute{'s' if minutes != 1 else ''} and then try again."
        )
        log.warning("sign-in refused: back-off in force (%ss left)", wait)
        errors = [{"field": "email", "message": message}]
        return _sign_in_page(
            request, None, next_url=next_url, email=email, errors=errors, status_code=429, retry_after=wait
        )

    user = authenticate(store, email, password)
    if user is None:
        throttle.record_failure(store, settings, email, address)
        log.info("sign-in failed (account key %s)", throttle.account_key(email)[:12])
        errors = [{"field": "email", "message": WRONG}]
        return _sign_in_page(request, None, next_url=next_url, email=email, errors=errors, status_code=401)

    throttle.record_success(store, email)
    # Housekeeping on the (rare) successful sign-in: sessions and counters nobody will use again.
    sessions.purge_expired(store, settings)
    throttle.purge_old(store)
    old = request.cookies.get(sessions.SESSION_COOKIE)
    if old:
        sessions.end_session(store, old)  # a fresh token on every sign-in: no session fixation
    token = sessions.start_session(store, user.id, settings)
    log.info("sign-in: user %s (%s)", user.id, user.role)
    response = RedirectResponse(next_url or _home(request, user), status_code=303, headers=NO_STORE)
    sessions.set_session_cookie(response, token, settings)
    return response


@router.post(
    "/sign-out",
    summary="End this browser's session",
    status_code=303,
    response_class=RedirectResponse,
    responses=redirect(description="Signed out: on to the sign-in page.") | refusals(403, html=True),
)
def sign_out(request: Request, _csrf: CsrfDep, store: StoreDep, settings: SettingsDep) -> Response:
    token = request.cookies.get(sessions.SESSION_COOKIE)
    if token:
        sessions.end_session(store, token)
    response = RedirectResponse("/sign-in?signed_out=1", status_code=303, headers=NO_STORE)
    sessions.clear_session_cookie(response, settings)
    return response


@router.get(
    "/account",
    summary="Who you are signed in as (HTML)",
    response_class=HTMLResponse,
    responses=refusals(401, 403, html=True),
)
async def account(request: Request, user: SignedInDep) -> Response:
    context = {
        "page_title": "Your account",
        "current_user": user,
        "role_label": ROLE_LABELS.get(user.role, user.role),
        "role_help": ROLE_HELP.get(user.role, ""),
    }
    return _page(request, "auth/account.html", context)


@router.get("/api/me", summary="Who you are signed in as (JSON twin of /account)", responses=refusals(401))
async def me(user: SignedInDep) -> JSONResponse:
    body = {"id": user.id, "email": user.email, "name": user.name, "role": user.role, "via": user.via}
    return JSONResponse(body, headers=NO_STORE)
