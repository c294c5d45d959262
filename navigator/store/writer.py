"""Writing normalised listings into the store: upsert by (source, source id), skip unchanged
content by hash, record field-level history and the previous version (for rollback).

Everything here runs inside the caller's transaction; the caller commits once per import.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from navigator.ingest import record as rec
from navigator.store import models as m
from navigator.store.review_queries import HeldFields, held_fields

Outcome = Literal["added", "updated", "unchanged"]


@dataclass
class UpsertResult:
    outcome: Outcome
    service: m.Service | None  # None when unchanged (not loaded); ids are known after the next flush
    changes: list[tuple[str, Any, Any]]
    kept: list[str] = field(default_factory=list)  # curator-held fields the publisher disagreed with


def fold_key(text: str) -> str:
    """A matching key for names: lower case, punctuation and spacing folded."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()[:300]


class ListingWriter:
    """Upserts records of one source within one import batch."""

    def __init__(
        self,
        session: Session,
        source: str,
        batch: m.ImportBatch,
        actor: str,
        overrides: HeldFields | None = None,
    ) -> None:
        """`overrides`: curator-held field values to apply on top of imported records; by default
        those stored for this source (none stored → records are written exactly as imported)."""
        self.session = session
        self.source = source
        self.batch = batch
        self.actor = actor
        self.now = datetime.now()
        rows = session.execute(
            select(m.Service.source_id, m.Service.id, m.Service.content_hash).where(
                m.Service.source == source
            )
        )
        self._existing: dict[str, tuple[int, str]] = {sid: (pk, h) for sid, pk, h in rows}
        # Everything shared between listings is loaded once up front: a look-up per record would
        # flush the session each time and make a large import crawl.
        self._orgs = {
            o.source_key: o
            for o in session.scalars(select(m.Organization).where(m.Organization.source == source))
        }
        self._locations = {
            loc.source_key: loc
            for loc in session.scalars(select(m.Location).where(m.Location.source == source))
        }
        self._locations_refreshed: set[str] = set()
        self._taxonomies = {t.name: t for t in session.scalars(select(m.Taxonomy))}
        self._terms = {(t.taxonomy.name, t.term_key): t for t in session.scalars(select(m.TaxonomyTerm))}
        # A curator's correction must survive the publisher's old value arriving again.
        self._held = overrides if overrides is not None else held_fields(session, source)
        self._written: list[object] = []  # rows of this batch not yet released from the session

    def release(self) -> None:
        """Forget rows already flushed, so a large import's memory stays flat. Shared rows
        (organisations, locations, taxonomy terms) stay attached: later records link to them."""
        for obj in self._written:
            if obj in self.session:
                self.session.expunge(obj)
        self._written.clear()

    # -- public -------------------------------------------------------------------------------
    def upsert(self, record: rec.ServiceRecord) -> UpsertResult:
        with self.session.no_autoflush:
            return self._upsert(record)

    def _upsert(self, record: rec.ServiceRecord) -> UpsertResult:
        record, kept = self._held.apply(record)
        content_hash = record.content_hash()
        existing = self._existing.get(record.source_id)
        if existing is not None and existing[1] == content_hash:
            return UpsertResult("unchanged", None, [], kept)
        new_json = record.model_dump(mode="json")
        if existing is None:
            service = m.Service(
                source=self.source, source_id=record.source_id, created_at=self.now, record_json=new_json
            )
            self._apply(service, record, content_hash)
            version = m.ServiceVersion(
                service=service, import_batch_id=self.batch.id, created=True, saved_at=self.now
            )
            self.session.add_all([service, version])
            self._written += [service, version]
            self._existing[record.source_id] = (-1, content_hash)  # a repeat in this import is "unchanged"
            return UpsertResult("added", service, [], kept)
        service = self.session.get_one(m.Service, existing[0])
        old_json = dict(service.record_json)
        changes = diff_records(old_json, new_json)
        rows: list[object] = [
            m.ServiceVersion(
                service_id=service.id,
                import_batch_id=self.batch.id,
                previous_record_json=old_json,
                previous_status=service.status,
                saved_at=self.now,
            )
        ]
        rows += [
            m.ServiceChange(
                service_id=service.id,
                import_batch_id=self.batch.id,
                actor=self.actor,
                changed_at=self.now,
                field=field_name,
                old_value=_as_text(old),
                new_value=_as_text(new),
            )
            for field_name, old, new in changes
        ]
        self.session.add_all(rows)
        self._written += [service, *rows]
        self._clear_children(service)
        service.record_json = new_json
        self._apply(service, record, content_hash)
        self._existing[record.source_id] = (service.id, content_hash)
        return UpsertResult("updated", service, changes, kept)

    def restore(self, service: m.Service, record: rec.ServiceRecord, status: str | None = None) -> None:
        """Put a service back to an earlier version (used by rollback)."""
        self._clear_children(service)
        service.record_json = record.model_dump(mode="json")
        self._apply(service, record, record.content_hash())
        if status:
            service.status = status

    # -- internals ----------------------------------------------------------------------------
    def _apply(self, s: m.Service, r: rec.ServiceRecord, content_hash: str) -> None:
        s.import_batch_id = self.batch.id
        s.content_hash = content_hash
        s.updated_at = self.now
        s.name = r.name
        s.alternate_name = r.alternate_name
        s.description = r.description
        s.url = r.url
        s.email = r.email
        s.status = r.status
        s.fees = r.fees
        s.accreditations = r.accreditations
        s.alert = r.alert
        s.assured_date = r.assured_date
        s.last_modified = r.last_modified
        s.is_free = r.is_free
        s.delivery_modes = list(r.delivery_modes)
        s.hide_exact_address = r.hide_exact_address
        s.minimum_age = r.eligibility.minimum_age if r.eligibility else None
        s.maximum_age = r.eligibility.maximum_age if r.eligibility else None
        s.organization = self._organization(r.organization) if r.organization else None
        s.phones = [m.Phone(number=p.number, display=p.display, description=p.description) for p in r.phones]
        s.contacts = [
            m.Contact(
                name=c.name,
                title=c.title,
                email=c.email,
                phones=[
                    m.Phone(number=p.number, display=p.display, description=p.description) for p in c.phones
                ],
            )
            for c in r.contacts
        ]
        s.schedules = [
            m.Schedule(
                freq=x.freq,
                interval=x.interval,
                byday=",".join(x.byday) or None,
                bymonthday=",".join(str(d) for d in x.bymonthday) or None,
                opens_at=x.opens_at,
                closes_at=x.closes_at,
                valid_from=x.valid_from,
                valid_to=x.valid_to,
                description=x.description,
                notes=x.notes,
            )
            for x in r.schedules
        ]
        s.cost_options = [
            m.CostOption(option=c.option, amount=c.amount, amount_description=c.amount_description)
            for c in r.cost_options
        ]
        s.eligibility = (
            [
                m.Eligibility(
                    description=r.eligibility.description,
                    minimum_age=r.eligibility.minimum_age,
                    maximum_age=r.eligibility.maximum_age,
                )
            ]
            if r.eligibility
            else []
        )
        s.languages = [m.Language(name=lang.name, code=lang.code) for lang in r.languages]
        s.service_areas = [
            m.ServiceArea(name=a.name, extent=a.extent, extent_type=a.extent_type, uri=a.uri)
            for a in r.service_areas
        ]
        locations: dict[int, m.Location] = {}
        for loc in r.locations:
            row = self._location(loc)
            locations[id(row)] = row
        s.service_at_locations = [m.ServiceAtLocation(location=row) for row in locations.values()]
        terms: dict[int, m.TaxonomyTerm] = {}
        for t in r.taxonomy_terms:
            term = self._term(t)
            terms[id(term)] = term
        s.taxonomy_links = [m.ServiceTaxonomyTerm(taxonomy_term=term) for term in terms.values()]

    def _clear_children(self, s: m.Service) -> None:
        # Bulk deletes: cheaper than loading each child collection only to orphan it.
        sid = s.id
        contact_ids = select(m.Contact.id).where(m.Contact.service_id == sid)
        self.session.execute(delete(m.Phone).where(m.Phone.contact_id.in_(contact_ids)))
        for table in (
            m.Phone,
            m.Contact,
            m.Schedule,
            m.CostOption,
            m.Eligibility,
            m.Language,
            m.ServiceArea,
            m.ServiceAtLocation,
            m.ServiceTaxonomyTerm,
        ):
            self.session.execute(delete(table).where(table.service_id == sid))
        self.session.expire(
            s,
            [
                "phones",
                "contacts",
                "schedules",
                "cost_options",
                "eligibility",
                "languages",
                "service_areas",
                "service_at_locations",
                "taxonomy_links",
            ],
        )

    def _organization(self, o: rec.Organization) -> m.Organization:
        key = f"id:{o.source_id}" if o.source_id else f"name:{fold_key(o.name)}"
        org = self._orgs.get(key)
        if org is None:
            org = m.Organization(source=self.source, source_key=key, name=o.name)
            self.session.add(org)
            self._orgs[key] = org
        org.name = o.name
        org.description = o.description or org.description
        org.email = o.email or org.email
        org.website = o.website or org.website
        org.logo = o.logo or org.logo
        return org

    def _location(self, loc: rec.Location) -> m.Location:
        if loc.source_id:
            key = f"id:{loc.source_id}"
        else:
            address = loc.addresses[0] if loc.addresses else None
            parts = [
                loc.name,
                address.address_1 if address else None,
                address.postal_code if address else None,
            ]
            text = " ".join(p for p in parts if p)
            key = "content:" + fold_key(text or json.dumps(loc.model_dump(mode="json"), sort_keys=True))
        row = self._locations.get(key)
        if row is None:
            row = m.Location(source=self.source, source_key=key)
            self.session.add(row)
            self._locations[key] = row
        if key not in self._locations_refreshed:
            # A location shared by several services takes its content from the first record of this
            # import that names it; later records in the same import reuse the row as it is.
            self._locations_refreshed.add(key)
            row.location_type = loc.location_type
            row.name = loc.name
            row.description = loc.description
            row.latitude = loc.latitude
            row.longitude = loc.longitude
            row.geo_precision = loc.geo_precision
            row.addresses = [m.Address(**a.model_dump()) for a in loc.addresses]
            row.accessibility = [m.Accessibility(**a.model_dump()) for a in loc.accessibility]
        return row

    def _term(self, t: rec.TaxonomyTerm) -> m.TaxonomyTerm:
        taxonomy = self._taxonomies.get(t.taxonomy)
        if taxonomy is None:
            taxonomy = m.Taxonomy(name=t.taxonomy)
            self.session.add(taxonomy)
            self._taxonomies[t.taxonomy] = taxonomy
        key = (t.taxonomy, t.code or fold_key(t.term))
        term = self._terms.get(key)
        if term is None:
            term = m.TaxonomyTerm(
                taxonomy=taxonomy, term_key=key[1], code=t.code, term=t.term, parent=t.parent
            )
            self.session.add(term)
            self._terms[key] = term
        return term


def diff_records(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Top-level field differences between two normalised records (nested values compared whole)."""
    changes = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            changes.append((key, old.get(key), new.get(key)))
    return changes


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def bump_generation(session: Session) -> int:
    """Mark the listings as changed, so an index built earlier knows it is stale."""
    state = session.scalar(select(m.StoreState).where(m.StoreState.id == 1))
    if state is None:
        state = m.StoreState(id=1, generation=0)
        session.add(state)
    state.generation = (state.generation or 0) + 1
    state.changed_at = datetime.now()
    return state.generation
