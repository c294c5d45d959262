"""The search page's work: run the search once (dropping a filter the search refuses, with a note,
rather than failing), fetch the page's card extras in one query, and build the view model."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from navigator.navigator_app.results import ResultsView, build_results
from navigator.navigator_app.search_form import MAX_PAGE, PAGE_SIZE, SearchForm
from navigator.navigator_app.shortlist import Shortlist
from navigator.search.schema import SearchInputError, SearchResponse
from navigator.search.service import IndexUnavailable, SearchService
from navigator.store import navigator_queries as nq
from navigator.store.db import Store

MAX_CATEGORY_OPTIONS = 80  # more than this and the category box becomes free text with suggestions

# A field the search refused → the form without it.
_DROP: dict[str, dict[str, object]] = {
    "category": {"category": ""},
    "age": {"age": None},
    "day": {"day": None},
    "mode": {"modes": ()},
    "radius_km": {"radius": None},
    "radius_miles": {"radius": None},
    "limit": {"page": 1},
    "offset": {"page": 1},
    "postcode": {"where": ""},
}


@dataclass
class SearchPage:
    form: SearchForm
    results: ResultsView | None = None
    notes: list[str] = field(default_factory=list)  # what was ignored or changed, for the person
    problem: str | None = None  # nothing could be searched: say why
    status_code: int = 200
    categories: list[str] = field(default_factory=list)
    took_ms: float | None = None


def categories(service: SearchService) -> list[str]:
    """Category labels of the loaded index, by name (empty when no index is loaded)."""
    try:
        labels = service.searcher.bundle.filters.category_labels
    except IndexUnavailable:
        return []
    return sorted(set(labels.values()), key=str.lower)


def _search(service: SearchService, form: SearchForm, notes: list[str]) -> tuple[SearchForm, SearchResponse]:
    for _ in range(len(_DROP) + 1):
        try:
            return form, service.search(form.to_request())
        except SearchInputError as exc:
            drop = _DROP.get(exc.field)
            if drop is None:
                raise
            notes.append(f"{exc.message} It was left out.")
            form = replace(form, **drop)  # type: ignore[arg-type]
    raise SearchInputError("q", "This search could not be run as given.")


def run_search(service: SearchService, store: Store, form: SearchForm, shortlist: Shortlist) -> SearchPage:
    page = SearchPage(form=form, notes=list(form.notes), categories=categories(service))
    if not form.submitted:
        return page
    try:
        form, response = _search(service, form, page.notes)
    except SearchInputError as exc:
        page.problem = exc.message
        page.status_code = 400
        return page
    except IndexUnavailable:
        page.problem = (
            "Search is not available at the moment because the directory is being set up. "
            "Please try again in a few minutes."
        )
        page.status_code = 503
        return page
    if not response.results and response.total and form.page > 1:
        last = min(-(-response.total // PAGE_SIZE), MAX_PAGE)
        page.notes.append(f"There are only {last} pages of results; this is the last one.")
        form, response = _search(service, replace(form, page=last), page.notes)
    page.form = form
    page.took_ms = response.took_ms
    keys = [(r.source, r.id) for r in response.results]
    with store.read() as session:
        extras = nq.card_extras(session, keys)
    page.results = build_results(form, response, extras, shortlist)
    return page
