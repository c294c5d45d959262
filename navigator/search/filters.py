"""Filter and ranking values of every listing as numpy arrays, built once at index time.

One row per listing, in index order. A search turns the request's filters into one boolean mask
with a handful of vectorised comparisons; nothing here loops over listings at query time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from navigator.search.facts import DAYS, MODES, ListingFacts, fold
from navigator.search.postings import Postings

NO_AGE_MIN, NO_AGE_MAX = -1, 999
FREE_UNKNOWN, FREE_NO, FREE_YES = -1, 0, 1
EPOCH = date(1970, 1, 1)


@dataclass
class FilterArrays:
    n: int
    point_indptr: np.ndarray  # venues of row i are point_lat[indptr[i]:indptr[i+1]]
    point_lat: np.ndarray
    point_lon: np.ndarray
    has_location: np.ndarray  # bool
    min_age: np.ndarray  # int16, NO_AGE_MIN when open
    max_age: np.ndarray  # int16, NO_AGE_MAX when open
    free: np.ndarray  # int8: FREE_YES / FREE_NO / FREE_UNKNOWN
    days: np.ndarray  # uint8 bitmask over DAYS
    modes: np.ndarray  # uint8 bitmask over MODES
    active: np.ndarray  # bool
    verified_day: np.ndarray  # int32 days since 1970-01-01, -1 unknown
    categories: Postings  # folded category/taxonomy term → rows
    category_labels: dict[str, str]  # folded → label as published
    areas: Postings  # folded place key → rows
    _unit: tuple[np.ndarray, np.ndarray, np.ndarray] | None = field(default=None, repr=False)  # venues
    _located: np.ndarray | None = field(default=None, repr=False)  # rows with several venues
    _single: np.ndarray | None = field(default=None, repr=False)  # rows with one venue
    _single_point: np.ndarray | None = field(default=None, repr=False)  # ... and that venue
    _multi: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, facts: list[ListingFacts], area_keys: list[set[str]]) -> FilterArrays:
        n = len(facts)
        sizes = np.array([len(f.points) for f in facts], dtype=np.int64)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(sizes, out=indptr[1:])
        lat = np.array([p[0] for f in facts for p in f.points], dtype=np.float32)
        lon = np.array([p[1] for f in facts for p in f.points], dtype=np.float32)
        labels: dict[str, str] = {}
        for f in facts:
            for c in f.categories:
                labels.setdefault(fold(c), c)
        return cls(
            n=n,
            point_indptr=indptr,
            point_lat=lat,
            point_lon=lon,
            has_location=sizes > 0,
            min_age=np.array([NO_AGE_MIN if f.min_age is None else f.min_age for f in facts], dtype=np.int16),
            max_age=np.array([NO_AGE_MAX if f.max_age is None else f.max_age for f in facts], dtype=np.int16),
            free=np.array(
                [FREE_UNKNOWN if f.free is None else (FREE_YES if f.free else FREE_NO) for f in facts],
                dtype=np.int8,
            ),
            days=np.array([f.days for f in facts], dtype=np.uint8),
            modes=np.array([f.modes for f in facts], dtype=np.uint8),
            active=np.array([f.active for f in facts], dtype=bool),
            verified_day=np.array(
                [-1 if f.verified is None else (f.verified - EPOCH).days for f in facts], dtype=np.int32
            ),
            categories=Postings.build([[fold(c) for c in f.categories] for f in facts]),
            category_labels=labels,
            areas=Postings.build(area_keys),
        )

    # ---- persistence -------------------------------------------------------------------------
    def save(self, path: Path) -> dict[str, object]:
        """Write the arrays to `path` (.npz); returns the JSON-able part (key lists) for the manifest."""
        arrays = {
            "point_indptr": self.point_indptr,
            "point_lat": self.point_lat,
            "point_lon": self.point_lon,
            "has_location": self.has_location,
            "min_age": self.min_age,
            "max_age": self.max_age,
            "free": self.free,
            "days": self.days,
            "modes": self.modes,
            "active": self.active,
            "verified_day": self.verified_day,
            **self.categories.arrays("cat"),
            **self.areas.arrays("area"),
        }
        with open(path, "wb") as handle:
            np.savez(handle, **arrays)  # type: ignore[arg-type]
        return {
            "category_keys": self.categories.keys,
            "category_labels": self.category_labels,
            "area_keys": self.areas.keys,
        }

    @classmethod
    def load(cls, path: Path, meta: dict[str, object]) -> FilterArrays:
        with np.load(path) as data:
            arrays = {k: data[k] for k in data.files}
        cat_keys = list(meta["category_keys"])  # type: ignore[call-overload]
        area_keys = list(meta["area_keys"])  # type: ignore[call-overload]
        return cls(
            n=int(arrays["active"].shape[0]),
            point_indptr=arrays["point_indptr"],
            point_lat=arrays["point_lat"],
            point_lon=arrays["point_lon"],
            has_location=arrays["has_location"],
            min_age=arrays["min_age"],
            max_age=arrays["max_age"],
            free=arrays["free"],
            days=arrays["days"],
            modes=arrays["modes"],
            active=arrays["active"],
            verified_day=arrays["verified_day"],
            categories=Postings.from_arrays(cat_keys, arrays, "cat"),
            category_labels=dict(meta["category_labels"]),  # type: ignore[call-overload]
            areas=Postings.from_arrays(area_keys, arrays, "area"),
        )

    # ---- query-time helpers ------------------------------------------------------------------
    def nearest_km(self, lat: float, lon: float) -> np.ndarray:
        """Distance from a point to each listing's nearest venue; NaN for listings without one.

        Each venue is kept as a unit vector (once per build); a search takes the chord to the point,
        (x - qx)² + (y - qy)² + (z - qz)², and turns half of it into the arc with three terms of the
        arcsine series. No sine or arcsine per venue: 13.6 → ~4 ms at 1M listings, and within a metre
        of the haversine of `navigator.geo` up to 2,000 km (tests/test_search_distance.py). Each
        difference is taken before squaring, so float32 keeps ~0.5 m even for venues next door."""
        from navigator.geo.distance import EARTH_RADIUS_KM

        out = np.full(self.n, np.nan, dtype=np.float32)
        if self.point_lat.size == 0:
            return out
        if self._unit is None:
            self._prepare_points()
        assert self._unit is not None and self._single is not None and self._located is not None
        x, y, z = self._unit
        p, q = math.radians(lat), math.radians(lon)
        qx, qy, qz = (
            np.float32(v) for v in (math.cos(p) * math.cos(q), math.cos(p) * math.sin(q), math.sin(p))
        )
        half = np.subtract(x, qx)
        half *= half
        part = np.subtract(y, qy)
        part *= part
        half += part
        np.subtract(z, qz, out=part)
        part *= part
        half += part
        np.sqrt(half, out=half)
        half *= np.float32(0.5)  # sin(angle / 2)
        # arcsin(h) = h (1 + h²/6 + 3h⁴/40 + ...): the next term is under 1e-7 of the whole up to 2,000 km.
        np.multiply(half, half, out=part)
        part *= np.float32(3 / 40)
        part += np.float32(1 / 6)
        part *= half
        part *= half
        part += np.float32(1.0)
        half *= part
        half *= np.float32(2 * EARTH_RADIUS_KM)
        out[self._single] = half[self._single_point]
        if self._located.size:
            assert self._multi is not None
            points, starts = self._multi
            out[self._located] = np.minimum.reduceat(half[points], starts)
        return out

    def _prepare_points(self) -> None:
        la = np.radians(self.point_lat.astype(np.float64))
        lo = np.radians(self.point_lon.astype(np.float64))
        cos_la = np.cos(la)
        self._unit = (
            (cos_la * np.cos(lo)).astype(np.float32),
            (cos_la * np.sin(lo)).astype(np.float32),
            np.sin(la).astype(np.float32),
        )
        # Most listings have one venue: their distance is read directly; np.minimum.reduceat
        # over 600k one-element segments alone cost 4 ms.
        sizes = np.diff(self.point_indptr)
        self._single = np.flatnonzero(sizes == 1)
        self._single_point = self.point_indptr[self._single]
        multi = np.flatnonzero(sizes > 1)
        counts = sizes[multi]
        starts = np.zeros(multi.size, dtype=np.int64)
        np.cumsum(counts[:-1], out=starts[1:])
        # The venues of the several-venue rows, gathered contiguously, and where each row starts.
        points = np.repeat(self.point_indptr[multi] - starts, counts) + np.arange(int(counts.sum()))
        self._located, self._multi = multi, (points, starts)

    def age_fits(self, age: int) -> np.ndarray:
        return (self.min_age <= age) & (self.max_age >= age)

    def open_on(self, days: list[str]) -> np.ndarray:
        bits = sum(1 << DAYS.index(d) for d in days if d in DAYS)
        return (self.days & np.uint8(bits)) != 0

    def offers_mode(self, modes: list[str]) -> np.ndarray:
        bits = sum(1 << MODES.index(m) for m in modes if m in MODES)
        return (self.modes & np.uint8(bits)) != 0
