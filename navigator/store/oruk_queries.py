"""Every read the ORUK API and the exports make: filters, counts, pages, id look-ups.

Listings are read as `ListingRow`s (the whole normalised record is in `record_json`), so a page
costs one query however nested the answer. Filters run on the child tables the writer keeps in
step with the record (schedules, taxonomy links, ages, organisation).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import Session

from navigator.ingest.record import ServiceRecord
from navigator.oruk import ids
from navigator.oruk.ids import Owners
from navigator.store import models as m

_CHUNK = 900  # stay under SQLite's bound-parameter limit
OwnerKind = Literal["service", "organization", "location"]


@dataclass(frozen=True)
class ListingRow:
    pk: int
    source: str
    source_id: str
    status: str  # the store's: a curator may have closed the listing since it was imported
    hide_exact_address: bool
    updated_at: datetime
    record_json: dict[str, Any]


@dataclass(frozen=True)
class ServiceFilter:
    """The ORUK query parameters, already checked (see navigator/oruk/params.py)."""

    words: tuple[str, ...] = ()  # every word must appear in the name, description or organisation
    taxonomy_term_id: str | None = None  # outward term id, or the vocabulary's own code
    taxonomy_id: str | None = None  # outward taxonomy id, or its name
    organization_id: str | None = None  # outward organisation id
    modified_after: datetime | None = None  # naive local time, as Service.updated_at is stored
    minimum_age: float | None = None
    maximum_age: float | None = None
    day: str | None = None  # "MO".."SU"
    start_time: str | None = None  # "HH:MM"
    end_time: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class PlacedLocation:
    """A service-at-location link with what proximity needs (hidden listings: postcode only)."""

    sal_pk: int
    service_pk: int
    latitude: float | None
    longitude: float | None
    hidden: bool
    postal_code: str | None


# -- listings ---------------------------------------------------------------------------------


def _listing_select() -> Select[Any]:
    s = m.Service
    return select(s.id, s.source, s.source_id, s.status, s.hide_exact_address, s.updated_at, s.record_json)


def _row(values: Any) -> ListingRow:
    pk, source, source_id, status, hidden, updated, record = values
    return ListingRow(int(pk), source, source_id, status, bool(hidden), updated, dict(record))


def count_services(session: Session, f: ServiceFilter) -> int:
    query = select(func.count()).select_from(m.Service).where(*_conditions(session, f))
    return int(session.scalar(query) or 0)


def page_services(session: Session, f: ServiceFilter, offset: int, limit: int) -> list[ListingRow]:
    query = _listing_select().where(*_conditions(session, f)).order_by(m.Service.id)
    return [_row(r) for r in session.execute(query.offset(offset).limit(limit))]


def listings_by_pk(session: Session, pks: Collection[int]) -> dict[int, ListingRow]:
    found: dict[int, ListingRow] = {}
    wanted = list(pks)
    for start in range(0, len(wanted), _CHUNK):
        query = _listing_select().where(m.Service.id.in_(wanted[start : start + _CHUNK]))
        found.update((row.pk, row) for row in map(_row, session.execute(query)))
    return found


def iter_listings(session: Session, source: str | None = None, batch: int = 500) -> Iterator[ListingRow]:
    """Every listing (of one source), in store order, a batch at a time."""
    last = 0
    while True:
        query = _listing_select().where(m.Service.id > last).order_by(m.Service.id).limit(batch)
        if source is not None:
            query = query.where(m.Service.source == source)
        rows = [_row(r) for r in session.execute(query)]
        if not rows:
            return
        yield from rows
        last = rows[-1].pk


def find_listing(session: Session, public_id: str) -> ListingRow | None:
    """The listing with this outward id: the first source to publish it, or `SOURCE:ID`."""
    query = _listing_select().where(m.Service.source_id == public_id).order_by(m.Service.id).limit(1)
    found = session.execute(query).first()
    if found is None and ":" in public_id:
        source, _, source_id = public_id.partition(":")
        found = session.execute(
            _listing_select().where(m.Service.source == source, m.Service.source_id == source_id)
        ).first()
    return _row(found) if found is not None else None


def source_counts(session: Session) -> list[tuple[str, int]]:
    rows = session.execute(
        select(m.Service.source, func.count()).group_by(m.Service.source).order_by(m.Service.source)
    )
    return [(str(source), int(count)) for source, count in rows]


# -- filters ----------------------------------------------------------------------------------


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(session: Session, f: ServiceFilter) -> list[ColumnElement[bool]]:
    s = m.Service
    conds: list[ColumnElement[bool]] = []
    if f.source is not None:
        conds.append(s.source == f.source)
    for word in f.words:
        pattern = _like(word)
        orgs = select(m.Organization.id).where(m.Organization.name.ilike(pattern, escape="\\"))
        conds.append(
            or_(
                s.name.ilike(pattern, escape="\\"),
                s.description.ilike(pattern, escape="\\"),
                s.organization_id.in_(orgs),
            )
        )
    if f.taxonomy_term_id is not None or f.taxonomy_id is not None:
        terms = _term_pks(session, f.taxonomy_term_id, f.taxonomy_id)
        linked = select(m.ServiceTaxonomyTerm.service_id).where(
            m.ServiceTaxonomyTerm.taxonomy_term_id.in_(terms)
        )
        conds.append(s.id.in_(linked))
    if f.organization_id is not None:
        conds.append(s.organization_id.in_(organization_pks(session, f.organization_id)))
    if f.modified_after is not None:
        conds.append(s.updated_at >= f.modified_after)
    if f.minimum_age is not None:
        conds.append(s.minimum_age >= f.minimum_age)
    if f.maximum_age is not None:
        conds.append(s.maximum_age <= f.maximum_age)
    if f.day or f.start_time or f.end_time:
        # All three must hold for one and the same schedule.
        sch = m.Schedule
        when: list[ColumnElement[bool]] = [sch.service_id == s.id]
        if f.day:
            when.append(sch.byday.like(f"%{f.day}%"))  # "2SU" (2nd Sunday) still means Sundays
        if f.start_time:
            when.append(sch.opens_at >= f.start_time)
        if f.end_time:
            when.append(sch.closes_at <= f.end_time)
        conds.append(exists(select(sch.id).where(*when)))
    return conds


def _term_pks(session: Session, term: str | None, taxonomy: str | None) -> list[int]:
    rows = session.execute(
        select(m.TaxonomyTerm.id, m.TaxonomyTerm.term_key, m.TaxonomyTerm.code, m.Taxonomy.name).join(
            m.Taxonomy, m.Taxonomy.id == m.TaxonomyTerm.taxonomy_id
        )
    )
    found = []
    for pk, key, code, vocabulary in rows:
        if taxonomy is not None and taxonomy not in (vocabulary, ids.taxonomy_id(vocabulary)):
            continue
        if term is not None and term not in (code, ids.term_id(vocabulary, key)):
            continue
        found.append(int(pk))
    return found


def organization_pks(session: Session, public_id: str) -> list[int]:
    """Store ids of the organisation(s) with this outward id (published, `SOURCE:ID` or derived)."""
    o = m.Organization
    published = session.execute(
        select(o.id, o.source).where(o.source_key == f"id:{public_id}").order_by(o.id)
    ).first()
    if published is not None:
        return [int(published[0])]
    if ":" in public_id:
        source, _, rest = public_id.partition(":")
        pk = session.scalar(select(o.id).where(o.source == source, o.source_key == f"id:{rest}"))
        if pk is not None:
            return [int(pk)]
    derived = session.execute(select(o.id, o.source, o.source_key).where(o.source_key.like("name:%")))
    return [int(pk) for pk, source, key in derived if ids.derived("organization", source, key) == public_id]


# -- published ids used by several sources ------------------------------------------------------


def owners(session: Session, kind: OwnerKind, keys: Collection[str] | None = None) -> dict[str, str]:
    """Key → the source that stored it first, for keys more than one source uses (None: all keys)."""
    model: Any = {"service": m.Service, "organization": m.Organization, "location": m.Location}[kind]
    column = model.source_id if kind == "service" else model.source_key
    found: dict[str, str] = {}
    chunks = [None] if keys is None else [list(keys)[i : i + _CHUNK] for i in range(0, len(keys), _CHUNK)]
    for chunk in chunks:
        first = select(column.label("key"), func.min(model.id).label("first")).group_by(column)
        if chunk is not None:
            first = first.where(column.in_(chunk))
        first_q = first.having(func.count() > 1).subquery()
        rows = session.execute(select(first_q.c.key, model.source).join(first_q, model.id == first_q.c.first))
        found.update((str(key), str(source)) for key, source in rows)
    return found


def owners_for(session: Session, records: Collection[tuple[ListingRow, ServiceRecord]]) -> Owners:
    """The owners a page of listings needs to be given outward ids."""
    org_keys: set[str] = set()
    loc_keys: set[str] = set()
    for _, record in records:
        if record.organization is not None and record.organization.source_id:
            org_keys.add(ids.organization_key(record.organization))
        loc_keys.update(f"id:{loc.source_id}" for loc in record.locations if loc.source_id)
    return Owners(
        owners(session, "service", {row.source_id for row, _ in records}),
        owners(session, "organization", org_keys) if org_keys else {},
        owners(session, "location", loc_keys) if loc_keys else {},
    )


def all_owners(session: Session) -> Owners:
    """Every published id more than one source uses (for a whole-store export)."""
    return Owners(owners(session, "service"), owners(session, "organization"), owners(session, "location"))


# -- service at location ------------------------------------------------------------------------

Box = tuple[float, float, float, float]  # south, north, west, east


def _placed_select(session: Session, f: ServiceFilter) -> Select[int, int]:
    sal = m.ServiceAtLocation
    return (
        select(sal.id, sal.service_id)
        .join(m.Service, m.Service.id == sal.service_id)
        .where(*_conditions(session, f))
    )


def count_placed(session: Session, f: ServiceFilter) -> int:
    inner = _placed_select(session, f).subquery()
    return int(session.scalar(select(func.count()).select_from(inner)) or 0)


def page_placed(session: Session, f: ServiceFilter, offset: int, limit: int) -> list[tuple[int, int]]:
    """(link id, listing id) pairs, in listing order then link order."""
    sal = m.ServiceAtLocation
    query = _placed_select(session, f).order_by(sal.service_id, sal.id).offset(offset).limit(limit)
    return [(int(a), int(b)) for a, b in session.execute(query)]


def placed_candidates(session: Session, f: ServiceFilter, box: Box | None) -> list[PlacedLocation]:
    """Links that may be near a point: inside `box`, or of a hidden-address listing (their public
    position is their outward code's centre, which the caller works out from `postal_code`)."""
    sal, loc, s = m.ServiceAtLocation, m.Location, m.Service
    query = (
        select(sal.id, sal.service_id, loc.latitude, loc.longitude, s.hide_exact_address, loc.id)
        .join(s, s.id == sal.service_id)
        .join(loc, loc.id == sal.location_id)
        .where(*_conditions(session, f))
    )
    if box is not None:
        south, north, west, east = box
        inside = (
            loc.latitude.between(south, north) & loc.longitude.between(west, east) & loc.latitude.is_not(None)
        )
        query = query.where(or_(inside, s.hide_exact_address.is_(True)))
    rows = session.execute(query.order_by(sal.service_id, sal.id)).all()
    hidden_locations = {int(r[5]) for r in rows if r[4]}
    postcodes = _first_postcodes(session, hidden_locations)
    return [
        PlacedLocation(
            int(sal_pk),
            int(service_pk),
            lat,
            lon,
            bool(hidden),
            postcodes.get(int(loc_pk)) if hidden else None,
        )
        for sal_pk, service_pk, lat, lon, hidden, loc_pk in rows
    ]


def _first_postcodes(session: Session, location_pks: Collection[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    wanted = list(location_pks)
    for start in range(0, len(wanted), _CHUNK):
        rows = session.execute(
            select(m.Address.location_id, m.Address.postal_code)
            .where(
                m.Address.location_id.in_(wanted[start : start + _CHUNK]), m.Address.postal_code.is_not(None)
            )
            .order_by(m.Address.id)
        )
        for location_pk, postcode in rows:
            found.setdefault(int(location_pk), str(postcode))
    return found


def link_positions(session: Session, service_pks: Collection[int]) -> dict[int, int]:
    """Link id → its position among its listing's links (= the record's distinct locations)."""
    positions: dict[int, int] = {}
    counters: dict[int, int] = {}
    wanted = list(service_pks)
    sal = m.ServiceAtLocation
    for start in range(0, len(wanted), _CHUNK):
        rows = session.execute(
            select(sal.id, sal.service_id)
            .where(sal.service_id.in_(wanted[start : start + _CHUNK]))
            .order_by(sal.service_id, sal.id)
        )
        for sal_pk, service_pk in rows:
            n = counters.get(int(service_pk), 0)
            positions[int(sal_pk)] = n
            counters[int(service_pk)] = n + 1
    return positions


# -- organisations ------------------------------------------------------------------------------


def count_organizations(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(m.Organization)) or 0)


def page_organizations(session: Session, offset: int, limit: int) -> list[m.Organization]:
    query = select(m.Organization).order_by(m.Organization.id).offset(offset).limit(limit)
    return list(session.scalars(query))


def organization_by_pk(session: Session, pk: int) -> m.Organization | None:
    return session.get(m.Organization, pk)


def organization_listings(session: Session, org_pk: int) -> list[ListingRow]:
    query = _listing_select().where(m.Service.organization_id == org_pk).order_by(m.Service.id)
    return [_row(r) for r in session.execute(query)]


# -- taxonomies ---------------------------------------------------------------------------------


def count_taxonomies(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(m.Taxonomy)) or 0)


def page_taxonomies(session: Session, offset: int, limit: int) -> list[m.Taxonomy]:
    return list(session.scalars(select(m.Taxonomy).order_by(m.Taxonomy.id).offset(offset).limit(limit)))


def find_taxonomy(session: Session, public_id: str) -> m.Taxonomy | None:
    for taxonomy in session.scalars(select(m.Taxonomy)):
        if public_id in (taxonomy.name, ids.taxonomy_id(taxonomy.name)):
            return taxonomy
    return None


def _terms_select(taxonomy_pk: int | None) -> Select[Any]:
    query = select(m.TaxonomyTerm)
    return query.where(m.TaxonomyTerm.taxonomy_id == taxonomy_pk) if taxonomy_pk is not None else query


def count_terms(session: Session, taxonomy_pk: int | None = None) -> int:
    inner = _terms_select(taxonomy_pk).subquery()
    return int(session.scalar(select(func.count()).select_from(inner)) or 0)


def page_terms(
    session: Session, offset: int, limit: int, taxonomy_pk: int | None = None
) -> list[m.TaxonomyTerm]:
    query = _terms_select(taxonomy_pk).order_by(m.TaxonomyTerm.id).offset(offset).limit(limit)
    return list(session.scalars(query))


def find_term(session: Session, public_id: str) -> m.TaxonomyTerm | None:
    pks = _term_pks(session, public_id, None)
    return session.get(m.TaxonomyTerm, pks[0]) if pks else None
