"""The Open Referral UK JSON reader: ORUK v1 and 3.0 shapes, locators, and every kind of bad input."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from navigator.ingest.readers.base import FileUnreadable, ReadResult
from navigator.ingest.readers.jsonload import load_json
from navigator.ingest.readers.oruk_json import OrukJsonReader, detect_version, find_services

# Every key RawRecord.data may hold (readers/base.py); anything else is a contract breach.
DATA_KEYS = {
    "id", "name", "alternate_name", "description", "url", "email", "status", "fees", "accreditations",
    "alert", "assured_date", "last_modified", "minimum_age", "maximum_age", "eligibility_description",
    "organization", "service_at_locations", "phones", "contacts", "schedules", "cost_options",
    "languages", "service_areas", "taxonomy_terms", "free", "delivery", "hide_exact_address", "extras",
}  # fmt: skip
ORG_KEYS = {"id", "name", "description", "email", "website", "logo"}
LOCATION_KEYS = {
    "id", "location_type", "name", "description", "latitude", "longitude", "addresses", "accessibility",
}  # fmt: skip


@pytest.fixture
def reader() -> OrukJsonReader:
    return OrukJsonReader()


@pytest.fixture
def oruk_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "oruk_json"


def write(tmp_path: Path, content: str | bytes, name: str = "feed.json") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def by_id(result: ReadResult) -> dict[str, dict[str, Any]]:
    return {record.data["id"]: record.data for record in result.records}


def assert_contract(result: ReadResult) -> None:
    """Data dicts hold only the documented keys, and extras only strings."""
    for record in result.records:
        assert set(record.data) <= DATA_KEYS, record.locator
        assert set(record.data.get("organization", {})) <= ORG_KEYS
        for sal in record.data.get("service_at_locations", []):
            assert set(sal) == {"location"} and set(sal["location"]) <= LOCATION_KEYS
        assert all(isinstance(v, str) for v in record.data.get("extras", {}).values())


# --- sniff ---------------------------------------------------------------------------------------


def test_sniff_accepts_json_by_extension_or_first_byte(reader: OrukJsonReader, tmp_path: Path) -> None:
    assert reader.sniff(write(tmp_path, "", "feed.JSON"))
    assert reader.sniff(write(tmp_path, '\ufeff  \n [{"id": 1}]', "export.txt"))
    assert reader.sniff(write(tmp_path, '{"content": []}', "page"))


def test_sniff_rejects_other_files_folders_and_datapackages(reader: OrukJsonReader, tmp_path: Path) -> None:
    assert not reader.sniff(write(tmp_path, "id,name\n1,x\n", "services.csv"))
    assert not reader.sniff(tmp_path)
    assert not reader.sniff(tmp_path / "missing.json")
    assert not reader.sniff(write(tmp_path, '{"resources": []}', "datapackage.json"))


# --- ORUK v1 -------------------------------------------------------------------------------------


def test_v1_list_maps_placecube_fields(reader: OrukJsonReader, oruk_dir: Path) -> None:
    path = oruk_dir / "v1_list.json"
    result = reader.read(path)
    assert_contract(result)
    assert result.problems == [] and result.warnings == []
    assert [r.locator for r in result.records] == ["$[0]", "$[1]", "$[2]"]
    assert {r.file for r in result.records} == {str(path)}
    knit = result.records[0].data
    assert knit["description"].startswith("<p>A friendly <strong>")  # HTML kept for the normaliser
    assert knit["fees"] == "£2 a session, tea included"
    assert knit["organization"] == {
        "id": "v1-org-010",
        "name": "Riverside Community Association",
        "description": "Volunteer-run community centre.",
        "website": "https://riverside-ca.example.org",
    }
    assert knit["assured_date"] == "2024-05-01"
    assert knit["last_modified"] == "2024-05-02"  # pc_metadata.date_modified
    assert knit["taxonomy_terms"] == [
        {"term": "Older People", "code": "501", "taxonomy": "oruk-v1-target-audience"},
        # Placecube's "Parent>Child" path becomes term + parent; the value is otherwise as found.
        {
            "term": "Visually Impaired ",
            "code": "502",
            "taxonomy": "oruk-v1-target-audience",
            "parent": "Sensory Impaired",
        },
    ]
    assert knit["delivery"] == "Venue; Social activity"
    assert knit["extras"] == {
        "attending_access": "Drop-in",
        "pc_attendingAccess_additionalInfo": "Just turn up, no need to book.",
        "pc_metadata.date_created": "2023-01-15",
        "oruk_version": "1.0",
    }


def test_v1_assured_by_is_never_kept(reader: OrukJsonReader, oruk_dir: Path) -> None:
    for name in ("v1_list.json", "v1_single_full.json"):
        for record in reader.read(oruk_dir / name).records:
            text = json.dumps(record.data)
            assert "assured_by" not in text and "@example.net" not in text


def test_v1_falls_back_to_pc_metadata_assured_date_and_drops_empty_strings(
    reader: OrukJsonReader, oruk_dir: Path
) -> None:
    carers = by_id(reader.read(oruk_dir / "v1_list.json"))["v1-svc-002"]
    assert carers["assured_date"] == "2023-11-20"
    assert "url" not in carers and "email" not in carers and "delivery" not in carers
    assert carers["organization"] == {"id": "v1-org-011", "name": "Parkview Carers Network"}


def test_v1_weekday_numbers_and_names_become_byday(reader: OrukJsonReader, oruk_dir: Path) -> None:
    pantry = by_id(reader.read(oruk_dir / "v1_list.json"))["3003"]  # numeric id kept as its text
    assert pantry["schedules"] == [
        {"freq": "WEEKLY", "byday": "TU", "opens_at": "10:00", "closes_at": "12:30"},
        {"freq": "WEEKLY", "byday": "TH", "opens_at": "17:00", "closes_at": "19:00"},
    ]


def test_v1_bare_locations_and_schedules_without_a_location(reader: OrukJsonReader, tmp_path: Path) -> None:
    service = {
        "id": "s1",
        "name": "Bare locations",
        "regular_schedules": [{"weekday": "Weekdays", "opens_at": "9am"}],
        "locations": [{"id": "L1", "name": "Hall", "physical_addresses": [{"postal_code": "ZZ1 1ZZ"}]}],
        "service_at_locations": [{"id": "sal-9", "regular_schedules": [{"weekday": 7, "closes_at": "4pm"}]}],
    }
    data = reader.read(write(tmp_path, json.dumps([service]))).records[0].data
    # A service_at_location without a location adds its hours but no location.
    assert data["service_at_locations"] == [
        {"location": {"id": "L1", "name": "Hall", "addresses": [{"postal_code": "ZZ1 1ZZ"}]}}
    ]
    # Wording it cannot turn into a day code is passed on as found, for the normaliser to judge.
    assert data["schedules"] == [
        {"freq": "WEEKLY", "byday": "Weekdays", "opens_at": "9am"},
        {"freq": "WEEKLY", "byday": "SU", "closes_at": "4pm"},
    ]
    assert data["extras"]["oruk_version"] == "1.0"


def test_v1_paged_envelope(reader: OrukJsonReader, oruk_dir: Path) -> None:
    result = reader.read(oruk_dir / "v1_paged.json")
    assert_contract(result)
    assert [r.locator for r in result.records] == ["$.content[0]", "$.content[1]"]
    first = result.records[0].data
    assert first["extras"]["oruk_version"] == "1.0"
    assert first["delivery"] == "Phone; Advice"
    assert first["extras"]["attending_access"] == "Appointment"
    assert first["organization"]["name"] == "Westgate Advice Centre"


def test_v1_single_service_with_full_nesting(reader: OrukJsonReader, oruk_dir: Path) -> None:
    result = reader.read(oruk_dir / "v1_single_full.json")
    assert_contract(result)
    assert result.problems == []
    [record] = result.records
    assert record.locator == "$"
    data = record.data
    assert data["organization"]["website"] == "https://meadowbank-hub.example.org"
    assert data["service_at_locations"] == [
        {
            "location": {
                "id": "loc-1",
                "name": "Meadowbank Hub Building",
                "description": "Next to the library.",
                "latitude": 51.4601,
                "longitude": -2.5802,
                "addresses": [
                    {
                        "address_1": "12 Meadow Lane",
                        "city": "Bristol",
                        "postal_code": "bs5 0zz",
                        "country": "GB",
                    }
                ],
                "accessibility": [{"description": "Step-free entrance and accessible toilet"}],
            }
        }
    ]
    assert data["contacts"] == [
        {"name": "Hub Reception", "title": "Front desk", "phones": [{"number": "0117 496 0123"}]}
    ]
    # Service-wide schedules first, then the per-location one ("wed" → "WE").
    assert [(s["byday"], s["opens_at"]) for s in data["schedules"]] == [("MO", "09:30"), ("WE", "13:00")]
    assert data["schedules"][0]["description"] == "Term time only"
    assert data["eligibility_description"] == "Children under 5 with a parent or carer"
    assert (data["minimum_age"], data["maximum_age"]) == (0, 5)
    assert data["cost_options"] == [{"option": "Per session", "amount": 0, "amount_description": "No charge"}]
    assert data["languages"] == [{"name": "English"}, {"name": "Polish"}]
    assert data["service_areas"] == [
        {"name": "Meadowbank ward", "uri": "http://statistics.data.gov.uk/id/statistical-geography/E05000000"}
    ]
    assert data["taxonomy_terms"] == [
        {"term": "Early years", "code": "LGA-123", "taxonomy": "esdServiceTypes", "parent": "LGA-100"},
        {"term": "Play", "code": "LGA-124", "taxonomy": "esdServiceTypes", "parent": "Children and families"},
        {"term": "Children", "code": "ELIG-CHILD", "taxonomy": "oruk-v1-eligibility"},
        {"term": "Parents", "code": "Parents", "taxonomy": "oruk-v1-target-audience"},
    ]
    assert data["fees"] == "Free" and data["accreditations"] == "Ofsted registered"
    assert data["extras"]["funding"] == "Family Hubs programme grant"
    assert data["extras"]["pc_spaces"] == "20" and data["extras"]["pc_booking_required"] == "false"
    # Nested structures with no home are reported once per file, not silently lost.
    reasons = sorted(w.reason for w in result.warnings)
    assert reasons == [
        "field 'holiday_schedules' is not imported (present in 1 service(s))",
        "field 'reviews' is not imported (present in 1 service(s))",
    ]


# --- ORUK 3.0 ------------------------------------------------------------------------------------


def test_v3_list_page(reader: OrukJsonReader, oruk_dir: Path) -> None:
    result = reader.read(oruk_dir / "v3_list_page.json")
    assert_contract(result)
    assert [r.locator for r in result.records] == ["$.contents[0]", "$.contents[1]", "$.contents[2]"]
    walks, shed, warm = (r.data for r in result.records)
    assert walks["extras"] == {"oruk_version": "3.0"}
    assert walks["minimum_age"] == 18 and walks["last_modified"] == "2024-10-01T09:00:00Z"
    assert walks["organization"]["website"] == "https://northfield-walkers.example.org"
    assert shed["taxonomy_terms"] == [{"term": "Social connection", "code": "SOC", "taxonomy": "local-needs"}]
    assert warm["status"] == "temporarily closed"


def test_v3_single_full_service(reader: OrukJsonReader, oruk_dir: Path) -> None:
    result = reader.read(oruk_dir / "v3_single_full.json")
    assert_contract(result)
    [record] = result.records
    data = record.data
    assert record.locator == "$" and data["id"] == "v3-full-200"
    assert data["alternate_name"] == "Lakeside TT"
    assert data["eligibility_description"] == "Registered with a Lakeside GP"
    assert data["service_at_locations"][0]["location"]["addresses"] == [
        {
            "address_1": "1 Lake Road",
            "address_2": "Unit 4",
            "city": "Lakeside",
            "region": "Example County",
            "postal_code": "LK1 2AB",
            "country": "GB",
        }
    ]
    assert data["service_at_locations"][0]["location"]["accessibility"] == [
        {
            "description": "Lift to all floors",
            "details": "Hearing loop at reception",
            "url": "https://lakeside-tt.example.org/access",
        }
    ]
    # Service phones, then the service_at_location's; the extension is kept with the number.
    assert data["phones"] == [
        {"number": "01632 960 555 ext. 12", "description": "Referrals line"},
        {"number": "01632 960 556"},
    ]
    assert data["contacts"] == [
        {"name": "Referrals team", "title": "Intake", "phones": [{"number": "+44 1632 960557"}]},
        {"name": "Site manager", "email": "site@lakeside-tt.example.org"},
    ]
    assert [s.get("byday") for s in data["schedules"]] == ["MO,TU,WE,TH,FR", "SA"]
    assert data["delivery"] == "Online or by phone; In person"
    assert data["languages"] == [{"name": "English", "code": "en"}, {"name": "Urdu", "code": "ur"}]
    assert data["taxonomy_terms"] == [
        {"term": "Mental health", "code": "MH", "taxonomy": "navigator-needs", "parent": "HEALTH"},
        {"term": "Anxiety", "code": "tt-11", "taxonomy": "conditions"},
    ]
    assert data["cost_options"] == [
        {"option": "NHS", "amount": 0, "amount_description": "Free at point of use"}
    ]
    assert data["service_areas"] == [{"name": "Lakeside district"}]
    assert data["extras"] == {
        "application_process": "Self-refer online or ask your GP",
        "wait_time": "6 weeks",
        "funding": "NHS Example ICB",
        "oruk_version": "3.0",
    }
    # The people who assured or edited the record are never imported.
    text = json.dumps(data)
    assert "assurer_email" not in text and "@example.net" not in text
    assert [w.reason for w in result.warnings] == [
        "field 'required_documents' is not imported (present in 1 service(s))"
    ]


@pytest.mark.parametrize("key", ["items", "data", "contents", "content"])
def test_every_envelope_name_is_unwrapped(reader: OrukJsonReader, tmp_path: Path, key: str) -> None:
    path = write(tmp_path, json.dumps({"page": 1, key: [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]}))
    result = reader.read(path)
    assert [(r.locator, r.data["id"]) for r in result.records] == [(f"$.{key}[0]", "a"), (f"$.{key}[1]", "b")]


def test_version_detection() -> None:
    assert detect_version({"content": []}, []) == "1.0"
    assert detect_version({"contents": []}, []) == "3.0"
    assert detect_version([], [{"id": "x", "regular_schedules": []}]) == "1.0"
    assert detect_version([], [{"id": "x", "pc_targetAudience": []}]) == "1.0"
    assert detect_version([], [{"id": "x", "attributes": []}]) == "3.0"
    v3_sal = [{"id": "x", "service_at_locations": [{"location": {"addresses": []}}]}]
    assert detect_version([], v3_sal) == "3.0"
    v1_sal = [{"id": "x", "service_at_locations": [{"location": {"physical_addresses": []}}]}]
    assert detect_version([], v1_sal) == "1.0"
    assert detect_version([], [{"id": "x", "name": "plain"}]) == "3.0"  # maps the same either way


# --- problems inside a file ----------------------------------------------------------------------


def test_bad_elements_become_problems_and_the_rest_is_read(reader: OrukJsonReader, oruk_dir: Path) -> None:
    path = oruk_dir / "v1_list_with_problems.json"
    result = reader.read(path)
    assert_contract(result)
    assert [r.locator for r in result.records] == ["$[0]", "$[3]", "$[6]"]
    problems = {p.locator: p.reason for p in result.problems}
    assert {p.file for p in result.problems} == {str(path)}
    assert problems["$[1]"] == "expected a service object, found a string"
    assert "no id" in problems["$[2]"]
    assert problems["$[4]"].startswith("duplicate id good-1 (first at $[0])")
    assert "must be a string or number" in problems["$[5]"]
    # The first copy of a duplicated id is the one kept.
    assert by_id(result)["good-1"]["name"] == "First Good Service"
    # No name is the validator's business: the record is still yielded.
    assert "name" not in by_id(result)["good-2"]
    # Bad nested items are skipped with a warning that says exactly where.
    assert {w.locator: w.reason for w in result.warnings} == {
        "$[6].contacts[0]": "expected an object, found a number; skipped",
        "$[6].contacts[1].phones[0]": "phone has no number; skipped",
    }
    assert by_id(result)["good-3"]["contacts"] == [{"name": "Desk", "phones": [{"number": "0117 496 0999"}]}]


def test_empty_list_reads_with_a_warning(reader: OrukJsonReader, oruk_dir: Path) -> None:
    result = reader.read(oruk_dir / "empty_list.json")
    assert result.records == [] and result.problems == []
    assert [w.reason for w in result.warnings] == ["the file holds no services"]


# --- whole-file failures -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.json", "whitespace.json"])
def test_empty_file(reader: OrukJsonReader, oruk_dir: Path, name: str) -> None:
    with pytest.raises(FileUnreadable, match="is empty") as info:
        reader.read(oruk_dir / name)
    assert name in str(info.value)


def test_malformed_json_names_line_and_column(reader: OrukJsonReader, oruk_dir: Path) -> None:
    with pytest.raises(FileUnreadable) as info:
        reader.read(oruk_dir / "malformed.json")
    message = str(info.value)
    assert "malformed.json (line 3, column 16)" in message
    assert "Expecting ',' delimiter" in message
    assert info.value.locator == "line 3, column 16"


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_absurdly_deep_json_is_refused_without_recursion_error(
    reader: OrukJsonReader, tmp_path: Path, opener: str
) -> None:
    path = write(tmp_path, opener * 100_000)
    with pytest.raises(FileUnreadable, match="nested more than 64 levels") as info:
        reader.read(path)
    assert info.value.locator == ("line 1, column 65" if opener == "[" else "line 1, column 321")


def test_depth_limit_ignores_brackets_inside_strings(reader: OrukJsonReader, tmp_path: Path) -> None:
    text = json.dumps([{"id": "a", "name": "[" * 500 + '\\"{' * 100}])
    assert reader.read(write(tmp_path, text)).records[0].data["id"] == "a"


def test_depth_exactly_at_the_limit_is_fine(tmp_path: Path) -> None:
    ok = "[" * 64 + "]" * 64
    assert load_json(write(tmp_path, ok, "ok.json")).value is not None
    with pytest.raises(FileUnreadable, match="nested more than 64"):
        load_json(write(tmp_path, "[" + ok + "]", "deep.json"))


def test_folder_and_missing_file(reader: OrukJsonReader, tmp_path: Path) -> None:
    with pytest.raises(FileUnreadable, match="folder"):
        reader.read(tmp_path)
    with pytest.raises(FileUnreadable, match="no such file"):
        reader.read(tmp_path / "nope.json")


def test_file_over_the_size_limit(oruk_dir: Path) -> None:
    with pytest.raises(FileUnreadable, match="over the import limit of 100 bytes"):
        OrukJsonReader(max_bytes=100).read(oruk_dir / "v1_list.json")


@pytest.mark.parametrize(
    ("name", "detail"),
    [
        ("number.json", "the file holds a number"),
        ("strings.json", "$[0] is a string"),
        ("no_service_fields.json", "none of contents, content, items, data and no service fields"),
    ],
)
def test_valid_json_that_is_not_services(
    reader: OrukJsonReader, oruk_dir: Path, name: str, detail: str
) -> None:
    with pytest.raises(FileUnreadable, match="not an Open Referral service list") as info:
        reader.read(oruk_dir / name)
    assert detail in str(info.value) and name in str(info.value)


def test_list_of_objects_without_service_fields(tmp_path: Path) -> None:
    with pytest.raises(FileUnreadable, match="no element has service fields"):
        find_services([{"colour": "red"}, {"id": 3}], "f.json")


# --- encodings -----------------------------------------------------------------------------------


def test_cp1252_is_read_with_a_warning(reader: OrukJsonReader, oruk_dir: Path) -> None:
    result = reader.read(oruk_dir / "cp1252.json")
    data = result.records[0].data
    assert data["name"] == "Café Club" and data["fees"] == "£1 a cuppa – free for carers"
    [warning] = result.warnings
    assert warning.locator == "byte 28" and "Windows-1252" in warning.reason


def test_utf8_bom_and_utf16_are_read(reader: OrukJsonReader, tmp_path: Path) -> None:
    text = '[{"id": "b", "name": "Café"}]'
    bom = reader.read(write(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"), "bom.json"))
    assert bom.records[0].data["name"] == "Café" and bom.warnings == []
    utf16 = reader.read(write(tmp_path, text.encode("utf-16"), "u16.json"))
    assert utf16.records[0].data["name"] == "Café"
    assert "UTF-16" in utf16.warnings[0].reason


def test_bytes_that_are_neither_utf8_nor_cp1252(reader: OrukJsonReader, tmp_path: Path) -> None:
    with pytest.raises(FileUnreadable, match=r"neither UTF-8 nor Windows-1252 \(byte 0x81 at offset 9\)"):
        reader.read(write(tmp_path, b'[{"id": "\x81"}]'))


def test_giant_integer_is_a_clear_error(reader: OrukJsonReader, tmp_path: Path) -> None:
    with pytest.raises(FileUnreadable, match="malformed JSON"):
        reader.read(write(tmp_path, '[{"id": ' + "9" * 5000 + "}]"))


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.text(alphabet='[]{}",:0a \\\n', max_size=200)))
def test_any_input_gives_a_result_or_file_unreadable(content: bytes | str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), content)
        try:
            result = OrukJsonReader().read(path)
        except FileUnreadable as exc:
            assert str(path) in str(exc)
        else:
            assert_contract(result)


# --- real data -----------------------------------------------------------------------------------


def _raw(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.realdata
def test_real_oruk_v1_feeds(reader: OrukJsonReader, shared_data: Path) -> None:
    raw_dir = shared_data / "real" / "oruk-bristol-northlincs" / "raw"
    bristol = reader.read(raw_dir / "bristol_council_services.json")
    north_lincs = reader.read(raw_dir / "north_lincolnshire_council_services.json")
    assert (len(bristol.records), len(north_lincs.records)) == (818, 738)
    [duplicate] = bristol.problems
    assert duplicate.locator == "$[810]" and "(first at $[373])" in duplicate.reason
    assert duplicate.reason.startswith("duplicate id ")
    assert north_lincs.problems == []

    for result, name in (
        (bristol, "bristol_council_services.json"),
        (north_lincs, "north_lincolnshire_council_services.json"),
    ):
        assert_contract(result)
        raw = _raw(raw_dir / name)
        assured_by = {s["pc_metadata"]["assured_by"] for s in raw if s["pc_metadata"].get("assured_by")}
        assert assured_by  # the feed really has them, so the check below means something
        with_audience = 0
        for record in result.records:
            source = raw[int(record.locator.strip("$[]"))]
            data = record.data
            assert data["id"] == source["id"] and data["extras"]["oruk_version"] == "1.0"
            assert data.get("organization", {}).get("name") == (source.get("organization") or {}).get("name")
            assert data.get("assured_date") == (
                source["assured_date"] or source["pc_metadata"]["date_assured"] or None
            )
            assert data["last_modified"] == source["pc_metadata"]["date_modified"]
            audiences = [a["audienceType"] for a in source["pc_targetAudience"]]
            terms = data.get("taxonomy_terms", [])
            assert [t["taxonomy"] for t in terms] == ["oruk-v1-target-audience"] * len(audiences)
            assert [(t.get("parent") + ">" if "parent" in t else "") + t["term"] for t in terms] == audiences
            with_audience += bool(terms)
            text = json.dumps(data)
            assert "assured_by" not in text
            assert not any(email in text for email in assured_by)
        assert with_audience == sum(1 for s in raw if s["pc_targetAudience"])


@pytest.mark.realdata
def test_oruk_3_examples(reader: OrukJsonReader, shared_data: Path) -> None:
    examples = shared_data / "oruk-schema" / "uk-profile-3.0" / "examples"
    full = reader.read(examples / "service_full.json")
    listing = reader.read(examples / "service_list.json")
    for result in (full, listing):
        assert_contract(result)
        assert result.problems == [] and len(result.records) == 1
        assert result.records[0].data["extras"]["oruk_version"] == "3.0"
    assert listing.records[0].locator == "$.contents[0]"
    data = full.records[0].data
    source = json.loads((examples / "service_full.json").read_text(encoding="utf-8"))
    assert data["organization"]["name"] == source["organization"]["name"]
    assert (
        data["service_at_locations"][0]["location"]["addresses"][0]["postal_code"]
        == (source["service_at_locations"][0]["location"]["addresses"][0]["postal_code"])
    )
    assert data["taxonomy_terms"][0]["term"] == source["attributes"][0]["taxonomy_term"]["name"]
    assert (data["minimum_age"], data["maximum_age"]) == (source["minimum_age"], source["maximum_age"])
    assert "assurer_email" not in json.dumps(data)
