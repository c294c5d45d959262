"""Rolling back an import: the listings it changed return to their previous versions, nothing else.

- Listings the import **updated** (or a feed sync deactivated) get back the record and status they
  had before it (`ServiceVersion.previous_record_json`, through `ListingWriter.restore`).
- Listings it **added** are deleted, with their history, so the directory is exactly as before and
  importing the same file again adds them again cleanly. Exception: a listing someone has reported
  a problem about is kept and marked inactive instead, because a person's report is never deleted
  by a rollback (importing the file again then shows it as updated: status inactive → active).
  Organisations and locations only the removed listings used go with them; undecided duplicate
  pairs the import found are dropped (decided ones are kept).
- A listing changed again **after** the import (a later import, a curator's edit, a merge) is never
  clobbered: by default the whole rollback is refused and the curator is told which listings and by
  whom; with `skip_changed=True` those listings are left as they are and reported as skipped.
- Every change is recorded in the listing history as made by the curator, under a new batch row
  (format "rollback") that history shows next to the import. One transaction: all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from navigator.ingest.record import ServiceRecord
from navigator.store import history_queries as hq
from navigator.store import models as m
from navigator.store.db import Store
from navigator.store.writer import ListingWriter, bump_generation, diff_records


class RollbackRefused(Exception):
    """The rollback was not made; the message says why. `plan` is set when later changes blocked it."""

    def __init__(self, message: str, plan: RollbackPlan | None = None) -> None:
        super().__init__(message)
        self.plan = plan


@dataclass
class Item:
    service_id: int
    source_id: str
    name: str
    action: str  # restore / remove / deactivate / skip
    reason: str | None = None


@dataclass
class RollbackPlan:
    batch_id: int
    source: str
    items: list[Item] = field(default_factory=list)

    def of(self, action: str) -> list[Item]:
        return [i for i in self.items if i.action == action]

    def counts(self) -> dict[str, int]:
        return {a: len(self.of(a)) for a in ("restore", "remove", "deactivate", "skip")}


@dataclass
class RollbackResult:
    batch_id: int  # the import that was undone
    rollback_batch_id: int
    plan: RollbackPlan
    removed_organisations: int = 0
    removed_locations: int = 0
    dropped_duplicates: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "rollback",
            "rollback_of": self.batch_id,
            "rollback_batch_id": self.rollback_batch_id,
            "counts": self.plan.counts(),
            "removed_organisations": self.removed_organisations,
            "removed_locations": self.removed_locations,
            "dropped_duplicates": self.dropped_duplicates,
            "items": [i.__dict__ for i in self.plan.items],
        }


def _describe(change: hq.LaterChange, session: Session) -> str:
    when = change.changed_at.strftime("%d %b %Y %H:%M")
    fields = ", ".join(change.fields[:5])
    if change.batch_id is None:
        return f"edited by {change.actor} on {when} ({fields})"
    later = session.get(m.ImportBatch, change.batch_id)
    what = f"import #{change.batch_id}" + (f" of '{later.source}'" if later else "")
    return f"changed again by {what}, by {change.actor} on {when} ({fields})"


def plan_rollback(session: Session, batch_id: int) -> RollbackPlan:
    """What rolling this batch back would do, listing by listing. Raises RollbackRefused when it can't."""
    batch = session.get(m.ImportBatch, batch_id)
    if batch is None:
        raise RollbackRefused(f"There is no import #{batch_id}.")
    if batch.format == hq.ROLLBACK_FORMAT:
        raise RollbackRefused(
            f"#{batch_id} is itself a rollback; import the files again to redo that import."
        )
    if batch.finished_at is None:
        raise RollbackRefused(f"Import #{batch_id} did not finish, so it changed nothing.")
    if batch.rolled_back_at is not None:
        when = batch.rolled_back_at.strftime("%d %b %Y %H:%M")
        raise RollbackRefused(f"Import #{batch_id} was already rolled back on {when}.")
    versions = hq.batch_versions(session, batch_id)
    plan = RollbackPlan(batch_id, batch.source)
    later = hq.later_changes(session, batch, [v.service_id for v in versions])
    reports = hq.open_problem_reports(session, [v.service_id for v in versions if v.created])
    for v in versions:
        s = v.service
        if v.service_id in later:
            plan.items.append(
                Item(s.id, s.source_id, s.name, "skip", _describe(later[v.service_id], session))
            )
        elif v.created and reports.get(v.service_id):
            why = f"kept as inactive: {reports[v.service_id]} problem report(s) refer to it"
            plan.items.append(Item(s.id, s.source_id, s.name, "deactivate", why))
        elif v.created:
            plan.items.append(Item(s.id, s.source_id, s.name, "remove"))
        elif v.previous_record_json is not None:
            plan.items.append(Item(s.id, s.source_id, s.name, "restore"))
    return plan


def rollback_batch(store: Store, batch_id: int, *, actor: str, skip_changed: bool = False) -> RollbackResult:
    """Undo one import atomically (see the module docstring)."""
    with store.write() as session:
        plan = plan_rollback(session, batch_id)
        skipped = plan.of("skip")
        if skipped and not skip_changed:
            raise RollbackRefused(
                f"{len(skipped)} listing(s) changed by import #{batch_id} were changed again since, so "
                "rolling back would undo someone else's work. Nothing was rolled back. You can roll back "
                "the rest and leave those listings as they are.",
                plan,
            )
        if not plan.items:
            raise RollbackRefused(
                f"Import #{batch_id} changed no listings, so there is nothing to roll back."
            )
        batch = session.get_one(m.ImportBatch, batch_id)
        now = datetime.now()
        undo = m.ImportBatch(
            source=batch.source, actor=actor, files=[], format=hq.ROLLBACK_FORMAT, started_at=now
        )
        undo.report_json = {"kind": "rollback", "rollback_of": batch_id}
        session.add(undo)
        session.flush()
        result = RollbackResult(batch_id, undo.id, plan)
        versions = {v.service_id: v for v in hq.batch_versions(session, batch_id)}
        touched = [i.service_id for i in plan.items if i.action != "skip"]
        orgs, locations = hq.places_used_by(session, touched)
        writer = ListingWriter(session, batch.source, undo, actor)
        for item in plan.items:
            version = versions[item.service_id]
            if item.action == "restore":
                assert version.previous_record_json is not None
                previous = ServiceRecord.model_validate(version.previous_record_json)
                _restore(
                    session, writer, version.service, previous, version.previous_status, undo, actor, now
                )
            elif item.action == "deactivate":
                current = ServiceRecord.model_validate(version.service.record_json)
                closed = current.model_copy(update={"status": "inactive"})
                _restore(session, writer, version.service, closed, "inactive", undo, actor, now)
        session.flush()
        hq.delete_services(session, [i.service_id for i in plan.of("remove")])
        result.removed_organisations, result.removed_locations = hq.delete_orphans(session, orgs, locations)
        result.dropped_duplicates = hq.drop_open_duplicates(session, batch_id)
        batch = session.get_one(m.ImportBatch, batch_id)
        batch.rolled_back_at = now
        undo.finished_at = datetime.now()
        undo.counts = plan.counts()
        undo.report_json = result.to_dict()
        bump_generation(session)
    return result


def _restore(
    session: Session,
    writer: ListingWriter,
    service: m.Service,
    record: ServiceRecord,
    status: str | None,
    undo: m.ImportBatch,
    actor: str,
    now: datetime,
) -> None:
    old_json = dict(service.record_json)
    old_status = service.status
    new_json = record.model_dump(mode="json")
    changes = diff_records(old_json, new_json)
    writer.restore(service, record, status)
    if old_status != service.status and not any(f == "status" for f, _, _ in changes):
        changes.append(("status", old_status, service.status))
    for field_name, old, new in changes:
        session.add(
            m.ServiceChange(
                service_id=service.id,
                import_batch_id=undo.id,
                actor=actor,
                changed_at=now,
                field=field_name,
                old_value=_text(old),
                new_value=_text(new),
            )
        )


def _text(value: Any) -> str | None:
    import json

    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
