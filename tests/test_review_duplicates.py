"""Possible duplicates: queue, comparison, merge field by field, "not a duplicate" remembered."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from navigator.config import Settings
from navigator.curation.review import duplicates as dup
from navigator.curation.review.changes import ChangedMeanwhile
from navigator.curation.review.problems import ReviewError
from navigator.ingest.pipeline import import_paths
from navigator.store import models as m
from navigator.store.db import Store
from navigator.store.models_curation import CuratorOverride, DuplicateDecision

FIX = Path(__file__).parent / "fixtures" / "review"
CURATOR = "cur@example.org"


@pytest.fixture
def loaded(store: Store, settings: Settings) -> Store:
    import_paths(store, [FIX / "council.csv"], settings=settings, source="council")
    report = import_paths(store, [FIX / "partner.csv"], settings=settings, source="partner")
    assert len(report.duplicates) == 1, report.duplicates
    return store


def _service(store: Store, source: str, sid: str) -> m.Service:
    with store.read() as s:
        return s.scalars(
            select(m.Service).where(m.Service.source == source, m.Service.source_id == sid)
        ).one()


def _pair_id(store: Store) -> int:
    items, total = dup.duplicate_queue(store)
    assert total == 1
    return items[0].id


def test_queue_and_comparison_default_to_the_newer_listing(loaded: Store) -> None:
    items, total = dup.duplicate_queue(loaded)
    assert total == 1 and {items[0].a.ref, items[0].b.ref} == {"council:RV-001", "partner:P-77"}
    assert any("postcode" in r for r in items[0].reasons)
    view = dup.comparison(loaded, items[0].id)
    newer = "a" if view.pair.a.ref == "partner:P-77" else "b"  # verified 2025-11-20 against 2023-02-01
    assert view.newer == newer and view.status == "open"
    rows = {r.key: r for r in view.fields}
    assert rows["name"].default == newer and not rows["name"].same
    assert rows["hide_exact_address"].same
    email = rows["email"]  # only the council listing has one: a value beats no value
    assert email.default != newer and "—" in (email.a, email.b)


def test_merge_takes_chosen_fields_closes_the_other_and_keeps_history(loaded: Store) -> None:
    pair = _pair_id(loaded)
    view = dup.comparison(loaded, pair)
    council = "a" if view.pair.a.ref == "council:RV-001" else "b"
    partner = "b" if council == "a" else "a"
    versions = {"a": view.pair.a.version, "b": view.pair.b.version}
    choices = {"schedules": partner, "name": council, "assured_date": partner}
    message = dup.merge(loaded, pair, council, choices, versions, CURATOR)
    assert "council:RV-001" in message and "partner:P-77 is now inactive" in message
    kept, other = _service(loaded, "council", "RV-001"), _service(loaded, "partner", "P-77")
    assert kept.name == "Saltmarsh Memory Café" and kept.status == "active"
    assert kept.record_json["schedules"][0]["closes_at"] == "16:30"
    assert str(kept.assured_date) == "2025-11-20"
    assert kept.email == "cafe@saltmarsh-carers.example.org"  # not chosen from the partner: kept
    assert other.status == "inactive" and other.record_json["status"] == "inactive"
    with loaded.read() as s:
        history = {(c.field, c.actor, c.new_value) for c in s.scalars(select(m.ServiceChange))}
        held = {(o.service_id, o.field) for o in s.scalars(select(CuratorOverride))}
        pair_row = s.get_one(m.PossibleDuplicate, pair)
        decision = s.scalars(select(DuplicateDecision)).one()
    assert ("review", CURATOR, "merged from partner:P-77") in history
    assert ("review", CURATOR, "merged into council:RV-001") in history
    assert any(f == "schedules" and a == CURATOR for f, a, _ in history)
    assert (kept.id, "schedules") in held and (other.id, "status") in held
    assert pair_row.status == "merged"
    assert decision.kept_service_id == kept.id and decision.choices["schedules"] == "other"
    assert dup.duplicate_queue(loaded)[1] == 0
    with pytest.raises(dup.AlreadyDecided):
        dup.merge(loaded, pair, council, {}, versions, CURATOR)


def test_merge_refused_when_a_listing_changed_meanwhile(loaded: Store, settings: Settings) -> None:
    pair = _pair_id(loaded)
    view = dup.comparison(loaded, pair)
    versions = {"a": view.pair.a.version, "b": view.pair.b.version}
    changed = FIX / "partner.csv"
    text = changed.read_text(encoding="utf-8").replace("Booking not needed", "Booking now needed")
    edited = Path(settings.data_dir) / "partner.csv"
    edited.write_text(text, encoding="utf-8")
    assert import_paths(loaded, [edited], settings=settings, source="partner").updated == 1
    before = _service(loaded, "council", "RV-001").record_json
    with pytest.raises(ChangedMeanwhile) as caught:
        dup.merge(loaded, pair, "a", {}, versions, CURATOR)
    assert "Nothing was saved" in caught.value.message
    assert _service(loaded, "council", "RV-001").record_json == before
    assert _service(loaded, "partner", "P-77").status == "active"
    assert dup.comparison(loaded, pair).status == "open"


def test_merge_refuses_garbage_choices(loaded: Store) -> None:
    pair = _pair_id(loaded)
    with pytest.raises(ReviewError):
        dup.merge(loaded, pair, "c", {}, {}, CURATOR)
    with pytest.raises(ReviewError):
        dup.merge(loaded, pair, "a", {"name": "<script>"}, {}, CURATOR)
    with pytest.raises(ChangedMeanwhile):
        dup.merge(loaded, pair, "a", {}, {"a": "forged", "b": "forged"}, CURATOR)
    with pytest.raises(dup.PairNotFound):
        dup.merge(loaded, 999, "a", {}, {}, CURATOR)


def test_not_duplicate_is_remembered_across_reimports(
    loaded: Store, settings: Settings, tmp_path: Path
) -> None:
    pair = _pair_id(loaded)
    assert "will not be flagged" in dup.not_duplicate(loaded, pair, CURATOR)
    assert dup.not_duplicate(loaded, pair, CURATOR).startswith("Already")
    # The partner re-publishes the listing with a change, so the detector looks at it again.
    folder = tmp_path / "again"
    folder.mkdir()
    shutil.copy(FIX / "partner.csv", folder / "partner.csv")
    path = folder / "partner.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("16:30", "16:45"), encoding="utf-8")
    report = import_paths(loaded, [path], settings=settings, source="partner")
    assert report.updated == 1 and report.duplicates == []
    assert dup.duplicate_queue(loaded)[1] == 0
    with pytest.raises(dup.AlreadyDecided):
        dup.merge(loaded, pair, "a", {}, {}, CURATOR)
