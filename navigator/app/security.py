"""Security headers on every response: a Content-Security-Policy with no inline script,
no MIME sniffing, a strict referrer policy, and HSTS when served over TLS.

Pages that must be framed (the chat widget's panel, an iframe on host sites) set their own
`frame-ancestors` through `request.state.frame_ancestors` before the response is sent; a route
that sets a header itself (the panel's `Referrer-Policy: no-referrer`) keeps its own value.

Pure ASGI rather than `@app.middleware("http")`: nothing is buffered, so streamed uploads and
downloads pass straight through, and the same header set is reused by the 500 handler (which runs
outside every middleware, see navigator/app/errors.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from navigator.config import Settings

HSTS = "max-age=63072000; includeSubDomains"


def content_security_policy(frame_ancestors: str) -> str:
    """The one policy for every response: scripts and styles from our own origin only (no inline,
    no eval), no plugins, no <base> rewriting, forms post back to us, framing as configured."""
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


def behind_tls(scope: Scope, headers: Mapping[str, str], settings: Settings) -> bool:
    """True when the browser reached us over HTTPS: directly, or via a proxy we were told to trust."""
    if scope.get("scheme") in ("https", "wss"):
        return True
    if not settings.behind_tls_proxy:
        return False  # anyone can send X-Forwarded-Proto; only a configured proxy's word counts
    forwarded = headers.get("x-forwarded-proto", "").split(",")[-1].strip().lower()
    return forwarded == "https"


def security_headers(scope: Scope, request_headers: Mapping[str, str], settings: Settings) -> dict[str, str]:
    """The headers every response carries (a route's own values win where it set them)."""
    state: Any = scope.get("state") or {}
    frame_ancestors = (state.get("frame_ancestors") if isinstance(state, dict) else None) or (
        settings.frame_ancestors
    )
    headers = {
        "Content-Security-Policy": content_security_policy(frame_ancestors),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if frame_ancestors.strip() == "'none'":
        headers["X-Frame-Options"] = "DENY"  # for old browsers that ignore frame-ancestors
    if behind_tls(scope, request_headers, settings):
        headers["Strict-Transport-Security"] = HSTS
    return headers


def request_headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


class SecurityHeadersMiddleware:
    """Adds `security_headers` to the start of every HTTP response, without touching the body."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})  # where routes leave `request.state.frame_ancestors`

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in security_headers(scope, request_headers(scope), self.settings).items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security_headers(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(SecurityHeadersMiddleware, settings=settings)
