"""Published ORUK feeds: list, add by API base URL, sync now (fetch → the same preview → apply), remove.

GET  /curator/feeds                    feeds, their last sync, the add form
GET  /api/curator/feeds                JSON twin
POST /curator/feeds                    add a feed (name, url)
POST /curator/feeds/{id}/sync          fetch it through the outgoing-request guard, then preview
POST /curator/feeds/{id}/remove        stop syncing it (its listings stay)
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.responses import Response

from navigator.app.deps import SettingsDep, StoreDep
from navigator.app.paths import RowId
from navigator.app.responses import json_body, redirect, refusals
from navigator.app.routes.curator_import import _job_started
from navigator.auth.deps import CuratorDep
from navigator.auth.users import CurrentUser
from navigator.curation import staged_import as si
from navigator.curation.feeds import FeedProblem, base_url, fetch_to_staged
from navigator.curation.jobs import Job, JobFailed
from navigator.curation.safe_http import HttpPolicy, address_problem
from navigator.curation.web import NO_STORE, JobsDep, message_page, page, wants_json
from navigator.store import feeds_queries as fq
from navigator.store.db import Store

router = APIRouter(tags=["curator feeds"])


def _feeds(store: Store) -> list[fq.FeedRow]:
    with store.read() as session:
        return fq.list_feeds(session)


def _feed_json(row: fq.FeedRow) -> dict[str, Any]:
    sync = row.last_sync
    return {
        "id": row.id,
        "name": row.name,
        "url": row.base_url,
        "added_by": row.added_by,
        "added_at": row.added_at.isoformat(timespec="seconds"),
        "last_sync": None
        if sync is None
        else {
            "started_at": sync.started_at.isoformat(timespec="seconds"),
            "status": sync.status,
            "services": sync.services,
            "pages": sync.pages,
            "deactivated": sync.deactivated,
            "message": sync.message,
            "import_batch_id": sync.import_batch_id,
        },
    }


def _list_page(
    request: Request, user: CurrentUser, store: Store, *, status_code: int = 200, **extra: Any
) -> Response:
    context = {"page_title": "Feeds", "curator_section": "feeds", "feeds": _feeds(store), **extra}
    return page(request, "feeds.html", context, user=user, status_code=status_code)


@router.get(
    "/curator/feeds",
    summary="Published feeds Navigator pulls (HTML)",
    response_class=HTMLResponse,
    responses=refusals(401, 403, html=True),
)
def feeds_page(request: Request, user: CuratorDep, store: StoreDep) -> Response:
    done = {
        "added": "The feed was added. Use “Sync now” to pull it.",
        "removed": "The feed was removed; its listings were kept.",
    }
    return _list_page(request, user, store, flash=done.get(request.query_params.get("done", "")))


@router.get(
    "/api/curator/feeds", summary="Published feeds Navigator pulls (JSON)", responses=refusals(401, 403)
)
def feeds_json(user: CuratorDep, store: StoreDep) -> JSONResponse:
    return JSONResponse({"feeds": [_feed_json(r) for r in _feeds(store)]}, headers=NO_STORE)


def check_feed_address(url: str, settings: Any) -> str:
    """The normalised base URL, refusing at once what the guard would refuse at every fetch."""
    base = base_url(url)
    host = base.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    host = re.sub(r":\d+$", "", host).strip("[]").lower()
    policy = HttpPolicy.from_settings(settings)
    if host == "localhost" or host.endswith(".localhost"):
        if not policy.allow_loopback:
            raise FeedProblem(
                f"{host} is this server itself; Navigator only fetches feeds from public addresses"
            )
        return base
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return base  # a name: resolved and checked at every fetch
    problem = address_problem(address, policy.allow_loopback)
    if problem:
        raise FeedProblem(f"{host} is {problem}; Navigator only fetches feeds from public internet addresses")
    return base


@router.post(
    "/curator/feeds",
    summary="Add a feed by its ORUK API base URL",
    status_code=303,
    response_class=RedirectResponse,
    responses=redirect(description="Added: back to the feeds.")
    | json_body(201, "Added (`Accept: application/json`).")
    | refusals(400, 401, 403, 422, html=True),
)
def add_feed(
    request: Request,
    user: CuratorDep,
    store: StoreDep,
    settings: SettingsDep,
    name: str = Form("", max_length=400),
    url: str = Form("", max_length=2000),
) -> Response:
    name = re.sub(r"\s+", " ", name).strip()
    errors: dict[str, str] = {}
    if not name or len(name) > 200:
        errors["name"] = "Give the feed a name of 1–200 characters (its listings are imported under it)."
    try:
        base = check_feed_address(url, settings)
    except FeedProblem as exc:
        errors["url"] = f"This address cannot be used: {exc}."
    if not errors:
        with store.write() as session:
            if fq.feed_by_name(session, name) is not None:
                errors["name"] = f"There is already a feed called '{name}'."
            else:
                fq.add_feed(session, name, base, user.email)
    if errors:
        if wants_json(request):
            return JSONResponse({"detail": " ".join(errors.values()), "errors": errors}, status_code=422)
        return _list_page(request, user, store, status_code=422, errors=errors, name=name, url=url)
    if wants_json(request):
        return JSONResponse({"detail": "Added.", "name": name, "url": base}, status_code=201)
    return RedirectResponse("/curator/feeds?done=added", status_code=303)


@router.post(
    "/curator/feeds/{feed_id}/sync",
    summary="Fetch a feed now, then preview the import",
    status_code=303,
    response_class=RedirectResponse,
    responses=redirect(description="Started: on to the job's progress page.")
    | json_body(202, "Started as a background job (`Accept: application/json`): poll `status_url`.")
    | refusals(401, 403, 404, 422, 429, html=True),
)
def sync_now(
    request: Request, feed_id: RowId, user: CuratorDep, store: StoreDep, settings: SettingsDep, jobs: JobsDep
) -> Response:
    with store.read() as session:
        feed = fq.feed_by_id(session, feed_id)
        name = feed.name if feed else None
    if name is None:
        return message_page(
            request,
            user,
            404,
            "Feed not found",
            "There is no such feed.",
            [("/curator/feeds", "Feeds")],
            "feeds",
        )

    def work(job: Job) -> str:
        job.progress("fetching", 0, 0)
        try:
            staged = fetch_to_staged(store, settings, name, actor=user.email, progress=job.progress)
        except FeedProblem as exc:
            raise JobFailed(f"Feed '{name}' could not be fetched: {exc}. Nothing was changed.") from exc
        si.run_preview(store, settings, staged, job)
        return f"/curator/import/{staged.id}"

    job = jobs.submit("fetch", user.email, f"Sync feed '{name}'", work, back_url="/curator/feeds")
    return _job_started(request, job)


@router.post(
    "/curator/feeds/{feed_id}/remove",
    summary="Stop syncing a feed (its listings stay)",
    status_code=303,
    response_class=RedirectResponse,
    responses=redirect(description="Removed: back to the feeds.")
    | json_body(200, "Removed (`Accept: application/json`).")
    | refusals(401, 403, 404, 422, html=True),
)
def remove(request: Request, feed_id: RowId, user: CuratorDep, store: StoreDep) -> Response:
    with store.write() as session:
        removed = fq.remove_feed(session, feed_id)
    if not removed:
        return message_page(
            request,
            user,
            404,
            "Feed not found",
            "There is no such feed.",
            [("/curator/feeds", "Feeds")],
            "feeds",
        )
    if wants_json(request):
        return JSONResponse({"detail": "Removed; its listings were kept."})
    return RedirectResponse("/curator/feeds?done=removed", status_code=303)
