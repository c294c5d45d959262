"""The FastAPI application factory: settings in, app out. Nothing is created at import time.

The store, the outcode table and the search service live on `app.state` for the app's lifetime
(opened in the lifespan, closed after). Routers are included here, one per resource; other areas
add theirs to `ROUTERS`.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from navigator.app.templating import templates
from navigator.config import Settings, load_settings

log = logging.getLogger(__name__)

# One router module per resource (navigator.app.routes.<name>.router), included in this order.
# A module that is not there yet is skipped, so areas can land independently.
ROUTERS = (
    "search_api",
    "pages",
    "shortlist",
    "offers",
    "chat_api",
    "widget",
    "inbox",
    "auth",
    "curator",
    "curator_import",
    "curator_feeds",
    "curator_review",
    "oruk_api",
    "exports",
)


def create_app(settings: Settings | None = None, *, search_service: object | None = None) -> FastAPI:
    """Build the app. Tests may pass a ready `search_service` (e.g. over a fake embedder)."""
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from navigator.app.logredact import install_log_redaction
        from navigator.geo.outcodes import OutcodeTable
        from navigator.search.service import SearchService
        from navigator.store.db import Store

        install_log_redaction()  # searches and stored personal data stay out of the logs
        store = Store.open(settings)
        table = OutcodeTable.load_default()
        service = search_service or SearchService(settings, store, table=table)
        if isinstance(service, SearchService):
            service.load()  # a missing index is reported per request, not fatal: the rest still serves
            if service.problem:
                log.warning("search: %s", service.problem)
        app.state.settings = settings
        app.state.store = store
        app.state.outcodes = table
        app.state.search = service
        try:
            yield
        finally:
            if isinstance(service, SearchService):
                service.close()
            store.dispose()

    production = settings.env == "production"
    app = FastAPI(
        title="Neighbourhood Navigator",
        version="0.1.0",
        lifespan=lifespan,
        # Production: no interactive docs (they need inline script and a CDN, which our CSP refuses,
        # and they are a map for probing); the JSON schema stays unless switched off.
        docs_url=None if production else "/docs",
        redoc_url=None if production else "/redoc",
        openapi_url="/openapi.json" if not production or settings.openapi_in_production else None,
    )
    app.state.settings = settings

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # Say which parameter was wrong and what it should be, in words.
        problems = [
            {"field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "message": e["msg"]}
            for e in exc.errors()
        ]
        text = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        return JSONResponse(status_code=422, content={"detail": text, "problems": problems})

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # People following a dead link get a page that helps them on, not a JSON body.
        wants_html = "text/html" in request.headers.get("accept", "")
        if not wants_html or exc.status_code not in (404, 405, 410):
            return await http_exception_handler(request, exc)
        message = (
            exc.detail
            if exc.status_code != 404 or exc.detail != "Not Found"
            else ("There is no page at this address. It may have moved, or the link may be mistyped.")
        )
        context = {
            "page_title": "Page not found" if exc.status_code == 404 else "Not available",
            "message": message,
        }
        return templates().TemplateResponse(
            request, "pages/error.html", context, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(OperationalError)
    async def _busy(request: Request, exc: OperationalError) -> Response:
        # SQLite has one writer: while a long import holds it, another write waits for the busy
        # timeout and then fails. Say "busy, try again" rather than a bare 500.
        if "locked" not in str(exc.orig).lower() and "busy" not in str(exc.orig).lower():
            raise exc
        log.warning("store busy: %s %s", request.method, request.url.path)
        message = "The directory is busy saving an import. Please try again in a minute."
        headers = {"Retry-After": "30"}
        if "text/html" in request.headers.get("accept", ""):
            context = {"page_title": "Busy for a moment", "message": message}
            page = templates().TemplateResponse(request, "pages/error.html", context, status_code=503)
            page.headers.update(headers)
            return page
        return JSONResponse(status_code=503, content={"detail": message}, headers=headers)

    from fastapi.staticfiles import StaticFiles

    from navigator.app.errors import install_error_pages
    from navigator.app.limits import install_body_limits
    from navigator.app.ratelimits import install_rate_limits
    from navigator.app.security import install_security_headers
    from navigator.app.templating import STATIC_DIR
    from navigator.auth.install import install_auth

    # Middleware added first runs innermost: body limits next to the routes, rate limits before
    # any body is read, security headers on every answer (refusals included), CSRF cookie outside.
    install_body_limits(app, settings)
    install_rate_limits(app, settings)
    install_security_headers(app, settings)
    install_auth(app, settings)
    install_error_pages(app, settings)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for name in ROUTERS:
        try:
            module = importlib.import_module(f"navigator.app.routes.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"navigator.app.routes.{name}":
                raise
            continue
        app.include_router(module.router)
    return app
