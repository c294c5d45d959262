"""The public, read-only Open Referral UK 3.0 API under /oruk (the API base URL is https://HOST/oruk).

Every answer, errors included, carries `Access-Control-Allow-Origin: *` so any web page may read it
(no credentials are ever involved). Only GET (and the OPTIONS a browser may send first) are served.
Bad parameters are 422 with what to send instead; an unknown id is a 404; never a 500 page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from navigator.app.deps import StoreDep
from navigator.app.responses import refusals
from navigator.oruk import api, params
from navigator.oruk.params import OrukInputError

log = logging.getLogger(__name__)

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "*",
    "Access-Control-Max-Age": "86400",
}


class OrukRoute(APIRoute):
    """Adds the CORS headers to every answer and turns every failure into JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                response = await handler(request)
            except OrukInputError as exc:
                response = _problem(422, exc.message, exc.field)
            except RequestValidationError as exc:
                first = exc.errors()[0] if exc.errors() else {"loc": ("query",), "msg": "invalid"}
                field = ".".join(str(p) for p in first["loc"][1:]) or "request"
                response = _problem(422, str(first["msg"]), field)
            except HTTPException as exc:
                response = _problem(exc.status_code, str(exc.detail))
            except Exception:  # a bug must still answer in JSON with the CORS header
                log.exception("ORUK API request failed: %s", request.url.path)
                response = _problem(500, "Something went wrong on our side; please try again later.")
            response.headers.update(CORS)
            return response

        return route


router = APIRouter(prefix="/oruk", tags=["Open Referral UK 3.0"], route_class=OrukRoute)

Text = Annotated[str | None, Query()]


def _problem(status: int, message: str, field: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"detail": message}
    if field:
        body["detail"] = f"{field}: {message}"
        body["problems"] = [{"field": field, "message": message}]
    return JSONResponse(status_code=status, content=body)


def _found(value: dict[str, Any] | None, what: str, public_id: str) -> dict[str, Any]:
    if value is None:
        raise HTTPException(404, f"No {what} has the id '{public_id[:200]}'.")
    return value


@router.get("", include_in_schema=False)
@router.get("/", summary="Version and profile of this API")
def root() -> dict[str, Any]:
    return api.root()


@router.get("/services", summary="Services (one page)", responses=refusals(422))
def services(
    store: StoreDep,
    search: Annotated[
        str | None, Query(description="Words that must all appear (name, description, organisation).")
    ] = None,
    page: Annotated[str | None, Query(description="Page number, from 1.")] = None,
    per_page: Annotated[str | None, Query(description=f"Items per page, 1–{params.MAX_PER_PAGE}.")] = None,
    taxonomy_term_id: Annotated[str | None, Query(description="A taxonomy term id (or its code).")] = None,
    taxonomy_id: Annotated[str | None, Query(description="A taxonomy id (or its name).")] = None,
    organization_id: Text = None,
    modified_after: Annotated[
        str | None, Query(description="ISO 8601 date or date-time (UTC if no offset).")
    ] = None,
    minimum_age: Annotated[
        str | None, Query(description="Services whose minimum age is at least this.")
    ] = None,
    maximum_age: Annotated[
        str | None, Query(description="Services whose maximum age is at most this.")
    ] = None,
    day: Annotated[str | None, Query(description="monday…sunday, mon…sun or MO…SU.")] = None,
    start_time: Annotated[str | None, Query(description="Opening at or after HH:MM.")] = None,
    end_time: Annotated[str | None, Query(description="Closing at or before HH:MM.")] = None,
) -> dict[str, Any]:
    f = params.service_filter(
        search=search, taxonomy_term_id=taxonomy_term_id, taxonomy_id=taxonomy_id,
        organization_id=organization_id, modified_after_raw=modified_after, minimum_age=minimum_age,
        maximum_age=maximum_age, day_raw=day, start_time=start_time, end_time=end_time,
    )  # fmt: skip
    wanted = params.page_request(page, per_page)
    with store.read() as session:
        return api.list_services(session, f, wanted)


@router.get("/services/{service_id:path}", summary="One service, fully nested", responses=refusals(404, 422))
def service(store: StoreDep, service_id: str) -> dict[str, Any]:
    with store.read() as session:
        return _found(api.get_service(session, service_id), "service", service_id)


@router.get("/service_at_locations", summary="Services at locations (one page)", responses=refusals(422))
def service_at_locations(
    request: Request,
    store: StoreDep,
    search: Text = None,
    page: Text = None,
    per_page: Text = None,
    taxonomy_term_id: Text = None,
    taxonomy_id: Text = None,
    organization_id: Text = None,
    modified_after: Text = None,
    minimum_age: Text = None,
    maximum_age: Text = None,
    day: Text = None,
    start_time: Text = None,
    end_time: Text = None,
    postcode: Annotated[
        str | None, Query(description="Sort by distance from this postcode or outward code.")
    ] = None,
    proximity: Annotated[
        str | None, Query(description="With postcode: only within this many metres.")
    ] = None,
) -> dict[str, Any]:
    f = params.service_filter(
        search=search, taxonomy_term_id=taxonomy_term_id, taxonomy_id=taxonomy_id,
        organization_id=organization_id, modified_after_raw=modified_after, minimum_age=minimum_age,
        maximum_age=maximum_age, day_raw=day, start_time=start_time, end_time=end_time,
    )  # fmt: skip
    wanted = params.page_request(page, per_page)
    outcodes = request.app.state.outcodes
    near = params.near(outcodes, postcode, proximity)
    with store.read() as session:
        return api.list_service_at_locations(session, f, wanted, near, outcodes)


@router.get("/organizations", summary="Organisations (one page)", responses=refusals(422))
def organizations(store: StoreDep, page: Text = None, per_page: Text = None) -> dict[str, Any]:
    wanted = params.page_request(page, per_page)
    with store.read() as session:
        return api.list_organizations(session, wanted)


@router.get(
    "/organizations/{organization_id:path}",
    summary="One organisation with its services",
    responses=refusals(404, 422),
)
def organization(store: StoreDep, organization_id: str) -> dict[str, Any]:
    with store.read() as session:
        return _found(api.get_organization(session, organization_id), "organization", organization_id)


@router.get("/taxonomies", summary="Taxonomies (one page)", responses=refusals(422))
def taxonomies(store: StoreDep, page: Text = None, per_page: Text = None) -> dict[str, Any]:
    wanted = params.page_request(page, per_page)
    with store.read() as session:
        return api.list_taxonomies(session, wanted)


@router.get("/taxonomies/{taxonomy_id:path}", summary="One taxonomy", responses=refusals(404, 422))
def taxonomy(store: StoreDep, taxonomy_id: str) -> dict[str, Any]:
    with store.read() as session:
        return _found(api.get_taxonomy(session, taxonomy_id), "taxonomy", taxonomy_id)


@router.get("/taxonomy_terms", summary="Taxonomy terms (one page)", responses=refusals(422))
def taxonomy_terms(
    store: StoreDep, page: Text = None, per_page: Text = None, taxonomy_id: Text = None
) -> dict[str, Any]:
    wanted = params.page_request(page, per_page)
    with store.read() as session:
        return api.list_taxonomy_terms(session, wanted, params.text_or_none(taxonomy_id))


@router.get("/taxonomy_terms/{term_id:path}", summary="One taxonomy term", responses=refusals(404, 422))
def taxonomy_term(store: StoreDep, term_id: str) -> dict[str, Any]:
    with store.read() as session:
        return _found(api.get_taxonomy_term(session, term_id), "taxonomy term", term_id)


@router.options("/{path:path}", include_in_schema=False)
def preflight(path: str) -> Response:
    return Response(status_code=204)


@router.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
def elsewhere(request: Request, path: str) -> Response:
    if request.method != "GET":
        response = _problem(405, "The Open Referral UK API is read-only: only GET is allowed.")
        response.headers["Allow"] = "GET, OPTIONS"
        return response
    return _problem(
        404, f"There is no /oruk/{path[:100]}. Start at /oruk/ for the API's version and profile."
    )
