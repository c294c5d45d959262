"""Shared set-up for the navigator page tests (imported by test_pages*, test_shortlist*, test_offers*
and the browser tests): the sample directory plus two hostile listings written straight to the
store (bypassing the import cleaners, so the pages' own escaping is what is tested), indexed."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient

from navigator.config import Settings
from navigator.ingest.record import ServiceRecord
from navigator.store import models as m
from navigator.store.db import Store
from navigator.store.writer import ListingWriter, bump_generation

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "directory_data" / "sample-services.csv"
HOSTILE = Path(__file__).parent / "fixtures" / "navigator" / "hostile-records.json"
HTML = {"accept": "text/html"}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_records(store: Store, path: Path, source: str) -> None:
    """Write ServiceRecords from a JSON fixture exactly as given (no cleaning)."""
    with store.write() as session:
        batch = m.ImportBatch(source=source, actor="test", started_at=datetime.now())
        session.add(batch)
        session.flush()
        writer = ListingWriter(session, source, batch, "test")
        for data in json.loads(path.read_text(encoding="utf-8")):
            writer.upsert(ServiceRecord.model_validate(data))
        bump_generation(session)


def build_directory(settings: Settings, hostile: bool = True) -> None:
    """Sample directory (+ hostile listings) imported and indexed into `settings.data_dir`."""
    from navigator.ingest.pipeline import import_paths
    from navigator.search.index_build import build_index

    store = Store.open(settings)
    try:
        import_paths(store, [SAMPLE], settings=settings, source="sample")
        if hostile:
            add_records(store, HOSTILE, "hostile")
        build_index(settings, store)
    finally:
        store.dispose()


def csrf(client: TestClient, path: str = "/listing/NNS-001") -> str:
    """A CSRF token valid for this client's cookies, read from a page's form."""
    page = client.get(path, headers=HTML)
    found = _CSRF.search(page.text)
    if found is None:
        page = client.get("/sign-in", headers=HTML)
        found = _CSRF.search(page.text)
    assert found is not None, f"no csrf_token on {path}"
    return found.group(1)
