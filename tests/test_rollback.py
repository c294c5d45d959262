"""Rolling back an import: updated listings get their previous version back, added ones go, nothing
else is touched, later changes are never clobbered, and it is all or nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from navigator.config import Settings
from navigator.curation import rollback as rb
from navigator.curation.rollback import RollbackRefused, plan_rollback, rollback_batch
from navigator.ingest.pipeline import import_paths
from navigator.store import history_queries as hq
from navigator.store import models as m
from navigator.store.db import Store
from navigator.store.models_curation import ProblemReport

FIX = Path(__file__).parent / "fixtures" / "curator_import"
CURATOR = "cora@council.example.org"


def _imp(store: Store, settings: Settings, name: str) -> int:
    report = import_paths(store, [FIX / name], settings=settings, source="riverside", actor="cli")
    assert report.batch_id is not None
    return report.batch_id


def _listings(store: Store) -> dict[str, tuple[str, str, str | None]]:
    with store.read() as s:
        rows = s.execute(
            select(m.Service.source_id, m.Service.status, m.Service.content_hash, m.Service.description)
        )
        return {sid: (status, digest, desc) for sid, status, digest, desc in rows}


def _generation(store: Store) -> int:
    with store.read() as s:
        return s.scalar(select(m.StoreState.generation)) or 0


def _count(store: Store, model: type) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_rollback_restores_updated_and_removes_added_and_touches_nothing_else(
    store: Store, settings: Settings
) -> None:
    _imp(store, settings, "riverside_v1.json")
    before = _listings(store)
    with store.read() as s:
        untouched_at = {x.source_id: x.updated_at for x in s.scalars(select(m.Service))}
    second = _imp(store, settings, "riverside_v2.json")
    assert set(_listings(store)) == {"RV-001", "RV-002", "RV-003", "RV-004"}
    generation = _generation(store)

    result = rollback_batch(store, second, actor=CURATOR)

    assert result.plan.counts() == {"restore": 1, "remove": 1, "deactivate": 0, "skip": 0}
    assert _listings(store) == before  # content hashes included: exactly the previous versions
    with store.read() as s:
        walk = s.scalars(select(m.Service).where(m.Service.source_id == "RV-001")).one()
        assert [p.number for c in walk.contacts for p in c.phones] == ["+441632960701"]
        assert walk.schedules[0].byday == "MO"
        assert walk.import_batch_id == result.rollback_batch_id
        for sid in ("RV-002", "RV-003"):  # not changed by the import, so not touched by its rollback
            row = s.scalars(select(m.Service).where(m.Service.source_id == sid)).one()
            assert row.updated_at == untouched_at[sid]
        history = s.scalars(
            select(m.ServiceChange).where(m.ServiceChange.import_batch_id == result.rollback_batch_id)
        ).all()
        assert {h.field for h in history} >= {"description", "contacts", "schedules"}
        assert {h.actor for h in history} == {CURATOR}
        assert all(h.service_id == walk.id for h in history)
        assert s.scalar(select(m.Organization).where(m.Organization.name == "Fix It Hythe")) is None
        batch = s.get_one(m.ImportBatch, second)
        assert batch.rolled_back_at is not None
        undo = s.get_one(m.ImportBatch, result.rollback_batch_id)
        assert undo.format == "rollback" and undo.actor == CURATOR
        assert undo.report_json and undo.report_json["rollback_of"] == second
        rows, _ = hq.list_batches(s)
        assert [(r.id, r.status) for r in rows] == [
            (result.rollback_batch_id, "rollback"),
            (second, "rolled back"),
            (second - 1, "applied"),
        ]
        assert rows[1].rolled_back_by == result.rollback_batch_id
    assert _generation(store) == generation + 1

    again = import_paths(store, [FIX / "riverside_v2.json"], settings=settings, source="riverside")
    assert (again.added, again.updated, again.unchanged) == (1, 1, 1)


def test_later_changes_block_the_rollback_unless_skipped(store: Store, settings: Settings) -> None:
    first = _imp(store, settings, "riverside_v1.json")
    _imp(store, settings, "riverside_v2.json")  # changes RV-001 again
    state = _listings(store)
    versions = _count(store, m.ServiceChange)

    with pytest.raises(RollbackRefused) as refused:
        rollback_batch(store, first, actor=CURATOR)
    assert "changed again since" in str(refused.value) and "Nothing was rolled back" in str(refused.value)
    plan = refused.value.plan
    assert plan is not None
    [skip] = plan.of("skip")
    assert skip.source_id == "RV-001" and f"import #{first + 1}" in (skip.reason or "")
    assert _listings(store) == state and _count(store, m.ServiceChange) == versions  # nothing happened

    result = rollback_batch(store, first, actor=CURATOR, skip_changed=True)
    assert result.plan.counts() == {"restore": 0, "remove": 2, "deactivate": 0, "skip": 1}
    assert set(_listings(store)) == {"RV-001", "RV-004"}
    assert _listings(store)["RV-001"] == state["RV-001"]  # the later import's version is kept


def test_a_later_import_that_was_rolled_back_does_not_block(store: Store, settings: Settings) -> None:
    first = _imp(store, settings, "riverside_v1.json")
    second = _imp(store, settings, "riverside_v2.json")
    rollback_batch(store, second, actor=CURATOR)
    rollback_batch(store, first, actor=CURATOR)
    assert _listings(store) == {}
    assert _count(store, m.Organization) == 0 and _count(store, m.Location) == 0


def test_a_curator_edit_after_the_import_blocks(store: Store, settings: Settings) -> None:
    batch = _imp(store, settings, "riverside_v1.json")
    with store.write() as s:
        kettle = s.scalars(select(m.Service).where(m.Service.source_id == "RV-002")).one()
        s.add(
            m.ServiceChange(
                service_id=kettle.id,
                actor="ed@council.example.org",
                changed_at=datetime.now(),
                field="description",
                old_value="x",
                new_value="y",
            )
        )
    plan = None
    with pytest.raises(RollbackRefused) as refused:
        rollback_batch(store, batch, actor=CURATOR)
    plan = refused.value.plan
    assert plan is not None
    assert [(i.source_id, i.action) for i in plan.of("skip")] == [("RV-002", "skip")]
    assert "edited by ed@council.example.org" in (plan.of("skip")[0].reason or "")


def test_listing_with_a_problem_report_is_kept_inactive(store: Store, settings: Settings) -> None:
    batch = _imp(store, settings, "riverside_v1.json")
    with store.write() as s:
        kettle = s.scalars(select(m.Service).where(m.Service.source_id == "RV-002")).one()
        s.add(
            ProblemReport(
                service_id=kettle.id, reason="closed", reported_by="navigator", created_at=datetime.now()
            )
        )
    result = rollback_batch(store, batch, actor=CURATOR)
    assert result.plan.counts()["deactivate"] == 1
    listings = _listings(store)
    assert set(listings) == {"RV-002"} and listings["RV-002"][0] == "inactive"
    assert _count(store, ProblemReport) == 1
    again = import_paths(store, [FIX / "riverside_v1.json"], settings=settings, source="riverside")
    assert (again.added, again.updated) == (2, 1)  # the kept listing comes back as an update
    assert _listings(store)["RV-002"][0] == "active"


def test_refusals(store: Store, settings: Settings) -> None:
    batch = _imp(store, settings, "riverside_v1.json")
    with pytest.raises(RollbackRefused, match="no import #999"):
        rollback_batch(store, 999, actor=CURATOR)
    result = rollback_batch(store, batch, actor=CURATOR)
    with pytest.raises(RollbackRefused, match="already rolled back"):
        rollback_batch(store, batch, actor=CURATOR)
    with pytest.raises(RollbackRefused, match="itself a rollback"):
        rollback_batch(store, result.rollback_batch_id, actor=CURATOR)
    unchanged = import_paths(store, [FIX / "riverside_v1.json"], settings=settings, source="riverside")
    again = import_paths(store, [FIX / "riverside_v1.json"], settings=settings, source="riverside")
    assert unchanged.added == 3 and again.unchanged == 3 and again.batch_id
    with pytest.raises(RollbackRefused, match="changed no listings"):
        rollback_batch(store, again.batch_id, actor=CURATOR)


def test_rollback_is_atomic(store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    _imp(store, settings, "riverside_v1.json")
    second = _imp(store, settings, "riverside_v2.json")
    state, changes = _listings(store), _count(store, m.ServiceChange)

    def boom(*args: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(rb.hq, "drop_open_duplicates", boom)
    with pytest.raises(RuntimeError):
        rollback_batch(store, second, actor=CURATOR)
    assert _listings(store) == state and _count(store, m.ServiceChange) == changes
    with store.read() as s:
        assert s.get_one(m.ImportBatch, second).rolled_back_at is None
        assert plan_rollback(s, second).counts()["restore"] == 1
