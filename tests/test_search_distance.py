"""Distances from a point to each listing's nearest venue: float32 and a one-venue shortcut, yet the
same as the haversine of navigator.geo to well under the 0.1 km results are shown in."""

from __future__ import annotations

import numpy as np

from navigator.geo.distance import haversine_km_many
from navigator.search.filters import FilterArrays
from navigator.search.postings import Postings


def arrays(sizes: np.ndarray, seed: int = 3) -> FilterArrays:
    rng = np.random.default_rng(seed)
    indptr = np.zeros(sizes.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=indptr[1:])
    points = int(indptr[-1])
    empty = Postings([], np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32))
    n = sizes.size
    return FilterArrays(
        n=n,
        point_indptr=indptr,
        point_lat=(50 + rng.random(points) * 5).astype(np.float32),
        point_lon=(-5 + rng.random(points) * 6).astype(np.float32),
        has_location=sizes > 0,
        min_age=np.zeros(n, dtype=np.int16),
        max_age=np.zeros(n, dtype=np.int16),
        free=np.zeros(n, dtype=np.int8),
        days=np.zeros(n, dtype=np.uint8),
        modes=np.zeros(n, dtype=np.uint8),
        active=np.ones(n, dtype=bool),
        verified_day=np.zeros(n, dtype=np.int32),
        categories=empty,
        category_labels={},
        areas=empty,
    )


def reference(f: FilterArrays, lat: float, lon: float) -> np.ndarray:
    dist = haversine_km_many(lat, lon, f.point_lat, f.point_lon)
    out = np.full(f.n, np.nan)
    for row in range(f.n):
        start, end = f.point_indptr[row], f.point_indptr[row + 1]
        if end > start:
            out[row] = dist[start:end].min()
    return out


def test_nearest_venue_matches_haversine() -> None:
    sizes = np.random.default_rng(1).choice([0, 1, 1, 2, 3], size=500)
    f = arrays(sizes)
    for lat, lon in ((53.58, -0.65), (51.08, 1.17), (51.09, 1.18)):
        got, want = f.nearest_km(lat, lon), reference(f, lat, lon)
        assert np.array_equal(np.isnan(got), np.isnan(want))
        assert np.nanmax(np.abs(got - want)) < 0.005  # 5 m


def test_all_single_all_multi_and_no_venues() -> None:
    for sizes in (np.ones(20, dtype=np.int64), np.full(20, 3), np.zeros(20, dtype=np.int64)):
        f = arrays(sizes)
        got, want = f.nearest_km(52.0, -1.0), reference(f, 52.0, -1.0)
        assert np.array_equal(np.isnan(got), np.isnan(want))
        if not np.isnan(want).all():
            assert np.nanmax(np.abs(got - want)) < 0.005
