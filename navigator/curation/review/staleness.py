"""Needs checking: listings nobody has verified for `stale_after_days` (never verified first, then
oldest first). "Still correct" sets the verified date to today; "closed" makes the listing inactive.
Both are recorded in the listing's history, held against re-imports, and safe to repeat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from navigator.curation.review.changes import (
    check_version,
    current_record,
    listing_ref,
    note_event,
    save_record,
    version_token,
)
from navigator.curation.review.problems import resolve_listing
from navigator.store import review_queries as q
from navigator.store.db import Store

PAGE_SIZE = 25


@dataclass
class StaleItem:
    ref: str
    name: str
    organisation: str | None
    source: str
    status: str
    assured_date: str | None
    days_since: int | None  # None: never verified
    version: str


@dataclass
class StalePage:
    items: list[StaleItem]
    total: int
    page: int
    pages: int
    source: str | None
    sources: list[str]
    cutoff: str


def stale_queue(
    store: Store,
    stale_after_days: int,
    *,
    page: int = 1,
    source: str | None = None,
    today: date | None = None,
) -> StalePage:
    today = today or date.today()
    cutoff = today - timedelta(days=stale_after_days)
    page = max(page, 1)
    with store.read() as session:
        known = q.sources(session)
        chosen = source if source in known else None
        rows, total = q.stale_listings(
            session, cutoff, source=chosen, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        items = [
            StaleItem(
                listing_ref(s),
                s.name,
                s.organization.name if s.organization else None,
                s.source,
                s.status,
                s.assured_date.isoformat() if s.assured_date else None,
                (today - s.assured_date).days if s.assured_date else None,
                version_token(s),
            )
            for s in rows
        ]
    pages = max(1, -(-total // PAGE_SIZE))
    return StalePage(items, total, page, pages, chosen, known, cutoff.isoformat())


def mark_verified(
    store: Store, listing_id: str, version: object, actor: str, today: date | None = None
) -> str:
    """ "Still correct": verified today. Already verified today → nothing to do (a double click)."""
    today = today or date.today()
    with store.write() as session:
        service = resolve_listing(session, listing_id)
        ref = listing_ref(service)
        if service.assured_date == today:
            return f"{ref} was already marked as verified today."
        check_version(service, version, f"“{service.name}” ({ref})")
        record = current_record(service).model_copy(update={"assured_date": today})
        save_record(session, service, record, actor=actor, note="verified: still correct")
        note_event(session, service, actor, f"verified by {actor}: still correct")
        return f"{ref} marked as verified today ({today.isoformat()})."


def mark_closed(store: Store, listing_id: str, version: object, actor: str) -> str:
    """ "Closed": the listing becomes inactive (kept, not deleted; reactivate it by editing)."""
    with store.write() as session:
        service = resolve_listing(session, listing_id)
        ref = listing_ref(service)
        if service.status == "inactive":
            return f"{ref} is already inactive."
        check_version(service, version, f"“{service.name}” ({ref})")
        record = current_record(service).model_copy(update={"status": "inactive"})
        save_record(session, service, record, actor=actor, note="closed")
        note_event(session, service, actor, f"closed by {actor}")
        return f"{ref} is now inactive: it no longer appears in search. Edit it to reactivate."
