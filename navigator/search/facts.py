"""What the index needs to know about one listing, taken from its normalised record.

`ListingFacts` holds the filter and ranking values (turned into arrays by `filters.py`) and the
display fields a result shows (kept in the index's docs file, so a search never touches the store).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from navigator.ingest.record import ServiceRecord
from navigator.search.doctext import document_text_from_record

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
MODES = ("in_person", "online", "phone", "home_visit")


def fold(text: str) -> str:
    """Key for matching names: case, hyphens, dots and spacing don't matter."""
    return " ".join(text.lower().replace("-", " ").replace(".", " ").replace("&", " and ").split())


@dataclass
class ListingFacts:
    store_id: int
    source: str
    source_id: str
    text: str  # the document text (embedded and keyword-indexed)
    points: list[tuple[float, float]]  # every located venue
    place_names: set[str]  # folded towns, outcodes, service areas: where it is or serves
    towns: list[str]  # town names of its venues as written ("Cheriton"), for the gazetteer
    postcodes: list[str]
    min_age: int | None
    max_age: int | None
    free: bool | None
    days: int  # bitmask over DAYS
    modes: int  # bitmask over MODES
    active: bool
    verified: date | None
    categories: list[str]
    display: dict[str, Any] = field(default_factory=dict)


def day_mask(days: list[str]) -> int:
    mask = 0
    for token in days:
        code = token.strip().upper()[-2:]  # "2SU" (every 2nd Sunday) still means Sundays
        if code in DAYS:
            mask |= 1 << DAYS.index(code)
    return mask


def mode_mask(modes: list[str]) -> int:
    return sum(1 << MODES.index(m) for m in set(modes) if m in MODES)


def _display(record: ServiceRecord, verified: date | None) -> dict[str, Any]:
    phones = [p.display or p.number for p in record.phones]
    for contact in record.contacts:
        phones += [p.display or p.number for p in contact.phones]
    addresses = []
    if not record.hide_exact_address:
        for loc in record.locations:
            for a in loc.addresses:
                line = ", ".join(x for x in (a.address_1, a.city, a.postal_code) if x)
                if line:
                    addresses.append(line)
    schedules = [
        {
            "byday": s.byday,
            "opens_at": s.opens_at,
            "closes_at": s.closes_at,
            "description": s.description,
            "freq": s.freq,
        }
        for s in record.schedules
    ]
    return {
        "name": record.name,
        "organisation": record.organization.name if record.organization else None,
        "description": record.description or "",
        "url": record.url or (record.organization.website if record.organization else None),
        "email": record.email,
        "phones": list(dict.fromkeys(phones)),
        "addresses": addresses,
        "schedules": schedules,
        "eligibility": record.eligibility.description if record.eligibility else None,
        "fees": record.fees,
        "last_verified": verified.isoformat() if verified else None,
        "categories": [t.term for t in record.taxonomy_terms],
        "hide_exact_address": record.hide_exact_address,
    }


def listing_facts(
    store_id: int, source: str, record: ServiceRecord, *, status: str | None = None
) -> ListingFacts:
    """Facts of one listing; `status` is the store's (a curator may have closed it since import)."""
    points = [
        (loc.latitude, loc.longitude)
        for loc in record.locations
        if loc.latitude is not None and loc.longitude is not None
    ]
    names: set[str] = set()
    towns: list[str] = []
    postcodes: list[str] = []
    for loc in record.locations:
        for a in loc.addresses:
            if a.city:
                names.add(fold(a.city))
                if loc.latitude is not None and loc.longitude is not None:
                    towns.append(a.city.strip())
            if a.postal_code:
                postcodes.append(a.postal_code)
                names.add(fold(a.postal_code.split(" ")[0]))
    for area in record.service_areas:
        names.add(fold(area.name))
    elig = record.eligibility
    min_age = elig.minimum_age if elig else None
    max_age = elig.maximum_age if elig else None
    days: list[str] = [d for s in record.schedules for d in s.byday]
    verified = record.assured_date or (record.last_modified.date() if record.last_modified else None)
    display = _display(record, verified)
    return ListingFacts(
        store_id=store_id,
        source=source,
        source_id=record.source_id,
        text=document_text_from_record(record),
        points=points,
        place_names=names,
        towns=towns,
        postcodes=postcodes,
        min_age=min_age,
        max_age=max_age,
        free=record.is_free,
        days=day_mask(days),
        modes=mode_mask(list(record.delivery_modes)),
        active=(status or record.status) == "active",
        verified=verified,
        categories=[t.term for t in record.taxonomy_terms],
        display=display,
    )
