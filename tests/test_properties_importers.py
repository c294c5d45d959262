"""Properties of the importers: any record — ORUK JSON services of generated junk (strings, numbers,
booleans, nulls, nested lists and objects where text was expected), HSDS CSV rows, spreadsheet rows
of any text — either imports or is rejected with a reason saying where (line or JSON path) and why.
Never an exception. And the store stays consistent: every record read is counted once (added or
rejected), the store holds exactly the added listings, and importing the same file again changes
nothing (every listing unchanged, the same rejections).
"""

from __future__ import annotations

import csv
import itertools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from test_fuzz_support import property_settings

from navigator.config import Settings
from navigator.ingest.pipeline import import_paths
from navigator.ingest.readers.spreadsheet_columns import TEMPLATE_COLUMNS
from navigator.ingest.report import ImportReport
from navigator.store import models as m
from navigator.store.db import Store

_numbers = itertools.count(1)

SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        ["", " ", "0", "-1", "120", "yes", "TRUE", "MO,TU", "09:00", "25:99", "2024-13-45", "N/A"]
    ),
)
JUNK = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=12), inner, max_size=3)
    ),
    max_leaves=10,
)


def shaped(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """An object with some of these fields, each of the expected kind or junk."""
    return st.fixed_dictionaries({}, optional={k: st.one_of(v, JUNK) for k, v in fields.items()})


TEXT = st.text(max_size=40)
LOCATION = shaped(
    {
        "id": TEXT,
        "name": TEXT,
        "latitude": st.floats(allow_nan=True),
        "longitude": st.floats(allow_nan=True),
        "addresses": st.lists(shaped({"address_1": TEXT, "postal_code": TEXT, "city": TEXT}), max_size=2),
        "physical_addresses": st.lists(shaped({"address_1": TEXT, "postal_code": TEXT}), max_size=2),
    }
)
SERVICE = st.fixed_dictionaries(
    {"id": st.one_of(st.text(min_size=1, max_size=12), st.integers(), JUNK)},
    optional={
        "name": st.one_of(st.text(max_size=40), JUNK),
        **{
            k: st.one_of(v, JUNK)
            for k, v in {
                "description": TEXT,
                "url": TEXT,
                "email": TEXT,
                "status": st.sampled_from(["active", "inactive", "defunct", "temporarily closed", ""]),
                "minimum_age": st.one_of(st.integers(-5, 200), TEXT),
                "maximum_age": st.one_of(st.integers(-5, 200), TEXT),
                "organization": shaped({"id": TEXT, "name": TEXT, "website": TEXT}),
                "service_at_locations": st.lists(shaped({"location": LOCATION}), max_size=2),
                "phones": st.lists(shaped({"number": TEXT, "description": TEXT}), max_size=2),
                "schedules": st.lists(
                    shaped({"byday": TEXT, "opens_at": TEXT, "closes_at": TEXT, "freq": TEXT}), max_size=2
                ),
                "regular_schedules": st.lists(shaped({"weekday": TEXT, "opens_at": TEXT}), max_size=2),
                "cost_options": st.lists(shaped({"amount": st.floats(), "option": TEXT}), max_size=2),
                "languages": st.lists(st.one_of(TEXT, shaped({"name": TEXT, "code": TEXT})), max_size=2),
                "taxonomy_terms": st.lists(shaped({"term": TEXT, "code": TEXT}), max_size=2),
                "last_modified": TEXT,
                "assured_date": TEXT,
            }.items()
        },
        "attributes": JUNK,
        "metadata": JUNK,
    },
)
FEED = st.one_of(
    st.lists(SERVICE, max_size=5),
    st.fixed_dictionaries({"contents": st.lists(SERVICE, max_size=5)}, optional={"total_items": JUNK}),
    st.fixed_dictionaries({"content": st.lists(SERVICE, max_size=5)}, optional={"totalElements": JUNK}),
)


@dataclass
class Target:
    store: Store
    settings: Settings
    folder: Path


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    folder = tmp_path_factory.mktemp("importer-props")
    settings = Settings(data_dir=folder / "data")
    store = Store.open(settings)
    yield Target(store, settings, folder)
    with store.read() as session:
        assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    store.dispose()


def services_of(store: Store, source: str) -> int:
    with store.read() as session:
        return int(
            session.scalar(select(func.count()).select_from(m.Service).where(m.Service.source == source))
        )


def import_twice(target: Target, path: Path) -> ImportReport:
    """Import, check the report and the store agree, import again and check nothing changed."""
    source = f"prop-{next(_numbers)}"
    first = import_paths(target.store, [path], settings=target.settings, source=source)
    assert first.file_errors == [] or (first.accepted == 0 and not first.rejected)
    for refusal in first.file_errors:
        assert refusal.reason.strip()
    for rejection in first.rejected:
        assert rejection.locator.strip() and rejection.reason.strip(), rejection
        assert rejection.file
    assert first.read == first.accepted + len(first.rejected)  # every record counted once
    assert first.updated == first.unchanged == 0  # a new source: all added
    assert services_of(target.store, source) == first.added
    again = import_paths(target.store, [path], settings=target.settings, source=source)
    assert (again.added, again.updated, again.unchanged) == (0, 0, first.added)
    assert [(r.locator, r.reason) for r in again.rejected] == [(r.locator, r.reason) for r in first.rejected]
    assert services_of(target.store, source) == first.added
    return first


def _json_default(value: Any) -> Any:
    raise TypeError(f"not JSON: {value!r}")


@property_settings(80)
@given(FEED)
def test_any_oruk_json_service_imports_or_is_rejected_with_a_reason(target: Target, feed: Any) -> None:
    path = target.folder / f"feed-{next(_numbers)}.json"
    # NaN and infinities as the JSON a careless exporter writes (Python's json reads them back)
    path.write_text(json.dumps(feed, ensure_ascii=False, default=_json_default), encoding="utf-8")
    report = import_twice(target, path)
    services = (
        feed if isinstance(feed, list) else next(v for k, v in feed.items() if k in ("contents", "content"))
    )
    if not report.file_errors:
        assert report.read == len(services)


@property_settings(60)
@given(st.one_of(JUNK, st.lists(JUNK, max_size=4), st.lists(SERVICE, max_size=2).map(lambda s: {"items": s})))
def test_any_json_document_imports_or_is_refused_in_words(target: Target, document: Any) -> None:
    path = target.folder / f"document-{next(_numbers)}.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    report = import_twice(target, path)
    assert report.file_errors or report.read >= 0


CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "yes", "no", "0", "-3", "999", "Mon 09:00-12:00", "DN15 6AA", "=1+1", "a;b", "x\ny"]
    ),
)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])


@property_settings(80)
@given(st.lists(st.lists(CELL, min_size=len(TEMPLATE_COLUMNS), max_size=len(TEMPLATE_COLUMNS)), max_size=5))
def test_any_spreadsheet_row_imports_or_is_rejected_with_a_reason(
    target: Target, rows: list[list[str]]
) -> None:
    path = target.folder / f"sheet-{next(_numbers)}.csv"
    write_csv(path, list(TEMPLATE_COLUMNS), rows)
    report = import_twice(target, path)
    blank = sum(not any(c.strip() for c in row) for row in rows)
    assert report.read == len(rows) - blank  # blank rows are not records


HSDS_SERVICE_COLUMNS = ["id", "organization_id", "name", "description", "url", "email", "status", "fees"]
HSDS_LOCATION_COLUMNS = ["id", "name", "latitude", "longitude"]
HSDS_LINK_COLUMNS = ["id", "service_id", "location_id"]
HSDS_PHONE_COLUMNS = ["id", "service_id", "number", "description"]


def hsds_rows(columns: list[str], ids: st.SearchStrategy[str]) -> st.SearchStrategy[list[list[str]]]:
    row = st.tuples(ids, *[CELL for _ in columns[1:]]).map(list)
    return st.lists(row, max_size=4)


IDS = st.sampled_from(["s1", "s2", "s3", "", " s1", "l1", "l2"])


@property_settings(60)
@given(
    hsds_rows(HSDS_SERVICE_COLUMNS, IDS),
    hsds_rows(HSDS_LOCATION_COLUMNS, IDS),
    st.lists(st.tuples(IDS, IDS, IDS).map(list), max_size=4),
    st.lists(st.tuples(IDS, IDS, CELL, CELL).map(list), max_size=4),
)
def test_any_hsds_package_row_imports_or_is_rejected_with_a_reason(
    target: Target,
    services: list[list[str]],
    locations: list[list[str]],
    links: list[list[str]],
    phones: list[list[str]],
) -> None:
    folder = target.folder / f"package-{next(_numbers)}"
    folder.mkdir()
    tables = {
        "services": (HSDS_SERVICE_COLUMNS, services),
        "locations": (HSDS_LOCATION_COLUMNS, locations),
        "service_at_location": (HSDS_LINK_COLUMNS, links),
        "phones": (HSDS_PHONE_COLUMNS, phones),
    }
    resources = [{"name": name, "path": f"{name}.csv", "format": "csv"} for name in tables]
    (folder / "datapackage.json").write_text(
        json.dumps({"name": "props", "resources": resources}), encoding="utf-8"
    )
    for name, (columns, rows) in tables.items():
        write_csv(folder / f"{name}.csv", columns, rows)
    report = import_twice(target, folder)
    if not report.file_errors:
        assert report.read == sum(any(c.strip() for c in row) for row in services)


def test_a_nan_age_in_a_json_feed_is_rejected_or_ignored_in_words(target: Target) -> None:
    """The kind of value the properties feed in, written out: NaN where a number was expected."""
    path = target.folder / "nan.json"
    path.write_text('[{"id": "n1", "name": "Lunch club", "minimum_age": NaN, "maximum_age": Infinity}]')
    report = import_twice(target, path)
    assert report.accepted + len(report.rejected) == 1
    assert math.isfinite(report.read)
