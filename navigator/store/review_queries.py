"""SQL for the curators' review queues: problem reports, stale listings, duplicate pairs,
curator-held field overrides. Everything runs inside the caller's session/transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from navigator.store import models as m
from navigator.store.models_curation import ProblemReport


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
