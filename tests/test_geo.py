"""Postcode parsing, the shipped outcode table, the optional full postcode table, and distances."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from navigator.geo import (
    OutcodeTable,
    find_postcodes,
    haversine_km,
    haversine_km_many,
    is_uk_postcode,
    km_to_miles,
    miles_to_km,
    normalise_postcode,
    outward_code,
)


@pytest.fixture(scope="module")
def table() -> OutcodeTable:
    return OutcodeTable.load_default()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ct195ae", "CT19 5AE"),
        ("CT19  5AE", "CT19 5AE"),
        ("ct19-5ae", "CT19 5AE"),
        (" dn15 6ab ", "DN15 6AB"),
        ("SW1A1AA", "SW1A 1AA"),  # AA9A
        ("W1A 0AX", "W1A 0AX"),  # A9A
        ("M1 1AE", "M1 1AE"),  # A9
        ("B33 8TH", "B33 8TH"),  # A99
        ("CR2 6XH", "CR2 6XH"),  # AA9
        ("gir 0aa", "GIR 0AA"),
        ("33157", None),  # a US ZIP code
        ("BFPO 123", None),
        ("QA1 1AA", None),  # Q never starts a postcode
        ("CT19 5CE", None),  # C never appears in the inward letters
        ("ABC 1234", None),
        ("CT19 5AE, Folkestone", None),
        ("", None),
    ],
)
def test_normalise_postcode(raw: str, expected: str | None) -> None:
    assert normalise_postcode(raw) == expected
    assert is_uk_postcode(raw) is (expected is not None)


@pytest.mark.parametrize("value", [None, 42, 4.2, ["CT19 5AE"], {"pc": "CT19 5AE"}, "x" * 10_000])
def test_normalise_postcode_takes_anything(value: object) -> None:
    assert normalise_postcode(value) is None


@given(st.text(max_size=40))
def test_normalise_postcode_is_idempotent_and_never_raises(text: str) -> None:
    once = normalise_postcode(text)
    if once is not None:
        assert normalise_postcode(once) == once
        assert outward_code(once) == once.split(" ")[0]


@given(st.from_regex(r"[A-PR-UWYZ][0-9] ?[0-9][ABD-HJLNP-UW-Z]{2}", fullmatch=True))
def test_generated_well_formed_postcodes_parse(text: str) -> None:
    assert normalise_postcode(text) == text.replace(" ", "")[:-3] + " " + text.replace(" ", "")[-3:]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("CT19 5AE", "CT19"),
        ("dn15", "DN15"),
        ("SW1A", "SW1A"),
        ("sw1a 1aa", "SW1A"),
        ("33157", None),
        ("", None),
    ],
)
def test_outward_code(raw: str, expected: str | None) -> None:
    assert outward_code(raw) == expected


def test_find_postcodes_in_free_text() -> None:
    text = (
        "Meet at 12 High St, Folkestone ct19 5ae (or the hall, CT20-1SQ). "
        "Parking at CT19 5AE too. Not a postcode: 2nd floor, room B12."
    )
    assert find_postcodes(text) == ["CT19 5AE", "CT20 1SQ"]
    assert find_postcodes("no postcode here") == []
    assert find_postcodes(None) == []


def test_default_table_is_loaded_once_and_cheaply(table: OutcodeTable) -> None:
    assert len(table) > 2800
    other = OutcodeTable.load_default()
    assert other is not table  # a fresh table each time, so load_extra on one never leaks into another
    assert len(other) == len(table)


def test_centroid_and_info(table: OutcodeTable) -> None:
    lat, lon = table.centroid("CT19 5AE")  # type: ignore[misc]
    assert 51.0 < lat < 51.2 and 1.0 < lon < 1.3
    assert table.centroid("ct19") == (lat, lon)
    assert table.centroid("ZZ99 9ZZ") is None
    assert table.centroid("not a postcode") is None
    info = table.info("dn15")
    assert info is not None
    assert (info.outcode, info.county, info.region) == (
        "DN15",
        "North Lincolnshire",
        "Yorkshire and the Humber",
    )
    assert info.town is None  # the data has no town for this district
    assert "CT19" in table and "ZZ99" not in table


def test_regions_are_tidied(table: OutcodeTable) -> None:
    regions = {table.info(code).region for code in ("BT1", "MK18", "BS5")}  # type: ignore[union-attr]
    assert regions == {"Northern Ireland", None, "South West"}


def test_towns(table: OutcodeTable) -> None:
    towns = table.towns()
    assert sorted(towns["folkestone"]) == ["CT19", "CT20"]
    assert "" not in towns


def test_find_place(table: OutcodeTable) -> None:
    town = table.find_place("  folkestone ")
    assert town is not None and town.kind == "town" and town.label == "Folkestone"
    assert set(town.outcodes) == {"CT19", "CT20"}
    ct19, ct20 = table.centroid("CT19"), table.centroid("CT20")
    assert town.lat == pytest.approx((ct19[0] + ct20[0]) / 2)  # type: ignore[index]
    assert town.lon == pytest.approx((ct19[1] + ct20[1]) / 2)  # type: ignore[index]

    postcode = table.find_place("ct19 5ae")
    assert postcode is not None and (postcode.kind, postcode.label, postcode.outcodes) == (
        "postcode",
        "CT19 5AE",
        ("CT19",),
    )
    outcode = table.find_place("DN15")
    assert outcode is not None and (outcode.kind, outcode.label) == ("outcode", "DN15")

    assert table.find_place("Barton upon Humber").label == "Barton-Upon-Humber"  # type: ignore[union-attr]
    assert table.find_place("Folkestone, Kent").label == "Folkestone"  # type: ignore[union-attr]
    kent = table.find_place("Kent")  # a county: a named area
    assert kent is not None and kent.kind == "town" and len(kent.outcodes) > 10
    assert table.find_place("Atlantis") is None
    assert table.find_place("") is None


def test_load_extra_takes_precedence(table: OutcodeTable, tmp_path: Path) -> None:
    extra = tmp_path / "postcodes.csv"
    extra.write_text(
        "postcode,lat,lon\nCT19 5AE,51.0901,1.1655\nct20-1qn,51.0772,1.1890\nDN15 6AB,53.59,-0.65\n"
    )
    local = OutcodeTable.load_default()
    assert local.load_extra(extra) == 3
    assert local.extra_count == 3
    point = local.geocode("ct195ae")
    assert point is not None and (point.lat, point.lon, point.precision) == (51.0901, 1.1655, "postcode")
    assert local.centroid("CT20 1QN") == (51.0772, 1.1890)
    # A full postcode missing from the extra table still falls back to its district.
    fallback = local.geocode("CT19 9ZZ")
    assert fallback is not None and fallback.precision == "outcode"
    assert local.find_place("CT19 5AE").lat == 51.0901  # type: ignore[union-attr]
    # The shared default is untouched.
    assert table.geocode("CT19 5AE").precision == "outcode"  # type: ignore[union-attr]


def test_load_extra_skips_bad_rows_and_newer_file_wins(fixtures_dir: Path, tmp_path: Path) -> None:
    local = OutcodeTable.load_default()
    assert local.load_extra(fixtures_dir / "normalise" / "extra_postcodes.csv") == 2  # pcds/long names
    newer = tmp_path / "newer.csv"
    newer.write_text("Latitude,Longitude,Postcode\n51.5,1.5,CT20 1QN\n")
    assert local.load_extra(newer) == 1
    assert local.extra_count == 2
    assert local.centroid("CT20 1QN") == (51.5, 1.5)
    assert local.centroid("CT19 5HX") == (51.0860, 1.1700)


def test_load_extra_explains_a_wrong_header(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("code,x,y\nCT19 5AE,1,2\n")
    with pytest.raises(ValueError, match="postcode column"):
        OutcodeTable.load_default().load_extra(bad)


def test_haversine() -> None:
    # Folkestone to Hythe is a little under 7 km.
    assert haversine_km(51.0814, 1.1695, 51.0716, 1.0838) == pytest.approx(6.1, abs=0.3)
    assert haversine_km(51.0, 1.0, 51.0, 1.0) == 0.0
    # London to Edinburgh, about 534 km.
    assert haversine_km(51.5074, -0.1278, 55.9533, -3.1883) == pytest.approx(534, abs=3)


def test_haversine_many_matches_scalar() -> None:
    lats = np.array([51.0716, 55.9533, 51.0814, np.nan])
    lons = np.array([1.0838, -3.1883, 1.1695, 0.0])
    got = haversine_km_many(51.0814, 1.1695, lats, lons)
    assert got.shape == (4,)
    for i in range(3):
        assert got[i] == pytest.approx(haversine_km(51.0814, 1.1695, lats[i], lons[i]))
    assert np.isnan(got[3])


def test_miles_and_km() -> None:
    assert miles_to_km(1) == pytest.approx(1.609344)
    assert km_to_miles(miles_to_km(5)) == pytest.approx(5)
