"""What a route may answer besides its success, declared once so `/openapi.json` tells the truth.

Every refusal in the app has one JSON shape, `{"detail": "...", "problems": [{"field", "message"}]}`
(the validation handler in the app factory, `navigator.app.refusals`, the chat's and the ORUK API's
own problems); some add keys of their own (`comparison`, `conversation`, ...). Pages for people
(`/curator/...`, `/sign-in`) answer a browser with HTML and a program with JSON, so their refusals
are declared with both content types.

    @router.get("/api/thing/{id}", responses=refusals(404, 422))
    @router.get("/curator/thing/{id}", response_class=HTMLResponse,
                responses=refusals(401, 403, 404, html=True))

The API fuzz test (tests/test_fuzz_api_schema.py) holds every route to what is declared here.
"""

from __future__ import annotations

from typing import Any

# Written out (not generated from a pydantic model) so it can sit beside text/html without the
# model's schema landing under the route's own media type (FastAPI puts it there for HTML routes).
REFUSAL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "What was wrong and what to do, in words."},
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["message"],
                "properties": {
                    "field": {"type": ["string", "null"], "description": "The parameter or field at fault."},
                    "message": {"type": "string"},
                },
            },
        },
    },
}
HTML_SCHEMA: dict[str, Any] = {"type": "string", "description": "A page for people."}

WHY: dict[int, str] = {
    400: "The body cannot be read as sent (not UTF-8 JSON, a broken form); `detail` says why.",
    401: "Not signed in: sign in, or send `Authorization: Bearer <API token>`.",
    403: "Signed in without the role this needs, or a form without its CSRF token.",
    404: "Nothing has this id (or it has gone).",
    409: "Someone changed this meanwhile, or it was already decided; reload and try again.",
    410: "This has expired.",
    413: "The request body is larger than this takes.",
    415: "A file of a kind this does not take; `detail` lists the kinds it does.",
    422: "A parameter or field cannot be used as given; `problems` names each one.",
    429: "Too many requests from this client; wait `Retry-After` seconds.",
    503: "Not available just now (no search index yet, or the directory is busy); try again later.",
}


def refusals(*statuses: int, html: bool = False) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these error statuses: JSON, and also HTML when `html` is set."""
    content: dict[str, Any] = {"application/json": {"schema": REFUSAL_SCHEMA}}
    if html:
        content["text/html"] = {"schema": HTML_SCHEMA}
    return {status: {"description": WHY[status], "content": content} for status in statuses}


def redirect(
    status: int = 303, description: str = "Done: on to the page that shows the result."
) -> dict[int | str, dict[str, Any]]:
    """A redirect answer: no body, a `Location` header."""
    return {status: {"description": description, "headers": {"Location": {"schema": {"type": "string"}}}}}


def html_page(description: str = "A page for people.") -> dict[int | str, dict[str, Any]]:
    """A 200 that is a page (for routes whose handler may also answer with a redirect or JSON)."""
    return {200: {"description": description, "content": {"text/html": {"schema": HTML_SCHEMA}}}}


def json_body(
    status: int, description: str, schema: dict[str, Any] | None = None
) -> dict[int | str, dict[str, Any]]:
    """A JSON answer with an open (or given) schema, for a status besides the route's own."""
    return {status: {"description": description, "content": {"application/json": {"schema": schema or {}}}}}


def page_or_json(status: int, description: str) -> dict[int | str, dict[str, Any]]:
    """An answer that is a page for a browser and JSON for a program (`Accept: application/json`)."""
    content = {"text/html": {"schema": HTML_SCHEMA}, "application/json": {"schema": {}}}
    return {status: {"description": description, "content": content}}
