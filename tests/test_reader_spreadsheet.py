"""Spreadsheet reader (template, aliases, three tables, XLSX) and the shared tabular reading under it."""

from __future__ import annotations

import csv
import re
import shutil
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from navigator.ingest.readers.base import FileUnreadable, ReadResult
from navigator.ingest.readers.spreadsheet import SpreadsheetReader
from navigator.ingest.readers.spreadsheet_columns import TEMPLATE_COLUMNS, parse_opening_times
from navigator.ingest.readers.tabular import read_csv, to_table, xlsx_cell_text

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def sheets(fixtures_dir: Path) -> Path:
    return fixtures_dir / "spreadsheet"


@pytest.fixture
def template(sheets: Path) -> ReadResult:
    return SpreadsheetReader().read(sheets / "template_kendal.csv")


def by_id(result: ReadResult) -> dict[str, dict[str, Any]]:
    return {r.data["id"]: r.data for r in result.records}


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text that starts with "=", as Excel stores '=...
    book.save(path)
    return path


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


# --- the template ---------------------------------------------------------------------------


def test_template_rows_lines_and_duplicates(template: ReadResult) -> None:
    ids = [r.data["id"] for r in template.records]
    assert ids == ["KEN-001", "KEN-002", "KEN-003", "KEN-004", "KEN-005", "KEN-006", "KEN-007", "KEN-008"]
    # KEN-001's description spans two physical lines, so KEN-002 starts on line 4
    assert [r.locator for r in template.records[:3]] == [
        "template_kendal.csv line 2",
        "template_kendal.csv line 4",
        "template_kendal.csv line 5",
    ]
    [problem] = template.problems
    assert problem.reason == "duplicate id KEN-001 (first at line 2)"
    assert problem.locator == "template_kendal.csv line 10"


def test_template_fields(template: ReadResult) -> None:
    cafe = by_id(template)["KEN-001"]
    assert cafe["name"] == "Chatty Café"
    assert (
        cafe["description"]
        == "A friendly drop-in for a cuppa and a chat.\nEveryone welcome; no need to book."
    )
    assert cafe["organization"] == {"name": "Kendal Community Trust"}
    assert cafe["url"] == "https://kendaltrust.example.org/chatty-cafe"
    assert cafe["email"] == "hello@kendaltrust.example.org"
    assert cafe["phones"] == [{"number": "01632 960301"}]
    assert cafe["service_at_locations"] == [
        {
            "location": {
                "addresses": [
                    {
                        "address_1": "Friends Meeting House, Stramongate",
                        "city": "Kendal",
                        "postal_code": "LA9 4BH",
                    }
                ],
                "accessibility": [{"description": "Step-free entrance"}],
            }
        }
    ]
    assert (cafe["free"], cafe["minimum_age"], cafe["hide_exact_address"]) == ("yes", "18", "no")
    assert cafe["delivery"] == "in person"
    assert cafe["languages"] == ["English", "Polish"]
    assert cafe["taxonomy_terms"] == [
        {"term": "Social activities", "taxonomy": "local"},
        {"term": "Loneliness", "taxonomy": "local"},
    ]
    assert (cafe["status"], cafe["assured_date"]) == ("active", "2025-03-31")
    advice = by_id(template)["KEN-002"]
    assert advice["phones"] == [{"number": "01632 960302"}, {"number": "07700 900302"}]
    loc = advice["service_at_locations"][0]["location"]
    assert (loc["latitude"], loc["longitude"]) == ("54.3280", "-2.7460")
    assert loc["addresses"][0]["address_2"] == "Unit 4"
    assert advice["service_areas"] == ["South Lakeland"]
    assert by_id(template)["KEN-003"]["fees"] == "£3 per adult, children free"
    assert by_id(template)["KEN-005"]["hide_exact_address"] == "yes"


def test_template_opening_times(template: ReadResult) -> None:
    services = by_id(template)
    assert services["KEN-001"]["schedules"] == [
        {"freq": "WEEKLY", "byday": "TU", "opens_at": "10:00", "closes_at": "12:00"},
        {"freq": "WEEKLY", "byday": "TH", "opens_at": "13:30", "closes_at": "15:30"},
    ]
    assert services["KEN-002"]["schedules"] == [
        {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "17:00"},
        {"description": "Closed bank holidays"},
    ]
    assert services["KEN-003"]["schedules"] == [
        {"freq": "WEEKLY", "byday": "SA,SU", "opens_at": "14:00", "closes_at": "16:00"},
        {"freq": "MONTHLY", "byday": "2SU", "opens_at": "10:30", "closes_at": "12:30"},
    ]
    assert [s["byday"] for s in services["KEN-006"]["schedules"]] == ["WE", "WE"]
    assert services["KEN-007"]["schedules"] == [  # "Sun closed" needs no entry
        {"freq": "WEEKLY", "byday": "MO,WE", "opens_at": "18:00", "closes_at": "19:30"}
    ]
    assert services["KEN-005"]["schedules"][0]["byday"] == "MO,TU,WE,TH,FR,SA,SU"


def test_unparsed_opening_times_kept_as_notes_with_a_warning(template: ReadResult) -> None:
    carers = by_id(template)["KEN-004"]
    assert carers["schedules"] == [
        {"freq": "MONTHLY", "byday": "-1FR", "opens_at": "10:00", "closes_at": "11:30"},
        {"description": "Tuesdays after school"},
    ]
    [warning] = [w for w in template.warnings if "opening_times" in w.reason]
    assert warning.locator == "template_kendal.csv line 6"
    assert "Tuesdays after school" in warning.reason


def test_formula_like_cells_and_blank_names_are_kept(template: ReadResult) -> None:
    services = by_id(template)
    assert services["KEN-004"]["description"] == "=Come along: meet other carers over coffee."
    assert "name" not in services["KEN-008"]  # yielded anyway: the validator rejects it
    assert services["KEN-006"]["taxonomy_terms"] == [  # no ";" in the cell, so commas split
        {"term": "Physical activity", "taxonomy": "local"},
        {"term": "Older people", "taxonomy": "local"},
    ]


@pytest.mark.parametrize(
    ("cell", "entries", "bad"),
    [
        ("Mon-Fri 9am-5pm", [("MO,TU,WE,TH,FR", "9am", "5pm")], []),
        ("Fri-Mon 10.00-14.00", [("FR,SA,SU,MO", "10.00", "14.00")], []),
        ("Weekends 10:00 to 16:00", [("SA,SU", "10:00", "16:00")], []),
        ("Tuesdays & Thursdays 9:30-11:30", [("TU,TH", "9:30", "11:30")], []),
        ("Weds 12:00-13:00", [("WE", "12:00", "13:00")], []),
        ("1st Mon, Wed 19:00-21:00", [("1MO,1WE", "19:00", "21:00")], []),
        ("Tue 10:00-12:00 (term time)", [], ["Tue 10:00-12:00 (term time)"]),
        ("10:00-12:00", [], ["10:00-12:00"]),
        ("T 10:00-12:00", [], ["T 10:00-12:00"]),
        ("Sat closed; Sun closed", [], []),
        ("", [], []),
    ],
)
def test_opening_times_syntax(cell: str, entries: list[tuple[str, str, str]], bad: list[str]) -> None:
    parsed, not_parsed = parse_opening_times(cell)
    assert [(e["byday"], e["opens_at"], e["closes_at"]) for e in parsed] == entries
    assert not_parsed == bad


def test_template_as_xlsx_matches_csv(sheets: Path, tmp_path: Path, template: ReadResult) -> None:
    rows = csv_rows(sheets / "template_kendal.csv")
    path = write_xlsx(
        tmp_path / "kendal.xlsx", {"Read me": [["How to fill this in"], ["..."]], "Services": rows}
    )
    result = SpreadsheetReader().read(path)
    assert [r.data for r in result.records] == [r.data for r in template.records]
    # XLSX lines are spreadsheet rows: KEN-002 is row 3 (no multi-line shift)
    assert result.records[1].locator == "kendal.xlsx [Services] line 3"
    assert [p.reason for p in result.problems] == ["duplicate id KEN-001 (first at line 2)"]


def test_xlsx_cell_types_and_formulas(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "types.xlsx",
        {
            "Sheet1": [
                ["ID", "Name", "Free", "Phone", "Latitude", "Last verified", "Notes"],
                [101, "Lunch club", True, 1632960999, 54.5, date(2025, 3, 31), None],
            ]
        },
    )
    book = openpyxl.load_workbook(path)
    book["Sheet1"]["G2"].value = "=1+2"  # a real formula, never calculated by a spreadsheet app
    book.save(path)
    [record] = SpreadsheetReader().read(path).records
    data = record.data
    assert (data["id"], data["free"], data["phones"]) == ("101", "TRUE", [{"number": "1632960999"}])
    assert data["service_at_locations"][0]["location"]["latitude"] == "54.5"
    assert data["assured_date"] == "2025-03-31"
    # a formula never saved by Excel has no cached value: we never evaluate it
    assert "Notes" not in data.get("extras", {})


def test_xlsx_three_sheets(sheets: Path, tmp_path: Path) -> None:
    folder = sheets / "three_table"
    path = write_xlsx(
        tmp_path / "directory.xlsx",
        {name: csv_rows(folder / f"{name}.csv") for name in ("services", "organisations", "locations")},
    )
    from_csv = SpreadsheetReader().read(folder)
    from_xlsx = SpreadsheetReader().read(path)
    assert [r.data for r in from_xlsx.records] == [r.data for r in from_csv.records]


# --- aliases and ids --------------------------------------------------------------------------


def test_aliased_sheet_maps_without_editing(sheets: Path) -> None:
    result = SpreadsheetReader().read(sheets / "aliased_stroud.csv")
    services = by_id(result)
    assert list(services) == ["STR-10", "STR-11", "STR-12"]
    assert result.records[0].locator == "aliased_stroud.csv line 4"
    repair = services["STR-10"]
    assert repair["name"] == "Repair Café"
    assert repair["organization"] == {"name": "Stroud Transition"}
    assert repair["url"] == "stroudrepair.example.org"
    assert repair["phones"] == [{"number": "01632 960410"}]
    assert repair["service_at_locations"][0]["location"]["addresses"] == [
        {"address_1": "Lansdown Hall, Lansdown", "city": "Stroud", "postal_code": "GL5 1BB"}
    ]
    assert repair["schedules"] == [{"description": "Last Saturday of the month, 10am-1pm"}]
    assert repair["free"] == "Yes"
    assert repair["eligibility_description"] == "Everyone"
    assert [t["term"] for t in repair["taxonomy_terms"]] == ["Community event", "Repairs", "Reuse"]
    assert repair["extras"] == {"Notes for volunteers": "Bring spare fuses"}
    shed = services["STR-11"]
    assert (shed["fees"], shed["free"], shed["minimum_age"]) == ("£2 a session", "No", "18")
    assert services["STR-12"]["maximum_age"] == "5"
    reasons = [w.reason for w in result.warnings]
    assert "columns kept as extras (not template columns): Notes for volunteers" in reasons
    assert any("skipped as titles" in r for r in reasons)
    assert result.problems == []


def test_no_id_column_derives_stable_ids(tmp_path: Path) -> None:
    path = tmp_path / "noid.csv"
    path.write_text(
        "Name,Organisation\nChatty Café,Kendal Trust\nChatty Café,Kendal Trust\nYoga,\n", encoding="utf-8"
    )
    result = SpreadsheetReader().read(path)
    assert [r.data["id"] for r in result.records] == [
        "kendal-trust-chatty-cafe",
        "kendal-trust-chatty-cafe-2",
        "yoga",
    ]
    assert sum("no service id column" in w.reason for w in result.warnings) == 1


def test_empty_id_cell_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "blankid.csv"
    path.write_text("ID,Name\n,Yoga\nA1,Pilates\n", encoding="utf-8")
    result = SpreadsheetReader().read(path)
    assert [r.data["id"] for r in result.records] == ["A1"]
    assert result.problems[0].locator == "blankid.csv line 2"
    assert "service id is empty" in result.problems[0].reason


def test_example_rows_are_skipped(tmp_path: Path) -> None:
    shutil.copy(REPO / "directory_data" / "template.csv", tmp_path / "t.csv")
    with (tmp_path / "t.csv").open("a", encoding="utf-8") as fh:
        fh.write("REAL-1,Real service" + "," * (len(TEMPLATE_COLUMNS) - 2) + "\n")
    result = SpreadsheetReader().read(tmp_path / "t.csv")
    assert [r.data["id"] for r in result.records] == ["REAL-1"]
    assert any("EXAMPLE" in w.reason for w in result.warnings)


# --- three tables ---------------------------------------------------------------------------


def test_three_tables_join_by_name(sheets: Path) -> None:
    folder = sheets / "three_table"
    result = SpreadsheetReader().read(folder)
    assert [r.data for r in result.records] == [
        r.data for r in SpreadsheetReader().read(folder / "services.csv").records
    ]
    services = by_id(result)
    lunch = services["WS001"]
    assert lunch["organization"] == {
        "id": "O1",
        "name": "Whitby Harbour Friends",
        "description": "Neighbours looking after the harbour side.",
        "website": "https://harbourfriends.example.org",
    }
    assert lunch["url"] == "https://harbourfriends.example.org"  # the organisation's website, as a fallback
    assert lunch["extras"]["Organisation(s)"] == "Whitby Harbour Friends;Abbey Mission"
    assert lunch["extras"]["Org Type"] == "Community Group"
    assert lunch["extras"]["Tide table"] == "high"
    [sal] = lunch["service_at_locations"]
    assert sal["location"] == {
        "id": "L1",
        "name": "St Ninian's Hall",
        "latitude": "54.4858",
        "longitude": "-0.6149",
        "addresses": [{"address_1": "Baxtergate", "city": "Whitby", "postal_code": "YO21 1BN"}],
    }
    assert lunch["phones"] == [{"number": "01632 960501", "description": "St Ninian's Hall"}]
    assert lunch["schedules"] == [{"description": "12:00-2pm every Wednesday"}]
    assert {"term": "eat-well", "taxonomy": "folkestone"} in lunch["taxonomy_terms"]
    assert {"term": "Regular event", "taxonomy": "folkestone"} in lunch["taxonomy_terms"]
    shelter = services["WS002"]
    assert shelter["url"] == "https://abbeymission.example.org/shelter"
    assert shelter["eligibility_description"] == "Homeless people only; By referral only"
    assert shelter["delivery"] == "Online"  # a venue called Online is a way of delivery
    assert [s["location"]["name"] for s in shelter["service_at_locations"]] == ["Abbey Mission Hall"]
    assert (shelter["minimum_age"], shelter["free"]) == ("18", "TRUE")
    singers = services["WS004"]
    assert "organization" in singers and singers["organization"] == {"name": "Esk Valley Voices"}
    assert len(singers["service_at_locations"]) == 2
    reasons = " ".join(w.reason for w in result.warnings)
    assert "1 organisation name is not in organisations.csv: 'Esk Valley Voices' (line 6)" in reasons
    assert "'West Cliff Beach' (line 5)" in reasons


# --- encodings --------------------------------------------------------------------------------


def test_cp1252_file(tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_bytes("ID,Name,Cost\n1,Café Crème,£2 – £3\n2,Tea,\n".encode("cp1252"))
    result = SpreadsheetReader().read(path)
    assert result.records[0].data["name"] == "Café Crème"
    assert result.records[0].data["fees"] == "£2 – £3"
    assert any("read as cp1252" in w.reason for w in result.warnings)


def test_mixed_encodings_lose_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    lines = ["ID,Name", "1,Crèche Club", "2,Naïve Art", "3,Plain", "4,Café Bar"]
    data = b"\n".join(line.encode("cp1252" if i in (2, 4) else "utf-8") for i, line in enumerate(lines))
    path.write_bytes(data + b"\n")
    result = SpreadsheetReader().read(path)
    assert [r.data["name"] for r in result.records] == ["Crèche Club", "Naïve Art", "Plain", "Café Bar"]
    [warning] = [w for w in result.warnings if "mixed encodings" in w.reason]
    assert warning.locator == "lines 3, 5"


def test_bom_and_utf16(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_bytes("Service ID,Service name\nB1,Bump\n".encode("utf-8-sig"))
    assert SpreadsheetReader().read(bom).records[0].data == {"id": "B1", "name": "Bump"}
    utf16 = tmp_path / "unicode.tsv"
    utf16.write_bytes("ID\tName\nU1\tÜber Club\n".encode("utf-16"))
    assert SpreadsheetReader().read(utf16).records[0].data == {"id": "U1", "name": "Über Club"}


def test_semicolon_delimited(tmp_path: Path) -> None:
    path = tmp_path / "euro.csv"
    path.write_text("ID;Name;Description\nE1;Koffie;Tea, coffee, cake\n", encoding="utf-8")
    assert SpreadsheetReader().read(path).records[0].data["description"] == "Tea, coffee, cake"


# --- bad input --------------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(FileUnreadable, match=r"empty\.csv: the file is empty"):
        SpreadsheetReader().read(tmp_path / "empty.csv")


def test_folder_without_services(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(FileUnreadable, match=r"is a folder without a services\.csv .*found: notes\.txt"):
        SpreadsheetReader().read(tmp_path)


def test_folder_with_datapackage_is_refused(tmp_path: Path) -> None:
    (tmp_path / "datapackage.json").write_text("{}")
    (tmp_path / "services.csv").write_text("id,name\n1,x\n")
    with pytest.raises(FileUnreadable, match="HSDS CSV data package"):
        SpreadsheetReader().read(tmp_path)


def test_too_big(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("ID,Name\n" + "1,x\n" * 100)
    with pytest.raises(FileUnreadable, match=r"the file is 0\.0 MB, over the 0\.0 MB limit"):
        SpreadsheetReader(max_bytes=100).read(path)


def test_no_header(tmp_path: Path) -> None:
    path = tmp_path / "noheader.csv"
    path.write_text("SRV1,Repair cafe,Folkestone\nSRV2,Lunch club,Hythe\n")
    with pytest.raises(FileUnreadable) as err:
        SpreadsheetReader().read(path)
    message = str(err.value)
    assert "no column for the service name" in message
    assert "SRV1, Repair cafe, Folkestone" in message
    assert "service_name, Service, Service name, Name" in message
    assert err.value.locator == "line 1"


def test_blank_header(tmp_path: Path) -> None:
    path = tmp_path / "blankheader.csv"
    path.write_text(",,\nSRV1,Repair cafe,Folkestone\n")
    with pytest.raises(FileUnreadable, match=r"The first row \(line 1 is blank\) holds: SRV1"):
        SpreadsheetReader().read(path)


def test_huge_cell(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    text = "word " * 2_000_000  # 10 MB
    path.write_text(f'ID,Name,Description\n1,Big,"{text}"\n2,Small,ok\n')
    result = SpreadsheetReader().read(path)
    assert len(result.records[0].data["description"]) == len(text.strip())
    assert result.records[1].locator == "huge.csv line 3"


def test_formula_prefixes_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "inject.csv"
    path.write_text('ID,Name,Description,Phone\n1,=HYPERLINK("http://x"),+44 fine,-1\n2,@SUM(A1),x,\n')
    services = by_id(SpreadsheetReader().read(path))
    assert services["1"]["name"] == '=HYPERLINK("http://x")'
    assert services["1"]["description"] == "+44 fine"
    assert services["1"]["phones"] == [{"number": "-1"}]
    assert services["2"]["name"] == "@SUM(A1)"


def test_wrong_number_of_cells_rejects_only_that_row(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("ID,Name,Town\n1,Yoga,Kendal\n2,Tai chi, Kendal,extra\n3,Pilates\n4,Dance,Kendal,,\n")
    result = SpreadsheetReader().read(path)
    assert [r.data["id"] for r in result.records] == ["1", "4"]  # trailing empty cells are fine
    assert [p.locator for p in result.problems] == ["ragged.csv line 3", "ragged.csv line 4"]
    assert result.problems[0].reason.startswith("has 4 cells but the header (line 1) names 3 columns")


def test_nul_bytes_are_removed_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(b"ID,Name\n1,Yo\x00ga\n2,Dance\n")
    result = SpreadsheetReader().read(path)
    assert [r.data["name"] for r in result.records] == ["Yoga", "Dance"]
    assert any(w.reason == "NUL bytes removed" and w.locator == "line 2" for w in result.warnings)


def test_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(FileUnreadable, match="does not look like a text CSV"):
        SpreadsheetReader().read(path)


def test_old_xls_and_broken_xlsx(tmp_path: Path) -> None:
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 600)
    with pytest.raises(FileUnreadable, match=r"old Excel \.xls"):
        SpreadsheetReader().read(xls)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(FileUnreadable, match="could not be opened as an Excel workbook"):
        SpreadsheetReader().read(broken)


def test_sniff(sheets: Path, tmp_path: Path, fixtures_dir: Path) -> None:
    reader = SpreadsheetReader()
    assert reader.sniff(sheets / "template_kendal.csv")
    assert reader.sniff(sheets / "three_table")
    assert reader.sniff(tmp_path / "x.xlsx")
    assert not reader.sniff(tmp_path)
    assert not reader.sniff(tmp_path / "x.json")
    package = fixtures_dir / "hsds_csv" / "package"
    assert not reader.sniff(package)
    assert not reader.sniff(package / "services.csv")


# --- template documentation -------------------------------------------------------------------


def test_template_csv_and_docs_cover_every_column() -> None:
    header = csv_rows(REPO / "directory_data" / "template.csv")[0]
    assert tuple(header) == TEMPLATE_COLUMNS
    docs = (REPO / "docs" / "spreadsheet-template.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(\w+)` \|", docs, flags=re.MULTILINE))
    assert set(TEMPLATE_COLUMNS) <= documented


# --- real data ------------------------------------------------------------------------------


@pytest.mark.realdata
def test_folkestone_three_tables(shared_data: Path) -> None:
    result = SpreadsheetReader().read(shared_data / "real" / "folkestone-hythe" / "raw")
    assert len(result.records) == 133
    assert result.problems == []
    services = by_id(result)
    repair = services["SRV001"]
    [sal] = repair["service_at_locations"]
    assert sal["location"]["addresses"][0]["postal_code"] == "CT19 5AE"
    assert repair["organization"]["name"] == "Repair Cafe"
    assert repair["extras"]["Organisation(s)"] == "Repair Cafe;Sunflower House"
    assert repair["free"] == "TRUE"
    assert {"term": "Zero waste", "taxonomy": "folkestone"} in repair["taxonomy_terms"]
    assert repair["schedules"] == [{"description": "10:30am - 12:30pm Every 2nd Sunday of the month"}]
    assert sum(r.get("free") == "TRUE" for r in services.values()) == 117
    assert sum("organization" in r for r in services.values()) == 133
    assert any("Homeless people only" in r.get("eligibility_description", "") for r in services.values())


# --- shared tabular reading -------------------------------------------------------------------


def test_tabular_refuses_folders_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(FileUnreadable, match="is a folder, but a file was expected"):
        read_csv(tmp_path)
    with pytest.raises(FileUnreadable, match="file not found"):
        read_csv(tmp_path / "nope.csv")


def test_blank_and_repeated_column_names_are_renamed_once(tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("ID,Name,Notes,,Notes\n1,Yoga,a,b,c\n")
    table = to_table(read_csv(path))
    assert table.header == ["ID", "Name", "Notes", "column 4", "Notes (2)"]
    [warning] = table.warnings
    assert (
        warning.reason == "blank or repeated column names were renamed: (blank) → column 4; Notes → Notes (2)"
    )
    record = SpreadsheetReader().read(path).records[0]
    assert record.data["extras"] == {"Notes": "a", "column 4": "b", "Notes (2)": "c"}


def test_quoted_newlines_keep_physical_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    path.write_bytes(b'ID,Name\r\n1,"two\r\nlines"\r\n\r\n2,after a blank line\r\n')
    rows = read_csv(path).rows
    assert [(r.line, r.cells[0]) for r in rows] == [(1, "ID"), (2, "1"), (5, "2")]
    assert rows[1].cells[1] == "two\r\nlines"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "TRUE"),
        (7700900123.0, "7700900123"),
        (54.328, "54.328"),
        (datetime(2025, 3, 31), "2025-03-31"),
        (datetime(2025, 3, 31, 9, 30), "2025-03-31 09:30"),
        (time(10, 30), "10:30"),
        ("=A1", "=A1"),
    ],
)
def test_xlsx_cell_text(value: object, text: str) -> None:
    assert xlsx_cell_text(value) == text


def test_other_csv_files_beside_a_sheet_are_not_joined(sheets: Path, tmp_path: Path) -> None:
    shutil.copytree(sheets / "three_table", tmp_path / "t")
    shutil.copy(tmp_path / "t" / "services.csv", tmp_path / "t" / "my-list.csv")
    data = by_id(SpreadsheetReader().read(tmp_path / "t" / "my-list.csv"))["WS001"]
    assert data["organization"] == {"name": "Whitby Harbour Friends"}
    assert [s["location"] for s in data["service_at_locations"]] == [{"name": "St Ninian's Hall"}]


def test_list_cells_split_on_semicolons_before_commas(tmp_path: Path) -> None:
    path = tmp_path / "lists.csv"
    path.write_text(
        "ID,Name,Categories,Type,Languages\n"
        '1,Shop,"Food, clothing and household; Advice",Drop-in,"English, Urdu"\n'
    )
    data = SpreadsheetReader().read(path).records[0].data
    assert [t["term"] for t in data["taxonomy_terms"]] == [
        "Food, clothing and household",
        "Advice",
        "Drop-in",
    ]
    assert data["languages"] == ["English", "Urdu"]
