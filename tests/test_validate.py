"""validate(): what stops a normalised record being imported, and what a curator should check."""

from __future__ import annotations

from datetime import date
from typing import Any

from navigator.ingest.record import (
    Address,
    Contact,
    Eligibility,
    Location,
    Organization,
    Phone,
    ServiceRecord,
)
from navigator.ingest.validate import validate

GOOD_DESCRIPTION = "Weekly friendly walks for people who feel isolated."
TODAY = date(2025, 6, 1)


def record(**kw: Any) -> ServiceRecord:
    base: dict[str, Any] = {
        "source_id": "s1",
        "name": "Wellbeing walks",
        "description": GOOD_DESCRIPTION,
        "phones": [Phone(number="+441303123456", display="01303 123456")],
    }
    return ServiceRecord(**{**base, **kw})


def fields(issues: list[Any]) -> list[str | None]:
    return [i.field for i in issues]


def test_a_good_record_passes_cleanly() -> None:
    assert validate(record(), today=TODAY) == ([], [])


def test_missing_name_or_id_rejects() -> None:
    rejections, _ = validate(record(name="  ", source_id=""), today=TODAY)
    assert fields(rejections) == ["id", "name"]
    assert all(i.message for i in rejections)


def test_a_name_alone_is_still_importable() -> None:
    rejections, warnings = validate(ServiceRecord(source_id="s1", name="Knit and natter"), today=TODAY)
    assert rejections == []
    assert fields(warnings) == [None, "description"]
    assert "no way to get in touch" in warnings[0].message


def test_any_contact_method_counts() -> None:
    ways: list[dict[str, Any]] = [
        {"email": "a@x.example.org"},
        {"url": "https://x.example.org"},
        {"contacts": [Contact(phones=[Phone(number="+441303123456")])]},
        {"contacts": [Contact(email="a@x.example.org")]},
        {"organization": Organization(name="Org", website="https://x.example.org")},
        {"locations": [Location(addresses=[Address(address_1="1 High St")])]},
        {"locations": [Location(addresses=[Address(postal_code="CT19 5AE")])]},
    ]
    for way in ways:
        _, warnings = validate(record(phones=[], **way), today=TODAY)
        assert None not in fields(warnings), way


def test_hidden_address_is_not_a_way_to_get_in_touch() -> None:
    hidden = record(
        phones=[], hide_exact_address=True, locations=[Location(addresses=[Address(address_1="Secret")])]
    )
    assert None in fields(validate(hidden, today=TODAY)[1])


def test_short_or_missing_description() -> None:
    assert fields(validate(record(description=None), today=TODAY)[1]) == ["description"]
    _, warnings = validate(record(description="Walks."), today=TODAY)
    assert fields(warnings) == ["description"] and "6 characters" in warnings[0].message


def test_reversed_age_range_warns_and_keeps_values() -> None:
    reversed_ages = record(eligibility=Eligibility(minimum_age=18, maximum_age=16))
    _, warnings = validate(reversed_ages, today=TODAY)
    assert [(i.field, i.message) for i in warnings] == [
        ("minimum_age", "age range reversed (18–16): check the listing")
    ]
    assert reversed_ages.eligibility is not None and reversed_ages.eligibility.minimum_age == 18


def test_future_assured_date() -> None:
    _, warnings = validate(record(assured_date=date(2025, 7, 1)), today=TODAY)
    assert fields(warnings) == ["assured_date"] and "2025-07-01" in warnings[0].message
    assert validate(record(assured_date=TODAY), today=TODAY)[1] == []


def test_position_outside_the_uk_for_a_uk_address() -> None:
    swapped = Location(latitude=1.17, longitude=51.08, addresses=[Address(postal_code="CT19 5AE")])
    _, warnings = validate(record(locations=[swapped]), today=TODAY)
    assert fields(warnings) == ["service_at_locations[0].location.latitude"]
    assert "swapped" in warnings[0].message
    miami = Location(latitude=25.77, longitude=-80.19, addresses=[Address(postal_code="33157", country="US")])
    assert validate(record(locations=[miami]), today=TODAY)[1] == []
    folkestone = Location(latitude=51.08, longitude=1.17, addresses=[Address(postal_code="CT19 5AE")])
    jersey = Location(latitude=49.19, longitude=-2.11, addresses=[Address(postal_code="JE2 3AB")])
    assert validate(record(locations=[folkestone, jersey]), today=TODAY)[1] == []


def test_today_defaults_to_the_real_date() -> None:
    assert validate(record(assured_date=date(2999, 1, 1)))[1][0].field == "assured_date"
