"""Locations: addresses, UK postcodes, coordinates, and offline geocoding from the postcode.

Coordinates the source gives win (precision "source") unless they are impossible: out of range,
(0, 0), or only one of the pair, which are dropped with a warning. A location without usable
coordinates but with a UK postcode is placed at its full postcode when a full table is loaded,
else at its outward code's centroid (precision "postcode" / "outcode").

Non-UK postal codes are kept exactly as written and never geocoded. The country is the source's
when it gives one; otherwise "US" only when the address has a US state *and* a 5-digit ZIP, else GB.
"""

from __future__ import annotations

from typing import Any

from navigator.geo.postcodes import find_postcodes, normalise_postcode, outward_code
from navigator.ingest.clean import looks_american, parse_country
from navigator.ingest.normalise.context import Context, as_number, type_name
from navigator.ingest.record import Accessibility, Address, Location

_ADDRESS_LINES = ("address_1", "address_2", "city", "region", "state_province")


def locations(ctx: Context, value: object, field: str = "service_at_locations") -> list[Location]:
    found: list[Location] = []
    for path, item in ctx.items(value, field):
        if not isinstance(item, dict):
            ctx.warn(path, f"expected a location object, found {type_name(item)}: left out")
            continue
        nested = item.get("location")
        if isinstance(nested, dict):
            location = _location(ctx, nested, f"{path}.location")
        else:
            location = _location(ctx, item, path)
        if location is not None:
            found.append(location)
    return found


def any_american(value: object) -> bool:
    """Whether the raw locations hold a US address (so phone numbers should be read as US ones)."""
    if not isinstance(value, list | tuple):
        return False
    for item in value:
        raw = item.get("location", item) if isinstance(item, dict) else None
        addresses = raw.get("addresses") if isinstance(raw, dict) else None
        for address in addresses if isinstance(addresses, list) else []:
            if not isinstance(address, dict):
                continue
            country = address.get("country")
            if isinstance(country, str) and parse_country(country) == "US":
                return True
            state, postal = address.get("state_province"), address.get("postal_code")
            if (
                isinstance(state, str)
                and isinstance(postal, str | int)
                and looks_american(state, str(postal))
            ):
                return True
    return False


def _location(ctx: Context, raw: dict[str, Any], path: str) -> Location | None:
    placed = [
        (p, a)
        for p, item in ctx.items(raw.get("addresses"), f"{path}.addresses")
        if (a := _address(ctx, item, p))
    ]
    addresses = [a for _, a in placed]
    raw_access = ctx.items(raw.get("accessibility"), f"{path}.accessibility")
    accessibility = [x for p, item in raw_access if (x := _accessibility(ctx, item, p))]
    location = Location(
        source_id=ctx.line(raw.get("id"), f"{path}.id"),
        location_type=(ctx.line(raw.get("location_type"), f"{path}.location_type") or "physical").lower(),
        name=ctx.line(raw.get("name"), f"{path}.name"),
        description=ctx.text(raw.get("description"), f"{path}.description"),
        addresses=addresses,
        accessibility=accessibility,
    )
    coordinates = _coordinates(ctx, raw.get("latitude"), raw.get("longitude"), path)
    if coordinates is not None:
        location.latitude, location.longitude = coordinates
        location.geo_precision = "source"
    else:
        _geocode(ctx, location, [p for p, _ in placed])
    empty = not (location.name or location.description or addresses or location.latitude is not None)
    if empty and location.location_type != "virtual":
        return None  # nothing to show or search on
    return location


def _address(ctx: Context, item: object, path: str) -> Address | None:
    if not isinstance(item, dict):
        ctx.warn(path, f"expected an address object, found {type_name(item)}: left out")
        return None
    lines = {key: ctx.line(item.get(key), f"{path}.{key}") for key in _ADDRESS_LINES}
    postal = ctx.line(item.get("postal_code"), f"{path}.postal_code")
    country_text = ctx.line(item.get("country"), f"{path}.country")
    if country_text:
        country = parse_country(country_text) or country_text
    elif looks_american(lines["state_province"], postal):
        country = "US"
    else:
        country = "GB"
    if country == "GB":
        # A bare outward code ("CT20") is how refuges and outreach services publish where they are.
        postcode = (normalise_postcode(postal) or _known_outcode(ctx, postal)) if postal else None
        if postal and postcode is None:
            ctx.warn(f"{path}.postal_code", f"postcode '{postal}' is not a UK postcode: kept as written")
        if not postal:
            # Spreadsheets often put the postcode at the end of an address line.
            in_lines = find_postcodes(" ".join(v for v in lines.values() if v))
            postcode = in_lines[0] if len(in_lines) == 1 else None
        postal = postcode or postal
    if not (postal or any(lines.values())):
        return None
    return Address(
        **lines,
        postal_code=postal,
        country=country,
        address_type=(ctx.line(item.get("address_type"), f"{path}.address_type") or "physical").lower(),
    )


def _accessibility(ctx: Context, item: object, path: str) -> Accessibility | None:
    if not isinstance(item, dict):
        text = ctx.text(item, path)
        return Accessibility(description=text) if text else None
    access = Accessibility(
        description=ctx.text(item.get("description"), f"{path}.description"),
        details=ctx.text(item.get("details"), f"{path}.details"),
        url=ctx.url(item.get("url"), f"{path}.url"),
    )
    return access if access.description or access.details or access.url else None


def _coordinates(ctx: Context, lat_raw: object, lon_raw: object, path: str) -> tuple[float, float] | None:
    lat = ctx.attempt(f"{path}.latitude", as_number, lat_raw, then="coordinates dropped")
    lon = ctx.attempt(f"{path}.longitude", as_number, lon_raw, then="coordinates dropped")
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        ctx.warn(f"{path}.latitude", "only one of latitude and longitude is given: both dropped")
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        ctx.warn(f"{path}.latitude", f"coordinates ({lat:g}, {lon:g}) are out of range: dropped")
        return None
    if lat == 0 and lon == 0:
        ctx.warn(f"{path}.latitude", "coordinates (0, 0) are a placeholder, not a place: dropped")
        return None
    return lat, lon


def _known_outcode(ctx: Context, text: str) -> str | None:
    code = outward_code(text)
    return code if code and normalise_postcode(text) is None and ctx.outcodes.info(code) else None


def _geocode(ctx: Context, location: Location, paths: list[str]) -> None:
    for path, address in zip(paths, location.addresses, strict=True):
        postal = address.postal_code if address.country == "GB" else None
        postcode = (normalise_postcode(postal) or _known_outcode(ctx, postal)) if postal else None
        if postcode is None:
            continue
        point = ctx.outcodes.geocode(postcode)
        if point is None:
            ctx.warn(
                f"{path}.postal_code",
                f"postcode {postcode} not found in the postcode table: the location has no map position "
                "(check the postcode; new postcodes need a newer postcode table)",
            )
            continue
        location.latitude, location.longitude, location.geo_precision = point.lat, point.lon, point.precision
        return
