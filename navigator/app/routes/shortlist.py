"""The shortlist (`/shortlist`, kept in a cookie), its print view, and sharing it with the resident:
text, email, SMS and a QR code of an expiring read-only link (`/s/{token}`).

JSON twins: `/api/shortlist` (this browser's shortlist) and `/api/shortlists/{token}` (a shared one).
Add/remove answer JSON to the page script (Accept: application/json) and redirect otherwise.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from navigator.app.deps import SettingsDep, StoreDep
from navigator.app.responses import refusals
from navigator.auth.csrf import CsrfDep
from navigator.auth.deps import OptionalUserDep
from navigator.navigator_app import links
from navigator.navigator_app import shortlist as sl
from navigator.navigator_app.display import date_text
from navigator.navigator_app.listing import Entry, summaries
from navigator.navigator_app.offers import need_label
from navigator.navigator_app.sharing import mailto_href, qr_svg, share_text, sms_href
from navigator.navigator_app.web import (
    error_page,
    local_path,
    read_shortlist,
    render,
    wants_json,
    write_shortlist,
)
from navigator.store import navigator_queries as nq

router = APIRouter(tags=["shortlist"])

MAX_COOKIE_CHARS = 3800  # browsers keep 4096 bytes per cookie, name and attributes included
GONE = (
    "This list has expired. Lists shared by link last {days} days, to keep them private. "
    "Ask the person who helped you for a new one."
)
UNKNOWN = (
    "We can't find this list. The link may be incomplete: check it was copied in full, "
    "or ask the person who helped you to share it again."
)


def _public_base(request: Request, public_url: str | None) -> str:
    return (public_url or str(request.base_url)).rstrip("/")


def _entries(store: StoreDep, shortlist: sl.Shortlist) -> list[Entry]:
    return summaries(store, shortlist.ids, {i.listing_id: i.need for i in shortlist.items if i.need})


def _answer(
    request: Request, shortlist: sl.Shortlist, listing_id: str, message: str, back: str, status: int = 200
) -> Response:
    response: Response
    if wants_json(request):
        response = JSONResponse(
            {"in_shortlist": listing_id in shortlist, "count": len(shortlist), "message": message},
            status_code=status,
        )
    else:
        response = RedirectResponse(back, status_code=303)
    write_shortlist(request, response, shortlist)
    return response


@router.get("/shortlist", response_class=HTMLResponse, include_in_schema=False)
async def shortlist_page(request: Request, store: StoreDep, user: OptionalUserDep) -> HTMLResponse:
    shortlist = read_shortlist(request)
    entries = await run_in_threadpool(_entries, store, shortlist)
    notice = None
    if request.query_params.get("full") == "1":
        notice = f"The shortlist is full ({sl.MAX_ITEMS} services). Remove one to add another."
    elif request.query_params.get("cleared") == "1":
        notice = "The shortlist is empty, ready for the next person."
    return render(
        request,
        "pages/shortlist.html",
        {
            "page_title": "Shortlist",
            "entries": entries,
            "notice": notice,
            "need_labels": {e.need: need_label(e.need) for e in entries if e.need},
        },
        shortlist=shortlist,
    )


@router.get("/api/shortlist", tags=["shortlist"])
async def shortlist_json(request: Request, store: StoreDep) -> JSONResponse:
    """This browser's shortlist (from its cookie): listing ids with what a resident needs to know."""
    shortlist = read_shortlist(request)
    entries = await run_in_threadpool(_entries, store, shortlist)
    return JSONResponse(_entries_json(entries) | {"area": shortlist.area})


def _entries_json(entries: list[Entry]) -> dict[str, object]:
    from dataclasses import asdict

    return {
        "items": [
            {"id": e.id, "need": e.need, "listing": asdict(e.summary) if e.summary else None} for e in entries
        ]
    }


@router.post("/shortlist/add", include_in_schema=False)
async def add(
    request: Request,
    store: StoreDep,
    _csrf: CsrfDep,
    id: Annotated[str, Form(max_length=600)] = "",
    need: Annotated[str, Form(max_length=200)] = "",
    area: Annotated[str, Form(max_length=200)] = "",
    back: Annotated[str, Form(max_length=4000)] = "/",
) -> Response:
    shortlist = read_shortlist(request)
    back = local_path(back, "/shortlist")
    if not sl.valid_id(id) or not await run_in_threadpool(_exists, store, id):
        return _answer(request, shortlist, id, "That service is not in the directory any more.", back, 404)
    was_in = id in shortlist
    if not shortlist.add(id, need or None, area or None) or len(sl.encode(shortlist)) > MAX_COOKIE_CHARS:
        if not was_in:
            shortlist.remove(id)
        message = f"The shortlist is full ({sl.MAX_ITEMS} services). Remove one to add another."
        return _answer(request, shortlist, id, message, "/shortlist?full=1", 409)
    return _answer(request, shortlist, id, f"Added to the shortlist ({len(shortlist)} in it).", back)


def _exists(store: StoreDep, listing_id: str) -> bool:
    with store.read() as session:
        return bool(nq.listings_by_ids(session, [listing_id]))


@router.post("/shortlist/remove", include_in_schema=False)
async def remove(
    request: Request,
    _csrf: CsrfDep,
    id: Annotated[str, Form(max_length=600)] = "",
    back: Annotated[str, Form(max_length=4000)] = "/shortlist",
) -> Response:
    shortlist = read_shortlist(request)
    shortlist.remove(id)
    message = f"Removed from the shortlist ({len(shortlist)} left)."
    return _answer(request, shortlist, id, message, local_path(back, "/shortlist"))


@router.post("/shortlist/clear", include_in_schema=False)
async def clear(request: Request, _csrf: CsrfDep) -> Response:
    return _answer(request, sl.Shortlist(), "", "The shortlist is empty.", "/shortlist?cleared=1")


@router.get("/shortlist/print", response_class=HTMLResponse, include_in_schema=False)
async def print_view(request: Request, store: StoreDep, user: OptionalUserDep) -> HTMLResponse:
    shortlist = read_shortlist(request)
    entries = await run_in_threadpool(_entries, store, shortlist)
    return render(
        request,
        "pages/print.html",
        {"page_title": "Services to contact", "entries": entries, "link": None},
        shortlist=shortlist,
    )


@router.post("/shortlist/share", include_in_schema=False)
async def share(request: Request, store: StoreDep, settings: SettingsDep, _csrf: CsrfDep) -> Response:
    shortlist = read_shortlist(request)
    if not shortlist.items:
        return RedirectResponse("/shortlist", status_code=303)
    token, _ = await run_in_threadpool(links.create_link, store, shortlist.ids, settings.shortlist_link_days)
    return RedirectResponse(f"/shortlist/share/{token}", status_code=303)


def _open(store: StoreDep, token: str) -> tuple[links.SharedList, list[Entry]]:
    shared = links.open_link(store, token)
    return shared, summaries(store, shared.listing_ids)


async def _shared(
    request: Request, store: StoreDep, settings: SettingsDep, token: str
) -> tuple[links.SharedList, list[Entry]] | HTMLResponse:
    try:
        return await run_in_threadpool(_open, store, token)
    except links.LinkGone:
        return error_page(
            request, 410, "This list has expired", GONE.format(days=settings.shortlist_link_days)
        )
    except links.LinkUnknown:
        return error_page(request, 404, "List not found", UNKNOWN)


@router.get("/shortlist/share/{token}", response_class=HTMLResponse, include_in_schema=False)
async def share_page(
    request: Request, token: str, store: StoreDep, settings: SettingsDep, user: OptionalUserDep
) -> HTMLResponse:
    found = await _shared(request, store, settings, token)
    if isinstance(found, HTMLResponse):
        return found
    shared, entries = found
    link = f"{_public_base(request, settings.public_url)}/s/{token}"
    items = [e.summary for e in entries if e.summary]
    expires = date_text(shared.expires_at.date())
    text = share_text(items, link, expires)
    return render(
        request,
        "pages/share.html",
        {
            "page_title": "Share the shortlist",
            "entries": entries,
            "token": token,
            "link": link,
            "expires": expires,
            "text": text,
            "mailto": mailto_href(text, link),
            "sms": sms_href(items, link),
        },
    )


@router.get("/s/{token}", response_class=HTMLResponse, include_in_schema=False)
async def resident_page(request: Request, token: str, store: StoreDep, settings: SettingsDep) -> HTMLResponse:
    found = await _shared(request, store, settings, token)
    if isinstance(found, HTMLResponse):
        return found
    shared, entries = found
    response = render(
        request,
        "pages/shared.html",
        {
            "page_title": "Services to contact",
            "entries": entries,
            "expires": date_text(shared.expires_at.date()),
            "token": token,
            "printing": request.query_params.get("print") == "1",
            "link": f"{_public_base(request, settings.public_url)}/s/{token}",
        },
    )
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in this page's address
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@router.get("/s/{token}/qr.svg", include_in_schema=False)
async def qr_code(request: Request, token: str, store: StoreDep, settings: SettingsDep) -> Response:
    if not links.plausible(token):
        return Response("Not found", status_code=404, media_type="text/plain")
    try:
        await run_in_threadpool(links.open_link, store, token)
    except links.LinkGone:
        return Response("This list has expired.", status_code=410, media_type="text/plain")
    except links.LinkUnknown:
        return Response("Not found", status_code=404, media_type="text/plain")
    svg = qr_svg(f"{_public_base(request, settings.public_url)}/s/{token}")
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/api/shortlists/{token}", tags=["shortlist"], responses=refusals(404, 410, 422))
async def shared_json(token: str, store: StoreDep) -> JSONResponse:
    """A shared shortlist (read-only), as the resident's page shows it; 404 unknown, 410 expired."""
    try:
        shared, entries = await run_in_threadpool(_open, store, token)
    except links.LinkGone:
        return JSONResponse({"detail": "This shared list has expired."}, status_code=410)
    except links.LinkUnknown:
        return JSONResponse({"detail": "No shared list has this link."}, status_code=404)
    return JSONResponse(
        _entries_json(entries)
        | {
            "created_at": shared.created_at.isoformat() + "Z",
            "expires_at": shared.expires_at.isoformat() + "Z",
        }
    )
