"""normalise(): raw ORUK-shaped dicts (as readers produce them) → clean ServiceRecord + warnings."""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from navigator.geo import OutcodeTable
from navigator.ingest.normalise import Rejected, normalise
from navigator.ingest.problems import Issue
from navigator.ingest.record import ServiceRecord


@pytest.fixture(scope="module")
def outcodes() -> OutcodeTable:
    return OutcodeTable.load_default()


@pytest.fixture
def full(fixtures_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((fixtures_dir / "normalise" / "full_service.json").read_text("utf-8"))
    return data


def run(data: Any, outcodes: OutcodeTable, **kw: Any) -> tuple[ServiceRecord, list[Issue]]:
    return normalise(data, outcodes=outcodes, **kw)


def messages(issues: list[Issue], field: str | None = None) -> list[str]:
    return [i.message for i in issues if field is None or i.field == field]


def at(*addresses: dict[str, Any]) -> dict[str, Any]:
    """A service_at_locations item holding one location with these raw addresses."""
    return {"location": {"addresses": list(addresses)}}


def age_range(record: ServiceRecord) -> tuple[int | None, int | None]:
    assert record.eligibility is not None
    return record.eligibility.minimum_age, record.eligibility.maximum_age


# --- a full record ----------------------------------------------------------------------------------


def test_full_record_top_level(full: dict[str, Any], outcodes: OutcodeTable) -> None:
    record, _ = run(full, outcodes)
    assert record.source_id == "svc-0042"
    assert record.name == "Harbour Arm Wellbeing Walks"
    assert record.alternate_name == "Walk & Talk"
    assert record.description == (
        "About\n\nGentle guided walks along the seafront for anyone feeling low or isolated. No need to book."
        "\n\n• Meet at the café\n• Walks last about an hour\n\nIt’s free and friendly."
    )
    assert record.url == "https://www.harbourwalks.example.org/walks"
    assert record.email == "Hello@harbourwalks.example.org"
    assert record.status == "active"
    assert record.fees == "Free of charge"
    assert record.accreditations is None
    assert record.assured_date == date(2024, 4, 13)
    assert record.last_modified == datetime(2024, 4, 13, 10, 0)
    assert record.is_free is True
    assert record.delivery_modes == ["in_person", "online", "phone"]  # "online" from the virtual location
    assert record.hide_exact_address is False
    assert record.extras == {"Service Type": "Regular event", "Volunteers": "12"}


def test_full_record_organisation_drops_bad_values_with_warnings(
    full: dict[str, Any], outcodes: OutcodeTable
) -> None:
    record, issues = run(full, outcodes)
    org = record.organization
    assert org is not None
    assert (org.source_id, org.name, org.description) == (
        "77",
        "Harbour Arm Friends CIC",
        "A small community interest company.",
    )
    assert org.email is None and org.logo is None and org.website == "https://harbourwalks.example.org"
    assert messages(issues, "organization.email") == ["'not-an-email' is not an email address: dropped"]
    assert messages(issues, "organization.logo") == [
        "'javascript:alert(1)' is not a web address (only http and https links are kept): dropped"
    ]


def test_full_record_locations_and_geocoding(full: dict[str, Any], outcodes: OutcodeTable) -> None:
    record, _ = run(full, outcodes)
    cafe, sports, online = record.locations
    address = cafe.addresses[0]
    assert (address.postal_code, address.country, address.city) == ("CT20 1QN", "GB", "Folkestone")
    assert cafe.geo_precision == "outcode"
    assert (cafe.latitude, cafe.longitude) == outcodes.centroid("CT20")
    assert cafe.accessibility[0].description == "Step-free route from the car park"
    assert (sports.latitude, sports.longitude, sports.geo_precision) == (51.0801, 1.1682, "source")
    assert online.location_type == "virtual" and online.latitude is None
    assert record.postcodes() == ["CT20 1QN", "CT19 5HX"]


def test_full_record_phones_contacts_and_warnings(full: dict[str, Any], outcodes: OutcodeTable) -> None:
    record, issues = run(full, outcodes)
    assert [(p.number, p.display, p.description) for p in record.phones] == [
        ("+441303123456", "01303 123456", "Walk leader"),
        ("+447700900123", "07700 900123", "Walk leader"),
        ("12", None, None),
    ]
    assert messages(issues, "phones[1].number") == ["phone '12' is not a UK number: kept as written"]
    contact = record.contacts[0]
    assert contact.email == "leader@harbourwalks.example.org"
    assert contact.phones[0].display == "01303 654321 ext. 4"


def test_full_record_schedules(full: dict[str, Any], outcodes: OutcodeTable) -> None:
    record, issues = run(full, outcodes)
    weekly, unclear = record.schedules
    assert (weekly.freq, weekly.byday, weekly.opens_at, weekly.closes_at) == (
        "WEEKLY",
        ["MO", "WE", "FR"],
        "10:30",
        "12:00",
    )
    assert unclear.byday == [] and unclear.description == "Check our website"
    assert unclear.opens_at == "14:00" and unclear.closes_at is None
    assert any("'25:00' is not a time of day" in m for m in messages(issues, "schedules[1].closes_at"))
    assert any("day of the week" in m for m in messages(issues, "schedules[1].byday"))


def test_full_record_eligibility_costs_languages_terms(full: dict[str, Any], outcodes: OutcodeTable) -> None:
    record, _ = run(full, outcodes)
    assert record.eligibility is not None
    assert (record.eligibility.minimum_age, record.eligibility.maximum_age) == (18, None)
    assert record.eligibility.description == "Adults aged 18 and over"
    assert [(c.option, c.amount, c.amount_description) for c in record.cost_options] == [
        ("Everyone", 0.0, "Free")
    ]
    assert [(lang.name, lang.code) for lang in record.languages] == [
        ("English", "en"),
        ("Polish", "pl"),
        ("British Sign Language", "bfi"),
    ]
    assert [a.name for a in record.service_areas] == ["Folkestone and Hythe"]
    assert [(t.term, t.code, t.taxonomy) for t in record.taxonomy_terms] == [
        ("Mental Health", "MH", "local"),
        ("Walking", None, "folkestone"),
    ]


def test_full_record_is_stable(full: dict[str, Any], outcodes: OutcodeTable) -> None:
    first, issues_1 = run(full, outcodes)
    second, issues_2 = run(json.loads(json.dumps(full)), outcodes)
    assert first.content_hash() == second.content_hash() and issues_1 == issues_2


# --- minimal records and rejections -----------------------------------------------------------------


def test_minimal_record(outcodes: OutcodeTable) -> None:
    record, issues = run({"id": 7, "name": "Knit and Natter"}, outcodes)
    assert record.source_id == "7" and record.name == "Knit and Natter"
    assert record.status == "active" and record.locations == [] and record.is_free is None
    assert record.eligibility is None and record.organization is None
    assert issues == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "No id"}, "id"),
        ({"id": "", "name": "Blank id"}, "id"),
        ({"id": "   ", "name": "Spaces"}, "id"),
        ({"id": True, "name": "Bool id"}, "id"),
        ({"id": {"x": 1}, "name": "Object id"}, "id"),
        ({"id": "x" * 301, "name": "Long id"}, "id"),
        ({"id": "1"}, "name"),
        ({"id": "1", "name": "<p><br></p>"}, "name"),
        ({"id": "1", "name": ["", None]}, "name"),
    ],
)
def test_rejections(data: dict[str, Any], field: str, outcodes: OutcodeTable) -> None:
    with pytest.raises(Rejected) as caught:
        run(data, outcodes)
    assert caught.value.issue.field == field
    assert caught.value.issue.message


@pytest.mark.parametrize("data", [None, "a string", 42, ["id", "name"]])
def test_non_dict_is_rejected(data: Any, outcodes: OutcodeTable) -> None:
    with pytest.raises(Rejected, match="expected a service object"):
        run(data, outcodes)


# --- particular behaviours --------------------------------------------------------------------------


def test_huge_description_is_cut_fast_with_a_warning(outcodes: OutcodeTable) -> None:
    description = "<p>" + "x" * (10 * 1024 * 1024 - 7) + "</p>"
    start = time.perf_counter()
    record, issues = run(
        {"id": "1", "name": "Big", "description": description}, outcodes, max_field_chars=20_000
    )
    assert time.perf_counter() - start < 2
    assert record.description is not None and len(record.description) <= 20_000
    assert messages(issues, "description") == ["description was 10,485,760 characters: cut to 20,000"]


def test_oruk_example_latitude_100_is_dropped(outcodes: OutcodeTable) -> None:
    data = {
        "id": "1",
        "name": "Example",
        "service_at_locations": [{"location": {"name": "Civic Center", "latitude": 100, "longitude": 101}}],
    }
    record, issues = run(data, outcodes)
    location = record.locations[0]
    assert location.latitude is None and location.geo_precision is None
    assert messages(issues, "service_at_locations[0].location.latitude") == [
        "coordinates (100, 101) are out of range: dropped"
    ]


@pytest.mark.parametrize(
    ("lat", "lon", "warning"),
    [
        (0, 0, "placeholder"),
        ("51.08", None, "only one of latitude and longitude"),
        ("north", "1.17", "'north' is not a number"),
        (float("nan"), 1.0, "only one"),  # NaN is no number: the pair is incomplete
    ],
)
def test_bad_coordinates_fall_back_to_the_postcode(
    lat: Any, lon: Any, warning: str, outcodes: OutcodeTable
) -> None:
    data = {
        "id": "1",
        "name": "Hall",
        "service_at_locations": [
            {"location": {"latitude": lat, "longitude": lon, "addresses": [{"postal_code": "CT19 5AE"}]}}
        ],
    }
    record, issues = run(data, outcodes)
    location = record.locations[0]
    assert location.geo_precision == "outcode" and (
        location.latitude,
        location.longitude,
    ) == outcodes.centroid("CT19")
    assert any(warning in m for m in messages(issues))


def test_postcode_not_in_table_warns_once(outcodes: OutcodeTable) -> None:
    data = {
        "id": "1",
        "name": "New estate hall",
        "service_at_locations": [
            {"location": {"addresses": [{"address_1": "1 New Road", "postal_code": "ZE9 9ZZ"}]}}
        ],
    }
    record, issues = run(data, outcodes)
    assert record.locations[0].latitude is None
    assert record.locations[0].addresses[0].postal_code == "ZE9 9ZZ"
    found = [i for i in issues if "not found in the postcode table" in i.message]
    assert len(found) == 1 and found[0].field == "service_at_locations[0].location.addresses[0].postal_code"
    assert "ZE9 9ZZ" in found[0].message


def test_full_postcode_table_gives_postcode_precision(outcodes: OutcodeTable, tmp_path: Path) -> None:
    extra = tmp_path / "pc.csv"
    extra.write_text("postcode,lat,lon\nCT19 5AE,51.0901,1.1655\n")
    table = OutcodeTable.load_default()
    table.load_extra(extra)
    data = {
        "id": "1",
        "name": "Hall",
        "service_at_locations": [{"location": {"addresses": [{"postal_code": "ct195ae"}]}}],
    }
    location = run(data, table)[0].locations[0]
    assert (location.latitude, location.longitude, location.geo_precision) == (51.0901, 1.1655, "postcode")


def test_us_address_kept_as_written_and_not_geocoded(outcodes: OutcodeTable) -> None:
    data = {
        "id": "m-1",
        "name": "FOOD PANTRY",
        "phones": [{"number": "(305) 555-0142"}],
        "service_at_locations": [
            {"location": {"addresses": [{"address_1": "100 NW 1st Ave", "city": "Miami",
                                          "state_province": "FL", "postal_code": "33157"}]}}
        ],
    }  # fmt: skip
    record, issues = run(data, outcodes)
    address = record.locations[0].addresses[0]
    assert (address.postal_code, address.country) == ("33157", "US")
    assert record.locations[0].latitude is None
    assert record.phones[0].number == "+13055550142"
    assert issues == []


def test_non_uk_code_in_a_uk_address_is_kept_with_a_warning(outcodes: OutcodeTable) -> None:
    data = {
        "id": "1",
        "name": "Hall",
        "service_at_locations": [{"location": {"addresses": [{"postal_code": "33157"}]}}],
    }
    record, issues = run(data, outcodes)
    assert record.locations[0].addresses[0].postal_code == "33157"
    assert messages(issues) == ["postcode '33157' is not a UK postcode: kept as written"]


def test_postcode_found_in_the_address_line(outcodes: OutcodeTable) -> None:
    data = {
        "id": "1",
        "name": "Hall",
        "service_at_locations": [at({"address_1": "Church Hall, Hythe ct21 5aa"})],
    }
    location = run(data, outcodes)[0].locations[0]
    assert location.addresses[0].postal_code == "CT21 5AA" and location.geo_precision == "outcode"


def test_unknown_status_warns_and_counts_as_active(outcodes: OutcodeTable) -> None:
    record, issues = run({"id": "1", "name": "X", "status": "pending review"}, outcodes)
    assert record.status == "active"
    assert messages(issues, "status") == [
        "status 'pending review' is not one of active, inactive, defunct, temporarily closed: "
        "treated as active"
    ]
    assert (
        run({"id": "1", "name": "X", "status": "Temporarily Closed"}, outcodes)[0].status
        == "temporarily closed"
    )


def test_ages_from_wording_only_when_no_numbers(outcodes: OutcodeTable) -> None:
    record, _ = run({"id": "1", "name": "Youth club", "eligibility_description": "aged 11 to 18"}, outcodes)
    assert record.eligibility is not None and (
        record.eligibility.minimum_age,
        record.eligibility.maximum_age,
    ) == (11, 18)
    record, issues = run({"id": "1", "name": "Club", "minimum_age": "150", "maximum_age": 16}, outcodes)
    assert record.eligibility is not None and (
        record.eligibility.minimum_age,
        record.eligibility.maximum_age,
    ) == (None, 16)
    assert any("not a plausible age" in m for m in messages(issues, "minimum_age"))


def test_reversed_ages_are_kept_as_given(outcodes: OutcodeTable) -> None:
    record, _ = run({"id": "1", "name": "Club", "minimum_age": 18, "maximum_age": 16}, outcodes)
    assert record.eligibility is not None and (
        record.eligibility.minimum_age,
        record.eligibility.maximum_age,
    ) == (18, 16)


def test_email_in_the_url_field_becomes_the_email(outcodes: OutcodeTable) -> None:
    record, issues = run({"id": "1", "name": "X", "url": "info@club.example.org"}, outcodes)
    assert record.url is None and record.email == "info@club.example.org"
    assert messages(issues, "url") == [
        "'info@club.example.org' is an email address, not a web address: used as the email"
    ]


def test_several_emails_keep_the_first(outcodes: OutcodeTable) -> None:
    record, issues = run({"id": "1", "name": "X", "email": "a@x.example.org; b@x.example.org"}, outcodes)
    assert record.email == "a@x.example.org"
    assert messages(issues, "email") == [
        "several email addresses (a@x.example.org, b@x.example.org): kept the first, a@x.example.org"
    ]


def test_hide_exact_address_flag(outcodes: OutcodeTable) -> None:
    assert (
        run({"id": "1", "name": "Refuge", "hide_exact_address": "Yes"}, outcodes)[0].hide_exact_address
        is True
    )
    assert run({"id": "1", "name": "Hall", "hide_exact_address": 0}, outcodes)[0].hide_exact_address is False
    record, issues = run({"id": "1", "name": "Refuge", "hide_exact_address": "ask first"}, outcodes)
    assert record.hide_exact_address is True and "hidden to be safe" in messages(issues)[0]


def test_mojibake_and_literal_newlines(outcodes: OutcodeTable) -> None:
    raw = {"id": "1", "name": "Girl Scouts GÇô Troop 9", "description": "WeGÇÖre here.\\nCall us.###"}
    record, _ = run(raw, outcodes)
    assert record.name == "Girl Scouts – Troop 9"
    assert record.description == "We’re here.\nCall us.###"


def test_wrong_types_cost_one_field_not_the_record(outcodes: OutcodeTable) -> None:
    raw = {
        "id": 12.0,
        "name": "Club",
        "description": {"text": "nested"},
        "phones": "01303 123456",
        "languages": "English and Welsh",
        "service_at_locations": "not a list",
        "schedules": ["Tuesdays 10am-12pm"],
        "extras": ["not", "a", "dict"],
        "pc_unexpected": "kept",
    }
    record, issues = run(raw, outcodes)
    assert record.source_id == "12" and record.description is None
    assert [p.number for p in record.phones] == ["+441303123456"]
    assert [lang.name for lang in record.languages] == ["English", "Welsh"]
    assert record.locations == []
    assert record.schedules[0].description == "Tuesdays 10am-12pm"
    assert record.extras == {"pc_unexpected": "kept"}
    assert messages(issues, "description") == ["expected text, found an object: left out"]
    assert {i.field for i in issues} >= {"description", "service_at_locations", "extras", "pc_unexpected"}


# --- properties -------------------------------------------------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", "  ", "<p><br></p>", "CT19 5AE", "33157", "01303 123456", "2pm", "mon-fri", "GÇÖ"]),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_FIELDS = [
    "alternate_name", "description", "url", "email", "status", "fees", "accreditations", "alert",
    "assured_date", "last_modified", "minimum_age", "maximum_age", "eligibility_description",
    "organization", "contacts", "cost_options", "languages", "service_areas", "taxonomy_terms", "free",
    "delivery", "hide_exact_address", "extras",
]  # fmt: skip
_ADDRESS_KEYS = st.sampled_from(["address_1", "city", "state_province", "postal_code", "country"])
_SCHEDULE_KEYS = st.sampled_from(
    ["freq", "interval", "byday", "bymonthday", "opens_at", "closes_at", "valid_from"]
)
_location = st.fixed_dictionaries(
    {},
    optional={
        "latitude": _values, "longitude": _values, "location_type": _values, "name": _values,
        "addresses": st.lists(st.dictionaries(_ADDRESS_KEYS, _values, max_size=4), max_size=2),
        "accessibility": _values,
    },
)  # fmt: skip
_records = st.fixed_dictionaries(
    {"id": st.one_of(st.just("x1"), _values), "name": st.one_of(st.just("A service"), _values)},
    optional={
        **{f: _values for f in _FIELDS},
        "service_at_locations": st.lists(st.fixed_dictionaries({"location": _location}), max_size=2),
        "schedules": st.lists(st.dictionaries(_SCHEDULE_KEYS, _values), max_size=2),
        "phones": st.lists(st.one_of(_values, st.fixed_dictionaries({"number": _values})), max_size=2),
    },
)  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_records)
def test_normalise_never_raises_anything_but_rejected(data: dict[str, Any]) -> None:
    table = OutcodeTable.load_default()
    try:
        record, issues = normalise(data, outcodes=table, max_field_chars=50)
    except Rejected as exc:
        assert "internal error" not in exc.issue.message, exc.issue
        return
    assert isinstance(record, ServiceRecord)
    record.content_hash()  # storable: hashable as UTF-8 JSON
    for issue in issues:
        assert "please report" not in issue.message, issue


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(max_size=12), _values, max_size=6))
def test_normalise_arbitrary_dicts(data: dict[str, Any]) -> None:
    try:
        _, issues = normalise(data, outcodes=OutcodeTable.load_default())
    except Rejected as exc:
        assert "internal error" not in exc.issue.message
        return
    for issue in issues:
        assert "please report" not in issue.message


def test_unreadable_age_words_warn_once(outcodes: OutcodeTable) -> None:
    assert messages(run({"id": "1", "name": "X", "minimum_age": "sixteen"}, outcodes)[1]) == [
        "'sixteen' is not an age in years: left out"
    ]
    assert messages(run({"id": "1", "name": "X", "minimum_age": "150"}, outcodes)[1]) == [
        "age '150' is not a plausible age (0-120): left out"
    ]
    assert run({"id": "1", "name": "X", "minimum_age": "Adults"}, outcodes)[1] == []


@pytest.mark.realdata
@pytest.mark.parametrize(
    "path",
    [
        "real/miami-211-hsds/raw",
        "real/oruk-bristol-northlincs/raw/bristol_council_services.json",
        "real/folkestone-hythe/raw",
    ],
)
def test_real_feeds_normalise(shared_data: Path, path: str, outcodes: OutcodeTable) -> None:
    """Whatever the readers make of the real feeds normalises; only nameless records are rejected."""
    from navigator.ingest.formats import reader_for

    source = shared_data / path
    records = reader_for(source).read(source).records[:500]
    assert records
    rejected = []
    for raw in records:
        try:
            _, issues = normalise(raw.data, outcodes=outcodes)
        except Rejected as exc:
            rejected.append(exc.issue)
            continue
        assert not any("please report" in i.message for i in issues)
    assert all(issue.field == "name" for issue in rejected)
    assert len(rejected) <= 2
