"""Bugs the importer properties (test_properties_importers.py) found, pinned one by one."""

from __future__ import annotations

import json
from pathlib import Path

from navigator.config import Settings
from navigator.ingest.pipeline import import_paths
from navigator.ingest.readers.oruk_json import OrukJsonReader
from navigator.store.db import Store


def test_service_at_locations_that_is_not_a_list_is_reported_not_a_crash(tmp_path: Path) -> None:
    """The version check iterated `service_at_locations` whatever it was: 5 raised TypeError out of
    the import (the curator saw "something went wrong inside Navigator")."""
    path = tmp_path / "feed.json"
    path.write_text(
        json.dumps([{"id": "a1", "name": "Lunch club", "service_at_locations": 5}]), encoding="utf-8"
    )
    result = OrukJsonReader().read(path)
    assert [r.data["id"] for r in result.records] == ["a1"]
    settings = Settings(data_dir=tmp_path / "data")
    store = Store.open(settings)
    try:
        report = import_paths(store, [path], settings=settings, source="feed")
    finally:
        store.dispose()
    assert report.added == 1 and report.file_errors == []
    (said,) = [w for w in report.warnings if w.locator.endswith(".service_at_locations")]
    assert said.locator == "$[0].service_at_locations" and "expected a list" in said.message
