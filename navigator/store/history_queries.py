"""SQL for import history and rollback: the batches, what each changed, and whether anything
changed those listings again afterwards.

A rollback is itself written as an `import_batch` row with format "rollback" (its report names the
batch it undid), so history shows it with who and when, and the restored listings point at it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from navigator.store import models as m
from navigator.store.models_curation import ProblemReport

ROLLBACK_FORMAT = "rollback"


@dataclass
class BatchRow:
    id: int
    source: str
    actor: str
    files: list[str]
    format: str | None
    started_at: datetime
    finished_at: datetime | None
    counts: dict[str, int]
    rolled_back_at: datetime | None
    rollback_of: int | None  # for a rollback row: the batch it undid
    rolled_back_by: int | None  # for an import row: the rollback batch that undid it

    @property
    def kind(self) -> str:
        return "rollback" if self.format == ROLLBACK_FORMAT else "import"

    @property
    def status(self) -> str:
        if self.kind == "rollback":
            return "rollback"
        if self.finished_at is None:
            return "unfinished"
        return "rolled back" if self.rolled_back_at else "applied"


def _rollback_targets(session: Session) -> dict[int, int]:
    """{undone batch id: rollback batch id}. Rollback rows are few; their reports say what they undid."""
    rows = session.execute(
        select(m.ImportBatch.id, m.ImportBatch.report_json).where(m.ImportBatch.format == ROLLBACK_FORMAT)
    )
    return {int(r["rollback_of"]): bid for bid, r in rows if isinstance(r, dict) and r.get("rollback_of")}


def _row(b: m.ImportBatch, targets: dict[int, int]) -> BatchRow:
    report = b.report_json if isinstance(b.report_json, dict) else {}
    return BatchRow(
        b.id,
        b.source,
        b.actor,
        list(b.files or []),
        b.format,
        b.started_at,
        b.finished_at,
        dict(b.counts or {}),
        b.rolled_back_at,
        report.get("rollback_of") if b.format == ROLLBACK_FORMAT else None,
        targets.get(b.id),
    )


def list_batches(
    session: Session, *, source: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[BatchRow], int]:
    """Finished batches (dry runs are rolled back, so never stored), newest first, and the total."""
    query = select(m.ImportBatch).where(m.ImportBatch.finished_at.is_not(None))
    if source:
        query = query.where(m.ImportBatch.source == source)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    batches = session.scalars(query.order_by(m.ImportBatch.id.desc()).limit(limit).offset(offset))
    targets = _rollback_targets(session)
    return [_row(b, targets) for b in batches], total


def get_batch(session: Session, batch_id: int) -> BatchRow | None:
    batch = session.get(m.ImportBatch, batch_id)
    return _row(batch, _rollback_targets(session)) if batch is not None else None


def batch_report(session: Session, batch_id: int) -> dict[str, Any] | None:
    batch = session.get(m.ImportBatch, batch_id)
    return batch.report_json if batch is not None and isinstance(batch.report_json, dict) else None


def sources(session: Session) -> list[str]:
    """Every source name listings or imports have used, for the upload form's suggestions."""
    names = set(session.scalars(select(m.ImportBatch.source).distinct()))
    names |= set(session.scalars(select(m.Service.source).distinct()))
    return sorted(names)


def relabel_batch(session: Session, batch_id: int, files: list[str], report: dict[str, Any]) -> None:
    """Replace the staging paths an import was read from with what the curator recognises."""
    session.execute(
        update(m.ImportBatch).where(m.ImportBatch.id == batch_id).values(files=files, report_json=report)
    )


# -- rollback ---------------------------------------------------------------------------------------
def batch_versions(session: Session, batch_id: int) -> list[m.ServiceVersion]:
    """What the batch changed: one row per listing, with the listing (now) loaded."""
    return list(
        session.scalars(
            select(m.ServiceVersion)
            .where(m.ServiceVersion.import_batch_id == batch_id)
            .options(selectinload(m.ServiceVersion.service))
            .order_by(m.ServiceVersion.id)
        )
    )


@dataclass
class LaterChange:
    service_id: int
    batch_id: int | None  # None: a curator's edit
    actor: str
    changed_at: datetime
    fields: list[str]


def later_changes(
    session: Session, batch: m.ImportBatch, service_ids: Iterable[int]
) -> dict[int, LaterChange]:
    """Per listing, the first change made after `batch` that is still in effect.

    Ignored: rollback rows themselves, and changes of a later batch that was rolled back for that
    listing (its rollback wrote rows for it), because then the listing is back as `batch` left it.
    """
    ids = list(service_ids)
    if not ids:
        return {}
    targets = _rollback_targets(session)
    rollback_ids = set(targets.values())
    rows = list(
        session.execute(
            select(
                m.ServiceChange.service_id,
                m.ServiceChange.import_batch_id,
                m.ServiceChange.actor,
                m.ServiceChange.changed_at,
                m.ServiceChange.field,
            )
            .where(
                m.ServiceChange.service_id.in_(ids),
                m.ServiceChange.changed_at >= batch.started_at,
                or_(m.ServiceChange.import_batch_id.is_(None), m.ServiceChange.import_batch_id != batch.id),
            )
            .order_by(m.ServiceChange.changed_at, m.ServiceChange.id)
        )
    )
    undone: set[tuple[int, int]] = set()  # (batch id, service id) a rollback restored
    for sid, bid, _actor, _at, _field in rows:
        if bid in rollback_ids:
            undone |= {(target, sid) for target, rb in targets.items() if rb == bid}
    found: dict[int, LaterChange] = {}
    for sid, bid, actor, at, field_name in rows:
        if bid in rollback_ids or (bid is not None and (bid, sid) in undone):
            continue
        if bid is not None and bid < batch.id:
            continue  # an earlier batch (clock skew between writers): not "later"
        entry = found.get(sid)
        if entry is None:
            found[sid] = LaterChange(sid, bid, actor, at, [field_name])
        elif entry.batch_id == bid and field_name not in entry.fields:
            entry.fields.append(field_name)
    return found


def open_problem_reports(session: Session, service_ids: Iterable[int]) -> dict[int, int]:
    ids = list(service_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(ProblemReport.service_id, func.count())
        .where(ProblemReport.service_id.in_(ids))
        .group_by(ProblemReport.service_id)
    )
    return {sid: n for sid, n in rows}


def places_used_by(session: Session, service_ids: Iterable[int]) -> tuple[set[int], set[int]]:
    """(organisation ids, location ids) these listings point at."""
    ids = list(service_ids)
    if not ids:
        return set(), set()
    orgs = set(
        session.scalars(
            select(m.Service.organization_id).where(
                m.Service.id.in_(ids), m.Service.organization_id.is_not(None)
            )
        )
    )
    locations = set(
        session.scalars(
            select(m.ServiceAtLocation.location_id).where(m.ServiceAtLocation.service_id.in_(ids))
        )
    )
    return {o for o in orgs if o is not None}, locations


def delete_services(session: Session, service_ids: Iterable[int]) -> None:
    """Delete listings; their children, versions, history and duplicate pairs go by ON DELETE CASCADE."""
    ids = list(service_ids)
    if ids:
        session.execute(
            delete(m.Service).where(m.Service.id.in_(ids)), execution_options={"synchronize_session": False}
        )
        session.expire_all()


def delete_orphans(session: Session, org_ids: set[int], location_ids: set[int]) -> tuple[int, int]:
    """Delete those of these organisations/locations that no listing uses any more."""
    removed_orgs = removed_locations = 0
    if org_ids:
        used = set(
            session.scalars(select(m.Service.organization_id).where(m.Service.organization_id.in_(org_ids)))
        )
        gone = org_ids - used
        if gone:
            session.execute(delete(m.Organization).where(m.Organization.id.in_(gone)))
            removed_orgs = len(gone)
    if location_ids:
        used = set(
            session.scalars(
                select(m.ServiceAtLocation.location_id).where(
                    m.ServiceAtLocation.location_id.in_(location_ids)
                )
            )
        )
        gone = location_ids - used
        if gone:
            session.execute(delete(m.Location).where(m.Location.id.in_(gone)))
            removed_locations = len(gone)
    return removed_orgs, removed_locations


def drop_open_duplicates(session: Session, batch_id: int) -> int:
    """Undecided duplicate pairs the batch found; pairs a curator decided on are kept."""
    result = session.execute(
        delete(m.PossibleDuplicate).where(
            m.PossibleDuplicate.import_batch_id == batch_id, m.PossibleDuplicate.status == "open"
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
