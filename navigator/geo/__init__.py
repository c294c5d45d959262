"""Postcode parsing, offline geocoding (outward-code centroids shipped as data) and distance."""

from navigator.geo.distance import haversine_km, haversine_km_many, km_to_miles, miles_to_km
from navigator.geo.outcodes import GeoPoint, OutcodeInfo, OutcodeTable, Place
from navigator.geo.postcodes import find_postcodes, is_uk_postcode, normalise_postcode, outward_code

__all__ = [
    "GeoPoint",
    "OutcodeInfo",
    "OutcodeTable",
    "Place",
    "find_postcodes",
    "haversine_km",
    "haversine_km_many",
    "is_uk_postcode",
    "km_to_miles",
    "miles_to_km",
    "normalise_postcode",
    "outward_code",
]
