"""Properties of spreadsheet export escaping (navigator/util/cells.py, navigator/export/spreadsheet.py).

For any text: `restore(neutralise(s)) == s`, and a neutralised cell is never one a spreadsheet
program would run as a formula. Through the whole path too: listings whose text is generated to
start formulas (=, +, -, @, tab, carriage return, after spaces or quotes) are imported from a
spreadsheet, exported as CSV and as XLSX, and imported again: no exported cell can start a formula,
every XLSX cell is stored as text, and the second import is the first, field for field.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select
from test_fuzz_support import property_settings

from navigator.config import Settings
from navigator.export.run import export
from navigator.ingest.pipeline import import_paths
from navigator.store import models as m
from navigator.store.db import Store
from navigator.util.cells import neutralise, restore

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")  # what a spreadsheet reads as just a number


def runs_as_formula(cell: str) -> bool:
    """Whether a spreadsheet program would take this CSV cell for a formula (OWASP's rule, stated
    independently of cells.py): after leading spaces it starts with a trigger, and it is not
    simply a number."""
    return cell.lstrip(" \u00a0").startswith(TRIGGERS) and not PLAIN_NUMBER.fullmatch(cell)


# Text that tries hard to be a formula: triggers, quotes and spaces in front, numbers, any Unicode.
HOSTILE = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from([*"=+-@\t\r '\u00a01.2aZ\n\"", "٣", "１"]), max_size=10),
    st.tuples(
        st.sampled_from(["", " ", "  ", "'", "''", " '", "\u00a0"]),
        st.sampled_from(TRIGGERS),
        st.text(max_size=20),
    ).map("".join),
)


@property_settings(2000)
@given(HOSTILE)
@example("-2\n")
@example("-٣")
@example("'=1")
@example(" -1")
def test_neutralise_round_trips_and_never_leaves_a_formula(text: str) -> None:
    cell = neutralise(text)
    assert restore(cell) == text
    assert not runs_as_formula(cell), repr(cell)
    assert cell in (text, "'" + text)  # at most one quote is added, nothing else changes


@property_settings(1000)
@given(st.text())
def test_restore_undoes_only_what_neutralise_adds(text: str) -> None:
    """Importing a cell nobody neutralised keeps it, unless it reads exactly like a neutralised one."""
    back = restore(text)
    assert back == text or (text.startswith("'") and neutralise(back) == text)


# -- the whole path: import → export (CSV, XLSX) → import -------------------------------------------

COLUMNS = ("service_name", "organisation", "description", "opening_notes", "eligibility", "accessibility")
HEADER = ["service_id", *COLUMNS, "town", "postcode", "phone", "Internal note"]
_counter = itertools.count(1)


@dataclass
class Stores:
    first: Store
    back: Store
    settings: Settings
    folder: Path


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    folder = tmp_path_factory.mktemp("export-props")
    settings = Settings(data_dir=folder / "first")
    first, back = Store.open(settings), Store.open(Settings(data_dir=folder / "back"))
    yield Stores(first, back, settings, folder)
    first.dispose()
    back.dispose()


def records(store: Store, source: str) -> dict[str, dict[str, Any]]:
    with store.read() as session:
        rows = session.scalars(select(m.Service).where(m.Service.source == source))
        return {s.source_id: dict(s.record_json) for s in rows}


def write_sheet(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])


ROW = st.tuples(
    *[HOSTILE for _ in COLUMNS], st.sampled_from(["+44 1632 960000", "01632 960001", "=1+1"]), HOSTILE
)


@property_settings(25)
@given(st.lists(ROW, min_size=1, max_size=4))
def test_exported_listings_never_start_a_formula_and_import_back_the_same(
    stores: Stores, rows: list[tuple[str, ...]]
) -> None:
    number = next(_counter)
    source = f"hostile-{number}"
    sheet = [  # ids unique in the store: an id two sources share is published as SOURCE:ID
        [f"H{number}-{i}", *row[: len(COLUMNS)], "Bristol", "BS5 0EH", row[len(COLUMNS)], row[-1]]
        for i, row in enumerate(rows)
    ]
    upload = stores.folder / f"{source}.csv"
    write_sheet(upload, sheet)
    report = import_paths(stores.first, [upload], settings=stores.settings, source=source)
    assert report.file_errors == []
    first = records(stores.first, source)
    assert len(first) + len(report.rejected) == len(rows)
    if not first:
        return
    as_csv = stores.folder / f"{source}.out.csv"
    export(stores.first, "spreadsheet", as_csv, source=source)
    for line in csv.reader(io.StringIO(as_csv.read_text(encoding="utf-8-sig"), newline="")):
        assert not any(runs_as_formula(cell) for cell in line), line
    as_xlsx = stores.folder / f"{source}.out.xlsx"
    export(stores.first, "spreadsheet", as_xlsx, source=source, xlsx=True)
    assert_all_text(as_xlsx)
    for i, (exported, expected) in enumerate(((as_csv, first), (as_xlsx, as_xml_holds(first)))):
        again = f"{source}-back-{i}"
        back_report = import_paths(stores.back, [exported], settings=stores.settings, source=again)
        assert back_report.rejected == [], back_report.rejected
        second = records(stores.back, again)
        assert second == expected, (exported.suffix, differences(expected, second))


def as_xml_holds(value: Any) -> Any:
    """What an XLSX can hold: XML has no place for most control characters and reads every line
    end as "\n" (the CSV keeps both). Only free columns, kept verbatim, carry them: what is left
    is trimmed as any cell is, and a free column left empty is no column."""
    if isinstance(value, str):
        return XML_ILLEGAL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if isinstance(value, dict):
        return {k: held for k, v in value.items() if (held := as_xml_holds(v)) != ""}
    if isinstance(value, list):
        return [as_xml_holds(v) for v in value]
    return value


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Where two records differ, as `path: a != b` lines (for the failure message)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [
            d
            for k in sorted(set(a) | set(b), key=str)
            for d in differences(a.get(k), b.get(k), f"{path}.{k}")
        ]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{path}[{i}]")
        ]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def assert_all_text(path: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(path)
    try:
        for row in book["services"].iter_rows(min_row=2):
            for cell in row:
                assert cell.value is None or (cell.data_type == "s" and isinstance(cell.value, str)), cell
    finally:
        book.close()


def test_a_dash_before_a_line_end_or_other_digits_is_not_a_plain_number() -> None:
    """Found by the properties: "-2\\n" passed as a number ("$" matches before a final newline) and
    "-٣" too (\\d is any Unicode digit), so neither was neutralised."""
    assert neutralise("-2\n") == "'-2\n" and restore("'-2\n") == "-2\n"
    assert neutralise("-٣") == "'-٣"
    assert neutralise("-2.5891") == "-2.5891" and neutralise("-17") == "-17"  # real numbers stay


def test_a_control_character_in_a_free_column_does_not_break_the_xlsx_export(
    stores: Stores, tmp_path: Path
) -> None:
    """Found by the properties: a free column keeps control characters (\\x0b from a pasted note),
    and openpyxl refused the whole workbook (IllegalCharacterError): the download failed."""
    upload = tmp_path / "note.csv"
    write_sheet(
        upload, [["CC-1", "Tea and chat", "", "", "", "", "", "Bristol", "BS5 0EH", "", "a\x0bb\x04c"]]
    )
    import_paths(stores.first, [upload], settings=stores.settings, source="control")
    target = tmp_path / "out.xlsx"
    export(stores.first, "spreadsheet", target, source="control", xlsx=True)
    from openpyxl import load_workbook

    sheet = load_workbook(target)["services"]
    header = [c.value for c in sheet[1]]
    assert sheet[2][header.index("Internal note")].value == "abc"


def test_an_xlsx_cell_that_starts_with_a_quote_keeps_it(tmp_path: Path) -> None:
    """Found by the properties: the reader undid the CSV export's protective quote in XLSX cells
    too, where no quote is ever added, so "'=not a sum" came back as "=not a sum"."""
    from openpyxl import Workbook

    from navigator.ingest.readers.spreadsheet import SpreadsheetReader

    book = Workbook()
    book.active.append(["service_id", "service_name", "description"])
    book.active.append(["Q-1", "'=not a sum", "'+44 is how we write it"])
    book.save(tmp_path / "quotes.xlsx")
    (tmp_path / "quotes.csv").write_text("service_id,service_name\nQ-1,'=not a sum\n", encoding="utf-8")
    (xlsx_record,) = SpreadsheetReader().read(tmp_path / "quotes.xlsx").records
    (csv_record,) = SpreadsheetReader().read(tmp_path / "quotes.csv").records
    assert xlsx_record.data["name"] == "'=not a sum"
    assert xlsx_record.data["description"] == "'+44 is how we write it"
    assert csv_record.data["name"] == "=not a sum"  # a CSV cell: the export's quote, undone


def test_a_multi_organisation_cell_the_import_tidied_exports_back_to_its_column(
    stores: Stores, tmp_path: Path
) -> None:
    """Found by the properties: "Age  UK; Council" keeps the whole cell in extras and "Age UK" as the
    organisation; the export compared the untidied first name, wrote the cell as a free column
    "extra: organisation", and the re-import had a stray extra."""
    upload = tmp_path / "orgs.csv"
    write_sheet(
        upload,
        [["MO-1", "Lunch club", "Age  UK; Riverside Council", *[""] * 4, "Bristol", "BS5 0EH", "", ""]],
    )
    import_paths(stores.first, [upload], settings=stores.settings, source="orgs")
    first = records(stores.first, "orgs")
    target = tmp_path / "orgs-out.csv"
    export(stores.first, "spreadsheet", target, source="orgs")
    header = next(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert "extra: organisation" not in header
    import_paths(stores.back, [target], settings=stores.settings, source="orgs-back")
    assert records(stores.back, "orgs-back") == first
    assert first["MO-1"]["organization"]["name"] == "Age UK"
