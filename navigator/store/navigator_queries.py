"""SQL for the navigator pages: listings by published id (batched, never one query per card),
shared shortlists by token hash, and records of what was offered with their counts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.orm import Session, selectinload

from navigator.store import models as m
from navigator.store.models_navigator import OfferNeed, OfferRecord, OfferService, SharedShortlist

MAX_BATCH = 200  # ids per IN (...) query: SQLite's variable limit is far above this


def _listing_options() -> list[Any]:
    """Everything a listing page shows, loaded in a fixed number of queries (no lazy loads per row)."""
    return [
        selectinload(m.Service.phones),
        selectinload(m.Service.contacts).selectinload(m.Contact.phones),
        selectinload(m.Service.schedules),
        selectinload(m.Service.cost_options),
        selectinload(m.Service.eligibility),
        selectinload(m.Service.languages),
        selectinload(m.Service.service_areas),
        selectinload(m.Service.taxonomy_links),
        selectinload(m.Service.service_at_locations),
    ]


def listings_by_id(session: Session, listing_id: str) -> list[m.Service]:
    """Listings with this published id (several when sources collide); "SOURCE:ID" picks one source."""
    query = select(m.Service).options(*_listing_options()).order_by(m.Service.id)
    found = list(session.scalars(query.where(m.Service.source_id == listing_id)))
    if not found and ":" in listing_id:
        source, _, sid = listing_id.partition(":")
        found = list(session.scalars(query.where(m.Service.source == source, m.Service.source_id == sid)))
    return found


def listings_by_ids(session: Session, listing_ids: Sequence[str]) -> dict[str, m.Service]:
    """Published id (or "SOURCE:ID") → listing, for many ids in a few queries. Unknown ids are absent;
    when several sources share a bare id the active, then oldest, listing answers for it."""
    wanted = list(dict.fromkeys(i for i in listing_ids if i))[:MAX_BATCH]
    if not wanted:
        return {}
    rows = session.scalars(
        select(m.Service)
        .options(*_listing_options())
        .where(m.Service.source_id.in_(wanted))
        .order_by((m.Service.status != "active"), m.Service.id)
    )
    out: dict[str, m.Service] = {}
    for service in rows:
        out.setdefault(service.source_id, service)
    pairs = [tuple(i.split(":", 1)) for i in wanted if i not in out and ":" in i]
    if pairs:
        for service in session.scalars(
            select(m.Service)
            .options(*_listing_options())
            .where(tuple_(m.Service.source, m.Service.source_id).in_(pairs))
        ):
            out[f"{service.source}:{service.source_id}"] = service
    return out


@dataclass(frozen=True)
class CardExtra:
    """What a result card shows that the search answer does not carry (cost, delivery)."""

    is_free: bool | None
    fees: str | None
    costs: tuple[str, ...]
    delivery_modes: tuple[str, ...]
    minimum_age: int | None
    maximum_age: int | None
    schedules: tuple[dict[str, Any], ...]  # byday (list), opens_at, closes_at, description, freq


def card_extras(session: Session, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], CardExtra]:
    """(source, published id) → cost, ages and opening times for one page of results: three small
    column queries on indexed keys (no ORM entities, no record_json), whatever the page size."""
    pairs = set(list(dict.fromkeys(keys))[:MAX_BATCH])
    if not pairs:
        return {}
    S = m.Service
    rows = [
        r
        for r in session.execute(
            select(
                S.id, S.source, S.source_id, S.is_free, S.fees, S.delivery_modes, S.minimum_age, S.maximum_age
            ).where(S.source_id.in_({sid for _, sid in pairs}))
        )
        if (r.source, r.source_id) in pairs
    ]
    pks = [r.id for r in rows]
    costs: dict[int, list[str]] = {}
    for c in session.execute(
        select(
            m.CostOption.service_id, m.CostOption.option, m.CostOption.amount, m.CostOption.amount_description
        )
        .where(m.CostOption.service_id.in_(pks))
        .order_by(m.CostOption.id)
    ):
        text = " ".join(p for p in (c.option, _amount(c.amount), c.amount_description) if p)
        if text:
            costs.setdefault(c.service_id, []).append(text)
    schedules: dict[int, list[dict[str, Any]]] = {}
    for x in session.execute(
        select(
            m.Schedule.service_id,
            m.Schedule.byday,
            m.Schedule.opens_at,
            m.Schedule.closes_at,
            m.Schedule.description,
            m.Schedule.freq,
        )
        .where(m.Schedule.service_id.in_(pks))
        .order_by(m.Schedule.id)
    ):
        schedules.setdefault(x.service_id, []).append(
            {
                "byday": [d for d in (x.byday or "").split(",") if d.strip()],
                "opens_at": x.opens_at,
                "closes_at": x.closes_at,
                "description": x.description,
                "freq": x.freq,
            }
        )
    return {
        (r.source, r.source_id): CardExtra(
            r.is_free,
            r.fees,
            tuple(costs.get(r.id, ())),
            tuple(r.delivery_modes or ()),
            r.minimum_age,
            r.maximum_age,
            tuple(schedules.get(r.id, ())),
        )
        for r in rows
    }


def _amount(value: float | None) -> str | None:
    if value is None:
        return None
    return f"£{value:,.2f}".replace(".00", "")


# ---- shared shortlists -----------------------------------------------------------------------------
def add_shared_shortlist(
    session: Session, token_hash: str, listing_ids: list[str], created_at: datetime, expires_at: datetime
) -> SharedShortlist:
    row = SharedShortlist(
        token_hash=token_hash, listing_ids=list(listing_ids), created_at=created_at, expires_at=expires_at
    )
    session.add(row)
    session.flush()
    return row


def shared_shortlist(session: Session, token_hash: str) -> SharedShortlist | None:
    return session.scalar(select(SharedShortlist).where(SharedShortlist.token_hash == token_hash))


def delete_expired_shortlists(session: Session, now: datetime) -> int:
    """Expired shared shortlists are of no use to anyone: delete them (returns how many)."""
    result = session.execute(delete(SharedShortlist).where(SharedShortlist.expires_at < now))
    return int(getattr(result, "rowcount", 0) or 0)


# ---- records of what was offered ------------------------------------------------------------------
def add_offer_record(
    session: Session,
    created_at: datetime,
    week: str,
    area: str,
    need_keys: Sequence[str],
    services: Sequence[tuple[str, str]],
) -> OfferRecord:
    """One record: need keys from the vocabulary, (listing id, listing name) pairs, an area."""
    record = OfferRecord(created_at=created_at, week=week, area=area)
    record.needs = [OfferNeed(need_key=k) for k in dict.fromkeys(need_keys)]
    record.services = [OfferService(listing_id=i, listing_name=n) for i, n in dict.fromkeys(services)]
    session.add(record)
    session.flush()
    return record


@dataclass(frozen=True)
class OfferCounts:
    records: int
    by_need: list[tuple[str, int]]  # need key, records mentioning it
    by_area: list[tuple[str, int]]
    by_week: list[tuple[str, int]]
    by_service: list[tuple[str, str, int]]  # listing id, latest name, times offered
    need_area_week: list[tuple[str, str, str, int]]  # week, area, need key, records


def offer_counts(session: Session, since_week: str | None = None) -> OfferCounts:
    """Counts of records by need, area, week and service (from `since_week`, an ISO week, on)."""
    scope = select(OfferRecord.id)
    if since_week:
        scope = scope.where(OfferRecord.week >= since_week)
    ids = scope.scalar_subquery()
    total = int(session.scalar(select(func.count()).where(OfferRecord.id.in_(ids))) or 0)
    need_count = func.count(func.distinct(OfferNeed.record_id))
    by_need = session.execute(
        select(OfferNeed.need_key, need_count)
        .where(OfferNeed.record_id.in_(ids))
        .group_by(OfferNeed.need_key)
        .order_by(need_count.desc(), OfferNeed.need_key)
    ).all()
    by_area = session.execute(
        select(OfferRecord.area, func.count())
        .where(OfferRecord.id.in_(ids))
        .group_by(OfferRecord.area)
        .order_by(func.count().desc(), OfferRecord.area)
    ).all()
    by_week = session.execute(
        select(OfferRecord.week, func.count())
        .where(OfferRecord.id.in_(ids))
        .group_by(OfferRecord.week)
        .order_by(OfferRecord.week.desc())
    ).all()
    by_service = session.execute(
        select(OfferService.listing_id, func.max(OfferService.listing_name), func.count())
        .where(OfferService.record_id.in_(ids))
        .group_by(OfferService.listing_id)
        .order_by(func.count().desc(), OfferService.listing_id)
    ).all()
    cross = session.execute(
        select(OfferRecord.week, OfferRecord.area, OfferNeed.need_key, func.count())
        .join(OfferNeed, OfferNeed.record_id == OfferRecord.id)
        .where(OfferRecord.id.in_(ids))
        .group_by(OfferRecord.week, OfferRecord.area, OfferNeed.need_key)
        .order_by(OfferRecord.week.desc(), OfferRecord.area, OfferNeed.need_key)
    ).all()
    return OfferCounts(
        records=total,
        by_need=[(str(k), int(n)) for k, n in by_need],
        by_area=[(str(k), int(n)) for k, n in by_area],
        by_week=[(str(k), int(n)) for k, n in by_week],
        by_service=[(str(i), str(name), int(n)) for i, name, n in by_service],
        need_area_week=[(str(w), str(a), str(k), int(n)) for w, a, k, n in cross],
    )
