"""ORUK 3.0 / HSDS 3.0 compiled service object → `RawRecord.data` (shape in readers/base.py).

The compiled service already has nearly the target shape; this mapping picks the documented keys,
pulls taxonomy terms out of `attributes`, and gathers phones, contacts and schedules that 3.0 may
also hang on a service_at_location or its location.
"""

from __future__ import annotations

from typing import Any

from navigator.ingest.readers import oruk_common as c
from navigator.ingest.readers.oruk_common import MapNotes

# Top-level fields this mapping places or deliberately drops (ids of embedded objects, change
# metadata, which names the people who edited a record). The rest go to extras / the report.
PLACED = frozenset(
    {
        "id", "name", "alternate_name", "description", "url", "email", "status", "fees",
        "accreditations", "alert", "assured_date", "last_modified", "minimum_age", "maximum_age",
        "eligibility_description", "organization", "organization_id", "program_id", "phones",
        "contacts", "schedules", "cost_options", "languages", "service_areas",
        "service_at_locations", "attributes", "funding", "metadata",
        # Navigator's own additions, written by its exports so they round-trip.
        "hide_exact_address", "is_free", "delivery_modes",
    }
)  # fmt: skip


def map_service(obj: dict[str, Any], notes: MapNotes) -> dict[str, Any]:
    """One ORUK 3.0 service object as the documented data dict (without `id`, which the reader sets)."""
    placed = set(PLACED)
    # HSDS 3.0 renamed `fees` to `fees_description`; the UK profile kept `fees`. Take either.
    fees = obj.get("fees")
    if not c.present(fees):
        fees = obj.get("fees_description")
        placed.add("fees_description")
    phones = c.phones(obj.get("phones"), ".phones", notes)
    contacts = _contacts(obj.get("contacts"), ".contacts", notes)
    schedules = _schedules(obj.get("schedules"), ".schedules", notes)
    languages = c.languages(obj.get("languages"), ".languages", notes)
    locations = []
    for path, sal in c.objects(obj.get("service_at_locations"), ".service_at_locations", notes):
        location = sal.get("location")
        if c.present(location) and not isinstance(location, dict):
            notes.warn(f"{path}.location", f"expected an object, found {c.type_name(location)}; skipped")
        location = location if isinstance(location, dict) else {}
        if mapped := _location(location, f"{path}.location", notes):
            locations.append({"location": mapped})
        # Phones, contacts and hours can hang on the service_at_location or its location; the data
        # shape keeps them on the service.
        for holder, where in ((sal, path), (location, f"{path}.location")):
            phones += c.phones(holder.get("phones"), f"{where}.phones", notes)
            contacts += _contacts(holder.get("contacts"), f"{where}.contacts", notes)
            schedules += _schedules(holder.get("schedules"), f"{where}.schedules", notes)
        languages += c.languages(location.get("languages"), f"{path}.location.languages", notes)
    funding = c.joined(*(f.get("source") for _, f in c.objects(obj.get("funding"), ".funding", notes)))
    extras = c.extras_from(obj, placed)
    if funding:
        extras["funding"] = funding
    notes.ignored |= c.leftover_structures(obj, placed)
    return c.compact(
        {
            "name": obj.get("name"),
            "alternate_name": obj.get("alternate_name"),
            "description": obj.get("description"),
            "url": obj.get("url"),
            "email": obj.get("email"),
            "status": obj.get("status"),
            "fees": fees,
            "accreditations": obj.get("accreditations"),
            "alert": obj.get("alert"),
            "assured_date": obj.get("assured_date"),
            "last_modified": obj.get("last_modified"),
            "minimum_age": obj.get("minimum_age"),
            "maximum_age": obj.get("maximum_age"),
            "eligibility_description": obj.get("eligibility_description"),
            "organization": c.organization(obj.get("organization"), ".organization", notes),
            "service_at_locations": locations,
            "phones": phones,
            "contacts": contacts,
            "schedules": [s for s, _ in schedules],
            "cost_options": [
                c.cost_option(o) for _, o in c.objects(obj.get("cost_options"), ".cost_options", notes)
            ],
            "languages": languages,
            "service_areas": c.service_areas(obj.get("service_areas"), ".service_areas", notes),
            "taxonomy_terms": _taxonomy_terms(obj.get("attributes"), notes),
            # 3.0 says how people attend on each schedule ("in person or by video").
            "delivery": c.joined(
                *(attending for _, attending in schedules),
                *(m for m in obj.get("delivery_modes") or () if isinstance(m, str)),
            ),
            "free": obj.get("is_free"),
            "hide_exact_address": obj.get("hide_exact_address"),
            "extras": extras,
        }
    )


def _contacts(value: Any, path: str, notes: MapNotes) -> list[dict[str, Any]]:
    return [m for p, o in c.objects(value, path, notes) if (m := c.contact(o, p, notes))]


def _schedules(value: Any, path: str, notes: MapNotes) -> list[tuple[dict[str, Any], Any]]:
    """Each schedule mapped, paired with its `attending_type` wording (which feeds `delivery`)."""
    keys = (
        "freq", "interval", "byday", "bymonthday", "opens_at", "closes_at",
        "valid_from", "valid_to", "description", "notes",
    )  # fmt: skip
    found = []
    for _, item in c.objects(value, path, notes):
        mapped = c.compact({key: item.get(key) for key in keys})
        if mapped or c.present(item.get("attending_type")):
            found.append((mapped, item.get("attending_type")))
    return found


def _location(loc: dict[str, Any], path: str, notes: MapNotes) -> dict[str, Any]:
    addresses = [c.address(a) for _, a in c.objects(loc.get("addresses"), f"{path}.addresses", notes)]
    accessibility = [
        c.compact(
            {
                # The UK profile repeats the description as `accessibility`; either will do.
                "description": c.first_present(a.get("description"), a.get("accessibility")),
                "details": a.get("details"),
                "url": a.get("url"),
            }
        )
        for _, a in c.objects(loc.get("accessibility"), f"{path}.accessibility", notes)
    ]
    return c.compact(
        {
            "id": loc.get("id"),
            "location_type": loc.get("location_type"),
            "name": loc.get("name"),
            "description": loc.get("description"),
            "latitude": loc.get("latitude"),
            "longitude": loc.get("longitude"),
            "addresses": [a for a in addresses if a],
            "accessibility": [a for a in accessibility if a],
        }
    )


def _taxonomy_terms(attributes: Any, notes: MapNotes) -> list[dict[str, Any]]:
    terms = []
    for path, attribute in c.objects(attributes, ".attributes", notes):
        term = attribute.get("taxonomy_term")
        if not isinstance(term, dict):
            if c.present(attribute.get("taxonomy_term_id")):
                notes.warn(path, "attribute names a taxonomy_term_id but does not include the term; skipped")
            continue
        detail = term.get("taxonomy_detail")
        vocabulary = c.first_present(
            term.get("taxonomy"), detail.get("name") if isinstance(detail, dict) else None
        )
        mapped = c.compact(
            {
                "term": c.first_present(term.get("name"), term.get("term")),
                "code": c.first_present(term.get("code"), term.get("id")),
                "taxonomy": vocabulary if c.is_scalar(vocabulary) else None,
                "parent": term.get("parent_id"),
            }
        )
        if "term" in mapped:
            terms.append(mapped)
    return terms
