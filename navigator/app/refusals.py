"""One way to say "no" from middleware and app-wide handlers (413, 422, 429, 500): a page for a
person's browser, JSON for programs, both in the app's usual shape (`detail`, `problems`).

Middleware answers before any route runs, so it cannot use a route's own error page; this keeps
those refusals looking like the rest of the site (the shared `pages/error.html` layout).
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

NO_STORE = {"Cache-Control": "no-store"}


def wants_html(path: str, accept: str) -> bool:
    """Browsers asking for a page get HTML; API paths and scripts get JSON."""
    if path == "/api" or path.startswith("/api/"):
        return False
    return "text/html" in accept


def refusal(
    request: Request,
    status: int,
    title: str,
    message: str,
    *,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, object] | None = None,
) -> Response:
    """The refusal as HTML (for a browser) or JSON; `extra` adds keys to the JSON body."""
    all_headers = {**NO_STORE, **(headers or {})}
    if wants_html(request.url.path, request.headers.get("accept", "")):
        from navigator.app.templating import templates

        context = {"page_title": title, "message": message, "status": status, **(extra or {})}
        return templates().TemplateResponse(
            request, "pages/error.html", context, status_code=status, headers=all_headers
        )
    problems = [{"field": field, "message": message}] if field else []
    body: dict[str, object] = {"detail": message, "problems": problems}
    body.update(extra or {})
    return JSONResponse(body, status_code=status, headers=all_headers)
