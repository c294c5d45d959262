"""Fuzz the file readers with damaged copies of real-shaped files: whatever the bytes, a reader either
reads them (every record with an id and a locator, every problem with a reason) or refuses the whole
file with its own error (`FileUnreadable`, saying what is wrong). Never another exception, never a hang.

The damage is byte-level (flips, inserts of tokens that matter to the format, cut and doubled runs,
truncation) over the small fixtures of the reader tests, the HSDS package and the sample template;
an XLSX workbook is damaged inside its zip (the sheet's XML) as well as as a whole file.
CI runs a fixed, derandomised set; FUZZ_SECONDS=N runs each target for N seconds (test_fuzz_support).
"""

from __future__ import annotations

import io
import shutil
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from test_fuzz_support import hang_guard, run_fuzz

from navigator.ingest.readers.base import FileUnreadable, ReadResult
from navigator.ingest.readers.hsds_csv import HsdsCsvReader
from navigator.ingest.readers.oruk_json import OrukJsonReader
from navigator.ingest.readers.spreadsheet import SpreadsheetReader

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]
HANG_SECONDS = 20.0  # a few-kB file reads in milliseconds; this only catches real hangs

ORUK_SEEDS = [
    FIXTURES / "oruk_json" / name
    for name in (
        "v1_list.json",
        "v1_single_full.json",
        "v1_paged.json",
        "v3_single_full.json",
        "v3_list_page.json",
    )
]
CSV_SEEDS = [
    FIXTURES / "spreadsheet" / "template_kendal.csv",
    FIXTURES / "spreadsheet" / "aliased_stroud.csv",
]
SAMPLE = REPO / "directory_data" / "sample-services.csv"  # its header and first rows are a third seed
PACKAGE = FIXTURES / "hsds_csv" / "package"
THREE_TABLE = FIXTURES / "spreadsheet" / "three_table"

# Bytes that mean something to JSON, CSV, XML or a text decoder.
TOKENS = [
    b'"', b"'", b"{", b"}", b"[", b"]", b",", b":", b";", b"\t", b"\n", b"\r", b"\r\n", b"\x00", b"\\",
    b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xc3", b"\x80", b"\xe2\x82", b"\xf0\x9f\x98",
    b"\xed\xa0\x80",
    b"null", b"true", b"false", b"-0", b"1e999", b"-1e-999", b"9" * 400, b"0x1F", b"NaN", b"Infinity",
    b'"id":', b'"name":', b'"service_at_locations":', b'"schedules":', b'"contents":', b"\\u0000", b"\\ud800",
    b"[" * 80, b"{" * 80, b"=cmd|' /C calc'!A0", b'"",""', b'"a""b"', b"id,name\n", b"\n\n\n",
    b"<", b">", b"</", b"<![CDATA[", b"&amp;", b"&#0;", b"&xxe;", b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
]  # fmt: skip

_position = st.floats(min_value=0, max_value=1, allow_nan=False)
_insert = st.one_of(st.sampled_from(TOKENS), st.binary(min_size=1, max_size=12))
MUTATION = st.one_of(
    st.tuples(st.just("flip"), _position, st.integers(0, 255)),
    st.tuples(st.just("insert"), _position, _insert),
    st.tuples(st.just("delete"), _position, st.integers(1, 64)),
    st.tuples(st.just("double"), _position, st.integers(1, 256)),
    st.tuples(st.just("truncate"), _position, st.just(0)),
)
MUTATIONS = st.lists(MUTATION, min_size=1, max_size=8)


def mutate(data: bytes, mutations: list[tuple[str, float, Any]]) -> bytes:
    """Apply the mutations in order; positions are fractions of the current length."""
    buf = bytearray(data)
    for kind, where, arg in mutations:
        at = min(int(where * len(buf)), max(len(buf) - 1, 0))
        if kind == "flip" and buf:
            buf[at] = arg
        elif kind == "insert":
            buf[at:at] = arg
        elif kind == "delete":
            del buf[at : at + arg]
        elif kind == "double":
            buf[at:at] = buf[at : at + arg]
        elif kind == "truncate":
            del buf[at:]
    return bytes(buf)


def check_outcome(read: Any, path: Path) -> ReadResult | FileUnreadable:
    """Read under the hang guard; the answer must be a sound ReadResult or a FileUnreadable."""
    try:
        with hang_guard(HANG_SECONDS, f"reading {path.name}"):
            result = read(path)
    except FileUnreadable as exc:
        assert exc.reason and exc.reason.strip(), "a refusal must say why"
        assert exc.file, "a refusal must name the file"
        return exc
    assert isinstance(result, ReadResult)
    for record in result.records:
        assert record.locator and record.file, record
        assert isinstance(record.data, dict)
        assert str(record.data.get("id") or "").strip(), f"a record without an id at {record.locator}"
    for problem in [*result.problems, *result.warnings]:
        assert problem.reason and problem.reason.strip(), problem
        assert isinstance(problem.locator, str) and problem.file, problem
    return result


@pytest.fixture
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def test_oruk_json_reader_reads_or_refuses_damaged_feeds(work: Path) -> None:
    seeds = [p.read_bytes() for p in ORUK_SEEDS]
    outcomes: set[str] = set()

    def body(case: tuple[int, list[tuple[str, float, Any]]]) -> None:
        seed, mutations = case
        path = work / "feed.json"
        path.write_bytes(mutate(seeds[seed], mutations))
        outcomes.add(type(check_outcome(OrukJsonReader().read, path)).__name__)

    run_fuzz(st.tuples(st.integers(0, len(seeds) - 1), MUTATIONS), body, 300)
    assert outcomes == {"ReadResult", "FileUnreadable"}  # the damage reached both answers


def sample_head(rows: int = 12) -> bytes:
    """The bundled sample directory's header and first rows (the whole file is 200 kB)."""
    return b"".join(SAMPLE.read_bytes().splitlines(keepends=True)[: rows + 1])


def test_spreadsheet_reader_reads_or_refuses_damaged_csv(work: Path) -> None:
    seeds = [p.read_bytes() for p in CSV_SEEDS] + [sample_head()]
    outcomes: set[str] = set()

    def body(case: tuple[int, str, list[tuple[str, float, Any]]]) -> None:
        seed, suffix, mutations = case
        path = work / f"listings{suffix}"
        path.write_bytes(mutate(seeds[seed], mutations))
        outcomes.add(type(check_outcome(SpreadsheetReader().read, path)).__name__)

    run_fuzz(
        st.tuples(st.integers(0, len(seeds) - 1), st.sampled_from([".csv", ".tsv"]), MUTATIONS), body, 300
    )
    assert "ReadResult" in outcomes


def test_spreadsheet_reader_reads_or_refuses_damaged_three_table_folders(work: Path) -> None:
    names = sorted(p.name for p in THREE_TABLE.iterdir())

    def body(case: tuple[int, list[tuple[str, float, Any]]]) -> None:
        which, mutations = case
        folder = work / "three"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(THREE_TABLE, folder)
        target = folder / names[which]
        target.write_bytes(mutate(target.read_bytes(), mutations))
        check_outcome(SpreadsheetReader().read, folder)

    run_fuzz(st.tuples(st.integers(0, len(names) - 1), MUTATIONS), body, 100)


def test_hsds_reader_reads_or_refuses_damaged_packages(work: Path) -> None:
    names = sorted(p.name for p in PACKAGE.iterdir())
    outcomes: set[str] = set()

    def body(case: tuple[int, list[tuple[str, float, Any]]]) -> None:
        which, mutations = case
        folder = work / "package"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(PACKAGE, folder)
        target = folder / names[which]
        target.write_bytes(mutate(target.read_bytes(), mutations))
        outcomes.add(type(check_outcome(HsdsCsvReader().read, folder)).__name__)

    run_fuzz(st.tuples(st.integers(0, len(names) - 1), MUTATIONS), body, 200)
    assert "ReadResult" in outcomes


@lru_cache(maxsize=1)
def workbook_bytes() -> bytes:
    """A small workbook of the Kendal template rows, made here (no binary fixture in the repo)."""
    import csv

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "services"
    text = (FIXTURES / "spreadsheet" / "template_kendal.csv").read_text(encoding="utf-8-sig")
    for row in csv.reader(io.StringIO(text)):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def damage_inside(book: bytes, member_index: int, mutations: list[tuple[str, float, Any]]) -> bytes:
    """The workbook with one zip member's bytes (a sheet, the shared strings, styles...) damaged."""
    source = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for index, info in enumerate(source.infolist()):
            data = source.read(info)
            target.writestr(info, mutate(data, mutations) if index == member_index else data)
    return out.getvalue()


def test_spreadsheet_reader_reads_or_refuses_damaged_workbooks(work: Path) -> None:
    book = workbook_bytes()
    members = len(zipfile.ZipFile(io.BytesIO(book)).infolist())
    outcomes: set[str] = set()

    def body(case: tuple[bool, int, list[tuple[str, float, Any]]]) -> None:
        inside, member, mutations = case
        path = work / "listings.xlsx"
        path.write_bytes(damage_inside(book, member, mutations) if inside else mutate(book, mutations))
        outcomes.add(type(check_outcome(SpreadsheetReader().read, path)).__name__)

    run_fuzz(st.tuples(st.booleans(), st.integers(0, members - 1), MUTATIONS), body, 150)
    assert outcomes == {"ReadResult", "FileUnreadable"}


def test_the_undamaged_seeds_read(work: Path) -> None:
    """The fuzz starts from good files: each seed reads with records (else the damage proves little)."""
    for path in ORUK_SEEDS:
        assert OrukJsonReader().read(path).records, path
    for path in CSV_SEEDS:
        assert SpreadsheetReader().read(path).records, path
    head = work / "sample-head.csv"
    head.write_bytes(sample_head())
    assert len(SpreadsheetReader().read(head).records) == 12
    assert HsdsCsvReader().read(PACKAGE).records
    assert SpreadsheetReader().read(THREE_TABLE).records


def test_a_workbook_whose_sheet_xml_is_cut_short_is_refused_in_words(work: Path) -> None:
    """Found by the fuzz: read-only openpyxl parses a sheet only as its rows are read, so a damaged
    sheet raised xml ParseError from the row loop instead of FileUnreadable."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes()))
    sheet = next(i for i, info in enumerate(source.infolist()) if info.filename.startswith("xl/worksheets/"))
    size = len(source.read(source.infolist()[sheet]))
    path = work / "cut.xlsx"
    path.write_bytes(damage_inside(workbook_bytes(), sheet, [("truncate", 0.6, 0)]))
    with pytest.raises(FileUnreadable) as refused:
        SpreadsheetReader().read(path)
    assert refused.value.file == "cut.xlsx [services]" and size > 1000
    assert "the sheet is damaged after row" in refused.value.reason
    assert "save it again as .xlsx" in refused.value.reason
