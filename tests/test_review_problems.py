"""Reported problems: `report_problem` (the navigator app's "report a problem" form) and resolving."""

from __future__ import annotations

from pathlib import Path

import pytest

from navigator.config import Settings
from navigator.curation.review.problems import (
    MAX_DETAILS,
    ListingNotFound,
    ReviewError,
    report_problem,
    resolve_problem,
)
from navigator.ingest.pipeline import import_paths
from navigator.store.db import Store
from navigator.store.models_curation import ProblemReport

FIX = Path(__file__).parent / "fixtures" / "review"


@pytest.fixture
def loaded(store: Store, settings: Settings) -> Store:
    import_paths(store, [FIX / "council.csv"], settings=settings, source="council")
    import_paths(store, [FIX / "partner.csv"], settings=settings, source="partner")
    return store


def test_report_saves_reason_details_and_role_only(loaded: Store) -> None:
    report = report_problem(loaded, "RV-002", "wrong_times", "  Closed on\x00 Fridays now  ", "navigator")
    assert report.id and report.status == "open"
    with loaded.read() as s:
        saved = s.get_one(ProblemReport, report.id)
        assert (saved.reason, saved.details, saved.reported_by) == (
            "wrong_times",
            "Closed on Fridays now",
            "navigator",
        )
        assert saved.created_at and saved.resolved_at is None
        columns = set(ProblemReport.__table__.columns.keys())
        assert not columns & {"email", "name", "phone", "reporter_name", "reporter_email"}


def test_report_accepts_source_and_id(loaded: Store) -> None:
    report = report_problem(loaded, "partner:P-77", "closed", None, "resident")
    assert report.details is None and report.reported_by == "resident"


@pytest.mark.parametrize(
    ("listing", "reason", "details", "by", "field"),
    [
        ("RV-001", "nonsense", None, "navigator", "reason"),
        ("RV-001", "", None, "navigator", "reason"),
        ("RV-001", "other", "   ", "navigator", "details"),
        ("RV-001", "closed", "x" * (MAX_DETAILS + 1), "navigator", "details"),
        ("RV-001", "closed", None, "someone@example.org", "reported_by"),
    ],
)
def test_report_refuses_bad_input_naming_the_field(
    loaded: Store, listing: str, reason: str, details: str | None, by: str, field: str
) -> None:
    with pytest.raises(ReviewError) as caught:
        report_problem(loaded, listing, reason, details, by)
    assert caught.value.field == field and caught.value.message


@pytest.mark.parametrize("listing", ["NOPE", "", "council:RV-999", "x" * 2000])
def test_report_on_unknown_listing(loaded: Store, listing: str) -> None:
    with pytest.raises(ListingNotFound):
        report_problem(loaded, listing, "closed", None, "navigator")


def test_resolve_needs_a_note_and_is_idempotent(loaded: Store) -> None:
    report = report_problem(loaded, "RV-001", "wrong_contact", "number rings out", "navigator")
    with pytest.raises(ReviewError):
        resolve_problem(loaded, report.id, "   ", "cur@example.org")
    done = resolve_problem(loaded, report.id, "Phoned, number fixed", "cur@example.org")
    assert done.status == "resolved" and done.resolved_by == "cur@example.org" and done.resolved_at
    again = resolve_problem(loaded, report.id, "second click", "other@example.org")
    assert again.resolution_note == "Phoned, number fixed" and again.resolved_by == "cur@example.org"
