"""SQL for duplicate detection: the facts each listing is compared on, and the stored pairs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from navigator.ingest.dedupe import DedupeEntry, DuplicatePair, website_host
from navigator.store import models as m


def load_dedupe_entries(session: Session) -> dict[int, DedupeEntry]:
    entries: dict[int, DedupeEntry] = {}
    rows = session.execute(
        select(
            m.Service.id,
            m.Service.source,
            m.Service.source_id,
            m.Service.name,
            m.Service.url,
            m.Organization.name,
            func.substr(m.Service.description, 1, 400),
        )
        .outerjoin(m.Organization, m.Service.organization_id == m.Organization.id)
        .where(m.Service.status != "inactive")
    )
    for sid, source, source_id, name, url, org, description in rows:
        host = website_host(url)
        entries[sid] = DedupeEntry(
            sid, source, source_id, name, org, hosts={host} if host else set(), description=description
        )
    postcodes = session.execute(
        select(m.ServiceAtLocation.service_id, m.Address.postal_code)
        .join(m.Address, m.Address.location_id == m.ServiceAtLocation.location_id)
        .where(m.Address.postal_code.is_not(None))
    )
    for sid, postcode in postcodes:
        if sid in entries and postcode:
            entries[sid].postcodes.add(postcode)
    phones = session.execute(
        select(m.Phone.service_id, m.Phone.number).where(m.Phone.service_id.is_not(None))
    )
    for sid, number in phones:
        if sid in entries and sum(ch.isdigit() for ch in number) >= 8:
            entries[sid].phones.add(number)
    return entries


def judged_pairs(session: Session) -> set[tuple[int, int]]:
    """Pairs already stored (open, or judged by a curator): never reported twice."""
    rows = session.execute(select(m.PossibleDuplicate.service_a_id, m.PossibleDuplicate.service_b_id))
    return {(min(a, b), max(a, b)) for a, b in rows}


def save_pairs(session: Session, pairs: Iterable[DuplicatePair], batch_id: int | None) -> None:
    now = datetime.now()
    for p in pairs:
        a, b = sorted((p.a.service_id, p.b.service_id))
        session.add(
            m.PossibleDuplicate(
                service_a_id=a,
                service_b_id=b,
                score=p.score,
                reasons=list(p.reasons),
                import_batch_id=batch_id,
                found_at=now,
            )
        )
