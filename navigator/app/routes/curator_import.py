"""Bulk import in the browser: upload → dry-run preview (a background job) → apply or cancel.

GET  /curator/import                     the upload form
POST /curator/import                     streamed upload (413 over the size limit) → preview job
GET  /curator/jobs/{id}                  progress page (polls the JSON twin when JS is on)
GET  /api/curator/jobs/{id}              {state, stage, done, total, percent, result_url, ...}
GET  /curator/import/{id}                the preview: the report exactly as the CLI would give it
GET  /api/curator/import/{id}            its JSON twin (the whole report)
POST /curator/import/{id}/apply          apply as the signed-in curator (once), then rebuild the index
POST /curator/import/{id}/cancel         delete the staged files
"""

from __future__ import annotations

import re
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.responses import Response

from navigator.app.deps import SettingsDep, StoreDep
from navigator.app.responses import json_body, redirect, refusals
from navigator.auth.deps import CuratorDep
from navigator.auth.users import CurrentUser
from navigator.config import Settings
from navigator.curation import staged_import as si
from navigator.curation import staging
from navigator.curation.jobs import Job, JobFailed, JobRunner, new_job_id
from navigator.curation.report_view import report_from_dict
from navigator.curation.staging import Staged
from navigator.curation.unzip import ZipLimits
from navigator.curation.uploads import ACCEPT_TEXT, UploadRefused, receive_multipart
from navigator.curation.views import report_context
from navigator.curation.web import (
    NO_STORE,
    JobsDep,
    UploadCuratorDep,
    message_page,
    page,
    token_checker,
    visible_job,
    visible_staged,
    wants_json,
)
from navigator.store import history_queries as hq
from navigator.store.db import Store

router = APIRouter(tags=["curator import"])
# The handler reads the multipart body itself, streaming it to disk under the size limit (so
# FastAPI cannot see it): declared here for the schema.
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["source", "files"],
                    "properties": {
                        "csrf_token": {"type": "string", "description": "Or the X-CSRF-Token header."},
                        "source": {"type": "string", "description": "Where the listings come from."},
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": ACCEPT_TEXT,
                        },
                    },
                }
            }
        },
    }
}
GONE = "This upload is no longer here: it expired, was cancelled or never existed. Upload the files again."


def _form(
    request: Request, user: CurrentUser, store: Store, settings: Settings, **extra: Any
) -> dict[str, Any]:
    with store.read() as session:
        sources = hq.sources(session)
    return {
        "page_title": "Import listings",
        "curator_section": "import",
        "sources": sources,
        "accept_text": ACCEPT_TEXT,
        "max_bytes": settings.max_upload_bytes,
        "max_mb": max(1, settings.max_upload_bytes // 1_048_576),
        "expiry_minutes": settings.upload_expiry_minutes,
        **extra,
    }


@router.get(
    "/curator/import",
    summary="Upload files to import (form)",
    response_class=HTMLResponse,
    responses=refusals(401, 403, html=True),
)
def import_form(request: Request, user: CuratorDep, store: StoreDep, settings: SettingsDep) -> Response:
    flash = (
        "The upload was cancelled and its files deleted."
        if request.query_params.get("done") == "cancelled"
        else None
    )
    return page(request, "import_form.html", _form(request, user, store, settings, flash=flash), user=user)


def clean_source(value: str | None) -> str:
    text = re.sub(r"\s+", " ", value or "").strip()
    if not text:
        raise UploadRefused(
            422, "Say which source these listings come from (for example the council or feed name)."
        )
    if len(text) > 200 or any(not ch.isprintable() for ch in text):
        raise UploadRefused(422, "The source name must be 1–200 printable characters.")
    return text


@router.post(
    "/curator/import",
    summary="Upload files; starts a dry-run preview",
    status_code=303,
    response_class=RedirectResponse,
    responses=redirect(description="Started: on to the preview job's progress page.")
    | json_body(202, "Started as a background job (`Accept: application/json`): poll `status_url`.")
    | refusals(400, 401, 403, 413, 415, 422, 429, html=True),
    openapi_extra=UPLOAD_BODY,
)
async def upload(
    request: Request, user: UploadCuratorDep, store: StoreDep, settings: SettingsDep, jobs: JobsDep
) -> Response:
    root = staging.uploads_root(settings)
    await run_in_threadpool(staging.sweep_expired, root)
    staged = staging.new_staged(settings, user.email, "")
    fields: dict[str, str] = {}
    try:
        form = await receive_multipart(
            request.stream(),
            request.headers.get("content-type", ""),
            request.headers.get("content-length"),
            staged.folder(root) / "incoming",
            limit=settings.max_upload_bytes,
            token_ok=token_checker(request),
            header_token=request.headers.get("x-csrf-token"),
        )
        fields = form.fields
        staged.source = clean_source(form.fields.get("source"))
        if not form.files:
            raise UploadRefused(422, f"Choose at least one file to upload: {ACCEPT_TEXT}.")
        limits = ZipLimits(settings.max_upload_unpacked_bytes, settings.max_upload_members)
        await run_in_threadpool(staging.lay_out, root, staged, form.files, limits)
    except UploadRefused as exc:
        staging.delete(root, staged.id)
        if wants_json(request):
            return JSONResponse({"detail": exc.message}, status_code=exc.status, headers=NO_STORE)
        context = _form(request, user, store, settings, error=exc.message, source=fields.get("source", ""))
        return page(request, "import_form.html", context, user=user, status_code=exc.status)
    staging.save(root, staged)
    job = _start_preview(jobs, store, settings, staged, f"Preview of {', '.join(staged.names)}")
    return _job_started(request, job)


def _start_preview(jobs: JobRunner, store: Store, settings: Settings, staged: Staged, title: str) -> Job:
    root = staging.uploads_root(settings)

    def work(job: Job) -> str:
        try:
            si.run_preview(store, settings, staged, job)
        except Exception:
            staged.status = "failed"
            staging.save(root, staged)
            raise
        return f"/curator/import/{staged.id}"

    job_id = new_job_id()
    staged.extra["job_id"] = job_id  # recorded before the job can start saving this file too
    staging.save(root, staged)
    return jobs.submit("preview", staged.owner, title, work, back_url="/curator/import", job_id=job_id)


def _job_started(request: Request, job: Job) -> Response:
    url = f"/curator/jobs/{job.id}"
    if wants_json(request):
        body = {"job_id": job.id, "job_url": url, "status_url": f"/api/curator/jobs/{job.id}"}
        return JSONResponse(body, status_code=202, headers=NO_STORE)
    return RedirectResponse(url, status_code=303)


@router.get(
    "/curator/jobs/{job_id}",
    summary="Progress of a background import job (HTML)",
    response_class=HTMLResponse,
    responses=redirect(description="The job is done: on to its result.")
    | refusals(401, 403, 404, 422, html=True),
)
def job_page(request: Request, job_id: str, user: CuratorDep, jobs: JobsDep) -> Response:
    job = visible_job(jobs, job_id, user)
    if job is None:
        return message_page(
            request,
            user,
            404,
            "Job not found",
            "There is no such job, or it finished over an hour ago. "
            "See the import history for what was imported.",
            [("/curator/imports", "Import history")],
        )
    if job.state == "done" and job.result_url:
        return RedirectResponse(job.result_url, status_code=303)
    return page(
        request,
        "job.html",
        {"page_title": job.title, "job": job.to_dict(), "curator_section": "import"},
        user=user,
    )


@router.get(
    "/api/curator/jobs/{job_id}",
    summary="Progress of a background import job (JSON)",
    responses=refusals(401, 403, 404, 422),
)
def job_status(job_id: str, user: CuratorDep, jobs: JobsDep) -> JSONResponse:
    job = visible_job(jobs, job_id, user)
    if job is None:
        return JSONResponse({"detail": "There is no such job."}, status_code=404, headers=NO_STORE)
    return JSONResponse(job.to_dict(), headers=NO_STORE)


def _unavailable(request: Request, user: CurrentUser, staged: Staged | None) -> Response | None:
    """The answer when a staged import can't be shown or used, else None."""
    if staged is None:
        return message_page(
            request, user, 404, "Upload not found", GONE, [("/curator/import", "Upload files")]
        )
    if staged.status == "applied" and staged.batch_id:
        if wants_json(request):
            return None
        return RedirectResponse(f"/curator/imports/{staged.batch_id}", status_code=303)
    if staged.status == "cancelled":
        return message_page(
            request,
            user,
            410,
            "Upload cancelled",
            "This upload was cancelled and its files deleted. Upload the files again to import them.",
            [("/curator/import", "Upload files")],
        )
    if staged.expired and staged.status != "applying":
        staging.delete(staging.uploads_root(request.app.state.settings), staged.id)
        return message_page(
            request, user, 410, "Preview expired", si.expired_message(), [("/curator/import", "Upload files")]
        )
    return None


@router.get(
    "/curator/import/{staged_id}",
    summary="The dry-run preview of an upload (HTML)",
    response_class=HTMLResponse,
    responses=redirect(description="Still being worked on (to its job) or already applied (to the import).")
    | refusals(401, 403, 404, 409, 410, 422, html=True),
)
def preview_page(
    request: Request, staged_id: str, user: CuratorDep, settings: SettingsDep, jobs: JobsDep
) -> Response:
    staged = visible_staged(request, staged_id, user)
    refusal = _unavailable(request, user, staged)
    if refusal is not None or staged is None:
        return refusal or message_page(request, user, 404, "Upload not found", GONE)
    if staged.status in ("staged", "previewing", "applying"):
        job_id = str(staged.extra.get("job_id", ""))
        if jobs.get(job_id) is not None:
            return RedirectResponse(f"/curator/jobs/{job_id}", status_code=303)
    data = staging.load_preview(staging.uploads_root(settings), staged)
    if data is None or staged.status != "previewed":
        text = (
            "The preview of this upload could not be made. Upload the files again; "
            "if it keeps failing, tell an administrator."
        )
        return message_page(request, user, 409, "No preview", text, [("/curator/import", "Upload files")])
    context = {
        "page_title": f"Preview: import into '{staged.source}'",
        "curator_section": "import",
        "staged": staged,
        "changed": request.query_params.get("changed") == "1",
        "minutes_left": max(0, int((staged.expires - time.time()) // 60)),
        **report_context(report_from_dict(data), data),
    }
    return page(request, "preview.html", context, user=user)


@router.get(
    "/api/curator/import/{staged_id}",
    summary="The dry-run preview of an upload (JSON)",
    responses=refusals(401, 403, 404, 410, 422),
)
def preview_json(request: Request, staged_id: str, user: CuratorDep, settings: SettingsDep) -> Response:
    staged = visible_staged(request, staged_id, user)
    refusal = _unavailable(request, user, staged)
    if refusal is not None or staged is None:
        return refusal or JSONResponse({"detail": GONE}, status_code=404)
    body = {
        "id": staged.id,
        "status": staged.status,
        "source": staged.source,
        "files": staged.names,
        "expires": staged.expires,
        "batch_id": staged.batch_id,
        "preview": staging.load_preview(staging.uploads_root(settings), staged),
    }
    return JSONResponse(body, headers=NO_STORE)


@router.post(
    "/curator/import/{staged_id}/apply",
    summary="Apply a previewed upload (once)",
    status_code=303,
    response_class=RedirectResponse,
    responses=redirect(description="Started: on to the job's progress page.")
    | json_body(202, "Started as a background job (`Accept: application/json`): poll `status_url`.")
    | refusals(401, 403, 404, 409, 410, 422, 429, html=True),
)
def apply(
    request: Request, staged_id: str, user: CuratorDep, store: StoreDep, settings: SettingsDep, jobs: JobsDep
) -> Response:
    staged = visible_staged(request, staged_id, user)
    if staged is None:
        return message_page(
            request, user, 404, "Upload not found", GONE, [("/curator/import", "Upload files")]
        )
    try:
        si.claim(settings, staged)
    except JobFailed as exc:
        status = (
            410 if staged.status == "cancelled" or (staged.expired and staged.status != "applied") else 409
        )
        links = (
            [(f"/curator/imports/{staged.batch_id}", f"Import #{staged.batch_id}")] if staged.batch_id else []
        )
        return message_page(
            request, user, status, "Not applied", str(exc), [*links, ("/curator/import", "Upload files")]
        )

    def work(job: Job) -> str:
        result = si.apply_claimed(store, settings, staged, actor=user.email, job=job)
        if result.stale:
            si.run_preview(store, settings, staged, job)
            return f"/curator/import/{staged.id}?changed=1"
        return f"/curator/imports/{result.batch_id}?applied=1"

    job_id = new_job_id()
    staged.extra["job_id"] = job_id  # recorded before the job can start saving this file too
    staging.save(staging.uploads_root(settings), staged)
    job = jobs.submit(
        "apply",
        user.email,
        f"Import into '{staged.source}'",
        work,
        back_url=f"/curator/import/{staged.id}",
        job_id=job_id,
    )
    return _job_started(request, job)


@router.post(
    "/curator/import/{staged_id}/cancel",
    summary="Cancel an upload and delete its files",
    status_code=303,
    response_class=RedirectResponse,
    responses=redirect(description="Cancelled: back to the upload form.")
    | json_body(200, "Cancelled (`Accept: application/json`).")
    | refusals(401, 403, 404, 409, 422, html=True),
)
def cancel(
    request: Request, staged_id: str, user: CuratorDep, store: StoreDep, settings: SettingsDep
) -> Response:
    staged = visible_staged(request, staged_id, user)
    if staged is None:
        return message_page(
            request, user, 404, "Upload not found", GONE, [("/curator/import", "Upload files")]
        )
    try:
        si.cancel(settings, staged, store)
    except JobFailed as exc:
        return message_page(
            request, user, 409, "Not cancelled", str(exc), [("/curator/imports", "Import history")]
        )
    if wants_json(request):
        return JSONResponse({"detail": "Cancelled; the files were deleted."}, headers=NO_STORE)
    return RedirectResponse("/curator/import?done=cancelled", status_code=303)
