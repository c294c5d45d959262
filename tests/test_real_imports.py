"""The four real directory datasets import with every rejection explained, and re-import as
unchanged. Skipped when ../shared is absent (the data are never copied into the repo)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from navigator.config import Settings
from navigator.ingest.pipeline import import_paths
from navigator.store import models as m
from navigator.store.db import Store

pytestmark = pytest.mark.realdata


def _import_twice(store: Store, settings: Settings, paths: list[Path], source: str):  # type: ignore[no-untyped-def]
    first = import_paths(store, paths, settings=settings, source=source)
    again = import_paths(store, paths, settings=settings, source=source)
    assert again.added == again.updated == 0 and again.unchanged == first.accepted
    assert again.duplicates == [] and not again.file_errors
    return first


def test_oruk_v1_feeds_bristol_and_north_lincolnshire(
    store: Store, settings: Settings, shared_data: Path
) -> None:
    raw = shared_data / "real" / "oruk-bristol-northlincs" / "raw"
    report = _import_twice(
        store,
        settings,
        [raw / "bristol_council_services.json", raw / "north_lincolnshire_council_services.json"],
        "oruk-bristol-northlincs",
    )
    assert report.read == 1557 and report.accepted == 1555
    reasons = sorted(r.reason for r in report.rejected)
    assert len(reasons) == 2
    assert reasons[0].startswith("duplicate id 2af617e5-4532-bebe-1036-ffdf2e93ce55")
    assert "no name" in reasons[1]
    assert all(r.locator.startswith("$[") for r in report.rejected)
    with store.read() as s:
        audiences = s.scalar(select(func.count(func.distinct(m.ServiceTaxonomyTerm.service_id))))
        assert audiences == 357  # services with pc_targetAudience, as the README counts
        assert s.scalar(select(func.count()).where(m.Service.description.like("%<p>%"))) == 0


def test_folkestone_three_table_spreadsheet(store: Store, settings: Settings, shared_data: Path) -> None:
    report = _import_twice(
        store, settings, [shared_data / "real" / "folkestone-hythe" / "raw"], "folkestone-hythe"
    )
    assert report.read == 133 and report.accepted == 133 and not report.rejected
    with store.read() as s:
        repair = s.scalars(select(m.Service).where(m.Service.source_id == "SRV001")).one()
        assert repair.service_at_locations[0].location.addresses[0].postal_code == "CT19 5AE"
        assert repair.is_free is True
        free = s.scalar(select(func.count()).where(m.Service.is_free.is_(True)))
        assert free == 117


def test_miami_hsds_csv_package(store: Store, settings: Settings, shared_data: Path) -> None:
    report = _import_twice(store, settings, [shared_data / "real" / "miami-211-hsds" / "raw"], "miami-211")
    assert report.read == 4089 and report.accepted == 4089 and not report.rejected
    with store.read() as s:
        with_terms = s.scalar(select(func.count(func.distinct(m.ServiceTaxonomyTerm.service_id))))
        assert with_terms == 3589
        with_schedules = s.scalar(select(func.count(func.distinct(m.Schedule.service_id))))
        assert with_schedules == 2597


def test_all_sources_together_flag_few_cross_source_duplicates(
    store: Store, settings: Settings, shared_data: Path
) -> None:
    real = shared_data / "real"
    import_paths(
        store,
        sorted((real / "oruk-bristol-northlincs" / "raw").glob("*.json")),
        settings=settings,
        source="oruk",
    )
    import_paths(store, [real / "folkestone-hythe" / "raw"], settings=settings, source="folkestone")
    miami = import_paths(store, [real / "miami-211-hsds" / "raw"], settings=settings, source="miami")
    # Miami's site-level records ("HIALEAH", "NAPLES" for many different programmes) must not
    # swamp the review queue: only genuinely repeated listings are flagged.
    assert len(miami.duplicates) < 10
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(m.PossibleDuplicate)) < 30
