"""The import pipeline through its library API: idempotence, atomicity, history, duplicates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from navigator.config import Settings
from navigator.ingest import pipeline
from navigator.ingest.pipeline import import_paths
from navigator.store import models as m
from navigator.store.db import Store
from navigator.store.writer import ListingWriter

FIX = Path(__file__).parent / "fixtures" / "pipeline"


def _count(store: Store, model: type) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _generation(store: Store) -> int:
    with store.read() as s:
        return s.scalar(select(m.StoreState.generation)) or 0


def test_first_import_adds_and_rejects_nameless_with_its_place(store: Store, settings: Settings) -> None:
    report = import_paths(store, [FIX / "services_v3.json"], settings=settings, source="fixture")
    assert (report.read, report.added, report.updated, report.unchanged) == (4, 3, 0, 0)
    assert len(report.rejected) == 1
    rejection = report.rejected[0]
    assert rejection.source_id == "TST-004"
    assert "$" in rejection.locator and "[3]" in rejection.locator
    assert "name" in rejection.reason.lower()
    assert report.exit_code() == 0
    assert _count(store, m.Service) == 3
    with store.read() as s:
        lunch = s.scalars(select(m.Service).where(m.Service.source_id == "TST-001")).one()
        assert lunch.source == "fixture" and lunch.import_batch_id == report.batch_id
        assert lunch.name == "Sandgate Friendship Lunch"
        assert lunch.description and "<p>" not in lunch.description and "Transport" in lunch.description
        assert lunch.url == "https://www.sandgate-lunch.example.org"
        assert lunch.minimum_age == 60 and lunch.is_free is False
        assert [p.number for c in lunch.contacts for p in c.phones] == ["+441632960123"]
        address = lunch.service_at_locations[0].location.addresses[0]
        assert address.postal_code == "CT20 3AB"
        location = lunch.service_at_locations[0].location
        assert location.geo_precision == "outcode" and location.latitude and 50 < location.latitude < 52
        assert lunch.schedules[0].byday == "WE" and lunch.schedules[0].opens_at == "12:00"
        assert [link.taxonomy_term.term for link in lunch.taxonomy_links] == ["Lunch club"]
        assert len(lunch.content_hash) == 64 and lunch.created_at and lunch.updated_at
        debt = s.scalars(select(m.Service).where(m.Service.source_id == "TST-002")).one()
        assert debt.is_free is True


def test_reimport_is_unchanged_and_writes_nothing(store: Store, settings: Settings) -> None:
    import_paths(store, [FIX / "services_v3.json"], settings=settings, source="fixture")
    generation = _generation(store)
    versions = _count(store, m.ServiceVersion)
    again = import_paths(store, [FIX / "services_v3.json"], settings=settings, source="fixture")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert again.duplicates == []
    assert _count(store, m.Service) == 3
    assert _count(store, m.ServiceVersion) == versions
    assert _generation(store) == generation  # nothing changed: the index is not made stale


def test_changed_record_is_updated_with_history_and_previous_version(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    import_paths(store, [FIX / "services_v3.json"], settings=settings, source="fixture")
    data = json.loads((FIX / "services_v3.json").read_text())
    data["contents"][1]["description"] = (
        "Free, confidential help with debts and bills. Now also on Saturdays."
    )
    data["contents"][1]["url"] = "https://hythe-money.example.org/drop-in"
    changed = tmp_path / "services_v3.json"
    changed.write_text(json.dumps(data))
    report = import_paths(store, [changed], settings=settings, source="fixture", actor="curator@example.org")
    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
    update = report.updates[0]
    assert update.source_id == "TST-002"
    assert {c.field for c in update.changes} == {"description", "url"}
    with store.read() as s:
        service = s.scalars(select(m.Service).where(m.Service.source_id == "TST-002")).one()
        history = s.scalars(select(m.ServiceChange).where(m.ServiceChange.service_id == service.id)).all()
        assert {(h.field, h.actor) for h in history} == {
            ("description", "curator@example.org"),
            ("url", "curator@example.org"),
        }
        url_change = next(h for h in history if h.field == "url")
        assert url_change.old_value == "https://hythe-money.example.org"
        assert url_change.new_value == "https://hythe-money.example.org/drop-in"
        version = s.scalars(
            select(m.ServiceVersion).where(
                m.ServiceVersion.service_id == service.id, m.ServiceVersion.created.is_(False)
            )
        ).one()
        assert version.previous_record_json["url"] == "https://hythe-money.example.org"
        assert service.record_json["url"].endswith("/drop-in")
        # children were replaced, not doubled
        assert len(service.service_at_locations) == 1


def test_dry_run_reports_but_writes_nothing(store: Store, settings: Settings) -> None:
    report = import_paths(
        store, [FIX / "services_v3.json"], settings=settings, source="fixture", dry_run=True
    )
    assert report.dry_run and report.added == 3 and report.batch_id is None
    assert _count(store, m.Service) == 0
    assert _count(store, m.ImportBatch) == 0


def test_failure_midway_leaves_previous_state_intact(
    store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import_paths(store, [FIX / "services_v3.json"], settings=settings, source="fixture")
    with store.read() as s:
        before = {sid: h for sid, h in s.execute(select(m.Service.source_id, m.Service.content_hash))}
    data = json.loads((FIX / "services_v3.json").read_text())
    for item in data["contents"]:
        item["description"] = (item.get("description") or "") + " Changed in the second import."
    data["contents"].append({"id": "TST-005", "name": "A new listing", "status": "active"})
    changed = tmp_path / "services_v3.json"
    changed.write_text(json.dumps(data))

    calls = {"n": 0}
    real_upsert = ListingWriter.upsert

    def crash_on_third(self: ListingWriter, record):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # Ctrl-C midway
        return real_upsert(self, record)

    monkeypatch.setattr(ListingWriter, "upsert", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        import_paths(store, [changed], settings=settings, source="fixture")
    with store.read() as s:
        after = {sid: h for sid, h in s.execute(select(m.Service.source_id, m.Service.content_hash))}
        assert s.scalar(select(func.count()).select_from(m.ServiceChange)) == 0
        assert s.scalar(select(func.count()).select_from(m.ImportBatch)) == 1
    assert after == before

    monkeypatch.setattr(ListingWriter, "upsert", real_upsert)
    report = import_paths(store, [changed], settings=settings, source="fixture")
    assert (report.added, report.updated) == (1, 3)


def test_possible_duplicates_across_sources_are_reported_and_stored(store: Store, settings: Settings) -> None:
    import_paths(store, [FIX / "services_v3.json"], settings=settings, source="fixture")
    report = import_paths(store, [FIX / "other_source.json"], settings=settings, source="other")
    assert len(report.duplicates) == 1
    dup = report.duplicates[0]
    assert {dup.a.id, dup.b.id} == {"OTHER-9", "TST-002"}
    assert any("postcode CT21 5AB" in r for r in dup.reasons)
    with store.read() as s:
        pair = s.scalars(select(m.PossibleDuplicate)).one()
        assert pair.status == "open" and pair.import_batch_id == report.batch_id
    # never reported twice, and nothing was merged
    again = import_paths(store, [FIX / "other_source.json"], settings=settings, source="other")
    assert again.duplicates == [] and _count(store, m.Service) == 4


def test_same_id_in_two_files_of_one_import_is_rejected_once(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.json"
    shutil.copy(FIX / "services_v3.json", copy)
    report = import_paths(store, [FIX / "services_v3.json", copy], settings=settings, source="fixture")
    assert report.added == 3
    duplicates = [r for r in report.rejected if r.reason.startswith("duplicate id")]
    assert {r.source_id for r in duplicates} == {"TST-001", "TST-002", "TST-003", "TST-004"}
    assert all(str(FIX / "services_v3.json") in r.reason for r in duplicates)


def test_unreadable_file_is_reported_and_the_rest_imported(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": "A", "name": "x"')
    report = import_paths(store, [broken, FIX / "services_v3.json"], settings=settings, source="fixture")
    assert report.added == 3
    assert len(report.file_errors) == 1 and report.file_errors[0].file == str(broken)
    assert report.exit_code() == 1


def test_nothing_importable_exits_2(store: Store, settings: Settings, tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("")
    report = import_paths(store, [empty], settings=settings, source="fixture")
    assert report.exit_code() == 2 and "empty" in report.file_errors[0].reason
    assert _count(store, m.Service) == 0


def test_default_source_name_comes_from_the_path() -> None:
    assert (
        pipeline.default_source_name([Path("/x/Bristol Council Services.json")]) == "bristol-council-services"
    )
    assert pipeline.default_source_name([Path("/x/raw")]) == "raw"
