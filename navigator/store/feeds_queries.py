"""SQL for feeds: the registered feeds, each sync attempt, and marking listings that left a feed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from navigator.ingest.record import ServiceRecord
from navigator.store import models as m
from navigator.store.models_feeds import FeedSource, FeedSync
from navigator.store.writer import ListingWriter, bump_generation


@dataclass
class FeedRow:
    id: int
    name: str
    base_url: str
    added_by: str
    added_at: datetime
    last_sync: FeedSync | None


def add_feed(session: Session, name: str, base_url: str, added_by: str) -> FeedSource:
    feed = FeedSource(name=name, base_url=base_url, added_by=added_by, added_at=datetime.now())
    session.add(feed)
    session.flush()
    return feed


def feed_by_name(session: Session, name: str) -> FeedSource | None:
    return session.scalar(select(FeedSource).where(FeedSource.name == name))


def feed_by_id(session: Session, feed_id: int) -> FeedSource | None:
    return session.get(FeedSource, feed_id)


def list_feeds(session: Session) -> list[FeedRow]:
    feeds = list(session.scalars(select(FeedSource).order_by(FeedSource.name)))
    last_ids = [f.last_sync_id for f in feeds if f.last_sync_id]
    syncs = (
        {s.id: s for s in session.scalars(select(FeedSync).where(FeedSync.id.in_(last_ids)))}
        if last_ids
        else {}
    )
    return [
        FeedRow(f.id, f.name, f.base_url, f.added_by, f.added_at, syncs.get(f.last_sync_id or -1))
        for f in feeds
    ]


def remove_feed(session: Session, feed_id: int) -> bool:
    """Forget a feed (its listings and history stay: they are ordinary listings of that source)."""
    feed = session.get(FeedSource, feed_id)
    if feed is None:
        return False
    session.delete(feed)
    return True


def start_sync(session: Session, feed_id: int, actor: str) -> FeedSync:
    sync = FeedSync(
        feed_id=feed_id, actor=actor, started_at=datetime.now(), status="running", pages=0, services=0
    )
    sync.requests = sync.deactivated = 0
    session.add(sync)
    session.flush()
    feed = session.get_one(FeedSource, feed_id)
    feed.last_sync_id = sync.id
    return sync


def update_sync(session: Session, sync_id: int, **values: Any) -> None:
    sync = session.get(FeedSync, sync_id)
    if sync is None:
        return
    for key, value in values.items():
        setattr(sync, key, value)
    if values.get("status") not in (None, "running"):
        sync.finished_at = datetime.now()


def recent_syncs(session: Session, feed_id: int, limit: int = 10) -> list[FeedSync]:
    return list(
        session.scalars(
            select(FeedSync).where(FeedSync.feed_id == feed_id).order_by(FeedSync.id.desc()).limit(limit)
        )
    )


@dataclass
class Vanished:
    service_id: int
    source_id: str
    name: str


def vanished_listings(session: Session, source: str, present: Iterable[str]) -> list[Vanished]:
    """Listings of `source` not in the feed and not already inactive."""
    keep = set(present)
    rows = session.execute(
        select(m.Service.id, m.Service.source_id, m.Service.name).where(
            m.Service.source == source, m.Service.status != "inactive"
        )
    )
    return [Vanished(pk, sid, name) for pk, sid, name in rows if sid not in keep]


def deactivate_vanished(session: Session, batch_id: int, vanished: list[Vanished], actor: str) -> int:
    """Mark these listings inactive as part of import batch `batch_id` (so its rollback restores them).

    The record's own status becomes "inactive" too (and its content hash with it), so a listing that
    comes back in a later sync is an ordinary update (status inactive → active) in that report.
    """
    if not vanished:
        return 0
    batch = session.get_one(m.ImportBatch, batch_id)
    writer = ListingWriter(session, batch.source, batch, actor)
    now = datetime.now()
    for item in vanished:
        service = session.get_one(m.Service, item.service_id)
        previous_json, previous_status = dict(service.record_json), service.status
        session.add(
            m.ServiceVersion(
                service_id=service.id,
                import_batch_id=batch_id,
                previous_record_json=previous_json,
                previous_status=previous_status,
                saved_at=now,
            )
        )
        record = ServiceRecord.model_validate(previous_json).model_copy(update={"status": "inactive"})
        writer.restore(service, record, "inactive")
        session.add(
            m.ServiceChange(
                service_id=service.id,
                import_batch_id=batch_id,
                actor=actor,
                changed_at=now,
                field="status",
                old_value=previous_status,
                new_value="inactive",
            )
        )
    counts = dict(batch.counts or {})
    counts["deactivated"] = len(vanished)
    batch.counts = counts
    report = dict(batch.report_json or {})
    report["deactivated"] = [{"id": v.source_id, "name": v.name} for v in vanished][:2000]
    batch.report_json = report
    bump_generation(session)
    return len(vanished)
