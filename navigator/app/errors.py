"""An unexpected failure is answered kindly and never shows its insides: a page (or JSON) saying
something went wrong on our side, with a short reference to quote; the stack trace goes to the
server's log under the same reference, so the two can be matched.

Installed as the app's handler for `Exception`, which Starlette runs in its outermost layer
(ServerErrorMiddleware) — outside every other middleware — so the security headers are added here
too. After answering, Starlette re-raises the error, so the server (and a test client that asks
for it) still sees it.
"""

from __future__ import annotations

import logging
import secrets

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from navigator.app.refusals import refusal
from navigator.app.security import request_headers, security_headers
from navigator.config import Settings

log = logging.getLogger(__name__)

REFERENCE_HEADER = "X-Error-Reference"


def new_reference() -> str:
    """Short enough to read out on the phone, random enough not to collide in a day's log."""
    return secrets.token_hex(5).upper()


def install_error_pages(app: FastAPI, settings: Settings) -> None:
    async def _unexpected(request: Request, exc: Exception) -> Response:
        reference = new_reference()
        # The path only: a query string can hold what someone typed into a search.
        log.error(
            "unexpected error %s on %s %s (%s)",
            reference,
            request.method,
            request.url.path,
            type(exc).__name__,
            exc_info=exc,
        )
        message = (
            "Something went wrong on our side and your request could not be completed. Please try "
            f"again in a minute. If it keeps happening, tell us this reference: {reference}."
        )
        headers = {REFERENCE_HEADER: reference}
        headers.update(security_headers(request.scope, request_headers(request.scope), settings))
        try:
            return refusal(
                request, 500, "Something went wrong", message, headers=headers, extra={"reference": reference}
            )
        except Exception:  # the page itself failed (a broken template?): plain words still reach them
            log.exception("error page %s could not be rendered", reference)
            return PlainTextResponse(message, status_code=500, headers=headers)

    app.add_exception_handler(Exception, _unexpected)
