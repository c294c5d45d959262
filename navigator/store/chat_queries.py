"""SQL for the chat area: hand-off requests (create, list, view, mark done, purge).

Times are naive UTC, as everywhere in the store.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from navigator.store.models_chat import HandoffRequest


def add_handoff(
    session: Session,
    *,
    created_at: datetime,
    name: str,
    contact_method: str,
    contact: str,
    note: str | None,
    looking_for: str | None,
    area: str | None,
    urgent: str | None,
) -> HandoffRequest:
    row = HandoffRequest(
        created_at=created_at,
        name=name,
        contact_method=contact_method,
        contact=contact,
        note=note,
        looking_for=looking_for,
        area=area,
        urgent=urgent,
        status="new",
    )
    session.add(row)
    session.flush()
    return row


def list_handoffs(
    session: Session, *, status: str | None = None, limit: int = 100, offset: int = 0
) -> list[HandoffRequest]:
    """Newest first; urgent ones (a crisis signalled in the note) first within the new ones."""
    query = select(HandoffRequest)
    if status is not None:
        query = query.where(HandoffRequest.status == status)
    query = query.order_by(
        HandoffRequest.status.desc(),  # "new" before "done"
        HandoffRequest.urgent.is_(None),
        HandoffRequest.created_at.desc(),
        HandoffRequest.id.desc(),
    )
    return list(session.scalars(query.limit(limit).offset(offset)))


def count_handoffs(session: Session) -> dict[str, int]:
    rows = session.execute(select(HandoffRequest.status, func.count()).group_by(HandoffRequest.status)).all()
    return {str(status): int(count) for status, count in rows}


def get_handoff(session: Session, handoff_id: int) -> HandoffRequest | None:
    return session.get(HandoffRequest, handoff_id)


def mark_handoff_done(session: Session, handoff_id: int, *, by: str, at: datetime) -> HandoffRequest | None:
    row = session.get(HandoffRequest, handoff_id)
    if row is None:
        return None
    if row.status != "done":
        row.status, row.done_by, row.done_at = "done", by, at
    return row


def purge_handoffs(session: Session, *, before: datetime) -> int:
    """Delete every request made before `before`; returns how many went."""
    result = session.execute(delete(HandoffRequest).where(HandoffRequest.created_at < before))
    return int(getattr(result, "rowcount", 0) or 0)
