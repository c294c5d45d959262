"""Needs checking: the stale queue (never verified first, oldest first, by source, paged),
"still correct" and "closed" (recorded, idempotent, refused when the listing changed meanwhile)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from navigator.config import Settings
from navigator.curation.review import staleness
from navigator.curation.review.changes import ChangedMeanwhile
from navigator.curation.review.editing import edit_view
from navigator.curation.review.listing_page import listing_page
from navigator.curation.review.problems import ListingNotFound
from navigator.ingest.pipeline import import_paths
from navigator.store import models as m
from navigator.store.db import Store

FIX = Path(__file__).parent / "fixtures" / "review"
CURATOR = "cur@example.org"
TODAY = date(2026, 6, 1)


@pytest.fixture
def loaded(store: Store, settings: Settings) -> Store:
    import_paths(store, [FIX / "council.csv"], settings=settings, source="council")
    import_paths(store, [FIX / "partner.csv"], settings=settings, source="partner")
    return store


def test_queue_orders_never_verified_first_then_oldest(loaded: Store) -> None:
    page = staleness.stale_queue(loaded, 365, today=TODAY)
    # RV-002 never verified; RV-001 2023-02-01; P-77 2025-11-20 and RV-003 2026-01-15 are fresh
    assert [i.ref for i in page.items] == ["council:RV-002", "council:RV-001"]
    assert page.items[0].days_since is None and page.items[1].days_since == (TODAY - date(2023, 2, 1)).days
    assert page.total == 2 and page.pages == 1 and page.sources == ["council", "partner"]
    wider = staleness.stale_queue(loaded, 100, today=TODAY)
    assert [i.ref for i in wider.items][-1] == "council:RV-003"
    only = staleness.stale_queue(loaded, 100, source="partner", today=TODAY)
    assert [i.ref for i in only.items] == ["partner:P-77"] and only.source == "partner"
    unknown = staleness.stale_queue(loaded, 100, source="<nope>", page=99, today=TODAY)
    assert unknown.source is None and unknown.items == [] and unknown.total == 4


def test_paging(loaded: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staleness, "PAGE_SIZE", 1)
    first = staleness.stale_queue(loaded, 365, today=TODAY)
    second = staleness.stale_queue(loaded, 365, page=2, today=TODAY)
    assert first.pages == 2 and [first.items[0].ref, second.items[0].ref] == [
        "council:RV-002",
        "council:RV-001",
    ]


def test_still_correct_verifies_today_once(loaded: Store) -> None:
    token = edit_view(loaded, "RV-002").version
    assert "verified today" in staleness.mark_verified(loaded, "RV-002", token, CURATOR)
    assert "already" in staleness.mark_verified(loaded, "RV-002", token, CURATOR)  # double click
    with loaded.read() as s:
        service = s.scalars(select(m.Service).where(m.Service.source_id == "RV-002")).one()
        assert service.assured_date == date.today()
    history = listing_page(loaded, "RV-002").history
    assert any(h["field"] == "assured_date" and h["actor"] == CURATOR for h in history)
    assert any(h["new"] == f"verified by {CURATOR}: still correct" for h in history)
    assert "council:RV-002" not in [i.ref for i in staleness.stale_queue(loaded, 365).items]


def test_closed_sets_inactive_once_and_leaves_the_queue(loaded: Store) -> None:
    token = edit_view(loaded, "RV-001").version
    assert "inactive" in staleness.mark_closed(loaded, "RV-001", token, CURATOR)
    assert "already inactive" in staleness.mark_closed(loaded, "RV-001", token, CURATOR)
    assert edit_view(loaded, "RV-001").values["status"] == "inactive"
    assert "council:RV-001" not in [i.ref for i in staleness.stale_queue(loaded, 365, today=TODAY).items]
    assert any(h["field"] == "status" for h in listing_page(loaded, "RV-001").history)


def test_refused_when_changed_meanwhile_or_unknown(loaded: Store) -> None:
    old = edit_view(loaded, "RV-001").version
    staleness.mark_closed(loaded, "RV-002", edit_view(loaded, "RV-002").version, CURATOR)
    with pytest.raises(ChangedMeanwhile):
        staleness.mark_verified(loaded, "RV-001", "forged", CURATOR)
    with pytest.raises(ChangedMeanwhile):
        staleness.mark_closed(loaded, "RV-001", None, CURATOR)
    assert staleness.mark_verified(loaded, "RV-001", old, CURATOR)
    with pytest.raises(ListingNotFound):
        staleness.mark_verified(loaded, "council:NOPE", old, CURATOR)
