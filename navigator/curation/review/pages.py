"""The review pages, rendered: each function loads what its page shows and renders it in the
curator layout (with an optional outcome message). Route handlers call these in a worker thread,
since they read the store."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from navigator.config import Settings
from navigator.curation.review import duplicates as dup
from navigator.curation.review import editing, listing_page, problems, staleness
from navigator.curation.review.listing_form import DELIVERY, FIELDS, FREE_CHOICES, SECTIONS, STATUSES
from navigator.curation.review.problems import ListingNotFound
from navigator.curation.review.web import not_found, render
from navigator.store.db import Store


def _section(key: str, title: str) -> dict[str, str]:
    return {"curator_section": key, "page_title": title}


def duplicates_page(request: Request, store: Store, page: int) -> HTMLResponse:
    items, total = dup.duplicate_queue(store, page)
    ctx = {"items": items, "total": total, "page": page, "pages": -(-total // dup.PAGE_SIZE)}
    return render(
        request, "curator/review/duplicates.html", ctx | _section("duplicates", "Possible duplicates")
    )


def compare_page(
    request: Request, store: Store, pair_id: int, message: str = "", status_code: int = 200, ok: bool = False
) -> HTMLResponse:
    try:
        view = dup.comparison(store, pair_id)
    except dup.PairNotFound as exc:
        return not_found(request, str(exc))
    ctx = {"view": view, "message": message, "ok": ok} | _section("duplicates", "Possible duplicate")
    return render(request, "curator/review/compare.html", ctx, status_code)


def stale_page(
    request: Request,
    store: Store,
    settings: Settings,
    page: int,
    source: str,
    message: str = "",
    status_code: int = 200,
    ok: bool = False,
) -> HTMLResponse:
    view = staleness.stale_queue(store, settings.stale_after_days, page=page, source=source or None)
    ctx = {"view": view, "message": message, "ok": ok, "days": settings.stale_after_days}
    return render(
        request, "curator/review/stale.html", ctx | _section("stale", "Needs checking"), status_code
    )


def problems_page(
    request: Request,
    store: Store,
    page: int,
    message: str = "",
    status_code: int = 200,
    ok: bool = False,
    errors: dict[int, str] | None = None,
    notes: dict[int, str] | None = None,
) -> HTMLResponse:
    items, total = problems.problem_queue(store, page)
    ctx = {"items": items, "total": total, "page": page, "pages": -(-total // problems.PAGE_SIZE)}
    ctx |= {"message": message, "ok": ok, "errors": errors or {}, "notes": notes or {}}
    return render(
        request, "curator/review/problems.html", ctx | _section("problems", "Reported problems"), status_code
    )


def listing_html(request: Request, store: Store, listing_id: str, message: str = "") -> HTMLResponse:
    try:
        view = listing_page.listing_page(store, listing_id)
    except ListingNotFound as exc:
        return not_found(request, exc.message)
    ctx = {"view": view, "message": message} | _section("", view.name)
    return render(request, "curator/review/listing.html", ctx)


def edit_page(
    request: Request,
    view: editing.EditOutcome,
    status_code: int = 200,
    ok: bool = False,
    submitted: dict[str, str] | None = None,
) -> HTMLResponse:
    ctx: dict[str, Any] = {
        "view": view,
        "message": view.message,
        "ok": ok,
        "submitted": submitted,
        "fields": FIELDS,
        "sections": SECTIONS,
        "statuses": STATUSES,
        "free_choices": FREE_CHOICES,
        "delivery": DELIVERY,
    }
    ctx |= _section("", f"Edit {view.values.get('name') or view.listing}")
    return render(request, "curator/review/edit.html", ctx, status_code)
