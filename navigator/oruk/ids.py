"""Outward ids for everything the ORUK API and the exports emit.

A listing keeps the id its source published (Navigator's contract). So do organisations and
locations whose source gave them an id. When two sources publish the same id, the one stored first
keeps it bare and every later one is `SOURCE:ID`, the form `navigator show` already accepts.

Everything else (schedules, phones, addresses, locations without a published id, taxonomy terms,
...) gets a UUID 5 derived from what it belongs to and its position, so ids are the same on every
run and every replica. Nothing derived
from a hidden address ever goes into an id: a hash of a refuge's street could be confirmed by
guessing.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

from navigator.ingest import record as rec
from navigator.store.writer import fold_key

# Fixed for ever: changing it changes every derived id Navigator has published.
NAMESPACE = uuid.UUID("6f1c1f4e-3a55-5b8e-9a0e-4e6f72756b33")


def derived(kind: str, *parts: object) -> str:
    """A stable UUID 5 for a `kind` of thing identified by `parts`."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join([kind, *(str(p) for p in parts)])))


def qualified(published: str, source: str, owner: str | None) -> str:
    """`published` when this source owns it (or nobody else uses it), else `source:published`."""
    return published if owner in (None, source) else f"{source}:{published}"


def organization_key(org: rec.Organization) -> str:
    """The store's key for an organisation (must match ListingWriter._organization)."""
    return f"id:{org.source_id}" if org.source_id else f"name:{fold_key(org.name)}"


def location_key(loc: rec.Location) -> str:
    """The store's key for a location (must match ListingWriter._location; a test checks)."""
    if loc.source_id:
        return f"id:{loc.source_id}"
    address = loc.addresses[0] if loc.addresses else None
    parts = [loc.name, address.address_1 if address else None, address.postal_code if address else None]
    text = " ".join(p for p in parts if p)
    return "content:" + fold_key(text or json.dumps(loc.model_dump(mode="json"), sort_keys=True))


def distinct_locations(record: rec.ServiceRecord) -> list[rec.Location]:
    """The record's locations as the store links them: one per store key, first wins, in order."""
    seen: dict[str, rec.Location] = {}
    for loc in record.locations:
        seen.setdefault(location_key(loc), loc)
    return list(seen.values())


def taxonomy_id(name: str) -> str:
    return derived("taxonomy", name)


def term_key(term: rec.TaxonomyTerm) -> str:
    """The store's key for a term within its taxonomy (must match ListingWriter._term)."""
    return term.code or fold_key(term.term)


def term_id(taxonomy: str, key: str) -> str:
    return derived("taxonomy_term", taxonomy, key)


def keyed_organization_id(source: str, key: str, owner: str | None) -> str:
    """An organisation's outward id from its store key ("id:X" published, "name:..." derived)."""
    if key.startswith("id:"):
        return qualified(key[3:], source, owner)
    return derived("organization", source, key)


@dataclass
class Owners:
    """Which source owns each published id that more than one source uses (the first to store it).

    Keys: a service's source id; an organisation's or location's store key ("id:X").
    """

    services: dict[str, str] = field(default_factory=dict)
    organizations: dict[str, str] = field(default_factory=dict)
    locations: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ListingIds:
    """The outward ids of one listing and of the things it holds."""

    source: str
    source_id: str
    service: str
    organization: str | None
    locations: tuple[str, ...]  # one per distinct location, in order
    hidden: bool

    def child(self, kind: str, *position: object) -> str:
        return derived(kind, self.source, self.source_id, *position)

    def link(self, position: int) -> str:
        """The service_at_location id of the listing's `position`-th distinct location."""
        return self.child("service_at_location", position)


def listing_ids(source: str, record: rec.ServiceRecord, owners: Owners, hidden: bool) -> ListingIds:
    org = record.organization
    org_id = None
    if org is not None:
        key = organization_key(org)
        org_id = keyed_organization_id(source, key, owners.organizations.get(key))
    locations = []
    for position, loc in enumerate(distinct_locations(record)):
        if loc.source_id and not hidden:
            locations.append(qualified(loc.source_id, source, owners.locations.get(f"id:{loc.source_id}")))
        else:
            # Per listing, from its position: never from a hidden listing's address or the source's own
            # (possibly address-based) id. Two listings at one unnamed venue keep their own accounts
            # of it (accessibility notes differ), so they do not share an id either.
            locations.append(derived("location", source, record.source_id, position))
    return ListingIds(
        source=source,
        source_id=record.source_id,
        service=qualified(record.source_id, source, owners.services.get(record.source_id)),
        organization=org_id,
        locations=tuple(locations),
        hidden=hidden,
    )
