"""A normalised `ServiceRecord` as an ORUK 3.0 compiled service (and its list-item summary).

Field names follow the UK profile's compiled schema; a few HSDS 3.0 fields the profile leaves out
are kept because our records have them and our importer reads them back (`alternate_name`,
`eligibility_description`, service `phones`, contact `email`/`phones`, language `name`/`code`,
taxonomy term `code`). Navigator's own facts travel as extension fields, which the schema allows:
`is_free`, `delivery_modes`, `hide_exact_address`, and `geo_precision` on a location ("source",
"postcode" or "outcode": how exactly its coordinates are known).

Schema-required strings we have no value for are sent as "" (e.g. an organisation description).
A hidden-address listing goes through `privacy.withhold_location` before anything is written.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from navigator.ingest import record as rec
from navigator.oruk import ids as oids
from navigator.oruk.ids import ListingIds
from navigator.oruk.privacy import withhold_location
from navigator.oruk.taxonomy import term_object

STATUSES = ("active", "inactive", "defunct", "temporarily closed")
LOCATION_TYPES = ("physical", "postal", "virtual")
_EXTENSION = re.compile(r"^(.*?)\s+ext\.\s*(\d+)$")


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def iso_utc(moment: datetime | None, *, naive_is_local: bool = False) -> str | None:
    """RFC 3339 in UTC ("2025-03-31T09:00:00Z"). Records keep naive UTC; the store's own
    timestamps are naive local time (`naive_is_local`)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.astimezone() if naive_is_local else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def put(target: dict[str, Any], key: str, value: Any) -> None:
    """Set `key` only when there is something to say (None and empty lists are left out)."""
    if value is not None and value != [] and value != "":
        target[key] = value


def public_status(status: str) -> str:
    """The store's status as ORUK knows it; anything else (a curator's own word) is "inactive"."""
    return status if status in STATUSES else "inactive"


def organization_object(org: rec.Organization, org_id: str) -> dict[str, Any]:
    out: dict[str, Any] = {"id": org_id, "name": org.name, "description": org.description or ""}
    put(out, "email", org.email)
    put(out, "website", org.website)
    put(out, "logo", org.logo)
    return out


def service_summary(
    record: rec.ServiceRecord, ids: ListingIds, *, status: str, last_modified: str | None
) -> dict[str, Any]:
    """The one-to-one fields of a service, plus its organisation: a list item."""
    out: dict[str, Any] = {"id": ids.service, "name": record.name, "status": public_status(status)}
    put(out, "organization_id", ids.organization)
    for key in ("alternate_name", "description", "url", "email", "fees", "accreditations", "alert"):
        put(out, key, getattr(record, key))
    if record.eligibility is not None:
        put(out, "minimum_age", record.eligibility.minimum_age)
        put(out, "maximum_age", record.eligibility.maximum_age)
        put(out, "eligibility_description", record.eligibility.description)
    put(out, "assured_date", iso_date(record.assured_date))
    put(out, "last_modified", last_modified)
    if record.organization is not None and ids.organization is not None:
        out["organization"] = organization_object(record.organization, ids.organization)
    if record.is_free is not None:
        out["is_free"] = record.is_free
    put(out, "delivery_modes", list(record.delivery_modes))
    if ids.hidden:
        out["hide_exact_address"] = True
    return out


def service_object(
    record: rec.ServiceRecord,
    ids: ListingIds,
    *,
    status: str,
    last_modified: str | None,
    exact_positions_only: bool = False,
) -> dict[str, Any]:
    """The fully nested compiled service. `exact_positions_only` (exports) leaves out coordinates
    Navigator worked out from a postcode, so a re-import works them out again, as approximate."""
    out = service_summary(record, ids, status=status, last_modified=last_modified)
    sid = ids.service
    out["service_at_locations"] = [
        link_object(ids, position, loc, exact_positions_only)
        for position, loc in enumerate(oids.distinct_locations(record))
    ]
    out["phones"] = [
        phone_object(p, ids.child("phone", i), service_id=sid) for i, p in enumerate(record.phones)
    ]
    out["contacts"] = [
        contact_object(c, ids.child("contact", i), ids, i, sid) for i, c in enumerate(record.contacts)
    ]
    out["schedules"] = [_schedule(s, ids.child("schedule", i), sid) for i, s in enumerate(record.schedules)]
    out["cost_options"] = [
        _compact({"id": ids.child("cost_option", i), "service_id": sid, "option": c.option,
                  "amount": c.amount, "amount_description": c.amount_description})
        for i, c in enumerate(record.cost_options)
    ]  # fmt: skip
    out["languages"] = [
        _compact({"id": ids.child("language", i), "service_id": sid, "name": lang.name, "code": lang.code})
        for i, lang in enumerate(record.languages)
    ]
    out["service_areas"] = [
        _compact({"id": ids.child("service_area", i), "service_id": sid, "name": a.name,
                  "service_area": a.name, "extent": a.extent, "extent_type": a.extent_type, "uri": a.uri})
        for i, a in enumerate(record.service_areas)
    ]  # fmt: skip
    out["attributes"] = [
        {
            "id": ids.child("attribute", i),
            "link_id": sid,
            "link_type": "service",
            "link_entity": "service",
            "taxonomy_term_id": (term := term_object(t))["id"],
            "taxonomy_term": term,
        }
        for i, t in enumerate(record.taxonomy_terms)
    ]
    return out


def link_object(
    ids: ListingIds, position: int, loc: rec.Location, exact_only: bool = False
) -> dict[str, Any]:
    location_id = ids.locations[position]
    return {
        "id": ids.link(position),
        "service_id": ids.service,
        "location_id": location_id,
        "location": location_object(loc, location_id, hidden=ids.hidden, exact_only=exact_only),
    }


def location_object(
    loc: rec.Location, location_id: str, *, hidden: bool, full: bool = True, exact_only: bool = False
) -> dict[str, Any]:
    if hidden:
        loc = withhold_location(loc)
    if exact_only and loc.geo_precision not in (None, "source"):
        loc = loc.model_copy(update={"latitude": None, "longitude": None, "geo_precision": None})
    location_type = loc.location_type if loc.location_type in LOCATION_TYPES else "physical"
    out: dict[str, Any] = {"id": location_id, "location_type": location_type}
    put(out, "name", loc.name)
    put(out, "description", loc.description)
    if loc.latitude is not None and loc.longitude is not None:
        out["latitude"], out["longitude"] = loc.latitude, loc.longitude
        put(out, "geo_precision", loc.geo_precision)
    if not full:
        return out
    out["addresses"] = [_address(a, oids.derived("address", location_id, i), location_id)
                        for i, a in enumerate(loc.addresses)]  # fmt: skip
    out["accessibility"] = [
        _compact({"id": oids.derived("accessibility", location_id, i), "location_id": location_id,
                  "description": a.description, "accessibility": a.description, "details": a.details,
                  "url": a.url})
        for i, a in enumerate(loc.accessibility)
    ]  # fmt: skip
    return out


def _address(a: rec.Address, address_id: str, location_id: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": address_id,
        "location_id": location_id,
        # The profile requires these five; "" says "not known" (a hidden listing's street included).
        "address_1": a.address_1 or "",
        "city": a.city or "",
        "state_province": a.state_province or "",
        "postal_code": a.postal_code or "",
        "country": a.country or "GB",
        "address_type": a.address_type if a.address_type in LOCATION_TYPES else "physical",
    }
    put(out, "address_2", a.address_2)
    put(out, "region", a.region)
    return out


def phone_object(phone: rec.Phone, phone_id: str, **owner: str) -> dict[str, Any]:
    """The number as people dial it; an extension in its own field, as HSDS has it."""
    number, extension = phone.display or phone.number, None
    if match := _EXTENSION.match(number):
        number, extension = match[1], match[2]
    out: dict[str, Any] = {"id": phone_id, **owner, "number": number}
    put(out, "extension", int(extension) if extension else None)
    put(out, "description", phone.description)
    return out


def contact_object(
    contact: rec.Contact, contact_id: str, ids: ListingIds, i: int, sid: str
) -> dict[str, Any]:
    out: dict[str, Any] = {"id": contact_id, "service_id": sid}
    put(out, "name", contact.name)
    put(out, "title", contact.title)
    put(out, "email", contact.email)
    out["phones"] = [
        phone_object(p, ids.child("phone", f"contact{i}", j), contact_id=contact_id)
        for j, p in enumerate(contact.phones)
    ]
    return out


def _schedule(s: rec.Schedule, schedule_id: str, sid: str) -> dict[str, Any]:
    freq = s.freq if s.freq in ("WEEKLY", "MONTHLY") else None
    out = _compact(
        {
            "id": schedule_id,
            "service_id": sid,
            "freq": freq,
            "interval": s.interval,
            "byday": ",".join(s.byday),
            "bymonthday": ",".join(str(d) for d in s.bymonthday),
            "opens_at": s.opens_at,
            "closes_at": s.closes_at,
            "valid_from": iso_date(s.valid_from),
            "valid_to": iso_date(s.valid_to),
            "description": s.description,
            "notes": s.notes,
        }
    )
    if s.freq and freq is None:  # a frequency ORUK has no word for: keep it readable
        out["notes"] = "; ".join(filter(None, [s.notes, f"Repeats: {s.freq.lower()}"]))
    return out


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None and v != "" and v != []}
