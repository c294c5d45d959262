"""ORUK v1 (HSDS-UK 1.0) service object → `RawRecord.data` (shape in readers/base.py).

Covers the v1 detail shape (`service_at_locations` with `physical_addresses`, `regular_schedules`,
`eligibilitys`, `service_taxonomys`, ...) and the Placecube "Open Place" extensions seen in real
council feeds (`pc_targetAudience`, `pc_metadata`, `pc_attendingAccess_additionalInfo`).
"""

from __future__ import annotations

from typing import Any

from navigator.ingest.readers import oruk_common as c
from navigator.ingest.readers.oruk_common import MapNotes

TARGET_AUDIENCE_TAXONOMY = "oruk-v1-target-audience"
ELIGIBILITY_TAXONOMY = "oruk-v1-eligibility"

_DAY_CODES = {
    "monday": "MO", "mon": "MO", "tuesday": "TU", "tue": "TU", "tues": "TU",
    "wednesday": "WE", "wed": "WE", "thursday": "TH", "thu": "TH", "thur": "TH", "thurs": "TH",
    "friday": "FR", "fri": "FR", "saturday": "SA", "sat": "SA", "sunday": "SU", "sun": "SU",
}  # fmt: skip
# ISO 8601 numbering (1 = Monday); HSDS 1.x leaves `weekday` numbering unstated.
_ISO_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# Top-level fields this mapping places (or deliberately drops); the rest go to extras / the report.
PLACED = frozenset(
    {
        "id", "name", "alternate_name", "description", "url", "email", "status", "fees",
        "accreditations", "alert", "assured_date", "last_modified", "minimum_age", "maximum_age",
        "eligibility_description", "deliverable_type", "attending_type", "organization", "contacts",
        "phones", "cost_options", "eligibilitys", "eligibility", "languages", "service_areas",
        "service_at_locations", "locations", "regular_schedules", "service_taxonomys", "fundings",
        "pc_metadata", "pc_targetAudience",
    }
)  # fmt: skip


def map_service(obj: dict[str, Any], notes: MapNotes) -> dict[str, Any]:
    """One ORUK v1 service object as the documented data dict (without `id`, which the reader sets)."""
    metadata = obj.get("pc_metadata")
    if c.present(metadata) and not isinstance(metadata, dict):
        notes.warn(".pc_metadata", f"expected an object, found {c.type_name(metadata)}; skipped")
    metadata = metadata if isinstance(metadata, dict) else {}
    locations, schedules = _locations(obj, notes)
    eligibility = _eligibility(obj, notes)
    extras = c.extras_from(obj, PLACED)
    extras.update(c.extras_from(metadata, {"date_modified", "date_assured"}, prefix="pc_metadata."))
    if c.present(obj.get("assured_date")) and metadata.get("date_assured") not in (
        None,
        "",
        obj["assured_date"],
    ):
        extras["pc_metadata.date_assured"] = c.as_text(metadata["date_assured"])
    funding = c.joined(*(f.get("source") for _, f in c.objects(obj.get("fundings"), ".fundings", notes)))
    if funding:
        extras["funding"] = funding
    notes.ignored |= c.leftover_structures(obj, PLACED)
    return c.compact(
        {
            "name": obj.get("name"),
            "alternate_name": obj.get("alternate_name"),
            "description": obj.get("description"),
            "url": obj.get("url"),
            "email": obj.get("email"),
            "status": obj.get("status"),
            "fees": obj.get("fees"),
            "accreditations": obj.get("accreditations"),
            "alert": obj.get("alert"),
            "assured_date": c.first_present(obj.get("assured_date"), metadata.get("date_assured")),
            "last_modified": c.first_present(obj.get("last_modified"), metadata.get("date_modified")),
            **eligibility,
            "organization": c.organization(obj.get("organization"), ".organization", notes),
            "service_at_locations": locations,
            "phones": c.phones(obj.get("phones"), ".phones", notes),
            "contacts": [
                c.contact(o, p, notes) for p, o in c.objects(obj.get("contacts"), ".contacts", notes)
            ],
            "schedules": schedules,
            "cost_options": [
                c.cost_option(o) for _, o in c.objects(obj.get("cost_options"), ".cost_options", notes)
            ],
            "languages": c.languages(obj.get("languages"), ".languages", notes),
            "service_areas": c.service_areas(obj.get("service_areas"), ".service_areas", notes),
            "taxonomy_terms": _taxonomy_terms(obj, notes),
            # ORUK v1 has no free/charged flag; the attending/deliverable wording is what we have.
            "delivery": c.joined(obj.get("attending_type"), obj.get("deliverable_type")),
            "extras": extras,
        }
    )


def _locations(obj: dict[str, Any], notes: MapNotes) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Locations wrapped as `{location: ...}`, plus every schedule (service-wide and per location).

    v1 nests a schedule under its service_at_location; the data shape keeps schedules on the
    service, so per-location schedules join the service's list.
    """
    schedules = [
        _schedule(o) for _, o in c.objects(obj.get("regular_schedules"), ".regular_schedules", notes)
    ]
    wrapped: list[dict[str, Any]] = []
    for key in ("service_at_locations", "locations"):
        for path, item in c.objects(obj.get(key), f".{key}", notes):
            # service_at_locations items wrap the location; a bare `locations` list does not.
            nested = item.get("location")
            location = nested if isinstance(nested, dict) else item if key == "locations" else {}
            for sched_key in ("regular_schedule", "regular_schedules"):
                found = c.objects(item.get(sched_key), f"{path}.{sched_key}", notes)
                schedules.extend(_schedule(o) for _, o in found)
            mapped = _location(location, f"{path}.location" if location is nested else path, notes)
            if mapped:
                wrapped.append({"location": mapped})
    return wrapped, [s for s in schedules if s]


def _location(loc: dict[str, Any], path: str, notes: MapNotes) -> dict[str, Any]:
    addresses = [
        c.address(a)
        for key in ("physical_addresses", "addresses")
        for _, a in c.objects(loc.get(key), f"{path}.{key}", notes)
    ]
    accessibility = [
        c.compact(
            {
                "description": c.first_present(a.get("accessibility"), a.get("description")),
                "details": a.get("details"),
                "url": a.get("url"),
            }
        )
        for _, a in c.objects(
            loc.get("accessibility_for_disabilities"), f"{path}.accessibility_for_disabilities", notes
        )
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


def _schedule(item: dict[str, Any]) -> dict[str, Any]:
    weekday = item.get("weekday")
    byday = c.first_present(item.get("byday"), _day_code(weekday) if c.present(weekday) else None)
    # A v1 `weekday` row means "every week on that day" when no rule says otherwise.
    freq = c.first_present(item.get("freq"), "WEEKLY" if c.present(weekday) else None)
    return c.compact(
        {
            "freq": freq,
            "interval": item.get("interval"),
            "byday": byday,
            "bymonthday": item.get("bymonthday"),
            "opens_at": item.get("opens_at"),
            "closes_at": item.get("closes_at"),
            "valid_from": item.get("valid_from"),
            "valid_to": item.get("valid_to"),
            "description": item.get("description"),
            "notes": item.get("notes"),
        }
    )


def _day_code(weekday: Any) -> Any:
    """'Monday' / 'mon' / 1 → 'MO'. Anything else is passed on as found for the normaliser to judge."""
    if isinstance(weekday, int) and not isinstance(weekday, bool) and 1 <= weekday <= 7:
        return _ISO_DAYS[weekday - 1]
    if isinstance(weekday, str):
        key = weekday.strip().lower().rstrip(".")
        if key.isdigit() and 1 <= int(key) <= 7:
            return _ISO_DAYS[int(key) - 1]
        return _DAY_CODES.get(key, weekday)
    return weekday


def _eligibility(obj: dict[str, Any], notes: MapNotes) -> dict[str, Any]:
    """`eligibilitys` (v1's spelling) or `eligibility`: a list of {eligibility, minimum_age, maximum_age}."""
    texts: list[Any] = [obj.get("eligibility_description")]
    minimum, maximum = [obj.get("minimum_age")], [obj.get("maximum_age")]
    for key in ("eligibilitys", "eligibility"):
        value = obj.get(key)
        if isinstance(value, str):
            texts.append(value)
            continue
        for _, item in c.objects(value, f".{key}", notes):
            texts.append(item.get("eligibility"))
            minimum.append(item.get("minimum_age"))
            maximum.append(item.get("maximum_age"))
    ages = {
        "minimum_age": [a for a in minimum if c.present(a)],
        "maximum_age": [a for a in maximum if c.present(a)],
    }
    for name, found in ages.items():
        if len(set(map(str, found))) > 1:
            notes.warn(".eligibilitys", f"several different {name} values {found}; kept the first")
    return {
        "eligibility_description": c.joined(*texts),
        "minimum_age": ages["minimum_age"][0] if ages["minimum_age"] else None,
        "maximum_age": ages["maximum_age"][0] if ages["maximum_age"] else None,
    }


def _taxonomy_terms(obj: dict[str, Any], notes: MapNotes) -> list[dict[str, Any]]:
    terms: list[dict[str, Any]] = []
    for _, link in c.objects(obj.get("service_taxonomys"), ".service_taxonomys", notes):
        nested = link.get("taxonomy")
        taxonomy = nested if isinstance(nested, dict) else link
        terms.append(_taxonomy(taxonomy, None))
    for key in ("eligibilitys", "eligibility"):
        # _eligibility has already reported bad items in these lists; don't report them twice.
        for path, item in c.objects(obj.get(key), f".{key}", MapNotes()):
            for _, taxonomy in c.objects(item.get("taxonomys"), f"{path}.taxonomys", notes):
                terms.append(_taxonomy(taxonomy, ELIGIBILITY_TAXONOMY))
    for _, audience in c.objects(obj.get("pc_targetAudience"), ".pc_targetAudience", notes):
        terms.append(_audience(audience))
    return [t for t in terms if "term" in t]


def _taxonomy(taxonomy: dict[str, Any], default_vocabulary: str | None) -> dict[str, Any]:
    parent = taxonomy.get("parent")
    if isinstance(parent, dict):  # some feeds nest the parent taxonomy object
        parent = c.first_present(parent.get("name"), parent.get("id"))
    return c.compact(
        {
            "term": taxonomy.get("name"),
            "code": taxonomy.get("id"),
            "taxonomy": c.first_present(taxonomy.get("vocabulary"), default_vocabulary),
            "parent": parent if c.is_scalar(parent) else None,
        }
    )


def _audience(audience: dict[str, Any]) -> dict[str, Any]:
    """Placecube writes a sub-audience as a path: 'Sensory Impaired>Visually Impaired'."""
    label = audience.get("audienceType")
    parent = None
    if isinstance(label, str) and ">" in label:
        parent, label = label.rsplit(">", 1)
    return c.compact(
        {"term": label, "code": audience.get("id"), "taxonomy": TARGET_AUDIENCE_TAXONOMY, "parent": parent}
    )
