"""Requests per client for the expensive or abusable actions: searching (/api/search and the
results page) and starting imports (curator upload, apply, feed sync). Past the allowance: 429 with
Retry-After, as a page or JSON.

The buckets are the chat's token buckets (navigator.chat.ratelimit.RateLimiter: a burst of N, refilled
evenly over a minute, bounded memory), one per kind of action, living on `app.state` — per replica,
like the chat's. Chat messages (POST /api/chat, in the chat route) and failed sign-ins (counted in
the store, navigator/auth/throttle.py) have their own limits already and are not counted twice.

The client is the peer address, or the last X-Forwarded-For entry only when
NAVIGATOR_TRUST_FORWARDED_FOR says a proxy we run sets it (the same rule as the sign-in throttle).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import FastAPI
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from navigator.app.refusals import refusal
from navigator.auth.throttle import client_address
from navigator.chat.ratelimit import RateLimiter
from navigator.config import Settings

_IMPORT_STARTS = re.compile(r"^/curator/(import|import/[^/]+/apply|feeds/[^/]+/sync)/?$")


def action(method: str, path: str, query_string: bytes) -> str | None:
    """Which limited action a request is ("search", "import"), or None for everything else."""
    if method in ("GET", "HEAD"):
        if path == "/api/search" or (path == "/" and query_string):
            return "search"  # the bare "/" is the empty search form: not a search
        return None
    if method == "POST" and _IMPORT_STARTS.match(path):
        return "import"
    return None


@dataclass
class RateLimits:
    """The buckets for every limited action, built from settings (one set per app)."""

    limiters: dict[str, RateLimiter]

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        return cls(
            {
                "search": RateLimiter(settings.search_rate_per_minute),
                "import": RateLimiter(settings.import_rate_per_minute),
            }
        )


MESSAGES = {
    "search": "You have searched very often in the last minute. Wait {seconds} seconds, then try again.",
    "import": "Imports were started very often from here in the last minute. Wait {seconds} seconds, "
    "then try again.",
}


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings, limits: RateLimits) -> None:
        self.app = app
        self.settings = settings
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = (
            action(scope["method"], scope["path"], scope.get("query_string", b""))
            if scope["type"] == "http"
            else None
        )
        if kind is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        wait = self.limits.limiters[kind].check(f"{kind}:{client_address(request, self.settings)}")
        if not wait:
            await self.app(scope, receive, send)
            return
        message = MESSAGES[kind].format(seconds=wait)
        response = refusal(
            request,
            429,
            "Too many requests",
            message,
            headers={"Retry-After": str(wait)},
            extra={"retry_after": wait},
        )
        await response(scope, receive, send)


def install_rate_limits(app: FastAPI, settings: Settings) -> None:
    limits = RateLimits.from_settings(settings)
    app.state.rate_limits = limits
    app.add_middleware(RateLimitMiddleware, settings=settings, limits=limits)
