"""A listing as people read it: the detail page (everything the store holds) and the shorter summary
used by the shortlist, its print view, the resident's shared page and the text to send.

Both come from a loaded `Service` (navigator_queries loads its children up front). A listing that
hides its exact address never shows a street or postcode here, only its town or area.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from navigator.navigator_app.display import (
    Link,
    ages_text,
    cost_text,
    date_text,
    directions_href,
    email_link,
    is_stale,
    phone_link,
    website_link,
)
from navigator.navigator_app.search_form import MODE_LABELS
from navigator.search.schedule_text import next_opening, schedule_line
from navigator.store import models as m

HIDDEN_ADDRESS = "The address is given when you contact them."


@dataclass
class Place:
    name: str | None
    lines: list[str]  # address lines, or only town/area when the address is hidden
    postcode: str | None  # None when hidden
    directions: str | None  # outbound link, never for a hidden address
    accessibility: list[str] = field(default_factory=list)
    online: bool = False


@dataclass
class Summary:
    """What a resident needs to get in touch: the shortlist, print view and shared text use this."""

    id: str
    name: str
    organisation: str | None
    phones: list[Link]
    email: Link | None
    website: Link | None
    where: str | None  # one line: address, or town + "address given on contact"
    when: str | None  # next opening or the first schedule line
    cost: str
    ages: str | None
    active: bool


@dataclass
class Detail:
    id: str
    source: str
    name: str
    alternate_name: str | None
    organisation: str | None
    organisation_description: str | None
    organisation_website: Link | None
    description: list[str]  # paragraphs
    status: str
    alert: str | None
    categories: list[str]
    cost: str
    cost_options: list[str]
    eligibility: list[str]
    ages: str | None
    languages: list[str]
    areas: list[str]
    delivery: list[str]
    phones: list[tuple[Link, str | None]]  # number, what it is for
    contacts: list[dict[str, Any]]
    email: Link | None
    website: Link | None
    places: list[Place]
    hide_exact_address: bool
    schedules: list[str]
    next_opening: str | None
    accreditations: str | None
    last_verified: str | None
    possibly_out_of_date: bool
    last_modified: str | None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _schedule_dicts(service: m.Service) -> list[dict[str, Any]]:
    return [
        {
            "byday": [d for d in (s.byday or "").split(",") if d.strip()],
            "opens_at": s.opens_at,
            "closes_at": s.closes_at,
            "description": s.description,
            "freq": s.freq,
            "notes": s.notes,
        }
        for s in service.schedules
    ]


def _places(service: m.Service) -> list[Place]:
    places: list[Place] = []
    for sal in service.service_at_locations:
        loc = sal.location
        if loc is None:
            continue
        online = (loc.location_type or "") == "virtual"
        for address in loc.addresses or [None]:  # type: ignore[list-item]
            if address is None:
                if loc.name or online:
                    places.append(Place(loc.name, [], None, None, [], online))
                continue
            town = [x for x in (address.city, address.region) if x]
            if service.hide_exact_address:
                lines, postcode, directions = town, None, None
            else:
                lines = [x for x in (address.address_1, address.address_2, *town, address.postal_code) if x]
                postcode = address.postal_code
                directions = directions_href(postcode)
            access = [a.description or a.details or "" for a in loc.accessibility]
            places.append(Place(loc.name, lines, postcode, directions, [a for a in access if a], online))
    return places


def _verified(service: m.Service) -> date | None:
    return service.assured_date or (service.last_modified.date() if service.last_modified else None)


def _costs(service: m.Service) -> list[str]:
    out = []
    for c in service.cost_options:
        amount = f"£{c.amount:,.2f}".replace(".00", "") if c.amount is not None else None
        text = " ".join(p for p in (c.option, amount, c.amount_description) if p)
        if text:
            out.append(text)
    return out


def _phones(service: m.Service) -> list[tuple[Link, str | None]]:
    seen: set[str] = set()
    out = []
    for p in [*service.phones, *(p for c in service.contacts for p in c.phones)]:
        number = p.display or p.number
        if number and number not in seen:
            seen.add(number)
            out.append((phone_link(number), p.description))
    return out


def _ages(service: m.Service) -> str | None:
    lo, hi = service.minimum_age, service.maximum_age
    for e in service.eligibility:
        lo = lo if lo is not None else e.minimum_age
        hi = hi if hi is not None else e.maximum_age
    return ages_text(lo, hi)


def where_line(service: m.Service) -> str | None:
    places = [p for p in _places(service) if p.lines]
    if not places:
        return None
    line = ", ".join(places[0].lines)
    return f"{line}. {HIDDEN_ADDRESS}" if service.hide_exact_address else line


def summary(listing_id: str, service: m.Service) -> Summary:
    schedules = _schedule_dicts(service)
    # On paper or a phone days later, the regular times read better than "next open Monday".
    lines = list(dict.fromkeys(x for x in map(schedule_line, schedules) if x))
    opening = next_opening(schedules)
    when = "; ".join(lines[:2]) if lines else (f"Next open {opening}" if opening else None)
    return Summary(
        id=listing_id,
        name=service.name,
        organisation=service.organization.name if service.organization else None,
        phones=[link for link, _ in _phones(service)],
        email=email_link(service.email),
        website=website_link(service.url or (service.organization.website if service.organization else None)),
        where=where_line(service),
        when=when,
        cost=cost_text(service.is_free, service.fees, _costs(service)),
        ages=_ages(service),
        active=service.status == "active",
    )


def detail(service: m.Service, stale_after_days: int) -> Detail:
    org = service.organization
    schedules = _schedule_dicts(service)
    lines: list[str | None] = []
    for s in schedules:
        structured = schedule_line({**s, "description": None})
        described = " ".join((s.get("description") or "").split())
        lines += [structured, described if described and described != structured else None]
        lines.append(f"Note: {s['notes']}" if s.get("notes") else None)
    verified = _verified(service)
    return Detail(
        id=service.source_id,
        source=service.source,
        name=service.name,
        alternate_name=service.alternate_name,
        organisation=org.name if org else None,
        organisation_description=org.description if org else None,
        organisation_website=website_link(org.website) if org else None,
        description=[p.strip() for p in (service.description or "").split("\n") if p.strip()],
        status=service.status,
        alert=service.alert,
        categories=list(dict.fromkeys(link.taxonomy_term.term for link in service.taxonomy_links)),
        cost=cost_text(service.is_free, service.fees, _costs(service)),
        cost_options=_costs(service),
        eligibility=[e.description for e in service.eligibility if e.description],
        ages=_ages(service),
        languages=[lang.name for lang in service.languages],
        areas=[a.name for a in service.service_areas],
        delivery=[MODE_LABELS.get(d, d.replace("_", " ")) for d in service.delivery_modes or []],
        phones=_phones(service),
        contacts=[
            {"name": c.name, "title": c.title, "email": email_link(c.email)}
            for c in service.contacts
            if c.name or c.title or c.email
        ],
        email=email_link(service.email),
        website=website_link(service.url),
        places=_places(service),
        hide_exact_address=service.hide_exact_address,
        schedules=list(dict.fromkeys(x for x in lines if x)),
        next_opening=next_opening(schedules),
        accreditations=service.accreditations,
        last_verified=date_text(verified),
        possibly_out_of_date=is_stale(verified, stale_after_days),
        last_modified=date_text(service.last_modified.date()) if service.last_modified else None,
    )


@dataclass
class Entry:
    """One shortlisted id: its summary, or None when the listing has left the directory."""

    id: str
    summary: Summary | None
    need: str | None = None  # need key it was added for


def summaries(store: Any, ids: list[str], needs: dict[str, str] | None = None) -> list[Entry]:
    """Summaries for listing ids in their order, in a fixed number of queries."""
    from navigator.store import navigator_queries as nq

    with store.read() as session:
        found = nq.listings_by_ids(session, ids)
        return [Entry(i, summary(i, found[i]) if i in found else None, (needs or {}).get(i)) for i in ids]
