"""Recording what was offered (`/navigator/records`) and the counts report
(`/navigator/records/report`, CSV download, JSON twin `/api/records/report`); signed-in navigators,
curators and admins only. `POST /api/records` is the form's JSON twin for other front ends."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from navigator.app.deps import StoreDep
from navigator.app.responses import refusals
from navigator.auth.deps import NavigatorDep
from navigator.navigator_app import offers
from navigator.navigator_app.listing import Entry, summaries
from navigator.navigator_app.web import read_shortlist, render

router = APIRouter(tags=["records"])


def _table(request: Request) -> Any:
    return request.app.state.outcodes


def _towns(request: Request) -> list[str]:
    """Towns of the directory's listings (from the loaded index), so a record can name them."""
    try:
        return list(request.app.state.search.searcher.bundle.towns)
    except Exception:  # no index loaded: the outcode table's towns still work
        return []


def _form_context(request: Request, store: StoreDep, form: offers.RecordForm | None) -> dict[str, Any]:
    shortlist = read_shortlist(request)
    wanted = [k for k in request.query_params.getlist("need") if k][:20]
    ids = list(dict.fromkeys([*shortlist.ids, *(form.services if form else [])]))
    entries = summaries(store, ids)
    suggested = list(dict.fromkeys([*shortlist.need_keys(), *wanted, *(form.needs if form else [])]))
    choices = offers.need_choices()
    labels = dict(choices)
    return {
        "page_title": "Record what was offered",
        "entries": [e for e in entries if e.summary],
        "suggested": [(k, labels[k]) for k in suggested if k in labels],
        "others": [(k, label) for k, label in choices if k not in suggested],
        "checked_needs": set(form.needs) if form else set(suggested),
        "checked_services": set(form.services) if form else {e.id for e in entries if e.summary},
        "area": form.area if form else (shortlist.area or ""),
        "errors": form.errors if form else {},
        "saved": request.query_params.get("saved") == "1",
    }


@router.get("/navigator/records", response_class=HTMLResponse, include_in_schema=False)
async def record_form(request: Request, store: StoreDep, user: NavigatorDep) -> HTMLResponse:
    context = await run_in_threadpool(_form_context, request, store, None)
    return render(request, "pages/record.html", context)


def _known(store: StoreDep, ids: list[str]) -> dict[str, str]:
    entries: list[Entry] = summaries(store, ids[: offers.MAX_SERVICES * 2])
    return {e.id: e.summary.name for e in entries if e.summary}


def _check_and_save(
    request: Request, store: StoreDep, needs: list[str], services: list[str], area: str
) -> offers.RecordForm:
    known = _known(store, [s for s in services if s])
    form = offers.check_record(needs, services, area, known, _table(request), _towns(request))
    if not form.errors:
        offers.save_record(store, form, known)
    return form


@router.post("/navigator/records", response_class=HTMLResponse, include_in_schema=False)
async def record_save(
    request: Request,
    store: StoreDep,
    user: NavigatorDep,
    need: Annotated[list[str] | None, Form(max_length=80)] = None,
    service: Annotated[list[str] | None, Form(max_length=600)] = None,
    area: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    form = await run_in_threadpool(
        _check_and_save, request, store, (need or [])[:100], (service or [])[:100], area
    )
    if form.errors:
        context = await run_in_threadpool(_form_context, request, store, form)
        return render(request, "pages/record.html", context, status_code=400)
    notes = "&note=postcode" if any("postcode" in n for n in form.notes) else ""
    return RedirectResponse(f"/navigator/records?saved=1{notes}", status_code=303)


class RecordIn(BaseModel):
    needs: list[str] = Field(default_factory=list, max_length=100, description="Need vocabulary keys.")
    services: list[str] = Field(default_factory=list, max_length=100, description="Listing ids offered.")
    area: str = Field("", max_length=400, description="Outward code or town (a postcode is cut).")


@router.post("/api/records", status_code=201, responses=refusals(400, 401, 403, 422))
async def record_json(body: RecordIn, request: Request, store: StoreDep, user: NavigatorDep) -> JSONResponse:
    """Record what was offered: no names, no free text; 400 with `problems` when it can't be kept."""
    form = await run_in_threadpool(_check_and_save, request, store, body.needs, body.services, body.area)
    if form.errors:
        problems = [{"field": k, "message": v} for k, v in form.errors.items()]
        return JSONResponse({"detail": "; ".join(form.errors.values()), "problems": problems}, 400)
    return JSONResponse(
        {
            "needs": form.needs,
            "services": form.services,
            "area": form.area or offers.UNKNOWN_AREA,
            "notes": form.notes,
        },
        status_code=201,
    )


@router.get("/navigator/records/report", response_class=HTMLResponse, include_in_schema=False)
async def report_page(request: Request, store: StoreDep, user: NavigatorDep) -> HTMLResponse:
    period = request.query_params.get("period", "12")
    rep = await run_in_threadpool(offers.report, store, period)
    return render(
        request,
        "pages/report.html",
        {"page_title": "What was offered", "rep": rep, "periods": offers.REPORT_PERIODS},
    )


@router.get("/navigator/records/report.csv", include_in_schema=False)
async def report_csv(request: Request, store: StoreDep, user: NavigatorDep) -> Response:
    period = request.query_params.get("period", "12")
    table = request.query_params.get("table", "needs")
    table = table if table in offers.CSV_TABLES else "needs"
    rep = await run_in_threadpool(offers.report, store, period)
    name = f"offered-{table}-{rep.period}{'-weeks' if rep.period != 'all' else ''}.csv"
    return Response(
        offers.report_csv(rep, table),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.get("/api/records/report", responses=refusals(401, 403))
async def report_json(request: Request, store: StoreDep, user: NavigatorDep) -> JSONResponse:
    """Counts of records by need, area, week and service (`period`: 4, 12, 26, 52 or all weeks)."""
    rep = await run_in_threadpool(offers.report, store, request.query_params.get("period", "12"))
    return JSONResponse(rep.as_json(), headers={"Cache-Control": "no-store"})
