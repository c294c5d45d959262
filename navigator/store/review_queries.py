"""SQL for the curators' review queues: problem reports, stale listings, duplicate pairs,
curator-held field overrides. Everything runs inside the caller's session/transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import case, delete, func, or_, select
from sqlalchemy.orm import Session, aliased

from navigator.ingest.record import ServiceRecord
from navigator.store import models as m
from navigator.store.models_curation import CuratorOverride, DuplicateDecision, ProblemReport


def service_by_pk(session: Session, service_pk: int) -> m.Service | None:
    return session.get(m.Service, service_pk)


def services_by_listing_id(session: Session, listing_id: str) -> list[m.Service]:
    """Listings with this published id; "SOURCE:ID" picks one source (also when ids collide)."""
    if ":" in listing_id:
        source, _, sid = listing_id.partition(":")
        found = list(
            session.scalars(select(m.Service).where(m.Service.source == source, m.Service.source_id == sid))
        )
        if found:
            return found
    return list(
        session.scalars(select(m.Service).where(m.Service.source_id == listing_id).order_by(m.Service.id))
    )


def add_problem_report(
    session: Session, service_pk: int, reason: str, details: str | None, reported_by: str, now: datetime
) -> ProblemReport:
    report = ProblemReport(
        service_id=service_pk,
        reason=reason,
        details=details,
        reported_by=reported_by,
        created_at=now,
        status="open",
    )
    session.add(report)
    session.flush()
    return report


def problem_report(session: Session, report_id: int) -> ProblemReport | None:
    return session.get(ProblemReport, report_id)


# -- reported problems ---------------------------------------------------------------------------
def open_problems(
    session: Session, *, limit: int, offset: int = 0
) -> tuple[list[tuple[ProblemReport, m.Service]], int]:
    """Open reports, newest first, with their listing; and how many are open in all."""
    where = ProblemReport.status == "open"
    total = session.scalar(select(func.count()).select_from(ProblemReport).where(where)) or 0
    rows = session.execute(
        select(ProblemReport, m.Service)
        .join(m.Service, m.Service.id == ProblemReport.service_id)
        .where(where)
        .order_by(ProblemReport.created_at.desc(), ProblemReport.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [(r, s) for r, s in rows], int(total)


def problems_for(session: Session, service_pk: int) -> list[ProblemReport]:
    return list(
        session.scalars(
            select(ProblemReport)
            .where(ProblemReport.service_id == service_pk)
            .order_by(ProblemReport.created_at.desc(), ProblemReport.id.desc())
        )
    )


# -- needs checking ------------------------------------------------------------------------------
def stale_listings(
    session: Session, cutoff: date, *, source: str | None, limit: int, offset: int
) -> tuple[list[m.Service], int]:
    """Listings still open to the public (not inactive/defunct) whose last verification is before
    `cutoff` or missing: never verified first, then oldest first."""
    where = [
        m.Service.status.not_in(("inactive", "defunct")),
        or_(m.Service.assured_date.is_(None), m.Service.assured_date < cutoff),
    ]
    if source:
        where.append(m.Service.source == source)
    total = session.scalar(select(func.count()).select_from(m.Service).where(*where)) or 0
    never_first = case((m.Service.assured_date.is_(None), 0), else_=1)
    rows = session.scalars(
        select(m.Service)
        .where(*where)
        .order_by(never_first, m.Service.assured_date, m.Service.name, m.Service.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows), int(total)


def sources(session: Session) -> list[str]:
    return list(session.scalars(select(m.Service.source).distinct().order_by(m.Service.source)))


# -- possible duplicates -------------------------------------------------------------------------
def open_duplicate_pairs(
    session: Session, *, limit: int, offset: int = 0
) -> tuple[list[tuple[m.PossibleDuplicate, m.Service, m.Service]], int]:
    """Open pairs whose listings are both still live (a listing merged away or closed leaves the
    queue with it), highest score first."""
    a, b = aliased(m.Service), aliased(m.Service)
    live = ("inactive",)
    where = [
        m.PossibleDuplicate.status == "open",
        a.status.not_in(live),
        b.status.not_in(live),
    ]
    base = (
        select(m.PossibleDuplicate, a, b)
        .join(a, a.id == m.PossibleDuplicate.service_a_id)
        .join(b, b.id == m.PossibleDuplicate.service_b_id)
        .where(*where)
    )
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(
        base.order_by(m.PossibleDuplicate.score.desc(), m.PossibleDuplicate.id).limit(limit).offset(offset)
    )
    return [(p, x, y) for p, x, y in rows], int(total)


def duplicate_pair(session: Session, pair_id: int) -> m.PossibleDuplicate | None:
    return session.get(m.PossibleDuplicate, pair_id)


def add_decision(session: Session, decision: DuplicateDecision) -> None:
    session.add(decision)


# -- history -------------------------------------------------------------------------------------
def add_change(
    session: Session, service_pk: int, actor: str, now: datetime, field_name: str, old: Any, new: Any
) -> None:
    session.add(
        m.ServiceChange(
            service_id=service_pk,
            import_batch_id=None,
            actor=actor[:200],
            changed_at=now,
            field=field_name[:100],
            old_value=as_text(old),
            new_value=as_text(new),
        )
    )


def add_version(session: Session, service: m.Service, now: datetime) -> None:
    """Keep the record as it was before a curator's change (like an import does)."""
    session.add(
        m.ServiceVersion(
            service_id=service.id,
            import_batch_id=None,
            previous_record_json=dict(service.record_json),
            previous_status=service.status,
            saved_at=now,
        )
    )


def as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# -- curator-held fields -------------------------------------------------------------------------
def overrides_for(session: Session, service_pk: int) -> dict[str, CuratorOverride]:
    rows = session.scalars(select(CuratorOverride).where(CuratorOverride.service_id == service_pk))
    return {o.field: o for o in rows}


def hold_field(
    session: Session,
    service_pk: int,
    field_name: str,
    value: Any,
    source_value: Any,
    by: str,
    now: datetime,
    note: str,
) -> None:
    """Make `field_name` curator-held with `value`. An existing hold keeps its `source_value` (what the
    publisher said before any curator touched it); a value equal to that releases the hold."""
    held = session.scalar(
        select(CuratorOverride).where(
            CuratorOverride.service_id == service_pk, CuratorOverride.field == field_name
        )
    )
    publisher = held.source_value if held is not None else source_value
    if value == publisher:
        if held is not None:
            session.delete(held)
        return
    if held is None:
        held = CuratorOverride(service_id=service_pk, field=field_name, source_value=publisher)
        session.add(held)
    held.value = value
    held.set_by = by[:200]
    held.set_at = now
    held.note = note[:200]


def release_field(session: Session, service_pk: int, field_name: str) -> bool:
    result = session.execute(
        delete(CuratorOverride).where(
            CuratorOverride.service_id == service_pk, CuratorOverride.field == field_name
        )
    )
    return bool(getattr(result, "rowcount", 0))


@dataclass
class HeldFields:
    """The curator-held values of one source's listings (by source id), applied by ListingWriter
    on top of each imported record. Empty → imports behave exactly as without curators."""

    by_source_id: dict[str, dict[str, Any]] = field(default_factory=dict)

    def apply(self, record: ServiceRecord) -> tuple[ServiceRecord, list[str]]:
        """The record with curator-held fields in place, and the fields where the publisher's
        value differed from the curator's (what the import report should mention)."""
        held = self.by_source_id.get(record.source_id)
        if not held:
            return record, []
        data = record.model_dump(mode="json")
        kept: list[str] = []
        for name, value in held.items():
            if name not in data:
                continue
            incoming = data[name]
            if name == "assured_date":
                # A verification date only moves forward: a newer one from the publisher wins.
                data[name] = max((d for d in (value, incoming) if d), default=None)
                continue
            if incoming != value:
                kept.append(name)
            data[name] = value
        try:
            return ServiceRecord.model_validate(data), kept
        except ValidationError:  # a hold from an older record shape must never stop an import
            return record, []


def kept_message(field_name: str) -> str:
    """The import-report warning for a curator-held field the publisher still disagrees with."""
    return (
        f"kept curator's value for {field_name}: the source still has a different value. To take the "
        "source's value, release the field on the listing's curator page."
    )


def held_fields(session: Session, source: str) -> HeldFields:
    rows = session.execute(
        select(m.Service.source_id, CuratorOverride.field, CuratorOverride.value)
        .join(m.Service, m.Service.id == CuratorOverride.service_id)
        .where(m.Service.source == source)
    )
    held = HeldFields()
    for source_id, name, value in rows:
        held.by_source_id.setdefault(source_id, {})[name] = value
    return held
