"""Distances from a point to each listing's nearest venue: float32 unit vectors, a chord and an
arcsine series, and a one-venue shortcut, yet the same as the haversine of navigator.geo to well under
the 0.1 km results are shown in, from next door to across the continent."""

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


def test_close_and_far_venues_stay_within_metres() -> None:
    """Venues 5 m to 2,000 km away (the chord's float32 differences and the series' truncation)."""
    rng = np.random.default_rng(7)
    f = arrays(np.ones(4000, dtype=np.int64))
    lat, lon = 51.0795, 1.1804  # Folkestone
    spread = np.concatenate([rng.random(1000) * 0.0001, rng.random(1000) * 0.01, rng.random(2000) * 18])
    angle = rng.random(4000) * 2 * np.pi
    f.point_lat = (lat + spread * np.sin(angle)).astype(np.float32)
    f.point_lon = (lon + spread * np.cos(angle)).astype(np.float32)
    got, want = f.nearest_km(lat, lon), reference(f, lat, lon)
    assert np.max(np.abs(got - want)) < 0.003  # 3 m
    assert want.max() > 1000
