"""What every navigator page handler shares: rendering with the common context (the shortlist count,
the signed-in user, the CSRF field), the shortlist cookie, safe "come back here" paths, and the
friendly error page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from navigator.app.templating import templates
from navigator.auth.csrf import apply_pending_cookie, csrf_input
from navigator.navigator_app import shortlist as sl


def read_shortlist(request: Request) -> sl.Shortlist:
    return sl.decode(request.cookies.get(sl.COOKIE))


def write_shortlist(request: Request, response: Response, shortlist: sl.Shortlist) -> None:
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    if not shortlist.items:
        response.delete_cookie(sl.COOKIE, path="/", secure=secure, httponly=True, samesite="lax")
        return
    response.set_cookie(
        sl.COOKIE,
        sl.encode(shortlist),
        max_age=sl.MAX_AGE_SECONDS,
        path="/",
        secure=secure,
        httponly=True,  # the page script never reads it: the server answers with the count
        samesite="lax",
    )


def local_path(value: object, default: str = "/") -> str:
    """A same-site path to send someone back to; anything else (another site, //host) is `default`."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or "\\" in value or any(ord(ch) < 32 for ch in value):
        return default
    return value[:2000]


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
    shortlist: sl.Shortlist | None = None,
) -> HTMLResponse:
    shortlist = shortlist if shortlist is not None else read_shortlist(request)
    base: dict[str, Any] = {
        "shortlist_count": len(shortlist),
        "current_user": getattr(request.state, "current_user", None),
        "csrf_input": csrf_input,
    }
    response = templates().TemplateResponse(request, template, {**base, **context}, status_code=status_code)
    response.headers.setdefault("Cache-Control", "no-store")  # shortlists and records are not for caches
    apply_pending_cookie(request, response)
    return response


def error_page(request: Request, status_code: int, title: str, message: str, **extra: Any) -> HTMLResponse:
    """A kind page for a missing listing, an expired link or a problem on our side."""
    return render(
        request,
        "pages/error.html",
        {"page_title": title, "message": message, "status": status_code, **extra},
        status_code=status_code,
    )
