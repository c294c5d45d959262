"""The hidden-address rule, in one place: what a "hide exact address" listing (a refuge, a safe
house) may show outside Navigator. Every serialiser and export goes through here.

Only the town (and county/region) and the outward code of the postcode remain. The street lines, the
full postcode, the coordinates, the venue's name and description (they often name the building),
the source's own location id (it can be an address reference such as a UPRN) and accessibility
links (often a map) are withheld, and so are the listing's extras (free columns can hold anything).
"""

from __future__ import annotations

from navigator.geo.postcodes import outward_code
from navigator.ingest import record as rec


def is_hidden(record: rec.ServiceRecord, store_flag: bool = False) -> bool:
    """Hidden when the record or the store says so: when in doubt, hide."""
    return record.hide_exact_address or store_flag


def withhold_location(loc: rec.Location) -> rec.Location:
    """A location as a hidden-address listing may show it."""
    return rec.Location(
        location_type=loc.location_type,
        addresses=[a for a in (_withhold_address(a) for a in loc.addresses) if a is not None],
        accessibility=[
            rec.Accessibility(description=a.description, details=a.details)
            for a in loc.accessibility
            if a.description or a.details
        ],
    )


def _withhold_address(address: rec.Address) -> rec.Address | None:
    outward = outward_code(address.postal_code) if address.postal_code else None
    kept = rec.Address(
        city=address.city,
        region=address.region,
        state_province=address.state_province,
        postal_code=outward,
        country=address.country,
        address_type=address.address_type,
    )
    return kept if kept.city or kept.postal_code or kept.region or kept.state_province else None


def public_outcode(record: rec.ServiceRecord) -> str | None:
    """The outward code a hidden listing may be placed by (its first one), if any."""
    for loc in record.locations:
        for address in loc.addresses:
            code = outward_code(address.postal_code) if address.postal_code else None
            if code:
                return code
    return None
