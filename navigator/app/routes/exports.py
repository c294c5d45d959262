"""Curators' downloads: the /exports page (JSON twin /api/curator/exports) and GET /exports/{format}
(oruk-json, hsds-csv as a zip, spreadsheet as CSV or, with ?xlsx=1, XLSX), all curator-only.

Each download is built in a temporary file (the same code as `navigator export`), sent, then deleted.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.background import BackgroundTask

from navigator.app.deps import StoreDep
from navigator.app.responses import refusals
from navigator.app.templating import templates
from navigator.auth.deps import require_curator
from navigator.export.run import ExportError, export
from navigator.store import oruk_queries as q
from navigator.store.db import Store

router = APIRouter(tags=["exports"], dependencies=[Depends(require_curator)])

# format key → (label, what it is for, file suffix, media type)
DOWNLOADS: dict[str, tuple[str, str, str, str]] = {
    "oruk-json": (
        "Open Referral UK 3.0 (JSON)",
        "Every listing fully nested, as the ORUK API serves it: for other directories and apps.",
        ".json",
        "application/json",
    ),
    "hsds-csv": (
        "HSDS CSV data package (zip)",
        "datapackage.json and one CSV table per kind of record: for databases and data tools.",
        ".zip",
        "application/zip",
    ),
    "spreadsheet": (
        "Spreadsheet template (CSV)",
        "One row per service in the Navigator template: edit it and import it again.",
        ".csv",
        "text/csv; charset=utf-8",
    ),
    "spreadsheet-xlsx": (
        "Spreadsheet template (Excel)",
        "The same rows as an Excel workbook.",
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}
_FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file, as an attachment.",
        # oruk-json is a JSON document (the ORUK page shape); the others are files
        "content": {
            media: {"schema": {} if media == "application/json" else {"type": "string", "format": "binary"}}
            for *_, media in DOWNLOADS.values()
        },
    }
}
SourceQuery = Annotated[str | None, Query(max_length=200, description="Only this source's listings.")]


def _overview(store: Store, source: str | None) -> dict[str, Any]:
    with store.read() as session:
        sources = q.source_counts(session)
    known = {name for name, _ in sources}
    chosen = source if source in known else None
    suffix = f"?source={chosen}" if chosen else ""
    return {
        "sources": [{"name": name, "listings": n} for name, n in sources],
        "total": sum(n for _, n in sources),
        "listings": dict(sources)[chosen] if chosen else sum(n for _, n in sources),
        "source": chosen,
        "unknown_source": source if source and source not in known else None,
        "downloads": [
            {"format": key, "label": label, "about": about, "href": f"/exports/{key}{suffix}"}
            for key, (label, about, _, _) in DOWNLOADS.items()
        ],
    }


@router.get("/exports", response_class=HTMLResponse, responses=refusals(401, 403, 422, html=True))
async def exports_page(request: Request, store: StoreDep, source: SourceQuery = None) -> Response:
    context = await run_in_threadpool(_overview, store, source)
    context |= {
        "page_title": "Exports",
        "curator_section": "exports",
        "current_user": getattr(request.state, "current_user", None),
    }
    return templates().TemplateResponse(request, "exports/exports.html", context)


@router.get("/api/curator/exports", responses=refusals(401, 403, 422))
async def exports_json(store: StoreDep, source: SourceQuery = None) -> JSONResponse:
    return JSONResponse(await run_in_threadpool(_overview, store, source))


@router.get(
    "/exports/{fmt}",
    response_class=FileResponse,
    responses=_FILE | refusals(401, 403, 404, 422, html=True),
)
async def download(
    store: StoreDep, fmt: str, source: SourceQuery = None, xlsx: Annotated[bool, Query()] = False
) -> Response:
    key = "spreadsheet-xlsx" if fmt == "spreadsheet" and xlsx else fmt
    if key not in DOWNLOADS:
        choices = ", ".join(DOWNLOADS)
        return JSONResponse(
            {"detail": f"There is no export called '{fmt[:60]}'. Choose one of: {choices}."}, 404
        )
    _, _, suffix, media_type = DOWNLOADS[key]
    folder = tempfile.mkdtemp(prefix="navigator-export-")
    target = Path(folder) / f"navigator-{key}-{date.today():%Y%m%d}{suffix}"
    cli_format = "spreadsheet" if key.startswith("spreadsheet") else key
    try:
        await run_in_threadpool(
            export, store, cli_format, target, source=source, xlsx=key == "spreadsheet-xlsx"
        )
    except ExportError as exc:
        _remove(folder)
        return JSONResponse({"detail": f"The export could not be made: {exc}."}, 422)
    return FileResponse(
        target,
        media_type=media_type,
        filename=target.name,
        headers={"Cache-Control": "no-store"},
        background=BackgroundTask(_remove, folder),
    )


def _remove(folder: str) -> None:
    for name in os.listdir(folder):
        Path(folder, name).unlink(missing_ok=True)
    os.rmdir(folder)
