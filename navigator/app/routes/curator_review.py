"""Curators' review queues and the listing editor (HTML under /curator, JSON twins under
/api/curator): possible duplicates (compare, merge, not a duplicate), needs checking (still correct,
closed), reported problems (resolve with a note), the listing page with its history, and the
editor. Every route needs a curator or admin; every write checks the CSRF token. Handlers parse,
call navigator.curation.review, and render (pages in navigator.curation.review.pages)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Body, Depends, Request
from fastapi.concurrency import run_in_threadpool as thread
from fastapi.responses import HTMLResponse, JSONResponse, Response

from navigator.app.deps import SettingsDep, StoreDep
from navigator.app.responses import refusals
from navigator.auth.csrf import CsrfDep
from navigator.auth.deps import CuratorDep
from navigator.curation.review import duplicates as dup
from navigator.curation.review import editing, listing_page, pages, problems, staleness
from navigator.curation.review.changes import ChangedMeanwhile
from navigator.curation.review.listing_form import DELIVERY, FIELDS, STATUSES
from navigator.curation.review.problems import ListingNotFound, ReviewError
from navigator.curation.review.reindex import schedule_rebuild
from navigator.curation.review.web import FormTooLarge, as_json, not_found, read_form, text

router = APIRouter(tags=["curator review"])


def _page_number(page: str = "1") -> int:
    """?page= as a number; anything else is the first page (a typo'd link still shows the queue)."""
    return int(page) if page.isdigit() and 0 < int(page) <= 100_000 else 1


def _pk(value: str) -> int | None:
    """An id from a page's path; None (→ a 404 page) for anything that is not one."""
    return int(value) if value.isdigit() and len(value) < 12 else None


def _page(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """A review page's refusals (401/403 before anything else; 422 for a malformed body)."""
    return refusals(401, 403, 422, *statuses, html=True)


def _api(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return refusals(401, 403, 422, *statuses)


PageNo = Annotated[int, Depends(_page_number)]
TOO_LARGE = "That form was far larger than any listing needs (over 1 MB), so nothing was saved."
STALE_ACTIONS = {"verify": staleness.mark_verified, "close": staleness.mark_closed}
NO_ACTION = "There is no such action: use “Still correct” or “Closed”."
NO_PAIR = "There is no such possible duplicate."


# -- possible duplicates -------------------------------------------------------------------------
@router.get("/curator/duplicates", response_class=HTMLResponse, responses=_page())
async def duplicates_html(request: Request, store: StoreDep, user: CuratorDep, page: PageNo = 1) -> Response:
    return await thread(pages.duplicates_page, request, store, page)


@router.get("/api/curator/duplicates", responses=_api())
async def duplicates_json(store: StoreDep, user: CuratorDep, page: PageNo = 1) -> JSONResponse:
    items, total = await thread(dup.duplicate_queue, store, page)
    return as_json({"total": total, "page": page, "page_size": dup.PAGE_SIZE, "items": items})


@router.get("/curator/duplicates/{pair_id}", response_class=HTMLResponse, responses=_page(404))
async def compare_html(request: Request, store: StoreDep, user: CuratorDep, pair_id: str) -> Response:
    pk = _pk(pair_id)
    if pk is None:
        return not_found(request, NO_PAIR)
    return await thread(pages.compare_page, request, store, pk)


@router.get("/api/curator/duplicates/{pair_id}", responses=_api(404))
async def compare_json(store: StoreDep, user: CuratorDep, pair_id: str) -> JSONResponse:
    try:
        return as_json(await thread(dup.comparison, store, _pk(pair_id) or 0))
    except dup.PairNotFound as exc:
        return as_json({"detail": str(exc)}, 404)


@router.post(
    "/curator/duplicates/{pair_id}/merge", response_class=HTMLResponse, responses=_page(404, 409, 413)
)
async def merge_html(
    request: Request, store: StoreDep, user: CuratorDep, _csrf: CsrfDep, pair_id: str, bg: BackgroundTasks
) -> Response:
    pk = _pk(pair_id)
    if pk is None:
        return not_found(request, NO_PAIR)
    try:
        form = await read_form(request)
    except FormTooLarge:
        return await thread(pages.compare_page, request, store, pk, TOO_LARGE, 413)
    choices = {k.removeprefix("field_"): text(form, k, 10) for k in form if k.startswith("field_")}
    versions = {"a": text(form, "version_a", 100), "b": text(form, "version_b", 100)}
    keep = text(form, "keep", 10)
    try:
        message = await thread(dup.merge, store, pk, keep, choices, versions, user.email)
    except (ChangedMeanwhile, dup.AlreadyDecided, ReviewError) as exc:
        status = 422 if isinstance(exc, ReviewError) else 409
        return await thread(pages.compare_page, request, store, pk, exc.message, status)
    except dup.PairNotFound as exc:
        return not_found(request, str(exc))
    message += " " + schedule_rebuild(request.app.state, bg)
    return await thread(pages.compare_page, request, store, pk, message, 200, True)


@router.post("/api/curator/duplicates/{pair_id}/merge", responses=_api(400, 404, 409))
async def merge_json(
    request: Request,
    store: StoreDep,
    user: CuratorDep,
    _csrf: CsrfDep,
    pair_id: str,
    bg: BackgroundTasks,
    keep: Annotated[str, Body(max_length=10)],
    versions: Annotated[dict[str, str], Body()],
    choices: Annotated[dict[str, str] | None, Body()] = None,
) -> JSONResponse:
    pk = _pk(pair_id) or 0  # 0 is never an id: "not found"
    try:
        message = await thread(dup.merge, store, pk, keep, choices or {}, versions, user.email)
    except (ChangedMeanwhile, dup.AlreadyDecided) as exc:
        current = await thread(dup.comparison, store, pk)
        return as_json({"detail": exc.message, "comparison": current}, 409)
    except ReviewError as exc:
        return as_json({"detail": exc.message, "field": exc.field}, 422)
    except dup.PairNotFound as exc:
        return as_json({"detail": str(exc)}, 404)
    return as_json({"message": message, "search": schedule_rebuild(request.app.state, bg)})


@router.post(
    "/curator/duplicates/{pair_id}/not-duplicate", response_class=HTMLResponse, responses=_page(404, 409)
)
async def not_duplicate_html(
    request: Request, store: StoreDep, user: CuratorDep, _csrf: CsrfDep, pair_id: str
) -> Response:
    pk = _pk(pair_id)
    if pk is None:
        return not_found(request, NO_PAIR)
    try:
        message = await thread(dup.not_duplicate, store, pk, user.email)
    except dup.AlreadyDecided as exc:
        return await thread(pages.compare_page, request, store, pk, exc.message, 409)
    except dup.PairNotFound as exc:
        return not_found(request, str(exc))
    return await thread(pages.compare_page, request, store, pk, message, 200, True)


@router.post("/api/curator/duplicates/{pair_id}/not-duplicate", responses=_api(404, 409))
async def not_duplicate_json(store: StoreDep, user: CuratorDep, _csrf: CsrfDep, pair_id: str) -> JSONResponse:
    try:
        return as_json({"message": await thread(dup.not_duplicate, store, _pk(pair_id) or 0, user.email)})
    except dup.AlreadyDecided as exc:
        return as_json({"detail": exc.message}, 409)
    except dup.PairNotFound as exc:
        return as_json({"detail": str(exc)}, 404)


# -- needs checking ------------------------------------------------------------------------------
@router.get("/curator/stale", response_class=HTMLResponse, responses=_page())
async def stale_html(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    user: CuratorDep,
    page: PageNo = 1,
    source: str = "",
) -> Response:
    return await thread(pages.stale_page, request, store, settings, page, source[:200])


@router.get("/api/curator/stale", responses=_api())
async def stale_json(
    store: StoreDep, settings: SettingsDep, user: CuratorDep, page: PageNo = 1, source: str = ""
) -> JSONResponse:
    days = settings.stale_after_days
    return as_json(await thread(lambda: staleness.stale_queue(store, days, page=page, source=source or None)))


@router.post("/curator/stale/{action}", response_class=HTMLResponse, responses=_page(404, 409))
async def stale_action_html(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    user: CuratorDep,
    _csrf: CsrfDep,
    action: str,
    bg: BackgroundTasks,
) -> Response:
    act = STALE_ACTIONS.get(action)
    if act is None:
        return not_found(request, NO_ACTION)
    form = await read_form(request)
    page = int(p) if (p := text(form, "page", 6)).isdigit() and int(p) > 0 else 1
    source = text(form, "source", 200)
    try:
        message = await thread(act, store, text(form, "listing", 600), form.get("version"), user.email)
    except (ChangedMeanwhile, ListingNotFound) as exc:
        status = 409 if isinstance(exc, ChangedMeanwhile) else 404
        return await thread(pages.stale_page, request, store, settings, page, source, exc.message, status)
    message += " " + schedule_rebuild(request.app.state, bg)
    return await thread(pages.stale_page, request, store, settings, page, source, message, 200, True)


@router.post("/api/curator/stale/{action}", responses=_api(400, 404, 409))
async def stale_action_json(
    request: Request,
    store: StoreDep,
    user: CuratorDep,
    _csrf: CsrfDep,
    action: str,
    bg: BackgroundTasks,
    listing: Annotated[str, Body(max_length=600)],
    version: Annotated[str, Body(max_length=100)],
) -> JSONResponse:
    act = STALE_ACTIONS.get(action)
    if act is None:
        return as_json({"detail": NO_ACTION}, 404)
    try:
        message = await thread(act, store, listing, version, user.email)
    except ChangedMeanwhile as exc:
        return as_json({"detail": exc.message}, 409)
    except ListingNotFound as exc:
        return as_json({"detail": exc.message}, 404)
    return as_json({"message": message, "search": schedule_rebuild(request.app.state, bg)})


# -- reported problems ---------------------------------------------------------------------------
@router.get("/curator/problems", response_class=HTMLResponse, responses=_page())
async def problems_html(request: Request, store: StoreDep, user: CuratorDep, page: PageNo = 1) -> Response:
    return await thread(pages.problems_page, request, store, page)


@router.get("/api/curator/problems", responses=_api())
async def problems_json(store: StoreDep, user: CuratorDep, page: PageNo = 1) -> JSONResponse:
    items, total = await thread(problems.problem_queue, store, page)
    return as_json({"total": total, "page": page, "page_size": problems.PAGE_SIZE, "items": items})


@router.post("/curator/problems/{report_id}/resolve", response_class=HTMLResponse, responses=_page(404))
async def resolve_html(
    request: Request, store: StoreDep, user: CuratorDep, _csrf: CsrfDep, report_id: str
) -> Response:
    pk = _pk(report_id)
    if pk is None:
        return not_found(request, "There is no such problem report.")
    note = text(await read_form(request), "note")
    try:
        await thread(problems.resolve_problem, store, pk, note, user.email)
    except ReviewError as exc:
        errors, notes = {pk: exc.message}, {pk: note}
        return await thread(pages.problems_page, request, store, 1, "", 422, False, errors, notes)
    except LookupError as exc:
        return not_found(request, str(exc))
    message = f"Problem report {pk} resolved."
    return await thread(pages.problems_page, request, store, 1, message, 200, True)


@router.post("/api/curator/problems/{report_id}/resolve", responses=_api(400, 404))
async def resolve_json(
    store: StoreDep,
    user: CuratorDep,
    _csrf: CsrfDep,
    report_id: str,
    note: Annotated[str, Body(embed=True, max_length=5000)],
) -> JSONResponse:
    try:
        report = await thread(problems.resolve_problem, store, _pk(report_id) or 0, note, user.email)
    except ReviewError as exc:
        return as_json({"detail": exc.message, "field": exc.field}, 422)
    except LookupError as exc:
        return as_json({"detail": str(exc)}, 404)
    return as_json({"id": report.id, "status": report.status, "resolved_by": report.resolved_by})


# -- one listing: the editor, held fields, the page (most specific paths first) -------------------
@router.get("/curator/listings/{listing_id:path}/edit", response_class=HTMLResponse, responses=_page(404))
async def edit_html(request: Request, store: StoreDep, user: CuratorDep, listing_id: str) -> Response:
    try:
        return pages.edit_page(request, await thread(editing.edit_view, store, listing_id))
    except ListingNotFound as exc:
        return not_found(request, exc.message)


@router.get("/api/curator/listings/{listing_id:path}/edit", responses=_api(404))
async def edit_view_json(store: StoreDep, user: CuratorDep, listing_id: str) -> JSONResponse:
    try:
        view = await thread(editing.edit_view, store, listing_id)
    except ListingNotFound as exc:
        return as_json({"detail": exc.message}, 404)
    return as_json({"listing": view.listing, "values": view.values, "version": view.version} | _spec())


@router.post(
    "/curator/listings/{listing_id:path}/edit", response_class=HTMLResponse, responses=_page(404, 409, 413)
)
async def edit_save_html(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    user: CuratorDep,
    _csrf: CsrfDep,
    listing_id: str,
    bg: BackgroundTasks,
) -> Response:
    try:
        form = await read_form(request)
        outcome = await _save(request, store, settings, listing_id, form, user.email)
    except (FormTooLarge, ChangedMeanwhile) as exc:
        view = await thread(editing.edit_view, store, listing_id)
        view.message = exc.message if isinstance(exc, ChangedMeanwhile) else TOO_LARGE
        typed = editing.submitted_values(form) if isinstance(exc, ChangedMeanwhile) else None
        return pages.edit_page(request, view, 409 if typed else 413, submitted=typed)
    except ListingNotFound as exc:
        return not_found(request, exc.message)
    if outcome.errors:
        return pages.edit_page(request, outcome, 422)
    if outcome.saved:
        outcome.message += " " + schedule_rebuild(request.app.state, bg)
    return pages.edit_page(request, outcome, ok=True)


@router.post("/api/curator/listings/{listing_id:path}/edit", responses=_api(400, 404, 409))
async def edit_save_json(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    user: CuratorDep,
    _csrf: CsrfDep,
    listing_id: str,
    bg: BackgroundTasks,
    values: Annotated[dict[str, str | list[str]], Body()],
    version: Annotated[str, Body(max_length=100)],
) -> JSONResponse:
    try:
        outcome = await _save(
            request, store, settings, listing_id, {**values, "version": version}, user.email
        )
    except ListingNotFound as exc:
        return as_json({"detail": exc.message}, 404)
    except ChangedMeanwhile as exc:
        return as_json({"detail": exc.message}, 409)
    if outcome.saved:
        outcome.message += " " + schedule_rebuild(request.app.state, bg)
    return as_json(outcome, 422 if outcome.errors else 200)


@router.post("/curator/listings/{listing_id:path}/release", response_class=HTMLResponse, responses=_page(404))
async def release_html(
    request: Request, store: StoreDep, user: CuratorDep, _csrf: CsrfDep, listing_id: str
) -> Response:
    field_name = text(await read_form(request), "field", 60)
    try:
        message = await thread(listing_page.release_hold, store, listing_id, field_name)
    except ListingNotFound as exc:
        return not_found(request, exc.message)
    return await thread(pages.listing_html, request, store, listing_id, message)


@router.get("/curator/listings/{listing_id:path}", response_class=HTMLResponse, responses=_page(404))
async def listing_html(request: Request, store: StoreDep, user: CuratorDep, listing_id: str) -> Response:
    return await thread(pages.listing_html, request, store, listing_id)


@router.get("/api/curator/listings/{listing_id:path}", responses=_api(404))
async def listing_json(store: StoreDep, user: CuratorDep, listing_id: str) -> JSONResponse:
    try:
        return as_json(await thread(listing_page.listing_page, store, listing_id))
    except ListingNotFound as exc:
        return as_json({"detail": exc.message}, 404)


async def _save(
    request: Request, store: Any, settings: Any, listing_id: str, form: dict[str, Any], actor: str
) -> editing.EditOutcome:
    outcodes = request.app.state.outcodes
    return await thread(editing.save_edit, store, settings, listing_id, form, actor, outcodes)


def _spec() -> dict[str, Any]:
    """What the JSON editor needs to build its form: fields, statuses, delivery modes."""
    fields = [
        {"name": f.name, "label": f.label, "kind": f.kind, "hint": f.hint, "limit": f.limit} for f in FIELDS
    ]
    return {"fields": fields, "statuses": list(STATUSES), "delivery": DELIVERY}
