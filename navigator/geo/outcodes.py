"""Offline geocoding from the shipped outward-code centroids, plus an optional full postcode table.

`OutcodeTable.load_default()` reads `data/uk-outcodes.csv` (2,848 outward codes, district-level
precision, see data/ATTRIBUTION.md). Callers build one table and keep it (on `app.state`, in the
import pipeline); the parsed rows are cached so building another is cheap.

A full postcode table (ONS NSPL, OS Code-Point Open, ... converted or not) can be added with
`load_extra(path)`: a CSV with a header naming a postcode column (`postcode`, `pcd`, `pcds`) and
latitude/longitude columns (`lat`/`latitude`, `lon`/`long`/`longitude`). Once loaded, a full
postcode found there is located at its own coordinates (precision "postcode"); anything else still
falls back to its outward code's centroid (precision "outcode"). The extra table is held in sorted
numpy arrays (about 23 bytes a postcode), so the whole UK (~1.8 million) fits comfortably.
"""

from __future__ import annotations

import csv
import functools
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np

from navigator.geo.postcodes import normalise_postcode, outward_code

PlaceKind = Literal["postcode", "outcode", "town"]
Precision = Literal["postcode", "outcode"]

_POSTCODE_COLUMNS = ("postcode", "pcds", "pcd", "pcd2", "postal_code", "post_code")
_LAT_COLUMNS = ("lat", "latitude")
_LON_COLUMNS = ("lon", "long", "lng", "longitude")
_KEY_WIDTH = 7  # the longest postcode without its space ("SW1A1AA")
_REGION_FIXES = {"#N/A": None, "Northern ireland": "Northern Ireland"}


@dataclass(frozen=True)
class OutcodeInfo:
    outcode: str
    lat: float
    lon: float
    town: str | None
    county: str | None
    region: str | None


@dataclass(frozen=True)
class Place:
    """A place a person named. For a town, lat/lon is the mean of its outcodes' centroids."""

    kind: PlaceKind
    label: str
    lat: float
    lon: float
    outcodes: tuple[str, ...]


@dataclass(frozen=True)
class GeoPoint:
    lat: float
    lon: float
    precision: Precision


def _fold(name: str) -> str:
    """Key for matching place names: case, hyphens, dots and spacing don't matter."""
    return " ".join(name.lower().replace("-", " ").replace(".", " ").split())


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


@functools.lru_cache(maxsize=1)
def _default_rows() -> tuple[OutcodeInfo, ...]:
    text = resources.files("navigator.geo").joinpath("data/uk-outcodes.csv").read_text(encoding="utf-8")
    rows = []
    for row in csv.DictReader(text.splitlines()):
        region = _clean(row.get("region_name"))
        rows.append(
            OutcodeInfo(
                outcode=row["postcode"].strip().upper(),
                lat=float(row["latitude"]),
                lon=float(row["longitude"]),
                town=_clean(row.get("city")),
                county=_clean(row.get("county")),
                region=_REGION_FIXES.get(region, region) if region else None,
            )
        )
    return tuple(rows)


class OutcodeTable:
    """Outward-code centroids, town names, and optionally a full postcode table that takes precedence."""

    def __init__(self, rows: Iterable[OutcodeInfo]) -> None:
        self._by_outcode: dict[str, OutcodeInfo] = {r.outcode: r for r in rows}
        self._extra_keys = np.empty(0, dtype=f"S{_KEY_WIDTH}")
        self._extra_lat = np.empty(0, dtype=np.float64)
        self._extra_lon = np.empty(0, dtype=np.float64)
        self._areas: dict[str, list[str]] | None = None  # folded name → outcodes, built on first use
        self._area_labels: dict[str, str] = {}

    @classmethod
    def load_default(cls) -> OutcodeTable:
        """A new table over the shipped outcode data (the parsed file is cached, so this is cheap)."""
        return cls(_default_rows())

    def __len__(self) -> int:
        return len(self._by_outcode)

    def __contains__(self, outcode: object) -> bool:
        return outward_code(outcode) in self._by_outcode

    @property
    def extra_count(self) -> int:
        """How many full postcodes `load_extra` has added."""
        return int(self._extra_keys.size)

    def info(self, outcode: str) -> OutcodeInfo | None:
        code = outward_code(outcode)
        return self._by_outcode.get(code) if code else None

    def geocode(self, outcode_or_postcode: str) -> GeoPoint | None:
        """Where a postcode or outward code is, and how precisely we know it; None when unknown."""
        full = normalise_postcode(outcode_or_postcode)
        if full is not None and self._extra_keys.size:
            key = np.array(full.replace(" ", "").encode("ascii"), dtype=f"S{_KEY_WIDTH}")
            i = int(np.searchsorted(self._extra_keys, key))
            if i < self._extra_keys.size and self._extra_keys[i] == key:
                return GeoPoint(float(self._extra_lat[i]), float(self._extra_lon[i]), "postcode")
        info = self.info(outcode_or_postcode)
        return GeoPoint(info.lat, info.lon, "outcode") if info else None

    def centroid(self, outcode_or_postcode: str) -> tuple[float, float] | None:
        point = self.geocode(outcode_or_postcode)
        return (point.lat, point.lon) if point else None

    def towns(self) -> dict[str, list[str]]:
        """Lower-cased town name → its outward codes (towns as the data names them)."""
        result: dict[str, list[str]] = {}
        for info in self._by_outcode.values():
            if info.town:
                result.setdefault(info.town.lower(), []).append(info.outcode)
        return result

    def find_place(self, name: str) -> Place | None:
        """A postcode, outward code, town, county or region ("Folkestone", "Kent", "London").

        Counties and regions come back with kind "town" (a named area); a town name wins over a
        county of the same name. "Folkestone, Kent" is tried part by part.
        """
        if not isinstance(name, str) or not name.strip():
            return None
        for part in [name, *name.split(",")]:
            place = self._find_one(part.strip())
            if place is not None:
                return place
        return None

    def _find_one(self, text: str) -> Place | None:
        full = normalise_postcode(text)
        if full is not None:
            point = self.geocode(full)
            code = full.split(" ", 1)[0]
            return Place("postcode", full, point.lat, point.lon, (code,)) if point else None
        outward = outward_code(text)
        if outward is not None and outward in self._by_outcode:
            info = self._by_outcode[outward]
            return Place("outcode", outward, info.lat, info.lon, (outward,))
        areas = self._named_areas()
        outcodes = areas.get(_fold(text))
        if not outcodes:
            return None
        lats = [self._by_outcode[c].lat for c in outcodes]
        lons = [self._by_outcode[c].lon for c in outcodes]
        label = self._area_labels[_fold(text)]
        return Place("town", label, sum(lats) / len(lats), sum(lons) / len(lons), tuple(outcodes))

    def _named_areas(self) -> dict[str, list[str]]:
        if self._areas is None:
            areas: dict[str, list[str]] = {}
            # Later levels only fill names the earlier ones did not use: town beats county beats region.
            for level in ("town", "county", "region"):
                found: dict[str, list[str]] = {}
                for info in self._by_outcode.values():
                    label = getattr(info, level)
                    if label and _fold(label) not in areas:
                        found.setdefault(_fold(label), []).append(info.outcode)
                        self._area_labels.setdefault(_fold(label), label)
                areas.update(found)
            self._areas = areas
        return self._areas

    def load_extra(self, path: str | Path) -> int:
        """Add full postcodes from a CSV (see module docstring); they win over outcode centroids.

        Returns how many rows were loaded. Rows without a well-formed postcode or with missing or
        impossible coordinates are skipped. Loading twice merges, the newer file winning.
        """
        keys = bytearray()
        lats, lons = array("d"), array("d")
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [h.strip().lower() for h in next(reader, [])]
            cols = [_pick(header, names) for names in (_POSTCODE_COLUMNS, _LAT_COLUMNS, _LON_COLUMNS)]
            if None in cols:
                raise ValueError(
                    f"{path}: the first row must name a postcode column and latitude/longitude columns "
                    f"(for example 'postcode,lat,lon'); found {', '.join(header) or 'nothing'}"
                )
            pc_i, lat_i, lon_i = (c for c in cols if c is not None)
            for row in reader:
                parsed = _extra_row(row, pc_i, lat_i, lon_i)
                if parsed is not None:
                    keys += parsed[0].ljust(_KEY_WIDTH, b"\0")
                    lats.append(parsed[1])
                    lons.append(parsed[2])
        new_keys = np.frombuffer(bytes(keys), dtype=f"S{_KEY_WIDTH}")
        all_keys = np.concatenate([new_keys, self._extra_keys])
        all_lat = np.concatenate([np.asarray(lats, dtype=np.float64), self._extra_lat])
        all_lon = np.concatenate([np.asarray(lons, dtype=np.float64), self._extra_lon])
        # np.unique keeps each key's first occurrence, and the new rows come first: newer wins.
        self._extra_keys, first = np.unique(all_keys, return_index=True)
        self._extra_lat, self._extra_lon = all_lat[first], all_lon[first]
        return len(lats)


def _pick(header: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def _extra_row(row: list[str], pc_i: int, lat_i: int, lon_i: int) -> tuple[bytes, float, float] | None:
    try:
        postcode = normalise_postcode(row[pc_i])
        lat, lon = float(row[lat_i]), float(row[lon_i])
    except (IndexError, ValueError):
        return None
    # NSPL marks postcodes without a grid reference with latitude 99.999999.
    if postcode is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return postcode.replace(" ", "").encode("ascii"), lat, lon
