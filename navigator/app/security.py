"""Security headers on every response: a Content-Security-Policy with no inline script,
no MIME sniffing, a strict referrer policy, and HSTS when served over TLS.

Pages that must be framed (the chat widget's panel, if it is an iframe) set their own
`frame-ancestors` through `request.state.frame_ancestors` before the response is sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from navigator.config import Settings


def content_security_policy(frame_ancestors: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        )
    )


def install_security_headers(app: FastAPI, settings: Settings) -> None:
    @app.middleware("http")
    async def _headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        frame_ancestors = getattr(request.state, "frame_ancestors", None) or settings.frame_ancestors
        response.headers.setdefault("Content-Security-Policy", content_security_policy(frame_ancestors))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if frame_ancestors.strip() == "'none'":
            response.headers.setdefault("X-Frame-Options", "DENY")
        forwarded = request.headers.get("x-forwarded-proto", "") if settings.behind_tls_proxy else ""
        if request.url.scheme == "https" or forwarded == "https":
            response.headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        return response
