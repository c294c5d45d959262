"""The navigator's pages: search with results (`/`), a listing (`/listing/{id}`) with "report a
problem", and the listing's JSON twin (`/api/listings/{id}`). The search page's JSON twin is the
public `/api/search`. Every parameter is read as text and checked by the services, so bad input
gives a friendly page, never a 422 or a 500."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from navigator.app.deps import SearchDep, SettingsDep, StoreDep
from navigator.app.responses import json_body, refusals
from navigator.auth.csrf import CsrfDep
from navigator.auth.deps import OptionalUserDep
from navigator.curation.review.problems import ListingNotFound, ReviewError, report_problem
from navigator.navigator_app import listing as lv
from navigator.navigator_app.search_form import DAYS, MODES, RADIUS_MILES, parse_form
from navigator.navigator_app.search_page import MAX_CATEGORY_OPTIONS, run_search
from navigator.navigator_app.web import error_page, read_shortlist, render
from navigator.store import navigator_queries as nq
from navigator.store.models import Service
from navigator.store.models_curation import PROBLEM_REASONS

router = APIRouter(tags=["pages"])

MAX_ID_CHARS = 520
NOT_FOUND = (
    "We can't find a service with that reference. It may have been removed from the directory, "
    "or the link may be incomplete. Try searching for it instead."
)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def search_page(
    request: Request, search: SearchDep, store: StoreDep, user: OptionalUserDep
) -> HTMLResponse:
    params = {k: request.query_params.getlist(k) for k in request.query_params}
    form = parse_form(params)
    shortlist = read_shortlist(request)
    page = await run_in_threadpool(run_search, search, store, form, shortlist)
    return render(
        request,
        "pages/search.html",
        {
            "page_title": "Search"
            if page.results is None
            else f"Results: {_short(page.form.q) or 'your search'}",
            "page": page,
            "form": page.form,
            "days": DAYS,
            "modes": MODES,
            "radii": RADIUS_MILES,
            "category_select": 0 < len(page.categories) <= MAX_CATEGORY_OPTIONS,
        },
        status_code=page.status_code,
        shortlist=shortlist,
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _load(store: StoreDep, listing_id: str) -> list[Service]:
    if not listing_id or len(listing_id) > MAX_ID_CHARS:
        return []
    with store.read() as session:
        return nq.listings_by_id(session, listing_id)


def _listing_page(
    request: Request,
    listing_id: str,
    found: list[Service],
    settings: SettingsDep,
    status_code: int = 200,
    **extra: object,
) -> HTMLResponse:
    if not found:
        return error_page(request, 404, "Service not found", NOT_FOUND)
    if len(found) > 1:
        choices = [(f"{s.source}:{s.source_id}", s.name, s.source) for s in found]
        return render(
            request, "pages/listing_choose.html", {"page_title": "Which service?", "choices": choices}
        )
    service = found[0]
    shortlist = read_shortlist(request)
    return render(
        request,
        "pages/listing.html",
        {
            "page_title": service.name,
            "d": lv.detail(service, settings.stale_after_days),
            "listing_id": listing_id,
            "in_shortlist": listing_id in shortlist,
            "reasons": PROBLEM_REASONS,
            "reported": request.query_params.get("reported") == "1",
            **extra,
        },
        status_code=status_code,
        shortlist=shortlist,
    )


@router.get("/listing/{listing_id:path}", response_class=HTMLResponse, include_in_schema=False)
async def listing_page(
    request: Request, listing_id: str, store: StoreDep, settings: SettingsDep, user: OptionalUserDep
) -> HTMLResponse:
    found = await run_in_threadpool(_load, store, listing_id)
    return _listing_page(request, listing_id, found, settings)


@router.post("/listing/{listing_id:path}/report", response_class=HTMLResponse, include_in_schema=False)
async def report_listing(
    request: Request,
    listing_id: str,
    store: StoreDep,
    settings: SettingsDep,
    user: OptionalUserDep,
    _csrf: CsrfDep,
    reason: Annotated[str, Form(max_length=100)] = "",
    details: Annotated[str, Form(max_length=50_000)] = "",
) -> Response:
    found = await run_in_threadpool(_load, store, listing_id)
    if len(found) != 1:
        return _listing_page(request, listing_id, found, settings)
    service = found[0]
    by = "resident" if user is None else ("navigator" if user.role == "navigator" else "curator")
    try:
        await run_in_threadpool(
            report_problem, store, f"{service.source}:{service.source_id}", reason, details, by
        )
    except ReviewError as exc:
        return _listing_page(
            request,
            listing_id,
            found,
            settings,
            status_code=400,
            report_error=exc.message,
            report_field=exc.field,
            report_reason=reason,
            report_details=details[:2000],
        )
    except ListingNotFound:
        return error_page(request, 404, "Service not found", NOT_FOUND)
    return RedirectResponse(f"/listing/{quote(listing_id, safe='')}?reported=1#report", status_code=303)


@router.get(
    "/api/listings/{listing_id:path}",
    tags=["listings"],
    responses=refusals(404, 422)
    | json_body(300, "Several sources published this id: ask again with one of `choices` (SOURCE:ID)."),
)
async def listing_json(listing_id: str, store: StoreDep, settings: SettingsDep) -> JSONResponse:
    """One listing as the detail page shows it (exact address withheld when the listing asks)."""
    found = await run_in_threadpool(_load, store, listing_id)
    if not found:
        return JSONResponse({"detail": f"No listing has the id {listing_id[:100]!r}."}, status_code=404)
    if len(found) > 1:
        ids = [f"{s.source}:{s.source_id}" for s in found]
        return JSONResponse(
            {"detail": "Several listings have this id; use SOURCE:ID.", "choices": ids}, status_code=300
        )
    return JSONResponse(lv.detail(found[0], settings.stale_after_days).as_json())
