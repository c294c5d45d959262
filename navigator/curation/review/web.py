"""Small HTTP helpers shared by the review pages: rendering in the curator layout, reading form
bodies safely, and turning service results into JSON."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse

from navigator.app.templating import templates
from navigator.auth.install import register_template_globals

register_template_globals()  # csrf_input in templates, whether or not the auth router is mounted

MAX_FORM_BYTES = 1_000_000  # the biggest legitimate form (a long description) is far smaller
FormData = dict[str, str | list[str]]


class FormTooLarge(Exception):
    pass


async def read_form(request: Request) -> FormData:
    """The posted form as {name: value} ({name: [values]} where a name repeats, e.g. checkboxes)."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_FORM_BYTES:
        raise FormTooLarge
    try:
        form = await request.form(max_files=0, max_fields=200)
    except Exception:  # malformed bodies read as an empty form; the service says what is missing
        return {}
    data: FormData = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        data[key] = values if len(values) > 1 else (values[0] if values else "")
    return data


def text(form: FormData, name: str, limit: int = 20_000) -> str:
    value = form.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return value[:limit]


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    ctx = {"current_user": getattr(request.state, "current_user", None), **context}
    return templates().TemplateResponse(request, name, ctx, status_code=status_code)


def as_json(value: Any, status_code: int = 200) -> JSONResponse:
    """Dataclasses (also nested in dicts and lists), dates and tuples as JSON."""
    return JSONResponse(jsonable_encoder(value), status_code=status_code)


def not_found(request: Request, message: str) -> HTMLResponse:
    return render(
        request,
        "curator/review/message.html",
        {"page_title": "Not found", "heading": "Not found", "message": message},
        status_code=404,
    )
