"""How every curator change is written: the previous version kept, each changed field in the history
(who, when, field, old → new), the changed fields held against re-imports, the child rows rewritten
through ListingWriter, and the store generation bumped so the search index knows it is stale.

All review actions (edit, merge, "still correct", "closed") go through `save_record`, and all of
them check the listing's version token first: a curator acting on a page rendered before someone
else changed the listing is refused, never silently overwriting the other change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from navigator.ingest.record import ServiceRecord
from navigator.store import models as m
from navigator.store import review_queries as q
from navigator.store.writer import ListingWriter, bump_generation, diff_records


class ChangedMeanwhile(Exception):
    """The listing changed after the page was shown; `message` says what to do."""

    def __init__(self, label: str) -> None:
        self.message = (
            f"{label} was changed by someone else (or an import) after you opened this page. "
            "Nothing was saved. The page now shows the current version: check it and try again."
        )
        super().__init__(self.message)


def version_token(service: m.Service) -> str:
    """What a form carries to prove it was rendered from the listing as it is now."""
    stamp = service.updated_at.strftime("%Y%m%dT%H%M%S%f") if service.updated_at else "-"
    return f"{service.content_hash[:20]}.{stamp}"


def check_version(service: m.Service, token: object, label: str = "This listing") -> None:
    if not isinstance(token, str) or token != version_token(service):
        raise ChangedMeanwhile(label)


def listing_ref(service: m.Service) -> str:
    return f"{service.source}:{service.source_id}"


def current_record(service: m.Service) -> ServiceRecord:
    return ServiceRecord.model_validate(service.record_json)


def save_record(
    session: Session,
    service: m.Service,
    record: ServiceRecord,
    *,
    actor: str,
    note: str,
    now: datetime | None = None,
    hold: bool = True,
) -> list[tuple[str, Any, Any]]:
    """Write `record` as the listing's new content. Returns the changed fields (empty: nothing
    written). With `hold`, each changed field becomes curator-held (kept over re-imports)."""
    now = now or datetime.now()
    old_json = dict(service.record_json)
    changes = diff_records(old_json, record.model_dump(mode="json"))
    if not changes:
        return []
    q.add_version(session, service, now)
    for name, old, new in changes:
        q.add_change(session, service.id, actor, now, name, old, new)
        if hold:
            q.hold_field(session, service.id, name, new, old, actor, now, note)
    # The writer rewrites record_json and every child row; the listing keeps the import batch that
    # brought it in (a curator change is not an import), so the stub batch is never added.
    batch = m.ImportBatch(id=service.import_batch_id, source=service.source)
    writer = ListingWriter(session, service.source, batch, actor, overrides=q.HeldFields())
    writer.now = now
    with session.no_autoflush:
        writer.restore(service, record)
    bump_generation(session)
    session.flush()
    return changes


def note_event(
    session: Session, service: m.Service, actor: str, text: str, now: datetime | None = None
) -> None:
    """A line in the listing's history that is not a field change ("merged from SOURCE:ID")."""
    q.add_change(session, service.id, actor, now or datetime.now(), "review", None, text)
