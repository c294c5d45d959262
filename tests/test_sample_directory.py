"""The bundled sample directory: invented but realistic, safe to publish, and its JSON twin in sync.

Reads the CSV with the csv module (no import pipeline) and uses the checks and the generator in
directory_data/tools/, which are plain scripts rather than part of the package.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "directory_data"
TOOLS = SAMPLE / "tools"
SHARED = Path(os.environ.get("NAVIGATOR_SHARED_DIR", REPO.parent / "shared"))
SCHEMA = SHARED / "data/oruk-schema/uk-profile-3.0/schema"


def _load(name: str) -> ModuleType:
    """Import a tools/ script by path (it imports its sibling csv_to_oruk, so tools/ goes on sys.path)."""
    if str(TOOLS) not in sys.path:
        sys.path.insert(0, str(TOOLS))
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


gen = _load("csv_to_oruk")
check = _load("check_sample")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    found: list[dict[str, str]] = gen.read_rows(SAMPLE / "sample-services.csv")
    return found


@pytest.fixture(scope="module")
def page() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SAMPLE / "sample-services.oruk.json").read_text(encoding="utf-8"))
    return loaded


def test_size_and_unique_ids(rows: list[dict[str, str]]) -> None:
    assert len(rows) >= 200
    ids = [row["service_id"] for row in rows]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)


def test_header_is_the_template_header() -> None:
    with (SAMPLE / "sample-services.csv").open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split(",")
    assert header == gen.HEADER
    template = SAMPLE / "template.csv"
    if template.is_file():
        with template.open(encoding="utf-8-sig") as handle:
            assert handle.readline().rstrip("\r\n").split(",") == header


def test_every_need_area_has_at_least_six_services(rows: list[dict[str, str]]) -> None:
    counts = check.category_counts(rows)
    assert set(counts) == set(gen.CATEGORIES)
    thin = {label: counts[label] for label in gen.CATEGORIES if counts[label] < 6}
    assert not thin
    assert check.category_problems(rows) == []


def test_outcodes_are_real(rows: list[dict[str, str]]) -> None:
    outcodes = check.load_outcodes()
    if outcodes is None:
        pytest.skip("no uk-outcodes.csv in ../shared or navigator/geo/data")
    assert {"CT21", "CT20", "CT19", "CT18", "DN15", "DN16", "DN17", "BS5", "BS2", "BS4", "BS16"} <= outcodes
    assert check.postcode_problems(rows, outcodes) == []


def test_places_are_roughly_balanced(rows: list[dict[str, str]]) -> None:
    places: dict[str, int] = {}
    for row in rows:
        places[check.place_of(row)] = places.get(check.place_of(row), 0) + 1
    towns = [places["Hythe & Folkestone"], places["Scunthorpe"], places["Bristol east/central"]]
    assert min(towns) >= 70 and max(towns) - min(towns) <= 10
    assert 12 <= places["National (phone/online)"] <= 25


def test_contact_details_are_invented(rows: list[dict[str, str]]) -> None:
    assert check.phone_problems(rows) == []
    assert check.contact_problems(rows) == []


def test_phone_check_catches_a_real_looking_number() -> None:
    row = {"service_id": "NNS-999", "phone": "01303 123456", "description": "Ring 0117 496 0123."}
    assert check.phone_problems([row]) == ["NNS-999 phone: '01303 123456' is not in an Ofcom drama range"]
    bad_mail = {"service_id": "NNS-999", "email": "someone@gmail.com", "website": "https://x.example.org"}
    assert check.contact_problems([bad_mail]) == ["NNS-999 email: email domain 'gmail.com' is not example.*"]


def test_values_are_well_formed(rows: list[dict[str, str]]) -> None:
    assert check.value_problems(rows) == []


def test_the_mix_a_curator_would_meet(rows: list[dict[str, str]]) -> None:
    """Statuses, charging services, stale entries, refuges and some exact positions are all present."""
    statuses = [row["status"] for row in rows]
    assert 3 <= statuses.count("temporarily closed") <= 4
    assert statuses.count("inactive") == 2
    charging = sum(row["free"] == "no" for row in rows) / len(rows)
    assert 0.18 <= charging <= 0.32
    stale = sum(row["last_verified"] < "2025-11-01" for row in rows) / len(rows)
    assert 0.05 <= stale <= 0.2
    assert 2 <= sum(row["hide_exact_address"] == "yes" for row in rows) <= 3
    assert 15 <= sum(bool(row["latitude"]) for row in rows) <= 30
    assert any(row["website"] and not row["website"].startswith("http") for row in rows)


def test_hythe_has_what_a_widowed_deaf_non_driver_needs(rows: list[dict[str, str]]) -> None:
    """The README's worked example: each need has a listing in or covering Hythe."""
    hythe = [row for row in rows if row["town"] == "Hythe" or "Hythe" in row["service_area"]]
    for need in ("Bereavement", "Loneliness & befriending", "Hearing & sight loss", "Transport"):
        assert any(need in row["categories"] for row in hythe), need


def test_opening_times_syntax() -> None:
    slots = gen.parse_opening_times("Mon-Fri 09:00-17:00; 2nd Sun 10:30-12:30; last Fri 19:00-21:00")
    assert [s.byday for s in slots] == [("MO", "TU", "WE", "TH", "FR"), ("2SU",), ("-1FR",)]
    assert [s.monthly for s in slots] == [False, True, True]
    with pytest.raises(gen.SampleDataError, match="'Tuesdays after school' is not"):
        gen.parse_opening_times("Tue 10:00-12:00; Tuesdays after school", "NNS-001 opening_times")
    with pytest.raises(gen.SampleDataError, match="runs backwards"):
        gen.parse_opening_times("Fri-Mon 09:00-17:00")


def test_cost_amounts() -> None:
    assert gen.amount_of("£3.50 per class") == 3.5
    assert gen.amount_of("45p per mile contribution") == 0.45
    assert gen.amount_of("Pay what you can") is None


def test_json_is_in_sync_with_csv(tmp_path: Path) -> None:
    out = tmp_path / "regenerated.json"
    assert gen.main([str(SAMPLE / "sample-services.csv"), str(out)]) == 0
    assert out.read_bytes() == (SAMPLE / "sample-services.oruk.json").read_bytes(), (
        "sample-services.oruk.json is out of date: run python directory_data/tools/csv_to_oruk.py"
    )


def test_json_carries_the_csv(rows: list[dict[str, str]], page: dict[str, Any]) -> None:
    assert page["total_items"] == page["size"] == len(page["contents"]) == len(rows)
    by_id = {service["id"]: service for service in page["contents"]}
    lunch = by_id["NNS-003"]
    assert lunch["organization"]["name"] == "Hythe Good Neighbours"
    assert (lunch["schedules"][0]["byday"], lunch["schedules"][0]["opens_at"]) == ("TU", "12:00")
    assert lunch["cost_options"][0]["amount"] == 6.5
    assert lunch["minimum_age"] == 60
    address = lunch["service_at_locations"][0]["location"]["addresses"][0]
    assert [address[key] for key in ("postal_code", "city", "state_province")] == [
        "CT21 5BX",
        "Hythe",
        "Kent",
    ]
    widowed = by_id["NNS-005"]["schedules"][0]
    assert (widowed["freq"], widowed["byday"]) == ("MONTHLY", "1MO,3MO")
    terms = {a["taxonomy_term"]["name"] for a in by_id["NNS-005"]["attributes"]}
    assert terms == {"Bereavement", "Loneliness & befriending"}
    for service in page["contents"]:
        assert service["schedules"], service["id"]
        assert all(s["attending_type"] for s in service["schedules"]), service["id"]


def test_json_never_shows_a_hidden_address(rows: list[dict[str, str]], page: dict[str, Any]) -> None:
    hidden = {row["service_id"] for row in rows if row["hide_exact_address"] == "yes"}
    assert hidden
    for service in page["contents"]:
        if service["id"] not in hidden:
            assert "hide_exact_address" not in service
            continue
        assert service["hide_exact_address"] is True
        (sal,) = service["service_at_locations"]
        assert "name" not in sal["location"] and "latitude" not in sal["location"]
        (address,) = sal["location"]["addresses"]
        assert address["address_1"].startswith("Confidential address")
        assert " " not in address["postal_code"]  # the outward code only


def _format_checker() -> Any:
    """Every format the schema names except `uuid`: the sample's ids are readable, not UUIDs."""
    from jsonschema import FormatChecker

    return FormatChecker(formats=[name for name in FormatChecker.checkers if name != "uuid"])


def test_json_validates_against_oruk_3_schema(page: dict[str, Any]) -> None:
    if not (SCHEMA / "compiled/service.json").is_file():
        pytest.skip("../shared ORUK schema is not present")
    from jsonschema import Draft202012Validator

    service = json.loads((SCHEMA / "compiled/service.json").read_text(encoding="utf-8"))
    listed = json.loads((SCHEMA / "compiled/service_list.json").read_text(encoding="utf-8"))
    openapi = json.loads((SCHEMA / "openapi.json").read_text(encoding="utf-8"))
    envelope = openapi["components"]["schemas"]["Page"] | {
        "required": ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty"]
    }
    assert not list(Draft202012Validator(envelope).iter_errors(page))
    full = Draft202012Validator(service, format_checker=_format_checker())
    summary = Draft202012Validator(listed, format_checker=_format_checker())
    errors = [
        f"{item['id']} {error.json_path}: {error.message}"
        for item in page["contents"]
        for validator in (full, summary)
        for error in validator.iter_errors(item)
    ]
    assert errors == []


def test_schema_validation_would_catch_a_broken_service() -> None:
    if not (SCHEMA / "compiled/service.json").is_file():
        pytest.skip("../shared ORUK schema is not present")
    from jsonschema import Draft202012Validator

    service = json.loads((SCHEMA / "compiled/service.json").read_text(encoding="utf-8"))
    broken = {"id": "NNS-X", "name": "No status", "schedules": [{"id": "s", "freq": "DAILY"}]}
    messages = sorted(e.message for e in Draft202012Validator(service).iter_errors(broken))
    assert messages == ["'DAILY' is not one of ['WEEKLY', 'MONTHLY']", "'status' is a required property"]


def test_readme_counts_are_current(rows: list[dict[str, str]]) -> None:
    readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
    assert "SAMPLE DATA" in readme and "drama" in readme
    assert check.counts_markdown(rows) in readme, (
        "README tables are stale: paste in `python directory_data/tools/check_sample.py --counts`"
    )
    organisations = {row["organisation"] for row in rows}
    assert f"{len(rows)} services from {len(organisations)} organisations" in readme
