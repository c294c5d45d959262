"""Request bodies are bounded before any route reads them: one app-wide size limit (413), a larger
allowance for the curator upload (which streams to disk under its own limit), and a shape limit for
JSON bodies — nesting depth and items per array/object (422) — whatever the route.

Sizes are counted as the body arrives, never taken from the client's word: a declared
Content-Length over the limit is refused at once, a chunked body (no Content-Length) is cut off
when it passes the limit, and a body longer than its Content-Length is refused (400). Past the
limit the rest is read and thrown away (bounded), so a browser gets to see the answer rather than
a reset connection.

JSON shape is checked for every body that is not a form (whatever its Content-Type claims: the
chat widget's requests may come as text/plain) and looks like JSON; a body that doesn't parse is
left for the route to refuse in its own words.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from navigator.app.refusals import refusal
from navigator.app.security import request_headers
from navigator.config import Settings
from navigator.curation.uploads import DRAIN_FACTOR, too_big_message

UPLOAD_PATH = "/curator/import"  # POST: the streamed curator upload
UPLOAD_OVERHEAD = 1024 * 1024  # form fields and part headers around the files
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class BodyTooLarge(HTTPException):
    """Raised from the body stream past the limit. An HTTPException so that FastAPI's own body
    parsing (forms, JSON parameters) passes it on instead of calling it a malformed body."""

    def __init__(self, message: str) -> None:
        super().__init__(413, message)


class BodyLongerThanDeclared(HTTPException):
    def __init__(self) -> None:
        super().__init__(
            400,
            "The request body is longer than its Content-Length header says. Send the body with the "
            "right Content-Length (or none, chunked).",
        )


@dataclass(frozen=True)
class Allowance:
    limit: int  # bytes a route may receive
    message: str  # what a person reads when a body is bigger


def allowance(method: str, path: str, content_type: str, settings: Settings) -> Allowance:
    """The body limit for this request: the upload streams under its own limit (and drains past it
    to show its own page), so the app-wide cap sits above everything that route may read. Only a
    multipart form gets it: anything else sent there is held in memory here, so it gets the usual limit."""
    if method == "POST" and path.rstrip("/") == UPLOAD_PATH and content_type == "multipart/form-data":
        limit = settings.max_upload_bytes * DRAIN_FACTOR + UPLOAD_OVERHEAD
        return Allowance(limit, too_big_message(settings.max_upload_bytes))
    limit = settings.max_request_bytes
    return Allowance(
        limit,
        f"The request is larger than the limit of {limit:,} bytes and was not read. Send less at once "
        "(an administrator can raise NAVIGATOR_MAX_REQUEST_BYTES).",
    )


def json_shape_problem(value: Any, max_depth: int, max_items: int) -> tuple[str, str] | None:
    """(JSON path, what is wrong) for the first place a parsed body is too deep or too wide; None if fine.
    Walks with a stack, not recursion, so no body can exhaust Python's stack here."""
    stack: list[tuple[Any, int, str]] = [(value, 1, "$")]
    while stack:
        node, depth, where = stack.pop()
        if depth > max_depth:
            return where, f"is nested deeper than {max_depth} levels"
        if len(node) > max_items:
            return where, f"holds {len(node):,} items; at most {max_items:,} are allowed"
        children = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in children:
            if isinstance(child, dict | list):
                step = f"[{key}]" if isinstance(key, int) else f".{str(key)[:40]}"
                stack.append((child, depth + 1, where + step))
    return None


def check_json_body(body: bytes, settings: Settings) -> tuple[str, str] | None:
    """(where, problem) if `body` is JSON too deep or too wide for the limits; None otherwise
    (including when it is not JSON at all: the route says so in its own words)."""
    start = body.lstrip()[:1]
    if start not in (b"{", b"["):
        return None
    try:
        value = json.loads(body)
    except RecursionError:  # deeper than Python's parser goes, so certainly deeper than the limit
        return "$", f"is nested deeper than {settings.max_json_depth} levels"
    except ValueError:
        return None
    if not isinstance(value, dict | list):
        return None
    return json_shape_problem(value, settings.max_json_depth, settings.max_json_items)


class _Reader:
    """Counts the body as the app reads it; past the limit, raises once, then lets a bounded drain
    through (so the refusal can be read by the client) and ends the body."""

    def __init__(self, receive: Receive, limit: int, declared: int | None, message: str) -> None:
        self.receive = receive
        self.limit = limit
        self.declared = declared
        self.message = message
        self.seen = 0
        self.over = False
        self.finished = False

    async def __call__(self) -> Message:
        if self.over and self.seen > self.limit * DRAIN_FACTOR:
            return {"type": "http.request", "body": b"", "more_body": False}  # drained enough
        message = await self.receive()
        if message["type"] != "http.request":
            return message
        self.seen += len(message.get("body", b""))
        self.finished = not message.get("more_body", False)
        if not self.over and self.declared is not None and self.seen > self.declared:
            self.over = True
            raise BodyLongerThanDeclared()
        if not self.over and self.seen > self.limit:
            self.over = True
            raise BodyTooLarge(self.message)
        return message

    async def drain(self) -> None:
        """Read and discard what is left (up to DRAIN_FACTOR x the limit)."""
        while not self.finished and self.seen <= self.limit * DRAIN_FACTOR:
            message = await self()
            if message["type"] != "http.request":
                return


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = request_headers(scope)
        length = headers.get("content-length", "").strip()
        declared = int(length) if length.isdigit() else None
        has_body = declared != 0 and (
            declared is not None or "transfer-encoding" in headers or scope["method"] in BODY_METHODS
        )
        if not has_body:
            await self.app(scope, receive, send)
            return
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        rule = allowance(scope["method"], scope["path"], content_type, self.settings)
        reader = _Reader(receive, rule.limit, declared, rule.message)
        if declared is not None and declared > rule.limit:
            if declared <= rule.limit * DRAIN_FACTOR:
                reader.over = True
                await reader.drain()
            await self._refuse(scope, receive, send, 413, rule.message)
            return
        if content_type in FORM_TYPES:
            await self.app(scope, reader, send)  # streamed: the route reads it, the reader counts
            return
        await self._whole_json_candidate(scope, receive, send, reader)

    async def _whole_json_candidate(
        self, scope: Scope, receive: Receive, send: Send, reader: _Reader
    ) -> None:
        """Read the (bounded) body, check its JSON shape, then hand it on to the app unchanged."""
        chunks: list[bytes] = []
        try:
            while not reader.finished:
                message = await reader()
                if message["type"] != "http.request":
                    return  # the client went away
                chunks.append(message.get("body", b""))
        except HTTPException as exc:
            await reader.drain()
            await self._refuse(scope, receive, send, exc.status_code, str(exc.detail))
            return
        body = b"".join(chunks)
        problem = check_json_body(body, self.settings)
        if problem is not None:
            where, what = problem
            text = f"The JSON body is too complex: {where} {what}. Send simpler JSON."
            await self._refuse(scope, receive, send, 422, text, field=where)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the client to disconnect, as usual

        await self.app(scope, replay, send)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, status: int, message: str, field: str = "body"
    ) -> None:
        response = body_refusal(Request(scope, receive), status, message, field)
        await response(scope, receive, send)


def body_refusal(request: Request, status: int, message: str, field: str = "body") -> Response:
    title = {413: "Too much sent at once", 422: "Request not understood"}.get(status, "Request not accepted")
    # Past a size limit part of the body may be unread: the connection cannot be reused.
    headers = {"Connection": "close"} if status in (400, 413) else None
    return refusal(request, status, title, message, field=field, headers=headers)


async def _too_large(request: Request, exc: Exception) -> Response:
    """A route was reading the body when it passed the limit: drain a little, then say so."""
    assert isinstance(exc, HTTPException)
    reader = getattr(request.receive, "drain", None)
    if reader is not None:
        await reader()
    return body_refusal(request, exc.status_code, str(exc.detail))


def install_body_limits(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(BodyLimitMiddleware, settings=settings)
    app.add_exception_handler(BodyTooLarge, _too_large)
    app.add_exception_handler(BodyLongerThanDeclared, _too_large)
