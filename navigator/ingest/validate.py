"""Judging a normalised record: what stops it being imported (rejections) and what a curator should
check (warnings).

Rejections are kept to the minimum: a listing with only a name is still worth having. Problems
found while cleaning (unknown status, postcode not in the table, unreadable phone ...) are reported
by the normaliser, which saw the raw value; this module looks at the record as a whole.
"""

from __future__ import annotations

from datetime import date

from navigator.ingest.problems import NO_ID, NO_NAME, Issue
from navigator.ingest.record import ServiceRecord

MIN_DESCRIPTION_CHARS = 20
# Generous box around the UK, Channel Islands and Isle of Man (Scilly to Shetland, Lough Erne to Lowestoft).
UK_LAT = (49.0, 61.0)
UK_LON = (-8.7, 1.9)


def validate(record: ServiceRecord, *, today: date | None = None) -> tuple[list[Issue], list[Issue]]:
    """(rejections, warnings) for one record. `today` is for tests; it defaults to the current date."""
    rejections: list[Issue] = []
    if not record.source_id.strip():
        rejections.append(Issue("id", NO_ID))
    if not record.name.strip():
        rejections.append(Issue("name", NO_NAME))
    warnings = [
        *_contact_warnings(record),
        *_description_warnings(record),
        *_age_warnings(record),
        *_date_warnings(record, today or date.today()),
        *_position_warnings(record),
    ]
    return rejections, warnings


def _contact_warnings(record: ServiceRecord) -> list[Issue]:
    has_phone = bool(record.phones) or any(c.phones for c in record.contacts)
    has_email = bool(record.email or any(c.email for c in record.contacts))
    has_email = has_email or bool(record.organization and record.organization.email)
    has_url = bool(record.url or (record.organization and record.organization.website))
    has_address = not record.hide_exact_address and any(
        a.address_1 or a.postal_code for loc in record.locations for a in loc.addresses
    )
    if has_phone or has_email or has_url or has_address:
        return []
    return [
        Issue(
            None,
            "no way to get in touch: the listing has no phone, email, website or address; "
            "add at least one so people can reach the service",
        )
    ]


def _description_warnings(record: ServiceRecord) -> list[Issue]:
    text = (record.description or "").strip()
    if not text:
        return [Issue("description", "no description: add a few sentences saying what the service does")]
    if len(text) < MIN_DESCRIPTION_CHARS:
        return [
            Issue(
                "description",
                f"the description is very short ({len(text)} characters): say what the service does",
            )
        ]
    return []


def _age_warnings(record: ServiceRecord) -> list[Issue]:
    e = record.eligibility
    if e and e.minimum_age is not None and e.maximum_age is not None and e.minimum_age > e.maximum_age:
        return [
            Issue(
                "minimum_age",
                f"age range reversed ({e.minimum_age}–{e.maximum_age}): check the listing",
            )
        ]
    return []


def _date_warnings(record: ServiceRecord, today: date) -> list[Issue]:
    if record.assured_date and record.assured_date > today:
        return [
            Issue(
                "assured_date",
                f"assured date {record.assured_date.isoformat()} is in the future: check the date",
            )
        ]
    return []


def _position_warnings(record: ServiceRecord) -> list[Issue]:
    warnings = []
    for i, location in enumerate(record.locations):
        lat, lon = location.latitude, location.longitude
        if lat is None or lon is None or not any(a.country == "GB" for a in location.addresses):
            continue
        if not (UK_LAT[0] <= lat <= UK_LAT[1] and UK_LON[0] <= lon <= UK_LON[1]):
            swapped = UK_LAT[0] <= lon <= UK_LAT[1] and UK_LON[0] <= lat <= UK_LON[1]
            hint = " (latitude and longitude look swapped)" if swapped else ""
            warnings.append(
                Issue(
                    f"service_at_locations[{i}].location.latitude",
                    f"position ({lat:g}, {lon:g}) is outside the UK but the address is in the UK{hint}: "
                    "check the coordinates",
                )
            )
    return warnings
