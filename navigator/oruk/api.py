"""What each ORUK API endpoint answers, given a read session: the route handlers only parse and call.

Every listing is served whatever its status (an inactive or defunct listing says so in `status`),
so a consumer can see that a service it knows has closed. `last_modified` here is when Navigator
last changed the listing, which is what `modified_after` filters on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from navigator.geo.distance import haversine_km
from navigator.geo.outcodes import OutcodeTable
from navigator.ingest import record as rec
from navigator.ingest.record import ServiceRecord
from navigator.oruk import ids as oids
from navigator.oruk.ids import ListingIds, Owners
from navigator.oruk.paging import envelope
from navigator.oruk.params import Near, PageRequest
from navigator.oruk.privacy import is_hidden
from navigator.oruk.service import (
    iso_utc,
    location_object,
    organization_object,
    service_object,
    service_summary,
)
from navigator.oruk.taxonomy import stored_term_object, taxonomy_object
from navigator.store import oruk_queries as q
from navigator.store.oruk_queries import ListingRow, ServiceFilter

VERSION = "3.0"
PROFILE_URI = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
OPENAPI_URI = "https://raw.githubusercontent.com/OpenReferralUK/uk-profile/main/schema/openapi.json"


@dataclass(frozen=True)
class Listing:
    row: ListingRow
    record: ServiceRecord
    ids: ListingIds

    def summary(self) -> dict[str, Any]:
        return service_summary(self.record, self.ids, status=self.row.status, last_modified=self._modified())

    def full(self) -> dict[str, Any]:
        return service_object(self.record, self.ids, status=self.row.status, last_modified=self._modified())

    def _modified(self) -> str | None:
        return iso_utc(self.row.updated_at, naive_is_local=True)


def prepare(session: Session, rows: list[ListingRow], owners: Owners | None = None) -> list[Listing]:
    """Rows with their records parsed and their outward ids worked out."""
    pairs = [(row, ServiceRecord.model_validate(row.record_json)) for row in rows]
    owners = owners if owners is not None else q.owners_for(session, pairs)
    return [
        Listing(
            row,
            record,
            oids.listing_ids(row.source, record, owners, is_hidden(record, row.hide_exact_address)),
        )
        for row, record in pairs
    ]


def root() -> dict[str, Any]:
    return {"version": VERSION, "profile": PROFILE_URI, "openapi_url": OPENAPI_URI}


def list_services(session: Session, f: ServiceFilter, page: PageRequest) -> dict[str, Any]:
    total = q.count_services(session, f)
    rows = q.page_services(session, f, page.offset, page.per_page) if page.offset < total else []
    return envelope([item.summary() for item in prepare(session, rows)], total, page)


def get_service(session: Session, public_id: str) -> dict[str, Any] | None:
    row = q.find_listing(session, public_id)
    return prepare(session, [row])[0].full() if row is not None else None


def list_service_at_locations(
    session: Session, f: ServiceFilter, page: PageRequest, near: Near | None, outcodes: OutcodeTable
) -> dict[str, Any]:
    distances: dict[int, float | None] = {}
    if near is None:
        total = q.count_placed(session, f)
        links = q.page_placed(session, f, page.offset, page.per_page) if page.offset < total else []
    else:
        ranked = _by_distance(session, f, near, outcodes)
        total = len(ranked)
        chosen = ranked[page.offset : page.offset + page.per_page]
        links = [(c.sal_pk, c.service_pk) for c, _ in chosen]
        distances = {c.sal_pk: d for c, d in chosen}
    service_pks = {service_pk for _, service_pk in links}
    listings = {
        item.row.pk: item for item in prepare(session, list(q.listings_by_pk(session, service_pks).values()))
    }
    positions = q.link_positions(session, service_pks)
    contents = []
    for sal_pk, service_pk in links:
        item = listings[service_pk]
        position = positions[sal_pk]
        places = oids.distinct_locations(item.record)
        if position >= len(places):  # the store and the record disagree: show nothing rather than guess
            continue
        entry: dict[str, Any] = {
            "id": item.ids.link(position),
            "service_id": item.ids.service,
            "location_id": item.ids.locations[position],
            "location": location_object(
                places[position], item.ids.locations[position], hidden=item.ids.hidden, full=False
            ),
            "service": item.summary(),
        }  # fmt: skip
        if near is not None:
            distance = distances.get(sal_pk)
            entry["distance"] = round(distance) if distance is not None else None
        contents.append(entry)
    return envelope(contents, total, page)


def _by_distance(
    session: Session, f: ServiceFilter, near: Near, outcodes: OutcodeTable
) -> list[tuple[q.PlacedLocation, float | None]]:
    """Links with their distance in metres from the postcode's centre, nearest first. A hidden
    listing is measured from its outward code's centre, never from where it really is."""
    lat, lon = near.point.lat, near.point.lon
    box = None
    if near.metres is not None:
        # 10 km of slack: a hidden listing's public point can sit away from its stored one.
        reach = (near.metres + 10_000) / 111_320
        box = (lat - reach, lat + reach, lon - reach / max(math.cos(math.radians(lat)), 0.01),
               lon + reach / max(math.cos(math.radians(lat)), 0.01))  # fmt: skip
    ranked: list[tuple[q.PlacedLocation, float | None]] = []
    for c in q.placed_candidates(session, f, box):
        point: tuple[float | None, float | None] | None = (c.latitude, c.longitude)
        if c.hidden:
            point = outcodes.centroid(c.postal_code) if c.postal_code else None
        distance = None
        if point is not None and point[0] is not None and point[1] is not None:
            distance = haversine_km(lat, lon, point[0], point[1]) * 1000
        if near.metres is not None and (distance is None or distance > near.metres):
            continue
        ranked.append((c, distance))
    ranked.sort(key=lambda pair: (pair[1] is None, pair[1] or 0.0, pair[0].service_pk, pair[0].sal_pk))
    return ranked


# -- organisations ------------------------------------------------------------------------------


def _organization_id(session: Session, org: Any) -> str:
    owner = q.owners(session, "organization", [org.source_key]).get(org.source_key)
    return oids.keyed_organization_id(org.source, org.source_key, owner)


def _stored_organization(org: Any, org_id: str) -> dict[str, Any]:
    fields = rec.Organization(
        name=org.name, description=org.description, email=org.email, website=org.website, logo=org.logo
    )
    return organization_object(fields, org_id)


def list_organizations(session: Session, page: PageRequest) -> dict[str, Any]:
    total = q.count_organizations(session)
    orgs = q.page_organizations(session, page.offset, page.per_page) if page.offset < total else []
    owners = q.owners(session, "organization", [o.source_key for o in orgs]) if orgs else {}
    contents = [
        _stored_organization(o, oids.keyed_organization_id(o.source, o.source_key, owners.get(o.source_key)))
        for o in orgs
    ]
    return envelope(contents, total, page)


def get_organization(session: Session, public_id: str) -> dict[str, Any] | None:
    pks = q.organization_pks(session, public_id)
    org = q.organization_by_pk(session, pks[0]) if pks else None
    if org is None:
        return None
    out = _stored_organization(org, _organization_id(session, org))
    services = []
    for item in prepare(session, q.organization_listings(session, org.id)):
        service = item.full()
        service.pop("organization", None)  # it is the object these services hang from
        services.append(service)
    out["services"] = services
    return out


# -- taxonomies ---------------------------------------------------------------------------------


def list_taxonomies(session: Session, page: PageRequest) -> dict[str, Any]:
    total = q.count_taxonomies(session)
    found = q.page_taxonomies(session, page.offset, page.per_page) if page.offset < total else []
    return envelope([taxonomy_object(t) for t in found], total, page)


def get_taxonomy(session: Session, public_id: str) -> dict[str, Any] | None:
    found = q.find_taxonomy(session, public_id)
    return taxonomy_object(found) if found is not None else None


def list_taxonomy_terms(session: Session, page: PageRequest, taxonomy_id: str | None) -> dict[str, Any]:
    taxonomy_pk = None
    if taxonomy_id is not None:
        found = q.find_taxonomy(session, taxonomy_id)
        if found is None:
            return envelope([], 0, page)
        taxonomy_pk = found.id
    total = q.count_terms(session, taxonomy_pk)
    terms = q.page_terms(session, page.offset, page.per_page, taxonomy_pk) if page.offset < total else []
    return envelope([stored_term_object(t) for t in terms], total, page)


def get_taxonomy_term(session: Session, public_id: str) -> dict[str, Any] | None:
    found = q.find_term(session, public_id)
    return stored_term_object(found) if found is not None else None
