"""Curator-held fields survive re-imports of the same source (ListingWriter applies them)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from navigator.config import Settings
from navigator.curation.review.editing import edit_view, save_edit
from navigator.curation.review.listing_page import listing_page, release_hold
from navigator.curation.review.staleness import mark_closed, mark_verified
from navigator.geo.outcodes import OutcodeTable
from navigator.ingest.pipeline import import_paths
from navigator.ingest.record import ServiceRecord
from navigator.store import models as m
from navigator.store.db import Store
from navigator.store.review_queries import HeldFields
from navigator.store.writer import ListingWriter

FIX = Path(__file__).parent / "fixtures" / "review"
CURATOR = "cur@example.org"


@pytest.fixture
def loaded(store: Store, settings: Settings) -> Store:
    import_paths(store, [FIX / "council.csv"], settings=settings, source="council")
    return store


def _service(store: Store, sid: str) -> m.Service:
    with store.read() as s:
        return s.scalars(select(m.Service).where(m.Service.source_id == sid)).one()


def _edit(store: Store, settings: Settings, sid: str, **changes: str) -> None:
    view = edit_view(store, sid)
    form = {**view.values, **changes, "version": view.version}
    outcome = save_edit(store, settings, sid, form, CURATOR, OutcodeTable.load_default())
    assert outcome.saved, outcome.errors


def _reimport(store: Store, settings: Settings):  # type: ignore[no-untyped-def]
    return import_paths(store, [FIX / "council.csv"], settings=settings, source="council")


def test_edited_field_survives_the_publishers_old_value(loaded: Store, settings: Settings) -> None:
    _edit(loaded, settings, "RV-002", phone="01632 960999", name="Quayside Money Advice")
    report = _reimport(loaded, settings)
    assert report.unchanged == 3 and report.updated == 0  # the held values are the stored ones
    service = _service(loaded, "RV-002")
    assert service.name == "Quayside Money Advice"
    assert [p["display"] for p in service.record_json["phones"]] == ["01632 960999"]
    assert {h["field"] for h in listing_page(loaded, "RV-002").held} == {"name", "phones"}


def test_writer_reports_the_fields_it_kept(loaded: Store, settings: Settings) -> None:
    _edit(loaded, settings, "RV-002", name="Quayside Money Advice")
    record = ServiceRecord.model_validate({**_service(loaded, "RV-002").record_json, "name": "Old name"})
    with loaded.write() as session:
        batch = m.ImportBatch(source="council", started_at=datetime.now())
        session.add(batch)
        session.flush()
        result = ListingWriter(session, "council", batch, "cli").upsert(record)
        assert result.kept == ["name"] and result.outcome == "unchanged"
        plain = ListingWriter(session, "council", batch, "cli", overrides=HeldFields()).upsert(record)
        assert plain.outcome == "updated" and plain.kept == []


def test_closed_stays_closed_and_verification_never_goes_back(loaded: Store, settings: Settings) -> None:
    mark_closed(loaded, "RV-003", _token(loaded, "RV-003"), CURATOR)
    mark_verified(loaded, "RV-001", _token(loaded, "RV-001"), CURATOR)
    _reimport(loaded, settings)
    assert _service(loaded, "RV-003").status == "inactive"
    assert _service(loaded, "RV-001").assured_date == date.today()


def test_a_newer_publisher_verification_wins(loaded: Store, settings: Settings, tmp_path: Path) -> None:
    mark_verified(loaded, "RV-003", _token(loaded, "RV-003"), CURATOR, today=date(2026, 2, 1))
    newer = tmp_path / "council.csv"
    text = (FIX / "council.csv").read_text(encoding="utf-8").replace("2026-01-15", "2026-03-01")
    newer.write_text(text, encoding="utf-8")
    import_paths(loaded, [newer], settings=settings, source="council")
    assert _service(loaded, "RV-003").assured_date == date(2026, 3, 1)


def test_released_field_takes_the_source_value_again(loaded: Store, settings: Settings) -> None:
    _edit(loaded, settings, "RV-002", name="Quayside Money Advice")
    assert "may update" in release_hold(loaded, "RV-002", "name")
    assert "not held" in release_hold(loaded, "RV-002", "name")
    report = _reimport(loaded, settings)
    assert report.updated == 1
    assert _service(loaded, "RV-002").name == "Quayside Benefits Advice"


def test_setting_the_publishers_value_back_releases_the_hold(loaded: Store, settings: Settings) -> None:
    _edit(loaded, settings, "RV-002", name="Quayside Money Advice")
    _edit(loaded, settings, "RV-002", name="Quayside Benefits Advice")
    assert listing_page(loaded, "RV-002").held == []


def test_held_values_of_an_unknown_shape_never_stop_an_import() -> None:
    record = ServiceRecord(source_id="X", name="A")
    held = HeldFields({"X": {"phones": "not a list", "no_such_field": 1}})
    assert held.apply(record) == (record, [])


def _token(store: Store, sid: str) -> str:
    return edit_view(store, sid).version


def test_kept_message_names_the_field() -> None:
    from navigator.store.review_queries import kept_message

    assert kept_message("phones").startswith("kept curator's value for phones")
