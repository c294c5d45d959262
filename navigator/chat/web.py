"""HTTP edges of the chat API: who may call it (CORS), reading a bounded JSON body, and error
replies in the same shape as a normal reply, so the widget can always show something readable.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import JSONResponse

from navigator.config import Settings

BASE_BODY_BYTES = 16 * 1024  # the token and field names, with room to spare
BYTES_PER_CHAR = 12  # the worst case: an emoji sent as a JSON surrogate-pair escape
NO_STORE = {"Cache-Control": "no-store"}


class BodyProblem(Exception):
    def __init__(self, status: int, key: str) -> None:
        super().__init__(key)
        self.status = status
        self.key = key  # a wording key under [problems]


def max_body_bytes(settings: Settings) -> int:
    return BASE_BODY_BYTES + BYTES_PER_CHAR * settings.chat_max_message_chars


async def read_json(request: Request, limit: int) -> dict[str, Any]:
    """The request's JSON object, read no further than `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyProblem(413, "too_big")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyProblem(413, "too_big")
    try:
        data = json.loads(bytes(body).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BodyProblem(400, "not_json") from None
    if not isinstance(data, dict):
        raise BodyProblem(400, "not_json")
    return data


def own_origins(request: Request, settings: Settings) -> set[str]:
    """Navigator's own origin(s): as this request reached us, and the configured public address."""
    scheme = request.url.scheme
    if settings.behind_tls_proxy and request.headers.get("x-forwarded-proto") in ("http", "https"):
        scheme = request.headers["x-forwarded-proto"]
    origins = {f"{scheme}://{request.headers.get('host', '').lower()}"}
    if settings.public_url:
        parts = urlsplit(settings.public_url)
        if parts.scheme and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc.lower()}")
    return origins


def check_origin(request: Request, settings: Settings) -> tuple[bool, dict[str, str]]:
    """(allowed, CORS headers to add). No Origin header: not a browser's cross-site request."""
    origin = request.headers.get("origin")
    if origin is None:
        return True, {}
    origin = origin.strip().lower().rstrip("/")
    if origin in settings.chat_allowed_origins:
        return True, {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    if origin in own_origins(request, settings):
        return True, {"Vary": "Origin"}
    return False, {"Vary": "Origin"}


def preflight_headers(cors: dict[str, str]) -> dict[str, str]:
    return {
        **cors,
        "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type",
        "Access-Control-Max-Age": "600",
    }


def problem(
    status: int,
    text: str,
    *,
    field: str | None = None,
    conversation: str | None = None,
    headers: dict[str, str] | None = None,
    messages: list[dict[str, Any]] | None = None,
    safety: dict[str, Any] | None = None,
) -> JSONResponse:
    """An error as a chat reply: `detail` for programs, an "error" message for people."""
    body = {
        "detail": text,
        "problems": [{"field": field, "message": text}] if field else [],
        "conversation": conversation,
        "messages": [*(messages or []), {"kind": "error", "text": text}],
        "options": [],
        "safety": safety,
        "suggestions": [],
    }
    return JSONResponse(body, status_code=status, headers={**NO_STORE, **(headers or {})})


def base_url(request: Request, settings: Settings) -> str:
    return (settings.public_url or str(request.base_url)).rstrip("/")
