"""Read-side queries for people: counts, staleness, one listing with everything the store holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from navigator.store import models as m


@dataclass
class SourceCounts:
    source: str
    total: int
    by_status: dict[str, int]
    stale: int  # not verified within the staleness window (or never)
    oldest_verified: date | None
    last_import: str | None


def listing_counts(session: Session, stale_after_days: int, today: date | None = None) -> list[SourceCounts]:
    cutoff = (today or date.today()) - timedelta(days=stale_after_days)
    stale = func.sum(
        case((m.Service.assured_date.is_(None), 1), (m.Service.assured_date < cutoff, 1), else_=0)
    )
    rows = session.execute(
        select(m.Service.source, m.Service.status, func.count(), stale, func.min(m.Service.assured_date))
        .group_by(m.Service.source, m.Service.status)
        .order_by(m.Service.source)
    )
    by_source: dict[str, SourceCounts] = {}
    for source, status, count, n_stale, oldest in rows:
        sc = by_source.setdefault(source, SourceCounts(source, 0, {}, 0, None, None))
        sc.total += count
        sc.by_status[status] = count
        sc.stale += int(n_stale or 0)
        if oldest and (sc.oldest_verified is None or oldest < sc.oldest_verified):
            sc.oldest_verified = oldest
    last = session.execute(
        select(m.ImportBatch.source, func.max(m.ImportBatch.finished_at)).group_by(m.ImportBatch.source)
    )
    for source, finished in last:
        if source in by_source and finished:
            by_source[source].last_import = finished.isoformat(timespec="seconds")
    return list(by_source.values())


def find_services(session: Session, listing_id: str) -> list[m.Service]:
    """Listings with this published id; "source:id" picks one source when ids collide."""
    query = select(m.Service).options(
        selectinload(m.Service.phones),
        selectinload(m.Service.schedules),
        selectinload(m.Service.service_at_locations),
        selectinload(m.Service.taxonomy_links),
    )
    found = list(session.scalars(query.where(m.Service.source_id == listing_id)))
    if not found and ":" in listing_id:
        source, _, sid = listing_id.partition(":")
        found = list(session.scalars(query.where(m.Service.source == source, m.Service.source_id == sid)))
    return found


def service_history(session: Session, service_pk: int, limit: int = 50) -> list[m.ServiceChange]:
    return list(
        session.scalars(
            select(m.ServiceChange)
            .where(m.ServiceChange.service_id == service_pk)
            .order_by(m.ServiceChange.changed_at.desc(), m.ServiceChange.id.desc())
            .limit(limit)
        )
    )


def open_duplicates_for(session: Session, service_pk: int) -> list[m.PossibleDuplicate]:
    return list(
        session.scalars(
            select(m.PossibleDuplicate).where(
                m.PossibleDuplicate.status == "open",
                (m.PossibleDuplicate.service_a_id == service_pk)
                | (m.PossibleDuplicate.service_b_id == service_pk),
            )
        )
    )
