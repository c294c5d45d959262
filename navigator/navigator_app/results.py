"""The results page's view model: one search answer turned into sections (one per need), cards and
links. Built in one pass over the page of results with the card extras fetched in one query."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlencode

from markupsafe import Markup

from navigator.navigator_app.corrections import Part, preferences_text, understood_parts
from navigator.navigator_app.display import (
    Link,
    ages_text,
    cost_text,
    date_text,
    distance_text,
    email_link,
    phone_link,
    website_link,
)
from navigator.navigator_app.highlight import highlight, stems
from navigator.navigator_app.search_form import MAX_PAGE, PAGE_SIZE, SearchForm
from navigator.navigator_app.shortlist import Shortlist, clean_area
from navigator.search.schedule_text import schedule_line
from navigator.search.schema import SearchResponse, SearchResult
from navigator.store.navigator_queries import CardExtra


@dataclass
class Card:
    id: str
    anchor: str  # an HTML id for the card, so a no-script shortlist button comes back to it
    name: str
    organisation: str | None
    need: str | None
    need_key: str | None
    sentence: Markup | None
    distance: str | None
    cost: str
    ages: str | None
    when: str | None
    last_verified: str | None
    stale: bool
    phones: list[Link]
    email: Link | None
    website: Link | None
    address: str | None
    in_shortlist: bool


@dataclass
class Section:
    need: str | None  # heading; None for a single-need or browse search
    cards: list[Card] = field(default_factory=list)


@dataclass
class ResultsView:
    total: int
    first: int
    last: int
    sections: list[Section]
    parts: list[Part]
    preferences: str | None
    repairs: list[tuple[str, str]]
    messages: list[str]
    previous_url: str | None
    next_url: str | None
    json_url: str
    area: str | None  # outward code or town of the search, carried into the shortlist
    stale_index: bool
    older_index: bool  # an older build serves: the newest could not be loaded (the API's note says why)


def _when(result: SearchResult, extra: CardExtra | None) -> str | None:
    """The next opening when the schedule says; else the publisher's wording of when it runs."""
    if result.next_opening:
        return f"Next open {result.next_opening}"
    for schedule in extra.schedules if extra else ():
        line = schedule_line(schedule)
        if line:
            return line
    return None


def card(
    result: SearchResult,
    extra: CardExtra | None,
    wanted: frozenset[str],
    need_keys: dict[str, str],
    shortlist: Shortlist,
) -> Card:
    facts = result.why.facts
    ages = ages_text(extra.minimum_age, extra.maximum_age) if extra else None
    if ages is None:
        ages = next((f.capitalize() for f in facts if f.startswith(("ages ", "up to age"))), None)
    if extra is not None:
        cost = cost_text(extra.is_free, extra.fees, extra.costs)
    else:
        cost = "Free" if "free" in facts else "Cost not stated: ask the service"
    return Card(
        id=result.id,
        anchor="l-" + hashlib.blake2s(result.id.encode("utf-8"), digest_size=6).hexdigest(),
        name=result.name,
        organisation=result.organisation,
        need=result.need,
        need_key=need_keys.get(result.need or ""),
        sentence=highlight(result.why.sentence, wanted) if result.why.sentence else None,
        distance=distance_text(result.distance_km),
        cost=cost,
        ages=ages,
        when=_when(result, extra),
        last_verified=date_text(result.last_verified),
        stale=result.possibly_out_of_date,
        phones=[phone_link(p) for p in result.contacts.phones[:3]],
        email=email_link(result.contacts.email),
        website=website_link(result.contacts.website),
        address=result.contacts.address,
        in_shortlist=result.id in shortlist,
    )


def build_results(
    form: SearchForm,
    response: SearchResponse,
    extras: dict[tuple[str, str], CardExtra],
    shortlist: Shortlist,
) -> ResultsView:
    query = response.query
    need_keys = {n.label: n.key for n in query.needs}
    wanted = stems([query.text, *(n.label for n in query.needs), *(n.matched for n in query.needs)])
    order = [n.label for n in query.needs] if len(query.needs) >= 2 else []
    sections = {label: Section(label) for label in order}
    plain = Section(None)
    for result in response.results:
        c = card(result, extras.get((result.source, result.id)), wanted, need_keys, shortlist)
        sections.get(result.need or "", plain).cards.append(c)
    all_sections = [s for s in sections.values() if s.cards] + ([plain] if plain.cards else [])
    first = response.offset + 1 if response.results else 0
    last = response.offset + len(response.results)
    place = query.place
    area = clean_area(place.label) if place is not None else None
    api = form.to_request()
    api_params = {
        k: v
        for k, v in api.model_dump(exclude={"include_inactive"}).items()
        if v not in (None, "", False) and not (k == "offset" and v == 0)
    }
    return ResultsView(
        total=response.total,
        first=first,
        last=last,
        sections=all_sections,
        parts=understood_parts(form, query),
        preferences=preferences_text(query),
        repairs=[(r[0], r[1]) for r in query.repairs if len(r) >= 2 and r[0] != r[1]],
        messages=list(query.messages),
        previous_url=form.url(page=form.page - 1) if form.page > 1 else None,
        next_url=(
            form.url(page=form.page + 1)
            if last < response.total and response.results and form.page < MAX_PAGE
            else None
        ),
        json_url="/api/search?" + urlencode(api_params),
        area=area,
        stale_index=response.index.stale,
        older_index=response.index.fallback,
    )


__all__ = ["PAGE_SIZE", "Card", "ResultsView", "Section", "build_results"]
