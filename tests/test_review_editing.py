"""The listing editor: same normaliser and validator as imports, errors by field, history, versions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from navigator.config import Settings
from navigator.curation.review.changes import ChangedMeanwhile
from navigator.curation.review.editing import EditOutcome, edit_view, save_edit
from navigator.curation.review.listing_page import listing_page
from navigator.curation.review.problems import ListingNotFound
from navigator.geo.outcodes import OutcodeTable
from navigator.ingest.pipeline import import_paths
from navigator.store import models as m
from navigator.store.db import Store

FIX = Path(__file__).parent / "fixtures" / "review"
CURATOR = "cur@example.org"


@pytest.fixture
def loaded(store: Store, settings: Settings) -> Store:
    import_paths(store, [FIX / "council.csv"], settings=settings, source="council")
    return store


def _save(store: Store, settings: Settings, sid: str, **changes: Any) -> EditOutcome:
    view = edit_view(store, sid)
    form = {**view.values, **changes, "version": view.version}
    return save_edit(store, settings, sid, form, CURATOR, OutcodeTable.load_default())


def _snapshot(store: Store) -> tuple[Any, ...]:
    with store.read() as s:
        rows = s.execute(select(m.Service.source_id, m.Service.content_hash).order_by(m.Service.id)).all()
        changes = s.scalar(select(func.count()).select_from(m.ServiceChange))
        generation = s.scalar(select(m.StoreState.generation))
    return tuple(rows), changes, generation


def test_form_shows_the_record_in_template_syntax(loaded: Store) -> None:
    values = edit_view(loaded, "council:RV-002").values
    assert values["opening_times"] == "Mon-Fri 09:30-16:30"
    assert values["languages"] == "English; Polish" and values["delivery"] == "in_person,phone"
    assert values["postcode"] == "CT20 1QA" and values["min_age"] == "16" and values["free"] == "yes"
    assert values["last_verified"] == ""


def test_save_records_every_change_rewrites_children_and_bumps_generation(
    loaded: Store, settings: Settings
) -> None:
    before = _snapshot(loaded)
    outcome = _save(
        loaded,
        settings,
        "RV-002",
        opening_times="Mon-Thu 09:30-16:30; 2nd Sat 10:00-12:00",
        postcode="ct20 2qb",
        categories="Benefits; Money advice; Debt",
        delivery=["phone", "online"],
        last_verified="2026-01-05",
    )
    assert outcome.saved and not outcome.errors, outcome.errors
    assert {c[0] for c in outcome.changes} == {
        "schedules", "locations", "taxonomy_terms", "delivery_modes", "assured_date"
    }  # fmt: skip
    with loaded.read() as s:
        service = s.scalars(select(m.Service).where(m.Service.source_id == "RV-002")).one()
        assert [(x.byday, x.freq) for x in service.schedules] == [
            ("MO,TU,WE,TH", "WEEKLY"),
            ("2SA", "MONTHLY"),
        ]
        address = service.service_at_locations[0].location.addresses[0]
        assert address.postal_code == "CT20 2QB" and address.address_1 == "9 Harbour Row"
        assert sorted(t.taxonomy_term.term for t in service.taxonomy_links) == [
            "Benefits",
            "Debt",
            "Money advice",
        ]
        assert service.delivery_modes == ["phone", "online"] or set(service.delivery_modes) == {
            "phone",
            "online",
        }
        assert str(service.assured_date) == "2026-01-05"
        versions = s.scalar(
            select(func.count())
            .select_from(m.ServiceVersion)
            .where(m.ServiceVersion.service_id == service.id)
        )
        assert versions == 2  # created by the import, previous content kept by the edit
    after = _snapshot(loaded)
    assert after[2] == (before[2] or 0) + 1
    history = listing_page(loaded, "RV-002").history
    assert {h["field"] for h in history if h["actor"] == CURATOR} == {
        "schedules", "locations", "taxonomy_terms", "delivery_modes", "assured_date"
    }  # fmt: skip
    sched = next(h for h in history if h["field"] == "schedules")
    assert "16:30" in sched["old"] and "2SA" in sched["new"]


def test_unchanged_form_saves_nothing(loaded: Store, settings: Settings) -> None:
    before = _snapshot(loaded)
    outcome = _save(loaded, settings, "RV-001")
    assert not outcome.saved and "Nothing was changed" in outcome.message
    assert _snapshot(loaded) == before


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("name", "   ", "name"),
        ("website", "javascript:alert(1)", "not a web address"),
        ("email", "not-an-email", "not an email"),
        ("phone", "call us", "no phone number"),
        ("postcode", "ZZ99 ZZZ", "not a UK postcode"),
        ("opening_times", "Tuesdays after lunch", "Not understood"),
        ("opening_times", "Tue 25:00-26:00", "not a time"),
        ("min_age", "eighteen", "whole number"),
        ("max_age", "999", "whole number"),
        ("status", "deleted", "statuses"),
        ("free", "maybe", "Choose"),
        ("delivery", ["teleport"], "Tick only"),
        ("last_verified", "31/02/2026", "YYYY-MM-DD"),
        ("last_verified", "2999-01-01", "future"),
        ("description", "x" * 20_001, "characters long"),
        ("name", "\x00\x01", "name"),
    ],
)
def test_garbage_is_refused_beside_its_field_and_nothing_saved(
    loaded: Store, settings: Settings, field: str, value: Any, words: str
) -> None:
    before = _snapshot(loaded)
    outcome = _save(loaded, settings, "RV-001", **{field: value})
    assert not outcome.saved
    assert field in outcome.errors, outcome.errors
    assert words.lower() in outcome.errors[field].lower()
    assert not outcome.errors[field].endswith(": dropped.")
    assert _snapshot(loaded) == before


def test_reversed_ages_are_an_error(loaded: Store, settings: Settings) -> None:
    outcome = _save(loaded, settings, "RV-001", min_age="65", max_age="18")
    assert "min_age" in outcome.errors and not outcome.saved


def test_edit_refused_when_changed_meanwhile(loaded: Store, settings: Settings) -> None:
    view = edit_view(loaded, "RV-003")
    assert _save(loaded, settings, "RV-003", cost="£3 per walk").saved
    form = {**view.values, "name": "Clifftop Walks", "version": view.version}
    with pytest.raises(ChangedMeanwhile):
        save_edit(loaded, settings, "RV-003", form, CURATOR, OutcodeTable.load_default())
    assert edit_view(loaded, "RV-003").values["name"] == "Cliffside Walking Group"
    assert edit_view(loaded, "RV-003").values["cost"] == "£3 per walk"


def test_unknown_listing(loaded: Store, settings: Settings) -> None:
    with pytest.raises(ListingNotFound):
        edit_view(loaded, "NOPE")
    with pytest.raises(ListingNotFound):
        save_edit(loaded, settings, "council:NOPE", {}, CURATOR, OutcodeTable.load_default())


def test_reactivating_a_closed_listing(loaded: Store, settings: Settings) -> None:
    assert _save(loaded, settings, "RV-003", status="inactive").saved
    outcome = _save(loaded, settings, "RV-003", status="active")
    assert outcome.saved and edit_view(loaded, "RV-003").values["status"] == "active"
    assert listing_page(loaded, "RV-003").held == []  # back to the publisher's value


def test_every_form_field_is_in_one_section() -> None:
    from navigator.curation.review.listing_form import FIELDS, GROUP_KEYS, SECTIONS

    in_sections = [name for _, names in SECTIONS for name in names]
    assert in_sections == [f.name for f in FIELDS]
    assert {f.group for f in FIELDS} == set(GROUP_KEYS)
