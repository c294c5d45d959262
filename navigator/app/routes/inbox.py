"""The navigators' hand-off inbox: requests residents made in the chat to be contacted by a person.

`/inbox` (list, newest and urgent first), `/inbox/{id}` (one request), `POST /inbox/{id}/done`
(mark it dealt with); JSON twins under `/api/inbox`. Navigators, curators and admins only (the
router's dependency; `/inbox` and `/api/inbox` are protected prefixes). Requests older than
`handoff_retention_days` are deleted before every view, as well as hourly while the app runs.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from navigator.app.deps import StoreDep
from navigator.app.paths import RowId
from navigator.app.responses import refusals
from navigator.auth.deps import NavigatorDep, require_navigator
from navigator.chat.service import get_chat
from navigator.navigator_app.web import error_page, render
from navigator.store import chat_queries
from navigator.store.models_chat import HandoffRequest

router = APIRouter(tags=["inbox"], dependencies=[Depends(require_navigator)])
STATUSES = ("new", "done", "all")
PAGE = 200
NOT_FOUND = (
    "There is no request with that number. It may have been deleted: requests are kept for "
    "{days} days and then removed automatically."
)


def _public(row: HandoffRequest) -> dict[str, Any]:
    return {
        "id": row.id,
        "created_at": row.created_at.isoformat(timespec="seconds") + "Z",
        "name": row.name,
        "contact_method": row.contact_method,
        "contact": row.contact,
        "note": row.note,
        "looking_for": row.looking_for,
        "area": row.area,
        "urgent": row.urgent,
        "status": row.status,
        "done_at": row.done_at.isoformat(timespec="seconds") + "Z" if row.done_at else None,
        "done_by": row.done_by,
    }


def _list(request: Request, store: StoreDep, status: str) -> dict[str, Any]:
    chat = get_chat(request.app)
    chat.purge()
    with store.read() as session:
        rows = chat_queries.list_handoffs(session, status=None if status == "all" else status, limit=PAGE)
        counts = chat_queries.count_handoffs(session)
    return {
        "requests": [_public(r) for r in rows],
        "counts": {"new": counts.get("new", 0), "done": counts.get("done", 0)},
        "status": status,
        "retention_days": chat.settings.handoff_retention_days,
    }


def _one(request: Request, store: StoreDep, handoff_id: int) -> dict[str, Any] | None:
    get_chat(request.app).purge()
    with store.read() as session:
        row = chat_queries.get_handoff(session, handoff_id)
        return _public(row) if row is not None else None


def _status(request: Request) -> str:
    value = request.query_params.get("status", "new")
    return value if value in STATUSES else "new"


@router.get("/inbox", response_class=HTMLResponse, include_in_schema=False)
async def inbox_page(request: Request, store: StoreDep, user: NavigatorDep) -> HTMLResponse:
    data = await run_in_threadpool(_list, request, store, _status(request))
    flash = "Marked as done." if request.query_params.get("done") == "1" else None
    return render(
        request, "inbox/list.html", {"page_title": "Requests to talk to a person", "flash": flash, **data}
    )


@router.get("/api/inbox", summary="Hand-off requests (JSON twin of /inbox)", responses=refusals(401, 403))
async def inbox_json(request: Request, store: StoreDep, user: NavigatorDep) -> JSONResponse:
    data = await run_in_threadpool(_list, request, store, _status(request))
    return JSONResponse(data, headers={"Cache-Control": "no-store"})


@router.get("/inbox/{handoff_id}", response_class=HTMLResponse, include_in_schema=False)
async def request_page(
    request: Request, handoff_id: RowId, store: StoreDep, user: NavigatorDep
) -> HTMLResponse:
    item = await run_in_threadpool(_one, request, store, handoff_id)
    if item is None:
        days = get_chat(request.app).settings.handoff_retention_days
        return error_page(request, 404, "Request not found", NOT_FOUND.format(days=days))
    return render(request, "inbox/view.html", {"page_title": f"Request from {item['name']}", "item": item})


@router.get(
    "/api/inbox/{handoff_id}",
    summary="One hand-off request (JSON twin of /inbox/{id})",
    responses=refusals(401, 403, 404, 422),
)
async def request_json(
    request: Request, handoff_id: RowId, store: StoreDep, user: NavigatorDep
) -> JSONResponse:
    item = await run_in_threadpool(_one, request, store, handoff_id)
    if item is None:
        days = get_chat(request.app).settings.handoff_retention_days
        return JSONResponse({"detail": NOT_FOUND.format(days=days)}, status_code=404)
    return JSONResponse(item, headers={"Cache-Control": "no-store"})


def _mark_done(store: StoreDep, handoff_id: int, who: str) -> dict[str, Any] | None:
    from navigator.chat.handoff import _now

    with store.write() as session:
        row = chat_queries.mark_handoff_done(session, handoff_id, by=who, at=_now())
        return _public(row) if row is not None else None


@router.post("/inbox/{handoff_id}/done", include_in_schema=False)
async def mark_done_form(
    request: Request, handoff_id: RowId, store: StoreDep, user: NavigatorDep
) -> Response:
    item = await run_in_threadpool(_mark_done, store, handoff_id, user.name or user.email)
    if item is None:
        days = get_chat(request.app).settings.handoff_retention_days
        return error_page(request, 404, "Request not found", NOT_FOUND.format(days=days))
    return RedirectResponse("/inbox?done=1", status_code=303)


@router.post(
    "/api/inbox/{handoff_id}/done",
    summary="Mark a hand-off request as dealt with",
    responses=refusals(401, 403, 404, 422),
)
async def mark_done_json(
    request: Request, handoff_id: RowId, store: StoreDep, user: NavigatorDep
) -> JSONResponse:
    item = await run_in_threadpool(_mark_done, store, handoff_id, user.name or user.email)
    if item is None:
        days = get_chat(request.app).settings.handoff_retention_days
        return JSONResponse({"detail": NOT_FOUND.format(days=days)}, status_code=404)
    return JSONResponse(item)
