"""HSDS CSV data package reader: joins, HSDS 1.x schedules, aggregated warnings, bad packages."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from navigator.ingest.readers.base import FileUnreadable, ReadResult
from navigator.ingest.readers.hsds_csv import HsdsCsvReader


@pytest.fixture
def package(fixtures_dir: Path) -> Path:
    return fixtures_dir / "hsds_csv" / "package"


@pytest.fixture
def result(package: Path) -> ReadResult:
    return HsdsCsvReader().read(package)


def by_id(result: ReadResult) -> dict[str, dict[str, Any]]:
    return {r.data["id"]: r.data for r in result.records}


def copy_package(package: Path, tmp_path: Path) -> Path:
    target = tmp_path / "pkg"
    shutil.copytree(package, target)
    return target


def test_reads_every_service_with_its_line(result: ReadResult) -> None:
    assert [r.data["id"] for r in result.records] == ["svc-1", "svc-2", "svc-3", "svc-4"]
    # svc-2's description holds a real (quoted) newline, so svc-3 starts one line further down
    assert [r.locator for r in result.records] == [
        "services.csv line 2",
        "services.csv line 3",
        "services.csv line 5",
        "services.csv line 6",
    ]
    assert all(r.file == "services.csv" for r in result.records)
    assert result.problems == []


def test_service_fields_and_literal_newlines(result: ReadResult) -> None:
    svc = by_id(result)["svc-1"]
    assert svc["name"] == "Food Parcels"
    assert (
        svc["description"] == "Emergency food parcels for anyone in crisis.\nNo referral needed on Tuesdays."
    )
    assert svc["url"] == "https://bridportfoodshare.example.org/parcels"
    assert svc["status"] == "active"
    assert svc["extras"] == {"application_process": "Call or drop in"}
    assert by_id(result)["svc-2"]["fees"] == "£1 for tea and cake"
    assert by_id(result)["svc-3"]["extras"]["wait_time"] == "About a week"


def test_organization_location_address_accessibility(result: ReadResult) -> None:
    svc = by_id(result)["svc-1"]
    assert svc["organization"] == {
        "id": "org-1",
        "name": "Bridport Food Share",
        "description": "A volunteer food bank for Bridport and the villages around it.",
        "website": "https://bridportfoodshare.example.org",
        "email": "hello@bridportfoodshare.example.org",
    }
    [sal] = svc["service_at_locations"]
    loc = sal["location"]
    assert (loc["id"], loc["name"], loc["latitude"], loc["longitude"]) == (
        "loc-1",
        "Bridport Methodist Hall",
        "50.7336",
        "-2.7584",
    )
    assert loc["addresses"] == [
        {
            "address_1": "South Street",
            "address_2": "Side door",
            "city": "Bridport",
            "region": "Dorset",
            "postal_code": "DT6 3NN",
            "country": "GB",
        }
    ]
    assert loc["accessibility"] == [
        {"description": "Wheelchair accessible", "details": "Ramp at the side door"}
    ]
    # the same location serves svc-4 too
    assert by_id(result)["svc-4"]["service_at_locations"][0]["location"]["id"] == "loc-1"


def test_phones_by_service_location_and_organisation_but_not_staff(result: ReadResult) -> None:
    services = by_id(result)
    assert services["svc-1"]["phones"] == [
        {"number": "01632 960101", "description": "Parcel line"},
        {"number": "01632 960111", "description": "Hall"},
    ]
    # the organisation's number reaches its service; the coordinator's own mobile (a contact) does not
    assert services["svc-2"]["phones"] == [{"number": "01632 960202", "description": "ext. 12"}]
    assert services["svc-4"]["phones"] == [{"number": "01632 960111", "description": "Hall"}]


def test_contacts_are_never_read(result: ReadResult) -> None:
    dumped = json.dumps([r.data for r in result.records])
    assert "Jo Invented" not in dumped
    assert "jo.invented" not in dumped
    assert "07700 900333" not in dumped
    assert all("contacts" not in r.data for r in result.records)


def test_hsds1_weekday_rows_fold_into_patterns(result: ReadResult) -> None:
    services = by_id(result)
    assert services["svc-1"]["schedules"] == [
        {
            "freq": "WEEKLY",
            "byday": "TU,FR",
            "opens_at": "10:00am",
            "closes_at": "12:00pm",
            "description": "10am-12pm Tue & Fri; 2pm-4pm Wed",
        },
        # the same original_text is kept once only
        {"freq": "WEEKLY", "byday": "WE", "opens_at": "2:00pm", "closes_at": "4:00pm"},
    ]
    # linked by service_at_location; weekday given as an ISO number (6 = Saturday)
    assert services["svc-2"]["schedules"] == [
        {
            "freq": "WEEKLY",
            "byday": "SA",
            "opens_at": "13:30",
            "closes_at": "15:30",
            "description": "Second Saturday of the month",
        }
    ]


def test_taxonomy_languages_eligibility(result: ReadResult) -> None:
    services = by_id(result)
    assert services["svc-1"]["taxonomy_terms"] == [
        {"term": "Food Banks", "code": "T-FOOD", "taxonomy": "demo-vocab", "parent": "Basic Needs"}
    ]
    assert services["svc-3"]["taxonomy_terms"] == [
        {"term": "Benefits Advice", "code": "T-BEN", "taxonomy": "demo-vocab"}
    ]
    assert services["svc-1"]["languages"] == [{"name": "English"}, {"name": "Polish"}]
    assert services["svc-2"]["eligibility_description"] == "Unpaid carers of any age"
    assert "eligibility_description" not in services["svc-1"]


def test_unjoinable_rows_give_one_warning_per_table(result: ReadResult) -> None:
    warnings = {(w.file, w.reason): w.locator for w in result.warnings}
    assert warnings == {
        ("eligibility.csv", "2 rows have no service_id and were not used"): "lines 3, 4",
        ("services_taxonomy.csv", "1 row points at no known service; not used"): "line 6",
        ("services_taxonomy.csv", "1 row names a taxonomy term not in taxonomy"): "line 7",
        ("services.csv", "1 service names an organization_id not in the organizations table"): "line 5",
    }


def test_datapackage_json_path_and_data_subfolder(package: Path, tmp_path: Path) -> None:
    direct = HsdsCsvReader().read(package / "datapackage.json")
    assert [r.data for r in direct.records] == [r.data for r in HsdsCsvReader().read(package).records]
    # Miami's layout: the descriptor names "services.csv" but the tables sit in data/
    moved = tmp_path / "miami-like"
    (moved / "data").mkdir(parents=True)
    shutil.copy(package / "datapackage.json", moved)
    for csv_file in package.glob("*.csv"):
        shutil.copy(csv_file, moved / "data")
    assert len(HsdsCsvReader().read(moved).records) == 4
    # one table of a package stands for the whole package
    assert HsdsCsvReader().sniff(moved / "data" / "phones.csv")
    assert len(HsdsCsvReader().read(moved / "data" / "services.csv").records) == 4


def test_sniff(package: Path, tmp_path: Path) -> None:
    reader = HsdsCsvReader()
    assert reader.sniff(package)
    assert reader.sniff(package / "datapackage.json")
    assert reader.sniff(package / "services.csv")  # a table of a package: read the package
    assert not reader.sniff(tmp_path)
    (tmp_path / "loose.csv").write_text("id,name\n")
    assert not reader.sniff(tmp_path / "loose.csv")


def test_missing_descriptor_is_unreadable(package: Path, tmp_path: Path) -> None:
    pkg = copy_package(package, tmp_path)
    (pkg / "datapackage.json").unlink()
    with pytest.raises(FileUnreadable, match=r"no datapackage\.json here"):
        HsdsCsvReader().read(pkg)


def test_invalid_descriptor_names_the_place(package: Path, tmp_path: Path) -> None:
    pkg = copy_package(package, tmp_path)
    (pkg / "datapackage.json").write_text('{"resources": [\n  {"path": "services.csv",}\n]}')
    with pytest.raises(FileUnreadable, match="not valid JSON") as err:
        HsdsCsvReader().read(pkg)
    assert err.value.locator == "line 2 column 27"


def test_missing_services_table_is_unreadable(package: Path, tmp_path: Path) -> None:
    pkg = copy_package(package, tmp_path)
    (pkg / "services.csv").unlink()
    with pytest.raises(FileUnreadable, match="no services table"):
        HsdsCsvReader().read(pkg)


def test_services_without_id_column_is_unreadable(package: Path, tmp_path: Path) -> None:
    pkg = copy_package(package, tmp_path)
    (pkg / "services.csv").write_text("name,description\nFood,Parcels\n")
    with pytest.raises(FileUnreadable, match=r"no `id` column \(found: name, description\)"):
        HsdsCsvReader().read(pkg)


def test_bad_service_rows_are_problems(package: Path, tmp_path: Path) -> None:
    pkg = copy_package(package, tmp_path)
    header = "id,organization_id,name,description\n"
    rows = (
        "svc-1,org-1,Food,ok\n,org-1,No id,x\nsvc-1,org-1,Again,x\n"
        "svc-5,org-1,Too,many,cells\nsvc-6,org-2,Fine,\n"
    )
    (pkg / "services.csv").write_text(header + rows)
    result = HsdsCsvReader().read(pkg)
    assert [r.data["id"] for r in result.records] == ["svc-1", "svc-6"]
    reasons = {p.locator: p.reason for p in result.problems}
    assert reasons["services.csv line 3"] == "service has no id"
    assert reasons["services.csv line 4"] == "duplicate id svc-1 (first at line 2)"
    assert reasons["services.csv line 5"].startswith("has 5 cells but the header (line 1) names 4 columns")


def test_resource_path_cannot_leave_the_package(package: Path, tmp_path: Path) -> None:
    pkg = copy_package(package, tmp_path)
    (tmp_path / "services.csv").write_text("id,name\nevil,Outside\n")
    (pkg / "services.csv").unlink()
    descriptor = {"resources": [{"name": "services", "path": "../services.csv"}]}
    (pkg / "datapackage.json").write_text(json.dumps(descriptor))
    with pytest.raises(FileUnreadable, match="no services table"):
        HsdsCsvReader().read(pkg)


def test_hsds3_tables(tmp_path: Path) -> None:
    """HSDS 3.0 names: schedules with byday, taxonomy_terms + attributes by link_id, address_type."""
    pkg = tmp_path / "hsds3"
    pkg.mkdir()
    (pkg / "datapackage.json").write_text(json.dumps({"resources": []}))
    files = {
        "services.csv": "id,name,organization_id,minimum_age\ns1,Drop-in,,16\n",
        "locations.csv": "id,name,latitude,longitude,location_type\nl1,Hall,51.1,-1.2,physical\n",
        "service_at_location.csv": "id,service_id,location_id\nsal1,s1,l1\n",
        "address.csv": "id,location_id,address_1,city,postal_code,address_type\n"
        "a1,l1,1 High St,Bath,BA1 1AA,physical\na2,l1,PO Box 9,Bath,BA1 9ZZ,postal\n",
        "schedule.csv": "id,service_id,freq,byday,opens_at,closes_at,description\n"
        "sc1,s1,WEEKLY,MO,09:00,12:00,Mornings\n",
        "taxonomy.csv": "id,name\ntx1,Demo vocabulary\n",
        "taxonomy_term.csv": "id,code,name,taxonomy_id\ntt1,FOOD,Food,tx1\n",
        "attribute.csv": "id,link_id,link_type,link_entity,taxonomy_term_id\n"
        "at1,s1,,service,tt1\nat2,l1,,location,tt1\n",
        "cost_option.csv": "id,service_id,option,amount,amount_description\nc1,s1,Adult,2.50,per visit\n",
        "service_area.csv": "id,service_id,name,extent_type\nsa1,s1,Bath and North East Somerset,\n",
    }
    for name, content in files.items():
        (pkg / name).write_text(content)
    [record] = HsdsCsvReader().read(pkg).records
    data = record.data
    assert data["minimum_age"] == "16"
    assert data["schedules"] == [
        {
            "freq": "WEEKLY",
            "byday": "MO",
            "opens_at": "09:00",
            "closes_at": "12:00",
            "description": "Mornings",
        }
    ]
    assert data["taxonomy_terms"] == [{"term": "Food", "code": "FOOD", "taxonomy": "Demo vocabulary"}]
    [address] = data["service_at_locations"][0]["location"]["addresses"]
    assert address["postal_code"] == "BA1 1AA"
    assert data["cost_options"] == [{"option": "Adult", "amount": "2.50", "amount_description": "per visit"}]
    assert data["service_areas"] == [{"name": "Bath and North East Somerset"}]


@pytest.mark.realdata
def test_miami_package(shared_data: Path) -> None:
    start = time.perf_counter()
    result = HsdsCsvReader().read(shared_data / "real" / "miami-211-hsds" / "raw")
    seconds = time.perf_counter() - start
    print(f"Miami HSDS package: {len(result.records)} records in {seconds:.2f} s")
    assert seconds < 30
    assert len(result.records) == 4089
    assert result.problems == []
    services = by_id(result)
    girl_scouts = services["136"]
    assert girl_scouts["name"] == "GIRL SCOUTS COUNCIL OF TROPICAL FLORIDA, INC."
    terms = {t["term"] for t in girl_scouts["taxonomy_terms"]}
    assert {"Scouting Programs", "Volunteer Opportunities"} <= terms
    assert girl_scouts["schedules"][0]["description"] == "9:00am-5:00pm, Mon-Fri"
    assert girl_scouts["schedules"][0]["byday"] == "MO,TU,WE,TH,FR"
    assert girl_scouts["phones"] == [{"number": "305-253-4841"}]
    address = girl_scouts["service_at_locations"][0]["location"]["addresses"][0]
    assert (address["address_1"], address["postal_code"]) == ("11347 SW 160th Street", "33157")
    assert "\\n" not in girl_scouts["description"]
    assert sum("organization" in s for s in services.values()) == 3642
    assert sum("taxonomy_terms" in s for s in services.values()) == 3589
    assert sum("schedules" in s for s in services.values()) == 2597
    assert any(
        w.file == "eligibility.csv" and w.reason.startswith("2,244 rows have no service_id")
        for w in result.warnings
    )
    # named staff in contacts.csv stay out
    assert "cwilkerson@" not in json.dumps(girl_scouts)


def test_ragged_link_table_rows_are_one_warning(package: Path, tmp_path: Path) -> None:
    pkg = copy_package(package, tmp_path)
    with (pkg / "languages.csv").open("a", encoding="utf-8") as fh:
        fh.write("9,svc-2,loc-2,French,oops\n10,svc-2\n")
    result = HsdsCsvReader().read(pkg)
    assert result.problems == []
    [warning] = [w for w in result.warnings if w.file == "languages.csv"]
    assert (warning.locator, warning.reason) == (
        "lines 5, 6",
        "2 rows have the wrong number of cells; not used",
    )
    assert "languages" not in by_id(result)["svc-2"]
