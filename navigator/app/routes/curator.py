"""The curator home page, import history and rollback.

GET  /curator                              links to every curator area
GET  /api/curator                          the same as JSON
GET  /curator/imports  (?page=N)           every import and rollback: who, when, source, counts, status
GET  /api/curator/imports                  JSON twin
GET  /curator/imports/{id}                 one import with its stored report
GET  /api/curator/imports/{id}             JSON twin
GET  /curator/imports/{id}/rollback        what a rollback would do (confirm)
POST /curator/imports/{id}/rollback        roll it back (a background job), as the signed-in curator
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.responses import Response

from navigator.app.deps import SettingsDep, StoreDep
from navigator.app.paths import RowId
from navigator.app.responses import json_body, page_or_json, redirect, refusals
from navigator.app.routes.curator_import import _job_started
from navigator.auth.deps import CuratorDep
from navigator.auth.users import CurrentUser
from navigator.curation.jobs import Job, JobFailed
from navigator.curation.report_view import report_from_dict
from navigator.curation.rollback import RollbackRefused, plan_rollback, rollback_batch
from navigator.curation.staged_import import rebuild_index
from navigator.curation.views import report_context
from navigator.curation.web import NO_STORE, JobsDep, message_page, page, wants_json
from navigator.store import history_queries as hq

router = APIRouter(tags=["curator"])
PER_PAGE = 50
AREAS = [
    (
        "import",
        "/curator/import",
        "Import",
        "Upload ORUK JSON, HSDS CSV packages or spreadsheets; preview, then apply.",
    ),
    (
        "imports",
        "/curator/imports",
        "History",
        "Every import with who, when and what changed; roll one back.",
    ),
    ("feeds", "/curator/feeds", "Feeds", "Published ORUK feeds: add one, sync now."),
    (
        "duplicates",
        "/curator/duplicates",
        "Possible duplicates",
        "Compare side by side; merge or mark not a duplicate.",
    ),
    ("stale", "/curator/stale", "Needs checking", "Listings not verified for a long time, oldest first."),
    (
        "problems",
        "/curator/problems",
        "Reported problems",
        "What navigators and residents reported; resolve with a note.",
    ),
    ("exports", "/exports", "Exports", "Download the directory as ORUK JSON, HSDS CSV or a spreadsheet."),
]


@router.get(
    "/curator",
    summary="Curator home: links to every curator area",
    response_class=HTMLResponse,
    responses=refusals(401, 403, html=True),
)
def home(request: Request, user: CuratorDep, store: StoreDep) -> Response:
    with store.read() as session:
        recent, total = hq.list_batches(session, limit=5)
    context = {
        "page_title": "Curator home",
        "curator_section": "home",
        "areas": AREAS,
        "recent": recent,
        "total": total,
    }
    return page(request, "home.html", context, user=user)


@router.get("/api/curator", summary="Curator areas (JSON twin of /curator)", responses=refusals(401, 403))
def home_json(user: CuratorDep) -> JSONResponse:
    areas = [{"key": k, "url": url, "title": title, "description": text} for k, url, title, text in AREAS]
    return JSONResponse({"areas": areas}, headers=NO_STORE)


def _batch_json(row: hq.BatchRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "status": row.status,
        "source": row.source,
        "actor": row.actor,
        "files": row.files,
        "format": row.format,
        "started_at": row.started_at.isoformat(timespec="seconds"),
        "finished_at": row.finished_at.isoformat(timespec="seconds") if row.finished_at else None,
        "counts": row.counts,
        "rolled_back_at": row.rolled_back_at.isoformat(timespec="seconds") if row.rolled_back_at else None,
        "rollback_of": row.rollback_of,
        "rolled_back_by": row.rolled_back_by,
    }


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


@router.get(
    "/curator/imports",
    summary="Import history (HTML)",
    response_class=HTMLResponse,
    responses=refusals(401, 403, html=True),
)
def history(request: Request, user: CuratorDep, store: StoreDep) -> Response:
    number = _page_number(request)
    with store.read() as session:
        rows, total = hq.list_batches(session, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    context = {
        "page_title": "Import history",
        "curator_section": "imports",
        "rows": rows,
        "total": total,
        "page": number,
        "pages": pages,
    }
    return page(request, "imports.html", context, user=user)


@router.get("/api/curator/imports", summary="Import history (JSON)", responses=refusals(401, 403))
def history_json(request: Request, user: CuratorDep, store: StoreDep) -> JSONResponse:
    number = _page_number(request)
    with store.read() as session:
        rows, total = hq.list_batches(session, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
    body = {"total": total, "page": number, "per_page": PER_PAGE, "imports": [_batch_json(r) for r in rows]}
    return JSONResponse(body, headers=NO_STORE)


def _missing(request: Request, user: CurrentUser, batch_id: int) -> Response:
    return message_page(
        request,
        user,
        404,
        "Import not found",
        f"There is no import #{batch_id}.",
        [("/curator/imports", "Import history")],
        "imports",
    )


@router.get(
    "/curator/imports/{batch_id}",
    summary="One import and its report (HTML)",
    response_class=HTMLResponse,
    responses=refusals(401, 403, 404, 422, html=True),
)
def detail(request: Request, batch_id: RowId, user: CuratorDep, store: StoreDep) -> Response:
    with store.read() as session:
        row = hq.get_batch(session, batch_id)
        data = hq.batch_report(session, batch_id) or {}
    if row is None:
        return _missing(request, user, batch_id)
    flash = None
    if request.query_params.get("applied") == "1":
        flash = f"Import #{batch_id} was applied."
    context: dict[str, Any] = {
        "page_title": f"Import #{batch_id}" if row.kind == "import" else f"Rollback #{batch_id}",
        "curator_section": "imports",
        "row": row,
        "data": data,
        "flash": flash,
    }
    if row.kind == "import":
        context.update(report_context(report_from_dict(data), data, row.counts))
    return page(request, "import_detail.html", context, user=user)


@router.get(
    "/api/curator/imports/{batch_id}",
    summary="One import and its report (JSON)",
    responses=refusals(401, 403, 404, 422),
)
def detail_json(request: Request, batch_id: RowId, user: CuratorDep, store: StoreDep) -> Response:
    with store.read() as session:
        row = hq.get_batch(session, batch_id)
        data = hq.batch_report(session, batch_id)
    if row is None:
        return JSONResponse({"detail": f"There is no import #{batch_id}."}, status_code=404)
    return JSONResponse({**_batch_json(row), "report": data}, headers=NO_STORE)


@router.get(
    "/curator/imports/{batch_id}/rollback",
    summary="What rolling back an import would do (confirm)",
    response_class=HTMLResponse,
    responses=page_or_json(200, "The plan: what would be removed, restored or left.")
    | refusals(401, 403, 404, 409, 422, html=True),
)
def rollback_confirm(request: Request, batch_id: RowId, user: CuratorDep, store: StoreDep) -> Response:
    return _confirm(request, user, store, batch_id)


def _confirm(
    request: Request,
    user: CurrentUser,
    store: Any,
    batch_id: int,
    refusal: str | None = None,
    status_code: int = 200,
) -> Response:
    with store.read() as session:
        row = hq.get_batch(session, batch_id)
        if row is None:
            return _missing(request, user, batch_id)
        try:
            plan = plan_rollback(session, batch_id)
        except RollbackRefused as exc:
            return message_page(
                request,
                user,
                409,
                "Cannot roll back",
                str(exc),
                [(f"/curator/imports/{batch_id}", f"Import #{batch_id}")],
                "imports",
            )
    if wants_json(request):
        body = {"detail": refusal, "counts": plan.counts(), "items": [i.__dict__ for i in plan.items]}
        return JSONResponse(body, status_code=status_code, headers=NO_STORE)
    context = {
        "page_title": f"Roll back import #{batch_id}",
        "curator_section": "imports",
        "row": row,
        "plan": plan,
        "counts": plan.counts(),
        "refusal": refusal,
    }
    return page(request, "rollback_confirm.html", context, user=user, status_code=status_code)


@router.post(
    "/curator/imports/{batch_id}/rollback",
    summary="Roll back an import",
    status_code=303,
    response_class=RedirectResponse,
    responses=redirect(description="Started: on to the job's progress page.")
    | json_body(202, "Started as a background job (`Accept: application/json`): poll `status_url`.")
    | refusals(400, 401, 403, 404, 409, 422, html=True),
)
def rollback(
    request: Request,
    batch_id: RowId,
    user: CuratorDep,
    store: StoreDep,
    settings: SettingsDep,
    jobs: JobsDep,
    skip_changed: bool = Form(False),
) -> Response:
    with store.read() as session:
        try:
            plan = plan_rollback(session, batch_id)
        except RollbackRefused as exc:
            if hq.get_batch(session, batch_id) is None:
                return _missing(request, user, batch_id)
            return message_page(
                request,
                user,
                409,
                "Cannot roll back",
                str(exc),
                [("/curator/imports", "Import history")],
                "imports",
            )
    if plan.of("skip") and not skip_changed:
        refusal = (
            f"{len(plan.of('skip'))} listing(s) were changed again after this import, so nothing was "
            "rolled back. "
            "Tick “leave those listings as they are” to roll back the rest."
        )
        return _confirm(request, user, store, batch_id, refusal, 409)

    def work(job: Job) -> str:
        job.progress("rollback", 0, 0)
        try:
            result = rollback_batch(store, batch_id, actor=user.email, skip_changed=skip_changed)
        except RollbackRefused as exc:
            raise JobFailed(str(exc)) from exc
        job.progress("indexing", 0, 0)
        rebuild_index(settings, store)
        return f"/curator/imports/{result.rollback_batch_id}"

    job = jobs.submit(
        "rollback",
        user.email,
        f"Roll back import #{batch_id}",
        work,
        back_url=f"/curator/imports/{batch_id}/rollback",
    )
    return _job_started(request, job)
